//! MP3 (MPEG audio layers I-III): removes ID3v2.2/2.3/2.4 tags at the start (and appended ones
//! at the end, found by their footer), ID3v1/v1.1 (and the "TAG+" extension), APEv1/APEv2 and
//! Lyrics3 v1/v2 blocks at the end in any order; walks the MPEG frames from the first to the
//! last complete one (each header's version, layer, bitrate, sample rate and padding give its
//! length) and keeps them as ranges of the input. Whatever follows the last frame and is not a
//! recognised tag (a tag whose magic is damaged, a cut frame, junk) is removed and listed as
//! data after the audio: a frame walk is the only way to tell audio from a tag that no longer
//! says what it is. Free-format streams (no length in the header) are refused. The Xing/Info frame (frame count, seek table, LAME gapless data) is audio structure
//! and is kept; its 9-byte encoder string is kept when it is a version string ("LAME3.100",
//! "Lavf"), otherwise blanked (a known encoder prefix kept, as decoders read the gapless data
//! only after one) and the LAME tag's CRC written anew.
//! A file on standard input with an ID3 tag too large for detection to see past (files are
//! detected past their tags), with "fLaC" behind it, is a FLAC: its cleaning is FLAC's.

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::plan::Plan;
use crate::engine::source::{truncated, Source};
use crate::engine::{summary, Cleaned, Format, Found};
use crate::formats::note_cut;
use crate::tags::{ape, id3, lyrics3};

pub struct Mp3;

/// Tags at either end at most (real files have one to three).
const MAX_TAGS: usize = 32;
/// APE tags larger than this are counted, not listed (a listing reads the tag whole).
const LIST_MAX: u64 = 16 << 20;
/// Zero bytes skipped between the leading tags and the first frame (taggers that pad outside
/// the tag): left out of the output, they carry nothing.
const MAX_GAP: u64 = 64 * 1024;

/// Bytes read at a time by the frame walk (frames are 24 to 2881 bytes: one read per window,
/// not one per frame).
const WINDOW: u64 = 64 * 1024;

/// What an MPEG audio frame header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FrameHeader {
    /// The frame's length in bytes; None for free-format bitrate.
    len: Option<u64>,
    /// Where a Xing/Info header would start in a layer III frame.
    xing: Option<usize>,
}

