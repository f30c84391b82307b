//! The compression around a tar (gzip, xz, bzip2, zstd): recognised by its magic, read as a
//! stream, and written back with the same compressor and fixed settings, so the same input
//! always gives the same bytes. What a layer's own header carries (gzip: the original file
//! name, a time, a comment) is reported and never written back.

use std::io::{self, BufRead, BufReader, Read, Write};

use privkit_core::Error;

use crate::engine::source::Source;
use crate::engine::Found;

/// The compressor around a tar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    None,
    Gzip,
    Xz,
    Bzip2,
    Zstd,
}

/// The most a compressed tar may inflate past [`FREE`]: far beyond real archives (text
/// compresses about 10:1), far below a tar bomb.
const MAX_RATIO: u64 = 1000;
/// Inflating this much is allowed whatever the ratio (a tar of zeros is legitimate but small).
const FREE: u64 = 256 * 1024 * 1024;
/// Decoder memory: xz's dictionary, zstd's window (both declared by the file).
const XZ_MEMORY_KB: u32 = 256 * 1024;
const ZSTD_WINDOW: u64 = 1 << 27;
/// zstd output is written as independent frames of this much input, so the encoder holds
/// no more (zstd -d reads concatenated frames as one stream).
/// (Smaller in unit tests, so that several frames are made from little data.)
const ZSTD_FRAME: usize = if cfg!(test) { 64 << 10 } else { 4 << 20 };

impl Layer {
    /// The layer the first bytes say, if any (the content under it is checked separately).
    pub fn sniff(head: &[u8]) -> Option<Layer> {
        if head.starts_with(b"\x1f\x8b\x08") {
            Some(Layer::Gzip)
        } else if head.starts_with(b"\xfd7zXZ\0") {
            Some(Layer::Xz)
        } else if head.starts_with(b"BZh") && head.get(4..10) == Some(b"1AY&SY") {
            Some(Layer::Bzip2)
        } else if head.starts_with(b"\x28\xb5\x2f\xfd") {
            Some(Layer::Zstd)
        } else {
            None
        }
    }

    /// The format's name: tar, tar.gz, ...
    pub fn name(self) -> &'static str {
        match self {
            Layer::None => "tar",
            Layer::Gzip => "tar.gz",
            Layer::Xz => "tar.xz",
            Layer::Bzip2 => "tar.bz2",
            Layer::Zstd => "tar.zst",
        }
    }

    /// A reader of what the layer holds, bounded in how much it may inflate. `compressed` is
    /// the size of the layer's input (for the ratio).
    pub fn decoder<'a>(self, input: impl Read + 'a, compressed: u64) -> Result<Box<dyn Read + 'a>, Error> {
        let input = BufReader::with_capacity(64 * 1024, input);
        let inner: Box<dyn Read + 'a> = match self {
            Layer::None => Box::new(input),
            Layer::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
            Layer::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(input, true, XZ_MEMORY_KB)),
            Layer::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(input)),
            Layer::Zstd => Box::new(ZstdFrames {
                input: Some(input),
                frame: None,
            }),
        };
        let limit = FREE.saturating_add(compressed.saturating_mul(MAX_RATIO));
        Ok(Box::new(Bounded {
            inner,
            left: limit,
            what: self.name(),
        }))
    }

    /// What the layer's own header carries (only gzip has one with names and times).
    pub fn header_findings(self, head: &[u8]) -> Vec<Found> {
        if self != Layer::Gzip {
            return Vec::new();
        }
        let mut d = flate2::bufread::GzDecoder::new(head);
        // The header is parsed by the first read; what follows may be cut off (only the head).
        let _ = d.read(&mut [0u8; 1]);
        let Some(h) = d.header() else {
            return Vec::new();
        };
        let mut found = Vec::new();
        if let Some(name) = h.filename() {
            found.push(Found::new(
                "gzip",
                "original file name",
                crate::engine::summary(name),
            ));
        }
        if h.mtime() != 0 {
            found.push(Found::new("gzip", "time", h.mtime().to_string()));
        }
        if let Some(comment) = h.comment() {
            found.push(Found::new("gzip", "comment", crate::engine::summary(comment)));
        }
        if h.extra().is_some_and(|e| !e.is_empty()) {
            found.push(Found::new("gzip", "extra field", "present"));
        }
        found
    }

    /// A writer compressing into a buffer with fixed settings (no name, no time).
    pub fn encoder(self) -> Encoder<Vec<u8>> {
        self.encoder_into(Vec::new())
    }

    /// A writer compressing into `sink` with fixed settings (no name, no time): a file, so
    /// that the output is never held in memory.
    pub fn encoder_into<W: Write>(self, sink: W) -> Encoder<W> {
        match self {
            Layer::None => Encoder::Plain(sink),
            Layer::Gzip => Encoder::Gzip(
                flate2::GzBuilder::new()
                    .mtime(0)
                    .operating_system(255)
                    .write(sink, flate2::Compression::default()),
            ),
            Layer::Xz => Encoder::Xz(Box::new(
                lzma_rust2::XzWriter::new(sink, lzma_rust2::XzOptions::with_preset(6))
                    .expect("preset 6 is valid"),
            )),
            Layer::Bzip2 => Encoder::Bzip2(bzip2::write::BzEncoder::new(sink, bzip2::Compression::best())),
            Layer::Zstd => Encoder::Zstd {
                pending: Vec::new(),
                out: sink,
            },
        }
    }
}

