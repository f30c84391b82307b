//! Finding and decoding every QR code in an image.
//!
//! One pass of ZXing's detector misses codes that a phone camera reads without trouble: a code
//! that is small in a large photo, blurred, low in contrast or printed light-on-dark. So the
//! image goes through a few passes, cheapest first, and the first pass that finds anything
//! wins: the multi-code detector on the image as it is (normal and inverted), then on
//! downscaled copies (scaling down sharpens a blurred code's modules relative to its finder
//! patterns), then with a global threshold instead of the local one, then inverted.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageReader, Limits};
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::qrcode::QRCodeMultiReader;
use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader};
use rxing::qrcode::QRCodeReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, RXingResult};

/// Largest side accepted: far beyond any photo, small enough that a crafted header cannot make
/// the decoder allocate gigabytes.
const MAX_SIDE: u32 = 16_384;
/// Bound on what the image decoder may allocate for one image.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;
/// Images larger than this on their long side are also tried downscaled.
const DOWNSCALE_ABOVE: u32 = 800;

/// Height of the bands that group codes into rows, in pixels.
const ROW_BAND: f32 = 32.0;

/// One decoded code: its text and where it is (for ordering codes as a reader would).
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub text: String,
    top: f32,
    left: f32,
}

/// Why an image could not be read.
#[derive(Debug)]
pub struct Unreadable(pub String);

/// Decodes the image in `bytes` (PNG, JPEG, GIF, BMP or WebP, told by content) and returns
/// every QR code found, top to bottom then left to right, each text once.
pub fn decode(bytes: &[u8]) -> Result<Vec<Code>, Unreadable> {
    let gray = load(bytes)?;
    Ok(find_codes(&gray))
}

fn load(bytes: &[u8]) -> Result<GrayImage, Unreadable> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Unreadable(e.to_string()))?;
    if reader.format().is_none() {
        return Err(Unreadable("not an image (PNG, JPEG, GIF, BMP or WebP)".into()));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| Unreadable(describe(&e)))?;
    Ok(to_gray_on_white(image))
}

fn describe(err: &image::ImageError) -> String {
    match err {
        image::ImageError::Limits(_) => format!("image too large (over {MAX_SIDE} pixels a side)"),
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

/// Runs the passes on a greyscale image (also used for camera frames).
pub fn find_codes(gray: &GrayImage) -> Vec<Code> {
    let mut codes = scan(gray, 1.0);
    if codes.is_empty() {
        let long = gray.width().max(gray.height());
        let mut factor = 2;
        while codes.is_empty() && long / factor >= DOWNSCALE_ABOVE / 2 {
            let small = image::imageops::resize(
                gray,
                gray.width() / factor,
                gray.height() / factor,
                image::imageops::FilterType::Triangle,
            );
            codes = scan(&small, factor as f32);
            factor *= 2;
        }
    }
    if codes.is_empty() {
        codes = scan_global(gray);
    }
    if codes.is_empty() {
        // Light modules on a dark ground (screens, stickers): the multi-code reader does not
        // honour the AlsoInverted hint, so the image itself is inverted.
        let mut inverted = gray.clone();
        image::imageops::invert(&mut inverted);
        codes = scan(&inverted, 1.0);
    }
    order(codes)
}

fn hints() -> DecodeHints {
    DecodeHints {
        TryHarder: Some(true),
        AlsoInverted: Some(true),
        PossibleFormats: Some([BarcodeFormat::QR_CODE].into_iter().collect()),
        ..DecodeHints::default()
    }
}

/// The image as ZXing reads it, borrowed: no copy of the pixels per pass.
fn source(gray: &GrayImage) -> Option<Luma8Source<'_>> {
    Luma8Source::new_with_slice(gray.as_raw(), gray.width(), gray.height()).ok()
}

/// The local-threshold passes: the multi-code detector first (it finds several codes in one
/// image), then the generic one, which splits the image and retries around each find.
fn scan(gray: &GrayImage, scale: f32) -> Vec<Code> {
    if gray.width() == 0 || gray.height() == 0 {
        return Vec::new();
    }
    let Some(src) = source(gray) else {
        return Vec::new();
    };
    let hints = hints();
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(src));
    let mut found = collect(QRCodeMultiReader::default().decode_multiple_with_hints(&mut bitmap, &hints));
    if found.is_empty() {
        let mut generic = GenericMultipleBarcodeReader::new(QRCodeReader);
        found = collect(generic.decode_multiple_with_hints(&mut bitmap, &hints));
    }
    found.iter_mut().for_each(|c| {
        c.top *= scale;
        c.left *= scale;
    });
    found
}

fn scan_global(gray: &GrayImage) -> Vec<Code> {
    let Some(src) = source(gray) else {
        return Vec::new();
    };
    let mut bitmap = BinaryBitmap::new(GlobalHistogramBinarizer::new(src));
    let mut generic = GenericMultipleBarcodeReader::new(QRCodeReader);
    collect(generic.decode_multiple_with_hints(&mut bitmap, &hints()))
}

fn collect(results: rxing::common::Result<Vec<RXingResult>>) -> Vec<Code> {
    results
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            let points = r.getPoints();
            let top = points.iter().map(|p| p.y).fold(f32::INFINITY, f32::min);
            let left = points.iter().map(|p| p.x).fold(f32::INFINITY, f32::min);
            Code {
                text: r.getText().to_string(),
                top: if top.is_finite() { top } else { 0.0 },
                left: if left.is_finite() { left } else { 0.0 },
            }
        })
        .collect()
}

/// Reading order, each text once (the generic reader can find the same code twice).
fn order(mut codes: Vec<Code>) -> Vec<Code> {
    // Codes whose tops fall in the same band are on one row: those are ordered by column.
    // (A band, not "within N pixels of each other": the order must be total.)
    codes.sort_by(|a, b| {
        let row = |c: &Code| (c.top / ROW_BAND).floor();
        row(a).total_cmp(&row(b)).then(a.left.total_cmp(&b.left))
    });
    let mut seen = std::collections::HashSet::new();
    codes.retain(|c| seen.insert(c.text.clone()));
    codes
}