/// Parses a 4-byte MPEG audio frame header; None if `h` is not one.
fn frame_header(h: &[u8]) -> Option<FrameHeader> {
    let h = h.get(..4)?;
    if h[0] != 0xff || h[1] & 0xe0 != 0xe0 {
        return None;
    }
    // version: 0 MPEG 2.5, 1 reserved, 2 MPEG 2, 3 MPEG 1; layer: 1 III, 2 II, 3 I.
    let (version, layer) = ((h[1] >> 3) & 3, (h[1] >> 1) & 3);
    let protected = h[1] & 1 == 0;
    let (br_index, sr_index, pad) = ((h[2] >> 4) as usize, ((h[2] >> 2) & 3) as usize, (h[2] >> 1) & 1);
    if version == 1 || layer == 0 || br_index == 15 || sr_index == 3 || h[3] & 3 == 2 {
        return None;
    }
    let mono = h[3] >> 6 == 3;
    let v1 = version == 3;
    const V1: [[u32; 15]; 3] = [
        [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
        [
            0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
        ],
    ];
    const V2: [[u32; 15]; 2] = [
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    ];
    let kbps = match (v1, layer) {
        (true, l) => V1[l as usize - 1][br_index],
        (false, 3) => V2[1][br_index],
        (false, _) => V2[0][br_index],
    } as u64;
    let rate = [44100u64, 48000, 32000][sr_index] >> [2, 0, 1, 0][version as usize];
    let pad = pad as u64;
    let len = (kbps != 0).then(|| match layer {
        3 => (12 * kbps * 1000 / rate + pad) * 4,
        1 if !v1 => 72 * kbps * 1000 / rate + pad,
        _ => 144 * kbps * 1000 / rate + pad,
    });
    let side = match (v1, mono) {
        (true, true) => 17,
        (true, false) => 32,
        (false, true) => 9,
        (false, false) => 17,
    };
    let xing = (layer == 1).then_some(4 + if protected { 2 } else { 0 } + side);
    Some(FrameHeader { len, xing })
}

/// The header bits every frame of a stream shares with the first: version, layer and sample
/// rate. A damaged tag that happens to start with a sync word rarely matches them too.
fn stream_key(h: &[u8]) -> (u8, u8) {
    (h[1] & 0xfe, h[2] & 0x0c)
}

/// Walks the frames of `src[start..end]` (the first at `start` already checked): returns where
/// the last complete frame ends. Reads `WINDOW` bytes at a time; memory stays bounded by it.
fn frames_end(src: &Source, start: u64, end: u64) -> Result<u64, Error> {
    let mut buf = std::borrow::Cow::Borrowed(&[][..]);
    let mut base = start;
    let mut pos = start;
    let mut key = None;
    while end - pos >= 4 {
        if pos + 4 > base + buf.len() as u64 {
            base = pos;
            buf = src.read_upto_borrowed(pos, WINDOW.min(end - pos))?;
            if buf.len() < 4 {
                break;
            }
        }
        let h = &buf[(pos - base) as usize..];
        let Some(fh) = frame_header(h) else { break };
        if *key.get_or_insert(stream_key(h)) != stream_key(h) {
            break;
        }
        let Some(len) = fh.len else {
            return Err(Error::data(
                "unsupported MP3: free-format bitrate (frames without a length cannot be told apart from what follows them)",
            ));
        };
        if len > end - pos {
            break;
        }
        pos += len;
    }
    Ok(pos)
}

/// The first offset in `from..end` where two MPEG audio frames follow each other, if any: more
/// audio after what the frame walk took for the end.
fn audio_resumes(src: &Source, from: u64, end: u64) -> Result<Option<u64>, Error> {
    // A frame is at most 2,881 bytes (layer I/II/III at the highest bitrate, padded): a window
    // overlapping the next by more than two frames sees every pair.
    const OVERLAP: u64 = 8 * 1024;
    let mut base = from;
    while base < end {
        let buf = src.read_upto_borrowed(base, WINDOW.min(end - base))?;
        for i in 0..buf.len().saturating_sub(3) {
            if buf[i] != 0xff || buf[i + 1] & 0xe0 != 0xe0 {
                continue;
            }
            let Some(len) = frame_header(&buf[i..]).and_then(|fh| fh.len) else {
                continue;
            };
            let Some(next) = buf.get(i + len as usize..i + len as usize + 4) else {
                continue;
            };
            if frame_header(next).is_some() && stream_key(next) == stream_key(&buf[i..]) {
                return Ok(Some(base + i as u64));
            }
        }
        if base + (buf.len() as u64) >= end || buf.len() as u64 <= OVERLAP {
            break;
        }
        base += buf.len() as u64 - OVERLAP;
    }
    Ok(None)
}

/// Where the LAME tag (its 9-byte encoder string first) starts in `frame`, if the frame is a
/// Xing/Info frame with one.
fn lame_tag(frame: &[u8], fh: &FrameHeader) -> Option<usize> {
    let x = fh.xing?;
    if !matches!(frame.get(x..x + 4)?, b"Xing" | b"Info") {
        return None;
    }
    let flags = u32::from_be_bytes(frame.get(x + 4..x + 8)?.try_into().ok()?);
    let mut p = x + 8;
    for (bit, len) in [(1, 4), (2, 4), (4, 100), (8, 4)] {
        if flags & bit != 0 {
            p += len;
        }
    }
    // The tag is 36 bytes; its last two are a CRC-16 of the frame up to them.
    frame.get(p..p + 36).map(|_| p)
}

/// Encoders whose names decoders look for before reading the gapless data (start and end
/// padding) that follows: kept when the rest is blanked.
const ENCODERS: &[&[u8]] = &[b"LAME", b"Lavf", b"Lavc", b"GOGO", b"L3.9"];

/// The encoder string with anything that is not an encoder's name and version blanked, or None
/// if it is only that: a known encoder's name followed by version characters ("LAME3.100",
/// "LAME3.99r", "Lavf", "Lavc59.37"). Anything else could name a person or a machine.
fn neutral_encoder(s: &[u8]) -> Option<[u8; 9]> {
    let name = ENCODERS.iter().find(|e| s.starts_with(e));
    let version = |b: &u8| b.is_ascii_digit() || b.is_ascii_lowercase() || b" .\0".contains(b);
    if name.is_some() && s[4..].iter().all(version) || s.iter().all(|&b| b == 0 || b == b' ') {
        return None;
    }
    let mut out = [b' '; 9];
    if let Some(name) = name {
        out[..4].copy_from_slice(name);
    }
    Some(out)
}

/// CRC-16 (polynomial 0x8005, reflected), as the LAME tag's "CRC of the info frame".
fn crc16(data: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in data {
        crc ^= b as u16;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xa001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// Removes the tags at the end of `src[start..]` (ID3v1, TAG+, APE, Lyrics3, appended ID3v2,
/// in any order) into `removed`; returns where the audio ends. Shared with FLAC, whose files
/// carry the same trailing tags. `values`: false leaves the values of APE items and of an
/// appended ID3v2 tag's frames empty (see `Options::count_only`).
pub fn trailing_tags(src: &Source, start: u64, removed: &mut Vec<Found>, values: bool) -> Result<u64, Error> {
    let mut end = src.len();
    let past = |what: &str, size: u64, room: u64| {
        Error::data(format!(
            "corrupt {what} at the end: its size ({size} bytes) runs past the {room} bytes before it"
        ))
    };
    for _ in 0..MAX_TAGS {
        let room = end - start;
        if room >= 128 && src.read(end - 128, 3, "ID3v1 tag")? == b"TAG" {
            removed.extend(id3::v1_list(&src.read(end - 128, 128, "ID3v1 tag")?));
            end -= 128;
            // The "enhanced" ID3v1 extension: 227 more bytes of title, artist, album, genre.
            if end - start >= 227 && src.read(end - 227, 4, "ID3v1 TAG+")? == b"TAG+" {
                let d = src.read(end - 227, 227, "ID3v1 TAG+")?;
                removed.push(Found::new("ID3v1", "TAG+", summary(&d[4..184])));
                end -= 227;
            }
            continue;
        }
        if room >= ape::FOOTER {
            let footer = src.read(end - ape::FOOTER, ape::FOOTER, "APE tag footer")?;
            if let Some(size) = ape::size_from_footer(&footer)? {
                if size > room {
                    return Err(past("APE tag", size, room));
                }
                if size > LIST_MAX {
                    removed.push(Found::new("APE", "tag", format!("{size} bytes")));
                } else {
                    removed.extend(ape::items(&src.read(end - size, size, "APE tag")?, values)?);
                }
                end -= size;
                continue;
            }
        }
        if room >= lyrics3::V2_TAIL {
            let tail = src.read(end - lyrics3::V2_TAIL, lyrics3::V2_TAIL, "Lyrics3 block")?;
            let size = match lyrics3::v2_size(&tail)? {
                Some(size) if size > room => return Err(past("Lyrics3 v2 block", size, room)),
                Some(size) => Some(size),
                None if lyrics3::is_v1_end(&tail) => {
                    let look = room.min(lyrics3::V1_MAX);
                    let window = src.read(end - look, look, "Lyrics3 block")?;
                    let at = lyrics3::v1_start(&window).ok_or_else(|| {
                        Error::data("corrupt Lyrics3 v1 block at the end: no LYRICSBEGIN before LYRICSEND")
                    })?;
                    Some(look - at as u64)
                }
                None => None,
            };
            if let Some(size) = size {
                removed.extend(lyrics3::list(&src.read(end - size, size, "Lyrics3 block")?)?);
                end -= size;
                continue;
            }
        }
        if room >= 20 {
            let footer = src.read(end - 10, 10, "ID3v2 footer")?;
            if footer.starts_with(b"3DI") {
                let body = id3::syncsafe(&footer[6..10])
                    .ok_or_else(|| Error::data("corrupt ID3v2 footer at the end: bad size"))?;
                let size = 20 + body as u64;
                if size > room {
                    return Err(past("appended ID3v2 tag", size, room));
                }
                let head = src.read(end - size, 10, "appended ID3v2 tag")?;
                if id3::v2_size(&head)? != Some(size) {
                    return Err(Error::data(
                        "corrupt appended ID3v2 tag: its footer and header disagree",
                    ));
                }
                removed.extend(id3::v2_list_at(
                    src,
                    end - size,
                    size,
                    "appended ID3v2 tag",
                    values,
                )?);
                end -= size;
                continue;
            }
        }
        return Ok(end);
    }
    Err(Error::data(format!(
        "corrupt file: more than {MAX_TAGS} tags at the end"
    )))
}

impl Format for Mp3 {
    fn name(&self) -> &'static str {
        "MP3"
    }

    fn describe(&self) -> &'static str {
        "removes ID3v2 (2.2, 2.3, 2.4; at the start or appended), ID3v1, APE and Lyrics3 tags; \
         and data after the last frame; keeps the MPEG frames and the Xing/LAME frame byte \
         for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        // An ID3 tag first: what follows is checked by `plan` (it may be larger than the head).
        if head.starts_with(b"ID3") {
            return true;
        }
        // A bare frame: its successor must be one too where the head shows it, so that two
        // bytes of 0xFFFx do not make any binary file an MP3.
        match frame_header(head) {
            Some(FrameHeader { len: Some(n), .. }) => match head.get(n as usize..) {
                Some(next) if next.len() >= 4 => frame_header(next).is_some(),
                _ => true,
            },
            Some(_) => true,
            None => false,
        }
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let len = src.len();
        let mut removed = Vec::new();
        let mut pos = 0u64;
        for _ in 0..MAX_TAGS {
            let Some(size) = id3::v2_size(&src.read_upto(pos, 10)?)? else {
                break;
            };
            if size > len - pos {
                return Err(truncated("MP3: ID3v2 tag", len - pos, size));
            }
            removed.extend(id3::v2_list_at(
                src,
                pos,
                size,
                "MP3: ID3v2 tag",
                !cx.opts.count_only,
            )?);
            pos += size;
        }
        if src.read_upto(pos, 4)? == b"fLaC" {
            return super::flac::Flac.plan(src, cx);
        }
        let end = trailing_tags(src, pos, &mut removed, !cx.opts.count_only)?;
        let gap = src.read_upto_borrowed(pos, MAX_GAP.min(end - pos))?;
        let first = pos + gap.iter().position(|&b| b != 0).unwrap_or(gap.len()) as u64;
        let fh = frame_header(&src.read_upto(first, 4)?).ok_or_else(|| {
            Error::data(if pos > 0 {
                "corrupt MP3: no MPEG audio frame after the ID3v2 tag"
            } else {
                "corrupt MP3: no MPEG audio frame"
            })
        })?;
        if first + 4 > end {
            return Err(Error::data(
                "corrupt MP3: the tags at the end overlap the first frame",
            ));
        }
        // The check `sniff` makes on a bare frame, so that the output (which starts with this
        // frame) is recognised as MP3 again.
        if let Some(flen) = fh.len.filter(|&n| first + n + 4 <= end) {
            if frame_header(&src.read(first + flen, 4, "MP3: second frame")?).is_none() {
                return Err(Error::data(
                    "corrupt MP3: the first frame is not followed by another",
                ));
            }
        }
        let mut plan = Plan::new();
        let mut audio = first;
        if let Some(flen) = fh.len.filter(|&n| n <= end - first && n <= 4096) {
            let mut frame = src.read(first, flen, "MP3: first frame")?;
            if let Some(p) = lame_tag(&frame, &fh) {
                if let Some(neutral) = neutral_encoder(&frame[p..p + 9]) {
                    removed.push(Found::new("LAME", "encoder", summary(&frame[p..p + 9])));
                    frame[p..p + 9].copy_from_slice(&neutral);
                    let crc = crc16(&frame[..p + 34]);
                    frame[p + 34..p + 36].copy_from_slice(&crc.to_be_bytes());
                    plan.bytes(&frame);
                    audio += flen;
                }
            }
        }
        let last = frames_end(src, first, end)?.max(audio);
        // A file cut short inside its last frame (before any tags at the end): the frame kept as
        // far as it goes, as the other frames, byte for byte.
        let cut = end - last >= 4 && {
            let h = src.read(last, 4, "MP3: frame header")?;
            let head = src.read(first, 4, "MP3: frame header")?;
            frame_header(&h)
                .and_then(|fh| fh.len)
                .is_some_and(|n| n > end - last)
                && stream_key(&h) == stream_key(&head)
        };
        if cut {
            note_cut(cx, "its last audio frame");
            plan.range(audio, end - audio);
        } else if last == first {
            return Err(Error::data("corrupt MP3: no complete MPEG audio frame"));
        } else {
            plan.range(audio, last - audio);
        }
        if last < end && !cut {
            // Audio after the break (a damaged frame, a tag in the middle of concatenated
            // files) would be cut off: refused rather than shortened.
            if let Some(at) = audio_resumes(src, last, end)? {
                return Err(Error::data(format!(
                    "unsupported MP3: the frames break off at offset {last} and resume at {at} \
                     (a damaged stream or a tag in the middle); cleaning would cut the audio"
                )));
            }
            removed.push(Found::new(
                "MP3",
                "data after the audio",
                format!("{} bytes", end - last),
            ));
        }
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_headers() {
        // MPEG-1 layer III, 64 kb/s, 44.1 kHz, no padding, joint stereo: 208 bytes.
        let h = frame_header(b"\xff\xfb\x50\x00").unwrap();
        assert_eq!(
            h,
            FrameHeader {
                len: Some(208),
                xing: Some(36)
            }
        );
        // MPEG-2 layer III, mono: side info of 9 bytes.
        assert_eq!(frame_header(b"\xff\xf3\x50\xc0").unwrap().xing, Some(13));
        assert!(frame_header(b"\xff\xf1\x50\x80").is_none()); // ADTS AAC: layer 0
        assert!(frame_header(b"\xff\xfb\xf0\x00").is_none()); // bitrate index 15
        assert!(frame_header(b"\xff\xd8\xff\xe0").is_none()); // JPEG
        assert!(Mp3.sniff(b"\xff\xfb\x50\x00"));
        let mut two = vec![0u8; 212];
        two[..4].copy_from_slice(b"\xff\xfb\x50\x00");
        assert!(!Mp3.sniff(&two));
        two[208..].copy_from_slice(b"\xff\xfb\x50\x00");
        assert!(Mp3.sniff(&two));
    }

    /// Every kind of trailing tag, in an order no tagger writes: each is found and removed.
    #[test]
    fn trailing_tags_in_any_order() {
        let mut f = b"\xff\xfb\x50\x00".repeat(4);
        // An appended ID3v2.4 tag with a footer.
        let mut id3 = b"ID3\x04\0\x10\0\0\0\x0dTIT2\0\0\0\x03\0\0\0ab".to_vec();
        id3.extend_from_slice(b"3DI\x04\0\x10\0\0\0\x0d");
        f.extend_from_slice(&id3);
        f.extend_from_slice(b"LYRICSBEGINla laLYRICSEND");
        // A header-less APEv1 tag with one item.
        let item = b"\x02\0\0\0\0\0\0\0Artist\0me";
        f.extend_from_slice(item);
        f.extend_from_slice(b"APETAGEX\xe8\x03\0\0");
        f.extend_from_slice(&(item.len() as u32 + 32).to_le_bytes());
        f.extend_from_slice(&[1, 0, 0, 0]);
        f.extend_from_slice(&[0; 12]);
        let mut v1 = b"TAGtitle".to_vec();
        v1.resize(128, 0);
        f.extend_from_slice(&v1);
        let src = Source::Memory(f);
        let mut removed = Vec::new();
        assert_eq!(trailing_tags(&src, 0, &mut removed, true).unwrap(), 16);
        let mut kinds: Vec<&str> = removed.iter().map(|f| f.kind.as_str()).collect();
        kinds.dedup();
        assert_eq!(kinds, ["ID3v1", "APEv1", "Lyrics3 v1", "ID3v2.4"]);
        // The same tags claiming more than there is before them: refused.
        let Source::Memory(mut bad) = src else {
            unreachable!()
        };
        let footer = bad.len() - 128 - 32;
        bad[footer + 12] = 0xff;
        assert!(trailing_tags(&Source::Memory(bad), 0, &mut removed, true).is_err());
    }

    #[test]
    fn encoder_strings() {
        assert_eq!(neutral_encoder(b"LAME3.100"), None);
        assert_eq!(neutral_encoder(b"Lavf\0\0\0\0\0"), None);
        assert_eq!(neutral_encoder(b"Lavf lame"), None);
        assert_eq!(neutral_encoder(b"LAME/joe\x01"), Some(*b"LAME     "));
        assert_eq!(neutral_encoder(b"\x01joe-pc\0\0"), Some(*b"         "));
        assert_eq!(neutral_encoder(b"PKSECRET1"), Some(*b"         "));
        assert_eq!(neutral_encoder(b"LAME3.99r"), None);
        // What it writes is left alone (cleaning twice changes nothing).
        assert_eq!(neutral_encoder(b"         "), None);
        // The LAME tag's CRC: CRC-16/ARC.
        assert_eq!(crc16(b"123456789"), 0xbb3d);
    }
}
