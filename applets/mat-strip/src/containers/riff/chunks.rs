//! One level of chunks: a four-byte id, a 32-bit size (little-endian in RIFF, big-endian in
//! IFF), the data, and a pad byte after odd sizes.

use privkit_core::Error;

use crate::bytes::{be32, le32};
use crate::engine::source::{truncated, Source};

/// More chunks than any real file has at one level: a list of millions of empty chunks would
/// otherwise cost memory in proportion to the file.
const MAX_CHUNKS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// RIFF, RF64, BW64.
    Little,
    /// IFF: AIFF, AIFC.
    Big,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub id: [u8; 4],
    /// Offset of the chunk's header.
    pub at: u64,
    /// Size of its data (without header and pad byte).
    pub size: u64,
}

impl Chunk {
    /// Offset of the data.
    pub fn data(&self) -> u64 {
        self.at + 8
    }

    /// Header, data and pad byte.
    pub fn total(&self) -> u64 {
        8 + self.size + (self.size & 1)
    }

    /// The id as text, for messages and findings.
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.id).trim_end().to_string()
    }
}

/// The chunks from `start` to `end`. `size_of` may replace a 32-bit size (RF64's data chunk
/// says 0xFFFFFFFF and its real size is in ds64). A size past `end`, or an odd-sized chunk
/// whose pad byte is missing, is an error naming `what`.
pub fn walk(
    src: &Source,
    start: u64,
    end: u64,
    order: Order,
    what: &str,
    size_of: &dyn Fn(&[u8; 4], u64) -> u64,
) -> Result<Vec<Chunk>, Error> {
    let mut chunks = Vec::new();
    let mut pos = start;
    while pos < end {
        if end - pos < 8 {
            return Err(Error::data(format!(
                "corrupt {what}: {} stray bytes at the end of the chunk list",
                end - pos
            )));
        }
        let head = src.read(pos, 8, &format!("{what}: chunk header"))?;
        let id = [head[0], head[1], head[2], head[3]];
        let raw = match order {
            Order::Little => le32(&head, 4),
            Order::Big => be32(&head, 4),
        } as u64;
        let chunk = Chunk {
            id,
            at: pos,
            size: size_of(&id, raw),
        };
        let name = String::from_utf8_lossy(&id).into_owned();
        if chunk.data() + chunk.size > end {
            return Err(truncated(
                &format!("{what}: '{name}' chunk"),
                end - chunk.data(),
                chunk.size,
            ));
        }
        if pos + chunk.total() > end {
            return Err(Error::data(format!(
                "corrupt {what}: the pad byte after the odd-sized '{name}' chunk is missing"
            )));
        }
        if chunks.len() >= MAX_CHUNKS {
            return Err(Error::data(format!(
                "corrupt {what}: more than {MAX_CHUNKS} chunks"
            )));
        }
        chunks.push(chunk);
        pos += chunk.total();
    }
    Ok(chunks)
}

/// The header of a chunk of `size` bytes, for a writer.
pub fn header(id: &[u8; 4], size: u32, order: Order) -> [u8; 8] {
    let mut h = [0u8; 8];
    h[..4].copy_from_slice(id);
    h[4..].copy_from_slice(&match order {
        Order::Little => size.to_le_bytes(),
        Order::Big => size.to_be_bytes(),
    });
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(_: &[u8; 4], n: u64) -> u64 {
        n
    }

    #[test]
    fn walks_and_checks_sizes_and_padding() {
        let src = Source::Memory(b"abcd\x01\0\0\0x\0efgh\0\0\0\0".to_vec());
        let c = walk(&src, 0, 18, Order::Little, "T", &same).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!((c[1].id, c[1].at, c[1].size), (*b"efgh", 10, 0));
        let e = walk(&src, 0, 9, Order::Little, "T", &same).unwrap_err();
        assert!(e.to_string().contains("pad byte"), "{e}");
        let src = Source::Memory(b"abcd\0\0\0\x09x".to_vec());
        let e = walk(&src, 0, 9, Order::Big, "T", &same).unwrap_err();
        assert!(e.to_string().contains("truncated T: 'abcd' chunk"), "{e}");
    }
}
