//! mat-strip on audio (testdata/mat-strip/media, made by make-audio-fixtures.py): nothing
//! planted survives, exiftool finds nothing identifying, the decoded audio and the coded packets
//! are identical, ffprobe reads the output silently, cleaning twice changes nothing, and
//! damaged files are refused with no output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cleaned_name, contains, copy_in, fixture_dir, refused, PLANTED};
use crate::common::{have, privkit, run_with_stdin, scratch, stderr_of, stdout_of, BIN};

/// The audio fixtures this branch cleans.
const AUDIO: &[&str] = &[
    "wav-bwf.wav",
    "aiff-tagged.aiff",
    "flac-tagged.flac",
    "mp3-id3v23-ape-v1.mp3",
    "mp3-id3v24.mp3",
    "mp3-id3v1-lyrics3.mp3",
    "mp3-id3v22.mp3",
    "flac-big-id3.flac",
];

/// What the three MP3 fixtures' frames decode to (media/README.md): ffmpeg decodes an APEv2 tag
/// or a Lyrics3 block as audio, so for those inputs the output is compared with these values.
const MP3_DECODED: &str = "MD5=df214952f74170c371e4fe1176fdd5a5";
const MP3_STREAMS: &str = "0,a,SHA256=cf7ff16d2175ecfb73e4211cf8d6ffbb8852ce3c1623de5c76bd02023e47a8d5";

/// A planted value in the raw bytes, or in UTF-16 of either byte order (ID3v2 text frames).
fn planted(bytes: &[u8]) -> bool {
    let utf16 = |be: bool| -> Vec<u8> {
        PLANTED
            .iter()
            .flat_map(|&c| if be { [0, c] } else { [c, 0] })
            .collect()
    };
    contains(bytes, PLANTED) || contains(bytes, &utf16(true)) || contains(bytes, &utf16(false))
}

