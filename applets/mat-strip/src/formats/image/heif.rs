//! HEIF/HEIC and AVIF still images: removes the Exif, XMP (`mime` application/rdf+xml) and
//! other `mime`/`uri ` items from `meta`, and the thumbnails (`thmb`) with what only they use
//! (their hidden tiles, alpha planes, properties), user description (`udes`) properties, `uuid`
//! and `free` boxes, items of a type that codes no image (unless an image needs them: a damaged
//! `mime` type is metadata still) and the bytes of `mdat`/`idat` no item claims; an item with
//! data but no `infe` is refused. Keeps every image item and its properties (`irot`/`imir`
//! unless --no-orientation, an ICC `colr` unless --strip-icc). `iinf`, `iloc`, `iref`, `ipma`,
//! `grpl` and `idat` are rewritten consistently; the dropped items' bytes leave `mdat` and
//! `idat`, every other item's bytes are copied as ranges of the input and its `iloc` offsets
//! moved to where they land (computed once the new `meta`'s size is known).

use std::collections::{BTreeSet, HashMap};

use privkit_core::Error;

use crate::containers::ifd;
use crate::containers::isobmff::compact::{mdat_header, subtract, Compact};
use crate::containers::isobmff::items::{self, Assoc, Iloc, Info, Location, Ref};
use crate::containers::isobmff::{self as bmff, BoxHead};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};
use crate::formats::note_cut;

pub struct Heif;

const WHAT: &str = "HEIF";
/// `meta` is read whole: refused beyond this (real ones are a few KB; grids of tiles, 100 KB).
const MAX_META: u64 = 16 << 20;
/// How much of a dropped item is read to list it.
const MAX_SHOWN: u64 = 1 << 20;
/// Reference types that make an item describe another (it goes when all its targets go).
const DESCRIBES: &[&[u8; 4]] = &[b"thmb", b"cdsc", b"auxl", b"prem"];
/// Item types that code or derive an image. An item of any other type that no kept item needs
/// goes: a damaged `mime`/`Exif` type (a mutation, a bad writer) must not keep its metadata.
const IMAGE_TYPES: &[&[u8; 4]] = &[
    b"av01", b"hvc1", b"hev1", b"hvt1", b"lhv1", b"avc1", b"vvc1", b"vvi1", b"j2k1", b"jpeg", b"unci",
    b"grid", b"iden", b"iovl", b"tmap", b"mski",
];
/// Reference types whose targets an item needs to be displayed.
const NEEDS: &[&[u8; 4]] = &[b"dimg", b"iloc", b"base"];

