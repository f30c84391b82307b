//! The input being cleaned: a file read with positioned reads (so the image data itself need
//! not pass through memory), or a buffer (standard input). Every read is checked against the
//! real size, so a length field that lies ends in an error, never an over-read or a huge
//! allocation.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;

use privkit_core::Error;

pub enum Source {
    /// `head` holds the file's first bytes (up to [`HEAD`]), read once: the structure a cleaner
    /// walks is almost always there, and a small file is read whole with one call.
    File {
        file: File,
        len: u64,
        head: Vec<u8>,
    },
    Memory(Vec<u8>),
}

/// How much of a file is read up front.
const HEAD: u64 = 256 * 1024;

impl Source {
    /// A file of `len` bytes (from the metadata the caller already has).
    pub fn file(file: File, len: u64) -> std::io::Result<Source> {
        // Read into reserved capacity rather than into a zeroed buffer: zeroing the whole of a
        // small file before reading it over was a tenth of a batch of MP3s' user time.
        let want = len.min(HEAD) as usize;
        let mut head = Vec::with_capacity(want);
        while head.len() < want {
            let at = head.len() as u64;
            match rustix::io::pread(&file, rustix::buffer::spare_capacity(&mut head), at) {
                Ok(0) => return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof)),
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Source::File { file, len, head })
    }

    /// Reads everything from a stream (standard input).
    pub fn read_all(mut input: impl Read) -> std::io::Result<Source> {
        let mut buf = Vec::new();
        input.read_to_end(&mut buf)?;
        Ok(Source::Memory(buf))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> u64 {
        match self {
            Source::File { len, .. } => *len,
            Source::Memory(b) => b.len() as u64,
        }
    }

    /// Reads `len` bytes at `offset`; an error naming `what` if the input ends first.
    pub fn read(&self, offset: u64, len: u64, what: &str) -> Result<Vec<u8>, Error> {
        let end = offset.checked_add(len).ok_or_else(|| truncated(what, 0, len))?;
        if end > self.len() {
            return Err(truncated(what, self.len().saturating_sub(offset), len));
        }
        match self {
            Source::Memory(b) => Ok(b[offset as usize..end as usize].to_vec()),
            Source::File { head, .. } if end <= head.len() as u64 => {
                Ok(head[offset as usize..end as usize].to_vec())
            }
            Source::File { file, .. } => {
                let mut buf = vec![0; len as usize];
                file.read_exact_at(&mut buf, offset).map_err(|e| {
                    Error::new(privkit_core::Code::IoErr, privkit_core::error::io_message(&e))
                })?;
                Ok(buf)
            }
        }
    }

    /// Reads up to `len` bytes at `offset` (fewer at the end of the input).
    pub fn read_upto(&self, offset: u64, len: u64) -> Result<Vec<u8>, Error> {
        let avail = self.len().saturating_sub(offset).min(len);
        self.read(offset, avail, "data")
    }

    /// [`Source::read_upto`] without a copy where the bytes are in memory already (a buffer, or
    /// the head of a file: all of a small file). For walks over many windows of a file, such
    /// as MP3's frame walk, which would otherwise copy most of a small file once more.
    pub fn read_upto_borrowed(&self, offset: u64, len: u64) -> Result<std::borrow::Cow<'_, [u8]>, Error> {
        let avail = self.len().saturating_sub(offset).min(len);
        match self.cached(offset) {
            Some(mem) if avail > 0 && avail <= mem.len() as u64 => {
                Ok(std::borrow::Cow::Borrowed(&mem[..avail as usize]))
            }
            _ => self.read_upto(offset, len).map(std::borrow::Cow::Owned),
        }
    }

    /// The bytes at `offset..` as far as they are already in memory (a buffer, or the head of a
    /// file), without copying; None beyond that.
    pub fn cached(&self, offset: u64) -> Option<&[u8]> {
        let mem = match self {
            Source::Memory(b) => b.as_slice(),
            Source::File { head, .. } => head.as_slice(),
        };
        mem.get(offset as usize..).filter(|s| !s.is_empty())
    }

    /// Fills `buf` from `offset` as far as the input goes; returns how many bytes were read.
    /// (The JPEG scan search reuses one buffer rather than allocating one per chunk.)
    pub fn read_into(&self, offset: u64, buf: &mut [u8]) -> Result<usize, Error> {
        let n = self.len().saturating_sub(offset).min(buf.len() as u64) as usize;
        if n == 0 {
            // At or past the end (an offset from a length field that lies): nothing to read,
            // and no slice to take.
            return Ok(0);
        }
        let start = offset as usize;
        let end = start + n;
        match self {
            Source::Memory(b) => buf[..n].copy_from_slice(&b[start..end]),
            Source::File { head, .. } if end <= head.len() => buf[..n].copy_from_slice(&head[start..end]),
            Source::File { file, .. } => file
                .read_exact_at(&mut buf[..n], offset)
                .map_err(|e| Error::new(privkit_core::Code::IoErr, privkit_core::error::io_message(&e)))?,
        }
        Ok(n)
    }

    /// The whole input, for formats whose structure is interleaved with their data (GIF,
    /// TIFF, SVG). Bounded by the input's real size.
    pub fn read_whole(&self) -> Result<Vec<u8>, Error> {
        self.read(0, self.len(), "file")
    }

    /// The beginning of the input, for sniffing: what is read up front (a small zip's central
    /// directory is there too, which is how a re-zipped ODF is told from OOXML).
    pub fn head(&self) -> Result<Vec<u8>, Error> {
        Ok(self.head_bytes().to_vec())
    }

    /// What [`Source::head`] returns, without a copy (a file's head is already in memory).
    pub fn head_bytes(&self) -> &[u8] {
        match self {
            Source::File { head, .. } => head,
            Source::Memory(b) => &b[..b.len().min(HEAD as usize)],
        }
    }
}

