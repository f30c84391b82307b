//! Look-ups in the offline Have I Been Pwned file (`SHA1HEX:COUNT` lines, tens of GB).
//!
//! The file "ordered by hash" is binary-searched with positioned reads, never read whole. The
//! other official download is "ordered by prevalence": a binary search there finds nothing and
//! would silently report no breach. So every line the search reads is checked against the lines
//! it already bounded the search with (any inversion means the file is not sorted), and a few
//! evenly spaced lines are checked when the file is opened. An unsorted file is read once from
//! start to end instead, each line compared with the set of the database's hashes.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use privkit_core::{Code, Error};
use sha1::{Digest, Sha1};

/// Below this many bytes the search reads the window and scans it.
const WINDOW: u64 = 8192;
/// The longest line accepted (40 hex digits, a colon, a count, CR LF).
const MAX_LINE: usize = 128;
/// Lines sampled at open to tell the two orders apart before any search.
const SAMPLES: u64 = 32;

pub struct Hibp {
    file: File,
    path: PathBuf,
    len: u64,
}

/// The file is not sorted by hash (seen while searching it).
struct Unsorted;

type Hash = [u8; 40];

impl Hibp {
    pub fn open(path: &Path) -> Result<Hibp, Error> {
        let file = crate::input::open_regular(path).map_err(|e| crate::input::error(path, &e))?;
        let len = file.metadata().map_err(|e| Error::reading(path, &e))?.len();
        let h = Hibp {
            file,
            path: path.to_path_buf(),
            len,
        };
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

    /// How often each password appears in the breaches, if it does, in order.
    pub fn counts(&self, passwords: &[&str]) -> std::io::Result<Vec<Option<u64>>> {
        let hashes: Vec<Hash> = passwords.iter().map(|p| sha1_hex(p)).collect();
        if self.sorted_by_samples()? {
            let mut out = Vec::with_capacity(hashes.len());
            let mut sorted = true;
            for h in &hashes {
                match self.find(h)? {
                    Ok(found) => out.push(found),
                    Err(Unsorted) => {
                        sorted = false;
                        break;
                    }
                }
            }
            if sorted {
                return Ok(out);
            }
        }
        self.scan(&hashes)
    }

    /// Lines at evenly spaced offsets rise.
    fn sorted_by_samples(&self) -> std::io::Result<bool> {
        let mut last: Option<Vec<u8>> = None;
        for i in 1..SAMPLES {
            let at = self.len / SAMPLES * i;
            let buf = self.read_at(at, MAX_LINE * 2)?;
            let Some(nl) = memchr(b'\n', &buf) else {
                continue;
            };
            let Some((hash, _)) = parse_line(&buf[nl + 1..]) else {
                continue;
            };
            if last.as_deref().is_some_and(|l| l > hash) {
                return Ok(false);
            }
            last = Some(hash.to_vec());
        }
        Ok(true)
    }

    fn find(&self, target: &Hash) -> std::io::Result<Result<Option<u64>, Unsorted>> {
        // Invariant: `lo` is the start of a line; every line starting before `lo` sorts
        // below the target, and every line starting at or after `hi` above it. `below` and
        // `above` are the hashes seen at those bounds: any line read between them must sort
        // between them, or the file is not sorted.
        let (mut lo, mut hi) = (0u64, self.len);
        let (mut below, mut above): (Option<Vec<u8>>, Option<Vec<u8>>) = (None, None);
        while hi - lo > WINDOW {
            let mid = lo + (hi - lo) / 2;
            let buf = self.read_at(mid, MAX_LINE * 2)?;
            let Some(nl) = memchr(b'\n', &buf) else {
                return Err(invalid("line too long"));
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
                    parse_line(&reread).ok_or_else(|| invalid("malformed line"))?
                }
            };
            if below.as_deref().is_some_and(|b| b > hash) || above.as_deref().is_some_and(|a| a < hash) {
                return Ok(Err(Unsorted));
            }
            match hash.cmp(&target[..]) {
                std::cmp::Ordering::Less => {
                    lo = start;
                    below = Some(hash.to_vec());
                }
                std::cmp::Ordering::Greater => {
                    hi = start;
                    above = Some(hash.to_vec());
                }
                std::cmp::Ordering::Equal => return Ok(Ok(Some(count))),
            }
        }
        let window = self.read_at(lo, (hi - lo) as usize + MAX_LINE)?;
        let mut previous: Option<&[u8]> = None;
        for line in window.split(|&b| b == b'\n') {
            if let Some((hash, count)) = parse_line(line) {
                if previous.is_some_and(|p| p > hash) {
                    return Ok(Err(Unsorted));
                }
                previous = Some(hash);
                if hash == &target[..] {
                    return Ok(Ok(Some(count)));
                }
            }
        }
        Ok(Ok(None))
    }

