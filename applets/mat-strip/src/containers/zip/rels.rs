//! Removing parts from a document without leaving references to them: OOXML relationships
//! (`*.rels`) and content types, ODF's manifest.

use std::collections::BTreeSet;

use privkit_core::Error;
use quick_xml::events::BytesStart;

use super::xml::{self, Rules};
use super::Part;

/// Removes the named parts and every reference to them. Returns whether anything went.
pub fn remove_parts(parts: &mut Vec<Part>, gone: &BTreeSet<String>) -> Result<(), Error> {
    parts.retain(|p| !gone.contains(&p.name));
    for part in parts.iter_mut() {
        let rules: Box<dyn Rules> = if part.name == "[Content_Types].xml" {
            Box::new(ContentTypes { gone })
        } else if part.name.ends_with(".rels") {
            Box::new(Relationships {
                base: rels_base(&part.name),
                gone,
            })
        } else if part.name == "META-INF/manifest.xml" {
            Box::new(Manifest { gone })
        } else {
            continue;
        };
        part.data = xml::rewrite(&part.data, rules.as_ref(), &part.name)?.0;
    }
    Ok(())
}

struct ContentTypes<'a> {
    gone: &'a BTreeSet<String>,
}

impl Rules for ContentTypes<'_> {
    fn drop_element(&self, element: &[u8], start: &BytesStart) -> bool {
        element == b"Override"
            && xml::attribute(start, b"PartName")
                .is_some_and(|p| self.gone.contains(p.trim_start_matches('/')))
    }
}

struct Relationships<'a> {
    base: String,
    gone: &'a BTreeSet<String>,
}

impl Rules for Relationships<'_> {
    fn drop_element(&self, element: &[u8], start: &BytesStart) -> bool {
        if element != b"Relationship" {
            return false;
        }
        // The template a document was made from, usually a path in its author's home.
        if xml::attribute(start, b"Type").is_some_and(|t| t.ends_with("/attachedTemplate")) {
            return true;
        }
        if xml::attribute(start, b"TargetMode").as_deref() == Some("External") {
            return false;
        }
        xml::attribute(start, b"Target").is_some_and(|t| self.gone.contains(&resolve(&self.base, &t)))
    }
}

struct Manifest<'a> {
    gone: &'a BTreeSet<String>,
}

impl Rules for Manifest<'_> {
    fn drop_element(&self, element: &[u8], start: &BytesStart) -> bool {
        element == b"file-entry"
            && xml::attribute(start, b"full-path").is_some_and(|p| {
                self.gone.contains(&p) || (p.ends_with('/') && self.gone.iter().any(|g| g.starts_with(&p)))
            })
    }
}

/// The folder the targets of a `.rels` part are relative to: `word/_rels/document.xml.rels`
/// describes `word/document.xml`, so `word/`; `_rels/.rels` describes the package root.
fn rels_base(rels: &str) -> String {
    match rels.rfind("_rels/") {
        Some(i) => rels[..i].to_string(),
        None => String::new(),
    }
}

/// A relationship target as a part name: `/docProps/x.xml` is absolute, `media/a.png` relative
/// to `base`, with `..` and `.` resolved.
pub fn resolve(base: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{base}{target}"),
    };
    let mut out: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_to_part_names() {
        assert_eq!(rels_base("word/_rels/document.xml.rels"), "word/");
        assert_eq!(rels_base("_rels/.rels"), "");
        assert_eq!(resolve("word/", "media/image1.png"), "word/media/image1.png");
        assert_eq!(resolve("ppt/slides/", "../media/a.jpeg"), "ppt/media/a.jpeg");
        assert_eq!(resolve("", "/docProps/core.xml"), "docProps/core.xml");
        assert_eq!(resolve("", "docProps/thumbnail.jpeg"), "docProps/thumbnail.jpeg");
    }

    #[test]
    fn references_to_removed_parts_go_with_them() {
        let part = |name: &str, data: &str| Part {
            name: name.into(),
            data: data.as_bytes().to_vec(),
        };
        let mut parts = vec![
            part(
                "[Content_Types].xml",
                r#"<Types><Default Extension="xml" ContentType="a"/><Override PartName="/docProps/custom.xml" ContentType="b"/><Override PartName="/word/document.xml" ContentType="c"/></Types>"#,
            ),
            part(
                "_rels/.rels",
                r#"<Relationships><Relationship Id="r1" Target="docProps/custom.xml"/><Relationship Id="r2" Target="word/document.xml"/><Relationship Id="r3" Target="docProps/custom.xml" TargetMode="External"/></Relationships>"#,
            ),
            part("docProps/custom.xml", "<x/>"),
            part("word/document.xml", "<d/>"),
        ];
        let gone = BTreeSet::from(["docProps/custom.xml".to_string()]);
        remove_parts(&mut parts, &gone).unwrap();
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        let types = String::from_utf8(parts[0].data.clone()).unwrap();
        assert!(
            !types.contains("custom") && types.contains("/word/document.xml"),
            "{types}"
        );
        let rels = String::from_utf8(parts[1].data.clone()).unwrap();
        assert!(
            !rels.contains(r#"Id="r1""#) && rels.contains(r#"Id="r2""#) && rels.contains(r#"Id="r3""#),
            "{rels}"
        );
    }
}
