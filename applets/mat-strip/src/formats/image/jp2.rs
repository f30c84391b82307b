//! JPEG 2000 (JP2 and the JPX boxes of one codestream): removes `xml ` (XMP and other XML),
//! `uuid` (XMP, IPTC, EXIF), `uinf`, `jp2i` (intellectual property) and JPX label/association
//! boxes; keeps the signature, `ftyp`, `rreq`, the `jp2h` header (`ihdr`, `colr`, `res `, ...)
//! and the codestream (`jp2c`) byte for byte. The colour specification is needed to show the
//! image right, so `--strip-icc` leaves a restricted ICC profile in `colr` in place.

use privkit_core::Error;

use crate::containers::ifd;
use crate::containers::isobmff::{self as bmff};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found};
use crate::tags::xmp;

pub struct Jp2;

const WHAT: &str = "JPEG 2000";

const UUID_EXIF: &[u8] = b"JpgTiffExif->JP2";
const UUID_XMP: &[u8] = &[
    0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac,
];
const UUID_IPTC: &[u8] = &[
    0x33, 0xc7, 0xa4, 0xd2, 0xb8, 0x1d, 0x47, 0x23, 0xa0, 0xba, 0xf1, 0xa3, 0xe0, 0x97, 0xad, 0x38,
];

impl Format for Jp2 {
    fn name(&self) -> &'static str {
        "JPEG 2000"
    }

    fn describe(&self) -> &'static str {
        "JP2/JPX: removes xml (XMP), uuid (XMP, IPTC, EXIF), uinf, jp2i and label boxes; keeps \
         jp2h (ihdr, colr, res) and the codestream byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Other("JPEG 2000"))
    }

    fn plan(&self, src: &Source, _cx: &mut Ctx) -> Result<Cleaned, Error> {
        let mut plan = Plan::new();
        let mut removed = Vec::new();
        let mut codestream = false;
        for h in bmff::top_level(src, WHAT, bmff::MAX_TOP_LEVEL)? {
            match &h.kind {
                b"jP  " | b"ftyp" | b"rreq" | b"jpch" | b"jplh" | b"cgrp" | b"opct" | b"creg" => {
                    plan.range(h.start, h.size)
                }
                b"jp2h" => {
                    if h.size > 1 << 20 {
                        return Err(Error::data("unsupported JPEG 2000: a header box over 1 MB"));
                    }
                    let b = src.read(h.start, h.size, WHAT)?;
                    for c in bmff::children(&b, h.header as usize, b.len(), WHAT)? {
                        if !matches!(
                            &c.kind,
                            b"ihdr" | b"bpcc" | b"colr" | b"pclr" | b"cmap" | b"cdef" | b"res "
                        ) {
                            return Err(Error::data(format!(
                                "unsupported JPEG 2000: unknown box '{}' in the header",
                                c.name()
                            )));
                        }
                    }
                    plan.range(h.start, h.size)
                }
                b"jp2c" => {
                    codestream = true;
                    plan.range(h.start, h.size)
                }
                b"xml " => removed.extend(xmp::list(&src.read(
                    h.body(),
                    h.body_len().min(xmp::MAX_PACKET),
                    WHAT,
                )?)),
                b"uuid" => {
                    let id = src.read(h.start + h.header - 16, 16, WHAT)?;
                    let data = src.read(h.body(), h.body_len().min(1 << 20), WHAT)?;
                    if id == UUID_EXIF {
                        let tiff = data.strip_prefix(b"Exif\0\0").unwrap_or(&data);
                        removed.extend(ifd::list(tiff, "EXIF"));
                    } else if id == UUID_XMP {
                        removed.extend(xmp::list(&data));
                    } else if id == UUID_IPTC {
                        removed.extend(crate::tags::iptc::list(&data));
                    } else {
                        removed.push(Found::new(
                            "JPEG 2000",
                            "uuid box",
                            format!("{} bytes", data.len()),
                        ));
                    }
                }
                b"uinf" | b"jp2i" | b"asoc" | b"lbl " | b"nlst" | b"free" => removed.push(Found::new(
                    "JPEG 2000",
                    h.name(),
                    format!("{} bytes", h.body_len()),
                )),
                _ => {
                    return Err(Error::data(format!(
                        "unsupported JPEG 2000: unknown box '{}' at offset {} (could hold metadata)",
                        h.name(),
                        h.start
                    )))
                }
            }
        }
        if !codestream {
            return Err(Error::data("corrupt JPEG 2000: no codestream box"));
        }
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}
