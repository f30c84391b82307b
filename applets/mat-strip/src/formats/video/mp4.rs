//! MP4, QuickTime MOV, M4A/M4V and 3GP (fragmented too): removes `udta`, `meta` (keys and
//! ilst: location, make, model, software, dates, cover art) and `uuid` boxes at movie and
//! track level and at the top, zeroes the creation and modification times of `mvhd`, `tkhd` and
//! `mdhd`, drops timed metadata tracks (Apple `mebx`, GoPro `gpmd`, `camm`) with their samples
//! (zeroed in place in `mdat`, so the other tracks' data moves only with the boxes before it,
//! and `mdat` is copied in one range) and other tracks' `tref` references to them, zeroes the contents of
//! `free` boxes, drops `mfra`. In fragmented files the dropped tracks' `traf` leave every
//! `moof` (with their samples and `trex`), and `udta` inside a `traf` goes. Chunk offsets
//! (`stco`/`co64`), fragment base offsets (`tfhd`) and moof-relative data offsets (`trun`) are
//! corrected when boxes before them shrink; `mdat` is copied as a range of the input, never read
//! but for the frames of a Motion JPEG track, whose metadata segments are zeroed in place
//! (`mjpeg`).
//! Memory: `moov` is read without the kept tracks' sample tables (megabytes in a long
//! recording), which go to the output as ranges of the input like every box left as it is; a
//! segment index (`sidx`) stays right because a `moof` that shrinks is followed by a `free` box
//! of the difference. Refused rather than half-cleaned: a timed metadata track whose sample table
//! does not account for every sample (its data would stay in `mdat`), and a box of an unknown or
//! damaged type in a movie or track (where `udta` and `meta` live).

use privkit_core::Error;

use crate::containers::isobmff::compact::subtract;
use crate::containers::isobmff::{self as bmff, BoxHead};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::{page_pad, Plan, PAGE};
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};
use crate::formats::note_cut;
use crate::formats::video::mjpeg::{self, Codec, Frames};
use crate::tags::xmp;

pub struct Mp4;

const WHAT: &str = "MP4";
/// A `moov` or `moof` is read whole: refused beyond this (real ones are a few MB).
const MAX_HEADER_BOX: u64 = 256 << 20;

