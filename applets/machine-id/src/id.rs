//! The machine id itself: 128 random bits written as 32 lowercase hex digits and a newline,
//! with the version-4/variant-1 bits set as `systemd-id128 new` produces.

use std::fmt;

use privkit_core::{random, Error};
use serde::{Serialize, Serializer};

/// A well-formed machine id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MachineId(u128);

/// Why a machine-id file's content is not an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Empty,
    /// systemd's placeholder until the first boot completes.
    Uninitialized,
    Malformed,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Invalid::Empty => "empty",
            Invalid::Uninitialized => "'uninitialized' (no id until the first boot completes)",
            Invalid::Malformed => "not 32 lowercase hexadecimal digits and a newline",
        })
    }
}

impl MachineId {
    /// A fresh random id from the operating system's random source, with the version-4 and
    /// variant bits set as `systemd-id128 new` sets them.
    pub fn generate() -> Result<MachineId, Error> {
        let mut b = [0u8; 16];
        random::fill(&mut b)?;
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        Ok(MachineId(u128::from_be_bytes(b)))
    }

    /// Parses a machine-id file's content. Exactly what systemd writes is accepted: 32
    /// lowercase hex digits followed by one newline (a missing final newline is tolerated,
    /// as systemd tolerates it).
    pub fn parse(content: &[u8]) -> Result<MachineId, Invalid> {
        let body = content.strip_suffix(b"\n").unwrap_or(content);
        if body.is_empty() {
            return Err(Invalid::Empty);
        }
        if body == b"uninitialized" {
            return Err(Invalid::Uninitialized);
        }
        if body.len() != 32
            || !body
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        {
            return Err(Invalid::Malformed);
        }
        let text = std::str::from_utf8(body).map_err(|_| Invalid::Malformed)?;
        u128::from_str_radix(text, 16)
            .map(MachineId)
            .map_err(|_| Invalid::Malformed)
    }

    pub fn is_null(self) -> bool {
        self.0 == 0
    }

    /// True when the version nibble is 4 and the variant is RFC 4122's (10xx).
    pub fn is_v4(self) -> bool {
        let bytes = self.0.to_be_bytes();
        bytes[6] >> 4 == 4 && bytes[8] >> 6 == 0b10
    }

    /// The file content: the id and a newline.
    pub fn file_content(self) -> String {
        format!("{self}\n")
    }
}

impl fmt::Display for MachineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl Serialize for MachineId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_v4_and_round_trip() {
        for _ in 0..1000 {
            let id = MachineId::generate().unwrap();
            assert!(id.is_v4(), "{id}");
            let text = id.file_content();
            assert_eq!(text.len(), 33);
            assert_eq!(MachineId::parse(text.as_bytes()), Ok(id));
        }
    }

    #[test]
    fn parse_is_strict() {
        assert_eq!(MachineId::parse(b""), Err(Invalid::Empty));
        assert_eq!(MachineId::parse(b"\n"), Err(Invalid::Empty));
        assert_eq!(MachineId::parse(b"uninitialized\n"), Err(Invalid::Uninitialized));
        assert_eq!(
            MachineId::parse(b"0123456789ABCDEF0123456789abcdef\n"),
            Err(Invalid::Malformed)
        );
        assert_eq!(
            MachineId::parse(b"0123456789abcdef0123456789abcde\n"),
            Err(Invalid::Malformed)
        );
        assert_eq!(
            MachineId::parse(b"+123456789abcdef0123456789abcdef\n"),
            Err(Invalid::Malformed)
        );
        assert_eq!(
            MachineId::parse(b"0123456789abcdef0123456789abcdef\n\n"),
            Err(Invalid::Malformed)
        );
        assert!(MachineId::parse(b"0123456789abcdef0123456789abcdef").is_ok());
        assert!(MachineId::parse(b"00000000000000000000000000000000\n")
            .unwrap()
            .is_null());
    }
}
