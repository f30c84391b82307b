//! QR Code Model 1 symbols with more than one error-correction block, decoded here because
//! rxing cannot: versions 5-H, 6 and 7 at M, Q and H, and every level from version 8 on.
//!
//! rxing 0.9 (like zxing-cpp before its fix for its issue 940, the image of which is the fixture
//! model1-issue940.png) splits a Model 1 symbol's codewords into blocks the way Model 2
//! interleaves them, one codeword of each block in turn. A Model 1 symbol stores its blocks one
//! after the other instead: the data codewords of the first block, then of the second..., then
//! the error-correction codewords of the first block, of the second... Read interleaved, every
//! block fails Reed-Solomon and the code is not found at all (zxing-cpp reads it).
//!
//! Where the codewords sit in the grid (the Model 1 placement of ISO/IEC 18004:2000 Annex M) is
//! rxing's reading, redone here because rxing keeps it private; Reed-Solomon and the bit-stream
//! decoding are rxing's. A symbol that is not Model 1, or has one block, is left to rxing.

use rxing::common::cpp_essentials::DecoderResult;
use rxing::common::reedsolomon::{PredefinedGenericGF, ReedSolomonDecoder};
use rxing::common::BitMatrix;
use rxing::qrcode::common::{FormatInformation, Version, VersionRef};
use rxing::qrcode::cpp_port::decoder::DecodeBitStream;
use rxing::qrcode::cpp_port::Type;

/// The decoded symbol, if `bits` (a sampled grid, one bit a module) is a Model 1 symbol with
/// several blocks whose codewords pass error correction. None for any other grid.
pub fn decode(bits: &BitMatrix) -> Option<DecoderResult<bool>> {
    let dimension = bits.height();
    // Model 1 versions 1-14: 21 to 73 modules a side.
    if bits.width() != dimension || !(21..=73).contains(&dimension) || !(dimension - 17).is_multiple_of(4) {
        return None;
    }
    let format = read_format(bits);
    if !format.isValid() || format.qr_type() != Type::Model1 {
        return None;
    }
    let version = Version::Model1((dimension - 17) / 4).ok()?;
    let ec_blocks = version.getECBlocksForLevel(format.error_correction_level);
    let data_sizes: Vec<usize> = ec_blocks
        .getECBlocks()
        .iter()
        .flat_map(|b| std::iter::repeat_n(b.getDataCodewords() as usize, b.getCount() as usize))
        .collect();
    if data_sizes.len() < 2 {
        return None;
    }
    let ec = ec_blocks.getECCodewordsPerBlock() as usize;
    let codewords = read_codewords(bits, version, &format);
    let data_total: usize = data_sizes.iter().sum();
    if codewords.len() != data_total + ec * data_sizes.len() {
        return None;
    }
    let (data_part, ec_part) = codewords.split_at(data_total);
    let rs = ReedSolomonDecoder::new(PredefinedGenericGF::QrCodeField256.into());
    let mut data = Vec::with_capacity(data_total);
    let mut offset = 0;
    for (i, &size) in data_sizes.iter().enumerate() {
        let mut block = data_part.get(offset..offset + size)?.to_vec();
        block.extend_from_slice(ec_part.get(i * ec..(i + 1) * ec)?);
        rs.decode(&mut block, ec as i32).ok()?;
        data.extend_from_slice(&block[..size]);
        offset += size;
    }
    let decoded = DecodeBitStream(&data, version, format.error_correction_level).ok()?;
    Some(decoded.withIsMirrored(format.isMirrored))
}

/// A module, read transposed for a mirrored symbol; outside the grid is light.
fn module(bits: &BitMatrix, x: u32, y: u32, mirrored: bool) -> bool {
    let (x, y) = if mirrored { (y, x) } else { (x, y) };
    x < bits.width() && y < bits.height() && bits.get(x, y)
}

/// Both copies of the format information (the same bits as Model 2 reads, with Model 1's own
/// mask, which tells the two models apart).
fn read_format(bits: &BitMatrix) -> FormatInformation {
    let get = |x, y| u32::from(module(bits, x, y, false));
    let mut first = 0;
    let push = |word: &mut u32, bit| *word = (*word << 1) | bit;
    for x in 0..6 {
        push(&mut first, get(x, 8));
    }
    // The timing pattern's module (6, 8) and (8, 6) are skipped.
    push(&mut first, get(7, 8));
    push(&mut first, get(8, 8));
    push(&mut first, get(8, 7));
    for y in (0..6).rev() {
        push(&mut first, get(8, y));
    }
    let dimension = bits.height();
    let mut second = 0;
    for y in (dimension - 8..dimension).rev() {
        push(&mut second, get(8, y));
    }
    for x in dimension - 8..dimension {
        push(&mut second, get(x, 8));
    }
    FormatInformation::DecodeQR(first, second)
}

