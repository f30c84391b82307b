//! OpenDocument (.odt, .ods, .odp): meta.xml loses everything personal, thumbnails and printer
//! settings go, annotation and tracked-change authors and dates are neutralised, embedded
//! images are cleaned; `mimetype` stays first and uncompressed, as the format requires.

use std::collections::BTreeSet;

use privkit_core::Error;
use quick_xml::events::BytesStart;

use crate::containers::zip::xml::{self, Rules};
use crate::containers::zip::{self as zipdoc, rels};
use crate::engine::ctx::Ctx;
use crate::engine::embedded::clean_member;
use crate::engine::file_type::{self, Kind};
use crate::engine::members::{self, Members, Name, Rule, Verdict};
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};

pub struct Odf;

const MIMETYPE_AT: usize = 30;

/// Whether a zip starts with ODF's `mimetype` entry (stored, first, as the format requires).
const MIME: &[u8] = b"application/vnd.oasis.opendocument";

pub fn is_odf(head: &[u8]) -> bool {
    file_type::kind(head) == Some(Kind::Zip)
        && head.get(MIMETYPE_AT..MIMETYPE_AT + 8) == Some(&b"mimetype"[..])
        && head
            .get(MIMETYPE_AT + 8..)
            .is_some_and(|rest| rest.windows(MIME.len()).take(64).any(|w| w == MIME))
}

impl Format for Odf {
    fn name(&self) -> &'static str {
        "ODF"
    }

    fn describe(&self) -> &'static str {
        "OpenDocument text, spreadsheets and presentations (.odt, .ods, .odp): meta.xml keeps \
         only statistics (initial creator, creator, dates, editing cycles and duration, \
         generator, template, printing and user-defined fields go); Thumbnails/ and printer \
         settings go; annotation and tracked-change authors become \"Author\", their dates a \
         fixed one; embedded images are cleaned like image files. mimetype stays first and \
         stored; entries get one fixed time, no comments or extra fields. Text, cells, slides \
         and layout are untouched"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        is_odf(head)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let (mut parts, mut removed) = zipdoc::read(src, "ODF", cx)?;
        // What readers recognise the file by must be there and say ODF: written back first, it
        // is what makes the output an ODF file again.
        let mimetype = parts
            .iter()
            .find(|p| p.name == "mimetype")
            .map(|p| p.data.as_slice());
        if !mimetype.is_some_and(|m| m.starts_with(MIME) && m.len() < 128) {
            return Err(Error::data("corrupt ODF: no valid mimetype part"));
        }
        let mut members = Members::default();
        let mut gone = BTreeSet::new();
        for part in &parts {
            if let Verdict::Drop(reason) = members::judge(MEMBERS, &part.name) {
                removed.push(Found::new("ODF", part.name.clone(), reason));
                gone.insert(part.name.clone());
            }
        }
        rels::remove_parts(&mut parts, &gone)?;
        let mut omitted = BTreeSet::new();
        for part in &mut parts {
            match members::judge(MEMBERS, &part.name) {
                Verdict::Content => {
                    let label = part.name.clone();
                    if clean_member(&mut part.data, "ODF", &label, cx, &mut removed, &mut members)? {
                        omitted.insert(label);
                    }
                }
                Verdict::Xml => {
                    // Embedded objects (a chart, a formula: "Object 1/") have their own meta.xml.
                    let rules: &dyn Rules = match part.name.rsplit('/').next().unwrap_or_default() {
                        "meta.xml" => &Meta,
                        "settings.xml" => &Settings,
                        _ => &Annotations,
                    };
                    zipdoc::rewrite_part(part, rules, "ODF", &mut removed)?;
                }
                Verdict::Drop(_) | Verdict::Keep(_) | Verdict::Listed(_) => {}
            }
        }
        if !omitted.is_empty() {
            rels::remove_parts(&mut parts, &omitted)?;
        }
        // mimetype first and stored: that is how readers recognise the file.
        zipdoc::finish(parts, "mimetype", true, removed, members, cx)
    }
}

/// Every part of an ODF package, by name; what no rule names is judged by its content (pictures
/// and embedded documents cleaned, SVM/EMF/WMF replacement pictures kept, anything else
/// unknown).
const MEMBERS: &[Rule] = &[
    (
        Name::Is("mimetype"),
        Verdict::Keep("the document type (checked above)"),
    ),
    (
        Name::Prefix("Thumbnails/"),
        Verdict::Drop("thumbnail of the first page"),
    ),
    (
        Name::Is("layout-cache"),
        Verdict::Drop("layout cache (page positions; rebuilt when the file is opened)"),
    ),
    (
        Name::Is("manifest.rdf"),
        Verdict::Keep("package description (which parts make up the document)"),
    ),
    (Name::Suffix(".xml"), Verdict::Xml),
];

/// meta.xml: only the document statistics stay.
struct Meta;

impl Rules for Meta {
    fn drop_element(&self, element: &[u8], _: &BytesStart) -> bool {
        matches!(
            element,
            b"initial-creator"
                | b"creator"
                | b"creation-date"
                | b"date"
                | b"editing-cycles"
                | b"editing-duration"
                | b"generator"
                | b"user-defined"
                | b"print-date"
                | b"printed-by"
                | b"template"
                | b"title"
                | b"subject"
                | b"description"
                | b"keyword"
                | b"auto-reload"
                | b"hyperlink-behaviour"
        )
    }
}

/// settings.xml: the printer's name and its driver settings (a base64 blob with the user's
/// printer setup).
struct Settings;

impl Rules for Settings {
    fn drop_element(&self, element: &[u8], start: &BytesStart) -> bool {
        element == b"config-item"
            && matches!(
                xml::attribute(start, b"name").as_deref(),
                Some("PrinterName" | "PrinterSetup")
            )
    }
}

/// content.xml and styles.xml: who wrote an annotation or a tracked change, and when. The
/// elements stay (a change record needs both); their text is neutralised.
struct Annotations;

impl Rules for Annotations {
    fn drop_element(&self, element: &[u8], _: &BytesStart) -> bool {
        element == b"creator-initials"
    }

    fn replace_text(&self, qualified: &[u8]) -> Option<&'static str> {
        match qualified {
            b"dc:creator" => Some("Author"),
            b"dc:date" => Some("1970-01-01T00:00:00"),
            _ => None,
        }
    }
}
