//! Metadata inside the frames of Motion JPEG video (testdata/mat-strip/media/mjpeg-exif.*, made
//! by make-video-fixtures.py: every frame a JPEG carrying EXIF with GPS, XMP, IPTC and a
//! comment): --check finds it, --show lists it once per stream, cleaning wipes it in place (the
//! file keeps its length, the decoded video is identical, ffprobe reads it silently), exiftool
//! finds nothing identifying, cleaning is idempotent, and a frame whose segments run past its
//! end is refused.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use super::asf::silent;
use super::avi::{ffmpeg_hash, media};
use super::{cleaned_name, contains, copy_in, idempotent, refused, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

/// The fixtures whose containers read Motion JPEG frames.
const FIXTURES: &[&str] = &[
    "mjpeg-exif.avi",
    "mjpeg-exif.mov",
    "mjpeg-exif.mkv",
    "mjpeg-exif.wmv",
];

#[test]
fn frames_metadata_is_found_once_per_stream() {
    let dir = scratch();
    for name in FIXTURES {
        let input = copy_in(dir.path(), &media(name));
        let check = privkit()
            .args(["mat-strip", "--check"])
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(check.status.code(), Some(1), "{name}: {}", stdout_of(&check));
        let show = privkit()
            .args(["mat-strip", "--show"])
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(show.status.code(), Some(0), "{name}: {}", stderr_of(&show));
        let text = stdout_of(&show);
        assert!(text.contains("5 of 5 frames carry metadata"), "{name}: {text}");
        for planted in [
            "Make: PKSECRET-mjpeg-Make",
            "Artist: PKSECRET-mjpeg-Artist",
            "GPSLatitude: 48.8584",
            "Comment: PKSECRET-mjpeg-Comment",
            "dc:creator: PKSECRET-mjpeg-XMP",
            "By-line: PKSECRET-mjpeg-IPTC",
        ] {
            // Listed once, not once per frame.
            assert_eq!(text.matches(planted).count(), 1, "{name}: {planted}: {text}");
        }
    }
}

#[test]
fn frames_are_wiped_in_place_with_identical_pictures() {
    let dir = scratch();
    for name in FIXTURES {
        let input = copy_in(dir.path(), &media(name));
        let before = fs::read(&input).unwrap();
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let cleaned = cleaned_name(&input);
        let after = fs::read(&cleaned).unwrap();
        assert!(!contains(&after, PLANTED), "{name}: planted value survives");
        assert!(!contains(&after, b"2020:05:01"), "{name}: planted date survives");
        assert!(!contains(&after, b"Exif\0\0"), "{name}: EXIF identifier survives");
        // Wiped in place: every size and offset as it was.
        assert_eq!(after.len(), before.len(), "{name}");
        idempotent(&cleaned, &after, name);
        if have("ffmpeg") {
            // The frames' bytes changed (the stream hash), their pictures did not.
            assert_ne!(ffmpeg_hash(&input, false), ffmpeg_hash(&cleaned, false), "{name}");
            assert_eq!(ffmpeg_hash(&input, true), ffmpeg_hash(&cleaned, true), "{name}");
        }
        if have("ffprobe") {
            silent("ffprobe", &["-v", "error"], &cleaned, &[]);
        }
        if have("exiftool") {
            let report = Command::new("exiftool")
                .args(["-ee", "-a", "-u", "-G1", "-s"])
                .arg(&cleaned)
                .output()
                .unwrap();
            for line in stdout_of(&report).lines() {
                if line.starts_with("[System]") || line.contains("ExifToolVersion") {
                    continue;
                }
                for word in [
                    "PKSECRET", "GPS", "Make", "Model", "Artist", "Serial", "Comment", "Creator", "By-line",
                ] {
                    assert!(!line.contains(word), "{name}: {line}");
                }
            }
        }
    }
}

/// A frame whose APP1 segment says it runs past the frame's end: the frame's metadata cannot
/// be told from its picture, so the file is refused with one line.
#[test]
fn a_frame_whose_segment_runs_past_its_end_is_refused() {
    let dir = scratch();
    let mut cases = Vec::new();
    for name in FIXTURES {
        let mut bytes = fs::read(media(name)).unwrap();
        let exif = bytes.windows(6).position(|w| w == b"Exif\0\0").unwrap();
        bytes[exif - 2] = 0xff;
        bytes[exif - 1] = 0xf0;
        cases.push((*name, bytes, "segment at offset"));
    }
    refused(dir.path(), &cases);
    let dir = scratch();
    let mut cases = Vec::new();
    for name in FIXTURES {
        let mut bytes = fs::read(media(name)).unwrap();
        let soi = bytes.windows(4).position(|w| w == b"\xff\xd8\xff\xe0").unwrap();
        bytes[soi + 1] = 0;
        cases.push((*name, bytes, "no start-of-image marker"));
    }
    refused(dir.path(), &cases);
}

/// A video stream whose codec mat-strip does not know (here a damaged code) has its frames
/// that start as a JPEG read all the same: its EXIF does not survive.
#[test]
fn frames_of_an_unknown_codec_that_are_jpegs_are_wiped() {
    let dir = scratch();
    for (name, code, unknown) in [
        ("mjpeg-exif.avi", &b"MJPG"[..], &b"QQQQ"[..]),
        ("mjpeg-exif.mov", b"jpeg", b"QQQQ"),
        ("mjpeg-exif.mkv", b"V_MJPEG", b"V_QQQQQ"),
        ("mjpeg-exif.wmv", b"MJPG", b"QQQQ"),
    ] {
        let mut bytes = fs::read(media(name)).unwrap();
        // Every place the code is written (AVI: strh's handler and strf's compression).
        let mut at = 0;
        while let Some(i) = bytes[at..].windows(code.len()).position(|w| w == code) {
            bytes[at + i..at + i + code.len()].copy_from_slice(unknown);
            at += i + code.len();
        }
        let input = dir.path().join(format!("unknown-{name}"));
        fs::write(&input, &bytes).unwrap();
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let after = fs::read(cleaned_name(&input)).unwrap();
        assert!(!contains(&after, PLANTED), "{name}: planted value survives");
        assert_eq!(after.len(), bytes.len());
    }
}

/// ASF cuts frames into payloads of its data packets: the WMA a cover picture became a video
/// stream of (what ffmpeg, and so mat2, write) comes out without the photo's EXIF.
#[test]
fn a_wma_whose_cover_became_a_stream_loses_the_covers_exif() {
    if !have("ffmpeg") {
        eprintln!("ffmpeg not installed: skipped (CI installs it)");
        return;
    }
    let dir = scratch();
    let input = dir.path().join("mat2.wma");
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(media("asf-cover.wma"))
        .args(["-map", "0", "-c", "copy", "-map_metadata", "-1"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr_of(&made));
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = cleaned_name(&input);
    let after = fs::read(&cleaned).unwrap();
    // The photo's EXIF, XMP, IPTC, comment and the motion-photo video after its end.
    assert!(!contains(&after, PLANTED), "planted value survives");
    idempotent(&cleaned, &after, "mat2.wma");
    // The same pictures and sound: the photo's Orientation (which ffmpeg turns it by) is kept
    // in a minimal EXIF block.
    let decoded = |file: &PathBuf| {
        let out = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(file)
            .args(["-map", "0", "-f", "md5", "-"])
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            stderr_of(&out)
        );
        stdout_of(&out)
    };
    assert_eq!(decoded(&input), decoded(&cleaned));
    let without = dir.path().join("without.wma");
    let out = privkit()
        .args(["mat-strip", "--no-orientation", "-o"])
        .arg(&without)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!contains(&fs::read(&without).unwrap(), b"Exif\0\0"));
}
