//! The item boxes of a HEIF/AVIF `meta` (ISO/IEC 23008-12, 14496-12 §8.11): `iloc` (where
//! each item's data lies), `iinf`/`infe` (what each item is), `iref` (how items refer to each
//! other), `ipma` (which properties of `ipco` each item has), `pitm` and the entity groups of
//! `grpl`; parsed from their bodies and written back. No policy of which items to keep.

use privkit_core::Error;

use super::{children, make, BoxHead};

/// Items, references or extents beyond this are refused (real files hold a few hundred).
pub const MAX_ENTRIES: usize = 1 << 16;

/// A checked big-endian reader over a box body: every read past the end is an error.
struct Rd<'a> {
    b: &'a [u8],
    p: usize,
    what: &'static str,
}

impl<'a> Rd<'a> {
    fn new(b: &'a [u8], what: &'static str) -> Rd<'a> {
        Rd { b, p: 0, what }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let s = self
            .p
            .checked_add(n)
            .and_then(|e| self.b.get(self.p..e))
            .ok_or_else(|| Error::data(format!("corrupt HEIF: '{}' box cut short", self.what)))?;
        self.p += n;
        Ok(s)
    }
    /// An unsigned number of `n` bytes (0, 1, 2, 4 or 8).
    fn uint(&mut self, n: usize) -> Result<u64, Error> {
        Ok(self.take(n)?.iter().fold(0u64, |v, &b| (v << 8) | b as u64))
    }
    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.uint(1)? as u8)
    }
    fn u16(&mut self) -> Result<u16, Error> {
        Ok(self.uint(2)? as u16)
    }
    fn u32(&mut self) -> Result<u32, Error> {
        Ok(self.uint(4)? as u32)
    }
    /// A NUL-ended string (the rest of the body when the NUL is missing).
    fn cstr(&mut self) -> String {
        let rest = self.b.get(self.p..).unwrap_or_default();
        let n = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        self.p += (n + 1).min(rest.len());
        String::from_utf8_lossy(&rest[..n]).into_owned()
    }
    fn count(&mut self, n: usize) -> Result<usize, Error> {
        let c = self.uint(n)? as usize;
        if c > MAX_ENTRIES {
            return Err(Error::data(format!(
                "unsupported HEIF: '{}' lists {c} entries",
                self.what
            )));
        }
        Ok(c)
    }
}

fn put(out: &mut Vec<u8>, v: u64, n: usize) {
    out.extend_from_slice(&v.to_be_bytes()[8 - n..]);
}

