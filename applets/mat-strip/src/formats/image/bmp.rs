//! BMP (Windows and OS/2 bitmaps). The format has no metadata field, but a file can still carry
//! bytes nobody sees: a gap between the headers and the pixels (`bfOffBits` may point anywhere
//! after the palette), data after the pixels, the reserved header words, and a V4/V5 header's
//! *linked* colour profile, which is a file name on the author's disk. The file is rebuilt as
//! file header, DIB header, bit masks, palette, pixels, embedded profile: every part in the
//! place the headers say, nothing between them. The pixels are copied byte for byte.

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};

pub struct Bmp;

const WHAT: &str = "BMP";
const FILE_HEADER: u64 = 14;
/// `biCompression` values.
const BI_RGB: u32 = 0;
const BI_RLE8: u32 = 1;
const BI_RLE4: u32 = 2;
const BI_BITFIELDS: u32 = 3;
const BI_JPEG: u32 = 4;
const BI_PNG: u32 = 5;
const BI_ALPHABITFIELDS: u32 = 6;
/// `bV5CSType` values (four-character codes read as little-endian u32).
const LCS_SRGB: u32 = u32::from_be_bytes(*b"sRGB");
const PROFILE_LINKED: u32 = u32::from_be_bytes(*b"LINK");
const PROFILE_EMBEDDED: u32 = u32::from_be_bytes(*b"MBED");

