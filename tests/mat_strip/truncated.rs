//! Files cut short at their end (as ExifTool's own samples are, after their metadata): cleaned
//! with a warning when the cut falls inside data mat-strip copies without reading it (samples,
//! clusters, the movi list, audio pages) or inside a chunk it drops anyway, the bytes kept up
//! to the same cut; refused (65, no output) when it falls inside something that must be read to
//! be cleaned or kept.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::mkv_avi::{find as find_element, CLUSTER, CUES, INFO, TAGS};
use super::{cleaned_name, contains, fixture_dir, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

/// `bytes` written to `dir/name` is cleaned: exit 0, one warning naming the file and the cut,
/// no planted value left, and cleaning the output again gives the same bytes (and the same
/// warning, where the output is still cut). Returns the output.
fn cleaned_with_warning(dir: &Path, name: &str, bytes: &[u8]) -> Vec<u8> {
    let input = dir.join(name);
    fs::write(&input, bytes).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{name}: {err}");
    assert_eq!(err.lines().count(), 1, "{name}: {err}");
    assert!(
        err.contains("warning") && err.contains(name) && err.contains("cleaned what is there"),
        "{name}: {err}"
    );
    let cleaned = fs::read(cleaned_name(&input)).unwrap();
    assert!(!contains(&cleaned, PLANTED), "{name}: a planted value is left");
    // (ffmpeg reads an ID3v1 tag after a cut MP3 frame as part of that frame's packet: there
    // the test compares the frames byte for byte instead.)
    let id3v1 = bytes.len() >= 128 && bytes[bytes.len() - 128..].starts_with(b"TAG");
    if have("ffmpeg") && !id3v1 {
        assert_eq!(
            streams(&input),
            streams(&cleaned_name(&input)),
            "{name}: ffmpeg reads other packets from the output"
        );
    }
    let again = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(cleaned_name(&input))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{name}: {}", stderr_of(&again));
    assert_eq!(again.stdout, cleaned, "{name}: cleaning twice changes the file");
    cleaned
}

/// ffmpeg's hash of every packet of the audio and video streams (not cover art) it reads from
/// `path`, as far as it can read them.
fn streams(path: &Path) -> String {
    let out = Command::new("ffmpeg")
        .args(["-v", "quiet", "-i"])
        .arg(path)
        .args([
            "-map",
            "0:V?",
            "-map",
            "0:a?",
            "-c",
            "copy",
            "-f",
            "streamhash",
            "-",
        ])
        .output()
        .unwrap();
    stdout_of(&out)
}

/// The fixture `name` cleaned whole, for comparing with its cut copies.
fn whole_cleaned(name: &str) -> Vec<u8> {
    let out = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(media(name))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
    out.stdout
}

fn refused(dir: &Path, name: &str, bytes: &[u8], message: &str) {
    let input = dir.join(name);
    fs::write(&input, bytes).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(65), "{name}: {err}");
    assert_eq!(err.lines().count(), 1, "{name}: {err}");
    assert!(err.contains(message), "{name}: {err}");
    assert!(!cleaned_name(&input).exists(), "{name}: output left");
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

/// WAV and AIFF cut inside their samples: the samples kept as far as they go, byte for byte,
/// the chunk sizes as declared; cut inside a trailing metadata chunk: the chunk removed.
#[test]
fn wav_and_aiff_cut_in_their_samples_or_a_dropped_chunk_are_cleaned() {
    let dir = scratch();
    let wav = fs::read(media("wav-bwf.wav")).unwrap();
    let data = find(&wav, b"data");
    let cut = &wav[..data + 40_000];
    let out = cleaned_with_warning(dir.path(), "samples.wav", cut);
    let at = find(&out, b"data");
    assert_eq!(&out[at..], &cut[data..], "the samples up to the cut");
    assert_eq!(&out[..4], b"RIFF");

    // Cut inside the id3 chunk after the samples: every sample kept, the tag gone.
    let id3 = find(&wav, b"id3 ");
    let out = cleaned_with_warning(dir.path(), "tag.wav", &wav[..id3 + 20]);
    let at = find(&out, b"data");
    let data_total = 8 + u32::from_le_bytes(wav[data + 4..data + 8].try_into().unwrap()) as usize;
    assert_eq!(&out[at..], &wav[data..data + data_total]);

    let aiff = fs::read(media("aiff-tagged.aiff")).unwrap();
    let ssnd = find(&aiff, b"SSND");
    let cut = &aiff[..ssnd + 5000];
    let out = cleaned_with_warning(dir.path(), "samples.aiff", cut);
    assert_eq!(&out[find(&out, b"SSND")..], &cut[ssnd..]);
}

/// A WAV written to a pipe (RIFF and data sizes 0xFFFFFFFF, the samples running to the end):
/// cleaned as a file cut inside its samples, its RIFF size as it was.
#[test]
fn wav_written_to_a_pipe_is_cleaned() {
    let dir = scratch();
    let wav = fs::read(media("wav-bwf.wav")).unwrap();
    let mut piped = b"RIFF\xff\xff\xff\xffWAVE".to_vec();
    piped.extend_from_slice(&wav[12..36]); // fmt
    let info = b"INFOINAM\x10\0\0\0PKSECRET-title\0\0";
    piped.extend_from_slice(b"LIST");
    piped.extend_from_slice(&(info.len() as u32).to_le_bytes());
    piped.extend_from_slice(info);
    let data = find(&wav, b"data");
    piped.extend_from_slice(b"data\xff\xff\xff\xff");
    piped.extend_from_slice(&wav[data + 8..data + 8 + 5000]);
    let out = cleaned_with_warning(dir.path(), "piped.wav", &piped);
    assert_eq!(&out[4..8], b"\xff\xff\xff\xff", "the RIFF size as it was");
    assert!(
        out.ends_with(&piped[piped.len() - 5008..]),
        "the samples as they were"
    );
}

/// A cut that is not in the samples or a dropped chunk, or a size that runs past the end of a
/// container that is itself whole: refused as before.
#[test]
fn wav_and_aiff_cut_elsewhere_are_refused() {
    let dir = scratch();
    let wav = fs::read(media("wav-bwf.wav")).unwrap();
    refused(dir.path(), "fmt.wav", &wav[..30], "truncated WAV: 'fmt ' chunk");
    // A header cut in the middle.
    refused(dir.path(), "head.wav", &wav[..40], "stray bytes");
    let mut lying = wav.clone();
    let data = find(&lying, b"data");
    lying[data + 4..data + 8].copy_from_slice(&0x7fff_0000u32.to_le_bytes());
    refused(dir.path(), "lying.wav", &lying, "truncated WAV: 'data' chunk");
    let aiff = fs::read(media("aiff-tagged.aiff")).unwrap();
    refused(
        dir.path(),
        "comm.aiff",
        &aiff[..60],
        "truncated AIFF: 'COMM' chunk",
    );
}

/// A RIFF size that ends inside a chunk while the chunks tile the file to its end (ExifTool's
/// RIFF.wav sample): the chunks are followed, as exiftool and ffmpeg read them.
#[test]
fn wav_whose_riff_size_ends_inside_its_chunks_is_cleaned() {
    let dir = scratch();
    let mut wav = fs::read(media("wav-bwf.wav")).unwrap();
    let short = (wav.len() - 8 - 100) as u32;
    wav[4..8].copy_from_slice(&short.to_le_bytes());
    let input = dir.path().join("short.wav");
    fs::write(&input, &wav).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("its RIFF size ends 100 bytes before its chunks do"),
        "{err}"
    );
    let cleaned = fs::read(cleaned_name(&input)).unwrap();
    assert!(!contains(&cleaned, PLANTED));
    let data = find(&wav, b"data");
    let total = 8 + u32::from_le_bytes(wav[data + 4..data + 8].try_into().unwrap()) as usize;
    assert!(cleaned.ends_with(&wav[data..data + total]));
    let riff = u32::from_le_bytes(cleaned[4..8].try_into().unwrap()) as usize;
    assert_eq!(riff + 8, cleaned.len(), "the RIFF size made right");
}

