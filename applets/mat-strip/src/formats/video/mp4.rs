//! MP4, QuickTime MOV, M4A/M4V and 3GP (fragmented too): removes `udta`, `meta` (keys and
//! ilst: location, make, model, software, dates, cover art) and `uuid` boxes at movie and
//! track level and at the top, zeroes the creation and modification times of `mvhd`, `tkhd` and
//! `mdhd`, drops timed metadata tracks (Apple `mebx`, GoPro `gpmd`, `camm`) with their samples
//! (taken out of `mdat`) and other tracks' `tref` references to them, zeroes the contents of
//! `free` boxes, drops `mfra`. Chunk offsets (`stco`/`co64`) and absolute fragment base offsets
//! (`tfhd`) are corrected when `moov` shrinks or samples leave `mdat`; `mdat` is copied as
//! ranges of the input, never read.

use privkit_core::Error;

use crate::containers::isobmff::compact::{mdat_header, subtract, Compact};
use crate::containers::isobmff::{self as bmff, BoxHead};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};

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
         metadata tracks (mebx, gpmd, camm) with their samples, free-box contents and \
         mvhd/tkhd/mdhd times; keeps every audio and video sample byte for byte (chunk offsets \
         corrected)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        // ftyp (image brands are HEIF's), or an old QuickTime file starting with a movie box.
        file_type::kind(head) == Some(Kind::Other("an MP4/QuickTime container"))
            || matches!(head.get(4..8), Some(b"moov" | b"mdat" | b"wide"))
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let len = src.len();
        let mut tops = Vec::new();
        let mut pos = 0;
        while pos < len {
            let h = bmff::read_head(src, pos, len, WHAT)?;
            pos = h.end();
            tops.push(h);
        }
        let mut st = State::default();
        let mut moov: Option<(BoxHead, Vec<u8>)> = None;
        let mut fragmented = false;
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
                    moov = Some((*h, read_box(src, cx, h)?));
                    Top::Moov
                }
                b"moof" => {
                    fragmented = true;
                    Top::Moof
                }
                b"free" | b"skip" | b"wide" => {
                    if h.body_len() > MAX_HEADER_BOX {
                        return Err(Error::data(format!(
                            "unsupported MP4: a '{}' box of {} bytes (its contents would be zeroed from memory)",
                            h.name(),
                            h.body_len()
                        )));
                    }
                    Top::Zeroed
                }
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
            return Err(Error::data("corrupt MP4: no 'moov' box"));
        };
        // The tracks that go, before anything is written (other tracks' `tref` name them).
        if let Some(root) = bmff::children(&moov_buf, 0, moov_buf.len(), WHAT)?.first() {
            for t in bmff::children(&moov_buf, root.body() as usize, root.end() as usize, WHAT)? {
                if &t.kind == b"trak" && metadata_track(&moov_buf, &t)?.is_some() {
                    st.dropped_tracks.push(track_id(&moov_buf, &t)?);
                }
            }
        }
        // Pass 1: the new moov's size (offsets do not change sizes: stco stays stco) and the
        // samples that leave.
        let moov_root = bmff::children(&moov_buf, 0, moov_buf.len(), WHAT)?;
        let identity = |o: u64| Ok(o);
        let new_moov = st.rewrite(&moov_buf, &moov_root[0], 0, &identity)?;
        if fragmented && !st.gone.is_empty() {
            return Err(Error::data(
                "unsupported MP4: a timed metadata track in a fragmented file",
            ));
        }
        let gone = subtract(std::mem::take(&mut st.gone), &[]);
        for &(s, e) in &gone {
            if !kept
                .iter()
                .any(|(h, t)| matches!(t, Top::Mdat) && s >= h.body() && e <= h.end())
            {
                return Err(Error::data(format!(
                    "corrupt MP4: a metadata track's samples ({s}..{e}) lie outside 'mdat'"
                )));
            }
        }
        // Where each kept box lands (an mdat without the dropped samples).
        let mut layout = Vec::new();
        let mut at = 0u64;
        for (h, top) in &kept {
            let (new_len, compact) = match top {
                Top::Moov => (new_moov.len() as u64, None),
                Top::Mdat => {
                    let c = Compact::new(h.body(), h.end(), &gone);
                    (mdat_header(h, c.new_len).len() as u64 + c.new_len, Some(c))
                }
                _ => (h.size, None),
            };
            layout.push((*h, at, matches!(top, Top::Moov), compact));
            at += new_len;
        }
        let map = |o: u64| -> Result<u64, Error> {
            for (h, n, is_moov, compact) in &layout {
                let (s, e) = (h.start, h.end());
                if o >= s && (o < e || (o == e && !is_moov)) {
                    if *is_moov {
                        break;
                    }
                    return match compact {
                        Some(c) if o >= h.body() => {
                            Ok(n + mdat_header(h, c.new_len).len() as u64 + c.map(o)?)
                        }
                        _ => Ok(n + (o - s)),
                    };
                }
            }
            Err(Error::data(format!(
                "corrupt MP4: a chunk offset ({o}) points outside the sample data"
            )))
        };
        // Pass 2: with the real offsets (findings once only).
        let found = std::mem::take(&mut st.removed);
        let new_moov = st.rewrite(&moov_buf, &moov_root[0], 0, &map)?;
        st.removed = found;
        let mut plan = Plan::new();
        for (h, top) in &kept {
            match top {
                Top::Moov => plan.bytes(&new_moov),
                Top::Verbatim => plan.range(h.start, h.size),
                Top::Mdat => {
                    let c = Compact::new(h.body(), h.end(), &gone);
                    plan.bytes(&mdat_header(h, c.new_len));
                    for &(s, e) in &c.kept {
                        plan.range(s, e - s);
                    }
                }
                Top::Zeroed => {
                    let hdr = src.read(h.start, h.header, WHAT)?;
                    plan.bytes(&hdr);
                    let mut left = h.body_len();
                    let mut off = h.body();
                    let mut dirty = false;
                    while left > 0 {
                        let n = left.min(1 << 20);
                        dirty |= src.read(off, n, WHAT)?.iter().any(|&b| b != 0);
                        plan.bytes(&vec![0; n as usize]);
                        off += n;
                        left -= n;
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
                    let mut b = read_box(src, cx, h)?;
                    if patch_moof(&mut b, 0, &map)? {
                        plan.bytes(&b);
                    } else {
                        plan.range(h.start, h.size);
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

enum Top {
    Verbatim,
    Mdat,
    Moov,
    Moof,
    Zeroed,
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

/// Maps the absolute base offsets of a moof's track fragments; true if any changed.
fn patch_moof(b: &mut [u8], depth: usize, map: &dyn Fn(u64) -> Result<u64, Error>) -> Result<bool, Error> {
    let moof = bmff::children(b, 0, b.len(), WHAT)?;
    let Some(moof) = moof.first().copied() else {
        return Ok(false);
    };
    let mut changed = false;
    for traf in bmff::children(b, moof.body() as usize, moof.end() as usize, WHAT)? {
        bmff::check_depth(depth + 2, WHAT)?;
        if &traf.kind != b"traf" {
            continue;
        }
        for c in bmff::children(b, traf.body() as usize, traf.end() as usize, WHAT)? {
            if &c.kind != b"tfhd" {
                continue;
            }
            let at = c.body() as usize;
            let body = bmff::body(b, &c);
            if body.len() < 8 {
                return Err(Error::data("corrupt MP4: short 'tfhd' box"));
            }
            if body[3] & 1 != 0 {
                let v = body
                    .get(8..16)
                    .ok_or_else(|| Error::data("corrupt MP4: short 'tfhd' box"))?;
                let old = u64::from_be_bytes(v.try_into().unwrap_or([0; 8]));
                let new = map(old)?;
                if new != old {
                    b[at + 8..at + 16].copy_from_slice(&new.to_be_bytes());
                    changed = true;
                }
            }
        }
    }
    Ok(changed)
}

#[derive(Default)]
struct State {
    removed: Vec<Found>,
    /// Sample data of dropped tracks: (start, end) in the input.
    gone: Vec<(u64, u64)>,
    /// The ids of the tracks dropped.
    dropped_tracks: Vec<u32>,
}

impl State {
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
                    body.extend(self.rewrite(buf, &c, depth + 1, map)?);
                }
                Ok(bmff::make(&h.kind, &body))
            }
            b"udta" | b"meta" | b"uuid" | b"free" | b"skip" | b"wide" => {
                self.found_in(buf, h, depth)?;
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
                let name = if xmp { "XMP" } else { "uuid" };
                self.removed.push(Found::new(
                    "MP4 uuid",
                    name,
                    summary(&body[..body.len().min(4096)]),
                ));
            }
            b"udta" => {
                for c in bmff::children(buf, h.body() as usize, h.end() as usize, WHAT).unwrap_or_default() {
                    match &c.kind {
                        b"meta" => self.found_in(buf, &c, depth + 1)?,
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

/// Where a track's samples lie: one (offset, length) per chunk.
fn sample_ranges(buf: &[u8], trak: &BoxHead) -> Result<Vec<(u64, u64)>, Error> {
    let Some(stbl) = find(buf, trak, &[b"mdia", b"minf", b"stbl"])? else {
        return Ok(Vec::new());
    };
    let mut offsets = Vec::new();
    if let Some(t) = table(buf, &stbl, b"stco")? {
        for i in 0..u32at(t, 4)? as usize {
            offsets.push(u32at(t, 8 + 4 * i)? as u64);
        }
    } else if let Some(t) = table(buf, &stbl, b"co64")? {
        for i in 0..u32at(t, 4)? as usize {
            offsets.push(((u32at(t, 8 + 8 * i)? as u64) << 32) | u32at(t, 12 + 8 * i)? as u64);
        }
    }
    let Some(stsz) = table(buf, &stbl, b"stsz")? else {
        return Ok(Vec::new());
    };
    let fixed = u32at(stsz, 4)? as u64;
    let count = u32at(stsz, 8)? as usize;
    let stsc = table(buf, &stbl, b"stsc")?.unwrap_or_default();
    let runs = if stsc.is_empty() {
        0
    } else {
        u32at(stsc, 4)? as usize
    };
    let mut out = Vec::new();
    let mut sample = 0usize;
    for (ci, &off) in offsets.iter().enumerate() {
        let chunk = ci as u64 + 1;
        let mut per = 0u64;
        for r in 0..runs {
            if u32at(stsc, 8 + 12 * r)? as u64 <= chunk {
                per = u32at(stsc, 12 + 12 * r)? as u64;
            } else {
                break;
            }
        }
        let n = (per as usize).min(count.saturating_sub(sample));
        let len = if fixed != 0 {
            fixed.saturating_mul(n as u64)
        } else {
            let mut s = 0u64;
            for i in sample..sample + n {
                s += u32at(stsz, 12 + 4 * i)? as u64;
            }
            s
        };
        sample += n;
        out.push((off, len));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_and_times() {
        assert_eq!(iso6709(b"+48.8583+002.2944+000.000/"), "48.8583, 2.2944");
        assert_eq!(mac_time(0xDAD1_1700), "2020-05-01 00:00:00 UTC");
    }
}