impl Format for Heif {
    fn name(&self) -> &'static str {
        "HEIF"
    }

    fn describe(&self) -> &'static str {
        "HEIF/HEIC and AVIF images: removes Exif and XMP items, thumbnails and free/uuid boxes \
         from meta (iinf, iloc, iref, ipma consistent); keeps every image item and its \
         properties (irot/imir, ICC) and the coded image data byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        matches!(file_type::kind(head), Some(Kind::Other("HEIF/HEIC" | "AVIF")))
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let tops = top_level(src)?;
        let len = src.len();
        // Cut short inside its last `mdat`: the image data is copied as far as it goes (its
        // items' extents past the cut are kept as declared, the dropped ones are not there).
        if let Some(c) = tops.last().filter(|h| h.end() > len) {
            if &c.kind != b"mdat" {
                return Err(Error::data(format!(
                    "truncated HEIF: '{}' box at offset {} ({} bytes) cut short at {len} bytes",
                    c.name(),
                    c.start,
                    c.size
                )));
            }
            note_cut(cx, "its image data ('mdat')");
        }
        let mut removed = Vec::new();
        let mut meta = None;
        for h in &tops {
            match &h.kind {
                b"ftyp" | b"mdat" => {}
                b"meta" => {
                    if meta.is_some() {
                        return Err(Error::data("corrupt HEIF: two 'meta' boxes"));
                    }
                    if h.size > MAX_META {
                        return Err(Error::data(format!(
                            "unsupported HEIF: a 'meta' box of {} bytes",
                            h.size
                        )));
                    }
                    cx.charge(h.size)?;
                    meta = Some((*h, src.read(h.start, h.size, WHAT)?));
                }
                b"free" | b"skip" | b"uuid" => {
                    removed.push(Found::new(WHAT, h.name(), format!("{} bytes", h.body_len())))
                }
                b"moov" => return Err(Error::data("unsupported HEIF: an image sequence ('moov' track)")),
                _ => {
                    return Err(Error::data(format!(
                        "unsupported HEIF: unknown top-level box '{}' at offset {} (could hold metadata)",
                        h.name(),
                        h.start
                    )))
                }
            }
        }
        if tops.first().map(|h| &h.kind) != Some(b"ftyp") {
            return Err(Error::data("corrupt HEIF: no 'ftyp' box first"));
        }
        let Some((meta_head, buf)) = meta else {
            return Err(Error::data("corrupt HEIF: no 'meta' box"));
        };
        let m = Meta::parse(&buf)?;
        for k in &m.kids {
            let body = bmff::body(&buf, k);
            if matches!(&k.kind, b"uuid" | b"free" | b"skip") && body.iter().any(|&b| b != 0) {
                removed.push(Found::new(WHAT, k.name(), summary(&body[..body.len().min(4096)])));
            }
        }
        let mut cleaner = Cleaner {
            src,
            m: &m,
            buf: &buf,
            tops: &tops,
            drop: BTreeSet::new(),
        };
        cleaner.choose(&mut removed)?;
        let props = cleaner.properties(cx, &mut removed);
        let dropped = cleaner.dropped_ranges()?;
        if dropped.unused > 0 {
            removed.push(Found::new(
                WHAT,
                "data no item uses",
                format!("{} bytes", dropped.unused),
            ));
        }
        // The new `idat`, and where each kept byte of the old one lands.
        let idat_map = Compact::new(0, m.idat_len(), &dropped.idat);
        // Offsets need not be final to size the new `meta`: pass 1 with the old ones.
        let declared = tops.last().map_or(0, |h| h.end()).max(len);
        let wide = declared > u32::MAX as u64 - MAX_META;
        let sized = cleaner.write_meta(&props, &idat_map, &|o| Ok(o), wide)?;
        // Where each kept top-level box lands.
        let mut layout: Vec<(BoxHead, u64, Option<Compact>)> = Vec::new();
        let mut at = 0;
        for h in &tops {
            let new_len = match &h.kind {
                b"ftyp" => h.size,
                b"meta" => sized.len() as u64,
                b"mdat" => {
                    let c = Compact::new(h.body(), h.end(), &dropped.file);
                    let body = c.new_len;
                    if body == 0 && h.body_len() > 0 {
                        // Nothing left in it: the box goes.
                        layout.push((*h, at, Some(c)));
                        continue;
                    }
                    let header = mdat_header(h, body).len() as u64;
                    layout.push((*h, at, Some(c)));
                    at += header + body;
                    continue;
                }
                _ => continue,
            };
            layout.push((*h, at, None));
            at += new_len;
        }
        let map = |o: u64| -> Result<u64, Error> {
            // The layout is in file order: the first box ending at or after `o` holds it.
            let i = layout.partition_point(|(h, ..)| h.end() < o);
            let holder = layout
                .get(i)
                .filter(|(h, ..)| o >= h.body() && o <= h.end() && &h.kind != b"meta");
            if let Some((h, new_at, c)) = holder {
                return match c {
                    Some(c) => {
                        let header = mdat_header(h, c.new_len).len() as u64;
                        Ok(new_at + header + c.map(o)?)
                    }
                    None => Ok(new_at + (o - h.start)),
                };
            }
            Err(Error::data(format!(
                "unsupported HEIF: an item's data at offset {o} lies outside the image data boxes"
            )))
        };
        let new_meta = cleaner.write_meta(&props, &idat_map, &map, wide)?;
        if new_meta.len() != sized.len() {
            return Err(Error::data("corrupt HEIF: 'meta' changed size between passes"));
        }
        let mut plan = Plan::new();
        for (h, _, c) in &layout {
            match (&h.kind, c) {
                (b"meta", _) => plan.bytes(&new_meta),
                (_, Some(c)) => {
                    if c.new_len == 0 && h.body_len() > 0 {
                        continue;
                    }
                    plan.bytes(&mdat_header(h, c.new_len));
                    for &(s, e) in &c.kept {
                        let e = e.min(len);
                        if s < e {
                            plan.range(s, e - s);
                        }
                    }
                }
                (_, None) => plan.range(h.start, h.size),
            }
        }
        let _ = meta_head;
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

