//! OOXML (.docx, .xlsx, .pptx): document properties, comment and revision authors, revision
//! ids, thumbnails, printer settings, custom XML data and the photos' own metadata go; every
//! paragraph, cell and slide stays as it was written.

use std::collections::BTreeSet;

use privkit_core::Error;
use quick_xml::events::BytesStart;

use super::remove_marks::{merge_marked_paragraphs, Mark};
use super::{remove, remove_offslide, remove_refs, remove_slide_white, remove_word, remove_xlsx};
use crate::containers::zip::xml::{Attr, Rules};
use crate::containers::zip::{self as zipdoc, rels};
use crate::engine::ctx::Ctx;
use crate::engine::members::{self, Members, Name, Rule, Verdict};
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};

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
         table; a workbook's absPath (the folder it was saved in) and pivot caches' refreshedBy and \
         refreshedDate; embedded images and embedded documents (a spreadsheet in a report, up to 4 levels \
         deep) are cleaned like files of their own. Zip entries get one fixed time \
         and no comments or extra fields, [Content_Types].xml first: the same input always \
         gives the same bytes. Text, cells, slides and layout are untouched"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        crate::containers::zip::package::sniff(head) == Some(crate::containers::zip::package::Package::Ooxml)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        // --remove holds every markup part at once (see `load_markup`): charged as a whole read.
        let whole = cx.opts.remove.any();
        let (mut parts, mut removed, mut package) = zipdoc::open(src, "OOXML", cx, whole)?;
        let has_types = parts.iter().any(|p| p.name == "[Content_Types].xml");
        // A re-zipped ODF too big for its parts to be seen in the bytes sniffed.
        if !has_types && super::odf::is_odf_package(&parts) {
            return super::odf::plan_parts(parts, package, removed, cx);
        }
        if !has_types {
            return Err(Error::data("corrupt OOXML: no [Content_Types].xml"));
        }
        if whole {
            package.load_markup(&mut parts)?;
        }
        let mut members = Members::default();
        let mut gone = BTreeSet::new();
        let no_comments = cx.opts.remove.comments;
        if no_comments {
            // Spreadsheet notes: the VML drawings that show them go too, and the sheets'
            // legacyDrawing references to those drawings before the relationships do.
            let drawings = remove_xlsx::comment_drawings(&mut parts)?;
            let dangling = remove_refs::dangling_ids(&parts, &drawings, "xl/worksheets/")?;
            for part in parts.iter_mut() {
                if let Some(ids) = dangling.get(&part.name) {
                    part.data = remove_refs::drop_references(&part.data, b"legacyDrawing", ids, &part.name)?;
                }
            }
            for name in drawings {
                removed.push(Found::new(
                    "OOXML",
                    name.clone(),
                    "comment notes' drawing (--remove comments)",
                ));
                gone.insert(name);
            }
        }
        if cx.opts.remove.hidden {
            let refuse = remove::refused_hidden;
            // Text a style hides: the styles part says which (the glossary has its own, and
            // is only checked).
            const STYLES: &str = "word/styles.xml";
            let styles = match parts.iter().find(|p| p.name == STYLES) {
                Some(p) => {
                    Some(remove_word::Styles::read(&p.data, &p.name)?.map_err(|why| refuse(STYLES, why))?)
                }
                None => None,
            };
            // A page colour (w:background) is behind every story's text.
            let page_coloured = parts.iter().any(|p| {
                p.name == "word/document.xml" && memchr::memmem::find(&p.data, b":background").is_some()
            });
            for part in parts.iter_mut().filter(|p| remove::is_word_story(&p.name)) {
                part.data = remove_word::drop_hidden_runs(&part.data, &part.name)?;
                if part.name != STYLES {
                    part.data = remove_word::drop_white_runs(&part.data, &part.name, page_coloured)?
                        .map_err(|why| refuse(&part.name, why))?;
                }
                if let Some(styles) = styles
                    .as_ref()
                    .filter(|_| part.name != STYLES && !part.name.starts_with("word/glossary/"))
                {
                    part.data = remove_word::drop_style_hidden_runs(&part.data, &part.name, styles)?
                        .map_err(|why| refuse(&part.name, why))?;
                }
                part.data = merge_marked_paragraphs(&part.data, &part.name, Mark::Hidden)?;
            }
            // The styles' w:vanish is handled above: the runs it hides are gone.
            if let Some(part) = parts.iter().find(|p| {
                remove::has_ooxml_hidden(&p.name, &p.data) && !(p.name == STYLES && styles.is_some())
            }) {
                return Err(Error::data(format!(
                    "--remove hidden: hidden content in {} is not removed yet; left as it is",
                    privkit_core::escape(&part.name)
                )));
            }
            remove_hidden_slides(&mut parts, &mut gone, &mut removed)?;
            remove_off_slide_shapes(&mut parts, &mut gone, &mut removed)?;
            remove_white_slide_text(&mut parts, &gone, &mut removed)?;
        }
        let no_notes = cx.opts.remove.notes;
        for part in &parts {
            let owner = remove::rels_owner(&part.name);
            let asked = if no_comments
                && (remove::is_ooxml_comment_part(&owner) || remove_xlsx::is_comment_part(&owner))
            {
                Some("comments (--remove comments)")
            } else if no_notes && remove::is_ooxml_notes_part(&owner) {
                Some("speaker notes (--remove notes)")
            } else {
                None
            };
            if let Some(what) = asked {
                removed.push(Found::new("OOXML", part.name.clone(), what));
                gone.insert(part.name.clone());
                continue;
            }
            match members::judge(MEMBERS, &part.name) {
                Verdict::Drop(reason) => {
                    removed.push(Found::new("OOXML", part.name.clone(), reason));
                    gone.insert(part.name.clone());
                }
                Verdict::Listed(reason) => {
                    members.kept.push(Found::new("OOXML", part.name.clone(), reason));
                }
                _ => {}
            }
        }
        rels::remove_parts(&mut parts, &gone)?;
        let accept_changes = cx.opts.remove.changes;
        // Parts are streamed one at a time: what --remove does to a whole part happens as each
        // is read.
        let prepare = move |name: &str, data: Vec<u8>| -> Result<Vec<u8>, Error> {
            if accept_changes && remove::is_word_story(name) {
                let merged = merge_marked_paragraphs(&data, name, Mark::Deleted)?;
                return remove::accept_insertions(&merged, name);
            }
            Ok(data)
        };
        let rules_for = move |name: &str| -> &'static dyn Rules {
            match name {
                "docProps/core.xml" => &CoreProperties,
                "docProps/app.xml" => &AppProperties,
                _ => match (no_comments, accept_changes) {
                    (true, true) => &WITHOUT_COMMENTS_CHANGES_ACCEPTED,
                    (true, false) => &WITHOUT_COMMENTS,
                    (false, true) => &CHANGES_ACCEPTED,
                    (false, false) => &Personal,
                },
            }
        };
        let policy = zipdoc::Policy {
            table: MEMBERS,
            kind: "OOXML",
            rules_for: &rules_for,
            prepare: &prepare,
            // [Content_Types].xml first, as Office writes it and some readers expect.
            first: "[Content_Types].xml",
            store_first: false,
        };
        zipdoc::clean_and_finish(parts, &mut package, &policy, removed, members, cx)
    }
}

