//! References by relationship id to parts `--remove` takes out: a sheet's `legacyDrawing`, a
//! presentation's `p:sldId`. The relationships themselves go with the parts
//! ([`rels::remove_parts`]); an element still naming one of their ids would make office
//! suites repair the file, so it goes first.

use std::collections::{BTreeMap, BTreeSet};

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::containers::zip::xml;
use crate::containers::zip::{rels, Part};

use super::remove::rels_owner;
use super::remove_marked::copy_without;

/// For each part described by a `.rels` part whose name starts with `prefix`, the ids of its
/// relationships that point at a part in `gone`.
pub fn dangling_ids(
    parts: &[Part],
    gone: &BTreeSet<String>,
    prefix: &str,
) -> Result<BTreeMap<String, BTreeSet<String>>, Error> {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for part in parts
        .iter()
        .filter(|p| p.name.starts_with(prefix) && p.name.ends_with(".rels"))
    {
        let owner = rels_owner(&part.name);
        let base = match part.name.rfind("_rels/") {
            Some(i) => &part.name[..i],
            None => "",
        };
        let mut reader = Reader::from_reader(part.data.as_slice());
        loop {
            let event = reader
                .read_event()
                .map_err(|e| Error::data(format!("corrupt XML in {}: {e}", part.name)))?;
            match event {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) if xml::local(e.name().as_ref()) == b"Relationship" => {
                    let external = xml::attribute(&e, b"TargetMode").as_deref() == Some("External");
                    if let (false, Some(id), Some(target)) =
                        (external, xml::attribute(&e, b"Id"), xml::attribute(&e, b"Target"))
                    {
                        if gone.contains(&rels::resolve(base, &target)) {
                            ids.entry(owner.clone()).or_default().insert(id);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(ids)
}

/// The `r:id` of an element: an attribute named `id` with a namespace prefix (a slide id
/// element also has a plain `id`, its number).
fn relationship_id(e: &BytesStart) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref().ends_with(b":id"))
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// `data` without its `element`s whose `r:id` is in `ids`, and without the elements of the
/// same name that name one of those by number only (`p14:sldId id="257"` in a presentation's
/// sections, for the `p:sldId id="257" r:id=...` that went).
pub fn drop_references(
    data: &[u8],
    element: &[u8],
    ids: &BTreeSet<String>,
    part: &str,
) -> Result<Vec<u8>, Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let named = |e: &BytesStart| xml::local(e.name().as_ref()) == element;
    // First the numbers of the elements that go.
    let mut numbers = BTreeSet::new();
    let mut reader = Reader::from_reader(data);
    loop {
        match reader.read_event().map_err(|e| corrupt(&e))? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e)
                if named(&e) && relationship_id(&e).is_some_and(|id| ids.contains(&id)) =>
            {
                numbers.extend(xml::attribute(&e, b"id"));
            }
            _ => {}
        }
    }
    let dropped = |e: &BytesStart| {
        named(e)
            && match relationship_id(e) {
                Some(id) => ids.contains(&id),
                None => xml::attribute(e, b"id").is_some_and(|n| numbers.contains(&n)),
            }
    };
    copy_without(data, part, dropped)
}

/// Whether an attribute of the part still holds one of `ids` (a relationship id written
/// in some other element: taking the relationship away would leave it dangling).
pub fn names_any(data: &[u8], ids: &BTreeSet<String>) -> bool {
    ids.iter().any(|id| {
        [format!("\"{id}\""), format!("'{id}'")]
            .iter()
            .any(|quoted| memchr::memmem::find(data, quoted.as_bytes()).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_dangling_references_go() {
        let sheet = br#"<worksheet><legacyDrawing r:id="a"/><legacyDrawingHF r:id="b"/><legacyDrawing r:id="c"></legacyDrawing><legacyDrawing r:id="d"/></worksheet>"#;
        let ids = BTreeSet::from(["a".to_string(), "c".to_string(), "b".to_string()]);
        let out = drop_references(sheet, b"legacyDrawing", &ids, "s").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<worksheet><legacyDrawingHF r:id="b"/><legacyDrawing r:id="d"/></worksheet>"#
        );
        let presentation = br#"<p:sldIdLst><p:sldId id="256" r:id="rId7"/><p:sldId id="257" r:id="rId8"/></p:sldIdLst><p14:section><p14:sldIdLst><p14:sldId id="256"/><p14:sldId id="257"/></p14:sldIdLst></p14:section>"#;
        let ids = BTreeSet::from(["rId8".to_string()]);
        let out = drop_references(presentation, b"sldId", &ids, "p").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<p:sldIdLst><p:sldId id="256" r:id="rId7"/></p:sldIdLst><p14:section><p14:sldIdLst><p14:sldId id="256"/></p14:sldIdLst></p14:section>"#
        );
    }
}
