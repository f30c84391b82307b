//! The registries built into the binary (data/vendors.bin, made by data/gen-vendors.py from
//! Debian's ieee-data): the date of the data (u64 LE, ieee-data's .lastupdate, seconds since
//! 1970), then a raw DEFLATE stream of
//!
//! ```text
//! "PKOUI1\n"  u32 LE name count
//! names, each ended by "\n", most used first
//! for MA-L, MA-M, MA-S: u32 LE count, `count` LEB128 prefix differences, `count` LEB128 name indices
//! ```
//!
//! Why this shape: 46,000 assignments share 29,000 names (one maker holds hundreds of
//! prefixes), so names are stored once and referred to by index, the most used with one byte;
//! sorted prefixes become differences of a byte or two; DEFLATE then packs names, differences
//! and indices, each stream apart, to about 350 KB, a third less than the CSV deflated. It is
//! inflated (by miniz_oxide, already in the tree through flate2) only when a vendor is needed.

use super::registry::Registry;

pub static DATA: &[u8] = include_bytes!("../../data/vendors.bin");

/// Inflated, the database is under 1 MiB; a limit well above bounds a damaged build.
const MAX_INFLATED: usize = 16 * 1024 * 1024;

/// The registry, or why it cannot be read (a damaged build).
pub fn load() -> Result<Registry, String> {
    let packed = DATA.get(8..).ok_or("truncated")?;
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(packed, MAX_INFLATED)
        .map_err(|e| format!("cannot inflate: {e:?}"))?;
    decode(&raw)
}

/// When the built-in data was published (seconds since 1970), read without inflating.
pub fn date() -> u64 {
    let mut d = [0u8; 8];
    if let Some(head) = DATA.get(..8) {
        d.copy_from_slice(head);
    }
    u64::from_le_bytes(d)
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or("truncated")?;
        let out = &self.data[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn leb128(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("number too long".into())
    }
}

fn decode(raw: &[u8]) -> Result<Registry, String> {
    let mut r = Reader { data: raw, at: 0 };
    if r.take(7)? != b"PKOUI1\n" {
        return Err("not a vendor database".into());
    }
    let count = r.u32()? as usize;
    let mut reg = Registry::default();
    for _ in 0..count {
        let rest = &r.data[r.at..];
        let end = memchr::memchr(b'\n', rest).ok_or("truncated name")?;
        reg.names.push(String::from_utf8_lossy(&rest[..end]).into_owned());
        r.at += end + 1;
    }
    for t in 0..3 {
        let n = r.u32()? as usize;
        // Each entry takes at least two bytes: a count beyond the data is damage.
        if n > raw.len() {
            return Err("impossible entry count".into());
        }
        let mut prefix = 0u64;
        let mut prefixes = Vec::with_capacity(n);
        for _ in 0..n {
            prefix = prefix.checked_add(r.leb128()?).ok_or("prefix overflow")?;
            prefixes.push(prefix);
        }
        for p in prefixes {
            let name = r.leb128()?;
            if name >= reg.names.len() as u64 {
                return Err("name index out of range".into());
            }
            reg.tables[t].push((p, name as u32));
        }
    }
    Ok(reg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::Mac;

    #[test]
    fn the_built_in_database_is_whole_and_within_budget() {
        // issue 20: the full registries, at most 400 KB in the binary.
        assert!(DATA.len() <= 400 * 1024, "{} bytes", DATA.len());
        let reg = load().unwrap();
        assert!(date() > 1_600_000_000);
        assert!(reg.tables[0].len() > 30_000, "MA-L: {}", reg.tables[0].len());
        assert!(reg.tables[1].len() > 4_000, "MA-M: {}", reg.tables[1].len());
        assert!(reg.tables[2].len() > 4_000, "MA-S: {}", reg.tables[2].len());
        let mac = |s: &str| s.parse::<Mac>().unwrap();
        assert_eq!(reg.lookup(mac("00:1b:21:00:00:01")), Some("Intel Corporate"));
        assert_eq!(
            reg.lookup(mac("b8:27:eb:00:00:01")),
            Some("Raspberry Pi Foundation")
        );
        // A 36-bit assignment inside the IEEE's own 70:b3:d5 block.
        assert_eq!(reg.lookup(mac("70:b3:d5:f2:f0:01")), Some("TELEPLATFORMS"));
        assert!(reg.lookup(mac("70:b3:d5:ff:ff:ff")).is_some());
    }

    #[test]
    fn damage_is_refused_not_panicked_on() {
        let raw = miniz_oxide::inflate::decompress_to_vec(&DATA[8..]).unwrap();
        for cut in [0, 5, 20, 1000, raw.len() / 2, raw.len() - 1] {
            assert!(decode(&raw[..cut]).is_err(), "{cut}");
        }
        let mut bad = raw.clone();
        bad[7..11].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&bad).is_err());
    }
}
