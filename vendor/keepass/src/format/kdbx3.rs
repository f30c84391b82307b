use crate::{
    config::{CompressionConfig, DatabaseConfig, InnerCipherConfig, KdfConfig, OuterCipherConfig},
    crypt::{calculate_sha256, ciphers::Cipher},
    db::Database,
    error::{BlockStreamError, DatabaseIntegrityError, DatabaseKeyError, DatabaseOpenError},
    format::DatabaseVersion,
    key::DatabaseKey,
};

use byteorder::{ByteOrder, LittleEndian};

use std::convert::{TryFrom, TryInto};

// privkit: lengths read from the file are checked against it; the original sliced unchecked and
// panicked on truncated files and on fields of the wrong size.
fn eof() -> DatabaseOpenError {
    DatabaseOpenError::Io(std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "unexpected end of file",
    ))
}

fn slice(data: &[u8], start: usize, len: usize) -> Result<&[u8], DatabaseOpenError> {
    start
        .checked_add(len)
        .and_then(|end| data.get(start..end))
        .ok_or_else(eof)
}

fn fixed<const N: usize>(buffer: &[u8], field_type: u8) -> Result<[u8; N], DatabaseOpenError> {
    buffer.try_into().map_err(|_| {
        DatabaseIntegrityError::InvalidKDBFieldLength {
            field_type: u16::from(field_type),
            field_size: buffer.len() as u32,
            expected_field_size: N as u32,
        }
        .into()
    })
}

