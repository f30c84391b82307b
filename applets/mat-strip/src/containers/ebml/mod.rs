//! EBML, the binary XML of Matroska and WebM: element headers (an ID and a size, both
//! variable-length integers), read from a [`Source`] at a position or from a buffer, with every
//! size checked against the parent's end. No policy of what to keep. (A hand-written reader
//! rather than an EBML crate: the cleaner needs byte positions to patch in place and must never
//! read a cluster's data, which the crates' tree readers do not offer.)

use privkit_core::Error;

use crate::engine::source::Source;

/// The EBML header and the Matroska elements a reader must know to walk a file.
pub const EBML: u32 = 0x1A45_DFA3;
pub const SEGMENT: u32 = 0x1853_8067;
pub const CLUSTER: u32 = 0x1F43_B675;
pub const VOID: u32 = 0xEC;
pub const CRC32: u32 = 0xBF;

/// Nesting deeper than this is refused: Matroska's deepest element is about 8 levels down.
pub const MAX_DEPTH: usize = 64;

/// One element: where its header starts, where its data starts, and its size (None: unknown,
/// the data runs to the end of the parent, allowed only where the format says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element {
    pub id: u32,
    pub start: u64,
    pub data: u64,
    pub size: Option<u64>,
}

impl Element {
    /// The end of the element's data (for an unknown size: `parent_end`).
    pub fn end(&self, parent_end: u64) -> u64 {
        self.size.map_or(parent_end, |s| self.data + s)
    }
}

/// Parses an ID at the start of `b`: its value (with the length marker, as the specs write IDs)
/// and its length.
fn id(b: &[u8]) -> Option<(u32, usize)> {
    let first = *b.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > 4 || b.len() < len {
        return None;
    }
    let value = b[..len].iter().fold(0u32, |v, &x| (v << 8) | x as u32);
    Some((value, len))
}

/// Parses a size at the start of `b`: Some(None) for the reserved "unknown" value (all ones).
fn size(b: &[u8]) -> Option<(Option<u64>, usize)> {
    let first = *b.first()?;
    if first == 0 || b.len() < first.leading_zeros() as usize + 1 {
        return None;
    }
    let len = first.leading_zeros() as usize + 1;
    let mask = if len == 8 { 0 } else { 0xffu8 >> len };
    let value = b[1..len]
        .iter()
        .fold((first & mask) as u64, |v, &x| (v << 8) | x as u64);
    let all_ones = (1u64 << (7 * len)) - 1;
    Some(((value != all_ones).then_some(value), len))
}

/// The header at `at` in `b` (which ends at `end`), its size not yet checked.
fn header(b: &[u8], at: usize, end: usize, base: u64) -> Result<Element, Error> {
    let bad = |what: &str| Error::data(format!("corrupt Matroska: {what} at offset {}", base + at as u64));
    let head = b.get(at..end.min(b.len())).unwrap_or_default();
    let (id, il) = id(head).ok_or_else(|| bad("invalid element ID"))?;
    let (size, sl) = size(&head[il..]).ok_or_else(|| bad("invalid element size"))?;
    Ok(Element {
        id,
        start: base + at as u64,
        data: base + (at + il + sl) as u64,
        size,
    })
}

/// The header at `at` in `b`, checked to fit before `end` (unknown sizes are left to the caller).
pub fn parse(b: &[u8], at: usize, end: usize, base: u64) -> Result<Element, Error> {
    let el = header(b, at, end, base)?;
    check(el, base + end as u64)
}

/// `el` if its data (of known size) ends before `end`.
fn check(el: Element, end: u64) -> Result<Element, Error> {
    match el.size {
        Some(s) if s > end - el.data => Err(runs_past(&el, end)),
        _ => Ok(el),
    }
}

/// The error for `el`, whose data runs past `end`.
pub fn runs_past(el: &Element, end: u64) -> Error {
    Error::data(format!(
        "truncated Matroska: element 0x{:X} at offset {} ends after {} of {} bytes",
        el.id,
        el.start,
        end.saturating_sub(el.data),
        el.size.unwrap_or(0)
    ))
}

