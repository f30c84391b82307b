//! The frames of an ASF video stream that may hold JPEGs (Motion JPEG, or a code mat-strip does
//! not know: what ffmpeg, and so mat2, make of a WMA's cover picture), found in the Data
//! Object's packets (ASF 1.20, section 5): each packet's payloads are parsed, the fragments of
//! each media object (a frame) put back in order, and the frame handed to `mjpeg::Frames`. The
//! holes come back as ranges of the input, so the packets keep every size and the frames are
//! wiped in place like in the other containers.

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::source::Source;
use crate::formats::video::mjpeg::Frames;

/// A frame cut into several payloads is put together in memory up to this much: enough for the
/// segments before its picture (an EXIF block is at most 64 KiB); a frame whose segments run
/// further is refused.
const MAX_HEAD: u64 = 256 << 10;
/// The Data Object's header: GUID, size, File ID, packet count, reserved.
const DATA_HEADER: u64 = 50;

/// A frame being put together: its media object number, size and fragments (input offset,
/// length) so far.
struct Object {
    number: u32,
    size: u64,
    got: u64,
    pieces: Vec<(u64, u64)>,
}

/// A stream whose frames are read: its number, its frames, the frame being put together.
pub struct Stream {
    number: u8,
    pub frames: Frames,
    current: Option<Object>,
}

impl Stream {
    pub fn new(number: u8, frames: Frames) -> Stream {
        Stream {
            number,
            frames,
            current: None,
        }
    }

    pub fn number(&self) -> u8 {
        self.number
    }
}

/// The input ranges to write as zeros, and the bytes to write over the start of some of them
/// (`mjpeg::write`).
pub type Wipe = (Vec<(u64, u64)>, Vec<(u64, Vec<u8>)>);

/// Reads the packets of the Data Object at `at` (`size` bytes, packets of `packet` bytes) for
/// the frames of `streams`; returns what to wipe.
pub fn read(
    src: &Source,
    cx: &mut Ctx,
    at: u64,
    size: u64,
    packet: u64,
    streams: &mut [Stream],
) -> Result<Wipe, Error> {
    if !(16..=1 << 20).contains(&packet) {
        return Err(Error::data(format!(
            "unsupported ASF: data packets of {packet} bytes (with a video stream whose frames may be JPEGs)"
        )));
    }
    let (mut holes, mut patches) = (Vec::new(), Vec::new());
    let mut pos = at + DATA_HEADER;
    let end = at + size;
    while pos + packet <= end {
        let p = src.read(pos, packet, "ASF: data packet")?;
        for (stream, number, offset, object_size, data_at, len) in payloads(&p, pos)? {
            let Some(Stream { frames, current, .. }) = streams.iter_mut().find(|s| s.number == stream) else {
                continue;
            };
            match object_size {
                // A compressed payload: whole frames, each after its length byte.
                None => {
                    let mut i = data_at;
                    while i < data_at + len {
                        let n = src.read(i, 1, "ASF: sub-payload")?[0] as u64;
                        if i + 1 + n > data_at + len {
                            return Err(corrupt(pos));
                        }
                        frames.frame(src, cx, i + 1, n)?;
                        holes.extend(frames.take_holes());
                        patches.extend(frames.take_patches());
                        i += 1 + n;
                    }
                }
                Some(object_size) => {
                    if offset == 0 {
                        if current.is_some() {
                            return Err(corrupt(pos)); // the last frame never ended
                        }
                        *current = Some(Object {
                            number,
                            size: object_size,
                            got: 0,
                            pieces: Vec::new(),
                        });
                    }
                    let Some(o) = current
                        .as_mut()
                        .filter(|o| o.number == number && o.got == offset as u64)
                    else {
                        return Err(corrupt(pos));
                    };
                    o.got += len;
                    o.pieces.push((data_at, len));
                    if o.got > o.size || o.pieces.len() > 1 << 16 {
                        return Err(corrupt(pos));
                    }
                    if o.got == o.size {
                        if let Some(o) = current.take() {
                            let (h, p) = frame(src, cx, frames, &o)?;
                            holes.extend(h);
                            patches.extend(p);
                        }
                    }
                }
            }
        }
        pos += packet;
    }
    if streams.iter().any(|s| s.current.is_some()) {
        return Err(Error::data("corrupt ASF: the data ends inside a video frame"));
    }
    patches.sort_unstable();
    Ok((holes, patches))
}

fn corrupt(pos: u64) -> Error {
    Error::data(format!(
        "corrupt ASF: the data packet at offset {pos} does not fit its frames together"
    ))
}

