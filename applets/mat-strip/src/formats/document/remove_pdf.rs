//! PDF content removed on request (`--remove annotations,attachments,forms`): markup
//! annotations (comments, highlights, stamps, ink: what a reviewer adds), embedded files, and
//! the values filled in forms (the fields stay, empty). Links and form widgets are page content
//! and stay; --remove-annotations is the blunter tool that drops them all.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::engine::{Found, Remove};

/// Markup annotation subtypes (PDF 32000 12.5.6): what a reader adds to a page.
const MARKUP: &[&[u8]] = &[
    b"Text",
    b"FreeText",
    b"Line",
    b"Square",
    b"Circle",
    b"Polygon",
    b"PolyLine",
    b"Highlight",
    b"Underline",
    b"Squiggly",
    b"StrikeOut",
    b"Stamp",
    b"Caret",
    b"Ink",
    b"Popup",
    b"FileAttachment",
    b"Sound",
    b"Redact",
];

/// Applies what --remove asks of a PDF; what goes is told in `removed`. Objects left without a
/// reference are pruned by the caller.
pub fn apply(doc: &mut Document, remove: Remove, removed: &mut Vec<Found>) {
    if remove.annotations {
        let n = filter_annotations(doc, |s| MARKUP.contains(&s));
        if n > 0 {
            removed.push(Found::new(
                "PDF",
                "annotations (--remove annotations)",
                n.to_string(),
            ));
        }
    }
    if remove.forms {
        let n = empty_form(doc);
        if n > 0 {
            removed.push(Found::new(
                "PDF",
                "form field values (--remove forms)",
                n.to_string(),
            ));
        }
    }
    if remove.attachments {
        let n = filter_annotations(doc, |s| s == b"FileAttachment");
        if n > 0 {
            removed.push(Found::new("PDF", "file attachment annotations", n.to_string()));
        }
        if remove_embedded_files(doc) {
            removed.push(Found::new(
                "PDF",
                "embedded files (--remove attachments)",
                "EmbeddedFiles",
            ));
        }
    }
}

/// How deep a field's Kids are followed: forms nest a few levels; a cycle or a hostile file
/// stops here.
const MAX_FIELD_DEPTH: usize = 32;

/// Every field and widget of the AcroForm: values (/V, /RV) go; a check box or radio button is
/// set off (/AS /Off, its appearances kept), other widgets lose the appearance that shows the
/// value, and /NeedAppearances asks the reader to draw the empty fields. Returns how many
/// values went.
fn empty_form(doc: &mut Document) -> usize {
    let Some(form) = acroform(doc) else {
        return 0;
    };
    let mut todo: Vec<(ObjectId, usize)> = form
        .get(b"Fields")
        .ok()
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_array().ok())
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f.as_reference().ok())
                .map(|id| (id, 0))
                .collect()
        })
        .unwrap_or_default();
    let mut seen = HashSet::new();
    let mut values = 0;
    while let Some((id, depth)) = todo.pop() {
        if depth > MAX_FIELD_DEPTH || !seen.insert(id) {
            continue;
        }
        let Ok(field) = doc.get_dictionary_mut(id) else {
            continue;
        };
        if field.remove(b"V").is_some() {
            values += 1;
        }
        field.remove(b"RV");
        if field.has(b"AS") {
            field.set("AS", Object::Name(b"Off".to_vec()));
        } else if field
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Widget")
        {
            field.remove(b"AP");
        }
        if let Ok(Object::Array(kids)) = field.get(b"Kids") {
            todo.extend(
                kids.iter()
                    .filter_map(|k| k.as_reference().ok())
                    .map(|k| (k, depth + 1)),
            );
        }
    }
    set_need_appearances(doc);
    values
}

/// The catalog's /AcroForm dictionary (a copy: the caller changes fields, not this).
fn acroform(doc: &Document) -> Option<Dictionary> {
    let root = doc.trailer.get(b"Root").ok()?.as_reference().ok()?;
    let form = doc.get_dictionary(root).ok()?.get(b"AcroForm").ok()?;
    Some(doc.dereference(form).ok()?.1.as_dict().ok()?.clone())
}

fn set_need_appearances(doc: &mut Document) {
    let Ok(root) = doc.trailer.get(b"Root").and_then(Object::as_reference) else {
        return;
    };
    let form = doc.get_dictionary(root).and_then(|c| c.get(b"AcroForm")).cloned();
    let dict = match form {
        Ok(Object::Reference(id)) => doc.get_dictionary_mut(id).ok(),
        Ok(Object::Dictionary(_)) => {
            match doc.get_dictionary_mut(root).and_then(|c| c.get_mut(b"AcroForm")) {
                Ok(Object::Dictionary(d)) => Some(d),
                _ => None,
            }
        }
        _ => None,
    };
    if let Some(dict) = dict {
        dict.set("NeedAppearances", Object::Boolean(true));
    }
}

fn annots_of(doc: &Document, page: ObjectId) -> Option<Vec<Object>> {
    let annots = doc.get_dictionary(page).ok()?.get(b"Annots").ok()?;
    let (_, annots) = doc.dereference(annots).ok()?;
    annots.as_array().ok().cloned()
}

fn subtype(doc: &Document, annot: &Object) -> Option<Vec<u8>> {
    let (_, annot) = doc.dereference(annot).ok()?;
    Some(
        annot
            .as_dict()
            .ok()?
            .get(b"Subtype")
            .ok()?
            .as_name()
            .ok()?
            .to_vec(),
    )
}

/// Drops the annotations whose subtype `drop` names from every page; returns how many went.
fn filter_annotations(doc: &mut Document, drop: impl Fn(&[u8]) -> bool) -> usize {
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    let mut count = 0;
    for page in pages {
        let Some(annots) = annots_of(doc, page) else {
            continue;
        };
        let kept: Vec<Object> = annots
            .iter()
            .filter(|a| !subtype(doc, a).is_some_and(|s| drop(&s)))
            .cloned()
            .collect();
        if kept.len() == annots.len() {
            continue;
        }
        count += annots.len() - kept.len();
        if let Ok(dict) = doc.get_dictionary_mut(page) {
            if kept.is_empty() {
                dict.remove(b"Annots");
            } else {
                dict.set("Annots", Object::Array(kept));
            }
        }
    }
    count
}

/// The catalog's EmbeddedFiles name tree and its associated files (/AF).
fn remove_embedded_files(doc: &mut Document) -> bool {
    let Ok(root) = doc.trailer.get(b"Root").and_then(Object::as_reference) else {
        return false;
    };
    let names = doc
        .get_dictionary(root)
        .ok()
        .and_then(|c| c.get(b"Names").ok())
        .cloned();
    let mut gone = false;
    match names {
        Some(Object::Reference(id)) => {
            if let Ok(names) = doc.get_dictionary_mut(id) {
                gone |= names.remove(b"EmbeddedFiles").is_some();
            }
        }
        Some(Object::Dictionary(_)) => {
            if let Ok(Object::Dictionary(names)) =
                doc.get_dictionary_mut(root).and_then(|c| c.get_mut(b"Names"))
            {
                gone |= names.remove(b"EmbeddedFiles").is_some();
            }
        }
        _ => {}
    }
    if let Ok(catalog) = doc.get_dictionary_mut(root) {
        gone |= catalog.remove(b"AF").is_some();
    }
    gone
}
