//! OLE2 compound files embedded in documents (issue 15): the property sets of
//! `word/embeddings/oleObject1.bin` go, a packaged file keeps only its bare name and is cleaned
//! by its own format, the document still opens; a damaged object follows `--unknown`.

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{contains, fixture_dir, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

const OLE_PART: &str = "word/embeddings/oleObject1.bin";

fn fixture() -> PathBuf {
    fixture_dir().join("media/docx-ole-embedding.docx")
}

fn run(args: &[&str], input: &Path) -> std::process::Output {
    privkit().arg("mat-strip").args(args).arg(input).output().unwrap()
}

/// Every part of a zip, inflated.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().unwrap().into_owned(), data)
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    parts(bytes).into_iter().find(|(n, _)| n == name).map(|(_, d)| d)
}

/// The zip `bytes` with the part `name` replaced by `data` (None: left out; added at the end
/// when there is no such part). The first entry is stored, as ODF's mimetype must be.
fn with_part(bytes: &[u8], name: &str, data: Option<&[u8]>) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut all = parts(bytes);
    if !all.iter().any(|(n, _)| n == name) {
        all.push((name.to_string(), Vec::new()));
    }
    for (i, (n, d)) in all.into_iter().enumerate() {
        let d = if n == name {
            data.map(<[u8]>::to_vec)
        } else {
            Some(d)
        };
        let method = if i == 0 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        if let Some(d) = d {
            let options = zip::write::SimpleFileOptions::default().compression_method(method);
            out.start_file(n, options).unwrap();
            out.write_all(&d).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// Stream path and bytes of every stream of a compound file.
fn streams(ole: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut file = cfb::CompoundFile::open(Cursor::new(ole)).unwrap();
    let paths: Vec<PathBuf> = file
        .walk()
        .filter(|e| e.is_stream())
        .map(|e| e.path().to_path_buf())
        .collect();
    paths
        .into_iter()
        .map(|p| {
            let mut data = Vec::new();
            file.open_stream(&p).unwrap().read_to_end(&mut data).unwrap();
            (p.to_string_lossy().into_owned(), data)
        })
        .collect()
}

/// A compound file holding these streams (paths from the root, storages made on the way).
fn compound(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for (path, data) in files {
        let path = Path::new("/").join(path);
        if let Some(parent) = path.parent() {
            file.create_storage_all(parent).unwrap();
        }
        file.create_stream(&path).unwrap().write_all(data).unwrap();
    }
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// A property set stream with one string property (SummaryInformation's Author, id 4).
fn author_set(author: &str) -> Vec<u8> {
    let mut value = 0x1eu32.to_le_bytes().to_vec();
    value.extend_from_slice(&(author.len() as u32 + 1).to_le_bytes());
    value.extend_from_slice(author.as_bytes());
    value.push(0);
    while !value.len().is_multiple_of(4) {
        value.push(0);
    }
    let mut section = ((16 + value.len()) as u32).to_le_bytes().to_vec();
    section.extend_from_slice(&1u32.to_le_bytes());
    section.extend_from_slice(&4u32.to_le_bytes());
    section.extend_from_slice(&16u32.to_le_bytes());
    section.extend_from_slice(&value);
    let mut set = vec![0xfe, 0xff, 0, 0, 5, 1, 2, 0];
    set.extend_from_slice(&[0; 16]);
    set.extend_from_slice(&1u32.to_le_bytes());
    set.extend_from_slice(&[
        0xe0, 0x85, 0x9f, 0xf2, 0xf9, 0x4f, 0x68, 0x10, 0xab, 0x91, 0x08, 0x00, 0x2b, 0x27, 0xb3, 0xd9,
    ]);
    set.extend_from_slice(&48u32.to_le_bytes());
    set.extend_from_slice(&section);
    set
}

/// The file packaged in an `\x01Ole10Native` stream, and the names of its header.
fn packaged(native: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut names = Vec::new();
    let mut at = 6;
    for _ in 0..2 {
        let end = at + native[at..].iter().position(|&b| b == 0).unwrap();
        names.push(native[at..end].to_vec());
        at = end + 1;
    }
    at += 4;
    let n = u32::from_le_bytes(native[at..at + 4].try_into().unwrap()) as usize;
    names.push(native[at + 4..at + 4 + n - 1].to_vec());
    at += 4 + n;
    let len = u32::from_le_bytes(native[at..at + 4].try_into().unwrap()) as usize;
    (names, native[at + 4..at + 4 + len].to_vec())
}

/// What a Python script prints about `args`, run by the peer venv of .ci/run (python-docx,
/// olefile), where it exists.
fn peer(script: &str, args: &[&Path]) -> Option<String> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peer-venv/bin/python");
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .ok()?;
    assert!(out.status.success(), "{script}: {}", stderr_of(&out));
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn the_embedded_object_loses_its_properties_and_paths_and_the_document_opens() {
    let dir = scratch();
    let out_path = dir.path().join("out.docx");
    let out = run(&["-o", out_path.to_str().unwrap()], &fixture());
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = fs::read(&out_path).unwrap();
    for (name, data) in parts(&cleaned) {
        assert!(!contains(&data, PLANTED), "{name} keeps a planted value");
    }
    let ole = part(&cleaned, OLE_PART).expect("the OLE object stays");
    let names: Vec<String> = streams(&ole).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["/\u{1}Ole10Native"],
        "property sets gone, the package kept"
    );

    // The packaged photo: only its bare name, and cleaned exactly as it is cleaned alone.
    let original = part(&fs::read(fixture()).unwrap(), OLE_PART).unwrap();
    let (_, photo) = packaged(
        &streams(&original)
            .into_iter()
            .find(|(n, _)| n.ends_with("Native"))
            .unwrap()
            .1,
    );
    let (names, kept) = packaged(&streams(&ole)[0].1);
    assert_eq!(
        names,
        [b"park.jpg".to_vec(), b"park.jpg".to_vec(), b"park.jpg".to_vec()]
    );
    let alone = dir.path().join("park.jpg");
    fs::write(&alone, &photo).unwrap();
    let out = run(&["-o", "-"], &alone);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        kept, out.stdout,
        "the packaged photo is cleaned by its own format"
    );

    // Idempotent: the output is clean and cleaning it again changes nothing.
    let again = dir.path().join("again.docx");
    let out = run(&["-o", again.to_str().unwrap()], &out_path);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(fs::read(&again).unwrap(), cleaned);
    assert_eq!(run(&["--check"], &out_path).status.code(), Some(0));

    let extracted = dir.path().join("oleObject1.bin");
    fs::write(&extracted, &ole).unwrap();
    if have("exiftool") {
        let tags = Command::new("exiftool")
            .args(["-a", "-u", "-G1"])
            .arg(&extracted)
            .output()
            .unwrap();
        let tags = stdout_of(&tags);
        // ExifTool reads the property sets of the original as FlashPix tags.
        for tag in [
            "Author",
            "Last Modified By",
            "Company",
            "Manager",
            "Template",
            "Create Date",
        ] {
            assert!(
                !tags.lines().any(|l| l.contains(&format!("] {tag} "))),
                "{tag}:\n{tags}"
            );
        }
    }
    if let Some(found) = peer(
        "import olefile,docx,sys; docx.Document(sys.argv[1]); \
         m=olefile.OleFileIO(sys.argv[2]).get_metadata(); print(m.author, m.last_saved_by, m.company)",
        &[&out_path, &extracted],
    ) {
        assert_eq!(found.trim(), "None None None");
    }
}

#[test]
fn show_lists_the_object_properties_with_their_categories() {
    let out = run(&["--show", "--json"], &fixture());
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let report: serde_json::Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
    let items = report["removed"].as_array().unwrap();
    let item = |name: &str| {
        items
            .iter()
            .find(|i| i["name"] == name && i["location"].as_str().unwrap().contains(OLE_PART))
            .unwrap_or_else(|| panic!("{name} not listed: {report}"))
    };
    for (name, value, category) in [
        ("Author", "PKSECRET-ole-Author", "identity"),
        ("LastModifiedBy", "PKSECRET-ole-LastAuthor", "identity"),
        ("Company", "PKSECRET-ole-Company", "identity"),
        ("Manager", "PKSECRET-ole-Manager", "identity"),
        ("CreateDate", "2019-03-04T05:06:07Z", "time"),
        // gsf stamps the stream entries too (the format wants them zero).
        ("stream times", "2019-03-04T05:06:07Z", "time"),
        (
            "source path",
            r"C:\Users\PKSECRET-user\Pictures\park.jpg",
            "identity",
        ),
    ] {
        let i = item(name);
        assert_eq!(i["value"], value, "{i}");
        assert_eq!(i["category"], category, "{i}");
    }
    assert!(item("Template")["value"]
        .as_str()
        .unwrap()
        .starts_with(r"C:\Users\PKSECRET-user"));
}

/// A damaged OLE member is a member mat-strip cannot check: 65 naming it by default, no output
/// left; left out (with its relationship) under --unknown omit.
#[test]
fn a_damaged_object_is_refused_by_default_and_left_out_on_request() {
    let dir = scratch();
    let docx = fs::read(fixture()).unwrap();
    let ole = part(&docx, OLE_PART).unwrap();
    // Cut inside the directory and stream sectors: the header is intact, the chains are not.
    let damaged = dir.path().join("damaged.docx");
    fs::write(&damaged, with_part(&docx, OLE_PART, Some(&ole[..ole.len() / 2]))).unwrap();
    let out = run(&[], &damaged);
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains(OLE_PART) && err.contains("damaged OLE2"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!dir.path().join("damaged.cleaned.docx").exists());

    let out_path = dir.path().join("omitted.docx");
    let out = run(&["--unknown", "omit", "-o", out_path.to_str().unwrap()], &damaged);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cleaned = fs::read(&out_path).unwrap();
    assert!(part(&cleaned, OLE_PART).is_none());
    let rels = part(&cleaned, "word/_rels/document.xml.rels").unwrap();
    assert!(!contains(&rels, b"oleObject1.bin"));
    if let Some(ok) = peer(
        "import docx,sys; docx.Document(sys.argv[1]); print('ok')",
        &[&out_path],
    ) {
        assert_eq!(ok.trim(), "ok");
    }
}

/// On its own: a Word document's property sets go at every level; its body, which mat-strip
/// does not clean, is refused by default and kept unchecked under --unknown keep; an embedded
/// OOXML package is cleaned as a document; a stream of no known kind follows --unknown.
#[test]
fn compound_files_on_their_own() {
    let dir = scratch();
    let docx = fs::read(fixture_dir().join("docx-review.docx")).unwrap();
    let set = author_set("PKSECRET-doc-Author");
    let word = compound(&[
        ("WordDocument", b"body text"),
        ("1Table", b"tables"),
        ("\u{1}CompObj", b"Microsoft Word"),
        ("\u{5}SummaryInformation", &set),
        ("ObjectPool/_1/\u{5}SummaryInformation", &set),
        ("ObjectPool/_1/Package", &docx),
    ]);
    let input = dir.path().join("embedded.doc");
    fs::write(&input, &word).unwrap();
    let out = run(&[], &input);
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("member 1Table") && err.contains("Word/Excel document: not cleaned"),
        "{err}"
    );
    let out = run(&["--show", "--unknown", "keep"], &input);
    let shown = stdout_of(&out);
    assert!(
        shown.contains("PKSECRET-doc-Author") && shown.contains("kept unchecked"),
        "{shown}"
    );

    let out_path = dir.path().join("out.doc");
    let out = run(&["--unknown", "keep", "-o", out_path.to_str().unwrap()], &input);
    assert_eq!(out.status.code(), Some(1), "unchecked: {}", stderr_of(&out));
    let cleaned = fs::read(&out_path).unwrap();
    assert!(!contains(&cleaned, b"PKSECRET-doc"));
    let kept = streams(&cleaned);
    let names: Vec<&str> = kept.iter().map(|(n, _)| n.as_str()).collect();
    assert!(!names.iter().any(|n| n.contains('\u{5}')), "{names:?}");
    assert!(kept.contains(&("/WordDocument".to_string(), b"body text".to_vec())));
    let package = &kept.iter().find(|(n, _)| n.ends_with("Package")).unwrap().1;
    for (name, data) in parts(package) {
        assert!(!contains(&data, PLANTED), "Package {name} keeps a planted value");
    }

    let unknown = dir.path().join("unknown.bin");
    fs::write(
        &unknown,
        compound(&[("Secret", b"PKSECRET-stream"), ("\u{5}SummaryInformation", &set)]),
    )
    .unwrap();
    let out = run(&[], &unknown);
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("member Secret is of an unknown kind"),
        "{}",
        stderr_of(&out)
    );
    let out = run(&["--unknown", "omit", "-o", "-"], &unknown);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(streams(&out.stdout).is_empty());
}

