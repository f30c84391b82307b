//! Matroska and WebM: removes Tags, Attachments (cover art), the Info Title, DateUTC, file
//! names and SegmentUUID (kept when the segment is linked to others), track names, and sets
//! MuxingApp/WritingApp (mandatory) to "privkit". Everything is overwritten in place with EBML
//! Void elements of the same size, so the file keeps its length and every position (SeekHead, Cues, cluster offsets) stays valid; clusters are copied byte
//! for byte and never read, but for the frames of a track that may hold JPEGs (Motion JPEG),
//! whose metadata segments are zeroed in place (`mjpeg`). Chapters (their names are content) are kept.

use privkit_core::Error;

use crate::containers::ebml::{self, Element, CLUSTER, CRC32, EBML, SEGMENT, VOID};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::members::Members;
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};
use crate::formats::note_cut;
use crate::formats::video::mjpeg::{self, Codec, Frames};

pub struct Matroska;

const SEEK_HEAD: u32 = 0x114D_9B74;
const INFO: u32 = 0x1549_A966;
const TRACKS: u32 = 0x1654_AE6B;
const CUES: u32 = 0x1C53_BB6B;
const ATTACHMENTS: u32 = 0x1941_A469;
const CHAPTERS: u32 = 0x1043_A770;
const TAGS: u32 = 0x1254_C367;

const DOC_TYPE: u32 = 0x4282;
const SEEK: u32 = 0x4DBB;
const SEEK_ID: u32 = 0x53AB;
const TITLE: u32 = 0x7BA9;
const MUXING_APP: u32 = 0x4D80;
const WRITING_APP: u32 = 0x5741;
const DATE_UTC: u32 = 0x4461;
const SEGMENT_UUID: u32 = 0x73A4;
const PREV_UUID: u32 = 0x3CB923;
const NEXT_UUID: u32 = 0x3EB923;
const SEGMENT_FAMILY: u32 = 0x4444;
const SEGMENT_FILENAME: u32 = 0x7384;
const PREV_FILENAME: u32 = 0x3C83AB;
const NEXT_FILENAME: u32 = 0x3E83BB;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_NAME: u32 = 0x536E;
const TRACK_NUMBER: u32 = 0xD7;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const CODEC_PRIVATE: u32 = 0x63A2;
const CONTENT_ENCODINGS: u32 = 0x6D80;
const SIMPLE_BLOCK: u32 = 0xA3;
const BLOCK_GROUP: u32 = 0xA0;
const BLOCK: u32 = 0xA1;
const CLUSTER_TIMESTAMP: u32 = 0xE7;
const CLUSTER_POSITION: u32 = 0xA7;
const PREV_SIZE: u32 = 0xAB;
const SILENT_TRACKS: u32 = 0x5854;
const ATTACHED_FILE: u32 = 0x61A7;
const FILE_NAME: u32 = 0x466E;
const FILE_DESCRIPTION: u32 = 0x467E;
const FILE_MEDIA_TYPE: u32 = 0x4660;
const FILE_DATA: u32 = 0x465C;
const TAG: u32 = 0x7373;
const SIMPLE_TAG: u32 = 0x67C8;
const TAG_NAME: u32 = 0x45A3;
const TAG_STRING: u32 = 0x4487;
const TAG_BINARY: u32 = 0x4485;

/// What MuxingApp and WritingApp say afterwards (both are mandatory).
const NEUTRAL_APP: &[u8] = b"privkit";

/// Level-1 elements read whole to be rewritten or listed (they hold no media data): bigger is
/// refused.
const MAX_HEADER_ELEMENT: u64 = 16 << 20;

