//! `privkit kdbx-audit` on the fixtures of testdata/kdbx-audit (made by make-fixtures.py with
//! keepassxc-cli and the keepass crate's writer).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sha1::{Digest, Sha1};

use crate::common::{have, privkit, run_with_stdin, scratch, stderr_of, stdout_of, BIN};

const PASSWORD: &str = "correct horse battery staple fixture";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/kdbx-audit")
        .join(name)
}

/// `privkit kdbx-audit --password-stdin ARGS`, the password on stdin.
fn audit(password: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(["kdbx-audit", "--password-stdin"]).args(args);
    run_with_stdin(&mut cmd, format!("{password}\n").as_bytes())
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout_of(out), stderr_of(out)))
}

fn of_kind<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == kind)
        .collect()
}

const ALL_FORMATS: [&str; 4] = [
    "kdbx3.kdbx",
    "kdbx4-aes-argon2d.kdbx",
    "kdbx4-chacha20-argon2id.kdbx",
    "kdbx4-twofish-aeskdf.kdbx",
];

#[test]
fn findings_are_exact_in_every_format() {
    for name in ALL_FORMATS {
        let db = fixture(name);
        let out = audit(PASSWORD, &["--json", db.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr_of(&out));
        let r = json(&out);
        assert_eq!(r["entries"], 23, "{name}: the recycle bin is skipped");
        let mut reused: Vec<Vec<String>> = of_kind(&r, "reused")
            .iter()
            .map(|f| {
                f["entries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e.as_str().unwrap().to_string())
                    .collect()
            })
            .collect();
        reused.sort_by_key(|g| g.len());
        let sizes: Vec<usize> = reused.iter().map(Vec::len).collect();
        assert_eq!(sizes, [2, 3, 4, 5], "{name}: {reused:?}");
        // Case and trailing whitespace make different passwords: eBay and Etsy are not here.
        assert_eq!(reused[0], ["Root/Email/Gmail", "Root/Shopping/Amazon"], "{name}");
        assert!(
            reused[3].contains(&"Root/Backups".to_string())
                && reused[3].contains(&"Root/Work/Servers/db4".to_string())
        );

        let weak = of_kind(&r, "weak");
        assert_eq!(weak.len(), 2, "{name}: {weak:?}");
        for w in &weak {
            let entry = w["entry"].as_str().unwrap();
            assert!(
                entry.starts_with("Root/Ünïcödé 日本語/Forum ["),
                "{name}: duplicate titles get their UUID: {entry}"
            );
            assert!(w["score"].as_u64().unwrap() < 3);
        }
        assert_ne!(weak[0]["entry"], weak[1]["entry"]);
        let expired = of_kind(&r, "expired");
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0]["entry"], "Root/Work/Servers/VPN");
        assert_eq!(expired[0]["expired"], "2020-01-01T00:00:00Z");
        let insecure = of_kind(&r, "insecure-url");
        assert_eq!(insecure.len(), 1);
        assert_eq!(insecure[0]["url"], "http://192.168.1.1");
        let empty = of_kind(&r, "empty");
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0]["entry"], "Root/Scratch");
        assert!(of_kind(&r, "pwned").is_empty());
    }
}

