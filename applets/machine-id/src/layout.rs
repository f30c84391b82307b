//! Where the files are, under a root directory (`/`, or an image given with --root), and how
//! they are reached without ever leaving that root.
//!
//! Every path is resolved by the kernel relative to an open descriptor of the root with
//! `openat2(RESOLVE_IN_ROOT)`: `..` stops at the root and an absolute symlink (`ROOT/etc ->
//! /outside`, or the `/etc/machine-id` links an offline image mounted at /mnt/image holds) is
//! taken as the root's own `/`, exactly as `chroot ROOT` would see it, never the host's.

use std::ffi::OsStr;
use std::io::{self, Read};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use privkit_core::{Code, Error};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, ResolveFlags};

use crate::beneath;
use crate::messages;

/// A machine-id file is 33 bytes; anything much larger is not one and is not read whole.
pub const MAX_ID_FILE: u64 = 4096;

#[derive(Debug)]
pub struct Layout {
    /// The root as given (for messages).
    pub root: PathBuf,
    /// The root, open: every path below is resolved from it.
    dir: OwnedFd,
}

/// What stands at the D-Bus machine-id path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbusCopy {
    Missing,
    /// A symlink, with its target as written.
    Symlink(PathBuf),
    RegularFile,
    /// A directory or other non-regular file: never touched.
    Other,
}

/// A small file read whole, with its permission bits.
#[derive(Debug)]
pub struct SmallFile {
    pub content: Vec<u8>,
    pub mode: u32,
}

impl Layout {
    /// The root given with --root (which must be an existing directory), or `/`.
    pub fn new(root: Option<&Path>) -> Result<Layout, Error> {
        let root = root.unwrap_or(Path::new("/"));
        let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
        match rfs::open(root, flags, Mode::empty()) {
            Ok(dir) => Ok(Layout {
                root: root.to_path_buf(),
                dir,
            }),
            Err(e) if e == rustix::io::Errno::NOTDIR => {
                Err(Error::new(Code::NoInput, "--root is not a directory").about(root))
            }
            Err(e) => Err(Error::reading(root, &e.into()).context("--root")),
        }
    }

    pub fn is_system_root(&self) -> bool {
        self.root == Path::new("/")
    }

    /// How a path inside the root is shown in messages: the host's path to it.
    pub fn shown(&self, inside: &str) -> PathBuf {
        self.root.join(inside.trim_start_matches('/'))
    }

    pub const MACHINE_ID: &'static str = "/etc/machine-id";
    pub const DBUS_DIR: &'static str = "/var/lib/dbus";
    pub const DBUS_MACHINE_ID: &'static str = "/var/lib/dbus/machine-id";

    pub fn machine_id(&self) -> PathBuf {
        self.shown(Self::MACHINE_ID)
    }

    pub fn dbus_machine_id(&self) -> PathBuf {
        self.shown(Self::DBUS_MACHINE_ID)
    }

    /// The root directory itself, open.
    pub fn root_fd(&self) -> &OwnedFd {
        &self.dir
    }

    /// Opens `inside` (as the system inside the root sees it) without leaving the root.
    fn open(&self, inside: &str, flags: OFlags) -> io::Result<OwnedFd> {
        let rel = inside.trim_start_matches('/');
        let rel = if rel.is_empty() { "." } else { rel };
        let how = ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS;
        for _ in 0..8 {
            match rfs::openat2(&self.dir, rel, flags | OFlags::CLOEXEC, Mode::empty(), how) {
                // The kernel asks for a retry when a rename raced with the lookup.
                Err(e) if e == rustix::io::Errno::AGAIN => continue,
                // openat2 is Linux 5.6+: on an older kernel (or under a seccomp filter that
                // does not know it) the same resolution is done one component at a time.
                Err(e) if e == rustix::io::Errno::NOSYS || e == rustix::io::Errno::PERM => break,
                other => return other.map_err(io::Error::from),
            }
        }
        beneath::open(&self.dir, rel, flags)
    }

    /// Opens a directory inside the root.
    pub fn open_dir(&self, inside: &str) -> io::Result<OwnedFd> {
        self.open(inside, OFlags::DIRECTORY | OFlags::RDONLY)
    }