impl Format for Bmp {
    fn name(&self) -> &'static str {
        "BMP"
    }

    fn describe(&self) -> &'static str {
        "Windows/OS2 bitmaps (all header versions): no metadata fields, but the bytes hidden \
         between the headers and the pixels, after the pixels and in the reserved words are \
         removed, a linked colour profile (a file name) is dropped; pixels and an embedded \
         profile (unless --strip-icc) byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        // "BM" alone is two letters of text: the DIB header size must be a known one too.
        head.starts_with(b"BM")
            && head
                .get(14..18)
                .is_some_and(|s| matches!(le32(s, 0), 12 | 40 | 52 | 56 | 64 | 108 | 124))
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let layout = Layout::read(src)?;
        let mut removed = Vec::new();
        let file_header = src.read(0, FILE_HEADER, WHAT)?;
        let mut dib = src.read(FILE_HEADER, u64::from(layout.dib_size), "BMP header")?;

        if file_header[6..10] != [0; 4] {
            removed.push(Found::new(
                WHAT,
                "reserved header words",
                hex(&file_header[6..10]),
            ));
        }
        // OS/2 2.x: the last word is an application-defined identifier.
        if layout.dib_size == 64 && dib[60..64] != [0; 4] {
            removed.push(Found::new(WHAT, "OS/2 application identifier", hex(&dib[60..64])));
            dib[60..64].fill(0);
        }
        if layout.dib_size == 124 && dib[120..124] != [0; 4] {
            removed.push(Found::new(WHAT, "V5 reserved word", hex(&dib[120..124])));
            dib[120..124].fill(0);
        }

        // The colour space and profile (V4: the type only; V5: the profile too).
        let mut profile = None;
        if layout.dib_size >= 108 {
            let cs_type = le32(&dib, 56);
            let (offset, size) = if layout.dib_size == 124 {
                (le32(&dib, 112), le32(&dib, 116))
            } else {
                (0, 0)
            };
            match cs_type {
                PROFILE_LINKED => {
                    let at = FILE_HEADER + u64::from(offset);
                    let name = src.read(at, u64::from(size.min(4096)), "BMP linked profile name")?;
                    removed.push(Found::new(
                        WHAT,
                        "linked colour profile (a file name)",
                        summary(&name),
                    ));
                    set_srgb(&mut dib);
                }
                PROFILE_EMBEDDED if cx.opts.strip_icc => {
                    removed.push(Found::new(WHAT, "ICC profile", format!("{size} bytes")));
                    set_srgb(&mut dib);
                }
                PROFILE_EMBEDDED if size > 0 => {
                    let at = FILE_HEADER + u64::from(offset);
                    if at.checked_add(u64::from(size)).is_none_or(|end| end > src.len()) {
                        return Err(Error::data(format!(
                            "corrupt BMP: colour profile ({size} bytes at offset {at}) runs past the end of the file"
                        )));
                    }
                    profile = Some((at, u64::from(size)));
                }
                _ => {}
            }
        }

        let tables_end = FILE_HEADER + u64::from(layout.dib_size) + layout.tables;
        // Zero padding is harmless (some writers align the pixels); anything else in the gap,
        // other than an embedded profile placed there, is hidden data.
        if let Some(at) = first_nonzero(src, tables_end, layout.pixels, profile)? {
            let bytes = src.read(at, (layout.pixels - at).min(4096), WHAT)?;
            removed.push(Found::new(
                WHAT,
                "data between the headers and the pixels",
                summary(&bytes),
            ));
        }
        let pixels_end = layout.pixels + layout.pixel_len;
        let profile_end = profile.map_or(0, |(at, len)| at + len);
        let used_end = pixels_end.max(profile_end);
        // A profile placed before the pixels (inside the gap) is kept: not reported as gap data.
        let hidden = src.len().saturating_sub(used_end);
        if hidden > 0 {
            let bytes = src.read(used_end, hidden.min(4096), "BMP")?;
            removed.push(Found::new(WHAT, "data after the image", summary(&bytes)));
        }

        let mut plan = Plan::new();
        if removed.is_empty() {
            plan.range(0, src.len());
            return Ok(Cleaned {
                plan,
                removed,
                members: Default::default(),
            });
        }
        // Rebuilt in the canonical order; only the offsets in the headers change.
        let new_pixels = tables_end;
        let new_profile = new_pixels + layout.pixel_len;
        let new_len = new_profile + profile.map_or(0, |(_, len)| len);
        if layout.dib_size == 124 && profile.is_some() {
            let rel = u32::try_from(new_profile - FILE_HEADER)
                .map_err(|_| Error::data("BMP too large for its 32-bit offsets"))?;
            dib[112..116].copy_from_slice(&rel.to_le_bytes());
        }
        let mut header = Vec::with_capacity(14);
        header.extend_from_slice(b"BM");
        // bfSize is informative (readers ignore it past 4 GiB): saturate rather than refuse.
        header.extend_from_slice(&u32::try_from(new_len).unwrap_or(u32::MAX).to_le_bytes());
        header.extend_from_slice(&[0; 4]);
        let off_bits =
            u32::try_from(new_pixels).map_err(|_| Error::data("corrupt BMP: headers too large"))?;
        header.extend_from_slice(&off_bits.to_le_bytes());
        plan.bytes(&header);
        plan.bytes(&dib);
        plan.range(FILE_HEADER + u64::from(layout.dib_size), layout.tables);
        plan.range(layout.pixels, layout.pixel_len);
        if let Some((at, len)) = profile {
            plan.range(at, len);
        }
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

/// Where the parts of a bitmap are, from its headers.
struct Layout {
    dib_size: u32,
    /// Bytes of bit masks and palette after the DIB header.
    tables: u64,
    /// Offset and length of the pixel array.
    pixels: u64,
    pixel_len: u64,
}