/// One whole frame: read in place when it is in one piece, else its first bytes put together.
fn frame(src: &Source, cx: &mut Ctx, frames: &mut Frames, o: &Object) -> Result<Wipe, Error> {
    if let [(at, len)] = o.pieces[..] {
        frames.frame(src, cx, at, len)?;
        return Ok((frames.take_holes(), frames.take_patches()));
    }
    let mut head = Vec::new();
    for &(at, len) in &o.pieces {
        let want = len.min(MAX_HEAD - head.len() as u64);
        head.extend(src.read(at, want, "ASF: payload")?);
        if head.len() as u64 >= MAX_HEAD {
            break;
        }
    }
    let n = head.len() as u64;
    frames.frame(&Source::Memory(head), cx, 0, n)?;
    // The holes and patches, offsets in the frame, back to the pieces they lie in.
    let mut out = Vec::new();
    let mut patches = Vec::new();
    let wipes = frames.take_holes().into_iter().map(|(s, e)| (s, e, None));
    let writes = frames
        .take_patches()
        .into_iter()
        .map(|(s, b)| (s, s + b.len() as u64, Some(b)));
    for (s, e, bytes) in wipes.chain(writes) {
        let mut base = 0u64;
        for &(at, len) in &o.pieces {
            let (from, to) = (s.max(base), e.min(base + len));
            if from < to {
                match &bytes {
                    None => out.push((at + from - base, at + to - base)),
                    Some(b) => patches.push((
                        at + from - base,
                        b[(from - s) as usize..(to - s) as usize].to_vec(),
                    )),
                }
            }
            base += len;
        }
    }
    Ok((out, patches))
}

/// A payload: stream number, media object number, offset in it, the object's size (None for a
/// compressed payload of whole objects), where its data starts in the input and its length.
type Payload = (u8, u32, u32, Option<u64>, u64, u64);

/// The payloads of the packet `p`, which starts at input offset `pos`.
fn payloads(p: &[u8], pos: u64) -> Result<Vec<Payload>, Error> {
    let bad = || corrupt(pos);
    let mut i = 0usize;
    let byte = |i: usize| p.get(i).copied().ok_or_else(bad);
    // A field of 0, 1, 2 or 4 bytes, by its length type.
    let field = |i: &mut usize, kind: u8| -> Result<u32, Error> {
        let n = [0, 1, 2, 4][kind as usize & 3];
        let b = p.get(*i..*i + n).ok_or_else(bad)?;
        *i += n;
        Ok(b.iter().rev().fold(0u32, |v, &x| (v << 8) | x as u32))
    };
    let first = byte(0)?;
    if first & 0x80 != 0 {
        // Error correction data, its length in the low nibble (length type 0 only).
        if first & 0x60 != 0 {
            return Err(bad());
        }
        i = 1 + (first & 0x0f) as usize;
    }
    let flags = byte(i)?;
    let props = byte(i + 1)?;
    i += 2;
    let packet_len = field(&mut i, flags >> 5)? as usize;
    field(&mut i, flags >> 1)?; // sequence
    let padding = field(&mut i, flags >> 3)? as usize;
    i += 6; // send time, duration
    let size = if packet_len == 0 {
        p.len()
    } else {
        packet_len.min(p.len())
    };
    let end = size.checked_sub(padding).filter(|&e| e >= i).ok_or_else(bad)?;
    let (rep_t, off_t, obj_t) = (props, props >> 2, props >> 4);
    let mut out = Vec::new();
    let (count, len_t) = if flags & 1 != 0 {
        let f = byte(i)?;
        i += 1;
        ((f & 0x3f) as usize, Some(f >> 6))
    } else {
        (1, None)
    };
    for _ in 0..count {
        let stream = byte(i)? & 0x7f;
        i += 1;
        let number = field(&mut i, obj_t)?;
        let offset = field(&mut i, off_t)?;
        let rep = field(&mut i, rep_t)? as usize;
        let replicated = p.get(i..i + rep).ok_or_else(bad)?;
        i += rep;
        let len = match len_t {
            Some(t) => field(&mut i, t)? as usize,
            None => end.checked_sub(i).ok_or_else(bad)?,
        };
        if i + len > end {
            return Err(bad());
        }
        let object_size = match rep {
            // Compressed: `offset` is the presentation time; the data holds whole objects.
            1 => None,
            r if r >= 8 => {
                Some(u32::from_le_bytes([replicated[0], replicated[1], replicated[2], replicated[3]]) as u64)
            }
            _ => return Err(bad()),
        };
        out.push((stream, number, offset, object_size, pos + i as u64, len as u64));
        i += len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_payload_and_a_damaged_one() {
        // No error correction; length types: replicated data and object number one byte,
        // offset four; send time and duration; then stream 1 (key frame), object 7 at offset
        // 0, 8 bytes of replicated data (object size 3), and the payload's 3 bytes.
        let mut p = vec![0x00, 0x5d, 0, 0, 0, 0, 0, 0];
        p.extend_from_slice(&[0x81, 7, 0, 0, 0, 0, 8, 3, 0, 0, 0, 9, 9, 9, 9]);
        p.extend_from_slice(b"abc");
        assert_eq!(payloads(&p, 1000).unwrap(), [(1, 7, 0, Some(3), 1023, 3)]);
        // Replicated data of 4 bytes (no object size): refused.
        p[14] = 4;
        assert!(payloads(&p, 1000).is_err());
        assert!(payloads(&[0x80], 0).is_err());
    }
}
