//! JPEG: drop EXIF (and its thumbnail), XMP and extended XMP, IPTC/Photoshop, FlashPix, MPF
//! (and the secondary images it points to after the end of the image), vendor APPn segments,
//! comments, JFIF/JFXX thumbnails and anything after the end-of-image marker; keep the frame,
//! tables, restart intervals, Adobe colour transform, ICC profile and the entropy-coded scans
//! byte for byte.

use privkit_core::Error;

use crate::bytes::be16;
use crate::containers::ifd;
use crate::containers::jpeg::{marker_name, scan_end};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::{truncated, Source};
use crate::engine::{summary, Cleaned, Format, Found, Options};
use crate::tags::{irb, text, xmp};

pub struct Jpeg;

const EXIF: &[u8] = b"Exif\0\0";
const ICC: &[u8] = b"ICC_PROFILE\0";

/// What to do with one marker segment.
enum Action {
    Keep,
    /// Keep, with new content (a JFIF header without its thumbnail).
    Replace(Vec<u8>),
    Drop(Vec<Found>),
}

impl Format for Jpeg {
    fn name(&self) -> &'static str {
        "JPEG"
    }

    fn describe(&self) -> &'static str {
        "removes EXIF (with thumbnail and GPS), XMP and extended XMP, IPTC/Photoshop, FlashPix, \
         MPF and its secondary images, APP3-APP15 vendor data, comments, JFIF/JFXX thumbnails and \
         trailers after the image (motion-photo videos); keeps ICC, JFIF, Adobe APP14 and the \
         compressed image data byte for byte (baseline, progressive, CMYK, grayscale)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Jpeg)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let options = cx.opts;
        let opts = &options;
        let len = src.len();
        let mut header: Vec<(u64, u64, Option<Vec<u8>>)> = Vec::new(); // segments before the first scan
        let mut jfif_first = false;
        let mut orientation = None;
        let mut removed = Vec::new();
        let mut plan = Plan::new();
        let mut in_scans = false;
        let mut pos = 2u64;
        let mut ended = false;
        let mut extended = xmp::Extended::default();
        while pos < len {
            let m = src.read(pos, 2, "JPEG: marker")?;
            if m[0] != 0xff {
                return Err(Error::data(format!(
                    "corrupt JPEG: expected a marker at offset {pos}"
                )));
            }
            let marker = m[1];
            match marker {
                0xff => {
                    pos += 1; // fill byte
                    continue;
                }
                0xd9 => {
                    emit(&mut plan, &mut header, in_scans, pos, 2, None);
                    pos += 2;
                    ended = true;
                    break;
                }
                0xd8 => {
                    return Err(Error::data(format!(
                        "corrupt JPEG: a second start of image at offset {pos}"
                    )))
                }
                0x01 | 0xd0..=0xd7 => {
                    emit(&mut plan, &mut header, in_scans, pos, 2, None);
                    pos += 2;
                    continue;
                }
                0x02..=0xbf | 0x00 => {
                    return Err(Error::data(format!(
                        "corrupt JPEG: invalid marker 0xFF{marker:02X} at offset {pos}"
                    )))
                }
                _ => {}
            }
            let seg_len = be16(&src.read(pos + 2, 2, "JPEG: segment length")?, 0) as u64;
            if seg_len < 2 {
                return Err(Error::data(format!(
                    "corrupt JPEG: segment length {seg_len} at offset {pos}"
                )));
            }
            let total = 2 + seg_len;
            if pos + total > len {
                return Err(truncated(
                    &format!("JPEG: {} segment", marker_name(marker)),
                    len - pos,
                    total,
                ));
            }
            if marker == 0xda {
                // Start of scan: its header, then entropy-coded data up to the next marker.
                if !in_scans {
                    flush_header(&mut plan, &header, jfif_first, orientation, opts);
                    in_scans = true;
                }
                let data_end = scan_end(src, pos + total)?;
                plan.range(pos, data_end - pos);
                pos = data_end;
                continue;
            }
            let content = src.read(pos + 4, seg_len - 2, "JPEG: segment")?;
            if marker == 0xe1 {
                if let Some(piece) = content.strip_prefix(xmp::JPEG_EXTENDED) {
                    extended.add(piece);
                }
            }
            let action = classify(marker, &content, opts, &mut orientation);
            if marker == 0xe0 && content.starts_with(b"JFIF\0") && header.is_empty() {
                jfif_first = true;
            }
            match action {
                Action::Keep => emit(&mut plan, &mut header, in_scans, pos, total, None),
                Action::Replace(new) => {
                    let mut seg = vec![0xff, marker];
                    seg.extend_from_slice(&((new.len() + 2) as u16).to_be_bytes());
                    seg.extend_from_slice(&new);
                    emit(&mut plan, &mut header, in_scans, pos, total, Some(seg));
                    removed.push(Found::new("JFIF", "Thumbnail", "embedded preview image"));
                }
                Action::Drop(found) => removed.extend(found),
            }
            pos += total;
        }
        if !ended {
            return Err(Error::data("truncated JPEG: no end-of-image marker"));
        }
        if !in_scans {
            return Err(Error::data(
                "corrupt JPEG: no image data (no start-of-scan marker)",
            ));
        }
        removed.extend(extended.list());
        if pos < len {
            removed.push(Found::new(
                "JPEG",
                "Trailer",
                format!(
                    "{} bytes after the end of the image (MPF preview, motion-photo video, ...){}",
                    len - pos,
                    text::in_ends(src, pos, len - pos)?
                ),
            ));
        }
        let mut out = Plan::new();
        out.range(0, 2);
        out.extend(plan);
        Ok(Cleaned {
            plan: out,
            removed,
            members: Default::default(),
        })
    }
}