impl Format for Mp4 {
    fn name(&self) -> &'static str {
        "MP4"
    }

    fn describe(&self) -> &'static str {
        "MP4, QuickTime MOV, M4A/M4V, 3GP, fragmented MP4: removes udta, meta/keys/ilst \
         (location, make, model, software, dates, cover art) and uuid (XMP) boxes, timed \
         metadata tracks (mebx, gpmd, camm) with their samples, free-box contents, \
         mvhd/tkhd/mdhd times and Motion JPEG frames' EXIF/XMP/comments (zeroed in place); keeps every audio and video sample byte for byte (chunk offsets \
         corrected)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        // ftyp (image brands are HEIF's), or an old QuickTime file starting with a movie box.
        file_type::kind(head) == Some(Kind::Other("an MP4/QuickTime container"))
            || matches!(head.get(4..8), Some(b"moov" | b"mdat" | b"wide"))
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let tops = bmff::top_level_cut(src, WHAT, bmff::MAX_TOP_LEVEL)?;
        let cut = cut_box(cx, &tops, src.len())?;
        let mut st = State::default();
        let mut moov: Option<(BoxHead, Vec<u8>)> = None;
        // What each top-level box becomes.
        let mut kept: Vec<(BoxHead, Top)> = Vec::new();
        for h in &tops {
            let top = match &h.kind {
                b"ftyp" | b"styp" | b"sidx" | b"ssix" | b"prft" | b"pdin" => Top::Verbatim,
                b"mdat" => Top::Mdat,
                b"moov" => {
                    if moov.is_some() {
                        return Err(Error::data("corrupt MP4: two 'moov' boxes"));
                    }
                    moov = Some((*h, read_moov(src, cx, h)?));
                    Top::Moov
                }
                b"moof" => Top::Moof,
                // Any size: the zeros are written from a small static buffer.
                b"free" | b"skip" | b"wide" => Top::Zeroed,
                b"mfra" => {
                    st.removed
                        .push(Found::new("MP4", "mfra", "fragment index (absolute offsets)"));
                    continue;
                }
                b"udta" | b"meta" | b"uuid" => {
                    let b = read_box(src, cx, h)?;
                    let bh = bmff::children(&b, 0, b.len(), WHAT)?;
                    if let Some(bh) = bh.first() {
                        st.found_in(&b, bh, 0)?;
                    }
                    continue;
                }
                _ => {
                    return Err(Error::data(format!(
                        "unsupported MP4: unknown top-level box '{}' at offset {} (could hold metadata)",
                        h.name(),
                        h.start
                    )))
                }
            };
            kept.push((*h, top));
        }
        let Some((moov_head, moov_buf)) = moov else {
            if let Some(c) = cut {
                // A camera writes its `moov` after the samples: cut there, it is not in the input.
                return Err(Error::data(format!(
                    "truncated MP4: no 'moov' box (the file is cut short inside its '{}' box at offset {}, before it)",
                    c.name(),
                    c.start
                )));
            }
            return Err(Error::data("corrupt MP4: no 'moov' box"));
        };
        let mut moov_buf = moov_buf;
        // The tracks that go, before anything is written (other tracks' `tref` name them).
        if let Some(root) = bmff::children(&moov_buf, 0, moov_buf.len(), WHAT)?.first() {
            for t in bmff::children(&moov_buf, root.body() as usize, root.end() as usize, WHAT)? {
                if &t.kind == b"trak" && metadata_track(&moov_buf, &t)?.is_some() {
                    st.dropped_tracks.push(track_id(&moov_buf, &t)?);
                    // Its samples are wiped: where they lie is read from its tables.
                    fill(src, &mut moov_buf, moov_head.start, t.start, t.end(), 0, false)?;
                }
            }
        }
        // Motion JPEG tracks: each frame is a JPEG whose metadata segments are wiped in place
        // like a dropped track's samples (`mjpeg`); their tables are read for it. Not where no
        // `mdat` holds any data (ExifTool's samples, the frames stripped): no frame is there.
        let data = tops.iter().any(|h| &h.kind == b"mdat" && h.size > h.header);
        if let Some(root) = bmff::children(&moov_buf, 0, moov_buf.len(), WHAT)?
            .first()
            .filter(|_| data)
        {
            // The frames of all the tracks together fit the file once (see `each_sample`).
            let mut unread = src.len();
            // Once, not for each track: it walks the whole `moov` (a `moov` of 30,000 tracks
            // walked 30,000 times).
            let trex = trex_sizes(&moov_buf)?;
            for t in bmff::children(&moov_buf, root.body() as usize, root.end() as usize, WHAT)? {
                if &t.kind != b"trak" || metadata_track(&moov_buf, &t)?.is_some() {
                    continue;
                }
                let Some(codec) = jpeg_codec(&moov_buf, &t)? else {
                    continue;
                };
                let id = track_id(&moov_buf, &t)?;
                if trex.iter().any(|&(track, _)| track == id) {
                    // Its samples are in fragments (`trun`), not read for JPEG frames yet.
                    if codec == Codec::Jpeg {
                        return Err(Error::data(format!(
                            "unsupported MP4: track {id} is fragmented Motion JPEG (the metadata in its frames is not read)"
                        )));
                    }
                    continue;
                }
                fill(src, &mut moov_buf, moov_head.start, t.start, t.end(), 0, false)?;
                let mut frames = Frames::new(format!("video frames of track {id}"), codec);
                each_sample(
                    &moov_buf,
                    &t,
                    src.len(),
                    cut.is_some(),
                    &mut unread,
                    &mut |at, len| frames.frame(src, cx, at, len),
                )?;
                st.gone.extend(frames.take_holes());
                st.patches.extend(frames.take_patches());
                frames.report(&mut st.removed);
            }
        }
        // Pass 1: the new moov's size (offsets do not change sizes: stco stays stco) and the
        // samples that leave.
        let moov_root = bmff::children(&moov_buf, 0, moov_buf.len(), WHAT)?;
        let identity = |o: u64| Ok(o);
        st.at = moov_head.start;
        let new_moov_len = st.plan_box(&moov_buf, &moov_root[0], 0, &identity)?.len();
        // Fragments: the dropped tracks' `traf` (and their samples) and `udta` in a `traf` go;
        // the new size of each `moof`.
        let trex = trex_sizes(&moov_buf)?;
        let mut moof_sizes = Vec::new();
        for (h, top) in &kept {
            if matches!(top, Top::Moof) {
                let b = read_box(src, cx, h)?;
                moof_sizes.push(st.rewrite_moof(&b, h.start, None, &trex)?.len() as u64);
            }
        }
        // With a segment index, a `moof` that shrinks is followed by a `free` box of the
        // difference (zeros): every subsegment keeps its size, so the index stays right as it
        // is (checked below).
        let has_sidx = kept.iter().any(|(h, _)| &h.kind == b"sidx");
        let mut pads = Vec::new();
        for (n, (h, _)) in moof_sizes
            .iter()
            .zip(kept.iter().filter(|(_, t)| matches!(t, Top::Moof)))
        {
            let d = h.size.saturating_sub(*n);
            pads.push(if has_sidx && d >= 8 { d } else { 0 });
        }
        let gone = subtract(std::mem::take(&mut st.gone), &[]);
        for &(s, e) in &gone {
            // In a file cut short, samples past the cut are not there to wipe; only inside the
            // box that is cut, as where they would be elsewhere cannot be checked (a damaged
            // table pointing past the end would leave the real samples unwiped).
            if s >= src.len() && cut.is_some_and(|c| e <= c.end()) {
                continue;
            }
            if !kept
                .iter()
                .any(|(h, t)| matches!(t, Top::Mdat) && s >= h.body() && e <= h.end())
            {
                return Err(Error::data(format!(
                    "corrupt MP4: a metadata track's samples ({s}..{e}) lie outside 'mdat'"
                )));
            }
        }
        // Where each kept box lands. The dropped samples are zeroed in place, so an `mdat` keeps
        // its size and moves as a whole: an offset into a box moves with the box.
        let mut layout = Vec::new();
        let mut at = 0u64;
        let mut moof_at = Vec::new();
        let mut sizes = moof_sizes.iter().zip(&pads);
        // A `free` box of zeros before the first box of sample data (or its index), when what
        // precedes it changed size: the data keeps its offset modulo a page, so the kernel copies
        // it page-aligned (see `page_pad`) and chunk offsets move by whole pages. Not where that
        // could push a 32-bit chunk offset past 4 GB, nor before an `mdat` with dropped samples
        // (written from a mapping, `Plan::range_wiped`: no faster aligned, measured).
        let mut align: Option<(usize, u64)> = None;
        let mut before_data = true;
        for (i, (h, top)) in kept.iter().enumerate() {
            if before_data && (matches!(top, Top::Mdat | Top::Moof) || &h.kind == b"sidx") {
                before_data = false;
                let wiped =
                    matches!(top, Top::Mdat) && gone.iter().any(|&(s, _)| s >= h.body() && s < h.end());
                let pad = page_pad(at, h.start, 8).filter(|pad| {
                    !wiped && (at + 8 + pad <= h.start || src.len() + 8 + PAGE <= u32::MAX as u64)
                });
                if let Some(pad) = pad {
                    align = Some((i, pad));
                    at += 8 + pad;
                }
            }
            let new_len = match top {
                Top::Moov => new_moov_len,
                Top::Moof => {
                    moof_at.push(at);
                    sizes.next().map(|(n, pad)| n + pad).unwrap_or(h.size)
                }
                _ => h.size,
            };
            layout.push((*h, at, matches!(top, Top::Moov), new_len));
            at += new_len;
        }
        for (h, _) in kept.iter().filter(|(h, _)| &h.kind == b"sidx") {
            sidx_stays_right(&read_box(src, cx, h)?, h, &tops, &layout)?;
        }
        let map = |o: u64| -> Result<u64, Error> {
            // The box holding `o`, or failing that the one it ends (an offset just past the
            // data); the boxes are in file order, so the last one starting at or before `o`.
            let i = layout.partition_point(|(h, ..)| h.start <= o);
            let holder = i
                .checked_sub(1)
                .and_then(|i| layout.get(i))
                .filter(|(h, ..)| o <= h.end());
            if let Some((h, n, false, _)) = holder {
                return Ok(n + (o - h.start));
            }
            Err(Error::data(format!(
                "corrupt MP4: a chunk offset ({o}) points outside the sample data"
            )))
        };
        // Pass 2: with the real offsets (findings once only).
        let found = std::mem::take(&mut st.removed);
        st.second_pass = true;
        let mut new_moov = st.plan_box(&moov_buf, &moov_root[0], 0, &map)?;
        drop(moov_buf);
        st.removed = found;
        let mut moofs = moof_at.iter().zip(&pads);
        let mut plan = Plan::new();
        for (i, (h, top)) in kept.iter().enumerate() {
            if let Some((_, pad)) = align.filter(|(at, _)| *at == i) {
                plan.bytes(&bmff::header(b"free", pad));
                plan.zeros(pad);
            }
            match top {
                Top::Moov => plan.extend(std::mem::take(&mut new_moov)),
                Top::Verbatim
                    if &h.kind == b"sidx" && {
                        let b = read_box(src, cx, h)?;
                        u32at(bmff::body(&b, &BoxHead { start: 0, ..*h }), 4)
                            .is_ok_and(|id| st.dropped_tracks.contains(&id))
                    } =>
                {
                    // The segment index of a dropped track: a `free` box of its size in its
                    // place, so the other indexes' relative offsets stay right.
                    plan.bytes(&bmff::make(b"free", &vec![0; h.size.saturating_sub(8) as usize]));
                }
                Top::Verbatim => plan.range(h.start, h.size),
                // Cut short, a box goes as far as the input (its size as declared).
                Top::Mdat => {
                    st.patches.sort_unstable();
                    let len = h.size.min(src.len() - h.start);
                    mjpeg::write(&mut plan, h.start, len, &gone, &st.patches);
                }
                Top::Zeroed => {
                    let hdr = src.read(h.start, h.header, WHAT)?;
                    plan.bytes(&hdr);
                    // A free box the file is cut short inside: zeros up to the cut.
                    let stop = h.end().min(src.len());
                    plan.zeros(stop.saturating_sub(h.body()));
                    // Read through one buffer only to tell leftovers from padding.
                    let mut buf = vec![0u8; stop.saturating_sub(h.body()).min(1 << 20) as usize];
                    let mut off = h.body();
                    let mut dirty = false;
                    while off < stop && !dirty {
                        let want = (stop - off).min(buf.len() as u64) as usize;
                        let n = src.read_into(off, &mut buf[..want])?;
                        if n < want {
                            return Err(crate::engine::source::truncated(WHAT, n as u64, want as u64));
                        }
                        dirty = buf[..n].iter().any(|&b| b != 0);
                        off += n as u64;
                    }
                    if dirty {
                        st.removed.push(Found::new(
                            "MP4",
                            h.name(),
                            format!("{} bytes of leftovers", h.body_len()),
                        ));
                    }
                }
                Top::Moof => {
                    let b = read_box(src, cx, h)?;
                    let (new_at, pad) = moofs.next().map(|(a, p)| (*a, *p)).unwrap_or((0, 0));
                    let new = st.rewrite_moof(&b, h.start, Some((new_at, &map)), &trex)?;
                    if new == b {
                        plan.range(h.start, h.size);
                    } else {
                        plan.bytes(&new);
                    }
                    if pad >= 8 {
                        plan.bytes(&bmff::make(b"free", &vec![0; pad as usize - 8]));
                    }
                }
            }
        }
        let _ = moov_head;
        Ok(Cleaned {
            plan,
            removed: st.removed,
            members: Default::default(),
        })
    }
}

