//! Atomic file writes: a temporary file in the destination's directory, flushed, renamed into
//! place, then the directory flushed. A reader sees the old file or the new one, never half of
//! one; on any error, or a crash before the rename, nothing is left behind but the original.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A file being written. Write to [`AtomicFile::file`], then [`AtomicFile::commit`]; dropping it
/// uncommitted removes the temporary file.
pub struct AtomicFile {
    temp: NamedTempFile,
    dest: PathBuf,
}

impl AtomicFile {
    /// Starts writing `dest`. The temporary file is created in the same directory (a rename
    /// is only atomic within one filesystem) with a hidden name and mode 0600 until committed.
    pub fn create(dest: impl AsRef<Path>) -> io::Result<AtomicFile> {
        let dest = dest.as_ref().to_path_buf();
        let dir = parent_dir(&dest);
        let temp = tempfile::Builder::new()
            .prefix(".privkit-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(AtomicFile { temp, dest })
    }

    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// The destination this file will replace.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Sets the mode the file will have once in place.
    pub fn set_mode(&mut self, mode: u32) -> io::Result<()> {
        self.temp.as_file().set_permissions(Permissions::from_mode(mode))
    }

    /// Flushes the data, renames the file over the destination and flushes the directory entry.
    pub fn commit(self) -> io::Result<()> {
        self.temp.as_file().sync_all()?;
        let dest = self.dest;
        self.temp.persist(&dest).map_err(|e| e.error)?;
        sync_dir(parent_dir(&dest))
    }
}

/// Writes `contents` to `dest` atomically with the given mode.
pub fn write(dest: impl AsRef<Path>, contents: &[u8], mode: u32) -> io::Result<()> {
    let mut file = AtomicFile::create(dest)?;
    file.file().write_all(contents)?;
    file.set_mode(mode)?;
    file.commit()
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// fsync on a directory makes a rename in it durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn write_replaces_and_sets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        fs::write(&dest, "old").unwrap();
        write(&dest, b"new\n", 0o444).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"new\n");
        assert_eq!(fs::metadata(&dest).unwrap().mode() & 0o7777, 0o444);
        assert_eq!(entries(dir.path()), ["f"]);
    }

    #[test]
    fn dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        {
            let mut f = AtomicFile::create(&dest).unwrap();
            f.file().write_all(b"partial").unwrap();
        }
        assert!(entries(dir.path()).is_empty());
    }
}
