//! mat-strip on Ogg (testdata/mat-strip/media, made by make-audio-fixtures.py): Vorbis, Opus,
//! FLAC-in-Ogg, Speex and a chained file. Nothing planted survives, exiftool finds nothing
//! identifying, the audio packets and the decoded audio are identical, every page of the output
//! has a valid CRC and consecutive sequence numbers, cleaning is idempotent, and damaged files
//! (bad CRC, truncated pages, a comment packet over absurd page counts, multiplexed streams) are
//! refused with no output.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cleaned_name, contains, copy_in, fixture_dir, idempotent, refused, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

const OGG: &[&str] = &[
    "ogg-vorbis-tagged.ogg",
    "opus-tagged.opus",
    "oga-flac-tagged.oga",
    "spx-tagged.spx",
    "ogg-chained.ogg",
    "ogg-multiplexed.ogg",
    "oga-flac-count0.oga",
];

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

/// Ogg's CRC-32 (0x04C11DB7, not reflected, initial 0, no final XOR), written independently of
/// the one under test.
fn crc(data: &[u8]) -> u32 {
    let mut r = 0u32;
    for &b in data {
        r ^= (b as u32) << 24;
        for _ in 0..8 {
            r = if r & 0x8000_0000 != 0 {
                (r << 1) ^ 0x04c1_1db7
            } else {
                r << 1
            };
        }
    }
    r
}

/// One page: flags, granule, serial, seq, and the packets' lacing values and body.
pub(super) fn page(flags: u8, granule: u64, serial: u32, seq: u32, lacing: &[u8], body: &[u8]) -> Vec<u8> {
    let mut p = b"OggS\0".to_vec();
    p.push(flags);
    p.extend_from_slice(&granule.to_le_bytes());
    p.extend_from_slice(&serial.to_le_bytes());
    p.extend_from_slice(&seq.to_le_bytes());
    p.extend_from_slice(&[0; 4]);
    p.push(lacing.len() as u8);
    p.extend_from_slice(lacing);
    p.extend_from_slice(body);
    let c = crc(&p);
    p[22..26].copy_from_slice(&c.to_le_bytes());
    p
}

/// Walks every page: each CRC valid, each stream's sequence numbers consecutive from its first
/// page; returns (serial, seq, granule, offset) of every page.
pub(super) fn pages(bytes: &[u8]) -> Vec<(u32, u32, u64, usize)> {
    let mut at = 0;
    let mut out = Vec::new();
    let mut next: HashMap<u32, u32> = HashMap::new();
    while at < bytes.len() {
        assert_eq!(&bytes[at..at + 4], b"OggS", "page at {at}");
        let n = bytes[at + 26] as usize;
        let body: usize = bytes[at + 27..at + 27 + n].iter().map(|&l| l as usize).sum();
        let len = 27 + n + body;
        let mut copy = bytes[at..at + len].to_vec();
        let stored = u32::from_le_bytes(copy[22..26].try_into().unwrap());
        copy[22..26].fill(0);
        assert_eq!(crc(&copy), stored, "CRC of the page at {at}");
        let serial = u32::from_le_bytes(copy[14..18].try_into().unwrap());
        let seq = u32::from_le_bytes(copy[18..22].try_into().unwrap());
        let granule = u64::from_le_bytes(copy[6..14].try_into().unwrap());
        if copy[5] & 2 != 0 {
            next.insert(serial, seq);
        }
        assert_eq!(
            next.get(&serial),
            Some(&seq),
            "sequence number of the page at {at}"
        );
        next.insert(serial, seq + 1);
        out.push((serial, seq, granule, at));
        at += len;
    }
    out
}

/// A checker's output; its standard error must be empty.
fn quiet(cmd: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(cmd).args(args).arg(file).output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{cmd} {}: {}",
        file.display(),
        stderr_of(&out)
    );
    stdout_of(&out)
}

