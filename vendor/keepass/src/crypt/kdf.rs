use aes::Aes256;
use cipher::{
    generic_array::{
        typenum::{U16, U32},
        GenericArray,
    },
    BlockEncrypt, KeyInit,
};
use sha2::{Digest, Sha256};

use super::CryptographyError;

pub(crate) trait Kdf {
    fn transform_key(
        &self,
        composite_key: &GenericArray<u8, U32>,
    ) -> Result<GenericArray<u8, U32>, CryptographyError>;
}

pub struct AesKdf {
    pub seed: Vec<u8>,
    pub rounds: u64,
}

impl Kdf for AesKdf {
    fn transform_key(
        &self,
        composite_key: &GenericArray<u8, U32>,
    ) -> Result<GenericArray<u8, U32>, CryptographyError> {
        // privkit: a seed that is not 32 bytes is an error, not a panic in clone_from_slice.
        let cipher = Aes256::new_from_slice(&self.seed).map_err(|_| cipher::InvalidLength)?;
        let block1 = GenericArray::clone_from_slice(&composite_key[..16]);
        let block2 = GenericArray::clone_from_slice(&composite_key[16..]);
        // privkit: the two halves are independent, so they are transformed on two threads, as
        // KeePassXC does: half the wall time on two cores for the same work. Where no thread
        // can be started, both run here.
        let transform = |mut block: GenericArray<u8, U16>| {
            for _ in 0..self.rounds {
                cipher.encrypt_block(&mut block);
            }
            block
        };
        let (block1, block2) = std::thread::scope(|s| {
            let first = std::thread::Builder::new().spawn_scoped(s, || transform(block1));
            let second = transform(block2);
            let first = match first {
                Ok(handle) => handle.join().unwrap_or_else(|_| transform(block1)),
                Err(_) => transform(block1),
            };
            (first, second)
        });

        let mut digest = Sha256::new();

        digest.update(block1);
        digest.update(block2);

        Ok(digest.finalize())
    }
}

pub struct Argon2Kdf {
    pub memory: u64,
    pub salt: Vec<u8>,
    pub iterations: u64,
    pub parallelism: u32,
    pub version: argon2::Version,
    pub variant: argon2::Variant,
}

impl Kdf for Argon2Kdf {
    fn transform_key(
        &self,
        composite_key: &GenericArray<u8, U32>,
    ) -> Result<GenericArray<u8, U32>, CryptographyError> {
        // Disable Argon2 multithreading on wasm32 targets to avoid panics on platforms without thread support.
        let thread_mode = if cfg!(target_arch = "wasm32") {
            argon2::ThreadMode::Sequential
        } else {
            argon2::ThreadMode::Parallel
        };

        let config = argon2::Config {
            thread_mode,
            ad: &[],
            hash_length: 32,
            lanes: self.parallelism,
            mem_cost: (self.memory / 1024) as u32,
            secret: &[],
            time_cost: self.iterations as u32,
            variant: self.variant,
            version: self.version,
        };

        let key = argon2::hash_raw(composite_key, &self.salt, &config)?;

        Ok(*GenericArray::from_slice(&key))
    }
}

/*
pub(crate) fn transform_key_argon2(
    composite_key: &GenericArray<u8, U32>,
) -> Result<GenericArray<u8, U32>> {
    let version = match version {
        0x10 => argon2::Version::Version10,
        0x13 => argon2::Version::Version13,
        _ => return Err(DatabaseIntegrityError::InvalidKDFVersion { version: version }.into()),
    };
}
*/
