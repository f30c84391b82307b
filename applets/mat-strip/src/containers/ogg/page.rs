//! One Ogg page: a 27-byte header (capture pattern, version, flags, granule position, serial,
//! sequence number, CRC, segment count), the lacing table, then the body. Packets are cut from
//! the bodies by the lacing values: a value below 255 ends a packet.

use privkit_core::Error;

use super::crc;
use crate::bytes::le32;
use crate::engine::source::{truncated, Source};

/// The fixed part of the header.
pub const FIXED: u64 = 27;
/// Flags.
pub const CONTINUED: u8 = 1;
pub const BOS: u8 = 2;
pub const EOS: u8 = 4;
/// Granule position of a page on which no packet ends.
pub const NO_GRANULE: u64 = u64::MAX;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Offset of the capture pattern.
    pub at: u64,
    pub flags: u8,
    pub granule: u64,
    pub serial: u32,
    pub seq: u32,
    pub crc: u32,
    pub lacing: Vec<u8>,
}

impl Page {
    pub fn header_len(&self) -> u64 {
        FIXED + self.lacing.len() as u64
    }

    pub fn body_len(&self) -> u64 {
        self.lacing.iter().map(|&l| l as u64).sum()
    }

    /// Header and body.
    pub fn size(&self) -> u64 {
        self.header_len() + self.body_len()
    }

    pub fn body_at(&self) -> u64 {
        self.at + self.header_len()
    }

    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// The header as written, with `seq` and `crc` in it.
    fn header(&self, seq: u32, crc: u32) -> Vec<u8> {
        let mut h = Vec::with_capacity(self.header_len() as usize);
        h.extend_from_slice(b"OggS\0");
        h.push(self.flags);
        h.extend_from_slice(&self.granule.to_le_bytes());
        h.extend_from_slice(&self.serial.to_le_bytes());
        h.extend_from_slice(&seq.to_le_bytes());
        h.extend_from_slice(&crc.to_le_bytes());
        h.push(self.lacing.len() as u8);
        h.extend_from_slice(&self.lacing);
        h
    }

    /// The header with sequence number `seq`, its CRC updated from the old one (the body is
    /// not read: it has not changed).
    pub fn renumbered(&self, seq: u32) -> Vec<u8> {
        let crc = crc::patch(
            self.crc,
            self.size(),
            18,
            self.seq.to_le_bytes(),
            seq.to_le_bytes(),
        );
        self.header(seq, crc)
    }

    /// Checks the CRC against the body (read by the caller).
    pub fn check(&self, body: &[u8], what: &str) -> Result<(), Error> {
        let computed = crc::update(crc::update(0, &self.header(self.seq, 0)), body);
        if computed != self.crc {
            return Err(Error::data(format!(
                "corrupt {what}: bad CRC on page {} of stream {} at offset {}",
                self.seq, self.serial, self.at
            )));
        }
        Ok(())
    }
}

/// The page at `at`: its header checked (capture pattern, version, lacing table and body within
/// the input); the body is not read.
pub fn read(src: &Source, at: u64, what: &str) -> Result<Page, Error> {
    Pages::new(src).read(at, what)
}

/// As [`read`], but None where the bytes at `at` do not start with the capture pattern (the
/// end of the pages).
pub fn peek(src: &Source, at: u64, what: &str) -> Result<Option<Page>, Error> {
    Pages::new(src).peek(at, what)
}

/// What the header of a page the input ends inside shows, where it is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub flags: Option<u8>,
    pub serial: Option<u32>,
    /// The page, when its header (lacing table included) is whole.
    pub page: Option<Page>,
}

/// How much of the input a [`Pages`] reads at once: a few dozen pages of a typical stream.
const WINDOW: u64 = 256 << 10;

/// Pages read through a window of the input: walking a long stream (a header of a few dozen
/// bytes every few KiB) costs one read per window, not one per page. Bodies are read only when
/// asked for (header pages), from the window where they are in it.
pub struct Pages<'a> {
    src: &'a Source,
    /// Where `buf` starts in the input.
    at: u64,
    buf: Vec<u8>,
}