/// The header at `pos` of the input, checked to fit before `end`.
pub fn read(src: &Source, pos: u64, end: u64) -> Result<Element, Error> {
    check(read_header(src, pos, end)?, end)
}

/// The header at `pos` of the input, whole before `end`, its size not checked (a file cut
/// short: the caller decides whether its element may run past the end, with [`runs_past`] as
/// the error where it may not).
pub fn read_header(src: &Source, pos: u64, end: u64) -> Result<Element, Error> {
    let head = src.read_upto(pos, 12.min(end.saturating_sub(pos)))?;
    header(&head, 0, head.len(), pos)
}

/// The children of a buffer's range `start..end` (`base`: the buffer's offset in the file), all
/// of known size.
pub fn children(b: &[u8], start: usize, end: usize, base: u64) -> Result<Vec<Element>, Error> {
    let mut out = Vec::new();
    let mut at = start;
    while at < end {
        let el = parse(b, at, end, base)?;
        let size = el.size.ok_or_else(|| {
            Error::data(format!(
                "corrupt Matroska: element 0x{:X} of unknown size at offset {} where it is not allowed",
                el.id, el.start
            ))
        })?;
        at = (el.data - base + size) as usize;
        out.push(el);
    }
    Ok(out)
}

/// A variable-length integer at the start of `b` (a Block's track number) and its length; the
/// reserved all-ones value as `u64::MAX`.
pub fn vint(b: &[u8]) -> Option<(u64, usize)> {
    size(b).map(|(v, len)| (v.unwrap_or(u64::MAX), len))
}

/// An unsigned or signed integer element's value (big-endian, up to 8 bytes).
pub fn uint(data: &[u8]) -> u64 {
    data.iter().take(8).fold(0u64, |v, &x| (v << 8) | x as u64)
}

/// A Void element of exactly `total` bytes (at least 2): its header, to be followed by
/// `total - header.len()` zero bytes.
pub fn void_header(total: u64) -> Vec<u8> {
    if total < 2 + 127 {
        vec![0xEC, 0x80 | (total - 2) as u8]
    } else {
        let mut h = vec![0xEC, 0x01];
        h.extend_from_slice(&(total - 9).to_be_bytes()[1..]);
        h
    }
}

/// Overwrites `b[at..at + len]` with a Void element of that size.
pub fn void_in(b: &mut [u8], at: usize, len: usize) {
    let h = void_header(len as u64);
    b[at..at + len].fill(0);
    b[at..at + h.len()].copy_from_slice(&h);
}

/// CRC-32 (IEEE, as EBML's CRC-32 element holds it, little-endian).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (!(crc & 1)).wrapping_add(1));
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vints() {
        assert_eq!(id(&[0x1A, 0x45, 0xDF, 0xA3]), Some((EBML, 4)));
        assert_eq!(id(&[0xEC]), Some((VOID, 1)));
        assert_eq!(id(&[0x00, 1, 2, 3, 4]), None);
        assert_eq!(size(&[0x81]), Some((Some(1), 1)));
        assert_eq!(size(&[0xFF]), Some((None, 1)));
        assert_eq!(
            size(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            Some((None, 8))
        );
        assert_eq!(size(&[0x40, 0x02]), Some((Some(2), 2)));
        assert_eq!(size(&[0x40]), None);
        assert_eq!(size(&[0x00]), None);
    }

    #[test]
    fn voids_have_the_size_asked() {
        for total in [2usize, 3, 128, 129, 130, 5000] {
            let mut b = vec![0x55; total];
            void_in(&mut b, 0, total);
            let el = parse(&b, 0, total, 0).unwrap();
            assert_eq!((el.id, el.end(0)), (VOID, total as u64), "{total}");
        }
    }

    #[test]
    fn sizes_past_the_parent_are_refused() {
        assert!(parse(&[0xEC, 0x85, 0, 0], 0, 4, 0).is_err());
        assert!(children(&[0xEC, 0xFF, 0], 0, 3, 0).is_err());
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
