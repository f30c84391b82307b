//! FLAC (also behind a leading ID3v2 tag or before trailing ID3v1/APE/Lyrics3 tags): removes
//! PICTURE, APPLICATION and PADDING blocks and the tags (a PADDING block of zeros is added last
//! when the frames would otherwise move by other than a multiple of 4096 bytes: the kernel copies
//! them faster page-aligned, see `page_pad`); empties VORBIS_COMMENT (a neutral
//! vendor string, no comments: kept rather than removed because the FLAC format says a stream
//! has one and tools such as `metaflac` and some players expect it); keeps STREAMINFO,
//! SEEKTABLE and CUESHEET byte for byte (their last-block flag rewritten) and the frames as
//! one range. A FLAC behind an ID3 tag larger than standard input's sniffed head is handed here by MP3.
//! Written by hand rather than with `metaflac` or `lofty`: they rewrite a file in place through
//! their own model of it, while the plan needs only the blocks' extents.

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::plan::{page_pad, Plan};
use crate::engine::source::{truncated, Source};
use crate::engine::{Cleaned, Format, Found};
use crate::tags::{id3, vorbis};

pub struct Flac;

/// A metadata block of the output: one of the input's, or a new body (the emptied comments).
enum Kept {
    Range(u64, u64),
    Bytes(Vec<u8>),
}

impl Kept {
    fn len(&self) -> u64 {
        match self {
            Kept::Range(_, size) => *size,
            Kept::Bytes(b) => b.len() as u64,
        }
    }
}

/// Blocks in one file at most (real files have a handful).
const MAX_BLOCKS: usize = 10_000;
/// Tags and comment blocks larger than this are counted, not listed.
const LIST_MAX: u64 = 16 << 20;

/// Where the "fLaC" marker is, after any ID3v2 tags at the start, if `head` shows it.
fn marker(head: &[u8]) -> Option<usize> {
    let mut pos = 0usize;
    for _ in 0..8 {
        let rest = head.get(pos..)?;
        if rest.starts_with(b"fLaC") {
            return Some(pos);
        }
        pos = pos.checked_add(id3::v2_size(rest).ok()?? as usize)?;
    }
    None
}

impl Format for Flac {
    fn name(&self) -> &'static str {
        "FLAC"
    }

    fn describe(&self) -> &'static str {
        "removes VORBIS_COMMENT, PICTURE, APPLICATION and PADDING blocks and ID3 tags before or \
         after; keeps STREAMINFO, SEEKTABLE, CUESHEET and the frames byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        marker(head).is_some()
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let len = src.len();
        let mut removed = Vec::new();
        let mut pos = 0u64;
        // Leading ID3v2 tags (some taggers write one before "fLaC"; decoders skip it).
        loop {
            let head = src.read_upto(pos, 10)?;
            let Some(size) = id3::v2_size(&head)? else { break };
            if pos + size > len {
                return Err(truncated("FLAC: leading ID3v2 tag", len - pos, size));
            }
            removed.extend(id3::v2_list_at(
                src,
                pos,
                size,
                "FLAC: ID3v2 tag",
                !cx.opts.count_only,
            )?);
            pos += size;
        }
        if src.read(pos, 4, "FLAC: stream marker")? != b"fLaC" {
            return Err(Error::data("corrupt FLAC: no fLaC marker after the ID3 tag"));
        }
        pos += 4;
        let mut kept: Vec<(u8, Kept)> = Vec::new();
        let mut blocks = 0;
        loop {
            let h = src.read(pos, 4, "FLAC: metadata block header")?;
            let (last, kind) = (h[0] & 0x80 != 0, h[0] & 0x7f);
            let size = (h[1] as u64) << 16 | (h[2] as u64) << 8 | h[3] as u64;
            let data = pos + 4;
            if data + size > len {
                return Err(truncated(
                    &format!("FLAC: metadata block {kind}"),
                    len - data,
                    size,
                ));
            }
            blocks += 1;
            if blocks > MAX_BLOCKS {
                return Err(Error::data("corrupt FLAC: too many metadata blocks"));
            }
            if blocks == 1 && kind != 0 {
                return Err(Error::data("corrupt FLAC: the first block is not STREAMINFO"));
            }
            match kind {
                0 | 3 | 5 => kept.push((kind, Kept::Range(data, size))),
                1 => {}
                2 => {
                    let id = src.read_upto(data, 4)?;
                    removed.push(Found::new(
                        "FLAC",
                        "APPLICATION",
                        format!("{} ({size} bytes)", crate::engine::summary(&id)),
                    ));
                }
                4 if kept.iter().any(|(k, _)| *k == 4) => {
                    return Err(Error::data("corrupt FLAC: two VORBIS_COMMENT blocks"))
                }
                4 => {
                    let neutral = vorbis::empty(vorbis::NEUTRAL_VENDOR);
                    if size > LIST_MAX {
                        removed.push(Found::new("FLAC", "VORBIS_COMMENT", format!("{size} bytes")));
                    } else {
                        let block = src.read(data, size, "FLAC: comments")?;
                        // An emptied block (a cleaned file) is no finding: cleaning is idempotent.
                        if block != neutral {
                            let (vendor, found) = vorbis::list(&block, "Vorbis")?;
                            if vendor != vorbis::NEUTRAL_VENDOR {
                                removed.push(Found::new("Vorbis", "vendor", vendor));
                            }
                            removed.extend(found);
                        }
                    }
                    kept.push((kind, Kept::Bytes(neutral)));
                }
                6 if size <= LIST_MAX => {
                    let p = src.read(data, size, "FLAC: PICTURE block")?;
                    let what =
                        vorbis::picture(&p).ok_or_else(|| Error::data("corrupt FLAC: PICTURE block"))?;
                    removed.push(Found::new("FLAC", "PICTURE", what));
                }
                6 => removed.push(Found::new(
                    "FLAC",
                    format!("block {kind}"),
                    format!("{size} bytes"),
                )),
                _ => {
                    return Err(Error::data(format!(
                        "FLAC: metadata block of unknown type {kind} ({size} bytes) could hold metadata"
                    )))
                }
            }
            pos = data + size;
            if last {
                break;
            }
        }
        let frames = pos;
        let end = super::mp3::trailing_tags(src, frames, &mut removed, !cx.opts.count_only)?;
        if frames < end {
            let sync = src.read(frames, 2, "FLAC: first frame")?;
            if sync[0] != 0xff || sync[1] & 0xfe != 0xf8 {
                return Err(Error::data("corrupt FLAC: no frame after the metadata blocks"));
            }
        }
        let out_frames = 4 + kept.iter().map(|(_, b)| 4 + b.len()).sum::<u64>();
        // A PADDING block of zeros last, so the frames keep their offset modulo a page.
        let pad = page_pad(out_frames, frames, 4);
        let mut plan = Plan::new();
        plan.bytes(b"fLaC");
        let n = kept.len();
        for (i, (kind, block)) in kept.into_iter().enumerate() {
            let flag = if i + 1 == n && pad.is_none() { 0x80 } else { 0 };
            let size = block.len();
            plan.bytes(&[flag | kind, (size >> 16) as u8, (size >> 8) as u8, size as u8]);
            match block {
                Kept::Range(data, size) => plan.range(data, size),
                Kept::Bytes(b) => plan.bytes(&b),
            }
        }
        if let Some(pad) = pad {
            plan.bytes(&[0x80 | 1, (pad >> 16) as u8, (pad >> 8) as u8, pad as u8]);
            plan.zeros(pad);
        }
        plan.range(frames, end - frames);
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}
