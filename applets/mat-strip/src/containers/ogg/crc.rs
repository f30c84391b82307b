//! Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, no final XOR, computed
//! over the page with its CRC field zeroed. Being linear with no initial value, the CRC of a page
//! whose header alone changed follows from the old CRC without reading the body again.

const POLY: u32 = 0x04c1_1db7;

const TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut r = (i as u32) << 24;
        let mut k = 0;
        while k < 8 {
            r = if r & 0x8000_0000 != 0 {
                (r << 1) ^ POLY
            } else {
                r << 1
            };
            k += 1;
        }
        t[i] = r;
        i += 1;
    }
    t
};

/// Continues a CRC over `data`.
pub fn update(mut crc: u32, data: &[u8]) -> u32 {
    for &b in data {
        crc = (crc << 8) ^ TABLE[((crc >> 24) as u8 ^ b) as usize];
    }
    crc
}

/// a·b modulo the polynomial (bit 31 is the coefficient of x^31).
fn mul(a: u32, b: u32) -> u32 {
    let mut r = 0u32;
    for i in (0..32).rev() {
        r = if r & 0x8000_0000 != 0 {
            (r << 1) ^ POLY
        } else {
            r << 1
        };
        if (b >> i) & 1 == 1 {
            r ^= a;
        }
    }
    r
}

/// The CRC after `n` more zero bytes: crc·x^(8n), by squaring (log n steps, not n).
fn zeros(crc: u32, mut n: u64) -> u32 {
    let mut power = 0x100u32; // x^8
    let mut acc = 1u32; // x^0
    while n > 0 {
        if n & 1 == 1 {
            acc = mul(acc, power);
        }
        power = mul(power, power);
        n >>= 1;
    }
    mul(crc, acc)
}

/// The CRC of a page of `page_len` bytes once the four bytes at `at` change from `old` to `new`,
/// from its old CRC. A page whose CRC was wrong stays exactly as wrong.
pub fn patch(old_crc: u32, page_len: u64, at: u64, old: [u8; 4], new: [u8; 4]) -> u32 {
    let delta = [old[0] ^ new[0], old[1] ^ new[1], old[2] ^ new[2], old[3] ^ new[3]];
    old_crc ^ zeros(update(0, &delta), page_len.saturating_sub(at + 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_value_and_patch_matches_a_full_computation() {
        // CRC-32/POSIX (cksum) without its final inversion: 0x765E7680 ^ 0xFFFFFFFF.
        assert_eq!(update(0, b"123456789"), 0x89a1_897f);
        let mut page: Vec<u8> = (0..5000u32).map(|i| (i * 7 + 3) as u8).collect();
        let before = update(0, &page);
        let old = [page[18], page[19], page[20], page[21]];
        let new = 77u32.to_le_bytes();
        page[18..22].copy_from_slice(&new);
        assert_eq!(patch(before, page.len() as u64, 18, old, new), update(0, &page));
    }
}
