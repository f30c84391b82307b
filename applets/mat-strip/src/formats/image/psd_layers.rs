//! The layer records of a PSD/PSB's layer and mask section: each layer's additional
//! information blocks are walked, and the metadata setting block (`shmd`: per-layer metadata
//! such as the layer's edit time, which exiftool shows as LayerModifyDates, and custom
//! descriptors) is dropped (it is optional: older Photoshop versions write none). What renders (`luni` the layer's name, `lyid` its id, `lnsr` where its
//! name came from, effects, masks, text, smart-object placement...) is kept byte for byte, and
//! so are the layers' channel image data and the global blocks after them (Plan ranges). When
//! no layer has a `shmd`, nothing is rebuilt.

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::source::Source;
use crate::engine::{summary, Found};

/// The layer records as rebuilt: `head` (the section's and the layer info's new lengths, the
/// layer count and every record) replaces the input up to `rest`, from where the input is
/// copied (channel image data, global mask, global blocks, composite image).
pub struct Records {
    pub head: Vec<u8>,
    pub rest: u64,
}

pub struct Layers {
    pub records: Option<Records>,
    pub removed: Vec<Found>,
}

/// More layers than this are refused (Photoshop's own limit is 8,000).
const MAX_LAYERS: u64 = 10_000;
/// A layer's extra data (masks, name, blocks) larger than this is refused: it is read whole.
const MAX_EXTRA: u64 = 64 * 1024 * 1024;
/// Keys whose length is 8 bytes in a PSB (Adobe's file format specification).
const LONG_IN_PSB: &[&[u8; 4]] = &[
    b"LMsk", b"Lr16", b"Lr32", b"Layr", b"Mt16", b"Mt32", b"Mtrn", b"Alph", b"FMsk", b"lnk2", b"FEid",
    b"FXid", b"PxSD",
];

fn be(b: &[u8]) -> u64 {
    b.iter().fold(0, |v, &x| v << 8 | u64::from(x))
}

fn corrupt(what: &str) -> Error {
    Error::data(format!("corrupt PSD: {what}"))
}

/// Walks the layer and mask section whose length field is at `at` (`len` bytes follow it).
pub fn clean(src: &Source, cx: &mut Ctx, at: u64, len: u64, psb: bool) -> Result<Layers, Error> {
    let none = || {
        Ok(Layers {
            records: None,
            removed: Vec::new(),
        })
    };
    let len_size = if psb { 8 } else { 4 };
    let section = at + len_size;
    let section_end = section + len;
    if len < len_size {
        return none();
    }
    let info_len = be(&src.read(section, len_size, "PSD layer info")?);
    let info = section + len_size;
    let info_end = info
        .checked_add(info_len)
        .filter(|&e| e <= section_end)
        .ok_or_else(|| corrupt("the layer info passes its section"))?;
    if info_len < 2 {
        return none();
    }
    // Negative: the first alpha channel holds the merged result's transparency.
    let count = u64::from((be(&src.read(info, 2, "PSD layer info")?) as i16).unsigned_abs());
    if count > MAX_LAYERS {
        return Err(Error::data(format!("unsupported PSD: {count} layers")));
    }
    let channel_info = if psb { 10 } else { 6 };
    let mut records = Vec::new();
    let mut removed = Vec::new();
    let mut dropped = 0u64;
    let mut changed = false;
    let mut p = info + 2;
    for layer in 1..=count {
        let fixed = src.read(p, 18, "PSD layer record")?;
        let channels = be(&fixed[16..18]);
        let head_len = 18 + channels * channel_info + 12;
        let head = src.read(p, head_len + 4, "PSD layer record")?;
        if &head[(head_len - 12) as usize..(head_len - 8) as usize] != b"8BIM" {
            return Err(corrupt(&format!("layer {layer} has no blend mode signature")));
        }
        let extra_len = be(&head[head_len as usize..]);
        if extra_len > MAX_EXTRA {
            return Err(Error::data(format!(
                "unsupported PSD: layer {layer} has {extra_len} bytes of extra data"
            )));
        }
        let extra_at = p + head_len + 4;
        if extra_at + extra_len > info_end {
            return Err(corrupt(&format!("layer {layer} passes the layer info")));
        }
        cx.charge(extra_len)?;
        let extra = src.read(extra_at, extra_len, "PSD layer record")?;
        let (new_extra, found) = blocks(&extra, psb, layer)?;
        dropped += extra.len() as u64 - new_extra.len() as u64;
        changed |= !found.is_empty();
        removed.extend(found);
        records.extend_from_slice(&head[..head_len as usize]);
        records.extend_from_slice(&(new_extra.len() as u32).to_be_bytes());
        records.extend_from_slice(&new_extra);
        p = extra_at + extra_len;
    }
    if dropped % 2 == 1 {
        // The layer info's length must stay even; Photoshop writes even block lengths.
        return Err(Error::data(
            "unsupported PSD: a layer metadata block of odd length",
        ));
    }
    if !changed {
        return Ok(Layers {
            records: None,
            removed,
        });
    }
    let put = |out: &mut Vec<u8>, v: u64| {
        if psb {
            out.extend_from_slice(&v.to_be_bytes());
        } else {
            out.extend_from_slice(&(v as u32).to_be_bytes());
        }
    };
    let mut head = Vec::with_capacity(records.len() + 18);
    put(&mut head, len - dropped);
    put(&mut head, info_len - dropped);
    head.extend_from_slice(&src.read(info, 2, "PSD layer info")?);
    head.extend_from_slice(&records);
    Ok(Layers {
        records: Some(Records { head, rest: p }),
        removed,
    })
}

