//! --show and --check inspect a document's parts side by side on the run's idle workers
//! (containers/zip/inspect.rs): what they print, their warnings and exit codes are the same as
//! with one worker, and they write nothing anywhere.

use super::documents::with_parts;
use super::*;

/// A report with many parts of every kind: photos of each format (with their GPS, authors and
/// dates), embedded documents (one with a note: a PDF written decrypted), the XML parts.
fn many_parts(dir: &Path) -> PathBuf {
    let docx = fs::read(fixture_dir().join("docx-review.docx")).unwrap();
    let mut extra: Vec<(String, Vec<u8>)> = Vec::new();
    let media = [
        "jpeg-baseline.jpg",
        "jpeg-progressive.jpg",
        "jpeg-mpf.jpg",
        "png-rgb.png",
        "png-interlaced.png",
        "webp-lossy.webp",
        "tiff-lzw.tif",
        "gif-animated.gif",
    ];
    for round in 0..3 {
        for name in media {
            let data = fs::read(fixture_dir().join(name)).unwrap();
            extra.push((format!("word/media/r{round}-{name}"), data));
        }
    }
    for name in [
        "xlsx-comments.xlsx",
        "pptx-comments.pptx",
        "odt-review.odt",
        "pdf-owner-password.pdf",
    ] {
        let data = fs::read(fixture_dir().join(name)).unwrap();
        extra.push((format!("word/embeddings/{name}"), data));
    }
    let path = dir.join("many-parts.docx");
    fs::write(&path, with_parts(&docx, &extra)).unwrap();
    path
}

/// stdout, stderr and exit code of `mat-strip ARGS FILE`.
fn inspect(args: &[&str], file: &Path) -> (String, String, Option<i32>) {
    let out = privkit().arg("mat-strip").args(args).arg(file).output().unwrap();
    (stdout_of(&out), stderr_of(&out), out.status.code())
}

#[test]
fn show_and_check_are_the_same_with_one_worker_and_with_several() {
    let dir = scratch();
    let good = many_parts(dir.path());
    // An unknown part among the others: refused by default (the same member named), listed
    // under --unknown keep.
    let docx = fs::read(&good).unwrap();
    let unknown = dir.path().join("unknown-part.docx");
    fs::write(
        &unknown,
        with_parts(
            &docx,
            &[(
                "word/embeddings/blob.bin".into(),
                b"\x00\x01PKSECRET binary".to_vec(),
            )],
        ),
    )
    .unwrap();
    let (shown, _, code) = inspect(&["--show", "-j", "1"], &good);
    assert_eq!(code, Some(0));
    for expected in [
        "EXIF GPS in word/media/r2-jpeg-baseline.jpg",
        "in word/embeddings/xlsx-comments.xlsx",
        "dc:creator: PKSECRET-Author",
    ] {
        assert!(shown.contains(expected), "missing {expected:?} in:\n{shown}");
    }
    for file in [&good, &unknown] {
        for mode in [
            &["--show"][..],
            &["--check"],
            &["--show", "--json"],
            &["--check", "--json"],
        ] {
            for policy in [&[][..], &["--unknown", "keep"], &["--unknown", "omit"]] {
                let args = |jobs: &'static str| -> Vec<&str> {
                    let mut v = mode.to_vec();
                    v.extend_from_slice(policy);
                    v.extend_from_slice(&["-j", jobs]);
                    v
                };
                let one = inspect(&args("1"), file);
                for jobs in ["2", "4"] {
                    assert_eq!(inspect(&args(jobs), file), one, "{file:?} {:?}", args(jobs));
                }
            }
        }
    }
    let (_, err, code) = inspect(&["--check", "-j", "4"], &unknown);
    assert_eq!(code, Some(65));
    assert!(
        err.contains("member word/embeddings/blob.bin is of an unknown kind"),
        "{err}"
    );
}

/// --show and --check create, change and leave nothing: not beside the input, not in the
/// temporary directory, not the input itself.
#[test]
fn show_and_check_write_nothing() {
    let dir = scratch();
    let input = many_parts(dir.path());
    let tmp = dir.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let before = fs::read(&input).unwrap();
    let modified = fs::metadata(&input).unwrap().modified().unwrap();
    for args in [
        &["--show"][..],
        &["--check"],
        &["--show", "-j", "1"],
        &["--check", "-j", "1"],
    ] {
        let out = privkit()
            .arg("mat-strip")
            .args(args)
            .arg(&input)
            .env("TMPDIR", &tmp)
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr_of(&out)
        );
        assert_eq!(entries(dir.path()), ["many-parts.docx", "tmp"], "{args:?}");
        assert!(entries(&tmp).is_empty(), "{args:?}: {:?}", entries(&tmp));
        assert!(fs::read(&input).unwrap() == before, "{args:?}");
        assert_eq!(
            fs::metadata(&input).unwrap().modified().unwrap(),
            modified,
            "{args:?}"
        );
    }
}
