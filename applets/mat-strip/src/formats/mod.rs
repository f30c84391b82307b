//! One cleaner per format behind one trait, and the registry that picks one by content.

mod gif;
mod jpeg;
pub mod odf;
mod ooxml;
mod pdf;
mod png;
mod svg;
mod tiff;
mod webp;

use privkit_core::Error;
use serde::Serialize;

use crate::ctx::Ctx;
use crate::members::{self, Members, Unknown};
use crate::plan::Plan;
use crate::source::Source;

pub use jpeg::Jpeg;

/// Choices that change what is kept.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Keep the EXIF Orientation value (in a minimal EXIF block) so photos display upright.
    pub keep_orientation: bool,
    /// Drop ICC colour profiles too.
    pub strip_icc: bool,
    /// Documents: drop annotations (comments, highlights) themselves, not only their authors.
    pub remove_annotations: bool,
    /// Containers: what to do with a member of no known kind.
    pub unknown: Unknown,
}

/// One piece of metadata found (and removed by the plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    /// Where it lives: EXIF, XMP, IPTC, PNG tEXt, GIF comment, ...
    pub kind: String,
    /// The tag, key or chunk name.
    pub name: String,
    /// Its value as text (shortened), raw: escape before printing to a terminal.
    pub value: String,
}

impl Found {
    pub fn new(kind: impl Into<String>, name: impl Into<String>, value: impl Into<String>) -> Found {
        Found {
            kind: kind.into(),
            name: name.into(),
            value: value.into(),
        }
    }
}

/// The result of cleaning one file: what to write, and what it leaves out.
#[derive(Debug, Default)]
pub struct Cleaned {
    pub plan: Plan,
    pub removed: Vec<Found>,
    /// Members of a container kept by a known rule or, unknown, unchecked.
    pub members: Members,
}

pub trait Format: Sync {
    /// Short name: JPEG, PNG, ...
    fn name(&self) -> &'static str;
    /// What is removed and what is kept, for --list-formats.
    fn describe(&self) -> &'static str;
    /// Whether the first bytes of a file are this format's.
    fn sniff(&self, head: &[u8]) -> bool;
    /// Finds what the file carries and, unless `cx` is only inspecting (--show, --check), plans
    /// the cleaned file. Must not panic or read beyond the input on any input.
    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error>;
}

pub static FORMATS: &[&dyn Format] = &[
    &jpeg::Jpeg,
    &png::Png,
    &webp::Webp,
    &gif::Gif,
    &tiff::Tiff,
    &svg::Svg,
    &pdf::Pdf,
    &odf::Odf,
    &ooxml::Ooxml,
];

/// Cleans `src` as `format`, and checks the plan against the input before anything is written:
/// the one place a plan is accepted from a cleaner.
pub fn clean(format: &dyn Format, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
    let cleaned = format.plan(src, cx)?;
    cleaned.plan.check(src.len())?;
    Ok(cleaned)
}

/// The format of a file, by its content. Unsupported: an error that says what it looks like.
pub fn detect(head: &[u8]) -> Result<&'static dyn Format, Error> {
    if head.is_empty() {
        return Err(Error::data("empty file"));
    }
    FORMATS
        .iter()
        .copied()
        .find(|f| f.sniff(head))
        .ok_or_else(|| Error::data(format!("unsupported format (looks like {})", looks_like(head))))
}

/// A best guess at what an unsupported file is, for the error message.
pub(crate) fn looks_like(head: &[u8]) -> &'static str {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF"),
        (b"PK\x03\x04", "a ZIP archive (OOXML/ODF document?)"),
        (b"BM", "BMP"),
        (b"\x00\x00\x01\x00", "ICO"),
        (b"8BPS", "Photoshop PSD"),
        (b"II+\x00", "BigTIFF"),
        (b"MM\x00+", "BigTIFF"),
        (b"\x1f\x8b", "gzip"),
        (b"7z\xbc\xaf", "7-Zip"),
        (b"\x7fELF", "an ELF executable"),
        (b"ID3", "MP3"),
        (b"OggS", "Ogg"),
        (b"fLaC", "FLAC"),
        (b"\x1aE\xdf\xa3", "Matroska/WebM"),
        (b"\xff\x0a", "JPEG XL"),
        (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
        (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    ];
    if let Some((_, name)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return name;
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return match &head[8..12] {
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"heis" => "HEIF/HEIC",
            b"avif" | b"avis" => "AVIF",
            _ => "an MP4/QuickTime container",
        };
    }
    if head.starts_with(b"RIFF") {
        return "a RIFF file (AVI/WAV)";
    }
    if head.starts_with(b"\xff\xd8") {
        return "a damaged JPEG";
    }
    if (std::str::from_utf8(head).is_ok() && !head.contains(&0))
        || head.iter().all(|&b| b >= 0x20 || b"\t\r\n".contains(&b))
    {
        return "text";
    }
    "binary data"
}