#[test]
fn recycle_bin_and_history_on_request() {
    let db = fixture("kdbx3.kdbx");
    let r = json(&audit(
        PASSWORD,
        &["--json", "--include-recycle-bin", db.to_str().unwrap()],
    ));
    assert_eq!(r["entries"], 24);
    let reused = of_kind(&r, "reused");
    assert!(reused.iter().any(|g| g["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "Root/Recycle Bin/Old bank")));

    let r = json(&audit(
        PASSWORD,
        &["--json", "--include-history", db.to_str().unwrap()],
    ));
    assert_eq!(r["entries"], 24);
    let weak = of_kind(&r, "weak");
    assert!(
        weak.iter()
            .any(|w| w["entry"] == "Root/Bank (history 2021-05-01 09:30)"),
        "{weak:?}"
    );
}

#[test]
fn human_output_is_grouped_and_readable() {
    let out = audit(PASSWORD, &[fixture("kdbx3.kdbx").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with("kdbx3.kdbx: 23 entries audited, 9 findings"),
        "{text}"
    );
    for heading in [
        "Reused passwords",
        "Weak passwords",
        "Expired: 1",
        "Insecure URLs",
        "Empty passwords: 1",
    ] {
        assert!(text.contains(heading), "{heading}: {text}");
    }
}

#[test]
fn key_files() {
    let db = fixture("keyfile-only.kdbx");
    let key = fixture("keyfile-only.keyx");
    let out = privkit()
        .args(["kdbx-audit", "--no-password", "--keyfile"])
        .arg(&key)
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("Root/Other, Root/Site"));
    let wrong = fixture("password-and-keyfile.keyx");
    let out = privkit()
        .args(["kdbx-audit", "--no-password", "--keyfile"])
        .arg(&wrong)
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(77));

    let db = fixture("password-and-keyfile.kdbx");
    let key = fixture("password-and-keyfile.keyx");
    let both = audit(
        PASSWORD,
        &["--keyfile", key.to_str().unwrap(), db.to_str().unwrap()],
    );
    assert_eq!(both.status.code(), Some(1), "{}", stderr_of(&both));
    let only_password = audit(PASSWORD, &[db.to_str().unwrap()]);
    assert_eq!(only_password.status.code(), Some(77));
    assert_eq!(
        stderr_of(&only_password),
        format!(
            "privkit kdbx-audit: {}: wrong password or key file\n",
            db.display()
        )
    );
}

#[test]
fn empty_database_has_no_findings() {
    let out = audit(PASSWORD, &[fixture("empty.kdbx").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("0 entries audited, no findings"));
}

#[test]
fn test_unsupported_input() {
    let cases = [
        ("truncated.kdbx", 65, "truncated database"),
        ("random.kdbx", 65, "not a KeePass database"),
        ("old.kdb", 65, "KeePass 1.x"),
        ("passwords.txt", 65, "not a KeePass database"),
        ("missing.kdbx", 66, "No such file or directory"),
    ];
    for (name, code, message) in cases {
        let out = audit(PASSWORD, &[fixture(name).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(code), "{name}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains(message), "{name}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out).lines().count(), 1);
        assert!(out.stdout.is_empty());
    }
    // A wrong password is 77 in both formats: on KDBX 3.1 keepass reports it as a padding error.
    for name in ALL_FORMATS {
        let out = audit("not the password", &[fixture(name).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(77), "{name}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).ends_with(": wrong password or key file\n"),
            "{name}: {}",
            stderr_of(&out)
        );
    }
}

/// Without a terminal and without --password-stdin: exit 64 at once, never wait.
#[test]
fn no_terminal_no_wait() {
    if !have("setsid") {
        return;
    }
    let out = Command::new("setsid")
        .args(["-w", BIN, "kdbx-audit"])
        .arg(fixture("kdbx3.kdbx"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("--password-stdin"),
        "{}",
        stderr_of(&out)
    );
}

/// No password of any fixture ever reaches stdout or stderr, in any mode.
#[test]
fn no_secret_is_ever_printed() {
    let passwords: Vec<String> = std::fs::read_to_string(fixture("passwords.txt"))
        .unwrap()
        .lines()
        .filter(|p| p.len() >= 5)
        .map(String::from)
        .collect();
    assert!(passwords.len() >= 10);
    let hibp = hibp_file(&["letmein"]);
    let db = fixture("kdbx3.kdbx");
    let db = db.to_str().unwrap();
    let runs = [
        audit(PASSWORD, &[db]),
        audit(PASSWORD, &["--json", db]),
        audit(PASSWORD, &["--include-history", "--include-recycle-bin", db]),
        audit(
            PASSWORD,
            &[
                "--json",
                "--include-history",
                "--include-recycle-bin",
                "--min-score",
                "4",
                db,
            ],
        ),
        audit(PASSWORD, &["--hibp", hibp.path().to_str().unwrap(), db]),
        audit("wrong", &[db]),
        audit(PASSWORD, &[fixture("truncated.kdbx").to_str().unwrap()]),
    ];
    for out in &runs {
        let all = format!("{}{}", stdout_of(out), stderr_of(out));
        for p in &passwords {
            assert!(!all.contains(p.as_str()), "a password was printed: {all}");
        }
    }
}

/// A sorted SHA1HEX:COUNT file holding these passwords and some others.
fn hibp_file(passwords: &[&str]) -> tempfile::NamedTempFile {
    let mut lines: Vec<String> = passwords
        .iter()
        .chain(["filler-1", "filler-2", "filler-3"].iter())
        .enumerate()
        .map(|(i, p)| {
            let h: String = Sha1::digest(p.as_bytes())
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect();
            format!("{h}:{}", 100 + i)
        })
        .collect();
    for i in 0..3000 {
        let h: String = Sha1::digest(format!("noise{i}").as_bytes())
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        lines.push(format!("{h}:1"));
    }
    lines.sort();
    let mut f = tempfile::NamedTempFile::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    f.write_all((lines.join("\r\n") + "\r\n").as_bytes()).unwrap();
    f
}

#[test]
fn pwned_passwords_from_an_offline_list() {
    let hibp = hibp_file(&["letmein", "Gr33n-Apple-Sky-Piano-7c"]);
    let out = audit(
        PASSWORD,
        &[
            "--json",
            "--hibp",
            hibp.path().to_str().unwrap(),
            fixture("kdbx3.kdbx").to_str().unwrap(),
        ],
    );
    let r = json(&out);
    let pwned = of_kind(&r, "pwned");
    let names: Vec<&str> = pwned.iter().map(|p| p["entry"].as_str().unwrap()).collect();
    assert_eq!(pwned.len(), 4, "{names:?}");
    assert!(names.contains(&"Root/Home/Printer"));
    assert_eq!(
        pwned.iter().find(|p| p["entry"] == "Root/Home/Printer").unwrap()["count"],
        101
    );

    let bad = scratch();
    let not_hibp = bad.path().join("list.txt");
    std::fs::write(&not_hibp, "hello\n").unwrap();
    let out = audit(
        PASSWORD,
        &[
            "--hibp",
            not_hibp.to_str().unwrap(),
            fixture("kdbx3.kdbx").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
}

/// keepassxc-cli, where installed, sees as many entries as we audit with the recycle bin.
#[test]
fn entry_count_agrees_with_keepassxc_cli() {
    if !have("keepassxc-cli") {
        eprintln!("keepassxc-cli not installed: skipped (CI installs it)");
        return;
    }
    let db = fixture("kdbx3.kdbx");
    let mut cmd = Command::new("keepassxc-cli");
    cmd.args(["ls", "-R", "-f", "-q"]).arg(&db);
    let out = run_with_stdin(
        &mut cmd,
        format!(
            "{PASSWORD}
"
        )
        .as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    let theirs = stdout_of(&out)
        .lines()
        .filter(|l| !l.ends_with('/') && !l.trim().is_empty() && !l.contains("[empty]"))
        .count();
    let ours = json(&audit(
        PASSWORD,
        &["--json", "--include-recycle-bin", db.to_str().unwrap()],
    ))["entries"]
        .as_u64()
        .unwrap();
    assert_eq!(theirs as u64, ours, "keepassxc-cli: {}", stdout_of(&out));
}

#[test]
fn test_invalid_arg() {
    for args in [
        &["kdbx-audit"][..],
        &["kdbx-audit", "--no-password", "db.kdbx"][..],
        &["kdbx-audit", "--min-score", "5", "db.kdbx"][..],
        &["kdbx-audit", "--password", "secret", "db.kdbx"][..],
    ] {
        let out = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(64), "{args:?}: {}", stderr_of(&out));
    }
}
