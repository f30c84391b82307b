//! mat-strip on audio (testdata/mat-strip/media, made by make-audio-fixtures.py): nothing
//! planted survives, exiftool finds nothing identifying, the decoded audio and the coded packets
//! are identical, ffprobe reads the output silently, cleaning twice changes nothing, and
//! damaged files are refused with no output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cleaned_name, contains, copy_in, fixture_dir, PLANTED};
use crate::common::{entries, have, privkit, scratch, stderr_of, stdout_of};

/// The audio fixtures this branch cleans.
const AUDIO: &[&str] = &["wav-bwf.wav", "aiff-tagged.aiff", "flac-tagged.flac"];

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

/// ffmpeg's hash of the decoded samples (`DECODED`) or of the coded packets (`STREAMS`).
fn ffmpeg_hash(path: &Path, decoded: bool) -> String {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-v", "error", "-i"]).arg(path).args(["-map", "0:a"]);
    if decoded {
        cmd.args(["-f", "md5", "-"]);
    } else {
        cmd.args(["-c", "copy", "-f", "streamhash", "-"]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}: {}",
        path.display(),
        stderr_of(&out)
    );
    stdout_of(&out)
}

#[test]
fn audio_fixtures_are_cleaned_with_identical_audio() {
    let dir = scratch();
    for name in AUDIO {
        let input = copy_in(dir.path(), &media(name));
        let before = fs::read(&input).unwrap();
        assert!(contains(&before, PLANTED), "{name}");
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let cleaned = cleaned_name(&input);
        let after = fs::read(&cleaned).unwrap();
        assert!(!contains(&after, PLANTED), "{name}: planted value survives");
        assert!(!contains(&after, b"2019"), "{name}: planted date survives");
        assert_eq!(fs::read(&input).unwrap(), before, "{name}: original modified");
        // Idempotent: the output is clean, and cleaning it writes nothing new.
        let again = privkit()
            .args(["mat-strip", "--check"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(0), "{name}: {}", stdout_of(&again));
        let again = privkit()
            .args(["mat-strip", "-o", "-"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert_eq!(again.stdout, after, "{name}: cleaning twice changes the file");
        if have("ffmpeg") {
            assert_eq!(
                ffmpeg_hash(&input, true),
                ffmpeg_hash(&cleaned, true),
                "{name}: samples"
            );
            assert_eq!(
                ffmpeg_hash(&input, false),
                ffmpeg_hash(&cleaned, false),
                "{name}: packets"
            );
        }
        if have("ffprobe") {
            let probe = Command::new("ffprobe")
                .args(["-v", "error"])
                .arg(&cleaned)
                .output()
                .unwrap();
            assert!(
                probe.status.success() && probe.stderr.is_empty(),
                "{name}: {}",
                stderr_of(&probe)
            );
        }
    }
}

#[test]
fn show_names_what_audio_carries() {
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(media("wav-bwf.wav"))
        .output()
        .unwrap();
    let text = stdout_of(&out);
    for want in [
        "Originator: PKSECRET-bext-Originator",
        "IART: PKSECRET-INFO-Artist",
        "TXXX: location: PKSECRET-wav-id3-location",
        "iXML",
        "axml",
        "XMP",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(media("aiff-tagged.aiff"))
        .output()
        .unwrap();
    let text = stdout_of(&out);
    for want in [
        "AUTH: PKSECRET-AUTH",
        "ANNO: PKSECRET-ANNO-annotation",
        "COMT",
        "APPL",
        "TPE1",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

/// exiftool finds no tag beyond the audio's structure in any output.
#[test]
fn exiftool_finds_nothing_in_cleaned_audio() {
    if !have("exiftool") {
        eprintln!("exiftool not installed: skipped (CI installs it)");
        return;
    }
    let dir = scratch();
    let structural = ["File", "RIFF", "AIFF", "FLAC", "Composite", "System", "ExifTool"];
    for name in AUDIO {
        let input = copy_in(dir.path(), &media(name));
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let report = Command::new("exiftool")
            .args(["-a", "-u", "-G1", "-s"])
            .arg(cleaned_name(&input))
            .output()
            .unwrap();
        for line in String::from_utf8_lossy(&report.stdout).lines() {
            let group = line.trim_start_matches('[').split(']').next().unwrap_or("");
            assert!(structural.contains(&group), "{name}: {line}");
            if matches!(group, "System" | "File" | "ExifTool") {
                // The file system's own dates and names, and exiftool's version.
                continue;
            }
            for word in [
                "Artist",
                "Title",
                "Comment",
                "Date",
                "Originator",
                "Author",
                "Software",
            ] {
                assert!(!line.contains(word), "{name}: {line}");
            }
        }
    }
}

/// Truncated and damaged audio: 65, one line, no output, the original untouched.
#[test]
fn damaged_audio_is_refused() {
    let dir = scratch();
    let wav = fs::read(media("wav-bwf.wav")).unwrap();
    let aiff = fs::read(media("aiff-tagged.aiff")).unwrap();
    let data = wav.windows(4).position(|w| w == b"data").unwrap();
    let mut huge_chunk = wav.clone();
    huge_chunk[data + 4..data + 8].copy_from_slice(&0x7fff_0000u32.to_le_bytes());
    let mut odd = aiff.clone();
    // The last chunk (ID3, 91 bytes: odd) without its pad byte, the FORM size made to match.
    odd.pop();
    let form = (odd.len() - 8) as u32;
    odd[4..8].copy_from_slice(&form.to_be_bytes());
    let mut unknown = wav.clone();
    let ixml = unknown.windows(4).position(|w| w == b"iXML").unwrap();
    unknown[ixml..ixml + 4].copy_from_slice(b"zzzz");
    let mut bad_id3 = wav.clone();
    let id3 = bad_id3.windows(4).position(|w| w == b"id3 ").unwrap();
    bad_id3[id3 + 8 + 9] = 0x7f; // the tag says it is longer than its chunk
    let flac = fs::read(media("flac-tagged.flac")).unwrap();
    let marker = flac.windows(4).position(|w| w == b"fLaC").unwrap();
    let mut long_block = flac.clone();
    long_block[marker + 5..marker + 8].copy_from_slice(&[0xff, 0xff, 0xff]);
    let mut long_id3 = flac.clone();
    long_id3[6..10].copy_from_slice(&[0x7f, 0x7f, 0x7f, 0x7f]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("block.flac", long_block, "truncated FLAC: metadata block 0"),
        // Until MP3 is cleaned, an ID3 tag whose end cannot be seen in the head is named by the
        // magic table.
        ("id3.flac", long_id3, "unsupported format (looks like MP3)"),
        ("cut.flac", flac[..marker + 200].to_vec(), "truncated FLAC"),
        (
            "cut.wav",
            wav[..wav.len() / 2].to_vec(),
            "truncated WAV: RIFF container",
        ),
        ("chunk.wav", huge_chunk, "truncated WAV: 'data' chunk"),
        (
            "pad.aiff",
            odd,
            "pad byte after the odd-sized 'ID3 ' chunk is missing",
        ),
        ("cut.aiff", aiff[..5000].to_vec(), "truncated AIFF"),
        ("unknown.wav", unknown, "chunk 'zzzz' is of an unknown kind"),
        ("id3.wav", bad_id3, "corrupt ID3v2 tag"),
    ];
    for (name, bytes, message) in &cases {
        let input = dir.path().join(name);
        fs::write(&input, bytes).unwrap();
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
        assert_eq!(&fs::read(&input).unwrap(), bytes, "{name}: input changed");
    }
    assert_eq!(entries(dir.path()).len(), cases.len(), "an output was left");
    // Kept with --unknown keep, the chunk is a finding: --check never calls the file clean over
    // something it did not check.
    let out = privkit()
        .args(["mat-strip", "--check", "--unknown", "keep"])
        .arg(dir.path().join("unknown.wav"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
}
