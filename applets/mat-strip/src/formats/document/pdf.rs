//! PDF: the document information dictionary, every XMP metadata stream, PieceInfo, page edit
//! times, annotation authors and dates, attachment descriptions and dates go; photos inside
//! (DCTDecode images) and attachments of supported formats are cleaned; earlier revisions are
//! dropped by writing the document back as one revision of the objects it still uses, with a
//! fresh trailer ID. Page content streams, fonts and everything they draw are not touched, so
//! the text stays exactly as it was.

use lopdf::xref::XrefType;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::embedded::{clean_embedded, clean_member};
use crate::engine::file_type::{self, Kind};
use crate::engine::members::{self, Members};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};
use crate::tags::{irb, xmp};

pub struct Pdf;

/// Largest stream inflated to look inside it (attachments): bigger ones are left as they are.
const MAX_INFLATE: usize = 256 * 1024 * 1024;
/// A file that opens only with a user password.
const NEEDS_PASSWORD: &str = "encrypted: needs a password (decrypt it first, e.g. qpdf --decrypt)";
/// Deeper nesting than any real document (the parser itself is recursive).
const MAX_NESTING: usize = 256;

impl Format for Pdf {
    fn name(&self) -> &'static str {
        "PDF"
    }

    fn describe(&self) -> &'static str {
        "PDF: removes the Info dictionary, every XMP Metadata stream (catalog, pages, images, \
         fonts), PieceInfo, page LastModified, pdfTeX's PTEX.* keys (an included figure's path \
         and Info), annotation authors (T), dates (M, CreationDate) and ids (NM), inline ones too, attachment descriptions and dates; cleans JPEG images (DCTDecode) and \
         attachments of supported formats; writes one revision (earlier ones and unreferenced \
         objects are gone) with a new random ID. A file encrypted with an owner password only is \
         written decrypted; one that needs a password is refused. Content streams, fonts, \
         links, forms and page count are untouched (the written file is read back: every \
         reference resolves, every page is there, else it is refused); --remove-annotations drops annotations"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Pdf)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let bytes = cx.read_whole(src)?;
        check_complete(&bytes)?;
        check_nesting(&bytes)?;
        let mut doc = Document::load_mem(&bytes).map_err(|e| load_error(&e))?;
        if doc.trailer.has(b"Encrypt") {
            return Err(Error::data(NEEDS_PASSWORD));
        }
        // A damaged file read without its page tree would be written without its pages: the
        // pages found now are the ones the output must have.
        let pages = doc.get_pages().len();
        if pages == 0 {
            return Err(Error::data(
                "damaged PDF: no page reachable from the catalog (cross-reference table broken?)",
            ));
        }
        let mut removed = Vec::new();
        if doc.was_encrypted() {
            doc.encryption_state = None;
            removed.push(Found::new(
                "PDF",
                "Encrypt",
                "owner password (restrictions) removed",
            ));
            cx.notes.push(
                "encrypted with an owner password only: the cleaned file is written decrypted".to_string(),
            );
        }
        if doc.revision_count() > 1 {
            removed.push(Found::new(
                "PDF",
                "earlier revisions",
                format!("{} incremental updates", doc.revision_count() - 1),
            ));
        }
        drop_trailer_copies(&mut doc, &mut removed);
        let names = attachment_names(&doc);
        let mut members = Members::default();
        for (id, object) in doc.objects.iter_mut() {
            let mut walk = Walk {
                cx: &mut *cx,
                removed: &mut removed,
                members: &mut members,
                name: names.get(id).map(String::as_str),
                id: *id,
            };
            clean_object(object, &mut walk)?;
        }
        if cx.opts.remove_annotations {
            remove_annotations(&mut doc, &mut removed);
        }
        super::remove_pdf::apply(&mut doc, cx.opts.remove, &mut removed);
        // XMP streams go wherever they are referenced from (a reference to a missing object
        // reads as null). The cross-reference and object streams of the file read are
        // structure, not content (and an old xref stream repeats the old trailer): the writer
        // makes its own.
        doc.objects.retain(|_, object| match object {
            Object::Stream(s) => {
                let structure = ["XRef", "ObjStm", "Metadata"]
                    .iter()
                    .any(|t| is_name(&s.dict, b"Type", t.as_bytes()));
                // An object stream whose /Type was damaged still holds the objects it held.
                let object_stream = s.dict.has(b"N") && s.dict.has(b"First");
                !structure && !object_stream
            }
            _ => true,
        });
        let unreferenced = doc.prune_objects();
        if !unreferenced.is_empty() {
            removed.push(Found::new(
                "PDF",
                "unreferenced objects",
                format!("{}", unreferenced.len()),
            ));
        }
        // Numbered densely from 1 again: gaps would show where objects were taken out.
        doc.renumber_objects();
        let highest = doc.objects.keys().map(|(number, _)| *number).max().unwrap_or(0);
        doc.max_id = highest;
        doc.trailer.set("Size", i64::from(highest) + 1);
        // A reference to an object the file does not have reads as null (PDF 7.3.10): written
        // as null, so that every reference of the output resolves.
        null_dangling(&mut doc);
        if doc.get_pages().len() != pages {
            return Err(Error::data(format!(
                "damaged PDF: {pages} pages read but only {} kept",
                doc.get_pages().len()
            )));
        }
        let mut plan = Plan::new();
        // --show and --check need only the findings: nothing is serialised.
        if !cx.inspecting() {
            doc.trailer
                .set("ID", Object::Array(vec![random_id()?, random_id()?]));
            let mut out = Vec::with_capacity(bytes.len());
            doc.save_to(&mut out)
                .map_err(|e| Error::data(format!("writing the PDF: {e}")))?;
            verify_written(&out, pages)?;
            plan.bytes(&out);
        }
        Ok(Cleaned {
            plan,
            removed,
            members,
        })
    }
}