/// The last top-level box when the input ends inside it (noted as a cut), if it may be
/// cleaned: sample data (`mdat`, copied as a range), a `free`/`skip` box (zeroed) or the
/// fragment index (`mfra`, dropped). A cut anywhere else (`moov`, `moof`, `meta`, `udta`...)
/// leaves half of something that must be read: refused.
fn cut_box(cx: &mut Ctx, tops: &[BoxHead], len: u64) -> Result<Option<BoxHead>, Error> {
    let Some(c) = tops.last().filter(|h| h.end() > len).copied() else {
        return Ok(None);
    };
    match &c.kind {
        b"mdat" => note_cut(cx, "its media data ('mdat')"),
        b"free" | b"skip" => note_cut(cx, "a free box, whose contents are zeroed"),
        b"mfra" => note_cut(cx, "its fragment index ('mfra'), which is removed"),
        _ => {
            return Err(Error::data(format!(
                "truncated MP4: '{}' box at offset {} ({} bytes) cut short at {len} bytes",
                c.name(),
                c.start,
                c.size
            )))
        }
    }
    Ok(Some(c))
}

/// Where a kept top-level box lands: the box, its new offset, whether it is the `moov`, its new
/// size (padding included).
type Landing = (BoxHead, u64, bool, u64);

/// A segment index (`sidx`, ISO 14496-12 8.16.3) is kept as it is: its offsets are relative (from
/// its end) and its sizes are those of the subsegments, so it stays right when every top-level
/// box from its end to the end of what it indexes is kept with its size. Otherwise refused.
fn sidx_stays_right(b: &[u8], h: &BoxHead, tops: &[BoxHead], layout: &[Landing]) -> Result<(), Error> {
    let body = bmff::body(b, &BoxHead { start: 0, ..*h });
    let short = || Error::data("corrupt MP4: 'sidx' box cut short");
    let (first, at) = match body.first() {
        Some(0) => (u32at(body, 16).map_err(|_| short())? as u64, 20),
        Some(_) => {
            let hi = u32at(body, 20).map_err(|_| short())? as u64;
            ((hi << 32) | u32at(body, 24).map_err(|_| short())? as u64, 28)
        }
        None => return Err(short()),
    };
    let count = body
        .get(at + 2..at + 4)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .ok_or_else(short)?;
    let mut total = 0u64;
    for i in 0..count as usize {
        total += (u32at(body, at + 4 + 12 * i).map_err(|_| short())? & 0x7fff_ffff) as u64;
    }
    let end = h.end().saturating_add(first).saturating_add(total);
    // Both lists are in file order: binary searches, since a file may have a `sidx` per segment.
    let from = tops.partition_point(|t| t.start < h.end());
    for t in tops[from..].iter().take_while(|t| t.start < end) {
        let i = layout.partition_point(|(k, ..)| k.start < t.start);
        let same = layout
            .get(i)
            .is_some_and(|(k, _, _, n)| k.start == t.start && *n == t.size);
        if !same {
            return Err(Error::data(format!(
                "unsupported MP4: a segment index ('sidx' at offset {}) over a '{}' box (offset {}) that changes size",
                h.start,
                t.name(),
                t.start
            )));
        }
    }
    Ok(())
}

enum Top {
    Verbatim,
    Mdat,
    Moov,
    Moof,
    Zeroed,
}

/// The boxes a track fragment holds (ISO 14496-12 8.8, 8.7.7-9, 8.8.16; `senc` and `uuid` of
/// common and PIFF encryption).
const TRAF_KNOWN: &[&[u8; 4]] = &[
    b"tfhd", b"tfdt", b"trun", b"sbgp", b"sgpd", b"subs", b"saiz", b"saio", b"sdtp", b"udta", b"meta",
    b"senc", b"uuid",
];

/// Sample tables that only say how to play the samples: no rule reads them in a track that is
/// kept, and [`State::plan_box`] copies them from the input.
const PLAY_TABLES: &[&[u8; 4]] = &[
    b"stts", b"ctts", b"stss", b"stsz", b"stz2", b"stsc", b"sdtp", b"stps",
];

/// The `moov` box, read into a buffer of its size but for the bodies of its [`PLAY_TABLES`],
/// which stay zeros (megabytes in a long recording: a buffer from the allocator's zeroed
/// pages, never written, costs no memory). A metadata track's are read later ([`fill`]).
fn read_moov(src: &Source, cx: &mut Ctx, h: &BoxHead) -> Result<Vec<u8>, Error> {
    if h.size > MAX_HEADER_BOX {
        return Err(Error::data(format!(
            "unsupported MP4: a 'moov' box of {} bytes",
            h.size
        )));
    }
    cx.charge(h.size)?;
    let mut buf = vec![0u8; h.size as usize];
    fill(src, &mut buf, h.start, 0, h.size, 0, true)?;
    Ok(buf)
}

