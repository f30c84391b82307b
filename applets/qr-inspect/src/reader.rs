//! The zxing-cpp port's reader loop (rxing's `qrcode::cpp_port::QrReader`), rewritten here
//! with bounds. The original tries every finder-pattern triple, then every single pattern as a
//! Micro QR and as an rMQR corner, with no limit: an image tiled with finder-like squares (a
//! 16-megapixel one holds tens of thousands) keeps it busy for minutes. Here the attempts are
//! counted and the clock is checked between them; a search that runs out of either says so, so
//! that the caller can report the image as not fully searched instead of as safe.

use std::time::Instant;

use rxing::common::cpp_essentials::{
    ConcentricPattern, FindLeftGuardBy, FixedPattern, GetPatternRowTP, IsPattern, LocateConcentricPattern,
    PatternRow, PatternType, PatternView,
};
use rxing::common::{BitMatrix, DetectorRXingResult};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{GenerateFinderPatternSets, SampleMQR, SampleQR, SampleRMQR};
use rxing::Point;
use rxing::{BarcodeFormat, RXingResult};

/// Sampling attempts per pass and per symbology: far more than any photo needs (a photo with
/// 80 codes has 240 finder patterns), few enough to take well under a second.
pub const MAX_ATTEMPTS: usize = 6_000;
/// Finder patterns looked for per pass (pairing them up is not linear).
pub const MAX_PATTERNS: usize = 1_500;
/// Cell size of the grid that tells whether a point is inside a pattern already found.
const CELL: f32 = 32.0;

/// What one pass of the reader found.
pub struct Read {
    pub results: Vec<RXingResult>,
    /// How many finder patterns the image has (the Java port's reader, whose cost grows with the
    /// cube of that count, is only run when it is small).
    pub patterns: usize,
    /// False when the attempts or the time ran out before every candidate was tried.
    pub complete: bool,
}

pub fn read(matrix: &BitMatrix, deadline: Instant) -> Read {
    let (mut patterns, found_all) = find_patterns(matrix, deadline);
    let count = patterns.len();
    let mut complete = found_all;
    let mut results = Vec::new();
    let mut used = Vec::new();
    let budget = |attempts: &mut usize| {
        *attempts += 1;
        *attempts <= MAX_ATTEMPTS && (!(*attempts).is_multiple_of(64) || Instant::now() < deadline)
    };

    let mut attempts = 0;
    for set in GenerateFinderPatternSets(&mut patterns) {
        if used.contains(&set.bl) || used.contains(&set.tl) || used.contains(&set.tr) {
            continue;
        }
        if !budget(&mut attempts) {
            complete = false;
            break;
        }
        let Ok(detected) = SampleQR(matrix, &set) else {
            continue;
        };
        // A Model 1 symbol with several blocks is decoded here, any other by rxing.
        let bits = detected.getBits();
        if let Some(decoded) = crate::model1::decode(bits).or_else(|| Decode(bits).ok()) {
            if decoded.isValid() {
                used.extend([set.bl, set.tl, set.tr]);
                results.push(RXingResult::with_decoder_result(
                    decoded,
                    detected.getPoints(),
                    BarcodeFormat::QR_CODE,
                ));
            }
        }
    }

    type Sampler = fn(
        &BitMatrix,
        rxing::common::cpp_essentials::ConcentricPattern,
    ) -> rxing::common::Result<rxing::qrcode::detector::QRCodeDetectorResult>;
    let samplers: [(Sampler, BarcodeFormat); 2] = [
        (SampleMQR, BarcodeFormat::MICRO_QR_CODE),
        (SampleRMQR, BarcodeFormat::RECTANGULAR_MICRO_QR_CODE),
    ];
    for (sample, format) in samplers {
        let mut attempts = 0;
        for pattern in &patterns {
            if used.contains(pattern) {
                continue;
            }
            if !budget(&mut attempts) {
                complete = false;
                break;
            }
            let Ok(detected) = sample(matrix, *pattern) else {
                continue;
            };
            if let Ok(decoded) = Decode(detected.getBits()) {
                if decoded.isValid() {
                    results.push(RXingResult::with_decoder_result(
                        decoded,
                        detected.getPoints(),
                        format,
                    ));
                }
            }
        }
    }
    Read {
        results,
        patterns: count,
        complete,
    }
}

