//! mat-strip on EPUB (#15): testdata/mat-strip/media/epub-calibre.epub (made by
//! make-archive-fixtures.py, README.md there says what is planted).

use std::fs;
use std::path::{Path, PathBuf};

use super::{contains, copy_in, fixture_dir, PLANTED};
use crate::common::{entries, privkit, scratch, stderr_of, stdout_of};

const OLD_ID: &str = "urn:uuid:7d1e0b5c-3f4a-4b7e-9c21-5a6f0e8d2b19";

fn fixture() -> PathBuf {
    fixture_dir().join("media/epub-calibre.epub")
}

/// Every member, inflated, in order.
fn members(path: &Path) -> Vec<(String, Vec<u8>)> {
    super::documents::zip_entries(&fs::read(path).unwrap())
}

fn text(members: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, data) = members.iter().find(|(n, _)| n == name).unwrap();
    String::from_utf8(data.clone()).unwrap()
}

/// The text without XML comments.
fn uncommented(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("<!--") {
        out.push_str(&rest[..at]);
        rest = &rest[at + rest[at..].find("-->").unwrap() + 3..];
    }
    out + rest
}

fn clean(dir: &Path) -> (PathBuf, PathBuf) {
    let input = copy_in(dir, &fixture());
    let output = dir.join("out.epub");
    let out = privkit()
        .args(["mat-strip", "-o"])
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    (input, output)
}

#[test]
fn epub_metadata_goes_and_the_book_stays() {
    let dir = scratch();
    let (input, output) = clean(dir.path());
    let raw = fs::read(&output).unwrap();
    assert!(!contains(&raw, PLANTED));
    let before = members(&input);
    let after = members(&output);
    for (name, data) in &after {
        assert!(!contains(data, PLANTED), "{name} keeps a planted value");
    }
    // Same members in the same order; mimetype first and stored.
    let names = |m: &[(String, Vec<u8>)]| m.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&after));
    assert_eq!(&raw[30..38], b"mimetype");
    assert_eq!(&raw[8..10], &[0, 0], "mimetype stored");
    assert_eq!(&raw[38..58], b"application/epub+zip");

    // The chapter's text: the input's without its comments and author meta.
    let chapter = text(&after, "OEBPS/chapter1.xhtml");
    let expected = uncommented(&text(&before, "OEBPS/chapter1.xhtml"))
        .replace(r#"<meta name="author" content="PKSECRET-xhtml-author"/>"#, "");
    assert_eq!(chapter, expected);

    // The unique identifier: a fresh urn:uuid, the same in the OPF, the NCX and the nav.
    let opf = text(&after, "OEBPS/content.opf");
    let start = opf.find("<dc:identifier id=\"bookid\">").unwrap() + 27;
    let id = &opf[start..start + 45];
    assert!(id.starts_with("urn:uuid:") && id != OLD_ID, "{id}");
    for part in ["OEBPS/toc.ncx", "OEBPS/nav.xhtml"] {
        let t = text(&after, part);
        assert!(t.contains(id) && !t.contains(OLD_ID), "{part}: {t}");
    }
    for kept in [
        "<dc:title>A Walk in the Park</dc:title>",
        "<dc:language>en</dc:language>",
        "<spine toc=\"ncx\">",
        "name=\"cover\"",
    ] {
        assert!(opf.contains(kept), "{kept}: {opf}");
    }
    assert!(opf.contains("<meta property=\"dcterms:modified\">2000-01-01T00:00:00Z</meta>"));

    // The photo: what cleaning it alone gives.
    let photo = dir.path().join("photo.jpg");
    fs::write(
        &photo,
        &before
            .iter()
            .find(|(n, _)| n == "OEBPS/images/photo.jpg")
            .unwrap()
            .1,
    )
    .unwrap();
    let alone = dir.path().join("photo-alone.jpg");
    assert!(privkit()
        .args(["mat-strip", "-o"])
        .arg(&alone)
        .arg(&photo)
        .output()
        .unwrap()
        .status
        .success());
    assert_eq!(
        after
            .iter()
            .find(|(n, _)| n == "OEBPS/images/photo.jpg")
            .unwrap()
            .1,
        fs::read(&alone).unwrap()
    );

    // Cleaned again: nothing left, the identifier kept.
    let check = privkit()
        .args(["mat-strip", "--check"])
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout_of(&check));
}

#[test]
fn epub_show_names_what_goes() {
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(fixture())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let shown = stdout_of(&out);
    for expected in [
        "(EPUB)",
        "dc:creator",
        "calibre:timestamp",
        "dtb:generator",
        "comment",
        "unique identifier",
        "in OEBPS/images/photo.jpg",
    ] {
        assert!(shown.contains(expected), "{expected}: {shown}");
    }
}

#[test]
fn truncated_epub_exits_65_without_output() {
    let dir = scratch();
    let bytes = fs::read(fixture()).unwrap();
    let cut = dir.path().join("cut.epub");
    fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = privkit().arg("mat-strip").arg(&cut).output().unwrap();
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert_eq!(entries(dir.path()), ["cut.epub"]);
}

/// exiftool reads the OPF: nothing of a person, date or tool left.
#[test]
fn exiftool_finds_no_identifying_tag_in_the_epub() {
    if !crate::common::have("exiftool") {
        eprintln!("exiftool not installed: skipped (CI installs it)");
        return;
    }
    let dir = scratch();
    let (_, output) = clean(dir.path());
    let out = std::process::Command::new("exiftool")
        .args(["-a", "-u", "-G1", "-s"])
        .arg(&output)
        .output()
        .unwrap();
    let report: String = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("[System]") && !l.starts_with("[ExifTool]") && !l.starts_with("[File]"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(report.contains("Title"), "{report}");
    for tag in [
        "Creator",
        "Contributor",
        "Publisher",
        "Rights",
        "Date ",
        "calibre",
        "Generator",
        "Author",
    ] {
        assert!(!report.contains(tag), "{tag}: {report}");
    }
}
