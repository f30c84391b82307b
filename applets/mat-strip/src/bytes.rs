//! Reading numbers out of byte slices. Callers check the length first (the slice is known to be
//! long enough); a cursor with checked reads is the next step (issue 12).

/// Reads a big-endian u16/u32 from a slice known to be long enough.
pub fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

pub fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

pub fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
