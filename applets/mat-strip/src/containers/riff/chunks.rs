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
    walk_to(src, start, end, order, what, size_of, false).map(|(chunks, _)| chunks)
}

/// As [`walk`] for a container whose end (`end`, from its own size) may lie past the end of
/// the input, a file cut short: the chunks up to the end of the input, and whether the last of
/// them is cut (its header whole, its data running past the input). Whether a cut chunk can be
/// cleaned is the format's call ([`cut_short`] is the error when it cannot).
pub fn walk_cut(
    src: &Source,
    start: u64,
    end: u64,
    order: Order,
    what: &str,
    size_of: &dyn Fn(&[u8; 4], u64) -> u64,
) -> Result<(Vec<Chunk>, bool), Error> {
    let cut = end > src.len();
    walk_to(src, start, end.min(src.len()), order, what, size_of, cut)
}

/// The error for chunk `c` whose data runs past `end`.
pub fn cut_short(c: &Chunk, end: u64, what: &str) -> Error {
    let name = String::from_utf8_lossy(&c.id).into_owned();
    truncated(
        &format!("{what}: '{name}' chunk"),
        end.saturating_sub(c.data()),
        c.size,
    )
}

fn walk_to(
    src: &Source,
    start: u64,
    end: u64,
    order: Order,
    what: &str,
    size_of: &dyn Fn(&[u8; 4], u64) -> u64,
    may_cut: bool,
) -> Result<(Vec<Chunk>, bool), Error> {
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
        if chunk.data() + chunk.size > end {
            // Where the input ends inside the chunk, the file may have been cut there;
            // anywhere else its size lies.
            if !may_cut {
                return Err(cut_short(&chunk, end, what));
            }
            chunks.push(chunk);
            return Ok((chunks, true));
        }
        if pos + chunk.total() > end {
            let name = String::from_utf8_lossy(&id);
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
    Ok((chunks, false))
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

    #[test]
    fn a_walk_to_a_cut_ends_inside_the_last_chunk_only_past_the_input() {
        let src = Source::Memory(b"abcd\x01\0\0\0x\0efgh\x10\0\0\0xyz".to_vec());
        // The container says 100 bytes; the input ends 3 bytes into 'efgh'.
        let (c, cut) = walk_cut(&src, 0, 100, Order::Little, "T", &same).unwrap();
        assert_eq!((c.len(), cut, c[1].size), (2, true, 16));
        // A container that ends inside the input: a chunk past its end is a size that lies.
        let e = walk_cut(&src, 0, 21, Order::Little, "T", &same).unwrap_err();
        assert!(e.to_string().contains("'efgh' chunk ends after 3 of 16"), "{e}");
        // Cut on a chunk boundary: nothing cut.
        let (c, cut) = walk_cut(&src, 0, 10, Order::Little, "T", &same).unwrap();
        assert_eq!((c.len(), cut), (1, false));
    }
}
