//! mat-strip on archives (#15): zip, tar and tar.gz/.xz/.bz2/.zst from
//! testdata/mat-strip/media (made by make-archive-fixtures.py). Every layer is unpacked with
//! the standard tools to look for planted values; members are compared with cleaning them alone.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{contains, copy_in, fixture_dir, PLANTED};
use crate::common::{entries, privkit, scratch, stderr_of, stdout_of};

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

const COMPRESSED: &[(&str, &str)] = &[
    ("tar-nested.tar.gz", "gzip"),
    ("tar-nested.tar.xz", "xz"),
    ("tar-nested.tar.bz2", "bzip2"),
    ("tar-nested.tar.zst", "zstd"),
];

/// Runs a tool; its standard output, after checking it succeeded.
fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{cmd:?}: {}", stderr_of(&out));
    out.stdout
}

/// Cleans `input` to `output`; the run's exit code.
fn clean_to(input: &Path, output: &Path) -> i32 {
    let out = privkit()
        .args(["mat-strip", "-o"])
        .arg(output)
        .arg(input)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}: {}",
        input.display(),
        stderr_of(&out)
    );
    out.status.code().unwrap()
}

/// Cleans `input` twice into `dir` (out-NAME, again-NAME): exit 1 (unknown members kept and
/// listed), the same bytes both times. Returns the first output.
fn clean_twice(dir: &Path, input: &Path, name: &str) -> PathBuf {
    let output = dir.join(format!("out-{name}"));
    let again = dir.join(format!("again-{name}"));
    assert_eq!(clean_to(input, &output), 1, "{name}");
    clean_to(input, &again);
    assert_eq!(
        fs::read(&output).unwrap(),
        fs::read(&again).unwrap(),
        "{name}: not deterministic"
    );
    output
}

/// Unpacks every layer under `dir`: archives found inside (zip, docx, tar) are unpacked too.
fn unpack_all(dir: &Path) {
    for _ in 0..4 {
        let mut more = false;
        for entry in walk(dir) {
            let name = entry.to_string_lossy().into_owned();
            let into = PathBuf::from(format!("{name}.d"));
            if into.exists() || !entry.is_file() {
                continue;
            }
            let head = fs::read(&entry).unwrap();
            if head.starts_with(b"PK\x03\x04") {
                fs::create_dir(&into).unwrap();
                run(Command::new("unzip").arg("-qq").arg(&entry).arg("-d").arg(&into));
                more = true;
            } else if head.get(257..262) == Some(b"ustar") {
                fs::create_dir(&into).unwrap();
                run(Command::new("tar").arg("-xf").arg(&entry).arg("-C").arg(&into));
                more = true;
            }
        }
        if !more {
            return;
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if fs::symlink_metadata(&p).unwrap().is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Files holding the planted marker, anywhere in an unpacked tree (raw bytes of every layer).
fn planted_in(dir: &Path) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| fs::symlink_metadata(p).unwrap().is_file())
        .filter(|p| contains(&fs::read(p).unwrap(), PLANTED))
        .collect()
}

/// `tar -tvf` without the owner and time columns: modes, sizes aside, names and links.
fn tar_listing(tar: &Path) -> Vec<String> {
    String::from_utf8(run(Command::new("tar").arg("-tvf").arg(tar)))
        .unwrap()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            format!("{} {}", f[0], f[5..].join(" "))
        })
        .collect()
}

/// `zipinfo` names and modes.
fn zip_listing(zip: &Path) -> Vec<String> {
    String::from_utf8(run(Command::new("zipinfo").arg(zip)))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('-') || l.starts_with('d') || l.starts_with('l'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            format!("{} {}", f[0], f[8..].join(" "))
        })
        .collect()
}

