//! Key files as KeePass and KeePassXC read them, decided here rather than in the keepass crate
//! (which hashes 64-hex-digit files instead of decoding them, and trusts an XML key file
//! whatever its Hash attribute says).
//!
//! The rules, in order: an XML key file (`<KeyFile>`: version 1.0 holds Base64 data, version 2.0
//! hex data whose first 4 bytes of SHA-256 are in the `Hash` attribute); a file of exactly 32
//! bytes is the key; a file of exactly 64 hex digits is the hex-encoded key; any other file is
//! hashed whole with SHA-256.

use std::path::Path;

use privkit_core::{Code, Error};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// KeePass accepts any file as a key (its hash is the key), so the bound is generous; it only
/// keeps `/dev/zero`-like inputs and mistakes (a disk image) from being read without end.
pub const MAX_KEY_FILE: u64 = 64 * 1024 * 1024;

/// What to hand to the keepass crate as the key file: 32 bytes it uses as they are, or (an XML
/// key whose data is not 32 bytes) the checked file itself, which the crate decodes the same way.
pub fn load(path: &Path) -> Result<Zeroizing<Vec<u8>>, Error> {
    let data = Zeroizing::new(
        crate::input::read_regular(path, MAX_KEY_FILE)
            .map_err(|e| crate::input::error(path, &e).context("key file"))?,
    );
    key_of(&data).map_err(|e| e.about(path))
}

fn malformed(why: &str) -> Error {
    Error::new(Code::DataErr, format!("key file is malformed ({why})"))
}

pub fn key_of(data: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    if let Some(xml) = as_key_file_xml(data) {
        let key = xml_key(xml)?;
        return Ok(if key.len() == 32 {
            key
        } else {
            Zeroizing::new(data.to_vec())
        });
    }
    if data.len() == 32 {
        return Ok(Zeroizing::new(data.to_vec()));
    }
    if data.len() == 64 && data.iter().all(u8::is_ascii_hexdigit) {
        if let Some(key) = hex(data) {
            return Ok(key);
        }
    }
    Ok(Zeroizing::new(Sha256::digest(data).to_vec()))
}

/// The text of an XML key file (a `KeyFile` root element), if this is one.
fn as_key_file_xml(data: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(data).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    (trimmed.starts_with('<') && trimmed.contains("<KeyFile")).then_some(trimmed)
}

/// The text between `<NAME ...>` and `</NAME>`, and the opening tag's attributes.
fn element<'a>(xml: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let open = format!("<{name}");
    let mut from = 0;
    loop {
        let at = from + xml[from..].find(&open)?;
        let rest = &xml[at + open.len()..];
        // `<Data>` or `<Data Hash=..>`, not `<DataX>`.
        if rest.starts_with(['>', ' ', '\t', '\r', '\n']) {
            let close_tag = rest.find('>')?;
            let attrs = &rest[..close_tag];
            let body = &rest[close_tag + 1..];
            let end = body.find(&format!("</{name}>"))?;
            return Some((&body[..end], attrs));
        }
        from = at + open.len();
    }
}

fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let at = attrs.find(&format!("{name}="))?;
    let rest = &attrs[at + name.len() + 1..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    Some(&rest[..rest.find(quote)?])
}

fn xml_key(xml: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (version, _) = element(xml, "Version").ok_or_else(|| malformed("no Meta/Version"))?;
    let (data, attrs) = element(xml, "Data").ok_or_else(|| malformed("no Key/Data"))?;
    let compact: Zeroizing<String> =
        Zeroizing::new(data.chars().filter(|c| !c.is_ascii_whitespace()).collect());
    match version.trim() {
        v if v.starts_with("1.") => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .map(Zeroizing::new)
                .map_err(|_| malformed("its data is not Base64"))
        }
        v if v.starts_with("2.") => {
            let key = hex(compact.as_bytes()).ok_or_else(|| malformed("its data is not hex"))?;
            if let Some(hash) = attribute(attrs, "Hash") {
                let expected: String = hash.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                let expected =
                    hex(expected.as_bytes()).ok_or_else(|| malformed("its Hash attribute is not hex"))?;
                if Sha256::digest(key.as_slice())[..4] != expected[..] {
                    return Err(Error::new(
                        Code::DataErr,
                        "key file is damaged (its data does not match its hash)",
                    ));
                }
            }
            Ok(key)
        }
        _ => Err(malformed("unknown key file version")),
    }
}

fn hex(text: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    text.chunks(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect::<Option<Vec<u8>>>()
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<KeyFile>
    <Meta>
        <Version>2.0</Version>
    </Meta>
    <Key>
        <Data Hash="HASH">
            A1B2C3D4 E5F60718 293A4B5C 6D7E8F90
            A1B2C3D4 E5F60718 293A4B5C 6D7E8F90
        </Data>
    </Key>
</KeyFile>"#;

    fn v2_key() -> Vec<u8> {
        hex(b"A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90")
            .unwrap()
            .to_vec()
    }

    #[test]
    fn xml_v2_hash_is_checked() {
        let good: String = Sha256::digest(v2_key())[..4]
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let key = key_of(V2.replace("HASH", &good).as_bytes()).unwrap();
        assert_eq!(key.as_slice(), v2_key());
        let e = key_of(V2.replace("HASH", "00000000").as_bytes()).unwrap_err();
        assert!(e.message().starts_with("key file is damaged"), "{e:?}");
        let e = key_of(V2.replace("HASH", &good).replace("A1B2", "Z1B2").as_bytes()).unwrap_err();
        assert!(e.message().starts_with("key file is malformed"), "{e:?}");
    }

    #[test]
    fn xml_v1_is_base64() {
        let v1 = "<?xml version=\"1.0\"?><KeyFile><Meta><Version>1.00</Version></Meta><Key>\
                  <Data>AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=</Data></Key></KeyFile>";
        let key = key_of(v1.as_bytes()).unwrap();
        assert_eq!(key.as_slice(), (0u8..32).collect::<Vec<_>>());
        let e = key_of(v1.replace("AAEC", "!!EC").as_bytes()).unwrap_err();
        assert!(e.message().starts_with("key file is malformed"), "{e:?}");
    }

    #[test]
    fn binary_hex_and_hashed() {
        let raw = [7u8; 32];
        assert_eq!(key_of(&raw).unwrap().as_slice(), raw);
        let hex64 = "0123456789abcdefABCDEF0123456789".repeat(2);
        let key = key_of(hex64.as_bytes()).unwrap();
        assert_eq!(key[0], 0x01);
        assert_eq!(key.len(), 32);
        let other = b"any file at all";
        assert_eq!(
            key_of(other).unwrap().as_slice(),
            Sha256::digest(other).as_slice()
        );
        // 64 bytes that are not all hex digits are hashed.
        let not_hex = "g".repeat(64);
        assert_eq!(
            key_of(not_hex.as_bytes()).unwrap().as_slice(),
            Sha256::digest(not_hex.as_bytes()).as_slice()
        );
    }
}
