//! Photoshop image resource blocks ("8BIM", id, Pascal name, size, data), as carried in JPEG
//! APP13 after "Photoshop 3.0\0", TIFF tag 34377 and PSD. Listing only; IPTC (0x0404) is
//! listed dataset by dataset.

use crate::bytes::Cursor;
use crate::containers::ifd;
use crate::engine::Found;
use crate::tags::iptc;

/// The identifier a JPEG APP13 segment holding image resources starts with.
pub const JPEG_PHOTOSHOP: &[u8] = b"Photoshop 3.0\0";

/// The IPTC-NAA resource.
const IPTC: u16 = 0x0404;
/// EXIF data (a TIFF block), as Photoshop keeps a copy of the picture's.
const EXIF: u16 = 0x0422;

/// Lists the resources of a block; `where_` names the carrier when nothing could be listed.
pub fn list(resources: &[u8], where_: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut c = Cursor::new(resources, "Photoshop image resource");
    while let Ok((id, data)) = next(&mut c) {
        if id == IPTC {
            found.extend(iptc::list(data));
        } else {
            let exif = match id {
                EXIF => ifd::list(data, "Photoshop EXIF"),
                _ => Vec::new(),
            };
            if !exif.is_empty() {
                found.extend(exif);
                continue;
            }
            found.push(Found::new(
                "Photoshop",
                format!("resource 0x{id:04x}"),
                format!("{} bytes", data.len()),
            ));
        }
    }
    if found.is_empty() {
        found.push(Found::new(
            "Photoshop",
            where_,
            format!("{} bytes", resources.len()),
        ));
    }
    found
}

/// One resource: its id and data; an error at the end or on anything malformed.
fn next<'a>(c: &mut Cursor<'a>) -> Result<(u16, &'a [u8]), privkit_core::Error> {
    if c.take(4)? != b"8BIM" {
        return Err(privkit_core::Error::data("not an image resource"));
    }
    let id = c.be16()?;
    let name_len = c.u8()? as usize;
    // The Pascal name (length byte included) is padded to an even size.
    c.skip(name_len + (name_len + 1) % 2)?;
    let size = c.be32()? as usize;
    let data = c.take(size)?;
    if size % 2 == 1 && !c.is_empty() {
        c.skip(1)?;
    }
    Ok((id, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Photoshop's copy of the EXIF (resource 0x0422, as in a PDF's PieceInfo) is listed by
    /// tag: the camera's make is named.
    #[test]
    fn exif_resource_is_listed_by_tag() {
        let mut tiff = b"MM\0*\0\0\0\x08\0\x01\x01\x0f\0\x02\0\0\0\x09\0\0\0\x1a\0\0\0\0".to_vec();
        tiff.extend_from_slice(b"FUJIFILM\0\0");
        let mut block = b"8BIM\x04\x22\0\0".to_vec();
        block.extend_from_slice(&(tiff.len() as u32).to_be_bytes());
        block.extend_from_slice(&tiff);
        let found = list(&block, "APP13");
        assert!(
            found.contains(&Found::new("Photoshop EXIF IFD0", "Make", "FUJIFILM")),
            "{found:?}"
        );
    }

    #[test]
    fn lists_iptc_inside_and_other_resources_by_id() {
        let mut r = b"8BIM\x04\x04\0\0".to_vec();
        let iptc = [0x1c, 2, 80, 0, 3, b'B', b'o', b'b'];
        r.extend_from_slice(&(iptc.len() as u32).to_be_bytes());
        r.extend_from_slice(&iptc);
        r.extend_from_slice(b"8BIM\x04\x0c\x03abc\0\0\0\x01Z");
        let f = list(&r, "APP13");
        assert_eq!(f[0].value, "Bob");
        assert_eq!(f[1].name, "resource 0x040c");
        assert_eq!(list(b"8BIM\x04", "APP13")[0].name, "APP13");
    }
}
