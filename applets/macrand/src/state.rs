//! What --restore puts back: for each interface, the address it had before privkit first
//! changed it since boot and the address privkit last set, one small file per interface under
//! /run (a tmpfs, empty at every boot); and the per-interface lock that keeps two runs from
//! interleaving their set-and-read-back.
//!
//! The record is keyed by name, and names are reused (a USB adapter or veth recreated, another
//! namespace): when the interface holds neither the address privkit set nor the original, the
//! record belongs to an earlier device and is stale.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use crate::mac::Mac;

pub const DEFAULT_DIR: &str = "/run/privkit/macrand";

/// A record is two short lines; anything larger is not one.
const MAX_RECORD: u64 = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// The address before privkit's first change.
    pub original: Mac,
    /// The address privkit last set (unknown in records written before it was kept).
    pub set: Option<Mac>,
}

impl Record {
    /// True when `current` is neither what privkit set nor the original: another device, or
    /// something else changed the address since.
    pub fn is_stale(&self, current: Mac) -> bool {
        current != self.original && self.set.is_some_and(|set| set != current)
    }

    fn text(&self) -> String {
        match self.set {
            Some(set) => format!("original {}\nset {set}\n", self.original),
            None => format!("original {}\n", self.original),
        }
    }

    fn parse(text: &str) -> Option<Record> {
        let mut original = None;
        let mut set = None;
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("original", mac)) => original = Some(mac.parse().ok()?),
                Some(("set", mac)) => set = Some(mac.parse().ok()?),
                // The first format: the original address alone.
                None => original = Some(line.parse().ok()?),
                _ => return None,
            }
        }
        Some(Record {
            original: original?,
            set,
        })
    }
}

fn file(dir: &Path, iface: &str) -> PathBuf {
    dir.join(iface)
}

/// The record for `iface`, if there is a readable, well-formed one (a FIFO or other special
/// file planted there is not read).
pub fn read(dir: &Path, iface: &str) -> Option<Record> {
    let f = File::options()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOFOLLOW)
        .open(file(dir, iface))
        .ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    f.take(MAX_RECORD).read_to_string(&mut text).ok()?;
    Record::parse(&text)
}

/// Writes the record for `iface`, atomically.
pub fn write(dir: &Path, iface: &str, record: &Record) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    privkit_core::atomic::write(file(dir, iface), record.text().as_bytes(), 0o644)
}

pub fn remove(dir: &Path, iface: &str) -> io::Result<()> {
    match std::fs::remove_file(file(dir, iface)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

pub fn lock_path(dir: &Path, iface: &str) -> PathBuf {
    dir.join(format!("{iface}:lock"))
}

/// Takes the exclusive lock on `iface` (held until the file is dropped). The lock file's name
/// holds a `:`, which no interface name can (the kernel refuses it), so it never collides with
/// a record.
pub fn lock(dir: &Path, iface: &str) -> io::Result<Flock<File>> {
    std::fs::create_dir_all(dir)?;
    let f = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(lock_path(dir, iface))?;
    Flock::lock(f, FlockArg::LockExclusive).map_err(|(_, e)| io::Error::from(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_the_first_format_is_read() {
        let a: Mac = "52:54:00:12:34:56".parse().unwrap();
        let b: Mac = "02:00:00:00:00:01".parse().unwrap();
        let r = Record {
            original: a,
            set: Some(b),
        };
        assert_eq!(Record::parse(&r.text()), Some(r));
        assert_eq!(
            Record::parse("52:54:00:12:34:56\n"),
            Some(Record {
                original: a,
                set: None
            })
        );
        assert_eq!(Record::parse("junk\n"), None);
        assert!(!r.is_stale(a));
        assert!(!r.is_stale(b));
        assert!(r.is_stale("02:00:00:00:00:02".parse().unwrap()));
    }
}