/// --remove hidden: slides hidden from the show go with their notes slides, their
/// relationships, content types and their p:sldId (and section entries, custom shows' p:sld)
/// in presentation.xml.
/// Links to a hidden slide from other slides go too; any other reference to it is refused (65).
fn remove_hidden_slides(
    parts: &mut [zipdoc::Part],
    gone: &mut BTreeSet<String>,
    removed: &mut Vec<Found>,
) -> Result<(), Error> {
    let slides: BTreeSet<String> = parts
        .iter()
        .filter(|p| remove::is_hidden_slide(&p.name, &p.data))
        .map(|p| p.name.clone())
        .collect();
    if slides.is_empty() {
        return Ok(());
    }
    let notes = remove_refs::dangling_ids(parts, &slides, "ppt/notesSlides/")?;
    let mut hidden = slides.clone();
    hidden.extend(notes.into_keys());
    let refs = remove_refs::dangling_ids(parts, &slides, "")?;
    // Links to a hidden slide from the slides that stay (a jump to it, on a shape or a text
    // run) go with it: the text or shape stays, without the link. Anything else still naming
    // the slide's relationship is refused.
    for part in parts.iter_mut() {
        let Some(ids) = refs.get(&part.name) else { continue };
        if part.name == "ppt/presentation.xml" || hidden.contains(&part.name) || part.name.ends_with(".rels")
        {
            continue;
        }
        for element in [&b"hlinkClick"[..], b"hlinkMouseOver", b"hlinkHover"] {
            part.data = remove_refs::drop_references(&part.data, element, ids, &part.name)?;
        }
        if remove_refs::names_any(&part.data, ids) {
            return Err(Error::data(format!(
                "--remove hidden: {} refers to a hidden slide other than by a link, which is not taken apart; left as it is",
                privkit_core::escape(&part.name)
            )));
        }
    }
    if let Some(ids) = refs.get("ppt/presentation.xml") {
        for part in parts.iter_mut().filter(|p| p.name == "ppt/presentation.xml") {
            // The slide list (and its sections), and custom shows' p:sld.
            for element in [&b"sldId"[..], b"sld"] {
                part.data = remove_refs::drop_references(&part.data, element, ids, &part.name)?;
            }
        }
    }
    // Their own relationships go with them.
    let own: Vec<String> = parts
        .iter()
        .filter(|p| p.name.ends_with(".rels") && hidden.contains(&remove::rels_owner(&p.name)))
        .map(|p| p.name.clone())
        .collect();
    for name in hidden.into_iter().chain(own) {
        removed.push(Found::new(
            "OOXML",
            name.clone(),
            "hidden slide (--remove hidden)",
        ));
        gone.insert(name);
    }
    Ok(())
}