    /// Reads a regular file inside the root, at most `max` bytes of it. A FIFO, device or
    /// socket is refused before any read (opened non-blocking, so a FIFO without a writer cannot
    /// hang the run) with an `InvalidInput` error that says what it is; a larger file is
    /// refused with `InvalidData`.
    pub fn read_regular(&self, inside: &str, max: u64) -> io::Result<SmallFile> {
        let fd = self.open(inside, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY)?;
        let st = rfs::fstat(&fd)?;
        let kind = FileType::from_raw_mode(st.st_mode);
        if kind != FileType::RegularFile {
            return Err(not_regular(kind));
        }
        rfs::fcntl_setfl(&fd, OFlags::empty())?;
        let mut content = Vec::new();
        std::fs::File::from(fd).take(max + 1).read_to_end(&mut content)?;
        if content.len() as u64 > max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("larger than {max} bytes"),
            ));
        }
        Ok(SmallFile {
            content,
            mode: st.st_mode & 0o7777,
        })
    }

    /// What stands at ROOT/var/lib/dbus/machine-id (the last component not followed).
    pub fn dbus_copy(&self) -> Result<DbusCopy, Error> {
        let path = self.dbus_machine_id();
        let dir = match self.open_dir(Self::DBUS_DIR) {
            Ok(dir) => dir,
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                return Ok(DbusCopy::Missing)
            }
            Err(e) => return Err(messages::reading(&path, &e)),
        };
        match rfs::statat(&dir, "machine-id", AtFlags::SYMLINK_NOFOLLOW) {
            Err(e) if e == rustix::io::Errno::NOENT => Ok(DbusCopy::Missing),
            Err(e) => Err(messages::reading(&path, &e.into())),
            Ok(st) => Ok(match FileType::from_raw_mode(st.st_mode) {
                FileType::Symlink => {
                    let target = rfs::readlinkat(&dir, "machine-id", Vec::new())
                        .map_err(|e| messages::reading(&path, &e.into()))?;
                    DbusCopy::Symlink(PathBuf::from(OsStr::from_bytes(target.as_bytes())))
                }
                FileType::RegularFile => DbusCopy::RegularFile,
                _ => DbusCopy::Other,
            }),
        }
    }

    /// Takes the lock that serialises rotations of this root: an exclusive `flock` on its
    /// /etc, held until the returned descriptor is dropped (`shared` for readers).
    pub fn lock_etc(&self, shared: bool) -> Result<OwnedFd, Error> {
        let etc = self
            .open_dir("/etc")
            .map_err(|e| messages::reading(self.shown("/etc"), &e))?;
        let op = if shared {
            rfs::FlockOperation::LockShared
        } else {
            rfs::FlockOperation::LockExclusive
        };
        rfs::flock(etc.as_fd(), op)
            .map_err(|e| messages::reading(self.shown("/etc"), &e.into()).context("cannot lock"))?;
        Ok(etc)
    }
}

/// The error for a non-regular file where a regular one was expected.
pub fn not_regular(kind: FileType) -> io::Error {
    let what = match kind {
        FileType::Fifo => "a FIFO",
        FileType::Directory => "a directory",
        FileType::Socket => "a socket",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Symlink => "a symlink",
        _ => "not a file",
    };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("is {what}, not a regular file"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn scratch() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn absolute_links_are_taken_inside_the_root() {
        let outside = scratch();
        std::fs::write(outside.path().join("machine-id"), "outside\n").unwrap();
        let root = scratch();
        std::fs::create_dir_all(root.path().join("real-etc")).unwrap();
        std::fs::write(root.path().join("real-etc/machine-id"), "inside\n").unwrap();
        // An absolute link, as an image mounted elsewhere holds it: it means ROOT/real-etc.
        symlink("/real-etc", root.path().join("etc")).unwrap();
        let l = Layout::new(Some(root.path())).unwrap();
        assert_eq!(
            l.read_regular("/etc/machine-id", 100).unwrap().content,
            b"inside\n"
        );
        // `..` stops at the root.
        symlink("../../../../real-etc/machine-id", root.path().join("up")).unwrap();
        assert_eq!(l.read_regular("/up", 100).unwrap().content, b"inside\n");
        // A link to the outside directory's own path is taken inside the root: not found.
        std::fs::remove_file(root.path().join("etc")).unwrap();
        symlink(outside.path(), root.path().join("etc")).unwrap();
        let e = l.read_regular("/etc/machine-id", 100).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn special_files_and_large_files_are_refused() {
        let root = scratch();
        std::fs::write(root.path().join("big"), vec![b'x'; 200]).unwrap();
        let l = Layout::new(Some(root.path())).unwrap();
        let e = l.read_regular("/big", 100).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        let e = l.read_regular("/", 100).unwrap_err();
        assert!(e.to_string().contains("directory"), "{e}");
        rustix::fs::mkfifoat(rustix::fs::CWD, root.path().join("fifo"), Mode::from(0o600)).unwrap();
        let e = l.read_regular("/fifo", 100).unwrap_err();
        assert_eq!(e.to_string(), "is a FIFO, not a regular file");
    }
}
