//! Look-ups in the offline Have I Been Pwned file (`SHA1HEX:COUNT` lines sorted by hash, tens of
//! GB): a binary search with positioned reads, never reading the file whole.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use privkit_core::{Code, Error};
use sha1::{Digest, Sha1};

/// Below this many bytes the search reads the window and scans it.
const WINDOW: u64 = 8192;
/// The longest line accepted (40 hex digits, a colon, a count, CR LF).
const MAX_LINE: usize = 128;

pub struct Hibp {
    file: File,
    len: u64,
}

impl Hibp {
    pub fn open(path: &Path) -> Result<Hibp, Error> {
        let file = File::open(path).map_err(|e| Error::reading(path, &e))?;
        let len = file.metadata().map_err(|e| Error::reading(path, &e))?.len();
        let h = Hibp { file, len };
        // A sanity check of the first line, so a wrong file is refused rather than searched.
        let first = h.read_at(0, MAX_LINE).map_err(|e| Error::reading(path, &e))?;
        if len > 0 && parse_line(&first).is_none() {
            return Err(Error::new(
                Code::DataErr,
                "not a Have I Been Pwned SHA-1 file (lines of SHA1HEX:COUNT)",
            )
            .about(path));
        }
        Ok(h)
    }

    /// How often the password appears in the breaches, if it does.
    pub fn count(&self, password: &str) -> std::io::Result<Option<u64>> {
        let digest = Sha1::digest(password.as_bytes());
        let mut target = [0u8; 40];
        for (i, b) in digest.iter().enumerate() {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            target[2 * i] = HEX[(b >> 4) as usize];
            target[2 * i + 1] = HEX[(b & 15) as usize];
        }
        self.find(&target)
    }

    fn find(&self, target: &[u8; 40]) -> std::io::Result<Option<u64>> {
        // Invariant: `lo` is the start of a line; every line starting before `lo` sorts
        // below the target, and every line starting at or after `hi` above it.
        let (mut lo, mut hi) = (0u64, self.len);
        while hi - lo > WINDOW {
            let mid = lo + (hi - lo) / 2;
            let buf = self.read_at(mid, MAX_LINE * 2)?;
            let Some(nl) = memchr(b'\n', &buf) else {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "line too long",
                ));
            };
            let start = mid + nl as u64 + 1;
            if start >= hi {
                hi = mid;
                continue;
            }
            // The line may run past what was read: then it is read alone.
            let reread;
            let (hash, count) = match parse_line(&buf[nl + 1..]) {
                Some(parsed) => parsed,
                None => {
                    reread = self.read_at(start, MAX_LINE)?;
                    parse_line(&reread).ok_or_else(|| {
                        std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed line")
                    })?
                }
            };
            match hash.cmp(&target[..]) {
                std::cmp::Ordering::Less => lo = start,
                std::cmp::Ordering::Greater => hi = start,
                std::cmp::Ordering::Equal => return Ok(Some(count)),
            }
        }
        let window = self.read_at(lo, (hi - lo) as usize + MAX_LINE)?;
        for line in window.split(|&b| b == b'\n') {
            if let Some((hash, count)) = parse_line(line) {
                if hash == &target[..] {
                    return Ok(Some(count));
                }
            }
        }
        Ok(None)
    }

    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let n = self.len.saturating_sub(offset).min(len as u64) as usize;
        let mut buf = vec![0; n];
        self.file.read_exact_at(&mut buf, offset)?;
        Ok(buf)
    }
}

fn memchr(b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == b)
}

/// `SHA1HEX:COUNT` (hex in either case, CR LF or LF) -> (uppercase hash, count).
fn parse_line(line: &[u8]) -> Option<(&[u8], u64)> {
    let end = memchr(b'\n', line).unwrap_or(line.len());
    let line = line[..end].strip_suffix(b"\r").unwrap_or(&line[..end]);
    let (hash, count) = (line.get(..40)?, line.get(40..)?);
    if !hash
        .iter()
        .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b))
        || count.first() != Some(&b':')
    {
        return None;
    }
    let count = std::str::from_utf8(&count[1..]).ok()?.parse().ok()?;
    Some((hash, count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn finds_every_hash_and_no_other() {
        let mut hashes: Vec<(String, String)> = (0..5000)
            .map(|i| {
                let pw = format!("password{i}");
                let d = Sha1::digest(pw.as_bytes());
                (d.iter().map(|b| format!("{b:02X}")).collect(), pw)
            })
            .collect();
        hashes.sort();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        for (i, (h, _)) in hashes.iter().enumerate() {
            write!(f, "{h}:{}\r\n", i + 1).unwrap();
        }
        f.flush().unwrap();
        let db = Hibp::open(f.path()).unwrap();
        for (i, (_, pw)) in hashes.iter().enumerate() {
            assert_eq!(db.count(pw).unwrap(), Some(i as u64 + 1), "{pw}");
        }
        assert_eq!(db.count("not in the list").unwrap(), None);
        assert_eq!(db.count("").unwrap(), None);
    }

    #[test]
    fn refuses_other_files() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "hello world").unwrap();
        assert!(Hibp::open(f.path()).is_err());
    }
}