/// --remove hidden: shapes placed wholly outside the slide (see remove_offslide.rs), with the
/// relationships they named and the parts (a picture, a chart) nothing else points at.
fn remove_off_slide_shapes(
    parts: &mut [zipdoc::Part],
    gone: &mut BTreeSet<String>,
    removed: &mut Vec<Found>,
) -> Result<(), Error> {
    let Some(size) = parts
        .iter()
        .find(|p| p.name == "ppt/presentation.xml")
        .and_then(|p| remove_offslide::slide_size(&p.data))
    else {
        return Ok(());
    };
    let mut targets = BTreeSet::new();
    let slides: Vec<String> = parts
        .iter()
        .filter(|p| {
            p.name.starts_with("ppt/slides/") && p.name.ends_with(".xml") && !p.name.contains("/_rels/")
        })
        .map(|p| p.name.clone())
        .collect();
    for slide in slides {
        let mut ids = BTreeSet::new();
        let Some(part) = parts.iter_mut().find(|p| p.name == slide) else {
            continue;
        };
        let drop = |data: &[u8], name: &str| remove_offslide::drop_off_slide(data, name, size, &mut ids);
        remove_offslide::apply(part, drop, "OOXML", "slide", removed)?;
        // A relationship another shape of the slide still names stays.
        let data = std::mem::take(&mut part.data);
        ids.retain(|id| !remove_refs::names_any(&data, &BTreeSet::from([id.clone()])));
        part.data = data;
        if !ids.is_empty() {
            targets.extend(remove_refs::drop_relationships(parts, &slide, &ids)?);
        }
    }
    for name in remove_refs::orphans(parts, targets, gone)? {
        removed.push(Found::new(
            "OOXML",
            name.clone(),
            "part of a shape off the slide (--remove hidden)",
        ));
        gone.insert(name);
    }
    Ok(())
}

