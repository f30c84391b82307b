//! What an embedded picture (cover art) is, in a few words: "600×600 JPEG with EXIF".

use crate::bytes::{be16, be32};

/// "600×600 JPEG with EXIF", "32×32 PNG", "1234 bytes of image data".
pub fn describe(data: &[u8]) -> String {
    if data.starts_with(b"\xff\xd8") {
        let (dims, exif) = jpeg(data);
        let dims = dims.map(|(w, h)| format!("{w}×{h} ")).unwrap_or_default();
        let exif = if exif { " with EXIF" } else { "" };
        return format!("{dims}JPEG{exif}");
    }
    if data.starts_with(b"\x89PNG\r\n\x1a\n") && data.len() >= 24 && &data[12..16] == b"IHDR" {
        return format!("{}×{} PNG", be32(data, 16), be32(data, 20));
    }
    format!("{} bytes of image data", data.len())
}

/// A JPEG's size (from its first SOF segment) and whether it has an EXIF segment, walking the
/// segments up to the first scan; bounded by the slice.
fn jpeg(data: &[u8]) -> (Option<(u16, u16)>, bool) {
    let mut pos = 2;
    let mut exif = false;
    while pos + 4 <= data.len() && data[pos] == 0xff {
        let marker = data[pos + 1];
        let len = be16(data, pos + 2) as usize;
        let body = data.get(pos + 4..pos + 2 + len.max(2)).unwrap_or_default();
        match marker {
            0xe1 if body.starts_with(b"Exif\0") => exif = true,
            0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) && body.len() >= 5 => {
                return (Some((be16(body, 3), be16(body, 1))), exif);
            }
            0xda => break,
            _ => {}
        }
        pos += 2 + len;
    }
    (None, exif)
}

#[cfg(test)]
mod tests {
    #[test]
    fn jpeg_size_and_exif() {
        let mut j = b"\xff\xd8\xff\xe1\x00\x08Exif\0\0".to_vec();
        j.extend_from_slice(b"\xff\xc0\x00\x0b\x08\x02\x58\x03\x20\x01\x01\x11\x00");
        assert_eq!(super::describe(&j), "800×600 JPEG with EXIF");
        assert_eq!(super::describe(b"xx"), "2 bytes of image data");
    }
}
