//! TIFF: rewritten keeping only the tags that describe the image data (dimensions, samples,
//! compression, strips or tiles, colour), so EXIF/GPS/Interop directories, XMP, IPTC,
//! Photoshop data, Make/Model/Software/Artist/DateTime/Copyright/ImageDescription and every
//! private tag go. Every page is kept; strips and tiles are moved untouched.

use std::collections::HashSet;

use privkit_core::Error;

use crate::containers::ifd::{self, Order};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found, Options};

pub struct Tiff;

const STRIP_OFFSETS: u16 = 273;
const STRIP_COUNTS: u16 = 279;
const TILE_OFFSETS: u16 = 324;
const TILE_COUNTS: u16 = 325;
const ORIENTATION: u16 = 274;
const ICC: u16 = 34675;

/// Tags that describe how to decode and display the pixels.
const IMAGE_TAGS: &[u16] = &[
    254, 255, 256, 257, 258, 259, 262, 263, 266, 273, 274, 277, 278, 279, 282, 283, 284, 290, 291, 296, 301,
    317, 318, 319, 320, 321, 322, 323, 324, 325, 332, 334, 338, 339, 340, 341, 347, 529, 530, 531, 532,
    34675,
];

/// One page as it will be written.
struct Page {
    /// Kept entries in tag order: (tag, type, count, raw value bytes).
    entries: Vec<(u16, u16, u32, Vec<u8>)>,
    /// Image data ranges in the input, in order (strips or tiles).
    chunks: Vec<(u64, u64)>,
    /// Which tag holds the chunk offsets.
    offsets_tag: u16,
}

impl Format for Tiff {
    fn name(&self) -> &'static str {
        "TIFF"
    }

    fn describe(&self) -> &'static str {
        "rewritten with only the tags that describe the image data; removes EXIF, GPS and \
         Interop directories, XMP, IPTC, Photoshop data, Make, Model, Software, Artist, DateTime, \
         Copyright, ImageDescription and private tags (ICC profile kept unless --strip-icc); \
         every page kept, strips and tiles untouched. DNG and other files with sub-images are \
         refused"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Tiff)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let options = cx.opts;
        let opts = &options;
        let buf = cx.read_whole(src)?;
        let (order, first) = ifd::header(&buf)?;
        let mut pages = Vec::new();
        let mut removed = Vec::new();
        let mut seen = HashSet::new();
        let mut next = first;
        while next != 0 {
            if !seen.insert(next) {
                break; // a loop back to an earlier page
            }
            if pages.len() >= ifd::MAX_IFDS {
                return Err(Error::data(format!(
                    "unsupported TIFF: more than {} pages",
                    ifd::MAX_IFDS
                )));
            }
            let dir = ifd::read(&buf, order, next)?;
            let page_no = pages.len();
            pages.push(page(&buf, order, &dir, opts, page_no, &mut removed)?);
            next = dir.next;
        }
        if pages.is_empty() {
            return Err(Error::data("corrupt TIFF: no image directory"));
        }
        Ok(Cleaned {
            plan: write(order, &pages),
            removed,
            members: Default::default(),
        })
    }
}

