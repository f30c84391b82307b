//! Opening the database: the key from a password (terminal or stdin) and/or a key file, and
//! keepass's errors mapped to what a user can act on.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use keepass::error::{CryptographyError, DatabaseIntegrityError, DatabaseKeyError, DatabaseOpenError};
use keepass::{Database, DatabaseKey};
use privkit_core::secret::{self, Source};
use privkit_core::{Code, Error};

/// A KDBX file larger than this is not a password database.
const MAX_DB: u64 = 512 * 1024 * 1024;

pub struct KeyOptions<'a> {
    pub password: Option<Source>,
    pub keyfile: Option<&'a Path>,
}

pub fn open(path: &Path, key: &KeyOptions) -> Result<Database, Error> {
    let mut data = Vec::new();
    File::open(path)
        .and_then(|f| f.take(MAX_DB).read_to_end(&mut data))
        .map_err(|e| Error::reading(path, &e))?;
    refuse_kdb1(&data).map_err(|e| e.about(path))?;
    check_kdbx3_length(&data).map_err(|e| e.about(path))?;

    let mut db_key = DatabaseKey::new();
    // The password is read only once the file looks like a database: no prompt for a typo'd path.
    let password = match key.password {
        Some(source) => Some(secret::read(
            source,
            "Password: ",
            "pass it as one line on standard input with --password-stdin",
        )?),
        None => None,
    };
    if let Some(pw) = &password {
        db_key = db_key.with_password(pw);
    }
    if let Some(kf) = key.keyfile {
        let mut f = File::open(kf).map_err(|e| Error::reading(kf, &e).context("key file"))?;
        db_key = db_key
            .with_keyfile(&mut f)
            .map_err(|e| Error::reading(kf, &e).context("key file"))?;
    }
    Database::open(&mut data.as_slice(), db_key).map_err(|e| map_error(&e).about(path))
}

/// KeePass 1.x files (.kdb) share KDBX's first signature; say what they are.
fn refuse_kdb1(data: &[u8]) -> Result<(), Error> {
    const SIG1: [u8; 4] = [0x03, 0xd9, 0xa2, 0x9a];
    const KDB1: [u8; 4] = [0x65, 0xfb, 0x4b, 0xb5];
    const KDBX: [u8; 4] = [0x67, 0xfb, 0x4b, 0xb5];
    if data.len() < 12 {
        return Err(Error::data("not a KeePass database (too short)"));
    }
    if data[..4] != SIG1 {
        return Err(Error::data("not a KeePass database (no KeePass signature)"));
    }
    if data[4..8] == KDB1 {
        return Err(Error::data(
            "a KeePass 1.x (.kdb) database: not supported; import it into KeePassXC and save it as .kdbx",
        ));
    }
    if data[4..8] != KDBX {
        return Err(Error::data("not a KeePass 2.x (KDBX) database"));
    }
    Ok(())
}

/// A KDBX 3.1 payload encrypted with a block cipher is a whole number of 16-byte blocks. Checked
/// before decrypting, so that a truncated file is reported as such (65) and not as a wrong key:
/// both make the decrypted padding fail.
fn check_kdbx3_length(data: &[u8]) -> Result<(), Error> {
    let major = u16::from_le_bytes([data[10], data[11]]);
    if major != 3 {
        return Ok(());
    }
    let mut pos = 12usize;
    let mut block_cipher = true;
    loop {
        let Some(head) = data.get(pos..pos + 3) else {
            return Err(Error::data("truncated database (its header is cut short)"));
        };
        let (kind, len) = (head[0], u16::from_le_bytes([head[1], head[2]]) as usize);
        let Some(value) = data.get(pos + 3..pos + 3 + len) else {
            return Err(Error::data("truncated database (its header is cut short)"));
        };
        // Field 2 is the outer cipher's UUID; ChaCha20 (d6038a2b...) is a stream cipher.
        if kind == 2 && value.starts_with(&[0xd6, 0x03, 0x8a, 0x2b]) {
            block_cipher = false;
        }
        pos += 3 + len;
        if kind == 0 {
            break;
        }
    }
    let payload = data.len() - pos;
    if block_cipher && (payload == 0 || !payload.is_multiple_of(16)) {
        return Err(Error::data(format!(
            "truncated database (its encrypted content is {payload} bytes, not whole blocks)"
        )));
    }
    Ok(())
}

/// Any key error is a wrong password or key file (77), never "corrupt". With KDBX 3.1 a wrong
/// key decrypts the payload to garbage whose block padding fails before any key check runs, so
/// keepass reports an integrity error (Cryptography(Unpadding)): that too is a wrong key.
fn map_error(e: &DatabaseOpenError) -> Error {
    let wrong_key = || Error::new(Code::NoPerm, "wrong password or key file");
    match e {
        DatabaseOpenError::Key(DatabaseKeyError::Io(io)) => Error::reading("key file", io),
        DatabaseOpenError::Key(_) => wrong_key(),
        DatabaseOpenError::DatabaseIntegrity(DatabaseIntegrityError::Cryptography(
            CryptographyError::Unpadding(_),
        )) => wrong_key(),
        DatabaseOpenError::UnsupportedVersion => Error::data("this KDBX version is not supported"),
        DatabaseOpenError::Io(io) => Error::new(
            Code::DataErr,
            format!(
                "truncated or unreadable database ({})",
                privkit_core::error::io_message(io)
            ),
        ),
        DatabaseOpenError::DatabaseIntegrity(_) => {
            Error::data("corrupt database (its structure does not check out)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert!(refuse_kdb1(b"").unwrap_err().message().contains("too short"));
        let mut kdb1 = vec![0x03, 0xd9, 0xa2, 0x9a, 0x65, 0xfb, 0x4b, 0xb5];
        kdb1.extend_from_slice(&[0; 8]);
        assert!(refuse_kdb1(&kdb1).unwrap_err().message().contains("KeePass 1.x"));
        assert!(refuse_kdb1(&[0x50; 16]).is_err());
    }
}