    /// One sequential pass over the whole file (for a file not sorted by hash), with a
    /// progress line on a terminal: the full download is ~40 GB.
    fn scan(&self, hashes: &[Hash]) -> std::io::Result<Vec<Option<u64>>> {
        let mut wanted: HashMap<&[u8], Option<u64>> = hashes.iter().map(|h| (&h[..], None)).collect();
        const MIB: u64 = 1 << 20;
        let mut progress = privkit_core::progress::Progress::new(
            self.len.div_ceil(MIB) as usize,
            // Only for files that take more than a moment to read.
            64,
        );
        let label = format!(
            "{}: not sorted by hash, reading it whole (MiB)",
            self.path.display()
        );
        let mut reader = BufReader::with_capacity(1 << 20, &self.file);
        let (mut line, mut done, mut shown) = (Vec::with_capacity(MAX_LINE), 0u64, 0u64);
        loop {
            line.clear();
            let n = reader
                .by_ref()
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            done += n as u64;
            if line.len() > MAX_LINE {
                return Err(invalid("line too long"));
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let (hash, count) = parse_line(&line).ok_or_else(|| invalid("malformed line"))?;
            if let Some(slot) = wanted.get_mut(hash) {
                *slot = Some(count);
            }
            if done / MIB > shown {
                shown = done / MIB;
                progress.set(shown as usize, &label);
            }
        }
        progress.clear();
        Ok(hashes.iter().map(|h| wanted[&h[..]]).collect())
    }

    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let n = self.len.saturating_sub(offset).min(len as u64) as usize;
        let mut buf = vec![0; n];
        self.file.read_exact_at(&mut buf, offset)?;
        Ok(buf)
    }
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

fn sha1_hex(password: &str) -> Hash {
    let digest = Sha1::digest(password.as_bytes());
    let mut target = [0u8; 40];
    for (i, b) in digest.iter().enumerate() {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        target[2 * i] = HEX[(b >> 4) as usize];
        target[2 * i + 1] = HEX[(b & 15) as usize];
    }
    target
}

fn memchr(b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == b)
}

/// `SHA1HEX:COUNT` (upper-case hex, CR LF or LF) -> (hash, count).
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

    fn file_of(lines: &[(String, String)]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        for (i, (h, _)) in lines.iter().enumerate() {
            write!(f, "{h}:{}\r\n", i + 1).unwrap();
        }
        f.flush().unwrap();
        f
    }

    fn hashes(n: usize) -> Vec<(String, String)> {
        (0..n)
            .map(|i| {
                let pw = format!("password{i}");
                (String::from_utf8(sha1_hex(&pw).to_vec()).unwrap(), pw)
            })
            .collect()
    }

    #[test]
    fn finds_every_hash_and_no_other_in_either_order() {
        let mut sorted = hashes(5000);
        sorted.sort();
        // "Ordered by prevalence": any order but the hashes'.
        let unsorted = hashes(5000);
        for lines in [sorted, unsorted] {
            let f = file_of(&lines);
            let db = Hibp::open(f.path()).unwrap();
            let mut pws: Vec<&str> = lines.iter().map(|(_, p)| p.as_str()).collect();
            pws.extend(["not in the list", ""]);
            let counts = db.counts(&pws).unwrap();
            for (i, c) in counts[..lines.len()].iter().enumerate() {
                assert_eq!(*c, Some(i as u64 + 1), "{}", pws[i]);
            }
            assert_eq!(counts[lines.len()..], [None, None]);
        }
    }

    /// An inversion the samples at open do not see is still seen by the search itself.
    #[test]
    fn an_inversion_met_while_searching_means_unsorted() {
        let mut lines = hashes(5000);
        lines.sort();
        // Swap two neighbours far from the sampled offsets: only a search passing there sees it.
        lines.swap(2600, 2601);
        let f = file_of(&lines);
        let db = Hibp::open(f.path()).unwrap();
        assert!(db.sorted_by_samples().unwrap());
        let pws: Vec<&str> = lines.iter().map(|(_, p)| p.as_str()).collect();
        let counts = db.counts(&pws).unwrap();
        assert!(counts.iter().enumerate().all(|(i, c)| *c == Some(i as u64 + 1)));
    }

    #[test]
    fn refuses_other_files() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "hello world").unwrap();
        assert!(Hibp::open(f.path()).is_err());
        assert!(Hibp::open(Path::new("/dev/zero")).is_err());
    }
}
