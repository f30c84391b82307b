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
        let mut blocks = [
            GenericArray::clone_from_slice(&composite_key[..16]),
            GenericArray::clone_from_slice(&composite_key[16..]),
        ];
        aes_kdf_rounds(&cipher, &mut blocks, self.rounds);
        let [block1, block2] = blocks;

        let mut digest = Sha256::new();

        digest.update(block1);
        digest.update(block2);

        Ok(digest.finalize())
    }
}

/// privkit: `rounds` AES-KDF rounds of both halves, on this thread, the two halves interleaved
/// inside the cipher's backend. Each round of one half waits for the previous one (latency
/// bound), so the other half's independent round fills the gaps: both halves for about the
/// CPU time of one. Calling `encrypt_block` per round instead went through the cipher's CPU
/// feature dispatch every time and could not overlap the halves (the crate then used two
/// threads, as KeePassXC does): twice KeePassXC's CPU time, and as much wall time on a
/// machine with other work (bench/kdbx-audit.sh in privkit).
pub fn aes_kdf_rounds(cipher: &Aes256, blocks: &mut [GenericArray<u8, U16>; 2], rounds: u64) {
    struct Rounds<'a> {
        blocks: &'a mut [GenericArray<u8, U16>; 2],
        rounds: u64,
    }
    impl cipher::BlockSizeUser for Rounds<'_> {
        type BlockSize = U16;
    }
    impl cipher::BlockClosure for Rounds<'_> {
        #[inline(always)]
        fn call<B: cipher::BlockBackend<BlockSize = U16>>(self, backend: &mut B) {
            let [a, b] = self.blocks;
            for _ in 0..self.rounds {
                backend.proc_block(a.into());
                backend.proc_block(b.into());
            }
        }
    }
    cipher.encrypt_with_backend(Rounds { blocks, rounds });
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
