//! Every block of README.md marked runnable is run (issue 20), so that the README's commands and
//! the outputs it shows stay true:
//!
//! - ```` ```sh setup ````: the install commands. `cargo install --locked --path .` is stood in
//!   for by the binary under test placed in ~/.cargo/bin (the same package built the same way;
//!   CI builds it with --locked), every other line runs for real, then `man mat-strip` must
//!   find its page through PATH alone.
//! - ```` ```sh runnable ````: each line is a command; it must exit with the status its
//!   `# exit N` comment gives, else 0.
//! - ```` ```console runnable ````: `$ command  # exit N` lines, each followed by exactly what
//!   the command prints on stdout.
//!
//! Each block runs in its own scratch directory holding a copy of testdata/, with HOME there
//! and privkit and its applet links first on PATH.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{have, scratch, stderr_of, stdout_of, BIN};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// (info string, body) of every fenced block.
fn blocks() -> Vec<(String, String)> {
    let text = fs::read_to_string(repo("README.md")).unwrap();
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_string(), String::new())),
            (Some(_), Some("")) => out.push(current.take().unwrap()),
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(current.is_none(), "README.md has an unclosed fenced block");
    out
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

struct Sandbox {
    dir: tempfile::TempDir,
    path: String,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = scratch();
        copy_tree(&repo("testdata"), &dir.path().join("work/testdata"));
        fs::create_dir_all(dir.path().join("home")).unwrap();
        let bin = dir.path().join("bin");
        fs::create_dir_all(&bin).unwrap();
        let out = Command::new(BIN).arg("--install").arg(&bin).output().unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        std::os::unix::fs::symlink(BIN, bin.join("privkit")).unwrap();
        let path = format!(
            "{}:{}:{}",
            dir.path().join("home/.cargo/bin").display(),
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Sandbox { dir, path }
    }

    fn sh(&self, line: &str) -> Output {
        Command::new("sh")
            .arg("-c")
            .arg(line)
            .current_dir(self.dir.path().join("work"))
            .env("HOME", self.dir.path().join("home"))
            .env("PATH", &self.path)
            .env_remove("MANPATH")
            .env("XDG_CONFIG_HOME", self.dir.path().join("home/.config"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }
}

/// The command of a line and the exit status its `# exit N` comment asks for.
fn command_and_status(line: &str) -> (String, i32) {
    match line.rsplit_once("# exit ") {
        Some((cmd, code)) => (cmd.trim().to_string(), code.trim().parse().unwrap()),
        None => (line.trim().to_string(), 0),
    }
}

fn run_sh_block(body: &str) {
    let sandbox = Sandbox::new();
    for line in body
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (cmd, want) = command_and_status(line);
        let out = sandbox.sh(&cmd);
        assert_eq!(
            out.status.code(),
            Some(want),
            "README: {cmd}\nstdout: {}\nstderr: {}",
            stdout_of(&out),
            stderr_of(&out)
        );
    }
}

fn run_console_block(body: &str) {
    let sandbox = Sandbox::new();
    let mut lines = body.lines().peekable();
    while let Some(line) = lines.next() {
        let prompt = line
            .strip_prefix("$ ")
            .unwrap_or_else(|| panic!("README: {line:?} is not a command"));
        let mut expected = String::new();
        while let Some(next) = lines.peek() {
            if next.starts_with("$ ") {
                break;
            }
            expected.push_str(lines.next().unwrap());
            expected.push('\n');
        }
        let (cmd, want) = command_and_status(prompt);
        let out = sandbox.sh(&cmd);
        assert_eq!(
            out.status.code(),
            Some(want),
            "README: {cmd}\n{}",
            stderr_of(&out)
        );
        assert_eq!(stdout_of(&out), expected, "README: {cmd}");
    }
}

fn run_setup_block(body: &str) {
    let sandbox = Sandbox::new();
    let mut lines = body.lines();
    assert_eq!(lines.next(), Some("cargo install --locked --path ."));
    let cargo_bin = sandbox.dir.path().join("home/.cargo/bin");
    fs::create_dir_all(&cargo_bin).unwrap();
    fs::copy(BIN, cargo_bin.join("privkit")).unwrap();
    for line in lines {
        let (cmd, want) = command_and_status(line);
        let out = sandbox.sh(&cmd);
        assert_eq!(
            out.status.code(),
            Some(want),
            "README: {cmd}\n{}",
            stderr_of(&out)
        );
    }
    // The links work, and man finds each applet's page from PATH alone.
    let out = sandbox.sh("mat-strip --version");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(fs::symlink_metadata(cargo_bin.join("mat-strip"))
        .unwrap()
        .file_type()
        .is_symlink());
    if have("man") {
        let out = sandbox.sh("man -w mat-strip");
        assert_eq!(
            out.status.code(),
            Some(0),
            "man -w mat-strip: {}",
            stderr_of(&out)
        );
        assert!(
            stdout_of(&out)
                .trim()
                .ends_with(".cargo/share/man/man1/privkit-mat-strip.1"),
            "{}",
            stdout_of(&out)
        );
    }
}

#[test]
fn readme_runnable_blocks() {
    let mut counts = [0; 3];
    for (info, body) in blocks() {
        match info.as_str() {
            "sh setup" => {
                run_setup_block(&body);
                counts[0] += 1;
            }
            "sh runnable" => {
                run_sh_block(&body);
                counts[1] += 1;
            }
            "console runnable" => {
                run_console_block(&body);
                counts[2] += 1;
            }
            _ => {}
        }
    }
    // A block that lost its mark would silently stop being tested.
    assert_eq!(
        counts,
        [1, 2, 1],
        "setup, runnable sh and console blocks in README.md"
    );
}
