//! mat-strip on Matroska/WebM and AVI (testdata/mat-strip/media, made by make-video-fixtures.py):
//! nothing planted survives, the streams are identical, the output decodes cleanly, cleaning is
//! idempotent, and damaged files are refused.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cleaned_name, contains, copy_in, fixture_dir, PLANTED};
use crate::common::{entries, have, privkit, scratch, stderr_of, stdout_of};

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

const MATROSKA: &[&str] = &["mkv-tagged.mkv", "webm-tagged.webm"];

/// Runs a checker; its standard output, and its standard error (which must be empty for
/// `-v error` runs).
fn tool(cmd: &str, args: &[&str], file: &Path) -> (Vec<u8>, String) {
    let out = Command::new(cmd)
        .args(
            args.iter()
                .map(|a| if *a == "X" { file.as_os_str() } else { a.as_ref() }),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?} {}: {}",
        file.display(),
        stderr_of(&out)
    );
    let err = stderr_of(&out);
    (out.stdout, err)
}

/// The README's `STREAMS` and `DECODED` values: stream copies and decoded frames.
fn streams(file: &Path) -> (Vec<u8>, Vec<u8>) {
    let (copy, err) = tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-i",
            "X",
            "-map",
            "0:V?",
            "-map",
            "0:a?",
            "-c",
            "copy",
            "-f",
            "streamhash",
            "-",
        ],
        file,
    );
    assert_eq!(err, "", "{}", file.display());
    let (decoded, err) = tool(
        "ffmpeg",
        &[
            "-v", "error", "-i", "X", "-map", "0:V?", "-map", "0:a?", "-f", "md5", "-",
        ],
        file,
    );
    assert_eq!(err, "", "{}", file.display());
    (copy, decoded)
}

fn clean(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let input = copy_in(dir, &media(name));
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
    let cleaned = cleaned_name(&input);
    (input, cleaned)
}

/// A variable-length integer at `at`: (value with the marker kept for IDs or removed for sizes,
/// length).
fn vint(b: &[u8], at: usize, keep_marker: bool) -> (u64, usize) {
    let len = b[at].leading_zeros() as usize + 1;
    let mut v = if keep_marker {
        b[at] as u64
    } else {
        (b[at] as u64) & (0xff >> len)
    };
    for x in &b[at + 1..at + len] {
        v = (v << 8) | *x as u64;
    }
    (v, len)
}

/// The position of the first level-1 element `id` (inside the Segment) of a Matroska file
/// whose elements all have known sizes.
pub(super) fn find(b: &[u8], id: u64) -> usize {
    let (_, il) = vint(b, 0, true);
    let (size, sl) = vint(b, il, false);
    let segment = il + sl + size as usize;
    let (_, il) = vint(b, segment, true);
    let (_, sl) = vint(b, segment + il, false);
    let mut at = segment + il + sl;
    while at < b.len() {
        let (el, il) = vint(b, at, true);
        if el == id {
            return at;
        }
        let (size, sl) = vint(b, at + il, false);
        at += il + sl + size as usize;
    }
    panic!("no element {id:X}")
}

pub(super) const INFO: u64 = 0x1549_A966;
pub(super) const CLUSTER: u64 = 0x1F43_B675;
pub(super) const CUES: u64 = 0x1C53_BB6B;
pub(super) const TAGS: u64 = 0x1254_C367;

