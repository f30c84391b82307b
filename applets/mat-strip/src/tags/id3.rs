//! ID3v2.2/2.3/2.4 (unsynchronisation, extended headers) and ID3v1/1.1: the size of a tag, to
//! leave it out, and the frames it holds, to list them. Written by hand rather than with the
//! `id3` or `lofty` crates: they read a tag to rewrite it, while mat-strip only needs its
//! extent and a listing, and must survive any bytes without a panic or a large allocation.

use privkit_core::Error;
use std::borrow::Cow;

use crate::bytes::be32;
use crate::engine::source::Source;
use crate::engine::summary;
use crate::engine::Found;

/// Frames listed per tag at most (a hostile tag of empty frames stays cheap).
const MAX_FRAMES: usize = 4096;

/// A 28-bit syncsafe integer (four 7-bit bytes).
pub fn syncsafe(b: &[u8]) -> Option<u32> {
    if b.len() < 4 || b[..4].iter().any(|&x| x & 0x80 != 0) {
        return None;
    }
    Some((b[0] as u32) << 21 | (b[1] as u32) << 14 | (b[2] as u32) << 7 | b[3] as u32)
}

/// The whole size (header, body, footer) of the ID3v2 tag whose 10-byte header is `head`, or
/// None if `head` is not one.
pub fn v2_size(head: &[u8]) -> Result<Option<u64>, Error> {
    if !head.starts_with(b"ID3") || head.len() < 10 {
        return Ok(None);
    }
    if !(2..=4).contains(&head[3]) || head[4] == 0xff {
        return Err(Error::data(format!("unsupported ID3v2.{} tag", head[3])));
    }
    let size = syncsafe(&head[6..10]).ok_or_else(|| Error::data("corrupt ID3v2 tag: bad size"))?;
    let footer = if head[3] == 4 && head[5] & 0x10 != 0 {
        10
    } else {
        0
    };
    Ok(Some(10 + size as u64 + footer))
}

/// ID3v2 tags larger than this are counted, not listed (a listing reads the tag whole).
const LIST_MAX: u64 = 16 << 20;

/// The frames of the `size`-byte ID3v2 tag at `at` in `src` (its size checked by the caller), or
/// only its size if it is too large to read whole.
/// `values`: false leaves every frame's value empty (see `Options::count_only`).
pub fn v2_list_at(src: &Source, at: u64, size: u64, what: &str, values: bool) -> Result<Vec<Found>, Error> {
    if size > LIST_MAX {
        return Ok(vec![Found::new("ID3v2", "tag", format!("{size} bytes"))]);
    }
    let tag = src.read_upto_borrowed(at, size)?;
    if (tag.len() as u64) < size {
        // What `read` says of a range past the end.
        return src.read(at, size, what).and_then(|tag| frames(&tag, values));
    }
    frames(&tag, values)
}

/// Undoes unsynchronisation: every 0xFF 0x00 becomes 0xFF.
fn resync(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut prev = 0u8;
    for &b in data {
        if !(prev == 0xff && b == 0) {
            out.push(b);
        }
        prev = b;
    }
    out
}

/// The frames of a whole ID3v2 tag (`tag` from its header on). A tag that does not parse is
/// an error: its size is known, but a listing that stops early would hide what follows.
pub fn v2_list(tag: &[u8]) -> Result<Vec<Found>, Error> {
    frames(tag, true)
}

