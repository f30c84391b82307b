//! Opening input files that may be hostile: a FIFO where a photo was expected blocks `open(2)`
//! forever, a device can be endless. Every applet opens the files it reads through here, so
//! that only regular files are read (standard input, `-`, stays the one way to read a stream).

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use rustix::fs::OFlags;

/// Opens `path` for reading if it is a regular file. The open itself cannot block (it is done
/// with `O_NONBLOCK`, which a FIFO without a writer would otherwise wait on; the flag is cleared
/// again for the reads) and the type is checked on the opened descriptor, so a file swapped for
/// a FIFO between a check and the open is still refused. Anything else is an error of kind
/// `InvalidInput` whose text names what was found ("is a FIFO, not a regular file").
pub fn open_regular(path: impl AsRef<Path>) -> io::Result<File> {
    open_regular_with_metadata(path).map(|(file, _)| file)
}

/// [`open_regular`], with the metadata of the file opened (read once, for the type check:
/// a caller that needs the size or the mode does not ask the kernel again).
pub fn open_regular_with_metadata(path: impl AsRef<Path>) -> io::Result<(File, Metadata)> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags((OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32)
        .open(path)?;
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("is {}, not a regular file", describe(&kind)),
        ));
    }
    // F_SETFL sets only the status flags (O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME, O_ASYNC),
    // of which the open asked for O_NONBLOCK alone: no flags at all is the file without it.
    rustix::fs::fcntl_setfl(&file, OFlags::empty())?;
    Ok((file, meta))
}

/// Reads a whole regular file of at most `max_bytes` bytes (see [`open_regular`]). A larger
/// file is refused with kind `InvalidData`, before anything is read when its size says so, and
/// while reading when it grows.
pub fn read_regular(path: impl AsRef<Path>, max_bytes: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let len = file.metadata()?.len();
    if len > max_bytes {
        return Err(too_large(max_bytes));
    }
    let mut data = Vec::with_capacity(len as usize);
    file.take(max_bytes + 1).read_to_end(&mut data)?;
    if data.len() as u64 > max_bytes {
        return Err(too_large(max_bytes));
    }
    Ok(data)
}

fn too_large(max_bytes: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("larger than {max_bytes} bytes"),
    )
}

/// "a FIFO", "a directory", ...: what a path turned out to be, for messages.
pub fn describe(kind: &std::fs::FileType) -> &'static str {
    if kind.is_file() {
        "a regular file"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"data").unwrap();
        assert_eq!(read_regular(&path, 4).unwrap(), b"data");
        let err = read_regular(&path, 3).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(err.to_string(), "larger than 3 bytes");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jpg");
        rustix::fs::mkfifoat(rustix::fs::CWD, &path, rustix::fs::Mode::from_raw_mode(0o600)).unwrap();
        let start = Instant::now();
        let err = open_regular(&path).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(err.to_string(), "is a FIFO, not a regular file");
    }

    #[test]
    fn devices_and_directories_are_refused() {
        let err = read_regular("/dev/zero", 1 << 20).unwrap_err();
        assert_eq!(err.to_string(), "is a character device, not a regular file");
        let err = open_regular("/").unwrap_err();
        assert_eq!(err.to_string(), "is a directory, not a regular file");
    }

    #[test]
    fn the_opened_file_blocks_normally() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"x").unwrap();
        let file = open_regular(&path).unwrap();
        let flags = rustix::fs::fcntl_getfl(&file).unwrap();
        assert!(!flags.contains(OFlags::NONBLOCK));
        assert!(!flags.contains(OFlags::APPEND));
        let (_, meta) = open_regular_with_metadata(&path).unwrap();
        assert_eq!(meta.len(), 1);
    }
}
