//! Replacing a file inside an open directory, atomically: a temporary file created in that
//! very directory (never through a link: `O_CREAT | O_EXCL | O_NOFOLLOW`), written, given its
//! mode, flushed, then renamed over the destination, and the directory flushed. Working from
//! the directory's descriptor means a path swapped for a symlink meanwhile cannot redirect the
//! write; a link standing at the destination is replaced, never written through.

use std::ffi::CString;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::PathBuf;

use privkit_core::Error;
use rustix::fs::{self as rfs, AtFlags, Mode, OFlags};

/// A temporary file written and flushed, waiting to be renamed into place. Dropped without
/// [`Pending::commit`], it is removed.
pub struct Pending {
    dir: OwnedFd,
    temp: CString,
    name: CString,
    /// The destination as shown in messages.
    shown: PathBuf,
    done: bool,
}

impl Pending {
    /// Writes `content` with `mode` to a temporary file beside `name` in `dir`.
    pub fn write(
        dir: OwnedFd,
        name: &str,
        shown: PathBuf,
        content: &[u8],
        mode: u32,
    ) -> Result<Pending, Error> {
        let fail = |e: std::io::Error| Error::writing(&shown, &e);
        let name = CString::new(name).map_err(|_| Error::usage("file name with a NUL byte"))?;
        let mut suffix = [0u8; 8];
        privkit_core::random::fill(&mut suffix)?;
        let temp = format!(".privkit-{:016x}.tmp", u64::from_le_bytes(suffix));
        let temp = CString::new(temp).map_err(|_| Error::usage("file name with a NUL byte"))?;
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rfs::openat(&dir, temp.as_c_str(), flags, Mode::from(0o600)).map_err(|e| fail(e.into()))?;
        let pending = Pending {
            dir,
            temp,
            name,
            shown: shown.clone(),
            done: false,
        };
        let mut file = std::fs::File::from(fd);
        file.write_all(content).map_err(fail)?;
        rfs::fchmod(&file, Mode::from(mode)).map_err(|e| fail(e.into()))?;
        file.sync_all().map_err(fail)?;
        Ok(pending)
    }

    /// Renames the file into place and flushes the directory entry.
    pub fn commit(mut self) -> Result<(), Error> {
        rfs::renameat(&self.dir, self.temp.as_c_str(), &self.dir, self.name.as_c_str())
            .map_err(|e| Error::writing(&self.shown, &e.into()))?;
        self.done = true;
        rfs::fsync(&self.dir).map_err(|e| Error::writing(&self.shown, &e.into()))
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.done {
            let _ = rfs::unlinkat(&self.dir, self.temp.as_c_str(), AtFlags::empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, MetadataExt};

    fn open_dir(p: &std::path::Path) -> OwnedFd {
        rfs::open(p, OFlags::DIRECTORY | OFlags::RDONLY, Mode::empty()).unwrap()
    }

    #[test]
    fn replaces_a_link_instead_of_writing_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("t"), "keep").unwrap();
        symlink(outside.path().join("t"), dir.path().join("f")).unwrap();
        let p = Pending::write(open_dir(dir.path()), "f", dir.path().join("f"), b"new\n", 0o444).unwrap();
        p.commit().unwrap();
        assert_eq!(std::fs::read(outside.path().join("t")).unwrap(), b"keep");
        assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), b"new\n");
        assert_eq!(
            std::fs::metadata(dir.path().join("f")).unwrap().mode() & 0o7777,
            0o444
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropped_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        drop(Pending::write(open_dir(dir.path()), "f", dir.path().join("f"), b"x", 0o444).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
