//! Motion JPEG frames, shared by the containers that carry them (AVI, MP4/MOV, Matroska, ASF): every
//! frame is a whole JPEG, and cameras, webcams and ffmpeg (a cover picture turned into a
//! one-frame stream) write EXIF, XMP, IPTC/Photoshop, FlashPix and comments into its marker
//! segments. The containers copy frames by range without reading them; for a stream whose codec
//! is Motion JPEG (or unknown: see [`Codec`]), [`Frames::frame`] reads only the marker segments
//! before a frame's first scan (a few KB; the picture only when the frame does not end with its
//! end-of-image marker) and collects the ranges to wipe.
//!
//! Only the payload of a metadata segment (after its marker and length) becomes zeros: no size
//! or offset changes, so every index, `stsz` entry, chunk size and block size stays valid, and
//! the decoded picture is the same. The identifier (`Exif\0\0`, `http://ns.adobe.com/xap/1.0/`,
//! `Photoshop 3.0`) is zeroed too: a decoder or reader that still saw it would parse the zeros
//! after it as a TIFF header or an XMP packet and warn about a damaged one, whereas an APPn
//! segment of unknown identifier is skipped silently by every decoder (ffmpeg's included, checked
//! with `-v error`), and a comment of zeros is an empty comment. A segment whose payload is all
//! zeros is taken as wiped already, so cleaning a cleaned file finds nothing and changes nothing.
//! Kept, as a decoder needs them: APP0 JFIF and AVI1 (field order of interlaced AVI frames),
//! APP14 Adobe (colour transform), APP2 ICC unless `--strip-icc` (as the JPEG format does), and
//! QuickTime's `mjpg` APP1 of Motion JPEG format A (the offsets of a frame's second field). An
//! EXIF Orientation that turns the picture stays unless `--no-orientation`, as for a photo
//! (ffmpeg turns the frame by it): the minimal EXIF block is written over the start of the
//! payload (a `patch`), the rest zeros. Data after the end-of-image marker inside a frame (a
//! photo's trailer, when a picture was made a frame whole) is wiped too.

use privkit_core::Error;

use crate::bytes::be16;
use crate::containers::ifd;
use crate::containers::jpeg::{marker_name, scan_end_before};
use crate::engine::ctx::Ctx;
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::Found;
use crate::formats::image::jpeg::segment_findings;

/// How much of a frame is read at once: the segments before the first scan of a camera's
/// frame (tables, a small EXIF block) fit; a bigger segment costs one more read past it.
pub const WINDOW: u64 = 4096;
/// Marker segments before the first scan of one frame: more is a damaged frame.
const MAX_SEGMENTS: usize = 1024;
const EXIF: &[u8] = b"Exif\0\0";
/// Bytes of a segment's identifier compared to tell segment kinds apart for the listing.
const ID_LEN: usize = 16;

/// The compression four-character codes (AVI `strf`, ASF) ffmpeg decodes as Motion JPEG with
/// frames that are whole JPEGs, and QuickTime's sample entries `jpeg` and `mjpa` (format B,
/// `mjpb`, has no markers to carry metadata in). Compared without case.
const JPEG_CODES: &[&[u8; 4]] = &[
    b"MJPG", b"AVRN", b"DMB1", b"JPGL", b"IJPG", b"ACDV", b"QIVG", b"SLMJ", b"CJPG", b"IJLV", b"MVJP",
    b"AVI1", b"AVI2", b"MTSJ", b"ZJPG", b"MMJP", b"JPEG", b"MJPA",
];