impl Format for Matroska {
    fn name(&self) -> &'static str {
        "Matroska"
    }

    fn describe(&self) -> &'static str {
        "Matroska and WebM video: removes Tags, Attachments (cover art), the Info Title, date, \
         file names and segment UUID (unless linked) and track names, and sets the muxing and \
         writing application to \"privkit\", in place (Void elements: SeekHead and Cues stay \
         valid), and Motion JPEG frames' EXIF/XMP/comments (zeroed in place); chapters and \
         every other byte of the clusters kept"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Matroska)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let len = src.len();
        let head = ebml::read(src, 0, len)?;
        let head_size = known(&head)?;
        if head.id != EBML || head_size > 4096 {
            return Err(Error::data("corrupt Matroska: no EBML header"));
        }
        let buf = src.read(head.data, head_size, "Matroska: EBML header")?;
        let doc_type = ebml::children(&buf, 0, buf.len(), head.data)?
            .into_iter()
            .find(|e| e.id == DOC_TYPE)
            .map(|e| slice(&buf, head.data, &e).to_vec())
            .unwrap_or_default();
        if !matches!(trim(&doc_type), b"matroska" | b"webm") {
            return Err(Error::data(format!(
                "unsupported EBML document type \"{}\" (not Matroska or WebM)",
                String::from_utf8_lossy(trim(&doc_type))
            )));
        }

        let seg_pos = head.data + head_size;
        let seg = ebml::read_header(src, seg_pos, len)?;
        if seg.id != SEGMENT {
            return Err(Error::data(format!(
                "corrupt Matroska: element 0x{:X} where the Segment should be",
                seg.id
            )));
        }
        let seg_end = seg.end(len);
        // A Segment that runs past the input: a file cut short, cleaned where the cut falls
        // inside a Cluster or the Cues (copied without being read) or after the last complete
        // element; the Segment's size left as it was, like every byte that is not metadata. A
        // Segment of unknown size (a live recording) runs to the end of the input, which may
        // fall inside a Cluster or the Cues the same way.
        let cut = seg_end > len;
        let open = cut || seg.size.is_none();
        let seg_end = seg_end.min(len);
        if seg_end < len {
            return Err(Error::data(format!(
                "unsupported Matroska: {} bytes after the Segment (a second segment or appended data)",
                len - seg_end
            )));
        }

        let mut removed = Vec::new();
        let mut members = Members::default();
        // Same-length replacements of the input, in file order: (offset, bytes, zeros after).
        let mut patches: Vec<(u64, Vec<u8>, u64)> = Vec::new();
        // Video tracks whose frames may be JPEGs (`mjpeg`): their metadata segments are wiped
        // in place (`holes`), so no block changes size.
        let mut jpeg: Vec<(u64, Frames)> = Vec::new();
        let mut clusters_seen = false;
        let mut pos = seg.data;
        let mut inside = cut.then_some("its Segment, after its last complete element");
        let in_data = Some("its video data (a Cluster or the Cues)");
        while pos < seg_end {
            let el = ebml::read_header(src, pos, seg_end)?;
            if el.size.is_some_and(|s| s > seg_end - el.data) {
                if !open || !matches!(el.id, CLUSTER | CUES) {
                    return Err(ebml::runs_past(&el, seg_end));
                }
                if el.id == CLUSTER && !jpeg.is_empty() {
                    // Its frames as far as the input goes.
                    cluster_frames(src, cx, &el, seg_end, &mut jpeg)?;
                }
                inside = in_data;
                break;
            }
            if el.id == CLUSTER {
                clusters_seen = true;
                if !jpeg.is_empty() {
                    cluster_frames(src, cx, &el, seg_end, &mut jpeg)?;
                }
                let (end, cut_inside) = cluster_end(src, &el, seg_end, open)?;
                if cut_inside {
                    inside = in_data;
                }
                pos = end;
                continue;
            }
            let size = known(&el)?;
            let end = el.data + size;
            match el.id {
                SEEK_HEAD | INFO | TRACKS => {
                    let mut buf = whole(src, &el)?;
                    if el.id == TRACKS {
                        let found = jpeg_tracks(&buf, &el)?;
                        if clusters_seen && !found.is_empty() {
                            return Err(Error::data(
                                "unsupported Matroska: video Tracks after the first Cluster (the frames before them would not be read)",
                            ));
                        }
                        jpeg.extend(found);
                        // By number, the first of a number only (the one its blocks went to):
                        // each block finds its track by a binary search (a linear one over
                        // 100,000 track entries, for 300,000 blocks, took minutes).
                        jpeg.sort_by_key(|(n, _)| *n);
                        jpeg.dedup_by_key(|(n, _)| *n);
                    }
                    let before = removed.len();
                    let changed = match el.id {
                        SEEK_HEAD => seek_head(&mut buf, &el)?,
                        INFO => info(&mut buf, &el, &mut removed, &mut members.kept)?,
                        _ => tracks(&mut buf, &el, &mut removed)?,
                    };
                    if changed {
                        fix_crc(&mut buf, &el)?;
                        patches.push((el.start, buf, 0));
                    }
                    debug_assert!(changed || removed.len() == before);
                }
                TAGS => {
                    if size <= MAX_HEADER_ELEMENT {
                        let buf = whole(src, &el)?;
                        tags(&buf, &el, 0, &mut removed)?;
                    } else {
                        removed.push(Found::new("Matroska", "Tags", format!("{size} bytes")));
                    }
                    let h = ebml::void_header(end - el.start);
                    let zeros = end - el.start - h.len() as u64;
                    patches.push((el.start, h, zeros));
                }
                ATTACHMENTS => {
                    attachments(src, &el, &mut removed)?;
                    let h = ebml::void_header(end - el.start);
                    let zeros = end - el.start - h.len() as u64;
                    patches.push((el.start, h, zeros));
                }
                CUES | CHAPTERS | VOID | CRC32 => {}
                other => {
                    return Err(Error::data(format!(
                        "unsupported Matroska: unknown top-level element 0x{other:X} at offset {}",
                        el.start
                    )))
                }
            }
            pos = end;
        }

        if let Some(inside) = inside {
            note_cut(cx, inside);
        }
        let (mut holes, mut frame_patches) = (Vec::new(), Vec::new());
        for (_, mut frames) in jpeg {
            holes.extend(frames.take_holes());
            frame_patches.extend(frames.take_patches());
            frames.report(&mut removed);
        }
        frame_patches.sort_unstable();
        let mut plan = Plan::new();
        if !cx.inspecting() {
            let zeros: u64 = patches.iter().map(|p| p.2).sum();
            cx.charge(zeros)?;
            let mut at = 0u64;
            for (offset, bytes, zeros) in patches {
                mjpeg::write(&mut plan, at, offset - at, &holes, &frame_patches);
                plan.bytes(&bytes);
                plan.bytes(&vec![0; zeros as usize]);
                at = offset + bytes.len() as u64 + zeros;
            }
            mjpeg::write(&mut plan, at, len - at, &holes, &frame_patches);
        }
        Ok(Cleaned {
            plan,
            removed,
            members,
        })
    }
}

