//! TIFF image file directories: the structure of EXIF blocks and of TIFF files. Every offset
//! and count read is checked against the buffer, loops between directories are cut, and the
//! number of directories walked is capped.

use std::borrow::Cow;

use privkit_core::Error;

use crate::engine::source::Source;
use crate::engine::Found;

/// Byte order of a TIFF structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Little,
    Big,
}

impl Order {
    pub fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(match self {
            Order::Little => u16::from_le_bytes(s),
            Order::Big => u16::from_be_bytes(s),
        })
    }

    pub fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(match self {
            Order::Little => u32::from_le_bytes(s),
            Order::Big => u32::from_be_bytes(s),
        })
    }

    pub fn u64(self, b: &[u8], at: usize) -> Option<u64> {
        let s: [u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(match self {
            Order::Little => u64::from_le_bytes(s),
            Order::Big => u64::from_be_bytes(s),
        })
    }

    pub fn put64(self, out: &mut Vec<u8>, v: u64) {
        out.extend_from_slice(&match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        });
    }

    pub fn put16(self, out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        });
    }

    pub fn put32(self, out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        });
    }
}

/// Most directories a file may chain (pages, EXIF, GPS, ...).
pub const MAX_IFDS: usize = 1024;

#[derive(Debug, Clone)]
pub struct Entry {
    pub tag: u16,
    pub typ: u16,
    pub count: u32,
    /// Where the value's bytes are in the buffer (inline in the entry or at its offset).
    pub at: usize,
    pub size: usize,
}

#[derive(Debug, Clone)]
pub struct Ifd {
    pub entries: Vec<Entry>,
    pub next: u64,
}

/// Classic TIFF (32-bit offsets, 12-byte entries) or BigTIFF (64-bit offsets, 20-byte entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub order: Order,
    pub big: bool,
}

impl Layout {
    /// Bytes of a directory's entry count, of one entry, and of an offset (inline value room).
    pub fn sizes(self) -> (usize, usize, usize) {
        if self.big {
            (8, 20, 8)
        } else {
            (2, 12, 4)
        }
    }
}

/// Bytes per value of a TIFF field type (0 for unknown types).
pub fn type_size(typ: u16) -> usize {
    match typ {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 | 16 | 17 | 18 => 8,
        _ => 0,
    }
}

/// Reads the 8-byte TIFF header: byte order and the offset of the first directory.
pub fn header(buf: &[u8]) -> Result<(Order, u32), Error> {
    let order = match buf.get(..4) {
        Some(b"II*\0") => Order::Little,
        Some(b"MM\0*") => Order::Big,
        _ => return Err(Error::data("not a TIFF structure (bad byte-order mark)")),
    };
    let first = order
        .u32(buf, 4)
        .ok_or_else(|| Error::data("truncated TIFF header"))?;
    Ok((order, first))
}

/// Reads the 8-byte TIFF or 16-byte BigTIFF header: the layout and the first directory.
pub fn header_any(buf: &[u8]) -> Result<(Layout, u64), Error> {
    let (order, big) = match buf.get(..4) {
        Some(b"II*\0") => (Order::Little, false),
        Some(b"MM\0*") => (Order::Big, false),
        Some(b"II+\0") => (Order::Little, true),
        Some(b"MM\0+") => (Order::Big, true),
        _ => return Err(Error::data("not a TIFF structure (bad byte-order mark)")),
    };
    let truncated = || Error::data("truncated TIFF header");
    let first = if big {
        // Bytesize of offsets (8) and a reserved zero word, then the first offset.
        if order.u16(buf, 4) != Some(8) || order.u16(buf, 6) != Some(0) {
            return Err(Error::data("unsupported BigTIFF: offsets are not 8 bytes"));
        }
        order.u64(buf, 8).ok_or_else(truncated)?
    } else {
        order.u32(buf, 4).ok_or_else(truncated)? as u64
    };
    Ok((Layout { order, big }, first))
}

/// Reads the directory at `offset`.
pub fn read(buf: &[u8], order: Order, offset: u32) -> Result<Ifd, Error> {
    read_at(buf, Layout { order, big: false }, offset as u64)
}

/// Reads the directory at `offset` of a classic or BigTIFF structure.
pub fn read_at(buf: &[u8], layout: Layout, offset: u64) -> Result<Ifd, Error> {
    let (count_size, entry_size, room) = layout.sizes();
    let bad = |what: &str| bad_dir(offset, what);
    let off = usize::try_from(offset).map_err(|_| bad("beyond the end of the data"))?;
    let count = entry_count(buf.get(off..).unwrap_or_default(), layout, offset)?;
    let end = count
        .checked_mul(entry_size)
        .and_then(|n| n.checked_add(off + count_size))
        .filter(|&end| end.saturating_add(room) <= buf.len())
        .ok_or_else(|| bad(&format!("{count} entries do not fit")))?;
    let mut entries = Vec::with_capacity(count);
    for raw in raw_entries(&buf[off..end + room], layout, offset)? {
        let at = match raw.value {
            Value::Inline(i) => off + i,
            Value::At(v) => usize::try_from(v).unwrap_or(usize::MAX),
        };
        if raw.size == 0 || at.checked_add(raw.size).is_none_or(|end| end > buf.len()) {
            // An entry of an unknown type or pointing outside the data: kept out of the
            // result (its value cannot be read) but not fatal: cameras write broken ones.
            continue;
        }
        entries.push(raw.entry(at, raw.size));
    }
    let next = next_offset(&buf[end..end + room], layout);
    Ok(Ifd { entries, next })
}

