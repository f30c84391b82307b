//! Helpers shared by the end-to-end tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_privkit");

/// `privkit ARGS...`
pub fn privkit() -> assert_cmd::Command {
    assert_cmd::Command::new(BIN)
}

/// A scratch directory under target/ (the same filesystem as the binary, so hard links work).
pub fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("privkit-test-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false)
}

/// Whether an external tool is on PATH.
pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Names in a directory, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Quotes a path for sh -c.
pub fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A path inside a temporary root.
pub fn under(root: &Path, inside: &str) -> PathBuf {
    root.join(inside.trim_start_matches('/'))
}

/// Runs `cmd` with `input` on its standard input and collects its output. A process that exits
/// before reading (refusing its arguments first) closes the pipe: that is not an error here.
pub fn run_with_stdin(cmd: &mut Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

/// A shared library that makes getrandom(2) fail (EIO) for the program it is preloaded into,
/// built with the system's C compiler; None where there is none.
pub fn failing_getrandom() -> Option<(tempfile::TempDir, PathBuf)> {
    if !have("cc") {
        eprintln!("no C compiler: skipped");
        return None;
    }
    let dir = scratch();
    let src = dir.path().join("shim.c");
    std::fs::write(
        &src,
        "#include <errno.h>\n#include <sys/types.h>\n\
         ssize_t getrandom(void *b, size_t n, unsigned int f) { (void)b; (void)n; (void)f; errno = EIO; return -1; }\n",
    )
    .unwrap();
    let lib = dir.path().join("shim.so");
    let built = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&lib)
        .arg(&src)
        .status()
        .unwrap();
    assert!(built.success());
    Some((dir, lib))
}
