#![doc = include_str!("../README.md")]
#![recursion_limit = "1024"]

mod compression;
pub mod config;
pub(crate) mod crypt;
pub mod db;
pub mod error;
pub(crate) mod format;

mod key;

pub use self::db::Database;
#[cfg(feature = "challenge_response")]
pub use self::key::ChallengeResponseKey;
pub use self::key::DatabaseKey;
/// privkit: the AES-KDF rounds themselves, for privkit's estimate of a database's key
/// derivation time (timed on a few milliseconds of this same code).
#[doc(hidden)]
pub use self::crypt::kdf::aes_kdf_rounds;

/// privkit: the parser of the decrypted XML alone, as opening a database runs it after
/// decryption, for privkit's fuzz target (the XML of a database is encrypted, so mutated files
/// rarely reach it). Protected values are read through a ChaCha20 inner stream of a fixed key.
#[doc(hidden)]
pub fn fuzz_parse_xml(xml: &[u8]) -> Result<(), error::XmlParseError> {
    let mut inner = crypt::ciphers::ChaCha20Cipher::new(&[0; 64])?;
    format::xml_db::parse::parse(xml, &mut inner).map(drop)
}