/// Reads the boxes of the input at `base + from .. base + to` into `buf[from..to]`, going into
/// the containers of a `moov`; with `sparse`, only the headers of the [`PLAY_TABLES`].
fn fill(
    src: &Source,
    buf: &mut [u8],
    base: u64,
    from: u64,
    to: u64,
    depth: usize,
    sparse: bool,
) -> Result<(), Error> {
    bmff::check_depth(depth, WHAT)?;
    let mut pos = from;
    while pos < to {
        if to - pos < 8 {
            // A QuickTime terminator (checked when the buffer is walked).
            let b = src.read(base + pos, to - pos, WHAT)?;
            buf[pos as usize..to as usize].copy_from_slice(&b);
            break;
        }
        let h = bmff::read_head(src, base + pos, base + to, WHAT)?;
        let start = pos as usize;
        let container = matches!(
            &h.kind,
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"mvex" | b"edts" | b"dinf"
        );
        let read = if container || (sparse && PLAY_TABLES.contains(&&h.kind)) {
            h.header
        } else {
            h.size
        };
        let b = src.read(h.start, read, WHAT)?;
        buf[start..start + read as usize].copy_from_slice(&b);
        if container {
            fill(src, buf, base, pos + h.header, pos + h.size, depth + 1, sparse)?;
        }
        pos += h.size;
    }
    Ok(())
}

fn read_box(src: &Source, cx: &mut Ctx, h: &BoxHead) -> Result<Vec<u8>, Error> {
    if h.size > MAX_HEADER_BOX {
        return Err(Error::data(format!(
            "unsupported MP4: a '{}' box of {} bytes",
            h.name(),
            h.size
        )));
    }
    cx.charge(h.size)?;
    src.read(h.start, h.size, WHAT)
}

#[derive(Default)]
struct State {
    removed: Vec<Found>,
    /// Sample data of dropped tracks: (start, end) in the input.
    gone: Vec<(u64, u64)>,
    /// The ids of the tracks dropped.
    dropped_tracks: Vec<u32>,
    /// Bytes written over the start of some of `gone` (Motion JPEG frames' minimal EXIF).
    patches: Vec<(u64, Vec<u8>)>,
    /// Where the buffer [`State::plan_box`] is given starts in the input.
    at: u64,
    /// The second pass of [`State::plan_box`]: the dropped tracks' samples are known already.
    second_pass: bool,
}

/// A map from old to new offsets in the file.
type Map<'a> = &'a dyn Fn(u64) -> Result<u64, Error>;

impl State {
    /// A `moof` without the dropped tracks' `traf` (their samples go to `gone`) and without
    /// `udta` in a `traf`. `fin`: where the new moof lands and the offset map (None: only its
    /// size is wanted); data offsets are then re-based: an explicit base through the map, a
    /// moof-relative one to the moof's new place.
    fn rewrite_moof(
        &mut self,
        b: &[u8],
        start: u64,
        fin: Option<(u64, Map)>,
        trex: &[(u32, u32)],
    ) -> Result<Vec<u8>, Error> {
        let corrupt = |what: &str| Error::data(format!("corrupt MP4: {what} in a 'moof'"));
        let moof = *bmff::children(b, 0, b.len(), WHAT)?
            .first()
            .ok_or_else(|| corrupt("nothing"))?;
        let mut body = Vec::new();
        // Where the previous track fragment's data ended (the base of a chained one), and
        // whether a track fragment left before this one (a chained base then changes).
        let mut prev_end: Option<u64> = None;
        let mut dropped_before = false;
        for traf in bmff::children(b, moof.body() as usize, moof.end() as usize, WHAT)? {
            if &traf.kind != b"traf" {
                body.extend_from_slice(bmff::bytes(b, &traf));
                continue;
            }
            let kids = bmff::children(b, traf.body() as usize, traf.end() as usize, WHAT)?;
            let tfhd = kids
                .iter()
                .find(|c| &c.kind == b"tfhd")
                .ok_or_else(|| corrupt("a 'traf' without 'tfhd'"))?;
            let t = bmff::body(b, tfhd);
            let flags = u32at(t, 0)? & 0xff_ffff;
            let track = u32at(t, 4)?;
            let explicit = if flags & 1 != 0 {
                Some(((u32at(t, 8)? as u64) << 32) | u32at(t, 12)? as u64)
            } else {
                None
            };
            // ISO 14496-12 8.8.7: an explicit base, the moof (flagged, or the first track
            // fragment), else the end of the previous track fragment's data.
            let chained = explicit.is_none() && flags & 0x2_0000 == 0 && prev_end.is_some();
            let base = match explicit {
                Some(v) => v,
                None => prev_end.filter(|_| chained).unwrap_or(start),
            };
            // tfhd: version and flags, track id, then the fields its flags say are there.
            let size_at = 8
                + 8 * (flags & 1) as usize
                + 4 * ((flags >> 1) & 1) as usize
                + 4 * ((flags >> 3) & 1) as usize;
            let default = if flags & 0x10 != 0 {
                u32at(t, size_at)?
            } else {
                trex.iter().find(|(id, _)| *id == track).map(|x| x.1).unwrap_or(0)
            };
            let (data, end) = traf_data(b, &kids, base, default)?;
            prev_end = Some(end);
            if self.dropped_tracks.contains(&track) {
                // Its samples are found through its `trun` boxes only: a damaged box type
                // (a `trun` no longer named so) would leave them in `mdat`.
                if let Some(odd) = kids.iter().find(|c| !TRAF_KNOWN.contains(&&c.kind)) {
                    return Err(Error::data(format!(
                        "unsupported MP4: a '{}' box in a metadata track's 'traf' (its samples could not all be found)",
                        odd.name()
                    )));
                }
                self.gone.extend(data);
                dropped_before = true;
                continue;
            }
            // A chained base after a dropped track fragment would now be that one's
            // predecessor's end: it is written out as an explicit base instead.
            let make_explicit = chained && dropped_before;
            let explicit = explicit.or(Some(base).filter(|_| make_explicit));
            let mut tb = Vec::new();
            for c in &kids {
                match &c.kind {
                    b"udta" | b"meta" => {
                        if fin.is_none() {
                            self.found_in(b, c, 3)?;
                        }
                    }
                    b"tfhd" => {
                        let mut t = bmff::body(b, c).to_vec();
                        if make_explicit {
                            // The flag, and the 8-byte base after the track id.
                            let f = u32at(&t, 0)? | 1;
                            t[..4].copy_from_slice(&f.to_be_bytes());
                            t.splice(8..8, [0; 8]);
                        }
                        if let (Some((_, map)), Some(v)) = (fin, explicit) {
                            t[8..16].copy_from_slice(&map(v)?.to_be_bytes());
                        }
                        tb.extend(bmff::make(b"tfhd", &t));
                    }
                    b"trun" => {
                        let mut x = bmff::bytes(b, c).to_vec();
                        let r = bmff::body(b, c);
                        if let (Some((new_at, map)), true) = (fin, u32at(r, 0)? & 1 != 0) {
                            let old = base.wrapping_add(u32at(r, 8)? as i32 as i64 as u64);
                            let new_base = match explicit {
                                Some(v) => map(v)?,
                                None if chained => map(base)?,
                                None => new_at,
                            };
                            let off = i32::try_from(map(old)? as i64 - new_base as i64)
                                .map_err(|_| corrupt("a data offset out of range"))?;
                            let at = c.header as usize + 8;
                            x[at..at + 4].copy_from_slice(&off.to_be_bytes());
                        }
                        tb.extend(x);
                    }
                    _ => tb.extend_from_slice(bmff::bytes(b, c)),
                }
            }
            body.extend(bmff::make(b"traf", &tb));
        }
        Ok(bmff::make(b"moof", &body))
    }