/// Trailer keys the writer sets anew: kept where they stand, so that the written trailer's order
/// stays as it was. The xref stream's own keys are set anew only when it writes one.
const TRAILER_WRITTEN: &[&[u8]] = &[b"Root", b"Size", b"ID"];
const XREF_STREAM_WRITTEN: &[&[u8]] = &[b"Type", b"W", b"Index", b"Filter", b"Length"];
/// Keys of the file read's structure, dropped from the trailer without a finding.
const TRAILER_STRUCTURE: &[&[u8]] = &[
    b"Prev",
    b"XRefStm",
    b"Encrypt",
    b"DecodeParms",
    b"Type",
    b"W",
    b"Index",
    b"Filter",
    b"Length",
];

/// The document information dictionary goes, whatever still refers to it, with every copy of
/// the trailer: an xref stream whose /Type was damaged reads as an ordinary object that repeats
/// the trailer (/Root, /Info), and an unknown key in the trailer or any object could keep the
/// Info object reachable. So the Info objects named by the trailer or by such a copy are taken
/// out themselves (references left to them are written as null), the copies go, and the trailer
/// keeps only /Root and the keys the writer sets anew (an unknown trailer key is listed and
/// dropped).
fn drop_trailer_copies(doc: &mut Document, removed: &mut Vec<Found>) {
    let copies: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, object)| match object {
            Object::Dictionary(d) => repeats_trailer(d),
            Object::Stream(s) => repeats_trailer(&s.dict),
            _ => false,
        })
        .map(|(id, _)| *id)
        .collect();
    let mut infos: Vec<Object> = doc.trailer.remove(b"Info").into_iter().collect();
    for id in &copies {
        if let Some(object) = doc.objects.remove(id) {
            let dict = match object {
                Object::Dictionary(d) => d,
                Object::Stream(s) => s.dict,
                _ => continue,
            };
            infos.extend(dict.get(b"Info").ok().cloned());
        }
    }
    let mut seen = std::collections::HashSet::new();
    for info in infos {
        if let Object::Reference(id) = info {
            if !seen.insert(id) {
                continue;
            }
            describe_info(doc, &info, removed);
            doc.objects.remove(&id);
        } else {
            describe_info(doc, &info, removed);
        }
    }
    let xref_stream = matches!(
        doc.reference_table.cross_reference_type,
        XrefType::CrossReferenceStream
    );
    let trailer = std::mem::take(&mut doc.trailer);
    for (key, value) in trailer {
        let key_ref = key.as_slice();
        if TRAILER_WRITTEN.contains(&key_ref) || (xref_stream && XREF_STREAM_WRITTEN.contains(&key_ref)) {
            doc.trailer.set(key, value);
        } else if !TRAILER_STRUCTURE.contains(&key_ref) {
            removed.push(Found::new(
                "PDF trailer",
                String::from_utf8_lossy(&key),
                text(&value),
            ));
        }
    }
}

