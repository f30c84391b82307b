//! `privkit mat-strip` on the fixtures of testdata/mat-strip (made by make-fixtures.py): every
//! planted value gone, pixels and frames identical, bad input refused cleanly.

use std::fs;
use std::io::Cursor;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{entries, have, privkit, run_with_stdin, scratch, stderr_of, stdout_of, BIN};

mod archive;
mod archive_formats;
mod asf;
mod audio;
mod avi;
mod batch;
mod budget;
mod documents;
mod durability;
mod epub;
mod hardening;
mod inspect;
mod inspect_parallel;
mod isobmff;
mod members;
mod mjpeg_frames;
mod mkv_avi;
mod ogg;
mod ole2;
mod psd;
mod raster;
mod remove;
mod tiff_family;
mod truncated;
mod web;

const PLANTED: &[u8] = b"PKSECRET";

/// A zip archive holding these files.
fn zip_with(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/mat-strip")
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        // media/ holds the fixtures of the formats still to come (#13-#15).
        .filter(|p| p.is_file())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("py" | "md")))
        // An output left by the README's first command is not a fixture.
        .filter(|p| !p.to_string_lossy().contains(".cleaned."))
        // Documents have their own tests (mat_strip/documents.rs).
        .filter(|p| !documents::is_document(p))
        .collect();
    v.sort();
    assert!(v.len() >= 15, "fixtures missing: {v:?}");
    v
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Copies a fixture into a scratch directory; returns its new path.
fn copy_in(dir: &Path, fixture: &Path) -> PathBuf {
    let dest = dir.join(fixture.file_name().unwrap());
    fs::copy(fixture, &dest).unwrap();
    dest
}

fn cleaned_name(p: &Path) -> PathBuf {
    let stem = p.file_stem().unwrap().to_string_lossy();
    let ext = p.extension().unwrap().to_string_lossy();
    p.with_file_name(format!("{stem}.cleaned.{ext}"))
}

/// The decoded frames of an image (RGBA or raw samples), by an independent decoder; for JPEG
/// (no decoder here) the entropy-coded data from the first scan to the end of image.
fn frames(path: &Path) -> Vec<Vec<u8>> {
    let bytes = fs::read(path).unwrap();
    let ext = path.extension().unwrap().to_string_lossy().to_lowercase();
    match ext.as_str() {
        "png" => {
            let mut reader = png::Decoder::new(Cursor::new(&bytes)).read_info().unwrap();
            let mut out = Vec::new();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            while let Ok(info) = reader.next_frame(&mut buf) {
                out.push(buf[..info.buffer_size()].to_vec());
            }
            out
        }
        "gif" => {
            let mut opts = gif::DecodeOptions::new();
            opts.set_color_output(gif::ColorOutput::RGBA);
            let mut d = opts.read_info(Cursor::new(&bytes)).unwrap();
            let mut out = Vec::new();
            while let Some(frame) = d.read_next_frame().unwrap() {
                out.push(frame.buffer.to_vec());
            }
            out
        }
        "webp" => {
            let mut d = image_webp::WebPDecoder::new(Cursor::new(&bytes)).unwrap();
            let n = d.output_buffer_size().unwrap();
            let mut out = Vec::new();
            if d.is_animated() {
                for _ in 0..d.num_frames() {
                    let mut buf = vec![0; n];
                    d.read_frame(&mut buf).unwrap();
                    out.push(buf);
                }
            } else {
                let mut buf = vec![0; n];
                d.read_image(&mut buf).unwrap();
                out.push(buf);
            }
            out
        }
        "tif" | "tiff" => {
            let mut d = tiff::decoder::Decoder::new(Cursor::new(&bytes)).unwrap();
            let mut out = Vec::new();
            loop {
                out.push(format!("{:?}", d.read_image().unwrap()).into_bytes());
                if !d.more_images() {
                    break;
                }
                d.next_image().unwrap();
            }
            out
        }
        "jpg" | "jpeg" => {
            // From the first scan to the end of the file: compared with `same_image`. The scan
            // is found by walking the segments (a byte search would find the one of an EXIF
            // thumbnail).
            let mut pos = 2;
            while bytes[pos + 1] != 0xda {
                pos += 2 + u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]) as usize;
            }
            vec![bytes[pos..].to_vec()]
        }
        "svg" => {
            // The drawing: every element that is not metadata, as text, in order.
            let text = String::from_utf8(bytes).unwrap();
            // (The root's <title> is the document's title: removed, so not counted.)
            ["<rect", "<path d=", "<text", "<linearGradient", "<stop"]
                .iter()
                .map(|tag| text.matches(tag).count().to_string().into_bytes())
                .collect()
        }
        other => panic!("no decoder for {other}"),
    }
}

