//! AVI (RIFF 'AVI ', with OpenDML 'AVIX' extensions): LIST/INFO, `IDIT` and `ISMP` dates,
//! `strd` vendor data (a camera's make and model), `strn` stream names, `_PMX` XMP, Nikon's
//! `ncdt` list and the contents of `JUNK` chunks are overwritten in place: each becomes a `JUNK`
//! chunk of the same size full of zeros. Nothing moves, so every index stays valid without
//! being read (`idx1` offsets, OpenDML `indx` super indexes pointing at `ix##` chunks by file
//! offset); `movi` and the stream headers are copied by range, the payloads of the metadata
//! segments in Motion JPEG frames written as zeros (`mjpeg`).

use privkit_core::Error;

use crate::containers::riff::chunks::{self, header, Chunk, Order};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::members::{self, Members};
use crate::engine::plan::Plan;
use crate::engine::source::{truncated, Source};
use crate::engine::{summary, Cleaned, Format, Found};
use crate::formats::audio::chunk_tags;
use crate::formats::note_cut;
use crate::formats::video::mjpeg::{self, Codec, Frames};

pub struct Avi;

/// A chunk overwritten with zeros is written from memory: larger ones are refused.
const MAX_ZEROED: u64 = 16 << 20;
/// RIFF chunks of one file ('AVI ' and its 'AVIX' extensions).
const MAX_RIFFS: usize = 10_000;

/// Structure: kept byte for byte.
const KEEP: &[&[u8; 4]] = &[b"avih", b"strh", b"strf", b"indx", b"vprp", b"idx1", b"dmlh"];
/// Metadata: zeroed in place and listed.
const DROP: &[&[u8; 4]] = &[b"IDIT", b"ISMP", b"strd", b"strn", b"_PMX", b"XMP "];
/// LIST types: walked, kept, or dropped.
const WALK: &[&[u8; 4]] = &[b"hdrl", b"strl"];
const LIST_KEEP: &[&[u8; 4]] = &[b"movi", b"odml"];
const LIST_DROP: &[&[u8; 4]] = &[b"INFO", b"ncdt", b"Tdat"];

impl Format for Avi {
    fn name(&self) -> &'static str {
        "AVI"
    }

    fn describe(&self) -> &'static str {
        "AVI (OpenDML too): overwrites LIST/INFO, IDIT and ISMP dates, strd vendor data, stream \
         names, XMP (_PMX), written JUNK and the metadata segments of Motion JPEG frames with \
         zeros in place; movi, the stream headers and every index byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Avi)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let len = src.len();
        let mut w = Walk {
            plan: Plan::new(),
            removed: Vec::new(),
            members: Members::default(),
            cut: false,
            streams: Vec::new(),
            video: false,
            stray: None,
        };
        let mut pos = 0u64;
        let mut riffs = 0usize;
        let mut movi = false;
        while pos < len {
            let head = src.read_upto(pos, 12)?;
            let form = head.get(8..12).unwrap_or_default();
            let ok =
                head.starts_with(b"RIFF") && (form == b"AVI " && riffs == 0 || form == b"AVIX" && riffs > 0);
            if !ok {
                if riffs == 0 {
                    return Err(Error::data("corrupt AVI: no RIFF 'AVI ' header"));
                }
                w.removed.push(Found::new(
                    "AVI",
                    "Trailer",
                    format!("{} bytes after the RIFF chunks", len - pos),
                ));
                break;
            }
            riffs += 1;
            if riffs > MAX_RIFFS {
                return Err(Error::data(format!(
                    "corrupt AVI: more than {MAX_RIFFS} RIFF chunks"
                )));
            }
            let riff = Chunk {
                id: *b"RIFF",
                at: pos,
                size: crate::bytes::le32(&head, 4) as u64,
            };
            if riff.size < 4 || riff.data() + 4 > len {
                return Err(truncated(
                    "AVI: RIFF chunk",
                    len - riff.data().min(len),
                    riff.size,
                ));
            }
            // A RIFF that runs past the input: a file cut short, cleaned where the cut falls
            // between its chunks or inside the video data (`list` decides); its size is left
            // as it was, like every other byte that is not metadata.
            let cut = riff.data() + riff.size > len;
            w.plan.range(pos, 12);
            movi |= w.list(src, cx, riff.data() + 4, riff.data() + riff.size, 0)?;
            if cut {
                if !w.cut {
                    note_cut(cx, "its RIFF chunk, after its last complete chunk");
                }
                break;
            }
            // The pad byte of an odd-sized RIFF, where there is one.
            let end = (pos + riff.total()).min(len);
            w.plan
                .range(riff.data() + riff.size, end - riff.data() - riff.size);
            pos = end;
        }
        if !movi {
            return Err(Error::data("corrupt AVI: no 'movi' list"));
        }
        for frames in w.streams.into_iter().flatten().chain(w.stray) {
            frames.report(&mut w.removed);
        }
        Ok(Cleaned {
            plan: if cx.inspecting() { Plan::new() } else { w.plan },
            removed: w.removed,
            members: w.members,
        })
    }
}