/// privkit: KeePass 2.20+ writes the SHA-256 of the outer header into Meta/HeaderHash; a
/// mismatch means the header (cipher, seeds, IV, inner stream key) was altered. Files without
/// it (KDBX 2.x, other writers) are accepted, as KeePass and KeePassXC accept them.
fn check_header_hash(xml: &[u8], header: &[u8]) -> Result<(), DatabaseOpenError> {
    use base64::{engine::general_purpose as base64_engine, Engine as _};
    // Meta comes first; an entry's text cannot hold a literal tag (it would be escaped).
    let meta_end = find(xml, b"</Meta>").unwrap_or(xml.len());
    let meta = &xml[..meta_end];
    let Some(start) = find(meta, b"<HeaderHash>") else {
        return Ok(());
    };
    let value = &meta[start + b"<HeaderHash>".len()..];
    let Some(end) = find(value, b"</HeaderHash>") else {
        return Err(DatabaseIntegrityError::HeaderHashMismatch.into());
    };
    let text: Vec<u8> = value[..end].iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    let stored = base64_engine::STANDARD
        .decode(text)
        .map_err(|_| DatabaseIntegrityError::HeaderHashMismatch)?;
    if stored.as_slice() != calculate_sha256(&[header])?.as_slice() {
        return Err(DatabaseIntegrityError::HeaderHashMismatch.into());
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[derive(Debug)]
struct KDBX3Header {
    // https://gist.github.com/msmuenchen/9318327
    outer_cipher: OuterCipherConfig,
    compression: CompressionConfig,
    master_seed: Vec<u8>,

    transform_seed: Vec<u8>,
    kdf_config: KdfConfig,

    outer_iv: Vec<u8>,
    protected_stream_key: Vec<u8>,
    stream_start: Vec<u8>,
    inner_cipher: InnerCipherConfig,
    body_start: usize,
}

fn parse_outer_header(data: &[u8]) -> Result<KDBX3Header, DatabaseOpenError> {
    let mut outer_cipher: Option<OuterCipherConfig> = None;
    let mut compression: Option<CompressionConfig> = None;
    let mut master_seed: Option<Vec<u8>> = None;
    let mut transform_seed: Option<Vec<u8>> = None;
    let mut transform_rounds: Option<u64> = None;
    let mut outer_iv: Option<Vec<u8>> = None;
    let mut protected_stream_key: Option<Vec<u8>> = None;
    let mut stream_start: Option<Vec<u8>> = None;
    let mut inner_cipher: Option<InnerCipherConfig> = None;

    // skip over the version header
    let mut pos = DatabaseVersion::get_version_header_size();

    // parse header
    loop {
        // parse header blocks.
        //
        // every block is a triplet of (3 + entry_length) bytes with this structure:
        //
        // (
        //   entry_type: u8,                        // a numeric entry type identifier
        //   entry_length: u16,                     // length of the entry buffer
        //   entry_buffer: [u8; entry_length]       // the entry buffer
        // )

        let entry_type = *data.get(pos).ok_or_else(eof)?;
        let entry_length: usize = LittleEndian::read_u16(slice(data, pos + 1, 2)?) as usize;
        let entry_buffer = slice(data, pos + 3, entry_length)?;

        pos += 3 + entry_length;

        match entry_type {
            // END - finished parsing header
            0 => {
                break;
            }

            // COMMENT
            1 => {}

            // CIPHERID - a UUID specifying which cipher suite
            //            should be used to encrypt the payload
            2 => {
                outer_cipher =
                    Some(OuterCipherConfig::try_from(entry_buffer).map_err(DatabaseIntegrityError::from)?);
            }

            // COMPRESSIONFLAGS - first byte determines compression of payload
            3 => {
                compression = Some(
                    CompressionConfig::try_from(u32::from_le_bytes(fixed(entry_buffer, entry_type)?))
                        .map_err(DatabaseIntegrityError::from)?,
                );
            }

            // MASTERSEED - Master seed for deriving the master key
            4 => master_seed = Some(entry_buffer.to_vec()),

            // TRANSFORMSEED - Seed used in deriving the transformed key
            5 => transform_seed = Some(entry_buffer.to_vec()),

            // TRANSFORMROUNDS - Number of rounds used in derivation of transformed key
            6 => transform_rounds = Some(u64::from_le_bytes(fixed(entry_buffer, entry_type)?)),

            // ENCRYPTIONIV - Initialization Vector for decrypting the payload
            7 => outer_iv = Some(entry_buffer.to_vec()),

            // PROTECTEDSTREAMKEY - Key for decrypting the inner protected values
            8 => protected_stream_key = Some(entry_buffer.to_vec()),

            // STREAMSTARTBYTES - First bytes of decrypted payload (to check correct decryption)
            9 => stream_start = Some(entry_buffer.to_vec()),

            // INNERRANDOMSTREAMID - specifies which cipher suite
            //                       to use for decrypting the inner protected values
            10 => {
                inner_cipher = Some(
                    InnerCipherConfig::try_from(u32::from_le_bytes(fixed(entry_buffer, entry_type)?))
                        .map_err(DatabaseIntegrityError::from)?,
                );
            }

            _ => {
                return Err(DatabaseIntegrityError::InvalidOuterHeaderEntry { entry_type }.into());
            }
        };
    }

    // at this point, the header needs to be fully defined - unwrap options and return errors if
    // something is missing

    fn get_or_err<T>(v: Option<T>, err: &str) -> Result<T, DatabaseIntegrityError> {
        v.ok_or_else(|| DatabaseIntegrityError::IncompleteOuterHeader {
            missing_field: err.into(),
        })
    }

    let outer_cipher = get_or_err(outer_cipher, "Outer Cipher ID")?;
    let compression = get_or_err(compression, "Compression ID")?;
    let master_seed = get_or_err(master_seed, "Master seed")?;
    let transform_seed = get_or_err(transform_seed, "Transform seed")?;
    let transform_rounds = get_or_err(transform_rounds, "Number of transformation rounds")?;
    let outer_iv = get_or_err(outer_iv, "Outer cipher IV")?;
    let protected_stream_key = get_or_err(protected_stream_key, "Protected stream key")?;
    let stream_start = get_or_err(stream_start, "Stream start bytes")?;
    let inner_cipher = get_or_err(inner_cipher, "Inner cipher ID")?;

    // KDF type is always AES for KDBX3
    let kdf_config = KdfConfig::Aes {
        rounds: transform_rounds,
    };

    Ok(KDBX3Header {
        outer_cipher,
        compression,
        master_seed,
        transform_seed,
        kdf_config,
        outer_iv,
        protected_stream_key,
        stream_start,
        inner_cipher,
        body_start: pos,
    })
}

/// Open, decrypt and parse a KeePass database from a source and a password
pub(crate) fn parse_kdbx3(data: &[u8], db_key: &DatabaseKey) -> Result<Database, DatabaseOpenError> {
    let (config, mut inner_decryptor, xml) = decrypt_kdbx3(data, db_key)?;
    let header_end = parse_outer_header(data)?.body_start;
    check_header_hash(&xml, &data[..header_end])?;

    // Parse XML data blocks
    let database_content = crate::format::xml_db::parse::parse(&xml, &mut *inner_decryptor)
        .map_err(DatabaseIntegrityError::from)?;

    let db = Database {
        config,
        header_attachments: Vec::new(),
        root: database_content.root.group,
        deleted_objects: database_content.root.deleted_objects,
        meta: database_content.meta,
    };

    Ok(db)
}

/// Open and decrypt a KeePass KDBX3 database from a source and a password
#[allow(clippy::type_complexity)]
pub(crate) fn decrypt_kdbx3(
    data: &[u8],
    db_key: &DatabaseKey,
) -> Result<(DatabaseConfig, Box<dyn Cipher>, Vec<u8>), DatabaseOpenError> {
    let version = DatabaseVersion::parse(data)?;
    let header = parse_outer_header(data)?;

    // Derive stream key for decrypting inner protected values and set up decryption context
    let stream_key =
        calculate_sha256(&[header.protected_stream_key.as_ref()]).map_err(DatabaseIntegrityError::from)?;

    let inner_decryptor = header
        .inner_cipher
        .get_cipher(&stream_key)
        .map_err(DatabaseIntegrityError::from)?;

    let config = DatabaseConfig {
        version,
        outer_cipher_config: header.outer_cipher,
        compression_config: header.compression,
        inner_cipher_config: header.inner_cipher,
        kdf_config: header.kdf_config,
        public_custom_data: Default::default(),
    };

    let mut pos = header.body_start;

    // Turn enums into appropriate trait objects
    let compression = config.compression_config.get_compression();

    // Rest of file after header is payload
    let payload_encrypted = &data[pos..];

    // derive master key from composite key, transform_seed, transform_rounds and master_seed
    let key_elements = db_key.get_key_elements()?;
    let key_elements: Vec<&[u8]> = key_elements.iter().map(|v| &v[..]).collect();
    let composite_key = calculate_sha256(&key_elements)?;

    // transform the key
    let transformed_key = config
        .kdf_config
        .get_kdf_seeded(&header.transform_seed)
        .transform_key(&composite_key)?;

    let master_key = calculate_sha256(&[header.master_seed.as_ref(), &transformed_key])?;

    // Decrypt payload
    let payload = config
        .outer_cipher_config
        .get_cipher(&master_key, header.outer_iv.as_ref())?
        .decrypt(payload_encrypted)?;

    // Check if we decrypted correctly
    if payload.len() < header.stream_start.len() {
        return Err(eof());
    }
    if payload.get(0..header.stream_start.len()) != Some(header.stream_start.as_slice()) {
        return Err(DatabaseKeyError::IncorrectKey.into());
    }

    let mut buf = Vec::new();

    pos = 32;
    let mut block_index = 0;
    loop {
        // Parse blocks in payload.
        //
        // Each block is a tuple of size (40 + block_size) with structure:
        //
        // (
        //   block_id: u32,                                 // a numeric block ID (starts at 0)
        //   block_hash: [u8, 32],                          // SHA256 of block_buffer_compressed
        //   block_size: u32,                               // block_size size in bytes
        //   block_buffer_compressed: [u8, block_size]      // Block data, possibly compressed
        // )

        // let block_id = LittleEndian::read_u32(&payload[pos..(pos + 4)]);
        let block_hash = slice(&payload, pos + 4, 32)?;
        let block_size = LittleEndian::read_u32(slice(&payload, pos + 36, 4)?) as usize;

        // A block with size 0 means we have hit EOF
        if block_size == 0 {
            break;
        }

        let block_buffer_compressed = slice(&payload, pos + 40, block_size)?;

        // Test block hash
        let block_hash_check = calculate_sha256(&[block_buffer_compressed])?;
        if block_hash != block_hash_check.as_slice() {
            return Err(BlockStreamError::BlockHashMismatch { block_index }.into());
        }

        // Decompress block_buffer_compressed
        buf.append(&mut block_buffer_compressed.to_vec());

        pos += 40 + block_size;
        block_index += 1;
    }

    let xml = compression.decompress(&buf)?;

    Ok((config, inner_decryptor, xml))
}
