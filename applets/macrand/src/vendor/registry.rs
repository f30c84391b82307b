//! The IEEE registries as one table: prefixes of 24 (MA-L), 28 (MA-M) and 36 bits (MA-S, IAB),
//! each sorted, pointing into one list of names. A look-up tries the longest prefix first, as
//! a block of an MA-L assignment ("IEEE Registration Authority") is sold on in MA-M and MA-S
//! pieces.

use crate::mac::Mac;

/// The widths, in hex digits, of the three tables: MA-L, MA-M, MA-S.
pub const DIGITS: [u32; 3] = [6, 7, 9];

#[derive(Debug, Default)]
pub struct Registry {
    pub names: Vec<String>,
    /// Per width: (prefix, index into `names`), sorted by prefix.
    pub tables: [Vec<(u64, u32)>; 3],
}

impl Registry {
    /// The name of the most specific assignment holding `mac`.
    pub fn lookup(&self, mac: Mac) -> Option<&str> {
        let mut whole = [0u8; 8];
        whole[2..].copy_from_slice(&mac.0);
        let value = u64::from_be_bytes(whole);
        for t in (0..3).rev() {
            let prefix = value >> (48 - 4 * DIGITS[t]);
            if let Ok(at) = self.tables[t].binary_search_by_key(&prefix, |e| e.0) {
                return self.names.get(self.tables[t][at].1 as usize).map(String::as_str);
            }
        }
        None
    }

    /// Every assignment: the prefix as `xx:xx:xx` (or `xx:xx:xx:x`, `xx:xx:xx:xx:x`) and the
    /// name, MA-L first.
    pub fn entries(&self) -> impl Iterator<Item = (String, &str)> {
        (0..3).flat_map(move |t| {
            self.tables[t].iter().map(move |&(prefix, name)| {
                let hex = format!("{prefix:0width$x}", width = DIGITS[t] as usize);
                let grouped: Vec<&str> = hex
                    .as_bytes()
                    .chunks(2)
                    .map(|c| std::str::from_utf8(c).unwrap_or("?"))
                    .collect();
                (
                    grouped.join(":"),
                    self.names.get(name as usize).map(String::as_str).unwrap_or(""),
                )
            })
        })
    }

    /// The 24-bit prefixes a random vendor can be drawn from: real vendors' unicast,
    /// globally administered assignments (not the IEEE's own blocks sold on in pieces, not
    /// "Private").
    pub fn drawable(&self) -> Vec<u32> {
        self.tables[0]
            .iter()
            .filter(|&&(prefix, name)| {
                let name = self.names.get(name as usize).map(String::as_str).unwrap_or("");
                (prefix >> 16) & 0x03 == 0 && name != "IEEE Registration Authority" && name != "Private"
            })
            .map(|&(prefix, _)| prefix as u32)
            .collect()
    }

    /// Sorts the tables and drops repeated prefixes (the first name wins).
    pub fn finish(&mut self) {
        for t in &mut self.tables {
            t.sort_by_key(|e| e.0);
            t.dedup_by_key(|e| e.0);
        }
    }
}
