//! EPUB (2 and 3): the package document (OPF) keeps only what a reader needs (title, language,
//! the unique identifier, dcterms:modified at a fixed time, the cover and rendition metas);
//! creators, contributors, publisher, rights, dates, other identifiers and every other meta
//! (calibre's timestamp, author links, user metadata) go. The unique identifier becomes a fresh
//! random urn:uuid, the same in the OPF, the NCX (`dtb:uid`) and the navigation document. NCX
//! generator and authors, XHTML comments and author/generator metas go; images are cleaned
//! like image files. `mimetype` first and stored, entries as for ODF.

use privkit_core::Error;
use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

use crate::containers::zip::package::{self, Package};
use crate::containers::zip::{self as zipdoc, xml};
use crate::engine::embedded::clean_member;
use crate::engine::members::Members;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Ctx, Format, Found};

pub struct Epub;

/// dcterms:modified is required by EPUB 3: kept, at this time.
const FIXED_MODIFIED: &str = "2000-01-01T00:00:00Z";
/// Nesting past this is not a book.
const MAX_DEPTH: usize = 256;

impl Format for Epub {
    fn name(&self) -> &'static str {
        "EPUB"
    }

    fn describe(&self) -> &'static str {
        "EPUB e-books: the OPF loses creators, contributors, publisher, rights, dates, other \
         identifiers and every meta but the cover, rendition and dcterms:modified (set to a fixed \
         time); the unique identifier becomes a fresh random urn:uuid (also in toc.ncx and the \
         navigation document); NCX generator and authors, XHTML comments and author/generator \
         metas go; images are cleaned like image files; reading-app bookmarks and iTunes \
         metadata go. mimetype stays first and stored; entries get one fixed time, no comments \
         or extra fields. Text, spine and manifest are untouched"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        package::sniff(head) == Some(Package::Epub)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let (parts, removed) = zipdoc::read(src, "EPUB", cx)?;
        plan_parts(parts, removed, cx)
    }
}

