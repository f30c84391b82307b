//! mat-strip on ASF (testdata/mat-strip/media/asf-tagged.wmv and asf-cover.wma, made by
//! make-video-fixtures.py): nothing planted survives (raw bytes and UTF-16), ExifTool finds only
//! the structure, the streams are identical, the Data Object's packets are copied byte for
//! byte (a WM/Picture cover shows in ffmpeg as an attached picture, which `ffmpeg_hash` leaves
//! out, as it goes), ffprobe reads the output silently, cleaning is idempotent, markers (content) stay, and
//! damaged files are refused with no output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::avi::ffmpeg_hash;
use super::{cleaned_name, contains, copy_in, fixture_dir, idempotent, refused, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

const FIXTURES: &[&str] = &["asf-tagged.wmv", "asf-cover.wma"];

/// The Header and Data Object GUIDs as stored.
const HEADER: &[u8] = b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c";
const DATA: &[u8] = b"\x36\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c";

/// ASF tags ExifTool may still show: the structure a player needs.
const STRUCTURE: &[&str] = &[
    "FileID",
    "FileLength",
    "CreationDate",
    "DataPackets",
    "Duration",
    "SendDuration",
    "Preroll",
    "Flags",
    "MinPacketSize",
    "MaxPacketSize",
    "MaxBitrate",
    "AspectRatioX",
    "AspectRatioY",
    "StreamType",
    "ErrorCorrectionType",
    "TimeOffset",
    "StreamNumber",
    "ImageWidth",
    "ImageHeight",
    "AudioCodecID",
    "AudioChannels",
    "AudioSampleRate",
    "VideoCodecName",
    "VideoCodecDescription",
    "AudioCodecName",
    "AudioCodecDescription",
];

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// The Data Object's packets (after its 50-byte header).
fn packets(file: &[u8]) -> &[u8] {
    let at = le64(file, 16) as usize;
    assert_eq!(&file[at..at + 16], DATA);
    &file[at + 50..at + le64(file, at + 16) as usize]
}

/// `TOOL ARGS FILE AFTER` writes nothing to stderr.
pub(super) fn silent(tool: &str, args: &[&str], file: &Path, after: &[&str]) {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .args(after)
        .output()
        .unwrap();
    assert!(out.stderr.is_empty(), "{tool}: {}", stderr_of(&out));
}

#[test]
fn asf_is_cleaned_with_identical_streams() {
    for name in FIXTURES {
        let dir = scratch();
        let input = copy_in(dir.path(), &media(name));
        let before = fs::read(&input).unwrap();
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let cleaned = cleaned_name(&input);
        let after = fs::read(&cleaned).unwrap();
        assert!(!contains(&after, PLANTED), "{name}: planted value survives");
        assert!(
            !contains(&after, &utf16("PKSECRET")),
            "{name}: planted UTF-16 value survives"
        );
        assert!(!contains(&after, &utf16("2019")), "{name}: planted year survives");
        // 2020-05-01 as a FILETIME (creation date, WM/EncodingTime).
        let created = (1_588_291_200u64 + 11_644_473_600) * 10_000_000;
        assert!(
            !contains(&after, &created.to_le_bytes()),
            "{name}: planted date survives"
        );
        // The File ID (a time-based GUID) is gone from all three places.
        assert!(
            !contains(&after, b"\x02\x42\xac\x13\x00\x03"),
            "{name}: File ID survives"
        );
        assert_eq!(packets(&after), packets(&before), "{name}: packets");
        assert_eq!(le64(&after, 30 + 40), after.len() as u64, "{name}: File Size");
        assert!(after.len() < before.len());
        if name.ends_with(".wmv") {
            for kept in ["KEPT-marker-Opening", "KEPT-marker-End"] {
                assert!(contains(&after, &utf16(kept)), "{name}: {kept}");
            }
            // The Simple Index stays after the Data Object, byte for byte but its File ID.
            let (a, b) = (before.len() - 92, after.len() - 92);
            assert_eq!(before[a..a + 24], after[b..b + 24]);
            assert_eq!(after[b + 24..b + 40], [0; 16]);
            assert_eq!(before[a + 40..], after[b + 40..]);
        }
        assert_eq!(fs::read(&input).unwrap(), before, "original modified");
        idempotent(&cleaned, &after, name);
        if have("ffmpeg") {
            assert_eq!(ffmpeg_hash(&input, false), ffmpeg_hash(&cleaned, false), "{name}");
            assert_eq!(ffmpeg_hash(&input, true), ffmpeg_hash(&cleaned, true), "{name}");
            silent(
                "ffmpeg",
                &["-v", "error", "-i"],
                &cleaned,
                &["-map", "0", "-f", "null", "-"],
            );
        }
        if have("ffprobe") {
            silent("ffprobe", &["-v", "error"], &cleaned, &[]);
        }
        if have("exiftool") {
            let report = Command::new("exiftool")
                .args(["-a", "-u", "-G1", "-s"])
                .arg(&cleaned)
                .output()
                .unwrap();
            for line in String::from_utf8_lossy(&report.stdout).lines() {
                let group = line.trim_start_matches('[').split(']').next().unwrap_or("");
                if group != "ASF" {
                    assert!(
                        ["Composite", "System", "File", "ExifTool"].contains(&group),
                        "{line}"
                    );
                    continue;
                }
                let (tag, value) = line[5..].split_once(':').unwrap();
                let (tag, value) = (tag.trim(), value.trim());
                assert!(STRUCTURE.contains(&tag), "{name}: {line}");
                if tag == "FileID" {
                    assert_eq!(value, "00000000-0000-0000-0000-000000000000");
                }
                if tag == "CreationDate" {
                    assert!(
                        value.starts_with("1601:01:01") || value.starts_with("0000"),
                        "{line}"
                    );
                }
            }
        }
    }
}

#[test]
fn show_names_what_asf_carries() {
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(media("asf-tagged.wmv"))
        .arg(media("asf-cover.wma"))
        .output()
        .unwrap();
    let text = stdout_of(&out);
    for want in [
        "Title: PKSECRET-asf-Title",
        "Author: PKSECRET-asf-Author",
        "Copyright: PKSECRET-asf-Copyright",
        "Description: PKSECRET-asf-Description",
        "WM/EncodingSettings: PKSECRET-asf-EncodingSettings",
        "WM/EncodingTime: 2020-05-01T00:00:00Z",
        "Creation Date: 2020-05-01T00:00:00Z",
        "File ID: 5EC1E0A0-6B81-11EA-8D77-0242AC130003 (time-based",
        "WM/Writer: PKSECRET-asf-library-Writer",
        "WM/Picture: cover: 64×48 JPEG with EXIF, \"PKSECRET-asf-library-picture\"",
        "WM/Producer: PKSECRET-asf-metadata-Producer",
        "Banner Image: 64×48 JPEG with EXIF",
        "Banner Image URL: http://PKSECRET-banner.example",
        "Copyright URL: http://PKSECRET-copyright.example",
        "Padding: free space with 20 non-zero bytes; text: PKSECRET-asf-padding",
        "kept ASF                Marker: KEPT-marker-Opening",
        "ASF stream 1       Stream Name: PKSECRET-asf-stream-name",
        "WM/AlbumArtist: PKSECRET-asf-AlbumArtist",
        "WM/Year: 2019",
        "WM/UniqueFileIdentifier: AMGa_id=PKSECRET-asf-ufid",
        "WM/Picture: cover: 64×48 JPEG with EXIF, \"PKSECRET-asf-cover\"",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    // Categories: the encoder is the device, the album artist a person.
    let json = privkit()
        .args(["mat-strip", "--show", "--json"])
        .arg(media("asf-cover.wma"))
        .output()
        .unwrap();
    let json = stdout_of(&json);
    assert!(json.contains("\"category\":\"identity\""), "{json}");
}

/// Offset of the first object inside the Header Object (after its 30 bytes).
const FIRST: usize = 30;

/// Damaged ASF files: 65, one line, no output, the original untouched.
#[test]
fn damaged_asf_is_refused() {
    let dir = scratch();
    let wmv = fs::read(media("asf-tagged.wmv")).unwrap();
    assert_eq!(&wmv[..16], HEADER);
    let header = le64(&wmv, 16) as usize;
    let with = |at: usize, bytes: &[u8]| {
        let mut v = wmv.clone();
        v[at..at + bytes.len()].copy_from_slice(bytes);
        v
    };
    let count = u32::from_le_bytes(wmv[24..28].try_into().unwrap());
    let mut unknown = wmv.clone();
    unknown[FIRST + 104..FIRST + 108].copy_from_slice(b"zzzz");
    let drm = with(
        FIRST + 104,
        // Content Encryption: a protected file.
        b"\xfb\xb3\x11\x22\x23\xbd\xd2\x11\xb4\xb7\x00\xa0\xc9\x55\xfc\x6e",
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "long-header.wmv",
            with(16, &(wmv.len() as u64 + 1).to_le_bytes()),
            "corrupt ASF: a Header Object of",
        ),
        (
            "count.wmv",
            with(24, &(count + 1).to_le_bytes()),
            "the Header Object says it holds",
        ),
        (
            "size0.wmv",
            with(FIRST + 16, &0u64.to_le_bytes()),
            "an object of 0 bytes at offset 30",
        ),
        (
            "size23.wmv",
            with(FIRST + 16, &23u64.to_le_bytes()),
            "an object of 23 bytes",
        ),
        (
            "data-size0.wmv",
            with(header + 16, &0u64.to_le_bytes()),
            "an object of 0 bytes at offset",
        ),
        (
            "cut-header.wmv",
            wmv[..header / 2].to_vec(),
            "corrupt ASF: a Header Object of",
        ),
        (
            "cut-data.wmv",
            wmv[..wmv.len() - 1000].to_vec(),
            "truncated ASF: Data Object",
        ),
        ("short.wmv", wmv[..20].to_vec(), "truncated ASF: Header Object"),
        ("unknown.wmv", unknown, "is of an unknown kind"),
        ("drm.wmv", drm, "protected (DRM)"),
    ];
    refused(dir.path(), &cases);
}

/// `--unknown omit` leaves an unknown header object out (and says so); `keep` keeps it
/// unchecked (exit 1 with --check).
#[test]
fn unknown_header_objects_follow_the_unknown_policy() {
    let dir = scratch();
    let mut wmv = fs::read(media("asf-cover.wma")).unwrap();
    wmv[FIRST + 104..FIRST + 108].copy_from_slice(b"zzzz");
    let input = dir.path().join("odd.wma");
    fs::write(&input, &wmv).unwrap();
    let out = privkit()
        .args(["mat-strip", "--unknown", "omit", "-o", "-"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!contains(&out.stdout, b"zzzz"));
    assert!(!contains(&out.stdout, &utf16("PKSECRET")));
    let out = privkit()
        .args(["mat-strip", "--unknown", "keep", "--check"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
}
