//! mat-strip on the TIFF family of testdata/mat-strip/media (made by make-archive-fixtures.py):
//! a TIFF with a SubIFD, a DNG-like raw (preview in IFD0, CFA raw in a SubIFD) and BigTIFF in
//! both byte orders. Nothing planted survives, exiftool sees no identifying tag while the DNG
//! processing tags stay, every strip is byte for byte the input's, cleaning twice changes
//! nothing, and damaged structures (truncation, loops, absurd counts) are refused with 65.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{cleaned_name, contains, copy_in, fixture_dir, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

const TIFFS: &[&str] = &[
    "tiff-subifd.tif",
    "dng-like.dng",
    "bigtiff-le.tif",
    "bigtiff-be.tif",
];

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

/// Every strip of every directory (IFD0 and SubIFD), as exiftool locates them.
fn strips(path: &Path) -> Vec<Vec<u8>> {
    let out = Command::new("exiftool")
        .args(["-j", "-n", "-G1", "-a", "-StripOffsets", "-StripByteCounts"])
        .arg(path)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bytes = fs::read(path).unwrap();
    let nums = |v: &Value| -> Vec<usize> {
        v.to_string()
            .trim_matches('"')
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect()
    };
    let mut found = Vec::new();
    for dir in ["IFD0", "SubIFD"] {
        let (Some(o), Some(c)) = (
            json[0].get(format!("{dir}:StripOffsets")),
            json[0].get(format!("{dir}:StripByteCounts")),
        ) else {
            continue;
        };
        for (o, c) in nums(o).into_iter().zip(nums(c)) {
            found.push(bytes[o..o + c].to_vec());
        }
    }
    found
}

