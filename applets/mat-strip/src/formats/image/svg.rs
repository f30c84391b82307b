//! SVG: drop <metadata>, RDF, comments, and the elements and attributes of editor namespaces
//! (Inkscape, Sodipodi, Illustrator, Sketch, ...) with their namespace declarations; the
//! document's own <title>/<desc> (children of the root), and elements and attributes of other
//! namespaces inside the <title>/<desc> of shapes (which stay: their accessible names);
//! character data outside text elements, which no renderer draws (its white space stays). Every
//! other event is written back exactly as it was read, so the drawing is unchanged.
//! A root <svg> in a foreign namespace (or none) is cleaned by the same rules, with a warning.

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
use crate::tags::xmp;

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

/// Namespaces an SVG renderer draws from: everything else is editor state or metadata (renderers
/// ignore it), so it is dropped too, known or not. A namespace a mutation or an unknown editor
/// renamed (`sodipodi-0.d`) is thus dropped like the one it was (regression: the mutation test
/// found `sodipodi:docname` kept under a damaged namespace URI).
const DRAWN_NS: &[&[u8]] = &[
    SVG_NS,
    b"http://www.w3.org/1999/xlink",
    b"http://www.w3.org/XML/1998/namespace",
    b"http://www.w3.org/1999/xhtml",
    b"http://www.w3.org/1998/Math/MathML",
];

/// SVG elements whose character data is content (drawn, or read as a name, a style or a script),
/// with everything inside them. Character data anywhere else is not rendered (SVG 1.1, 10.2:
/// only text content elements render text), so a non-blank run of it between shapes is no part
/// of the drawing: it is dropped, its white space kept (regression: the mutation test found a
/// comment whose `<` was damaged kept as such text, `!-- PKSECRET-inner-comment -->`).
const TEXT_ELEMENTS: &[&[u8]] = &[
    b"text",
    b"tspan",
    b"textPath",
    b"tref",
    b"altGlyph",
    b"title",
    b"desc",
    b"style",
    b"script",
    b"foreignObject",
    // SVG 1.2 flowed text (Inkscape writes it) and SVG Tiny's text areas.
    b"flowRoot",
    b"flowPara",
    b"flowSpan",
    b"flowDiv",
    b"textArea",
];

/// The namespaces whose attributes stay inside a shape's <title>/<desc>: any other (XHTML,
/// MathML, an editor's) is foreign there and may carry text about whoever made the drawing.
const TEXT_NS: &[&[u8]] = &[
    b"http://www.w3.org/1999/xlink",
    b"http://www.w3.org/XML/1998/namespace",
];

/// Whether `ns` is dropped; `doc` is a foreign root's namespace, drawn as SVG's.
fn dropped_ns(ns: &[u8], doc: Option<&[u8]>) -> bool {
    doc != Some(ns) && (DROPPED_NS.iter().any(|d| ns.starts_with(d)) || !DRAWN_NS.contains(&ns))
}

/// Where the text starts once leading byte order marks, then white space, are skipped (what
/// `trim_start_matches('\u{feff}').trim_start()` leaves of the text decoded lossily): the
/// offset of the first other character, or of the first byte that is not UTF-8.
fn text_start(head: &[u8]) -> usize {
    let mut at = 0;
    let mut boms = true;
    for chunk in head.utf8_chunks() {
        for c in chunk.valid().chars() {
            boms &= c == '\u{feff}';
            if !boms && !c.is_whitespace() {
                return at;
            }
            at += c.len_utf8();
        }
        if !chunk.invalid().is_empty() {
            return at;
        }
    }
    at
}

