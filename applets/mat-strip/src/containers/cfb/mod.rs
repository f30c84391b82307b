//! Compound File Binary (OLE2 structured storage: `oleObject1.bin` in a .docx, ODF's `Object N`
//! in OLE form, .doc/.xls/.ppt): read whole into its storages and streams, and written back as a
//! fresh compound file from a list of them. The `cfb` crate checks the sector chains (loops,
//! bounds, the directory tree); the limits on how many entries and how many bytes are ours. No
//! policy here: which streams stay is the format's business.

use std::io::{Cursor, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use privkit_core::Error;

/// More directory entries than any real embedding or office file holds (a large .xls with
/// pivot caches has a few hundred).
pub const MAX_ENTRIES: usize = 4096;
/// 100-ns intervals from 1601-01-01 (the FILETIME epoch) to 1970-01-01.
const FILETIME_UNIX: u64 = 116_444_736_000_000_000;

/// A storage or a stream, with the path of names from the root (`["ObjectPool", "_1"]`).
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: Vec<String>,
    pub storage: bool,
    /// The class of a storage (which program opens it); zero for streams.
    pub clsid: [u8; 16],
    pub state_bits: u32,
    /// Creation and modification times as Unix seconds, when set (storages only).
    pub times: Vec<(&'static str, i64)>,
    /// A stream's bytes (empty for storages).
    pub data: Vec<u8>,
}

impl Entry {
    /// The last name of the path (`\u{5}SummaryInformation`).
    pub fn name(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }

    /// The path for messages and findings (`ObjectPool/_1/\u{1}Ole`; the report escapes its
    /// control characters).
    pub fn label(&self) -> String {
        self.path.join("/")
    }
}

/// A compound file read whole: the root's class and times, then every entry below it, parents
/// before children.
#[derive(Debug, Clone)]
pub struct Compound {
    /// 512-byte sectors (version 3) or 4096 (version 4): written back the same.
    pub v4: bool,
    pub root: Entry,
    pub entries: Vec<Entry>,
    /// A time set on a stream entry (Unix seconds), which the format forbids and some writers
    /// (gsf) set all the same: the crate reads such times as zero, so only the first is known,
    /// from its strict check.
    pub stream_time: Option<i64>,
}

/// Reads every storage and stream of `data`. A damaged file (bad header, a chain that loops or
/// leaves the file, a stream longer than its chain) is an error saying what is wrong.
pub fn read(data: &[u8]) -> Result<Compound, Error> {
    let damaged = |e: &dyn std::fmt::Display| Error::data(format!("damaged OLE2 compound file: {e}"));
    // The crate reports damage as errors; a panic on some input it did not foresee becomes one
    // too, so one hostile embedding cannot take the whole batch down.
    catch_unwind(AssertUnwindSafe(|| read_inner(data)))
        .map_err(|_| damaged(&"unreadable structure"))?
        .map_err(|e| damaged(&e))
}

fn read_inner(data: &[u8]) -> std::io::Result<Compound> {
    let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
    let file = cfb::CompoundFile::open(Cursor::new(data))?;
    let v4 = file.version() == cfb::Version::V4;
    let listed: Vec<cfb::Entry> = file.walk().take(MAX_ENTRIES + 1).collect();
    if listed.len() > MAX_ENTRIES {
        return Err(invalid(format!("more than {MAX_ENTRIES} entries")));
    }
    let mut file = file;
    // Every stream's bytes come from sectors of the file: more than the file holds (with room
    // for the mini stream's sharing) means chains that overlap.
    let mut budget = (data.len() as u64).saturating_mul(2);
    let mut root = None;
    let mut entries = Vec::with_capacity(listed.len());
    for e in listed {
        let path: Vec<String> = e
            .path()
            .iter()
            .filter_map(|c| c.to_str())
            .filter(|c| *c != "/")
            .map(str::to_string)
            .collect();
        let times = [("created", e.created()), ("modified", e.modified())]
            .into_iter()
            .filter_map(|(what, t)| unix_seconds(t).map(|s| (what, s)))
            .collect();
        let mut entry = Entry {
            path,
            storage: !e.is_stream(),
            clsid: *e.clsid().as_bytes(),
            state_bits: e.state_bits(),
            times,
            data: Vec::new(),
        };
        if e.is_root() {
            root = Some(entry);
            continue;
        }
        if e.is_stream() {
            if e.len() > budget {
                return Err(invalid(format!(
                    "stream {} claims {} bytes, more than the file holds",
                    entry.label(),
                    e.len()
                )));
            }
            budget -= e.len();
            let mut stream = file.open_stream(e.path())?;
            stream.read_to_end(&mut entry.data)?;
            if entry.data.len() as u64 != e.len() {
                return Err(invalid(format!("stream {} is cut short", entry.label())));
            }
        }
        entries.push(entry);
    }
    let root = root.ok_or_else(|| invalid("no root entry".to_string()))?;
    Ok(Compound {
        v4,
        root,
        entries,
        stream_time: stream_time(data),
    })
}

/// The first time set on a stream entry, from the strict reader's complaint about it (`non-zero
/// stream creation time: N`, N in 100-ns units since 1601).
fn stream_time(data: &[u8]) -> Option<i64> {
    let err = cfb::CompoundFile::open_strict(Cursor::new(data))
        .err()?
        .to_string();
    let (_, n) = err.split_once("non-zero stream ")?.1.split_once(" time: ")?;
    let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
    let n: u64 = digits.parse().ok()?;
    Some((n / 10_000_000) as i64 - (FILETIME_UNIX / 10_000_000) as i64)
}

/// A directory entry's time as Unix seconds; None when unset (zero, the 1601 epoch).
fn unix_seconds(t: SystemTime) -> Option<i64> {
    let secs = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).ok()?,
        Err(e) => -i64::try_from(e.duration().as_secs()).ok()?,
    };
    // 1601-01-01 is the zero FILETIME: "not set".
    (secs != -((FILETIME_UNIX / 10_000_000) as i64)).then_some(secs)
}

