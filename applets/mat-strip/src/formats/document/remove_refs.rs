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

/// The relationships of a `.rels` part: (id, the target as a part name), internal targets only.
pub fn relationships(rels_part: &Part) -> Result<Vec<(String, String)>, Error> {
    let base = match rels_part.name.rfind("_rels/") {
        Some(i) => &rels_part.name[..i],
        None => "",
    };
    let mut out = Vec::new();
    let mut reader = Reader::from_reader(rels_part.data.as_slice());
    loop {
        let event = reader
            .read_event()
            .map_err(|e| Error::data(format!("corrupt XML in {}: {e}", rels_part.name)))?;
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if xml::local(e.name().as_ref()) == b"Relationship" => {
                let external = xml::attribute(&e, b"TargetMode").as_deref() == Some("External");
                if let (false, Some(id), Some(target)) =
                    (external, xml::attribute(&e, b"Id"), xml::attribute(&e, b"Target"))
                {
                    out.push((id, rels::resolve(base, &target)));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

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
        for (id, target) in relationships(part)? {
            if gone.contains(&target) {
                ids.entry(rels_owner(&part.name)).or_default().insert(id);
            }
        }
    }
    Ok(ids)
}

/// The `.rels` part describing `owner` (`ppt/slides/slide1.xml` → `ppt/slides/_rels/slide1.xml.rels`).
pub fn rels_of(owner: &str) -> String {
    match owner.rfind('/') {
        Some(i) => format!("{}_rels/{}.rels", &owner[..=i], &owner[i + 1..]),
        None => format!("_rels/{owner}.rels"),
    }
}

/// Takes the relationships `ids` out of `owner`'s `.rels` part and returns the parts they
/// pointed at.
pub fn drop_relationships(
    parts: &mut [Part],
    owner: &str,
    ids: &BTreeSet<String>,
) -> Result<BTreeSet<String>, Error> {
    let name = rels_of(owner);
    let Some(part) = parts.iter_mut().find(|p| p.name == name) else {
        return Ok(BTreeSet::new());
    };
    let targets = relationships(part)?
        .into_iter()
        .filter(|(id, _)| ids.contains(id))
        .map(|(_, target)| target)
        .collect();
    part.data = copy_without(&part.data, &part.name, |e| {
        xml::local(e.name().as_ref()) == b"Relationship"
            && xml::attribute(e, b"Id").is_some_and(|id| ids.contains(&id))
    })?;
    Ok(targets)
}

/// Of `candidates`, the parts no relationship of a part that stays points at any more, with
/// their own `.rels` parts and, in turn, what only those pointed at (a chart's embedded
/// workbook): all of it can go with `gone` without leaving a reference behind.
pub fn orphans(
    parts: &[Part],
    mut candidates: BTreeSet<String>,
    gone: &BTreeSet<String>,
) -> Result<BTreeSet<String>, Error> {
    let mut out = BTreeSet::new();
    // Each round takes at least one part away, so this ends within the package's part count.
    while !candidates.is_empty() {
        let mut pointed = BTreeSet::new();
        for part in parts.iter().filter(|p| {
            p.name.ends_with(".rels")
                && !out.contains(&p.name)
                && !gone.contains(&p.name)
                && !out.contains(&rels_owner(&p.name))
        }) {
            pointed.extend(relationships(part)?.into_iter().map(|(_, t)| t));
        }
        let free: Vec<String> = candidates
            .iter()
            .filter(|c| !pointed.contains(*c) && !out.contains(*c) && parts.iter().any(|p| &p.name == *c))
            .cloned()
            .collect();
        if free.is_empty() {
            break;
        }
        candidates.clear();
        for name in free {
            let own = rels_of(&name);
            if let Some(rels_part) = parts.iter().find(|p| p.name == own) {
                candidates.extend(relationships(rels_part)?.into_iter().map(|(_, t)| t));
                out.insert(own);
            }
            out.insert(name);
        }
    }
    Ok(out)
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

    #[test]
    fn only_parts_nothing_else_points_at_are_orphans() {
        let part = |name: &str, data: &str| Part {
            name: name.into(),
            data: data.as_bytes().to_vec(),
        };
        let rels = |targets: &[&str]| {
            let list: String = targets
                .iter()
                .enumerate()
                .map(|(i, t)| format!(r#"<Relationship Id="rId{i}" Target="{t}"/>"#))
                .collect();
            format!("<Relationships>{list}</Relationships>")
        };
        let mut parts = vec![
            part(
                "ppt/slides/_rels/slide1.xml.rels",
                &rels(&["../media/a.png", "../charts/chart1.xml"]),
            ),
            part("ppt/slides/_rels/slide2.xml.rels", &rels(&["../media/a.png"])),
            part("ppt/media/a.png", ""),
            part("ppt/charts/chart1.xml", ""),
            part(
                "ppt/charts/_rels/chart1.xml.rels",
                &rels(&["../embeddings/b.xlsx"]),
            ),
            part("ppt/embeddings/b.xlsx", ""),
        ];
        let ids = BTreeSet::from(["rId0".to_string(), "rId1".to_string()]);
        let targets = drop_relationships(&mut parts, "ppt/slides/slide1.xml", &ids).unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(parts[0].data, b"<Relationships></Relationships>");
        let orphans: Vec<String> = orphans(&parts, targets, &BTreeSet::new())
            .unwrap()
            .into_iter()
            .collect();
        // The picture slide 2 still shows stays; the chart goes with its workbook.
        assert_eq!(
            orphans,
            [
                "ppt/charts/_rels/chart1.xml.rels",
                "ppt/charts/chart1.xml",
                "ppt/embeddings/b.xlsx"
            ]
        );
    }
}