/// The same picture: equal decoded frames; for JPEG, the cleaned file's scans (to its end of
/// image) are exactly the input's, and whatever followed the input's image (MPF secondary
/// images, trailers) is gone.
fn same_image(input: &Path, output: &Path) -> bool {
    let (a, b) = (frames(input), frames(output));
    let jpeg = matches!(input.extension().and_then(|e| e.to_str()), Some("jpg" | "jpeg"));
    if jpeg {
        return b[0].ends_with(&[0xff, 0xd9]) && a[0].starts_with(&b[0]);
    }
    !a.is_empty() && a == b
}

#[test]
fn every_fixture_is_cleaned_with_identical_pixels() {
    let dir = scratch();
    for fixture in fixtures() {
        let input = copy_in(dir.path(), &fixture);
        let before = fs::read(&input).unwrap();
        assert!(
            contains(&before, PLANTED) || fixture.extension().unwrap() == "png",
            "{}",
            fixture.display()
        );
        let check = privkit()
            .args(["mat-strip", "--check"])
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(
            check.status.code(),
            Some(1),
            "fixture has no metadata: {}",
            fixture.display()
        );

        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            fixture.display(),
            stderr_of(&out)
        );
        let cleaned = cleaned_name(&input);
        let after = fs::read(&cleaned).unwrap_or_else(|e| panic!("{}: {e}", cleaned.display()));
        assert!(
            !contains(&after, PLANTED),
            "{}: planted value survives",
            fixture.display()
        );
        assert_eq!(
            fs::read(&input).unwrap(),
            before,
            "{}: original modified",
            fixture.display()
        );

        let again = privkit()
            .args(["mat-strip", "--check"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert_eq!(
            again.status.code(),
            Some(0),
            "{}: {}",
            cleaned.display(),
            stdout_of(&again)
        );

        assert_eq!(
            frames(&input).len(),
            frames(&cleaned).len(),
            "{}: frame count",
            fixture.display()
        );
        assert!(
            same_image(&input, &cleaned),
            "{}: pixels differ",
            fixture.display()
        );
    }
}

/// exiftool, where installed, finds nothing in any output beyond the image's structure.
#[test]
fn exiftool_finds_no_metadata_in_outputs() {
    if !have("exiftool") {
        eprintln!("exiftool not installed: skipped (CI installs it)");
        return;
    }
    let dir = scratch();
    let inputs: Vec<PathBuf> = fixtures().iter().map(|f| copy_in(dir.path(), f)).collect();
    let out = privkit().arg("mat-strip").args(&inputs).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // Groups that describe the image itself; in them, tags naming a person, place, time,
    // device or text are still metadata.
    let structural = [
        "File",
        "JFIF",
        "APP14",
        "Adobe",
        "PNG",
        "PNG-pHYs",
        "PNG-gAMA",
        "PNG-sRGB",
        "PNG-cHRM",
        "PNG-iCCP",
        "GIF",
        "RIFF",
        "VP8",
        "VP8L",
        "VP8X",
        "ALPH",
        "ANIM",
        "ANMF",
        "IFD0",
        "IFD1",
        "IFD2",
        "SVG",
        "Composite",
    ];
    let personal = [
        "Comment",
        "Date",
        "Make",
        "Model",
        "Software",
        "Artist",
        "Author",
        "Creator",
        "Copyright",
        "Thumbnail",
        "Preview",
        "GPS",
        "Description",
        "Title",
        "Keyword",
        "Serial",
        "Owner",
        "Warning",
        "XMP",
        "History",
    ];
    for input in &inputs {
        let cleaned = cleaned_name(input);
        let report = Command::new("exiftool")
            .args(["-a", "-u", "-G1", "-s"])
            .arg(&cleaned)
            .output()
            .unwrap();
        for line in String::from_utf8_lossy(&report.stdout).lines() {
            let Some((group, rest)) = line.strip_prefix('[').and_then(|l| l.split_once(']')) else {
                continue;
            };
            let tag = rest.split_whitespace().next().unwrap_or("");
            if group == "System"
                || group.starts_with("ICC")
                || (group == "ExifTool" && tag == "ExifToolVersion")
            {
                continue;
            }
            if group == "IFD0" && tag == "Orientation" {
                continue; // kept on purpose, alone
            }
            if group == "SVG" && tag.starts_with("Title") {
                continue; // <title> is the drawing's accessible name: content, kept
            }
            assert!(structural.contains(&group), "{}: {line}", cleaned.display());
            assert!(
                !personal.iter().any(|p| tag.contains(p)) || tag == "FileModifyDate",
                "{}: {line}",
                cleaned.display()
            );
        }
    }
}

#[test]
fn orientation_is_kept_alone_unless_asked() {
    let dir = scratch();
    let input = copy_in(dir.path(), &fixture_dir().join("jpeg-baseline.jpg"));
    assert_eq!(
        privkit()
            .arg("mat-strip")
            .arg(&input)
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );
    let out = fs::read(cleaned_name(&input)).unwrap();
    // The minimal block: one IFD with Orientation (0x0112, SHORT, 1) = 6, nothing else.
    let minimal = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0";
    assert!(contains(&out, minimal), "no minimal orientation block");
    assert_eq!(out.windows(6).filter(|w| w == b"Exif\0\0").count(), 1);

    let out = privkit()
        .args(["mat-strip", "--no-orientation", "-o"])
        .arg(dir.path().join("n.jpg"))
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!contains(
        &fs::read(dir.path().join("n.jpg")).unwrap(),
        b"Exif\0\0"
    ));
    assert!(same_image(&input, &dir.path().join("n.jpg")));
}

