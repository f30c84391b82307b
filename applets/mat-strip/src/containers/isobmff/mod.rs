//! ISO base media file format boxes (MP4, MOV, HEIF, AVIF, JPEG XL and JPEG 2000 containers):
//! headers read from the input (top level, where `mdat` may be gigabytes and is never read) or
//! from a buffer (a `moov` or `meta` read whole). 32-bit, 64-bit (`size` 1) and to-the-end
//! (`size` 0) sizes, `uuid` extended types; every size checked against its parent. No policy of
//! what to keep. Written here rather than taken from a crate: the box crates (mp4, mp4parse)
//! parse into their own structures and write back from them, which loses the byte ranges the
//! plan-and-copy writer needs and reads sample data through memory.

use privkit_core::Error;

pub mod compact;
pub mod items;

use crate::engine::source::Source;

/// Boxes nested deeper than this are refused (real files stop below 10).
pub const MAX_DEPTH: usize = 64;

/// One box: its type, where it starts, how long its header is and its total size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxHead {
    pub kind: [u8; 4],
    pub start: u64,
    pub header: u64,
    pub size: u64,
}

impl BoxHead {
    pub fn end(&self) -> u64 {
        self.start + self.size
    }
    pub fn body(&self) -> u64 {
        self.start + self.header
    }
    pub fn body_len(&self) -> u64 {
        self.size - self.header
    }
    /// The type as text (for messages and --show).
    pub fn name(&self) -> String {
        name(&self.kind)
    }
}

pub fn name(kind: &[u8; 4]) -> String {
    kind.iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else if b == 0xa9 {
                '©'
            } else {
                '?'
            }
        })
        .collect()
}

/// Parses a box header from `b` (at least 8 bytes, 16 for a 64-bit size, 24 for a uuid),
/// the box starting at `start` and its parent ending at `end`.
fn parse(b: &[u8], start: u64, end: u64, what: &str) -> Result<BoxHead, Error> {
    let short = || {
        Error::data(format!(
            "truncated {what}: box header at offset {start} cut short"
        ))
    };
    let size32 = u32::from_be_bytes(b.get(0..4).ok_or_else(short)?.try_into().unwrap_or([0; 4]));
    let kind: [u8; 4] = b.get(4..8).ok_or_else(short)?.try_into().unwrap_or([0; 4]);
    let (mut header, size) = match size32 {
        0 => (8, end - start),
        1 => {
            let large = u64::from_be_bytes(b.get(8..16).ok_or_else(short)?.try_into().unwrap_or([0; 8]));
            (16, large)
        }
        n => (8, n as u64),
    };
    if &kind == b"uuid" {
        header += 16;
    }
    if size < header {
        return Err(Error::data(format!(
            "corrupt {what}: '{}' box at offset {start} is {size} bytes, shorter than its header",
            name(&kind)
        )));
    }
    if start.checked_add(size).is_none_or(|e| e > end) {
        return Err(Error::data(format!(
            "corrupt {what}: '{}' box at offset {start} ({size} bytes) runs past its container (ends at {end})",
            name(&kind)
        )));
    }
    if (b.len() as u64) < header {
        return Err(short());
    }
    Ok(BoxHead {
        kind,
        start,
        header,
        size,
    })
}

/// The header of the box at `pos` in the input, inside a parent ending at `end`.
pub fn read_head(src: &Source, pos: u64, end: u64, what: &str) -> Result<BoxHead, Error> {
    let avail = end.saturating_sub(pos).min(24);
    if avail < 8 {
        return Err(Error::data(format!(
            "truncated {what}: {avail} bytes at offset {pos} where a box header was expected"
        )));
    }
    let b = src.read(pos, avail, what)?;
    parse(&b, pos, end, what)
}

/// The boxes inside `buf[from..to]` (offsets relative to `buf`).
pub fn children(buf: &[u8], from: usize, to: usize, what: &str) -> Result<Vec<BoxHead>, Error> {
    let mut out = Vec::new();
    let mut pos = from;
    let to = to.min(buf.len());
    while pos < to {
        if to - pos < 8 {
            // A few zero bytes closing a QuickTime container (a 32-bit 0 terminator) are allowed.
            if buf[pos..to].iter().all(|&b| b == 0) {
                break;
            }
            return Err(Error::data(format!(
                "truncated {what}: {} stray bytes at offset {pos}",
                to - pos
            )));
        }
        let h = parse(&buf[pos..to], pos as u64, to as u64, what)?;
        out.push(h);
        pos += h.size as usize;
    }
    Ok(out)
}

/// The bytes of a box (header included) in a buffer holding it.
pub fn bytes<'a>(buf: &'a [u8], h: &BoxHead) -> &'a [u8] {
    buf.get(h.start as usize..h.end() as usize).unwrap_or(&[])
}

/// The body of a box in a buffer holding it.
pub fn body<'a>(buf: &'a [u8], h: &BoxHead) -> &'a [u8] {
    buf.get(h.body() as usize..h.end() as usize).unwrap_or(&[])
}

/// A box with this type and body, 32-bit or 64-bit size as needed.
pub fn make(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = header(kind, body.len() as u64);
    out.extend_from_slice(body);
    out
}

