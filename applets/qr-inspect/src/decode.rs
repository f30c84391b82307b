//! Finding and decoding every QR-family code in an image.
//!
//! Two readers read each pass: rxing's port of zxing-cpp's (`qrcode::cpp_port`, run through the
//! bounded loop of reader.rs), which also reads QR Model 1, Micro QR and rMQR and finds tilted,
//! small and round-module codes the Java port misses, and the Java port's multi-code reader.
//! Measured on ZXing's 179 QR test images and the 41 labelled images of zxing-cpp's own tests
//! (bench/qr-inspect.sh): the zxing-cpp port alone reads 166 and 38, the Java port alone 149
//! and 7, both together 166 and 39 (zxing-cpp itself: 165 and 39), with no read on zxing-cpp's
//! 46 false-positive images; with smaller images also scanned halved, 166 and 40 (zxing-cpp
//! 3.1 in the same run: 166 and 40); with the Model 1 decoding of model1.rs, 166 and 41, still
//! no false positive (zxing-cpp 3.1.1 in the same run: 166 and 40). So both run; the
//! `zxing-cpp` crate (C++, needs cmake to build) is not needed.
//!
//! Every pass runs, whatever the passes before it found: an attacker can put a harmless code
//! beside a malicious one, and a pass that finds the first must not hide the second. The passes
//! are, cheapest first: halved copies of the image (of a large one down to about 400 pixels,
//! of a smaller one once: scaling down sharpens a blurred code's modules, merges round ones
//! into squares and finds large codes fast), the image as it is, the image inverted (light
//! modules on a dark ground), and a global threshold instead of the local one (low contrast).
//! The codes of all passes are merged: a code is the same code when its payload is the same
//! and its centre is within half its size of the other's.
//!
//! The work is bounded: an image's pixel count is capped before it is decoded, the passes
//! share a budget of pixels scanned (a large image gets its halved copies and fewer full-size
//! passes), the readers' attempts are counted, and the search stops at a deadline. A search cut
//! short by attempts or time is reported as such: the image is not said to be safe.

use std::io::Cursor;
use std::time::{Duration, Instant};

use image::{DynamicImage, GrayImage, ImageReader, Limits};
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::qrcode::QRCodeMultiReader;
use rxing::multi::MultipleBarcodeReader;
use rxing::{
    BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source, RXingResult, RXingResultMetadataType,
    RXingResultMetadataValue,
};

/// Largest side accepted.
const MAX_SIDE: u32 = 16_384;
/// Largest image accepted, in pixels: a 40-megapixel photo, far more than any QR code needs.
/// (With the deadline below, any image is done in about 2 s and 200 MB: a 36-megapixel RGBA
/// PNG peaks at 180 MB.)
/// Checked from the header, before anything is allocated.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Bound on what the image decoder may allocate for one image (a 40-megapixel RGBA image is
/// 160 MB; 16-bit channels at that size are refused).
const MAX_ALLOC: u64 = 160 * 1024 * 1024;
/// Pixels all passes together may scan (one reader over one pixel counts one). Enough for every
/// pass on a 12-megapixel photo; a 40-megapixel one gets its downscaled and first full passes.
const WORK_BUDGET: u64 = 100_000_000;
/// How long the search of one image may take in a release build: the passes stop when it is
/// spent, and the image is reported as not fully searched.
const SEARCH_TIME: Duration = Duration::from_millis(1_800);
/// The Java port's reader runs on a pass only when the image has at most this many finder
/// patterns (its multi-code finder compares every triple of them).
const JAVA_MAX_PATTERNS: usize = 120;
/// Images larger than this on their long side are also scanned downscaled, halved down to
/// about half this size.
const DOWNSCALE_ABOVE: u32 = 800;
/// Smaller images from this size on are also scanned halved once: round or blotchy modules
/// merge into the squares the readers expect (zxing-cpp's qr-circles-1.png, 258x260, is read
/// at half size only). A quarter of a full pass.
const HALVE_ONCE_FROM: u32 = 128;

/// Height of the bands that group codes into rows, in pixels.
const ROW_BAND: f32 = 32.0;

