//! The batch workflow (issue 16): `-o DIR/` with and without -r, --force, the summary and the
//! files named again after it, --quiet, --skip-unsupported, -i on a file with hard links.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use super::{contains, fixture_dir, PLANTED};
use crate::common::{scratch, stderr_of, stdout_of, BIN};

fn mat_strip(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN).arg("mat-strip").args(args).output().unwrap()
}

/// A folder with two photos (one in a subfolder), a text file in the middle and a screenshot.
fn folder(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("in");
    fs::create_dir_all(input.join("sub")).unwrap();
    fs::copy(fixture_dir().join("jpeg-baseline.jpg"), input.join("a.jpg")).unwrap();
    fs::copy(fixture_dir().join("png-rgb.png"), input.join("sub/b.png")).unwrap();
    fs::write(input.join("m.txt"), "plain text\n").unwrap();
    fs::copy(fixture_dir().join("webp-lossy.webp"), input.join("z.webp")).unwrap();
    input
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// `-r -o DIR/` mirrors the tree under DIR with the inputs' own names, leaves the inputs as
/// they were, and sums up; a second run refuses to replace what is there unless --force.
#[test]
fn output_directory_mirrors_the_tree_and_never_overwrites_without_force() {
    let dir = scratch();
    let input = folder(dir.path());
    let before = fs::read(input.join("a.jpg")).unwrap();
    let out = dir.path().join("out");
    let out_arg = format!("{}/", out.display());
    let run = mat_strip(&[os("-r"), os("-o"), os(&out_arg), input.as_os_str()]);
    assert_eq!(run.status.code(), Some(65), "{}", stderr_of(&run));
    for name in ["a.jpg", "sub/b.png", "z.webp"] {
        let data = fs::read(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!contains(&data, PLANTED), "{name}");
    }
    assert!(!out.join("m.txt").exists());
    assert_eq!(fs::read(input.join("a.jpg")).unwrap(), before, "input changed");
    assert!(!input.join("a.cleaned.jpg").exists());
    let err = stderr_of(&run);
    assert!(
        err.contains("cleaned 3, already clean 0, unsupported 1, failed 0"),
        "{err}"
    );
    // The unsupported file is named again after the summary.
    let after = &err[err.find("cleaned 3").unwrap()..];
    assert!(
        after.contains("unsupported: ") && after.contains("m.txt"),
        "{err}"
    );

    // Again: every output exists, so each is refused (73) and left alone.
    fs::write(out.join("a.jpg"), b"mine").unwrap();
    let again = mat_strip(&[os("-r"), os("-o"), os(&out_arg), input.as_os_str()]);
    assert_eq!(again.status.code(), Some(73), "{}", stderr_of(&again));
    assert!(stderr_of(&again).contains("--force"), "{}", stderr_of(&again));
    assert_eq!(fs::read(out.join("a.jpg")).unwrap(), b"mine");
    assert!(stderr_of(&again).contains("failed 3"), "{}", stderr_of(&again));
    let forced = mat_strip(&[
        os("-r"),
        os("--force"),
        os("--skip-unsupported"),
        os("-o"),
        os(&out_arg),
        input.as_os_str(),
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr_of(&forced));
    assert!(!contains(&fs::read(out.join("a.jpg")).unwrap(), b"mine"));
}

/// Several files into an existing directory (no trailing slash needed), each under its own
/// name: no `.cleaned.` names for a later glob to clean again.
#[test]
fn output_directory_takes_several_files() {
    let dir = scratch();
    let input = folder(dir.path());
    let out = dir.path().join("shared");
    fs::create_dir(&out).unwrap();
    let run = mat_strip(&[
        os("-o"),
        out.as_os_str(),
        input.join("a.jpg").as_os_str(),
        input.join("sub/b.png").as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr_of(&run));
    let mut names: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["a.jpg", "b.png"]);
    // A plain file name still takes exactly one input.
    let run = mat_strip(&[
        os("-o"),
        dir.path().join("x.jpg").as_os_str(),
        input.join("a.jpg").as_os_str(),
        input.join("z.webp").as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(64));
}

/// An output directory inside the tree being cleaned is not walked into: its files would be
/// cleaned again into themselves, and again at each run.
#[test]
fn output_directory_inside_the_tree_is_skipped() {
    let dir = scratch();
    let input = folder(dir.path());
    fs::remove_file(input.join("m.txt")).unwrap();
    let out = input.join("cleaned");
    let out_arg = format!("{}/", out.display());
    let first = mat_strip(&[os("-r"), os("-o"), os(&out_arg), input.as_os_str()]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    let second = mat_strip(&[os("-r"), os("--force"), os("-o"), os(&out_arg), input.as_os_str()]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr_of(&second));
    assert!(!out.join("cleaned").exists());
    assert!(
        stdout_of(&second).contains("skipped, the -o directory"),
        "{}",
        stdout_of(&second)
    );
    assert!(stderr_of(&second).contains("cleaned 3, already clean 0, unsupported 0, failed 0, skipped 1"));
}

/// --quiet prints only errors and the summary; --skip-unsupported keeps an unsupported file
/// from changing the exit status but still counts and names it; one file gets no summary.
#[test]
fn quiet_summary_and_skip_unsupported() {
    let dir = scratch();
    let input = folder(dir.path());
    let run = mat_strip(&[os("--check"), os("-r"), os("-q"), input.as_os_str()]);
    assert_eq!(run.status.code(), Some(65));
    let out = stdout_of(&run);
    // Quiet: only the files that need acting on.
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.lines().all(|l| l.contains("metadata found")), "{out}");
    assert!(stderr_of(&run).contains("metadata found 3, clean 0, unsupported 1, failed 0"));

    let run = mat_strip(&[
        os("-i"),
        os("-r"),
        os("-q"),
        os("--skip-unsupported"),
        input.as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr_of(&run));
    assert_eq!(stdout_of(&run), "");
    let err = stderr_of(&run);
    assert!(
        err.contains("cleaned 3, already clean 0, unsupported 1, failed 0"),
        "{err}"
    );
    assert!(err.contains("m.txt"), "{err}");
    let check = mat_strip(&[
        os("--check"),
        os("-r"),
        os("--skip-unsupported"),
        input.as_os_str(),
    ]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout_of(&check));
    assert!(stderr_of(&check).contains("metadata found 0, clean 3, unsupported 1"));

    // A real failure still counts: a truncated JPEG is failed, not unsupported.
    let data = fs::read(fixture_dir().join("jpeg-baseline.jpg")).unwrap();
    fs::write(input.join("t.jpg"), &data[..data.len() / 3]).unwrap();
    let run = mat_strip(&[
        os("--check"),
        os("-r"),
        os("--skip-unsupported"),
        input.as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(65), "{}", stderr_of(&run));
    let err = stderr_of(&run);
    assert!(
        err.contains("unsupported 1, failed 1") && err.contains("failed: "),
        "{err}"
    );

    // One file: no summary.
    let one = mat_strip(&[os("--check"), input.join("a.jpg").as_os_str()]);
    assert_eq!(stderr_of(&one), "");
}

/// -i on a file with another hard link: cleaned, and a warning says the other name still
/// holds the old content.
#[test]
fn inplace_warns_about_other_hard_links() {
    let dir = scratch();
    let photo = dir.path().join("photo.jpg");
    fs::copy(fixture_dir().join("jpeg-baseline.jpg"), &photo).unwrap();
    let other = dir.path().join("backup.jpg");
    fs::hard_link(&photo, &other).unwrap();
    let run = mat_strip(&[os("-i"), photo.as_os_str()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr_of(&run));
    assert!(
        stderr_of(&run).contains("1 other hard link to it still has the old content"),
        "{}",
        stderr_of(&run)
    );
    assert!(!contains(&fs::read(&photo).unwrap(), PLANTED));
    assert!(contains(&fs::read(&other).unwrap(), PLANTED));
    // A file with one name: no warning.
    let run = mat_strip(&[os("-i"), other.as_os_str()]);
    assert_eq!(stderr_of(&run), "");
}

/// Several runs racing for the same name under `-o DIR/`: exactly one writes it, every other
/// one is refused (73), and no temporary file is left. With a check before the rename, every
/// run that checked before the first one finished replaced the file (all exited 0).
#[test]
fn output_directory_no_clobber_holds_under_a_race() {
    const RUNS: usize = 12;
    let dir = scratch();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let children: Vec<_> = (0..RUNS)
        .map(|i| {
            let input = dir.path().join(format!("in{i}"));
            fs::create_dir(&input).unwrap();
            fs::copy(fixture_dir().join("jpeg-progressive.jpg"), input.join("a.jpg")).unwrap();
            Command::new(BIN)
                .arg("mat-strip")
                .arg("-o")
                .arg(&out)
                .arg(input.join("a.jpg"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut codes: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .map(|o| {
            if o.status.code() == Some(73) {
                assert!(
                    stderr_of(&o).contains("exists (--force replaces it)"),
                    "{}",
                    stderr_of(&o)
                );
            }
            o.status.code()
        })
        .collect();
    codes.sort();
    let mut expected = vec![Some(73); RUNS - 1];
    expected.insert(0, Some(0));
    assert_eq!(codes, expected);
    assert_eq!(crate::common::entries(&out), ["a.jpg"]);
    assert!(!contains(&fs::read(out.join("a.jpg")).unwrap(), PLANTED));
}
