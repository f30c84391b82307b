//! Ogg Vorbis, Opus, Speex and FLAC-in-Ogg: the comment header emptied (an empty vendor string,
//! no comments; Vorbis keeps its framing bit, Opus a valid OpusTags), FLAC's PICTURE,
//! APPLICATION and PADDING blocks dropped, the other header packets re-paged byte for byte, and
//! the audio pages copied by range: the headers keep their number of pages (the comment padded
//! with zeros where needed), so no later page changes. FLAC-in-Ogg headers that take fewer pages
//! renumber every later page instead: its sequence number lowered and its CRC updated from the
//! old one (its body is never read). Chained streams (one after the other) are cleaned link by link;
//! multiplexed streams (a Theora video, a Skeleton) are refused.

use privkit_core::Error;

use crate::bytes::be16;
use crate::containers::ogg::page::{self, Page, BOS, CONTINUED, EOS};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};
use crate::tags::{id3, vorbis};

pub struct Ogg;

/// Pages the header packets may span: a cover of a few MB in 4 KiB pages takes a few hundred;
/// a comment packet spread over more is refused rather than followed.
const MAX_HEADER_PAGES: u32 = 16_384;
/// Header packets held at once (they are read whole to be rewritten).
const MAX_HEADER_BYTES: u64 = 64 << 20;
/// Links of a chained file.
const MAX_LINKS: usize = 10_000;
/// What a renumbered page costs the plan (its new header and a range), charged to the budget
/// in batches of this many pages.
const PAGE_COST: u64 = 192;
const BATCH: u64 = 1024;
const WHAT: &str = "Ogg";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Vorbis,
    Opus,
    Speex,
    /// FLAC-in-Ogg with this many header packets after the first.
    Flac(u16),
}

impl Codec {
    /// The codec of a stream, from its first packet.
    fn identify(id: &[u8], serial: u32) -> Result<Codec, Error> {
        if id.starts_with(b"\x01vorbis") {
            Ok(Codec::Vorbis)
        } else if id.starts_with(b"OpusHead") {
            Ok(Codec::Opus)
        } else if id.starts_with(b"Speex   ") && id.len() >= 80 {
            if crate::bytes::le32(id, 68) != 0 {
                return Err(Error::data(
                    "Ogg Speex: extra header packets (of no defined content) could hold metadata",
                ));
            }
            Ok(Codec::Speex)
        } else if id.starts_with(b"\x7fFLAC") && id.len() >= 51 && &id[9..13] == b"fLaC" {
            match be16(id, 7) {
                0 => Err(Error::data(
                    "Ogg FLAC: the number of header packets is not given (0): not supported",
                )),
                n => Ok(Codec::Flac(n)),
            }
        } else {
            let name = crate::engine::summary(id.get(..8.min(id.len())).unwrap_or_default());
            Err(Error::data(format!(
                "Ogg stream {serial} is of an unsupported codec (first packet starts with '{name}')"
            )))
        }
    }

    fn name(self) -> &'static str {
        match self {
            Codec::Vorbis => "Vorbis",
            Codec::Opus => "Opus",
            Codec::Speex => "Speex",
            Codec::Flac(_) => "FLAC",
        }
    }

    /// Header packets after the first.
    fn headers(self) -> usize {
        match self {
            Codec::Vorbis => 2,
            Codec::Opus | Codec::Speex => 1,
            Codec::Flac(n) => n as usize,
        }
    }

    /// The cleaned header packets (the first one included) and what the old ones held.
    fn clean(self, id: &[u8], headers: &[Vec<u8>]) -> Result<(Vec<Vec<u8>>, Vec<Found>), Error> {
        let bad = |what: &str| Error::data(format!("corrupt Ogg {}: {what}", self.name()));
        // An empty vendor string and no comments.
        let empty = [0u8; 8];
        let mut found = Vec::new();
        let packets = match self {
            Codec::Vorbis => {
                let (comment, setup) = (&headers[0], &headers[1]);
                if !comment.starts_with(b"\x03vorbis") || !setup.starts_with(b"\x05vorbis") {
                    return Err(bad("the comment and setup headers are not where they belong"));
                }
                comments(&comment[7..], "Vorbis", &mut found)?;
                let mut c = b"\x03vorbis".to_vec();
                c.extend_from_slice(&empty);
                c.push(1); // the framing bit
                vec![id.to_vec(), c, setup.clone()]
            }
            Codec::Opus => {
                let tags = &headers[0];
                if !tags.starts_with(b"OpusTags") {
                    return Err(bad("no OpusTags packet after OpusHead"));
                }
                comments(&tags[8..], "Opus", &mut found)?;
                let mut c = b"OpusTags".to_vec();
                c.extend_from_slice(&empty);
                vec![id.to_vec(), c]
            }
            Codec::Speex => {
                comments(&headers[0], "Speex", &mut found)?;
                vec![id.to_vec(), empty.to_vec()]
            }
            Codec::Flac(_) => {
                // Every header packet is one metadata block; VORBIS_COMMENT comes first (the
                // mapping requires one), emptied.
                let mut kept = Vec::new();
                for (i, block) in headers.iter().enumerate() {
                    let (kind, size) = match block.get(..4) {
                        Some(h) => (
                            h[0] & 0x7f,
                            (h[1] as usize) << 16 | (h[2] as usize) << 8 | h[3] as usize,
                        ),
                        None => return Err(bad("a header packet shorter than a block header")),
                    };
                    if size != block.len() - 4 {
                        return Err(bad(&format!(
                            "metadata block {i} says {size} bytes in a packet of {}",
                            block.len() - 4
                        )));
                    }
                    let data = &block[4..];
                    match kind {
                        3 | 5 => kept.push(block.clone()),
                        1 => {}
                        2 => found.push(Found::new(
                            "FLAC",
                            "APPLICATION",
                            format!(
                                "{} ({size} bytes)",
                                crate::engine::summary(data.get(..4).unwrap_or_default())
                            ),
                        )),
                        4 => comments(data, "Vorbis", &mut found)?,
                        6 => {
                            let what = vorbis::picture(data).ok_or_else(|| bad("PICTURE block"))?;
                            found.push(Found::new("FLAC", "PICTURE", what));
                        }
                        _ => {
                            return Err(Error::data(format!(
                                "Ogg FLAC: metadata block of type {kind} ({size} bytes) could hold metadata"
                            )))
                        }
                    }
                }
                let mut comment = vec![4, 0, 0, 8];
                comment.extend_from_slice(&empty);
                kept.insert(0, comment);
                let n = kept.len();
                if let Some(last) = kept.last_mut() {
                    last[0] |= 0x80;
                }
                let mut first = id.to_vec();
                first[7..9].copy_from_slice(&(n as u16).to_be_bytes());
                let mut packets = vec![first];
                packets.extend(kept);
                packets
            }
        };
        Ok((packets, found))
    }
}

