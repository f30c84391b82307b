//! MAC addresses: parsing, printing, and the ways of making a new one.

use std::fmt;
use std::str::FromStr;

use privkit_core::Error;
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mac(pub [u8; 6]);

impl Mac {
    /// Bit 0 of the first octet: a group (multicast) address, never valid for an interface.
    pub fn is_multicast(self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// Bit 1 of the first octet: locally administered (not assigned by a vendor).
    pub fn is_local(self) -> bool {
        self.0[0] & 0x02 != 0
    }

    pub fn is_zero(self) -> bool {
        self.0 == [0; 6]
    }

    /// The vendor part (the first three octets).
    pub fn oui(self) -> [u8; 3] {
        [self.0[0], self.0[1], self.0[2]]
    }

    /// A fully random unicast address; locally administered unless `bia` (then it looks like
    /// a vendor's burned-in address).
    pub fn random(bia: bool) -> Result<Mac, Error> {
        let mut b = [0u8; 6];
        random(&mut b)?;
        b[0] &= !0x01;
        if bia {
            b[0] &= !0x02;
        } else {
            b[0] |= 0x02;
        }
        Ok(Mac(b))
    }

    /// The vendor part of `oui`, the rest random.
    pub fn with_oui(oui: [u8; 3]) -> Result<Mac, Error> {
        let mut r = [0u8; 3];
        random(&mut r)?;
        Ok(Mac([oui[0], oui[1], oui[2], r[0], r[1], r[2]]))
    }

    /// A stable address for (machine secret, interface, key): the same inputs always give the
    /// same unicast, locally administered address; any change gives an unrelated one. The
    /// machine id is the secret, so rotating it changes every stable address.
    pub fn stable(secret: &[u8], interface: &str, key: &str) -> Mac {
        let mut h = Sha256::new();
        h.update(b"privkit-macrand-stable-v1\0");
        h.update((secret.len() as u32).to_be_bytes());
        h.update(secret);
        h.update((interface.len() as u32).to_be_bytes());
        h.update(interface.as_bytes());
        h.update((key.len() as u32).to_be_bytes());
        h.update(key.as_bytes());
        let d = h.finalize();
        let mut b = [d[0], d[1], d[2], d[3], d[4], d[5]];
        b[0] = (b[0] & !0x01) | 0x02;
        Mac(b)
    }
}

/// Fills `buf` from the operating system's random source. A failure is an error (74), never a
/// fallback: with the locally-administered bit set afterwards, zeros would give the accepted
/// and predictable 02:00:00:00:00:00.
pub fn random(buf: &mut [u8]) -> Result<(), Error> {
    privkit_core::random::fill(buf)
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

impl Serialize for Mac {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for Mac {
    type Err = String;

    /// Accepts exactly six groups of two hex digits (either case) separated by `:`, or all by
    /// `-`. Nothing else: no sign (`u8::from_str_radix` would take `+2`), no single digits, no
    /// mixed separators, no spaces.
    fn from_str(s: &str) -> Result<Mac, String> {
        let bad = || {
            format!("'{s}' is not a MAC address (expected six two-digit hex groups: XX:XX:XX:XX:XX:XX or XX-XX-XX-XX-XX-XX)")
        };
        let sep = if s.contains(':') { ':' } else { '-' };
        let parts: Vec<&str> = s.split(sep).collect();
        if parts.len() != 6 {
            return Err(bad());
        }
        let mut b = [0u8; 6];
        for (i, p) in parts.iter().enumerate() {
            let digits = p.as_bytes();
            if digits.len() != 2 || !digits.iter().all(u8::is_ascii_hexdigit) {
                return Err(bad());
            }
            b[i] = u8::from_str_radix(p, 16).map_err(|_| bad())?;
        }
        Ok(Mac(b))
    }
}

/// Parses an address given on the command line for setting: well-formed, unicast, not zero.
pub fn parse_settable(s: &str) -> Result<Mac, String> {
    let mac: Mac = s.parse()?;
    if mac.is_multicast() {
        return Err(format!(
            "{mac} is a multicast address (bit 0 of the first octet is set)"
        ));
    }
    if mac.is_zero() {
        return Err("00:00:00:00:00:00 is not a valid interface address".to_string());
    }
    Ok(mac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn random_addresses_are_unicast_local_and_distinct() {
        let mut seen = HashSet::new();
        for _ in 0..1000 {
            let m = Mac::random(false).unwrap();
            assert!(!m.is_multicast() && m.is_local(), "{m}");
            seen.insert(m);
        }
        assert_eq!(seen.len(), 1000);
        for _ in 0..100 {
            let m = Mac::random(true).unwrap();
            assert!(!m.is_multicast() && !m.is_local(), "{m}");
        }
    }

    #[test]
    fn with_oui_keeps_the_vendor() {
        let m = Mac::with_oui([0x00, 0x1b, 0x21]).unwrap();
        assert_eq!(m.oui(), [0x00, 0x1b, 0x21]);
    }

    #[test]
    fn stable_is_stable_and_keyed() {
        let a = Mac::stable(b"0123456789abcdef0123456789abcdef", "wlp2s0", "home");
        assert_eq!(
            a,
            Mac::stable(b"0123456789abcdef0123456789abcdef", "wlp2s0", "home")
        );
        assert_ne!(
            a,
            Mac::stable(b"0123456789abcdef0123456789abcdef", "wlp2s0", "cafe")
        );
        assert_ne!(
            a,
            Mac::stable(b"0123456789abcdef0123456789abcdef", "eth0", "home")
        );
        assert_ne!(
            a,
            Mac::stable(b"fedcba9876543210fedcba9876543210", "wlp2s0", "home")
        );
        assert!(!a.is_multicast() && a.is_local());
        // Length-prefixed fields: moving bytes between interface and key changes the result.
        assert_ne!(Mac::stable(b"s", "ab", "c"), Mac::stable(b"s", "a", "bc"));
    }

    #[test]
    fn parsing() {
        assert_eq!(
            "00:1B:21:aa:bb:cc".parse::<Mac>().unwrap().0,
            [0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc]
        );
        assert_eq!(
            "00-1b-21-aa-bb-cc".parse::<Mac>().unwrap().to_string(),
            "00:1b:21:aa:bb:cc"
        );
        for bad in [
            "",
            "00:11:22:33:44",
            "00:11:22:33:44:55:66",
            "0:11:22:33:44:55",
            "zz:11:22:33:44:55",
            "001122334455",
            // issue 19: a sign, mixed separators, spaces, three digits.
            "+2:11:22:33:44:55",
            "-2:11:22:33:44:55",
            "00:11-22:33:44:55",
            " 0:11:22:33:44:55",
            "00:11:22:33:44:5 ",
            "000:11:22:33:44:5",
            "0x:11:22:33:44:55",
            "00::11:22:33:44:55",
        ] {
            assert!(bad.parse::<Mac>().is_err(), "{bad}");
        }
        assert!(parse_settable("01:00:5e:00:00:01")
            .unwrap_err()
            .contains("multicast"));
        assert!(parse_settable("00:00:00:00:00:00").is_err());
        assert!(parse_settable("02:00:00:00:00:01").is_ok());
    }
}