/// Where a RIFF WAV file's `data` chunk starts.
fn wav_data(f: &[u8]) -> usize {
    let mut pos = 12;
    while &f[pos..pos + 4] != b"data" {
        pos += 8 + u32::from_le_bytes(f[pos + 4..pos + 8].try_into().unwrap()) as usize;
        pos += pos & 1;
    }
    pos
}

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
        assert!(!planted(&after), "{name}: planted value survives");
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
        // The samples keep their offset modulo a page (a JUNK chunk of zeros before them), so
        // the kernel copies them page-aligned.
        if name.ends_with(".wav") {
            assert_eq!(wav_data(&after) % 4096, wav_data(&before) % 4096, "{name}");
        }
        if have("ffmpeg") {
            let (decoded, streams) = if name.ends_with(".mp3") {
                (format!("{MP3_DECODED}\n"), format!("{MP3_STREAMS}\n"))
            } else {
                (ffmpeg_hash(&input, true), ffmpeg_hash(&input, false))
            };
            assert_eq!(decoded, ffmpeg_hash(&cleaned, true), "{name}: samples");
            assert_eq!(streams, ffmpeg_hash(&cleaned, false), "{name}: packets");
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
    let structural = [
        "File",
        "RIFF",
        "AIFF",
        "FLAC",
        "MPEG",
        "Composite",
        "System",
        "ExifTool",
        "Vorbis",
    ];
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
            if group == "Vorbis" {
                // FLAC's emptied VORBIS_COMMENT: its vendor string, and nothing in it.
                let (tag, value) = line.split_once(':').unwrap();
                assert!(
                    tag.trim_end().ends_with("Vendor") && value.trim().is_empty(),
                    "{name}: {line}"
                );
                continue;
            }
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
        // An ID3 tag whose end cannot be seen in the head goes to MP3, which measures it.
        ("id3.flac", long_id3, "truncated MP3: ID3v2 tag ends after"),
        ("cut.flac", flac[..marker + 200].to_vec(), "truncated FLAC"),
        // Cut inside 'fmt ', which must be read to be kept (a cut in the samples is cleaned:
        // mat_strip::truncated).
        ("cut.wav", wav[..30].to_vec(), "truncated WAV: 'fmt ' chunk"),
        ("chunk.wav", huge_chunk, "truncated WAV: 'data' chunk"),
        (
            "pad.aiff",
            odd,
            "pad byte after the odd-sized 'ID3 ' chunk is missing",
        ),
        ("cut.aiff", aiff[..60].to_vec(), "truncated AIFF: 'COMM' chunk"),
        ("unknown.wav", unknown, "chunk 'zzzz' is of an unknown kind"),
        ("id3.wav", bad_id3, "corrupt ID3v2 tag"),
    ];
    refused(dir.path(), &cases);
    // Kept with --unknown keep, the chunk is a finding: --check never calls the file clean over
    // something it did not check.
    let out = privkit()
        .args(["mat-strip", "--check", "--unknown", "keep"])
        .arg(dir.path().join("unknown.wav"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
}

#[test]
fn show_names_each_mp3_tag_frame() {
    for (name, wants) in [
        (
            "mp3-id3v23-ape-v1.mp3",
            &[
                "ID3v2.3",
                "TXXX: location: +48.8583+002.2944/ PKSECRET-TXXX-location",
                "PRIV: PKSECRET-PRIV-owner: 18 bytes",
                "GEOB: PKSECRET-GEOB.txt (text/plain), PKSECRET-GEOB-desc",
                "CHAP: ch1 0–2000 ms, TIT2: Chapter one",
                "APIC: picture: 64×48 JPEG with EXIF, PKSECRET-APIC-desc",
                "APEv2",
                "Artist: PKSECRET-APE-Artist",
                "Cover Art (Front): picture: 64×48 JPEG with EXIF",
                "ID3v1",
            ][..],
        ),
        (
            "mp3-id3v24.mp3",
            &[
                "ID3v2.4",
                "TDRC: 2019-03-04T05:06:07",
                "UFID: http://example.invalid/",
            ][..],
        ),
        (
            "mp3-id3v1-lyrics3.mp3",
            &[
                "AUT (author): PKSECRET-Lyrics3-Author",
                "INF (information): PKSECRET-Lyrics3-Info",
                "Comment: PKSECRET-v1-Comment",
                "Track: 1",
            ][..],
        ),
    ] {
        let out = privkit()
            .args(["mat-strip", "--show"])
            .arg(media(name))
            .output()
            .unwrap();
        let text = stdout_of(&out);
        assert!(text.contains("(MP3)"), "{name}: {text}");
        for want in wants {
            assert!(text.contains(want), "{name}: {want}: {text}");
        }
    }
}

/// A metadata block of a FLAC file: (type, body).
fn flac_blocks(f: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut pos = f.windows(4).position(|w| w == b"fLaC").unwrap() + 4;
    let mut blocks = Vec::new();
    loop {
        let size = u32::from_be_bytes([0, f[pos + 1], f[pos + 2], f[pos + 3]]) as usize;
        blocks.push((f[pos] & 0x7f, f[pos + 4..pos + 4 + size].to_vec()));
        if f[pos] & 0x80 != 0 {
            return blocks;
        }
        pos += 4 + size;
    }
}

/// Where a FLAC file's frames start (after its last metadata block).
fn flac_frames(f: &[u8]) -> usize {
    let start = f.windows(4).position(|w| w == b"fLaC").unwrap() + 4;
    start + flac_blocks(f).iter().map(|b| 4 + b.1.len()).sum::<usize>()
}

/// An ID3v2.4 tag of `len` bytes holding only padding.
fn padding_id3(len: usize) -> Vec<u8> {
    let body = len - 10;
    let size = [
        (body >> 21) as u8 & 0x7f,
        (body >> 14) as u8 & 0x7f,
        (body >> 7) as u8 & 0x7f,
        body as u8 & 0x7f,
    ];
    let mut tag = b"ID3\x04\0\0".to_vec();
    tag.extend_from_slice(&size);
    tag.resize(len, 0);
    tag
}

/// FLAC's VORBIS_COMMENT is kept, emptied (no vendor string, no comments), not removed; a FLAC
/// behind an ID3 tag larger than what detection reads (4 KiB of standard input, 256 KiB of a
/// file) is cleaned as FLAC. Regression: it was refused as "looks like MP3".
#[test]
fn flac_keeps_an_empty_comment_block_and_is_found_behind_large_id3_tags() {
    let dir = scratch();
    let flac = fs::read(media("flac-tagged.flac")).unwrap();
    let input = copy_in(dir.path(), &media("flac-tagged.flac"));
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = fs::read(cleaned_name(&input)).unwrap();
    assert!(cleaned.starts_with(b"fLaC"));
    let kinds: Vec<u8> = flac_blocks(&cleaned).iter().map(|b| b.0).collect();
    assert_eq!(
        kinds,
        [0, 3, 4, 1],
        "STREAMINFO, SEEKTABLE, VORBIS_COMMENT, PADDING"
    );
    assert_eq!(
        flac_blocks(&cleaned)[2].1,
        [0u8; 8],
        "vendor \"\" and no comments"
    );
    // The PADDING block (zeros) keeps the frames at their offset modulo a page, so the kernel
    // copies them page-aligned; cleaning again recomputes the same block.
    assert!(flac_blocks(&cleaned)[3].1.iter().all(|&b| b == 0));
    assert_eq!(flac_frames(&cleaned) % 4096, flac_frames(&flac) % 4096);
    if have("flac") {
        let t = Command::new("flac")
            .args(["-t", "-s"])
            .arg(cleaned_name(&input))
            .output()
            .unwrap();
        assert!(t.status.success(), "{}", stderr_of(&t));
    }
    // Whole pages of ID3 tag: the frames keep their offset modulo 4096 from the fixture's, so
    // the padding that keeps them page-aligned is the same and so are the outputs.
    for (name, id3_len) in [("small.flac", 2 << 12), ("large.flac", 74 << 12)] {
        let mut big = padding_id3(id3_len);
        big.extend_from_slice(&flac);
        let path = dir.path().join(name);
        fs::write(&path, &big).unwrap();
        let out = privkit()
            .args(["mat-strip", "-o", "-"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        assert_eq!(out.stdout, cleaned, "{name}");
        let out = run_with_stdin(Command::new(BIN).args(["mat-strip", "-o", "-", "-"]), &big);
        assert_eq!(out.status.code(), Some(0), "{name} on stdin: {}", stderr_of(&out));
        assert_eq!(out.stdout, cleaned, "{name} on stdin");
    }
}

/// A FLAC behind an ID3v2 tag of 300 KiB (more than the 256 KiB detection reads) is reported
/// as FLAC, not MP3: detection looks past the tag by its size. Regression: the report said MP3.
#[test]
fn flac_behind_a_big_id3_tag_is_reported_as_flac() {
    let input = media("flac-big-id3.flac");
    assert!(fs::metadata(&input).unwrap().len() > 300 << 10);
    for mode in ["--show", "--check"] {
        let out = privkit()
            .args(["mat-strip", "--json", mode])
            .arg(&input)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
        assert_eq!(report["format"], "FLAC", "{mode}: {report}");
        assert_eq!(
            report["status"],
            if mode == "--show" { "shown" } else { "dirty" },
            "{report}"
        );
        assert!(
            stdout_of(&out).contains("PKSECRET-bigid3-Artist") || mode == "--check",
            "{report}"
        );
    }
}

/// ID3v2.2 (three-character frame ids, 3-byte sizes; PIC with a 3-letter image format):
/// every frame listed by its id and removed, the audio frames untouched.
#[test]
fn id3v22_frames_are_listed_and_removed() {
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(media("mp3-id3v22.mp3"))
        .output()
        .unwrap();
    let text = stdout_of(&out);
    for want in [
        "TT2: PKSECRET-TT2-Title",
        "TP1: PKSECRET-TP1-Artist",
        "TAL: PKSECRET-TAL-Album",
        "COM",
        "PKSECRET-COM-Comment",
        "TXX",
        "PIC",
        "JPEG with EXIF",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    let dir = scratch();
    let input = copy_in(dir.path(), &media("mp3-id3v22.mp3"));
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = fs::read(cleaned_name(&input)).unwrap();
    assert!(!cleaned.starts_with(b"ID3"), "the tag is gone");
    // The audio is the ID3v2.4 fixture's, after its tag: the same bytes.
    let v24 = fs::read(media("mp3-id3v24.mp3")).unwrap();
    let size = v24[6..10].iter().fold(0usize, |n, &b| n << 7 | b as usize);
    assert_eq!(cleaned.as_slice(), &v24[10 + size..], "audio frames changed");
}

/// A LAME tag whose encoder string names more than an encoder is blanked (the "LAME" kept, as
/// decoders read the gapless data after it) and its CRC written anew: the output decodes to
/// the same samples, gapless trimming included.
#[test]
fn mp3_encoder_string_naming_more_than_the_encoder_is_blanked() {
    let dir = scratch();
    let mut mp3 = fs::read(media("mp3-id3v24.mp3")).unwrap();
    let at = mp3.windows(4).position(|w| w == b"Lavf").unwrap();
    mp3[at..at + 9].copy_from_slice(b"Lavf\x01PKSE");
    let input = dir.path().join("encoder.mp3");
    fs::write(&input, &mp3).unwrap();
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(stdout_of(&out).contains("LAME"), "{}", stdout_of(&out));
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let after = fs::read(cleaned_name(&input)).unwrap();
    assert!(!contains(&after, b"PKSE"));
    let at = after.windows(4).position(|w| w == b"Lavf").unwrap();
    assert_eq!(&after[at..at + 9], b"Lavf     ");
    // The LAME tag's CRC-16 over the frame up to it.
    let frame = &after[..at + 36];
    let mut crc = 0u16;
    for &b in &frame[..at + 34] {
        crc ^= b as u16;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xa001
            } else {
                crc >> 1
            };
        }
    }
    assert_eq!(frame[at + 34..at + 36], crc.to_be_bytes());
    if have("ffmpeg") {
        let path = cleaned_name(&input);
        assert_eq!(ffmpeg_hash(&path, true), format!("{MP3_DECODED}\n"));
    }
}

/// Trailing tags whose magic is damaged ("TAG" of ID3v1, "APETAGEX" of an APE footer) are no
/// longer recognised as tags: the frame walk ends at the last frame and removes them as data
/// after the audio (before, they were kept as "audio" with their planted values).
#[test]
fn mp3_damaged_trailing_tags_are_removed_as_data_after_the_audio() {
    let dir = scratch();
    let mut lyrics = fs::read(media("mp3-id3v1-lyrics3.mp3")).unwrap();
    let tag = lyrics.len() - 128;
    assert_eq!(&lyrics[tag..tag + 3], b"TAG");
    lyrics[tag + 2] = b'x';
    let mut ape = fs::read(media("mp3-id3v23-ape-v1.mp3")).unwrap();
    let footer = ape.len() - 32;
    assert_eq!(&ape[footer..footer + 8], b"APETAGEX");
    ape[footer] = b'a';
    for (name, bytes) in [("lyrics.mp3", lyrics), ("ape.mp3", ape)] {
        let input = dir.path().join(name);
        fs::write(&input, &bytes).unwrap();
        let out = privkit()
            .args(["mat-strip", "--show"])
            .arg(&input)
            .output()
            .unwrap();
        assert!(
            stdout_of(&out).contains("data after the audio"),
            "{name}: {}",
            stdout_of(&out)
        );
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let path = cleaned_name(&input);
        assert!(!planted(&fs::read(&path).unwrap()), "{name}");
        if have("ffmpeg") {
            assert_eq!(ffmpeg_hash(&path, true), format!("{MP3_DECODED}\n"), "{name}");
        }
    }
}

/// A stream whose frames break off and resume (a damaged frame in the middle, or a tag between
/// concatenated files) is refused: cleaning it as "data after the audio" would cut the audio.
#[test]
fn mp3_with_frames_after_a_break_is_refused_not_cut() {
    let dir = scratch();
    let mut bytes = fs::read(media("mp3-id3v24.mp3")).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 4000].fill(0);
    let input = dir.path().join("broken.mp3");
    fs::write(&input, &bytes).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("resume"), "{}", stderr_of(&out));
    assert!(!cleaned_name(&input).exists());
}