/// A layer's writer; [`Encoder::finish`] gives the sink back with the compressed bytes in it.
pub enum Encoder<W: Write> {
    Plain(W),
    Gzip(flate2::write::GzEncoder<W>),
    Xz(Box<lzma_rust2::XzWriter<W>>),
    Bzip2(bzip2::write::BzEncoder<W>),
    /// zstd frames of [`ZSTD_FRAME`] bytes of input: `pending` is the frame being gathered.
    Zstd {
        pending: Vec<u8>,
        out: W,
    },
}

impl<W: Write> Encoder<W> {
    pub fn finish(self) -> io::Result<W> {
        match self {
            Encoder::Plain(v) => Ok(v),
            Encoder::Gzip(e) => e.finish(),
            Encoder::Xz(e) => e.finish(),
            Encoder::Bzip2(e) => e.finish(),
            Encoder::Zstd { pending, mut out } => {
                if !pending.is_empty() {
                    out.write_all(&zstd_frame(&pending))?;
                }
                Ok(out)
            }
        }
    }
}

fn zstd_frame(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::Plain(v) => v.write(buf),
            Encoder::Gzip(e) => e.write(buf),
            Encoder::Xz(e) => e.write(buf),
            Encoder::Bzip2(e) => e.write(buf),
            Encoder::Zstd { pending, out } => {
                let n = buf.len().min(ZSTD_FRAME - pending.len());
                pending.extend_from_slice(&buf[..n]);
                if pending.len() == ZSTD_FRAME {
                    out.write_all(&zstd_frame(pending))?;
                    pending.clear();
                }
                Ok(n)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Concatenated zstd frames as one stream (as `zstd -d` reads them), each with a bounded window.
struct ZstdFrames<R: BufRead> {
    input: Option<R>,
    frame: Option<ruzstd::decoding::StreamingDecoder<R, ruzstd::decoding::FrameDecoder>>,
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(frame) = self.frame.as_mut() {
                let n = frame.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
                self.input = self.frame.take().map(|f| f.into_inner());
            }
            let Some(mut input) = self.input.take() else {
                return Ok(0);
            };
            if input.fill_buf()?.is_empty() {
                return Ok(0);
            }
            let frame = ruzstd::decoding::StreamingDecoder::new_with_max_window_size(input, ZSTD_WINDOW)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            self.frame = Some(frame);
        }
    }
}

/// A reader that refuses to inflate past a limit (a tar bomb).
struct Bounded<'a> {
    inner: Box<dyn Read + 'a>,
    left: u64,
    what: &'static str,
}

impl Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} inflates more than {MAX_RATIO} times its size (a tar bomb?)",
                    self.what
                ),
            )
        })?;
        Ok(n)
    }
}

/// The input as a stream, read from where it is (a file is never read whole).
pub struct SourceReader<'a> {
    pub src: &'a Source,
    pub pos: u64,
}

impl Read for SourceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self
            .src
            .read_into(self.pos, buf)
            .map_err(|e| io::Error::other(e.message().to_string()))?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// Up to `max` bytes from the start of what a layer holds (for sniffing: errors are "not a
/// tar", never raised).
pub fn peek(layer: Layer, head: &[u8], max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(d) = layer.decoder(head, head.len() as u64) {
        let _ = d.take(max as u64).read_to_end(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_round_trips_deterministically() {
        let data: Vec<u8> = (0..(ZSTD_FRAME + 1000)).map(|i| (i % 251) as u8).collect();
        for layer in [Layer::None, Layer::Gzip, Layer::Xz, Layer::Bzip2, Layer::Zstd] {
            let pack = || {
                let mut e = layer.encoder();
                e.write_all(&data).unwrap();
                e.finish().unwrap()
            };
            let packed = pack();
            assert_eq!(packed, pack(), "{layer:?}");
            if layer != Layer::None {
                assert_eq!(Layer::sniff(&packed), Some(layer));
            }
            let mut back = Vec::new();
            layer
                .decoder(&packed[..], packed.len() as u64)
                .unwrap()
                .read_to_end(&mut back)
                .unwrap();
            assert!(back == data, "{layer:?}");
        }
    }

    #[test]
    fn bombs_stop_at_the_limit() {
        let zeros = [0u8; 4096];
        let mut r = Bounded {
            inner: Box::new(&zeros[..]),
            left: 1000,
            what: "tar.gz",
        };
        let err = r.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("tar bomb"), "{err}");
    }
}
