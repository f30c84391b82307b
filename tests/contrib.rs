//! The files in contrib/ work: systemd units verify and every example script runs against the
//! real binary (the kdbx-audit unit's command and credential: tests/kdbx_audit.rs).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{have, scratch, stderr_of, stdout_of, BIN};
use crate::macrand::Netns;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A PATH whose first directory holds `privkit` (the binary under test).
fn path_with_privkit(dir: &Path) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let _ = std::os::unix::fs::symlink(BIN, bin.join("privkit"));
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

/// Runs an example script with privkit on PATH, no terminal on stdin, and no lists of the
/// machine's own in the way.
fn example(dir: &Path, script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new("sh")
        .arg(repo("contrib/examples").join(script))
        .args(args)
        .env("PATH", path_with_privkit(dir))
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Every unit in contrib/systemd passes `systemd-analyze verify`, with its privkit path pointed
/// at the binary under test (verify checks that ExecStart/ExecStop programs exist).
#[test]
fn systemd_units_verify() {
    if !have("systemd-analyze") {
        eprintln!("systemd-analyze not installed: skipping (CI installs systemd)");
        return;
    }
    let dir = scratch();
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/systemd");
    let mut checked = 0;
    for entry in std::fs::read_dir(&units).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".service") || name.ends_with(".timer")) {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("/usr/bin/privkit", BIN);
        // A template (name@.service) is verified as an instance of itself.
        std::fs::write(dir.path().join(name.replace("@.", "@test0.")), text).unwrap();
        checked += 1;
    }
    assert!(checked > 0, "no units found in {}", units.display());
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let unit = entry.unwrap().path();
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&unit)
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}: {}",
            unit.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn example_clean_before_upload() {
    let dir = scratch();
    let uploads = dir.path().join("uploads");
    std::fs::create_dir_all(uploads.join("sub")).unwrap();
    for (fixture, to) in [
        ("jpeg-baseline.jpg", "photo.jpg"),
        ("png-rgb.png", "sub/screenshot.png"),
        ("webp-lossy.webp", "sticker.webp"),
    ] {
        std::fs::copy(repo("testdata/mat-strip").join(fixture), uploads.join(to)).unwrap();
    }
    let out = example(
        dir.path(),
        "clean-before-upload.sh",
        &[uploads.to_str().unwrap()],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout_of(&out),
        stderr_of(&out)
    );
    assert!(stdout_of(&out).contains("cleaned: ") && stdout_of(&out).contains("are clean"));
    let check = Command::new(BIN)
        .args(["mat-strip", "--check", "--recursive"])
        .arg(&uploads)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout_of(&check));
    // Run again: nothing to do, still 0. A file it cannot check makes it fail, and says which.
    let again = example(
        dir.path(),
        "clean-before-upload.sh",
        &[uploads.to_str().unwrap()],
        &[],
    );
    assert_eq!(again.status.code(), Some(0));
    assert!(!stdout_of(&again).contains("cleaned: "));
    std::fs::write(uploads.join("notes.txt"), "plain text\n").unwrap();
    let out = example(
        dir.path(),
        "clean-before-upload.sh",
        &[uploads.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("not checked (format not supported)")
            && stderr_of(&out).contains("notes.txt")
    );
}