/// [`v2_list`], the values decoded only if `values`.
fn frames(tag: &[u8], values: bool) -> Result<Vec<Found>, Error> {
    let bad = |why: &str| Error::data(format!("corrupt ID3v2 tag: {why}"));
    let size = v2_size(tag)?.ok_or_else(|| bad("no header"))?;
    let major = tag[3];
    let flags = tag[5];
    let kind = format!("ID3v2.{major}");
    let end = (10 + syncsafe(&tag[6..10]).unwrap_or(0) as usize).min(tag.len());
    if (size as usize) > tag.len() + if major == 4 && flags & 0x10 != 0 { 10 } else { 0 } {
        return Err(bad("it runs past its end"));
    }
    let body: Cow<'_, [u8]> = if flags & 0x80 != 0 && major < 4 {
        Cow::Owned(resync(&tag[10..end]))
    } else {
        Cow::Borrowed(&tag[10..end])
    };
    let mut pos = 0usize;
    if flags & 0x40 != 0 && major >= 3 {
        let ext = body.get(..4).ok_or_else(|| bad("short extended header"))?;
        pos = if major == 3 {
            4 + be32(ext, 0) as usize
        } else {
            syncsafe(ext).ok_or_else(|| bad("extended header size"))? as usize
        };
        if pos > body.len() {
            return Err(bad("extended header runs past the tag"));
        }
    }
    let (id_len, head_len) = if major == 2 { (3, 6) } else { (4, 10) };
    let mut found = Vec::new();
    while pos + head_len <= body.len() && body[pos] != 0 {
        let h = &body[pos..pos + head_len];
        let id = String::from_utf8_lossy(&h[..id_len]).into_owned();
        if !h[..id_len]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(bad(&format!("frame id {:?} is not one", summary(&h[..id_len]))));
        }
        let len = match major {
            2 => (h[3] as usize) << 16 | (h[4] as usize) << 8 | h[5] as usize,
            3 => be32(h, 4) as usize,
            // iTunes wrote plain sizes into v2.4 tags; syncsafe is the standard.
            _ => syncsafe(&h[4..8]).ok_or_else(|| bad(&format!("{id} frame size")))? as usize,
        };
        let start = pos + head_len;
        let data = body
            .get(start..start.saturating_add(len))
            .ok_or_else(|| bad(&format!("{id} frame runs past the tag")))?;
        let frame_flags = if major == 4 { h[9] } else { 0 };
        let data: Cow<'_, [u8]> = if frame_flags & 0x02 != 0 || (major == 4 && flags & 0x80 != 0) {
            Cow::Owned(resync(data))
        } else {
            Cow::Borrowed(data)
        };
        // Compressed or encrypted frames: their size, not their content.
        let opaque = match major {
            3 => h[9] & 0xc0 != 0,
            4 => frame_flags & 0x0c != 0,
            _ => false,
        };
        let value = if !values {
            String::new()
        } else if opaque {
            format!("({} bytes, compressed or encrypted)", data.len())
        } else {
            frame_value(&id, &data, major)
        };
        let finding = Found::new(kind.clone(), id, value);
        // ID3v2.2's three-character ids are judged as their v2.3 names are.
        found.push(match v22_name(&finding.name) {
            Some(name) if major == 2 => {
                let category = super::category::classify(&kind, name);
                finding.in_category(category)
            }
            _ => finding,
        });
        if found.len() > MAX_FRAMES {
            return Err(bad("too many frames"));
        }
        pos = start + len;
    }
    if found.is_empty() {
        found.push(Found::new(kind, "tag", "(empty)"));
    }
    Ok(found)
}

/// Text in an ID3 encoding (0 Latin-1, 1 UTF-16 with BOM, 2 UTF-16BE, 3 UTF-8); NULs (list
/// separators) become " / ".
fn text(enc: u8, b: &[u8]) -> String {
    // Borrowed where the bytes already are the text (UTF-8, or Latin-1 that is all ASCII): an
    // MP3 has dozens of text frames, and a batch of them spent much of its time allocating.
    let s: Cow<'_, str> = match enc {
        1 | 2 => {
            let mut be = enc == 2;
            let mut b = b;
            if b.starts_with(b"\xfe\xff") || b.starts_with(b"\xff\xfe") {
                be = b[0] == 0xfe;
                b = &b[2..];
            }
            let units = b.chunks_exact(2).map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            });
            Cow::Owned(
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect(),
            )
        }
        3 => String::from_utf8_lossy(b),
        _ if b.is_ascii() => String::from_utf8_lossy(b),
        _ => Cow::Owned(b.iter().map(|&c| c as char).collect()),
    };
    let s = s.trim_end_matches(['\0', '\u{feff}']);
    if !s.contains(['\0', '\u{feff}']) {
        return summary(s.as_bytes());
    }
    let s = s.replace(['\0'], " / ");
    summary(s.replace('\u{feff}', "").as_bytes())
}

/// Splits at the first terminator of the encoding (one NUL, two aligned for UTF-16).
fn split_terminated(enc: u8, b: &[u8]) -> (&[u8], &[u8]) {
    if matches!(enc, 1 | 2) {
        let mut i = 0;
        while i + 1 < b.len() {
            if b[i] == 0 && b[i + 1] == 0 {
                return (&b[..i], &b[i + 2..]);
            }
            i += 2;
        }
        (b, &[])
    } else {
        match b.iter().position(|&c| c == 0) {
            Some(i) => (&b[..i], &b[i + 1..]),
            None => (b, &[]),
        }
    }
}

