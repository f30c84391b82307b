//! WAV (RIFF, RF64, BW64): removes LIST (INFO and the rest), bext, iXML, ID3, XMP (_PMX),
//! cart, axml, umid and any data after the container; keeps fmt, data, fact, cue, ds64 and the
//! sampler and peak chunks byte for byte. The samples are moved as one range of the input, at
//! the same offset modulo 4096 as in the input (a JUNK chunk of zeros before `data` if needed).

use privkit_core::Error;

use super::{chunk_cut, chunk_tags};
use crate::bytes::le32;
use crate::containers::riff::chunks::{self, header, Order};
use crate::engine::ctx::Ctx;
use crate::engine::members::{self, Members};
use crate::engine::plan::{page_pad, Plan};
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};

pub struct Wav;

/// Audio structure: kept as it is.
const KEEP: &[&[u8; 4]] = &[
    b"fmt ", b"data", b"fact", b"cue ", b"smpl", b"inst", b"PEAK", b"plst", b"chna", b"wavl", b"slnt",
];
/// Metadata: removed and listed.
const DROP: &[&[u8; 4]] = &[
    b"LIST", b"bext", b"iXML", b"id3 ", b"ID3 ", b"_PMX", b"cart", b"axml", b"umid", b"DISP", b"XMP ",
    b"afsp", b"aXML", b"ixml",
];
/// Free space: left out; listed only if something was written in it.
const FREE: &[&[u8; 4]] = &[b"JUNK", b"junk", b"PAD ", b"FLLR", b"fllr", b"free"];

