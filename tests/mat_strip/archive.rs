//! mat-strip part 5 (#15): what real-world PDFs and spreadsheets still carried (pdfTeX figures,
//! inline annotations, a damaged cross-reference table, xlsx absPath and pivot caches, ODF
//! re-zipped), on the fixtures of testdata/mat-strip/media (made by make-archive-fixtures.py).

use std::fs;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{contains, copy_in, fixture_dir, zip_with, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

fn clean(input: &Path) -> (PathBuf, std::process::Output) {
    let out = privkit().arg("mat-strip").arg(input).output().unwrap();
    let ext = input.extension().unwrap().to_string_lossy();
    let cleaned = input.with_file_name(format!(
        "{}.cleaned.{ext}",
        input.file_stem().unwrap().to_string_lossy()
    ));
    (cleaned, out)
}

/// Every PDF object's bytes as a reader sees them: strings, names and every stream inflated.
fn pdf_pieces(doc: &lopdf::Document) -> Vec<Vec<u8>> {
    let mut pieces = vec![format!("{:?}", doc.trailer).into_bytes()];
    for object in doc.objects.values() {
        pieces.push(format!("{object:?}").into_bytes());
        if let lopdf::Object::Stream(s) = object {
            pieces.push(s.decompressed_content().unwrap_or_else(|_| s.content.clone()));
        }
    }
    pieces
}

/// The references of a PDF that point to no object of it.
fn dangling(doc: &lopdf::Document) -> Vec<lopdf::ObjectId> {
    fn walk(o: &lopdf::Object, doc: &lopdf::Document, out: &mut Vec<lopdf::ObjectId>) {
        match o {
            lopdf::Object::Reference(id) if !doc.objects.contains_key(id) => out.push(*id),
            lopdf::Object::Array(a) => a.iter().for_each(|i| walk(i, doc, out)),
            lopdf::Object::Dictionary(d) => d.iter().for_each(|(_, v)| walk(v, doc, out)),
            lopdf::Object::Stream(s) => s.dict.iter().for_each(|(_, v)| walk(v, doc, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&lopdf::Object::Dictionary(doc.trailer.clone()), doc, &mut out);
    doc.objects.values().for_each(|o| walk(o, doc, &mut out));
    out
}

fn pdftotext(p: &Path) -> Vec<u8> {
    let out = Command::new("pdftotext").arg(p).arg("-").output().unwrap();
    assert!(
        out.status.success(),
        "pdftotext {}: {}",
        p.display(),
        stderr_of(&out)
    );
    out.stdout
}

fn pdfinfo_pages(p: &Path) -> String {
    let out = Command::new("pdfinfo").arg(p).output().unwrap();
    stdout_of(&out)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|v| v.trim().to_string()))
        .unwrap_or_default()
}

const REAL_WORLD_PDFS: &[&str] = &[
    "pdf-pdftex-figure.pdf",
    "pdf-inline-annots.pdf",
    "pdf-damaged-linearized.pdf",
];

/// pdfTeX's PTEX.InfoDict and PTEX.FileName, inline annotation authors and dates, and the
/// damaged file's Info: nothing planted survives in any object or inflated stream; pages, text
/// and the annotations' contents stay; cleaning again changes nothing.
#[test]
fn real_world_pdfs_are_cleaned_and_keep_their_pages() {
    let dir = scratch();
    for name in REAL_WORLD_PDFS {
        let input = copy_in(dir.path(), &media(name));
        let (cleaned, out) = clean(&input);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let after = fs::read(&cleaned).unwrap();
        assert!(!contains(&after, PLANTED), "{name}: planted in the raw bytes");
        let doc = lopdf::Document::load_mem(&after).unwrap();
        for piece in pdf_pieces(&doc) {
            assert!(!contains(&piece, PLANTED), "{name}: planted in an object");
            assert!(!contains(&piece, b"PTEX."), "{name}: pdfTeX keys kept");
        }
        assert!(dangling(&doc).is_empty(), "{name}: {:?}", dangling(&doc));
        let check = privkit()
            .args(["mat-strip", "--check"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert_eq!(check.status.code(), Some(0), "{name}: {}", stdout_of(&check));
        if have("pdfinfo") && have("pdftotext") {
            assert_eq!(pdfinfo_pages(&input), pdfinfo_pages(&cleaned), "{name}");
            assert_eq!(pdftotext(&input), pdftotext(&cleaned), "{name}: text changed");
        }
        if have("qpdf") {
            let check = Command::new("qpdf")
                .arg("--check")
                .arg(&cleaned)
                .output()
                .unwrap();
            assert_eq!(check.status.code(), Some(0), "{name}: {}", stdout_of(&check));
        }
    }
    let annots = fs::read(dir.path().join("pdf-inline-annots.cleaned.pdf")).unwrap();
    assert!(contains(&annots, b"KEPT-annot-Contents"), "annotation text lost");
    assert!(
        contains(&annots, b"KEPT-freetext-Contents"),
        "annotation text lost"
    );
}

/// Regression: the damaged linearized PDF came out as a 396-byte file whose /Pages pointed
/// nowhere, with exit 0. Its four pages are kept (or it would be refused, never half-written).
#[test]
fn damaged_xref_pdf_keeps_every_page_or_is_refused() {
    let dir = scratch();
    let input = copy_in(dir.path(), &media("pdf-damaged-linearized.pdf"));
    let (cleaned, out) = clean(&input);
    match out.status.code() {
        Some(0) => {
            let doc = lopdf::Document::load_mem(&fs::read(&cleaned).unwrap()).unwrap();
            assert_eq!(doc.get_pages().len(), 4);
            assert!(dangling(&doc).is_empty());
        }
        Some(65) => assert!(!cleaned.exists()),
        other => panic!("{other:?}: {}", stderr_of(&out)),
    }
}

/// Every PDF fixture: every reference of the output resolves and it has the input's pages.
#[test]
fn every_reference_of_a_cleaned_pdf_resolves() {
    let dir = scratch();
    let mut fixtures: Vec<PathBuf> = REAL_WORLD_PDFS.iter().map(|n| media(n)).collect();
    for entry in fs::read_dir(fixture_dir()).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "pdf") && !p.to_string_lossy().contains("user-password") {
            fixtures.push(p);
        }
    }
    assert!(fixtures.len() >= 7, "{fixtures:?}");
    for fixture in fixtures {
        let input = copy_in(dir.path(), &fixture);
        let (cleaned, out) = clean(&input);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            fixture.display(),
            stderr_of(&out)
        );
        let doc = lopdf::Document::load_mem(&fs::read(&cleaned).unwrap()).unwrap();
        assert!(
            dangling(&doc).is_empty(),
            "{}: {:?}",
            fixture.display(),
            dangling(&doc)
        );
        let pages = lopdf::Document::load_mem(&fs::read(&fixture).unwrap())
            .map(|d| d.get_pages().len())
            .unwrap_or(0);
        if pages > 0 {
            assert_eq!(doc.get_pages().len(), pages, "{}", fixture.display());
        }
    }
}

/// A page tree that points nowhere is refused (65), no output written.
#[test]
fn pdf_without_reachable_pages_is_refused() {
    let dir = scratch();
    let body = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n";
    let xref_at = body.len();
    let pdf = format!(
        "{body}xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
    );
    let input = dir.path().join("nopages.pdf");
    fs::write(&input, pdf).unwrap();
    let (cleaned, out) = clean(&input);
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("damaged PDF"), "{}", stderr_of(&out));
    assert!(!cleaned.exists());
}

