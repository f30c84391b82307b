//! mat-strip against a hostile folder: links and special files planted where it writes, FIFOs
//! where it reads, files named like its own outputs (issue 19); the inputs fuzzing found.

use std::fs;
use std::io::Read;
use std::os::unix::fs::{symlink, FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{cleaned_name, contains, copy_in, fixture_dir, PLANTED};
use crate::common::{entries, scratch, stderr_of, stdout_of, BIN};

/// O_NONBLOCK on Linux (the test crate does not depend on libc for one constant).
const O_NONBLOCK: i32 = 0o4000;

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

/// Runs `privkit ARGS` and waits for it; a run still going after a minute is killed and the
/// test fails: these are the cases that used to block forever on a FIFO.
fn run_or_hang(args: &[&std::ffi::OsStr]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("privkit {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// Regression: a symlink planted at `X.cleaned.EXT` was written through (a block device, the
/// operator's terminal). Here it points to a FIFO outside the folder with a reader waiting, the
/// way a terminal would take whatever is written: nothing may reach it, and a link to a regular
/// file outside leaves that file as it was. The links are replaced by the cleaned files.
#[test]
fn a_link_planted_at_the_output_name_is_never_written_through() {
    let dir = scratch();
    let up = dir.path().join("up");
    let outside = dir.path().join("outside");
    fs::create_dir_all(&up).unwrap();
    fs::create_dir_all(&outside).unwrap();
    let b = copy_in(&up, &fixture_dir().join("png-rgb.png"));
    let c = copy_in(&up, &fixture_dir().join("jpeg-baseline.jpg"));
    let fifo = outside.join("tty");
    mkfifo(&fifo);
    let mut reader = fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let victim = outside.join("victim");
    fs::write(&victim, b"precious").unwrap();
    symlink(&fifo, cleaned_name(&b)).unwrap();
    symlink(&victim, cleaned_name(&c)).unwrap();

    let out = run_or_hang(&[os("mat-strip"), os("-r"), up.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let mut got = Vec::new();
    let _ = reader.read_to_end(&mut got);
    assert!(got.is_empty(), "{} bytes written through the link", got.len());
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    for input in [&b, &c] {
        let dest = cleaned_name(input);
        let meta = fs::symlink_metadata(&dest).unwrap();
        assert!(meta.is_file(), "{}: still a link", dest.display());
        assert!(!contains(&fs::read(&dest).unwrap(), PLANTED));
    }
}

/// Regression: a FIFO at `X.cleaned.EXT` blocked `-r` forever. A special file where a derived
/// output would go is refused with 73 and left alone; the rest of the batch goes on.
#[test]
fn a_fifo_planted_at_the_output_name_is_refused() {
    let dir = scratch();
    let up = dir.path().join("up");
    fs::create_dir_all(&up).unwrap();
    let a = copy_in(&up, &fixture_dir().join("png-palette.png"));
    let b = copy_in(&up, &fixture_dir().join("png-rgb.png"));
    mkfifo(&cleaned_name(&a));
    let out = run_or_hang(&[os("mat-strip"), os("-r"), up.as_os_str()]);
    assert_eq!(out.status.code(), Some(73), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    // One error line, then the batch summary (issue 16).
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("privkit mat-strip: "))
            .count(),
        1,
        "{err}"
    );
    assert!(err.contains("failed 1"), "{err}");
    assert!(
        err.starts_with(&format!("privkit mat-strip: {}: ", cleaned_name(&a).display())),
        "{err}"
    );
    assert!(err.contains("not a regular file"), "{err}");
    assert!(fs::symlink_metadata(cleaned_name(&a))
        .unwrap()
        .file_type()
        .is_fifo());
    assert!(cleaned_name(&b).exists(), "the rest of the batch is cleaned");
    assert!(
        !entries(&up).iter().any(|e| e.ends_with(".tmp")),
        "{:?}",
        entries(&up)
    );
}

/// Regression: `mkfifo f.jpg; mat-strip f.jpg` (also --check, -i) waited forever for a writer.
#[test]
fn a_fifo_given_as_input_is_refused_at_once() {
    let dir = scratch();
    let fifo = dir.path().join("f.jpg");
    mkfifo(&fifo);
    for flag in [None, Some("--check"), Some("--show"), Some("-i")] {
        let mut args = vec![os("mat-strip")];
        args.extend(flag.map(os));
        args.push(fifo.as_os_str());
        let out = run_or_hang(&args);
        assert_eq!(out.status.code(), Some(66), "{flag:?}: {}", stderr_of(&out));
        assert_eq!(
            stderr_of(&out),
            format!(
                "privkit mat-strip: {}: is a FIFO, not a regular file\n",
                fifo.display()
            ),
            "{flag:?}"
        );
    }
    assert_eq!(entries(dir.path()), ["f.jpg"]);
}

/// Regression: --check -r and -i -r skipped every name containing `.cleaned.`, so renaming a
/// file got it past a pre-commit check. Only the exact output of a sibling input is skipped,
/// and each skipped file is listed.
#[test]
fn only_the_outputs_of_sibling_inputs_are_skipped() {
    let dir = scratch();
    let a = copy_in(dir.path(), &fixture_dir().join("png-rgb.png"));
    fs::copy(&a, cleaned_name(&a)).unwrap();
    let sneaky = dir.path().join("holiday.cleaned.png");
    fs::copy(&a, &sneaky).unwrap();
    fs::remove_file(&a).unwrap();
    let b = copy_in(dir.path(), &fixture_dir().join("png-palette.png"));
    let b_out = cleaned_name(&b);
    fs::copy(&b, &b_out).unwrap();

    let out = run_or_hang(&[os("mat-strip"), os("--check"), os("-r"), dir.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    // png-rgb.cleaned.png has no png-rgb.png beside it: checked like any file.
    assert!(
        text.contains(&format!("{}: metadata found", cleaned_name(&a).display())),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}: metadata found", sneaky.display())),
        "{text}"
    );
    assert!(text.contains(&format!("{}: skipped", b_out.display())), "{text}");
    assert_eq!(text.lines().count(), 4, "{text}");

    let out = run_or_hang(&[os("mat-strip"), os("-i"), os("-r"), dir.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!contains(&fs::read(&sneaky).unwrap(), PLANTED));
    assert!(
        contains(&fs::read(&b_out).unwrap(), PLANTED),
        "the sibling output was skipped"
    );
    assert!(stdout_of(&out).contains(&format!("{}: skipped", b_out.display())));
}

/// --json lists a skipped file as one object with status "skipped".
#[test]
fn skipped_files_in_json() {
    let dir = scratch();
    let a = copy_in(dir.path(), &fixture_dir().join("png-rgb.png"));
    fs::copy(&a, cleaned_name(&a)).unwrap();
    let out = run_or_hang(&[
        os("mat-strip"),
        os("--check"),
        os("--json"),
        os("-r"),
        dir.path().as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let lines: Vec<serde_json::Value> = stdout_of(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let skipped = lines.iter().find(|l| l["status"] == "skipped").unwrap();
    assert_eq!(skipped["input"], cleaned_name(&a).display().to_string().as_str());
}

/// An SVG element with 100,000 attributes took minutes (a quadratic duplicate check).
#[test]
fn an_svg_element_with_many_attributes_is_read_in_linear_time() {
    let dir = scratch();
    let svg = dir.path().join("many.svg");
    let mut text = String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" \
         xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\"><g",
    );
    for i in 0..100_000 {
        text.push_str(&format!(" a{i}=\"v\""));
    }
    text.push_str(" inkscape:label=\"PKSECRET\"/></svg>");
    fs::write(&svg, &text).unwrap();
    let out = run_or_hang(&[os("mat-strip"), os("--show"), svg.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("PKSECRET"));

    let dup = dir.path().join("dup.svg");
    fs::write(
        &dup,
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><g a=\"1\" b=\"2\" a=\"3\"/></svg>",
    )
    .unwrap();
    let out = run_or_hang(&[os("mat-strip"), dup.as_os_str()]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("corrupt SVG"), "{}", stderr_of(&out));
}

/// Inputs fuzzing found (`fuzz/run.sh 300 mat_strip`), minimised, one file each in
/// testdata/mat-strip/crash/: each is refused (65) with a one-line error, within a minute, and
/// no output is left. mov-mjpeg-chunks-overlap.mov: a Motion JPEG track whose three chunks lie
/// over the same 100 frames (the table's samples add up to more than the file); its hanging
/// form, 30,000 chunks of 10,000 frames in 180 KB, read the same frames for minutes.
#[test]
fn fuzz_findings_are_refused_in_one_line() {
    let dir = scratch();
    let mut seen = 0;
    for entry in fs::read_dir(fixture_dir().join("crash")).unwrap() {
        let input = entry.unwrap().path();
        let out_path = dir.path().join("out");
        let out = run_or_hang(&[os("mat-strip"), os("-o"), out_path.as_os_str(), input.as_os_str()]);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(65), "{}: {err}", input.display());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!err.contains("internal error"), "{err}");
        assert!(!out_path.exists(), "{}: output left", input.display());
        seen += 1;
    }
    assert!(seen >= 1);
}

/// `mjpeg-exif.mov` with its one track's samples replaced: `chunks` chunks all at the start of
/// an `mdat` holding `frame` then `zeros` zero bytes, one `frame`-sized sample each; the track
/// `copies` times.
fn mov_of_overlapping_frames(frame: &[u8], zeros: usize, chunks: u32, copies: usize) -> Vec<u8> {
    let mov = fs::read(fixture_dir().join("media/mjpeg-exif.mov")).unwrap();
    let find = |kind: &[u8]| mov.windows(4).position(|w| w == kind).unwrap() - 4;
    let be = |at: usize| u32::from_be_bytes(mov[at..at + 4].try_into().unwrap());
    let boxed = |kind: &[u8], body: &[u8]| {
        let mut b = (8 + body.len() as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    };
    let mut mdat_body = frame.to_vec();
    mdat_body.resize(frame.len() + zeros, 0);
    let mdat_at = find(b"mdat");
    let mut out = mov[..mdat_at].to_vec();
    let body_at = (out.len() + 8) as u32;
    out.extend(boxed(b"mdat", &mdat_body));
    let mut tables = boxed(
        b"stsc",
        &[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1],
    );
    let mut stsz = vec![0; 4];
    stsz.extend((frame.len() as u32).to_be_bytes());
    stsz.extend(chunks.to_be_bytes());
    tables.extend(boxed(b"stsz", &stsz));
    let mut stco = vec![0; 4];
    stco.extend(chunks.to_be_bytes());
    for _ in 0..chunks {
        stco.extend(body_at.to_be_bytes());
    }
    tables.extend(boxed(b"stco", &stco));
    // stsc, stsz and stco end stbl, which ends minf, mdia, trak and moov: each of their sizes
    // grows by the difference (moov's by the copies too).
    let (moov_at, trak_at, stsc_at) = (find(b"moov"), find(b"trak"), find(b"stsc"));
    let old = (moov_at + be(moov_at) as usize - stsc_at) as u32;
    let mut trak = mov[trak_at..stsc_at].to_vec();
    for kind in [&b"trak"[..], b"mdia", b"minf", b"stbl"] {
        let at = find(kind) - trak_at;
        let size = u32::from_be_bytes(trak[at..at + 4].try_into().unwrap()) + tables.len() as u32 - old;
        trak[at..at + 4].copy_from_slice(&size.to_be_bytes());
    }
    trak.extend(tables);
    let mut moov = mov[moov_at..trak_at].to_vec();
    let size = (moov.len() + trak.len() * copies) as u32;
    moov[..4].copy_from_slice(&size.to_be_bytes());
    out.extend(moov);
    out.extend(trak.repeat(copies));
    out
}

/// Frames laid over each other that stay within the file's size (100,000 samples of one
/// 6-byte frame, its scan unended, before 1 MiB of zeros): each frame's scan was searched for
/// its end to the end of the input, 100 GB of reading; it is searched to the frame's end.
#[test]
fn overlapping_frames_are_not_each_searched_to_the_end_of_the_file() {
    let dir = scratch();
    let input = dir.path().join("overlap.mov");
    fs::write(
        &input,
        mov_of_overlapping_frames(&[0xff, 0xd8, 0xff, 0xda, 0, 2], 1 << 20, 100_000, 1),
    )
    .unwrap();
    let out = run_or_hang(&[os("mat-strip"), os("--check"), input.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

/// 30,000 Motion JPEG tracks without samples (16 MB of `moov`): the movie's fragment defaults
/// (`trex`) were looked for along the whole `moov` for each track (minutes); once.
#[test]
fn many_motion_jpeg_tracks_do_not_make_each_track_slow() {
    let dir = scratch();
    let input = dir.path().join("tracks.mov");
    fs::write(&input, mov_of_overlapping_frames(&[], 16, 0, 30_000)).unwrap();
    let out = run_or_hang(&[os("mat-strip"), os("--check"), input.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

/// An EBML element: its ID, an 8-byte size, its body.
fn ebml(id: &[u8], body: &[u8]) -> Vec<u8> {
    let mut e = id.to_vec();
    e.push(1);
    e.extend_from_slice(&(body.len() as u64).to_be_bytes()[1..]);
    e.extend_from_slice(body);
    e
}

/// 100,000 video track entries of unknown codec (`V_`, all number 0), then 300,000
/// SimpleBlocks of track 2 (none of them): each block looked for its track along the whole
/// list (minutes); the tracks are searched by number.
#[test]
fn many_video_tracks_do_not_make_each_block_slow() {
    let head = ebml(
        &[0x1a, 0x45, 0xdf, 0xa3],
        &[ebml(&[0x42, 0x82], b"matroska"), ebml(&[0x42, 0x87], &[4])].concat(),
    );
    let info = ebml(
        &[0x15, 0x49, 0xa9, 0x66],
        &ebml(&[0x2a, 0xd7, 0xb1], &[0x0f, 0x42, 0x40]),
    );
    let tracks = ebml(&[0x16, 0x54, 0xae, 0x6b], &b"\xae\x84\x86\x82V_".repeat(100_000));
    let mut cluster = vec![0xe7, 0x81, 0];
    cluster.extend(b"\xa3\x84\x82\0\0\0".repeat(300_000));
    let cluster = ebml(&[0x1f, 0x43, 0xb6, 0x75], &cluster);
    let segment = ebml(&[0x18, 0x53, 0x80, 0x67], &[info, tracks, cluster].concat());
    let dir = scratch();
    let input = dir.path().join("tracks.mkv");
    fs::write(&input, [head, segment].concat()).unwrap();
    let out = run_or_hang(&[os("mat-strip"), os("--check"), input.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

/// `mjpeg-exif.wmv` with its video Stream Properties object 100,001 times in its header and
/// 600,000 16-byte data packets of one empty payload each, for stream 5 (none of them): each
/// payload looked for its stream along the whole list (minutes); a stream number is listed
/// once.
#[test]
fn a_stream_repeated_in_the_asf_header_does_not_make_each_payload_slow() {
    let wmv = fs::read(super::avi::media("mjpeg-exif.wmv")).unwrap();
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let header_len = u64_at(&wmv, 16) as usize;
    let mut header = wmv[..30].to_vec();
    let mut at = 30;
    while at < header_len {
        let len = u64_at(&wmv, at + 16) as usize;
        let object = &wmv[at..at + len];
        // File Properties (its packets of 16 bytes) and Stream Properties (repeated).
        match object[0] {
            0xa1 => {
                header.extend_from_slice(&object[..92]);
                header.extend(16u32.to_le_bytes().repeat(2));
                header.extend_from_slice(&object[100..]);
            }
            0x91 => header.extend(object.repeat(100_001)),
            _ => header.extend_from_slice(object),
        }
        at += len;
    }
    let objects = u32::from_le_bytes(header[24..28].try_into().unwrap()) + 100_000;
    header[24..28].copy_from_slice(&objects.to_le_bytes());
    let len = header.len() as u64;
    header[16..24].copy_from_slice(&len.to_le_bytes());
    let packets = 600_000u64;
    let mut data = wmv[header_len..header_len + 50].to_vec();
    data[16..24].copy_from_slice(&(50 + 16 * packets).to_le_bytes());
    data[40..48].copy_from_slice(&packets.to_le_bytes());
    data.extend([0, 0x5d, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 1, 0].repeat(packets as usize));
    let index_at = header_len + u64_at(&wmv, header_len + 16) as usize;
    let dir = scratch();
    let input = dir.path().join("streams.wmv");
    fs::write(&input, [header, data, wmv[index_at..].to_vec()].concat()).unwrap();
    let out = run_or_hang(&[os("mat-strip"), os("--check"), input.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}
