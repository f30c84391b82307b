//! The cleaned file, described as a sequence of new bytes and ranges of the input. Writing it
//! moves the ranges with copy_file_range (inside the kernel, or a reflink on filesystems that
//! share extents), so the image data is never copied through this process.

use std::fs::File;
use std::io::{self, Seek, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use super::source::Source;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Bytes(Vec<u8>),
    /// `len` bytes of the input starting at `offset`.
    Range {
        offset: u64,
        len: u64,
    },
    /// Output built on disk rather than in memory (a compressed tar): the whole spool file.
    Spool(Spool, u64),
    /// `len` bytes of the input starting at `offset`, with the `holes` (input offsets, sorted,
    /// disjoint, inside the range) written as zeros: data wiped in place, so nothing after it
    /// moves and the range is still copied in one call whatever the number of holes.
    Wiped {
        offset: u64,
        len: u64,
        holes: Vec<(u64, u64)>,
    },
    /// `n` zero bytes (the emptied contents of a `free` box): written from one small static
    /// buffer, never built in memory whatever their number.
    Zeros(u64),
}

/// What zeros are written from.
static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];

/// An anonymous temporary file holding a piece of the output, so that output which cannot be
/// ranges of the input (a compressor's) is not held in memory whatever its size.
#[derive(Clone)]
pub struct Spool(Arc<File>);

impl Spool {
    /// A new, empty spool file (deleted when the last handle goes).
    pub fn new() -> io::Result<Spool> {
        tempfile::tempfile().map(|f| Spool(Arc::new(f)))
    }

    /// The file, to write the piece into (a fresh handle on the same open file).
    pub fn writer(&self) -> io::Result<File> {
        self.0.try_clone()
    }
}

impl std::fmt::Debug for Spool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Spool")
    }
}

/// Two spools are the same piece only if they are the same file.
impl PartialEq for Spool {
    fn eq(&self, other: &Spool) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Spool {}

/// The page size whose offsets a big copied range keeps (see `page_pad`).
pub const PAGE: u64 = 4096;

/// The body size of a padding element (of `header` bytes of header) written at output offset
/// `out` so that what follows it lands at the same offset modulo a page as at `input` in the
/// input; `None` when it already does. The kernel's copy_file_range is slower when source and
/// destination offsets differ modulo the page size (ext4: 200 MB in 68 ms aligned, 80-86 ms
/// not), and a format that drops metadata before its big range would otherwise shift it by an
/// odd amount. The result is below `PAGE`, so a format's padding always fits.
pub fn page_pad(out: u64, input: u64, header: u64) -> Option<u64> {
    if out % PAGE == input % PAGE {
        return None;
    }
    Some(input.wrapping_sub(out).wrapping_sub(header) % PAGE)
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    pieces: Vec<Piece>,
}

impl Plan {
    pub fn new() -> Plan {
        Plan::default()
    }

    pub fn bytes(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if let Some(Piece::Bytes(last)) = self.pieces.last_mut() {
            last.extend_from_slice(bytes);
        } else {
            self.pieces.push(Piece::Bytes(bytes.to_vec()));
        }
    }

    /// Appends bytes already built (a whole rewritten document), without copying them when
    /// they start a new piece.
    pub fn owned_bytes(&mut self, bytes: Vec<u8>) {
        match self.pieces.last_mut() {
            _ if bytes.is_empty() => {}
            Some(Piece::Bytes(last)) => last.extend_from_slice(&bytes),
            _ => self.pieces.push(Piece::Bytes(bytes)),
        }
    }

    /// Appends a range of the input; contiguous ranges are merged into one.
    pub fn range(&mut self, offset: u64, len: u64) {
        if len == 0 {
            return;
        }
        if let Some(Piece::Range { offset: o, len: l }) = self.pieces.last_mut() {
            if *o + *l == offset {
                *l += len;
                return;
            }
        }
        self.pieces.push(Piece::Range { offset, len });
    }

    /// Appends `n` zero bytes.
    pub fn zeros(&mut self, n: u64) {
        match self.pieces.last_mut() {
            _ if n == 0 => {}
            Some(Piece::Zeros(m)) => *m += n,
            _ => self.pieces.push(Piece::Zeros(n)),
        }
    }

    /// Appends the whole of a spool file, once it is written.
    pub fn spool(&mut self, spool: Spool) -> io::Result<()> {
        let len = spool.0.metadata()?.len();
        if len > 0 {
            self.pieces.push(Piece::Spool(spool, len));
        }
        Ok(())
    }