fn frame_value(id: &str, d: &[u8], major: u8) -> String {
    // Frames that start with a Latin-1 owner or element id rather than an encoding byte.
    match id {
        "UFID" | "UFI" | "PRIV" => {
            let (owner, data) = split_terminated(0, d);
            return format!("{}: {} bytes", text(0, owner), data.len());
        }
        "CHAP" => {
            let (element, rest) = split_terminated(0, d);
            let ms = |at: usize| rest.get(at..at + 4).map_or(0, |b| be32(b, 0));
            let names = sub_frame_names(rest.get(16..).unwrap_or_default(), major);
            return format!("{} {}–{} ms{names}", text(0, element), ms(0), ms(4));
        }
        "CTOC" => {
            let (element, rest) = split_terminated(0, d);
            let count = rest.get(1).copied().unwrap_or(0);
            let mut rest = rest.get(2..).unwrap_or_default();
            for _ in 0..count {
                rest = split_terminated(0, rest).1;
            }
            let names = sub_frame_names(rest, major);
            return format!("{}: {count} entries{names}", text(0, element));
        }
        _ => {}
    }
    let Some((&enc, rest)) = d.split_first() else {
        return "(empty)".into();
    };
    match id {
        "GEOB" | "GEO" => {
            let (mime, rest) = if major == 2 {
                (
                    rest.get(..3).unwrap_or_default(),
                    rest.get(3..).unwrap_or_default(),
                )
            } else {
                split_terminated(0, rest)
            };
            let (file, rest) = split_terminated(enc, rest);
            let (desc, data) = split_terminated(enc, rest);
            format!(
                "{} ({}), {}: {} bytes",
                text(enc, file),
                text(0, mime),
                text(enc, desc),
                data.len()
            )
        }
        "APIC" | "PIC" => {
            let rest = if major == 2 {
                rest.get(3..).unwrap_or_default()
            } else {
                split_terminated(0, rest).1
            };
            let rest = rest.get(1..).unwrap_or_default();
            let (desc, data) = split_terminated(enc, rest);
            let desc = text(enc, desc);
            let pic = crate::tags::picture::describe(data);
            if desc.is_empty() {
                format!("picture: {pic}")
            } else {
                format!("picture: {pic}, {desc}")
            }
        }
        "TXXX" | "TXX" | "WXXX" | "WXX" => {
            let (desc, value) = split_terminated(enc, rest);
            let value = if id.starts_with('W') {
                summary(value)
            } else {
                text(enc, value)
            };
            format!("{}: {}", text(enc, desc), value)
        }
        "COMM" | "COM" | "USLT" | "ULT" => {
            let rest = rest.get(3..).unwrap_or_default();
            let (desc, value) = split_terminated(enc, rest);
            let desc = text(enc, desc);
            if desc.is_empty() {
                text(enc, value)
            } else {
                format!("{desc}: {}", text(enc, value))
            }
        }
        _ if id.starts_with('T') => text(enc, rest),
        _ if id.starts_with('W') => summary(d),
        _ => summary(d),
    }
}

/// ", TIT2: name" for the title frames embedded in a CHAP or CTOC frame (their names).
fn sub_frame_names(mut b: &[u8], major: u8) -> String {
    let mut out = String::new();
    while b.len() >= 10 && major >= 3 {
        let len = if major == 3 {
            be32(b, 4) as usize
        } else {
            syncsafe(&b[4..8]).unwrap_or(u32::MAX) as usize
        };
        let Some(data) = b.get(10..10usize.saturating_add(len)) else {
            break;
        };
        if b[0] == b'T' {
            let id = String::from_utf8_lossy(&b[..4]).into_owned();
            out.push_str(&format!(", {id}: {}", frame_value(&id, data, major)));
        }
        b = &b[10 + len..];
    }
    out
}

