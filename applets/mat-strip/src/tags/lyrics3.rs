//! Lyrics3 v1 and v2 blocks (Winamp-era lyrics and credits, just before an ID3v1 tag at the end
//! of an MP3): where a block starts, from its end marker, and the fields of a v2 block.

use privkit_core::Error;

use crate::engine::{summary, Found};

/// "LYRICSBEGIN", the first bytes of every block.
pub const BEGIN: &[u8] = b"LYRICSBEGIN";
/// How far back from its end marker a v1 block may start (5100 bytes of lyrics at most).
pub const V1_MAX: u64 = 5100 + 11 + 9;
/// The size of the tail a v2 block is recognised by: 6 digits of size and "LYRICS200".
pub const V2_TAIL: u64 = 15;

/// Fields listed per block at most.
const MAX_FIELDS: usize = 1000;

/// The whole size of a v2 block whose last 15 bytes are `tail`, or None if they are not a v2
/// end marker.
pub fn v2_size(tail: &[u8]) -> Result<Option<u64>, Error> {
    if tail.len() != 15 || &tail[6..] != b"LYRICS200" {
        return Ok(None);
    }
    let digits = std::str::from_utf8(&tail[..6])
        .ok()
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| Error::data("corrupt Lyrics3 v2 block: its size is not 6 digits"))?;
    Ok(Some(digits.parse::<u64>().unwrap_or(0) + V2_TAIL))
}

/// Whether `tail` (the last bytes before where the block would end) ends with the v1 marker.
pub fn is_v1_end(tail: &[u8]) -> bool {
    tail.ends_with(b"LYRICSEND")
}

/// Where a v1 block starts in `window` (the bytes ending with "LYRICSEND"): the last
/// "LYRICSBEGIN" in it.
pub fn v1_start(window: &[u8]) -> Option<usize> {
    window.windows(BEGIN.len()).rposition(|w| w == BEGIN)
}

/// Names of the v2 fields, for --show.
fn field_name(id: &str) -> &'static str {
    match id {
        "IND" => "indications",
        "LYR" => "lyrics",
        "INF" => "information",
        "AUT" => "author",
        "EAL" => "album",
        "EAR" => "artist",
        "ETT" => "title",
        "IMG" => "image links",
        _ => "field",
    }
}

/// The fields of a whole v2 block (`block` from "LYRICSBEGIN" to "LYRICS200"); a v1 block
/// (ending "LYRICSEND") is one field of lyrics.
pub fn list(block: &[u8]) -> Result<Vec<Found>, Error> {
    let bad = |why: &str| Error::data(format!("corrupt Lyrics3 block: {why}"));
    let body = block.strip_prefix(BEGIN).ok_or_else(|| bad("no LYRICSBEGIN"))?;
    if let Some(lyrics) = body.strip_suffix(b"LYRICSEND") {
        return Ok(vec![Found::new("Lyrics3 v1", "lyrics", summary(lyrics))]);
    }
    let mut fields = body
        .get(..body.len().saturating_sub(V2_TAIL as usize))
        .ok_or_else(|| bad("too short"))?;
    let mut found = Vec::new();
    while !fields.is_empty() {
        let head = fields.get(..8).ok_or_else(|| bad("a field header is cut"))?;
        let id = std::str::from_utf8(&head[..3])
            .ok()
            .filter(|id| id.bytes().all(|b| b.is_ascii_uppercase()))
            .ok_or_else(|| bad("a field id is not 3 capitals"))?;
        let len = std::str::from_utf8(&head[3..8])
            .ok()
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<usize>().ok())
            .ok_or_else(|| bad(&format!("{id} field size is not 5 digits")))?;
        let value = fields
            .get(8..8 + len)
            .ok_or_else(|| bad(&format!("{id} field runs past the block")))?;
        found.push(Found::new(
            "Lyrics3 v2",
            format!("{id} ({})", field_name(id)),
            summary(value),
        ));
        if found.len() > MAX_FIELDS {
            return Err(bad("too many fields"));
        }
        fields = &fields[8 + len..];
    }
    if found.is_empty() {
        found.push(Found::new("Lyrics3 v2", "block", "(empty)"));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_fields_and_sizes() {
        let mut b = b"LYRICSBEGININD00002".to_vec();
        b.extend_from_slice(b"10AUT00003bob");
        let size = b.len();
        b.extend_from_slice(format!("{size:06}LYRICS200").as_bytes());
        assert_eq!(v2_size(&b[b.len() - 15..]).unwrap(), Some(b.len() as u64));
        let found = list(&b).unwrap();
        assert_eq!(found[1], Found::new("Lyrics3 v2", "AUT (author)", "bob"));
        let mut cut = b.clone();
        cut[21 + 5] = b'9'; // AUT says 9 bytes, the block holds 3
        assert!(list(&cut).is_err());
        assert!(v2_size(b"00x012LYRICS200").is_err());
    }

    #[test]
    fn v1_block() {
        let b = b"xxLYRICSBEGINla laLYRICSEND";
        assert!(is_v1_end(b));
        let start = v1_start(b).unwrap();
        assert_eq!(list(&b[start..]).unwrap()[0].value, "la la");
    }
}