    /// Appends a range of the input with some ranges inside it (`holes`: start and end in the
    /// input) replaced by zeros of the same length. Holes are clipped to the range, sorted and
    /// merged; without any this is [`Plan::range`].
    pub fn range_wiped(&mut self, offset: u64, len: u64, holes: &[(u64, u64)]) {
        let end = offset.saturating_add(len);
        let mut clipped: Vec<(u64, u64)> = holes
            .iter()
            .map(|&(s, e)| (s.max(offset), e.min(end)))
            .filter(|(s, e)| s < e)
            .collect();
        clipped.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(clipped.len());
        for (s, e) in clipped {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        if merged.is_empty() {
            self.range(offset, len);
        } else if len > 0 {
            self.pieces.push(Piece::Wiped {
                offset,
                len,
                holes: merged,
            });
        }
    }

    /// Appends another plan's pieces.
    pub fn extend(&mut self, other: Plan) {
        for piece in other.pieces {
            match piece {
                Piece::Bytes(b) => self.owned_bytes(b),
                Piece::Range { offset, len } => self.range(offset, len),
                spool @ Piece::Spool(..) => self.pieces.push(spool),
                Piece::Wiped { offset, len, holes } => self.range_wiped(offset, len, &holes),
                Piece::Zeros(n) => self.zeros(n),
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> u64 {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Bytes(b) => b.len() as u64,
                Piece::Range { len, .. }
                | Piece::Spool(_, len)
                | Piece::Wiped { len, .. }
                | Piece::Zeros(len) => *len,
            })
            .sum()
    }

    /// Checks every range against the length of the input it was planned from: a cleaner that
    /// trusted a length field too far is an error here (65), not a panic or a short file when
    /// the plan is written.
    pub fn check(&self, input_len: u64) -> Result<(), privkit_core::Error> {
        for piece in &self.pieces {
            if let Piece::Range { offset, len } | Piece::Wiped { offset, len, .. } = piece {
                if offset.checked_add(*len).is_none_or(|end| end > input_len) {
                    return Err(privkit_core::Error::data(format!(
                        "corrupt file: {len} bytes at offset {offset} run past its end ({input_len} bytes)"
                    )));
                }
            }
        }
        Ok(())
    }

    /// True when the plan reproduces the input exactly (nothing was changed).
    pub fn is_identity(&self, input_len: u64) -> bool {
        matches!(self.pieces.as_slice(), [Piece::Range { offset: 0, len }] if *len == input_len)
    }

    /// Writes the cleaned file to `out` (a fresh file, written from its start).
    pub fn write_to_file(&self, src: &Source, out: &mut std::fs::File) -> io::Result<()> {
        use std::io::Seek;
        use std::os::unix::fs::FileExt;
        for piece in &self.pieces {
            match (piece, src) {
                (Piece::Bytes(b), _) => out.write_all(b)?,
                (Piece::Zeros(n), _) => write_zeros(out, *n)?,
                (Piece::Spool(spool, len), _) => copy_range(&spool.0, 0, *len, out)?,
                (Piece::Range { offset, len }, Source::File { file, .. }) => {
                    copy_range(file, *offset, *len, out)?
                }
                (Piece::Wiped { offset, len, holes }, Source::File { file, .. })
                    if super::mapped::write_wiped(file, *offset, *len, holes, &ZEROS, out)? => {}
                (Piece::Wiped { offset, len, holes }, Source::File { file, .. }) => {
                    // Where the input cannot be mapped: the whole range in one copy, then each
                    // hole overwritten where it landed.
                    let at = out.stream_position()?;
                    copy_range(file, *offset, *len, out)?;
                    for &(s, e) in holes {
                        let mut pos = s;
                        while pos < e {
                            let n = (e - pos).min(ZEROS.len() as u64);
                            out.write_all_at(&ZEROS[..n as usize], at + (pos - offset))?;
                            pos += n;
                        }
                    }
                }
                (_, Source::Memory(_)) => self.write_piece(piece, src, out)?,
            }
        }
        out.flush()
    }

    /// Writes the cleaned file to a stream (standard output).
    pub fn write_to(&self, src: &Source, out: &mut dyn Write) -> io::Result<()> {
        for piece in &self.pieces {
            self.write_piece(piece, src, out)?;
        }
        out.flush()
    }

    /// Writes one piece through memory, a megabyte at a time.
    fn write_piece(&self, piece: &Piece, src: &Source, out: &mut dyn Write) -> io::Result<()> {
        let (offset, len, holes) = match piece {
            Piece::Bytes(b) => return out.write_all(b),
            Piece::Zeros(n) => return write_zeros(out, *n),
            Piece::Spool(spool, len) => {
                let mut buf = vec![0u8; (*len).min(1 << 20) as usize];
                let mut pos = 0;
                while pos < *len {
                    let n = (*len - pos).min(buf.len() as u64) as usize;
                    spool.0.read_exact_at(&mut buf[..n], pos)?;
                    out.write_all(&buf[..n])?;
                    pos += n as u64;
                }
                return Ok(());
            }
            Piece::Range { offset, len } => (*offset, *len, &[][..]),
            Piece::Wiped { offset, len, holes } => (*offset, *len, holes.as_slice()),
        };
        let mut pos = offset;
        let end = offset.saturating_add(len);
        while pos < end {
            let chunk = (end - pos).min(1 << 20);
            let mut data = src
                .read(pos, chunk, "data")
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            // The holes are sorted: those reaching into this chunk start at the first ending
            // past its start.
            let first = holes.partition_point(|&(_, e)| e <= pos);
            for &(s, e) in holes[first..].iter().take_while(|&&(s, _)| s < pos + chunk) {
                let (a, b) = (s.max(pos) - pos, e.min(pos + chunk) - pos);
                data[a as usize..b as usize].fill(0);
            }
            out.write_all(&data)?;
            pos += chunk;
        }
        Ok(())
    }
}

/// Writes `n` zeros from the static buffer.
fn write_zeros(out: &mut dyn Write, mut n: u64) -> io::Result<()> {
    while n > 0 {
        let k = n.min(ZEROS.len() as u64) as usize;
        out.write_all(&ZEROS[..k])?;
        n -= k as u64;
    }
    Ok(())
}

/// How much of a big range to copy on its own first, so that the rest starts on a 64 KiB
/// boundary of the output. Without a reflink the kernel copies a range 64 KiB at a time (one
/// pipe's worth of page-cache pages); pieces that start off such a boundary of the output
/// fill smaller page-cache folios, partly: copying 200 MB took 67 ms where `cp` took 55 ms,
/// and 55 ms again with this first piece. Only worth it where input and output stand at the
/// same place of a page (the formats pad their output to keep big ranges so: `page_pad`).
fn splice_lead(offset: u64, len: u64, out: &mut File) -> io::Result<u64> {
    const SPLICE: u64 = 64 << 10;
    if len < 4 * SPLICE {
        return Ok(0);
    }
    let at = out.stream_position()?;
    if offset.wrapping_sub(at) % PAGE != 0 {
        return Ok(0);
    }
    Ok(((SPLICE - at % SPLICE) % SPLICE).min(len))
}

/// Copies a range of `input` to the current position of `out`: copy_file_range first, plain
/// reads and writes where the kernel or filesystem cannot (EXDEV on old kernels, EINVAL, ...).
fn copy_range(input: &File, offset: u64, len: u64, out: &mut File) -> io::Result<()> {
    let mut off_in = offset;
    let mut left = len;
    let mut lead = splice_lead(offset, len, out)?;
    while left > 0 {
        let want = if lead > 0 { lead } else { left.min(1 << 30) } as usize;
        lead = 0;
        match rustix::fs::copy_file_range(input.as_fd(), Some(&mut off_in), out.as_fd(), None, want) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "input shrank while being cleaned",
                ))
            }
            Ok(n) => left -= n as u64,
            Err(_) => break,
        }
    }
    let mut buf = vec![0u8; left.min(1 << 20) as usize];
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        input.read_exact_at(&mut buf[..n], off_in)?;
        out.write_all(&buf[..n])?;
        off_in += n as u64;
        left -= n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_range_on_the_same_place_of_a_page_is_led_to_a_64k_boundary_of_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = File::create(dir.path().join("out")).unwrap();
        out.write_all(&[0; 4622]).unwrap();
        // Same place of a page (16910 - 4622 = 3 pages): the rest starts at 65536.
        assert_eq!(splice_lead(16910, 1 << 30, &mut out).unwrap(), 65536 - 4622);
        // Not on the same place of a page, or too small to matter: no first piece.
        assert_eq!(splice_lead(16911, 1 << 30, &mut out).unwrap(), 0);
        assert_eq!(splice_lead(16910, 1000, &mut out).unwrap(), 0);
        // Already on a boundary.
        out.write_all(&vec![0; 65536 - 4622]).unwrap();
        assert_eq!(splice_lead(4096 * 7, 1 << 30, &mut out).unwrap(), 0);
    }

    #[test]
    fn page_pad_lands_the_next_byte_on_the_input_offset_modulo_a_page() {
        assert_eq!(page_pad(100, 4196, 4), None);
        for (out, input, header) in [(100, 5000, 4), (5000, 100, 8), (0, 4, 4), (7, 8, 8), (8, 12, 8)] {
            let n = page_pad(out, input, header).unwrap_or_default();
            assert!(n < PAGE);
            assert_eq!((out + header + n) % PAGE, input % PAGE, "{out} {input} {header}");
        }
    }

    #[test]
    fn ranges_merge_and_identity_is_detected() {
        let mut p = Plan::new();
        p.range(0, 10);
        p.range(10, 5);
        assert!(p.is_identity(15));
        p.bytes(b"x");
        p.bytes(b"y");
        assert_eq!(p.pieces.len(), 2);
        assert_eq!(p.len(), 17);
    }

    /// Regression: write_to_file sliced the input with the plan's ranges unchecked.
    #[test]
    fn ranges_past_the_input_are_refused() {
        let mut p = Plan::new();
        p.range(2, 3);
        assert!(p.check(5).is_ok());
        assert!(p.check(4).is_err());
        p.range(u64::MAX, 2);
        assert!(p.check(u64::MAX).is_err());
        let mut f = tempfile::tempfile().unwrap();
        let src = Source::Memory(b"0123".to_vec());
        assert!(p.write_to_file(&src, &mut f).is_err());
    }

    #[test]
    fn wiped_ranges_are_zeroed_in_place() {
        let mut p = Plan::new();
        p.bytes(b"<");
        p.range_wiped(1, 8, &[(7, 12), (2, 3), (3, 4), (20, 30)]);
        assert_eq!(p.len(), 9);
        assert!(p.check(9).is_ok());
        assert!(p.check(8).is_err());
        let want = b"<1\x00\x00456\x00\x00";
        let mut out = Vec::new();
        p.write_to(&Source::Memory(b"0123456789".to_vec()), &mut out)
            .unwrap();
        assert_eq!(out, want);
        let mut t = tempfile::tempfile().unwrap();
        t.write_all(b"0123456789").unwrap();
        let src = Source::file(t, 10).unwrap();
        let mut f = tempfile::tempfile().unwrap();
        p.write_to_file(&src, &mut f).unwrap();
        use std::io::{Read, Seek};
        f.rewind().unwrap();
        let mut got = Vec::new();
        f.read_to_end(&mut got).unwrap();
        assert_eq!(got, want);
        let mut q = Plan::new();
        q.range_wiped(0, 4, &[(9, 10)]);
        assert!(q.is_identity(4));
    }

    #[test]
    fn writes_pieces_in_order() {
        let src = Source::Memory(b"0123456789".to_vec());
        let mut p = Plan::new();
        p.range(2, 3);
        p.bytes(b"--");
        p.range(8, 2);
        let mut out = Vec::new();
        p.write_to(&src, &mut out).unwrap();
        assert_eq!(out, b"234--89");
        let mut f = tempfile::tempfile().unwrap();
        let file_src = {
            let mut t = tempfile::tempfile().unwrap();
            t.write_all(b"0123456789").unwrap();
            let len = t.metadata().unwrap().len();
            Source::file(t, len).unwrap()
        };
        p.write_to_file(&file_src, &mut f).unwrap();
        use std::io::{Read, Seek};
        f.rewind().unwrap();
        let mut got = Vec::new();
        f.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"234--89");
    }

    #[test]
    fn spooled_pieces_are_written_in_place() {
        let spool = Spool::new().unwrap();
        spool.writer().unwrap().write_all(b"spooled").unwrap();
        let src = Source::Memory(b"0123".to_vec());
        let mut p = Plan::new();
        p.range(0, 2);
        p.spool(spool).unwrap();
        p.bytes(b"!");
        assert_eq!(p.len(), 10);
        let mut out = Vec::new();
        p.write_to(&src, &mut out).unwrap();
        assert_eq!(out, b"01spooled!");
        let mut f = tempfile::tempfile().unwrap();
        p.write_to_file(&src, &mut f).unwrap();
        let mut got = vec![0; 10];
        f.read_exact_at(&mut got, 0).unwrap();
        assert_eq!(got, b"01spooled!");
    }
}