#[test]
fn matroska_is_cleaned_with_identical_streams() {
    let dir = scratch();
    for name in MATROSKA {
        let (input, cleaned) = clean(dir.path(), name);
        let (before, after) = (fs::read(&input).unwrap(), fs::read(&cleaned).unwrap());
        assert!(contains(&before, PLANTED));
        assert!(!contains(&after, PLANTED), "{name}: planted value survives");
        assert!(!contains(&after, b"2019-03-04"), "{name}: a date survives");
        // In place: the same length, so every SeekHead, Cues and cluster position holds.
        assert_eq!(before.len(), after.len(), "{name}");
        let (cluster, cues) = (find(&before, CLUSTER), find(&before, CUES));
        assert!(cluster < cues);
        assert_eq!(
            before[cluster..cues],
            after[cluster..cues],
            "{name}: clusters changed"
        );
        assert!(
            contains(&after, b"privkit"),
            "{name}: MuxingApp/WritingApp (mandatory) missing"
        );
        if name.ends_with(".mkv") {
            assert!(
                contains(&after, b"Opening"),
                "{name}: the chapter name (content) was removed"
            );
        }

        // Idempotent: the output is clean and left as it was.
        let again = privkit()
            .args(["mat-strip", "--check"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(0), "{name}: {}", stdout_of(&again));
        let copy = dir.path().join(format!("again-{name}"));
        let out = privkit()
            .args(["mat-strip", "-o"])
            .arg(&copy)
            .arg(&cleaned)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        assert_eq!(
            fs::read(&copy).unwrap(),
            after,
            "{name}: cleaning again changed it"
        );

        if have("ffmpeg") && have("ffprobe") {
            assert_eq!(streams(&input), streams(&cleaned), "{name}: streams differ");
            assert_eq!(tool("ffprobe", &["-v", "error", "X"], &cleaned).1, "", "{name}");
            let (_, err) = tool(
                "ffmpeg",
                &["-v", "error", "-i", "X", "-map", "0", "-f", "null", "-"],
                &cleaned,
            );
            assert_eq!(err, "", "{name}");
        } else {
            eprintln!("ffmpeg not installed: streams not compared (CI installs it)");
        }
        if have("mkvinfo") {
            tool("mkvinfo", &["X"], &cleaned);
        }
    }
}

#[test]
fn exiftool_finds_nothing_identifying_in_matroska_outputs() {
    if !have("exiftool") {
        eprintln!("exiftool not installed: skipped (CI installs it)");
        return;
    }
    let dir = scratch();
    for name in MATROSKA {
        let (_, cleaned) = clean(dir.path(), name);
        let (report, _) = tool("exiftool", &["-a", "-u", "-G1", "-s", "X"], &cleaned);
        let report = String::from_utf8_lossy(&report);
        for line in report.lines() {
            let Some((group, rest)) = line.strip_prefix('[').and_then(|l| l.split_once(']')) else {
                continue;
            };
            let (tag, value) = rest
                .split_once(':')
                .map_or((rest.trim(), ""), |(t, v)| (t.trim(), v.trim()));
            if matches!(group, "System" | "ExifTool" | "File") {
                continue;
            }
            assert!(
                ![
                    "Title",
                    "Date",
                    "Artist",
                    "Comment",
                    "Encoder",
                    "Location",
                    "Attach",
                    "Name",
                    "Description"
                ]
                .iter()
                .any(|p| tag.contains(p)),
                "{name}: {line}"
            );
            if tag.ends_with("App") {
                assert_eq!(value, "privkit", "{name}: {line}");
            }
        }
        assert!(
            report.contains("ChapterString") == name.ends_with(".mkv"),
            "{report}"
        );
    }
}

#[test]
fn matroska_show_lists_readable_values() {
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(media("mkv-tagged.mkv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    for want in [
        "Title: PKSECRET-mkv-Title",
        "DateUTC: 2019-03-04T05:06:07Z",
        "MuxingApp: PKSECRET-MuxingApp",
        "RECORDING_LOCATION: +48.8583+002.2944/",
        "cover.jpg (image/jpeg, 6271 bytes): PKSECRET-attachment-Description",
        "Name: PKSECRET-video-TrackName",
    ] {
        assert!(text.contains(want), "{want} missing: {text}");
    }
    let list = privkit().args(["mat-strip", "--list-formats"]).output().unwrap();
    assert!(stdout_of(&list).lines().any(|l| l.starts_with("Matroska")));
}

/// Writes `bytes` as NAME, cleans it, and checks the refusal: 65, one line containing
/// `message`, no output, input untouched.
fn refused(dir: &Path, name: &str, bytes: &[u8], message: &str) {
    let input = dir.join(name);
    fs::write(&input, bytes).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(65), "{name}: {err}");
    assert_eq!(err.lines().count(), 1, "{name}: {err}");
    assert!(err.contains(message), "{name}: {err}");
    assert_eq!(fs::read(&input).unwrap(), bytes, "{name}");
    assert!(!cleaned_name(&input).exists(), "{name}: output left");
    fs::remove_file(&input).unwrap();
}

#[test]
fn damaged_matroska_is_refused() {
    let dir = scratch();
    let mkv = fs::read(media("mkv-tagged.mkv")).unwrap();
    let (info, cluster, tags) = (find(&mkv, INFO), find(&mkv, CLUSTER), find(&mkv, TAGS));
    // Cut in the header, in Info, in Tags: a size larger than what is left (a cut inside a
    // cluster is cleaned: mat_strip::truncated).
    for cut in [20, info + 10, tags + 20, mkv.len() - 1] {
        refused(dir.path(), "cut.mkv", &mkv[..cut], "truncated Matroska");
    }
    // A size larger than the file inside a Segment that is whole: the cluster's.
    let mut big = mkv.clone();
    big[cluster + 4..cluster + 12].copy_from_slice(&[0x01, 0, 0, 0, 0x10, 0, 0, 0]);
    refused(dir.path(), "big.mkv", &big, "truncated Matroska");
    // Tags of unknown size (only Segment and Cluster may have one).
    let mut unknown = mkv.clone();
    let size_len = (unknown[tags + 4].leading_zeros() + 1) as usize;
    unknown[tags + 4] = 0xff >> (size_len - 1);
    for b in &mut unknown[tags + 5..tags + 4 + size_len] {
        *b = 0xff;
    }
    refused(dir.path(), "unknown.mkv", &unknown, "unknown size");
    // An element no Matroska reader knows at the top level (could hold anything).
    let mut odd = mkv.clone();
    odd[tags..tags + 4].copy_from_slice(b"\x1a\x11\x22\x33");
    refused(
        dir.path(),
        "odd.mkv",
        &odd,
        "unknown top-level element 0x1A112233",
    );
    // Appended data after the Segment.
    let mut tail = mkv.clone();
    tail.extend_from_slice(b"PKSECRET appended");
    refused(dir.path(), "tail.mkv", &tail, "after the Segment");
    // Another EBML document type.
    let mut other = mkv.clone();
    let doc = other.windows(8).position(|w| w == b"matroska").unwrap();
    other[doc..doc + 8].copy_from_slice(b"notmkv!!");
    refused(dir.path(), "other.mkv", &other, "unsupported EBML document type");
    assert!(entries(dir.path()).is_empty());
}

/// The hex of a Matroska SegmentUUID as --show lists it, from `mkvinfo`'s "0xa1 0x4a ..." line.
fn segment_uuid(file: &Path) -> Option<(Vec<u8>, String)> {
    let (out, _) = tool("mkvinfo", &["X"], file);
    let line = String::from_utf8_lossy(&out)
        .lines()
        .find(|l| l.contains("Segment UID:"))?
        .to_string();
    let bytes: Vec<u8> = line
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("0x"))
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect();
    let hex = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some((bytes, hex))
}