/// The top-level boxes, at most [`items::MAX_ENTRIES`] of them (a HEIF file has a handful).
fn top_level(src: &Source) -> Result<Vec<BoxHead>, Error> {
    bmff::top_level_cut(src, WHAT, items::MAX_ENTRIES)
}

/// The parsed `meta`: its children and the item boxes.
struct Meta {
    version_flags: [u8; 4],
    kids: Vec<BoxHead>,
    primary: u32,
    iloc: Iloc,
    iinf_version: u8,
    infos: Vec<Info>,
    iref_version: u8,
    refs: Vec<Ref>,
    ipco: Option<BoxHead>,
    props: Vec<BoxHead>,
    ipmas: Vec<(u8, u32, Vec<Assoc>)>,
    idat: Option<BoxHead>,
}

impl Meta {
    fn parse(buf: &[u8]) -> Result<Meta, Error> {
        let root = bmff::children(buf, 0, buf.len(), WHAT)?;
        let meta = root
            .first()
            .ok_or_else(|| Error::data("corrupt HEIF: empty 'meta'"))?;
        let from = (meta.body() + 4).min(meta.end()) as usize;
        let kids = bmff::children(buf, from, meta.end() as usize, WHAT)?;
        let mut m = Meta {
            version_flags: buf
                .get(meta.body() as usize..from)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| Error::data("corrupt HEIF: 'meta' cut short"))?,
            kids: kids.clone(),
            primary: 0,
            iloc: Iloc {
                version: 0,
                length_size: 4,
                index_size: 0,
                items: Vec::new(),
            },
            iinf_version: 0,
            infos: Vec::new(),
            iref_version: 0,
            refs: Vec::new(),
            ipco: None,
            props: Vec::new(),
            ipmas: Vec::new(),
            idat: None,
        };
        let mut pitm = false;
        for k in &kids {
            let body = bmff::body(buf, k);
            match &k.kind {
                b"pitm" => {
                    m.primary = items::parse_pitm(body)?;
                    pitm = true;
                }
                b"iloc" => m.iloc = Iloc::parse(body)?,
                b"iinf" => (m.iinf_version, m.infos) = items::parse_iinf(buf, k)?,
                b"iref" => (m.iref_version, m.refs) = items::parse_iref(buf, k)?,
                b"idat" => m.idat = Some(*k),
                b"iprp" => {
                    for c in bmff::children(buf, k.body() as usize, k.end() as usize, WHAT)? {
                        match &c.kind {
                            b"ipco" => {
                                m.ipco = Some(c);
                                m.props = bmff::children(buf, c.body() as usize, c.end() as usize, WHAT)?;
                            }
                            b"ipma" => m.ipmas.push(items::parse_ipma(bmff::body(buf, &c))?),
                            _ => {
                                return Err(Error::data(format!(
                                    "unsupported HEIF: unknown box '{}' in 'iprp'",
                                    c.name()
                                )))
                            }
                        }
                    }
                }
                b"hdlr" | b"dinf" | b"grpl" | b"ipro" | b"pinf" | b"free" | b"skip" | b"uuid" => {}
                _ => {
                    return Err(Error::data(format!(
                        "unsupported HEIF: unknown box '{}' in 'meta' (could hold metadata)",
                        k.name()
                    )))
                }
            }
        }
        if !pitm {
            return Err(Error::data("corrupt HEIF: no primary item ('pitm')"));
        }
        // An item with data but no `infe` cannot be told image or metadata.
        if let Some(l) = m.iloc.items.iter().find(|l| m.info(l.id).is_none()) {
            return Err(Error::data(format!(
                "corrupt HEIF: item {} has data in 'iloc' but no entry in 'iinf'",
                l.id
            )));
        }
        Ok(m)
    }

    fn idat_len(&self) -> u64 {
        self.idat.map(|h| h.body_len()).unwrap_or(0)
    }

    fn info(&self, id: u32) -> Option<&Info> {
        self.infos.iter().find(|i| i.id == id)
    }
}