    /// The new box `h` of `buf` as pieces of the plan: a box no rule changes is a range of the
    /// input (the sample tables, megabytes in a long recording, are not copied again), a
    /// container is a new header around its children, and the boxes [`State::rewrite`]
    /// changes are its new bytes. Sizes do not depend on the offset map, so a first pass with
    /// any map gives the new size.
    fn plan_box(
        &mut self,
        buf: &[u8],
        h: &BoxHead,
        depth: usize,
        map: &dyn Fn(u64) -> Result<u64, Error>,
    ) -> Result<Plan, Error> {
        bmff::check_depth(depth, WHAT)?;
        let mut out = Plan::new();
        if self.second_pass && &h.kind == b"trak" && metadata_track(buf, h)?.is_some() {
            // Dropped in the first pass, where its samples were listed: not again (a long
            // recording's list is megabytes).
            return Ok(out);
        }
        match &h.kind {
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"mvex" | b"edts" | b"dinf"
                if !(&h.kind == b"trak" && metadata_track(buf, h)?.is_some()) =>
            {
                let mut body = Plan::new();
                for c in bmff::children(buf, h.body() as usize, h.end() as usize, WHAT)? {
                    // Nesting is checked first (inside), then what the box is.
                    let planned = self.plan_box(buf, &c, depth + 1, map)?;
                    check_child(h, &c)?;
                    body.extend(planned);
                }
                out.bytes(&bmff::header(&h.kind, body.len()));
                out.extend(body);
            }
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"mvex" | b"edts" | b"dinf" | b"udta"
            | b"meta" | b"uuid" | b"free" | b"skip" | b"wide" | b"trex" | b"tref" | b"mvhd" | b"tkhd"
            | b"mdhd" | b"stco" | b"co64" => out.owned_bytes(self.rewrite(buf, h, depth, map)?),
            _ => out.range(self.at + h.start, h.size),
        }
        Ok(out)
    }

    /// The new bytes of box `h` of `buf` (empty when dropped).
    fn rewrite(
        &mut self,
        buf: &[u8],
        h: &BoxHead,
        depth: usize,
        map: &dyn Fn(u64) -> Result<u64, Error>,
    ) -> Result<Vec<u8>, Error> {
        bmff::check_depth(depth, WHAT)?;
        match &h.kind {
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"mvex" | b"edts" | b"dinf" => {
                if &h.kind == b"trak" {
                    if let Some(kind) = metadata_track(buf, h)? {
                        self.removed
                            .push(Found::new("MP4", "track", format!("timed metadata ({kind})")));
                        self.gone.extend(
                            sample_ranges(buf, h)?
                                .into_iter()
                                .map(|(o, l)| (o, o.saturating_add(l))),
                        );
                        return Ok(Vec::new());
                    }
                }
                let mut body = Vec::new();
                for c in bmff::children(buf, h.body() as usize, h.end() as usize, WHAT)? {
                    // Nesting is checked first (inside), then what the box is.
                    let rewritten = self.rewrite(buf, &c, depth + 1, map)?;
                    check_child(h, &c)?;
                    body.extend(rewritten);
                }
                Ok(bmff::make(&h.kind, &body))
            }
            b"udta" | b"meta" | b"uuid" | b"free" | b"skip" | b"wide" => {
                self.found_in(buf, h, depth)?;
                Ok(Vec::new())
            }
            b"trex" if u32at(bmff::body(buf, h), 4).is_ok_and(|id| self.dropped_tracks.contains(&id)) => {
                Ok(Vec::new())
            }
            b"tref" => {
                // References to a dropped track go; a reference type left with none goes too.
                let mut body = Vec::new();
                for c in bmff::children(buf, h.body() as usize, h.end() as usize, WHAT)? {
                    let ids: Vec<u8> = bmff::body(buf, &c)
                        .chunks(4)
                        .filter(|id| {
                            id.len() < 4
                                || !self
                                    .dropped_tracks
                                    .contains(&u32::from_be_bytes((*id).try_into().unwrap_or([0; 4])))
                        })
                        .flatten()
                        .copied()
                        .collect();
                    if !ids.is_empty() {
                        body.extend(bmff::make(&c.kind, &ids));
                    }
                }
                if body.is_empty() {
                    return Ok(Vec::new());
                }
                Ok(bmff::make(b"tref", &body))
            }
            b"mvhd" | b"tkhd" | b"mdhd" => {
                let mut out = bmff::make(&h.kind, bmff::body(buf, h));
                let (at, n) = if out.get(8) == Some(&1) { (12, 16) } else { (12, 8) };
                if let Some(times) = out.get_mut(at..at + n) {
                    if times.iter().any(|&b| b != 0) {
                        let secs = if n == 8 {
                            u32::from_be_bytes(times[..4].try_into().unwrap_or([0; 4])) as u64
                        } else {
                            u64::from_be_bytes(times[..8].try_into().unwrap_or([0; 8]))
                        };
                        self.removed.push(Found::new(
                            "QuickTime",
                            format!("{} times", h.name()),
                            mac_time(secs),
                        ));
                        times.fill(0);
                    }
                } else {
                    return Err(Error::data(format!("corrupt MP4: short '{}' box", h.name())));
                }
                Ok(out)
            }
            b"stco" | b"co64" => {
                let mut out = bmff::make(&h.kind, bmff::body(buf, h));
                let wide = &h.kind == b"co64";
                let w = if wide { 8 } else { 4 };
                let n = out
                    .get(12..16)
                    .map(|c| u32::from_be_bytes(c.try_into().unwrap_or([0; 4])))
                    .unwrap_or(u32::MAX) as usize;
                if n.checked_mul(w).is_none_or(|t| 16 + t > out.len()) {
                    return Err(Error::data(format!(
                        "corrupt MP4: '{}' table runs past its box",
                        h.name()
                    )));
                }
                for i in 0..n {
                    let at = 16 + i * w;
                    if wide {
                        let v = u64::from_be_bytes(out[at..at + 8].try_into().unwrap_or([0; 8]));
                        out[at..at + 8].copy_from_slice(&map(v)?.to_be_bytes());
                    } else {
                        let v = u32::from_be_bytes(out[at..at + 4].try_into().unwrap_or([0; 4]));
                        let new = u32::try_from(map(v as u64)?)
                            .map_err(|_| Error::data("corrupt MP4: chunk offset overflow"))?;
                        out[at..at + 4].copy_from_slice(&new.to_be_bytes());
                    }
                }
                Ok(out)
            }
            _ => Ok(bmff::bytes(buf, h).to_vec()),
        }
    }