/// Video codecs whose frames are not JPEGs, so none is read (a 1 GB H.264 video is copied
/// without a look inside). Compared without case; `\0\0\0\0` is AVI's uncompressed RGB.
const OTHER_CODES: &[&[u8; 4]] = &[
    b"\0\0\0\0",
    b"H264",
    b"X264",
    b"AVC1",
    b"AVC2",
    b"AVC3",
    b"AVC4",
    b"DAVC",
    b"HEVC",
    b"H265",
    b"HEV1",
    b"HVC1",
    b"DVH1",
    b"DVHE",
    b"DVA1",
    b"DVAV",
    b"VVC1",
    b"VVI1",
    b"XVID",
    b"DIVX",
    b"DX50",
    b"FMP4",
    b"MP4V",
    b"MP42",
    b"MP43",
    b"DIV3",
    b"M4S2",
    b"WMV1",
    b"WMV2",
    b"WMV3",
    b"WVC1",
    b"WMVA",
    b"VP80",
    b"VP90",
    b"VP08",
    b"VP09",
    b"AV01",
    b"MPG1",
    b"MPG2",
    b"MPEG",
    b"CVID",
    b"MSVC",
    b"IV50",
    b"IV41",
    b"FFV1",
    b"HFYU",
    b"FFVH",
    b"MAGY",
    b"UYVY",
    b"YUY2",
    b"YV12",
    b"I420",
    b"2VUY",
    b"YUV2",
    b"V210",
    b"S263",
    b"H263",
    b"APCN",
    b"APCH",
    b"APCS",
    b"APCO",
    b"AP4H",
    b"AP4X",
    b"DVC ",
    b"DVCP",
    b"DVSD",
    b"DV5N",
    b"DV5P",
    b"DVHP",
    b"DVH5",
    b"DVH6",
    b"SVQ1",
    b"SVQ3",
    b"MJPB",
    b"MJP2",
    b"THEO",
    b"TSCC",
    b"CRAM",
    b"RLE ",
    b"SMC ",
    b"RPZA",
    b"RAW ",
    b"DRAC",
    b"CFHD",
    b"DNXH",
    b"AVDN",
    b"AVDH",
    b"XDVD",
    b"XDV7",
    b"XDV8",
    b"ENCV",
    b"MP4S",
    b"MP41",
    b"MPG4",
    b"WVP2",
    b"WMVP",
    b"MSS1",
    b"MSS2",
    b"DIV4",
    b"DIV5",
    b"DIV6",
    b"DX40",
];

/// What a video stream's codec says of its frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// Motion JPEG: every frame must be a JPEG (one that is not is refused).
    Jpeg,
    /// A codec whose frames are not JPEGs: not read.
    Other,
    /// A code mat-strip does not know (or a damaged one): each frame that starts as a JPEG is
    /// read as one, so a stream whose code was damaged does not keep its frames' metadata.
    Unknown,
}

/// The codec a four-character code names.
pub fn codec(code: &[u8]) -> Codec {
    let is = |list: &[&[u8; 4]]| list.iter().any(|f| f.eq_ignore_ascii_case(code));
    if is(JPEG_CODES) {
        Codec::Jpeg
    } else if is(OTHER_CODES) {
        Codec::Other
    } else {
        Codec::Unknown
    }
}

/// Whether `head` (a chunk's or sample's first bytes) starts as a JPEG.
pub fn starts_as_jpeg(head: &[u8]) -> bool {
    head.starts_with(&[0xff, 0xd8, 0xff])
}

/// The frames of one Motion JPEG stream: what they carried (listed once per kind of segment)
/// and the ranges of the input to write as zeros.
pub struct Frames {
    /// Where the findings were, for --show ("video frames of stream 1").
    label: String,
    /// Every frame must be a JPEG (the codec says so); else frames that are not are skipped.
    strict: bool,
    frames: u64,
    dirty: u64,
    /// The kinds of segment listed already (marker and identifier).
    seen: Vec<(u8, Vec<u8>)>,
    found: Vec<Found>,
    holes: Vec<(u64, u64)>,
    /// Bytes written over the start of a hole: the minimal EXIF block keeping the Orientation.
    patches: Vec<(u64, Vec<u8>)>,
}

