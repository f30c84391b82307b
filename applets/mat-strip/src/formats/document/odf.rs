//! OpenDocument (.odt, .ods, .odp): meta.xml loses everything personal, thumbnails and printer
//! settings go, annotation and tracked-change authors and dates are neutralised, embedded
//! images are cleaned; `mimetype` stays first and uncompressed, as the format requires.

use std::collections::BTreeSet;

use privkit_core::Error;
use quick_xml::events::BytesStart;

use super::{remove, remove_odf_styles, remove_odf_white, remove_offslide};
use crate::containers::zip::package::{self, Package};
use crate::containers::zip::xml::{self, Rules};
use crate::containers::zip::{self as zipdoc, rels};
use crate::engine::ctx::Ctx;
use crate::engine::members::{self, Members, Name, Rule, Verdict};
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};

pub struct Odf;

/// What ODF's `mimetype` part starts with.
const MIME: &[u8] = package::ODF_MIME;

/// Whether the first bytes are an ODF package's: `mimetype` saying so wherever it is (re-zipped
/// files, which LibreOffice opens, have it later), or a manifest; the one decision for zips is
/// `containers::zip::package` (a bigger file is recognised once its parts are read, see
/// [`is_odf_package`]).
pub fn is_odf(head: &[u8]) -> bool {
    package::sniff(head) == Some(Package::Odf)
}

/// Whether the parts of a zip make an ODF package: a `mimetype` part saying so (wherever it
/// is), or a manifest.
pub fn is_odf_package(parts: &[zipdoc::Part]) -> bool {
    parts
        .iter()
        .any(|p| (p.name == "mimetype" && p.data.starts_with(MIME)) || p.name == "META-INF/manifest.xml")
}

/// The document's media type from the manifest's entry for the package root ("/"), for a
/// package whose `mimetype` part is missing.
fn manifest_media_type(manifest: &[u8]) -> Option<String> {
    let mut reader = quick_xml::Reader::from_reader(manifest);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == b"file-entry"
                    && xml::attribute(&e, b"full-path").as_deref() == Some("/") =>
            {
                return xml::attribute(&e, b"media-type")
                    .filter(|t| t.as_bytes().starts_with(MIME) && t.len() < 128);
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
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
        let whole = cx.opts.remove.any();
        let (parts, removed, package) = zipdoc::open(src, "ODF", cx, whole)?;
        plan_parts(parts, package, removed, cx)
    }
}

