//! `privkit machine-id` on temporary roots.

use std::collections::HashSet;
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{entries, have, is_root, privkit, scratch, sh_quote, stderr_of, stdout_of, under, BIN};

const OLD_ID: &str = "0123456789abcdef0123456789abcdef";

/// A system root with /etc/machine-id (mode 0444), /etc/passwd and /var/lib/dbus/.
struct Root {
    dir: tempfile::TempDir,
}

impl Root {
    fn new() -> Root {
        let dir = scratch();
        let root = Root { dir };
        fs::create_dir_all(root.path("/etc")).unwrap();
        fs::create_dir_all(root.path("/var/lib/dbus")).unwrap();
        root.write_id(&format!("{OLD_ID}\n"), 0o444);
        fs::write(
            root.path("/etc/passwd"),
            "root:x:0:0:root:/root:/bin/bash\n\
             daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
             nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n\
             alice:x:1000:1000:Alice:/home/alice:/bin/bash\n\
             bob:x:1001:1001:Bob:/home/bob:/bin/bash\n",
        )
        .unwrap();
        root
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, inside: &str) -> PathBuf {
        under(self.root(), inside)
    }

    fn write_id(&self, content: &str, mode: u32) {
        let p = self.path("/etc/machine-id");
        if p.exists() {
            fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        }
        fs::write(&p, content).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
    }

    fn id(&self) -> String {
        fs::read_to_string(self.path("/etc/machine-id")).unwrap()
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = privkit();
        cmd.arg("machine-id");
        let (sub, rest) = args.split_first().unwrap();
        cmd.arg(sub).arg("--root").arg(self.root()).args(rest);
        cmd.output().unwrap()
    }
}

fn assert_valid_v4(id_line: &str) -> String {
    let id = id_line
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("no newline: {id_line:?}"));
    assert_eq!(id.len(), 32, "{id:?}");
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id:?}"
    );
    assert_eq!(&id[12..13], "4", "version nibble: {id}");
    assert!(matches!(&id[16..17], "8" | "9" | "a" | "b"), "variant bits: {id}");
    id.to_string()
}