impl Frames {
    /// The frames of a stream of codec `codec` (`Unknown`: only those that start as a JPEG).
    pub fn new(label: impl Into<String>, codec: Codec) -> Frames {
        Frames {
            label: label.into(),
            strict: codec == Codec::Jpeg,
            frames: 0,
            dirty: 0,
            seen: Vec::new(),
            found: Vec::new(),
            holes: Vec::new(),
            patches: Vec::new(),
        }
    }

    /// The frame of `len` bytes at `at`: its metadata segments' payloads become holes. A frame
    /// that does not start as a JPEG, or whose segments run past its end, is refused (65): its
    /// metadata could not be told from its picture.
    pub fn frame(&mut self, src: &Source, cx: &mut Ctx, at: u64, len: u64) -> Result<(), Error> {
        self.frame_from(src, cx, at, len, Vec::new())
    }

    /// As [`Frames::frame`], with the first bytes of the frame already read (`head`, from `at`;
    /// a container that read them with the chunk's header saves a read a frame).
    pub fn frame_from(
        &mut self,
        src: &Source,
        cx: &mut Ctx,
        at: u64,
        len: u64,
        mut head: Vec<u8>,
    ) -> Result<(), Error> {
        if len == 0 {
            self.frames += 1;
            return Ok(()); // an empty chunk: a dropped frame (AVI)
        }
        head.truncate(len.min(usize::MAX as u64) as usize);
        let mut win = Window {
            src,
            at,
            end: at.saturating_add(len),
            start: at,
            buf: head,
        };
        if !starts_as_jpeg(win.get(at, 3.min(len))?) {
            if !self.strict {
                return Ok(());
            }
            return Err(Error::data(format!(
                "corrupt Motion JPEG frame at offset {at}: no start-of-image marker"
            )));
        }
        self.frames += 1;
        let before = self.holes.len();
        let mut pos = at + 2;
        let mut segments = 0usize;
        let mut sofs = 0usize;
        loop {
            let m = win.get(pos, 2)?;
            let marker = m[1];
            if m[0] != 0xff {
                return Err(Error::data(format!(
                    "corrupt Motion JPEG frame at offset {at}: expected a marker at offset {pos}"
                )));
            }
            match marker {
                0xff => {
                    pos += 1; // fill byte
                    continue;
                }
                0xda => break,
                // Hierarchical JPEG (no video decoder reads it) and reserved markers.
                0xc8 | 0xde | 0xdf => {
                    return Err(Error::data(format!(
                        "unsupported Motion JPEG frame at offset {at}: marker {} at offset {pos}",
                        marker_name(marker)
                    )))
                }
                0xc0..=0xcf | 0xdb..=0xfe => {}
                _ => {
                    return Err(Error::data(format!(
                    "corrupt Motion JPEG frame at offset {at}: marker 0xFF{marker:02X} before its image data"
                )))
                }
            }
            segments += 1;
            if segments > MAX_SEGMENTS {
                return Err(Error::data(format!(
                    "corrupt Motion JPEG frame at offset {at}: more than {MAX_SEGMENTS} segments"
                )));
            }
            let seg_len = be16(win.get(pos + 2, 2)?, 0) as u64;
            let seg_end = pos + 2 + seg_len;
            if seg_len < 2 || seg_end > win.end {
                return Err(Error::data(format!(
                    "corrupt Motion JPEG frame at offset {at}: its {} segment at offset {pos} runs past the frame's end",
                    marker_name(marker)
                )));
            }
            let body = pos + 4;
            let size = seg_len - 2;
            if structural(marker) {
                // Checked to be what its marker says: a metadata segment whose marker was
                // damaged into a table's would otherwise be kept.
                if !well_formed(marker, win.get(body, size)?, &mut sofs) {
                    return Err(Error::data(format!(
                        "corrupt Motion JPEG frame at offset {at}: a damaged {} segment at offset {pos}",
                        marker_name(marker)
                    )));
                }
            } else if size > 0 && is_metadata(marker, win.get(body, size.min(ID_LEN as u64))?, cx) {
                let id = win.get(body, size.min(ID_LEN as u64))?.to_vec();
                // The EXIF Orientation stays, as the JPEG format keeps it (ffmpeg turns the
                // picture by it): the payload becomes the minimal EXIF block, then zeros.
                let orientation = if marker == 0xe1 && id.starts_with(EXIF) && cx.opts.keep_orientation {
                    kept_orientation(win.get(body, size)?)
                } else {
                    None
                };
                let content = if id.iter().all(|&b| b == 0) || !self.listed(marker, &id) {
                    Some(win.get(body, size)?.to_vec())
                } else {
                    None
                };
                let wiped = match &orientation {
                    Some((_, done)) => *done,
                    None => content.as_ref().is_some_and(|c| c.iter().all(|&b| b == 0)),
                };
                if !wiped {
                    if let Some(content) = content {
                        self.list(marker, id, &content, cx);
                    }
                    if let Some((patch, _)) = orientation {
                        self.patches.push((body, patch));
                    }
                    self.holes.push((body, seg_end));
                }
            }
            pos = seg_end;
        }
        if win.end - at >= 4 && win.get(win.end - 2, 2)? != [0xff, 0xd9] {
            self.after_image(src, pos, win.end)?;
        }
        let added = self.holes.len() - before;
        if added > 0 {
            self.dirty += 1;
            // What the holes (and a patch's bytes) hold until the plan is written.
            cx.charge(added as u64 * 64)?;
        }
        Ok(())
    }

