//! PNG and APNG: drop text chunks (tEXt, zTXt, iTXt), eXIf, tIME, and every ancillary chunk
//! that is not needed to render (private chunks included); keep the image, animation and colour
//! chunks byte for byte, CRCs included. An unknown critical chunk is refused: dropping it could
//! change the picture, keeping it could keep metadata.

use privkit_core::Error;

use crate::bytes::be32;
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::{truncated, Source};
use crate::engine::{summary, Cleaned, Format, Found};
use crate::tags::xmp;

pub struct Png;

/// Ancillary chunks that rendering needs (colour, transparency, animation, layout).
const KEEP: &[&[u8; 4]] = &[
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"cICP", b"mDCV", b"mDCv", b"cLLI", b"cLLi",
    b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"sPLT",
];

/// Text chunks larger than this are not read for --show, only sized.
const SHOW_LIMIT: u64 = 64 * 1024;

impl Format for Png {
    fn name(&self) -> &'static str {
        "PNG"
    }

    fn describe(&self) -> &'static str {
        "PNG and APNG: removes tEXt, zTXt, iTXt, eXIf, tIME and private or unknown ancillary \
         chunks, and data after IEND; keeps IHDR, PLTE, tRNS, IDAT, acTL/fcTL/fdAT and the colour \
         chunks (gAMA, cHRM, sRGB, iCCP, sBIT, cICP) byte for byte; palette, 16-bit and \
         interlaced images untouched"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Png)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let options = cx.opts;
        let opts = &options;
        let len = src.len();
        let mut plan = Plan::new();
        let mut removed = Vec::new();
        plan.range(0, 8);
        let mut pos = 8u64;
        let mut seen_ihdr = false;
        let mut seen_idat = false;
        loop {
            if pos + 8 > len {
                return Err(Error::data("truncated PNG: no IEND chunk"));
            }
            let head = src.read(pos, 8, "PNG: chunk header")?;
            let data_len = be32(&head, 0) as u64;
            let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
            let name = String::from_utf8_lossy(&kind).into_owned();
            if !kind.iter().all(u8::is_ascii_alphabetic) {
                return Err(Error::data(format!(
                    "corrupt PNG: invalid chunk type at offset {pos}"
                )));
            }
            if data_len > i32::MAX as u64 {
                return Err(Error::data(format!(
                    "corrupt PNG: {name} chunk length {data_len} at offset {pos}"
                )));
            }
            let total = 12 + data_len;
            if pos + total > len {
                return Err(truncated(&format!("PNG: {name} chunk"), len - pos, total));
            }
            if !seen_ihdr && &kind != b"IHDR" {
                return Err(Error::data("corrupt PNG: the first chunk is not IHDR"));
            }
            let critical = kind[0].is_ascii_uppercase();
            match &kind {
                b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" => plan.range(pos, total),
                b"iCCP" if opts.strip_icc => {
                    removed.push(Found::new("PNG iCCP", "ICC profile", format!("{data_len} bytes")))
                }
                k if KEEP.contains(&k) => plan.range(pos, total),
                _ if critical => {
                    return Err(Error::data(format!(
                        "unsupported PNG: unknown critical chunk {name}"
                    )));
                }
                _ => removed.extend(describe_chunk(src, pos, data_len, &name)?),
            }
            seen_ihdr = true;
            seen_idat |= &kind == b"IDAT";
            pos += total;
            if &kind == b"IEND" {
                break;
            }
        }
        if !seen_idat {
            return Err(Error::data("corrupt PNG: no IDAT chunk"));
        }
        if pos < len {
            removed.push(Found::new(
                "PNG",
                "Trailer",
                format!("{} bytes after IEND", len - pos),
            ));
        }
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

/// What a dropped chunk holds, for --show: text chunks by keyword and value.
fn describe_chunk(src: &Source, pos: u64, data_len: u64, name: &str) -> Result<Vec<Found>, Error> {
    let kind = format!("PNG {name}");
    // An eXIf chunk is an EXIF block: listed tag by tag (GPS, camera, owner), bounded as JPEG's.
    if name == "eXIf" && data_len <= 1 << 20 {
        let data = src.read(pos + 8, data_len, "PNG: eXIf chunk")?;
        return Ok(crate::containers::ifd::list(&data, "EXIF"));
    }
    if !matches!(name, "tEXt" | "iTXt" | "zTXt" | "tIME") || data_len > SHOW_LIMIT {
        return Ok(vec![Found::new(kind, name, format!("{data_len} bytes"))]);
    }
    let data = src.read(pos + 8, data_len, "PNG: chunk")?;
    if name == "tIME" && data.len() == 7 {
        let year = u16::from_be_bytes([data[0], data[1]]);
        let stamp = format!(
            "{year:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            data[2], data[3], data[4], data[5], data[6]
        );
        return Ok(vec![Found::new(kind, "modification time", stamp)]);
    }
    let (keyword, rest) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (
            String::from_utf8_lossy(&data[..nul]).into_owned(),
            &data[nul + 1..],
        ),
        None => (String::new(), &data[..]),
    };
    let value = match name {
        "tEXt" => summary(rest),
        // iTXt: compression flag, method, language\0, translated keyword\0, text
        "iTXt" if rest.len() >= 2 && rest[0] == 0 => {
            let mut parts = rest[2..].splitn(3, |&b| b == 0);
            let _lang = parts.next();
            let _translated = parts.next();
            summary(parts.next().unwrap_or_default())
        }
        _ => format!("{} bytes, compressed", rest.len()),
    };
    // Adobe's XMP travels in an iTXt chunk named for it: listed property by property.
    if keyword == "XML:com.adobe.xmp" && name == "iTXt" && rest.len() >= 2 && rest[0] == 0 {
        let packet = rest[2..].splitn(3, |&b| b == 0).nth(2).unwrap_or_default();
        return Ok(xmp::list(packet));
    }
    Ok(vec![Found::new(kind, keyword, value)])
}