/// Cleans the parts of an ODF package (read by [`Odf`], or by the OOXML reader when a big
/// re-zipped ODF was recognised only by its parts).
pub fn plan_parts(
    mut parts: Vec<zipdoc::Part>,
    mut package: zipdoc::Package,
    mut removed: Vec<Found>,
    cx: &mut Ctx,
) -> Result<Cleaned, Error> {
    if cx.opts.remove.any() {
        package.load_markup(&mut parts)?;
    }
    // Recognised by its manifest alone: the mimetype part the format requires is written
    // back from the manifest's media type.
    if !parts.iter().any(|p| p.name == "mimetype") {
        let media = parts
            .iter()
            .find(|p| p.name == "META-INF/manifest.xml")
            .and_then(|p| manifest_media_type(&p.data));
        if let Some(media) = media {
            parts.push(zipdoc::Part {
                name: "mimetype".to_string(),
                data: media.into_bytes(),
            });
        }
    }
    // What readers recognise the file by must be there and say ODF: written back first, it
    // is what makes the output an ODF file again.
    let mimetype = parts
        .iter()
        .find(|p| p.name == "mimetype")
        .map(|p| p.data.as_slice());
    if !mimetype.is_some_and(|m| m.starts_with(MIME) && m.len() < 128) {
        return Err(Error::data("corrupt ODF: no valid mimetype part"));
    }
    let members = Members::default();
    let mut gone = BTreeSet::new();
    for part in &parts {
        if let Verdict::Drop(reason) = members::judge(MEMBERS, &part.name) {
            removed.push(Found::new("ODF", part.name.clone(), reason));
            gone.insert(part.name.clone());
        }
    }
    rels::remove_parts(&mut parts, &gone)?;
    // Embedded objects (a chart, a formula: "Object 1/") have their own meta.xml.
    let r = cx.opts.remove;
    if r.hidden {
        for part in parts.iter_mut().filter(|p| p.name.ends_with(".xml")) {
            part.data = remove::drop_hidden_paragraphs(&part.data, &part.name)?.map_err(|name| {
                Error::data(format!(
                    "--remove hidden: a hidden paragraph in {} does not say whether it is hidden now (no text:is-hidden); left as it is",
                    privkit_core::escape(&name)
                ))
            })?;
        }
        // Shapes wholly off their page (presentations, drawings).
        let sizes = parts
            .iter()
            .find(|p| p.name == "styles.xml")
            .map(|p| remove_offslide::odf_page_sizes(&p.data))
            .unwrap_or_default();
        let mut shown = BTreeSet::new();
        for part in parts.iter_mut().filter(|p| p.name == "content.xml") {
            let drop =
                |data: &[u8], name: &str| remove_offslide::drop_off_page(data, name, &sizes, &mut shown);
            remove_offslide::apply(part, drop, "ODF", "page", &mut removed)?;
        }
        // The pictures and objects they showed go where nothing else names them.
        let mut off_page = BTreeSet::new();
        for href in shown {
            let named = parts.iter().any(|p| {
                p.name != "META-INF/manifest.xml"
                    && p.name.ends_with(".xml")
                    && !p.name.starts_with(&format!("{href}/"))
                    && memchr::memmem::find(&p.data, href.as_bytes()).is_some()
            });
            if !named {
                off_page.extend(
                    parts
                        .iter()
                        .filter(|p| p.name == href || p.name.starts_with(&format!("{href}/")))
                        .map(|p| p.name.clone()),
                );
            }
        }
        for name in &off_page {
            removed.push(Found::new(
                "ODF",
                name.clone(),
                "shown by a shape off the page (--remove hidden)",
            ));
        }
        rels::remove_parts(&mut parts, &off_page)?;
        // White text on a white page.
        let styles = remove_odf_white::Styles::read(&parts)?;
        for part in parts.iter_mut().filter(|p| p.name == "content.xml") {
            let (data, gone) = remove_odf_white::drop_white_page_text(&part.data, &part.name, &styles)?
                .map_err(|why| remove::refused_hidden(&part.name, &format!("has {why}")))?;
            if gone > 0 {
                part.data = data;
                removed.push(Found::new(
                    "ODF",
                    part.name.clone(),
                    format!("{gone} pieces of white text on a white page (--remove hidden)"),
                ));
            }
        }
        // Text a style hides: the spans using it go.
        let refuse = remove::refused_hidden;
        let hiding =
            remove_odf_styles::hiding_text_styles(&parts)?.map_err(|why| refuse("the document", why))?;
        for part in parts.iter_mut().filter(|p| p.name.ends_with(".xml")) {
            part.data = remove_odf_styles::drop_styled_spans(&part.data, &part.name, &hiding)?
                .map_err(|why| refuse(&part.name, why))?;
        }
    }
    let content = &CONTENT[usize::from(r.comments)
        | usize::from(r.changes) << 1
        | usize::from(r.notes) << 2
        | usize::from(r.hidden) << 3];
    let rules_for = move |name: &str| -> &'static dyn Rules {
        match name.rsplit('/').next().unwrap_or_default() {
            "meta.xml" => &Meta,
            "settings.xml" => &Settings,
            _ => content,
        }
    };
    let prepare = move |_: &str, data: Vec<u8>| -> Result<Vec<u8>, Error> { Ok(data) };
    let policy = zipdoc::Policy {
        table: MEMBERS,
        kind: "ODF",
        rules_for: &rules_for,
        prepare: &prepare,
        // mimetype first and stored: that is how readers recognise the file.
        first: "mimetype",
        store_first: true,
    };
    zipdoc::clean_and_finish(parts, &mut package, &policy, removed, members, cx)
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

/// The content parts' rules for each choice of --remove comments (bit 0), changes (bit 1),
/// notes (bit 2) and hidden (bit 3); with none, exactly [`Annotations`].
static CONTENT: [remove::OdfContent<Annotations>; 16] = {
    let mut all = [content(0); 16];
    let mut bits = 0;
    while bits < 16 {
        all[bits] = content(bits as u8);
        bits += 1;
    }
    all
};

const fn content(bits: u8) -> remove::OdfContent<Annotations> {
    remove::OdfContent {
        inner: &Annotations,
        comments: bits & 1 != 0,
        changes: bits & 2 != 0,
        notes: bits & 4 != 0,
        hidden: bits & 8 != 0,
    }
}

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