/// Bad MP3s: 65, one line saying what is wrong, no output, the original untouched.
#[test]
fn damaged_mp3_is_refused() {
    let dir = scratch();
    let v23 = fs::read(media("mp3-id3v23-ape-v1.mp3")).unwrap();
    let lyrics = fs::read(media("mp3-id3v1-lyrics3.mp3")).unwrap();
    let mut id3_past = v23.clone();
    id3_past[6..10].copy_from_slice(&[0x7f, 0x7f, 0x7f, 0x7f]);
    // Unsynchronised v2.3 tag whose first frame says it is longer than the tag.
    let mut unsync = v23.clone();
    unsync[5] |= 0x80;
    unsync[14..18].copy_from_slice(&0x00ff_0000u32.to_be_bytes());
    let mut ape_past = v23.clone();
    let footer = ape_past.len() - 32;
    ape_past[footer + 12..footer + 16].copy_from_slice(&0x7fff_0000u32.to_le_bytes());
    let mut ape_item = v23.clone();
    let ape = ape_item.windows(8).position(|w| w == b"APETAGEX").unwrap();
    ape_item[ape + 32..ape + 36].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
    let mut lyrics_past = lyrics.clone();
    let size_at = lyrics_past.len() - 128 - 15;
    lyrics_past[size_at..size_at + 6].copy_from_slice(b"900000");
    let id3_len = 10 + (v23[8] as usize) * 128 + v23[9] as usize;
    let mut no_frame = v23[..id3_len].to_vec();
    no_frame.extend_from_slice(&[0x55; 3000]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("id3.mp3", id3_past, "truncated MP3: ID3v2 tag ends after"),
        (
            "unsync.mp3",
            unsync,
            "corrupt ID3v2 tag: TIT2 frame runs past the tag",
        ),
        ("ape.mp3", ape_past, "corrupt APE tag at the end: its size"),
        ("item.mp3", ape_item, "corrupt APE tag: item"),
        ("lyrics.mp3", lyrics_past, "corrupt Lyrics3 v2 block at the end"),
        ("noframe.mp3", no_frame, "no MPEG audio frame after the ID3v2 tag"),
        (
            "cut.mp3",
            v23[..id3_len - 100].to_vec(),
            "truncated MP3: ID3v2 tag",
        ),
    ];
    refused(dir.path(), &cases);
}