/// Most entries one directory read from a file may have (real ones have tens; a BigTIFF count
/// is 64-bit, and the directory is read into memory).
pub const MAX_ENTRIES: usize = 65_535;
/// Values longer than this are not read whole from a file: only their first
/// [`PARTIAL_VALUE`] bytes, enough to show them (an entry whose `size` is less than
/// `count` × its type's size is such a prefix).
pub const MAX_VALUE: usize = 8 * 1024 * 1024;
pub const PARTIAL_VALUE: usize = 4096;
/// The values of one directory read from a file may not pass this (entries may point at the
/// same bytes: without a bound, 65,535 of them would read 65,535 times [`MAX_VALUE`]).
pub const MAX_DIR_VALUES: usize = 32 * 1024 * 1024;

/// Reads the directory at `offset` of a file by bounded reads (the file is not read whole: a
/// BigTIFF may be gigabytes of image data around a few kilobytes of directories): its entries
/// point into the returned buffer, which holds their values one after another (inline ones
/// too), so every reader of an [`Ifd`] works on it as on a whole structure. A value longer than
/// [`MAX_VALUE`] is read as its first [`PARTIAL_VALUE`] bytes.
pub fn load_at(src: &Source, layout: Layout, offset: u64) -> Result<(Ifd, Vec<u8>), Error> {
    let (count_size, entry_size, room) = layout.sizes();
    let bad = |what: &str| bad_dir(offset, what);
    if offset >= src.len() {
        return Err(bad("beyond the end of the data"));
    }
    let head = src.read_upto(offset, count_size as u64)?;
    let count = entry_count(&head, layout, offset)?;
    if count > MAX_ENTRIES {
        return Err(Error::data(format!(
            "unsupported TIFF: the directory at offset {offset} has {count} entries (at most {MAX_ENTRIES})"
        )));
    }
    let len = (count_size + count * entry_size + room) as u64;
    if offset.saturating_add(len) > src.len() {
        return Err(bad(&format!("{count} entries do not fit")));
    }
    let block = src.read(offset, len, "TIFF directory")?;
    let mut values = Vec::new();
    let mut entries = Vec::with_capacity(count);
    for raw in raw_entries(&block, layout, offset)? {
        let at = values.len();
        let size = match raw.value {
            Value::Inline(i) => {
                values.extend_from_slice(&block[i..i + raw.size]);
                raw.size
            }
            Value::At(v) => {
                if raw.size == 0 || v.checked_add(raw.size as u64).is_none_or(|end| end > src.len()) {
                    continue;
                }
                let size = if raw.size > MAX_VALUE {
                    PARTIAL_VALUE
                } else {
                    raw.size
                };
                if values.len() + size > MAX_DIR_VALUES {
                    return Err(Error::data(format!(
                        "unsupported TIFF: the values of the directory at offset {offset} pass {MAX_DIR_VALUES} bytes"
                    )));
                }
                values.extend_from_slice(&src.read(v, size as u64, "TIFF value")?);
                size
            }
        };
        if raw.size == 0 {
            continue;
        }
        entries.push(raw.entry(at, size));
    }
    let next = next_offset(&block[block.len() - room..], layout);
    Ok((Ifd { entries, next }, values))
}

fn bad_dir(offset: u64, what: &str) -> Error {
    Error::data(format!("corrupt TIFF directory at offset {offset}: {what}"))
}

/// The entry count at the start of `b` (a directory at `offset`).
fn entry_count(b: &[u8], layout: Layout, offset: u64) -> Result<usize, Error> {
    let count = if layout.big {
        layout.order.u64(b, 0)
    } else {
        layout.order.u16(b, 0).map(u64::from)
    }
    .ok_or_else(|| bad_dir(offset, "beyond the end of the data"))?;
    usize::try_from(count).map_err(|_| bad_dir(offset, &format!("{count} entries do not fit")))
}

/// The offset of the next directory, from the `room` bytes after the entries.
fn next_offset(b: &[u8], layout: Layout) -> u64 {
    if layout.big {
        layout.order.u64(b, 0).unwrap_or(0)
    } else {
        layout.order.u32(b, 0).unwrap_or(0) as u64
    }
}

