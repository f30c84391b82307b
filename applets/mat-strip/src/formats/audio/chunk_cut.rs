//! WAV and AIFF files cut short at their end (the container's size runs past the input): what
//! the cut falls in decides. Inside the samples, they are copied as far as they go; inside a
//! metadata chunk, it is removed as it would have been; between two chunks, nothing of what
//! followed is there. A cut anywhere else (the format chunk, a kept or unknown chunk) could
//! leave half of something that must be read to be cleaned or kept: refused as before.

use privkit_core::Error;

use crate::containers::riff::chunks::{self, Chunk};
use crate::engine::ctx::Ctx;
use crate::engine::Found;
use crate::formats::note_cut;

/// The chunk the input (of `len` bytes) ends inside, if it may be cleaned; None when the walk
/// ended on a chunk boundary. `end`: where the container says it ends; `samples`: the chunk of
/// audio data; `drop`: the chunks removed anyway.
pub fn judge(
    cx: &mut Ctx,
    list: &[Chunk],
    end: u64,
    len: u64,
    samples: &[u8; 4],
    drop: &[&[u8; 4]],
    what: &str,
) -> Result<Option<Chunk>, Error> {
    let cut = list.last().filter(|c| c.data() + c.size > len).copied();
    match cut {
        Some(c) if c.id == *samples => note_cut(cx, "its audio data"),
        Some(c) if drop.contains(&&c.id) => note_cut(cx, "a metadata chunk, which is removed"),
        Some(c) => return Err(chunks::cut_short(&c, len, what)),
        None if end > len => note_cut(cx, "its container, after its last complete chunk"),
        None => {}
    }
    Ok(cut)
}

/// What a removed chunk that is cut short is listed as (its contents are not read: they may
/// end anywhere).
pub fn found(c: &Chunk, len: u64, what: &str) -> Found {
    let size = format!("cut short: {} of {} bytes", len - c.data(), c.size);
    Found::new(what, c.name(), size)
}
