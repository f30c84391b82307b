//! The readable text inside a block mat-strip does not decode (an unknown JPEG APPn segment, a
//! FlashPix stream, a trailer after the image): runs of printable ASCII, for --show, so that a
//! serial number, an owner's name or a camera model in a vendor's block is seen, not only the
//! block's size. The block is removed whole either way; this only lists it.

use privkit_core::Error;

use crate::engine::source::Source;

/// Shortest run of printable characters listed (shorter ones are mostly bytes of numbers).
const MIN_RUN: usize = 4;
/// Most characters listed per block.
const MAX_TEXT: usize = 600;
/// Most bytes read from each end of a large block (a motion-photo video after the image).
const MAX_END: u64 = 16 << 10;

/// `; text: RUN | RUN...` for the printable runs of `bytes` (none: an empty string), to follow
/// a block's size in its value.
pub fn readable(bytes: &[u8]) -> String {
    let mut runs: Vec<&str> = Vec::new();
    let mut used = 0;
    for run in bytes.split(|&b| !(0x20..0x7f).contains(&b)) {
        // Only printable ASCII here, so the run is valid UTF-8.
        let Ok(run) = std::str::from_utf8(run) else {
            continue;
        };
        let run = run.trim();
        if run.len() < MIN_RUN || runs.contains(&run) {
            continue;
        }
        if used + run.len() > MAX_TEXT {
            runs.push("...");
            break;
        }
        used += run.len() + 3;
        runs.push(run);
    }
    if runs.is_empty() {
        String::new()
    } else {
        format!("; text: {}", runs.join(" | "))
    }
}

/// [`readable`] over the first and last [`MAX_END`] bytes of `src[at..at + len]` (a trailer may
/// be a whole video: its ends hold the identifying blocks, AFCP's at the end, a JSON or MPF
/// header at the start).
pub fn in_ends(src: &Source, at: u64, len: u64) -> Result<String, Error> {
    if len <= 2 * MAX_END {
        return Ok(readable(&src.read(at, len, "trailer")?));
    }
    let mut ends = src.read(at, MAX_END, "trailer")?;
    ends.push(0);
    ends.extend_from_slice(&src.read(at + len - MAX_END, MAX_END, "trailer")?);
    Ok(readable(&ends))
}

/// UTF-16LE text (OLE property sets, ASF), an odd last byte left out, bad pairs replaced.
pub fn utf16le(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_runs_are_listed_once() {
        let block = b"\x00\x01Canon\x00\x02Canon PowerShot A5\x00ab\x00Canon\xff";
        assert_eq!(readable(block), "; text: Canon | Canon PowerShot A5");
        assert_eq!(readable(b"\x00\x01ab\xff"), "");
    }

    #[test]
    fn long_text_is_bounded() {
        let block = (0..1000).map(|i| format!("run{i:04}\0")).collect::<String>();
        let text = readable(block.as_bytes());
        assert!(text.len() < MAX_TEXT + 100 && text.ends_with("..."));
    }
}
