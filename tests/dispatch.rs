//! The multi-call binary: applet table, dispatch by argv[0] and by first argument, --list,
//! --install, help, version and the exit codes of usage errors.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::process::Command;

use crate::common::{privkit, scratch, stderr_of, stdout_of, BIN};

#[test]
fn list_prints_applet_names() {
    let out = privkit().arg("--list").output().unwrap();
    assert!(out.status.success());
    let names: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert!(names.contains(&"machine-id"), "{names:?}");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn bare_privkit_and_help_show_usage_and_applets() {
    for args in [&[][..], &["--help"][..], &["-h"][..]] {
        let out = privkit().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = stdout_of(&out);
        assert!(text.contains("Usage: privkit"), "{args:?}: {text}");
        assert!(
            text.contains("machine-id") && text.contains("Rotate /etc/machine-id"),
            "{text}"
        );
    }
}

#[test]
fn version() {
    let out = privkit().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout_of(&out),
        format!("privkit {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn unknown_applet_suggests_and_exits_64() {
    let out = privkit().args(["machine-di", "show"]).output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert_eq!(
        stderr_of(&out),
        "privkit: unknown applet 'machine-di' (did you mean 'machine-id'?); see privkit --list\n"
    );
    let out = privkit().arg("zzzzzz").output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert_eq!(
        stderr_of(&out),
        "privkit: unknown applet 'zzzzzz'; see privkit --list\n"
    );
}

#[test]
fn unknown_applet_name_is_escaped() {
    let out = privkit().arg("\x1b]0;pwned\x07").output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(
        !out.stderr.contains(&0x1b) && !out.stderr.contains(&0x07),
        "{:?}",
        stderr_of(&out)
    );
}

/// Usage errors exit 64, never clap's 2 (which means "blocked" here).
#[test]
fn test_invalid_arg() {
    for args in [
        &["--bogus"][..],
        &["machine-id", "--bogus"][..],
        &["machine-id", "rotate", "--bogus"][..],
        &["machine-id", "frobnicate"][..],
        &["machine-id", "rotate", "--user", "alice"][..], // --user requires --wipe-cache
        &["--symlink"][..],                               // requires --install
        &["--install"][..],
    ] {
        let out = privkit().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(64), "{args:?}: {}", stderr_of(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn applet_help_exits_0() {
    let out = privkit().args(["machine-id", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout_of(&out).contains("Usage: privkit machine-id"));
    let out = privkit().args(["machine-id", "--version"]).output().unwrap();
    assert_eq!(
        stdout_of(&out),
        format!("machine-id {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// `ln -s privkit machine-id; ./machine-id ...` and a hard link behave exactly like
/// `privkit machine-id ...`.
#[test]
fn links_behave_like_the_applet() {
    let dir = scratch();
    let sym = dir.path().join("sym");
    let hard = dir.path().join("hard");
    fs::create_dir_all(&sym).unwrap();
    fs::create_dir_all(&hard).unwrap();
    std::os::unix::fs::symlink(BIN, sym.join("machine-id")).unwrap();
    fs::hard_link(BIN, hard.join("machine-id")).unwrap();

    let root = dir.path().join("root");
    fs::create_dir_all(root.join("etc")).unwrap();
    fs::write(root.join("etc/machine-id"), "0123456789abcdef0123456789abcdef\n").unwrap();
    let root_arg = root.to_str().unwrap();

    for args in [
        vec!["show", "--root", root_arg],
        vec!["check", "--root", root_arg],
        vec!["--json", "show", "--root", root_arg],
        vec!["show", "--root", "/nonexistent-root"],
        vec!["--bogus"],
    ] {
        let via_privkit = Command::new(BIN).arg("machine-id").args(&args).output().unwrap();
        for link in [sym.join("machine-id"), hard.join("machine-id")] {
            let via_link = Command::new(&link).args(&args).output().unwrap();
            assert_eq!(
                via_link.status.code(),
                via_privkit.status.code(),
                "{args:?} via {}",
                link.display()
            );
            assert_eq!(
                via_link.stdout,
                via_privkit.stdout,
                "{args:?} via {}",
                link.display()
            );
            // clap's usage line names the program as it was called; everything else is equal.
            let normalise = |s: String| s.replace("privkit machine-id", "machine-id");
            assert_eq!(
                normalise(stderr_of(&via_link)),
                normalise(stderr_of(&via_privkit)),
                "{args:?}"
            );
        }
    }
    let out = Command::new(sym.join("machine-id"))
        .arg("show")
        .arg("--root")
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(stdout_of(&out), "0123456789abcdef0123456789abcdef\n");
}

#[test]
fn install_creates_working_links_and_is_idempotent() {
    let dir = scratch();
    let out = privkit().arg("--install").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let link = dir.path().join("machine-id");
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(
        stdout_of(&out).contains("machine-id: created"),
        "{}",
        stdout_of(&out)
    );
    let new = Command::new(&link).arg("new").output().unwrap();
    assert!(new.status.success());
    assert_eq!(new.stdout.len(), 33);

    let again = privkit().arg("--install").arg(dir.path()).output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout_of(&again).contains("machine-id: already installed"),
        "{}",
        stdout_of(&again)
    );
}

#[test]
fn install_hardlink() {
    let dir = scratch();
    let out = privkit()
        .args(["--install", "--hardlink"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let link = fs::symlink_metadata(dir.path().join("machine-id")).unwrap();
    let exe = fs::metadata(BIN).unwrap();
    assert!(link.file_type().is_file());
    assert_eq!((link.dev(), link.ino()), (exe.dev(), exe.ino()));
    // A symlink install over it replaces our own hard link without --force.
    let out = privkit()
        .args(["--install", "--symlink"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(fs::symlink_metadata(dir.path().join("machine-id"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn install_refuses_to_clobber_a_foreign_file() {
    let dir = scratch();
    let foreign = dir.path().join("machine-id");
    fs::write(&foreign, "#!/bin/sh\necho mine\n").unwrap();
    let out = privkit().arg("--install").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(73));
    assert!(
        stderr_of(&out).contains("exists and is not a link to privkit"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(fs::read_to_string(&foreign).unwrap(), "#!/bin/sh\necho mine\n");

    let out = privkit()
        .args(["--install", "--force"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("machine-id: replaced"));
    assert!(fs::symlink_metadata(&foreign).unwrap().file_type().is_symlink());
    let listed = stdout_of(&privkit().arg("--list").output().unwrap());
    assert_eq!(
        crate::common::entries(dir.path()),
        listed.lines().collect::<Vec<_>>(),
        "no temporary link left"
    );
}

#[test]
fn install_into_a_missing_directory_fails() {
    let out = privkit()
        .args(["--install", "/nonexistent/privkit-bin"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(73));
    assert!(
        stderr_of(&out).starts_with("privkit: cannot write /nonexistent/privkit-bin: "),
        "{}",
        stderr_of(&out)
    );
}