fn page(
    buf: &[u8],
    order: Order,
    dir: &ifd::Ifd,
    opts: &Options,
    page_no: usize,
    removed: &mut Vec<Found>,
) -> Result<Page, Error> {
    if dir.get(330).is_some() || dir.get(50706).is_some() {
        return Err(Error::data(
            "unsupported TIFF: DNG or sub-image directories (SubIFDs)",
        ));
    }
    if dir.get(513).is_some() {
        return Err(Error::data("unsupported TIFF: old-style JPEG compression"));
    }
    let (offsets_tag, counts_tag) = if dir.get(TILE_OFFSETS).is_some() {
        (TILE_OFFSETS, TILE_COUNTS)
    } else {
        (STRIP_OFFSETS, STRIP_COUNTS)
    };
    let offsets = dir.get(offsets_tag).and_then(|e| e.uints(buf, order));
    let counts = dir.get(counts_tag).and_then(|e| e.uints(buf, order));
    let (Some(offsets), Some(counts)) = (offsets, counts) else {
        return Err(Error::data(format!(
            "corrupt TIFF: page {} has no readable strip or tile offsets",
            page_no + 1
        )));
    };
    if offsets.len() != counts.len() || offsets.is_empty() {
        return Err(Error::data(format!(
            "corrupt TIFF: page {} has {} offsets for {} byte counts",
            page_no + 1,
            offsets.len(),
            counts.len()
        )));
    }
    let mut chunks = Vec::with_capacity(offsets.len());
    for (&o, &c) in offsets.iter().zip(&counts) {
        let end = o as u64 + c as u64;
        if end > buf.len() as u64 {
            return Err(crate::engine::source::truncated(
                "TIFF: image data",
                (buf.len() as u64).saturating_sub(o as u64),
                c as u64,
            ));
        }
        chunks.push((o as u64, c as u64));
    }
    let dir_name: &'static str = if page_no == 0 { "IFD0" } else { "IFD" };
    let mut entries = Vec::new();
    for e in &dir.entries {
        let keep = IMAGE_TAGS.contains(&e.tag)
            && (e.tag != ORIENTATION || opts.keep_orientation)
            && (e.tag != ICC || !opts.strip_icc)
            && e.tag != counts_tag
            && e.tag != offsets_tag;
        if keep {
            entries.push((e.tag, e.typ, e.count, e.bytes(buf).to_vec()));
            continue;
        }
        if e.tag == counts_tag || e.tag == offsets_tag {
            continue;
        }
        match e.tag {
            0x8769 | 0x8825 | 0xa005 => {
                let sub = if e.tag == 0x8825 { "GPS" } else { "ExifIFD" };
                let target = e.uint(buf, order, 0).unwrap_or(0);
                removed.extend(ifd::list_from(buf, order, vec![(target, sub)], "TIFF"));
            }
            // XMP and IPTC blocks in their tags: listed by their own parsers.
            0x02bc => removed.extend(crate::tags::xmp::list(e.bytes(buf))),
            0x83bb => removed.extend(crate::tags::iptc::list(e.bytes(buf))),
            _ => removed.push(Found::new(
                format!("TIFF {dir_name}"),
                ifd::tag_name(dir_name, e.tag),
                e.display(buf, order),
            )),
        }
    }
    // Offsets and counts are written as LONG arrays, counts as they were.
    let mut counts_raw = Vec::new();
    for &c in &counts {
        order.put32(&mut counts_raw, c);
    }
    entries.push((counts_tag, 4, counts.len() as u32, counts_raw));
    entries.push((offsets_tag, 4, offsets.len() as u32, vec![0; offsets.len() * 4])); // filled in `write`
    entries.sort_by_key(|e| e.0);
    Ok(Page {
        entries,
        chunks,
        offsets_tag,
    })
}

/// Lays the file out as: header, every page's directory (with its values), then the image
/// data of every page, each chunk on an even offset.
fn write(order: Order, pages: &[Page]) -> Plan {
    let dir_size = |p: &Page| -> u64 {
        let values: u64 = p
            .entries
            .iter()
            .map(|e| {
                if e.3.len() > 4 {
                    (e.3.len() as u64 + 1) & !1
                } else {
                    0
                }
            })
            .sum();
        2 + 12 * p.entries.len() as u64 + 4 + values
    };
    let mut dir_at = Vec::new();
    let mut cursor = 8u64;
    for p in pages {
        dir_at.push(cursor);
        cursor += dir_size(p);
    }
    // Where each chunk of each page lands.
    let mut chunk_at: Vec<Vec<u64>> = Vec::new();
    for p in pages {
        let mut at = Vec::new();
        for &(_, len) in &p.chunks {
            at.push(cursor);
            cursor += (len + 1) & !1;
        }
        chunk_at.push(at);
    }

    let mut head = Vec::new();
    head.extend_from_slice(if order == Order::Little {
        b"II*\0"
    } else {
        b"MM\0*"
    });
    order.put32(&mut head, 8);
    for (i, p) in pages.iter().enumerate() {
        let mut values_at = dir_at[i] + 2 + 12 * p.entries.len() as u64 + 4;
        let mut entries = Vec::new();
        let mut values = Vec::new();
        order.put16(&mut entries, p.entries.len() as u16);
        for (tag, typ, count, raw) in &p.entries {
            let raw = if *tag == p.offsets_tag {
                let mut r = Vec::new();
                for &at in &chunk_at[i] {
                    order.put32(&mut r, at as u32);
                }
                r
            } else {
                raw.clone()
            };
            order.put16(&mut entries, *tag);
            order.put16(&mut entries, *typ);
            order.put32(&mut entries, *count);
            if raw.len() <= 4 {
                let mut inline = raw.clone();
                inline.resize(4, 0);
                entries.extend_from_slice(&inline);
            } else {
                order.put32(&mut entries, values_at as u32);
                values.extend_from_slice(&raw);
                if raw.len() % 2 == 1 {
                    values.push(0);
                }
                values_at += (raw.len() as u64 + 1) & !1;
            }
        }
        let next = dir_at.get(i + 1).copied().unwrap_or(0);
        order.put32(&mut entries, next as u32);
        head.extend_from_slice(&entries);
        head.extend_from_slice(&values);
    }
    let mut plan = Plan::new();
    plan.bytes(&head);
    for p in pages {
        for &(offset, len) in &p.chunks {
            plan.range(offset, len);
            if len % 2 == 1 {
                plan.bytes(&[0]);
            }
        }
    }
    plan
}
