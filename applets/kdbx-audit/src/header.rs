//! The outer header of a KDBX file, read before anything is handed to the keepass crate: the
//! version (named when unsupported), every length checked against the file (so a truncated or
//! crafted header is "corrupt", never a panic), and the key derivation parameters, which are
//! compared with limits before any work is done (a received database can ask for 2^40 AES rounds
//! or 4 GiB of Argon2 memory).

use privkit_core::Error;

const SIG1: [u8; 4] = [0x03, 0xd9, 0xa2, 0x9a];
const SIG2_KDB1: [u8; 4] = [0x65, 0xfb, 0x4b, 0xb5];
const SIG2_KDBX: [u8; 4] = [0x67, 0xfb, 0x4b, 0xb5];
/// KeePass 2 pre-release files (never in the wild, refused by KeePass itself).
const SIG2_PRE: [u8; 4] = [0x66, 0xfb, 0x4b, 0xb5];

const AES_KDF: [u8; 16] = hex16("c9d9f39a628a4460bf740d08c18a4fea");
const AES_KDF4: [u8; 16] = hex16("7c02bb8279a74ac0927d114a00648238");
const ARGON2D: [u8; 16] = hex16("ef636ddf8c29444b91f7a9a403e30a0c");
const ARGON2ID: [u8; 16] = hex16("9e298b1956db4773b23dfc3ec6f0a1e6");
const CHACHA20: [u8; 16] = hex16("d6038a2b8b6f4cb5a524339a31dbb59a");