/// Where the 4-byte ID `id` first stands in a file (the Segment's comes before any other).
fn element_at(bytes: &[u8], id: u32) -> usize {
    find(bytes, &id.to_be_bytes())
}

const TRACKS: u64 = 0x1654_AE6B;

/// Matroska cut inside a cluster, inside the Cues, or between two elements of the Segment:
/// cleaned in place, so the output has the input's length and differs only where metadata was.
#[test]
fn matroska_cut_in_a_cluster_or_after_an_element_is_cleaned() {
    let dir = scratch();
    let mkv = fs::read(media("mkv-tagged.mkv")).unwrap();
    let whole = whole_cleaned("mkv-tagged.mkv");
    let (cluster, cues) = (find_element(&mkv, CLUSTER), find_element(&mkv, CUES));
    for (name, cut) in [
        ("cluster.mkv", cluster + 1000),
        ("cues.mkv", cues + 5),
        ("between.mkv", cues),
    ] {
        let out = cleaned_with_warning(dir.path(), name, &mkv[..cut]);
        // Same bytes as the whole file cleaned, up to the same cut: the clusters untouched.
        assert_eq!(out, whole[..cut], "{name}");
    }
    // A Segment of unknown size (a live recording) runs to the end of the input: cut inside a
    // cluster, it is cleaned the same way; whole, with no warning.
    let mut live = mkv.clone();
    let segment = element_at(&mkv, 0x1853_8067);
    live[segment + 4..segment + 12].copy_from_slice(&[0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    cleaned_with_warning(dir.path(), "live.mkv", &live[..cluster + 1000]);
    let input = dir.path().join("live-whole.mkv");
    fs::write(&input, &live).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!stderr_of(&out).contains("warning"), "{}", stderr_of(&out));
    let webm = fs::read(media("webm-tagged.webm")).unwrap();
    let cluster = find_element(&webm, CLUSTER);
    let out = cleaned_with_warning(dir.path(), "cluster.webm", &webm[..cluster + 3000]);
    assert_eq!(&out[cluster..], &webm[cluster..cluster + 3000]);
}

/// Matroska cut inside an element that is rewritten or removed (Info, Tracks, Tags), or whose
/// cluster runs past the end of a Segment that is whole: refused.
#[test]
fn matroska_cut_in_its_headers_or_tags_is_refused() {
    let dir = scratch();
    let mkv = fs::read(media("mkv-tagged.mkv")).unwrap();
    for (name, id) in [("info.mkv", INFO), ("tracks.mkv", TRACKS), ("tags.mkv", TAGS)] {
        let cut = find_element(&mkv, id) + 20;
        refused(dir.path(), name, &mkv[..cut], "truncated Matroska");
    }
}

/// AVI cut inside its movi list or its index, or after its last complete chunk (ExifTool's
/// RIFF.avi): zeroed in place as a whole file is, the RIFF size as it was; cut inside hdrl or
/// a list that is zeroed: refused.
#[test]
fn avi_cut_in_its_video_data_is_cleaned_and_in_its_headers_refused() {
    let dir = scratch();
    let avi = fs::read(media("avi-info.avi")).unwrap();
    let whole = whole_cleaned("avi-info.avi");
    let (movi, idx1, pmx) = (find(&avi, b"movi"), find(&avi, b"idx1"), find(&avi, b"_PMX"));
    for (name, cut) in [
        ("movi.avi", movi + 5000),
        ("idx1.avi", idx1 + 100),
        ("between.avi", pmx),
    ] {
        let out = cleaned_with_warning(dir.path(), name, &avi[..cut]);
        assert_eq!(out, whole[..cut], "{name}");
    }
    refused(dir.path(), "hdrl.avi", &avi[..200], "truncated AVI: 'LIST' chunk");
    let info = find(&avi, b"INFO");
    refused(
        dir.path(),
        "info.avi",
        &avi[..info + 20],
        "truncated AVI: 'LIST' chunk",
    );
    refused(
        dir.path(),
        "pmx.avi",
        &avi[..pmx + 100],
        "truncated AVI: '_PMX' chunk",
    );
}

/// The length of the ID3v2 tag at the start of an MP3.
fn id3_len(mp3: &[u8]) -> usize {
    10 + mp3[6..10].iter().fold(0usize, |v, &b| (v << 7) | b as usize)
}

/// MP3 cut inside its last frame, with or without an ID3v1 tag after the cut (as in ExifTool's
/// MP3.mp3): the frames kept up to the cut, byte for byte, the tags removed; cut inside the
/// ID3v2 tag: refused.
#[test]
fn mp3_cut_in_its_frames_is_cleaned_and_in_its_tag_refused() {
    let dir = scratch();
    let mp3 = fs::read(media("mp3-id3v24.mp3")).unwrap();
    let start = id3_len(&mp3);
    let cut = mp3.len() - 100;
    let out = cleaned_with_warning(dir.path(), "frames.mp3", &mp3[..cut]);
    assert_eq!(out, mp3[start..cut]);
    // The same cut followed by an ID3v1 tag.
    let mut v1 = b"TAG".to_vec();
    v1.extend_from_slice(b"PKSECRET-title");
    v1.resize(128, 0);
    let out = cleaned_with_warning(dir.path(), "v1.mp3", &[&mp3[..cut], &v1[..]].concat());
    assert_eq!(out, mp3[start..cut]);
    // Only the header of the first frame left.
    let out = cleaned_with_warning(dir.path(), "one.mp3", &[&mp3[..start + 4], &v1[..]].concat());
    assert_eq!(out, mp3[start..start + 4]);
    refused(
        dir.path(),
        "tag.mp3",
        &mp3[..start - 10],
        "truncated MP3: ID3v2 tag",
    );
}

/// Ogg Vorbis and Opus cut inside an audio page (its body, or its lacing table as in
/// ExifTool's Vorbis.ogg): the header pages cleaned, the audio pages copied up to the same cut,
/// so the output is the whole file's cleaned output cut as short; cut in the header pages:
/// refused.
#[test]
fn ogg_cut_in_an_audio_page_is_cleaned_and_in_its_headers_refused() {
    let dir = scratch();
    // (FLAC-in-Ogg's headers take fewer pages once cleaned: its later pages are renumbered,
    // the cut one too where its header is whole.)
    for name in ["ogg-vorbis-tagged.ogg", "opus-tagged.opus", "oga-flac-tagged.oga"] {
        let ogg = fs::read(media(name)).unwrap();
        let whole = whole_cleaned(name);
        let pages = super::ogg::pages(&ogg);
        let last = pages.last().unwrap().3;
        // Inside the body, inside the lacing table, inside the fixed header, inside "OggS"
        // (where the page keeps its number).
        let renumbered = name.ends_with(".oga");
        for cut in [ogg.len() - 10, last + 28, last + 10, last + 2] {
            if renumbered && cut != ogg.len() - 10 {
                refused(dir.path(), &format!("{cut}-{name}"), &ogg[..cut], "Ogg");
                continue;
            }
            let short = ogg.len() - cut;
            let out = cleaned_with_warning(dir.path(), &format!("{cut}-{name}"), &ogg[..cut]);
            assert_eq!(out, whole[..whole.len() - short], "{name} cut at {cut}");
        }
        let second = pages[1].3;
        refused(
            dir.path(),
            &format!("head-{name}"),
            &ogg[..second + 15],
            "truncated Ogg",
        );
    }
}

/// FLAC-in-Ogg whose header packets stop, whole, after the comment block while the mapping
/// announced more (ExifTool's FLAC.ogg): cleaned, the output's headers made complete (the
/// comment flagged last, the count right); the comment itself cut: refused.
#[test]
fn flac_ogg_cut_after_its_comment_block_is_cleaned() {
    use super::ogg::page;
    let dir = scratch();
    let mut id = b"\x7fFLAC\x01\x00\x00\x02fLaC".to_vec();
    id.extend_from_slice(&[0, 0, 0, 34]);
    id.extend_from_slice(&[0x12, 0, 0x12, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xf4, 0x02, 0x70]);
    id.resize(51, 0);
    let vendor = b"PKSECRET-vendor";
    let mut comment = vec![4, 0, 0, 0];
    comment.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
    comment.extend_from_slice(vendor);
    comment.extend_from_slice(&1u32.to_le_bytes());
    let tag = b"TITLE=PKSECRET-title";
    comment.extend_from_slice(&(tag.len() as u32).to_le_bytes());
    comment.extend_from_slice(tag);
    comment[3] = (comment.len() - 4) as u8;
    let first = page(2, 0, 7, 0, &[51], &id);
    let file = [first.clone(), page(0, 0, 7, 1, &[comment.len() as u8], &comment)].concat();
    let out = cleaned_with_warning(dir.path(), "flac.ogg", &file);
    assert_eq!(
        &out[27 + 1 + 7..27 + 1 + 9],
        &[0, 1],
        "one header packet announced"
    );
    let second = 27 + 1 + 51;
    assert_eq!(out[second + 27 + 1], 0x84, "the comment block flagged last");
    // The comment packet itself cut (its page ends on a lacing value of 255).
    let mut long = comment.clone();
    long.resize(255, 0);
    let cut = [first, page(0, 0, 7, 1, &[255], &long)].concat();
    refused(dir.path(), "comment.ogg", &cut, "ends inside its header packets");
}

/// The top-level boxes of an ISO base media file: (type, start, size), as far as they go.
fn boxes(bytes: &[u8]) -> Vec<([u8; 4], usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let mut size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if size == 1 {
            size = u64::from_be_bytes(bytes[at + 8..at + 16].try_into().unwrap()) as usize;
        }
        out.push((bytes[at + 4..at + 8].try_into().unwrap(), at, size));
        at += size.max(8);
    }
    out
}

