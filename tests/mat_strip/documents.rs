//! mat-strip on documents (testdata/mat-strip, made by make-document-fixtures.py): nothing
//! planted survives anywhere (raw bytes, every inflated zip entry, every PDF stream), and the
//! content reads the same.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::events::Event;

use super::{contains, copy_in, fixture_dir, PLANTED};
use crate::common::{entries, have, privkit, scratch, stderr_of, stdout_of};

/// Dates planted in the fixtures, in the forms the formats write them.
const PLANTED_DATES: &[&[u8]] = &[b"2019-03-04", b"20190304"];

pub fn is_document(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("pdf" | "docx" | "xlsx" | "pptx" | "odt" | "ods" | "odp")
    )
}

fn documents() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| is_document(p) && !p.to_string_lossy().contains(".cleaned."))
        .collect();
    v.sort();
    assert!(v.len() >= 10, "document fixtures missing: {v:?}");
    v
}

fn is_zip(p: &Path) -> bool {
    p.extension().is_some_and(|e| e != "pdf")
}

/// Every inflated entry of a zip, by name, in archive order.
pub(super) fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
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

/// Every PDF object's bytes as a reader sees them: strings, names and every stream inflated.
fn pdf_pieces(bytes: &[u8]) -> Vec<Vec<u8>> {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let mut pieces = vec![format!("{:?}", doc.trailer).into_bytes()];
    for object in doc.objects.values() {
        pieces.push(format!("{object:?}").into_bytes());
        if let lopdf::Object::Stream(s) = object {
            pieces.push(s.decompressed_content().unwrap_or_else(|_| s.content.clone()));
        }
    }
    pieces
}

/// Where a planted value survives in a document, if anywhere.
fn planted_in(path: &Path, bytes: &[u8]) -> Vec<String> {
    let mut places = Vec::new();
    let mut search = |place: &str, data: &[u8]| {
        for needle in [PLANTED].iter().chain(PLANTED_DATES) {
            if contains(data, needle) {
                places.push(format!("{place}: {}", String::from_utf8_lossy(needle)));
            }
        }
    };
    search("raw bytes", bytes);
    if is_zip(path) {
        for (name, data) in zip_entries(bytes) {
            search(&name, &data);
        }
    } else {
        for (i, piece) in pdf_pieces(bytes).iter().enumerate() {
            search(&format!("PDF object {i}"), piece);
        }
    }
    places
}

/// The character data of the XML parts that hold a document's content, part by part, without
/// the text of elements that name people or dates (whose text the cleaner replaces).
fn content_text(bytes: &[u8]) -> BTreeMap<String, Vec<String>> {
    const CONTENT: &[&str] = &[
        "word/document.xml",
        "xl/sharedStrings.xml",
        "content.xml",
        "styles.xml",
    ];
    const PERSONAL: &[&[u8]] = &[b"dc:creator", b"dc:date", b"author"];
    let mut out = BTreeMap::new();
    for (name, data) in zip_entries(bytes) {
        let wanted = CONTENT.contains(&name.as_str())
            || name.starts_with("xl/worksheets/sheet")
            || (name.starts_with("ppt/slides/slide") && name.ends_with(".xml"))
            || name.starts_with("word/comments")
            || name.starts_with("xl/comments");
        if !wanted {
            continue;
        }
        let mut reader = quick_xml::Reader::from_reader(&data[..]);
        let mut texts = Vec::new();
        let mut personal = 0usize;
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) if PERSONAL.contains(&e.name().as_ref()) || personal > 0 => personal += 1,
                Event::End(_) if personal > 0 => personal -= 1,
                Event::Text(t) if personal == 0 => {
                    texts.push(String::from_utf8_lossy(t.as_ref()).into_owned())
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out.insert(name, texts);
    }
    out
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

#[test]
fn nothing_planted_survives_and_the_content_is_unchanged() {
    let dir = scratch();
    for fixture in documents() {
        if fixture.file_name().unwrap() == "pdf-user-password.pdf" {
            continue; // refused: see encrypted_pdfs
        }
        let input = copy_in(dir.path(), &fixture);
        let before = fs::read(&input).unwrap();
        if !fixture.to_string_lossy().contains("password") {
            assert!(
                !planted_in(&input, &before).is_empty(),
                "{}: nothing planted",
                fixture.display()
            );
        }
        let (cleaned, out) = clean(&input);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            fixture.display(),
            stderr_of(&out)
        );
        assert_eq!(fs::read(&input).unwrap(), before, "the original changed");
        let after = fs::read(&cleaned).unwrap();
        let left = planted_in(&cleaned, &after);
        assert!(left.is_empty(), "{}: still there: {left:?}", fixture.display());
        if is_zip(&fixture) {
            assert_eq!(
                content_text(&before),
                content_text(&after),
                "{}",
                fixture.display()
            );
            assert!(!content_text(&after).is_empty());
        } else {
            let pages = |b: &[u8]| lopdf::Document::load_mem(b).unwrap().get_pages().len();
            let original = if fixture.to_string_lossy().contains("owner-password") {
                fixture_dir().join("pdf-report.pdf")
            } else {
                fixture.clone()
            };
            assert_eq!(
                pages(&after),
                pages(&fs::read(&original).unwrap()),
                "{}",
                fixture.display()
            );
        }
        // Cleaned once is clean: --check agrees.
        let check = privkit()
            .args(["mat-strip", "--check"])
            .arg(&cleaned)
            .output()
            .unwrap();
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}: {}",
            cleaned.display(),
            stdout_of(&check)
        );
    }
}

