//! What a zip is, decided in one place: an OOXML document, an ODF document, an EPUB, or a
//! plain archive of files. From the member names and the `mimetype` member, wherever it is:
//! read from the first bytes (the central directory when the whole file is there, else the
//! local headers one after another, never a nested zip's), or from the whole listing.

use crate::engine::file_type::{self, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Package {
    Ooxml,
    Odf,
    Epub,
    Plain,
}

pub const ODF_MIME: &[u8] = b"application/vnd.oasis.opendocument";
pub const EPUB_MIME: &[u8] = b"application/epub+zip";

/// The package from its member names and the content of its `mimetype` member.
pub fn classify<'a>(names: impl IntoIterator<Item = &'a str>, mimetype: Option<&[u8]>) -> Package {
    match mimetype {
        Some(m) if m.starts_with(EPUB_MIME) => return Package::Epub,
        Some(m) if m.starts_with(ODF_MIME) => return Package::Odf,
        _ => {}
    }
    let mut found = Package::Plain;
    for name in names {
        match name {
            // The package's relationships without its content types: a damaged OOXML file
            // (refused as such), not an archive whose parts would all be kept unchecked.
            "[Content_Types].xml" | "_rels/.rels" => return Package::Ooxml,
            "META-INF/manifest.xml" => found = Package::Odf,
            "META-INF/container.xml" if found == Package::Plain => found = Package::Epub,
            _ => {}
        }
    }
    found
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 2)
        .map(|x| usize::from(u16::from_le_bytes([x[0], x[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 4)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]) as usize)
}

/// The package a zip's first bytes show (Plain when they show nothing else); None if not a zip.
pub fn sniff(head: &[u8]) -> Option<Package> {
    if file_type::kind(head) != Some(Kind::Zip) {
        return None;
    }
    let mut names: Vec<&str> = Vec::new();
    let mut mimetype = None;
    // Local headers in order: each one's data is skipped by its compressed size (a nested
    // zip's headers are inside that data). Stops where sizes are deferred to a descriptor.
    let mut at = 0;
    while head.get(at..at + 4) == Some(b"PK\x03\x04") {
        let (Some(flags), Some(packed), Some(len), Some(extra)) = (
            u16_at(head, at + 6),
            u32_at(head, at + 18),
            u16_at(head, at + 26),
            u16_at(head, at + 28),
        ) else {
            break;
        };
        let Some(name) = head
            .get(at + 30..at + 30 + len)
            .and_then(|n| std::str::from_utf8(n).ok())
        else {
            break;
        };
        let data = at + 30 + len + extra;
        if name == "mimetype" {
            mimetype = head.get(data..(data + packed).min(head.len()));
        }
        names.push(name);
        if flags & 8 != 0 {
            break;
        }
        at = data + packed;
    }
    // The central directory, when the end of the file is in the head.
    if let Some(eocd) = memchr::memmem::rfind(head, b"PK\x05\x06") {
        let (count, size, offset) = (
            u16_at(head, eocd + 10),
            u32_at(head, eocd + 12),
            u32_at(head, eocd + 16),
        );
        if let (Some(count), Some(size), Some(offset)) = (count, size, offset) {
            let mut at = offset;
            for _ in 0..count {
                if offset + size != eocd || head.get(at..at + 4) != Some(b"PK\x01\x02") {
                    break;
                }
                let (Some(n), Some(e), Some(c)) = (
                    u16_at(head, at + 28),
                    u16_at(head, at + 30),
                    u16_at(head, at + 32),
                ) else {
                    break;
                };
                if let Some(name) = head
                    .get(at + 46..at + 46 + n)
                    .and_then(|n| std::str::from_utf8(n).ok())
                {
                    names.push(name);
                }
                at += 46 + n + e + c;
            }
        }
    }
    Some(classify(names, mimetype))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decide() {
        assert_eq!(classify(["[Content_Types].xml"], None), Package::Ooxml);
        assert_eq!(classify(["a", "META-INF/manifest.xml"], None), Package::Odf);
        assert_eq!(classify(["META-INF/container.xml"], None), Package::Epub);
        assert_eq!(classify(["x"], Some(&b"application/epub+zip"[..])), Package::Epub);
        assert_eq!(classify(["x", "y.docx"], None), Package::Plain);
        assert_eq!(sniff(b"not a zip"), None);
    }
}