/// Whether a dictionary is a copy of the trailer (an xref stream, perhaps with a damaged
/// /Type): trailer keys no other object has, or /Size with a key of the cross-reference.
fn repeats_trailer(dict: &Dictionary) -> bool {
    is_name(dict, b"Type", b"XRef")
        || [b"Root".as_slice(), b"Info", b"Encrypt", b"XRefStm"]
            .iter()
            .any(|k| dict.has(k))
        || (dict.has(b"Size") && [b"W".as_slice(), b"Prev", b"ID"].iter().any(|k| dict.has(k)))
}

/// Every reference to an object that is not in the document becomes null.
fn null_dangling(doc: &mut Document) {
    let ids: std::collections::HashSet<ObjectId> = doc.objects.keys().copied().collect();
    for object in doc.objects.values_mut() {
        null_missing(object, &ids, 0);
    }
    let trailer = std::mem::take(&mut doc.trailer);
    let mut trailer = Object::Dictionary(trailer);
    null_missing(&mut trailer, &ids, 0);
    if let Object::Dictionary(d) = trailer {
        doc.trailer = d;
    }
}

fn null_missing(object: &mut Object, ids: &std::collections::HashSet<ObjectId>, depth: usize) {
    // Nesting was bounded when the file was read (check_nesting).
    if depth > MAX_NESTING {
        return;
    }
    match object {
        Object::Reference(id) if !ids.contains(id) => *object = Object::Null,
        Object::Array(items) => items
            .iter_mut()
            .for_each(|item| null_missing(item, ids, depth + 1)),
        Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, v)| null_missing(v, ids, depth + 1)),
        Object::Stream(stream) => stream
            .dict
            .iter_mut()
            .for_each(|(_, v)| null_missing(v, ids, depth + 1)),
        _ => {}
    }
}

/// The written file is read back: every reference resolves and it has the input's pages.
/// Anything else is refused rather than written.
fn verify_written(out: &[u8], pages: usize) -> Result<(), Error> {
    let doc = Document::load_mem(out)
        .map_err(|e| Error::data(format!("the cleaned PDF does not read back: {e}")))?;
    let written = doc.get_pages().len();
    if written != pages {
        return Err(Error::data(format!(
            "damaged PDF: {pages} pages read but the cleaned file has {written}"
        )));
    }
    let mut missing = None;
    let mut check = |object: &Object| {
        if let Object::Reference(id) = object {
            if !doc.objects.contains_key(id) && missing.is_none() {
                missing = Some(*id);
            }
        }
    };
    for object in doc.objects.values() {
        visit(object, &mut check, 0);
    }
    visit(&Object::Dictionary(doc.trailer.clone()), &mut check, 0);
    match missing {
        Some((n, g)) => Err(Error::data(format!(
            "damaged PDF: the cleaned file would refer to object {n} {g}, which it lacks"
        ))),
        None => Ok(()),
    }
}

fn visit(object: &Object, f: &mut impl FnMut(&Object), depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    f(object);
    match object {
        Object::Array(items) => items.iter().for_each(|i| visit(i, f, depth + 1)),
        Object::Dictionary(dict) => dict.iter().for_each(|(_, v)| visit(v, f, depth + 1)),
        Object::Stream(stream) => stream.dict.iter().for_each(|(_, v)| visit(v, f, depth + 1)),
        _ => {}
    }
}

/// A file cut short has no `%%EOF` near its end. The parser would rebuild one from what is
/// left; a truncated input is refused instead.
fn check_complete(bytes: &[u8]) -> Result<(), Error> {
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    if memchr::memmem::rfind(tail, b"%%EOF").is_none() {
        return Err(Error::data("truncated PDF: no %%EOF at the end"));
    }
    Ok(())
}

/// Arrays and dictionaries nested deeper than any real file would drive the recursive parser
/// into the stack's end: they are counted first, outside stream data.
fn check_nesting(bytes: &[u8]) -> Result<(), Error> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => depth += 1,
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b']' => depth = depth.saturating_sub(1),
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            // Stream data can hold anything: a run of brackets there is not structure.
            b's' if bytes[i..].starts_with(b"stream") && !bytes[..i].ends_with(b"end") => {
                match memchr::memmem::find(&bytes[i..], b"endstream") {
                    Some(end) => i += end + b"endstream".len(),
                    None => return Ok(()),
                }
                continue;
            }
            _ => {}
        }
        deepest = deepest.max(depth);
        if deepest > MAX_NESTING {
            return Err(Error::data(format!(
                "corrupt PDF: objects nested more than {MAX_NESTING} deep"
            )));
        }
        i += 1;
    }
    Ok(())
}

