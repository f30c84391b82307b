//! Tar archives (ustar, pax, GNU): recognising a header, and writing normalised ones. Reading
//! is the `tar` crate's (long names and pax records merged into each member, streamed); the
//! layers around a tar (gzip, xz, bzip2, zstd) are in [`layer`]. No policy of what to keep.

pub mod layer;

/// A tar block.
pub const BLOCK: usize = 512;
/// GNU tar's record: archives are padded to a multiple of it.
const RECORD: u64 = 20 * BLOCK as u64;

/// Whether `block` is a tar header: the ustar magic (POSIX or GNU), or an old (v7) header
/// whose checksum is right.
pub fn is_header(block: &[u8]) -> bool {
    let Some(block) = block.get(..BLOCK) else {
        return false;
    };
    if block[0] == 0 {
        return false;
    }
    let magic = &block[257..263];
    let stored = octal(&block[148..156]);
    (magic == b"ustar\0" || magic == b"ustar ") && stored.is_some() || stored == Some(checksum(block))
}

fn octal(field: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(field).ok()?;
    let text = text.trim_matches(|c| c == ' ' || c == '\0');
    u64::from_str_radix(text, 8).ok()
}

fn checksum(block: &[u8]) -> u64 {
    block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                u64::from(b' ')
            } else {
                u64::from(b)
            }
        })
        .sum()
}

/// What kind of member a normalised header describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    File,
    HardLink,
    Symlink,
    CharDevice,
    BlockDevice,
    Dir,
    Fifo,
}

impl Type {
    fn flag(self) -> u8 {
        match self {
            Type::File => b'0',
            Type::HardLink => b'1',
            Type::Symlink => b'2',
            Type::CharDevice => b'3',
            Type::BlockDevice => b'4',
            Type::Dir => b'5',
            Type::Fifo => b'6',
        }
    }
}

/// One member's header as mat-strip writes it: name, link, mode, size and device numbers;
/// owner 0/0 with no names, time 0.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    pub name: &'a [u8],
    pub link: &'a [u8],
    pub kind: Type,
    pub mode: u32,
    pub size: u64,
    pub device: (u32, u32),
}

/// Largest size an 11-digit octal field holds.
const MAX_OCTAL_SIZE: u64 = 0o77777777777;

/// The header blocks of `m`: a ustar header, preceded by a pax header with `path`,
/// `linkpath` and `size` records when they do not fit in it (nothing else: no times, no
/// owners).
pub fn header(m: &Member) -> Vec<u8> {
    let mut out = Vec::new();
    let split = split_name(m.name);
    let mut records = Vec::new();
    if split.is_none() {
        records.push(record("path", m.name));
    }
    if m.link.len() > 100 {
        records.push(record("linkpath", m.link));
    }
    if m.size > MAX_OCTAL_SIZE {
        records.push(record("size", m.size.to_string().as_bytes()));
    }
    if !records.is_empty() {
        let data: Vec<u8> = records.concat();
        let pax = Member {
            name: b"././@PaxHeader",
            link: b"",
            kind: Type::File,
            mode: 0o644,
            size: data.len() as u64,
            device: (0, 0),
        };
        let mut block = ustar(&pax, (b"", b"././@PaxHeader"));
        block[156] = b'x';
        seal(&mut block);
        out.extend_from_slice(&block);
        out.extend_from_slice(&data);
        out.resize(out.len() + padding(data.len() as u64) as usize, 0);
    }
    let (prefix, name) = split.unwrap_or((b"", &m.name[..m.name.len().min(100)]));
    let mut block = ustar(m, (prefix, name));
    block[156] = m.kind.flag();
    seal(&mut block);
    out.extend_from_slice(&block);
    out
}

fn ustar(m: &Member, (prefix, name): (&[u8], &[u8])) -> [u8; BLOCK] {
    let mut b = [0u8; BLOCK];
    b[..name.len()].copy_from_slice(name);
    put_octal(&mut b[100..108], u64::from(m.mode & 0o7777));
    put_octal(&mut b[108..116], 0);
    put_octal(&mut b[116..124], 0);
    put_octal(&mut b[124..136], if m.size > MAX_OCTAL_SIZE { 0 } else { m.size });
    put_octal(&mut b[136..148], 0);
    let link = &m.link[..m.link.len().min(100)];
    b[157..157 + link.len()].copy_from_slice(link);
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    if matches!(m.kind, Type::CharDevice | Type::BlockDevice) {
        put_octal(&mut b[329..337], u64::from(m.device.0));
        put_octal(&mut b[337..345], u64::from(m.device.1));
    }
    b[345..345 + prefix.len()].copy_from_slice(prefix);
    b
}