/// ODF keeps an OLE object as a part named `Object N`: cleaned the same way.
#[test]
fn an_odf_object_in_ole_form_is_cleaned() {
    let dir = scratch();
    let ole = part(&fs::read(fixture()).unwrap(), OLE_PART).unwrap();
    let odt = fs::read(fixture_dir().join("odt-review.odt")).unwrap();
    let input = dir.path().join("object.odt");
    fs::write(&input, with_part(&odt, "Object 1", Some(&ole))).unwrap();
    let out_path = dir.path().join("out.odt");
    let out = run(&["-o", out_path.to_str().unwrap()], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&run(&["--show"], &input)).contains("Object 1"));
    let object = part(&fs::read(&out_path).unwrap(), "Object 1").expect("the object stays");
    assert!(!contains(&object, PLANTED));
    assert_eq!(streams(&object).len(), 1);
}

/// An `\x01Ole10Native` stream packaging `file` from `path` (the temporary path the same).
fn native(path: &str, file: &[u8]) -> Vec<u8> {
    let name = path.rsplit('\\').next().unwrap();
    let mut body = 2u16.to_le_bytes().to_vec();
    for s in [name, path] {
        body.extend_from_slice(s.as_bytes());
        body.push(0);
    }
    body.extend_from_slice(&0x0003_0000u32.to_le_bytes());
    body.extend_from_slice(&(path.len() as u32 + 1).to_le_bytes());
    body.extend_from_slice(path.as_bytes());
    body.push(0);
    body.extend_from_slice(&(file.len() as u32).to_le_bytes());
    body.extend_from_slice(file);
    let mut out = (body.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(&body);
    out
}

/// A packaged file of a format mat-strip does not clean follows --unknown: refused by default
/// naming it, the package left out under omit, kept unchecked (with its paths cut to the bare
/// name) under keep.
#[test]
fn a_packaged_file_of_no_supported_format_follows_the_policy() {
    let dir = scratch();
    let input = dir.path().join("package.bin");
    let stream = native(r"C:\Users\PKSECRET-user\notes.txt", b"plain notes");
    fs::write(&input, compound(&[("\u{1}Ole10Native", &stream)])).unwrap();
    let out = run(&[], &input);
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("Ole10Native: notes.txt is of an unknown kind"),
        "{}",
        stderr_of(&out)
    );
    let out = run(&["--unknown", "omit", "-o", "-"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(streams(&out.stdout).is_empty());
    let out = run(&["--unknown", "keep", "-o", "-"], &input);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let kept = streams(&out.stdout);
    let (names, file) = packaged(&kept[0].1);
    assert_eq!(
        names,
        [
            b"notes.txt".to_vec(),
            b"notes.txt".to_vec(),
            b"notes.txt".to_vec()
        ]
    );
    assert_eq!(file, b"plain notes");
}
