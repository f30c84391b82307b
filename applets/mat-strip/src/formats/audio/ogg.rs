//! Ogg Vorbis, Opus, Speex, FLAC-in-Ogg and Theora: the comment header emptied (an empty vendor
//! string, no comments; Vorbis keeps its framing bit, Opus a valid OpusTags), FLAC's PICTURE,
//! APPLICATION and PADDING blocks dropped, the other header packets re-paged byte for byte, and
//! the audio pages copied by range: the headers keep their number of pages (the comment padded
//! with zeros where needed), so no later page changes. FLAC-in-Ogg headers that take fewer pages
//! renumber every later page of their stream instead: its sequence number lowered and its CRC
//! updated from the old one (its body is never read). Chained streams (one after the other) are
//! cleaned link by link; multiplexed streams (several interleaved in one link, as a Theora video
//! with its Vorbis sound) stream by stream, each new header page put where an old one of its
//! stream was; a stream of a kind mat-strip does not clean (a Skeleton, Dirac, Kate) is refused
//! by name.

use privkit_core::Error;

use crate::bytes::be16;
use crate::containers::ogg::page::{self, Page, Pages, BOS, CONTINUED, EOS};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};
use crate::formats::note_cut;
use crate::tags::{id3, vorbis};

pub struct Ogg;

/// Pages the header packets may span: a cover of a few MB in 4 KiB pages takes a few hundred;
/// a comment packet spread over more is refused rather than followed.
const MAX_HEADER_PAGES: u32 = 16_384;
/// Header packets held at once (they are read whole to be rewritten).
const MAX_HEADER_BYTES: u64 = 64 << 20;
/// Links of a chained file.
const MAX_LINKS: usize = 10_000;
/// Logical streams multiplexed in one link: far above real files (a video, a few sound tracks,
/// subtitles, a Skeleton).
const MAX_STREAMS: usize = 64;
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
    /// FLAC-in-Ogg with this many header packets after the first; 0 when the first packet does
    /// not say ("unknown" in the mapping): the headers end at the block flagged last.
    Flac(u16),
    Theora,
}