/// The start of the `n`th top-level box of type `kind`.
fn nth_box(bytes: &[u8], kind: &[u8; 4], n: usize) -> usize {
    boxes(bytes).iter().filter(|b| &b.0 == kind).nth(n).unwrap().1
}

/// MP4/MOV cut inside its sample data (the last `mdat` there is, moov whole before it), after
/// a complete `moof`, or inside its fragment index (removed): cleaned as the whole file is, the
/// output the whole file's output up to the same cut (`mdat` as declared, chunk offsets moved
/// with the `moov`); the samples of a metadata track past the cut in the same `mdat` are simply
/// not there.
#[test]
fn mp4_cut_in_its_media_data_is_cleaned() {
    let dir = scratch();
    for (file, kind, n, into) in [
        ("mp4-tagged.mp4", b"mdat", 0, 5000),
        ("m4a-tagged.m4a", b"mdat", 0, 3000),
        ("mov-iphone.mov", b"mdat", 1, 100),
        ("mp4-gopro.mp4", b"mdat", 1, 300),
        ("mp4-fragmented.mp4", b"mdat", 1, 1000),
        ("mov-sidx.mov", b"mdat", 1, 1000),
        ("mp4-fragmented.mp4", b"mfra", 0, 100),
    ] {
        let bytes = fs::read(media(file)).unwrap();
        let whole = whole_cleaned(file);
        let cut = nth_box(&bytes, kind, n) + into;
        let name = format!("{}-{n}-{file}", String::from_utf8_lossy(kind));
        let out = cleaned_with_warning(dir.path(), &name, &bytes[..cut]);
        assert!(
            whole.starts_with(&out),
            "{name}: not the whole file's output up to the cut"
        );
        if kind == b"mdat" {
            // What precedes the cut shrank or stayed: the output ends at the same sample byte.
            let moved = bytes.len()
                - whole.len()
                - boxes(&bytes)
                    .iter()
                    .filter(|b| &b.0 == b"mfra")
                    .map(|b| b.2)
                    .sum::<usize>();
            assert_eq!(out.len(), cut - moved, "{name}");
        }
    }
}

