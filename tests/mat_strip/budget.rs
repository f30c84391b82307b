//! One memory budget for the run (issue 12): standard input is judged by its first bytes and
//! capped; a document that needs more than --max-memory is refused cleanly.

use std::io::{Cursor, Write};
use std::process::{Command, Stdio};

use super::fixture_dir;
use crate::common::{privkit, scratch, stderr_of, BIN};

/// Regression: `head -c 1500M /dev/zero | mat-strip -` buffered everything before saying what
/// it was. Refused after the first bytes: the writer finds the pipe closed long before 64 MiB.
#[test]
fn stdin_of_no_supported_format_is_refused_at_once() {
    let mut child = Command::new(BIN)
        .args(["mat-strip", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            if stdin.write_all(&zeros).is_err() {
                return false; // the reader went away
            }
        }
        true
    });
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert_eq!(
        stderr_of(&out),
        "privkit mat-strip: standard input: unsupported format (looks like binary data)\n"
    );
    assert!(!writer.join().unwrap(), "all 64 MiB were read");
}

/// A document whose parts inflate beyond --max-memory is refused with 65 naming the budget;
/// the default budget cleans it.
#[test]
fn a_document_larger_than_the_budget_is_refused() {
    let dir = scratch();
    let big = {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")
            .unwrap();
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(b"<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>")
            .unwrap();
        // Varied text (compresses like prose, not like a bomb): about 2 MB inflated.
        for i in 0..60_000u64 {
            let word = i.wrapping_mul(2_654_435_761) % 1_000_000_007;
            write!(z, "<w:p><w:r><w:t>{word:x}</w:t></w:r></w:p>").unwrap();
        }
        z.write_all(b"</w:body></w:document>").unwrap();
        z.finish().unwrap().into_inner()
    };
    let input = dir.path().join("big.docx");
    std::fs::write(&input, &big).unwrap();
    let out = privkit()
        .args(["mat-strip", "--check", "--max-memory", "1M"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("too large for the memory budget"),
        "{}",
        stderr_of(&out)
    );
    let out = privkit()
        .args(["mat-strip", "--check"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // Small files are untouched by a small budget.
    let out = privkit()
        .args(["mat-strip", "--check", "--max-memory", "1M"])
        .arg(fixture_dir().join("png-rgb.png"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
}

/// The cleaned document goes to a spool file as it is written, so the budget is charged for
/// the parts being cleaned, not for the output: a 3 MB docx of forty photos cleans within 1 MiB
/// (it was refused, the whole output charged; three 377 MB documents with -j 3 took 1.06 GB).
#[test]
fn a_documents_output_is_not_held_in_memory() {
    let dir = scratch();
    let photo = std::fs::read(fixture_dir().join("jpeg-gray.jpg")).unwrap();
    let docx = {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/></Types>")
            .unwrap();
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(b"<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p/></w:body></w:document>")
            .unwrap();
        for i in 0..40 {
            z.start_file(format!("word/media/image{i}.jpeg"), opts).unwrap();
            z.write_all(&photo).unwrap();
        }
        z.finish().unwrap().into_inner()
    };
    assert!(docx.len() > 2 << 20);
    let input = dir.path().join("photos.docx");
    std::fs::write(&input, &docx).unwrap();
    let out = privkit()
        .args(["mat-strip", "--max-memory", "1M"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = std::fs::read(dir.path().join("photos.cleaned.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(cleaned)).unwrap();
    assert_eq!(zip.len(), 42);
    assert!(zip.by_name("word/media/image39.jpeg").unwrap().size() > 0);
}