/// Where an entry's value is: inline, at this position of the directory's bytes, or at this
/// offset of the structure.
enum Value {
    Inline(usize),
    At(u64),
}

/// An entry as written; `size` 0 for a type of unknown size.
struct RawEntry {
    tag: u16,
    typ: u16,
    count: u32,
    size: usize,
    value: Value,
}

impl RawEntry {
    /// The entry, its value (or `size` bytes of it) at `at`.
    fn entry(&self, at: usize, size: usize) -> Entry {
        Entry {
            tag: self.tag,
            typ: self.typ,
            count: self.count,
            at,
            size,
        }
    }
}

/// The entries of the directory whose bytes (count, entries, next offset) are `block`.
fn raw_entries(block: &[u8], layout: Layout, offset: u64) -> Result<Vec<RawEntry>, Error> {
    let order = layout.order;
    let (count_size, entry_size, room) = layout.sizes();
    let bad = |what: &str| bad_dir(offset, what);
    let count = (block.len() - count_size - room) / entry_size;
    let mut entries = Vec::with_capacity(count);
    for i in 0..count {
        let e = count_size + i * entry_size;
        let tag = order.u16(block, e).unwrap_or(0);
        let typ = order.u16(block, e + 2).unwrap_or(0);
        let n = if layout.big {
            order.u64(block, e + 4).unwrap_or(u64::MAX)
        } else {
            order.u32(block, e + 4).unwrap_or(0) as u64
        };
        let Ok(n) = u32::try_from(n) else {
            return Err(bad(&format!("tag {tag} claims {n} values")));
        };
        let size = (n as usize)
            .checked_mul(type_size(typ))
            .ok_or_else(|| bad("value too large"))?;
        let value = e + 4 + room;
        let value = if size <= room {
            Value::Inline(value)
        } else if layout.big {
            Value::At(order.u64(block, value).unwrap_or(u64::MAX))
        } else {
            Value::At(order.u32(block, value).unwrap_or(u32::MAX) as u64)
        };
        entries.push(RawEntry {
            tag,
            typ,
            count: n,
            size,
            value,
        });
    }
    Ok(entries)
}

impl Ifd {
    pub fn get(&self, tag: u16) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }
}

impl Entry {
    pub fn bytes<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        &buf[self.at..self.at + self.size]
    }

    /// The i-th value as an unsigned integer (BYTE, SHORT, LONG, IFD).
    pub fn uint(&self, buf: &[u8], order: Order, i: usize) -> Option<u32> {
        if i >= self.count as usize {
            return None;
        }
        match self.typ {
            1 | 7 => buf.get(self.at + i).map(|&b| b as u32),
            3 => order.u16(buf, self.at + i * 2).map(u32::from),
            4 | 13 => order.u32(buf, self.at + i * 4),
            _ => None,
        }
    }

    /// The i-th value as a 64-bit unsigned integer (also LONG8 and IFD8, BigTIFF's offsets).
    pub fn uint64(&self, buf: &[u8], order: Order, i: usize) -> Option<u64> {
        match self.typ {
            16 | 18 if i < self.count as usize => order.u64(buf, self.at + i * 8),
            _ => self.uint(buf, order, i).map(u64::from),
        }
    }

    /// All values as 64-bit unsigned integers (for offsets and counts).
    pub fn uints64(&self, buf: &[u8], order: Order) -> Option<Vec<u64>> {
        (0..self.count as usize)
            .map(|i| self.uint64(buf, order, i))
            .collect()
    }

    /// All values as unsigned integers (for offsets and counts).
    pub fn uints(&self, buf: &[u8], order: Order) -> Option<Vec<u32>> {
        (0..self.count as usize)
            .map(|i| self.uint(buf, order, i))
            .collect()
    }

    /// A readable rendering of the value, for --show.
    pub fn display(&self, buf: &[u8], order: Order) -> String {
        let bytes = self.bytes(buf);
        match self.typ {
            2 => crate::engine::summary(bytes),
            3 | 4 | 1 if self.count <= 8 => (0..self.count as usize)
                .filter_map(|i| self.uint(buf, order, i))
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            5 | 10 if self.count <= 4 => (0..self.count as usize)
                .filter_map(|i| {
                    Some(format!(
                        "{}/{}",
                        order.u32(buf, self.at + i * 8)?,
                        order.u32(buf, self.at + i * 8 + 4)?
                    ))
                })
                .collect::<Vec<_>>()
                .join(" "),
            _ => crate::engine::summary(bytes),
        }
    }
}

/// Lists every tag of an EXIF/TIFF structure (IFD0, EXIF, GPS, Interop and the thumbnail
/// directory), for --show.
pub fn list(buf: &[u8], kind: &str) -> Vec<Found> {
    let Ok((order, first)) = header(buf) else {
        return vec![Found::new(kind, "(unreadable)", format!("{} bytes", buf.len()))];
    };
    list_from(buf, order, vec![(first, "IFD0")], kind)
}

