//! Opening inputs that must be regular files: the database, the key file and the HIBP file.
//!
//! A FIFO would block forever and a device (`/dev/zero`) never ends, so anything that is not a
//! regular file is refused before it is read. The file is opened with O_NONBLOCK (opening a
//! FIFO without a writer would otherwise wait) and checked with fstat on the open descriptor, so
//! no swap between a check and the open can slip a FIFO in; on a regular file O_NONBLOCK has no
//! effect. (privkit-core gains `input::open_regular`/`read_regular` with the same contract; this
//! module goes once that is on main.)

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Opens `path` for reading if it is a regular file; anything else is an error of kind
/// InvalidInput naming what it is.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let kind = file.metadata()?.file_type();
    let what = if kind.is_file() {
        return Ok(file);
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_dir() {
        "a directory"
    } else {
        "a special file"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("is {what}, not a regular file"),
    ))
}

/// The whole of a regular file of at most `max_bytes` bytes (InvalidData if larger).
pub fn read_regular(path: &Path, max_bytes: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let mut data = Vec::new();
    // Checked on what is read, not on the size stat reports: a file can grow while read.
    file.take(max_bytes + 1).read_to_end(&mut data)?;
    if data.len() as u64 > max_bytes {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {max_bytes} bytes"),
        ));
    }
    Ok(data)
}

/// An error opening or reading an input, as a privkit error: a special file or an oversized
/// one is not usable input (65), the rest as core maps them (66 missing, 77 refused, 74).
pub fn error(path: &Path, e: &io::Error) -> privkit_core::Error {
    match e.kind() {
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
            privkit_core::Error::new(privkit_core::Code::DataErr, privkit_core::error::io_message(e))
                .about(path)
        }
        _ => privkit_core::Error::reading(path, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let e = open_regular(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("character device"), "{e}");
        let e = open_regular(Path::new("/")).unwrap_err();
        assert!(e.to_string().contains("directory"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, [0u8; 100]).unwrap();
        assert_eq!(read_regular(&big, 100).unwrap().len(), 100);
        let e = read_regular(&big, 99).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }
}
