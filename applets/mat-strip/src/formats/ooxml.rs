//! OOXML (.docx, .xlsx, .pptx): document properties, comment and revision authors, revision
//! ids, thumbnails, printer settings, custom XML data and the photos' own metadata go; every
//! paragraph, cell and slide stays as it was written.

use std::collections::BTreeSet;

use privkit_core::Error;
use quick_xml::events::BytesStart;

use super::{Cleaned, Format, Found, Options};
use crate::source::Source;
use crate::zipdoc::xml::{Attr, Rules};
use crate::zipdoc::{self, parts, rels};

pub struct Ooxml;

/// What comments and revisions are attributed to once their authors are removed.
const NEUTRAL_AUTHOR: &str = "Author";

impl Format for Ooxml {
    fn name(&self) -> &'static str {
        "OOXML"
    }

    fn describe(&self) -> &'static str {
        "Word, Excel and PowerPoint documents (.docx, .xlsx, .pptx): empties docProps/core.xml \
         (creator, last editor, dates, revision, title, subject, keywords, description, \
         category); removes Company, Manager, Template, TotalTime and Application from app.xml, \
         custom properties, thumbnails, printer settings and custom XML data parts (with their \
         relationships and content types); comment, tracked-change and people authors become \
         \"Author\", their initials \"A\", their dates go; all rsid revision ids and the rsid \
         table; embedded images and embedded documents (a spreadsheet in a report, up to 4 levels \
         deep) are cleaned like files of their own. Zip entries get one fixed time \
         and no comments or extra fields, [Content_Types].xml first: the same input always \
         gives the same bytes. Text, cells, slides and layout are untouched"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(b"PK\x03\x04") && !super::odf::is_odf(head)
    }

    fn clean(&self, src: &Source, opts: &Options) -> Result<Cleaned, Error> {
        let (mut parts, mut removed) = zipdoc::read(src, "OOXML")?;
        if !parts.iter().any(|p| p.name == "[Content_Types].xml") {
            return Err(Error::data(
                "a ZIP archive, not an OOXML (docx, xlsx, pptx) or ODF document",
            ));
        }
        let gone: BTreeSet<String> = parts
            .iter()
            .map(|p| p.name.clone())
            .filter(|n| is_removed_part(n))
            .collect();
        for name in &gone {
            removed.push(Found::new("OOXML", name.clone(), removed_part_reason(name)));
        }
        rels::remove_parts(&mut parts, &gone)?;
        for part in &mut parts {
            if is_media(&part.name) {
                removed.extend(parts::clean_media(part, opts)?);
                continue;
            }
            if !(part.name.ends_with(".xml") || part.name.ends_with(".rels")) {
                continue;
            }
            let rules: &dyn Rules = match part.name.as_str() {
                "docProps/core.xml" => &CoreProperties,
                "docProps/app.xml" => &AppProperties,
                _ => &Personal,
            };
            zipdoc::rewrite_part(part, rules, "OOXML", &mut removed)?;
        }
        // [Content_Types].xml first, as Office writes it and some readers expect.
        zipdoc::finish(parts, "[Content_Types].xml", false, removed)
    }
}

fn is_removed_part(name: &str) -> bool {
    name == "docProps/custom.xml"
        || name.starts_with("docProps/thumbnail.")
        || name.contains("/printerSettings/")
        || name.starts_with("customXml/")
}

fn removed_part_reason(name: &str) -> &'static str {
    if name.starts_with("docProps/thumbnail.") {
        "thumbnail of the first page"
    } else if name.contains("/printerSettings/") {
        "printer settings (printer name, driver data)"
    } else if name.starts_with("customXml/") {
        "custom XML data (document-management properties)"
    } else {
        "custom document properties"
    }
}

/// Photos, and embedded files (a spreadsheet in a report): cleaned as files of their own.
fn is_media(name: &str) -> bool {
    ["word/", "xl/", "ppt/"].iter().any(|app| {
        ["media/", "embeddings/"]
            .iter()
            .any(|dir| name.starts_with(&format!("{app}{dir}")))
    })
}

/// docProps/core.xml: every property goes, the (empty) root stays.
struct CoreProperties;

impl Rules for CoreProperties {
    fn drop_element(&self, element: &[u8], _: &BytesStart) -> bool {
        element != b"coreProperties"
    }
}

/// docProps/app.xml: what names the organisation, the template, the editing time and the
/// program that wrote it.
struct AppProperties;

impl Rules for AppProperties {
    fn drop_element(&self, element: &[u8], _: &BytesStart) -> bool {
        matches!(
            element,
            b"Company"
                | b"Manager"
                | b"Template"
                | b"TotalTime"
                | b"Application"
                | b"AppVersion"
                | b"HyperlinkBase"
        )
    }
}

/// Every other part: authors, their ids and initials, dates of comments and revisions, rsids,
/// the rsid table and the template path in settings, presence information of people.
struct Personal;

impl Rules for Personal {
    fn drop_element(&self, element: &[u8], _: &BytesStart) -> bool {
        matches!(element, b"rsids" | b"attachedTemplate" | b"presenceInfo")
    }

    fn attribute(&self, element: &[u8], attribute: &[u8]) -> Attr {
        match attribute {
            b"author" => Attr::Replace(NEUTRAL_AUTHOR),
            b"initials" => Attr::Replace("A"),
            b"date" | b"dateUtc" | b"dT" | b"dt" => Attr::Drop,
            a if a.starts_with(b"rsid") => Attr::Drop,
            // xlsx persons, pptx comment authors
            b"displayName" if element == b"person" => Attr::Replace(NEUTRAL_AUTHOR),
            b"name" if matches!(element, b"cmAuthor" | b"author") => Attr::Replace(NEUTRAL_AUTHOR),
            b"userId" | b"providerId" if matches!(element, b"person" | b"author") => Attr::Replace(""),
            _ => Attr::Keep,
        }
    }

    fn replace_text(&self, qualified: &[u8]) -> Option<&'static str> {
        // xlsx legacy comments: <authors><author>Name</author></authors>
        (qualified == b"author").then_some(NEUTRAL_AUTHOR)
    }
}