fn load_error(err: &lopdf::Error) -> Error {
    match err {
        lopdf::Error::InvalidPassword => Error::data(NEEDS_PASSWORD),
        other => Error::data(format!("corrupt PDF: {other}")),
    }
}

fn describe_info(doc: &Document, info: &Object, removed: &mut Vec<Found>) {
    let dict = match info {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    };
    let Some(dict) = dict else {
        removed.push(Found::new("PDF Info", "Info", "(unreadable)"));
        return;
    };
    for (key, value) in dict.iter() {
        removed.push(Found::new("PDF Info", String::from_utf8_lossy(key), text(value)));
    }
}

/// A PDF value as text, for --show: strings decoded (UTF-16 with a BOM, else bytes as Latin-1).
fn text(value: &Object) -> String {
    match value {
        Object::String(bytes, _) => {
            if let Some(utf16) = bytes.strip_prefix(b"\xfe\xff") {
                let units: Vec<u16> = utf16
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            } else {
                bytes.iter().map(|&b| char::from(b)).collect()
            }
        }
        Object::Name(name) => String::from_utf8_lossy(name).into_owned(),
        Object::Reference((n, g)) => format!("{n} {g} R"),
        Object::Integer(i) => i.to_string(),
        Object::Stream(s) => format!("({} bytes)", s.content.len()),
        Object::Real(r) => r.to_string(),
        Object::Boolean(b) => b.to_string(),
        // PieceInfo, an attachment's Params: what they hold, not an empty value.
        Object::Dictionary(d) => nested_text(d.iter().map(|(k, v)| (Some(k.as_slice()), v))),
        Object::Array(items) => nested_text(items.iter().map(|v| (None, v))),
        Object::Null => "null".into(),
    }
}

/// `key: value, ...` of a dictionary or array, shortened (a dictionary within is shown in
/// brackets, as deep as its size allows).
fn nested_text<'a>(entries: impl Iterator<Item = (Option<&'a [u8]>, &'a Object)>) -> String {
    const MAX: usize = 300;
    let mut out = String::from("[");
    for (i, (key, value)) in entries.enumerate() {
        if out.len() > MAX {
            out.push_str(", ...");
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        if let Some(key) = key {
            out.push_str(&String::from_utf8_lossy(key));
            out.push_str(": ");
        }
        let inner = text(value);
        out.push_str(&inner.chars().take(MAX).collect::<String>());
    }
    out.push(']');
    out
}

fn is_name(dict: &Dictionary, key: &[u8], value: &[u8]) -> bool {
    matches!(dict.get(key), Ok(Object::Name(n)) if n == value)
}

/// What cleaning one object needs beside the object.
struct Walk<'a> {
    cx: &'a mut Ctx,
    removed: &'a mut Vec<Found>,
    members: &'a mut Members,
    /// The file name of the attachment this object is, if it is one.
    name: Option<&'a str>,
    id: ObjectId,
}

/// Cleans one object where it stands: metadata keys out of its dictionary; its content, if it
/// is a photo or an attachment.
fn clean_object(object: &mut Object, cx: &mut Walk) -> Result<(), Error> {
    match object {
        Object::Dictionary(dict) => clean_dictionary(dict, cx.removed),
        Object::Stream(stream) => {
            clean_dictionary(&mut stream.dict, cx.removed);
            if is_name(&stream.dict, b"Type", b"Metadata") {
                // Unreferenced once the /Metadata keys are gone: pruned. Counted here so that
                // --show lists what it held.
                cx.removed.extend(xmp_list(stream));
            } else if is_name(&stream.dict, b"Subtype", b"Image") && last_filter(stream, b"DCTDecode") {
                clean_photo(stream, cx.cx, cx.removed)?;
            } else if is_name(&stream.dict, b"Type", b"EmbeddedFile") {
                clean_attachment(stream, cx)?;
            } else if !stream.dict.has(b"Type") && !stream.dict.has(b"Subtype") {
                // Photoshop's image resources (its EXIF and IPTC of the picture), the stream a
                // PieceInfo's ImageResources points to: pruned with the PieceInfo, listed here.
                let data = match stream.dict.has(b"Filter") {
                    true => stream.decompressed_content_with_limit(MAX_INFLATE).ok(),
                    false => Some(stream.content.clone()),
                };
                if let Some(data) = data {
                    if data.starts_with(b"8BIM") {
                        cx.removed.extend(irb::list(&data, "PDF PieceInfo"));
                    }
                }
            }
        }
        Object::Array(items) => items
            .iter_mut()
            .for_each(|item| clean_nested(item, cx.removed, 0)),
        _ => {}
    }
    Ok(())
}