/// Cut short: refused, nothing written.
#[test]
fn truncated_real_world_pdfs_are_refused() {
    let dir = scratch();
    for name in REAL_WORLD_PDFS {
        let bytes = fs::read(media(name)).unwrap();
        let input = dir.path().join(format!("cut-{name}"));
        fs::write(&input, &bytes[..bytes.len() / 2]).unwrap();
        let (cleaned, out) = clean(&input);
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out).lines().count(), 1);
        assert!(!cleaned.exists());
    }
}

fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

/// Regression: absPath (the author's folder) and the pivot cache's refreshedBy/refreshedDate
/// survived. Every part is searched inflated; the cells and the pivot cache's source stay.
#[test]
fn xlsx_abspath_and_pivot_refresh_are_removed() {
    let dir = scratch();
    let input = copy_in(dir.path(), &media("xlsx-abspath-pivot.xlsx"));
    let (cleaned, out) = clean(&input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let before = zip_entries(&fs::read(&input).unwrap());
    let after = zip_entries(&fs::read(&cleaned).unwrap());
    for (name, data) in &after {
        for needle in [
            PLANTED,
            b"43528.".as_slice(),
            b"absPath",
            b"refreshedBy",
            b"2019-03-04",
        ] {
            assert!(
                !contains(data, needle),
                "{name}: {}",
                String::from_utf8_lossy(needle)
            );
        }
    }
    let part = |entries: &[(String, Vec<u8>)], name: &str| {
        entries.iter().find(|(n, _)| n == name).map(|(_, d)| d.clone())
    };
    assert_eq!(
        part(&before, "xl/worksheets/sheet1.xml"),
        part(&after, "xl/worksheets/sheet1.xml"),
        "cells changed"
    );
    let pivot = part(&after, "xl/pivotCache/pivotCacheDefinition1.xml").unwrap();
    assert!(contains(
        &pivot,
        b"<worksheetSource ref=\"A1:B3\" sheet=\"Crates\"/>"
    ));
    let check = privkit()
        .args(["mat-strip", "--check"])
        .arg(&cleaned)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout_of(&check));
}