/// What a binary block says in words: its runs of four or more printable ASCII characters
/// (descriptor keys, strings; UTF-16 text read by its ASCII halves), else its summary.
fn text_of(data: &[u8]) -> String {
    let mut words = Vec::new();
    let mut word = String::new();
    for &b in data.iter().filter(|&&b| b != 0) {
        if b.is_ascii_graphic() || b == b' ' {
            word.push(b as char);
        } else {
            if word.len() >= 4 {
                words.push(std::mem::take(&mut word));
            }
            word.clear();
        }
    }
    if word.len() >= 4 {
        words.push(word);
    }
    if words.is_empty() {
        summary(data)
    } else {
        summary(words.join(" ").as_bytes())
    }
}

/// A layer's extra data (mask data, blending ranges, name, then additional information
/// blocks) without its `shmd` blocks; what those held.
fn blocks(extra: &[u8], psb: bool, layer: u64) -> Result<(Vec<u8>, Vec<Found>), Error> {
    let bad = || corrupt(&format!("layer {layer} extra data is cut short"));
    let sized = |at: usize| -> Result<usize, Error> {
        let n = be(extra.get(at..at + 4).ok_or_else(bad)?) as usize;
        at.checked_add(4 + n)
            .filter(|&e| e <= extra.len())
            .ok_or_else(bad)
    };
    // Mask data, blending ranges, then the name (a Pascal string padded to 4 bytes).
    let mut at = sized(sized(0)?)?;
    let name_len = *extra.get(at).ok_or_else(bad)? as usize;
    at += (1 + name_len + 3) & !3;
    if at > extra.len() {
        return Err(bad());
    }
    let mut out = extra[..at].to_vec();
    let mut found = Vec::new();
    while at < extra.len() {
        let sig = extra.get(at..at + 4).ok_or_else(bad)?;
        if sig != b"8BIM" && sig != b"8B64" {
            return Err(corrupt(&format!("layer {layer} has a block without a signature")));
        }
        let key: &[u8; 4] = extra[at + 4..at + 8].try_into().map_err(|_| bad())?;
        let len_size = if psb && LONG_IN_PSB.contains(&key) { 8 } else { 4 };
        let data_at = at + 8 + len_size;
        let n = be(extra.get(at + 8..data_at).ok_or_else(bad)?) as usize;
        let end = data_at
            .checked_add(n)
            .filter(|&e| e <= extra.len())
            .ok_or_else(bad)?;
        // The block is optional (older Photoshop versions write none): dropped whole.
        if key == b"shmd" {
            found.push(Found::new(
                "PSD layer",
                format!("layer {layer} metadata setting (shmd)"),
                text_of(&extra[data_at..end]),
            ));
        } else {
            out.extend_from_slice(&extra[at..end]);
        }
        at = end;
    }
    Ok((out, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shmd_is_dropped_and_other_blocks_kept() {
        let mut extra = Vec::new();
        extra.extend_from_slice(&0u32.to_be_bytes()); // no mask
        extra.extend_from_slice(&0u32.to_be_bytes()); // no blending ranges
        extra.extend_from_slice(b"\x02L1\0"); // name, padded to 4
        extra.extend_from_slice(b"8BIMlyid\0\0\0\x04\0\0\0\x07");
        extra.extend_from_slice(b"8BIMshmd\0\0\0\x10\0\0\0\x01SECRET-time!");
        let (out, found) = blocks(&extra, false, 1).unwrap();
        assert_eq!(&out[..28], &extra[..28]);
        assert_eq!(out.len(), 28);
        assert!(found[0].value.contains("SECRET-time"), "{found:?}");
        // A block whose length passes the record is an error.
        assert!(blocks(&extra[..extra.len() - 1], false, 1).is_err());
        // Already clean: unchanged.
        let (again, found) = blocks(&out, false, 1).unwrap();
        assert_eq!(again, out);
        assert!(found.is_empty());
    }
}