#[test]
fn rotate_writes_a_new_valid_id_mode_0444_and_no_temp_file() {
    let root = Root::new();
    let out = root.run(&["rotate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let id = assert_valid_v4(&root.id());
    assert_ne!(id, OLD_ID);
    let text = stdout_of(&out);
    assert!(text.contains(&format!("old machine-id: {OLD_ID}")), "{text}");
    assert!(text.contains(&format!("new machine-id: {id}")), "{text}");
    let meta = fs::metadata(root.path("/etc/machine-id")).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o444);
    assert_eq!(entries(&root.path("/etc")), ["machine-id", "passwd"]);
    assert!(entries(&root.path("/var/lib/dbus")).is_empty());
}

#[test]
fn a_thousand_rotations_give_a_thousand_distinct_valid_ids() {
    let root = Root::new();
    let mut seen = HashSet::new();
    for _ in 0..1000 {
        let out = Command::new(BIN)
            .args(["machine-id", "rotate", "--root"])
            .arg(root.root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let id = assert_valid_v4(&root.id());
        assert!(seen.insert(id.clone()), "repeated id {id}");
    }
    assert_eq!(seen.len(), 1000);
    assert_eq!(entries(&root.path("/etc")), ["machine-id", "passwd"]);
}

#[test]
fn dbus_regular_file_gets_the_same_id() {
    let root = Root::new();
    let dbus = root.path("/var/lib/dbus/machine-id");
    fs::write(&dbus, format!("{OLD_ID}\n")).unwrap();
    let out = root.run(&["rotate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(fs::read_to_string(&dbus).unwrap(), root.id());
    assert_eq!(fs::metadata(&dbus).unwrap().mode() & 0o7777, 0o444);
    assert_eq!(entries(&root.path("/var/lib/dbus")), ["machine-id"]);
    assert_eq!(root.run(&["check"]).status.code(), Some(0));
}

#[test]
fn dbus_symlink_is_left_alone() {
    let root = Root::new();
    let dbus = root.path("/var/lib/dbus/machine-id");
    std::os::unix::fs::symlink("/etc/machine-id", &dbus).unwrap();
    let out = root.run(&["rotate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(fs::symlink_metadata(&dbus).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_link(&dbus).unwrap(), Path::new("/etc/machine-id"));
    assert!(stdout_of(&out).contains("a symlink, left alone"));
    // The link is read inside the root, so check sees it as consistent.
    let check = root.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout_of(&check));
}

#[test]
fn dbus_missing_stays_missing_and_no_dbus_skips_it() {
    let root = Root::new();
    let out = root.run(&["rotate"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!root.path("/var/lib/dbus/machine-id").exists());

    let dbus = root.path("/var/lib/dbus/machine-id");
    fs::write(&dbus, format!("{OLD_ID}\n")).unwrap();
    let out = root.run(&["rotate", "--no-dbus"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(fs::read_to_string(&dbus).unwrap(), format!("{OLD_ID}\n"));
}

#[test]
fn dry_run_changes_nothing() {
    let root = Root::new();
    let cache = root.path("/root/.cache");
    fs::create_dir_all(&cache).unwrap();
    fs::write(cache.join("f"), "x").unwrap();
    let dbus = root.path("/var/lib/dbus/machine-id");
    fs::write(&dbus, format!("{OLD_ID}\n")).unwrap();
    let out = root.run(&["rotate", "--dry-run", "--wipe-cache"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(root.id(), format!("{OLD_ID}\n"));
    assert_eq!(fs::read_to_string(&dbus).unwrap(), format!("{OLD_ID}\n"));
    assert!(cache.join("f").exists());
    // issue 20: a dry run says what it would do, never that it did it.
    let text = stdout_of(&out);
    assert!(
        text.contains("would remove 1 file, 0 directories (1 B)"),
        "{text}"
    );
    assert!(text.contains("machine-id: would update"), "{text}");
    assert!(!text.contains("updated") && !text.contains("removed"), "{text}");

    // The same in JSON: a script reading "dbus" must not be told the copy was updated.
    let out = root.run(&["rotate", "--dry-run", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let report: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["dbus"], "would-update", "{report}");
    assert_eq!(fs::read_to_string(&dbus).unwrap(), format!("{OLD_ID}\n"));
}

/// A read-only /etc (a read-only bind mount in a private mount namespace, as root; a 0555
/// directory otherwise) leaves the original in place and says why.
#[test]
fn read_only_etc_leaves_the_original_intact() {
    let root = Root::new();
    let dbus = root.path("/var/lib/dbus/machine-id");
    fs::write(&dbus, format!("{OLD_ID}\n")).unwrap();
    let etc = root.path("/etc");
    let out = if is_root() && have("unshare") {
        let script = format!(
            "mount --bind {etc} {etc} && mount -o remount,bind,ro {etc} && exec {bin} machine-id rotate --root {root}",
            etc = sh_quote(&etc),
            bin = sh_quote(Path::new(BIN)),
            root = sh_quote(root.root())
        );
        Command::new("unshare")
            .args(["-m", "sh", "-c", &script])
            .output()
            .unwrap()
    } else {
        fs::set_permissions(&etc, fs::Permissions::from_mode(0o555)).unwrap();
        let out = root.run(&["rotate"]);
        fs::set_permissions(&etc, fs::Permissions::from_mode(0o755)).unwrap();
        out
    };
    let code = out.status.code();
    assert!(
        code == Some(74) || code == Some(77),
        "{code:?}: {}",
        stderr_of(&out)
    );
    // issue 20: the file and the reason, no temporary name, no "(os error N)".
    let err = stderr_of(&out);
    let expected = format!(
        "privkit machine-id: cannot write {}: ",
        root.path("/etc/machine-id").display()
    );
    assert!(err.starts_with(&expected), "{err}");
    assert!(
        err.ends_with("read-only file system\n") || err.ends_with("permission denied (run as root)\n"),
        "{err}"
    );
    assert!(!err.contains(".privkit-") && !err.contains("os error"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(root.id(), format!("{OLD_ID}\n"));
    assert_eq!(
        fs::read_to_string(&dbus).unwrap(),
        format!("{OLD_ID}\n"),
        "D-Bus copy changed alone"
    );
    assert_eq!(entries(&etc), ["machine-id", "passwd"]);
    assert!(out.stdout.is_empty());
}

/// Without root and without --root: refused, saying which privilege is missing.
#[test]
fn unprivileged_rotate_of_the_system_id_is_refused() {
    if !is_root() || !have("setpriv") {
        let out = privkit().args(["machine-id", "rotate"]).output().unwrap();
        if !is_root() {
            assert_eq!(out.status.code(), Some(77));
            assert!(stderr_of(&out).contains("need root"));
        }
        return;
    }
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            BIN,
            "machine-id",
            "rotate",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(77), "{}", stderr_of(&out));
    assert_eq!(
        stderr_of(&out),
        "privkit machine-id: need root (write access to /etc and CAP_DAC_OVERRIDE); run as root, or give --root DIR for an image\n"
    );

    // issue 20: an image the user cannot write says which file and what to do.
    let root = Root::new();
    fs::set_permissions(root.root(), fs::Permissions::from_mode(0o755)).unwrap();
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            BIN,
            "machine-id",
            "rotate",
            "--root",
        ])
        .arg(root.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(77), "{}", stderr_of(&out));
    assert_eq!(
        stderr_of(&out),
        format!(
            "privkit machine-id: cannot write {}: permission denied (run as root)\n",
            root.path("/etc/machine-id").display()
        )
    );
    assert_eq!(root.id(), format!("{OLD_ID}\n"));
}

#[test]
fn missing_root_is_66() {
    let out = privkit()
        .args(["machine-id", "rotate", "--root", "/nonexistent/privkit-root"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(66));
    assert_eq!(
        stderr_of(&out),
        "privkit machine-id: /nonexistent/privkit-root: --root: No such file or directory\n"
    );
    for sub in ["show", "check"] {
        let out = privkit()
            .args(["machine-id", sub, "--root", "/nonexistent/privkit-root"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(66), "{sub}");
    }
}

fn plant(root: &Root) -> (PathBuf, PathBuf) {
    // Outside the root: a directory with a file that must survive.
    let outside = scratch().keep();
    fs::write(outside.join("precious"), "keep me").unwrap();
    for home in ["/root", "/home/alice", "/home/bob"] {
        let cache = root.path(&format!("{home}/.cache"));
        fs::create_dir_all(cache.join("thumbnails/large")).unwrap();
        fs::write(cache.join("thumbnails/large/a.png"), vec![0u8; 1000]).unwrap();
        fs::write(cache.join("top"), "12345").unwrap();
        fs::set_permissions(&cache, fs::Permissions::from_mode(0o700)).unwrap();
    }
    let alice = root.path("/home/alice/.cache");
    // Symlinks to outside, at the top and deep inside, to a directory and to a file.
    std::os::unix::fs::symlink(&outside, alice.join("escape")).unwrap();
    std::os::unix::fs::symlink(outside.join("precious"), alice.join("thumbnails/file-link")).unwrap();
    std::os::unix::fs::symlink("../../../../..", alice.join("thumbnails/large/up")).unwrap();
    (outside, alice)
}

#[test]
fn wipe_cache_empties_caches_and_never_follows_symlinks_out() {
    let root = Root::new();
    let (outside, alice) = plant(&root);
    // A user whose whole .cache is a symlink to outside: refused, not followed.
    fs::remove_dir_all(root.path("/home/bob/.cache")).unwrap();
    std::os::unix::fs::symlink(&outside, root.path("/home/bob/.cache")).unwrap();
    let mode_before = fs::metadata(&alice).unwrap().mode();

    let out = root.run(&["rotate", "--wipe-cache", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(fs::read_to_string(outside.join("precious")).unwrap(), "keep me");
    assert_eq!(entries(&outside), ["precious"]);
    for home in ["/root", "/home/alice"] {
        let cache = root.path(&format!("{home}/.cache"));
        assert!(cache.is_dir(), "{home}: the cache directory itself is kept");
        assert!(entries(&cache).is_empty(), "{home}: {:?}", entries(&cache));
    }
    assert_eq!(fs::metadata(&alice).unwrap().mode(), mode_before);
    assert!(fs::symlink_metadata(root.path("/home/bob/.cache"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(stderr_of(&out).contains("cache of bob"), "{}", stderr_of(&out));
    assert!(root.path("/etc/passwd").exists());

    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let caches = report["caches"].as_array().unwrap();
    let alice_report = caches.iter().find(|c| c["user"] == "alice").unwrap();
    // a.png, top, three symlinks; thumbnails and thumbnails/large.
    assert_eq!(alice_report["files"], 5);
    assert_eq!(alice_report["dirs"], 2);
    assert_eq!(alice_report["path"], "/home/alice/.cache");
    fs::remove_dir_all(outside).unwrap();
}

#[test]
fn wipe_cache_user_limits_it() {
    let root = Root::new();
    let (outside, alice) = plant(&root);
    let out = root.run(&["rotate", "--wipe-cache", "--user", "bob"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(entries(&root.path("/home/bob/.cache")).is_empty());
    assert!(!entries(&alice).is_empty());
    assert!(!entries(&root.path("/root/.cache")).is_empty());
    fs::remove_dir_all(outside).unwrap();

    // An unknown user is a usage error, and nothing changes.
    let out = root.run(&["rotate", "--wipe-cache", "--user", "mallory"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(
        stderr_of(&out).contains("no user 'mallory'"),
        "{}",
        stderr_of(&out)
    );
    assert_ne!(root.id(), format!("{OLD_ID}\n"), "the first rotation happened");
    let before = root.id();
    let _ = root.run(&["rotate", "--wipe-cache", "--user", "mallory"]);
    assert_eq!(root.id(), before);
}

/// A filesystem mounted inside a cache is left alone (as rm --one-file-system).
#[test]
fn wipe_cache_does_not_cross_filesystems() {
    if !is_root() || !have("unshare") {
        eprintln!("needs root and unshare: skipped");
        return;
    }
    let root = Root::new();
    let cache = root.path("/root/.cache");
    fs::create_dir_all(cache.join("mnt")).unwrap();
    fs::write(cache.join("gone"), "x").unwrap();
    let script = format!(
        "mount -t tmpfs none {mnt} && echo kept > {mnt}/kept && {bin} machine-id rotate --root {root} --wipe-cache --user root && test -f {mnt}/kept && test ! -e {gone}",
        mnt = sh_quote(&cache.join("mnt")),
        bin = sh_quote(Path::new(BIN)),
        root = sh_quote(root.root()),
        gone = sh_quote(&cache.join("gone")),
    );
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout_of(&out), stderr_of(&out));
    assert!(stdout_of(&out).contains("removed 1 file,"), "{}", stdout_of(&out));
}

#[test]
fn check_exit_codes() {
    let root = Root::new();
    let ok = root.run(&["check"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout_of(&ok));
    assert!(stdout_of(&ok).ends_with("etc/machine-id: ok\n"));

    let cases: &[(&str, u32, &str)] = &[
        (
            "0123456789abcdef0123456789abcdef\n",
            0o644,
            "mode is 0644, should be 0444",
        ),
        ("00000000000000000000000000000000\n", 0o444, "all zeros"),
        ("uninitialized\n", 0o444, "uninitialized"),
        (
            "0123456789ABCDEF0123456789ABCDEF\n",
            0o444,
            "not 32 lowercase hexadecimal digits",
        ),
        ("", 0o444, "empty"),
    ];
    for (content, mode, problem) in cases {
        root.write_id(content, *mode);
        let out = root.run(&["check"]);
        assert_eq!(out.status.code(), Some(1), "{content:?}: {}", stdout_of(&out));
        assert!(
            stdout_of(&out).contains(problem),
            "{content:?}: {}",
            stdout_of(&out)
        );
    }

    // Two problems: two lines.
    root.write_id("00000000000000000000000000000000\n", 0o600);
    let out = root.run(&["check"]);
    assert_eq!(stdout_of(&out).lines().count(), 2, "{}", stdout_of(&out));

    root.write_id(&format!("{OLD_ID}\n"), 0o444);
    fs::write(
        root.path("/var/lib/dbus/machine-id"),
        "fedcba9876543210fedcba9876543210\n",
    )
    .unwrap();
    let out = root.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout_of(&out).contains("holds fedcba9876543210fedcba9876543210, not the machine id"));

    fs::remove_file(root.path("/var/lib/dbus/machine-id")).unwrap();
    std::os::unix::fs::symlink("/etc/nothing-here", root.path("/var/lib/dbus/machine-id")).unwrap();
    let out = root.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout_of(&out).contains("dangling symlink"),
        "{}",
        stdout_of(&out)
    );

    fs::remove_file(root.path("/var/lib/dbus/machine-id")).unwrap();
    fs::remove_file(root.path("/etc/machine-id")).unwrap();
    let out = root.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout_of(&out).contains("missing"));
}

#[test]
fn show_prints_the_id_and_refuses_garbage() {
    let root = Root::new();
    let out = root.run(&["show"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout_of(&out), format!("{OLD_ID}\n"));

    root.write_id("\x1b]0;evil\x07 not an id\n", 0o444);
    let out = root.run(&["show"]);
    assert_eq!(out.status.code(), Some(65));
    assert!(
        stderr_of(&out).contains("not a valid machine id"),
        "{}",
        stderr_of(&out)
    );
    assert!(!out.stderr.contains(&0x1b));

    fs::remove_file(root.path("/etc/machine-id")).unwrap();
    assert_eq!(root.run(&["show"]).status.code(), Some(66));
}

#[test]
fn new_prints_a_fresh_id_and_writes_nothing() {
    let out = privkit().args(["machine-id", "new"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_valid_v4(&stdout_of(&out));
}

#[test]
fn test_json() {
    let root = Root::new();
    std::os::unix::fs::symlink("/etc/machine-id", root.path("/var/lib/dbus/machine-id")).unwrap();

    let show: Value = serde_json::from_slice(&root.run(&["show", "--json"]).stdout).unwrap();
    assert_eq!(show["machine_id"], OLD_ID);
    assert_eq!(show["dbus"]["kind"], "symlink");
    assert_eq!(show["dbus"]["machine_id"], OLD_ID);

    let check: Value = serde_json::from_slice(&root.run(&["check", "--json"]).stdout).unwrap();
    assert_eq!(check["ok"], true);
    assert_eq!(check["problems"], Value::Array(vec![]));

    let out = root.run(&["rotate", "--json"]);
    assert_eq!(
        out.stdout.iter().filter(|&&b| b == b'\n').count(),
        1,
        "one JSON line"
    );
    let rotate: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rotate["old"], OLD_ID);
    assert_eq!(format!("{}\n", rotate["new"].as_str().unwrap()), root.id());
    assert_eq!(rotate["dbus"], "symlink");
    assert_eq!(rotate["dry_run"], false);

    let new: Value = serde_json::from_slice(
        &privkit()
            .args(["machine-id", "--json", "new"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(new["machine_id"].as_str().unwrap().len(), 32);

    root.write_id("00000000000000000000000000000000\n", 0o444);
    let out = root.run(&["check", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let check: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check["ok"], false);
}

/// issue 19: `--root` never leaves the root. A root whose /etc is a symlink to a directory
/// outside, or whose /var/lib/dbus is: the outside files are neither read nor written, and
/// their mode stays.
#[test]
fn root_escape_through_symlinked_directories_is_refused() {
    let root = Root::new();
    let outside = scratch();
    fs::write(outside.path().join("machine-id"), format!("{OLD_ID}\n")).unwrap();
    fs::set_permissions(
        outside.path().join("machine-id"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    fs::remove_dir_all(root.path("/etc")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path("/etc")).unwrap();
    for sub in ["rotate", "show", "check"] {
        let out = root.run(&[sub]);
        assert_ne!(out.status.code(), Some(0), "{sub}: {}", stdout_of(&out));
        assert!(!stdout_of(&out).contains(OLD_ID), "{sub} read the outside id");
    }
    assert_eq!(
        fs::read_to_string(outside.path().join("machine-id")).unwrap(),
        format!("{OLD_ID}\n")
    );
    assert_eq!(entries(outside.path()), ["machine-id"]);

    let root = Root::new();
    let outside = scratch();
    fs::write(
        outside.path().join("machine-id"),
        "fedcba9876543210fedcba9876543210\n",
    )
    .unwrap();
    fs::set_permissions(
        outside.path().join("machine-id"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    fs::remove_dir_all(root.path("/var/lib/dbus")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path("/var/lib/dbus")).unwrap();
    let out = root.run(&["rotate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_ne!(root.id(), format!("{OLD_ID}\n"));
    let outside_id = outside.path().join("machine-id");
    assert_eq!(
        fs::read_to_string(&outside_id).unwrap(),
        "fedcba9876543210fedcba9876543210\n"
    );
    assert_eq!(fs::metadata(&outside_id).unwrap().mode() & 0o7777, 0o644);
    assert_eq!(entries(outside.path()), ["machine-id"]);
}

/// An offline image (as mounted at /mnt/image) holds absolute links meant for its own `/`:
/// they are followed inside the image.
#[test]
fn absolute_links_of_an_offline_image_work() {
    let root = Root::new();
    // /etc -> /image-etc (absolute, meaning the image's own directory).
    fs::rename(root.path("/etc"), root.path("/image-etc")).unwrap();
    std::os::unix::fs::symlink("/image-etc", root.path("/etc")).unwrap();
    // The D-Bus copy as Debian ships it: an absolute link to /etc/machine-id.
    std::os::unix::fs::symlink("/etc/machine-id", root.path("/var/lib/dbus/machine-id")).unwrap();
    let out = root.run(&["show"]);
    assert_eq!(stdout_of(&out), format!("{OLD_ID}\n"), "{}", stderr_of(&out));
    let out = root.run(&["rotate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let new = fs::read_to_string(root.path("/image-etc/machine-id")).unwrap();
    assert_valid_v4(&new);
    assert_ne!(new, format!("{OLD_ID}\n"));
    assert_eq!(fs::read_link(root.path("/etc")).unwrap(), Path::new("/image-etc"));
    let check = root.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout_of(&check));
}

/// issue 19: a FIFO at ROOT/etc/machine-id is refused at once (show, check, rotate), never
/// waited on.
#[test]
fn fifo_machine_id_is_refused_not_waited_on() {
    let root = Root::new();
    let id = root.path("/etc/machine-id");
    fs::remove_file(&id).unwrap();
    let made = Command::new("mkfifo").arg(&id).status().unwrap();
    assert!(made.success());
    for sub in ["show", "check", "rotate"] {
        let out = Command::new("timeout")
            .args(["10", BIN, "machine-id", sub, "--root"])
            .arg(root.root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(66), "{sub}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("is a FIFO, not a regular file"),
            "{sub}: {}",
            stderr_of(&out)
        );
    }
    assert!(fs::symlink_metadata(&id).unwrap().file_type().is_fifo());
}

/// issue 19: 30 rotations at once leave /etc/machine-id and the D-Bus copy agreeing.
#[test]
fn concurrent_rotations_keep_the_dbus_copy_in_step() {
    let root = Root::new();
    fs::write(root.path("/var/lib/dbus/machine-id"), format!("{OLD_ID}\n")).unwrap();
    for _ in 0..3 {
        let children: Vec<_> = (0..30)
            .map(|_| {
                Command::new(BIN)
                    .args(["machine-id", "rotate", "--root"])
                    .arg(root.root())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        }
        assert_eq!(
            fs::read_to_string(root.path("/var/lib/dbus/machine-id")).unwrap(),
            root.id()
        );
        let check = root.run(&["check"]);
        assert_eq!(check.status.code(), Some(0), "{}", stdout_of(&check));
    }
    assert_eq!(entries(&root.path("/etc")), ["machine-id", "passwd"]);
    assert_eq!(entries(&root.path("/var/lib/dbus")), ["machine-id"]);
}

/// issue 19: a failing random source is an error (74), never a panic or a predictable id, and
/// nothing is written.
#[test]
fn failing_random_source_is_an_error() {
    let Some((_dir, shim)) = crate::common::failing_getrandom() else {
        return;
    };
    let out = Command::new(BIN)
        .args(["machine-id", "new"])
        .env("LD_PRELOAD", &shim)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("random source failed"),
        "{}",
        stderr_of(&out)
    );
    assert!(out.stdout.is_empty());
    let root = Root::new();
    let out = Command::new(BIN)
        .args(["machine-id", "rotate", "--root"])
        .arg(root.root())
        .env("LD_PRELOAD", &shim)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74), "{}", stderr_of(&out));
    assert_eq!(root.id(), format!("{OLD_ID}\n"));
    assert_eq!(entries(&root.path("/etc")), ["machine-id", "passwd"]);
}

/// A system account whose home is a link (bin's /bin on a merged-/usr system) is passed over
/// quietly by --wipe-cache; named with --user, or for a person's account, it is said.
#[test]
fn wipe_cache_is_quiet_about_system_accounts_with_linked_homes() {
    let root = Root::new();
    fs::create_dir_all(root.path("/usr/bin")).unwrap();
    std::os::unix::fs::symlink("usr/bin", root.path("/bin")).unwrap();
    fs::create_dir_all(root.path("/data/carol/.cache")).unwrap();
    fs::create_dir_all(root.path("/home")).unwrap();
    std::os::unix::fs::symlink("/data/carol", root.path("/home/carol")).unwrap();
    let mut passwd = fs::read_to_string(root.path("/etc/passwd")).unwrap();
    passwd.push_str("bin:x:2:2:bin:/bin:/usr/sbin/nologin\ncarol:x:1002:1002:Carol:/home/carol:/bin/sh\n");
    fs::write(root.path("/etc/passwd"), passwd).unwrap();

    let out = root.run(&["rotate", "--wipe-cache"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(!err.contains("cache of bin"), "{err}");
    assert!(
        err.contains("cache of carol"),
        "a person's account is said: {err}"
    );

    let out = root.run(&["rotate", "--wipe-cache", "--user", "bin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("cache of bin: /bin/.cache: bin is a symlink"),
        "{}",
        stderr_of(&out)
    );
}