/// Adds a segment (from the input, or replaced) to the header list before the first scan, or
/// straight to the plan after it.
fn emit(
    plan: &mut Plan,
    header: &mut Vec<(u64, u64, Option<Vec<u8>>)>,
    in_scans: bool,
    pos: u64,
    len: u64,
    new: Option<Vec<u8>>,
) {
    if in_scans {
        match new {
            Some(b) => plan.bytes(&b),
            None => plan.range(pos, len),
        }
    } else {
        header.push((pos, len, new));
    }
}

/// Writes the kept header segments, with the minimal EXIF block (Orientation only) after
/// SOI, or after JFIF's APP0 when that comes first, as both specifications want.
fn flush_header(
    plan: &mut Plan,
    header: &[(u64, u64, Option<Vec<u8>>)],
    jfif_first: bool,
    orientation: Option<u16>,
    opts: &Options,
) {
    let exif = orientation.filter(|&o| opts.keep_orientation && o != 1).map(|o| {
        let tiff = ifd::minimal_orientation(o);
        let mut seg = vec![0xff, 0xe1];
        seg.extend_from_slice(&((tiff.len() + EXIF.len() + 2) as u16).to_be_bytes());
        seg.extend_from_slice(EXIF);
        seg.extend_from_slice(&tiff);
        seg
    });
    for (i, (pos, len, new)) in header.iter().enumerate() {
        if i == 0 && !jfif_first {
            if let Some(e) = &exif {
                plan.bytes(e);
            }
        }
        match new {
            Some(b) => plan.bytes(b),
            None => plan.range(*pos, *len),
        }
        if i == 0 && jfif_first {
            if let Some(e) = &exif {
                plan.bytes(e);
            }
        }
    }
    if header.is_empty() {
        if let Some(e) = &exif {
            plan.bytes(e);
        }
    }
}

/// What a metadata segment holds, as the JPEG cleaner would list it on dropping it (empty for a
/// segment it keeps): for the frames of a Motion JPEG stream (`formats::video::mjpeg`), which
/// are JPEGs whose segments are wiped in place.
pub(crate) fn segment_findings(marker: u8, content: &[u8], opts: &Options) -> Vec<Found> {
    let mut orientation = None;
    match classify(marker, content, opts, &mut orientation) {
        Action::Drop(found) => found,
        Action::Keep | Action::Replace(_) => Vec::new(),
    }
}

fn classify(marker: u8, content: &[u8], opts: &Options, orientation: &mut Option<u16>) -> Action {
    let drop1 = |kind: &str, name: &str, value: String| Action::Drop(vec![Found::new(kind, name, value)]);
    match marker {
        0xe0 if content.starts_with(b"JFIF\0") => {
            if content.len() >= 14 && (content[12] != 0 || content[13] != 0) {
                let mut new = content[..14].to_vec();
                new[12] = 0;
                new[13] = 0;
                Action::Replace(new)
            } else {
                Action::Keep
            }
        }
        0xe0 if content.starts_with(b"JFXX\0") => drop1("JFXX", "Thumbnail", "embedded preview image".into()),
        0xe1 if content.starts_with(EXIF) => {
            let tiff = &content[EXIF.len()..];
            *orientation = ifd::orientation(tiff);
            if opts.keep_orientation && ifd::is_minimal(tiff) && orientation.is_some_and(|o| o != 1) {
                *orientation = None; // already minimal: kept as it is
                return Action::Keep;
            }
            let mut found = ifd::list(tiff, "EXIF");
            if opts.keep_orientation {
                found.retain(|f| !(f.name == "Orientation" && f.kind == "EXIF IFD0"));
            }
            if found.is_empty() {
                found.push(Found::new(
                    "EXIF",
                    "(empty block)",
                    format!("{} bytes", content.len()),
                ));
            }
            Action::Drop(found)
        }
        0xe1 if content.starts_with(xmp::JPEG_STANDARD) => {
            Action::Drop(xmp::list(&content[xmp::JPEG_STANDARD.len()..]))
        }
        0xe1 if content.starts_with(xmp::JPEG_EXTENDED) => {
            Action::Drop(xmp::list_extended(&content[xmp::JPEG_EXTENDED.len()..]))
        }
        0xe2 if content.starts_with(ICC) => {
            if opts.strip_icc {
                drop1("ICC", "profile", format!("{} bytes", content.len()))
            } else {
                Action::Keep
            }
        }
        0xe2 if content.starts_with(b"MPF\0") => drop1(
            "MPF",
            "multi-picture index",
            "secondary images follow the main one".into(),
        ),
        0xe2 if content.starts_with(b"FPXR\0") => drop1(
            "FlashPix",
            "FPXR",
            format!("{} bytes{}", content.len(), text::readable(content)),
        ),
        0xed if content.starts_with(irb::JPEG_PHOTOSHOP) => {
            Action::Drop(irb::list(&content[irb::JPEG_PHOTOSHOP.len()..], "APP13"))
        }
        0xee if content.starts_with(b"Adobe") => Action::Keep,
        0xe0..=0xef => {
            let id: String = content
                .iter()
                .take_while(|&&b| b != 0 && b.is_ascii_graphic())
                .take(24)
                .map(|&b| b as char)
                .collect();
            drop1(
                &format!("APP{}", marker - 0xe0),
                if id.is_empty() { "data" } else { &id },
                format!("{} bytes{}", content.len(), text::readable(content)),
            )
        }
        0xfe => drop1("JPEG", "Comment", summary(content)),
        _ => Action::Keep,
    }
}