/// pdftotext (poppler) reads the same text before and after; qpdf finds the output sound.
#[test]
fn pdf_text_is_unchanged_and_qpdf_checks_the_output() {
    if !have("pdftotext") || !have("qpdf") {
        eprintln!("poppler-utils or qpdf not installed: skipped (CI installs them)");
        return;
    }
    let dir = scratch();
    for name in [
        "pdf-report.pdf",
        "pdf-objstm.pdf",
        "pdf-incremental.pdf",
        "pdf-owner-password.pdf",
    ] {
        let input = copy_in(dir.path(), &fixture_dir().join(name));
        let (cleaned, out) = clean(&input);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let text = |p: &Path| {
            let out = Command::new("pdftotext").arg(p).arg("-").output().unwrap();
            assert!(
                out.status.success(),
                "pdftotext {}: {}",
                p.display(),
                stderr_of(&out)
            );
            out.stdout
        };
        let before = text(&input);
        assert!(contains(&before, b"north warehouse"), "{name}");
        assert_eq!(before, text(&cleaned), "{name}: text changed");
        qpdf_finds_sound(&cleaned, name);
        // One revision: one end-of-file marker, no /Prev.
        let after = fs::read(&cleaned).unwrap();
        assert_eq!(after.windows(5).filter(|w| w == b"%%EOF").count(), 1, "{name}");
        assert!(!contains(&after, b"/Prev"), "{name}");
        assert!(!contains(&after, b"/Encrypt"), "{name}");
    }
    // Rendered pages are the same picture (layout, fonts, images).
    if have("pdftoppm") {
        let input = copy_in(dir.path(), &fixture_dir().join("pdf-report.pdf"));
        let (cleaned, _) = clean(&input);
        let render = |p: &Path| {
            Command::new("pdftoppm")
                .args(["-r", "40", "-gray"])
                .arg(p)
                .output()
                .unwrap()
                .stdout
        };
        assert_eq!(render(&input), render(&cleaned), "the pages render differently");
    }
}

#[test]
fn encrypted_pdfs() {
    let dir = scratch();
    let locked = copy_in(dir.path(), &fixture_dir().join("pdf-user-password.pdf"));
    let (_, out) = clean(&locked);
    assert_eq!(out.status.code(), Some(65));
    assert_eq!(
        stderr_of(&out),
        format!(
            "privkit mat-strip: {}: encrypted: needs a password (decrypt it first, e.g. qpdf --decrypt)\n",
            locked.display()
        )
    );
    let owner = copy_in(dir.path(), &fixture_dir().join("pdf-owner-password.pdf"));
    let (cleaned, out) = clean(&owner);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr_of(&out).contains("written decrypted"),
        "{}",
        stderr_of(&out)
    );
    assert!(!lopdf::Document::load_mem(&fs::read(&cleaned).unwrap())
        .unwrap()
        .trailer
        .has(b"Encrypt"));
    assert_eq!(entries(dir.path()).len(), 3, "no output for the refused file");
}

