//! When mat-strip waits for the disk: a file that replaces another (cleaning in place, an
//! existing output name) is flushed with its directory before and after the rename; a new copy
//! beside an input that stays as it was is only renamed into place (nothing is lost if a power
//! cut takes it, and the flushes cost more than the cleaning: 2,000 MP3s, 4,000 waits).
//! Counted with strace, which CI installs.

use std::path::Path;
use std::process::Command;

use super::{cleaned_name, copy_in, fixture_dir};
use crate::common::{have, scratch, BIN};

/// Runs `privkit ARGS` under strace and returns how many fsync/fdatasync calls it made.
fn flushes(dir: &Path, args: &[&std::ffi::OsStr]) -> usize {
    traced(dir, "trace=fsync,fdatasync,syncfs,sync_file_range", args)
}

/// How many times `privkit ARGS` renamed or removed a file (a temporary name given up).
fn renames_and_removals(dir: &Path, args: &[&std::ffi::OsStr]) -> usize {
    traced(dir, "trace=rename,renameat,renameat2,unlink,unlinkat", args)
}

fn traced(dir: &Path, filter: &str, args: &[&std::ffi::OsStr]) -> usize {
    let log = dir.join("strace.log");
    let status = Command::new("strace")
        .arg("-f")
        .args(["-e", filter])
        .arg("-o")
        .arg(&log)
        .arg(BIN)
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "privkit {args:?} under strace: {status}");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::remove_file(&log).unwrap();
    text.lines().filter(|l| l.contains('(')).count()
}

#[test]
fn only_writes_that_replace_a_file_wait_for_the_disk() {
    if !have("strace") {
        assert!(std::env::var_os("CI").is_none(), "CI installs strace");
        return;
    }
    let dir = scratch();
    let input = copy_in(dir.path(), &fixture_dir().join("jpeg-baseline.jpg"));
    let ms = std::ffi::OsStr::new("mat-strip");

    // A new NAME.cleaned.EXT: renamed into place, never flushed.
    assert_eq!(flushes(dir.path(), &[ms, input.as_os_str()]), 0);
    assert!(cleaned_name(&input).is_file());
    // The same name again: it replaces a file, so the data and the directory are flushed.
    assert!(flushes(dir.path(), &[ms, input.as_os_str()]) >= 2);

    // -o DIR/: a new name there, not flushed.
    let out = dir.path().join("out");
    let mut into = out.clone().into_os_string();
    into.push("/");
    assert_eq!(
        flushes(dir.path(), &[ms, "-o".as_ref(), &into, input.as_os_str()]),
        0
    );
    assert!(out.join("jpeg-baseline.jpg").is_file());

    // In place: the original is replaced, so both flushes.
    assert!(flushes(dir.path(), &[ms, "-i".as_ref(), input.as_os_str()]) >= 2);
}

/// A new output is written unnamed (O_TMPFILE) and named once finished: one change to its
/// directory, no temporary name to create, rename or remove (in a batch of small files those
/// changes cost more than the cleaning). A name already taken is replaced through a temporary
/// file and rename, as before.
#[test]
fn a_new_output_gets_its_name_once() {
    if !have("strace") {
        assert!(std::env::var_os("CI").is_none(), "CI installs strace");
        return;
    }
    let dir = scratch();
    let input = copy_in(dir.path(), &fixture_dir().join("jpeg-baseline.jpg"));
    let ms = std::ffi::OsStr::new("mat-strip");
    assert_eq!(renames_and_removals(dir.path(), &[ms, input.as_os_str()]), 0);
    assert!(cleaned_name(&input).is_file());
    let out = dir.path().join("out");
    let mut into = out.clone().into_os_string();
    into.push("/");
    assert_eq!(
        renames_and_removals(dir.path(), &[ms, "-o".as_ref(), &into, input.as_os_str()]),
        0
    );
    assert!(out.join("jpeg-baseline.jpg").is_file());
    // Replacing the earlier output: a temporary file renamed over it.
    assert_eq!(renames_and_removals(dir.path(), &[ms, input.as_os_str()]), 1);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".privkit-")), "{names:?}");
}
