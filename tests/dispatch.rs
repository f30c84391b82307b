//! The multi-call binary: applet table, dispatch by argv[0] and by first argument, --list,
//! --install, help, version and the exit codes of usage errors.
// The install tests link the machine-id applet: a build without it leaves their imports unused.
#![cfg_attr(not(feature = "machine-id"), allow(unused_imports))]

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::process::Command;

use crate::common::{privkit, scratch, stderr_of, stdout_of, BIN};

#[cfg(feature = "machine-id")]
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

#[cfg(feature = "machine-id")]
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

#[cfg(feature = "machine-id")]
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
#[cfg(feature = "machine-id")]
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

#[cfg(feature = "machine-id")]
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
#[cfg(feature = "machine-id")]
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

#[cfg(feature = "machine-id")]
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

#[cfg(feature = "machine-id")]
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

#[cfg(feature = "machine-id")]
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

/// The names `--list` prints: the applets this binary was built with.
fn listed() -> Vec<String> {
    let out = privkit().arg("--list").output().unwrap();
    assert!(out.status.success());
    stdout_of(&out).lines().map(str::to_string).collect()
}

/// `--list` follows the cargo features the binary was built with; an applet left out is named
/// as such, not as an unknown applet.
#[test]
fn list_follows_the_enabled_features() {
    let all = [
        ("kdbx-audit", cfg!(feature = "kdbx-audit")),
        ("machine-id", cfg!(feature = "machine-id")),
        ("macrand", cfg!(feature = "macrand")),
        ("mat-strip", cfg!(feature = "mat-strip")),
        ("qr-inspect", cfg!(feature = "qr-inspect")),
    ];
    let enabled: Vec<String> = all
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| name.to_string())
        .collect();
    assert_eq!(listed(), enabled);
    for (name, on) in all {
        let out = privkit().arg(name).arg("--version").output().unwrap();
        if on {
            assert_eq!(out.status.code(), Some(0), "{name}");
        } else {
            assert_eq!(out.status.code(), Some(64), "{name}");
            assert!(
                stderr_of(&out).contains("is not built into this binary"),
                "{name}: {}",
                stderr_of(&out)
            );
        }
    }
}

/// Issue 19: clap's usage errors quote argv. A file named `--\e]0;x.jpg` in a folder where
/// someone runs `mat-strip *` must not retitle the terminal: no raw control byte (nor bidi
/// override) reaches stderr, whatever the argument was for.
#[test]
fn usage_errors_escape_argv() {
    let hostile = "\x1b]0;PWNED\x07\u{202e}\u{9b}";
    let built = listed();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("", vec![format!("--{hostile}")]),
        (
            "",
            vec!["--install".into(), "--symlink".into(), format!("-{hostile}")],
        ),
        ("mat-strip", vec![format!("--{hostile}")]),
        ("mat-strip", vec!["-j".into(), hostile.into(), "a.jpg".into()]),
        (
            "mat-strip",
            vec!["--jobs".into(), format!("1{hostile}"), "a.jpg".into()],
        ),
        (
            "kdbx-audit",
            vec!["--min-score".into(), hostile.into(), "a.kdbx".into()],
        ),
        ("macrand", vec!["-m".into(), hostile.into(), "eth0".into()]),
        ("macrand", vec![format!("--{hostile}")]),
        (
            "qr-inspect",
            vec!["--timeout".into(), hostile.into(), "a.png".into()],
        ),
        ("machine-id", vec![hostile.into()]),
        ("machine-id", vec!["rotate".into(), format!("--{hostile}")]),
        ("help", vec![hostile.into()]),
    ];
    for (applet, args) in cases {
        if !applet.is_empty() && applet != "help" && !built.iter().any(|b| b == applet) {
            continue;
        }
        let mut cmd = privkit();
        if !applet.is_empty() {
            cmd.arg(applet);
        }
        let out = cmd.args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(64), "{applet} {args:?}");
        let err = stderr_of(&out);
        assert!(!err.is_empty(), "{applet} {args:?}");
        assert!(
            !err.chars()
                .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
            "{applet} {args:?}: raw control in {err:?}"
        );
        // The argument is still named, visibly (a short-flag cluster is quoted from its first
        // character only).
        assert!(err.contains("\\x1b"), "{applet} {args:?}: {err}");
    }
}