impl<'a> Pages<'a> {
    pub fn new(src: &'a Source) -> Pages<'a> {
        Pages {
            src,
            at: 0,
            buf: Vec::new(),
        }
    }

    pub fn len(&self) -> u64 {
        self.src.len()
    }

    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
    }

    /// Up to `len` bytes at `at` (fewer at the end of the input), from the window, which moves
    /// to `at` when they are not all in it.
    fn bytes(&mut self, at: u64, len: u64) -> Result<&[u8], Error> {
        let want_end = at.saturating_add(len).min(self.src.len());
        let have_end = self.at + self.buf.len() as u64;
        if at < self.at || want_end > have_end {
            self.buf = self.src.read_upto(at, len.max(WINDOW))?;
            self.at = at;
        }
        let start = (at - self.at) as usize;
        let end = (want_end.max(at) - self.at) as usize;
        Ok(&self.buf[start..end])
    }

    /// The page at `at`: its header checked; the body is not read.
    pub fn read(&mut self, at: u64, what: &str) -> Result<Page, Error> {
        self.peek(at, what)?
            .ok_or_else(|| Error::data(format!("corrupt {what}: no Ogg page at offset {at}")))
    }

    /// As [`Pages::read`], but None where the bytes at `at` do not start with the capture
    /// pattern (the end of the pages).
    pub fn peek(&mut self, at: u64, what: &str) -> Result<Option<Page>, Error> {
        let len = self.src.len();
        let h = self.bytes(at, FIXED + 255)?;
        parse(h, at, len, what)
    }

    /// The page at `at` if the input ends inside it (a file cut short): the bytes there are
    /// the capture pattern or as much of it as is left, with a valid version and flags where
    /// they are, and its header or body runs past the end. None for a whole page, or bytes
    /// that are not a page.
    pub fn cut(&mut self, at: u64) -> Result<Option<Cut>, Error> {
        let len = self.src.len();
        let h = self.bytes(at, FIXED + 255)?;
        let magic = &h[..h.len().min(4)];
        if h.is_empty()
            || !b"OggS".starts_with(magic)
            || h.get(4).is_some_and(|&v| v != 0)
            || h.get(5).is_some_and(|&f| f & !(CONTINUED | BOS | EOS) != 0)
        {
            return Ok(None);
        }
        // The whole header, where it is there (a page cut in its body).
        let page = h.get(FIXED as usize - 1).and_then(|&n| {
            let lacing = h.get(FIXED as usize..FIXED as usize + n as usize)?;
            Some(Page {
                at,
                flags: h[5],
                granule: u64::from_le_bytes(h[6..14].try_into().unwrap_or_default()),
                serial: le32(h, 14),
                seq: le32(h, 18),
                crc: le32(h, 22),
                lacing: lacing.to_vec(),
            })
        });
        if page.as_ref().is_some_and(|p| p.at + p.size() <= len) {
            return Ok(None);
        }
        Ok(Some(Cut {
            flags: h.get(5).copied(),
            serial: (h.len() >= 18).then(|| le32(h, 14)),
            page,
        }))
    }

    /// A page's body.
    pub fn body(&mut self, p: &Page) -> Result<Vec<u8>, Error> {
        let body = self.bytes(p.body_at(), p.body_len())?;
        if body.len() as u64 != p.body_len() {
            return Err(truncated("Ogg: page", body.len() as u64, p.body_len()));
        }
        Ok(body.to_vec())
    }
}