/// Streams of kinds mat-strip does not clean, named when refused: (first bytes, name).
const UNSUPPORTED: &[(&[u8], &str)] = &[
    (b"fishead\0", "Skeleton"),
    (b"BBCD\0", "Dirac"),
    (b"\x80kate\0\0\0", "Kate"),
    (b"CELT    ", "CELT"),
    (b"\x80daala", "Daala"),
    (b"OVP80", "VP8"),
    (b"PCM     ", "PCM"),
    (b"\x01video", "OGM video"),
    (b"\x01audio", "OGM audio"),
    (b"\x01text", "OGM text"),
];

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
            Ok(Codec::Flac(be16(id, 7)))
        } else if id.starts_with(b"\x80theora") {
            Ok(Codec::Theora)
        } else if let Some((_, kind)) = UNSUPPORTED.iter().find(|(magic, _)| id.starts_with(magic)) {
            Err(Error::data(format!(
                "Ogg stream {serial} is a {kind} stream, of a kind mat-strip does not clean"
            )))
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
            Codec::Theora => "Theora",
        }
    }

    /// How many of `headers` (packets after the first) are header packets, once they are all
    /// there; None while more are to come.
    fn complete(self, headers: &[Vec<u8>]) -> Option<usize> {
        let n = match self {
            Codec::Vorbis | Codec::Theora => 2,
            Codec::Opus | Codec::Speex => 1,
            // The metadata block flagged last ends the headers.
            Codec::Flac(0) => {
                return headers
                    .iter()
                    .position(|b| b.first().is_some_and(|&h| h & 0x80 != 0))
                    .map(|i| i + 1)
            }
            Codec::Flac(n) => n as usize,
        };
        (headers.len() >= n).then_some(n)
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
            Codec::Theora => {
                let (comment, setup) = (&headers[0], &headers[1]);
                if !comment.starts_with(b"\x81theora") || !setup.starts_with(b"\x82theora") {
                    return Err(bad("the comment and setup headers are not where they belong"));
                }
                comments(&comment[7..], "Theora", &mut found)?;
                let mut c = b"\x81theora".to_vec();
                c.extend_from_slice(&empty);
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
        "Ogg Vorbis, Opus, Speex, FLAC-in-Ogg and Theora, chained and multiplexed streams too: \
         empties each stream's comment header (cover art included) and drops FLAC's PICTURE and \
         APPLICATION blocks; the other headers and the audio and video pages are kept byte for \
         byte (sequence numbers and CRCs updated); a stream of another kind (Skeleton, Dirac, \
         Kate) is refused by name"
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
        let mut pages = Pages::new(src);
        let mut pos = 0u64;
        let mut links = 0usize;
        while pos < src.len() {
            if pages.peek(pos, WHAT)?.is_none() {
                trailer(src, pos, &mut out.removed)?;
                break;
            }
            links += 1;
            if links > MAX_LINKS {
                return Err(Error::data(format!(
                    "corrupt Ogg: more than {MAX_LINKS} chained streams"
                )));
            }
            pos = link(&mut pages, cx, pos, &mut out)?;
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

impl Out {
    /// A page after the headers: copied by range, or with a new sequence number `shift` later.
    fn data_page(&mut self, cx: &mut Ctx, p: &Page, shift: u32) -> Result<(), Error> {
        if cx.inspecting() {
            return Ok(());
        }
        if shift == 0 {
            self.plan.range(p.at, p.size());
        } else {
            self.renumbered += 1;
            if self.renumbered.is_multiple_of(BATCH) {
                cx.charge(BATCH * PAGE_COST)?;
            }
            self.plan.bytes(&p.renumbered(p.seq.wrapping_add(shift)));
            self.plan.range(p.body_at(), p.body_len());
        }
        Ok(())
    }
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
fn body(pages: &mut Pages, p: &Page) -> Result<Vec<u8>, Error> {
    let body = pages.body(p)?;
    p.check(&body, WHAT)?;
    Ok(body)
}

/// One logical stream of a link.
struct Stream {
    serial: u32,
    codec: Codec,
    /// Its first page and the packet on it.
    first: Page,
    id: Vec<u8>,
    /// Header packets after the first gathered so far, and the one being gathered.
    headers: Vec<Vec<u8>>,
    partial: Vec<u8>,
    /// Pages its headers took so far, the first one included.
    old_pages: u32,
    /// The new header pages, once its headers are complete.
    new_pages: Option<Vec<Vec<u8>>>,
    /// How much its later pages' sequence numbers move (modulo 2^32, as they do).
    shift: u32,
    /// Its last page (EOS) has been seen.
    ended: bool,
}

impl Stream {
    /// A FLAC-in-Ogg stream whose header packets stop, whole, after its comment block (the
    /// first after the mapping's first packet) while more were announced: the blocks that are
    /// there hold all the metadata left of it. (Other codecs' missing headers are the setup
    /// and comment packets the stream cannot be read or cleaned without.)
    fn flac_cut_after_comment(&self) -> bool {
        matches!(self.codec, Codec::Flac(_))
            && self.partial.is_empty()
            && self
                .headers
                .first()
                .and_then(|b| b.first())
                .is_some_and(|&h| h & 0x7f == 4)
    }

    /// The header packets are all there: the new header pages, and what the old ones held.
    /// They keep the old number of pages where they can, so that the later pages keep their
    /// sequence numbers and are copied by range unchanged: the comment packet is padded with
    /// zeros up to one lacing value per page (Opus allows padding after the comments; Vorbis,
    /// Theora and Speex readers stop after the last comment). FLAC-in-Ogg is renumbered instead.
    fn finish(&mut self, eos: bool, removed: &mut Vec<Found>) -> Result<(), Error> {
        let (mut packets, found) = self.codec.clean(&self.id, &self.headers)?;
        removed.extend(found);
        let flac = matches!(self.codec, Codec::Flac(_));
        let old_rest = (self.old_pages - 1) as usize;
        let short = old_rest.saturating_sub(page::segments(&packets[1..]));
        if short > 0 && !flac {
            let len = packets[1].len();
            packets[1].resize(len + 255 * short, 0);
        }
        let serial = self.serial;
        let mut new = page::write(&packets[..1], serial, self.first.seq, 0, BOS, 0);
        new.extend(page::write_spread(
            &packets[1..],
            serial,
            self.first.seq.wrapping_add(new.len() as u32),
            0,
            0,
            if eos { EOS } else { 0 },
            if flac { 0 } else { old_rest },
        ));
        self.shift = (new.len() as u32).wrapping_sub(self.old_pages);
        self.new_pages = Some(new);
        self.ended = eos;
        Ok(())
    }
}

/// A page met before every stream of the link had its headers: one of a stream's header pages
/// (`index`: 0 for its first page), or a later page of a stream whose headers are complete.
enum Slot {
    Header { stream: usize, index: usize },
    Data(usize, Page),
}

/// One link: its streams' first pages, their header pages (rewritten), then every later page
/// (planned) until each stream has ended. Returns where the link ends.
fn link(pages: &mut Pages, cx: &mut Ctx, at: u64, out: &mut Out) -> Result<u64, Error> {
    let first = pages.read(at, WHAT)?;
    if !first.has(BOS) {
        return Err(Error::data(format!(
            "corrupt Ogg: the page at offset {at} continues stream {}, whose first page is missing",
            first.serial
        )));
    }
    // The first pages come first, one per stream, each holding its first packet alone.
    let mut streams: Vec<Stream> = Vec::new();
    let mut slots = Vec::new();
    let mut pos = at;
    while let Some(p) = pages.peek(pos, WHAT)?.filter(|p| p.has(BOS)) {
        let serial = p.serial;
        if streams.iter().any(|s| s.serial == serial) {
            return Err(Error::data(format!(
                "corrupt Ogg: stream {serial} starts twice (offset {pos})"
            )));
        }
        if streams.len() == MAX_STREAMS {
            return Err(Error::data(format!(
                "Ogg: more than {MAX_STREAMS} streams multiplexed"
            )));
        }
        let id = body(pages, &p)?;
        let ends: Vec<usize> = (0..p.lacing.len()).filter(|&i| p.lacing[i] < 255).collect();
        if ends != [p.lacing.len().saturating_sub(1)] {
            return Err(Error::data(format!(
                "corrupt Ogg: the first page of stream {serial} does not hold exactly one packet"
            )));
        }
        let codec = Codec::identify(&id, serial)?;
        slots.push(Slot::Header {
            stream: streams.len(),
            index: 0,
        });
        pos = p.at + p.size();
        streams.push(Stream {
            serial,
            codec,
            first: p,
            id,
            headers: Vec::new(),
            partial: Vec::new(),
            old_pages: 1,
            new_pages: None,
            shift: 0,
            ended: false,
        });
    }

    // The header packets after the first, whole (bounded over all the streams together).
    let (mut header_pages, mut held) = (0u32, 0u64);
    while let Some(waiting) = streams.iter().find(|s| s.new_pages.is_none()) {
        if pos >= pages.len() {
            // Cut between two FLAC metadata blocks after the comment block: the blocks that
            // are there cleaned as if they were all (what followed is not in the file).
            if streams
                .iter()
                .all(|s| s.new_pages.is_some() || s.flac_cut_after_comment())
            {
                for s in streams.iter_mut().filter(|s| s.new_pages.is_none()) {
                    s.finish(false, &mut out.removed)?;
                }
                note_cut(cx, "its FLAC header packets, after the comment block");
                break;
            }
            return Err(Error::data(format!(
                "truncated Ogg: stream {} ends inside its header packets",
                waiting.serial
            )));
        }
        let p = pages.read(pos, WHAT)?;
        let serial = p.serial;
        let i = stream_of(&streams, &p)?;
        header_pages += 1;
        held += p.body_len();
        if header_pages > MAX_HEADER_PAGES || held > MAX_HEADER_BYTES {
            return Err(Error::data(format!(
                "corrupt Ogg: the header packets of stream {} span more than {MAX_HEADER_PAGES} \
                 pages or {} MiB",
                waiting.serial,
                MAX_HEADER_BYTES >> 20
            )));
        }
        pos = p.at + p.size();
        let s = &mut streams[i];
        if s.new_pages.is_some() {
            // A later page of a stream whose headers are done, before another's are.
            s.ended = p.has(EOS);
            slots.push(Slot::Data(i, p));
            continue;
        }
        cx.charge(p.body_len())?;
        let data = body(pages, &p)?;
        if p.has(CONTINUED) == s.partial.is_empty() {
            return Err(Error::data(format!(
                "corrupt Ogg: page {} of stream {serial} does not continue the packet before it",
                p.seq
            )));
        }
        page::packets(&p, &data, &mut s.partial, &mut s.headers, usize::MAX);
        slots.push(Slot::Header {
            stream: i,
            index: s.old_pages as usize,
        });
        s.old_pages += 1;
        if let Some(n) = s.codec.complete(&s.headers) {
            if s.headers.len() > n || !s.partial.is_empty() {
                return Err(Error::data(format!(
                    "Ogg {}: audio data on the last header page of stream {serial} (not \
                     allowed by the codec's mapping)",
                    s.codec.name()
                )));
            }
            s.finish(p.has(EOS), &mut out.removed)?;
        } else if p.has(EOS) {
            return Err(Error::data(format!(
                "truncated Ogg: stream {serial} ends inside its header packets"
            )));
        }
    }
    for slot in slots {
        match slot {
            Slot::Header { stream, index } => {
                if cx.inspecting() {
                    continue;
                }
                let s = &streams[stream];
                let new = s.new_pages.as_deref().unwrap_or_default();
                // Where the old headers took more pages than the new ones, the last of them
                // holds the rest.
                let upto = if index + 1 == s.old_pages as usize {
                    new.len()
                } else {
                    (index + 1).min(new.len())
                };
                for page in new.get(index..upto).unwrap_or_default() {
                    out.plan.bytes(page);
                }
            }
            Slot::Data(i, p) => out.data_page(cx, &p, streams[i].shift)?,
        }
    }

    // The later pages: their headers only are read.
    while streams.iter().any(|s| !s.ended) {
        let peeked = pages.peek(pos, WHAT);
        if matches!(peeked, Ok(None) | Err(_)) && cut_page(pages, cx, pos, &streams, out)? {
            return Ok(pages.len());
        }
        let Some(p) = peeked? else {
            break;
        };
        if p.has(BOS) && streams.iter().all(|s| s.serial != p.serial) {
            // The next link of a chain whose streams ended without their EOS flag.
            break;
        }
        let i = stream_of(&streams, &p)?;
        out.data_page(cx, &p, streams[i].shift)?;
        streams[i].ended = p.has(EOS);
        pos += p.size();
    }
    Ok(pos)
}

/// A file cut short inside a page after the headers (its audio or video): the page copied as
/// far as it goes, as the whole page would have been (renumbered where its stream's pages are,
/// when its header is whole), and true. False where there is no such page at `at` (the caller
/// then reports what is wrong there).
fn cut_page(
    pages: &mut Pages,
    cx: &mut Ctx,
    at: u64,
    streams: &[Stream],
    out: &mut Out,
) -> Result<bool, Error> {
    let Some(cut) = pages.cut(at)? else {
        return Ok(false);
    };
    if cut.flags.is_some_and(|f| f & BOS != 0) {
        return Ok(false);
    }
    // The stream's shift; a header too short to say which stream: any stream's, if all agree.
    let shift = match cut.serial {
        Some(serial) => match streams.iter().find(|s| s.serial == serial && !s.ended) {
            Some(s) => s.shift,
            None => return Ok(false),
        },
        None if streams.iter().all(|s| s.shift == 0) => 0,
        None => return Ok(false),
    };
    let len = pages.len();
    match (shift, cut.page) {
        (0, _) if !cx.inspecting() => out.plan.range(at, len - at),
        (0, _) => {}
        (shift, Some(p)) if !cx.inspecting() => {
            out.plan.bytes(&p.renumbered(p.seq.wrapping_add(shift)));
            out.plan.range(p.body_at(), len - p.body_at());
        }
        (_, Some(_)) => {}
        // Its sequence number to change, and the header that holds it cut.
        (_, None) => return Ok(false),
    }
    note_cut(cx, "its audio data (an Ogg page after the headers)");
    Ok(true)
}

/// Which of the link's streams a page after the first pages belongs to.
fn stream_of(streams: &[Stream], p: &Page) -> Result<usize, Error> {
    let serial = p.serial;
    let i = streams.iter().position(|s| s.serial == serial).ok_or_else(|| {
        Error::data(format!(
            "corrupt Ogg: the page at offset {} belongs to stream {serial}, whose first page is \
             missing or not with the other streams' first pages",
            p.at
        ))
    })?;
    if p.has(BOS) {
        return Err(Error::data(format!(
            "corrupt Ogg: stream {serial} starts twice (offset {})",
            p.at
        )));
    }
    if streams[i].ended {
        return Err(Error::data(format!(
            "corrupt Ogg: a page of stream {serial} after its last page (offset {})",
            p.at
        )));
    }
    Ok(i)
}