const fn hex16(s: &str) -> [u8; 16] {
    let b = s.as_bytes();
    let mut out = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kdf {
    Aes {
        rounds: u64,
    },
    Argon2 {
        memory: u64,
        iterations: u64,
        parallelism: u32,
    },
}

#[derive(Debug)]
pub struct Header {
    pub major: u16,
    pub kdf: Kdf,
    /// Where the header ends (3.x: where the encrypted payload starts).
    pub end: usize,
    /// The payload is encrypted with a block cipher (AES, Twofish), not ChaCha20.
    pub block_cipher: bool,
}

fn truncated() -> Error {
    Error::data("truncated database (its header is cut short)")
}

fn corrupt(what: &str) -> Error {
    Error::data(format!("corrupt database header ({what})"))
}

pub fn parse(data: &[u8]) -> Result<Header, Error> {
    if data.len() < 12 {
        return Err(Error::data("not a KeePass database (too short)"));
    }
    if data[..4] != SIG1 {
        return Err(Error::data("not a KeePass database (no KeePass signature)"));
    }
    let sig2 = &data[4..8];
    if sig2 == SIG2_KDB1 {
        return Err(Error::data(
            "a KeePass 1.x (.kdb) database: not supported; import it into KeePassXC and save it as .kdbx",
        ));
    }
    if sig2 == SIG2_PRE {
        return Err(Error::data(
            "a KeePass 2 pre-release database: not supported (open and save it in KeePass 2 to upgrade)",
        ));
    }
    if sig2 != SIG2_KDBX {
        return Err(Error::data("not a KeePass 2.x (KDBX) database"));
    }
    let minor = u16::from_le_bytes([data[8], data[9]]);
    let major = u16::from_le_bytes([data[10], data[11]]);
    if !(2..=4).contains(&major) {
        return Err(Error::data(format!(
            "unsupported KDBX version {major}.{minor} (this reads KDBX 2.x, 3.x and 4.x)"
        )));
    }
    // 3.x and 2.x: 16-bit field lengths; 4.x: 32-bit.
    let len_size = if major == 4 { 4 } else { 2 };
    let mut pos = 12usize;
    let mut block_cipher = true;
    let mut rounds = None;
    let mut kdf = None;
    let mut transform_seed_ok = major == 4;
    loop {
        let kind = *data.get(pos).ok_or_else(truncated)?;
        let len_bytes = data.get(pos + 1..pos + 1 + len_size).ok_or_else(truncated)?;
        let len = len_bytes
            .iter()
            .rev()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        let start = pos + 1 + len_size;
        let value = start
            .checked_add(len)
            .and_then(|end| data.get(start..end))
            .ok_or_else(truncated)?;
        pos = start + len;
        match (kind, major) {
            (0, _) => break,
            (2, _) => {
                if value.len() != 16 {
                    return Err(corrupt("cipher ID is not 16 bytes"));
                }
                block_cipher = value != CHACHA20;
            }
            (3, _) | (10, 2..=3) if value.len() != 4 => {
                return Err(corrupt("a 4-byte field has another size"));
            }
            (5, 2..=3) => transform_seed_ok = value.len() == 32,
            (6, 2..=3) => {
                let v: [u8; 8] = value
                    .try_into()
                    .map_err(|_| corrupt("AES-KDF rounds is not 8 bytes"))?;
                rounds = Some(u64::from_le_bytes(v));
            }
            (11, 4) => kdf = Some(kdf_parameters(value)?),
            _ => {}
        }
    }
    let kdf = match major {
        4 => kdf.ok_or_else(|| corrupt("no key derivation parameters"))?,
        _ => {
            if !transform_seed_ok {
                return Err(corrupt("AES-KDF seed missing or not 32 bytes"));
            }
            Kdf::Aes {
                rounds: rounds.ok_or_else(|| corrupt("no AES-KDF rounds"))?,
            }
        }
    };
    Ok(Header {
        major,
        kdf,
        end: pos,
        block_cipher,
    })
}

/// The KDF parameters (a KeePass "variant dictionary": version 0x0100, then entries of type
/// byte, key length, key, value length, value, up to a 0 type byte).
fn kdf_parameters(vd: &[u8]) -> Result<Kdf, Error> {
    let bad = || corrupt("malformed key derivation parameters");
    let mut pos = 2usize;
    if vd.get(..2) != Some(&[0x00, 0x01][..]) {
        return Err(bad());
    }
    let mut take = |n: usize| -> Result<&[u8], Error> {
        let s = pos
            .checked_add(n)
            .and_then(|end| vd.get(pos..end))
            .ok_or_else(bad)?;
        pos += n;
        Ok(s)
    };
    let u32_of =
        |b: &[u8]| -> Result<u32, Error> { Ok(u32::from_le_bytes(b.try_into().map_err(|_| bad())?)) };
    let (mut uuid, mut memory, mut iterations, mut parallelism, mut rounds, mut seed) =
        (None, None, None, None, None, None);
    loop {
        let kind = take(1)?[0];
        if kind == 0 {
            break;
        }
        let key_len = u32_of(take(4)?)? as usize;
        let key = take(key_len)?.to_vec();
        let value_len = u32_of(take(4)?)? as usize;
        let value = take(value_len)?;
        let as_u64 =
            || -> Result<u64, Error> { Ok(u64::from_le_bytes(value.try_into().map_err(|_| bad())?)) };
        match key.as_slice() {
            b"$UUID" => uuid = Some(value.to_vec()),
            b"M" => memory = Some(as_u64()?),
            b"I" => iterations = Some(as_u64()?),
            b"P" => parallelism = Some(u32_of(value)?),
            b"R" => rounds = Some(as_u64()?),
            b"S" => seed = Some(value.len()),
            _ => {}
        }
    }
    let missing = |name: &str| corrupt(&format!("key derivation parameter {name} missing"));
    let uuid = uuid.ok_or_else(|| missing("$UUID"))?;
    if uuid == AES_KDF || uuid == AES_KDF4 {
        if seed != Some(32) {
            return Err(corrupt("AES-KDF seed missing or not 32 bytes"));
        }
        Ok(Kdf::Aes {
            rounds: rounds.ok_or_else(|| missing("R (rounds)"))?,
        })
    } else if uuid == ARGON2D || uuid == ARGON2ID {
        if seed.is_none() {
            return Err(missing("S (salt)"));
        }
        let parallelism = parallelism.ok_or_else(|| missing("P (parallelism)"))?;
        if parallelism == 0 {
            return Err(corrupt("Argon2 parallelism is 0"));
        }
        Ok(Kdf::Argon2 {
            memory: memory.ok_or_else(|| missing("M (memory)"))?,
            iterations: iterations.ok_or_else(|| missing("I (iterations)"))?,
            parallelism,
        })
    } else {
        Err(Error::data(
            "unsupported key derivation function (not AES-KDF, Argon2d or Argon2id)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vd(entries: &[(u8, &str, &[u8])]) -> Vec<u8> {
        let mut out = vec![0x00, 0x01];
        for (kind, key, value) in entries {
            out.push(*kind);
            out.extend((key.len() as u32).to_le_bytes());
            out.extend(key.as_bytes());
            out.extend((value.len() as u32).to_le_bytes());
            out.extend(*value);
        }
        out.push(0);
        out
    }

    #[test]
    fn argon2_parameters() {
        let params = vd(&[
            (0x42, "$UUID", &ARGON2ID),
            (0x05, "M", &(64u64 << 20).to_le_bytes()),
            (0x05, "I", &10u64.to_le_bytes()),
            (0x04, "P", &2u32.to_le_bytes()),
            (0x42, "S", &[0; 32]),
        ]);
        assert_eq!(
            kdf_parameters(&params).unwrap(),
            Kdf::Argon2 {
                memory: 64 << 20,
                iterations: 10,
                parallelism: 2
            }
        );
        // An empty value for P, a value length past the end, no terminator: corrupt, no panic.
        let empty_p = vd(&[(0x42, "$UUID", &ARGON2ID), (0x04, "P", &[])]);
        assert!(kdf_parameters(&empty_p).is_err());
        let mut huge = vd(&[(0x42, "$UUID", &ARGON2ID)]);
        huge[2 + 1 + 4 + 5..2 + 1 + 4 + 5 + 4].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
        assert!(kdf_parameters(&huge).is_err());
        assert!(kdf_parameters(&params[..params.len() - 1]).is_err());
    }
}