/// The coded packets as ffmpeg reads them, one line each (side data left out: a chained file
/// carries the next link's tags there; and so are the next link's header packets, which ffmpeg
/// passes on with no duration).
fn packets(file: &Path) -> Vec<String> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-map", "0:a", "-c", "copy", "-f", "framemd5", "-"])
        .output()
        .unwrap();
    assert!(out.stderr.is_empty(), "{}", stderr_of(&out));
    stdout_of(&out)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.split(',').nth(3).map(str::trim) != Some("0"))
        .map(|l| l.split(',').take(6).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn ogg_fixtures_are_cleaned_with_identical_audio() {
    let dir = scratch();
    for name in OGG {
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
        // Same streams, same number of audio pages with the same granule positions; only the
        // header pages differ.
        let (old, new) = (pages(&before), pages(&after));
        let audio = |p: &[(u32, u32, u64, usize)]| -> Vec<(u32, u64)> {
            p.iter()
                .filter(|x| x.2 != 0 && x.2 != u64::MAX)
                .map(|x| (x.0, x.2))
                .collect()
        };
        assert_eq!(audio(&old), audio(&new), "{name}: audio pages");
        if !name.ends_with(".oga") && !name.contains("chained") {
            // The headers keep their number of pages: the audio pages are copied unchanged.
            let start = old.iter().find(|x| x.2 != 0 && x.2 != u64::MAX).unwrap().3;
            assert!(after.ends_with(&before[start..]), "{name}: audio pages changed");
        }
        idempotent(&cleaned, &after, name);
        if have("ffmpeg") {
            let decoded = |f: &Path| {
                let out = Command::new("ffmpeg")
                    .args(["-v", "error", "-i"])
                    .arg(f)
                    .args(["-map", "0:a", "-f", "md5", "-"])
                    .output()
                    .unwrap();
                assert!(out.stderr.is_empty(), "{name}: {}", stderr_of(&out));
                stdout_of(&out)
            };
            assert_eq!(decoded(&input), decoded(&cleaned), "{name}: samples");
            assert_eq!(packets(&input), packets(&cleaned), "{name}: packets");
        }
        if have("ffprobe") {
            quiet("ffprobe", &["-v", "error"], &cleaned);
        }
        if have("ogginfo") && name.ends_with(".ogg") {
            let report = quiet("ogginfo", &[], &cleaned);
            assert!(
                !report.contains("WARNING") && !report.contains("ERROR"),
                "{name}: {report}"
            );
        }
        if have("opusinfo") && name.ends_with(".opus") {
            let report = quiet("opusinfo", &[], &cleaned);
            assert!(
                !report.contains("WARNING") && !report.contains("ERROR"),
                "{name}: {report}"
            );
        }
    }
}

#[test]
fn show_lists_ogg_comments_and_decodes_the_cover() {
    for (name, want) in [
        ("ogg-vorbis-tagged.ogg", "ARTIST: PKSECRET-VC-Artist"),
        (
            "opus-tagged.opus",
            "LOCATION: +48.8583+002.2944/ PKSECRET-VC-Location",
        ),
        ("oga-flac-tagged.oga", "ENCODER: PKSECRET-VC-Encoder"),
        ("spx-tagged.spx", "Speex"),
        ("ogg-chained.ogg", "ARTIST: PKSECRET-link2-Artist"),
        ("ogg-multiplexed.ogg", "TITLE: PKSECRET-theora-Title"),
        (
            "ogg-multiplexed.ogg",
            "LOCATION: +48.8583+002.2944/ PKSECRET-mux-Location",
        ),
        ("oga-flac-count0.oga", "ENCODER: PKSECRET-VC-Encoder"),
    ] {
        let out = privkit()
            .args(["mat-strip", "--show"])
            .arg(media(name))
            .output()
            .unwrap();
        let text = stdout_of(&out);
        assert!(text.contains(want), "{name}: {want}: {text}");
        if !matches!(name, "ogg-chained.ogg" | "ogg-multiplexed.ogg") {
            assert!(
                text.contains("METADATA_BLOCK_PICTURE: picture: 64×48 JPEG with EXIF"),
                "{name}: {text}"
            );
        }
    }
}

/// exiftool finds no tag but the streams' structure (and an empty vendor string).
#[test]
fn exiftool_finds_nothing_in_cleaned_ogg() {
    if !have("exiftool") {
        eprintln!("exiftool not installed: skipped (CI installs it)");
        return;
    }
    let dir = scratch();
    let structural = [
        "VorbisVersion",
        "AudioChannels",
        "SampleRate",
        "NominalBitrate",
        "OpusVersion",
        "OutputGain",
        "Vendor",
        "Duration",
        "BlockSizeMin",
        "BlockSizeMax",
        "FrameSizeMin",
        "FrameSizeMax",
        "Channels",
        "BitsPerSample",
        "TotalSamples",
        "MD5Signature",
        // Theora's identification header (the multiplexed fixture's video).
        "TheoraVersion",
        "ImageWidth",
        "ImageHeight",
        "XOffset",
        "YOffset",
        "FrameRate",
        "PixelAspectRatio",
        "ColorSpace",
        "NominalVideoBitrate",
        "Quality",
        "PixelFormat",
        "ImageSize",
        "Megapixels",
    ];
    for name in OGG {
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
            if matches!(group, "System" | "File" | "ExifTool") {
                continue;
            }
            let tag = line
                .split(']')
                .nth(1)
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
                .trim();
            assert!(structural.contains(&tag), "{name}: {line}");
            if tag == "Vendor" {
                assert!(line.trim_end().ends_with(':'), "{name}: {line}");
            }
        }
    }
}