/// The file names of attachments, by the id of their EmbeddedFile stream (from the file
/// specifications that point to them: /UF, else /F), to name them in messages.
fn attachment_names(doc: &Document) -> std::collections::HashMap<ObjectId, String> {
    let mut names = std::collections::HashMap::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let Ok(Object::Dictionary(ef)) = dict.get(b"EF") else {
            continue;
        };
        let name = [b"UF".as_slice(), b"F"].iter().find_map(|k| match dict.get(k) {
            Ok(Object::String(s, _)) => Some(
                lopdf::decode_text_string(&Object::String(s.clone(), lopdf::StringFormat::Literal))
                    .unwrap_or_else(|_| String::from_utf8_lossy(s).into_owned()),
            ),
            _ => None,
        });
        for (_, target) in ef.iter() {
            if let (Ok(id), Some(name)) = (target.as_reference(), &name) {
                names.insert(id, name.clone());
            }
        }
    }
    names
}

/// Keys that carry metadata, wherever they are: the document's and every object's XMP, the
/// editing application's private data and edit times; in annotations their author, dates and
/// id; in attachments their description and dates.
fn clean_dictionary(dict: &mut Dictionary, removed: &mut Vec<Found>) {
    // A form field's widget has a /T too: the field's name, which the form needs.
    let is_widget = is_name(dict, b"Subtype", b"Widget") || dict.has(b"FT");
    let is_annotation =
        !is_widget && (is_name(dict, b"Type", b"Annot") || (dict.has(b"Subtype") && dict.has(b"Rect")));
    let is_filespec = is_name(dict, b"Type", b"Filespec");
    let mut keys: Vec<&[u8]> = vec![b"Metadata", b"PieceInfo", b"LastModified"];
    if is_annotation {
        keys.extend_from_slice(&[b"T".as_slice(), b"M", b"CreationDate", b"NM"]);
    }
    if is_filespec {
        keys.push(b"Desc");
    }
    if is_name(dict, b"Type", b"EmbeddedFile") {
        keys.push(b"Params");
    }
    // pdfTeX's notes on an included figure: its path on the author's disk (PTEX.FileName)
    // and the figure's own Info dictionary (PTEX.InfoDict); PTEX.PageNumber and the
    // Fullbanner (the TeX version and date) go with them.
    let ptex: Vec<Vec<u8>> = dict
        .iter()
        .filter(|(k, _)| k.starts_with(b"PTEX."))
        .map(|(k, _)| k.clone())
        .collect();
    for key in ptex {
        if let Some(value) = dict.remove(&key) {
            removed.push(Found::new(
                "PDF pdfTeX",
                String::from_utf8_lossy(&key),
                text(&value),
            ));
        }
    }
    for key in keys {
        if let Some(value) = dict.remove(key) {
            let kind = if is_annotation && !matches!(key, b"Metadata" | b"PieceInfo" | b"LastModified") {
                "PDF annotation"
            } else if is_filespec || key == b"Params" {
                "PDF attachment"
            } else {
                "PDF"
            };
            // Metadata streams are listed when their own object is visited.
            if key != b"Metadata" {
                removed.push(Found::new(kind, String::from_utf8_lossy(key), text(&value)));
            }
        }
    }
    // Nested dictionaries (an annotation's popup, a page's resources written inline), also
    // inside arrays (annotations written inline in a page's /Annots).
    for (_, value) in dict.iter_mut() {
        clean_nested(value, removed, 0);
    }
}

fn clean_nested(value: &mut Object, removed: &mut Vec<Found>, depth: usize) {
    // Nesting was bounded when the file was read (check_nesting).
    if depth > MAX_NESTING {
        return;
    }
    match value {
        Object::Dictionary(inner) => clean_dictionary(inner, removed),
        Object::Array(items) => items
            .iter_mut()
            .for_each(|item| clean_nested(item, removed, depth + 1)),
        _ => {}
    }
}

fn xmp_list(stream: &Stream) -> Vec<Found> {
    match stream.decompressed_content_with_limit(MAX_INFLATE) {
        Ok(xml) => xmp::list_as("PDF XMP", &xml),
        Err(_) => vec![Found::new(
            "PDF XMP",
            "Metadata stream",
            format!("({} bytes)", stream.content.len()),
        )],
    }
}