    /// Data after the frame's end-of-image marker (the first scan starts at `sos`, the frame
    /// ends at `end`): a photo's trailer (a motion-photo video, an MPF preview) when a picture
    /// was turned into a frame whole. A frame that ends with the marker, or with zeros after
    /// one in its last 4 KiB (padding), has none; otherwise its scans are walked to the marker
    /// (reading the frame) and what follows, unless zeros, becomes a hole.
    fn after_image(&mut self, src: &Source, sos: u64, end: u64) -> Result<(), Error> {
        let from = end.saturating_sub(WINDOW).max(sos);
        let tail = src.read(from, end - from, "Motion JPEG frame")?;
        if let Some(i) = tail.windows(2).rposition(|w| w == [0xff, 0xd9]) {
            if tail[i + 2..].iter().all(|&b| b == 0) {
                return Ok(());
            }
        }
        let Some(eoi) = image_end(src, sos, end)? else {
            return Ok(()); // no end-of-image marker inside the frame: nothing follows it
        };
        let mut dirty = false;
        let mut at = eoi;
        while at < end && !dirty {
            let chunk = src.read(at, (end - at).min(64 << 10), "Motion JPEG frame")?;
            dirty = chunk.iter().any(|&b| b != 0);
            at += chunk.len() as u64;
        }
        if dirty {
            if !self.listed(0xd9, b"") {
                self.seen.push((0xd9, Vec::new()));
                let f = Found::new(
                    "JPEG",
                    "Trailer",
                    format!("{} bytes after the end of the image", end - eoi),
                );
                self.found.push(f.inside(&self.label));
            }
            self.holes.push((eoi, end));
        }
        Ok(())
    }

    /// Whether every frame must be a JPEG (the codec says Motion JPEG).
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    fn listed(&self, marker: u8, id: &[u8]) -> bool {
        self.seen.iter().any(|(m, i)| *m == marker && i == id)
    }

    /// Lists a kind of segment the first time it is met (the same tags in every frame would
    /// otherwise be listed a thousand times).
    fn list(&mut self, marker: u8, id: Vec<u8>, content: &[u8], cx: &Ctx) {
        let mut found = segment_findings(marker, content, &cx.opts);
        if found.is_empty() {
            // Kept by the JPEG format (an orientation-only EXIF block), wiped here all the same.
            found.push(Found::new(
                marker_name(marker),
                "data",
                format!("{} bytes", content.len()),
            ));
        }
        let label = &self.label;
        self.found.extend(found.into_iter().map(|f| f.inside(label)));
        self.seen.push((marker, id));
    }

