//! Reading a small input file without ever blocking on it: opened non-blocking, anything but a
//! regular file (a FIFO, a device, a socket, a directory) refused before a byte is read, the
//! size bounded. (The same contract as privkit_core::input::read_regular, which replaces this
//! once it is in core.)

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use privkit_core::{Code, Error};

pub fn read_regular(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let f = File::options()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOCTTY)
        .open(path)?;
    let kind = f.metadata()?.file_type();
    if !kind.is_file() {
        let what = if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_dir() {
            "a directory"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else {
            "not a file"
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("is {what}, not a regular file"),
        ));
    }
    // Reads of a regular file never block; O_NONBLOCK has no effect on them.
    let mut bytes = Vec::new();
    f.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {max} bytes"),
        ));
    }
    Ok(bytes)
}

/// The error for an input that could not be read: 66 missing or not a regular file, 65 too
/// large, 77 refused, 74 otherwise.
pub fn error(path: &Path, err: &io::Error) -> Error {
    match err.kind() {
        io::ErrorKind::InvalidInput => {
            Error::new(Code::NoInput, privkit_core::error::io_message(err)).about(path)
        }
        io::ErrorKind::InvalidData => Error::data(privkit_core::error::io_message(err)).about(path),
        _ => Error::reading(path, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifos_are_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let e = read_regular(&fifo, 10).unwrap_err();
        assert_eq!(e.to_string(), "is a FIFO, not a regular file");
        assert_eq!(error(&fifo, &e).code(), Code::NoInput);
        let big = dir.path().join("big");
        std::fs::write(&big, [0u8; 11]).unwrap();
        assert_eq!(
            read_regular(&big, 10).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        assert_eq!(
            read_regular(dir.path(), 10).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
    }
}