#[test]
fn icc_profiles_are_kept_unless_strip_icc() {
    let dir = scratch();
    for (name, marker) in [
        ("jpeg-progressive.jpg", &b"ICC_PROFILE"[..]),
        ("png-rgb.png", b"iCCP"),
        ("webp-lossy.webp", b"ICCP"),
    ] {
        let input = copy_in(dir.path(), &fixture_dir().join(name));
        let kept = dir.path().join(format!("kept-{name}"));
        let stripped = dir.path().join(format!("stripped-{name}"));
        assert!(privkit()
            .args(["mat-strip", "-o"])
            .arg(&kept)
            .arg(&input)
            .output()
            .unwrap()
            .status
            .success());
        assert!(privkit()
            .args(["mat-strip", "--strip-icc", "-o"])
            .arg(&stripped)
            .arg(&input)
            .output()
            .unwrap()
            .status
            .success());
        assert!(
            contains(&fs::read(&kept).unwrap(), marker),
            "{name}: ICC dropped by default"
        );
        assert!(
            !contains(&fs::read(&stripped).unwrap(), marker),
            "{name}: ICC kept with --strip-icc"
        );
        assert!(frames(&kept) == frames(&stripped));
    }
}

#[test]
fn names_keep_unicode_and_extension_case() {
    let dir = scratch();
    let input = dir.path().join("Holiday Photo ÉTÉ.PNG");
    fs::copy(fixture_dir().join("png-rgb.png"), &input).unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        dir.path().join("Holiday Photo ÉTÉ.cleaned.PNG").is_file(),
        "{:?}",
        entries(dir.path())
    );
    assert!(stdout_of(&out).contains("Holiday Photo ÉTÉ.cleaned.PNG"));
}

