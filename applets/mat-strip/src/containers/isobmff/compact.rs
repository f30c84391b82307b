//! Taking byte ranges out of a span of the input (the samples or items a format drops from an
//! `mdat` or `idat`): what is kept, where an old offset lands, and the `mdat` header for the new
//! size. No policy of what to drop.

use privkit_core::Error;

use super::BoxHead;

/// An `mdat` header for a body of `body` bytes: as wide as the original's.
pub fn mdat_header(h: &BoxHead, body: u64) -> Vec<u8> {
    if h.header == 16 || body + 8 > u32::MAX as u64 {
        let mut b = 1u32.to_be_bytes().to_vec();
        b.extend_from_slice(b"mdat");
        b.extend_from_slice(&(body + 16).to_be_bytes());
        b
    } else {
        let mut b = ((body + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(b"mdat");
        b
    }
}

/// A span of bytes `start..end` with some ranges taken out: what is kept, and where an old
/// offset lands (relative to the span's new start).
pub struct Compact {
    pub kept: Vec<(u64, u64)>,
    pub new_len: u64,
    end: u64,
    /// The new offset of each kept piece.
    before: Vec<u64>,
}

impl Compact {
    pub fn new(start: u64, end: u64, dropped: &[(u64, u64)]) -> Compact {
        let mut kept = Vec::new();
        let mut pos = start;
        for &(s, e) in dropped {
            let (s, e) = (s.max(start), e.min(end));
            if s >= e || e <= pos {
                continue;
            }
            if s > pos {
                kept.push((pos, s));
            }
            pos = pos.max(e);
        }
        if pos < end {
            kept.push((pos, end));
        }
        let mut before = Vec::with_capacity(kept.len());
        let mut new_len = 0;
        for (s, e) in &kept {
            before.push(new_len);
            new_len += e - s;
        }
        Compact {
            kept,
            new_len,
            end,
            before,
        }
    }

    /// Where offset `o` lands; the span's end (just past it, where the next box starts) lands
    /// at its new end even when a removed range closed it.
    pub fn map(&self, o: u64) -> Result<u64, Error> {
        if o == self.end {
            return Ok(self.new_len);
        }
        // The kept pieces are in order: the last one starting at or before `o`.
        let i = self.kept.partition_point(|&(s, _)| s <= o);
        if let Some(&(s, e)) = i.checked_sub(1).and_then(|i| self.kept.get(i)) {
            if o <= e {
                return Ok(self.before[i - 1] + (o - s));
            }
        }
        Err(Error::data(format!(
            "corrupt data: an offset ({o}) points into a range being removed"
        )))
    }
}

/// `drop` (start, end) ranges less every range of `keep`, sorted and merged.
pub fn subtract(mut drop: Vec<(u64, u64)>, keep: &[(u64, u64)]) -> Vec<(u64, u64)> {
    drop.sort_unstable();
    let mut keep = keep.to_vec();
    keep.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (s, e) in drop {
        let mut pieces = vec![(s, e)];
        for &(ks, ke) in keep.iter().filter(|&&(ks, ke)| ks < e && ke > s) {
            pieces = pieces
                .into_iter()
                .flat_map(|(a, b)| [(a, b.min(ks)), (a.max(ke), b)])
                .filter(|(a, b)| a < b)
                .collect();
        }
        for p in pieces {
            match out.last_mut() {
                Some(last) if p.0 <= last.1 => last.1 = last.1.max(p.1),
                _ => out.push(p),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtract_keeps_shared_bytes() {
        assert_eq!(
            subtract(vec![(10, 20), (0, 5)], &[(12, 14)]),
            vec![(0, 5), (10, 12), (14, 20)]
        );
        assert_eq!(subtract(vec![(10, 20), (15, 25)], &[]), vec![(10, 25)]);
    }

    #[test]
    fn compact_maps_offsets_past_holes() {
        let c = Compact::new(100, 200, &[(120, 130), (150, 160)]);
        assert_eq!(c.new_len, 80);
        assert_eq!(c.map(100).unwrap(), 0);
        assert_eq!(c.map(130).unwrap(), 20);
        assert_eq!(c.map(165).unwrap(), 45);
        assert!(c.map(125).is_err());
        let tail = Compact::new(100, 200, &[(150, 200)]);
        assert_eq!(tail.map(200).unwrap(), 50);
    }
}
