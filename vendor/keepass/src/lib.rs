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