/// --remove hidden: white text on a white slide (see remove_slide_white.rs).
fn remove_white_slide_text(
    parts: &mut [zipdoc::Part],
    gone: &BTreeSet<String>,
    removed: &mut Vec<Found>,
) -> Result<(), Error> {
    for i in 0..parts.len() {
        let slide = &parts[i];
        if !(slide.name.starts_with("ppt/slides/")
            && slide.name.ends_with(".xml")
            && !slide.name.contains("/_rels/"))
            || gone.contains(&slide.name)
        {
            continue;
        }
        let (data, count) = remove_slide_white::drop_white_slide_runs(parts, slide)?
            .map_err(|why| remove::refused_hidden(&slide.name, &format!("has {why}")))?;
        if count > 0 {
            removed.push(Found::new(
                "OOXML",
                slide.name.clone(),
                format!("{count} white text runs on the white slide (--remove hidden)"),
            ));
            parts[i].data = data;
        }
    }
    Ok(())
}

/// Every part of an OOXML package, by name; what no rule names is judged by its content
/// (photos and embedded documents cleaned, replacement pictures kept, anything else unknown).
const MEMBERS: &[Rule] = &[
    (
        Name::Is("docProps/custom.xml"),
        Verdict::Drop("custom document properties"),
    ),
    (
        Name::Prefix("docProps/thumbnail."),
        Verdict::Drop("thumbnail of the first page"),
    ),
    (
        Name::Contains("/printerSettings/"),
        Verdict::Drop("printer settings (printer name, driver data)"),
    ),
    (
        Name::Prefix("customXml/"),
        Verdict::Drop("custom XML data (document-management properties)"),
    ),
    (
        Name::Base("vbaProject.bin"),
        Verdict::Listed("macros: content, kept as they are; their code and names may identify"),
    ),
    (
        Name::Base("vbaProjectSignature.bin"),
        Verdict::Keep("the signature of the macros"),
    ),
    (
        Name::Suffix(".vml"),
        Verdict::Keep("VML drawing (shapes of comments and controls)"),
    ),
    (
        Name::Suffix(".odttf"),
        Verdict::Keep("embedded font (obfuscated)"),
    ),
    (Name::Suffix(".xml"), Verdict::Xml),
    (Name::Suffix(".rels"), Verdict::Xml),
];

/// --remove: the personal rules, and what was asked for goes too.
static WITHOUT_COMMENTS: remove::Content<Personal> = remove::Content {
    inner: &Personal,
    comments: true,
    changes: false,
};
static CHANGES_ACCEPTED: remove::Content<Personal> = remove::Content {
    inner: &Personal,
    comments: false,
    changes: true,
};
static WITHOUT_COMMENTS_CHANGES_ACCEPTED: remove::Content<Personal> = remove::Content {
    inner: &Personal,
    comments: true,
    changes: true,
};

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
/// the rsid table and the template path in settings, presence information of people, the
/// workbook's folder (absPath) and who refreshed a pivot cache when.
struct Personal;

impl Rules for Personal {
    fn drop_element(&self, element: &[u8], _: &BytesStart) -> bool {
        // absPath: the folder the workbook was saved in (C:\Users\<name>\...), in an
        // mc:Choice that stays, empty (a valid choice: nothing to add).
        matches!(
            element,
            b"rsids" | b"attachedTemplate" | b"presenceInfo" | b"absPath"
        )
    }

    fn attribute(&self, element: &[u8], attribute: &[u8]) -> Attr {
        match attribute {
            b"author" => Attr::Replace(NEUTRAL_AUTHOR),
            b"initials" => Attr::Replace("A"),
            b"date" | b"dateUtc" | b"dT" | b"dt" => Attr::Drop,
            a if a.starts_with(b"rsid") => Attr::Drop,
            // xlsx pivot caches: who refreshed them last, and when (both optional).
            b"refreshedBy" | b"refreshedDate" | b"refreshedDateIso" if element == b"pivotCacheDefinition" => {
                Attr::Drop
            }
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