/// What a comment header held: the vendor string (unless already empty) and the comments.
fn comments(data: &[u8], kind: &str, found: &mut Vec<Found>) -> Result<(), Error> {
    let (vendor, comments) = vorbis::list(data, kind)?;
    if !vendor.is_empty() {
        found.push(Found::new(kind, "vendor", vendor));
    }
    found.extend(comments);
    Ok(())
}

impl Format for Ogg {
    fn name(&self) -> &'static str {
        "Ogg"
    }

    fn describe(&self) -> &'static str {
        "Ogg Vorbis, Opus, Speex and FLAC-in-Ogg, chained streams too: empties the comment header \
         (cover art included) and drops FLAC's PICTURE and APPLICATION blocks; the other headers \
         and the audio pages are kept byte for byte (sequence numbers and CRCs updated)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Ogg)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let mut out = Out {
            plan: Plan::new(),
            removed: Vec::new(),
            renumbered: 0,
        };
        let mut pos = 0u64;
        let mut links = 0usize;
        while pos < src.len() {
            if src.read_upto(pos, 4)? != b"OggS" {
                trailer(src, pos, &mut out.removed)?;
                break;
            }
            links += 1;
            if links > MAX_LINKS {
                return Err(Error::data(format!(
                    "corrupt Ogg: more than {MAX_LINKS} chained streams"
                )));
            }
            pos = link(src, cx, pos, &mut out)?;
        }
        Ok(Cleaned {
            plan: out.plan,
            removed: out.removed,
            members: Default::default(),
        })
    }
}

/// What the links add up to.
struct Out {
    plan: Plan,
    removed: Vec<Found>,
    /// Pages renumbered so far (charged to the budget in batches).
    renumbered: u64,
}

/// Bytes after the last page: an ID3v1 tag (some taggers append one) is dropped and listed;
/// anything else is refused.
fn trailer(src: &Source, at: u64, removed: &mut Vec<Found>) -> Result<(), Error> {
    let rest = src.len() - at;
    if rest == 128 {
        let tag = src.read(at, 128, "Ogg: ID3v1 tag")?;
        if tag.starts_with(b"TAG") {
            removed.extend(id3::v1_list(&tag));
            return Ok(());
        }
    }
    Err(Error::data(format!(
        "corrupt Ogg: {rest} bytes at offset {at} are not an Ogg page"
    )))
}

/// The body of a page, read whole (header pages only: 65,025 bytes at most), its CRC checked.
fn body(src: &Source, p: &Page) -> Result<Vec<u8>, Error> {
    let body = src.read(p.body_at(), p.body_len(), "Ogg: page")?;
    p.check(&body, WHAT)?;
    Ok(body)
}