/// The size of an element that must have one.
fn known(el: &Element) -> Result<u64, Error> {
    el.size.ok_or_else(|| {
        Error::data(format!(
            "corrupt Matroska: element 0x{:X} of unknown size at offset {} where it is not allowed",
            el.id, el.start
        ))
    })
}

/// A level-1 element read whole, header included.
fn whole(src: &Source, el: &Element) -> Result<Vec<u8>, Error> {
    let size = known(el)?;
    if size > MAX_HEADER_ELEMENT {
        return Err(Error::data(format!(
            "unsupported Matroska: element 0x{:X} of {size} bytes (more than {MAX_HEADER_ELEMENT})",
            el.id
        )));
    }
    src.read(el.start, el.data + size - el.start, "Matroska element")
}

/// The data of `el` inside `buf`, which starts at file offset `base`.
fn slice<'a>(buf: &'a [u8], base: u64, el: &Element) -> &'a [u8] {
    let start = (el.data - base) as usize;
    let end = start + el.size.unwrap_or(0) as usize;
    buf.get(start..end).unwrap_or_default()
}

fn trim(b: &[u8]) -> &[u8] {
    let end = b.iter().rposition(|&x| x != 0).map_or(0, |e| e + 1);
    &b[..end]
}

/// The children of `el`, held in `buf` (which starts at `el.start`).
fn kids(buf: &[u8], el: &Element) -> Result<Vec<Element>, Error> {
    let start = (el.data - el.start) as usize;
    let end = start + known(el)? as usize;
    ebml::children(buf, start, end, el.start)
}