/// The format a --json run reports for a file, and its status.
fn json_format(input: &Path) -> (String, String) {
    let out = privkit()
        .args(["mat-strip", "--json", "--show"])
        .arg(input)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
    (v["format"].to_string(), v["status"].to_string())
}

/// Regression: an ODF re-zipped with `mimetype` last was refused as "not an OOXML or ODF
/// document". It is cleaned as ODF (exactly as the same document with mimetype first), and
/// written back with mimetype first and stored.
#[test]
fn rezipped_odf_is_recognised_wherever_mimetype_is() {
    let dir = scratch();
    let input = copy_in(dir.path(), &media("odt-mimetype-last.odt"));
    assert_eq!(json_format(&input).0, "\"ODF\"");
    let (cleaned, out) = clean(&input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let after = fs::read(&cleaned).unwrap();
    assert!(after[30..].starts_with(b"mimetypeapplication/vnd.oasis.opendocument.text"));
    let entries = zip_entries(&after);
    for (name, data) in &entries {
        assert!(!contains(data, PLANTED), "{name}");
    }
    // The same document with mimetype first, cleaned: the same content.
    let reference = copy_in(dir.path(), &fixture_dir().join("odt-review.odt"));
    let (reference_cleaned, out) = clean(&reference);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let expected = zip_entries(&fs::read(&reference_cleaned).unwrap());
    for name in ["content.xml", "styles.xml", "meta.xml"] {
        let get = |e: &[(String, Vec<u8>)]| e.iter().find(|(n, _)| n == name).map(|(_, d)| d.clone());
        assert_eq!(get(&entries), get(&expected), "{name}");
    }

    // Known by its manifest alone (no mimetype part): cleaned as ODF, mimetype written back
    // from the manifest's media type.
    let parts: Vec<(String, Vec<u8>)> = zip_entries(&fs::read(&input).unwrap())
        .into_iter()
        .filter(|(n, _)| n != "mimetype")
        .collect();
    let borrowed: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let manifest_only = dir.path().join("manifest-only.odt");
    fs::write(&manifest_only, zip_with(&borrowed)).unwrap();
    assert_eq!(json_format(&manifest_only).0, "\"ODF\"");
    let (cleaned, out) = clean(&manifest_only);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let after = fs::read(&cleaned).unwrap();
    assert!(after[30..].starts_with(b"mimetypeapplication/vnd.oasis.opendocument.text"));

    // Too big for its central directory to be in the bytes sniffed: still cleaned as ODF.
    let padding = format!("<a>{}</a>", " ".repeat(400 * 1024));
    let mut big = parts.clone();
    big.insert(0, ("padding.xml".to_string(), padding.into_bytes()));
    big.push((
        "mimetype".to_string(),
        b"application/vnd.oasis.opendocument.text".to_vec(),
    ));
    let big_odt = dir.path().join("big.odt");
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in &big {
        z.start_file(name.as_str(), stored).unwrap();
        std::io::Write::write_all(&mut z, data).unwrap();
    }
    fs::write(&big_odt, z.finish().unwrap().into_inner()).unwrap();
    let (cleaned, out) = clean(&big_odt);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let after = fs::read(&cleaned).unwrap();
    assert!(after[30..].starts_with(b"mimetypeapplication/vnd.oasis.opendocument.text"));
    assert!(!contains(&after, PLANTED));
}