    /// The ranges of the input to write as zeros.
    pub fn holes(&self) -> &[(u64, u64)] {
        &self.holes
    }

    /// The ranges to write as zeros found so far, handed over (a container planning one list
    /// of frames at a time).
    pub fn take_holes(&mut self) -> Vec<(u64, u64)> {
        std::mem::take(&mut self.holes)
    }

    /// The bytes to write over the start of some holes (see [`write`]), handed over.
    pub fn take_patches(&mut self) -> Vec<(u64, Vec<u8>)> {
        std::mem::take(&mut self.patches)
    }

    /// What the frames carried: one line for the stream, then each kind of segment as listed.
    pub fn report(self, removed: &mut Vec<Found>) {
        if self.dirty == 0 {
            return;
        }
        removed.push(Found::new(
            "MJPEG",
            self.label,
            format!(
                "{} of {} frames carry metadata, wiped in place",
                self.dirty, self.frames
            ),
        ));
        removed.extend(self.found);
    }
}

/// Where the image that has its first scan at `sos` ends (after its end-of-image marker), if
/// it does before `end`: each scan's entropy-coded data is skipped to the next marker, and the
/// segments between scans (tables of a progressive picture) by their lengths.
fn image_end(src: &Source, sos: u64, end: u64) -> Result<Option<u64>, Error> {
    let mut pos = sos;
    while pos + 4 <= end {
        let m = src.read(pos, 4, "Motion JPEG frame")?;
        match m[1] {
            0xd9 => return Ok(Some(pos + 2)),
            0xff => pos += 1,
            marker => {
                let seg_end = pos + 2 + be16(&m, 2) as u64;
                pos = match marker {
                    // No marker up to the frame's end: a frame cut short, no trailer. (Not
                    // searched past it: frames laid over each other, each searched to the end
                    // of the input, took minutes.)
                    0xda => match scan_end_before(src, seg_end, end) {
                        Ok(p) => p,
                        Err(_) => return Ok(None),
                    },
                    _ => seg_end,
                };
            }
        }
    }
    if pos + 2 <= end && src.read(pos, 2, "Motion JPEG frame")? == [0xff, 0xd9] {
        return Ok(Some(pos + 2));
    }
    Ok(None)
}

/// For an EXIF payload whose Orientation turns the picture: the minimal EXIF block that keeps
/// it, and whether the payload already is that block followed by zeros (cleaned before).
fn kept_orientation(content: &[u8]) -> Option<(Vec<u8>, bool)> {
    let o = ifd::orientation(content.get(EXIF.len()..)?).filter(|&o| o != 1)?;
    let mut patch = EXIF.to_vec();
    patch.extend(ifd::minimal_orientation(o));
    if patch.len() > content.len() {
        return None;
    }
    let done = content.starts_with(&patch) && content[patch.len()..].iter().all(|&b| b == 0);
    Some((patch, done))
}

/// Writes `len` bytes of the input from `offset` into `plan`: the `holes` (input ranges) as
/// zeros, and each of the `patches` (input offset, bytes; sorted, apart) in place of the bytes
/// it covers. The containers write their frames' ranges with it.
pub fn write(plan: &mut Plan, offset: u64, len: u64, holes: &[(u64, u64)], patches: &[(u64, Vec<u8>)]) {
    let end = offset + len;
    let mut cur = offset;
    for (at, bytes) in patches {
        if *at >= cur && at + bytes.len() as u64 <= end {
            plan.range_wiped(cur, at - cur, holes);
            plan.bytes(bytes);
            cur = at + bytes.len() as u64;
        }
    }
    plan.range_wiped(cur, end - cur, holes);
}

/// Whether a marker's segment is part of the picture's coding (frame header, tables, restart
/// interval); every other segment before the scan is an application segment or a comment.
fn structural(marker: u8) -> bool {
    matches!(marker, 0xc0..=0xcf | 0xdb..=0xdd | 0xf7 | 0xf8)
}