struct Walk {
    plan: Plan,
    removed: Vec<Found>,
    members: Members,
    /// The input ends inside a chunk of video data (copied as far as it goes).
    cut: bool,
    /// One entry per stream (`strl`), in order: the frames of a Motion JPEG video stream,
    /// whose metadata segments are wiped in place (see `mjpeg`).
    streams: Vec<Option<Frames>>,
    /// The last `strh` was a video stream's.
    video: bool,
    /// Chunks of `movi` that start as a JPEG but belong to no Motion JPEG stream.
    stray: Option<Frames>,
}

impl Walk {
    /// The chunks from `start` to `end` (one list's contents); returns whether a 'movi' list was
    /// among them.
    fn list(
        &mut self,
        src: &Source,
        cx: &mut Ctx,
        start: u64,
        end: u64,
        depth: usize,
    ) -> Result<bool, Error> {
        let mut movi = false;
        let len = src.len();
        let (list, _) = chunks::walk_cut(src, start, end, Order::Little, "AVI", &|_, n| n)?;
        if let Some(c) = list.last().filter(|c| c.data() + c.size > len) {
            // Cut inside the video data or an index (copied without being read) is cleaned;
            // inside anything else (the headers, a list that is walked or zeroed), refused.
            let list_type = src.read_upto(c.data(), 4)?;
            let data = match &c.id {
                b"LIST" => LIST_KEEP.iter().any(|t| t[..] == list_type[..]),
                b"idx1" => true,
                id => stream_data(id),
            };
            if !data {
                return Err(chunks::cut_short(c, len, "AVI"));
            }
            note_cut(cx, "its video data (the 'movi' list or an index)");
            self.cut = true;
        }
        for c in list {
            // Where the input ends inside the chunk: as far as it goes.
            let total = c.total().min(len - c.at);
            let list_type = if c.id == *b"LIST" || c.id == *b"RIFF" {
                let t = src.read(c.data(), 4.min(c.size), "AVI: LIST type")?;
                if t.len() < 4 {
                    return Err(Error::data(format!(
                        "corrupt AVI: a LIST of {} bytes at offset {}",
                        c.size, c.at
                    )));
                }
                Some([t[0], t[1], t[2], t[3]])
            } else {
                None
            };
            match list_type {
                Some(t) if WALK.contains(&&t) && depth < 2 => {
                    if &t == b"strl" {
                        self.streams.push(None);
                    }
                    self.plan.range(c.at, 12);
                    movi |= self.list(src, cx, c.data() + 4, c.data() + c.size, depth + 1)?;
                    self.plan.range(c.data() + c.size, c.total() - 8 - c.size);
                }
                Some(t) if LIST_KEEP.contains(&&t) => {
                    movi |= &t == b"movi";
                    let (mut holes, mut patches) = (Vec::new(), Vec::new());
                    if &t == b"movi" && self.streams.iter().any(Option::is_some) {
                        self.frames(src, cx, c.data() + 4, c.data() + c.size, 0)?;
                        for f in self.streams.iter_mut().flatten().chain(&mut self.stray) {
                            holes.extend(f.take_holes());
                            patches.extend(f.take_patches());
                        }
                        patches.sort_unstable();
                    }
                    mjpeg::write(&mut self.plan, c.at, total, &holes, &patches);
                }
                Some(t) if LIST_DROP.contains(&&t) => {
                    let found = chunk_tags::describe(src, &c, Order::Little, "AVI")?;
                    self.zero(cx, &c, found)?;
                }
                Some(t) => {
                    let name = format!("list '{}'", String::from_utf8_lossy(&t).trim_end());
                    self.unknown(cx, &c, &name)?;
                }
                None if KEEP.contains(&&c.id) => {
                    if &c.id == b"strh" || &c.id == b"strf" {
                        self.stream_header(src, &c)?;
                    }
                    self.plan.range(c.at, total)
                }
                None if DROP.contains(&&c.id) => {
                    let found = match &c.id {
                        b"_PMX" | b"XMP " => chunk_tags::describe(src, &c, Order::Little, "AVI")?,
                        b"strd" => vec![Found::new("AVI", "strd", strd(src, &c)?)],
                        _ => {
                            let v = src.read(c.data(), c.size.min(4096), "AVI: chunk")?;
                            vec![Found::new("AVI", c.name(), summary(&v))]
                        }
                    };
                    self.zero(cx, &c, found)?;
                }
                None if &c.id == b"JUNK" => {
                    if c.size > MAX_ZEROED {
                        return Err(Error::data(format!(
                            "AVI: a JUNK chunk of {} bytes at offset {} (more than mat-strip zeroes)",
                            c.size, c.at
                        )));
                    }
                    let d = src.read(c.data(), c.size, "AVI: JUNK chunk")?;
                    let written = d.iter().filter(|&&b| b != 0).count();
                    if written == 0 {
                        self.plan.range(c.at, c.total());
                    } else {
                        let found =
                            Found::new("AVI", "JUNK", format!("free space with {written} non-zero bytes"));
                        self.zero(cx, &c, vec![found])?;
                    }
                }
                None if stream_data(&c.id) => {
                    // Stream data or an OpenDML index chunk outside movi: structure.
                    self.plan.range(c.at, total)
                }
                None => {
                    let name = format!("chunk '{}'", c.name());
                    self.unknown(cx, &c, &name)?;
                }
            }
        }
        Ok(movi)
    }