/// Same as [`kids`] for a child `c` of the element `buf` starts with (at `base`).
fn kids_of(buf: &[u8], base: u64, c: &Element) -> Result<Vec<Element>, Error> {
    let start = (c.data - base) as usize;
    ebml::children(buf, start, start + known(c)? as usize, base)
}

fn void(buf: &mut [u8], base: u64, c: &Element) {
    let start = (c.start - base) as usize;
    let len = (c.data - c.start + c.size.unwrap_or(0)) as usize;
    ebml::void_in(buf, start, len);
}

/// Removes the Seek entries that point to Tags or Attachments (gone).
fn seek_head(buf: &mut [u8], el: &Element) -> Result<bool, Error> {
    let mut changed = false;
    for seek in kids(buf, el)?.into_iter().filter(|c| c.id == SEEK) {
        let target = kids_of(buf, el.start, &seek)?
            .into_iter()
            .find(|c| c.id == SEEK_ID)
            .map(|c| ebml::uint(slice(buf, el.start, &c)) as u32);
        if matches!(target, Some(TAGS | ATTACHMENTS)) {
            void(buf, el.start, &seek);
            changed = true;
        }
    }
    Ok(changed)
}

/// The Info's names, date and identity. The SegmentUUID (random, 128 bits) would link the
/// cleaned copy to the original, as XMP's DocumentID would: removed, unless the Info links this
/// segment to others (PrevUUID, NextUUID, SegmentFamily), which a player follows by it: then
/// kept, and listed.
fn info(
    buf: &mut [u8],
    el: &Element,
    removed: &mut Vec<Found>,
    kept: &mut Vec<Found>,
) -> Result<bool, Error> {
    let mut changed = false;
    let children = kids(buf, el)?;
    let linked = children
        .iter()
        .any(|c| matches!(c.id, PREV_UUID | NEXT_UUID | SEGMENT_FAMILY));
    for c in children {
        let value = slice(buf, el.start, &c).to_vec();
        match c.id {
            SEGMENT_UUID => {
                let hex: String = value.iter().map(|b| format!("{b:02x}")).collect();
                if value.iter().all(|&b| b == 0) {
                    // Written by a muxer told to be reproducible: it identifies nothing.
                } else if linked {
                    kept.push(Found::new(
                        "Matroska Info",
                        "SegmentUUID",
                        format!("{hex} (the segment is linked to others)"),
                    ));
                } else {
                    removed.push(Found::new("Matroska Info", "SegmentUUID", hex));
                    void(buf, el.start, &c);
                    changed = true;
                }
            }
            TITLE | SEGMENT_FILENAME | PREV_FILENAME | NEXT_FILENAME => {
                let name = match c.id {
                    TITLE => "Title",
                    SEGMENT_FILENAME => "SegmentFilename",
                    PREV_FILENAME => "PrevFilename",
                    _ => "NextFilename",
                };
                removed.push(Found::new("Matroska Info", name, summary(&value)));
                void(buf, el.start, &c);
                changed = true;
            }
            DATE_UTC => {
                removed.push(Found::new("Matroska Info", "DateUTC", date(&value)));
                void(buf, el.start, &c);
                changed = true;
            }
            MUXING_APP | WRITING_APP => {
                let neutral = &NEUTRAL_APP[..NEUTRAL_APP.len().min(value.len())];
                if trim(&value) != neutral {
                    let name = if c.id == MUXING_APP {
                        "MuxingApp"
                    } else {
                        "WritingApp"
                    };
                    removed.push(Found::new("Matroska Info", name, summary(&value)));
                    let start = (c.data - el.start) as usize;
                    let data = &mut buf[start..start + value.len()];
                    data.fill(0);
                    data[..neutral.len()].copy_from_slice(neutral);
                    changed = true;
                }
            }
            _ => {}
        }
    }
    Ok(changed)
}

