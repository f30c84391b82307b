//! SVG: drop <metadata>, RDF, comments, and the elements and attributes of editor namespaces
//! (Inkscape, Sodipodi, Illustrator, Sketch, ...) with their namespace declarations; the
//! document's own <title>/<desc> (children of the root), and elements of other namespaces
//! inside the <title>/<desc> of shapes (which stay: their accessible names). Every
//! other event is written back exactly as it was read, so the drawing is unchanged.

use std::collections::HashSet;

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::Writer;

use crate::engine::ctx::Ctx;
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};

pub struct Svg;

const SVG_NS: &[u8] = b"http://www.w3.org/2000/svg";

/// Namespaces whose elements and attributes carry editor state or document metadata.
const DROPPED_NS: &[&[u8]] = &[
    b"http://www.inkscape.org/namespaces/inkscape",
    b"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    b"http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    b"http://creativecommons.org/ns#",
    b"http://web.resource.org/cc/",
    b"http://purl.org/dc/elements/1.1/",
    b"http://purl.org/dc/terms/",
    b"http://ns.adobe.com/",
    b"http://www.bohemiancoding.com/sketch/ns",
    b"http://www.serif.com/",
    b"http://www.figma.com/",
];

/// Deeper element nesting than this is refused (a hostile file could nest without end).
const MAX_DEPTH: usize = 1024;

/// More namespace declarations than this in one document are refused: the reader looks each
/// prefixed name up among the declarations in scope, so their number multiplies the work per
/// attribute (real drawings declare about ten).
const MAX_DECLARATIONS: usize = 1000;

/// Counts an element's namespace declarations into `total`; refuses past [`MAX_DECLARATIONS`].
fn check_declarations(e: &BytesStart, total: &mut usize) -> Result<(), Error> {
    *total += e
        .attributes()
        .with_checks(false)
        .flatten()
        .filter(|a| a.key.as_ref().starts_with(b"xmlns"))
        .count();
    if *total > MAX_DECLARATIONS {
        return Err(Error::data(format!(
            "unsupported SVG: more than {MAX_DECLARATIONS} namespace declarations"
        )));
    }
    Ok(())
}

fn dropped_ns(ns: &[u8]) -> bool {
    DROPPED_NS.iter().any(|d| ns.starts_with(d))
}

