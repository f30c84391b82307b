//! Resolving a path inside a root one component at a time, for kernels without `openat2`
//! (before Linux 5.6, or behind a seccomp filter that does not know it). It does what
//! `RESOLVE_IN_ROOT` does: `..` never goes above the root, a symlink's target is followed from
//! the root when absolute and from its directory when relative, and every component is opened
//! with `O_NOFOLLOW` relative to the descriptor of the one before, so a directory swapped for
//! a link meanwhile makes the open fail instead of leading out.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStringExt;

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

/// As many links as the kernel follows in one lookup.
const MAX_LINKS: usize = 40;

/// Opens `path` (relative to `root`, as the system inside sees it) with `flags`.
pub fn open(root: &OwnedFd, path: &str, flags: OFlags) -> io::Result<OwnedFd> {
    let mut dirs: Vec<OwnedFd> = vec![root.try_clone()?];
    let mut pending: VecDeque<OsString> = components(path.as_bytes());
    let mut links = 0;
    while let Some(name) = pending.pop_front() {
        if name == ".." {
            if dirs.len() > 1 {
                dirs.pop();
            }
            continue;
        }
        let dir = dirs.last().ok_or(Errno::NOENT)?;
        let st = rfs::statat(dir, name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW)?;
        if FileType::from_raw_mode(st.st_mode) == FileType::Symlink {
            links += 1;
            if links > MAX_LINKS {
                return Err(Errno::LOOP.into());
            }
            let target = rfs::readlinkat(dir, name.as_os_str(), Vec::new())?.into_bytes();
            if target.first() == Some(&b'/') {
                dirs.truncate(1);
            }
            let mut rest = components(&target);
            rest.extend(pending);
            pending = rest;
            continue;
        }
        if pending.is_empty() {
            return Ok(rfs::openat(
                dir,
                name.as_os_str(),
                flags | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )?);
        }
        let next = rfs::openat(
            dir,
            name.as_os_str(),
            OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        dirs.push(next);
    }
    // The path named a directory reached through `..`, a link, or the root itself.
    let dir = dirs.last().ok_or(Errno::NOENT)?;
    Ok(rfs::openat(dir, ".", flags | OFlags::CLOEXEC, Mode::empty())?)
}

fn components(path: &[u8]) -> VecDeque<OsString> {
    path.split(|&b| b == b'/')
        .filter(|c| !c.is_empty() && *c != b".")
        .map(|c| OsString::from_vec(c.to_vec()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fs::ResolveFlags;
    use std::io::Read;
    use std::os::unix::fs::symlink;

    fn read(fd: io::Result<OwnedFd>) -> Result<String, io::ErrorKind> {
        let mut s = String::new();
        std::fs::File::from(fd.map_err(|e| e.kind())?)
            .read_to_string(&mut s)
            .map_err(|e| e.kind())?;
        Ok(s)
    }

    /// The walk finds what openat2(RESOLVE_IN_ROOT) finds, on a tree of hostile links.
    #[test]
    fn agrees_with_openat2() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("machine-id"), "outside").unwrap();
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("real/etc")).unwrap();
        std::fs::create_dir_all(r.join("var/lib")).unwrap();
        std::fs::write(r.join("real/etc/machine-id"), "inside").unwrap();
        symlink("/real/etc", r.join("etc")).unwrap();
        symlink("../../../../../../real/etc", r.join("var/lib/up")).unwrap();
        symlink(outside.path(), r.join("var/lib/out")).unwrap();
        symlink(outside.path().join("machine-id"), r.join("var/lib/file-out")).unwrap();
        symlink("loop", r.join("loop")).unwrap();
        symlink("/etc/machine-id", r.join("var/lib/id")).unwrap();
        let fd = rfs::open(r, OFlags::DIRECTORY | OFlags::RDONLY, Mode::empty()).unwrap();
        let paths = [
            "etc/machine-id",
            "var/lib/up/machine-id",
            "var/lib/out/machine-id",
            "var/lib/file-out",
            "var/lib/id",
            "../../etc/machine-id",
            "etc/../etc/./machine-id",
            "loop",
            "missing/x",
            "etc/machine-id/x",
        ];
        for p in paths {
            let theirs = rfs::openat2(&fd, p, OFlags::RDONLY, Mode::empty(), ResolveFlags::IN_ROOT)
                .map_err(io::Error::from);
            let ours = open(&fd, p, OFlags::RDONLY);
            let (theirs, ours) = (read(theirs), read(ours));
            assert_eq!(ours, theirs, "{p}");
            assert_ne!(ours.as_deref(), Ok("outside"), "{p}");
        }
        assert_eq!(
            read(open(&fd, "etc/machine-id", OFlags::RDONLY)).as_deref(),
            Ok("inside")
        );
    }
}