/// An unsupported file in the middle of the folder is listed and makes the script fail, but
/// every other file, before and after it, is still cleaned (the script used to stop at it).
#[test]
fn example_clean_before_upload_goes_past_an_unsupported_file() {
    let dir = scratch();
    let uploads = dir.path().join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    let images = [
        ("jpeg-baseline.jpg", "a1.jpg"),
        ("png-rgb.png", "a2.png"),
        ("webp-lossy.webp", "a3.webp"),
        ("jpeg-progressive.jpg", "z1.jpg"),
        ("png-palette.png", "z2.png"),
        ("gif-animated.gif", "z3.gif"),
    ];
    for (fixture, to) in images {
        std::fs::copy(repo("testdata/mat-strip").join(fixture), uploads.join(to)).unwrap();
    }
    std::fs::write(uploads.join("m-notes.txt"), "plain text\n").unwrap();
    std::fs::write(uploads.join("m-data.bin"), [0x7fu8, b'E', b'L', b'F', 2, 1, 1, 0]).unwrap();
    let out = example(
        dir.path(),
        "clean-before-upload.sh",
        &[uploads.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("m-notes.txt") && err.contains("m-data.bin"), "{err}");
    assert!(!stdout_of(&out).contains("are clean"));
    for (_, name) in images {
        assert!(
            stdout_of(&out).contains(name),
            "{name} not cleaned: {}",
            stdout_of(&out)
        );
        let check = Command::new(BIN)
            .args(["mat-strip", "--check"])
            .arg(uploads.join(name))
            .output()
            .unwrap();
        assert_eq!(check.status.code(), Some(0), "{name}: {}", stdout_of(&check));
    }
}

#[test]
fn example_open_qr_link() {
    let dir = scratch();
    let opened = dir.path().join("opened");
    let opener = dir.path().join("opener");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", opened.display()),
    )
    .unwrap();
    let run = |image: &str| {
        let image = repo("testdata/qr-inspect").join(image);
        example(
            dir.path(),
            "open-qr-link.sh",
            &[image.to_str().unwrap()],
            &[("OPENER", &format!("sh {}", opener.display()))],
        )
    };
    let opened_text = || std::fs::read_to_string(&opened).unwrap_or_default();
    let out = run("url-ok.png");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(opened_text(), "https://example.org/welcome\n");
    // Blocked: never opened. Warn without a terminal to confirm: not opened. No code: 4.
    let out = run("reason-dangerous-scheme.png");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("blocked"));
    let out = run("reason-insecure-scheme.png");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("warning: insecure-scheme"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(run("no-code.png").status.code(), Some(4));
    assert_eq!(
        opened_text(),
        "https://example.org/welcome\n",
        "nothing else was opened"
    );
}

#[test]
fn example_join_public_network() {
    let Some(ns) = Netns::new() else {
        return;
    };
    let dir = scratch();
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    let old_id = "0123456789abcdef0123456789abcdef";
    std::fs::write(root.join("etc/machine-id"), format!("{old_id}\n")).unwrap();
    let state = dir.path().join("state");
    let old_mac = ns.mac("va");
    let join = |iface: &str| {
        Command::new("ip")
            .args(["netns", "exec", &ns.name, "sh"])
            .arg(repo("contrib/examples/join-public-network.sh"))
            .arg(iface)
            .env("PATH", path_with_privkit(dir.path()))
            .env("ROOT", &root)
            .env("PRIVKIT_MACRAND_ARGS", format!("--state-dir {}", state.display()))
            .output()
            .unwrap()
    };
    let out = join("va");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let new_id = std::fs::read_to_string(root.join("etc/machine-id")).unwrap();
    assert_ne!(new_id.trim(), old_id);
    let new_mac = ns.mac("va");
    assert_ne!(new_mac, old_mac);
    let text = stdout_of(&out);
    assert!(text.contains(&format!("machine id: {}", new_id.trim())), "{text}");
    assert!(text.contains(&format!("MAC address: {new_mac}")), "{text}");
    // A missing interface stops it with macrand's code, after the id was rotated.
    let out = join("nosuch0");
    assert_eq!(out.status.code(), Some(69), "{}", stderr_of(&out));
}