/// What a code holds: text, or bytes that are not text in any encoding the code declares.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Payload {
    Text(String),
    Binary(Vec<u8>),
}

/// The symbologies read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbology {
    Qr,
    MicroQr,
    Rmqr,
}

impl Symbology {
    pub const ALL: [Symbology; 3] = [Symbology::Qr, Symbology::MicroQr, Symbology::Rmqr];

    pub fn name(self) -> &'static str {
        match self {
            Symbology::Qr => "qr",
            Symbology::MicroQr => "micro-qr",
            Symbology::Rmqr => "rmqr",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Symbology::Qr => "QR Code (Model 1 and Model 2, versions 1-40)",
            Symbology::MicroQr => "Micro QR Code (M1-M4)",
            Symbology::Rmqr => "rMQR, rectangular Micro QR Code (ISO/IEC 23941)",
        }
    }
}

/// One decoded code: what it holds and where it is (for merging passes and for ordering codes
/// as a reader would).
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub payload: Payload,
    pub symbology: Symbology,
    top: f32,
    left: f32,
    centre: (f32, f32),
    size: f32,
}

/// The codes of an image, and whether every pass ran to its end.
pub struct Found {
    pub codes: Vec<Code>,
    /// False when the work or time bound cut the search short (an image built to exhaust the
    /// readers): more codes may be in the image.
    pub complete: bool,
}

/// Why an image could not be read.
#[derive(Debug)]
pub struct Unreadable(pub String);

/// Decodes the image in `bytes` (PNG, JPEG, GIF, BMP or WebP, told by content) and returns
/// every code found, top to bottom then left to right. The bytes are dropped once decoded.
pub fn decode(bytes: Vec<u8>) -> Result<Found, Unreadable> {
    let deadline = Instant::now() + search_time();
    let image = load(&bytes)?;
    drop(bytes);
    Ok(find_codes(to_gray_on_white(image), deadline))
}

/// How long the search of one image may take, decoding included. Unoptimised builds (the
/// tests) are about ten times slower, and get ten times longer.
fn search_time() -> Duration {
    if cfg!(debug_assertions) {
        SEARCH_TIME * 10
    } else {
        SEARCH_TIME
    }
}

fn load(bytes: &[u8]) -> Result<DynamicImage, Unreadable> {
    let reader = || -> Result<ImageReader<Cursor<&[u8]>>, Unreadable> {
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| Unreadable(e.to_string()))?;
        if reader.format().is_none() {
            return Err(Unreadable("not an image (PNG, JPEG, GIF, BMP or WebP)".into()));
        }
        Ok(reader)
    };
    // The header first: a few hundred bytes can claim gigapixels.
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|e| Unreadable(describe(&e)))?;
    check_size(w, h)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = reader()?;
    reader.limits(limits);
    reader.decode().map_err(|e| Unreadable(describe(&e)))
}