/// Writes `c` as a new compound file: the same sector size, classes and state bits, every time
/// unset (zero), entries in the order given.
pub fn write(c: &Compound) -> Result<Vec<u8>, Error> {
    let failed = |e: std::io::Error| Error::data(format!("writing the OLE2 compound file: {e}"));
    let version = if c.v4 { cfb::Version::V4 } else { cfb::Version::V3 };
    let mut out = cfb::CompoundFile::create_with_version(version, Cursor::new(Vec::new())).map_err(failed)?;
    // The crate stamps storages with the current time; the zero FILETIME means "not set".
    let unset = UNIX_EPOCH - Duration::from_secs(FILETIME_UNIX / 10_000_000);
    let root_path = std::path::PathBuf::from("/");
    out.set_storage_clsid(&root_path, uuid::Uuid::from_bytes(c.root.clsid))
        .map_err(failed)?;
    out.set_state_bits(&root_path, c.root.state_bits)
        .map_err(failed)?;
    let mut storages = vec![root_path];
    for e in &c.entries {
        let mut path = std::path::PathBuf::from("/");
        path.extend(&e.path);
        if e.storage {
            out.create_storage(&path).map_err(failed)?;
            out.set_storage_clsid(&path, uuid::Uuid::from_bytes(e.clsid))
                .map_err(failed)?;
            storages.push(path.clone());
        } else {
            let mut stream = out.create_new_stream(&path).map_err(failed)?;
            stream.write_all(&e.data).map_err(failed)?;
        }
        out.set_state_bits(&path, e.state_bits).map_err(failed)?;
    }
    for path in &storages {
        out.set_created_time(path, unset).map_err(failed)?;
        out.set_modified_time(path, unset).map_err(failed)?;
    }
    out.flush().map_err(failed)?;
    Ok(out.into_inner().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Compound {
        let stream = |path: &[&str], data: &[u8]| Entry {
            path: path.iter().map(|s| s.to_string()).collect(),
            storage: false,
            clsid: [0; 16],
            state_bits: 0,
            times: Vec::new(),
            data: data.to_vec(),
        };
        let mut storage = stream(&["ObjectPool"], b"");
        storage.storage = true;
        storage.clsid = [7; 16];
        Compound {
            v4: false,
            root: Entry {
                clsid: [1; 16],
                ..stream(&[], b"")
            },
            stream_time: None,
            entries: vec![
                stream(&["\u{1}CompObj"], b"class"),
                storage,
                stream(&["ObjectPool", "Contents"], &[9; 5000]),
            ],
        }
    }

    #[test]
    fn written_files_read_back_the_same_with_no_times() {
        let bytes = write(&sample()).unwrap();
        assert_eq!(bytes.len() % 512, 0);
        let back = read(&bytes).unwrap();
        assert!(!back.v4);
        assert_eq!(back.root.clsid, [1; 16]);
        assert!(back.root.times.is_empty());
        let names: Vec<String> = back.entries.iter().map(Entry::label).collect();
        assert!(names.contains(&"\u{1}CompObj".to_string()));
        let contents = back.entries.iter().find(|e| e.name() == "Contents").unwrap();
        assert_eq!(contents.data, vec![9; 5000]);
        let pool = back.entries.iter().find(|e| e.name() == "ObjectPool").unwrap();
        assert!(pool.storage && pool.times.is_empty() && pool.clsid == [7; 16]);
        // The same input always gives the same bytes.
        assert_eq!(write(&back).unwrap(), bytes);
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let bytes = write(&sample()).unwrap();
        for cut in [0, 8, 100, 512, 1024] {
            assert!(read(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for at in (0..bytes.len()).step_by(61) {
            let mut bad = bytes.clone();
            bad[at] ^= 0xff;
            let _ = read(&bad);
        }
    }
}
