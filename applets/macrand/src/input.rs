//! What a person reads when an input file (--oui-file, ieee-data, /etc/machine-id) cannot be
//! used. Files are read with privkit_core::input::read_regular, which refuses FIFOs, devices and
//! directories without blocking (kind `InvalidInput`) and oversized files (`InvalidData`).

use std::io;
use std::path::Path;

pub use privkit_core::input::read_regular;
use privkit_core::{Code, Error};

/// 66 missing or not a regular file, 65 too large, 77 refused, 74 otherwise.
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
            error(&big, &read_regular(&big, 10).unwrap_err()).code(),
            Code::DataErr
        );
    }
}