#[test]
fn nested_archives_are_cleaned_through_every_layer() {
    let dir = scratch();
    for name in ["zip-nested.zip", "tar-nested.tar"] {
        let input = copy_in(dir.path(), &media(name));
        // notes.txt and run.sh are of no format mat-strip cleans: kept and listed (exit 1).
        let output = clean_twice(dir.path(), &input, name);
        let tree = dir.path().join(format!("tree-{name}"));
        fs::create_dir(&tree).unwrap();
        fs::copy(&output, tree.join(name)).unwrap();
        unpack_all(&tree);
        assert_eq!(planted_in(&tree), Vec::<PathBuf>::new(), "{name}");

        // Members: names, order, modes and links kept; unknown members byte for byte; a
        // cleaned member is what cleaning it alone gives.
        let (before, after) = if name.ends_with(".zip") {
            run(Command::new("unzip").arg("-tq").arg(&output));
            (zip_listing(&input), zip_listing(&output))
        } else {
            (tar_listing(&input), tar_listing(&output))
        };
        assert!(before.iter().any(|l| l.contains("album/run.sh")), "{before:?}");
        let sizes = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|l| l.split(' ').next_back().unwrap().to_string())
                .collect()
        };
        assert_eq!(sizes(&before), sizes(&after), "{name}: names");
        let modes = |v: &[String]| -> Vec<String> { v.iter().map(|l| l[..10].to_string()).collect() };
        assert_eq!(modes(&before), modes(&after), "{name}: modes");
        if name.ends_with(".tar") {
            assert!(
                after.iter().any(|l| l.ends_with("album/latest.jpg -> photo.jpg")),
                "{after:?}"
            );
        }
        let original = dir.path().join(format!("orig-{name}"));
        fs::create_dir(&original).unwrap();
        fs::copy(&input, original.join(name)).unwrap();
        unpack_all(&original);
        let member = |root: &Path, m: &str| root.join(format!("{name}.d")).join(m);
        for kept in ["album/notes.txt", "album/run.sh"] {
            assert_eq!(
                fs::read(member(&tree, kept)).unwrap(),
                fs::read(member(&original, kept)).unwrap(),
                "{name}: {kept}"
            );
        }
        for m in ["album/photo.jpg", "album/review.docx", "album/nested.zip"] {
            let alone = dir.path().join(format!("alone-{}", m.replace('/', "-")));
            clean_to(&member(&original, m), &alone);
            assert_eq!(
                fs::read(member(&tree, m)).unwrap(),
                fs::read(&alone).unwrap(),
                "{name}: {m} differs from cleaning it alone"
            );
        }
        // Cleaning the output changes nothing: no finding left but the unchecked members.
        let show = privkit()
            .args(["mat-strip", "--json", "--show"])
            .arg(&output)
            .output()
            .unwrap();
        let report: Value = serde_json::from_str(stdout_of(&show).trim()).unwrap();
        assert_eq!(
            report["removed"].as_array().map_or(0, Vec::len),
            0,
            "{name}: {report}"
        );
        assert_eq!(
            report["unchecked"].as_array().unwrap().len(),
            2,
            "{name}: {report}"
        );
        let check = privkit()
            .args(["mat-strip", "--check"])
            .arg(&output)
            .output()
            .unwrap();
        assert_eq!(
            check.status.code(),
            Some(1),
            "unchecked members: never called clean"
        );
    }
}

#[test]
fn compressed_tars_are_the_cleaned_tar_compressed_again() {
    let dir = scratch();
    let bare = dir.path().join("bare.tar");
    clean_to(&media("tar-nested.tar"), &bare);
    for (name, tool) in COMPRESSED {
        let input = copy_in(dir.path(), &media(name));
        let output = clean_twice(dir.path(), &input, name);
        run(Command::new(tool).arg("-t").arg(&output));
        let inner = run(Command::new(tool).arg("-dc").arg(&output));
        assert!(inner == fs::read(&bare).unwrap(), "{name}: not the cleaned tar");
        assert!(!contains(&fs::read(&output).unwrap(), PLANTED));
        assert_eq!(
            &fs::read(&output).unwrap()[..3],
            &fs::read(&input).unwrap()[..3],
            "{name}: compressor"
        );
    }
    // gzip's header: no original name, no time.
    let gz = fs::read(dir.path().join("out-tar-nested.tar.gz")).unwrap();
    assert_eq!(gz[3] & 0x08, 0, "FNAME kept");
    assert_eq!(&gz[4..8], &[0, 0, 0, 0], "MTIME kept");
}

