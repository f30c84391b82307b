//! FLAC (also behind a leading ID3v2 tag or before a trailing ID3v1): removes VORBIS_COMMENT,
//! PICTURE, APPLICATION and PADDING blocks and the ID3 tags; keeps STREAMINFO, SEEKTABLE and
//! CUESHEET byte for byte (their last-block flag rewritten) and the frames as one range.
//! Written by hand rather than with `metaflac` or `lofty`: they rewrite a file in place through
//! their own model of it, while the plan needs only the blocks' extents.

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::plan::Plan;
use crate::engine::source::{truncated, Source};
use crate::engine::{Cleaned, Format, Found};
use crate::tags::{id3, vorbis};

pub struct Flac;

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

    fn plan(&self, src: &Source, _cx: &mut Ctx) -> Result<Cleaned, Error> {
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
            if size <= LIST_MAX {
                removed.extend(id3::v2_list(&src.read(pos, size, "FLAC: ID3v2 tag")?)?);
            } else {
                removed.push(Found::new("ID3v2", "tag", format!("{size} bytes")));
            }
            pos += size;
        }
        if src.read(pos, 4, "FLAC: stream marker")? != b"fLaC" {
            return Err(Error::data("corrupt FLAC: no fLaC marker after the ID3 tag"));
        }
        pos += 4;
        let mut kept: Vec<(u8, u64, u64)> = Vec::new();
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
                0 | 3 | 5 => kept.push((kind, data, size)),
                1 => {}
                2 => {
                    let id = src.read_upto(data, 4)?;
                    removed.push(Found::new(
                        "FLAC",
                        "APPLICATION",
                        format!("{} ({size} bytes)", crate::engine::summary(&id)),
                    ));
                }
                4 if size <= LIST_MAX => {
                    let (vendor, found) = vorbis::list(&src.read(data, size, "FLAC: comments")?, "Vorbis")?;
                    removed.push(Found::new("Vorbis", "vendor", vendor));
                    removed.extend(found);
                }
                6 if size <= LIST_MAX => {
                    let p = src.read(data, size, "FLAC: PICTURE block")?;
                    let what =
                        vorbis::picture(&p).ok_or_else(|| Error::data("corrupt FLAC: PICTURE block"))?;
                    removed.push(Found::new("FLAC", "PICTURE", what));
                }
                4 | 6 => removed.push(Found::new(
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
        let mut end = len;
        if end >= frames + 128 && src.read(end - 128, 3, "FLAC: ID3v1")? == b"TAG" {
            removed.extend(id3::v1_list(&src.read(end - 128, 128, "FLAC: ID3v1")?));
            end -= 128;
        }
        if frames < end {
            let sync = src.read(frames, 2, "FLAC: first frame")?;
            if sync[0] != 0xff || sync[1] & 0xfe != 0xf8 {
                return Err(Error::data("corrupt FLAC: no frame after the metadata blocks"));
            }
        }
        let mut plan = Plan::new();
        plan.bytes(b"fLaC");
        let n = kept.len();
        for (i, (kind, data, size)) in kept.into_iter().enumerate() {
            let flag = if i + 1 == n { 0x80 } else { 0 };
            plan.bytes(&[flag | kind, (size >> 16) as u8, (size >> 8) as u8, size as u8]);
            plan.range(data, size);
        }
        plan.range(frames, end - frames);
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}