#[test]
fn tiff_family_fixtures_are_cleaned_with_identical_strips() {
    let dir = scratch();
    for name in TIFFS {
        let input = copy_in(dir.path(), &media(name));
        let before = fs::read(&input).unwrap();
        assert!(contains(&before, PLANTED), "{name}");
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let cleaned = cleaned_name(&input);
        let after = fs::read(&cleaned).unwrap();
        assert!(!contains(&after, PLANTED), "{name}: planted value survives");
        assert!(!contains(&after, b"2019:03:04"), "{name}: planted date survives");
        // The layout is the input's: BigTIFF stays BigTIFF, byte order unchanged.
        assert_eq!(before[..4], after[..4], "{name}");
        if have("exiftool") {
            let (a, b) = (strips(&input), strips(&cleaned));
            assert_eq!(a.len(), 2, "{name}: IFD0 and SubIFD strips");
            assert_eq!(a, b, "{name}: strip bytes");
        }
        if have("tiffinfo") {
            let info = Command::new("tiffinfo").arg(&cleaned).output().unwrap();
            assert!(stdout_of(&info).contains("SubIFD 0 of chain 0"), "{name}");
            assert!(!stderr_of(&info).contains("rror"), "{name}: {}", stderr_of(&info));
        }
        if have("convert") && !name.ends_with(".dng") {
            let px = |p: &Path| {
                Command::new("convert")
                    .arg(format!("{}[0]", p.display()))
                    .args(["-depth", "8", "rgba:-"])
                    .output()
                    .unwrap()
                    .stdout
            };
            assert!(!px(&input).is_empty());
            assert_eq!(px(&input), px(&cleaned), "{name}: pixels");
        }
        let check = privkit()
            .args(["mat-strip", "--check"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert_eq!(check.status.code(), Some(0), "{name}: {}", stdout_of(&check));
        let again = privkit()
            .args(["mat-strip", "-o", "-"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert_eq!(again.stdout, after, "{name}: cleaning twice changes the file");
    }
}

/// What exiftool sees: no identifying tag left; the DNG's processing tags kept.
#[test]
fn exiftool_finds_no_identifying_tag_and_the_dng_tags_stay() {
    if !have("exiftool") {
        eprintln!("exiftool not installed: skipped (CI installs it)");
        return;
    }
    let dir = scratch();
    for name in TIFFS {
        let input = copy_in(dir.path(), &media(name));
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let tags = Command::new("exiftool")
            .args(["-a", "-u", "-G1", "-s"])
            .arg(cleaned_name(&input))
            .output()
            .unwrap();
        // File-system times and exiftool's own lines are not the file's tags.
        let tags: String = stdout_of(&tags)
            .lines()
            .filter(|l| !l.starts_with("[System]") && !l.starts_with("[ExifTool]"))
            .map(|l| format!("{l}\n"))
            .collect();
        for gone in [
            "Make",
            "Model",
            "Software",
            "Artist",
            "Copyright",
            "ModifyDate",
            "ImageDescription",
            "XMP",
            "IPTC",
            "OwnerName",
            "SerialNumber",
            "GPS",
            "DNGPrivateData",
            "OriginalRawFileName",
            "DateTimeOriginal",
            "MakerNote",
        ] {
            // Tag names are the second word of a line (`[IFD0] Model : ...`); UniqueCameraModel
            // stays (it picks the colour profile).
            let left = tags
                .lines()
                .filter_map(|l| l.split_whitespace().nth(1))
                .any(|t| t.starts_with(gone) || (gone != "Model" && t.ends_with(gone)));
            assert!(!left, "{name}: {gone} left:\n{tags}");
        }
        if name.ends_with(".dng") {
            for kept in [
                "DNGVersion",
                "DNGBackwardVersion",
                "UniqueCameraModel",
                "ColorMatrix1",
                "AsShotNeutral",
                "CalibrationIlluminant1",
                "CFARepeatPatternDim",
                "CFAPattern2",
                "CFAPlaneColor",
                "CFALayout",
                "LinearizationTable",
                "BlackLevel",
                "WhiteLevel",
            ] {
                assert!(tags.contains(kept), "{name}: {kept} lost:\n{tags}");
            }
        }
    }
}

fn refused(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    let out = privkit().arg("mat-strip").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
    assert_eq!(stderr_of(&out).lines().count(), 1, "{name}: {}", stderr_of(&out));
    assert!(!cleaned_name(&path).exists(), "{name}: output left");
}

#[test]
fn damaged_tiff_family_files_are_refused() {
    let dir = scratch();
    for name in TIFFS {
        let bytes = fs::read(media(name)).unwrap();
        // Cut inside the header, the directories and the image data.
        for cut in [6, 12, bytes.len() / 2, bytes.len() - 1] {
            refused(dir.path(), &format!("cut-{cut}-{name}"), &bytes[..cut]);
        }
    }
    // A SubIFD pointing back at the page that holds it (a loop), in a classic TIFF.
    let cleaned = {
        let out = privkit()
            .args(["mat-strip", "-o", "-"])
            .arg(media("tiff-subifd.tif"))
            .output()
            .unwrap();
        out.stdout
    };
    let u16_at = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as usize;
    let ifd0 = u32::from_le_bytes(cleaned[4..8].try_into().unwrap()) as usize;
    let mut looped = cleaned.clone();
    let entries = u16_at(&looped, ifd0);
    let sub = (0..entries)
        .map(|i| ifd0 + 2 + 12 * i)
        .find(|&e| u16_at(&looped, e) == 330)
        .unwrap();
    looped[sub + 8..sub + 12].copy_from_slice(&(ifd0 as u32).to_le_bytes());
    refused(dir.path(), "loop.tif", &looped);
    // A BigTIFF directory claiming 2^62 entries.
    let mut absurd = fs::read(media("bigtiff-le.tif")).unwrap();
    let first = u64::from_le_bytes(absurd[8..16].try_into().unwrap()) as usize;
    absurd[first..first + 8].copy_from_slice(&(1u64 << 62).to_le_bytes());
    refused(dir.path(), "absurd.tif", &absurd);
}

#[test]
fn show_names_the_dng_tags_it_drops() {
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(media("dng-like.dng"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let shown = stdout_of(&out);
    for name in [
        "CameraSerialNumber",
        "DNGPrivateData",
        "OriginalRawFileName",
        "Make",
    ] {
        assert!(shown.contains(name), "{name}:\n{shown}");
    }
}

/// The first image of `input` and of `cleaned` (read by ImageMagick as `prefix`FILE, 64×48)
/// decode to the same RGB pixels (where ImageMagick is installed).
fn same_rgb(prefix: &str, input: &Path, cleaned: &Path) {
    if !have("convert") {
        return;
    }
    let px = |p: &Path| {
        Command::new("convert")
            .arg(format!("{prefix}{}[0]", p.display()))
            .args(["-depth", "8", "rgb:-"])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(px(input).len(), 64 * 48 * 3);
    assert_eq!(px(input), px(cleaned), "pixels");
}

/// A BigTIFF of one 64 MiB strip (a sparse file: no disk used for the zeros).
fn big_bigtiff(path: &Path) -> u64 {
    const SIDE: u64 = 8192;
    const STRIP_AT: u64 = 4096;
    let artist = b"PKSECRET-artist, who made the scan\0";
    let mut b = Vec::new();
    b.extend_from_slice(b"II+\0");
    b.extend_from_slice(&8u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(&16u64.to_le_bytes());
    // Tag, type, count, value (inline, or the offset of the artist text after the directory).
    let entries: [(u16, u16, u64, u64); 8] = [
        (256, 4, 1, SIDE),
        (257, 4, 1, SIDE),
        (258, 3, 1, 8),
        (259, 3, 1, 1),
        (262, 3, 1, 1),
        (273, 16, 1, STRIP_AT),
        (279, 16, 1, SIDE * SIDE),
        (315, 2, artist.len() as u64, 16 + 8 + 8 * 20 + 8),
    ];
    b.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    for (tag, typ, count, value) in entries {
        b.extend_from_slice(&tag.to_le_bytes());
        b.extend_from_slice(&typ.to_le_bytes());
        b.extend_from_slice(&count.to_le_bytes());
        b.extend_from_slice(&value.to_le_bytes());
    }
    b.extend_from_slice(&0u64.to_le_bytes());
    b.extend_from_slice(artist);
    let file = fs::File::create(path).unwrap();
    std::io::Write::write_all(&mut &file, &b).unwrap();
    file.set_len(STRIP_AT + SIDE * SIDE).unwrap();
    SIDE * SIDE
}

/// A TIFF is not read whole: its directories and their values are read by bounded reads and
/// the image data moved by range, so a 64 MiB BigTIFF is cleaned (and inspected) within a
/// 4 MiB memory budget (regression: the file was read whole, and refused).
#[test]
fn a_bigtiff_larger_than_the_budget_is_cleaned_by_ranges() {
    let dir = scratch();
    let input = dir.path().join("big.tif");
    let strip = big_bigtiff(&input);
    let out = privkit()
        .args(["mat-strip", "--show", "--max-memory", "4M"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("PKSECRET-artist"), "{}", stdout_of(&out));
    let out = privkit()
        .args(["mat-strip", "--max-memory", "4M"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = cleaned_name(&input);
    let len = fs::metadata(&cleaned).unwrap().len();
    assert!(len >= strip && len < strip + 4096, "{len}");
    let mut head = vec![0; 4096];
    std::io::Read::read_exact(&mut fs::File::open(&cleaned).unwrap(), &mut head).unwrap();
    assert!(!contains(&head, PLANTED));
    if have("tiffinfo") {
        let info = Command::new("tiffinfo").arg(&cleaned).output().unwrap();
        assert!(info.status.success(), "{}", stderr_of(&info));
        assert!(
            stdout_of(&info).contains("Image Width: 8192"),
            "{}",
            stdout_of(&info)
        );
    }
}

/// Old-style JPEG-in-TIFF (Compression 6): the tags around the JPEG stream are cleaned, the
/// stream moved byte for byte with the strip inside it pointing into it still (regression:
/// refused as unsupported); pixels equal; a stream that carries an APP1 or a comment, or
/// tables given by offset, is refused.
#[test]
fn old_style_jpeg_tiff_is_cleaned_around_its_stream() {
    let dir = scratch();
    let input = copy_in(dir.path(), &media("tiff-ojpeg.tif"));
    let before = fs::read(&input).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = cleaned_name(&input);
    let after = fs::read(&cleaned).unwrap();
    assert!(!contains(&after, PLANTED) && !contains(&after, b"2019:03:04"));
    // The JPEG stream, whole, in both.
    let jpeg_at = |b: &[u8]| b.windows(3).position(|w| w == [0xff, 0xd8, 0xff]).unwrap();
    let stream = &before[jpeg_at(&before)..];
    assert_eq!(&after[jpeg_at(&after)..jpeg_at(&after) + stream.len()], stream);
    if have("exiftool") {
        let tags = Command::new("exiftool")
            .args(["-s", "-s", "-s", "-n", "-StripOffsets", "-OtherImageStart"])
            .arg(&cleaned)
            .output()
            .unwrap();
        let v: Vec<usize> = stdout_of(&tags)
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect();
        let scan = stream.windows(2).position(|w| w == [0xff, 0xda]).unwrap();
        assert_eq!(v[1], jpeg_at(&after), "JPEGInterchangeFormat");
        assert!(
            v[0] > v[1] + scan && v[0] < v[1] + stream.len(),
            "strip inside the stream: {v:?}"
        );
    }
    same_rgb("", &input, &cleaned);
    let again = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(&cleaned)
        .output()
        .unwrap();
    assert_eq!(again.stdout, after, "cleaning twice changes the file");
    // A comment segment in the stream (it would be kept byte for byte): refused.
    let app0 = jpeg_at(&before) + 2;
    let mut with_com = before.clone();
    with_com[app0 + 1] = 0xfe;
    refused(dir.path(), "com.tif", &with_com);
    for cut in [before.len() - 10, jpeg_at(&before) + 4] {
        refused(dir.path(), &format!("cut-{cut}.tif"), &before[..cut]);
    }
}

/// A DNG whose preview (IFD0, NewSubFileType 1) is a JPEG strip carrying its own EXIF (artist,
/// model) and a comment: the strip goes through the JPEG cleaner, its length is patched, its
/// scan data stays byte for byte (regression: kept whole, with its EXIF); decoded pixels
/// equal; exiftool -validate finds nothing wrong; --show names what the preview carried.
#[test]
fn dng_jpeg_preview_is_cleaned_by_the_jpeg_cleaner() {
    let dir = scratch();
    let input = copy_in(dir.path(), &media("dng-jpeg-preview.dng"));
    let before = fs::read(&input).unwrap();
    let show = privkit()
        .args(["mat-strip", "--show"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        stdout_of(&show).contains("PKSECRET-preview-Model"),
        "{}",
        stdout_of(&show)
    );
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = cleaned_name(&input);
    let after = fs::read(&cleaned).unwrap();
    assert!(!contains(&after, PLANTED), "planted value survives");
    // The preview's scan data (from its SOS to its EOI), byte for byte.
    let scan = |b: &[u8]| {
        let sos = b.windows(2).position(|w| w == [0xff, 0xda]).unwrap();
        let eoi = sos + b[sos..].windows(2).position(|w| w == [0xff, 0xd9]).unwrap();
        b[sos..eoi + 2].to_vec()
    };
    assert_eq!(scan(&before), scan(&after));
    if have("exiftool") {
        let v = Command::new("exiftool")
            .args(["-validate", "-warning", "-error", "-a"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert!(
            stdout_of(&v).contains("Validate                        : OK"),
            "{}",
            stdout_of(&v)
        );
    }
    // tiff: so that ImageMagick reads it as a TIFF, not through a raw converter.
    same_rgb("tiff:", &input, &cleaned);
    if have("tiffinfo") {
        let info = Command::new("tiffinfo").arg(&cleaned).output().unwrap();
        assert!(stdout_of(&info).contains("SubIFD 0 of chain 0"));
        assert!(!stderr_of(&info).contains("rror"), "{}", stderr_of(&info));
    }
    let again = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(&cleaned)
        .output()
        .unwrap();
    assert_eq!(again.stdout, after, "cleaning twice changes the file");
    // A preview strip that is not a JPEG stream is refused.
    let mut broken = before.clone();
    let soi = before.windows(3).position(|w| w == [0xff, 0xd8, 0xff]).unwrap();
    broken[soi + 1] = 0;
    refused(dir.path(), "broken.dng", &broken);
    // A strip that is no JPEG and holds nothing a JPEG header would (ExifTool's sample DNG has a
    // 22-byte placeholder tile) is image data: moved as it is.
    let eoi = soi + before[soi..].windows(2).position(|w| w == [0xff, 0xd9]).unwrap();
    let mut placeholder = before.clone();
    placeholder[soi..eoi + 2].fill(0x11);
    let path = dir.path().join("placeholder.dng");
    std::fs::write(&path, &placeholder).unwrap();
    let out = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let strip = &placeholder[soi..eoi + 2];
    assert!(out.stdout.windows(strip.len()).any(|w| w == strip));
}