/// MP4/MOV cut inside its `moov`, a `moof`, a `uuid` box or a box header, or whose `moov` comes
/// after the `mdat` it is cut in (a camera file: nothing says what the samples are), or a
/// metadata track's samples past the cut in a later `mdat`: refused. HEIF/AVIF cut inside
/// `meta`: refused.
#[test]
fn mp4_cut_in_its_headers_is_refused() {
    let dir = scratch();
    let mp4 = fs::read(media("mp4-tagged.mp4")).unwrap();
    let moov = nth_box(&mp4, b"moov", 0);
    refused(
        dir.path(),
        "moov.mp4",
        &mp4[..moov + 500],
        "truncated MP4: 'moov' box",
    );
    let uuid = nth_box(&mp4, b"uuid", 0);
    refused(
        dir.path(),
        "uuid.mp4",
        &mp4[..uuid + 100],
        "truncated MP4: 'uuid' box",
    );
    let mdat = nth_box(&mp4, b"mdat", 0);
    refused(dir.path(), "header.mp4", &mp4[..mdat + 6], "truncated MP4");
    let frag = fs::read(media("mp4-fragmented.mp4")).unwrap();
    let moof = nth_box(&frag, b"moof", 1);
    refused(
        dir.path(),
        "moof.mp4",
        &frag[..moof + 100],
        "truncated MP4: 'moof' box",
    );
    // A metadata track's samples in an `mdat` after the one that is cut: where they are cannot
    // be checked against a box.
    let mov = fs::read(media("mov-iphone.mov")).unwrap();
    let cut = nth_box(&mov, b"mdat", 0) + 9000;
    refused(dir.path(), "later.mov", &mov[..cut], "lie outside 'mdat'");
    // The moov after the samples: ftyp, then an mdat cut short.
    let ftyp = boxes(&mp4)[0].2;
    let camera = [&mp4[..ftyp], &mp4[mdat..mdat + 4000]].concat();
    refused(
        dir.path(),
        "camera.mp4",
        &camera,
        "no 'moov' box (the file is cut short",
    );
    for file in ["heic-phone.heic", "avif-phone.avif"] {
        let bytes = fs::read(media(file)).unwrap();
        let meta = nth_box(&bytes, b"meta", 0);
        refused(
            dir.path(),
            file,
            &bytes[..meta + 100],
            "truncated HEIF: 'meta' box",
        );
    }
}

/// HEIF/AVIF cut inside `mdat` (`meta` whole before it): the image items' data kept as far as
/// it goes, their `iloc` extents as declared; the removed items' data that is there goes as in
/// the whole file, the rest is not there. The output is the whole file's output up to a cut.
#[test]
fn heif_cut_in_its_image_data_is_cleaned() {
    let dir = scratch();
    for file in ["heic-phone.heic", "avif-phone.avif"] {
        let bytes = fs::read(media(file)).unwrap();
        let whole = whole_cleaned(file);
        let mdat = nth_box(&bytes, b"mdat", 0);
        for into in [100, 1000, 3000, bytes.len() - mdat - 7] {
            let name = format!("{into}-{file}");
            let out = cleaned_with_warning(dir.path(), &name, &bytes[..mdat + into]);
            assert!(
                whole.starts_with(&out),
                "{name}: not the whole file's output up to the cut"
            );
        }
        // Cut early enough, the image data itself is cut: the output is too.
        let out = cleaned_with_warning(dir.path(), "early.heif", &bytes[..mdat + 100]);
        assert!(out.len() < whole.len(), "{file}");
    }
}