/// ISO/IEC 18004 data masks (the same eight for both models).
fn mask(index: u8, x: u32, y: u32) -> bool {
    let even = |v: u32| v.is_multiple_of(2);
    match index {
        0 => even(y + x),
        1 => even(y),
        2 => x.is_multiple_of(3),
        3 => (y + x).is_multiple_of(3),
        4 => even(y / 2 + x / 3),
        5 => (y * x).is_multiple_of(6),
        6 => (y * x) % 6 < 3,
        _ => even(y + x + (y * x) % 3),
    }
}

/// The codewords in placement order. Model 1 places whole codewords as 2x4 (vertical, in the
/// two rightmost and four leftmost column pairs) or 4x2 (horizontal) module blocks, skipping the
/// extension patterns on the right and bottom edges and the timing patterns.
fn read_codewords(bits: &BitMatrix, version: VersionRef, format: &FormatInformation) -> Vec<u8> {
    let d = bits.height();
    let byte = |x: u32, y: u32, wide: u32| -> u8 {
        (0..8u32).fold(0u8, |acc, b| {
            let (mx, my) = (x - b % wide, y - b / wide);
            let bit = mask(format.data_mask, mx, my) != module(bits, mx, my, format.isMirrored);
            (acc << 1) | u8::from(bit)
        })
    };
    let mut out = Vec::with_capacity(version.getTotalCodewords() as usize);
    let columns = d / 4 + 3;
    for j in 0..columns {
        if j <= 1 {
            // Vertical codewords on the right edge.
            let rows = (d - 8) / 4;
            for i in 0..rows {
                if j == 0 && i.is_multiple_of(2) && i > 0 && i < rows - 1 {
                    continue; // extension pattern
                }
                out.push(byte(d - 1 - j * 2, d - 1 - i * 4, 2));
            }
        } else if columns - j <= 4 {
            // Vertical codewords on the left edge, right of the timing pattern's column.
            let rows = (d - 16) / 4;
            for i in 0..rows {
                let x = (columns - j - 1) * 2 + 1 + u32::from(columns - j == 4);
                out.push(byte(x, d - 9 - i * 4, 2));
            }
        } else {
            // Horizontal codewords, bottom to top.
            let rows = d / 2;
            for i in 0..rows {
                if j == 2 && i >= rows - 4 {
                    continue; // finder pattern
                }
                if i == 0 && j % 2 == 1 && j + 1 != columns - 4 {
                    continue; // extension pattern
                }
                let y = d - 1 - i * 2 - u32::from(i >= rows - 3); // timing pattern row
                out.push(byte(d - 5 - (j - 2) * 4, y, 4));
            }
        }
    }
    if let Some(first) = out.first_mut() {
        *first &= 0x0f; // the corner holds four modules of the first codeword only
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The modules of a PNG drawn one pixel a module, `quiet` modules from its edge.
    fn grid(png: &str, quiet: u32) -> BitMatrix {
        let path = format!("{}/../../testdata/qr-inspect/{png}", env!("CARGO_MANIFEST_DIR"));
        let img = image::open(path).unwrap().into_luma8();
        let n = img.width() - 2 * quiet;
        let mut bits = BitMatrix::new(n, n).unwrap();
        for y in 0..n {
            for x in 0..n {
                if img.get_pixel(x + quiet, y + quiet).0[0] < 128 {
                    bits.set(x, y);
                }
            }
        }
        bits
    }

    #[test]
    fn a_two_block_model1_symbol_is_decoded_block_after_block() {
        let bits = grid("model1-issue940.png", 2);
        // rxing alone fails Reed-Solomon on it.
        assert!(rxing::qrcode::cpp_port::decoder::Decode(&bits).is_err());
        let decoded = decode(&bits).expect("decoded");
        assert!(decoded.isValid());
        assert_eq!(
            decoded.content().to_string(),
            "N023X-3431800-V034PG03X-3436010-A1125032918310706"
        );
        // Mirrored, it reads the same.
        let mut mirrored = BitMatrix::new(bits.width(), bits.height()).unwrap();
        for y in 0..bits.height() {
            for x in 0..bits.width() {
                if bits.get(x, y) {
                    mirrored.set(y, x);
                }
            }
        }
        assert_eq!(
            decode(&mirrored).map(|d| d.content().to_string()).as_deref(),
            Some("N023X-3431800-V034PG03X-3436010-A1125032918310706")
        );
    }

    #[test]
    fn other_symbols_are_left_to_rxing() {
        // A Model 2 code, drawn one pixel a module with no quiet zone.
        assert!(decode(&grid("one-px-no-quiet-zone.png", 0)).is_none());
        // Noise of a Model 1 size.
        let mut noise = BitMatrix::new(37, 37).unwrap();
        for i in 0..37 * 37u32 {
            if i.wrapping_mul(2_654_435_761) >> 31 == 1 {
                noise.set(i % 37, i / 37);
            }
        }
        assert!(decode(&noise).is_none());
        assert!(decode(&BitMatrix::new(21, 25).unwrap()).is_none());
    }
}
