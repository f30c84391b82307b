//! Writes the KDBX 4 fixtures: testdata/kdbx-audit/kdbx3.kdbx re-saved with each outer cipher and
//! key derivation (keepassxc-cli only writes KDBX 3.1 here). Run by make-fixtures.py:
//! `cargo run -p privkit-kdbx-audit --features fixtures --example make_kdbx4 -- DIR PASSWORD`

use keepass::config::{DatabaseVersion, KdfConfig, OuterCipherConfig};
use keepass::{Database, DatabaseKey};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (dir, password) = (std::path::Path::new(&args[1]), &args[2]);
    let mut source = std::fs::File::open(dir.join("kdbx3.kdbx"))?;
    let db = Database::open(&mut source, DatabaseKey::new().with_password(password))?;
    let argon = |id: bool| {
        let (iterations, memory, parallelism, version) = (2, 1 << 20, 2, argon2::Version::Version13);
        if id {
            KdfConfig::Argon2id {
                iterations,
                memory,
                parallelism,
                version,
            }
        } else {
            KdfConfig::Argon2 {
                iterations,
                memory,
                parallelism,
                version,
            }
        }
    };
    for (name, cipher, kdf) in [
        ("kdbx4-aes-argon2d.kdbx", OuterCipherConfig::AES256, argon(false)),
        (
            "kdbx4-chacha20-argon2id.kdbx",
            OuterCipherConfig::ChaCha20,
            argon(true),
        ),
        (
            "kdbx4-twofish-aeskdf.kdbx",
            OuterCipherConfig::Twofish,
            KdfConfig::Aes { rounds: 60_000 },
        ),
    ] {
        let mut copy = db.clone();
        copy.config.version = DatabaseVersion::KDB4(0);
        copy.config.outer_cipher_config = cipher;
        copy.config.kdf_config = kdf;
        let mut out = std::fs::File::create(dir.join(name))?;
        copy.save(&mut out, DatabaseKey::new().with_password(password))?;
        println!("{name}");
    }
    Ok(())
}