#[test]
fn pdf_annotations_stay_unless_asked_and_form_fields_keep_their_names() {
    let dir = scratch();
    let input = copy_in(dir.path(), &fixture_dir().join("pdf-report.pdf"));
    let (cleaned, _) = clean(&input);
    let after = fs::read(&cleaned).unwrap();
    let doc = lopdf::Document::load_mem(&after).unwrap();
    let annots = doc
        .objects
        .values()
        .filter(|o| format!("{o:?}").contains("/Annot"))
        .count();
    assert!(annots >= 2, "annotations were removed");
    assert!(contains(&after, b"signed_by"), "the form field lost its name");
    assert!(contains(&after, b"Check this figure"), "the note lost its text");
    let out = privkit()
        .args(["mat-strip", "--remove-annotations", "-o"])
        .arg(dir.path().join("bare.pdf"))
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let bare = fs::read(dir.path().join("bare.pdf")).unwrap();
    assert!(!contains(&bare, b"Check this figure") && !contains(&bare, b"/Annots"));
}

#[test]
fn zip_hygiene_and_identical_output_for_identical_input() {
    let dir = scratch();
    for fixture in documents().into_iter().filter(|p| is_zip(p)) {
        let input = copy_in(dir.path(), &fixture);
        let (cleaned, _) = clean(&input);
        let first = fs::read(&cleaned).unwrap();
        fs::remove_file(&cleaned).unwrap();
        let (_, _) = clean(&input);
        assert_eq!(
            fs::read(&cleaned).unwrap(),
            first,
            "{}: output differs between runs",
            fixture.display()
        );
        let mut z = zip::ZipArchive::new(Cursor::new(&first[..])).unwrap();
        assert!(z.comment().is_empty());
        let first_name = z.by_index(0).unwrap().name().unwrap().to_string();
        if fixture.extension().unwrap().to_string_lossy().starts_with("od") {
            assert_eq!(first_name, "mimetype");
            assert_eq!(
                z.by_index(0).unwrap().compression(),
                zip::CompressionMethod::Stored
            );
            // ODF readers find the type at a fixed offset.
            assert_eq!(&first[30..38], b"mimetype");
        } else {
            assert_eq!(first_name, "[Content_Types].xml");
        }
        for i in 0..z.len() {
            let f = z.by_index(i).unwrap();
            assert!(f.comment().is_empty(), "{}", f.name().unwrap());
            assert!(
                f.extra_data().unwrap_or_default().is_empty(),
                "{}: extra field",
                f.name().unwrap()
            );
            assert_eq!(
                f.last_modified(),
                Some(zip::DateTime::default()),
                "{}",
                f.name().unwrap()
            );
        }
        // Removed parts leave no reference behind.
        let names: Vec<String> = zip_entries(&first).into_iter().map(|(n, _)| n).collect();
        for (name, data) in zip_entries(&first) {
            if name.ends_with(".rels") || name == "[Content_Types].xml" || name == "META-INF/manifest.xml" {
                let text = String::from_utf8_lossy(&data);
                for gone in [
                    "custom.xml",
                    "thumbnail.",
                    "/printerSettings/",
                    "customXml/item",
                    "Thumbnails/",
                ] {
                    assert!(
                        !text.contains(gone),
                        "{}: {name} still names {gone}",
                        fixture.display()
                    );
                }
            }
        }
        assert!(!names
            .iter()
            .any(|n| n.starts_with("docProps/thumbnail") || n.starts_with("Thumbnails/")));
    }
}