/// A page header from `h`, the bytes at `at` (up to its longest header) of an input of
/// `input_len` bytes.
fn parse(h: &[u8], at: u64, input_len: u64, what: &str) -> Result<Option<Page>, Error> {
    if !h.starts_with(b"OggS") {
        return Ok(None);
    }
    if h.len() < FIXED as usize {
        return Err(truncated(&format!("{what}: page header"), h.len() as u64, FIXED));
    }
    if h[4] != 0 {
        return Err(Error::data(format!(
            "corrupt {what}: Ogg page of unknown version {} at offset {at}",
            h[4]
        )));
    }
    let n = h[26] as usize;
    let lacing = h
        .get(FIXED as usize..FIXED as usize + n)
        .ok_or_else(|| {
            truncated(
                &format!("{what}: lacing table"),
                (h.len() - FIXED as usize) as u64,
                n as u64,
            )
        })?
        .to_vec();
    let page = Page {
        at,
        flags: h[5],
        granule: u64::from_le_bytes(h[6..14].try_into().unwrap_or_default()),
        serial: le32(h, 14),
        seq: le32(h, 18),
        crc: le32(h, 22),
        lacing,
    };
    if page.flags & !(CONTINUED | BOS | EOS) != 0 {
        return Err(Error::data(format!(
            "corrupt {what}: unknown page flags {:#04x} at offset {at}",
            page.flags
        )));
    }
    let end = page.body_at() + page.body_len();
    if end > input_len {
        return Err(truncated(
            &format!("{what}: page at offset {at}"),
            input_len - page.body_at().min(input_len),
            page.body_len(),
        ));
    }
    Ok(Some(page))
}

/// Cuts packets out of one page's body: bytes continue `partial` until a lacing value below
/// 255 ends a packet, which goes to `done`. Returns how many lacing values were used when
/// `done` reached `want` packets (the rest of the page is not consumed), or all of them.
pub fn packets(
    page: &Page,
    body: &[u8],
    partial: &mut Vec<u8>,
    done: &mut Vec<Vec<u8>>,
    want: usize,
) -> usize {
    let mut pos = 0usize;
    for (i, &l) in page.lacing.iter().enumerate() {
        if done.len() >= want {
            return i;
        }
        let end = (pos + l as usize).min(body.len());
        partial.extend_from_slice(&body[pos..end]);
        pos = end;
        if l < 255 {
            done.push(std::mem::take(partial));
        }
    }
    page.lacing.len()
}

/// New pages holding `packets` whole, for stream `serial` from sequence number `seq`: 255
/// lacing values a page at most, the first page flagged `first` (BOS or nothing), the last
/// `last` (EOS or nothing). A page on which a packet ends has granule position `granule`.
/// Returns the pages, each whole.
pub fn write(packets: &[Vec<u8>], serial: u32, seq: u32, granule: u64, first: u8, last: u8) -> Vec<Vec<u8>> {
    write_spread(packets, serial, seq, granule, first, last, 0)
}

/// Lacing values a set of packets takes.
pub fn segments(packets: &[Vec<u8>]) -> usize {
    packets.iter().map(|p| p.len() / 255 + 1).sum()
}

