//! GIF: drop comment extensions and application extensions other than the loop extension (XMP
//! travels in one) and the ICC profile; keep every frame, its control extension and palette.

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};
use crate::tags::xmp;

pub struct Gif;

impl Format for Gif {
    fn name(&self) -> &'static str {
        "GIF"
    }

    fn describe(&self) -> &'static str {
        "removes comment extensions and application extensions (XMP and others) except the \
         NETSCAPE2.0/ANIMEXTS1.0 loop extension and the ICC profile; keeps every frame, its \
         graphic control extension, palettes and plain-text extensions"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Gif)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let options = cx.opts;
        let opts = &options;
        let buf = cx.read_whole(src)?;
        let mut r = Reader { buf: &buf, pos: 0 };
        let mut plan = Plan::new();
        let mut removed = Vec::new();
        r.take(13, "header")?;
        let packed = buf[10];
        if packed & 0x80 != 0 {
            r.take(3 << ((packed & 7) + 1), "global colour table")?;
        }
        plan.range(0, r.pos as u64);
        let mut frames = 0;
        loop {
            let start = r.pos;
            match r.byte("block")? {
                0x3b => {
                    plan.range(start as u64, 1);
                    break;
                }
                0x2c => {
                    let desc = r.take(9, "image descriptor")?;
                    if desc[8] & 0x80 != 0 {
                        r.take(3 << ((desc[8] & 7) + 1), "local colour table")?;
                    }
                    let code_size = r.byte("LZW code size")?;
                    let data_start = r.pos;
                    r.sub_blocks()?;
                    let pixels = u64::from(u16::from_le_bytes([desc[4], desc[5]]))
                        * u64::from(u16::from_le_bytes([desc[6], desc[7]]));
                    check_image_data(&buf[data_start..r.pos], code_size, pixels, start)?;
                    plan.range(start as u64, (r.pos - start) as u64);
                    frames += 1;
                }
                0x21 => {
                    let label = r.byte("extension label")?;
                    let data_start = r.pos;
                    let first = r.sub_blocks()?;
                    let first_block = buf.get(data_start).copied();
                    let keep = match label {
                        // Kept only in their standard shape: a graphic control extension is one
                        // 4-byte block, a plain-text one starts with a 12-byte block. Anything
                        // else under these labels is data in disguise (an XMP packet whose label
                        // was changed), dropped like an unknown extension.
                        0xf9 if first_block == Some(4) && r.pos - data_start == 6 => true,
                        0x01 if first_block == Some(12) => true,
                        0xff => {
                            let id = buf.get(data_start + 1..data_start + 12).unwrap_or_default();
                            let loops = id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0";
                            let icc = id == b"ICCRGBG1012";
                            if loops || (icc && !opts.strip_icc) {
                                true
                            } else {
                                let name = String::from_utf8_lossy(id).into_owned();
                                if id.starts_with(b"XMP Data") {
                                    removed.extend(gif_xmp(buf.get(data_start..r.pos).unwrap_or_default()));
                                } else {
                                    removed.push(Found::new(
                                        "GIF application extension",
                                        name,
                                        format!("{} bytes", r.pos - data_start),
                                    ));
                                }
                                false
                            }
                        }
                        0xfe => {
                            removed.push(Found::new("GIF", "Comment", summary(&first)));
                            false
                        }
                        other => {
                            removed.push(Found::new(
                                "GIF",
                                format!("extension 0x{other:02x}"),
                                format!("{} bytes", r.pos - data_start),
                            ));
                            false
                        }
                    };
                    if keep {
                        plan.range(start as u64, (r.pos - start) as u64);
                    }
                }
                other => {
                    return Err(Error::data(format!(
                        "corrupt GIF: unknown block 0x{other:02x} at offset {start}"
                    )));
                }
            }
        }
        if frames == 0 {
            return Err(Error::data("corrupt GIF: no image"));
        }
        if r.pos < buf.len() {
            removed.push(Found::new(
                "GIF",
                "Trailer",
                format!("{} bytes after the end", buf.len() - r.pos),
            ));
        }
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

/// Checks that a frame's LZW data (its sub-block chain, `chain`) decodes to at most the frame's
/// pixels and ends where the chain does: only zero padding after the end code. A chain whose
/// length byte was damaged runs on into the blocks that follow (an XMP extension read as image
/// data would be kept): refused, since what the frame holds cannot be told exactly.
fn check_image_data(chain: &[u8], code_size: u8, pixels: u64, at: usize) -> Result<(), Error> {
    let bad = |why: &str| Error::data(format!("corrupt GIF: image data at offset {at}: {why}"));
    if !(2..=8).contains(&code_size) {
        return Err(bad(&format!("LZW code size {code_size}")));
    }
    // The chain's content without its length bytes (sub_blocks has checked the chain).
    let mut data = Vec::with_capacity(chain.len());
    let mut i = 0;
    while let Some(&n) = chain.get(i) {
        data.extend_from_slice(chain.get(i + 1..i + 1 + n as usize).unwrap_or_default());
        i += 1 + n as usize;
    }
    let mut decoder = weezl::decode::Decoder::new(weezl::BitOrder::Lsb, code_size);
    let mut out = vec![0u8; 64 * 1024];
    let (mut pos, mut decoded) = (0usize, 0u64);
    loop {
        let result = decoder.decode_bytes(&data[pos..], &mut out);
        pos += result.consumed_in;
        decoded += result.consumed_out as u64;
        if decoded > pixels {
            return Err(bad("more pixels than the frame holds"));
        }
        match result.status {
            Err(_) => return Err(bad("invalid LZW code")),
            Ok(weezl::LzwStatus::Done) => break,
            // Input used up without an end code (some encoders omit it).
            Ok(weezl::LzwStatus::NoProgress) => break,
            Ok(weezl::LzwStatus::Ok) if pos >= data.len() && result.consumed_out == 0 => break,
            Ok(weezl::LzwStatus::Ok) => {}
        }
    }
    if data[pos.min(data.len())..].iter().any(|&b| b != 0) {
        return Err(bad("data after the end of the LZW stream"));
    }
    Ok(())
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| {
                crate::engine::source::truncated(
                    &format!("GIF: {what}"),
                    (self.buf.len() - self.pos) as u64,
                    n as u64,
                )
            })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn byte(&mut self, what: &str) -> Result<u8, Error> {
        Ok(self.take(1, what)?[0])
    }

    /// Skips a chain of data sub-blocks; returns the first one's content (up to 255 bytes per
    /// block, a few KiB in all), for showing comments.
    fn sub_blocks(&mut self) -> Result<Vec<u8>, Error> {
        let mut first = Vec::new();
        loop {
            let n = self.byte("data sub-block")? as usize;
            if n == 0 {
                return Ok(first);
            }
            let data = self.take(n, "data sub-block")?;
            if first.len() < 4096 {
                first.extend_from_slice(data);
            }
        }
    }
}