/// The ID3v2.3 name of an ID3v2.2 frame id (the frames taggers write; others keep their id).
fn v22_name(id: &str) -> Option<&'static str> {
    #[rustfmt::skip]
    const NAMES: &[(&str, &str)] = &[
        ("TT1", "TIT1"), ("TT2", "TIT2"), ("TT3", "TIT3"), ("TP1", "TPE1"), ("TP2", "TPE2"),
        ("TP3", "TPE3"), ("TP4", "TPE4"), ("TAL", "TALB"), ("TYE", "TYER"), ("TDA", "TDAT"),
        ("TIM", "TIME"), ("TRD", "TRDA"), ("TOR", "TORY"), ("TCM", "TCOM"), ("TXT", "TEXT"),
        ("TOA", "TOPE"), ("TOL", "TOLY"), ("TOT", "TOAL"), ("TOF", "TOFN"), ("TEN", "TENC"),
        ("TSS", "TSSE"), ("TCR", "TCOP"), ("TPB", "TPUB"), ("TCO", "TCON"), ("TRK", "TRCK"),
        ("TPA", "TPOS"), ("TRC", "TSRC"), ("TXX", "TXXX"), ("WXX", "WXXX"), ("WAR", "WOAR"),
        ("WAS", "WOAS"), ("WAF", "WOAF"), ("WCM", "WCOM"), ("WCP", "WCOP"), ("WPB", "WPUB"),
        ("COM", "COMM"), ("ULT", "USLT"), ("PIC", "APIC"), ("GEO", "GEOB"), ("UFI", "UFID"),
        ("CNT", "PCNT"), ("POP", "POPM"),
    ];
    NAMES.iter().find(|(old, _)| *old == id).map(|(_, new)| *new)
}

/// An ID3v1 or v1.1 tag (`tag`: the last 128 bytes of a file, starting with "TAG").
pub fn v1_list(tag: &[u8]) -> Vec<Found> {
    let field = |name: &str, b: &[u8]| Found::new("ID3v1", name, summary(b).trim().to_string());
    let mut found = Vec::new();
    if tag.len() == 128 {
        for (name, range) in [
            ("Title", 3..33),
            ("Artist", 33..63),
            ("Album", 63..93),
            ("Year", 93..97),
        ] {
            let b = &tag[range];
            if b.iter().any(|&c| c != 0 && c != b' ') {
                found.push(field(name, b));
            }
        }
        // v1.1: a zero byte before the last of the comment makes that last one a track number.
        let v11 = tag[125] == 0 && tag[126] != 0;
        let comment = &tag[97..if v11 { 125 } else { 127 }];
        if comment.iter().any(|&c| c != 0 && c != b' ') {
            found.push(field("Comment", comment));
        }
        if v11 {
            found.push(Found::new("ID3v1", "Track", tag[126].to_string()));
        }
        if tag[127] != 0xff && !found.is_empty() {
            found.push(Found::new("ID3v1", "Genre", tag[127].to_string()));
        }
    }
    if found.is_empty() {
        found.push(Found::new("ID3v1", "tag", "(empty)"));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(major: u8, flags: u8, frames: &[u8]) -> Vec<u8> {
        let mut t = vec![b'I', b'D', b'3', major, 0, flags, 0, 0, 0, frames.len() as u8];
        t.extend_from_slice(frames);
        t
    }

    #[test]
    fn lists_text_frames_of_each_version() {
        let f = tag(3, 0, b"TIT2\0\0\0\x04\0\0\0abc");
        assert_eq!(v2_list(&f).unwrap(), [Found::new("ID3v2.3", "TIT2", "abc")]);
        let f = tag(2, 0, b"TT2\0\0\x04\0abc");
        assert_eq!(v2_list(&f).unwrap()[0].value, "abc");
        // A v2.2 artist is an identity, as TPE1 is.
        let f = tag(2, 0, b"TP1\0\0\x04\0abc");
        assert_eq!(
            crate::tags::category::of(&v2_list(&f).unwrap()[0]),
            crate::engine::Category::Identity
        );
        let f = tag(4, 0, b"TXXX\0\0\0\x05\0\0\x03k\0vv");
        assert_eq!(v2_list(&f).unwrap()[0].value, "k: vv");
    }

    #[test]
    fn unsynchronised_and_bad_tags() {
        // v2.3 with the tag-wide unsynchronisation flag: the 0x00 after 0xFF is not data.
        let f = tag(3, 0x80, b"TIT2\0\0\0\x03\0\0\0\xff\0a");
        assert_eq!(v2_list(&f).unwrap()[0].value, "\u{ff}a");
        let f = tag(3, 0, b"TIT2\0\0\x10\0\0\0\0abc");
        assert!(v2_list(&f).unwrap_err().to_string().contains("runs past"));
        assert!(v2_size(b"ID3\x03\0\0\x80\0\0\0").is_err());
        assert_eq!(v2_size(b"ID3\x04\0\x10\0\0\x01\0").unwrap(), Some(148));
    }
}