fn last_filter(stream: &Stream, filter: &[u8]) -> bool {
    stream
        .filters()
        .is_ok_and(|f| f.last().is_some_and(|last| *last == filter))
}

/// A JPEG photo placed in the document: once the filters before DCTDecode (ASCII85, Flate)
/// are undone its bytes are a JPEG file, cleaned as one and stored as plain DCTDecode: the
/// compressed image data itself is not touched.
fn clean_photo(stream: &mut Stream, cx: &mut Ctx, removed: &mut Vec<Found>) -> Result<(), Error> {
    let layers = stream.filters().map(|f| f.len()).unwrap_or(0);
    let jpeg = if layers <= 1 {
        stream.content.clone()
    } else {
        let mut outer = stream.clone();
        let filters: Vec<Object> = match stream.dict.get(b"Filter") {
            Ok(Object::Array(all)) => all[..all.len() - 1].to_vec(),
            _ => return Ok(()),
        };
        outer.dict.set("Filter", Object::Array(filters));
        outer.dict.remove(b"DecodeParms");
        match outer.decompressed_content_with_limit(MAX_INFLATE) {
            Ok(bytes) => bytes,
            Err(_) => return Ok(()), // a filter chain lopdf cannot undo: left as it is
        }
    };
    let Some(data) = embedded(&jpeg, cx, "PDF image", removed)? else {
        return Ok(());
    };
    if layers > 1 {
        stream.dict.set("Filter", Object::Name(b"DCTDecode".to_vec()));
        stream.dict.remove(b"DecodeParms");
    }
    stream.set_content(data);
    Ok(())
}

/// An attachment: inflated and cleaned as a member of the document (by its own format, kept if
/// its content is known to be harmless, else by the unknown policy). Under `--unknown omit` its
/// content is emptied: the file specification (its name) stays, the data goes.
fn clean_attachment(stream: &mut Stream, cx: &mut Walk) -> Result<(), Error> {
    let label = match cx.name {
        Some(name) => format!("attachment {name}"),
        None => format!("attachment in object {}", cx.id.0),
    };
    let mut data = match stream.decompressed_content_with_limit(MAX_INFLATE) {
        Ok(content) => content,
        Err(_) if stream.filters().map(|f| f.is_empty()).unwrap_or(true) => stream.content.clone(),
        Err(_) => {
            let omit = members::unknown(
                cx.cx.opts.unknown,
                "PDF",
                &label,
                "data that cannot be inflated within bounds",
                cx.removed,
                cx.members,
            )?;
            if omit {
                stream.set_plain_content(Vec::new());
            }
            return Ok(());
        }
    };
    let before = data.len();
    let mut removed = Vec::new();
    let omit = clean_member(&mut data, "PDF", &label, cx.cx, &mut removed, cx.members)?;
    let changed = !removed.is_empty();
    cx.removed.extend(removed);
    if omit {
        stream.set_plain_content(Vec::new());
    } else if (changed || data.len() != before) && !cx.cx.inspecting() {
        stream.set_plain_content(data);
        // Compressed again as it was: the attachment should not grow.
        let _ = stream.compress();
    }
    Ok(())
}

/// Cleans a file held in the PDF; what it carried is listed under `label`.
fn embedded(
    bytes: &[u8],
    cx: &mut Ctx,
    label: &str,
    removed: &mut Vec<Found>,
) -> Result<Option<Vec<u8>>, Error> {
    let Some(cleaned) = clean_embedded(bytes, cx)? else {
        return Ok(None);
    };
    removed.extend(cleaned.removed.into_iter().map(|f| f.inside(label)));
    Ok(cleaned.data)
}

/// --remove-annotations: every page's /Annots goes (links and form fields are annotations too:
/// this is for when the comments themselves are the problem).
fn remove_annotations(doc: &mut Document, removed: &mut Vec<Found>) {
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    let mut count = 0;
    for page in pages {
        if let Ok(dict) = doc.get_dictionary_mut(page) {
            if dict.remove(b"Annots").is_some() {
                count += 1;
            }
        }
    }
    if count > 0 {
        removed.push(Found::new("PDF", "annotations", format!("on {count} pages")));
    }
}

/// A new file identifier: 16 random bytes, as a hex string.
fn random_id() -> Result<Object, Error> {
    let mut bytes = [0u8; 16];
    privkit_core::random::fill(&mut bytes)?;
    Ok(Object::String(bytes.to_vec(), lopdf::StringFormat::Hexadecimal))
}
