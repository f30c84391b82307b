//! Members of documents mat-strip cannot check (issue 12): refused by default naming the member,
//! left out with --unknown omit, kept and reported with --unknown keep; members known by a rule
//! (caches, replacement pictures, macros) never stop a file.

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use super::{contains, fixture_dir, PLANTED};
use crate::common::{privkit, scratch, stderr_of, stdout_of};

/// An OLE compound file header and a planted author: what an `oleObject1.bin` looks like to
/// mat-strip (a format it does not clean).
fn ole_blob() -> Vec<u8> {
    let mut b = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    b.extend_from_slice(&[0u8; 200]);
    b.extend_from_slice(b"Author: PKSECRET-ole");
    b.extend_from_slice(&[0u8; 200]);
    b
}

/// The zip at `path` with `extra` parts appended (entries copied in order, the first one
/// stored as ODF's mimetype must be).
fn zip_plus(path: &Path, extra: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let bytes = fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        let method = if i == 0 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        let name = entry.name().unwrap().into_owned();
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    for (name, data) in extra {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn zip_names(bytes: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    archive.file_names().map(|n| n.unwrap().into_owned()).collect()
}

/// A small PDF with one attachment holding `data` (a classic xref table, offsets computed).
fn pdf_with_attachment(data: &[u8]) -> Vec<u8> {
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(blob.bin) 4 0 R] >> >> >>"
            .to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".to_vec(),
        b"<< /Type /Filespec /F (blob.bin) /UF (blob.bin) /EF << /F 5 0 R >> >>".to_vec(),
        {
            let mut s = format!("<< /Type /EmbeddedFile /Length {} >>\nstream\n", data.len()).into_bytes();
            s.extend_from_slice(data);
            s.extend_from_slice(b"\nendstream");
            s
        },
    ];
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn write_in(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p
}

fn run(args: &[&str], input: &Path) -> std::process::Output {
    privkit().arg("mat-strip").args(args).arg(input).output().unwrap()
}

/// The three policies on one document with an unknown part and one PDF with an attachment of
/// an unknown format.
#[test]
fn unknown_members_abort_by_default_and_obey_the_policy() {
    let dir = scratch();
    let docx = write_in(
        dir.path(),
        "ole.docx",
        &zip_plus(
            &fixture_dir().join("docx-review.docx"),
            &[("word/embeddings/oleObject1.bin", ole_blob())],
        ),
    );
    let pdf = write_in(dir.path(), "attached.pdf", &pdf_with_attachment(&ole_blob()));
    for (input, member) in [
        (&docx, "word/embeddings/oleObject1.bin"),
        (&pdf, "attachment blob.bin"),
    ] {
        let out_path = dir.path().join("out");
        let _ = fs::remove_file(&out_path);
        for args in [&[][..], &["--check"], &["--show"]] {
            let out = run(args, input);
            assert_eq!(out.status.code(), Some(65), "{args:?}: {}", stderr_of(&out));
            let err = stderr_of(&out);
            assert!(err.contains(member) && err.contains("unknown kind"), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }

        let out = run(&["--unknown", "omit", "-o", out_path.to_str().unwrap()], input);
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let cleaned = fs::read(&out_path).unwrap();
        assert!(!contains(&cleaned, b"PKSECRET-ole"), "{}", input.display());
        if input == &docx {
            assert!(!zip_names(&cleaned).iter().any(|n| n.contains("oleObject")));
        }

        let out = run(&["--unknown", "keep", "-o", out_path.to_str().unwrap()], input);
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        assert!(stdout_of(&out).contains("kept unchecked"), "{}", stdout_of(&out));
        let out = run(&["--unknown", "keep", "--check"], input);
        assert_eq!(out.status.code(), Some(1), "{}", stdout_of(&out));
        assert!(stdout_of(&out).contains("metadata found"));
        let out = run(&["--unknown", "keep", "--show", "--json"], input);
        let report: serde_json::Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
        let unchecked = report["unchecked"].as_array().unwrap();
        assert_eq!(unchecked.len(), 1, "{report}");
        assert_eq!(unchecked[0]["name"], member);
    }
}

/// Members known by a rule: ODF's layout cache (dropped), manifest.rdf and SVM replacement
/// pictures (kept); macros in xlsm/pptm (kept, listed by --show). The files clean by default.
#[test]
fn known_members_never_stop_a_file() {
    let dir = scratch();
    let mut svm = b"VCLMTF".to_vec();
    svm.extend_from_slice(&[1u8; 64]);
    let odt = write_in(
        dir.path(),
        "objects.odt",
        &zip_plus(
            &fixture_dir().join("odt-review.odt"),
            &[
                ("layout-cache", b"\x00\x01cache PKSECRET".to_vec()),
                (
                    "manifest.rdf",
                    b"<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>".to_vec(),
                ),
                ("ObjectReplacements/Object 1", svm.clone()),
            ],
        ),
    );
    let out = run(&[], &odt);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = fs::read(dir.path().join("objects.cleaned.odt")).unwrap();
    let names = zip_names(&cleaned);
    assert!(!names.iter().any(|n| n == "layout-cache"), "{names:?}");
    assert!(names.iter().any(|n| n == "manifest.rdf"), "{names:?}");
    assert!(
        names.iter().any(|n| n == "ObjectReplacements/Object 1"),
        "{names:?}"
    );
    assert!(!contains(&cleaned, PLANTED));

    for (fixture, name, macros) in [
        ("xlsx-comments.xlsx", "book.xlsm", "xl/vbaProject.bin"),
        ("pptx-comments.pptx", "deck.pptm", "ppt/vbaProject.bin"),
    ] {
        let input = write_in(
            dir.path(),
            name,
            &zip_plus(&fixture_dir().join(fixture), &[(macros, ole_blob())]),
        );
        let out = run(&[], &input);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let out = run(&["--show"], &input);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        assert!(
            stdout_of(&out).contains("kept OOXML") && stdout_of(&out).contains(macros),
            "{name}: {}",
            stdout_of(&out)
        );
    }
}