/// Bytes that are not UTF-8 in an unknown flag are escaped too.
#[test]
fn usage_errors_escape_non_utf8_argv() {
    use std::os::unix::ffi::OsStrExt;
    let arg = std::ffi::OsStr::from_bytes(b"--\xff\x1b[2J");
    let out = privkit().arg(arg).output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(!out.stderr.contains(&0x1b), "{:?}", stderr_of(&out));
}

/// `privkit help`, `privkit help APPLET` and `privkit help APPLET SUBCOMMAND` print the help that
/// `--help` prints, exit 0; an unknown name is a usage error.
#[test]
fn help_subcommand() {
    let out = privkit().arg("help").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("Usage: privkit"), "{}", stdout_of(&out));
    for applet in listed() {
        let out = privkit().args(["help", &applet]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{applet}: {}", stderr_of(&out));
        let long = privkit().args([&applet, "--help"]).output().unwrap();
        assert_eq!(stdout_of(&out), stdout_of(&long), "{applet}");
        assert!(stdout_of(&out).contains(&format!("Usage: privkit {applet}")));
    }
    if listed().iter().any(|a| a == "machine-id") {
        let out = privkit().args(["help", "machine-id", "rotate"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        assert!(
            stdout_of(&out).contains("Usage: privkit machine-id rotate"),
            "{}",
            stdout_of(&out)
        );
    }
    let out = privkit().args(["help", "no-such-applet"]).output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(out.stdout.is_empty());
}

/// `privkit --install --man MANDIR DIR` writes the manual of each built applet under its own
/// name too (issue 20: `man mat-strip` said "No manual entry"), is idempotent, and never
/// replaces a page that is not privkit's without --force.
#[test]
fn install_man_pages_under_each_applet_name() {
    let dir = scratch();
    let bin = dir.path().join("bin");
    let man1 = dir.path().join("man/man1");
    fs::create_dir_all(&bin).unwrap();
    fs::create_dir_all(&man1).unwrap();
    let out = privkit()
        .arg("--install")
        .arg("--man")
        .arg(&man1)
        .arg(&bin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let pages = crate::common::entries(&man1);
    assert!(pages.contains(&"privkit.1".to_string()), "{pages:?}");
    for applet in listed() {
        let alias = fs::read_to_string(man1.join(format!("{applet}.1"))).unwrap();
        assert_eq!(alias, format!(".so man1/privkit-{applet}.1\n"));
        let page = fs::read_to_string(man1.join(format!("privkit-{applet}.1"))).unwrap();
        assert!(page.contains(".SH \"EXIT STATUS\""), "{applet}");
        if crate::common::have("man") {
            // man-db resolves the .so request within the manual tree.
            let found = Command::new("man")
                .args(["-w", &applet])
                .env("MANPATH", dir.path().join("man"))
                .output()
                .unwrap();
            assert_eq!(
                stdout_of(&found).trim(),
                man1.join(format!("privkit-{applet}.1")).display().to_string(),
                "{}",
                stderr_of(&found)
            );
        }
    }
    // Pages of applets left out of this build are not installed.
    let all = ["kdbx-audit", "machine-id", "macrand", "mat-strip", "qr-inspect"];
    for name in all.iter().filter(|n| !listed().iter().any(|l| l == *n)) {
        assert!(!man1.join(format!("{name}.1")).exists(), "{name}");
    }

    let again = privkit()
        .arg("--install")
        .arg("--man")
        .arg(&man1)
        .arg(&bin)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout_of(&again).contains("privkit.1: already installed"));

    let foreign = man1.join("privkit.1");
    fs::write(&foreign, ".TH OTHER 1\n").unwrap();
    let out = privkit()
        .arg("--install")
        .arg("--man")
        .arg(&man1)
        .arg(&bin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(73));
    assert!(
        stderr_of(&out).contains("is not a privkit man page"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(fs::read_to_string(&foreign).unwrap(), ".TH OTHER 1\n");
    assert_eq!(crate::common::entries(&man1), pages, "no temporary file left");
}