#[test]
fn show_lists_members_and_their_findings() {
    let out = privkit()
        .args(["mat-strip", "--show"])
        .arg(media("tar-nested.tar.gz"))
        .output()
        .unwrap();
    // Members kept unchecked: 1, as with --check.
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    for expected in [
        "original file name: PKSECRET-original-name.tar",
        "owner names: PKSECRET-group, PKSECRET-user",
        "SCHILY.xattr.user.xdg.origin.url of album/photo.jpg",
        "in album/photo.jpg",
        "album/review.docx",
        "album/notes.txt",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn hostile_archives_are_refused_without_output() {
    let dir = scratch();
    for (name, message) in [
        ("zip-absolute-path.zip", "has an absolute path"),
        ("zip-dotdot-path.zip", "has a path with '..'"),
        ("zip-symlink-outside.zip", "is a link pointing outside"),
        ("tar-absolute-path.tar", "has an absolute path"),
        ("tar-dotdot-path.tar", "has a path with '..'"),
        ("tar-symlink-outside.tar", "is a link pointing outside"),
        ("tar-hardlink-outside.tar", "is a hard link to a file outside"),
    ] {
        let input = copy_in(dir.path(), &media(name));
        let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
        fs::remove_file(&input).unwrap();
        assert_eq!(entries(dir.path()), Vec::<String>::new(), "{name}: output left");
    }
}

#[test]
fn truncated_and_corrupt_archives_exit_65() {
    let dir = scratch();
    for name in [
        "zip-nested.zip",
        "tar-nested.tar",
        "tar-nested.tar.gz",
        "tar-nested.tar.xz",
        "tar-nested.tar.bz2",
        "tar-nested.tar.zst",
    ] {
        let bytes = fs::read(media(name)).unwrap();
        let cut = dir.path().join(format!("cut-{name}"));
        fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
        let out = privkit().arg("mat-strip").arg(&cut).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out).lines().count(), 1, "{name}");
        fs::remove_file(&cut).unwrap();
        assert_eq!(entries(dir.path()), Vec::<String>::new(), "{name}: output left");
    }
}

/// Regression: an OOXML file without its content types (mat2's no_content_types.docx) was
/// taken for a plain zip, written with its parts kept unchecked (docProps/core.xml included).
#[test]
fn a_docx_without_content_types_is_refused_not_archived() {
    let dir = scratch();
    let input = dir.path().join("broken.docx");
    fs::write(
        &input,
        super::zip_with(&[
            ("_rels/.rels", b"<Relationships/>".as_slice()),
            (
                "docProps/core.xml",
                b"<cp:coreProperties>PKSECRET</cp:coreProperties>",
            ),
        ]),
    )
    .unwrap();
    let out = privkit().arg("mat-strip").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("no [Content_Types].xml"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(entries(dir.path()), ["broken.docx"]);
}

/// Folders and symbolic links inside a zip stay folders and links, with their targets.
#[test]
fn zip_folders_and_links_are_kept() {
    use std::io::Write;
    let dir = scratch();
    let input = dir.path().join("links.zip");
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().unix_permissions(0o750);
    z.add_directory("album/", opts).unwrap();
    z.start_file("album/notes.txt", opts).unwrap();
    z.write_all(b"notes").unwrap();
    z.add_symlink("album/latest.txt", "notes.txt", opts).unwrap();
    z.set_comment("PKSECRET-comment").unwrap();
    fs::write(&input, z.finish().unwrap().into_inner()).unwrap();
    let output = dir.path().join("out.zip");
    assert_eq!(clean_to(&input, &output), 1);
    assert_eq!(zip_listing(&input), zip_listing(&output));
    assert!(
        zip_listing(&output)[2].starts_with("lrwx"),
        "{:?}",
        zip_listing(&output)
    );
    let mut archive = zip::ZipArchive::new(fs::File::open(&output).unwrap()).unwrap();
    let mut target = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("album/latest.txt").unwrap(), &mut target).unwrap();
    assert_eq!(target, "notes.txt");
    assert!(!contains(&fs::read(&output).unwrap(), PLANTED));
}

/// Regression: a cleaned zip stores an ODT member as it is (compressed already), so the ODT's
/// own `mimetype` header showed in the archive's first bytes and the archive was taken for an
/// ODF document when cleaned again.
#[test]
fn a_zip_holding_an_odt_stays_a_zip_when_cleaned_again() {
    let dir = scratch();
    let input = dir.path().join("docs.zip");
    let odt = fs::read(fixture_dir().join("odt-review.odt")).unwrap();
    fs::write(&input, super::zip_with(&[("docs/review.odt", odt.as_slice())])).unwrap();
    let once = dir.path().join("once.zip");
    assert_eq!(clean_to(&input, &once), 0);
    let out = privkit()
        .args(["mat-strip", "--json", "--check"])
        .arg(&once)
        .output()
        .unwrap();
    let report: Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
    assert_eq!(report["format"], "ZIP", "{report}");
    assert_eq!(report["status"], "clean", "{report}");
}