/// Track names (often the camera's or the encoder's words, or a person's).
fn tracks(buf: &mut [u8], el: &Element, removed: &mut Vec<Found>) -> Result<bool, Error> {
    let mut changed = false;
    for entry in kids(buf, el)?.into_iter().filter(|c| c.id == TRACK_ENTRY) {
        for c in kids_of(buf, el.start, &entry)? {
            if c.id == TRACK_NAME {
                let value = summary(slice(buf, el.start, &c));
                removed.push(Found::new("Matroska Tracks", "Name", value));
                void(buf, el.start, &c);
                changed = true;
            }
        }
    }
    Ok(changed)
}

/// The video tracks whose frames may be JPEGs (`mjpeg::Codec`): V_MJPEG, a VfW codec of
/// Motion JPEG, or a video codec mat-strip does not know; each with the frames it will hold.
/// Sound, subtitles and the known video codecs are not read. A Motion JPEG track whose frames
/// are compressed or encrypted (ContentEncodings) cannot be read: refused.
fn jpeg_tracks(buf: &[u8], el: &Element) -> Result<Vec<(u64, Frames)>, Error> {
    let mut out = Vec::new();
    for entry in kids(buf, el)?.into_iter().filter(|c| c.id == TRACK_ENTRY) {
        let children = kids_of(buf, el.start, &entry)?;
        let value = |id| {
            children
                .iter()
                .find(|c| c.id == id)
                .map(|c| slice(buf, el.start, c))
        };
        let number = value(TRACK_NUMBER).map(ebml::uint).unwrap_or(0);
        let video = value(TRACK_TYPE).map(ebml::uint) == Some(1);
        let codec_id = value(CODEC_ID).map(trim).unwrap_or_default();
        let codec = match codec_id {
            b"V_MJPEG" => Codec::Jpeg,
            // A BITMAPINFOHEADER: its compression code.
            b"V_MS/VFW/FOURCC" => value(CODEC_PRIVATE)
                .and_then(|p| p.get(16..20))
                .map_or(Codec::Unknown, mjpeg::codec),
            id if KNOWN_VIDEO.iter().any(|k| id.starts_with(k)) => Codec::Other,
            id if video || id.starts_with(b"V_") => Codec::Unknown,
            _ => Codec::Other,
        };
        if codec == Codec::Other {
            continue;
        }
        if value(CONTENT_ENCODINGS).is_some() {
            if codec == Codec::Jpeg {
                return Err(Error::data(format!(
                    "unsupported Matroska: Motion JPEG track {number} has compressed or encrypted frames (their metadata cannot be read)"
                )));
            }
            continue;
        }
        out.push((
            number,
            Frames::new(format!("video frames of track {number}"), codec),
        ));
    }
    Ok(out)
}

/// Video codecs whose frames are not JPEGs (prefixes of Matroska codec IDs).
const KNOWN_VIDEO: &[&[u8]] = &[
    b"V_MPEG4/",
    b"V_MPEGH/",
    b"V_MPEGI/",
    b"V_VP8",
    b"V_VP9",
    b"V_AV1",
    b"V_THEORA",
    b"V_MPEG1",
    b"V_MPEG2",
    b"V_REAL/",
    b"V_PRORES",
    b"V_FFV1",
    b"V_UNCOMPRESSED",
    b"V_QUICKTIME",
    b"V_DIRAC",
    b"V_SNOW",
    b"V_AVS",
];

