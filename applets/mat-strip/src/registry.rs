//! The formats mat-strip cleans, and how a file is matched to one by its content.

use privkit_core::Error;

use crate::containers::tar::layer::Layer;
use crate::engine::file_type::{self, Kind};
use crate::engine::source::Source;
use crate::engine::{Format, Registry};
use crate::formats::{archive, audio, document, image, video};
use crate::tags::id3;

pub static FORMATS: &[&dyn Format] = &[
    &image::jpeg::Jpeg,
    &image::png::Png,
    &image::webp::Webp,
    &image::gif::Gif,
    &image::tiff::Tiff,
    // Before SVG: a page with inline SVG is HTML.
    &document::html::Html,
    &image::svg::Svg,
    &image::bmp::Bmp,
    &image::pnm::Pnm,
    &image::psd::Psd,
    &audio::wav::Wav,
    &audio::aiff::Aiff,
    &audio::flac::Flac,
    &audio::ogg::Ogg,
    // After FLAC: a FLAC behind ID3 tags is FLAC's (`detect_past_tags` looks past big ones);
    // MP3 claims any other ID3 start.
    &audio::mp3::Mp3,
    &image::jxl::Jxl,
    &image::jp2::Jp2,
    &image::heif::Heif,
    &video::mp4::Mp4,
    &video::matroska::Matroska,
    &video::avi::Avi,
    &video::asf::Asf,
    &document::pdf::Pdf,
    &document::ole2::Ole2,
    &document::odf::Odf,
    &document::ooxml::Ooxml,
    &document::epub::Epub,
    &archive::zip::Zip,
    &archive::tar::Tar(Layer::None),
    &archive::tar::Tar(Layer::Gzip),
    &archive::tar::Tar(Layer::Xz),
    &archive::tar::Tar(Layer::Bzip2),
    &archive::tar::Tar(Layer::Zstd),
    &document::torrent::Torrent,
    // Last: CSS has no magic number, so every format with one is tried first.
    &document::css::Css,
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

/// As [`detect`], for a whole input whose first bytes are `head`: a file that starts with ID3v2
/// tags larger than the head is judged by what follows them, so a FLAC behind a big cover tag
/// is FLAC, not MP3 (bounded: 8 tags, 4 bytes read after them; the tags' sizes are in their
/// headers). A tag that cannot be read leaves the verdict to the head.
pub fn detect_past_tags(src: &Source, head: &[u8]) -> Result<&'static dyn Format, Error> {
    if head.starts_with(b"ID3") && !audio::flac::Flac.sniff(head) {
        let mut pos = 0u64;
        for _ in 0..8 {
            match src.read_upto(pos, 10).map(|h| id3::v2_size(&h)) {
                Ok(Ok(Some(size))) => pos = pos.saturating_add(size),
                _ => break,
            }
        }
        if pos >= head.len() as u64 && src.read_upto(pos, 4).is_ok_and(|m| m == b"fLaC") {
            return Ok(&audio::flac::Flac);
        }
    }
    detect(head)
}

/// A best guess at what an unsupported file is, for the error message.
pub fn looks_like(head: &[u8]) -> &'static str {
    match file_type::kind(head) {
        Some(Kind::Zip) => "a ZIP archive (OOXML/ODF document?)",
        Some(Kind::Gzip) => "gzip",
        Some(Kind::Other(name)) => name,
        // A kind with a format of its own that refused it: its own error says why.
        Some(
            Kind::Jpeg
            | Kind::Png
            | Kind::Gif
            | Kind::Webp
            | Kind::Tiff
            | Kind::Pdf
            | Kind::Matroska
            | Kind::Ogg
            | Kind::Avi
            | Kind::Asf,
        ) => "a damaged file",
        Some(Kind::Ole2) => "a damaged OLE2 compound file",
        None if (std::str::from_utf8(head).is_ok() && !head.contains(&0))
            || head.iter().all(|&b| b >= 0x20 || b"\t\r\n".contains(&b)) =>
        {
            "text"
        }
        None => "binary data",
    }
}
