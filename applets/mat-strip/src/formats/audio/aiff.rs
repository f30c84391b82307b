//! AIFF and AIFC (IFF, big-endian): removes NAME, AUTH, (c), ANNO, COMT, ID3, APPL and XMP
//! chunks and data after the container; keeps COMM, SSND, MARK, INST, FVER, AESD and MIDI
//! byte for byte.

use privkit_core::Error;

use super::{chunk_cut, chunk_tags};
use crate::bytes::be32;
use crate::containers::riff::chunks::{self, header, Order};
use crate::engine::ctx::Ctx;
use crate::engine::members::{self, Members};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};

pub struct Aiff;

const KEEP: &[&[u8; 4]] = &[
    b"COMM", b"SSND", b"MARK", b"INST", b"FVER", b"AESD", b"MIDI", b"CHAN",
];
const DROP: &[&[u8; 4]] = &[
    b"NAME", b"AUTH", b"(c) ", b"ANNO", b"COMT", b"ID3 ", b"id3 ", b"APPL", b"XMP ", b"_PMX",
];

impl Format for Aiff {
    fn name(&self) -> &'static str {
        "AIFF"
    }

    fn describe(&self) -> &'static str {
        "AIFF and AIFC: removes NAME, AUTH, (c), ANNO, COMT, ID3, APPL and XMP chunks; keeps \
         COMM, SSND, MARK and INST byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(b"FORM") && matches!(head.get(8..12), Some(b"AIFF" | b"AIFC"))
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let len = src.len();
        let head = src.read(0, 12, "AIFF: FORM header")?;
        let form_end = 8 + be32(&head, 4) as u64;
        let (list, _) = chunks::walk_cut(src, 12, form_end, Order::Big, "AIFF", &|_, n| n)?;
        let cut = chunk_cut::judge(cx, &list, form_end, len, b"SSND", DROP, "AIFF")?.map(|c| c.at);
        let form_end = form_end.min(len);
        let mut body = Plan::new();
        let mut body_len = 0u64;
        let mut removed = Vec::new();
        let mut members = Members::default();
        let (mut comm, mut ssnd) = (false, false);
        for c in &list {
            let keep = if KEEP.contains(&&c.id) {
                comm |= c.id == *b"COMM";
                ssnd |= c.id == *b"SSND";
                true
            } else if DROP.contains(&&c.id) && cut == Some(c.at) {
                removed.push(chunk_cut::found(c, len, "AIFF"));
                false
            } else if DROP.contains(&&c.id) {
                let kind = "AIFF";
                if c.id == *b"COMT" {
                    removed.push(Found::new(kind, "COMT", format!("comments, {} bytes", c.size)));
                } else {
                    removed.extend(chunk_tags::describe(src, c, Order::Big, kind)?);
                }
                false
            } else {
                // An unknown chunk could hold anything: --unknown decides, and a kept one is a
                // finding (so --check never calls the file clean over it).
                let name = format!("chunk '{}'", c.name());
                let size = format!("{} bytes", c.size);
                !members::unknown(cx.opts.unknown, "AIFF", &name, &size, &mut removed, &mut members)?
            };
            if keep {
                // A cut chunk as far as it goes; its size (and the FORM size) as declared.
                body.range(c.at, c.total().min(len - c.at));
                body_len += c.total();
            }
        }
        if !comm {
            return Err(Error::data("corrupt AIFF: no COMM chunk"));
        }
        let _ = ssnd;
        if len > form_end {
            removed.push(Found::new(
                "AIFF",
                "Trailer",
                format!("{} bytes after the FORM container", len - form_end),
            ));
        }
        let size = u32::try_from(4 + body_len).map_err(|_| Error::data("corrupt AIFF: too large"))?;
        let mut plan = Plan::new();
        plan.bytes(&header(b"FORM", size, Order::Big));
        plan.bytes(&head[8..12]);
        plan.extend(body);
        Ok(Cleaned {
            plan,
            removed,
            members,
        })
    }
}