/// The properties of an XMP application extension (`data`: its sub-blocks, the identifier
/// first). Adobe writes the packet raw, its bytes doubling as sub-block lengths, and ends it
/// with a 258-byte "magic trailer"; other writers split it into sub-blocks properly. Both
/// readings are tried: the one that parses is listed.
fn gif_xmp(data: &[u8]) -> Vec<Found> {
    let raw = data.get(12..data.len().saturating_sub(258)).unwrap_or_default();
    let raw = &raw[..raw.len().min(1 << 20)];
    let found = xmp::list(raw);
    if found.iter().any(|f| f.name != "packet") {
        return found;
    }
    let mut joined = Vec::new();
    let mut i = 12usize;
    while let Some(&n) = data.get(i) {
        let Some(block) = data.get(i + 1..i + 1 + n as usize) else {
            break;
        };
        joined.extend_from_slice(block);
        i += 1 + n as usize;
        if n == 0 || joined.len() > 1 << 20 {
            break;
        }
    }
    // The trailer (bytes 0x01..0xFF descending, "?>" among them) starts after the packet's
    // closing processing instruction.
    if let Some(at) = joined.windows(14).position(|w| w == b"<?xpacket end=") {
        if let Some(end) = joined[at..].windows(2).position(|w| w == b"?>") {
            joined.truncate(at + end + 2);
        }
    }
    xmp::list(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Options, Purpose};
    use crate::registry::REGISTRY;

    /// A 1×1 GIF with `extension` (label and sub-blocks) before its frame.
    fn gif_with(extension: &[u8]) -> Vec<u8> {
        let mut g = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
        g.extend_from_slice(extension);
        g.extend_from_slice(b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b");
        g
    }

    fn clean(bytes: Vec<u8>) -> (Vec<u8>, usize) {
        let opts = Options::default();
        let src = Source::Memory(bytes);
        let cleaned = Gif
            .plan(&src, &mut Ctx::new(opts, Purpose::Plan, &REGISTRY))
            .unwrap();
        let mut out = Vec::new();
        cleaned.plan.write_to(&src, &mut out).unwrap();
        (out, cleaned.removed.len())
    }

    /// Regression (found by the mutation test): an XMP extension whose label became 0x01 (plain
    /// text) or 0xF9 (graphic control) was kept, its packet with it.
    #[test]
    fn data_under_a_kept_label_in_the_wrong_shape_is_dropped() {
        let mut xmp = vec![0x21, 0x01, 11];
        xmp.extend_from_slice(b"XMP DataXMP");
        xmp.extend_from_slice(&[8]);
        xmp.extend_from_slice(b"PKSECRET");
        xmp.push(0);
        let (out, removed) = clean(gif_with(&xmp));
        assert_eq!(removed, 1);
        assert!(!out.windows(8).any(|w| w == b"PKSECRET"));
        xmp[1] = 0xf9;
        let (out, removed) = clean(gif_with(&xmp));
        assert_eq!(removed, 1);
        assert!(!out.windows(8).any(|w| w == b"PKSECRET"));
        // The real ones stay.
        let gce = [0x21, 0xf9, 4, 0, 0, 0, 0, 0];
        let (out, removed) = clean(gif_with(&gce));
        assert_eq!((out, removed), (gif_with(&gce), 0));
    }

    /// Regression (found by the mutation test): a frame whose last length byte was damaged ran
    /// its block chain on into the XMP extension that followed, which was then kept as image
    /// data. The LZW data now has to end where the chain does.
    #[test]
    fn a_chain_that_runs_past_the_lzw_end_is_refused() {
        let mut g = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
        // The frame's terminator (0) became 0x0e: the chain takes in the XMP extension.
        g.extend_from_slice(b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x0e");
        g.extend_from_slice(b"\x21\xff\x0bXMP DataXMP\x00\x3b");
        let opts = Options::default();
        let err = Gif
            .plan(&Source::Memory(g), &mut Ctx::new(opts, Purpose::Plan, &REGISTRY))
            .unwrap_err();
        assert!(
            err.to_string().contains("after the end of the LZW stream"),
            "{err}"
        );
        // The well-formed frame passes.
        assert_eq!(clean(gif_with(b"")).1, 0);
    }
}