#[test]
fn inplace_replaces_atomically_and_keeps_the_mode() {
    let dir = scratch();
    let input = copy_in(dir.path(), &fixture_dir().join("jpeg-mpf.jpg"));
    fs::set_permissions(&input, fs::Permissions::from_mode(0o640)).unwrap();
    let before = frames(&input);
    let out = privkit().args(["mat-strip", "-i"]).arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!contains(&fs::read(&input).unwrap(), PLANTED));
    assert_eq!(fs::metadata(&input).unwrap().permissions().mode() & 0o777, 0o640);
    assert!(before[0].starts_with(&frames(&input)[0]), "image data changed");
    assert_eq!(
        entries(dir.path()),
        ["jpeg-mpf.jpg"],
        "no temporary or .cleaned file"
    );
    // Clean already: left as it was.
    let out = privkit()
        .args(["mat-strip", "--inplace"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        stdout_of(&out).contains("no metadata found, left as it was"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn stdin_to_stdout_and_output_path() {
    let dir = scratch();
    let fixture = fixture_dir().join("webp-animated.webp");
    let piped = run_with_stdin(
        Command::new(BIN).args(["mat-strip", "-"]),
        &fs::read(&fixture).unwrap(),
    );
    assert_eq!(piped.status.code(), Some(0), "{}", stderr_of(&piped));
    let via_o = dir.path().join("out.webp");
    let out = privkit()
        .args(["mat-strip", "-o"])
        .arg(&via_o)
        .arg(&fixture)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        piped.stdout,
        fs::read(&via_o).unwrap(),
        "stdin/stdout and -o give the same bytes"
    );
    assert!(!contains(&piped.stdout, PLANTED));
    let to_stdout = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(&fixture)
        .output()
        .unwrap();
    assert_eq!(to_stdout.stdout, piped.stdout);
}

#[test]
fn check_and_show() {
    let dir = scratch();
    let dirty = copy_in(dir.path(), &fixture_dir().join("gif-animated.gif"));
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(&dirty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert!(
        text.contains("GIF") && text.contains("Comment: PKSECRET-GIF-Comment"),
        "{text}"
    );
    assert!(text.contains("XMP"), "{text}");
    assert_eq!(entries(dir.path()), ["gif-animated.gif"], "--show writes nothing");

    assert!(privkit()
        .arg("mat-strip")
        .arg(&dirty)
        .output()
        .unwrap()
        .status
        .success());
    let clean = cleaned_name(&dirty);
    let out = privkit()
        .args(["mat-strip", "--check"])
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout_of(&out).ends_with(": clean\n"));
    let out = privkit()
        .args(["mat-strip", "--check"])
        .arg(&clean)
        .arg(&dirty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "one dirty file makes the batch 1");
    assert!(stdout_of(&out).contains("metadata found"));
}

/// Hostile text in metadata never reaches the terminal raw.
#[test]
fn shown_values_are_escaped() {
    let dir = scratch();
    let jpeg = fs::read(fixture_dir().join("jpeg-cmyk.jpg")).unwrap();
    let comment = b"\x1b]0;pwned\x07\x1b[2J\xe2\x80\xaeevil";
    let mut evil = jpeg[..2].to_vec();
    evil.extend_from_slice(&[0xff, 0xfe, 0, (comment.len() + 2) as u8]);
    evil.extend_from_slice(comment);
    evil.extend_from_slice(&jpeg[2..]);
    let input = dir.path().join("evil\x1b[31m.jpg");
    fs::write(&input, &evil).unwrap();
    for args in [
        &["--show"][..],
        &["--check"][..],
        &[][..],
        &["--json", "--show"][..],
    ] {
        let out = privkit()
            .arg("mat-strip")
            .args(args)
            .arg(&input)
            .output()
            .unwrap();
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !stream.contains(&0x1b) && !stream.contains(&0x07),
                "{args:?}: {:?}",
                String::from_utf8_lossy(stream)
            );
        }
        if args == ["--show"] {
            assert!(
                stdout_of(&out).contains("\\x1b]0;pwned\\x07"),
                "{}",
                stdout_of(&out)
            );
            assert!(stdout_of(&out).contains("\\u{202e}evil"));
        }
    }
}

