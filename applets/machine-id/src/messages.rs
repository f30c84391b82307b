//! What people read when a file cannot be read: the path, the reason in plain words, and what
//! to do when a privilege is missing; never Rust's "(os error N)". (Files that cannot be
//! written are core's `Error::writing`: `cannot write PATH: permission denied (run as root)`.)

use std::io;
use std::path::Path;

use privkit_core::{Code, Error};

/// The reason in plain lowercase words: `permission denied (run as root)`,
/// `read-only file system`, `is a FIFO, not a regular file`.
pub fn reason(err: &io::Error) -> String {
    let text = privkit_core::error::io_message(err);
    let mut chars = text.chars();
    let mut plain = match (chars.next(), chars.next()) {
        // "Permission denied" → "permission denied"; an acronym ("FIFO ...") stays as it is.
        (Some(first), Some(second)) if first.is_ascii_uppercase() && !second.is_ascii_uppercase() => {
            first.to_ascii_lowercase().to_string() + &text[1..]
        }
        _ => text,
    };
    if err.kind() == io::ErrorKind::PermissionDenied && !rustix::process::geteuid().is_root() {
        plain.push_str(" (run as root)");
    }
    plain
}

/// An input that cannot be read: 66 when missing or not a regular file, 77 when refused, 65
/// when it is too large to be what it should be, 74 otherwise.
pub fn reading(path: impl AsRef<Path>, err: &io::Error) -> Error {
    let code = match err.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::IsADirectory => Code::NoInput,
        io::ErrorKind::InvalidInput => Code::NoInput,
        io::ErrorKind::InvalidData => Code::DataErr,
        io::ErrorKind::PermissionDenied => Code::NoPerm,
        _ => Code::IoErr,
    };
    Error::new(code, reason(err)).about(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_plainly() {
        let rofs = io::Error::from_raw_os_error(30);
        assert_eq!(reason(&rofs), "read-only file system");
        let fifo = io::Error::new(io::ErrorKind::InvalidInput, "is a FIFO, not a regular file");
        assert_eq!(reason(&fifo), "is a FIFO, not a regular file");
        assert_eq!(reading("/x", &fifo).code(), Code::NoInput);
        let acces = io::Error::from_raw_os_error(13);
        assert!(reason(&acces).starts_with("permission denied"));
        assert!(!reason(&acces).contains("os error"));
    }
}