/// Zero-padded octal filling the field but its last byte (a NUL).
fn put_octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    let text = &text.as_bytes()[text.len().saturating_sub(digits)..];
    field[..digits].copy_from_slice(text);
    field[digits] = 0;
}

fn seal(block: &mut [u8; BLOCK]) {
    block[148..156].fill(b' ');
    let sum = checksum(block);
    block[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
}

/// A name as ustar's prefix and name fields (split at a slash), or None if it does not fit.
fn split_name(name: &[u8]) -> Option<(&[u8], &[u8])> {
    if name.len() <= 100 {
        return Some((b"", name));
    }
    // The prefix: the longest part up to a slash that fits in 155 bytes, the rest in 100.
    let limit = name.len().min(156);
    let slash = name[..limit].iter().rposition(|&b| b == b'/')?;
    let (prefix, rest) = (&name[..slash], &name[slash + 1..]);
    (!rest.is_empty() && rest.len() <= 100 && prefix.len() <= 155).then_some((prefix, rest))
}

/// A pax record: "LEN key=value\n", LEN counting itself.
fn record(key: &str, value: &[u8]) -> Vec<u8> {
    let body = key.len() + value.len() + 3;
    let mut len = body + 1;
    while len.to_string().len() + body != len {
        len = len.to_string().len() + body;
    }
    let mut r = format!("{len} {key}=").into_bytes();
    r.extend_from_slice(value);
    r.push(b'\n');
    r
}

/// Zero bytes after `size` bytes of data up to the next block.
pub fn padding(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

/// The end of the archive: two zero blocks, then zeros up to a whole record of `written`
/// bytes (what GNU tar writes).
pub fn end(written: u64) -> Vec<u8> {
    let with_blocks = written + 2 * BLOCK as u64;
    let total = with_blocks.div_ceil(RECORD) * RECORD;
    vec![0; (total - written) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn headers_read_back_with_the_tar_crate() {
        let long = "d/".repeat(120) + "file.txt";
        let mut archive = Vec::new();
        for (name, kind, link) in [
            ("short.txt", Type::File, ""),
            (long.as_str(), Type::File, ""),
            ("link", Type::Symlink, long.as_str()),
            ("dir/", Type::Dir, ""),
        ] {
            let data: &[u8] = if kind == Type::File { b"hello" } else { b"" };
            archive.extend(header(&Member {
                name: name.as_bytes(),
                link: link.as_bytes(),
                kind,
                mode: 0o755,
                size: data.len() as u64,
                device: (0, 0),
            }));
            archive.extend_from_slice(data);
            archive.resize(archive.len() + padding(data.len() as u64) as usize, 0);
        }
        let written = archive.len() as u64;
        archive.extend(end(written));
        assert_eq!(archive.len() % RECORD as usize, 0);
        assert!(is_header(&archive));
        let mut a = tar::Archive::new(&archive[..]);
        let mut seen = Vec::new();
        for e in a.entries().unwrap() {
            let mut e = e.unwrap();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            let h = e.header();
            assert_eq!(
                (h.mode().unwrap(), h.uid().unwrap(), h.mtime().unwrap()),
                (0o755, 0, 0)
            );
            seen.push((
                String::from_utf8(e.path_bytes().into_owned()).unwrap(),
                e.link_name_bytes().map(|l| l.into_owned()),
                data,
            ));
        }
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[1].0, long);
        assert_eq!(seen[1].2, b"hello");
        assert_eq!(seen[2].1.as_deref(), Some(long.as_bytes()));
    }

    #[test]
    fn pax_record_lengths_count_themselves() {
        assert_eq!(record("path", b"abc"), b"12 path=abc\n");
        let r = record("path", &[b'x'; 95]);
        assert_eq!(
            r.len().to_string(),
            String::from_utf8_lossy(&r[..r.iter().position(|&b| b == b' ').unwrap()])
        );
    }
}
