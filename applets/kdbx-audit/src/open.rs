//! Opening the database: the file checked and its header validated before anything reaches the
//! keepass crate, the key from a password (terminal, stdin, a file or a systemd credential)
//! and/or a key file, and keepass's errors mapped to what a user can act on.

use std::io::BufReader;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use keepass::error::{CryptographyError, DatabaseIntegrityError, DatabaseKeyError, DatabaseOpenError};
use keepass::{Database, DatabaseKey};
use privkit_core::secret::{self, Source};
use privkit_core::{Code, Error};
use zeroize::Zeroizing;

use crate::{header, input, kdf, keyfile};

/// A KDBX file larger than this is not a password database.
const MAX_DB: u64 = 512 * 1024 * 1024;
/// A password file holds one line; anything longer is not one.
const MAX_PASSWORD_FILE: u64 = 64 * 1024;

/// Where the password comes from.
pub enum Password {
    /// The database is locked by the key file only.
    None,
    Prompt(Source),
    /// The first line of a file only its owner can read (`--password-file`).
    File(PathBuf),
    /// The systemd credential `kdbx-audit-password`: read like a password file, but an empty
    /// first line means "no password" (the key file alone). The shipped unit sets a newline as
    /// the credential's default (SetCredential=), so that it starts when no password was
    /// stored: systemd 252 fails a unit whose LoadCredentialEncrypted= finds nothing.
    Credential(PathBuf),
}

pub struct KeyOptions<'a> {
    pub password: Password,
    pub keyfile: Option<&'a Path>,
    pub max_kdf_seconds: u64,
}

pub fn open(path: &Path, key: &KeyOptions) -> Result<Database, Error> {
    let data = input::read_regular(path, MAX_DB).map_err(|e| input::error(path, &e))?;
    let header = header::parse(&data).map_err(|e| e.about(path))?;
    if header.major < 4 {
        check_kdbx3_length(&data, &header).map_err(|e| e.about(path))?;
    }
    kdf::check(&header.kdf, key.max_kdf_seconds).map_err(|e| e.about(path))?;

    // The key file is checked before the password is asked for, like the database.
    let key_material = key.keyfile.map(keyfile::load).transpose()?;
    let mut db_key = DatabaseKey::new();
    // The password is read only once the file looks like a database: no prompt for a typo'd path.
    let password = match &key.password {
        Password::None => None,
        Password::Prompt(source) => {
            let name = path.file_name().unwrap_or(path.as_os_str()).to_string_lossy();
            Some(secret::read(
                *source,
                &format!("Password for {}: ", privkit_core::escape(&name)),
                "pass it as one line on standard input with --password-stdin, or use --password-file",
            )?)
        }
        Password::File(file) => Some(password_file(file)?),
        Password::Credential(file) => Some(password_file(file)?).filter(|pw| !pw.is_empty()),
    };
    if password.is_none() && key_material.is_none() {
        return Err(Error::usage(
            "no password and no key file: store the password as the systemd credential kdbx-audit-password or give --keyfile",
        ));
    }
    if let Some(pw) = &password {
        db_key = db_key.with_password(pw);
    }
    if let Some(material) = &key_material {
        db_key = db_key
            .with_keyfile(&mut material.as_slice())
            .map_err(|e| Error::reading("key file", &e))?;
    }
    Database::parse(&data, db_key).map_err(|e| map_error(&e).about(path))
}

/// The whole open path on bytes already read, with a fixed password and no key file: the fuzz
/// target's entry (fuzz/fuzz_targets/kdbx_open.rs). Databases asking for more than a token key
/// derivation are skipped, so the fuzzer spends its time on parsing.
#[doc(hidden)]
pub fn fuzz_open(data: &[u8], password: &str) -> Result<usize, Error> {
    let header = header::parse(data)?;
    let cheap = match header.kdf {
        header::Kdf::Aes { rounds } => rounds <= 100_000,
        header::Kdf::Argon2 {
            memory, iterations, ..
        } => memory.saturating_mul(iterations) <= 4 << 20,
    };
    if !cheap {
        return Ok(0);
    }
    if header.major < 4 {
        check_kdbx3_length(data, &header)?;
    }
    kdf::check(&header.kdf, 1)?;
    let db = Database::parse(data, DatabaseKey::new().with_password(password)).map_err(|e| map_error(&e))?;
    Ok(db.root.entries.len())
}

/// The first line of a password file, which must not be readable by group or others.
fn password_file(path: &Path) -> Result<Zeroizing<String>, Error> {
    let file = input::open_regular(path).map_err(|e| input::error(path, &e).context("password file"))?;
    let mode = file
        .metadata()
        .map_err(|e| Error::reading(path, &e))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Error::new(
            Code::NoPerm,
            format!(
                "password file is readable or writable by group or others (mode {:04o}); make it private with chmod 600",
                mode & 0o7777
            ),
        )
        .about(path));
    }
    use std::io::Read;
    let mut reader = BufReader::new(file.take(MAX_PASSWORD_FILE + 1));
    secret::read_line(&mut reader)
        .map_err(|e| Error::new(e.code(), e.message().replace("standard input", "password file")).about(path))
}

/// A KDBX 3.1 payload encrypted with a block cipher is a whole number of 16-byte blocks. Checked
/// before decrypting, so that a truncated file is reported as such (65) and not as a wrong key:
/// both make the decrypted padding fail.
fn check_kdbx3_length(data: &[u8], header: &header::Header) -> Result<(), Error> {
    let payload = data.len() - header.end;
    if header.block_cipher && (payload == 0 || !payload.is_multiple_of(16)) {
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
        DatabaseOpenError::DatabaseIntegrity(DatabaseIntegrityError::HeaderHashMismatch) => {
            Error::data("header does not match its hash (corrupted or tampered)")
        }
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