/// One logical stream, from its first page to its last: the header pages rewritten, the audio
/// pages planned. Returns where the stream ends.
fn link(src: &Source, cx: &mut Ctx, at: u64, out: &mut Out) -> Result<u64, Error> {
    let first = page::read(src, at, WHAT)?;
    let serial = first.serial;
    if !first.has(BOS) {
        return Err(Error::data(format!(
            "corrupt Ogg: the page at offset {at} continues stream {serial}, whose first page is missing"
        )));
    }
    let id = body(src, &first)?;
    // The first page holds the first packet alone, whole.
    let ends: Vec<usize> = (0..first.lacing.len())
        .filter(|&i| first.lacing[i] < 255)
        .collect();
    if ends != [first.lacing.len().saturating_sub(1)] {
        return Err(Error::data(format!(
            "corrupt Ogg: the first page of stream {serial} does not hold exactly one packet"
        )));
    }
    let codec = Codec::identify(&id, serial)?;
    let mut pos = at + first.size();
    if page::peek(src, pos, WHAT)?.is_some_and(|p| p.has(BOS)) {
        return Err(Error::data(
            "Ogg: multiplexed streams (several logical streams interleaved, as with a video or a \
             Skeleton) are not supported",
        ));
    }

    // The header packets after the first, whole.
    let want = codec.headers();
    let (mut partial, mut headers) = (Vec::new(), Vec::new());
    let (mut old_pages, mut held) = (1u32, 0u64);
    let mut last = first.clone();
    while headers.len() < want {
        if pos >= src.len() {
            return Err(Error::data(format!(
                "truncated Ogg: stream {serial} ends inside its header packets"
            )));
        }
        let p = page::read(src, pos, WHAT)?;
        if p.serial != serial || p.has(BOS) {
            return Err(Error::data(format!(
                "Ogg: a page of stream {} inside the headers of stream {serial}: multiplexed \
                 streams are not supported",
                p.serial
            )));
        }
        old_pages += 1;
        held += p.body_len();
        if old_pages > MAX_HEADER_PAGES || held > MAX_HEADER_BYTES {
            return Err(Error::data(format!(
                "corrupt Ogg: the header packets of stream {serial} span more than \
                 {MAX_HEADER_PAGES} pages or {} MiB",
                MAX_HEADER_BYTES >> 20
            )));
        }
        cx.charge(p.body_len())?;
        let data = body(src, &p)?;
        if p.has(CONTINUED) == partial.is_empty() {
            return Err(Error::data(format!(
                "corrupt Ogg: page {} of stream {serial} does not continue the packet before it",
                p.seq
            )));
        }
        let used = page::packets(&p, &data, &mut partial, &mut headers, want);
        if used < p.lacing.len() || (headers.len() == want && !partial.is_empty()) {
            return Err(Error::data(format!(
                "Ogg {}: audio data on the last header page of stream {serial} (not allowed by \
                 the codec's mapping)",
                codec.name()
            )));
        }
        pos = p.at + p.size();
        last = p;
    }
    let (mut packets, found) = codec.clean(&id, &headers)?;
    out.removed.extend(found);
    // The new headers keep the old number of pages where they can, so that the audio pages
    // keep their sequence numbers and are copied by range unchanged: the comment packet is
    // padded with zeros up to one lacing value per page (Opus allows padding after the
    // comments; Vorbis and Speex readers stop after the last comment). FLAC-in-Ogg is
    // renumbered instead.
    let old_rest = (old_pages - 1) as usize;
    let short = old_rest.saturating_sub(page::segments(&packets[1..]));
    if short > 0 && !matches!(codec, Codec::Flac(_)) {
        let len = packets[1].len();
        packets[1].resize(len + 255 * short, 0);
    }
    let end_flag = if last.has(EOS) { EOS } else { 0 };
    let (id_page, n1) = page::write(&packets[..1], serial, first.seq, 0, BOS, 0);
    let spread = if matches!(codec, Codec::Flac(_)) {
        0
    } else {
        old_rest
    };
    let (rest, n2) = page::write_spread(
        &packets[1..],
        serial,
        first.seq.wrapping_add(n1),
        0,
        0,
        end_flag,
        spread,
    );
    if !cx.inspecting() {
        out.plan.bytes(&id_page);
        out.plan.bytes(&rest);
    }
    // Later pages move by this much (modulo 2^32, as sequence numbers do).
    let shift = (n1 + n2).wrapping_sub(old_pages);
    if last.has(EOS) {
        return Ok(pos);
    }

    // The audio pages: their headers only are read.
    while pos < src.len() {
        let Some(p) = page::peek(src, pos, WHAT)? else {
            break;
        };
        if p.serial != serial {
            if p.has(BOS) {
                // The next link of a chain whose stream ended without its EOS flag.
                break;
            }
            return Err(Error::data(format!(
                "Ogg: a page of stream {} among the pages of stream {serial}: multiplexed \
                 streams are not supported",
                p.serial
            )));
        }
        if p.has(BOS) {
            return Err(Error::data(format!(
                "corrupt Ogg: stream {serial} starts twice (offset {pos})"
            )));
        }
        if !cx.inspecting() {
            if shift == 0 {
                out.plan.range(p.at, p.size());
            } else {
                out.renumbered += 1;
                if out.renumbered.is_multiple_of(BATCH) {
                    cx.charge(BATCH * PAGE_COST)?;
                }
                out.plan.bytes(&p.renumbered(p.seq.wrapping_add(shift)));
                out.plan.range(p.body_at(), p.body_len());
            }
        }
        pos += p.size();
        if p.has(EOS) {
            break;
        }
    }
    Ok(pos)
}