/// As [`write`], on at least `pages` pages when the packets have that many lacing values
/// (spread evenly), so that the pages after them keep their sequence numbers.
pub fn write_spread(
    packets: &[Vec<u8>],
    serial: u32,
    seq: u32,
    granule: u64,
    first: u8,
    last: u8,
    pages: usize,
) -> Vec<Vec<u8>> {
    // Every packet's lacing values, and which of them end a packet.
    let mut lacing: Vec<(u8, bool)> = Vec::new();
    for p in packets {
        let full = p.len() / 255;
        lacing.extend(std::iter::repeat_n((255u8, false), full));
        lacing.push(((p.len() % 255) as u8, true));
    }
    let body: Vec<u8> = packets.concat();
    let mut out = Vec::new();
    let (mut pos, mut count, mut continued) = (0usize, 0u32, false);
    let n = lacing.len().div_ceil(255).max(pages.min(lacing.len())).max(1);
    let (base, extra) = (lacing.len() / n, lacing.len() % n);
    let mut chunks: Vec<&[(u8, bool)]> = Vec::with_capacity(n);
    let mut rest = lacing.as_slice();
    for i in 0..n {
        let (chunk, tail) = rest.split_at((base + usize::from(i < extra)).min(rest.len()));
        chunks.push(chunk);
        rest = tail;
    }
    for (i, chunk) in chunks.iter().enumerate() {
        let len: usize = chunk.iter().map(|&(l, _)| l as usize).sum();
        let mut flags = if continued { CONTINUED } else { 0 };
        if i == 0 {
            flags |= first;
        }
        if i + 1 == chunks.len() {
            flags |= last;
        }
        let page = Page {
            at: 0,
            flags,
            granule: if chunk.iter().any(|&(_, end)| end) {
                granule
            } else {
                NO_GRANULE
            },
            serial,
            seq: seq.wrapping_add(count),
            crc: 0,
            lacing: chunk.iter().map(|&(l, _)| l).collect(),
        };
        let data = &body[pos..pos + len];
        let crc = crc::update(crc::update(0, &page.header(page.seq, 0)), data);
        let mut bytes = page.header(page.seq, crc);
        bytes.extend_from_slice(data);
        out.push(bytes);
        pos += len;
        count += 1;
        continued = chunk.last().is_some_and(|&(_, end)| !end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_pages_read_back_with_their_packets() {
        let sent = vec![vec![1u8; 10], vec![2u8; 255 * 300], vec![3u8; 255]];
        let written = write(&sent, 7, 1, 0, BOS, EOS);
        assert_eq!(written.len(), 2);
        let bytes = written.concat();
        let src = Source::Memory(bytes.clone());
        let (mut at, mut partial, mut done) = (0, Vec::new(), Vec::new());
        let mut seen = Vec::new();
        while at < bytes.len() as u64 {
            let p = read(&src, at, "Ogg").unwrap();
            let body = src.read(p.body_at(), p.body_len(), "body").unwrap();
            p.check(&body, "Ogg").unwrap();
            packets(&p, &body, &mut partial, &mut done, usize::MAX);
            seen.push((p.seq, p.flags, p.granule));
            at += p.size();
        }
        assert_eq!(done, sent);
        assert_eq!(seen, [(1, BOS, 0), (2, CONTINUED | EOS, 0)]);
        // A renumbered page keeps a valid CRC without its body being read again.
        let p = read(&src, 0, "Ogg").unwrap();
        let mut moved = p.renumbered(9);
        moved.extend_from_slice(&bytes[p.header_len() as usize..p.size() as usize]);
        let q = read(&Source::Memory(moved.clone()), 0, "Ogg").unwrap();
        assert_eq!(q.seq, 9);
        q.check(&moved[q.header_len() as usize..], "Ogg").unwrap();
        // Through the window: pages longer than it, read in order and out of order.
        let big: Vec<Vec<u8>> = (0..8u8).map(|i| vec![i; 65_000]).collect();
        let long = write(&big, 3, 0, 0, BOS, EOS).concat();
        let long_src = Source::Memory(long.clone());
        let mut pages = Pages::new(&long_src);
        let (mut at, mut n) = (0, 0u8);
        while let Some(p) = pages.peek(at, "Ogg").unwrap() {
            let body = pages.body(&p).unwrap();
            p.check(&body, "Ogg").unwrap();
            assert_eq!(body, vec![n; 65_000]);
            at += p.size();
            n += 1;
        }
        assert_eq!((at, n), (long.len() as u64, 8));
        assert_eq!(pages.read(0, "Ogg").unwrap().seq, 0);
        // A page the input ends inside, in its body, its header or its capture pattern; a
        // whole page, or bytes that are no page, are not cut.
        let last = read(&src, 0, "Ogg").unwrap().size() as usize;
        for cut in [bytes.len() - 1, last + 30, last + 10, last + 2] {
            let short = Source::Memory(bytes[..cut].to_vec());
            let found = Pages::new(&short).cut(last as u64).unwrap();
            assert!(found.is_some(), "cut at {cut}");
        }
        assert_eq!(Pages::new(&src).cut(0).unwrap(), None);
        let junk = Source::Memory(b"OggX".to_vec());
        assert_eq!(Pages::new(&junk).cut(0).unwrap(), None);
        let mut bad = bytes.clone();
        bad[40] ^= 1;
        let p = read(&Source::Memory(bad.clone()), 0, "Ogg").unwrap();
        assert!(p
            .check(&bad[p.header_len() as usize..p.size() as usize], "Ogg")
            .is_err());
    }
}