    /// A stream's `strh` (its type) or `strf` (a video stream's compression): the frames of a
    /// video stream coded as Motion JPEG, or of a code mat-strip does not know, are read
    /// (`mjpeg::Codec`); audio and text streams and the known video codecs are not.
    fn stream_header(&mut self, src: &Source, c: &Chunk) -> Result<(), Error> {
        let n = self.streams.len();
        let Some(stream) = self.streams.last_mut() else {
            return Ok(()); // outside a strl: not a stream's
        };
        let d = src.read_upto(c.data(), c.size.min(20))?;
        let codec = match &c.id {
            b"strh" => {
                self.video = d.starts_with(b"vids");
                match d.get(..4) {
                    Some(b"vids" | b"auds" | b"txts" | b"mids") => None,
                    _ => Some(Codec::Unknown),
                }
            }
            // BITMAPINFOHEADER's biCompression; strf follows strh, whose type said video.
            _ if self.video => Some(d.get(16..20).map_or(Codec::Unknown, mjpeg::codec)),
            _ => None,
        };
        match codec {
            Some(Codec::Other) => *stream = None,
            Some(codec) => *stream = Some(Frames::new(format!("video frames of stream {}", n - 1), codec)),
            None => {}
        }
        Ok(())
    }

    /// Reads the JPEG frames among the chunks of a `movi` list (or a `rec ` list in it) from
    /// `start` to `end` (as far as the input goes): every chunk of a Motion JPEG stream, and
    /// any other chunk that starts as a JPEG (a stream whose code or a chunk whose id was
    /// damaged must not keep its frames' metadata).
    fn frames(
        &mut self,
        src: &Source,
        cx: &mut Ctx,
        start: u64,
        end: u64,
        depth: usize,
    ) -> Result<(), Error> {
        let stop = end.min(src.len());
        let mut pos = start;
        while pos < stop {
            // The header, and with it the start of a frame (one read a frame).
            let mut h = src.read(pos, (8 + mjpeg::WINDOW).min(stop - pos), "AVI: chunk header")?;
            if h.len() < 8 {
                return Err(Error::data(format!(
                    "corrupt AVI: {} stray bytes at the end of the 'movi' list",
                    h.len()
                )));
            }
            let c = Chunk {
                id: [h[0], h[1], h[2], h[3]],
                at: pos,
                size: crate::bytes::le32(&h, 4) as u64,
            };
            // A chunk past the list's end: a size that lies (past the input: a file cut short,
            // its last frame read as far as it goes).
            if c.data() + c.size > end || pos + c.total() > end && end <= src.len() {
                return Err(chunks::cut_short(&c, end, "AVI 'movi' list"));
            }
            let stream = c.id[..2]
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| ((c.id[0] - b'0') * 10 + c.id[1] - b'0') as usize);
            let len = c.size.min(stop - c.data().min(stop));
            if &c.id == b"LIST" && h.get(8..12) == Some(b"rec ") && depth == 0 {
                self.frames(src, cx, c.data() + 4, c.data() + c.size, 1)?;
            } else if let Some(f) = stream
                .and_then(|n| self.streams.get_mut(n))
                .and_then(Option::as_mut)
            {
                if matches!(&c.id[2..], b"dc" | b"db") || mjpeg::starts_as_jpeg(&h[8..]) {
                    f.frame_from(src, cx, c.data(), len, h.split_off(8))?;
                }
            } else if mjpeg::starts_as_jpeg(&h[8..]) {
                let f = self.stray.get_or_insert_with(|| {
                    Frames::new("JPEG frames of no Motion JPEG stream", Codec::Unknown)
                });
                f.frame_from(src, cx, c.data(), len, h.split_off(8))?;
            }
            pos += c.total();
        }
        Ok(())
    }

    /// Replaces a chunk by a JUNK chunk of the same size full of zeros.
    fn zero(&mut self, cx: &mut Ctx, c: &Chunk, found: Vec<Found>) -> Result<(), Error> {
        self.removed.extend(found);
        if c.size > MAX_ZEROED {
            return Err(Error::data(format!(
                "AVI: chunk '{}' of {} bytes at offset {} (more than mat-strip zeroes)",
                c.name(),
                c.size,
                c.at
            )));
        }
        if !cx.inspecting() {
            cx.charge(c.total())?;
            // The size fits 32 bits: it came from the chunk's own header.
            self.plan.bytes(&header(b"JUNK", c.size as u32, Order::Little));
            self.plan.bytes(&vec![0; (c.total() - 8) as usize]);
        }
        Ok(())
    }

    /// A chunk of no known kind: --unknown decides (omitted: zeroed in place).
    fn unknown(&mut self, cx: &mut Ctx, c: &Chunk, name: &str) -> Result<(), Error> {
        let size = format!("{} bytes", c.size);
        let mut found = Vec::new();
        if members::unknown(cx.opts.unknown, "AVI", name, &size, &mut found, &mut self.members)? {
            self.zero(cx, c, found)
        } else {
            self.plan.range(c.at, c.total());
            Ok(())
        }
    }
}

/// A chunk of stream data ("00dc", "01wb") or an OpenDML index ("ix00").
fn stream_data(id: &[u8; 4]) -> bool {
    id[..2].iter().all(u8::is_ascii_digit) || &id[..2] == b"ix"
}

/// What a `strd` chunk holds: cameras write "AVIF" and a TIFF directory (make, model) there;
/// its printable strings say enough.
fn strd(src: &Source, c: &Chunk) -> Result<String, Error> {
    let d = src.read(c.data(), c.size.min(4096), "AVI: strd chunk")?;
    let words: Vec<String> = d
        .split(|b| !(0x20..0x7f).contains(b))
        .filter(|w| w.len() >= 4)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    Ok(if words.is_empty() {
        format!("{} bytes of vendor data", c.size)
    } else {
        format!("vendor data: {}", words.join(", "))
    })
}