fn check_size(w: u32, h: u32) -> Result<(), Unreadable> {
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(Unreadable(format!(
            "image too large: {w}x{h} pixels (over {MAX_SIDE} pixels a side)"
        )));
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Unreadable(format!(
            "image too large: {w}x{h} pixels (over {} megapixels)",
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

fn describe(err: &image::ImageError) -> String {
    match err {
        image::ImageError::Limits(_) => format!(
            "image too large: decoding it would pass the allocation limit ({} MiB)",
            MAX_ALLOC >> 20
        ),
        image::ImageError::Unsupported(_) => format!("unsupported image: {err}"),
        _ => format!("corrupt image: {err}"),
    }
}

/// Grey levels as printed on white paper: transparent pixels count as white, not as the black
/// their zeroed colour channels would give (a QR code exported with a transparent background
/// would otherwise be a black square).
fn to_gray_on_white(image: DynamicImage) -> GrayImage {
    if !image.color().has_alpha() {
        return image.into_luma8();
    }
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut gray = GrayImage::new(w, h);
    for (out, px) in gray.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = px.0;
        let luma = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000;
        let a = u32::from(a);
        out.0[0] = ((luma * a + 255 * (255 - a)) / 255) as u8;
    }
    gray
}

/// The codes found so far, and the work left.
struct Search {
    codes: Vec<Code>,
    budget: u64,
    deadline: Instant,
    /// False once a pass was skipped or cut short.
    complete: bool,
}

impl Search {
    /// Charges a pass of `readers` readers over `pixels` pixels; false when the budget is spent
    /// (a large image gets fewer full-size passes, by design) or the time is (then the search
    /// is incomplete).
    fn afford(&mut self, pixels: u64, readers: u64) -> bool {
        let cost = pixels.saturating_mul(readers);
        if Instant::now() >= self.deadline {
            self.complete = false;
            return false;
        }
        if cost > self.budget {
            return false;
        }
        self.budget -= cost;
        true
    }

    fn merge(&mut self, (found, complete): (Vec<Code>, bool)) {
        self.complete &= complete;
        for code in found {
            if !self.codes.iter().any(|c| c.same_as(&code)) {
                self.codes.push(code);
            }
        }
    }
}

impl Code {
    /// The same symbol found twice (by two passes or two readers).
    fn same_as(&self, other: &Code) -> bool {
        let (dx, dy) = (self.centre.0 - other.centre.0, self.centre.1 - other.centre.1);
        let near = self.size.max(other.size).max(8.0) / 2.0;
        self.payload == other.payload && dx * dx + dy * dy <= near * near
    }
}

/// Runs the passes on a greyscale image (inverted in place for the last pass: no second copy
/// of a large image).
pub fn find_codes(mut gray: GrayImage, deadline: Instant) -> Found {
    let pixels = u64::from(gray.width()) * u64::from(gray.height());
    let mut search = Search {
        codes: Vec::new(),
        budget: WORK_BUDGET,
        deadline,
        complete: true,
    };
    let halves = halved_copies(&gray);
    for (i, small) in halves.iter().enumerate().rev() {
        let area = u64::from(small.width()) * u64::from(small.height());
        if search.afford(area, 2) {
            search.merge(scan(small, (2u32 << i) as f32, Pass::Local, deadline));
        }
    }
    drop(halves);
    if search.afford(pixels, 2) {
        search.merge(scan(&gray, 1.0, Pass::Local, deadline));
    }
    if search.afford(pixels, 2) {
        search.merge(scan(&gray, 1.0, Pass::Global, deadline));
    }
    // Light modules on a dark ground (screens, stickers): the readers do not invert by
    // themselves, so the image is inverted.
    if search.afford(pixels, 1) {
        image::imageops::invert(&mut gray);
        search.merge(scan(&gray, 1.0, Pass::Inverted, deadline));
    }
    Found {
        codes: order(search.codes),
        complete: search.complete,
    }
}

/// Halved copies of an image, each from the one before (a few reads of the image in all): of a
/// large image down to about 400 pixels, of a smaller one once.
fn halved_copies(gray: &GrayImage) -> Vec<GrayImage> {
    let mut halves: Vec<GrayImage> = Vec::new();
    // A GIF may declare a frame 1673 pixels wide and none high: nothing to halve (the halves
    // of anything else are at least a pixel a side).
    if gray.width() == 0 || gray.height() == 0 {
        return halves;
    }
    while halves.len() < 4 {
        let last = halves.last().unwrap_or(gray);
        let side = last.width().max(last.height());
        let more = if halves.is_empty() {
            side >= HALVE_ONCE_FROM
        } else {
            side / 2 >= DOWNSCALE_ABOVE / 2
        };
        if !more {
            break;
        }
        let half = halve(last);
        halves.push(half);
    }
    halves
}

/// The image at half its size, each pixel the mean of four (a box filter: cheap, and it keeps
/// modules sharp where a smoother filter would blur them).
fn halve(img: &GrayImage) -> GrayImage {
    let (w, h) = ((img.width() / 2).max(1), (img.height() / 2).max(1));
    let src = img.as_raw();
    let stride = img.width() as usize;
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h as usize {
        let (r0, r1) = (
            2 * y * stride,
            (2 * y + 1).min(img.height() as usize - 1) * stride,
        );
        for x in 0..w as usize {
            let (c0, c1) = (2 * x, (2 * x + 1).min(stride - 1));
            let sum = u16::from(src[r0 + c0])
                + u16::from(src[r0 + c1])
                + u16::from(src[r1 + c0])
                + u16::from(src[r1 + c1]);
            out.push(((sum + 2) / 4) as u8);
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq)]
enum Pass {
    /// Local threshold, both readers.
    Local,
    /// Local threshold on the inverted image, the zxing-cpp reader only.
    Inverted,
    /// Global threshold, both readers.
    Global,
}

/// Which port of ZXing found a code.
#[derive(Clone, Copy, PartialEq)]
enum Reader {
    Cpp,
    Java,
}

fn hints() -> DecodeHints {
    DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(
            [
                BarcodeFormat::QR_CODE,
                BarcodeFormat::MICRO_QR_CODE,
                BarcodeFormat::RECTANGULAR_MICRO_QR_CODE,
            ]
            .into_iter()
            .collect(),
        ),
        ..DecodeHints::default()
    }
}

/// One pass over one image; positions are scaled back to the original image by `scale`.
fn scan(gray: &GrayImage, scale: f32, pass: Pass, deadline: Instant) -> (Vec<Code>, bool) {
    if gray.width() == 0 || gray.height() == 0 {
        return (Vec::new(), true);
    }
    // The image as ZXing reads it, borrowed: no copy of the pixels per pass.
    let Ok(src) = Luma8Source::new_with_slice(gray.as_raw(), gray.width(), gray.height()) else {
        return (Vec::new(), true);
    };
    let (mut found, complete) = match pass {
        Pass::Local | Pass::Inverted => {
            read(&mut BinaryBitmap::new(HybridBinarizer::new(src)), pass, deadline)
        }
        Pass::Global => read(
            &mut BinaryBitmap::new(GlobalHistogramBinarizer::new(src)),
            pass,
            deadline,
        ),
    };
    for c in &mut found {
        c.top *= scale;
        c.left *= scale;
        c.centre = (c.centre.0 * scale, c.centre.1 * scale);
        c.size *= scale;
    }
    (found, complete)
}

fn read<B: Binarizer>(bitmap: &mut BinaryBitmap<B>, pass: Pass, deadline: Instant) -> (Vec<Code>, bool) {
    let cpp = crate::reader::read(bitmap.get_black_matrix(), deadline);
    let complete = cpp.complete;
    let mut found = collect(cpp.results, Reader::Cpp);
    if pass != Pass::Inverted {
        // The Java port's multi-code finder compares every triple of candidate patterns: run
        // only where there are few (it still reads codes the zxing-cpp port misses).
        if cpp.patterns <= JAVA_MAX_PATTERNS && Instant::now() < deadline {
            let java = QRCodeMultiReader::default().decode_multiple_with_hints(bitmap, &hints());
            found.extend(collect(java.unwrap_or_default(), Reader::Java));
        }
    }
    (found, complete)
}

fn collect(results: Vec<RXingResult>, reader: Reader) -> Vec<Code> {
    results
        .iter()
        .filter_map(|r| {
            let symbology = match r.getBarcodeFormat() {
                BarcodeFormat::QR_CODE => Symbology::Qr,
                BarcodeFormat::MICRO_QR_CODE => Symbology::MicroQr,
                BarcodeFormat::RECTANGULAR_MICRO_QR_CODE => Symbology::Rmqr,
                _ => return None,
            };
            let points = r.getPoints();
            let xs = points.iter().map(|p| p.x).filter(|v| v.is_finite());
            let ys = points.iter().map(|p| p.y).filter(|v| v.is_finite());
            let (left, right) = xs.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            });
            let (top, bottom) = ys.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), y| {
                (a.min(y), b.max(y))
            });
            if !(left.is_finite() && top.is_finite()) {
                return None;
            }
            Some(Code {
                payload: payload_of(r, reader),
                symbology,
                top,
                left,
                centre: ((left + right) / 2.0, (top + bottom) / 2.0),
                size: (right - left).max(bottom - top),
            })
        })
        .collect()
}

