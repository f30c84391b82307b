//! The inputs that must be regular files (the database, the key file, the password file and the
//! HIBP file) are opened through privkit-core's `input`, which refuses FIFOs and devices without
//! blocking; this maps its refusals to kdbx-audit's exit codes.

use std::io;
use std::path::Path;

pub use privkit_core::input::{open_regular, read_regular};

/// An error opening or reading an input, as a privkit error: a special file or an oversized one
/// is not usable input (65), the rest as core maps them (66 missing, 77 refused, 74).
pub fn error(path: &Path, e: &io::Error) -> privkit_core::Error {
    match e.kind() {
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
            privkit_core::Error::new(privkit_core::Code::DataErr, privkit_core::error::io_message(e))
                .about(path)
        }
        _ => privkit_core::Error::reading(path, e),
    }
}