impl Format for Svg {
    fn name(&self) -> &'static str {
        "SVG"
    }

    fn describe(&self) -> &'static str {
        "removes <metadata>, RDF, comments, editor namespaces (inkscape:, sodipodi:, \
         Illustrator, Sketch) with their attributes, the document's own <title>/<desc> and \
         foreign elements and attributes inside shapes' ones; everything else is written back byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        // The text after byte order marks and white space starts like XML and holds an <svg>.
        // Judged on the bytes: every photo and song is sniffed by SVG before its own format,
        // and a lossy copy of its 256 KiB head cost more than cleaning a small MP3. (The
        // prefixes are ASCII, which decodes to itself and never belongs to an invalid sequence.)
        let t = &head[text_start(head)..];
        (t.starts_with(b"<?xml") || t.starts_with(b"<svg") || t.starts_with(b"<!"))
            && memchr::memmem::find(t, b"<svg").is_some()
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
        // The namespace of a root <svg> that is not SVG's (mat2's weird.svg binds the default
        // namespace to `http://www.w3.org/1337/svg`; a root may have none at all): no browser
        // draws such a file as SVG, but it is an editor's drawing with the same metadata, so
        // its namespace is read as SVG's and the same rules clean it. `Some(None)`: no
        // namespace.
        let mut doc_ns: Option<Option<Vec<u8>>> = None;
        let mut declarations = 0usize;
        // The depth of the kept <title>/<desc> being read, 0 outside one.
        let mut text_depth = 0usize;
        // For each open element (all kept while nothing is skipped): whether character data
        // in it is content (see TEXT_ELEMENTS).
        let mut text_is_content: Vec<bool> = Vec::new();
        // Where the <metadata> being skipped starts, to list the XMP it holds once it ends.
        let mut metadata_at: Option<u64> = None;
        let bad = |e: &dyn std::fmt::Display| Error::data(format!("corrupt SVG: {e}"));
        loop {
            let before = reader.buffer_position();
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
                    let root = if is_start { depth == 1 } else { depth == 0 };
                    if root && local.as_ref() == b"svg" && ns_bytes.as_deref() != Some(SVG_NS) {
                        let uri = ns_bytes
                            .as_deref()
                            .map_or("no namespace".into(), String::from_utf8_lossy);
                        cx.notes.push(format!(
                            "the root <svg> is not in the SVG namespace ({uri}): browsers do not draw \
                             it as SVG; cleaned with SVG's rules"
                        ));
                        doc_ns = Some(ns_bytes.clone());
                    }
                    let in_svg = ns_bytes.as_deref() == Some(SVG_NS) || doc_ns.as_ref() == Some(&ns_bytes);
                    seen_svg |= in_svg && local.as_ref() == b"svg";
                    let doc = doc_ns.as_ref().and_then(|n| n.as_deref());
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    // An element whose prefix is bound to nothing is in no namespace a renderer
                    // knows: dropped like an editor's.
                    let unbound_prefix = e.name().prefix().is_some() && ns_bytes.is_none();
                    let text_element = in_svg && matches!(local.as_ref(), b"title" | b"desc");
                    // The root's own title and description name the document, like a PDF's
                    // Title (exiftool's SVG:Title); those of shapes are their accessible names.
                    let child_of_root = if is_start { depth == 2 } else { depth == 1 };
                    if (in_svg && local.as_ref() == b"metadata")
                        || unbound_prefix
                        || ns_bytes.as_deref().is_some_and(|n| dropped_ns(n, doc))
                        || (text_element && child_of_root)
                        || (text_depth > 0 && !in_svg)
                    {
                        removed.push(Found::new(
                            "SVG",
                            format!("<{name}>"),
                            "element and its content".to_string(),
                        ));
                        skip_depth = usize::from(is_start);
                        if is_start && in_svg && local.as_ref() == b"metadata" {
                            metadata_at = Some(reader.buffer_position());
                        }
                        continue;
                    }
                    if text_element && is_start && text_depth == 0 {
                        text_depth = depth;
                    }
                    if is_start {
                        // XHTML and MathML (in a foreignObject) hold their text as content.
                        let content = text_is_content.last() == Some(&true)
                            || !in_svg
                            || TEXT_ELEMENTS.contains(&local.as_ref());
                        text_is_content.push(content);
                    }
                    // The attributes of a kept <title>/<desc> and of what it holds are text
                    // about the shape, not drawing: only SVG's own (no prefix), xml: and
                    // xlink: ones stay there.
                    let in_text = text_depth > 0 || text_element;
                    let kept = filter_attributes(&reader, e, &name, in_text, doc, &mut removed)?;
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
                        let ended = if skip_depth == 0 { metadata_at.take() } else { None };
                        if let Some(at) = ended {
                            // The metadata's RDF (an XMP packet without its wrapper), by
                            // property, so that a creator is named.
                            let body = match (usize::try_from(at), usize::try_from(before)) {
                                (Ok(at), Ok(end)) => input.get(at..end),
                                _ => None,
                            };
                            if let Some(body) = body.filter(|b| b.windows(7).any(|w| w == b"rdf:RDF")) {
                                removed.extend(xmp::list_as("SVG XMP", body));
                            }
                        }
                        continue;
                    }
                    text_is_content.pop();
                    writer.write_event(event).map_err(|e| bad(&e))?;
                }
                Event::Comment(ref c) => {
                    if skip_depth == 0 {
                        removed.push(Found::new("SVG", "Comment", summary(c.as_ref())));
                    }
                }
                // Text outside the root element is not XML (only white space may be there): a
                // comment whose `<!--` was damaged would be kept as text (regression, found by
                // the mutation test).
                Event::Text(ref t) if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) => {
                    return Err(Error::data("corrupt SVG: text outside the root element"));
                }
                Event::Text(ref t)
                    if skip_depth == 0
                        && text_is_content.last() == Some(&false)
                        && !t.iter().all(u8::is_ascii_whitespace) =>
                {
                    removed.push(Found::new("SVG", "text", summary(t.as_ref())));
                    // The indentation around it stays.
                    let text: &[u8] = t.as_ref();
                    let lead = text.iter().take_while(|b| b.is_ascii_whitespace()).count();
                    let trail = text.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
                    let blank = [&text[..lead], &text[text.len() - trail..]].concat();
                    writer
                        .write_event(Event::Text(quick_xml::events::BytesText::from_escaped(
                            String::from_utf8_lossy(&blank).into_owned(),
                        )))
                        .map_err(|e| bad(&e))?;
                }
                Event::CData(ref t) if skip_depth == 0 && text_is_content.last() == Some(&false) => {
                    removed.push(Found::new("SVG", "text", summary(t.as_ref())));
                }
                Event::GeneralRef(ref r) if skip_depth == 0 && text_is_content.last() == Some(&false) => {
                    removed.push(Found::new("SVG", "text", summary(r.as_ref())));
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
                "not an SVG document (no <svg> element in the SVG namespace, nor a root <svg>)",
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
    in_text: bool,
    doc: Option<&[u8]>,
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
        let declares_dropped =
            (key.starts_with(b"xmlns:") || key == b"xmlns") && dropped_ns(&attr.value, doc);
        // An unprefixed attribute is in no namespace; a prefixed one is looked up among the
        // declarations in scope, which `check_declarations` keeps few.
        // A prefix bound to nothing (or a name such as `:export-filename`) names no namespace
        // a renderer knows: dropped.
        let in_dropped = !declares_dropped
            && !key.starts_with(b"xmlns")
            && key.contains(&b':')
            && match reader.resolve_attribute(attr.key).0 {
                ResolveResult::Bound(ns) => {
                    dropped_ns(ns.as_ref(), doc) || (in_text && !TEXT_NS.contains(&ns.as_ref()))
                }
                _ => true,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Options, Purpose};
    use crate::registry::REGISTRY;

    /// The sniff judges bytes as the lossily decoded text was judged: byte order marks, then
    /// Unicode white space, skipped; a byte that is not UTF-8 is not the start of a tag.
    #[test]
    fn sniff_reads_the_start_as_text_would() {
        let old = |head: &[u8]| {
            let text = String::from_utf8_lossy(head);
            let t = text.trim_start_matches('\u{feff}').trim_start();
            (t.starts_with("<?xml") || t.starts_with("<svg") || t.starts_with("<!")) && t.contains("<svg")
        };
        let cases: &[&[u8]] = &[
            b"<svg/>",
            b"\xef\xbb\xbf\xef\xbb\xbf \n<?xml?><svg/>",
            " \u{a0}\u{3000}<!-- --><svg/>".as_bytes(),
            " \u{feff}<svg/>".as_bytes(),
            b"\xff<svg/>",
            b"<?xml?>\xff\xfe<svg",
            b"<sv\xffg",
            b"  ",
            b"",
            b"\xef\xbb",
            b"ID3\x03\0\0<svg",
            b"<html><svg/>",
        ];
        for case in cases {
            assert_eq!(Svg.sniff(case), old(case), "{case:?}");
        }
    }

    fn clean(svg: &str) -> String {
        let opts = Options::default();
        let src = Source::Memory(svg.as_bytes().to_vec());
        let cleaned = Svg
            .plan(&src, &mut Ctx::new(opts, Purpose::Plan, &REGISTRY))
            .unwrap();
        let mut out = Vec::new();
        cleaned.plan.write_to(&src, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Regression (found by the mutation test): an editor namespace whose URI was damaged, a
    /// prefix bound to nothing and an empty prefix kept their attributes and elements.
    #[test]
    fn namespaces_no_renderer_draws_are_dropped_whatever_their_uri() {
        let out = clean(
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
                 xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.d"
                 sodipodi:docname="SECRET1" :export-filename="SECRET2" nope:a="SECRET3" width="2">
               <sodipodi:namedview id="SECRET4"/><nope:x>SECRET5</nope:x>
               <use xlink:href="#a" xml:space="preserve"/></svg>"##,
        );
        assert!(!out.contains("SECRET"), "{out}");
        assert!(
            out.contains(r#"width="2""#) && out.contains(r##"xlink:href="#a""##),
            "{out}"
        );
        assert!(out.contains(r#"xml:space="preserve""#), "{out}");
    }

    /// Regression (found by the mutation test): a comment whose `<` was damaged is character
    /// data between shapes, which no renderer draws: it goes, the white space around it and
    /// the text of text elements (and of XHTML in a foreignObject) stay.
    #[test]
    fn character_data_outside_text_elements_is_dropped() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <g>\n    <rect width=\"1\"/>\n    \
                   !-- SECRET1 -->\n    <path d=\"M0 0\"/>&amp;<![CDATA[SECRET2]]>\n  </g>\n  \
                   <text>kept1 <tspan>kept2</tspan> &amp; <a>kept3</a></text>\n  \
                   <g><title>kept4</title></g><style>.a{fill:red}</style>\n  \
                   <foreignObject><p xmlns=\"http://www.w3.org/1999/xhtml\">kept5</p></foreignObject>\n  \
                   <flowRoot><flowPara>kept6</flowPara></flowRoot>\n</svg>\n";
        let out = clean(svg);
        assert!(!out.contains("SECRET"), "{out}");
        assert!(
            out.contains("<rect width=\"1\"/>\n    \n    <path d=\"M0 0\"/>\n  </g>"),
            "{out}"
        );
        for kept in [
            "kept1 <tspan>kept2</tspan> &amp; <a>kept3",
            "kept4",
            ".a{fill:red}",
            "kept5",
            "kept6",
        ] {
            assert!(out.contains(kept), "{kept}: {out}");
        }
        assert_eq!(clean(&out), out, "not stable");
    }

    #[test]
    fn text_outside_the_root_is_refused() {
        let svg = "<?xml version=\"1.0\"?>\n-- by SECRET -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n";
        let src = Source::Memory(svg.as_bytes().to_vec());
        let opts = Options::default();
        let err = Svg
            .plan(&src, &mut Ctx::new(opts, Purpose::Plan, &REGISTRY))
            .unwrap_err();
        assert!(err.to_string().contains("text outside the root"), "{err}");
    }
}
