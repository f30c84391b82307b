//! mat-strip on the ISO base media fixtures of testdata/mat-strip/media (issue 13, made by
//! make-video-fixtures.py): nothing planted survives, the kept streams are identical and play,
//! cleaning twice changes nothing, and broken files are refused with no output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{contains, fixture_dir, PLANTED};
use crate::common::{entries, have, privkit, scratch, stderr_of};

const VIDEO: &[&str] = &[
    "mp4-tagged.mp4",
    "m4a-tagged.m4a",
    "mov-iphone.mov",
    "mp4-gopro.mp4",
    "mp4-fragmented.mp4",
    "mov-sidx.mov",
    "mov-chained-traf.mov",
];

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

/// Cleans `input` to `dir/out.EXT`; returns the output.
fn clean(input: &Path, dir: &Path) -> PathBuf {
    let ext = input.extension().unwrap().to_string_lossy().into_owned();
    let out = dir.join(format!("out.{ext}"));
    let _ = fs::remove_file(&out);
    privkit()
        .arg("mat-strip")
        .arg("-o")
        .arg(&out)
        .arg(input)
        .assert()
        .success();
    out
}

fn ffmpeg(args: &[&str], file: &Path) -> String {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-v", "error", "-i"]).arg(file).args(args);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "ffmpeg {args:?} {}: {}",
        file.display(),
        stderr_of(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The kept video and audio streams are identical to the input's (packets and decoded), the
/// output probes without a message and decodes with no more messages than the input.
fn same_streams_and_plays(input: &Path, out: &Path, name: &str) {
    for args in [
        &[
            "-map",
            "0:V?",
            "-map",
            "0:a?",
            "-c",
            "copy",
            "-f",
            "streamhash",
            "-",
        ][..],
        &["-map", "0:V?", "-map", "0:a?", "-f", "md5", "-"][..],
    ] {
        assert_eq!(ffmpeg(args, input), ffmpeg(args, out), "{name}: {args:?} differ");
    }
    let probe = Command::new("ffprobe")
        .args(["-v", "error"])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        probe.status.success() && probe.stderr.is_empty(),
        "{name}: {}",
        stderr_of(&probe)
    );
    // Decoding says nothing more than it says of the input (silent for every fixture).
    let decode = |file: &Path| {
        let res = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(file)
            .args(["-map", "0", "-f", "null", "-"])
            .output()
            .unwrap();
        stderr_of(&res)
            .lines()
            .map(|l| l.split("] ").last().unwrap_or(l).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(decode(input), decode(out), "{name}: decoding messages");
}

#[test]
fn video_fixtures_come_out_clean_with_identical_streams() {
    let dir = scratch();
    for name in VIDEO {
        let input = media(name);
        let out = clean(&input, dir.path());
        let bytes = fs::read(&out).unwrap();
        assert!(!contains(&bytes, PLANTED), "{name}: a planted value survived");
        // The binary QuickTime times planted (2020-05-01 as seconds since 1904; the media README
        // says 0xDB9E2B80, which is 2020-10-03).
        assert!(
            !contains(&bytes, &0xDAD1_1700u32.to_be_bytes()),
            "{name}: a planted time survived"
        );
        if have("ffmpeg") {
            same_streams_and_plays(&input, &out, name);
        }
        if have("exiftool") {
            let out = Command::new("exiftool")
                .args(["-a", "-u", "-G1", "-ee"])
                .arg(&out)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            for line in text.lines() {
                let lower = line.to_lowercase();
                for bad in [
                    "pksecret", "gps", "make", "model", "software", "author", "artist", "location", "2019",
                    "2020:05",
                ] {
                    assert!(!lower.contains(bad), "{name}: exiftool still finds {line:?}");
                }
            }
        }
        // Idempotent: the output is clean and cleaning it again gives the same bytes.
        privkit()
            .arg("mat-strip")
            .arg("--check")
            .arg(&out)
            .assert()
            .success();
        let again_dir = dir.path().join("again");
        fs::create_dir_all(&again_dir).unwrap();
        let again = clean(&out, &again_dir);
        assert_eq!(
            fs::read(&again).unwrap(),
            bytes,
            "{name}: cleaning the output changed it"
        );
    }
}

/// `mat-strip --show ARGS` on a fixture: its standard output.
fn show(args: &[&str], name: &str) -> String {
    let out = privkit()
        .arg("mat-strip")
        .arg("--show")
        .args(args)
        .arg(media(name))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn show_lists_locations_as_degrees_and_names_the_keys() {
    let text = show(&[], "mov-iphone.mov");
    assert!(
        text.contains("com.apple.quicktime.location.ISO6709: 48.8583, 2.2944"),
        "{text}"
    );
    assert!(
        text.contains("com.apple.quicktime.make: PKSECRET-Apple-Make"),
        "{text}"
    );
    assert!(text.contains("timed metadata (mebx)"), "{text}");
    let out = show(&[], "mp4-gopro.mp4");
    assert!(out.contains("timed metadata (gpmd)"));
    let out = show(&[], "mp4-fragmented.mp4");
    assert!(out.contains("loci: 48.85"));
}

/// `moov` before `mdat` (as phones and `-movflags +faststart` write it): every chunk offset
/// moves by what was removed. Without a dropped track (its samples wiped in `mdat`), a `free` box
/// of zeros keeps `mdat` at its offset modulo a page (the kernel copies it page-aligned), and
/// cleaning again keeps it.
#[test]
fn moov_first_chunk_offsets_follow() {
    if !have("ffmpeg") {
        return;
    }
    let dir = scratch();
    for (name, maps) in [("faststart.mov", &["0"][..]), ("no-mebx.mov", &["0:V", "0:a"])] {
        let input = dir.path().join(name);
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(media("mov-iphone.mov"))
            .args(maps.iter().flat_map(|m| ["-map", m]))
            .args(["-c", "copy", "-movflags", "+faststart"])
            .args(["-metadata", "title=PKSECRET-x", "-f", "mov"])
            .arg(&input)
            .status()
            .unwrap();
        assert!(status.success());
        let out = clean(&input, dir.path());
        let bytes = fs::read(&out).unwrap();
        assert!(!contains(&bytes, PLANTED));
        let args = &["-map", "0:V?", "-map", "0:a?", "-f", "md5", "-"][..];
        assert_eq!(ffmpeg(args, &input), ffmpeg(args, &out), "{name}");
        let mdat = |b: &[u8]| top_boxes(b).into_iter().find(|t| &t.0 == b"mdat").unwrap().1;
        let before = fs::read(&input).unwrap();
        if maps.len() > 1 {
            assert_eq!(mdat(&bytes) % 4096, mdat(&before) % 4096, "{name}");
            let again = privkit()
                .args(["mat-strip", "-o", "-"])
                .arg(&out)
                .output()
                .unwrap();
            assert_eq!(again.stdout, bytes, "{name}: cleaning twice changes the file");
        } else {
            assert!(bytes.len() < before.len(), "{name}");
        }
    }
}

#[test]
fn broken_files_are_refused_with_no_output() {
    let dir = scratch();
    for name in VIDEO {
        let original = fs::read(media(name)).unwrap();
        for (what, bytes) in broken_variants(&original) {
            refused_with_no_output(dir.path(), name, what, &bytes);
        }
    }
}

/// Cut short inside the movie or item headers (`moov`/`meta`: a cut in the sample data is
/// cleaned, see mat_strip::truncated), cut in a header, a first box longer than the file, an
/// unknown top-level box (it could hold anything).
fn broken_variants(original: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let headers = original
        .windows(4)
        .position(|w| w == b"moov" || w == b"meta")
        .unwrap();
    let mut long = original.to_vec();
    long[0..4].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
    let mut unknown = original.to_vec();
    unknown.extend_from_slice(b"\0\0\0\x0cXTRAdata");
    vec![
        ("truncated", original[..headers + 200].to_vec()),
        ("cut in a header", original[..original.len().min(30)].to_vec()),
        ("size past the end", long),
        ("unknown box", unknown),
    ]
}

/// Cleaning `bytes` (saved as `name`) exits 65 with one line and writes nothing; the line.
fn refused_with_no_output(dir: &Path, name: &str, what: &str, bytes: &[u8]) -> String {
    let sub = dir.join(format!("{name}-{}", what.replace(' ', "-")));
    fs::create_dir_all(&sub).unwrap();
    let input = sub.join(name);
    fs::write(&input, bytes).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(65), "{name} {what}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{name} {what}");
    assert_eq!(
        entries(&sub),
        vec![name.to_string()],
        "{name} {what}: output left"
    );
    assert_eq!(fs::read(&input).unwrap(), bytes);
    err
}

/// Boxes nested past 64 levels are refused, not followed until the stack runs out.
#[test]
fn deep_nesting_is_refused() {
    let mut inner = b"\0\0\0\x10mvhd\0\0\0\0\0\0\0\0".to_vec();
    for _ in 0..100 {
        let mut b = ((inner.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(b"edts");
        b.extend_from_slice(&inner);
        inner = b;
    }
    let mut file = b"\0\0\0\x10ftypisom\0\0\0\0".to_vec();
    file.extend_from_slice(&((inner.len() + 8) as u32).to_be_bytes());
    file.extend_from_slice(b"moov");
    file.extend_from_slice(&inner);
    let dir = scratch();
    let input = dir.path().join("deep.mp4");
    fs::write(&input, &file).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert!(stderr_of(&out).contains("64 deep"), "{}", stderr_of(&out));
}

/// `exiftool -a -u -G1` shows none of `bad` in `out` (when exiftool is installed).
fn exiftool_finds_none(out: &Path, name: &str, bad: &[&str]) {
    if !have("exiftool") {
        return;
    }
    let res = Command::new("exiftool")
        .args(["-a", "-u", "-G1"])
        .arg(out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&res.stdout);
    for bad in bad {
        assert!(!text.contains(bad), "{name}: exiftool still finds {bad}: {text}");
    }
}

/// `--check` calls the output clean and cleaning it again gives the same `bytes`.
fn assert_clean_and_stable(out: &Path, bytes: &[u8], dir: &Path, name: &str) {
    privkit()
        .arg("mat-strip")
        .arg("--check")
        .arg(out)
        .assert()
        .success();
    let again_dir = dir.join("again");
    fs::create_dir_all(&again_dir).unwrap();
    assert_eq!(
        fs::read(clean(out, &again_dir)).unwrap(),
        bytes,
        "{name}: not stable"
    );
}

/// Decodes an image with its own decoder (djxl, opj_decompress, libheif's heif-convert) to raw RGB(A) bytes (None when the tool is missing).
fn pixels(file: &Path, dir: &Path) -> Option<Vec<u8>> {
    let png = dir.join("decoded.png");
    let _ = fs::remove_file(&png);
    let ok = match file.extension().unwrap().to_str().unwrap() {
        "jxl" if have("djxl") => Command::new("djxl")
            .arg(file)
            .arg(&png)
            .output()
            .unwrap()
            .status
            .success(),
        "jp2" if have("opj_decompress") => Command::new("opj_decompress")
            .arg("-i")
            .arg(file)
            .arg("-o")
            .arg(&png)
            .output()
            .unwrap()
            .status
            .success(),
        "heic" | "avif" if have("heif-convert") => Command::new("heif-convert")
            .arg(file)
            .arg(&png)
            .output()
            .unwrap()
            .status
            .success(),
        _ => return None,
    };
    assert!(ok, "{} does not decode", file.display());
    let bytes = fs::read(&png).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(&bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    Some(buf)
}

#[test]
fn jxl_and_jp2_fixtures_come_out_clean_with_identical_pixels() {
    let dir = scratch();
    for name in ["jxl-boxes.jxl", "jxl-brob.jxl", "jp2-boxes.jp2"] {
        let input = media(name);
        let out = clean(&input, dir.path());
        let bytes = fs::read(&out).unwrap();
        assert!(!contains(&bytes, PLANTED), "{name}: a planted value survived");
        if let Some(before) = pixels(&input, dir.path()) {
            assert_eq!(Some(before), pixels(&out, dir.path()), "{name}: pixels differ");
        }
        exiftool_finds_none(
            &out,
            name,
            &["PKSECRET", "GPS", "Make", "Model", "XMP", "IPTC", "JUMBF", "2019"],
        );
        assert_clean_and_stable(&out, &bytes, dir.path(), name);
        // Cut short, or a box longer than the file: refused, nothing written.
        let original = fs::read(&input).unwrap();
        let sub = dir.path().join(format!("bad-{name}"));
        fs::create_dir_all(&sub).unwrap();
        for bad in [original[..original.len() - 7].to_vec(), {
            let mut b = original.clone();
            b[12..16].copy_from_slice(&0x7fff_0000u32.to_be_bytes());
            b
        }] {
            let path = sub.join(name);
            fs::write(&path, &bad).unwrap();
            let res = privkit().arg("mat-strip").arg(&path).output().unwrap();
            assert_eq!(res.status.code(), Some(65), "{name}: {}", stderr_of(&res));
            assert_eq!(entries(&sub), vec![name.to_string()]);
        }
    }
}

#[test]
fn heif_and_avif_fixtures_come_out_clean_with_identical_pixels() {
    let dir = scratch();
    for name in ["heic-phone.heic", "avif-phone.avif"] {
        let input = media(name);
        let out = clean(&input, dir.path());
        let bytes = fs::read(&out).unwrap();
        assert!(!contains(&bytes, PLANTED), "{name}: a planted value survived");
        // The thumbnail item went, the primary (a grid of tiles in the HEIC) and its rotation stayed.
        if let Some(before) = pixels(&input, dir.path()) {
            assert_eq!(Some(before), pixels(&out, dir.path()), "{name}: pixels differ");
            let info = Command::new("heif-info").arg(&out).output().unwrap();
            let text = String::from_utf8_lossy(&info.stdout);
            assert!(
                text.contains("48x64") && !text.contains("thumbnail"),
                "{name}: {text}"
            );
            assert!(!text.contains("Exif") && !text.contains("XMP"), "{name}: {text}");
        }
        exiftool_finds_none(
            &out,
            name,
            &[
                "PKSECRET",
                "GPS",
                "Make",
                "Model",
                "XMP",
                "Artist",
                "2021:01",
                "Thumbnail",
            ],
        );
        assert_clean_and_stable(&out, &bytes, dir.path(), name);
    }
}

#[test]
fn heif_show_lists_exif_gps_as_degrees_xmp_and_the_thumbnail() {
    let text = show(&[], "heic-phone.heic");
    for want in [
        "Make: PKSECRET-Make",
        "BodySerialNumber: PKSECRET-Serial",
        "GPSLatitude: 48.8583",
        "GPSLongitude: 2.2944",
        "XMP",
        "thumbnail: item 6",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    // --strip-icc and --no-orientation drop the properties they name; by default they stay.
    let out = show(&["--no-orientation"], "heic-phone.heic");
    assert!(out.contains("irot"));
}

/// A metadata track's fragment whose `trun` lost its name (a damaged type): its samples cannot
/// all be found, so the file is refused rather than cleaned with them left in `mdat`.
#[test]
fn a_metadata_track_fragment_with_a_damaged_box_is_refused() {
    let dir = scratch();
    let mut bytes = fs::read(media("mov-sidx.mov")).unwrap();
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(4).position(|w| w == b"trun") {
        bytes[at + i + 3] = 0xff;
        at += i + 4;
    }
    let err = refused_with_no_output(dir.path(), "mov-sidx.mov", "damaged trun", &bytes);
    assert!(err.contains("in a metadata track's 'traf'"), "{err}");
}

#[test]
fn broken_heif_files_are_refused_with_no_output() {
    let dir = scratch();
    for name in ["heic-phone.heic", "avif-phone.avif"] {
        let original = fs::read(media(name)).unwrap();
        let mut variants = broken_variants(&original);
        // The first item's base offset (4 bytes) far past the end.
        let mut outside = original.clone();
        let at = outside.windows(4).position(|w| w == b"iloc").unwrap();
        // After the version/flags, field sizes and item count: the id, the construction
        // method (version 1 only) and the data reference, then the base offset.
        let version = outside[at + 4];
        assert!(version < 2 && outside[at + 9] >> 4 == 4, "{name}: iloc layout");
        let base = at + 4 + 8 + 4 + 2 * version as usize;
        outside[base..base + 4].copy_from_slice(&0x7000_0000u32.to_be_bytes());
        variants.push(("iloc outside", outside));
        for (what, bytes) in variants {
            let err = refused_with_no_output(dir.path(), name, what, &bytes);
            if what == "iloc outside" {
                assert!(err.contains("'iloc' points outside the file"), "{name}: {err}");
            }
        }
    }
}

/// Damaged metadata items of the AVIF (the mutation test's leaks): an Exif item whose `iloc`
/// length was cut leaves the rest of its data in `mdat`, unclaimed (removed as data no item
/// uses); an XMP item whose `mime` type was damaged is of unknown type (removed, as no image
/// needs it); an item whose `infe` lost its id is refused.
#[test]
fn damaged_heif_metadata_items_do_not_leak() {
    let dir = scratch();
    let original = fs::read(media("avif-phone.avif")).unwrap();
    let at = original.windows(4).position(|w| w == b"iloc").unwrap();
    // Version 0, offsets/lengths/base offsets of 4 bytes: items of 18 bytes from `at + 12`;
    // the second (item 2, the Exif) ends with its extent length.
    assert_eq!(&original[at + 4..at + 8], &[0; 4]);
    let item2 = at + 12 + 18;
    assert_eq!(&original[item2..item2 + 2], &[0, 2]);
    let mut short = original.clone();
    short[item2 + 14..item2 + 18].copy_from_slice(&0x16u32.to_be_bytes());
    let mut mime = original.clone();
    let m = mime.windows(4).position(|w| w == b"mime").unwrap();
    mime[m + 1..m + 4].copy_from_slice(&[0; 3]);
    for (what, bytes, listed) in [
        ("short-exif", short, "data no item uses"),
        ("damaged-mime", mime, "item of unknown type"),
    ] {
        let sub = dir.path().join(what);
        fs::create_dir_all(&sub).unwrap();
        let input = sub.join("in.avif");
        fs::write(&input, &bytes).unwrap();
        let shown = privkit()
            .args(["mat-strip", "--show"])
            .arg(&input)
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&shown.stdout).contains(listed),
            "{what}: {}",
            String::from_utf8_lossy(&shown.stdout)
        );
        let out = clean(&input, &sub);
        let cleaned = fs::read(&out).unwrap();
        assert!(!contains(&cleaned, PLANTED), "{what}: a planted value survived");
        assert_clean_and_stable(&out, &cleaned, &sub, what);
    }
    let mut no_id = original.clone();
    let exif = no_id.windows(4).position(|w| w == b"Exif").unwrap();
    assert_eq!(&no_id[exif - 4..exif - 2], &[0, 2]);
    no_id[exif - 3] = 0;
    let err = refused_with_no_output(dir.path(), "avif-phone.avif", "infe id", &no_id);
    assert!(err.contains("no entry in 'iinf'"), "{err}");
}

/// A damaged timed metadata track or a damaged track `udta` (the mutation test's leaks, seeds
/// 7003021105 and 7003021409 of the MOV, 7004021510 of the GoPro MP4): refused, not written
/// with the metadata left in. A track whose sample table cannot be read whole would leave its
/// samples in `mdat`; a box of a damaged or unknown type where `udta` lives would be copied.
#[test]
fn damaged_metadata_tracks_and_boxes_are_refused() {
    let dir = scratch();
    let find = |b: &[u8], what: &[u8], from: usize| {
        from + b[from..].windows(what.len()).position(|w| w == what).unwrap()
    };
    let before = |b: &[u8], what: &[u8], to: usize| b[..to].windows(4).rposition(|w| w == what).unwrap();
    let mov = fs::read(media("mov-iphone.mov")).unwrap();
    let gopro = fs::read(media("mp4-gopro.mp4")).unwrap();
    let edit = |original: &[u8], at: usize, new: &[u8]| {
        let mut b = original.to_vec();
        b[at..at + new.len()].copy_from_slice(new);
        b
    };
    // The mebx track's sample table, and the track udta holding the planted Make.
    let mebx_stbl = before(&mov, b"stbl", find(&mov, b"mebx", 0));
    let track_udta = before(&mov, b"udta", find(&mov, b"PKSECRET-track-udta", 0) - 4);
    // The gpmd track's sample-to-chunk table: its first run's first chunk, and its chunk
    // offsets.
    let gpmd = find(&gopro, b"gpmd", 0);
    let gpmd_stsc = find(&gopro, b"stsc", gpmd);
    let gpmd_stco = find(&gopro, b"stco", gpmd);
    let cases = [
        (
            "mov-iphone.mov",
            "mebx-stbl",
            edit(&mov, mebx_stbl, b"strl"),
            "sample table",
        ),
        (
            "mov-iphone.mov",
            "udta-nul",
            edit(&mov, track_udta, b"udt\0"),
            "no valid type ('udt?') in 'trak'",
        ),
        (
            "mov-iphone.mov",
            "udta-renamed",
            edit(&mov, track_udta, b"udtq"),
            "unknown box 'udtq' in 'trak'",
        ),
        (
            "mp4-gopro.mp4",
            "stsc-first",
            edit(&gopro, gpmd_stsc + 12, &0x1001u32.to_be_bytes()),
            "sample table",
        ),
        (
            "mp4-gopro.mp4",
            "stco-renamed",
            edit(&gopro, gpmd_stco, b"stcx"),
            "sample table",
        ),
    ];
    for (name, what, bytes, message) in &cases {
        let err = refused_with_no_output(dir.path(), name, what, bytes);
        assert!(err.contains(message), "{name} {what}: {err}");
    }
}

/// Where each top-level `mdat` of a (32-bit sized) MP4 starts, and its size.
fn mdats(b: &[u8]) -> Vec<(usize, usize)> {
    let (mut pos, mut out) = (0, Vec::new());
    while pos + 8 <= b.len() {
        let size = u32::from_be_bytes(b[pos..pos + 4].try_into().unwrap()) as usize;
        if &b[pos + 4..pos + 8] == b"mdat" {
            out.push((pos, size));
        }
        pos += size.max(8);
    }
    out
}

/// A timed metadata track goes with its samples: they are zeroed where they were (so `mdat`
/// keeps its size and is copied in one range), and every other sample stays (the streams
/// compare equal above).
#[test]
fn metadata_tracks_samples_are_zeroed_in_place() {
    if !have("ffprobe") {
        return;
    }
    let dir = scratch();
    for name in ["mov-iphone.mov", "mp4-gopro.mp4"] {
        let input = media(name);
        let probe = Command::new("ffprobe")
            .args(["-v", "error", "-select_streams", "d", "-show_entries"])
            .args(["packet=pos,size", "-of", "default=nw=1"])
            .arg(&input)
            .output()
            .unwrap();
        let mut samples: Vec<(usize, usize)> = Vec::new();
        let mut size = 0;
        for line in String::from_utf8_lossy(&probe.stdout).lines() {
            match line.trim().split_once('=') {
                Some(("size", v)) => size = v.parse().unwrap(),
                Some(("pos", v)) => samples.push((v.parse().unwrap(), size)),
                _ => {}
            }
        }
        assert!(!samples.is_empty(), "{name}: no metadata samples found");
        let before = fs::read(&input).unwrap();
        let out = fs::read(clean(&input, dir.path())).unwrap();
        let (old, new) = (mdats(&before), mdats(&out));
        let sizes = |m: &[(usize, usize)]| m.iter().map(|x| x.1).collect::<Vec<_>>();
        assert_eq!(sizes(&new), sizes(&old), "{name}: mdat changed size");
        for (pos, size) in samples {
            let i = old
                .iter()
                .position(|&(at, n)| pos >= at && pos + size <= at + n)
                .expect("a sample outside mdat");
            assert!(
                before[pos..pos + size].iter().any(|&b| b != 0),
                "{name}: an empty sample"
            );
            let at = pos - old[i].0 + new[i].0;
            assert!(
                out[at..at + size].iter().all(|&b| b == 0),
                "{name}: sample at {pos} not zeroed"
            );
        }
    }
}

/// Fragmented files with a timed metadata track (as ffmpeg writes them from the iPhone MOV):
/// the track's `traf` leaves every `moof` with its samples, the other tracks' data offsets
/// (moof-relative, or explicit base offsets) follow.
#[test]
fn fragmented_metadata_tracks_leave_every_fragment() {
    if !have("ffmpeg") {
        return;
    }
    let dir = scratch();
    for flags in [
        "frag_keyframe+empty_moov",
        "frag_keyframe+empty_moov+default_base_moof",
        "frag_keyframe+default_base_moof",
    ] {
        let input = dir.path().join(format!("{}.mov", flags.replace('+', "-")));
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(media("mov-iphone.mov"))
            .args(["-map", "0", "-c", "copy", "-movflags", flags])
            .args(["-frag_duration", "200000", "-f", "mov"])
            .arg(&input)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(contains(&fs::read(&input).unwrap(), b"PKSECRET-mebx"));
        let out = clean(&input, dir.path());
        let bytes = fs::read(&out).unwrap();
        assert!(!contains(&bytes, PLANTED), "{flags}: a planted value survived");
        same_streams_and_plays(&input, &out, flags);
        assert_clean_and_stable(&out, &bytes, dir.path(), flags);
    }
}

/// The top-level boxes of a (32-bit sized) file: (type, start, size).
fn top_boxes(b: &[u8]) -> Vec<([u8; 4], usize, usize)> {
    let (mut pos, mut out) = (0, Vec::new());
    while pos + 8 <= b.len() {
        let size = u32::from_be_bytes(b[pos..pos + 4].try_into().unwrap()) as usize;
        out.push((b[pos + 4..pos + 8].try_into().unwrap(), pos, size));
        pos += size.max(8);
    }
    out
}

/// Segment indexes (one per track, as ffmpeg's global_sidx writes them) stay right when the
/// metadata track leaves every moof: each reference of each kept `sidx` still starts a `moof`
/// (or a `sidx`) and the last ends where a box ends; the dropped track's index becomes `free`.
#[test]
fn segment_indexes_stay_right() {
    let dir = scratch();
    let input = media("mov-sidx.mov");
    let out = fs::read(clean(&input, dir.path())).unwrap();
    let tops = top_boxes(&out);
    let starts: Vec<usize> = tops.iter().map(|t| t.1).chain([out.len()]).collect();
    let mut indexes = 0;
    for &(kind, start, size) in &tops {
        if &kind != b"sidx" {
            continue;
        }
        indexes += 1;
        let body = &out[start + 8..start + size];
        let u32_at = |at: usize| u32::from_be_bytes(body[at..at + 4].try_into().unwrap()) as usize;
        // Version 1 (as ffmpeg writes it) has 64-bit times and offsets.
        let (first, refs) = match body[0] {
            0 => (u32_at(16), 24),
            _ => ((u32_at(20) << 32) | u32_at(24), 32),
        };
        let mut at = start + size + first;
        let count = u16::from_be_bytes([body[refs - 2], body[refs - 1]]) as usize;
        assert!(count > 1);
        for i in 0..count {
            let reference = u32_at(refs + 12 * i);
            let want: &[u8] = if reference >> 31 == 1 { b"sidx" } else { b"moof" };
            assert_eq!(&out[at + 4..at + 8], want, "reference {i} of the sidx at {start}");
            at += reference & 0x7fff_ffff;
            assert!(starts.contains(&at), "reference {i} ends inside a box");
        }
    }
    assert_eq!(indexes, 2, "the video's and the sound's indexes are kept");
    let input_tops = top_boxes(&fs::read(&input).unwrap());
    assert_eq!(input_tops.iter().filter(|t| &t.0 == b"sidx").count(), 3);
}
