//! The one table of magic numbers: what kind of file the first bytes say this is. The registry
//! picks a format from it (and, for zips, from what is inside: the second stage), the refusal
//! message names what an unsupported file looks like from it, and the zip writer stores what it
//! says is compressed already.

/// Kinds of file recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Gif,
    Webp,
    Tiff,
    Matroska,
    Ogg,
    Avi,
    /// ASF: WMV, WMA.
    Asf,
    Pdf,
    Zip,
    Gzip,
    /// OLE2 compound file: embedded objects, .doc/.xls/.ppt.
    Ole2,
    /// Known only to name it when refusing it.
    Other(&'static str),
}

/// Offset, bytes, kind: the first line that matches wins (WebP before other RIFF files).
const MAGIC: &[(usize, &[u8], Kind)] = &[
    (0, b"\xff\xd8\xff", Kind::Jpeg),
    (0, b"\x89PNG\r\n\x1a\n", Kind::Png),
    (0, b"GIF87a", Kind::Gif),
    (0, b"GIF89a", Kind::Gif),
    (8, b"WEBP", Kind::Webp),
    (8, b"AVI ", Kind::Avi),
    (0, b"II*\0", Kind::Tiff),
    (0, b"MM\0*", Kind::Tiff),
    (0, b"%PDF-", Kind::Pdf),
    (0, b"PK\x03\x04", Kind::Zip),
    (0, b"\x1f\x8b", Kind::Gzip),
    (0, b"%PDF", Kind::Other("PDF")),
    (0, b"BM", Kind::Other("BMP")),
    (0, b"\x00\x00\x01\x00", Kind::Other("ICO")),
    (0, b"8BPS", Kind::Other("Photoshop PSD")),
    (0, b"II+\x00", Kind::Tiff),
    (0, b"MM\x00+", Kind::Tiff),
    (0, b"7z\xbc\xaf", Kind::Other("7-Zip")),
    (0, b"\x7fELF", Kind::Other("an ELF executable")),
    (0, b"ID3", Kind::Other("MP3")),
    (0, b"OggS", Kind::Ogg),
    (0, b"fLaC", Kind::Other("FLAC")),
    (0, b"\x1aE\xdf\xa3", Kind::Matroska),
    (0, b"\xff\x0a", Kind::Other("JPEG XL")),
    (0, b"\x00\x00\x00\x0cJXL ", Kind::Other("JPEG XL")),
    (0, b"\x00\x00\x00\x0cjP  ", Kind::Other("JPEG 2000")),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Kind::Ole2),
    // The ASF Header Object's GUID, 75B22630-668E-11CF-A6D9-00AA0062CE6C.
    (
        0,
        b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c",
        Kind::Asf,
    ),
];

/// What the first bytes say, if anything.
pub fn kind(head: &[u8]) -> Option<Kind> {
    let matches = |&&(at, magic, kind): &&(usize, &[u8], Kind)| {
        let riff = !matches!(kind, Kind::Webp | Kind::Avi) || head.starts_with(b"RIFF");
        (riff && head.get(at..at + magic.len()) == Some(magic)).then_some(kind)
    };
    if let Some(kind) = MAGIC.iter().find_map(|m| matches(&m)) {
        return Some(kind);
    }
    if head.get(4..8) == Some(b"ftyp") {
        return Some(Kind::Other(match head.get(8..12).unwrap_or_default() {
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"heis" => "HEIF/HEIC",
            b"avif" | b"avis" => "AVIF",
            _ => "an MP4/QuickTime container",
        }));
    }
    if head.starts_with(b"RIFF") {
        return Some(Kind::Other("a RIFF file (AVI/WAV)"));
    }
    if head.starts_with(b"\xff\xd8") {
        return Some(Kind::Other("a damaged JPEG"));
    }
    None
}

/// Compressed data that does not shrink when deflated again (photos, archives).
pub fn is_compressed(head: &[u8]) -> bool {
    matches!(
        kind(head),
        Some(Kind::Jpeg | Kind::Png | Kind::Gif | Kind::Webp | Kind::Zip | Kind::Gzip)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bytes() {
        assert_eq!(kind(b"\xff\xd8\xff\xe0"), Some(Kind::Jpeg));
        assert_eq!(kind(b"RIFF\0\0\0\0WEBPVP8 "), Some(Kind::Webp));
        assert_eq!(kind(b"RIFF\0\0\0\0AVI "), Some(Kind::Avi));
        assert_eq!(
            kind(b"RIFF\0\0\0\0WAVE"),
            Some(Kind::Other("a RIFF file (AVI/WAV)"))
        );
        assert_eq!(kind(b"XXXX\0\0\0\0WEBP"), None);
        assert_eq!(kind(b"\0\0\0\x18ftypheic"), Some(Kind::Other("HEIF/HEIC")));
        assert_eq!(kind(b"%PDF-1.7"), Some(Kind::Pdf));
        assert_eq!(kind(b"hello"), None);
        assert!(is_compressed(b"PK\x03\x04"));
        assert!(!is_compressed(b"<?xml"));
    }
}