/// A file inside another (a photo in a document, a PDF attachment), cleaned.
pub(crate) struct Embedded {
    /// The cleaned bytes; None when nothing had to change.
    pub data: Option<Vec<u8>>,
    pub removed: Vec<Found>,
    pub members: Members,
}

/// Cleans the bytes of an embedded file of any supported format. `None` when it is not a
/// format mat-strip cleans (the container's rules then decide); an error when it is a
/// supported format but corrupt (keeping it could keep metadata).
pub(crate) fn clean_embedded(bytes: &[u8], cx: &mut Ctx) -> Result<Option<Embedded>, Error> {
    let Ok(format) = detect(bytes) else {
        return Ok(None);
    };
    let src = Source::Memory(bytes.to_vec());
    let cleaned = cx.nested(|cx| clean(format, &src, cx))?;
    let mut embedded = Embedded {
        data: None,
        removed: cleaned.removed,
        members: cleaned.members,
    };
    if !embedded.removed.is_empty() && !cx.inspecting() {
        let mut data = Vec::with_capacity(bytes.len());
        cleaned
            .plan
            .write_to(&src, &mut data)
            .map_err(|e| Error::data(format!("embedded {}: {e}", format.name())))?;
        embedded.data = Some(data);
    }
    Ok(Some(embedded))
}

/// Cleans a member of a container that no name rule claimed: by its own format if it has one
/// mat-strip cleans, kept if its content is known to carry no metadata, else by the unknown
/// policy. What it carried is listed under `label` (`word/media/image1.jpg`). Returns true when
/// the member is to be left out.
pub(crate) fn clean_member(
    data: &mut Vec<u8>,
    kind: &str,
    label: &str,
    cx: &mut Ctx,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<bool, Error> {
    let prefix = |f: Found| Found::new(format!("{label} {}", f.kind), f.name, f.value);
    match clean_embedded(data, cx).map_err(|e| e.context(format!("embedded file {label}")))? {
        Some(embedded) => {
            if let Some(new) = embedded.data {
                *data = new;
            }
            removed.extend(embedded.removed.into_iter().map(prefix));
            members.kept.extend(embedded.members.kept.into_iter().map(prefix));
            members
                .unchecked
                .extend(embedded.members.unchecked.into_iter().map(prefix));
            Ok(false)
        }
        None if members::by_content(data).is_some() => Ok(false),
        None => members::unknown(cx.opts.unknown, kind, label, looks_like(data), removed, members),
    }
}

/// Reads a big-endian u16/u32 from a slice known to be long enough.
pub(crate) fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

pub(crate) fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

pub(crate) fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// A summary of a metadata value: text as text (controls included: the printer escapes them),
/// shortened; anything that is not UTF-8 as its size.
pub(crate) fn summary(bytes: &[u8]) -> String {
    const MAX: usize = 200;
    let trimmed: &[u8] = match bytes.iter().rposition(|&b| b != 0) {
        Some(end) => &bytes[..=end],
        None => &[],
    };
    match std::str::from_utf8(trimmed) {
        Ok(text) if !text.contains('\0') => {
            if text.chars().count() > MAX {
                format!(
                    "{}... ({} bytes)",
                    text.chars().take(MAX).collect::<String>(),
                    bytes.len()
                )
            } else {
                text.to_string()
            }
        }
        _ => format!("({} bytes of binary data)", bytes.len()),
    }
}