impl Format for Svg {
    fn name(&self) -> &'static str {
        "SVG"
    }

    fn describe(&self) -> &'static str {
        "removes <metadata>, RDF, comments, editor namespaces (inkscape:, sodipodi:, \
         Illustrator, Sketch) with their attributes, the document's own <title>/<desc> and \
         foreign elements inside shapes' ones; everything else is written back byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        let t = text.trim_start_matches('\u{feff}').trim_start();
        (t.starts_with("<?xml") || t.starts_with("<svg") || t.starts_with("<!")) && t.contains("<svg")
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let input = cx.read_whole(src)?;
        let mut reader = NsReader::from_reader(input.as_slice());
        reader.config_mut().check_end_names = true;
        let mut writer = Writer::new(Vec::with_capacity(input.len()));
        let mut removed = Vec::new();
        let mut skip_depth = 0usize; // >0 while inside a dropped element
        let mut depth = 0usize;
        let mut seen_svg = false;
        let mut declarations = 0usize;
        // The depth of the kept <title>/<desc> being read, 0 outside one.
        let mut text_depth = 0usize;
        let bad = |e: &dyn std::fmt::Display| Error::data(format!("corrupt SVG: {e}"));
        loop {
            let (ns, event) = reader.read_resolved_event().map_err(|e| bad(&e))?;
            let ns_bytes: Option<Vec<u8>> = match ns {
                ResolveResult::Bound(n) => Some(n.as_ref().to_vec()),
                _ => None,
            };
            match event {
                Event::Eof => break,
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let is_start = matches!(event, Event::Start(_));
                    if is_start {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return Err(Error::data(format!(
                                "unsupported SVG: elements nested more than {MAX_DEPTH} deep"
                            )));
                        }
                    }
                    check_declarations(e, &mut declarations)?;
                    if skip_depth > 0 {
                        skip_depth += usize::from(is_start);
                        continue;
                    }
                    let local = e.local_name();
                    let in_svg = ns_bytes.as_deref() == Some(SVG_NS);
                    seen_svg |= in_svg && local.as_ref() == b"svg";
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    let text_element = in_svg && matches!(local.as_ref(), b"title" | b"desc");
                    // The root's own title and description name the document, like a PDF's
                    // Title (exiftool's SVG:Title); those of shapes are their accessible names.
                    let child_of_root = if is_start { depth == 2 } else { depth == 1 };
                    if (in_svg && local.as_ref() == b"metadata")
                        || ns_bytes.as_deref().is_some_and(dropped_ns)
                        || (text_element && child_of_root)
                        || (text_depth > 0 && !in_svg)
                    {
                        removed.push(Found::new(
                            "SVG",
                            format!("<{name}>"),
                            "element and its content".to_string(),
                        ));
                        skip_depth = usize::from(is_start);
                        continue;
                    }
                    if text_element && is_start && text_depth == 0 {
                        text_depth = depth;
                    }
                    let kept = filter_attributes(&reader, e, &name, &mut removed)?;
                    let out = match kept {
                        Some(new) if is_start => Event::Start(new),
                        Some(new) => Event::Empty(new),
                        None => event.clone(),
                    };
                    writer.write_event(out).map_err(|e| bad(&e))?;
                }
                Event::End(_) => {
                    if depth == text_depth {
                        text_depth = 0;
                    }
                    depth = depth.saturating_sub(1);
                    if skip_depth > 0 {
                        skip_depth -= 1;
                        continue;
                    }
                    writer.write_event(event).map_err(|e| bad(&e))?;
                }
                Event::Comment(ref c) => {
                    if skip_depth == 0 {
                        removed.push(Found::new("SVG", "Comment", summary(c.as_ref())));
                    }
                }
                other => {
                    if skip_depth == 0 {
                        writer.write_event(other).map_err(|e| bad(&e))?;
                    }
                }
            }
        }
        if !seen_svg {
            return Err(Error::data(
                "not an SVG document (no <svg> element in the SVG namespace)",
            ));
        }
        let output = writer.into_inner();
        let mut plan = Plan::new();
        if removed.is_empty() && output == input {
            plan.range(0, input.len() as u64);
        } else {
            plan.bytes(&output);
        }
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

/// Drops the attributes in editor namespaces and the declarations of those namespaces. Returns
/// the rebuilt tag, or None when nothing was dropped (the original bytes are then kept).
fn filter_attributes(
    reader: &NsReader<&[u8]>,
    e: &BytesStart,
    name: &str,
    removed: &mut Vec<Found>,
) -> Result<Option<BytesStart<'static>>, Error> {
    let mut keep = Vec::new();
    let mut dropped = false;
    // quick-xml's own duplicate check compares each attribute with all before it: quadratic,
    // minutes for one element with 100,000 attributes. A set does it in one pass.
    let mut seen = HashSet::new();
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|e| Error::data(format!("corrupt SVG: {e}")))?;
        let key = attr.key.into_inner();
        if !seen.insert(key) {
            return Err(Error::data(format!(
                "corrupt SVG: <{name}> has the attribute {} twice",
                String::from_utf8_lossy(key)
            )));
        }
        let declares_dropped = (key.starts_with(b"xmlns:") || key == b"xmlns") && dropped_ns(&attr.value);
        // An unprefixed attribute is in no namespace; a prefixed one is looked up among the
        // declarations in scope, which `check_declarations` keeps few.
        let in_dropped = attr.key.prefix().is_some()
            && match reader.resolve_attribute(attr.key).0 {
                ResolveResult::Bound(ns) => dropped_ns(ns.as_ref()),
                _ => false,
            };
        if declares_dropped || in_dropped {
            dropped = true;
            if !declares_dropped {
                removed.push(Found::new(
                    "SVG",
                    format!("{name} @{}", String::from_utf8_lossy(key)),
                    summary(&attr.value),
                ));
            }
        } else {
            keep.push(attr);
        }
    }
    if !dropped {
        return Ok(None);
    }
    let mut new = BytesStart::new(name.to_string());
    for attr in keep {
        new.push_attribute(attr);
    }
    Ok(Some(new))
}