impl Format for Wav {
    fn name(&self) -> &'static str {
        "WAV"
    }

    fn describe(&self) -> &'static str {
        "RIFF, RF64 and BW64: removes LIST/INFO, bext, iXML, ID3, XMP, cart, axml and data after \
         the container; keeps fmt, data, fact, cue, ds64 and sampler chunks byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        matches!(head.get(..4), Some(b"RIFF" | b"RF64" | b"BW64")) && head.get(8..12) == Some(b"WAVE")
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let len = src.len();
        let head = src.read(0, 12, "WAV: RIFF header")?;
        let rf64 = &head[..4] != b"RIFF";
        // RF64/BW64: the 32-bit sizes say 0xFFFFFFFF and the real ones are in ds64, the first
        // chunk (riffSize, dataSize, sampleCount, then a table of other chunks' sizes).
        let mut ds64: Option<Vec<u8>> = None;
        let riff_end = if rf64 {
            let d = src.read(12, 36, "WAV: ds64 chunk")?;
            if &d[..4] != b"ds64" || le32(&d, 4) < 28 {
                return Err(Error::data("corrupt RF64 WAV: no ds64 chunk first"));
            }
            ds64 = Some(d.clone());
            8u64.saturating_add(u64::from_le_bytes(d[8..16].try_into().unwrap_or_default()))
        } else {
            8 + le32(&head, 4) as u64
        };
        let data_size = ds64
            .as_ref()
            .map(|d| u64::from_le_bytes(d[16..24].try_into().unwrap_or_default()));
        let size_of = |id: &[u8; 4], n: u64| match (id, data_size) {
            (b"data", Some(big)) if n == 0xffff_ffff => big,
            _ => n,
        };
        let (list, chunks_end) = match chunks::walk_cut(src, 12, riff_end, Order::Little, "WAV", &size_of) {
            // A RIFF size that ends inside a chunk of a file that goes on (as in ExifTool's
            // sample): the chunks are followed where they tile the file to its end exactly,
            // as exiftool and ffmpeg read them; the output's RIFF size is recomputed anyway.
            Err(e) if riff_end < len => {
                let list = chunks::walk(src, 12, len, Order::Little, "WAV", &size_of).map_err(|_| e)?;
                cx.notes.push(format!(
                    "its RIFF size ends {} bytes before its chunks do; they were followed to the end of the file",
                    len - riff_end
                ));
                (list, len)
            }
            r => (r?.0, riff_end.min(len)),
        };
        // The output's bytes before its first body chunk (the ds64 chunk keeps its size).
        let prefix = if rf64 {
            12 + list.first().map_or(0, |c| c.total())
        } else {
            12
        };
        let cut = chunk_cut::judge(cx, &list, riff_end, len, b"data", DROP, "WAV")?.map(|c| c.at);
        let mut body = Plan::new();
        let mut body_len = 0u64;
        let mut removed = Vec::new();
        let mut members = Members::default();
        let mut has_fmt = false;
        let mut has_data = false;
        for c in &list {
            let keep = if c.id == *b"ds64" {
                if !rf64 || c.at != 12 {
                    return Err(Error::data("corrupt WAV: a ds64 chunk out of place"));
                }
                // Rewritten below with the new riffSize.
                continue;
            } else if KEEP.contains(&&c.id) {
                has_fmt |= c.id == *b"fmt ";
                has_data |= c.id == *b"data";
                true
            } else if DROP.contains(&&c.id) && cut == Some(c.at) {
                removed.push(chunk_cut::found(c, len, "WAV"));
                false
            } else if DROP.contains(&&c.id) {
                removed.extend(chunk_tags::describe(src, c, Order::Little, "WAV")?);
                false
            } else if FREE.contains(&&c.id) {
                let d = src.read(c.data(), c.size.min(1 << 20), "WAV: free chunk")?;
                let written = d.iter().filter(|&&b| b != 0).count();
                if written > 0 {
                    removed.push(Found::new(
                        "WAV",
                        c.name(),
                        format!("free space with {written} non-zero bytes"),
                    ));
                }
                false
            } else {
                // An unknown chunk could hold anything: --unknown decides, and a kept one is a
                // finding (so --check never calls the file clean over it).
                let name = format!("chunk '{}'", c.name());
                let size = format!("{} bytes", c.size);
                !members::unknown(cx.opts.unknown, "WAV", &name, &size, &mut removed, &mut members)?
            };
            if keep && c.id == *b"data" {
                // A JUNK chunk of zeros before the samples, so they keep their offset modulo a
                // page (copied faster, see `page_pad`); chunks are even-aligned on both sides, so
                // its size is even (if not, no JUNK: a chunk of odd size would need a pad byte).
                if let Some(pad) = page_pad(prefix + body_len, c.at, 8).filter(|p| p % 2 == 0) {
                    body.bytes(&header(b"JUNK", pad as u32, Order::Little));
                    body.zeros(pad);
                    body_len += 8 + pad;
                }
            }
            if keep {
                // A cut chunk as far as it goes; its size (and the RIFF size) as declared.
                body.range(c.at, c.total().min(len - c.at));
                body_len += c.total();
            }
        }
        if !has_fmt || !has_data {
            return Err(Error::data("corrupt WAV: no 'fmt ' or no 'data' chunk"));
        }
        if len > chunks_end {
            removed.push(Found::new(
                "WAV",
                "Trailer",
                format!("{} bytes after the RIFF container", len - chunks_end),
            ));
        }
        let mut plan = Plan::new();
        if let Some(d) = ds64 {
            let ds_total = list[0].total();
            let riff_size = 4 + ds_total + body_len;
            plan.bytes(&head[..8]);
            plan.bytes(b"WAVE");
            plan.bytes(&d[..8]);
            plan.bytes(&riff_size.to_le_bytes());
            plan.range(12 + 16, ds_total - 16);
        } else {
            // A cut file whose declared sizes add up past 32 bits (a WAV written to a pipe says
            // 0xFFFFFFFF for the RIFF and the data): its RIFF size as it was.
            let riff_size = match u32::try_from(4 + body_len) {
                Ok(size) => size,
                Err(_) if cut.is_some() => le32(&head, 4),
                Err(_) => return Err(Error::data("corrupt WAV: larger than a RIFF file can be")),
            };
            plan.bytes(&header(b"RIFF", riff_size, Order::Little));
            plan.bytes(b"WAVE");
        }
        plan.extend(body);
        Ok(Cleaned {
            plan,
            removed,
            members,
        })
    }
}