/// What becomes of a part, by its name.
enum Part {
    Opf,
    Ncx,
    Markup,
    Keep,
    Drop(&'static str),
    Content,
}

fn part_kind(name: &str) -> Part {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or_default();
    match (lower.as_str(), ext) {
        ("mimetype" | "meta-inf/container.xml" | "meta-inf/encryption.xml" | "meta-inf/rights.xml", _) => {
            Part::Keep
        }
        ("meta-inf/calibre_bookmarks.txt", _) => Part::Drop("reading positions and highlights (calibre)"),
        ("itunesmetadata.plist", _) => Part::Drop("iTunes metadata (purchaser, dates)"),
        (_, "opf") => Part::Opf,
        (_, "ncx") => Part::Ncx,
        (_, "xhtml" | "html" | "htm" | "xml") => Part::Markup,
        // Layout and fonts: no metadata fields of their own.
        (_, "css" | "ttf" | "otf" | "woff" | "woff2" | "js" | "smil") => Part::Keep,
        // Pictures (SVG included) by their own format; anything else by --unknown.
        _ => Part::Content,
    }
}

/// Cleans the parts of an EPUB (read by [`Epub`], or by the zip archive reader when the
/// package was recognised only from the whole listing).
pub fn plan_parts(
    mut parts: Vec<zipdoc::Part>,
    mut removed: Vec<Found>,
    cx: &mut Ctx,
) -> Result<Cleaned, Error> {
    if !parts
        .iter()
        .any(|p| p.name == "mimetype" && p.data.starts_with(package::EPUB_MIME))
    {
        parts.push(zipdoc::Part {
            name: "mimetype".into(),
            data: package::EPUB_MIME.to_vec(),
        });
    }
    let mut members = Members::default();
    let mut unique = None;
    let mut kept = Vec::with_capacity(parts.len());
    for mut part in parts {
        let name = part.name.clone();
        let (data, found) = match part_kind(&name) {
            Part::Keep => (None, Vec::new()),
            Part::Drop(why) => {
                removed.push(Found::new("EPUB", name, why));
                continue;
            }
            Part::Content => {
                if clean_member(&mut part.data, "EPUB", &name, cx, &mut removed, &mut members)? {
                    continue;
                }
                (None, Vec::new())
            }
            Part::Opf => {
                let id = unique_identifier(&part.data);
                let opf = Opf {
                    unique: id.as_ref().map(|(id, _)| id.clone()),
                };
                if unique.is_none() {
                    unique = id.map(|(_, value)| value);
                }
                let (d, f) = filter(&part.data, &name, &opf)?;
                (Some(d), f)
            }
            Part::Ncx => {
                let (d, f) = filter(&part.data, &name, &Ncx)?;
                (Some(d), f)
            }
            Part::Markup => {
                let (d, f) = filter(&part.data, &name, &Markup)?;
                (Some(d), f)
            }
        };
        if !found.is_empty() {
            if let Some(d) = data {
                part.data = d;
            }
            removed.extend(found);
        }
        kept.push(part);
    }
    // A book found clean keeps its identifier (so cleaning twice changes nothing); otherwise it
    // gets a fresh one everywhere it is written.
    if let Some(old) = unique.filter(|u| !removed.is_empty() && !u.is_empty()) {
        let new = fresh_uuid()?;
        for part in kept
            .iter_mut()
            .filter(|p| !matches!(part_kind(&p.name), Part::Content | Part::Keep))
        {
            part.data = replace_all(&part.data, old.as_bytes(), new.as_bytes());
        }
        removed.push(Found::new("EPUB", "unique identifier", summary(old.as_bytes())));
    }
    zipdoc::finish(kept, "mimetype", true, removed, members, cx)
}

/// The package's unique identifier: the id its `package` element names, and that
/// `dc:identifier`'s text as written (escaped).
fn unique_identifier(opf: &[u8]) -> Option<(String, String)> {
    let mut reader = Reader::from_reader(opf);
    let mut id = None;
    let mut inside = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"package" => {
                id = xml::attribute(&e, b"unique-identifier");
            }
            Event::Start(e) if e.local_name().as_ref() == b"identifier" => {
                inside = id.is_some() && xml::attribute(&e, b"id") == id;
            }
            Event::Text(t) if inside => {
                let value = String::from_utf8(t.into_inner().into_owned()).ok()?;
                return id.map(|id| (id, value.trim().to_string()));
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

fn fresh_uuid() -> Result<String, Error> {
    let mut b = [0u8; 16];
    privkit_core::random::fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    ))
}

fn replace_all(hay: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut last = 0;
    for at in memchr::memmem::find_iter(hay, old) {
        out.extend_from_slice(&hay[last..at]);
        out.extend_from_slice(new);
        last = at + old.len();
    }
    out.extend_from_slice(&hay[last..]);
    out
}

/// What happens to an element.
enum Action {
    Keep,
    /// The element and all it contains go.
    Drop,
    /// Its text becomes this.
    Text(&'static str),
}

trait Decide {
    fn decide(&self, local: &[u8], e: &BytesStart) -> Action;
}

fn attr_is(e: &BytesStart, name: &[u8], values: &[&str]) -> bool {
    xml::attribute(e, name).is_some_and(|v| values.iter().any(|x| v.eq_ignore_ascii_case(x)))
}

struct Opf {
    unique: Option<String>,
}

impl Decide for Opf {
    fn decide(&self, local: &[u8], e: &BytesStart) -> Action {
        match local {
            b"creator" | b"contributor" | b"publisher" | b"rights" | b"date" | b"link" => Action::Drop,
            b"identifier" if self.unique.is_some() && xml::attribute(e, b"id") == self.unique => Action::Keep,
            b"identifier" => Action::Drop,
            b"meta" if attr_is(e, b"property", &["dcterms:modified"]) => Action::Text(FIXED_MODIFIED),
            b"meta" if attr_is(e, b"name", &["cover"]) => Action::Keep,
            b"meta" if xml::attribute(e, b"property").is_some_and(|p| p.starts_with("rendition:")) => {
                Action::Keep
            }
            b"meta" => Action::Drop,
            _ => Action::Keep,
        }
    }
}

struct Ncx;

impl Decide for Ncx {
    fn decide(&self, local: &[u8], e: &BytesStart) -> Action {
        match local {
            b"docAuthor" => Action::Drop,
            b"meta" if attr_is(e, b"name", &["dtb:generator"]) => Action::Drop,
            _ => Action::Keep,
        }
    }
}

/// XHTML (and other XML) parts: comments (always) and metas naming a person, tool or date.
struct Markup;

impl Decide for Markup {
    fn decide(&self, local: &[u8], e: &BytesStart) -> Action {
        let personal = |v: String| {
            let v = v.to_ascii_lowercase();
            [
                "author",
                "generator",
                "date",
                "creator",
                "publisher",
                "copyright",
                "dtb:generator",
            ]
            .contains(&v.as_str())
                || v.starts_with("dc.")
                || v.starts_with("dcterms.")
                || v.starts_with("dc:")
                || v.starts_with("dcterms:")
        };
        if local == b"meta" && xml::attribute(e, b"name").is_some_and(personal) {
            Action::Drop
        } else {
            Action::Keep
        }
    }
}

/// Rewrites one XML part: comments and the elements `rules` drop go, texts it fixes are
/// replaced; everything else is written back as it was read. Nothing found: no findings (the
/// caller keeps the original bytes).
fn filter(data: &[u8], part: &str, rules: &dyn Decide) -> Result<(Vec<u8>, Vec<Found>), Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in EPUB {part}: {e}"));
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    let mut writer = Writer::new(Vec::with_capacity(data.len()));
    let mut found = Vec::new();
    let mut depth = 0usize;
    // Inside a dropped element, or one whose text is replaced: the depth it started at, and
    // what it held (for the finding).
    let mut skip: Option<(usize, String, Vec<u8>, Option<&'static str>)> = None;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        match &event {
            Event::Start(_) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::data(format!(
                        "EPUB {part}: XML nested more than {MAX_DEPTH} deep"
                    )));
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => break,
            _ => {}
        }
        if let Some((start, name, mut inside, text)) = skip.take() {
            match &event {
                Event::End(_) if depth < start => {
                    match text {
                        Some(t) if inside == t.as_bytes() => {}
                        _ => found.push(Found::new("EPUB", format!("{part}: <{name}>"), summary(&inside))),
                    }
                    if text.is_some() {
                        writer.write_event(event).map_err(|e| corrupt(&e))?;
                    }
                }
                Event::Text(t) => {
                    if text.is_none() && !inside.is_empty() {
                        inside.push(b' ');
                    }
                    if inside.len() < 4096 {
                        inside.extend_from_slice(t.as_ref());
                    }
                    skip = Some((start, name, inside, text));
                }
                _ => {
                    inside.push(0);
                    skip = Some((start, name, inside, text));
                }
            }
            continue;
        }
        match event {
            Event::Comment(c) => {
                found.push(Found::new(
                    "EPUB",
                    format!("{part}: comment"),
                    summary(c.as_ref()),
                ));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_start = matches!(event, Event::Start(_));
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                match rules.decide(e.local_name().as_ref(), e) {
                    Action::Keep => writer.write_event(event.borrow()).map_err(|e| corrupt(&e))?,
                    Action::Drop if is_start => skip = Some((depth, name, attributes(e), None)),
                    Action::Drop => found.push(Found::new(
                        "EPUB",
                        format!("{part}: <{name}>"),
                        summary(&attributes(e)),
                    )),
                    Action::Text(t) if is_start => {
                        writer.write_event(event.borrow()).map_err(|e| corrupt(&e))?;
                        writer
                            .write_event(Event::Text(BytesText::new(t)))
                            .map_err(|e| corrupt(&e))?;
                        skip = Some((depth, name, Vec::new(), Some(t)));
                    }
                    Action::Text(_) => writer.write_event(event.borrow()).map_err(|e| corrupt(&e))?,
                }
            }
            other => writer.write_event(other).map_err(|e| corrupt(&e))?,
        }
    }
    Ok((writer.into_inner(), found))
}

