//! JPEG XL: in the box container, removes `Exif`, `xml ` (XMP), `jumb` (JUMBF) and `brob`
//! (brotli-compressed metadata) boxes, and `jbrd` (the JPEG reconstruction data, which holds
//! the original JPEG's other APP and COM segments: without it the image decodes to the same
//! pixels, only a bit-exact JPEG can no longer be rebuilt); keeps the codestream (`jxlc`,
//! `jxlp`), `jxll` and `jxli` byte for byte. A bare codestream has no place for metadata.

use privkit_core::Error;

use crate::containers::ifd;
use crate::containers::isobmff::{self as bmff};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};
use crate::tags::xmp;

pub struct Jxl;

const WHAT: &str = "JPEG XL";

impl Format for Jxl {
    fn name(&self) -> &'static str {
        "JPEG XL"
    }

    fn describe(&self) -> &'static str {
        "container and bare codestream: removes Exif, XMP, JUMBF and brotli-compressed (brob) \
         metadata boxes and the JPEG reconstruction data (jbrd); keeps the codestream \
         (jxlc/jxlp, with its colour profile) byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Other("JPEG XL"))
    }

    fn plan(&self, src: &Source, _cx: &mut Ctx) -> Result<Cleaned, Error> {
        let mut plan = Plan::new();
        let mut removed = Vec::new();
        if src.read(0, 2.min(src.len()), WHAT)? == b"\xff\x0a" {
            plan.range(0, src.len());
            return Ok(Cleaned {
                plan,
                removed,
                members: Default::default(),
            });
        }
        let mut codestream = false;
        for h in bmff::top_level(src, WHAT, bmff::MAX_TOP_LEVEL)? {
            match &h.kind {
                b"JXL " | b"ftyp" | b"jxll" | b"jxli" => plan.range(h.start, h.size),
                b"jxlc" | b"jxlp" => {
                    codestream = true;
                    plan.range(h.start, h.size)
                }
                b"Exif" => {
                    let data = src.read(h.body(), h.body_len().min(1 << 20), WHAT)?;
                    // A 4-byte offset to the TIFF header comes first.
                    let at = data
                        .get(..4)
                        .map_or(0, |o| u32::from_be_bytes(o.try_into().unwrap_or([0; 4])) as usize);
                    removed.extend(ifd::list(data.get(4 + at..).unwrap_or_default(), "EXIF"));
                }
                b"xml " => removed.extend(xmp::list(&src.read(
                    h.body(),
                    h.body_len().min(xmp::MAX_PACKET),
                    WHAT,
                )?)),
                b"jumb" => removed.push(Found::new("JUMBF", "jumb", format!("{} bytes", h.body_len()))),
                b"brob" => {
                    let inner = src.read(h.body(), 4.min(h.body_len()), WHAT)?;
                    removed.push(Found::new(
                        "JPEG XL brob",
                        bmff::name(&inner.try_into().unwrap_or(*b"????")),
                        format!("{} bytes, brotli-compressed", h.body_len()),
                    ));
                }
                b"jbrd" => removed.push(Found::new(
                    "JPEG XL",
                    "jbrd",
                    format!(
                        "JPEG reconstruction data, {} bytes (the original JPEG's segments)",
                        h.body_len()
                    ),
                )),
                b"free" | b"skip" => {}
                _ => {
                    return Err(Error::data(format!(
                        "unsupported JPEG XL: unknown box '{}' at offset {} (could hold metadata)",
                        h.name(),
                        h.start
                    )))
                }
            }
        }
        if !codestream {
            return Err(Error::data("corrupt JPEG XL: no codestream box"));
        }
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}