/// Cleaning with text output counts what went without decoding the ID3 frames' values
/// (`Options::count_only`): the count is the one --json lists, value by value, and the
/// cleaned file is the same byte for byte.
#[test]
fn the_text_count_is_the_json_list() {
    let dir = scratch();
    for name in AUDIO
        .iter()
        .filter(|n| n.ends_with(".mp3") || n.ends_with(".flac"))
    {
        let input = copy_in(dir.path(), &media(name));
        let (text_out, json_out) = (dir.path().join("text.out"), dir.path().join("json.out"));
        let out = privkit()
            .args(["mat-strip", "-o"])
            .arg(&text_out)
            .arg(&input)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr_of(&out));
        let line = stdout_of(&out);
        let count: usize = line
            .split("removed ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{name}: no count in {line:?}"));
        let out = privkit()
            .args(["mat-strip", "--json", "-o"])
            .arg(&json_out)
            .arg(&input)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr_of(&out));
        let report: serde_json::Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
        let removed = report["removed"].as_array().unwrap();
        assert_eq!(removed.len(), count, "{name}");
        // --json still says what each frame held.
        assert!(
            removed
                .iter()
                .any(|f| f["value"].as_str().is_some_and(|v| v.contains("PKSECRET"))),
            "{name}: no value listed"
        );
        assert_eq!(
            fs::read(&text_out).unwrap(),
            fs::read(&json_out).unwrap(),
            "{name}"
        );
        fs::remove_file(&text_out).unwrap();
        fs::remove_file(&json_out).unwrap();
    }
}