/// A `Read + Seek` view of a source (for readers that want a stream, such as the zip crate's):
/// positioned reads, so a file is read only where the reader looks. Cloned, it reads on from
/// the same place independently (a zip archive opened once, read by several threads).
#[derive(Clone)]
pub struct Reader<'a> {
    src: &'a Source,
    pos: u64,
    /// Read ahead, at `buf_at` (empty, or no room, when unbuffered): many small reads (a zip
    /// central directory's headers) become one per `buf`'s capacity.
    buf: Vec<u8>,
    buf_at: u64,
}

impl Source {
    pub fn reader(&self) -> Reader<'_> {
        self.buffered_reader(0)
    }

    /// A reader that reads ahead `capacity` bytes at a time (kept across seeks, unlike
    /// `std::io::BufReader`'s buffer, and cloned with the reader).
    pub fn buffered_reader(&self, capacity: usize) -> Reader<'_> {
        Reader {
            src: self,
            pos: 0,
            buf: Vec::with_capacity(capacity),
            buf_at: 0,
        }
    }
}

impl Read for Reader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let fail = |e: Error| std::io::Error::other(e.to_string());
        let capacity = self.buf.capacity();
        if out.len() >= capacity {
            let n = self.src.read_into(self.pos, out).map_err(fail)?;
            self.pos += n as u64;
            return Ok(n);
        }
        let end = self.buf_at + self.buf.len() as u64;
        if self.pos < self.buf_at || self.pos >= end {
            self.buf.resize(capacity, 0);
            let n = self.src.read_into(self.pos, &mut self.buf).map_err(fail)?;
            self.buf.truncate(n);
            self.buf_at = self.pos;
        }
        let from = (self.pos - self.buf_at) as usize;
        let n = out.len().min(self.buf.len().saturating_sub(from));
        out[..n].copy_from_slice(&self.buf[from..from + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for Reader<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            std::io::SeekFrom::Start(n) => Some(n),
            std::io::SeekFrom::End(d) => self.src.len().checked_add_signed(d),
            std::io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

/// `truncated PNG: IDAT chunk ends after 812 of 4096 bytes`, from `what` = `PNG: IDAT chunk`.
pub fn truncated(what: &str, got: u64, want: u64) -> Error {
    Error::data(format!("truncated {what} ends after {got} of {want} bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Borrowed from the head of a file, read beyond it, cut at the end: the bytes `read_upto`
    /// gives in every case.
    #[test]
    fn read_upto_borrowed_is_read_upto_without_the_copy() {
        use std::borrow::Cow;
        use std::io::Write;
        let data: Vec<u8> = (0..(HEAD as u32 + 5000)).map(|i| (i % 253) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&data).unwrap();
        let src = Source::file(file, data.len() as u64).unwrap();
        for (offset, len) in [
            (0, 10),
            (HEAD - 4, 4),
            (HEAD - 4, 8),
            (HEAD + 10, 100),
            (data.len() as u64 - 3, 10),
            (data.len() as u64 + 9, 4),
        ] {
            let got = src.read_upto_borrowed(offset, len);
            let want = src.read_upto(offset, len);
            assert_eq!(got.map(|g| g.to_vec()).ok(), want.ok(), "{offset} {len}");
            let Ok(got) = src.read_upto_borrowed(offset, len) else {
                continue;
            };
            let in_head = offset + len <= HEAD;
            assert_eq!(
                matches!(got, Cow::Borrowed(_)),
                in_head && !got.is_empty(),
                "{offset} {len}"
            );
        }
    }

    /// The head is the file's first bytes; a file shorter than its metadata said (it shrank
    /// meanwhile) is an error, not a head padded with anything.
    #[test]
    fn the_head_is_read_whole_or_not_at_all() {
        use std::io::Write;
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"0123456789").unwrap();
        let src = Source::file(file.try_clone().unwrap(), 10).unwrap();
        assert_eq!(src.head_bytes(), b"0123456789");
        let err = Source::file(file, 20).err().unwrap();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }

    /// Regression: an offset beyond the end sliced `b[offset..end]` with offset > end: a panic.
    #[test]
    fn read_into_past_the_end_reads_nothing() {
        let mut buf = [0u8; 8];
        let src = Source::Memory(b"0123".to_vec());
        assert_eq!(src.read_into(100, &mut buf).unwrap(), 0);
        assert_eq!(src.read_into(4, &mut buf).unwrap(), 0);
        assert_eq!(src.read_into(2, &mut buf).unwrap(), 2);
        assert_eq!(&buf[..2], b"23");
        let mut t = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut t, b"0123").unwrap();
        let src = Source::file(t, 4).unwrap();
        assert_eq!(src.read_into(100, &mut buf).unwrap(), 0);
    }

    /// The read-ahead buffer gives the bytes at the position, after seeks both ways and at
    /// the end, for reads smaller and larger than itself.
    #[test]
    fn buffered_reads_follow_seeks() {
        use std::io::{Seek, SeekFrom};
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let src = Source::Memory(data.clone());
        let mut r = src.buffered_reader(64);
        let mut got = [0u8; 10];
        r.read_exact(&mut got).unwrap();
        assert_eq!(got[..], data[..10]);
        r.seek(SeekFrom::Start(990)).unwrap();
        let mut rest = Vec::new();
        r.clone().read_to_end(&mut rest).unwrap();
        assert_eq!(rest, data[990..]);
        r.seek(SeekFrom::Start(5)).unwrap();
        let mut big = [0u8; 100];
        r.read_exact(&mut big).unwrap();
        assert_eq!(big[..], data[5..105]);
        r.seek(SeekFrom::Start(60)).unwrap();
        r.read_exact(&mut got).unwrap();
        assert_eq!(got[..], data[60..70]);
        let mut all = Vec::new();
        src.buffered_reader(64).read_to_end(&mut all).unwrap();
        assert_eq!(all, data);
    }
}