    /// Lists what a dropped `udta`, `meta` or `uuid` box carries.
    fn found_in(&mut self, buf: &[u8], h: &BoxHead, depth: usize) -> Result<(), Error> {
        bmff::check_depth(depth, WHAT)?;
        let body = bmff::body(buf, h);
        match &h.kind {
            b"free" | b"skip" | b"wide" if body.iter().any(|&b| b != 0) => {
                self.removed.push(Found::new(
                    "MP4",
                    h.name(),
                    format!("{} bytes of leftovers", body.len()),
                ));
            }
            b"uuid" => {
                let xmp = body.windows(9).any(|w| w == b"<x:xmpmet") || body.windows(4).any(|w| w == b"<?xp");
                if xmp {
                    self.removed.extend(xmp::list(body));
                } else {
                    self.removed.push(Found::new(
                        "MP4 uuid",
                        "uuid",
                        summary(&body[..body.len().min(4096)]),
                    ));
                }
            }
            b"udta" => {
                for c in bmff::children(buf, h.body() as usize, h.end() as usize, WHAT).unwrap_or_default() {
                    match &c.kind {
                        b"meta" => self.found_in(buf, &c, depth + 1)?,
                        // Adobe's XMP in a QuickTime movie.
                        b"XMP_" => self.removed.extend(xmp::list(bmff::body(buf, &c))),
                        _ => {
                            let v = bmff::body(buf, &c);
                            let value = udta_value(&c.kind, v);
                            self.removed.push(Found::new("QuickTime udta", c.name(), value));
                        }
                    }
                }
            }
            b"meta" => {
                // ISO meta is a full box (4 bytes of version and flags); QuickTime's is not.
                let skip = if body.get(4..8) == Some(b"hdlr") { 0 } else { 4 };
                let from = (h.body() as usize + skip).min(h.end() as usize);
                let mut keys: Vec<String> = Vec::new();
                let kids = bmff::children(buf, from, h.end() as usize, WHAT).unwrap_or_default();
                for c in &kids {
                    if &c.kind == b"keys" {
                        let k = bmff::body(buf, c);
                        let mut p = 8;
                        while p + 8 <= k.len() {
                            let n = u32::from_be_bytes(k[p..p + 4].try_into().unwrap_or([0; 4])) as usize;
                            if n < 8 || p + n > k.len() {
                                break;
                            }
                            keys.push(String::from_utf8_lossy(&k[p + 8..p + n]).into_owned());
                            p += n;
                        }
                    }
                }
                for c in &kids {
                    if &c.kind != b"ilst" {
                        continue;
                    }
                    for item in
                        bmff::children(buf, c.body() as usize, c.end() as usize, WHAT).unwrap_or_default()
                    {
                        let index = u32::from_be_bytes(item.kind) as usize;
                        let name = match keys.get(index.wrapping_sub(1)) {
                            Some(k) if !keys.is_empty() => k.clone(),
                            _ => item.name(),
                        };
                        let mut value = String::new();
                        for d in bmff::children(buf, item.body() as usize, item.end() as usize, WHAT)
                            .unwrap_or_default()
                        {
                            if &d.kind == b"data" {
                                let v = bmff::body(buf, &d).get(8..).unwrap_or_default();
                                value = if name.ends_with("ISO6709") || name == "©xyz" {
                                    iso6709(v)
                                } else if name == "covr" {
                                    format!("({} bytes of image)", v.len())
                                } else {
                                    summary(v)
                                };
                            }
                        }
                        self.removed.push(Found::new("QuickTime metadata", name, value));
                    }
                }
                if kids.iter().all(|c| &c.kind != b"ilst") {
                    self.removed
                        .push(Found::new("MP4", "meta", format!("{} bytes", body.len())));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// A udta entry's value: QuickTime strings (©xxx: length, language, text), 3GPP `loci`.
fn udta_value(kind: &[u8; 4], v: &[u8]) -> String {
    if kind == b"loci" && v.len() > 6 {
        // version/flags, language, a NUL-ended name, role, then 16.16 longitude, latitude.
        if let Some(nul) = v[6..].iter().position(|&b| b == 0) {
            let p = 6 + nul + 2;
            if let Some(f) = v.get(p..p + 8) {
                let lon = i32::from_be_bytes(f[0..4].try_into().unwrap_or([0; 4])) as f64 / 65536.0;
                let lat = i32::from_be_bytes(f[4..8].try_into().unwrap_or([0; 4])) as f64 / 65536.0;
                return format!("{lat:.6}, {lon:.6}");
            }
        }
    }
    // 3GPP asset boxes: version and flags, a language, then a NUL-ended string (UTF-8, or
    // UTF-16 after a BOM).
    if matches!(
        kind,
        b"auth" | b"titl" | b"dscp" | b"perf" | b"gnre" | b"cprt" | b"albm"
    ) && v.len() > 6
    {
        let text = &v[6..];
        if let Some(utf16) = text.strip_prefix(b"\xfe\xff") {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .take_while(|&u| u != 0)
                .collect();
            return summary(String::from_utf16_lossy(&units).as_bytes());
        }
        return summary(text.split(|&b| b == 0).next().unwrap_or_default());
    }
    if kind[0] == 0xa9 && v.len() >= 4 {
        let n = u16::from_be_bytes([v[0], v[1]]) as usize;
        if let Some(text) = v.get(4..4 + n) {
            return if kind == b"\xa9xyz" {
                iso6709(text)
            } else {
                summary(text)
            };
        }
    }
    summary(v)
}

/// "+48.8583+002.2944/" as decimal degrees ("48.8583, 2.2944"); the text itself otherwise.
fn iso6709(v: &[u8]) -> String {
    let text = String::from_utf8_lossy(v);
    let mut nums = Vec::new();
    let mut cur = String::new();
    for ch in text.chars() {
        if (ch == '+' || ch == '-' || ch == '/') && !cur.is_empty() {
            nums.push(cur.clone());
            cur.clear();
        }
        if ch != '/' {
            cur.push(ch);
        }
    }
    if !cur.is_empty() {
        nums.push(cur);
    }
    match (
        nums.first().and_then(|n| n.parse::<f64>().ok()),
        nums.get(1).and_then(|n| n.parse::<f64>().ok()),
    ) {
        (Some(lat), Some(lon)) => format!("{lat}, {lon}"),
        _ => summary(v),
    }
}

/// Seconds since 1904-01-01 as a UTC date.
fn mac_time(secs: u64) -> String {
    let unix = secs as i64 - 2_082_844_800;
    let days = unix.div_euclid(86400);
    let rem = unix.rem_euclid(86400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The boxes on a path below `h` (first of each type).
fn find(buf: &[u8], h: &BoxHead, path: &[&[u8; 4]]) -> Result<Option<BoxHead>, Error> {
    let mut cur = *h;
    for kind in path {
        let kids = bmff::children(buf, cur.body() as usize, cur.end() as usize, WHAT)?;
        match kids.into_iter().find(|c| &c.kind == *kind) {
            Some(c) => cur = c,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// The boxes a movie or a track may hold (ISO 14496-12 and QuickTime): where `udta` and `meta`
/// live, any other box could be metadata under another name (a vendor's, or a `udta` whose type
/// was damaged) and is refused. In the boxes below them, only a type that is no type at all
/// (bytes outside printable ASCII and QuickTime's `©`) is refused as damage.
fn check_child(parent: &BoxHead, child: &BoxHead) -> Result<(), Error> {
    const MOOV: &[&[u8; 4]] = &[
        b"mvhd", b"trak", b"udta", b"meta", b"uuid", b"free", b"skip", b"wide", b"mvex", b"iods", b"clip",
        b"ctab", b"rmra", b"prfl", b"pssh", b"ipmc",
    ];
    const TRAK: &[&[u8; 4]] = &[
        b"tkhd", b"edts", b"mdia", b"tref", b"udta", b"meta", b"uuid", b"free", b"skip", b"wide", b"tapt",
        b"clip", b"matt", b"load", b"imap", b"txas", b"trgr",
    ];
    let known = match &parent.kind {
        b"moov" => Some(MOOV),
        b"trak" => Some(TRAK),
        _ => None,
    };
    if !child.kind.iter().all(|&b| (0x20..0x7f).contains(&b) || b == 0xa9) {
        return Err(Error::data(format!(
            "corrupt MP4: a box of no valid type ('{}') in '{}'",
            child.name(),
            parent.name()
        )));
    }
    if known.is_some_and(|known| !known.contains(&&child.kind)) {
        return Err(Error::data(format!(
            "unsupported MP4: unknown box '{}' in '{}' (could hold metadata)",
            child.name(),
            parent.name()
        )));
    }
    Ok(())
}

/// If this track carries timed metadata (location, telemetry): its kind.
fn metadata_track(buf: &[u8], trak: &BoxHead) -> Result<Option<String>, Error> {
    let handler = find(buf, trak, &[b"mdia", b"hdlr"])?
        .and_then(|h| bmff::body(buf, &h).get(8..12).map(|s| s.to_vec()))
        .unwrap_or_default();
    let format = find(buf, trak, &[b"mdia", b"minf", b"stbl", b"stsd"])?
        .and_then(|h| bmff::body(buf, &h).get(12..16).map(|s| s.to_vec()))
        .unwrap_or_default();
    // Tracks of pictures, sound, text and timecode are content; any other kind (timed metadata:
    // Apple `mebx` with handler `meta`, GoPro `gpmd`, `camm`, or a data track ffmpeg copied
    // under handler `url `) may carry location or telemetry and is dropped.
    let content = [
        &b"vide"[..],
        b"soun",
        b"subt",
        b"sbtl",
        b"text",
        b"clcp",
        b"tmcd",
        b"hint",
        b"auxv",
        b"pict",
    ];
    let known = [&b"mebx"[..], b"gpmd", b"camm"];
    if known.contains(&format.as_slice()) || !content.contains(&handler.as_slice()) {
        let f = if format.is_empty() { &handler } else { &format };
        return Ok(Some(String::from_utf8_lossy(f).into_owned()));
    }
    Ok(None)
}

/// For a video track whose frames may be JPEGs (Motion JPEG: QuickTime `jpeg`, `mjpa`; or a
/// sample entry mat-strip does not know), what its sample entry says; None for sound, text and
/// the known video codecs (H.264, HEVC...), whose samples are never read.
fn jpeg_codec(buf: &[u8], trak: &BoxHead) -> Result<Option<Codec>, Error> {
    let handler = find(buf, trak, &[b"mdia", b"hdlr"])?
        .and_then(|h| bmff::body(buf, &h).get(8..12).map(|s| s.to_vec()))
        .unwrap_or_default();
    if !matches!(handler.as_slice(), b"vide" | b"pict" | b"auxv") {
        return Ok(None);
    }
    let format = find(buf, trak, &[b"mdia", b"minf", b"stbl", b"stsd"])?
        .and_then(|h| bmff::body(buf, &h).get(12..16).map(|s| s.to_vec()))
        .unwrap_or_default();
    Ok(match mjpeg::codec(&format) {
        Codec::Other => None,
        codec => Some(codec),
    })
}

/// Where a track fragment's samples lie: one (start, end) per `trun`, each from the base plus
/// its data offset or after the previous one; and where the last ends (the base of a chained
/// next track fragment).
fn traf_data(b: &[u8], kids: &[BoxHead], base: u64, default: u32) -> Result<(Vec<(u64, u64)>, u64), Error> {
    let corrupt = || Error::data("corrupt MP4: a 'trun' longer than its box in a 'moof'");
    let mut out = Vec::new();
    let mut cursor = base;
    for trun in kids.iter().filter(|c| &c.kind == b"trun") {
        let r = bmff::body(b, trun);
        let tf = u32at(r, 0)? & 0xff_ffff;
        let count = u32at(r, 4)? as usize;
        let mut p = 8;
        if tf & 1 != 0 {
            cursor = base.wrapping_add(u32at(r, p)? as i32 as i64 as u64);
            p += 4;
        }
        if tf & 4 != 0 {
            p += 4;
        }
        let per = [0x100, 0x200, 0x400, 0x800]
            .iter()
            .filter(|&&f| tf & f != 0)
            .count()
            * 4;
        if count.checked_mul(per).is_none_or(|n| p + n > r.len()) {
            return Err(corrupt());
        }
        let total = if tf & 0x200 != 0 {
            let mut t = 0u64;
            for i in 0..count {
                t += u32at(r, p + i * per + 4 * usize::from(tf & 0x100 != 0))? as u64;
            }
            t
        } else {
            // Without sizes in the run the count is not bounded by the box: no loop over it.
            (default as u64).saturating_mul(count as u64)
        };
        out.push((cursor, cursor.saturating_add(total)));
        cursor = cursor.saturating_add(total);
    }
    Ok((out, cursor))
}

/// Each track's default sample size for its fragments (`mvex/trex`).
fn trex_sizes(moov: &[u8]) -> Result<Vec<(u32, u32)>, Error> {
    let mut out = Vec::new();
    let Some(root) = bmff::children(moov, 0, moov.len(), WHAT)?.first().copied() else {
        return Ok(out);
    };
    if let Some(mvex) = find(moov, &root, &[b"mvex"])? {
        for t in bmff::children(moov, mvex.body() as usize, mvex.end() as usize, WHAT)? {
            if &t.kind == b"trex" {
                let b = bmff::body(moov, &t);
                out.push((u32at(b, 4)?, u32at(b, 16)?));
            }
        }
    }
    Ok(out)
}

/// The id of a track (its `tkhd`).
fn track_id(buf: &[u8], trak: &BoxHead) -> Result<u32, Error> {
    let tkhd =
        find(buf, trak, &[b"tkhd"])?.ok_or_else(|| Error::data("corrupt MP4: a track without 'tkhd'"))?;
    let b = bmff::body(buf, &tkhd);
    let at = if b.first() == Some(&1) { 20 } else { 12 };
    u32at(b, at)
}

fn table<'a>(buf: &'a [u8], stbl: &BoxHead, kind: &[u8; 4]) -> Result<Option<&'a [u8]>, Error> {
    Ok(find(buf, stbl, &[kind])?.map(|h| bmff::body(buf, &h)))
}

fn u32at(b: &[u8], at: usize) -> Result<u32, Error> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes(s.try_into().unwrap_or([0; 4])))
        .ok_or_else(|| Error::data("corrupt MP4: sample table cut short"))
}

/// A track's sample table (`stco`/`co64`, `stsz`, `stsc`), read from the `moov` buffer.
struct Samples<'a> {
    offsets: Vec<u64>,
    /// The size of every sample, or 0 when `stsz` lists them.
    fixed: u64,
    count: usize,
    stsz: &'a [u8],
    stsc: &'a [u8],
}

impl<'a> Samples<'a> {
    /// Every sample the track's tables count must be found, else its data could stay in `mdat`
    /// unread: a sample table missing or damaged (no chunk offsets, no sizes, a first run that
    /// does not start at the first chunk) is refused.
    fn of(buf: &'a [u8], trak: &BoxHead) -> Result<Samples<'a>, Error> {
        let stbl = find(buf, trak, &[b"mdia", b"minf", b"stbl"])?.ok_or_else(damaged_table)?;
        let mut offsets = Vec::new();
        if let Some(t) = table(buf, &stbl, b"stco")? {
            for i in 0..u32at(t, 4)? as usize {
                offsets.push(u32at(t, 8 + 4 * i)? as u64);
            }
        } else if let Some(t) = table(buf, &stbl, b"co64")? {
            for i in 0..u32at(t, 4)? as usize {
                offsets.push(((u32at(t, 8 + 8 * i)? as u64) << 32) | u32at(t, 12 + 8 * i)? as u64);
            }
        } else {
            return Err(damaged_table());
        }
        let stsz = table(buf, &stbl, b"stsz")?.ok_or_else(damaged_table)?;
        let stsc = table(buf, &stbl, b"stsc")?.ok_or_else(damaged_table)?;
        // The first run starts at the first chunk (ISO 14496-12 8.7.4): a later start leaves the
        // first chunks without samples.
        if u32at(stsc, 4)? > 0 && u32at(stsc, 8)? != 1 {
            return Err(damaged_table());
        }
        Ok(Samples {
            offsets,
            fixed: u32at(stsz, 4)? as u64,
            count: u32at(stsz, 8)? as usize,
            stsz,
            stsc,
        })
    }

    /// The size of sample `i` (from 0).
    fn size(&self, i: usize) -> Result<u64, Error> {
        if self.fixed != 0 {
            return Ok(self.fixed);
        }
        Ok(u32at(self.stsz, 12 + 4 * i)? as u64)
    }

    /// Each chunk's offset, first sample and number of samples; an error unless the chunks
    /// hold exactly the samples counted.
    fn chunks(&self, f: &mut dyn FnMut(u64, usize, usize) -> Result<(), Error>) -> Result<(), Error> {
        let runs = u32at(self.stsc, 4)? as usize;
        let mut sample = 0usize;
        // One pass over the runs of stsc alongside the chunks (a looped or long recording has a
        // run every few chunks: rescanning them for each chunk was quadratic).
        let (mut run, mut per) = (0usize, 0u64);
        for (ci, &off) in self.offsets.iter().enumerate() {
            let chunk = ci as u64 + 1;
            while run < runs && u32at(self.stsc, 8 + 12 * run)? as u64 <= chunk {
                per = u32at(self.stsc, 12 + 12 * run)? as u64;
                run += 1;
            }
            let n = (per as usize).min(self.count.saturating_sub(sample));
            f(off, sample, n)?;
            sample += n;
        }
        if sample != self.count {
            return Err(damaged_table());
        }
        Ok(())
    }
}

fn damaged_table() -> Error {
    Error::data("corrupt MP4: a timed metadata track's sample table is missing or damaged")
}

/// Where a (dropped) track's samples lie: one (offset, length) per chunk.
fn sample_ranges(buf: &[u8], trak: &BoxHead) -> Result<Vec<(u64, u64)>, Error> {
    let t = Samples::of(buf, trak)?;
    let mut out = Vec::new();
    t.chunks(&mut |off, first, n| {
        let len = if t.fixed != 0 {
            // Without sizes in the table the count is not bounded by the box: no loop over it.
            t.fixed.saturating_mul(n as u64)
        } else {
            let mut s = 0u64;
            for i in first..first + n {
                s += t.size(i)?;
            }
            s
        };
        out.push((off, len));
        Ok(())
    })?;
    Ok(out)
}

/// Each sample of a track, in the order of its chunks: `f(offset, length)`. The samples must
/// lie inside an input of `len` bytes, unless the input is `cut` short: then a sample is given
/// as far as the input goes, and none past it. They must also add up to no more than `unread`
/// bytes (the input's length, less the samples of the tracks read before), which is taken from
/// it: chunks laid over each other (a fixed-size table counts up to 2^32 samples, and every
/// `stco` entry may point at the same bytes) would otherwise read the same frames over and over
/// (30,000 chunks of 10,000 six-byte frames in a 180 KB file: minutes).
fn each_sample(
    buf: &[u8],
    trak: &BoxHead,
    len: u64,
    cut: bool,
    unread: &mut u64,
    f: &mut dyn FnMut(u64, u64) -> Result<(), Error>,
) -> Result<(), Error> {
    let t = Samples::of(buf, trak)?;
    t.chunks(&mut |off, first, n| {
        let mut at = off;
        for i in first..first + n {
            let size = t.size(i)?;
            *unread = unread.checked_sub(size.min(len.saturating_sub(at))).ok_or_else(|| {
                Error::data(format!(
                    "corrupt MP4: the video samples add up to more than the file's {len} bytes (chunks laid over each other)"
                ))
            })?;
            if cut && at.saturating_add(size) > len {
                if at < len {
                    f(at, len - at)?;
                }
                return Ok(());
            }
            if at.saturating_add(size) > len {
                return Err(Error::data(format!(
                    "corrupt MP4: a video sample ({at}..{}) runs past the end of the file",
                    at.saturating_add(size)
                )));
            }
            f(at, size)?;
            at += size;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A segment index over a box that shrinks is refused; over boxes of the same size it stays.
    #[test]
    fn sidx_needs_its_subsegments_to_keep_their_sizes() {
        // version 0, reference id 1, timescale, earliest time, first offset 0, one reference.
        let mut body = vec![
            0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ];
        body.extend_from_slice(&100u32.to_be_bytes());
        body.extend_from_slice(&[0; 8]);
        let sidx = bmff::make(b"sidx", &body);
        let h = bmff::children(&sidx, 0, sidx.len(), "t").unwrap()[0];
        let moof = BoxHead {
            kind: *b"moof",
            start: h.end(),
            header: 8,
            size: 100,
        };
        let tops = [h, moof];
        let land = |n| vec![(h, 0, false, h.size), (moof, h.end(), false, n)];
        assert!(sidx_stays_right(&sidx, &h, &tops, &land(100)).is_ok());
        assert!(sidx_stays_right(&sidx, &h, &tops, &land(92)).is_err());
        assert!(sidx_stays_right(&sidx, &h, &tops, &land(100)[..1]).is_err());
        assert!(sidx_stays_right(&sidx[..30], &h, &tops, &land(100)).is_err());
    }

    #[test]
    fn locations_and_times() {
        assert_eq!(iso6709(b"+48.8583+002.2944+000.000/"), "48.8583, 2.2944");
        assert_eq!(mac_time(0xDAD1_1700), "2020-05-01 00:00:00 UTC");
    }
}