/// The frames of the JPEG tracks in one cluster: each SimpleBlock's and Block's data after its
/// header (only headers are read to find them; a frame's segments before its first scan, a few
/// KB, to find its metadata). Laced blocks hold several frames whose sizes are coded in the
/// lacing: refused for a Motion JPEG track, skipped for an unknown codec. `tracks` are sorted
/// by number.
fn cluster_frames(
    src: &Source,
    cx: &mut Ctx,
    cluster: &Element,
    seg_end: u64,
    tracks: &mut [(u64, Frames)],
) -> Result<(), Error> {
    // A cluster cut short or of unknown size: its blocks as far as the input goes.
    let end = cluster.end(seg_end).min(seg_end);
    let mut pos = cluster.data;
    while pos < end {
        let c = ebml::read_header(src, pos, end)?;
        if cluster.size.is_none()
            && matches!(
                c.id,
                CLUSTER | SEEK_HEAD | INFO | TRACKS | CUES | ATTACHMENTS | CHAPTERS | TAGS
            )
        {
            break;
        }
        let size = known(&c)?;
        let c_end = (c.data + size).min(end);
        match c.id {
            SIMPLE_BLOCK | BLOCK => block(src, cx, c.data, c_end, tracks, false)?,
            BLOCK_GROUP => {
                let mut at = c.data;
                while at < c_end {
                    let b = ebml::read_header(src, at, c_end)?;
                    let b_end = b.data.saturating_add(known(&b)?).min(c_end);
                    if b.id == BLOCK {
                        block(src, cx, b.data, b_end, tracks, false)?;
                    }
                    at = b.data + known(&b)?;
                }
            }
            CLUSTER_TIMESTAMP | CLUSTER_POSITION | PREV_SIZE | SILENT_TRACKS | VOID | CRC32 => {}
            // An element of no known kind (a block whose id was damaged?): a frame of a JPEG
            // track if it reads as one and starts as a JPEG.
            _ => block(src, cx, c.data, c_end, tracks, true)?,
        }
        pos = c.data + size;
    }
    Ok(())
}

/// One block (`start..end` in the input): its frame, if it is one of a JPEG track's. With
/// `guess`, the element was not named a block: taken as one only if it reads as a JPEG track's
/// block whose frame starts as a JPEG.
fn block(
    src: &Source,
    cx: &mut Ctx,
    start: u64,
    end: u64,
    tracks: &mut [(u64, Frames)],
    guess: bool,
) -> Result<(), Error> {
    let head = src.read_upto(start, 12.min(end.saturating_sub(start)))?;
    let header = ebml::vint(&head).and_then(|(track, n)| Some((track, n, *head.get(n + 2)?)));
    let Some((track, n, flags)) = header.filter(|(_, n, _)| start + *n as u64 + 3 <= end) else {
        if guess {
            return Ok(());
        }
        return Err(Error::data(format!(
            "corrupt Matroska: a damaged block header at offset {start}"
        )));
    };
    let Ok(i) = tracks.binary_search_by_key(&track, |(t, _)| *t) else {
        return Ok(());
    };
    let frames = &mut tracks[i].1;
    let data = start + n as u64 + 3;
    if guess && !mjpeg::starts_as_jpeg(head.get(n + 3..).unwrap_or_default()) {
        return Ok(());
    }
    if flags & 0x06 != 0 {
        if frames.is_strict() {
            return Err(Error::data(format!(
                "unsupported Matroska: a laced block of Motion JPEG track {track} at offset {start}"
            )));
        }
        return Ok(());
    }
    frames.frame(src, cx, data, end - data)
}

