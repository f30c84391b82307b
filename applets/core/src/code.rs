//! Exit codes. Errors follow sysexits.h so that scripts can tell "found something" (1, 2, 4)
//! from "failed" (64 and up).

use serde::Serialize;

/// Every exit status privkit can end with. The numeric value is the process exit code, and a
/// larger value is always the more severe one: with several inputs the worst one wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[repr(u8)]
pub enum Code {
    /// Done, nothing to report.
    Ok = 0,
    /// Done, with findings (metadata present with --check, a failed check, reused passwords).
    Findings = 1,
    /// Done, something was blocked.
    Blocked = 2,
    /// Nothing was found to act on.
    NothingFound = 4,
    /// The command line is wrong.
    Usage = 64,
    /// Input data is corrupt or of an unsupported format.
    DataErr = 65,
    /// An input file is missing or unreadable.
    NoInput = 66,
    /// A service or device is unavailable.
    Unavailable = 69,
    /// An internal error (a bug in privkit: a panic caught while handling one input).
    Software = 70,
    /// An output file cannot be created.
    CantCreate = 73,
    /// An input/output error.
    IoErr = 74,
    /// Permission denied, wrong password or key.
    NoPerm = 77,
}

impl Code {
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// True for the codes that mean the command failed (as opposed to ran and reported).
    pub fn is_error(self) -> bool {
        self >= Code::Usage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_follows_the_numeric_value() {
        assert!(Code::NoPerm > Code::DataErr);
        assert!(Code::DataErr > Code::NothingFound);
        assert!(Code::Blocked > Code::Findings);
        assert_eq!(Code::Usage.as_u8(), 64);
        assert!(Code::Usage.is_error());
        assert!(!Code::NothingFound.is_error());
    }
}