/// Ranges of dropped item data: in the file (method 0) and in `idat` (method 1).
struct Dropped {
    file: Vec<(u64, u64)>,
    idat: Vec<(u64, u64)>,
    /// Bytes of `mdat` and `idat` that no item claims (dropped with the rest).
    unused: u64,
}

struct Cleaner<'a> {
    src: &'a Source,
    m: &'a Meta,
    buf: &'a [u8],
    tops: &'a [BoxHead],
    drop: BTreeSet<u32>,
}

/// What happens to the properties of `ipco`: the new 1-based index of each (0: removed).
struct Props {
    renumber: Vec<u16>,
}

impl Cleaner<'_> {
    /// Decides which items go, lists them.
    fn choose(&mut self, removed: &mut Vec<Found>) -> Result<(), Error> {
        let m = self.m;
        if m.info(m.primary).is_none() {
            return Err(Error::data(format!(
                "corrupt HEIF: the primary item {} is not in 'iinf'",
                m.primary
            )));
        }
        let mut metadata = BTreeSet::new();
        for i in &m.infos {
            if matches!(&i.kind, b"Exif" | b"mime" | b"uri ") && i.id != m.primary {
                metadata.insert(i.id);
            }
        }
        let mut drop: BTreeSet<u32> = metadata.clone();
        for r in &m.refs {
            if &r.kind == b"thmb" && r.from != m.primary {
                drop.insert(r.from);
            }
        }
        // Unknown types go unless a kept item needs them (the loop below brings those back).
        for i in &m.infos {
            if !IMAGE_TYPES.contains(&&i.kind) && i.id != m.primary {
                drop.insert(i.id);
            }
        }
        // Until nothing changes: an item that only describes dropped items goes, a hidden item
        // only dropped items need goes, and an image a kept item needs comes back.
        // Indexes first: a hostile meta may hold 65536 items and as many references.
        let mut describes_of: HashMap<u32, Vec<&Ref>> = HashMap::new();
        let mut users_of: HashMap<u32, Vec<u32>> = HashMap::new();
        for r in &m.refs {
            if DESCRIBES.contains(&&r.kind) {
                describes_of.entry(r.from).or_default().push(r);
            }
            if NEEDS.contains(&&r.kind) {
                for &t in &r.to {
                    users_of.entry(t).or_default().push(r.from);
                }
            }
        }
        let mut rounds = 0;
        loop {
            let mut changed = false;
            for i in &m.infos {
                let id = i.id;
                if id == m.primary || metadata.contains(&id) {
                    continue;
                }
                let describes = describes_of.get(&id).map(Vec::as_slice).unwrap_or_default();
                let orphan_description =
                    !describes.is_empty() && describes.iter().all(|r| r.to.iter().all(|t| drop.contains(t)));
                let users = users_of.get(&id).map(Vec::as_slice).unwrap_or_default();
                let needed = users.iter().any(|from| !drop.contains(from));
                let orphan_part = i.hidden && !users.is_empty() && !needed;
                let go = !needed && (orphan_description || orphan_part || drop.contains(&id));
                if go != drop.contains(&id) {
                    changed = true;
                    if go {
                        drop.insert(id);
                    } else {
                        drop.remove(&id);
                    }
                }
            }
            if !changed {
                break;
            }
            rounds += 1;
            if rounds > 64 {
                return Err(Error::data("unsupported HEIF: item references nested too deep"));
            }
        }
        let thumbnails: BTreeSet<u32> = m
            .refs
            .iter()
            .filter(|r| &r.kind == b"thmb")
            .map(|r| r.from)
            .collect();
        let locations: HashMap<u32, &Location> = m.iloc.items.iter().map(|l| (l.id, l)).collect();
        for i in m.infos.iter().filter(|i| drop.contains(&i.id)) {
            removed.extend(self.describe(i, thumbnails.contains(&i.id), locations.get(&i.id).copied())?);
        }
        self.drop = drop;
        Ok(())
    }

    /// What a dropped item carried, for --show.
    fn describe(&self, i: &Info, thumbnail: bool, loc: Option<&Location>) -> Result<Vec<Found>, Error> {
        let data = self.item_data(loc)?;
        Ok(match &i.kind {
            b"Exif" => {
                // A 4-byte offset to the TIFF header, then (usually "Exif\0\0" and) the TIFF.
                let skip = data
                    .get(0..4)
                    .map(|b| u32::from_be_bytes(b.try_into().unwrap_or([0; 4])) as usize)
                    .unwrap_or(0);
                let tiff = data.get(4 + skip.min(data.len())..).unwrap_or_default();
                let tiff = tiff.strip_prefix(b"Exif\0\0").unwrap_or(tiff);
                // GPS comes out in decimal degrees (tags::category reads it for every format).
                ifd::list(tiff, "EXIF")
            }
            b"mime" if i.content_type.contains("rdf+xml") => crate::tags::xmp::list(&data),
            b"mime" | b"uri " => vec![Found::new(
                WHAT,
                format!("{} item", bmff::name(&i.kind).trim()),
                format!("{}: {}", i.content_type, summary(&data[..data.len().min(4096)])),
            )],
            _ => {
                let what = if !IMAGE_TYPES.contains(&&i.kind) {
                    "item of unknown type"
                } else if thumbnail {
                    "thumbnail"
                } else {
                    "part of a thumbnail"
                };
                vec![Found::new(
                    WHAT,
                    what,
                    format!("item {} ({}, {} bytes)", i.id, bmff::name(&i.kind), data.len()),
                )]
            }
        })
    }

    /// The first MB of an item's data (file or `idat`).
    fn item_data(&self, loc: Option<&Location>) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        let Some(loc) = loc else {
            return Ok(out);
        };
        for e in &loc.extents {
            let left = MAX_SHOWN.saturating_sub(out.len() as u64);
            let mut n = e.length.min(left);
            if loc.method == 0 {
                // In a file cut short, what is there.
                n = n.min(self.src.len().saturating_sub(e.offset));
            }
            match loc.method {
                0 if n > 0 => out.extend(self.src.read(e.offset, n, WHAT)?),
                1 => {
                    let idat = self.m.idat.map(|h| bmff::body(self.buf, &h)).unwrap_or_default();
                    let s = (e.offset as usize).min(idat.len());
                    out.extend_from_slice(&idat[s..(s + n as usize).min(idat.len())]);
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// Which properties stay and their new numbers; lists the ones dropped for what they are.
    fn properties(&self, cx: &Ctx, removed: &mut Vec<Found>) -> Props {
        let m = self.m;
        let mut strip = vec![false; m.props.len()];
        for (n, p) in m.props.iter().enumerate() {
            let body = bmff::body(self.buf, p);
            let go = match &p.kind {
                b"udes" => {
                    removed.push(Found::new(WHAT, "user description", summary(body)));
                    true
                }
                b"colr" if cx.opts.strip_icc && matches!(body.get(0..4), Some(b"prof" | b"rICC")) => {
                    removed.push(Found::new("ICC", "profile", format!("{} bytes", body.len() - 4)));
                    true
                }
                b"irot" | b"imir" if !cx.opts.keep_orientation => {
                    removed.push(Found::new(WHAT, p.name(), "orientation"));
                    true
                }
                _ => false,
            };
            strip[n] = go;
        }
        let mut used = vec![false; m.props.len()];
        for (_, _, assocs) in &m.ipmas {
            for a in assocs.iter().filter(|a| !self.drop.contains(&a.item)) {
                for &(_, idx) in &a.props {
                    if let Some(u) = (idx as usize).checked_sub(1).and_then(|i| used.get_mut(i)) {
                        *u = true;
                    }
                }
            }
        }
        let mut renumber = Vec::with_capacity(m.props.len());
        let mut next = 0u16;
        for n in 0..m.props.len() {
            if used[n] && !strip[n] {
                next += 1;
                renumber.push(next);
            } else {
                renumber.push(0);
            }
        }
        Props { renumber }
    }

    /// Every extent of every item checked against the file and `idat`; the dropped items'
    /// ranges less anything a kept item also uses.
    fn dropped_ranges(&self) -> Result<Dropped, Error> {
        // The file as declared: a cut `mdat` ends where its size says.
        let len = self.tops.last().map_or(0, |h| h.end()).max(self.src.len());
        let idat_len = self.m.idat_len();
        let mut d = Dropped {
            file: Vec::new(),
            idat: Vec::new(),
            unused: 0,
        };
        let mut keep_file = Vec::new();
        let mut keep_idat = Vec::new();
        for loc in &self.m.iloc.items {
            if loc.dref != 0 && loc.method != 2 {
                return Err(Error::data(format!(
                    "unsupported HEIF: item {} has its data in another file",
                    loc.id
                )));
            }
            let gone = self.drop.contains(&loc.id);
            for e in &loc.extents {
                let (limit, what) = match loc.method {
                    0 => (len, "the file"),
                    1 => (idat_len, "'idat'"),
                    _ => continue,
                };
                let end = e
                    .offset
                    .checked_add(e.length)
                    .filter(|&x| x <= limit && e.offset <= limit);
                let Some(end) = end else {
                    return Err(Error::data(format!(
                        "corrupt HEIF: 'iloc' points outside {what} (item {}, offset {}, {} bytes; {what} has {limit})",
                        loc.id, e.offset, e.length
                    )));
                };
                if e.length == 0 && gone {
                    return Err(Error::data(format!(
                        "unsupported HEIF: removed item {} has data of unstated length",
                        loc.id
                    )));
                }
                // Length 0: the data runs to the end of the file (or `idat`).
                let r = (e.offset, if e.length == 0 { limit } else { end });
                match (loc.method, gone) {
                    (0, true) => d.file.push(r),
                    (0, false) => keep_file.push(r),
                    (_, true) => d.idat.push(r),
                    (_, false) => keep_idat.push(r),
                }
            }
        }
        // Bytes of `mdat`/`idat` no item claims go too: an item whose `iloc` length a damage
        // shortened leaves the rest of its data there, unclaimed and unseen.
        let used_file = [&d.file[..], &keep_file[..]].concat();
        let mdats: Vec<(u64, u64)> = self
            .tops
            .iter()
            .filter(|h| &h.kind == b"mdat")
            .map(|h| (h.body(), h.end()))
            .collect();
        let unused_file = subtract(mdats, &used_file);
        let unused_idat = subtract(vec![(0, idat_len)], &[&d.idat[..], &keep_idat[..]].concat());
        d.unused = unused_file.iter().chain(&unused_idat).map(|(s, e)| e - s).sum();
        d.file.extend(unused_file);
        d.idat.extend(unused_idat);
        d.file = subtract(d.file, &keep_file);
        d.idat = subtract(d.idat, &keep_idat);
        // A dropped item's bytes must be in an mdat (never in ftyp or in meta itself); the top
        // boxes are in file order, so the one a range starts in is found by bisection.
        for &(s, e) in &d.file {
            let i = self.tops.partition_point(|h| h.end() <= s);
            if !self
                .tops
                .get(i)
                .is_some_and(|h| &h.kind == b"mdat" && s >= h.body() && e <= h.end())
            {
                return Err(Error::data(format!(
                    "unsupported HEIF: a removed item's data ({s}..{e}) is not inside an 'mdat'"
                )));
            }
        }
        Ok(d)
    }

    /// The new `meta` box, with file offsets put through `map`.
    fn write_meta(
        &self,
        props: &Props,
        idat: &Compact,
        map: &dyn Fn(u64) -> Result<u64, Error>,
        wide: bool,
    ) -> Result<Vec<u8>, Error> {
        let m = self.m;
        let buf = self.buf;
        let gone = |id: u32| self.drop.contains(&id);
        let mut body = m.version_flags.to_vec();
        for k in &m.kids {
            match &k.kind {
                b"iloc" => {
                    let mut iloc = m.iloc.clone();
                    iloc.items.retain(|l| !gone(l.id));
                    for l in &mut iloc.items {
                        for e in &mut l.extents {
                            let new = match l.method {
                                0 => {
                                    let s = map(e.offset)?;
                                    if e.length > 0 && map(e.offset + e.length)? != s + e.length {
                                        return Err(Error::data(format!(
                                            "unsupported HEIF: item {}'s data spans several boxes",
                                            l.id
                                        )));
                                    }
                                    s
                                }
                                1 => idat.map(e.offset)?,
                                _ => e.offset,
                            };
                            if !wide && new > u32::MAX as u64 {
                                return Err(Error::data("corrupt HEIF: an item offset overflows"));
                            }
                            e.offset = new;
                        }
                    }
                    body.extend(iloc.write(wide));
                }
                b"iinf" => {
                    let infes: Vec<&[u8]> = m
                        .infos
                        .iter()
                        .filter(|i| !gone(i.id))
                        .map(|i| bmff::bytes(buf, &i.head))
                        .collect();
                    body.extend(items::write_iinf(m.iinf_version, &infes));
                }
                b"iref" => {
                    let refs: Vec<Ref> = m
                        .refs
                        .iter()
                        .filter(|r| !gone(r.from))
                        .map(|r| Ref {
                            kind: r.kind,
                            from: r.from,
                            to: r.to.iter().copied().filter(|&t| !gone(t)).collect(),
                        })
                        .filter(|r| !r.to.is_empty())
                        .collect();
                    if !refs.is_empty() {
                        body.extend(items::write_iref(m.iref_version, &refs));
                    }
                }
                b"iprp" => {
                    let mut ip = Vec::new();
                    if let Some(ipco) = &m.ipco {
                        let mut b = Vec::new();
                        for (n, p) in m.props.iter().enumerate() {
                            if props.renumber[n] != 0 {
                                b.extend_from_slice(bmff::bytes(buf, p));
                            }
                        }
                        ip.extend(bmff::make(&ipco.kind, &b));
                    }
                    for (v, f, assocs) in &m.ipmas {
                        let kept: Vec<Assoc> = assocs
                            .iter()
                            .filter(|a| !gone(a.item))
                            .map(|a| Assoc {
                                item: a.item,
                                props: a
                                    .props
                                    .iter()
                                    .filter_map(|&(e, i)| {
                                        let new = (i as usize)
                                            .checked_sub(1)
                                            .and_then(|i| props.renumber.get(i))
                                            .copied()
                                            .unwrap_or(0);
                                        (new != 0).then_some((e, new))
                                    })
                                    .collect(),
                            })
                            .collect();
                        ip.extend(items::write_ipma(*v, *f, &kept));
                    }
                    body.extend(bmff::make(b"iprp", &ip));
                }
                b"idat" => {
                    let mut b = Vec::new();
                    let start = k.body();
                    for &(s, e) in &idat.kept {
                        b.extend_from_slice(
                            buf.get((start + s) as usize..(start + e) as usize)
                                .unwrap_or_default(),
                        );
                    }
                    body.extend(bmff::make(b"idat", &b));
                }
                b"grpl" => {
                    let mut b = Vec::new();
                    for g in bmff::children(buf, k.body() as usize, k.end() as usize, WHAT)? {
                        if let Some(g) = items::filter_group(buf, &g, &gone)? {
                            b.extend(g);
                        }
                    }
                    if !b.is_empty() {
                        body.extend(bmff::make(b"grpl", &b));
                    }
                }
                b"free" | b"skip" | b"uuid" => {}
                _ => body.extend_from_slice(bmff::bytes(buf, k)),
            }
        }
        Ok(bmff::make(b"meta", &body))
    }
}
