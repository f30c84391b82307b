//! What the metadata chunks of WAV and AIFF hold, for --show: shared by both (BWF and ID3
//! chunks appear in either), the policy of which to drop stays in each format.

use privkit_core::Error;

use crate::containers::riff::chunks::{self, Chunk, Order};
use crate::engine::source::Source;
use crate::engine::{summary, Found};
use crate::tags::xmp;

/// How much of a metadata chunk is read to describe it (the rest is only counted).
const LOOK: u64 = 64 * 1024;

/// The findings for one chunk that is removed.
pub fn describe(src: &Source, c: &Chunk, order: Order, kind: &str) -> Result<Vec<Found>, Error> {
    let name = c.name();
    let look = |n: u64| src.read(c.data(), c.size.min(n), &format!("{kind}: '{name}' chunk"));
    Ok(match &c.id {
        b"LIST" if c.size >= 4 => {
            let list_type = look(4)?;
            let kind = format!("{kind} LIST/{}", String::from_utf8_lossy(&list_type).trim_end());
            let subs = chunks::walk(src, c.data() + 4, c.data() + c.size, order, &kind, &|_, n| n)?;
            let mut found = Vec::new();
            for s in subs.iter().take(1000) {
                let v = src.read(s.data(), s.size.min(4096), &kind)?;
                found.push(Found::new(kind.clone(), s.name(), summary(&v)));
            }
            if found.is_empty() {
                found.push(Found::new(kind, "list", "(empty)"));
            }
            found
        }
        b"bext" => {
            let d = look(LOOK)?;
            let field = |a: usize, b: usize| summary(d.get(a..b.min(d.len())).unwrap_or_default());
            let mut found = Vec::new();
            for (n, a, b) in [
                ("Description", 0, 256),
                ("Originator", 256, 288),
                ("OriginatorReference", 288, 320),
                ("OriginationDate", 320, 330),
                ("OriginationTime", 330, 338),
                ("CodingHistory", 602, d.len()),
            ] {
                let v = field(a, b);
                if !v.is_empty() {
                    found.push(Found::new("BWF bext", n, v));
                }
            }
            if d.get(348..412).is_some_and(|u| u.iter().any(|&b| b != 0)) {
                found.push(Found::new("BWF bext", "UMID", "(64 bytes)"));
            }
            if found.is_empty() {
                found.push(Found::new("BWF bext", "chunk", format!("{} bytes", c.size)));
            }
            found
        }
        b"id3 " | b"ID3 " | b"ID32" => {
            let d = src.read(c.data(), c.size.min(16 << 20), &format!("{kind}: ID3 chunk"))?;
            crate::tags::id3::v2_list(&d)?
        }
        b"_PMX" | b"XMP " => xmp::list(&look(xmp::MAX_PACKET)?),
        b"iXML" | b"axml" | b"NAME" | b"AUTH" | b"(c) " | b"ANNO" => {
            vec![Found::new(kind, name.clone(), summary(&look(4096)?))]
        }
        _ => vec![Found::new(kind, name, format!("{} bytes", c.size))],
    })
}