impl Layout {
    fn read(src: &Source) -> Result<Layout, Error> {
        let head = src.read(0, FILE_HEADER + 4, WHAT)?;
        let dib_size = le32(&head, 14);
        if !matches!(dib_size, 12 | 40 | 52 | 56 | 64 | 108 | 124) {
            return Err(Error::data(format!(
                "unsupported BMP: header of {dib_size} bytes"
            )));
        }
        let pixels = u64::from(le32(&head, 10));
        let dib = src.read(FILE_HEADER, u64::from(dib_size), "BMP header")?;
        let (width, height, bpp, compression, size_image, colors_used) = if dib_size == 12 {
            let w = u16::from_le_bytes([dib[4], dib[5]]);
            let h = u16::from_le_bytes([dib[6], dib[7]]);
            let bpp = u16::from_le_bytes([dib[10], dib[11]]);
            (u64::from(w), u64::from(h), bpp, BI_RGB, 0, 0)
        } else {
            let w = i32::from_le_bytes([dib[4], dib[5], dib[6], dib[7]]);
            let h = i32::from_le_bytes([dib[8], dib[9], dib[10], dib[11]]);
            if w < 0 {
                return Err(Error::data(format!("corrupt BMP: negative width {w}")));
            }
            let bpp = u16::from_le_bytes([dib[14], dib[15]]);
            (
                u64::from(w.unsigned_abs()),
                u64::from(h.unsigned_abs()),
                bpp,
                le32(&dib, 16),
                le32(&dib, 20),
                le32(&dib, 32),
            )
        };
        if !matches!(bpp, 1 | 2 | 4 | 8 | 16 | 24 | 32 | 64) {
            return Err(Error::data(format!("corrupt BMP: {bpp} bits per pixel")));
        }
        let entry = if dib_size == 12 { 3 } else { 4 };
        let palette = match (bpp, colors_used) {
            (1..=8, 0) => 1u64 << bpp,
            (_, n) => u64::from(n),
        };
        if palette > 1 << 16 {
            return Err(Error::data(format!("corrupt BMP: {palette} palette entries")));
        }
        let masks = match (dib_size, compression) {
            (40, BI_BITFIELDS) => 12,
            (40, BI_ALPHABITFIELDS) => 16,
            _ => 0,
        };
        let pixel_len = match compression {
            BI_RGB | BI_BITFIELDS | BI_ALPHABITFIELDS => {
                let stride = (width * u64::from(bpp)).div_ceil(32) * 4;
                stride
                    .checked_mul(height)
                    .ok_or_else(|| Error::data("corrupt BMP: image size overflows"))?
            }
            BI_RLE8 | BI_RLE4 if size_image > 0 => u64::from(size_image),
            BI_RLE8 | BI_RLE4 => {
                return Err(Error::data("corrupt BMP: run-length image without its size"));
            }
            BI_JPEG | BI_PNG => {
                return Err(Error::data(
                    "unsupported BMP: the pixels are an embedded JPEG or PNG (a printer format)",
                ))
            }
            other => return Err(Error::data(format!("unsupported BMP compression {other}"))),
        };
        let tables = masks + palette * entry;
        let tables_end = FILE_HEADER + u64::from(dib_size) + tables;
        if pixels < tables_end {
            return Err(Error::data(format!(
                "corrupt BMP: pixels at offset {pixels} overlap the headers (which end at {tables_end})"
            )));
        }
        let end = pixels.saturating_add(pixel_len);
        if end > src.len() {
            return Err(crate::engine::source::truncated(
                "BMP pixels",
                src.len().saturating_sub(pixels),
                pixel_len,
            ));
        }
        Ok(Layout {
            dib_size,
            tables,
            pixels,
            pixel_len,
        })
    }
}

/// The first non-zero byte in `start..end` outside `skip` (a profile's extent), if any.
fn first_nonzero(src: &Source, start: u64, end: u64, skip: Option<(u64, u64)>) -> Result<Option<u64>, Error> {
    let mut buf = vec![0; 64 * 1024];
    let mut at = start;
    while at < end {
        if let Some((p, len)) = skip {
            if at >= p && at < p + len {
                at = p + len;
                continue;
            }
        }
        let stop = match skip {
            Some((p, _)) if p > at => end.min(p),
            _ => end,
        };
        let want = (stop - at).min(buf.len() as u64) as usize;
        let n = src.read_into(at, &mut buf[..want])?;
        if n == 0 {
            break;
        }
        if let Some(i) = buf[..n].iter().position(|&b| b != 0) {
            return Ok(Some(at + i as u64));
        }
        at += n as u64;
    }
    Ok(None)
}

/// Makes a V4/V5 header say sRGB with no profile.
fn set_srgb(dib: &mut [u8]) {
    dib[56..60].copy_from_slice(&LCS_SRGB.to_le_bytes());
    if dib.len() >= 124 {
        dib[112..120].fill(0);
    }
}

fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