/// An element's attribute values (what a dropped empty element carried), for the finding.
fn attributes(e: &BytesStart) -> Vec<u8> {
    let mut out = Vec::new();
    for a in e.attributes().with_checks(false).flatten() {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(&a.value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opf_keeps_what_readers_need() {
        let opf = br#"<package unique-identifier="b"><metadata><dc:title>T</dc:title><dc:identifier id="b">urn:x</dc:identifier><dc:identifier>other</dc:identifier><dc:creator>Me</dc:creator><meta property="dcterms:modified">2019-01-01T00:00:00Z</meta><meta name="cover" content="c"/><meta name="calibre:timestamp" content="2019"/></metadata><!-- c --></package>"#;
        let (id, value) = unique_identifier(opf).unwrap();
        assert_eq!((id.as_str(), value.as_str()), ("b", "urn:x"));
        let (out, found) = filter(opf, "content.opf", &Opf { unique: Some(id) }).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            r#"<package unique-identifier="b"><metadata><dc:title>T</dc:title><dc:identifier id="b">urn:x</dc:identifier><meta property="dcterms:modified">2000-01-01T00:00:00Z</meta><meta name="cover" content="c"/></metadata></package>"#
        );
        assert_eq!(found.len(), 5, "{found:?}");
        // Cleaned again: nothing found.
        assert!(filter(
            out.as_bytes(),
            "content.opf",
            &Opf {
                unique: Some("b".into())
            }
        )
        .unwrap()
        .1
        .is_empty());
        assert!(fresh_uuid().unwrap().starts_with("urn:uuid:"));
    }
}