/// Damaged Ogg files: 65, one line, no output, the original untouched.
#[test]
fn damaged_ogg_is_refused() {
    let dir = scratch();
    let vorbis = fs::read(media("ogg-vorbis-tagged.ogg")).unwrap();
    let opus = fs::read(media("opus-tagged.opus")).unwrap();
    let second = pages(&vorbis)[1].3;
    let mut bad_crc = vorbis.clone();
    bad_crc[second + 100] ^= 1;
    // An Opus header followed by a comment packet that never ends: 20,000 pages of one
    // 255-byte segment each.
    let head = pages(&opus)[1].3;
    let mut endless = opus[..head].to_vec();
    for seq in 1..20_000u32 {
        let flags = if seq == 1 { 0 } else { 1 };
        let body: &[u8] = if seq == 1 { b"OpusTags" } else { &[] };
        let mut data = body.to_vec();
        data.resize(255, b'x');
        endless.extend(page(flags, u64::MAX, 1234, seq, &[255], &data));
    }
    // A second stream whose headers never come.
    let first = pages(&opus)[1].3;
    let mut muxed = opus[..first].to_vec();
    muxed.extend(page(2, 0, 99, 0, &[8], b"OpusHead"));
    muxed.extend_from_slice(&opus[first..]);
    // The first packet of a Skeleton stream, and of a stream of no known kind, beside Opus.
    let beside = |id: &[u8]| {
        [
            opus[..first].to_vec(),
            page(2, 0, 99, 0, &[id.len() as u8], id),
            opus[first..].to_vec(),
        ]
        .concat()
    };
    let mut skeleton = b"fishead\0".to_vec();
    skeleton.resize(64, 0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("crc.ogg", bad_crc, "bad CRC on page 1"),
        // Cut in the header pages (a cut in the audio pages is cleaned: mat_strip::truncated).
        ("cut.ogg", vorbis[..second + 500].to_vec(), "truncated Ogg"),
        ("endless.opus", endless, "span more than"),
        ("muxed.opus", muxed, "stream 99 ends inside its header packets"),
        (
            "junk.opus",
            [opus.clone(), b"PKSECRET junk".to_vec()].concat(),
            "are not an Ogg page",
        ),
        (
            "skeleton.ogg",
            beside(&skeleton),
            "stream 99 is a Skeleton stream",
        ),
        ("unknown.ogg", beside(b"\x01xyzzy"), "unsupported codec"),
    ];
    refused(dir.path(), &cases);
}

/// A Theora video and its Vorbis sound interleaved: both comment headers emptied, every page
/// after the headers byte for byte, the video and the sound packets identical.
#[test]
fn multiplexed_ogg_keeps_every_stream() {
    let dir = scratch();
    let input = copy_in(dir.path(), &media("ogg-multiplexed.ogg"));
    let before = fs::read(&input).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let after = fs::read(cleaned_name(&input)).unwrap();
    assert!(!contains(&after, PLANTED));
    let serials = |p: &[(u32, u32, u64, usize)]| {
        let mut s: Vec<u32> = p.iter().map(|x| x.0).collect();
        s.sort();
        s.dedup();
        s
    };
    assert_eq!(serials(&pages(&after)).len(), 2);
    if have("ffmpeg") {
        let hash = |f: &Path| {
            let out = Command::new("ffmpeg")
                .args(["-v", "error", "-i"])
                .arg(f)
                .args(["-map", "0", "-c", "copy", "-f", "streamhash", "-"])
                .output()
                .unwrap();
            assert!(out.stderr.is_empty(), "{}", stderr_of(&out));
            stdout_of(&out)
        };
        let (old, new) = (hash(&input), hash(&cleaned_name(&input)));
        assert!(old.contains(",v,") && old.contains(",a,"), "{old}");
        assert_eq!(old, new);
    }
    assert!(after.len() <= before.len());
}
