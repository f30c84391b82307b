//! mat-strip on AVI (testdata/mat-strip/media/avi-info.avi, made by make-video-fixtures.py):
//! nothing planted survives, the file keeps its length and every offset (metadata is overwritten
//! in place), the streams are identical, ffprobe reads the output silently, cleaning is
//! idempotent, and damaged files are refused with no output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cleaned_name, contains, copy_in, fixture_dir, idempotent, refused, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

pub(super) fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

/// The README's `STREAMS` (stream copy) or `DECODED` (decoded frames) hash; ffmpeg silent.
pub(super) fn ffmpeg_hash(file: &Path, decoded: bool) -> String {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-v", "error", "-i"])
        .arg(file)
        .args(["-map", "0:V?", "-map", "0:a?"]);
    if decoded {
        cmd.args(["-f", "md5", "-"]);
    } else {
        cmd.args(["-c", "copy", "-f", "streamhash", "-"]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}: {}",
        file.display(),
        stderr_of(&out)
    );
    stdout_of(&out)
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

#[test]
fn avi_is_cleaned_in_place_with_identical_streams() {
    let dir = scratch();
    let input = copy_in(dir.path(), &media("avi-info.avi"));
    let before = fs::read(&input).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = cleaned_name(&input);
    let after = fs::read(&cleaned).unwrap();
    assert!(!contains(&after, PLANTED), "planted value survives");
    assert!(!contains(&after, b"2019"), "planted date survives");
    for gone in [&b"IDIT"[..], b"strd", b"_PMX", b"INFO"] {
        assert!(!contains(&after, gone), "{}", String::from_utf8_lossy(gone));
    }
    // Nothing moved: movi, idx1 and the OpenDML index are where they were, byte for byte.
    assert_eq!(after.len(), before.len());
    let movi = find(&before, b"movi");
    let pmx = before.len() - 474;
    assert_eq!(after[movi..pmx], before[movi..pmx], "movi and idx1");
    assert_eq!(&after[after.len() - 474..after.len() - 466], b"JUNK\xd2\x01\0\0");
    assert_eq!(fs::read(&input).unwrap(), before, "original modified");
    idempotent(&cleaned, &after, "avi-info.avi");
    if have("ffmpeg") {
        assert_eq!(ffmpeg_hash(&input, false), ffmpeg_hash(&cleaned, false));
        assert_eq!(ffmpeg_hash(&input, true), ffmpeg_hash(&cleaned, true));
    }
    if have("ffprobe") {
        let probe = Command::new("ffprobe")
            .args(["-v", "error"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert!(probe.stderr.is_empty(), "{}", stderr_of(&probe));
    }
    if have("exiftool") {
        let report = Command::new("exiftool")
            .args(["-a", "-u", "-G1", "-s"])
            .arg(&cleaned)
            .output()
            .unwrap();
        for line in String::from_utf8_lossy(&report.stdout).lines() {
            let group = line.trim_start_matches('[').split(']').next().unwrap_or("");
            assert!(
                ["RIFF", "Composite", "System", "File", "ExifTool"].contains(&group),
                "{line}"
            );
            for word in [
                "Artist",
                "Comment",
                "Date",
                "Make",
                "Model",
                "Creator",
                "Copyright",
                "Title",
            ] {
                assert!(
                    group == "System" || group == "File" || !line.contains(word),
                    "{line}"
                );
            }
        }
    }
}

#[test]
fn show_names_what_avi_carries() {
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(media("avi-info.avi"))
        .output()
        .unwrap();
    let text = stdout_of(&out);
    for want in [
        "IART: PKSECRET-avi-Artist",
        "ICRD: 2019-03-04",
        "IDIT: MON MAR 04 05:06:07 2019",
        "strd: vendor data: AVIF, PKSECRET-strd-Make, PKSECRET-strd-Model",
        "XMP",
        "JUNK: free space with 21 non-zero bytes",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

/// Damaged AVI files: 65, one line, no output, the original untouched.
#[test]
fn damaged_avi_is_refused() {
    let dir = scratch();
    let avi = fs::read(media("avi-info.avi")).unwrap();
    let mut long_list = avi.clone();
    let info = find(&avi, b"INFO") - 8;
    long_list[info + 4..info + 8].copy_from_slice(&0x7fff_0000u32.to_le_bytes());
    let mut unknown = avi.clone();
    let idit = find(&avi, b"IDIT");
    unknown[idit..idit + 4].copy_from_slice(b"zzzz");
    let mut no_movi = avi.clone();
    let movi = find(&avi, b"movi");
    no_movi[movi..movi + 4].copy_from_slice(b"mova");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        // Cut inside hdrl, which is walked (a cut inside movi is cleaned: mat_strip::truncated).
        ("cut.avi", avi[..200].to_vec(), "truncated AVI: 'LIST' chunk"),
        ("list.avi", long_list, "truncated AVI: 'LIST' chunk"),
        ("unknown.avi", unknown, "chunk 'zzzz' is of an unknown kind"),
        ("movi.avi", no_movi, "list 'mova' is of an unknown kind"),
    ];
    refused(dir.path(), &cases);
}
