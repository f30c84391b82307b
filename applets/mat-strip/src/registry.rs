//! The formats mat-strip cleans, and how a file is matched to one by its content.

use privkit_core::Error;

use crate::engine::{Format, Registry};
use crate::formats::{document, image};

pub static FORMATS: &[&dyn Format] = &[
    &image::jpeg::Jpeg,
    &image::png::Png,
    &image::webp::Webp,
    &image::gif::Gif,
    &image::tiff::Tiff,
    &image::svg::Svg,
    &document::pdf::Pdf,
    &document::odf::Odf,
    &document::ooxml::Ooxml,
];

/// What the engine needs of the registry (embedded files are matched to formats through it).
pub static REGISTRY: Registry = Registry { detect, looks_like };

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
pub fn looks_like(head: &[u8]) -> &'static str {
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