/// Whether a coding segment's content has the layout its marker says (only one frame header).
fn well_formed(marker: u8, b: &[u8], sofs: &mut usize) -> bool {
    match marker {
        0xc4 => tables(b, |t| {
            17 + t.get(1..17).map_or(0, |n| n.iter().map(|&c| c as usize).sum())
        }),
        0xdb => tables(b, |t| 1 + 64 * (1 + (t[0] >> 4) as usize)),
        0xcc => b.len().is_multiple_of(2),
        0xdc | 0xdd => b.len() == 2,
        0xf8 => true,
        _ => {
            *sofs += 1;
            *sofs == 1 && b.len() >= 6 && b.len() == 6 + 3 * b[5] as usize
        }
    }
}

/// Whether `b` is a sequence of tables, each as long as `len` says from its first bytes,
/// ending exactly at its end.
fn tables(b: &[u8], len: impl Fn(&[u8]) -> usize) -> bool {
    let mut at = 0;
    while at < b.len() {
        let n = len(&b[at..]);
        if n < 2 || at + n > b.len() {
            return false;
        }
        at += n;
    }
    !b.is_empty()
}

/// Whether a segment of a frame is metadata (wiped), by its marker and the start of its
/// payload; a payload of zeros (wiped already) is checked by the caller.
fn is_metadata(marker: u8, id: &[u8], cx: &Ctx) -> bool {
    match marker {
        0xe0 => !(id.starts_with(b"JFIF\0") || id.starts_with(b"AVI1")),
        // QuickTime Motion JPEG format A: where the second field starts (4 reserved bytes first).
        0xe1 if id.get(4..8) == Some(b"mjpg") => false,
        0xe2 if id.starts_with(b"ICC_PROFILE\0") => cx.opts.strip_icc,
        0xee => !id.starts_with(b"Adobe"),
        0xe1..=0xef | 0xfe => true,
        _ => false,
    }
}

/// The bytes of one frame, read a window at a time.
struct Window<'a> {
    src: &'a Source,
    /// The frame's start and end in the input.
    at: u64,
    end: u64,
    /// Where `buf` starts in the input.
    start: u64,
    buf: Vec<u8>,
}