#[test]
fn show_and_check_report_document_metadata() {
    let docx = fixture_dir().join("docx-review.docx");
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(&docx)
        .output()
        .unwrap();
    let text = stdout_of(&out);
    for expected in [
        "OOXML docProps/core.xml dc:creator: PKSECRET-Author",
        "OOXML word/comments.xml w:author: PKSECRET-Commenter",
        "rsid attributes (revision ids)",
        "docProps/thumbnail.jpeg: thumbnail of the first page",
        "EXIF GPS in word/media/image1.jpg",
        "ZIP                timestamps",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let out = privkit()
        .args(["mat-strip", "--check", "--json"])
        .arg(fixture_dir().join("pdf-report.pdf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
    assert_eq!(v["format"], "PDF");
    assert_eq!(v["status"], "dirty");
    let removed = v["removed"].as_array().unwrap();
    assert!(
        removed.iter().any(|r| r["format"] == "PDF"
            && r["location"] == "annotation"
            && r["value"] == "PKSECRET-Annotator"),
        "{v}"
    );
}

/// exiftool, reading the outputs, finds no author, company or editing data.
#[test]
fn exiftool_finds_no_document_metadata_in_outputs() {
    if !have("exiftool") {
        eprintln!("exiftool not installed: skipped");
        return;
    }
    let dir = scratch();
    for name in [
        "docx-review.docx",
        "xlsx-comments.xlsx",
        "pptx-comments.pptx",
        "odt-review.odt",
        "pdf-report.pdf",
    ] {
        let input = copy_in(dir.path(), &fixture_dir().join(name));
        let (cleaned, _) = clean(&input);
        let out = Command::new("exiftool")
            .args(["-j", "-a", "-G1"])
            .arg(&cleaned)
            .output()
            .unwrap();
        let text = stdout_of(&out);
        assert!(!text.contains("PKSECRET"), "{name}: {text}");
        for tag in [
            "Author\"",
            "Creator\"",
            "LastModifiedBy",
            "Company",
            "TotalEditTime",
            "ModifyDate\"",
        ] {
            // The file system's own time and the zip's fixed 1980 stamp are not the document's.
            let leaked: Vec<&str> = text
                .lines()
                .filter(|l| l.contains(tag) && !l.contains("System:") && !l.contains("1980:01:01"))
                .collect();
            assert!(leaked.is_empty(), "{name}: exiftool still reads {leaked:?}");
        }
    }
}

#[test]
fn bad_and_hostile_documents_are_refused_quickly() {
    let dir = scratch();
    let docx = fs::read(fixture_dir().join("docx-review.docx")).unwrap();
    let pdf = fs::read(fixture_dir().join("pdf-report.pdf")).unwrap();
    let odt = fs::read(fixture_dir().join("odt-review.odt")).unwrap();
    // A part of zeros that inflates 1000:1, and one whose size is far past the bound.
    let bomb = {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(b"<Types/>").unwrap();
        z.start_file("word/document.xml", opts).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap().into_inner()
    };
    let deep = {
        let mut b = pdf[..pdf.len() - 6].to_vec();
        b.extend(std::iter::repeat_n(b'[', 100_000));
        b.extend_from_slice(b"\n%%EOF\n");
        b
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.docx", Vec::new(), "empty file"),
        ("cut.docx", docx[..docx.len() / 2].to_vec(), "corrupt OOXML"),
        ("cut.odt", odt[..odt.len() - 30].to_vec(), "corrupt ODF"),
        ("cut.pdf", pdf[..pdf.len() / 2].to_vec(), "truncated PDF"),
        ("bomb.docx", bomb, "zip bomb"),
        ("deep.pdf", deep, "nested more than"),
    ];
    for (name, bytes, message) in &cases {
        let input = dir.path().join(name);
        fs::write(&input, bytes).unwrap();
        // No timed assertion here: time belongs in the benchmarks under bench/.
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
        assert_eq!(&fs::read(&input).unwrap(), bytes, "{name}: input changed");
    }
    assert_eq!(
        entries(dir.path()).len(),
        cases.len(),
        "an output was left: {:?}",
        entries(dir.path())
    );
}

/// A zip with one more part.
fn with_part(archive: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    with_parts(archive, &[(name.to_string(), data.to_vec())])
}

/// A zip with more parts, after its own.
pub(super) fn with_parts(archive: &[u8], extra: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, d) in zip_entries(archive).into_iter().chain(extra.iter().cloned()) {
        z.start_file(n, zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(&d).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A spreadsheet embedded in a report is cleaned too; a document nested in itself without end
/// (a zip quine does that) is refused.
#[test]
fn embedded_documents_are_cleaned_and_nesting_is_bounded() {
    let dir = scratch();
    let docx = fs::read(fixture_dir().join("docx-review.docx")).unwrap();
    let xlsx = fs::read(fixture_dir().join("xlsx-comments.xlsx")).unwrap();
    let input = dir.path().join("with-sheet.docx");
    fs::write(
        &input,
        with_part(&docx, "word/embeddings/Microsoft_Excel_Worksheet.xlsx", &xlsx),
    )
    .unwrap();
    let (cleaned, out) = clean(&input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let entries = zip_entries(&fs::read(&cleaned).unwrap());
    let (_, sheet) = entries.iter().find(|(n, _)| n.ends_with(".xlsx")).unwrap();
    let inner = dir.path().join("inner.xlsx");
    fs::write(&inner, sheet).unwrap();
    assert!(
        planted_in(&inner, sheet).is_empty(),
        "{:?}",
        planted_in(&inner, sheet)
    );

    let mut nested = docx.clone();
    for _ in 0..6 {
        nested = with_part(&docx, "word/embeddings/inner.docx", &nested);
    }
    let deep = dir.path().join("deep.docx");
    fs::write(&deep, &nested).unwrap();
    let (_, out) = clean(&deep);
    assert_eq!(out.status.code(), Some(65));
    assert!(
        stderr_of(&out).contains("embedded more than 4 deep"),
        "{}",
        stderr_of(&out)
    );
}

/// `-o /dev/null` (or another device) is written into, never renamed over: an atomic write
/// there replaced the machine's /dev/null with a regular file.
#[test]
fn output_to_a_device_writes_into_it() {
    if !crate::common::is_root() {
        eprintln!("needs root (mknod): skipped");
        return;
    }
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch();
    let null = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(made.success());
    for fixture in [
        "pdf-report.pdf",
        "docx-review.docx",
        "../mat-strip/jpeg-baseline.jpg",
    ] {
        let out = privkit()
            .args(["mat-strip", "-o"])
            .arg(&null)
            .arg(fixture_dir().join(fixture))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{fixture}: {}", stderr_of(&out));
        let kind = fs::symlink_metadata(&null).unwrap().file_type();
        assert!(
            kind.is_char_device(),
            "{fixture}: the device was replaced by {kind:?}"
        );
    }
    assert_eq!(entries(dir.path()), ["null"], "a temporary file was left");
}

/// A one-revision PDF of these objects (numbered from 1) with a classic cross-reference table
/// and this trailer dictionary's entries.
fn pdf_of(objects: &[&str], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The Info dictionary goes whatever still refers to it: an xref stream whose /Type was damaged
/// (read as an ordinary object, with the trailer keys it repeats), an unknown trailer key, any
/// other object. Unknown trailer keys go too. (The mutation test found the first: seed
/// 888924666933 of pdf-objstm.pdf.)
#[test]
fn pdf_info_goes_whatever_refers_to_it() {
    let content = "0 0 m 100 100 l S";
    let common = [
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 6 0 R /Resources << >> \
         /Origin 4 0 R >>"
            .to_string(),
        "<< /Author (PKSECRET-InfoAuthor) /Creator (PKSECRET-InfoCreator) >>".to_string(),
        // An xref stream whose /Type lost a byte: no longer known as one.
        "<< /Type /#ffRef /Size 7 /W [1 2 1] /Root 1 0 R /Info 4 0 R /Length 4 >>\nstream\n\
         \x01\x00\x00\x00\nendstream"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
    ];
    let catalog = "<< /Type /Catalog /Pages 2 0 R /Extra 5 0 R >>".to_string();
    let dir = scratch();
    for (name, trailer) in [
        // The trailer lost its /Info: only the damaged xref stream still points to it.
        ("damaged-xref-stream.pdf", "/Root 1 0 R"),
        (
            "trailer-unknown-keys.pdf",
            "/Root 1 0 R /Info 4 0 R /PKUnknown 4 0 R /PKNote (PKSECRET-TrailerNote) /Type /PKSECRET-Type",
        ),
    ] {
        let objects: Vec<&str> = std::iter::once(catalog.as_str())
            .chain(common.iter().map(String::as_str))
            .collect();
        let input = dir.path().join(name);
        fs::write(&input, pdf_of(&objects, trailer)).unwrap();
        let (cleaned, out) = clean(&input);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let bytes = fs::read(&cleaned).unwrap();
        assert_eq!(planted_in(&cleaned, &bytes), Vec::<String>::new(), "{name}");
        assert!(!contains(&bytes, b"/Info") && !contains(&bytes, b"Ref"), "{name}");
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 1, "{name}");
        let show = privkit()
            .args(["mat-strip", "--show"])
            .arg(&input)
            .output()
            .unwrap();
        assert!(
            stdout_of(&show).contains("Author: PKSECRET-InfoAuthor"),
            "{name}: {}",
            stdout_of(&show)
        );
        if have("qpdf") {
            qpdf_finds_sound(&cleaned, name);
        }
    }
}

/// `qpdf --check` finds nothing wrong with a PDF.
fn qpdf_finds_sound(pdf: &Path, name: &str) {
    let check = Command::new("qpdf").arg("--check").arg(pdf).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{name}: {}{}",
        stdout_of(&check),
        stderr_of(&check)
    );
}