/// The payload of a result: its text as decoded per the code's ECI (or ZXing's guess: UTF-8,
/// Shift_JIS or ISO-8859-1), unless that text is not text at all.
fn payload_of(r: &RXingResult, reader: Reader) -> Payload {
    let text = r.getText();
    if !text.is_empty() && !looks_binary(text) {
        return Payload::Text(text.to_string());
    }
    // The zxing-cpp reader gives the decoded bytes of all segments; the Java port gives its
    // byte-mode segments in the metadata (its raw bytes are the codewords).
    let bytes = match r
        .getRXingResultMetadata()
        .get(&RXingResultMetadataType::BYTE_SEGMENTS)
    {
        Some(RXingResultMetadataValue::ByteSegments(segments)) => segments.concat(),
        _ if reader == Reader::Cpp => r.getRawBytes().to_vec(),
        _ => Vec::new(),
    };
    if bytes.is_empty() {
        Payload::Text(text.to_string())
    } else {
        Payload::Binary(bytes)
    }
}

/// Text that no encoding made sense of: a NUL, a replacement character, or control characters
/// in more than one character in eight. Line breaks, tabs, ESC and BEL do not count: they are
/// what a text built to attack a terminal holds (that is the control-chars reason, not binary).
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' {
            return true;
        }
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{1b}' | '\u{7}') {
            control += 1;
        }
    }
    control * 8 > total
}