#[test]
fn recursive_skips_cleaned_files_and_runs_in_parallel_in_order() {
    let dir = scratch();
    let sub = dir.path().join("a/b");
    fs::create_dir_all(&sub).unwrap();
    let mut inputs = Vec::new();
    for i in 0..24 {
        let p = sub.join(format!("img{i:02}.png"));
        fs::copy(fixture_dir().join("png-rgb.png"), &p).unwrap();
        inputs.push(p);
    }
    // The output of an earlier run, beside its input: skipped, and listed last.
    fs::copy(fixture_dir().join("png-rgb.png"), sub.join("img03.cleaned.png")).unwrap();
    let out = privkit()
        .args(["mat-strip", "-r", "-j", "4"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let mut lines: Vec<String> = stdout_of(&out).lines().map(String::from).collect();
    assert_eq!(lines.len(), 25, "{lines:?}");
    let skipped = lines.pop().unwrap();
    assert!(
        skipped.ends_with(&format!(
            "img03.cleaned.png: skipped, the cleaned copy of {}",
            sub.join("img03.png").display()
        )),
        "{skipped}"
    );
    for (i, line) in lines.iter().enumerate() {
        assert!(
            line.contains(&format!("img{i:02}.png -> ")),
            "out of order: {line}"
        );
    }
    assert!(!sub.join("img03.cleaned.cleaned.png").exists());
    assert_eq!(entries(&sub).len(), 48);
}

#[test]
fn test_json() {
    let dir = scratch();
    let good = copy_in(dir.path(), &fixture_dir().join("tiff-multipage.tif"));
    let bad = dir.path().join("notes.png");
    fs::write(&bad, "just some text\n").unwrap();
    let out = privkit()
        .args(["mat-strip", "--json"])
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let lines: Vec<Value> = stdout_of(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["format"], "TIFF");
    assert_eq!(lines[0]["status"], "cleaned");
    assert!(lines[0]["output"]
        .as_str()
        .unwrap()
        .ends_with("tiff-multipage.cleaned.tif"));
    let removed = lines[0]["removed"].as_array().unwrap();
    assert!(
        removed
            .iter()
            .any(|r| r["name"] == "Make" && r["value"] == "PKSECRET-Make"),
        "{removed:?}"
    );
    assert!(removed.iter().any(|r| r["name"] == "GPSLatitude"), "{removed:?}");
    // A format mat-strip does not know is told apart from a failure (issue 16).
    assert_eq!(lines[1]["status"], "unsupported");
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("unsupported format (looks like text)"));
}

#[test]
fn list_formats() {
    let out = privkit().args(["mat-strip", "--list-formats"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    for f in ["JPEG", "PNG", "WebP", "GIF", "TIFF", "SVG"] {
        assert!(text.lines().any(|l| l.starts_with(f)), "{f} missing: {text}");
    }
}

/// Bad input: one clear line, the right code, no output file, the original untouched.
#[test]
fn test_unsupported_input() {
    let dir = scratch();
    let png = fs::read(fixture_dir().join("png-rgb.png")).unwrap();
    let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
    let jpeg = fs::read(fixture_dir().join("jpeg-gray.jpg")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.png", vec![], "empty file"),
        (
            "text.png",
            b"hello, I am text\n".to_vec(),
            "unsupported format (looks like text)",
        ),
        ("doc.jpg", b"%PDF-1.7\n...".to_vec(), "truncated PDF"),
        (
            "cut.png",
            png[..idat + 20].to_vec(),
            "truncated PNG: IDAT chunk ends after",
        ),
        ("cut.jpg", jpeg[..jpeg.len() / 2].to_vec(), "truncated JPEG"),
        (
            "cut.gif",
            fs::read(fixture_dir().join("gif-animated.gif")).unwrap()[..900].to_vec(),
            "truncated GIF",
        ),
        (
            "cut.webp",
            fs::read(fixture_dir().join("webp-lossy.webp")).unwrap()[..100].to_vec(),
            "truncated WebP",
        ),
        (
            "cut.tif",
            fs::read(fixture_dir().join("tiff-lzw.tif")).unwrap()[..3000].to_vec(),
            "TIFF",
        ),
        (
            "cut.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>".to_vec(),
            "corrupt SVG",
        ),
    ];
    for (name, bytes, message) in &cases {
        let input = dir.path().join(name);
        fs::write(&input, bytes).unwrap();
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(
            err.starts_with(&format!("privkit mat-strip: {}: ", input.display())),
            "{name}: {err}"
        );
        assert!(err.contains(message), "{name}: {err}");
        assert_eq!(&fs::read(&input).unwrap(), bytes, "{name}: input changed");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(
        entries(dir.path()).len(),
        cases.len(),
        "an output was left: {:?}",
        entries(dir.path())
    );

    let out = privkit()
        .args(["mat-strip", "/nonexistent/photo.jpg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(66));
    assert_eq!(
        stderr_of(&out),
        "privkit mat-strip: /nonexistent/photo.jpg: No such file or directory\n"
    );
}

#[test]
fn batch_goes_on_and_exits_with_the_worst_code() {
    let dir = scratch();
    let good = copy_in(dir.path(), &fixture_dir().join("png-palette.png"));
    let corrupt = dir.path().join("corrupt.png");
    fs::write(&corrupt, b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    let out = privkit()
        .arg("mat-strip")
        .arg(&corrupt)
        .arg("/nonexistent/x.png")
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(66));
    let err = stderr_of(&out);
    // One line per error, then the batch's summary naming the failed files again.
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("privkit mat-strip: "))
            .count(),
        2,
        "{err}"
    );
    assert!(
        err.contains("cleaned 1, already clean 0, unsupported 0, failed 2"),
        "{err}"
    );
    assert!(cleaned_name(&good).exists(), "the good file is still cleaned");
}

#[test]
fn test_invalid_arg() {
    for args in [
        &["mat-strip"][..],
        &["mat-strip", "-o", "x", "a.jpg", "b.jpg"][..],
        &["mat-strip", "-j", "0", "a.jpg"][..],
        &["mat-strip", "--show", "--check", "a.jpg"][..],
        &["mat-strip", "-i", "-o", "x", "a.jpg"][..],
        &["mat-strip", "--bogus", "a.jpg"][..],
    ] {
        let out = privkit().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(64), "{args:?}: {}", stderr_of(&out));
    }
}

/// Regression: --inplace on a symlink cleaned a new file in place of the link and left the
/// file it pointed to dirty. The target is cleaned, the link stays a link.
#[test]
fn inplace_through_a_symlink_cleans_the_target() {
    let dir = scratch();
    let target = copy_in(dir.path(), &fixture_dir().join("png-rgb.png"));
    let link = dir.path().join("link.png");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = privkit().args(["mat-strip", "-i"]).arg(&link).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link was replaced"
    );
    assert!(
        !contains(&fs::read(&target).unwrap(), PLANTED),
        "the target is still dirty"
    );
}

/// The cleaned file is clean for --check, and cleaning it again gives the same bytes.
fn idempotent(cleaned: &Path, after: &[u8], name: &str) {
    let again = privkit()
        .args(["mat-strip", "--check"])
        .arg(cleaned)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{name}: {}", stdout_of(&again));
    let again = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(cleaned)
        .output()
        .unwrap();
    assert_eq!(again.stdout, after, "{name}: cleaning twice changes the file");
}

/// Each (file name, bytes, message) written to `dir` is refused: 65, one line containing the
/// message, the input untouched, no output left.
fn refused(dir: &Path, cases: &[(&str, Vec<u8>, &str)]) {
    for (name, bytes, message) in cases {
        let input = dir.join(name);
        fs::write(&input, bytes).unwrap();
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
        assert_eq!(&fs::read(&input).unwrap(), bytes, "{name}: input changed");
    }
    assert_eq!(entries(dir).len(), cases.len(), "an output was left");
}
