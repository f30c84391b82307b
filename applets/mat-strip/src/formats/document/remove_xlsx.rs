//! Spreadsheet comments removed on request (`--remove comments`): the comments parts, the VML
//! drawings that draw their notes, and the sheets' references to those drawings
//! (`legacyDrawing`). Relationships and content types go with the parts ([`rels::remove_parts`]).

use std::collections::{BTreeMap, BTreeSet};

use privkit_core::Error;
use quick_xml::events::Event;
use quick_xml::{Reader, Writer};

use crate::containers::zip::xml;
use crate::containers::zip::{rels, Part};

use super::remove::rels_owner;

/// Spreadsheet comment parts: legacy comments (`xl/comments1.xml`, `xl/comments/comment1.xml`)
/// and threaded comments with the people they name (`xl/persons/`, only they refer to it).
/// Not the VML drawing that shows them: see [`comment_drawings`].
pub fn is_comment_part(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    name.starts_with("xl/")
        && name.ends_with(".xml")
        && (base.starts_with("comment")
            || name.starts_with("xl/comments/")
            || name.starts_with("xl/threadedComments/")
            || name.starts_with("xl/persons/"))
}

/// The VML drawings of a workbook that hold comment notes only; they go with the comments.
/// A drawing that also holds controls or pictures cannot be taken apart yet: its name is the
/// error, and the workbook is refused rather than half-cleaned.
pub fn comment_drawings(parts: &[Part]) -> Result<BTreeSet<String>, String> {
    let mut gone = BTreeSet::new();
    for part in parts
        .iter()
        .filter(|p| p.name.starts_with("xl/") && p.name.ends_with(".vml"))
    {
        let notes = count(&part.data, br#"ObjectType="Note""#);
        if notes == 0 {
            continue;
        }
        if count(&part.data, b"ObjectType=") != notes || count(&part.data, b"imagedata") != 0 {
            return Err(part.name.clone());
        }
        gone.insert(part.name.clone());
    }
    Ok(gone)
}

fn count(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len()).filter(|w| *w == needle).count()
}

/// For each sheet, the relationship ids (from its `.rels` part) that point at a part in `gone`:
/// its `legacyDrawing` elements with those ids must go before the drawing does.
pub fn dangling_ids(
    parts: &[Part],
    gone: &BTreeSet<String>,
) -> Result<BTreeMap<String, BTreeSet<String>>, Error> {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for part in parts
        .iter()
        .filter(|p| p.name.starts_with("xl/worksheets/_rels/"))
    {
        let sheet = rels_owner(&part.name);
        let base = sheet.rfind('/').map_or("", |i| &sheet[..=i]).to_string();
        let mut reader = Reader::from_reader(part.data.as_slice());
        loop {
            let event = reader
                .read_event()
                .map_err(|e| Error::data(format!("corrupt XML in {}: {e}", part.name)))?;
            match event {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) if xml::local(e.name().as_ref()) == b"Relationship" => {
                    if let (Some(id), Some(target)) =
                        (xml::attribute(&e, b"Id"), xml::attribute(&e, b"Target"))
                    {
                        if gone.contains(&rels::resolve(&base, &target)) {
                            ids.entry(sheet.clone()).or_default().insert(id);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(ids)
}

/// A sheet without its `legacyDrawing` elements whose relationship id is in `ids`.
pub fn drop_legacy_drawings(data: &[u8], ids: &BTreeSet<String>, part: &str) -> Result<Vec<u8>, Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    let mut writer = Writer::new(Vec::with_capacity(data.len()));
    let mut skipping = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        let dangling = |e: &quick_xml::events::BytesStart| {
            xml::local(e.name().as_ref()) == b"legacyDrawing"
                && xml::attribute(e, b"id").is_some_and(|id| ids.contains(&id))
        };
        match &event {
            Event::Eof => break,
            _ if skipping > 0 => {
                match &event {
                    Event::Start(_) => skipping += 1,
                    Event::End(_) => skipping -= 1,
                    _ => {}
                }
                continue;
            }
            Event::Empty(e) if dangling(e) => continue,
            Event::Start(e) if dangling(e) => {
                skipping = 1;
                continue;
            }
            _ => {}
        }
        writer.write_event(event).map_err(|e| corrupt(&e))?;
    }
    Ok(writer.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_parts_and_their_drawings_are_told_apart() {
        assert!(is_comment_part("xl/comments1.xml"));
        assert!(is_comment_part("xl/comments/comment1.xml"));
        assert!(is_comment_part("xl/threadedComments/threadedComment1.xml"));
        assert!(is_comment_part("xl/persons/person.xml"));
        assert!(!is_comment_part("xl/worksheets/sheet1.xml"));
        assert!(!is_comment_part("xl/drawings/commentsDrawing1.vml"));
        let vml = |data: &str| Part {
            name: "xl/drawings/vmlDrawing1.vml".into(),
            data: data.as_bytes().to_vec(),
        };
        let notes = vml(r#"<x:ClientData ObjectType="Note"/><x:ClientData ObjectType="Note"/>"#);
        assert_eq!(comment_drawings(&[notes]).unwrap().len(), 1);
        let mixed = vml(r#"<x:ClientData ObjectType="Note"/><x:ClientData ObjectType="Button"/>"#);
        assert!(comment_drawings(&[mixed]).is_err());
        let controls = vml(r#"<x:ClientData ObjectType="Button"/>"#);
        assert!(comment_drawings(&[controls]).unwrap().is_empty());
    }

    #[test]
    fn only_the_dangling_legacy_drawing_goes() {
        let sheet = br#"<worksheet><legacyDrawing r:id="a"/><legacyDrawingHF r:id="b"/><legacyDrawing r:id="c"></legacyDrawing></worksheet>"#;
        let ids = BTreeSet::from(["a".to_string(), "c".to_string(), "b".to_string()]);
        let out = drop_legacy_drawings(sheet, &ids, "s").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<worksheet><legacyDrawingHF r:id="b"/></worksheet>"#
        );
    }
}
