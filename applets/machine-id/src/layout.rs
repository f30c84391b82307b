//! Where the files are, under a root directory (`/`, or an image given with --root).

use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use privkit_core::{Code, Error};

/// A machine-id file is 33 bytes; anything much larger is not one and is not read whole.
const MAX_ID_FILE: u64 = 4096;

#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
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

impl Layout {
    /// The root given with --root (which must be an existing directory), or `/`.
    pub fn new(root: Option<&Path>) -> Result<Layout, Error> {
        let Some(root) = root else {
            return Ok(Layout {
                root: PathBuf::from("/"),
            });
        };
        match fs::metadata(root) {
            Ok(m) if m.is_dir() => Ok(Layout {
                root: root.to_path_buf(),
            }),
            Ok(_) => Err(Error::new(Code::NoInput, "--root is not a directory").about(root)),
            Err(e) => Err(Error::reading(root, &e).context("--root")),
        }
    }

    pub fn is_system_root(&self) -> bool {
        self.root == Path::new("/")
    }

    /// A path inside the root, from an absolute path as the system inside sees it.
    pub fn path(&self, inside: &str) -> PathBuf {
        self.root.join(inside.trim_start_matches('/'))
    }

    pub fn machine_id(&self) -> PathBuf {
        self.path("/etc/machine-id")
    }

    pub fn dbus_machine_id(&self) -> PathBuf {
        self.path("/var/lib/dbus/machine-id")
    }

    pub fn dbus_copy(&self) -> Result<DbusCopy, Error> {
        let path = self.dbus_machine_id();
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(DbusCopy::Missing),
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => Ok(DbusCopy::Missing),
            Err(e) => Err(Error::reading(&path, &e)),
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&path).map_err(|e| Error::reading(&path, &e))?;
                Ok(DbusCopy::Symlink(target))
            }
            Ok(m) if m.is_file() => Ok(DbusCopy::RegularFile),
            Ok(_) => Ok(DbusCopy::Other),
        }
    }

    /// Where a symlink found at `link` (inside the root) points, resolved lexically inside the
    /// root: an absolute target means the root's own `/`, never the host's.
    pub fn resolve_link_target(&self, link: &Path, target: &Path) -> PathBuf {
        let mut parts: Vec<Component> = Vec::new();
        let base: Vec<Component> = if target.is_absolute() {
            Vec::new()
        } else {
            let rel = link.strip_prefix(&self.root).unwrap_or(link);
            rel.parent().map(|p| p.components().collect()).unwrap_or_default()
        };
        for c in base.into_iter().chain(target.components()) {
            match c {
                Component::Normal(_) => parts.push(c),
                Component::ParentDir => {
                    parts.pop();
                }
                Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            }
        }
        let mut out = self.root.clone();
        out.extend(parts);
        out
    }
}

/// Reads a small file (a machine id), refusing to read more than a few KiB of it.
pub fn read_small(path: &Path) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    fs::File::open(path)?.take(MAX_ID_FILE).read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_stay_inside_the_root() {
        let l = Layout {
            root: PathBuf::from("/img"),
        };
        let link = l.dbus_machine_id();
        assert_eq!(
            l.resolve_link_target(&link, Path::new("/etc/machine-id")),
            PathBuf::from("/img/etc/machine-id")
        );
        assert_eq!(
            l.resolve_link_target(&link, Path::new("../../../etc/machine-id")),
            PathBuf::from("/img/etc/machine-id")
        );
        assert_eq!(
            l.resolve_link_target(&link, Path::new("../../../../../../etc/passwd")),
            PathBuf::from("/img/etc/passwd")
        );
    }
}