/// flake.nix and the NixOS module parse, and the module, evaluated with a stub of nixpkgs' lib
/// (nixpkgs itself is not on the test machine), produces the units it promises; the audit
/// command it writes runs.
#[test]
fn nix_files_parse_and_the_module_evaluates() {
    if !have("nix-instantiate") {
        eprintln!("nix-instantiate not installed: skipping (CI installs nix-bin)");
        return;
    }
    let nix = |args: &[&str]| {
        let out = Command::new("nix-instantiate").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "nix-instantiate {args:?}: {}",
            stderr_of(&out)
        );
        stdout_of(&out)
    };
    for file in ["flake.nix", "contrib/nix/package.nix", "contrib/nix/module.nix"] {
        nix(&["--parse", repo(file).to_str().unwrap()]);
    }
    let eval = repo("contrib/nix/tests/eval-module.nix");
    let json: serde_json::Value =
        serde_json::from_str(&nix(&["--eval", "--strict", "--json", eval.to_str().unwrap()])).unwrap();
    let config = &json["config"];
    let services = &config["systemd"]["services"];
    assert_eq!(
        services["privkit-machine-id-rotate"]["serviceConfig"]["ExecStop"],
        "/nix/store/privkit/bin/privkit machine-id rotate --wipe-cache --user 'alice'"
    );
    assert_eq!(
        services["privkit-macrand-wlp2s0"]["serviceConfig"]["ExecStart"],
        "/nix/store/privkit/bin/privkit macrand --stable 'home wifi' wlp2s0"
    );
    assert_eq!(
        services["privkit-macrand-enp0s31f6"]["serviceConfig"]["CapabilityBoundingSet"],
        serde_json::json!(["CAP_NET_ADMIN"])
    );
    assert_eq!(
        config["networking"]["networkmanager"]["wifi"]["macAddress"],
        "preserve"
    );
    assert_eq!(
        config["systemd"]["timers"]["privkit-kdbx-audit"]["timerConfig"]["OnCalendar"],
        "weekly"
    );
    assert_eq!(
        config["environment"]["etc"]["privkit/blocklists/0-oisd-domainswild.txt"]["source"],
        "/lists/oisd-domainswild.txt"
    );
    assert_eq!(
        json["options"],
        serde_json::json!(["kdbxAudit", "machineId", "macrand"])
    );
    let audit = &services["privkit-kdbx-audit"]["serviceConfig"];
    assert_eq!(audit["SuccessExitStatus"], 1);
    let exec = audit["ExecStart"]
        .as_str()
        .unwrap()
        .replace("/nix/store/privkit/bin/privkit", BIN)
        .replace(
            "'/home/alice/.keys/passwords.keyx'",
            repo("testdata/kdbx-audit/keyfile-only.keyx").to_str().unwrap(),
        )
        .replace(
            "'/home/alice/Passwords.kdbx'",
            repo("testdata/kdbx-audit/keyfile-only.kdbx").to_str().unwrap(),
        );
    let words: Vec<&str> = exec.split_whitespace().collect();
    let out = Command::new(words[0])
        .args(&words[1..])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{exec}: {}",
        stderr_of(&out)
    );
}

/// The Debian package's applet links (contrib/debian/links) are exactly the applets.
#[test]
fn debian_links_match_the_applets() {
    let out = Command::new(BIN).arg("--list").output().unwrap();
    let applets: Vec<String> = stdout_of(&out).lines().map(str::to_string).collect();
    let dir = repo("contrib/debian/links");
    let mut links = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(
            std::fs::read_link(&path).unwrap(),
            Path::new("privkit"),
            "{}",
            path.display()
        );
        links.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    links.sort();
    assert_eq!(links, applets);
}

/// A scratch file manager session: privkit on PATH, a notify-send that records what it was
/// asked to show, and copies of fixtures (one whose name has a space, a newline-free
/// unsupported file).
struct Desktop {
    dir: tempfile::TempDir,
    work: PathBuf,
    path: String,
}

impl Desktop {
    fn new() -> Desktop {
        let dir = scratch();
        let path = path_with_privkit(dir.path());
        let notify = dir.path().join("bin/notify-send");
        std::fs::write(
            &notify,
            format!(
                "#!/bin/sh\nprintf '%s|' \"$@\" >> {}\necho >> {}\n",
                crate::common::sh_quote(&dir.path().join("notified")),
                crate::common::sh_quote(&dir.path().join("notified"))
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&notify, std::fs::Permissions::from_mode(0o755)).unwrap();
        let work = dir.path().join("Pictures");
        std::fs::create_dir_all(&work).unwrap();
        std::fs::copy(
            repo("testdata/mat-strip/jpeg-baseline.jpg"),
            work.join("holiday photo.jpg"),
        )
        .unwrap();
        std::fs::copy(repo("testdata/mat-strip/png-rgb.png"), work.join("scan.png")).unwrap();
        std::fs::write(work.join("notes.txt"), "not an image\n").unwrap();
        Desktop { dir, work, path }
    }

    fn notified(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("notified")).unwrap_or_default()
    }