/// rxing's `FindFinderPatterns` (every third row, as zxing-cpp does when trying harder), with
/// the check "is this point inside a pattern found already" done on a grid instead of against
/// every pattern found (quadratic: 6 s on a 16-megapixel image tiled with finder patterns), at
/// most [`MAX_PATTERNS`] patterns, and the clock checked on every row. The flag is false when a
/// bound stopped the search.
fn find_patterns(image: &BitMatrix, deadline: Instant) -> (Vec<ConcentricPattern>, bool) {
    const SKIP: u32 = 3;
    const FINDER: FixedPattern<5, 7, false> = FixedPattern::new([1, 1, 3, 1, 1]);
    let pattern: [PatternType; 5] = FINDER.into();
    let (width, height) = (image.getWidth(), image.getHeight());
    let cols = (width as f32 / CELL).ceil() as usize + 1;
    let rows = (height as f32 / CELL).ceil() as usize + 1;
    let mut grid: Vec<Vec<u32>> = vec![Vec::new(); cols * rows];
    let cell = |p: Point| {
        let (x, y) = ((p.x.max(0.0) / CELL) as usize, (p.y.max(0.0) / CELL) as usize);
        (x.min(cols - 1), y.min(rows - 1))
    };
    let mut found: Vec<ConcentricPattern> = Vec::new();
    let mut largest = 0i32;
    let mut row = PatternRow::default();
    let mut y = SKIP - 1;
    while y < height {
        if Instant::now() >= deadline {
            return (found, false);
        }
        GetPatternRowTP(image, y, &mut row, false);
        let mut next = PatternView::new(&row);
        while let Ok(view) = FindLeftGuardBy::<5, _>(next, 5, |v: &PatternView, space: Option<f32>| {
            // The fast plausibility test for 1:1:3:1:1, then the exact one (as rxing does).
            let m = |i: usize| v[i];
            !(m(2) < 3 || m(2) < 2 * m(0).max(m(4)) || m(2) < m(1).max(m(3)))
                && IsPattern::<true, 5, 7, false>(v, &FINDER, space, 0.1, 0.0, 0.0) != 0.0
        }) {
            next = view;
            if !next.isValid() {
                break;
            }
            let p = Point::new(
                f32::from(next.pixelsInFront())
                    + f32::from(next[0usize])
                    + f32::from(next[1usize])
                    + f32::from(next[2usize]) / 2.0,
                y as f32 + 0.5,
            );
            // Patterns whose centre is within half their size of p: only the cells that near.
            let reach = ((largest as f32 / 2.0) / CELL).ceil() as usize;
            let (cx, cy) = cell(p);
            let inside = (cy.saturating_sub(reach)..=(cy + reach).min(rows - 1)).any(|gy| {
                (cx.saturating_sub(reach)..=(cx + reach).min(cols - 1)).any(|gx| {
                    grid[gy * cols + gx].iter().any(|&i| {
                        let old = found[i as usize];
                        Point::distance(p, old.p) < old.size as f32 / 2.0
                    })
                })
            });
            if !inside {
                let range = next.iter().map(i32::from).sum::<i32>() * 3;
                if let Some(located) = LocateConcentricPattern::<true, 5, 7>(image, &pattern, p, range) {
                    if found.len() >= MAX_PATTERNS {
                        return (found, false);
                    }
                    let (gx, gy) = cell(located.p);
                    grid[gy * cols + gx].push(found.len() as u32);
                    largest = largest.max(located.size);
                    found.push(located);
                }
            }
            next.skipPair();
            next.skipPair();
            next.extend();
        }
        y += SKIP;
    }
    (found, true)
}
