//! APEv1/APEv2 tags (found at the end of MP3 and other files, after the audio and before any
//! ID3v1): where a tag starts, from its 32-byte footer, and the items it holds, to list them.
//! Written by hand for the same reason as `id3.rs`: only the extent and a listing are needed,
//! and no bytes may make it panic or allocate much.

use privkit_core::Error;

use crate::bytes::le32;
use crate::engine::{summary, Found};

/// The footer's (and header's) size.
pub const FOOTER: u64 = 32;
/// Items listed per tag at most.
const MAX_ITEMS: usize = 4096;

/// The whole size of the tag (its header, if it has one, items and footer) whose last 32 bytes
/// are `footer`, or None if they are not an APE footer.
pub fn size_from_footer(footer: &[u8]) -> Result<Option<u64>, Error> {
    if footer.len() < 32 || !footer.starts_with(b"APETAGEX") {
        return Ok(None);
    }
    let version = le32(footer, 8);
    let size = le32(footer, 12) as u64;
    let flags = le32(footer, 20);
    if version != 1000 && version != 2000 {
        return Err(Error::data(format!("unsupported APE tag version {version}")));
    }
    if size < FOOTER {
        return Err(Error::data(
            "corrupt APE tag: its size is smaller than its footer",
        ));
    }
    // Bit 31: the tag has a header too (APEv2 only); the size counts the items and the footer.
    let header = if version == 2000 && flags & 0x8000_0000 != 0 {
        FOOTER
    } else {
        0
    };
    Ok(Some(size + header))
}

/// The items of a whole tag (`tag` from its header, or its first item, to its footer).
pub fn list(tag: &[u8]) -> Result<Vec<Found>, Error> {
    items(tag, true)
}

/// [`list`], the values decoded only if `values` (see `Options::count_only`): the items, their
/// keys and the errors are the same.
pub fn items(tag: &[u8], values: bool) -> Result<Vec<Found>, Error> {
    let bad = |why: &str| Error::data(format!("corrupt APE tag: {why}"));
    let footer_at = tag.len().checked_sub(32).ok_or_else(|| bad("too short"))?;
    let footer = &tag[footer_at..];
    let kind = if le32(footer, 8) == 2000 { "APEv2" } else { "APEv1" };
    let count = le32(footer, 16) as usize;
    let mut pos = if tag.starts_with(b"APETAGEX") { 32 } else { 0 };
    if count > MAX_ITEMS || count > footer_at.saturating_sub(pos) / 9 {
        return Err(bad(&format!("{count} items cannot fit in it")));
    }
    let mut found = Vec::new();
    for _ in 0..count {
        let head = tag
            .get(pos..pos + 8)
            .filter(|_| pos + 8 <= footer_at)
            .ok_or_else(|| bad("an item runs past the tag"))?;
        let len = le32(head, 0) as usize;
        let flags = le32(head, 4);
        let key_start = pos + 8;
        let key_len = tag[key_start..footer_at]
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| bad("an item key has no end"))?;
        let key = &tag[key_start..key_start + key_len];
        let value_at = key_start + key_len + 1;
        let value = value_at
            .checked_add(len)
            .filter(|&end| end <= footer_at)
            .map(|end| &tag[value_at..end])
            .ok_or_else(|| bad(&format!("item {:?} runs past the tag", summary(key))))?;
        let key = summary(key);
        let value = match (flags >> 1) & 3 {
            _ if !values => String::new(),
            // Binary: cover art is "file name\0image data".
            1 if key.to_ascii_lowercase().starts_with("cover art") => {
                let data = match value.iter().position(|&b| b == 0) {
                    Some(i) => &value[i + 1..],
                    None => value,
                };
                format!("picture: {}", crate::tags::picture::describe(data))
            }
            1 => format!("({} bytes of binary data)", value.len()),
            // Text (0) and locators (2): UTF-8, several values separated by NULs.
            _ => summary(value).replace('\0', " / "),
        };
        found.push(Found::new(kind, key, value));
        pos = value_at + len;
    }
    if found.is_empty() {
        found.push(Found::new(kind, "tag", "(empty)"));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(items: &[(&str, &[u8], u32)], header: bool) -> Vec<u8> {
        let mut body = Vec::new();
        for (key, value, flags) in items {
            body.extend_from_slice(&(value.len() as u32).to_le_bytes());
            body.extend_from_slice(&flags.to_le_bytes());
            body.extend_from_slice(key.as_bytes());
            body.push(0);
            body.extend_from_slice(value);
        }
        let size = body.len() as u32 + 32;
        let block = |flags: u32| {
            let mut b = b"APETAGEX".to_vec();
            for v in [2000, size, items.len() as u32, flags, 0, 0] {
                b.extend_from_slice(&v.to_le_bytes());
            }
            b
        };
        let mut t = Vec::new();
        if header {
            t.extend(block(0xa000_0000));
        }
        t.extend(body);
        t.extend(block(if header { 0x8000_0000 } else { 0 }));
        t
    }

    #[test]
    fn sizes_and_items_with_or_without_header() {
        for header in [false, true] {
            let t = tag(
                &[("Artist", b"me", 0), ("Cover Art (Front)", b"c.jpg\0xx", 2)],
                header,
            );
            assert_eq!(
                size_from_footer(&t[t.len() - 32..]).unwrap(),
                Some(t.len() as u64)
            );
            let found = list(&t).unwrap();
            assert_eq!(found[0], Found::new("APEv2", "Artist", "me"));
            assert_eq!(found[1].value, "picture: 2 bytes of image data");
        }
    }

    #[test]
    fn lying_items_are_refused() {
        let mut t = tag(&[("Artist", b"me", 0)], false);
        t[0] = 0xff; // the item's length runs past the footer
        assert!(list(&t).unwrap_err().to_string().contains("runs past"));
        let mut t = tag(&[("Artist", b"me", 0)], false);
        let n = t.len();
        t[n - 16] = 200; // more items than bytes
        assert!(list(&t).is_err());
        assert!(size_from_footer(b"APETAGEX\x07\0\0\0 \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0").is_err());
    }
}
