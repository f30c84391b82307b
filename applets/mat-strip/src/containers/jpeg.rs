//! JPEG marker segments: reading the entropy-coded data of a scan up to the next marker, and
//! naming markers. No keep/drop policy (that is formats/image/jpeg.rs).

use privkit_core::Error;

use crate::engine::source::Source;

/// Finds where a scan's entropy-coded data ends: the first marker that is not a stuffed zero
/// (FF00) or a restart marker (FFD0-FFD7). Reads in chunks; returns the marker's offset.
pub fn scan_end(src: &Source, start: u64) -> Result<u64, Error> {
    scan_end_before(src, start, src.len())
}

/// As [`scan_end`], looking no further than `end` (a Motion JPEG frame's end: the scans of
/// frames laid over each other would otherwise each be searched to the end of the input).
pub fn scan_end_before(src: &Source, start: u64, end: u64) -> Result<u64, Error> {
    // Small enough to stay in L2: the copy out of the page cache and the memchr pass over it
    // both hit the cache.
    const CHUNK: usize = 128 << 10;
    let mut buf = Vec::new();
    let mut pos = start;
    loop {
        let left = end.min(src.len()).saturating_sub(pos);
        // Scan in place what is already in memory; read the rest chunk by chunk.
        let chunk: &[u8] = match src.cached(pos) {
            Some(mem) if left >= 2 && mem.len() as u64 >= left => &mem[..left as usize],
            Some(mem) if mem.len() >= CHUNK && left >= CHUNK as u64 => &mem[..CHUNK],
            _ => {
                buf.resize(left.min(CHUNK as u64) as usize, 0);
                let n = src.read_into(pos, &mut buf)?;
                &buf[..n]
            }
        };
        let n = chunk.len();
        if n < 2 {
            break;
        }
        if let Some(at) = marker_in(chunk) {
            return Ok(pos + at as u64);
        }
        // Continue from the chunk's last byte if it is an FF (its marker byte is in the next).
        pos += if chunk[n - 1] == 0xff {
            n as u64 - 1
        } else {
            n as u64
        };
    }
    Err(Error::data(
        "truncated JPEG: image data ends without an end-of-image marker",
    ))
}

/// The offset of the first marker in entropy-coded data that ends the scan: an FF followed by
/// neither a stuffed zero, a restart marker nor another FF. An FF as the last byte is left for
/// the next chunk.
fn marker_in(chunk: &[u8]) -> Option<usize> {
    let mut i = 0usize;
    while let Some(found) = memchr::memchr(0xff, &chunk[i..]) {
        let at = i + found;
        match chunk.get(at + 1)? {
            0x00 | 0xd0..=0xd7 | 0xff => i = at + 1,
            _ => return Some(at),
        }
    }
    None
}

pub fn marker_name(marker: u8) -> String {
    match marker {
        0xc0..=0xc3 | 0xc5..=0xc7 | 0xc9..=0xcb | 0xcd..=0xcf => "SOF".into(),
        0xc4 => "DHT".into(),
        0xdb => "DQT".into(),
        0xda => "SOS".into(),
        0xdd => "DRI".into(),
        0xe0..=0xef => format!("APP{}", marker - 0xe0),
        0xfe => "COM".into(),
        m => format!("0xFF{m:02X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(b: &[u8]) -> Source {
        Source::Memory(b.to_vec())
    }

    #[test]
    fn scan_end_skips_stuffing_and_restarts() {
        let data = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd3, 0x56, 0xff, 0xff, 0xd9];
        assert_eq!(scan_end(&src(&data), 0).unwrap(), 8);
        assert!(scan_end(&src(&[0x12, 0xff, 0x00]), 0).is_err());
        assert!(scan_end(&src(&[0xff]), 0).is_err());
        // The marker at 8 (FFD9) ends past an end of 9.
        assert!(scan_end_before(&src(&data), 0, 9).is_err());
        assert_eq!(scan_end_before(&src(&data), 0, 10).unwrap(), 8);
    }

    #[test]
    fn scan_end_before_stops_at_its_end() {
        let mut data = vec![0x12; 300 << 10];
        data.extend_from_slice(&[0xff, 0xd9]);
        let mem = src(&data);
        assert!(scan_end_before(&mem, 0, 300 << 10).is_err());
        assert_eq!(scan_end_before(&mem, 0, data.len() as u64).unwrap(), 300 << 10);
    }
}