fn size_ok(n: u8) -> Result<usize, Error> {
    match n {
        0 | 4 | 8 => Ok(n as usize),
        _ => Err(Error::data(format!("corrupt HEIF: 'iloc' field size {n}"))),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extent {
    pub index: u64,
    /// From the item's base offset (the absolute offset once [`Iloc::parse`] has added it).
    pub offset: u64,
    /// 0: the whole of the referenced data.
    pub length: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub id: u32,
    /// 0: offsets in the file, 1: in `idat`, 2: in another item's data.
    pub method: u8,
    pub dref: u16,
    pub extents: Vec<Extent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iloc {
    pub version: u8,
    pub length_size: u8,
    pub index_size: u8,
    pub items: Vec<Location>,
}

impl Iloc {
    /// Parses an `iloc` body; every extent's offset comes out absolute (base offset added).
    pub fn parse(body: &[u8]) -> Result<Iloc, Error> {
        let mut r = Rd::new(body, "iloc");
        let version = r.u8()?;
        if version > 2 {
            return Err(Error::data(format!("unsupported HEIF: 'iloc' version {version}")));
        }
        r.take(3)?;
        let a = r.u8()?;
        let b = r.u8()?;
        let (offset_size, length_size) = (size_ok(a >> 4)?, size_ok(a & 15)?);
        let base_size = size_ok(b >> 4)?;
        let index_size = if version >= 1 { size_ok(b & 15)? } else { 0 };
        let count = r.count(if version < 2 { 2 } else { 4 })?;
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            let id = r.uint(if version < 2 { 2 } else { 4 })? as u32;
            let method = if version >= 1 { r.u16()? as u8 & 15 } else { 0 };
            let dref = r.u16()?;
            let base = r.uint(base_size)?;
            let n = r.count(2)?;
            let mut extents = Vec::with_capacity(n);
            for _ in 0..n {
                let index = r.uint(index_size)?;
                let offset = base
                    .checked_add(r.uint(offset_size)?)
                    .ok_or_else(|| Error::data("corrupt HEIF: an 'iloc' offset overflows"))?;
                let length = r.uint(length_size)?;
                extents.push(Extent {
                    index,
                    offset,
                    length,
                });
            }
            items.push(Location {
                id,
                method,
                dref,
                extents,
            });
        }
        Ok(Iloc {
            version,
            length_size: length_size as u8,
            index_size: index_size as u8,
            items,
        })
    }

    /// The box, with no base offsets and offsets of 4 bytes (8 when `wide`).
    pub fn write(&self, wide: bool) -> Vec<u8> {
        let off = if wide { 8 } else { 4 };
        let mut b = vec![self.version, 0, 0, 0];
        b.push((off << 4) | self.length_size);
        b.push(self.index_size);
        let idw = if self.version < 2 { 2 } else { 4 };
        put(&mut b, self.items.len() as u64, idw);
        for it in &self.items {
            put(&mut b, it.id as u64, idw);
            if self.version >= 1 {
                put(&mut b, it.method as u64, 2);
            }
            put(&mut b, it.dref as u64, 2);
            put(&mut b, it.extents.len() as u64, 2);
            for e in &it.extents {
                put(&mut b, e.index, self.index_size as usize);
                put(&mut b, e.offset, off as usize);
                put(&mut b, e.length, self.length_size as usize);
            }
        }
        make(b"iloc", &b)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub id: u32,
    pub kind: [u8; 4],
    pub hidden: bool,
    pub name: String,
    /// `mime` items: the content type.
    pub content_type: String,
    /// The `infe` box (offsets in the buffer it was read from).
    pub head: BoxHead,
}

/// The `infe` entries of an `iinf` box `h` of `buf`; returns the version (the count's width).
pub fn parse_iinf(buf: &[u8], h: &BoxHead) -> Result<(u8, Vec<Info>), Error> {
    let body = super::body(buf, h);
    let mut r = Rd::new(body, "iinf");
    let version = r.u8()?;
    r.take(3)?;
    r.count(if version == 0 { 2 } else { 4 })?;
    let from = h.body() as usize + r.p;
    let mut out = Vec::new();
    for c in children(buf, from, h.end() as usize, "HEIF")? {
        if &c.kind != b"infe" {
            continue;
        }
        if out.len() >= MAX_ENTRIES {
            return Err(Error::data("unsupported HEIF: too many items"));
        }
        let mut r = Rd::new(super::body(buf, &c), "infe");
        let v = r.u8()?;
        let flags = r.uint(3)?;
        let (id, kind, name, content_type) = if v >= 2 {
            let id = r.uint(if v == 2 { 2 } else { 4 })? as u32;
            r.u16()?;
            let kind: [u8; 4] = r.take(4)?.try_into().unwrap_or([0; 4]);
            let name = r.cstr();
            let ct = if &kind == b"mime" || &kind == b"uri " {
                r.cstr()
            } else {
                String::new()
            };
            (id, kind, name, ct)
        } else {
            // Versions 0 and 1 describe MIME-typed items only.
            let id = r.u16()? as u32;
            r.u16()?;
            let name = r.cstr();
            (id, *b"mime", name, r.cstr())
        };
        out.push(Info {
            id,
            kind,
            hidden: flags & 1 != 0,
            name,
            content_type,
            head: c,
        });
    }
    Ok((version, out))
}

/// An `iinf` box holding these `infe` boxes.
pub fn write_iinf(version: u8, infes: &[&[u8]]) -> Vec<u8> {
    let mut b = vec![version, 0, 0, 0];
    put(&mut b, infes.len() as u64, if version == 0 { 2 } else { 4 });
    for i in infes {
        b.extend_from_slice(i);
    }
    make(b"iinf", &b)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub kind: [u8; 4],
    pub from: u32,
    pub to: Vec<u32>,
}

/// The references of an `iref` box `h` of `buf`, and its version.
pub fn parse_iref(buf: &[u8], h: &BoxHead) -> Result<(u8, Vec<Ref>), Error> {
    let body = super::body(buf, h);
    let version = *body
        .first()
        .ok_or_else(|| Error::data("corrupt HEIF: empty 'iref' box"))?;
    let w = if version == 0 { 2 } else { 4 };
    let mut out = Vec::new();
    for c in children(buf, h.body() as usize + 4, h.end() as usize, "HEIF")? {
        if out.len() >= MAX_ENTRIES {
            return Err(Error::data("unsupported HEIF: too many item references"));
        }
        let mut r = Rd::new(super::body(buf, &c), "iref");
        let from = r.uint(w)? as u32;
        let n = r.count(2)?;
        let mut to = Vec::with_capacity(n);
        for _ in 0..n {
            to.push(r.uint(w)? as u32);
        }
        out.push(Ref {
            kind: c.kind,
            from,
            to,
        });
    }
    Ok((version, out))
}

pub fn write_iref(version: u8, refs: &[Ref]) -> Vec<u8> {
    let w = if version == 0 { 2 } else { 4 };
    let mut b = vec![version, 0, 0, 0];
    for r in refs {
        let mut c = Vec::new();
        put(&mut c, r.from as u64, w);
        put(&mut c, r.to.len() as u64, 2);
        for &t in &r.to {
            put(&mut c, t as u64, w);
        }
        b.extend(make(&r.kind, &c));
    }
    make(b"iref", &b)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assoc {
    pub item: u32,
    /// (essential, 1-based index into `ipco`; 0 is no property).
    pub props: Vec<(bool, u16)>,
}

/// An `ipma` body: version, flags and the associations.
pub fn parse_ipma(body: &[u8]) -> Result<(u8, u32, Vec<Assoc>), Error> {
    let mut r = Rd::new(body, "ipma");
    let version = r.u8()?;
    let flags = r.uint(3)? as u32;
    let n = r.count(4)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let item = r.uint(if version < 1 { 2 } else { 4 })? as u32;
        let k = r.u8()?;
        let mut props = Vec::with_capacity(k as usize);
        for _ in 0..k {
            props.push(if flags & 1 != 0 {
                let v = r.u16()?;
                (v & 0x8000 != 0, v & 0x7fff)
            } else {
                let v = r.u8()?;
                (v & 0x80 != 0, (v & 0x7f) as u16)
            });
        }
        out.push(Assoc { item, props });
    }
    Ok((version, flags, out))
}

pub fn write_ipma(version: u8, flags: u32, assocs: &[Assoc]) -> Vec<u8> {
    let wide = flags & 1 != 0;
    let mut b = vec![version];
    put(&mut b, flags as u64, 3);
    put(&mut b, assocs.len() as u64, 4);
    for a in assocs {
        put(&mut b, a.item as u64, if version < 1 { 2 } else { 4 });
        b.push(a.props.len().min(255) as u8);
        for &(ess, idx) in a.props.iter().take(255) {
            if wide {
                put(&mut b, (idx & 0x7fff) as u64 | if ess { 0x8000 } else { 0 }, 2);
            } else {
                b.push((idx & 0x7f) as u8 | if ess { 0x80 } else { 0 });
            }
        }
    }
    make(b"ipma", &b)
}

/// The primary item of a `pitm` body.
pub fn parse_pitm(body: &[u8]) -> Result<u32, Error> {
    let mut r = Rd::new(body, "pitm");
    let v = r.u8()?;
    r.take(3)?;
    Ok(r.uint(if v == 0 { 2 } else { 4 })? as u32)
}

/// An entity group of `grpl` without the entities `drop` says: None when none is left.
pub fn filter_group(buf: &[u8], h: &BoxHead, drop: &dyn Fn(u32) -> bool) -> Result<Option<Vec<u8>>, Error> {
    let mut r = Rd::new(super::body(buf, h), "grpl");
    let head = r.take(8)?.to_vec();
    let n = r.count(4)?;
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        let id = r.u32()?;
        if !drop(id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Ok(None);
    }
    let mut b = head;
    put(&mut b, ids.len() as u64, 4);
    for id in ids {
        put(&mut b, id as u64, 4);
    }
    b.extend_from_slice(r.b.get(r.p..).unwrap_or_default());
    Ok(Some(make(&h.kind, &b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iloc_round_trip_adds_the_base() {
        // Version 1, offset 4, length 4, base 4, index 0; one item in idat with a base of 100.
        let body = [
            1, 0, 0, 0, 0x44, 0x40, 0, 1, 0, 7, 0, 1, 0, 0, 0, 0, 0, 100, 0, 1, 0, 0, 0, 5, 0, 0, 0, 9,
        ];
        let iloc = Iloc::parse(&body).unwrap();
        assert_eq!(iloc.items[0].id, 7);
        assert_eq!(iloc.items[0].method, 1);
        assert_eq!(iloc.items[0].extents[0].offset, 105);
        assert_eq!(Iloc::parse(&iloc.write(false)[8..]).unwrap(), iloc);
        assert!(Iloc::parse(&body[..20]).is_err());
    }

    #[test]
    fn ipma_round_trip() {
        let body = [0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 0x81, 0x03];
        let (v, f, a) = parse_ipma(&body).unwrap();
        assert_eq!(a[0].props, vec![(true, 1), (false, 3)]);
        assert_eq!(&write_ipma(v, f, &a)[8..], &body);
    }
}