#[test]
fn unknown_omit_leaves_unknown_members_out() {
    let dir = scratch();
    let output = dir.path().join("out.tar");
    let out = privkit()
        .args(["mat-strip", "--unknown", "omit", "-o"])
        .arg(&output)
        .arg(media("tar-nested.tar"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let listing = tar_listing(&output).join("\n");
    assert!(
        !listing.contains("notes.txt") && !listing.contains("run.sh"),
        "{listing}"
    );
    assert!(listing.contains("album/photo.jpg"), "{listing}");
}

/// #15/#12: without --unknown an archive keeps its unknown members (listed); an explicit
/// `--unknown abort` refuses it (65), naming the member, and writes nothing.
#[test]
fn unknown_abort_given_refuses_the_archive() {
    let dir = scratch();
    for name in ["tar-nested.tar", "tar-nested.tar.gz"] {
        let output = dir.path().join(format!("out-{name}"));
        let out = privkit()
            .args(["mat-strip", "--unknown", "abort", "-o"])
            .arg(&output)
            .arg(media(name))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert!(
            err.contains("notes.txt") || err.contains("run.sh"),
            "{name}: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!output.exists(), "{name}: output left behind");
    }
}

/// #15: a compressed tar's output goes to a temporary file as it is compressed, never held in
/// memory: a tar.gz whose output is larger than the whole memory budget is cleaned (it was
/// refused, 65 "too large for the memory budget", when the output was built in memory).
#[test]
fn compressed_tar_output_is_not_held_in_memory() {
    let dir = scratch();
    let tree = dir.path().join("tree");
    fs::create_dir(&tree).unwrap();
    // 12 MiB that do not compress (xorshift), so the output is as big.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let noise: Vec<u8> = (0..12 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    fs::write(tree.join("noise.bin"), &noise).unwrap();
    let input = dir.path().join("in.tar.gz");
    run(Command::new("tar")
        .arg("-czf")
        .arg(&input)
        .arg("-C")
        .arg(&tree)
        .arg("noise.bin"));
    let output = dir.path().join("out.tar.gz");
    let out = privkit()
        .args(["mat-strip", "--max-memory", "4M", "-o"])
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let back = run(Command::new("tar").arg("-xzOf").arg(&output).arg("noise.bin"));
    assert!(back == noise, "the member changed");
}

/// #15: a zip member larger than what is held in memory (64 MiB) is inflated to a temporary
/// file and cleaned from there, and the archive is written to one: a 70 MB photo (its EXIF and
/// 70 MB of comments) inside a zip is cleaned under a 32 MiB memory budget. It was refused (65,
/// the whole archive was read, and every member inflated, into memory).
#[test]
fn a_zip_member_larger_than_memory_is_cleaned_from_a_temporary_file() {
    use std::io::Write;
    let dir = scratch();
    let photo = fs::read(fixture_dir().join("jpeg-baseline.jpg")).unwrap();
    // The photo with 1,100 comment segments of 65,533 bytes after its SOI marker.
    let mut big = photo[..2].to_vec();
    let comment = [&[0xff, 0xfe, 0xff, 0xff][..], &[b'c'; 65_533][..]].concat();
    for _ in 0..1100 {
        big.extend_from_slice(&comment);
    }
    big.extend_from_slice(&photo[2..]);
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("big/photo.jpg", stored).unwrap();
    z.write_all(&big).unwrap();
    z.start_file("small.jpg", stored).unwrap();
    z.write_all(&photo).unwrap();
    let input = dir.path().join("big.zip");
    fs::write(&input, z.finish().unwrap().into_inner()).unwrap();
    drop(big);
    let output = dir.path().join("out.zip");
    let out = privkit()
        .args(["mat-strip", "--max-memory", "32M", "-o"])
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // Both members are the photo cleaned alone.
    let alone = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(fixture_dir().join("jpeg-baseline.jpg"))
        .output()
        .unwrap()
        .stdout;
    let mut archive = zip::ZipArchive::new(fs::File::open(&output).unwrap()).unwrap();
    for name in ["big/photo.jpg", "small.jpg"] {
        let mut member = Vec::new();
        std::io::Read::read_to_end(&mut archive.by_name(name).unwrap(), &mut member).unwrap();
        assert!(member == alone, "{name}");
        assert!(!contains(&member, PLANTED), "{name}");
    }
}