/// Lists the tags of the directories in `queue` and of those they point to.
pub fn list_from(buf: &[u8], order: Order, queue: Vec<(u32, &'static str)>, kind: &str) -> Vec<Found> {
    let queue = queue.into_iter().map(|(o, d)| (o as u64, d)).collect();
    list_at(buf, Layout { order, big: false }, queue, kind)
}

/// [`list_from`] for a classic or BigTIFF structure.
pub fn list_at(buf: &[u8], layout: Layout, queue: Vec<(u64, &'static str)>, kind: &str) -> Vec<Found> {
    let read = |offset| {
        read_at(buf, layout, offset)
            .ok()
            .map(|ifd| (ifd, Cow::Borrowed(buf)))
    };
    list_with(read, layout.order, queue, kind)
}

/// [`list_at`] for a file read by bounded reads ([`load_at`]): a maker note's offsets from the
/// start of the structure then point nowhere, and only what the note holds itself is listed.
pub fn list_source(src: &Source, layout: Layout, queue: Vec<(u64, &'static str)>, kind: &str) -> Vec<Found> {
    let read = |offset| {
        load_at(src, layout, offset)
            .ok()
            .map(|(ifd, v)| (ifd, Cow::Owned(v)))
    };
    list_with(read, layout.order, queue, kind)
}

/// Lists the directories in `queue` and those they point to, each read by `read` (the
/// directory and the buffer its entries point into).
fn list_with<'a>(
    read: impl Fn(u64) -> Option<(Ifd, Cow<'a, [u8]>)>,
    order: Order,
    mut queue: Vec<(u64, &'static str)>,
    kind: &str,
) -> Vec<Found> {
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while let Some((offset, dir)) = queue.pop() {
        if offset == 0 || !seen.insert(offset) || seen.len() > MAX_IFDS {
            continue;
        }
        let Some((ifd, buf)) = read(offset) else {
            continue;
        };
        let buf = buf.as_ref();
        for e in &ifd.entries {
            match e.tag {
                0x8769 => queue.push((e.uint64(buf, order, 0).unwrap_or(0), "ExifIFD")),
                0x8825 => queue.push((e.uint64(buf, order, 0).unwrap_or(0), "GPS")),
                0xa005 => queue.push((e.uint64(buf, order, 0).unwrap_or(0), "Interop")),
                0x927c => {
                    found.push(Found::new(
                        format!("{kind} {dir}"),
                        "MakerNote",
                        e.display(buf, order),
                    ));
                    found.extend(maker_note(buf, order, e, kind));
                }
                _ => found.push(Found::new(
                    format!("{kind} {dir}"),
                    tag_name(dir, e.tag),
                    match dir {
                        "GPS" => gps_value(&ifd, e, buf, order),
                        _ if e.tag == 0x9286 => user_comment(e.bytes(buf)),
                        _ => None,
                    }
                    .unwrap_or_else(|| e.display(buf, order)),
                )),
            }
        }
        if dir == "IFD0" && ifd.next != 0 {
            found.push(Found::new(
                kind.to_string(),
                "Thumbnail",
                "IFD1 (embedded preview image)",
            ));
            queue.push((ifd.next, "IFD1"));
        }
    }
    found
}

/// GPS positions as people and maps read them: latitude and longitude in signed decimal
/// degrees (south and west negative, from the Ref tags), altitude in metres (below sea level
/// negative), the time of day as hh:mm:ss.
fn gps_value(ifd: &Ifd, e: &Entry, buf: &[u8], order: Order) -> Option<String> {
    let rationals = |e: &Entry| -> Option<Vec<f64>> {
        if !matches!(e.typ, 5 | 10) {
            return None;
        }
        (0..e.count as usize)
            .map(|i| {
                let (n, d) = (order.u32(buf, e.at + i * 8)?, order.u32(buf, e.at + i * 8 + 4)?);
                let (n, d) = if e.typ == 10 {
                    (n as i32 as f64, d as i32 as f64)
                } else {
                    (n as f64, d as f64)
                };
                Some(if d == 0.0 { 0.0 } else { n / d })
            })
            .collect()
    };
    let reference = |tag: u16| ifd.get(tag).and_then(|r| r.bytes(buf).first().copied());
    match e.tag {
        2 | 4 => {
            let v = rationals(e)?;
            let degrees = v.first()? + v.get(1).unwrap_or(&0.0) / 60.0 + v.get(2).unwrap_or(&0.0) / 3600.0;
            let negative = matches!(reference(e.tag - 1), Some(b'S' | b's' | b'W' | b'w'));
            let text = format!("{:.6}", if negative { -degrees } else { degrees });
            Some(text.trim_end_matches('0').trim_end_matches('.').to_string())
        }
        6 => {
            let metres = *rationals(e)?.first()?;
            let below = ifd.get(5).and_then(|r| r.uint(buf, order, 0)) == Some(1);
            Some(format!("{:.1} m", if below { -metres } else { metres }))
        }
        7 => {
            let v = rationals(e)?;
            let (h, m, s) = (v.first()?, v.get(1)?, v.get(2)?);
            Some(format!("{:02}:{:02}:{:02}", *h as u32, *m as u32, *s as u32))
        }
        _ => None,
    }
}

/// The text a camera's maker note holds (serial numbers, lens, owner, firmware), for --show:
/// the maker note is a directory in one of a few layouts (Canon's bare, Nikon's with its own
/// TIFF header, Olympus', Panasonic's, Sigma's and Pentax's behind an identifier, offsets from
/// the EXIF block or from the note). Each layout is tried; of those whose directory reads
/// whole, the one giving the most values is listed (a directory also reads whole with the
/// wrong offset base, Motorola's and Olympus' then giving only their short inline values):
/// its text values, and Canon's numeric serial number. Nothing is listed when none fits (the
/// note is still removed whole, and listed as MakerNote).
fn maker_note(buf: &[u8], order: Order, e: &Entry, kind: &str) -> Vec<Found> {
    let note = e.bytes(buf);
    let own_tiff = note.starts_with(b"Nikon\0\x02");
    let pentax = note.starts_with(b"AOC\0") || note.starts_with(b"PENTAX \0");
    let ricoh = note.starts_with(b"Ricoh") || note.starts_with(b"RICOH");
    let header = [0usize, 6, 8, 10, 12, 14, 18];
    let mut tries: Vec<(&[u8], Order, usize)> = Vec::new();
    if own_tiff {
        if let (Some(tiff), Ok((o, first))) = (note.get(10..), header_of(note.get(10..))) {
            tries.push((tiff, o, first as usize));
        }
    }
    for h in header {
        for o in [order, other(order)] {
            // Offsets from the EXIF block (Canon, Panasonic) or from the note (Olympus, Sigma).
            tries.push((buf, o, e.at + h));
            tries.push((note, o, h));
        }
    }
    let mut best: Vec<Found> = Vec::new();
    for (data, o, at) in tries {
        let Some(count) = o.u16(data, at) else { continue };
        if count == 0 || count > 500 {
            continue;
        }
        let Ok(ifd) = read(data, o, at as u32) else {
            continue;
        };
        if ifd.entries.len() != count as usize {
            continue;
        }
        let mut found = Vec::new();
        let mut dirs = vec![ifd];
        let mut seen = 0;
        while let Some(dir) = dirs.pop() {
            seen += 1;
            for x in &dir.entries {
                match x.typ {
                    2 => {
                        let text = crate::engine::summary(x.bytes(data));
                        if !text.trim().is_empty() && !text.starts_with('(') {
                            found.push(maker_found(kind, x.tag, text.trim()));
                        }
                    }
                    // Canon's SerialNumber is a number.
                    4 if x.tag == 0x000c && x.count == 1 && !own_tiff => {
                        if let Some(v) = x.uint(data, o, 0) {
                            found.push(maker_found(kind, x.tag, &v.to_string()));
                        }
                    }
                    // Pentax's CameraInfo: model id, manufacture date, production code (2),
                    // then the internal serial number.
                    4 if x.tag == 0x0215 && x.count == 5 && pentax => {
                        if let Some(v) = x.uint(data, o, 4) {
                            found.push(maker_found(kind, x.tag, &v.to_string()));
                        }
                    }
                    // Ricoh's internal serial number: 16 bytes, read as hexadecimal.
                    7 if x.tag == 0x0005 && x.size == 16 && ricoh => {
                        let hex: String = x.bytes(data).iter().map(|b| format!("{b:02x}")).collect();
                        found.push(maker_found(kind, x.tag, &hex));
                    }
                    // A sub-directory (Olympus' Equipment): pointed to, or inline (type 7).
                    13 | 4 | 7 if seen < 8 && matches!(x.tag, 0x2010 | 0x2020) => {
                        let at = if x.typ == 7 {
                            Some(x.at as u32)
                        } else {
                            x.uint(data, o, 0)
                        };
                        if let Some(sub) = at.and_then(|at| read(data, o, at).ok()) {
                            dirs.push(sub);
                        }
                    }
                    // Text stored as bytes (Panasonic's and Ricoh's internal serial numbers).
                    7 if (4..=64).contains(&x.size) => {
                        let bytes = x.bytes(data);
                        let text = bytes.split(|&b| b == 0).next().unwrap_or_default();
                        if text.len() >= 4
                            && text
                                .iter()
                                .all(|b| b.is_ascii_alphanumeric() || b" -_.#/".contains(b))
                        {
                            found.push(maker_found(kind, x.tag, String::from_utf8_lossy(text).trim()));
                        }
                    }
                    _ => {}
                }
            }
        }
        if found.len() > best.len() {
            best = found;
        }
    }
    best
}

fn header_of(data: Option<&[u8]>) -> Result<(Order, u32), Error> {
    header(data.unwrap_or_default())
}

fn other(order: Order) -> Order {
    match order {
        Order::Little => Order::Big,
        Order::Big => Order::Little,
    }
}

/// A maker-note value: the camera's own tags, device data whatever their name.
fn maker_found(kind: &str, tag: u16, value: &str) -> Found {
    Found::new(format!("{kind} MakerNote"), format!("Tag0x{tag:04x}"), value)
        .in_category(crate::engine::Category::Device)
}

/// EXIF's UserComment: an 8-byte character set (ASCII, UNICODE, JIS or none), then the text.
fn user_comment(bytes: &[u8]) -> Option<String> {
    let (charset, text) = (bytes.get(..8)?, bytes.get(8..)?);
    let text = match charset {
        b"UNICODE\0" => {
            let units: Vec<u16> = text
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => String::from_utf8_lossy(text).into_owned(),
    };
    let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    Some(crate::engine::summary(text.as_bytes()))
}

/// Names of the tags people care about; others are shown by number.
pub fn tag_name(dir: &str, tag: u16) -> String {
    let name = if dir == "GPS" {
        match tag {
            0 => "GPSVersionID",
            1 => "GPSLatitudeRef",
            2 => "GPSLatitude",
            3 => "GPSLongitudeRef",
            4 => "GPSLongitude",
            5 => "GPSAltitudeRef",
            6 => "GPSAltitude",
            7 => "GPSTimeStamp",
            8 => "GPSSatellites",
            9 => "GPSStatus",
            10 => "GPSMeasureMode",
            11 => "GPSDOP",
            12 => "GPSSpeedRef",
            13 => "GPSSpeed",
            14 => "GPSTrackRef",
            15 => "GPSTrack",
            16 => "GPSImgDirectionRef",
            17 => "GPSImgDirection",
            18 => "GPSMapDatum",
            19 => "GPSDestLatitudeRef",
            20 => "GPSDestLatitude",
            21 => "GPSDestLongitudeRef",
            22 => "GPSDestLongitude",
            23 => "GPSDestBearingRef",
            24 => "GPSDestBearing",
            25 => "GPSDestDistanceRef",
            26 => "GPSDestDistance",
            27 => "GPSProcessingMethod",
            28 => "GPSAreaInformation",
            29 => "GPSDateStamp",
            30 => "GPSDifferential",
            31 => "GPSHPositioningError",
            _ => "",
        }
    } else {
        match tag {
            0x0100 => "ImageWidth",
            0x0101 => "ImageHeight",
            0x0103 => "Compression",
            0x8822 => "ExposureProgram",
            0x9290 => "SubSecTime",
            0x9291 => "SubSecTimeOriginal",
            0x9292 => "SubSecTimeDigitized",
            0xa300 => "FileSource",
            0xa301 => "SceneType",
            0xa401 => "CustomRendered",
            0xa402 => "ExposureMode",
            0xa403 => "WhiteBalance",
            0xa405 => "FocalLengthIn35mmFormat",
            0xa406 => "SceneCaptureType",
            0xa40b => "DeviceSettingDescription",
            0xa432 => "LensSpecification",
            0x011a => "XResolution",
            0x011b => "YResolution",
            0x0128 => "ResolutionUnit",
            0x0213 => "YCbCrPositioning",
            0x829a => "ExposureTime",
            0x829d => "FNumber",
            0x8827 => "ISO",
            0x9000 => "ExifVersion",
            0x9010 => "OffsetTime",
            0x9011 => "OffsetTimeOriginal",
            0x9101 => "ComponentsConfiguration",
            0x9201 => "ShutterSpeedValue",
            0x9202 => "ApertureValue",
            0x9204 => "ExposureBiasValue",
            0x9207 => "MeteringMode",
            0x9209 => "Flash",
            0x920a => "FocalLength",
            0xa000 => "FlashpixVersion",
            0xa001 => "ColorSpace",
            0xa002 => "PixelXDimension",
            0xa003 => "PixelYDimension",
            0x010e => "ImageDescription",
            0x010f => "Make",
            0x0110 => "Model",
            0x0112 => "Orientation",
            0x0131 => "Software",
            0x0132 => "DateTime",
            0x013b => "Artist",
            0x013c => "HostComputer",
            0x8298 => "Copyright",
            0x9003 => "DateTimeOriginal",
            0x9004 => "DateTimeDigitized",
            0x927c => "MakerNote",
            0x9286 => "UserComment",
            0xa420 => "ImageUniqueID",
            0xa430 => "CameraOwnerName",
            0xa431 => "BodySerialNumber",
            0xa433 => "LensMake",
            0xa434 => "LensModel",
            0xa435 => "LensSerialNumber",
            0x0201 => "ThumbnailOffset",
            0x0202 => "ThumbnailLength",
            0x02bc => "XMP",
            0x83bb => "IPTC",
            0x8773 => "ICC_Profile",
            0x8649 => "PhotoshopSettings",
            _ => "",
        }
    };
    if name.is_empty() {
        format!("Tag0x{tag:04x}")
    } else {
        name.to_string()
    }
}

/// The Orientation (1-8) of an EXIF block, if it has a valid one.
pub fn orientation(tiff: &[u8]) -> Option<u16> {
    let (order, first) = header(tiff).ok()?;
    let ifd = read(tiff, order, first).ok()?;
    let v = ifd.get(0x0112)?.uint(tiff, order, 0)? as u16;
    (1..=8).contains(&v).then_some(v)
}

/// A TIFF structure holding nothing but the Orientation tag (big-endian, 26 bytes).
pub fn minimal_orientation(value: u16) -> Vec<u8> {
    let mut out = b"MM\0*".to_vec();
    let o = Order::Big;
    o.put32(&mut out, 8);
    o.put16(&mut out, 1);
    o.put16(&mut out, 0x0112);
    o.put16(&mut out, 3);
    o.put32(&mut out, 1);
    o.put16(&mut out, value);
    o.put16(&mut out, 0);
    o.put32(&mut out, 0);
    out
}

/// True when an EXIF TIFF structure already is exactly [`minimal_orientation`]'s shape: one
/// directory with the Orientation tag and nothing else.
pub fn is_minimal(tiff: &[u8]) -> bool {
    let Ok((order, first)) = header(tiff) else {
        return false;
    };
    let Ok(ifd) = read(tiff, order, first) else {
        return false;
    };
    ifd.next == 0 && ifd.entries.len() == 1 && ifd.entries[0].tag == 0x0112
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_orientation_round_trips() {
        let t = minimal_orientation(6);
        assert_eq!(t.len(), 26);
        assert_eq!(orientation(&t), Some(6));
        assert!(is_minimal(&t));
        let listed = list(&t, "EXIF");
        assert_eq!(listed, vec![Found::new("EXIF IFD0", "Orientation", "6")]);
    }

    /// A Canon-style maker note (a bare directory, offsets from the EXIF block): its serial
    /// numbers are listed, as device data.
    #[test]
    fn maker_note_serials_are_listed() {
        let o = Order::Big;
        let mut note = Vec::new();
        // The note at 44: SerialNumber (LONG) and InternalSerialNumber (ASCII at 74).
        o.put16(&mut note, 2);
        for v in [0x000c, 4] {
            o.put16(&mut note, v);
        }
        o.put32(&mut note, 1);
        o.put32(&mut note, 500292);
        for v in [0x0096, 2] {
            o.put16(&mut note, v);
        }
        o.put32(&mut note, 8);
        o.put32(&mut note, 74);
        o.put32(&mut note, 0);
        note.extend_from_slice(b"G002669\0");
        let t = with_maker_note(&note);
        let found = list(&t, "EXIF");
        let values: Vec<&str> = found
            .iter()
            .filter(|f| f.kind == "EXIF MakerNote")
            .map(|f| f.value.as_str())
            .collect();
        assert_eq!(values, ["500292", "G002669"], "{found:?}");
        assert!(found
            .iter()
            .filter(|f| f.kind == "EXIF MakerNote")
            .all(|f| f.category == Some(crate::engine::Category::Device)));
        for cut in 0..t.len() {
            let _ = list(&t[..cut], "EXIF");
        }
    }

    /// An EXIF block whose ExifIFD holds `note` as its MakerNote (big-endian; the note at 44).
    fn with_maker_note(note: &[u8]) -> Vec<u8> {
        let o = Order::Big;
        let mut t = b"MM\0*".to_vec();
        o.put32(&mut t, 8);
        for v in [1u16, 0x8769, 4] {
            o.put16(&mut t, v);
        }
        o.put32(&mut t, 1);
        o.put32(&mut t, 26);
        o.put32(&mut t, 0);
        for v in [1u16, 0x927c, 7] {
            o.put16(&mut t, v);
        }
        o.put32(&mut t, note.len() as u32);
        o.put32(&mut t, 44);
        o.put32(&mut t, 0);
        t.extend_from_slice(note);
        t
    }

    fn maker_values(t: &[u8]) -> Vec<String> {
        list(t, "EXIF")
            .into_iter()
            .filter(|f| f.kind == "EXIF MakerNote")
            .map(|f| f.value)
            .collect()
    }

    /// Motorola's note (and Olympus'): offsets from the note, after an 8-byte header. Read
    /// from the EXIF block, the directory also reads whole, giving only the short inline value;
    /// the layout that gives the serial number wins.
    #[test]
    fn maker_note_layout_giving_most_values_is_listed() {
        let o = Order::Big;
        let mut note = b"MOT\0\x01\x01\x01\x01".to_vec();
        o.put16(&mut note, 2);
        for v in [0x5501u16, 2] {
            o.put16(&mut note, v);
        }
        o.put32(&mut note, 11);
        o.put32(&mut note, 38); // from the note
        for v in [0x6410u16, 2] {
            o.put16(&mut note, v);
        }
        o.put32(&mut note, 3);
        note.extend_from_slice(b"NO\0\0");
        o.put32(&mut note, 0);
        note.extend_from_slice(b"NX0A3S0075\0");
        let t = with_maker_note(&note);
        assert_eq!(maker_values(&t), ["NX0A3S0075", "NO"]);
    }

    /// Pentax's internal serial number is the fifth number of CameraInfo; Ricoh's is 16 bytes
    /// read as hexadecimal (as exiftool prints them).
    #[test]
    fn pentax_and_ricoh_internal_serial_numbers_are_listed() {
        let o = Order::Big;
        let mut note = b"AOC\0MM".to_vec();
        o.put16(&mut note, 1);
        for v in [0x0215u16, 4] {
            o.put16(&mut note, v);
        }
        o.put32(&mut note, 5);
        o.put32(&mut note, 68); // from the EXIF block
        o.put32(&mut note, 0);
        for v in [76830u32, 20070913, 2, 1, 132352] {
            o.put32(&mut note, v);
        }
        assert_eq!(maker_values(&with_maker_note(&note)), ["132352"]);
        let mut note = b"Ricoh\0\0\0".to_vec();
        o.put16(&mut note, 1);
        for v in [0x0005u16, 7] {
            o.put16(&mut note, v);
        }
        o.put32(&mut note, 16);
        o.put32(&mut note, 70);
        o.put32(&mut note, 0);
        note.extend_from_slice(b"\0\0\0\0\0\0\0\x01\x22\x07\0\0\x03\x10\x09\x57");
        assert_eq!(
            maker_values(&with_maker_note(&note)),
            ["00000000000000012207000003100957"]
        );
    }

    #[test]
    fn user_comments_lose_their_character_set() {
        assert_eq!(user_comment(b"ASCII\0\0\0Hello  \0").as_deref(), Some("Hello"));
        assert_eq!(user_comment(b"UNICODE\0\0H\0i").as_deref(), Some("Hi"));
        assert_eq!(user_comment(b"\0\0\0\0\0\0\0\0      ").as_deref(), Some(""));
        assert_eq!(user_comment(b"ASCII"), None);
    }

    #[test]
    fn hostile_directories_do_not_panic() {
        // A directory that claims 65535 entries, offsets beyond the end, a self loop.
        let mut t = b"II*\0\x08\0\0\0\xff\xff".to_vec();
        t.extend_from_slice(&[0; 16]);
        assert!(read(&t, Order::Little, 8).is_err());
        let looped = b"II*\0\x08\0\0\0\x00\x00\x08\0\0\0".to_vec();
        assert!(list(&looped, "EXIF").iter().all(|f| f.name != "x"));
        for cut in 0..t.len() {
            let _ = list(&t[..cut], "EXIF");
            let _ = orientation(&t[..cut]);
        }
    }

    #[test]
    fn bigtiff_directories_read_in_both_byte_orders() {
        // Header, then at 16 one entry: ImageWidth LONG8 = 64 (inline), next = 0.
        let mut le = b"II+\0\x08\0\0\0".to_vec();
        le.extend_from_slice(&16u64.to_le_bytes());
        le.extend_from_slice(&1u64.to_le_bytes());
        le.extend_from_slice(&256u16.to_le_bytes());
        le.extend_from_slice(&16u16.to_le_bytes());
        le.extend_from_slice(&1u64.to_le_bytes());
        le.extend_from_slice(&64u64.to_le_bytes());
        le.extend_from_slice(&0u64.to_le_bytes());
        let mut be = b"MM\0+\0\x08\0\0".to_vec();
        for (v, n) in [(16u64, 8), (1, 8), (256, 2), (16, 2), (1, 8), (64, 8), (0, 8)] {
            be.extend_from_slice(&v.to_be_bytes()[8 - n..]);
        }
        for b in [le, be] {
            let (layout, first) = header_any(&b).unwrap();
            assert!(layout.big);
            let dir = read_at(&b, layout, first).unwrap();
            assert_eq!(dir.next, 0);
            assert_eq!(dir.get(256).unwrap().uint64(&b, layout.order, 0), Some(64));
            for cut in 0..b.len() {
                if let Ok((layout, first)) = header_any(&b[..cut]) {
                    let _ = read_at(&b[..cut], layout, first);
                }
            }
        }
    }

    #[test]
    fn absurd_bigtiff_counts_are_errors() {
        let mut b = b"II+\0\x08\0\0\0".to_vec();
        b.extend_from_slice(&16u64.to_le_bytes());
        b.extend_from_slice(&u64::MAX.to_le_bytes());
        b.extend_from_slice(&[0; 40]);
        let (layout, first) = header_any(&b).unwrap();
        assert!(read_at(&b, layout, first).is_err());
    }
}
