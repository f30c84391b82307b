//! WebP (lossy, lossless, animated): drop the EXIF and XMP chunks and unknown chunks, clear
//! their flags in VP8X, fix the RIFF size; keep VP8/VP8L/ALPH/ANIM/ANMF/ICCP byte for byte.

use privkit_core::Error;

use crate::bytes::le32;
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::{truncated, Source};
use crate::engine::{Cleaned, Format, Found};
use crate::tags::xmp;

pub struct Webp;

const FLAG_ICC: u8 = 0x20;
const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;

impl Format for Webp {
    fn name(&self) -> &'static str {
        "WebP"
    }

    fn describe(&self) -> &'static str {
        "lossy, lossless and animated: removes EXIF, XMP and unknown chunks and fixes the VP8X \
         flags; keeps VP8/VP8L, ALPH, ANIM/ANMF and ICCP byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Webp)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let options = cx.opts;
        let opts = &options;
        let len = src.len();
        let riff = src.read(0, 12, "WebP: RIFF header")?;
        let riff_end = 8 + le32(&riff, 4) as u64;
        if riff_end > len {
            return Err(truncated("WebP: RIFF container", len, riff_end));
        }
        let mut body = Plan::new();
        let mut body_len = 0u64;
        let mut removed = Vec::new();
        let mut vp8x: Option<Vec<u8>> = None;
        let mut image = false;
        let mut pos = 12u64;
        while pos < riff_end {
            let head = src.read(pos, 8, "WebP: chunk header")?;
            let fourcc: [u8; 4] = [head[0], head[1], head[2], head[3]];
            let size = le32(&head, 4) as u64;
            let padded = 8 + size + (size & 1);
            if pos + 8 + size > riff_end {
                return Err(truncated(
                    &format!("WebP: {} chunk", String::from_utf8_lossy(&fourcc)),
                    riff_end - pos,
                    8 + size,
                ));
            }
            let total = padded.min(riff_end - pos);
            match &fourcc {
                b"VP8X" => {
                    if vp8x.is_some() || body_len != 0 || size < 10 {
                        return Err(Error::data("corrupt WebP: misplaced or short VP8X chunk"));
                    }
                    vp8x = Some(src.read(pos, 8 + size, "WebP: VP8X chunk")?);
                }
                b"VP8 " | b"VP8L" | b"ALPH" | b"ANIM" | b"ANMF" => {
                    image |= &fourcc != b"ANIM";
                    body.range(pos, total);
                    body_len += total;
                }
                b"ICCP" if !opts.strip_icc => {
                    body.range(pos, total);
                    body_len += total;
                }
                b"ICCP" => removed.push(Found::new("WebP ICCP", "ICC profile", format!("{size} bytes"))),
                b"EXIF" => {
                    let data = src.read(pos + 8, size.min(1 << 20), "WebP: EXIF chunk")?;
                    let tiff = data.strip_prefix(b"Exif\0\0").unwrap_or(&data);
                    removed.extend(crate::containers::ifd::list(tiff, "EXIF"));
                }
                b"XMP " => removed.extend(xmp::list(&src.read_upto(pos + 8, size.min(xmp::MAX_PACKET))?)),
                other => removed.push(Found::new(
                    "WebP",
                    String::from_utf8_lossy(other),
                    format!("{size} bytes"),
                )),
            }
            pos += total;
        }
        if !image {
            return Err(Error::data("corrupt WebP: no image data"));
        }
        if len > riff_end {
            removed.push(Found::new(
                "WebP",
                "Trailer",
                format!("{} bytes after the RIFF container", len - riff_end),
            ));
        }
        let mut plan = Plan::new();
        if let Some(mut chunk) = vp8x {
            chunk[8] &= !(FLAG_EXIF | FLAG_XMP);
            if opts.strip_icc {
                chunk[8] &= !FLAG_ICC;
            }
            if chunk.len() % 2 == 1 {
                chunk.push(0);
            }
            let mut head = b"RIFF".to_vec();
            head.extend_from_slice(&((4 + chunk.len() as u64 + body_len) as u32).to_le_bytes());
            head.extend_from_slice(b"WEBP");
            plan.bytes(&head);
            plan.bytes(&chunk);
        } else {
            let mut head = b"RIFF".to_vec();
            head.extend_from_slice(&((4 + body_len) as u32).to_le_bytes());
            head.extend_from_slice(b"WEBP");
            plan.bytes(&head);
        }
        plan.extend(body);
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}