    /// Runs a file manager's command line: the helper script at its installed path is the
    /// one in contrib/desktop, %F is the selection (one argument each, as the file managers
    /// pass them, never through a shell).
    fn run(&self, exec: &str, selection: &[&str], env: &[(&str, String)]) -> Output {
        let mut words = exec.split_whitespace();
        let program = words.next().unwrap();
        assert_eq!(program, "/usr/share/privkit/desktop/remove-metadata", "{exec}");
        let mut cmd = Command::new(repo("contrib/desktop/remove-metadata"));
        for word in words {
            match word {
                "%F" => {
                    cmd.args(selection.iter().map(|f| self.work.join(f)));
                }
                other => panic!("unexpected field {other} in {exec}"),
            }
        }
        cmd.current_dir(&self.work)
            .env_clear()
            .env("PATH", &self.path)
            .env("HOME", self.dir.path())
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// The selection was cleaned into checked-clean copies; the originals are untouched.
    fn assert_cleaned(&self, what: &str) {
        for (original, copy) in [
            ("holiday photo.jpg", "holiday photo.cleaned.jpg"),
            ("scan.png", "scan.cleaned.png"),
        ] {
            let copy = self.work.join(copy);
            assert!(copy.exists(), "{what}: no {}", copy.display());
            let check = Command::new(BIN)
                .args(["mat-strip", "--check"])
                .arg(&copy)
                .output()
                .unwrap();
            assert_eq!(check.status.code(), Some(0), "{what}: {}", stdout_of(&check));
            let fixture = if original.ends_with(".jpg") {
                "testdata/mat-strip/jpeg-baseline.jpg"
            } else {
                "testdata/mat-strip/png-rgb.png"
            };
            assert_eq!(
                std::fs::read(self.work.join(original)).unwrap(),
                std::fs::read(repo(fixture)).unwrap(),
                "{what}: original changed"
            );
        }
    }
}

/// The Exec line of the Dolphin service menu's action.
fn dolphin_exec() -> String {
    let text = std::fs::read_to_string(repo("contrib/desktop/privkit-remove-metadata.desktop")).unwrap();
    let action = text
        .split("[Desktop Action removeMetadata]")
        .nth(1)
        .expect("action group");
    action
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .expect("Exec line")
        .to_string()
}

/// The command of the Thunar custom action.
fn thunar_command() -> String {
    let text = std::fs::read_to_string(repo("contrib/desktop/thunar-uca.xml")).unwrap();
    let start = text.find("<command>").expect("<command>") + "<command>".len();
    let end = text.find("</command>").expect("</command>");
    text[start..end].to_string()
}

/// Issue 20: "Remove metadata" in Nautilus (a script reading NAUTILUS_SCRIPT_SELECTED_FILE_PATHS),
/// Dolphin (a service menu) and Thunar (a custom action) cleans the selection and says so.
#[test]
fn desktop_entries_clean_the_selection() {
    let selection = ["holiday photo.jpg", "scan.png"];
    // Nautilus: no arguments for a selection given by paths, one per line.
    let nautilus = Desktop::new();
    let paths: String = selection
        .iter()
        .map(|f| format!("{}\n", nautilus.work.join(f).display()))
        .collect();
    let out = nautilus.run(
        "/usr/share/privkit/desktop/remove-metadata",
        &[],
        &[("NAUTILUS_SCRIPT_SELECTED_FILE_PATHS", paths)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    nautilus.assert_cleaned("nautilus");
    assert!(
        nautilus.notified().contains("Metadata removed|2 cleaned"),
        "{}",
        nautilus.notified()
    );

    for (what, exec) in [("dolphin", dolphin_exec()), ("thunar", thunar_command())] {
        let fm = Desktop::new();
        let out = fm.run(&exec, &selection, &[]);
        assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr_of(&out));
        fm.assert_cleaned(what);
        assert!(fm.notified().contains("2 cleaned"), "{what}: {}", fm.notified());

        // A file mat-strip does not handle: the others are still cleaned, the summary says
        // which failed and why, the exit status is mat-strip's.
        let fm = Desktop::new();
        let out = fm.run(&exec, &["notes.txt", "scan.png"], &[]);
        assert_eq!(out.status.code(), Some(65), "{what}: {}", stderr_of(&out));
        let said = fm.notified();
        assert!(
            said.contains("Metadata not removed from every file|1 cleaned"),
            "{what}: {said}"
        );
        assert!(
            said.contains("1 failed") && said.contains("notes.txt"),
            "{what}: {said}"
        );
        assert!(fm.work.join("scan.cleaned.png").exists(), "{what}");
    }

    // Without notify-send the summary goes to stderr.
    let bare = Desktop::new();
    std::fs::remove_file(bare.dir.path().join("bin/notify-send")).unwrap();
    let out = bare.run(&dolphin_exec(), &selection, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr_of(&out).contains("2 cleaned"), "{}", stderr_of(&out));
    // Nothing selected (a remote location in Nautilus): refused, said.
    let out = bare.run("/usr/share/privkit/desktop/remove-metadata", &[], &[]);
    assert_eq!(out.status.code(), Some(64));
    assert!(stderr_of(&out).contains("No local file selected"));
}

/// desktop-file-validate accepts the Dolphin service menu except for what makes it a service
/// menu: Type=Service (KDE's, which the freedesktop validator knows only for applications)
/// with MimeType and Actions.
#[test]
fn desktop_file_validates() {
    if !have("desktop-file-validate") {
        assert!(
            std::env::var_os("CI").is_none(),
            "desktop-file-validate is not installed"
        );
        return;
    }
    let file = repo("contrib/desktop/privkit-remove-metadata.desktop");
    let out = Command::new("desktop-file-validate").arg(&file).output().unwrap();
    let text = format!("{}{}", stdout_of(&out), stderr_of(&out));
    let unexpected: Vec<&str> = text
        .lines()
        .filter(|l| {
            !(l.contains("but the type is \"Service\" while this key is only valid for type \"Application\"")
                && (l.contains("key \"MimeType\"") || l.contains("key \"Actions\"")))
        })
        .collect();
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

/// The `mat-strip-check` hook of .pre-commit-hooks.yaml, as (entry, files regex).
fn pre_commit_hook() -> (String, String) {
    let text = std::fs::read_to_string(repo(".pre-commit-hooks.yaml")).unwrap();
    let hook = text
        .split("\n- id: mat-strip-check\n")
        .nth(1)
        .expect("the mat-strip-check hook");
    let field = |name: &str| {
        hook.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name}"))
            .to_string()
    };
    (field("entry"), field("files"))
}

/// Issue 20: the pre-commit hook fails on a staged file with metadata, passes once it is
/// cleaned, and leaves files of other kinds alone. Run by the pre-commit tool itself
/// (`pre-commit try-repo` on this repository, uncommitted changes included) when it is
/// installed, else by running the hook's entry on the staged files its pattern selects.
#[test]
fn pre_commit_hook_checks_staged_files() {
    let dir = scratch();
    let path = path_with_privkit(dir.path());
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&project)
            .env("PATH", &path)
            .env("HOME", dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr_of(&out));
        stdout_of(&out)
    };
    git(&["init", "-q"]);
    git(&["config", "user.email", "t@example.invalid"]);
    git(&["config", "user.name", "t"]);
    std::fs::copy(
        repo("testdata/mat-strip/jpeg-baseline.jpg"),
        project.join("photo.JPG"),
    )
    .unwrap();
    std::fs::write(project.join("notes.txt"), "text, not checked\n").unwrap();
    git(&["add", "photo.JPG", "notes.txt"]);

