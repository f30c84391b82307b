//! Emptying users' ~/.cache directories, safely.
//!
//! Everything is done relative to open directory descriptors: each path component is opened
//! with O_NOFOLLOW, entries are examined with lstat-like `statat(.., SYMLINK_NOFOLLOW)` and
//! removed with `unlinkat`, so a symlink planted anywhere in a cache (or in the path to it) is
//! removed as a link, never followed, and a directory swapped for a symlink between the check
//! and the open is refused. Directories on another filesystem (a mount point inside a cache)
//! are left alone, as `rm --one-file-system` does.

use std::ffi::{CStr, CString, OsStr};
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};

use rustix::fs::{self as rfs, AtFlags, Dir, FileType, Mode, OFlags};
use serde::Serialize;

use crate::messages;
use crate::passwd::User;

/// Deeper nesting than this is not followed (each level holds one open descriptor).
const MAX_DEPTH: usize = 256;

/// What was (or, with a dry run, would be) removed from one cache directory.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Wiped {
    pub user: String,
    /// The cache directory as the system inside the root sees it.
    pub path: String,
    pub files: u64,
    pub dirs: u64,
    pub bytes: u64,
    /// Entries that could not be removed, with the reason.
    pub failed: Vec<String>,
    /// Mount points and over-deep directories left in place.
    pub skipped: Vec<String>,
}

/// Why a user's cache was not looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotWiped {
    /// No home or no .cache: nothing to do.
    Absent,
    /// The way to it goes through a symlink or leaves the root: refused.
    Unsafe(String),
    /// The home directory itself (or a directory above it) is a symlink, as /bin is for the
    /// `bin` account on a merged-/usr system: refused like `Unsafe`, but expected there.
    LinkedHome(String),
}

/// Empties `user`'s ~/.cache under `root`, keeping the directory itself.
pub fn wipe(root: &OwnedFd, user: &User, dry_run: bool) -> Result<Wiped, NotWiped> {
    let cache_inside = format!("{}/.cache", user.home.trim_end_matches('/'));
    let cache = open_beneath(root, &cache_inside)?;
    let top = rfs::fstat(&cache).map_err(|e| NotWiped::Unsafe(e.to_string()))?;
    let mut wiped = Wiped {
        user: user.name.clone(),
        path: cache_inside,
        ..Wiped::default()
    };
    let mut walk = Walk {
        dev: top.st_dev,
        dry_run,
        wiped: &mut wiped,
    };
    walk.empty(&cache, Path::new(""), 0);
    Ok(wiped)
}

/// Opens `inside` (an absolute path as seen inside the root) below the root directory, one
/// component at a time, refusing symlinks and `..`.
fn open_beneath(root: &OwnedFd, inside: &str) -> Result<OwnedFd, NotWiped> {
    let dir_flags = OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::RDONLY;
    let mut fd = root
        .try_clone()
        .map_err(|e| NotWiped::Unsafe(format!("cannot open the root: {}", messages::reason(&e))))?;
    let components: Vec<Component> = Path::new(inside).components().collect();
    let last = components.len().saturating_sub(1);
    for (i, c) in components.into_iter().enumerate() {
        let name = match c {
            Component::RootDir | Component::CurDir => continue,
            Component::Normal(n) => n,
            Component::ParentDir | Component::Prefix(_) => {
                return Err(NotWiped::Unsafe(format!(
                    "{inside}: the path leaves the home directory"
                )))
            }
        };
        fd = match rfs::openat(&fd, name, dir_flags, Mode::empty()) {
            Ok(next) => next,
            Err(e) if e == rustix::io::Errno::NOENT => return Err(NotWiped::Absent),
            Err(e) if e == rustix::io::Errno::LOOP || e == rustix::io::Errno::NOTDIR => {
                let why = format!(
                    "{inside}: {} is a symlink or not a directory; not followed",
                    name.to_string_lossy()
                );
                return Err(if i < last {
                    NotWiped::LinkedHome(why)
                } else {
                    NotWiped::Unsafe(why)
                });
            }
            Err(e) => {
                return Err(NotWiped::Unsafe(format!(
                    "{inside}: {}",
                    messages::reason(&e.into())
                )))
            }
        };
    }
    Ok(fd)
}

struct Walk<'a> {
    dev: u64,
    dry_run: bool,
    wiped: &'a mut Wiped,
}

impl Walk<'_> {
    /// Removes everything inside the open directory `dir` (shown as `shown` in reports).
    fn empty(&mut self, dir: &OwnedFd, shown: &Path, depth: usize) {
        let names = match read_names(dir) {
            Ok(names) => names,
            Err(e) => {
                self.fail(shown, e);
                return;
            }
        };
        for name in names {
            let child_shown = shown.join(OsStr::from_bytes(name.as_bytes()));
            let st = match rfs::statat(dir, name.as_c_str(), AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => st,
                Err(e) if e == rustix::io::Errno::NOENT => continue,
                Err(e) => {
                    self.fail(&child_shown, e);
                    continue;
                }
            };
            if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
                self.remove_dir(dir, &name, &child_shown, &st, depth);
            } else {
                self.remove_file(dir, &name, &child_shown, st.st_size as u64);
            }
        }
    }

    fn remove_dir(&mut self, parent: &OwnedFd, name: &CStr, shown: &Path, st: &rfs::Stat, depth: usize) {
        if st.st_dev != self.dev {
            self.wiped.skipped.push(format!(
                "{}: another filesystem is mounted there",
                shown.display()
            ));
            return;
        }
        if depth >= MAX_DEPTH {
            self.wiped.skipped.push(format!(
                "{}: nested more than {MAX_DEPTH} levels deep",
                shown.display()
            ));
            return;
        }
        let flags = OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::RDONLY;
        let child = match rfs::openat(parent, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(e) => return self.fail(shown, e),
        };
        // The entry could have been replaced between statat and openat: only descend into the
        // very directory that was examined.
        match rfs::fstat(&child) {
            Ok(now) if now.st_dev == st.st_dev && now.st_ino == st.st_ino => {}
            Ok(_) => return self.fail(shown, rustix::io::Errno::STALE),
            Err(e) => return self.fail(shown, e),
        }
        let failed_before = self.wiped.failed.len() + self.wiped.skipped.len();
        self.empty(&child, shown, depth + 1);
        drop(child);
        if self.wiped.failed.len() + self.wiped.skipped.len() > failed_before {
            return; // something inside stayed, so the directory cannot go
        }
        if !self.dry_run {
            if let Err(e) = rfs::unlinkat(parent, name, AtFlags::REMOVEDIR) {
                return self.fail(shown, e);
            }
        }
        self.wiped.dirs += 1;
    }

    fn remove_file(&mut self, parent: &OwnedFd, name: &CStr, shown: &Path, size: u64) {
        if !self.dry_run {
            match rfs::unlinkat(parent, name, AtFlags::empty()) {
                Ok(()) => {}
                Err(e) if e == rustix::io::Errno::NOENT => return,
                Err(e) => return self.fail(shown, e),
            }
        }
        self.wiped.files += 1;
        self.wiped.bytes += size;
    }

    fn fail(&mut self, shown: &Path, err: rustix::io::Errno) {
        let err = io::Error::from(err);
        self.wiped
            .failed
            .push(format!("{}: {}", shown.display(), messages::reason(&err)));
    }
}

fn read_names(dir: &OwnedFd) -> Result<Vec<CString>, rustix::io::Errno> {
    let mut names = Vec::new();
    for entry in Dir::read_from(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_bytes() == b"." || name.to_bytes() == b".." {
            continue;
        }
        names.push(name.to_owned());
    }
    Ok(names)
}
