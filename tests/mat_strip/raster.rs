//! mat-strip on the formats with no metadata fields but places to hide text (BMP's gap between
//! headers and pixels, Netpbm's `#` comments): fixtures of testdata/mat-strip/media made by
//! make-archive-fixtures.py. Nothing planted survives, ImageMagick decodes the same pixels,
//! exiftool sees no comment, cleaning twice changes nothing, damaged headers are refused.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cleaned_name, contains, copy_in, fixture_dir, idempotent, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

const RASTER: &[&str] = &[
    "bmp-v5-gap.bmp",
    "pnm-comments.ppm",
    "pnm-comments.pgm",
    "pnm-comments.pbm",
    "pam-comments.pam",
];

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

/// The decoded pixels as ImageMagick reads them (RGBA, 8 bits).
fn pixels(path: &Path) -> Vec<u8> {
    let out = Command::new("convert")
        .arg(path)
        .args(["-depth", "8", "rgba:-"])
        .output()
        .unwrap();
    assert!(
        out.status.success() && !out.stdout.is_empty(),
        "{}: {}",
        path.display(),
        stderr_of(&out)
    );
    out.stdout
}

#[test]
fn raster_fixtures_lose_their_hidden_text_and_keep_their_pixels() {
    let dir = scratch();
    for name in RASTER {
        let input = copy_in(dir.path(), &media(name));
        let before = fs::read(&input).unwrap();
        assert!(contains(&before, PLANTED), "{name}");
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let cleaned = cleaned_name(&input);
        let after = fs::read(&cleaned).unwrap();
        assert!(!contains(&after, PLANTED), "{name}: planted value survives");
        assert_eq!(fs::read(&input).unwrap(), before, "{name}: original modified");
        if have("convert") {
            assert_eq!(pixels(&input), pixels(&cleaned), "{name}: pixels");
        }
        idempotent(&cleaned, &after, name);
    }
}

/// The raster bytes are moved, not re-encoded: a raw image's pixel data ends both files.
#[test]
fn raw_rasters_are_copied_byte_for_byte() {
    let dir = scratch();
    for (name, raster) in [
        ("pnm-comments.ppm", 64 * 48 * 3),
        ("pam-comments.pam", 64 * 48 * 3),
    ] {
        let input = copy_in(dir.path(), &media(name));
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let (a, b) = (fs::read(&input).unwrap(), fs::read(cleaned_name(&input)).unwrap());
        assert_eq!(a[a.len() - raster..], b[b.len() - raster..], "{name}");
        // Only the comments went: the header's values are where they were, in order.
        let header = |d: &[u8]| {
            String::from_utf8_lossy(&d[..d.len() - raster])
                .lines()
                .filter(|l| !l.starts_with('#'))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(header(&a), header(&b), "{name}");
    }
}

#[test]
fn show_lists_the_hidden_text() {
    for (name, want) in [
        (
            "bmp-v5-gap.bmp",
            "data between the headers and the pixels: PKSECRET-bmp-gap-text",
        ),
        ("pnm-comments.pgm", "comment: # PKSECRET-before-maxval"),
        ("pam-comments.pam", "comment: # PKSECRET-pam-comment-2"),
    ] {
        let out = privkit()
            .args(["mat-strip", "--show"])
            .arg(media(name))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        assert!(stdout_of(&out).contains(want), "{name}: {}", stdout_of(&out));
    }
}

/// exiftool shows Netpbm comments as File:Comment: none is left.
#[test]
fn exiftool_finds_no_comment_in_cleaned_netpbm() {
    if !have("exiftool") {
        eprintln!("exiftool not installed: skipped (CI installs it)");
        return;
    }
    let dir = scratch();
    for name in ["pnm-comments.ppm", "pnm-comments.pgm", "pnm-comments.pbm"] {
        let input = copy_in(dir.path(), &media(name));
        let before = Command::new("exiftool")
            .arg("-Comment")
            .arg(&input)
            .output()
            .unwrap();
        assert!(stdout_of(&before).contains("PKSECRET"), "{name}: fixture");
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let after = Command::new("exiftool")
            .arg("-Comment")
            .arg(cleaned_name(&input))
            .output()
            .unwrap();
        assert!(
            stdout_of(&after).trim().is_empty(),
            "{name}: {}",
            stdout_of(&after)
        );
    }
}

/// Clean bitmaps with nothing hidden are left alone (no output, exit 0), whatever their header.
#[test]
fn bitmaps_with_nothing_hidden_are_already_clean() {
    let dir = scratch();
    // A 2×2 24-bit BITMAPINFOHEADER bitmap and a 2×1 plain PGM, as minimal writers make them.
    let mut bmp = b"BM".to_vec();
    bmp.extend_from_slice(&(14u32 + 40 + 16).to_le_bytes());
    bmp.extend_from_slice(&[0; 4]);
    bmp.extend_from_slice(&54u32.to_le_bytes());
    bmp.extend_from_slice(&40u32.to_le_bytes());
    bmp.extend_from_slice(&2i32.to_le_bytes());
    bmp.extend_from_slice(&2i32.to_le_bytes());
    bmp.extend_from_slice(&1u16.to_le_bytes());
    bmp.extend_from_slice(&24u16.to_le_bytes());
    bmp.extend_from_slice(&[0; 24]);
    bmp.extend_from_slice(&[1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0]);
    for (name, data) in [
        ("plain.bmp", bmp),
        ("plain.pgm", b"P2\n2 1\n255\n0 255\n".to_vec()),
    ] {
        let input = dir.path().join(name);
        fs::write(&input, &data).unwrap();
        let out = privkit()
            .args(["mat-strip", "--check"])
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stdout_of(&out));
    }
}

/// Damaged headers are refused (65), with no output and the original untouched.
#[test]
fn damaged_raster_headers_are_refused() {
    let dir = scratch();
    let bmp = fs::read(media("bmp-v5-gap.bmp")).unwrap();
    let mut pixels_past_end = bmp.clone();
    pixels_past_end[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
    let mut huge = bmp.clone();
    huge[18..22].copy_from_slice(&i32::MAX.to_le_bytes());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated.bmp", bmp[..bmp.len() / 2].to_vec()),
        ("offset.bmp", pixels_past_end),
        ("huge.bmp", huge),
        ("maxval.ppm", b"P6\n2 2\n0\n............".to_vec()),
        ("short.ppm", b"P6\n2 2\n255\nabc".to_vec()),
        ("header.pgm", b"P5\n2 x 255\nab".to_vec()),
        ("nohdr.pam", b"P7\nWIDTH 1\nHEIGHT 1\n".to_vec()),
    ];
    for (name, data) in cases {
        let input = dir.path().join(name);
        fs::write(&input, &data).unwrap();
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out).lines().count(), 1, "{name}: {}", stderr_of(&out));
        assert!(!cleaned_name(&input).exists(), "{name}: output left");
        assert_eq!(fs::read(&input).unwrap(), data, "{name}: original modified");
    }
}