    let use_tool = have("pre-commit");
    let (entry, files) = pre_commit_hook();
    let run_hook = || -> Output {
        if use_tool {
            Command::new("pre-commit")
                .args(["try-repo", "--verbose"])
                .arg(repo(""))
                .arg("mat-strip-check")
                .current_dir(&project)
                .env("PATH", &path)
                .env("HOME", dir.path())
                .env("PRE_COMMIT_HOME", dir.path().join("pre-commit-cache"))
                .output()
                .unwrap()
        } else {
            // The staged names the pattern selects (a case-insensitive suffix match here).
            let exts: Vec<String> = files
                .trim_start_matches("(?i)\\.(")
                .trim_end_matches(")$")
                .split('|')
                .map(str::to_string)
                .collect();
            assert!(exts.iter().any(|e| e == "jpe?g"), "{files}");
            let staged: Vec<String> = git(&["diff", "--cached", "--name-only"])
                .lines()
                .filter(|name| {
                    let ext = name.rsplit('.').next().unwrap_or("").to_lowercase();
                    exts.iter()
                        .any(|e| *e == ext || (e == "jpe?g" && (ext == "jpg" || ext == "jpeg")))
                })
                .map(str::to_string)
                .collect();
            let mut words = entry.split_whitespace();
            Command::new(words.next().unwrap())
                .args(words)
                .args(&staged)
                .current_dir(&project)
                .env("PATH", &path)
                .output()
                .unwrap()
        }
    };
    let out = run_hook();
    let said = format!("{}{}", stdout_of(&out), stderr_of(&out));
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("photo.JPG: metadata found"), "{said}");
    assert!(!said.contains("notes.txt"), "{said}");

    let clean = Command::new(BIN)
        .args(["mat-strip", "--inplace"])
        .arg(project.join("photo.JPG"))
        .output()
        .unwrap();
    assert!(clean.status.success(), "{}", stderr_of(&clean));
    git(&["add", "photo.JPG"]);
    let out = run_hook();
    let said = format!("{}{}", stdout_of(&out), stderr_of(&out));
    assert_eq!(out.status.code(), Some(0), "{said}");
}