/// Reading order: codes whose tops fall in the same band are on one row, ordered by column.
/// (A band, not "within N pixels of each other": the order must be total.)
fn order(mut codes: Vec<Code>) -> Vec<Code> {
    codes.sort_by(|a, b| {
        let row = |c: &Code| (c.top / ROW_BAND).floor();
        row(a).total_cmp(&row(b)).then(a.left.total_cmp(&b.left))
    });
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_text_is_told_from_text() {
        assert!(!looks_binary("https://example.org/"));
        assert!(!looks_binary("BEGIN:VCARD\r\nFN:A\r\nEND:VCARD"));
        assert!(!looks_binary(
            "https://example.org/\u{1b}[2J and some more text here"
        ));
        assert!(looks_binary("\u{89}PNG\r\n\u{1a}\n\0\0\0\rIHDR"));
        assert!(looks_binary("abc\u{fffd}"));
        assert!(looks_binary("\u{1}\u{2}\u{3}abcdefgh"));
    }

    #[test]
    fn halving_averages_four_pixels_and_keeps_odd_edges() {
        let img = GrayImage::from_raw(3, 3, vec![0, 255, 9, 255, 0, 9, 7, 7, 7]).unwrap();
        let half = halve(&img);
        assert_eq!(half.dimensions(), (1, 1));
        assert_eq!(half.as_raw(), &[128]);
        let one = GrayImage::from_raw(1, 1, vec![5]).unwrap();
        assert_eq!(halve(&one).as_raw(), &[5]);
    }

    #[test]
    fn small_images_are_halved_once_large_ones_down_to_about_400_px() {
        let sides = |w: u32, h: u32| -> Vec<u32> {
            halved_copies(&GrayImage::new(w, h))
                .iter()
                .map(|i| i.width().max(i.height()))
                .collect()
        };
        assert_eq!(sides(100, 100), Vec::<u32>::new());
        // zxing-cpp's qr-circles-1.png: read at half size only.
        assert_eq!(sides(258, 260), [130]);
        assert_eq!(sides(799, 10), [399]);
        assert_eq!(sides(800, 600), [400]);
        assert_eq!(sides(4000, 3000), [2000, 1000, 500]);
        assert_eq!(sides(16_000, 2), [8000, 4000, 2000, 1000]);
        // Found by fuzzing (testdata/qr-inspect/crash/gif-no-height.gif): no halving at all.
        assert_eq!(sides(1673, 0), Vec::<u32>::new());
        assert_eq!(sides(0, 900), Vec::<u32>::new());
    }

    #[test]
    fn sizes_are_checked_before_decoding() {
        assert!(check_size(6000, 6000).is_ok());
        assert!(check_size(8192, 8192)
            .unwrap_err()
            .0
            .contains("over 40 megapixels"));
        assert!(check_size(16_385, 10).unwrap_err().0.contains("a side"));
    }
}