/// Lists the SimpleTags of a Tags element (nested SimpleTags too).
fn tags(buf: &[u8], el: &Element, depth: usize, removed: &mut Vec<Found>) -> Result<(), Error> {
    if depth > ebml::MAX_DEPTH {
        return Err(Error::data("corrupt Matroska: tags nested too deep"));
    }
    let children = if depth == 0 {
        kids(buf, el)?
    } else {
        kids_of(buf, 0, el)?
    };
    for c in children {
        match c.id {
            TAG | SIMPLE_TAG => {
                let rebased = Element {
                    start: c.start - if depth == 0 { el.start } else { 0 },
                    data: c.data - if depth == 0 { el.start } else { 0 },
                    ..c
                };
                if c.id == SIMPLE_TAG {
                    let inner = kids_of(buf, 0, &rebased)?;
                    let text = |id| inner.iter().find(|e| e.id == id).map(|e| slice(buf, 0, e));
                    let name = text(TAG_NAME).map(summary).unwrap_or_default();
                    let value = text(TAG_STRING)
                        .or(text(TAG_BINARY))
                        .map(summary)
                        .unwrap_or_default();
                    removed.push(Found::new("Matroska Tags", name, value));
                }
                tags(buf, &rebased, depth + 1, removed)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Lists the attached files (names, types, descriptions) without reading their data.
fn attachments(src: &Source, el: &Element, removed: &mut Vec<Found>) -> Result<(), Error> {
    let end = el.data + known(el)?;
    let mut pos = el.data;
    while pos < end {
        let file = ebml::read(src, pos, end)?;
        let file_end = file.data + known(&file)?;
        if file.id == ATTACHED_FILE {
            let (mut name, mut kind, mut desc, mut bytes) = (String::new(), String::new(), String::new(), 0);
            let mut at = file.data;
            while at < file_end {
                let c = ebml::read(src, at, file_end)?;
                let size = known(&c)?;
                let text = || -> Result<String, Error> {
                    Ok(summary(&src.read(
                        c.data,
                        size.min(4096),
                        "Matroska attachment",
                    )?))
                };
                match c.id {
                    FILE_NAME => name = text()?,
                    FILE_MEDIA_TYPE => kind = text()?,
                    FILE_DESCRIPTION => desc = text()?,
                    FILE_DATA => bytes = size,
                    _ => {}
                }
                at = c.data + size;
            }
            let mut value = format!("{name} ({kind}, {bytes} bytes)");
            if !desc.is_empty() {
                value.push_str(&format!(": {desc}"));
            }
            removed.push(Found::new("Matroska Attachments", "AttachedFile", value));
        }
        pos = file_end;
    }
    Ok(())
}

/// The end of a cluster: its size, or for a cluster of unknown size (live streams), the first
/// element that cannot be inside a cluster. Only headers are read, never block data. In a
/// Segment that may be cut short (`open`), a cluster of unknown size may end inside a block:
/// then the end of the input, and true.
fn cluster_end(src: &Source, el: &Element, seg_end: u64, open: bool) -> Result<(u64, bool), Error> {
    if let Some(size) = el.size {
        return Ok((el.data + size, false));
    }
    let mut pos = el.data;
    while pos < seg_end {
        let c = ebml::read_header(src, pos, seg_end)?;
        if matches!(
            c.id,
            CLUSTER | SEEK_HEAD | INFO | TRACKS | CUES | ATTACHMENTS | CHAPTERS | TAGS | EBML | SEGMENT
        ) {
            return Ok((pos, false));
        }
        let size = known(&c)?;
        if size > seg_end - c.data {
            if open {
                return Ok((seg_end, true));
            }
            return Err(ebml::runs_past(&c, seg_end));
        }
        pos = c.data + size;
    }
    Ok((seg_end, false))
}

/// Recomputes a level-1 element's CRC-32 child (if it has one, it comes first) after changes.
fn fix_crc(buf: &mut [u8], el: &Element) -> Result<(), Error> {
    if let Some(first) = kids(buf, el)?.first() {
        if first.id == CRC32 && first.size == Some(4) {
            let at = (first.data - el.start) as usize;
            let crc = ebml::crc32(&buf[at + 4..]);
            buf[at..at + 4].copy_from_slice(&crc.to_le_bytes());
        }
    }
    Ok(())
}

/// DateUTC: nanoseconds since 2001-01-01 00:00:00 UTC, as a UTC date and time.
fn date(value: &[u8]) -> String {
    if value.len() != 8 {
        return summary(value);
    }
    let ns = i64::from_be_bytes(value.try_into().unwrap_or_default());
    let secs = ns.div_euclid(1_000_000_000) + 978_307_200;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date(&0i64.to_be_bytes()), "2001-01-01 00:00:00 UTC");
        let ns = (1_551_675_967i64 - 978_307_200) * 1_000_000_000;
        assert_eq!(date(&ns.to_be_bytes()), "2019-03-04 05:06:07 UTC");
    }
}