/// The header of a box with this type and a body of `body_len` bytes (a body written apart).
pub fn header(kind: &[u8; 4], body_len: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    let total = body_len + 8;
    if total <= u32::MAX as u64 {
        out.extend_from_slice(&(total as u32).to_be_bytes());
        out.extend_from_slice(kind);
    } else {
        out.extend_from_slice(&1u32.to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(&(total + 8).to_be_bytes());
    }
    out
}

/// At most this many top-level boxes (about 32 MB of headers and a million reads; a ten-hour
/// recording fragmented every second has 72,000): a file of 8-byte boxes is refused early
/// instead of being walked box by box.
pub const MAX_TOP_LEVEL: usize = 1 << 20;

/// The top-level boxes of the input, headers only, at most `max`.
pub fn top_level(src: &Source, what: &str, max: usize) -> Result<Vec<BoxHead>, Error> {
    walk_top(src, what, max, false)
}

/// The top-level boxes of an input that may be cut short at its end: as [`top_level`], but the
/// last box may run past the end of the input when its header is whole (its declared size
/// kept: the format decides whether what the cut falls in may be cleaned).
pub fn top_level_cut(src: &Source, what: &str, max: usize) -> Result<Vec<BoxHead>, Error> {
    walk_top(src, what, max, true)
}

fn walk_top(src: &Source, what: &str, max: usize, cut: bool) -> Result<Vec<BoxHead>, Error> {
    let len = src.len();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < len {
        if out.len() >= max {
            return Err(Error::data(format!(
                "unsupported {what}: more than {max} top-level boxes"
            )));
        }
        let h = match read_head(src, pos, len, what) {
            Ok(h) => h,
            Err(e) if cut => {
                // A whole header whose size runs past the input (a size 0 box ends with the
                // input, so it never does).
                let avail = (len - pos).min(24);
                let b = if avail >= 8 {
                    src.read(pos, avail, what)?
                } else {
                    Vec::new()
                };
                match parse(&b, pos, u64::MAX, what) {
                    Ok(h) if h.end() > len => {
                        out.push(h);
                        return Ok(out);
                    }
                    _ => return Err(e),
                }
            }
            Err(e) => return Err(e),
        };
        pos = h.end();
        out.push(h);
    }
    Ok(out)
}

/// Nesting deeper than [`MAX_DEPTH`] is an error.
pub fn check_depth(depth: usize, what: &str) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        return Err(Error::data(format!(
            "corrupt {what}: boxes nested more than {MAX_DEPTH} deep"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_32_64_and_to_the_end() {
        let mut b = make(b"free", b"abcd");
        b.extend_from_slice(&[0, 0, 0, 1, b'm', b'd', b'a', b't', 0, 0, 0, 0, 0, 0, 0, 18, 1, 2]);
        b.extend_from_slice(&[0, 0, 0, 0, b'm', b'd', b'a', b't', 9]);
        let c = children(&b, 0, b.len(), "test").unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!((c[0].header, c[0].size), (8, 12));
        assert_eq!((c[1].header, c[1].size), (16, 18));
        assert_eq!((c[2].header, c[2].size), (8, 9));
    }

    #[test]
    fn top_level_boxes_are_counted() {
        let mut b = Vec::new();
        for _ in 0..5 {
            b.extend(make(b"free", b""));
        }
        let src = Source::Memory(b);
        assert_eq!(top_level(&src, "t", 5).unwrap().len(), 5);
        let err = top_level(&src, "t", 4).unwrap_err();
        assert!(err.to_string().contains("more than 4 top-level boxes"), "{err}");
    }

    #[test]
    fn the_last_top_level_box_may_be_cut_when_its_header_is_whole() {
        let mut b = make(b"free", b"abcd");
        b.extend_from_slice(&[0, 0, 0, 100, b'm', b'd', b'a', b't', 1, 2, 3]);
        let src = Source::Memory(b.clone());
        assert!(top_level(&src, "t", 10).is_err());
        let tops = top_level_cut(&src, "t", 10).unwrap();
        assert_eq!(tops.len(), 2);
        assert_eq!((tops[1].start, tops[1].size), (12, 100));
        // A header cut short (a 64-bit size missing its bytes) stays an error.
        let mut short = make(b"free", b"");
        short.extend_from_slice(&[0, 0, 0, 1, b'm', b'd', b'a', b't', 0, 0]);
        assert!(top_level_cut(&Source::Memory(short), "t", 10).is_err());
        // A whole file is walked as by top_level.
        let whole = Source::Memory(make(b"free", b"ab"));
        assert_eq!(
            top_level_cut(&whole, "t", 10).unwrap(),
            top_level(&whole, "t", 10).unwrap()
        );
    }

    #[test]
    fn bad_sizes_are_errors() {
        assert!(children(&[0, 0, 0, 4, b'f', b'r', b'e', b'e'], 0, 8, "t").is_err());
        assert!(children(&[0, 0, 0, 40, b'f', b'r', b'e', b'e'], 0, 8, "t").is_err());
        assert!(children(
            &[0, 0, 0, 1, b'f', b'r', b'e', b'e', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            0,
            16,
            "t"
        )
        .is_err());
        assert!(children(&[0, 0, 0, 9, b'f'], 0, 5, "t").is_err());
        assert!(check_depth(65, "t").is_err());
    }
}