impl Window<'_> {
    /// `n` bytes at `pos`, which must lie inside the frame.
    fn get(&mut self, pos: u64, n: u64) -> Result<&[u8], Error> {
        if pos.checked_add(n).is_none_or(|e| e > self.end) {
            return Err(Error::data(format!(
                "corrupt Motion JPEG frame at offset {}: its marker segments run past its end ({} bytes)",
                self.at,
                self.end - self.at
            )));
        }
        let have = pos >= self.start && pos + n <= self.start + self.buf.len() as u64;
        if !have {
            let want = n.max(WINDOW).min(self.end - pos);
            self.buf = self.src.read(pos, want, "Motion JPEG frame")?;
            self.start = pos;
        }
        let from = (pos - self.start) as usize;
        Ok(&self.buf[from..from + n as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ctx::Purpose;
    use crate::engine::Options;

    fn cx() -> Ctx {
        Ctx::new(Options::default(), Purpose::Plan, &crate::registry::REGISTRY)
    }

    /// SOI, APP0 JFIF, APP1 EXIF-like, COM, DQT, SOS.
    fn frame() -> Vec<u8> {
        let mut f = vec![0xff, 0xd8];
        f.extend_from_slice(&[0xff, 0xe0, 0, 7, b'J', b'F', b'I', b'F', 0]);
        f.extend_from_slice(&[0xff, 0xe1, 0, 10, b'E', b'x', b'i', b'f', 0, 0, b'M', b'M']);
        f.extend_from_slice(&[0xff, 0xfe, 0, 5, b'h', b'i', b'!']);
        f.extend_from_slice(&[0xff, 0xdd, 0, 4, 0, 8]);
        f.extend_from_slice(&[0xff, 0xda, 0, 2, 0x12, 0x34, 0xff, 0xd9]);
        f
    }

    #[test]
    fn wipes_metadata_payloads_and_lists_each_kind_once() {
        let mut data = frame();
        data.extend(frame());
        let n = frame().len() as u64;
        let src = Source::Memory(data);
        let mut cx = cx();
        let mut f = Frames::new("video frames of stream 0", Codec::Jpeg);
        f.frame(&src, &mut cx, 0, n).unwrap();
        f.frame(&src, &mut cx, n, n).unwrap();
        assert_eq!(
            f.holes(),
            &[(15, 23), (27, 30), (n + 15, n + 23), (n + 27, n + 30)]
        );
        let mut removed = Vec::new();
        f.report(&mut removed);
        assert!(removed[0].value.contains("2 of 2 frames"), "{removed:?}");
        assert_eq!(removed.iter().filter(|r| r.kind.starts_with("JPEG")).count(), 1);
    }

    #[test]
    fn a_wiped_frame_is_clean_and_a_cut_one_refused() {
        let mut data = frame();
        for r in [15..23, 27..30] {
            data[r].fill(0);
        }
        let n = data.len() as u64;
        let src = Source::Memory(data);
        let mut f = Frames::new("s", Codec::Jpeg);
        f.frame(&src, &mut cx(), 0, n).unwrap();
        assert!(f.holes().is_empty());
        // The EXIF segment runs past a frame cut inside it.
        let e = f.frame(&src, &mut cx(), 0, 18).unwrap_err();
        assert!(
            e.to_string().contains("APP1 segment at offset 11 runs past"),
            "{e}"
        );
        let e = f.frame(&src, &mut cx(), 2, 10).unwrap_err();
        assert!(e.to_string().contains("no start-of-image"), "{e}");
    }

    /// Data after the end of the image inside a frame (a photo's trailer) goes; zeros after it
    /// (padding) are no finding.
    #[test]
    fn a_trailer_after_the_image_is_a_hole() {
        let mut data = frame();
        let eoi = data.len() as u64;
        data.extend_from_slice(b"PKSECRET");
        let n = data.len() as u64;
        let src = Source::Memory(data.clone());
        let mut f = Frames::new("s", Codec::Jpeg);
        f.frame(&src, &mut cx(), 0, n).unwrap();
        assert_eq!(f.holes().last(), Some(&(eoi, n)));
        data[eoi as usize..].fill(0);
        data[15..23].fill(0);
        data[27..30].fill(0);
        let mut f = Frames::new("s", Codec::Jpeg);
        f.frame(&Source::Memory(data), &mut cx(), 0, n).unwrap();
        assert!(f.holes().is_empty());
    }

    #[test]
    fn write_puts_patches_over_holes() {
        let src = Source::Memory(b"0123456789".to_vec());
        let mut plan = Plan::new();
        write(&mut plan, 1, 8, &[(2, 7)], &[(3, b"ab".to_vec())]);
        let mut out = Vec::new();
        plan.write_to(&src, &mut out).unwrap();
        assert_eq!(out, [b'1', 0, b'a', b'b', 0, 0, b'7', b'8']);
    }

    /// An EXIF segment whose marker was damaged into a table's is not kept as one.
    #[test]
    fn a_metadata_segment_passing_for_a_table_is_refused() {
        for marker in [0xc4, 0xdb, 0xc1, 0xdd] {
            let mut data = frame();
            data[12] = marker;
            let n = data.len() as u64;
            let e = Frames::new("s", Codec::Jpeg)
                .frame(&Source::Memory(data), &mut cx(), 0, n)
                .unwrap_err();
            assert!(e.to_string().contains("a damaged"), "{marker:x}: {e}");
        }
        // A stream of unknown codec: a frame that is not a JPEG is skipped, not refused.
        let src = Source::Memory(vec![0, 0, 0, 1, 0x67, 0x42]);
        let mut f = Frames::new("s", Codec::Unknown);
        f.frame(&src, &mut cx(), 0, 6).unwrap();
        assert!(f.holes().is_empty());
    }
}
