//! Vorbis comments (FLAC's VORBIS_COMMENT block, the comment header of Ogg Vorbis, Opus and
//! Speex): the vendor string and the NAME=value list, with METADATA_BLOCK_PICTURE decoded to
//! say what picture it is. FLAC's PICTURE block has the same layout as that picture.

use privkit_core::Error;

use crate::bytes::be32;
use crate::engine::{summary, Found};

/// Comments listed at most; a count beyond what the packet can hold is an error.
const MAX_COMMENTS: usize = 100_000;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The vendor string a cleaned comment block carries: empty, so it names no encoder, library or
/// version (the spec allows any string; decoders do not read it).
pub const NEUTRAL_VENDOR: &str = "";

/// A comment block (packet body) with `vendor` and no comments.
pub fn empty(vendor: &str) -> Vec<u8> {
    let mut out = (vendor.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(vendor.as_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out
}

/// The vendor string and the comments of a packet (without any framing byte or magic).
pub fn list(data: &[u8], kind: &str) -> Result<(String, Vec<Found>), Error> {
    let bad = || Error::data(format!("corrupt {kind} comments: a length runs past the end"));
    let vendor_len = le32(data, 0).ok_or_else(bad)? as usize;
    let vendor = data.get(4..4 + vendor_len).ok_or_else(bad)?;
    let mut pos = 4 + vendor_len;
    let count = le32(data, pos).ok_or_else(bad)? as usize;
    pos += 4;
    if count > MAX_COMMENTS || count > (data.len() - pos) / 4 {
        return Err(bad());
    }
    let mut found = Vec::new();
    for _ in 0..count {
        let n = le32(data, pos).ok_or_else(bad)? as usize;
        let c = data.get(pos + 4..pos + 4 + n).ok_or_else(bad)?;
        pos += 4 + n;
        let (name, value) = match c.iter().position(|&b| b == b'=') {
            Some(i) => (&c[..i], &c[i + 1..]),
            None => (c, &[][..]),
        };
        let name = String::from_utf8_lossy(name).to_ascii_uppercase();
        let value = if name == "METADATA_BLOCK_PICTURE" {
            match base64(value).and_then(|p| picture(&p)) {
                Some(p) => p,
                None => format!("({} bytes, not a picture)", value.len()),
            }
        } else {
            summary(value)
        };
        found.push(Found::new(kind, name, value));
    }
    Ok((summary(vendor), found))
}

/// "picture: 600×600 JPEG with EXIF, description" from a FLAC picture structure.
pub fn picture(p: &[u8]) -> Option<String> {
    let mime_len = be32(p.get(..8)?, 4) as usize;
    let mut pos = 8 + mime_len;
    let desc_len = be32(p.get(..pos + 4)?, pos) as usize;
    let desc = p.get(pos + 4..pos + 4 + desc_len)?;
    pos += 4 + desc_len + 16;
    let data_len = be32(p.get(..pos + 4)?, pos) as usize;
    let data = p.get(pos + 4..(pos + 4).saturating_add(data_len).min(p.len()))?;
    let what = crate::tags::picture::describe(data);
    Some(if desc.is_empty() {
        format!("picture: {what}")
    } else {
        format!("picture: {what}, {}", summary(desc))
    })
}

/// Standard base64 (padding optional); None on anything else.
fn base64(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0);
    for &c in s.iter().take_while(|&&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_comments_and_refuses_lying_counts() {
        let mut d = 3u32.to_le_bytes().to_vec();
        d.extend_from_slice(b"ven");
        d.extend_from_slice(&1u32.to_le_bytes());
        d.extend_from_slice(&5u32.to_le_bytes());
        d.extend_from_slice(b"a=xyz");
        let (vendor, found) = list(&d, "Vorbis").unwrap();
        assert_eq!(vendor, "ven");
        assert_eq!(found, [Found::new("Vorbis", "A", "xyz")]);
        d[7] = 9;
        assert!(list(&d, "Vorbis").is_err());
        assert_eq!(base64(b"aGk=").unwrap(), b"hi");
        assert_eq!(list(&empty("v"), "Vorbis").unwrap(), ("v".to_string(), vec![]));
    }
}