/// What --show lists for `file`, and the file cleaned.
fn show_and_clean(file: &Path) -> (String, Vec<u8>) {
    let show = privkit()
        .args(["mat-strip", "--show"])
        .arg(file)
        .output()
        .unwrap();
    let out = privkit().arg("mat-strip").arg(file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    (stdout_of(&show), fs::read(cleaned_name(file)).unwrap())
}

/// mkvmerge writes a random SegmentUUID, which would link a cleaned copy to its original: it
/// goes (listed by --show) with the segment's file names, unless the segment is linked to
/// another (PrevUUID): then it is kept, and listed as kept.
#[test]
fn matroska_segment_uuid_and_file_names_are_removed_unless_linked() {
    if !have("mkvmerge") || !have("mkvpropedit") || !have("mkvinfo") {
        return;
    }
    let dir = scratch();
    let plain = dir.path().join("plain.mkv");
    let linked = dir.path().join("linked.mkv");
    let src = media("mkv-tagged.mkv");
    for (out, extra) in [
        (&plain, vec![]),
        (
            &linked,
            vec!["--link-to-previous", "0x0102030405060708090a0b0c0d0e0f10"],
        ),
    ] {
        let st = Command::new("mkvmerge")
            .args(["-q", "-o"])
            .arg(out)
            .args(extra)
            .arg(&src)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let st = Command::new("mkvpropedit")
        .arg("-q")
        .arg(&plain)
        .args(["--edit", "info", "--set", "segment-filename=PKSECRET-segment.mkv"])
        .args(["--set", "prev-filename=PKSECRET-prev.mkv"])
        .args(["--set", "next-filename=PKSECRET-next.mkv"])
        .status()
        .unwrap();
    assert!(st.success());

    let (uuid, hex) = segment_uuid(&plain).expect("mkvmerge writes a SegmentUUID");
    let (text, bytes) = show_and_clean(&plain);
    for want in [
        format!("SegmentUUID: {hex}"),
        "SegmentFilename: PKSECRET-segment.mkv".into(),
        "PrevFilename: PKSECRET-prev.mkv".into(),
        "NextFilename: PKSECRET-next.mkv".into(),
    ] {
        assert!(text.contains(&want), "{want} missing: {text}");
    }
    let cleaned = cleaned_name(&plain);
    assert!(!contains(&bytes, &uuid), "the SegmentUUID is left");
    assert!(!contains(&bytes, PLANTED), "a planted value is left");
    assert_eq!(
        bytes.len() as u64,
        fs::metadata(&plain).unwrap().len(),
        "cleaned in place"
    );
    assert_eq!(segment_uuid(&cleaned), None);
    assert_eq!(streams(&plain), streams(&cleaned));

    let (uuid, hex) = segment_uuid(&linked).unwrap();
    let (text, bytes) = show_and_clean(&linked);
    assert!(
        text.lines()
            .any(|l| l.contains("kept") && l.contains(&format!("SegmentUUID: {hex}"))),
        "{text}"
    );
    assert!(contains(&bytes, &uuid), "a linked segment keeps its SegmentUUID");
    assert_eq!(segment_uuid(&cleaned_name(&linked)).unwrap().1, hex);
}
