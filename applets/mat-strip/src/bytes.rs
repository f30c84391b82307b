//! Reading numbers out of byte slices. `Cursor` is the checked reader the containers and tag
//! parsers use on untrusted data: every read is bounded by the slice and fails with a one-line
//! data error (exit 65) naming what was being read, never a panic. The free functions below are
//! for callers that have already checked the length (a fixed-size header read whole).

use privkit_core::Error;

/// A checked reader over a byte slice: big- or little-endian numbers, bounded sub-slices.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    /// What is being read, for the error message ("IPTC dataset", "zip central directory").
    what: &'static str,
}

impl<'a> Cursor<'a> {
    pub fn new(data: &'a [u8], what: &'static str) -> Cursor<'a> {
        Cursor { data, pos: 0, what }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The bytes not read yet, without consuming them.
    pub fn rest(&self) -> &'a [u8] {
        &self.data[self.pos..]
    }

    /// Moves to an absolute offset (at most the end).
    pub fn seek(&mut self, pos: usize) -> Result<(), Error> {
        if pos > self.data.len() {
            return Err(self.short(pos - self.pos.min(pos)));
        }
        self.pos = pos;
        Ok(())
    }

    pub fn skip(&mut self, n: usize) -> Result<(), Error> {
        self.take(n).map(|_| ())
    }

    /// The next `n` bytes, as a slice of the input.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.remaining() {
            return Err(self.short(n));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// The next `n` bytes without consuming them.
    pub fn peek(&self, n: usize) -> Result<&'a [u8], Error> {
        self.data
            .get(self.pos..self.pos.saturating_add(n))
            .ok_or_else(|| self.short(n))
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    pub fn be16(&mut self) -> Result<u16, Error> {
        self.array().map(u16::from_be_bytes)
    }

    pub fn le16(&mut self) -> Result<u16, Error> {
        self.array().map(u16::from_le_bytes)
    }

    pub fn be32(&mut self) -> Result<u32, Error> {
        self.array().map(u32::from_be_bytes)
    }

    pub fn le32(&mut self) -> Result<u32, Error> {
        self.array().map(u32::from_le_bytes)
    }

    pub fn be64(&mut self) -> Result<u64, Error> {
        self.array().map(u64::from_be_bytes)
    }

    pub fn le64(&mut self) -> Result<u64, Error> {
        self.array().map(u64::from_le_bytes)
    }

    fn short(&self, wanted: usize) -> Error {
        Error::data(format!(
            "truncated {}: {wanted} bytes wanted at offset {}, {} left",
            self.what,
            self.pos,
            self.remaining()
        ))
    }
}

/// Reads a big-endian u16/u32 from a slice known to be long enough.
pub fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

pub fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

pub fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_orders_and_refuses_past_the_end() {
        let mut c = Cursor::new(&[1, 2, 3, 4, 5, 6], "test");
        assert_eq!(c.be16().unwrap(), 0x0102);
        assert_eq!(c.le16().unwrap(), 0x0403);
        assert_eq!(c.peek(2).unwrap(), &[5, 6]);
        assert!(c.be32().is_err());
        assert_eq!(c.pos(), 4, "a failed read consumes nothing");
        assert_eq!(c.take(2).unwrap(), &[5, 6]);
        assert!(c.is_empty());
        assert!(c.u8().is_err());
        assert!(c.seek(7).is_err());
        assert!(c.peek(usize::MAX).is_err());
        let e = Cursor::new(&[0; 3], "zip record").le32().unwrap_err();
        assert!(e.to_string().contains("truncated zip record"), "{e}");
    }
}
