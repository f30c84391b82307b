//! `privkit kdbx-audit` on the fixtures of testdata/kdbx-audit (made by make-fixtures.py with
//! keepassxc-cli, make-kdbx4.py with pykeepass and make-cases.py).

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

const ALL_FORMATS: [&str; 5] = [
    "kdbx3.kdbx",
    "kdbx3-twofish.kdbx",
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
    // A password inside a URL (userinfo) is a password too: masked in text and JSON.
    let url_db = fixture("url-password.kdbx");
    for args in [&[][..], &["--json"][..]] {
        let mut args = args.to_vec();
        args.push(url_db.to_str().unwrap());
        let out = audit(PASSWORD, &args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
        assert!(
            !all.contains("S3cret-in-URL"),
            "a URL password was printed: {all}"
        );
        assert!(all.contains("http://admin:***@192.168.1.1/"), "{all}");
    }
}

/// The SHA-1 of a password as HIBP files write it (upper-case hex).
fn sha1_hex(password: &str) -> String {
    Sha1::digest(password.as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// A file holding `content` with this mode (password files, credentials).
fn file_with_mode(path: &Path, content: &str, mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.to_path_buf()
}

/// A sorted SHA1HEX:COUNT file holding these passwords and some others.
fn hibp_file(passwords: &[&str]) -> tempfile::NamedTempFile {
    hibp_file_ordered(passwords, true)
}

/// The same, ordered by hash or (like the "ordered by prevalence" download) by count.
fn hibp_file_ordered(passwords: &[&str], by_hash: bool) -> tempfile::NamedTempFile {
    let mut lines: Vec<String> = passwords
        .iter()
        .chain(["filler-1", "filler-2", "filler-3"].iter())
        .enumerate()
        .map(|(i, p)| format!("{}:{}", sha1_hex(p), 100 + i))
        .collect();
    for i in 0..3000 {
        lines.push(format!("{}:1", sha1_hex(&format!("noise{i}"))));
    }
    if by_hash {
        lines.sort();
    } else {
        let count = |l: &String| l.rsplit(':').next().unwrap().parse::<u64>().unwrap();
        lines.sort_by_key(|l| std::cmp::Reverse(count(l)));
    }
    let mut f = tempfile::NamedTempFile::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    f.write_all((lines.join("\r\n") + "\r\n").as_bytes()).unwrap();
    f
}

#[test]
fn pwned_passwords_from_an_offline_list() {
    // Both official orders: by hash (searched) and by prevalence (detected, then read whole).
    for by_hash in [true, false] {
        pwned_in(hibp_file_ordered(
            &["letmein", "Gr33n-Apple-Sky-Piano-7c"],
            by_hash,
        ));
    }
}

fn pwned_in(hibp: tempfile::NamedTempFile) {
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

/// `privkit kdbx-audit ARGS` with stdin closed.
fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("kdbx-audit")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn assert_refused(out: &Output, code: i32, message: &str) {
    assert_eq!(out.status.code(), Some(code), "{}", stderr_of(out));
    let err = stderr_of(out);
    assert!(err.contains(message), "expected {message:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(out.stdout.is_empty(), "{}", stdout_of(out));
}

/// Every place where a corrupt database once panicked inside the keepass crate (exit 134) has a
/// fixture in crash/ (made by make-cases.py); each is a clear 65 now. Every prefix of a valid
/// file (a partly synced file) too.
#[test]
fn corrupt_databases_exit_65_never_panic() {
    let dir = fixture("crash");
    let mut names = crate::common::entries(&dir);
    assert!(names.len() >= 10, "{names:?}");
    names.retain(|n| n.ends_with(".kdbx"));
    for name in names {
        let out = audit(PASSWORD, &[dir.join(&name).to_str().unwrap()]);
        assert_refused(&out, 65, "database");
    }
    let scratch = scratch();
    for source in ["kdbx3-chacha20.kdbx", "kdbx4-aes-argon2d.kdbx"] {
        let data = std::fs::read(fixture(source)).unwrap();
        for len in (0..data.len()).step_by(97) {
            let cut = scratch.path().join(format!("{len}-{source}"));
            std::fs::write(&cut, &data[..len]).unwrap();
            let out = audit(PASSWORD, &[cut.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(65), "{len}: {}", stderr_of(&out));
            assert_eq!(stderr_of(&out).lines().count(), 1, "{len}");
        }
    }
}

/// The realistic case of the issue: the first 300 bytes of a database, the right password.
#[test]
fn head_300_of_a_database() {
    let data = std::fs::read(fixture("kdbx3-chacha20.kdbx")).unwrap();
    let dir = scratch();
    let cut = dir.path().join("t.kdbx");
    std::fs::write(&cut, &data[..300]).unwrap();
    assert_refused(
        &audit(PASSWORD, &[cut.to_str().unwrap()]),
        65,
        "truncated or unreadable database",
    );
}

/// Key files, databases and HIBP files that are devices, FIFOs or huge are refused at once.
#[test]
fn special_and_huge_inputs_are_refused() {
    let db = fixture("keyfile-only.kdbx");
    let db = db.to_str().unwrap();
    let out = run(&["--no-password", "--keyfile", "/dev/zero", db]);
    assert_refused(&out, 65, "character device, not a regular file");
    let dir = scratch();
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let fifo = fifo.to_str().unwrap();
    assert_refused(
        &run(&["--no-password", "--keyfile", fifo, db]),
        65,
        "FIFO, not a regular file",
    );
    assert_refused(&run(&["--no-password", "--keyfile", db, fifo]), 65, "FIFO");
    assert_refused(
        &run(&["--no-password", "--keyfile", db, "--hibp", "/dev/zero", db]),
        65,
        "character device",
    );
    assert_refused(
        &run(&["--no-password", "--keyfile", db, "--hibp", fifo, db]),
        65,
        "FIFO",
    );
    // A key file over 64 MiB (sparse: no disk used).
    let big = dir.path().join("big.key");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    assert_refused(
        &run(&["--no-password", "--keyfile", big.to_str().unwrap(), db]),
        65,
        "larger than",
    );
}

#[test]
fn tampered_kdbx3_header_is_refused() {
    assert_refused(
        &audit(PASSWORD, &[fixture("kdbx3-tampered.kdbx").to_str().unwrap()]),
        65,
        "header does not match its hash (corrupted or tampered)",
    );
}

/// KDBX 4 keeps the SHA-256 and HMAC of its header after it: one changed byte of the master
/// seed (header field 4) is refused the same way, with the right password.
#[test]
fn tampered_kdbx4_header_is_refused() {
    for name in ["kdbx4-aes-argon2d.kdbx", "kdbx4-twofish-aeskdf.kdbx"] {
        let mut data = std::fs::read(fixture(name)).unwrap();
        // After the signatures and version (12 bytes): fields of id (1 byte), length (4), data.
        let mut at = 12;
        while data[at] != 4 {
            let len = u32::from_le_bytes(data[at + 1..at + 5].try_into().unwrap()) as usize;
            at += 5 + len;
        }
        data[at + 5] ^= 1;
        let dir = scratch();
        let db = dir.path().join(name);
        std::fs::write(&db, &data).unwrap();
        assert_refused(
            &audit(PASSWORD, &[db.to_str().unwrap()]),
            65,
            "header does not match its hash (corrupted or tampered)",
        );
    }
}

#[test]
fn damaged_and_malformed_key_files() {
    let db = fixture("keyfile-only.kdbx");
    for (key, message) in [
        ("damaged.keyx", "key file is damaged"),
        ("malformed.keyx", "key file is malformed"),
    ] {
        let key = fixture(key);
        let out = run(&[
            "--no-password",
            "--keyfile",
            key.to_str().unwrap(),
            db.to_str().unwrap(),
        ]);
        assert_refused(&out, 65, message);
    }
}

/// 64 hex digits are the hex-encoded key (KeePass's rule), not a file to hash.
#[test]
fn hex_key_file_opens() {
    let key = fixture("hex-key.key");
    let db = fixture("hex-key.kdbx");
    let out = run(&[
        "--no-password",
        "--keyfile",
        key.to_str().unwrap(),
        db.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("Root/Other, Root/Site"));
}

#[test]
fn history_holding_the_current_password_is_not_reuse() {
    let r = json(&audit(
        PASSWORD,
        &[
            "--json",
            "--include-history",
            fixture("history-self.kdbx").to_str().unwrap(),
        ],
    ));
    assert_eq!(r["entries"], 4);
    assert!(of_kind(&r, "reused").is_empty(), "{r}");
}

#[test]
fn older_and_unusual_databases_open() {
    // KDBX 2.x (KeePass 2.0-2.19) and an empty compressed attachment (KeePass's own writing).
    for (name, entries) in [("kdbx2.kdbx", 2), ("empty-attachment.kdbx", 1)] {
        let out = audit(PASSWORD, &["--json", fixture(name).to_str().unwrap()]);
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{name}: {}",
            stderr_of(&out)
        );
        assert_eq!(json(&out)["entries"], entries, "{name}");
    }
    // Versions no KeePass wrote are named, not "corrupt".
    let dir = scratch();
    let mut data = std::fs::read(fixture("kdbx3.kdbx")).unwrap();
    data[8..12].copy_from_slice(&[1, 0, 5, 0]);
    let v5 = dir.path().join("v5.kdbx");
    std::fs::write(&v5, &data).unwrap();
    assert_refused(
        &audit(PASSWORD, &[v5.to_str().unwrap()]),
        65,
        "unsupported KDBX version 5.1",
    );
}

/// Overwrites the 8-byte value that follows `marker` in a copy of a fixture.
fn with_u64_after(name: &str, marker: &[u8], value: u64, dir: &Path) -> PathBuf {
    let mut data = std::fs::read(fixture(name)).unwrap();
    let at = data
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap_or_else(|| panic!("{name}: marker not found"))
        + marker.len();
    data[at..at + 8].copy_from_slice(&value.to_le_bytes());
    let out = dir.join(format!("{value}-{name}"));
    std::fs::write(&out, data).unwrap();
    out
}

/// Absurd key derivation parameters are refused before any derivation (these would hang or
/// exhaust memory), naming the parameter.
#[test]
fn hostile_kdf_parameters_are_refused() {
    let dir = scratch();
    // KDBX 3.1: header field 6 (8 bytes) is the AES-KDF rounds.
    let rounds = with_u64_after("kdbx3.kdbx", &[6, 8, 0], 1 << 40, dir.path());
    assert_refused(
        &audit(PASSWORD, &[rounds.to_str().unwrap()]),
        65,
        "AES-KDF rounds 1099511627776",
    );
    // KDBX 4: the KDF parameter dictionary's R, M and I (type 5, 1-byte key, 8-byte value).
    let entry = |key: u8| [5u8, 1, 0, 0, 0, key, 8, 0, 0, 0];
    let rounds = with_u64_after("kdbx4-twofish-aeskdf.kdbx", &entry(b'R'), 1 << 40, dir.path());
    assert_refused(
        &audit(PASSWORD, &[rounds.to_str().unwrap()]),
        65,
        "AES-KDF rounds",
    );
    let memory = with_u64_after("kdbx4-aes-argon2d.kdbx", &entry(b'M'), 1 << 50, dir.path());
    assert_refused(&audit(PASSWORD, &[memory.to_str().unwrap()]), 65, "Argon2 memory");
    let iterations = with_u64_after("kdbx4-aes-argon2d.kdbx", &entry(b'I'), 1 << 31, dir.path());
    let out = audit(PASSWORD, &[iterations.to_str().unwrap()]);
    assert_refused(&out, 65, "Argon2 iterations 2147483648");
    assert!(stderr_of(&out).contains("--max-kdf-seconds"));
}

/// "Exclude from database reports": as KeePassXC 2.7 writes it (QualityCheck = False, in a
/// database keepassxc-cli wrote) and in its legacy form (custom data KnownBad = true).
#[test]
fn entries_excluded_from_reports() {
    for name in ["known-bad-keepassxc.kdbx", "known-bad.kdbx"] {
        excluded_from_reports(&fixture(name));
    }
}

fn excluded_from_reports(db: &Path) {
    let out = audit(PASSWORD, &[db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).contains("1 entry audited (1 excluded from reports), no findings"),
        "{}",
        stdout_of(&out)
    );
    let r = json(&audit(PASSWORD, &["--json", db.to_str().unwrap()]));
    assert_eq!(
        (r["entries"].as_u64(), r["excluded"].as_u64()),
        (Some(1), Some(1))
    );
    let r = json(&audit(
        PASSWORD,
        &["--json", "--include-excluded", db.to_str().unwrap()],
    ));
    assert_eq!(r["entries"], 2);
    assert_eq!(of_kind(&r, "weak")[0]["entry"], "Root/Flagged");
}

/// Unattended: --password-file (private files only) and the systemd credential.
#[test]
fn password_file_and_systemd_credential() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch();
    let file = dir.path().join("pass");
    std::fs::write(&file, format!("{PASSWORD}\nsecond line\n")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let db = fixture("kdbx3.kdbx");
    let out = run(&["--password-file", file.to_str().unwrap(), db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&["--password-file", file.to_str().unwrap(), db.to_str().unwrap()]);
    assert_refused(&out, 77, "readable or writable by group or others (mode 0644)");

    let creds = dir.path().join("creds");
    std::fs::create_dir(&creds).unwrap();
    let cred = creds.join("kdbx-audit-password");
    std::fs::write(&cred, format!("{PASSWORD}\n")).unwrap();
    std::fs::set_permissions(&cred, std::fs::Permissions::from_mode(0o400)).unwrap();
    let out = Command::new(BIN)
        .args(["kdbx-audit", "--json"])
        .arg(&db)
        .env("CREDENTIALS_DIRECTORY", &creds)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(json(&out)["entries"], 23);
}

/// keepassxc-cli, where installed, opens every fixture made for these cases as we do (same
/// entries), and refuses the damaged key file and the tampered header as we do.
#[test]
fn new_fixtures_agree_with_keepassxc_cli() {
    if !have("keepassxc-cli") {
        eprintln!("keepassxc-cli not installed: skipped (CI installs it)");
        return;
    }
    let ls = |db: &str, key: Option<&str>| -> Output {
        let mut cmd = Command::new("keepassxc-cli");
        cmd.args(["ls", "-R", "-f", "-q"]);
        if let Some(k) = key {
            cmd.args(["--no-password", "-k"]).arg(fixture(k));
        }
        cmd.arg(fixture(db));
        run_with_stdin(&mut cmd, format!("{PASSWORD}\n").as_bytes())
    };
    let count = |out: &Output| {
        stdout_of(out)
            .lines()
            .filter(|l| !l.ends_with('/') && !l.trim().is_empty() && !l.contains("[empty]"))
            .count() as u64
    };
    for db in [
        "kdbx2.kdbx",
        "empty-attachment.kdbx",
        "url-password.kdbx",
        "known-bad.kdbx",
        "known-bad-keepassxc.kdbx",
        "history-self.kdbx",
        "kdbx3-chacha20.kdbx",
    ] {
        let theirs = ls(db, None);
        assert!(theirs.status.success(), "{db}: {}", stderr_of(&theirs));
        let ours = json(&audit(
            PASSWORD,
            &["--json", "--include-excluded", fixture(db).to_str().unwrap()],
        ));
        assert_eq!(ours["entries"].as_u64(), Some(count(&theirs)), "{db}");
    }
    let theirs = ls("hex-key.kdbx", Some("hex-key.key"));
    assert_eq!(count(&theirs), 2, "{}", stderr_of(&theirs));
    assert!(!ls("keyfile-only.kdbx", Some("damaged.keyx")).status.success());
    assert!(!ls("kdbx3-tampered.kdbx", None).status.success());
}

/// Every format fixture holds, as keepassxc-cli reads it, the very passwords make-fixtures.py
/// wrote (the KDBX 4 ones once read as garbage there), so both tools audit the same data.
#[test]
fn keepassxc_cli_reads_every_format_fixture_identically() {
    if !have("keepassxc-cli") {
        eprintln!("keepassxc-cli not installed: skipped (CI installs it)");
        return;
    }
    let expected = [
        ("Home/Printer", "Gr33n-Apple-Sky-Piano-7c"),
        ("Email/Gmail", "Tr0ub4dor&3-shared-A"),
        ("Backups", "K9#vQ2$mZ7&xL4!p-shared-B"),
        ("Shopping/Etsy", "Tr0ub4dor&3-shared-A "),
    ];
    for name in ALL_FORMATS {
        for (entry, password) in expected {
            let mut cmd = Command::new("keepassxc-cli");
            cmd.args(["show", "-q", "-s", "-a", "Password"])
                .arg(fixture(name))
                .arg(entry);
            let out = run_with_stdin(&mut cmd, format!("{PASSWORD}\n").as_bytes());
            assert!(out.status.success(), "{name}: {}", stderr_of(&out));
            assert_eq!(stdout_of(&out), format!("{password}\n"), "{name}: {entry}");
        }
    }
}

/// On a terminal the prompt names the database (several may be audited in a row).
#[test]
fn prompt_names_the_database() {
    if !have("script") {
        return;
    }
    let command = format!(
        "{} kdbx-audit {}",
        crate::common::sh_quote(Path::new(BIN)),
        crate::common::sh_quote(&fixture("kdbx3.kdbx"))
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"]);
    let out = run_with_stdin(&mut cmd, b"not the password\n");
    assert_eq!(out.status.code(), Some(77), "{}", stdout_of(&out));
    assert!(
        stdout_of(&out).contains("Password for kdbx3.kdbx: "),
        "{}",
        stdout_of(&out)
    );
}

/// A credentials directory as systemd makes it: `kdbx-audit-password` holding `content`, mode
/// 0400.
fn credentials_dir(parent: &Path, content: &str) -> PathBuf {
    let dir = parent.join(format!("creds-{}", content.len()));
    std::fs::create_dir(&dir).unwrap();
    file_with_mode(&dir.join("kdbx-audit-password"), content, 0o400);
    dir
}

/// The shipped unit (contrib/systemd/privkit-kdbx-audit.service) loads the credential under the
/// name kdbx-audit reads, with a default that keeps a key-file-only setup working, and its
/// ExecStart (run as systemd would: `$$` unescaped, the configuration file's variables in the
/// environment) audits a key-file database without a stored password, a password-only one
/// whose path has spaces, and one that needs both; with neither it stops with a clear line.
#[test]
fn shipped_unit_passes_the_password_credential() {
    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/systemd/privkit-kdbx-audit.service"),
    )
    .unwrap();
    let setting = |key: &str| -> Vec<&str> {
        unit.lines()
            .filter_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .collect()
    };
    assert_eq!(
        setting("LoadCredentialEncrypted"),
        ["kdbx-audit-password:/etc/credstore.encrypted/kdbx-audit-password"]
    );
    // SetCredential= is C-unescaped by systemd: this is what the service sees with no password.
    let default = setting("SetCredential")[0]
        .strip_prefix("kdbx-audit-password:")
        .unwrap()
        .replace("\\n", "\n");
    assert_eq!(default, "\n");
    let script = setting("ExecStart")[0]
        .strip_prefix("/bin/sh -c '")
        .and_then(|s| s.strip_suffix('\''))
        .unwrap()
        .replace("$$", "$")
        .replace("/usr/bin/privkit", BIN);

    let dir = scratch();
    let no_password = credentials_dir(dir.path(), &default);
    let password = credentials_dir(dir.path(), &format!("{PASSWORD}\n"));
    let spaced = dir.path().join("my databases");
    std::fs::create_dir(&spaced).unwrap();
    let spaced_db = spaced.join("Pass words.kdbx");
    std::fs::copy(fixture("kdbx3.kdbx"), &spaced_db).unwrap();
    let run_unit = |db: &Path, keyfile: Option<&str>, creds: &Path| -> Output {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(&script)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("DATABASE", db)
            .env("PRIVKIT_KDBX_AUDIT_ARGS", "--json --min-score 3")
            .env("CREDENTIALS_DIRECTORY", creds)
            .stdin(Stdio::null());
        if let Some(k) = keyfile {
            cmd.env("KEYFILE", fixture(k));
        }
        cmd.output().unwrap()
    };
    for (db, keyfile, creds, entries) in [
        (
            fixture("keyfile-only.kdbx"),
            Some("keyfile-only.keyx"),
            &no_password,
            2,
        ),
        (spaced_db.clone(), None, &password, 23),
        (
            fixture("password-and-keyfile.kdbx"),
            Some("password-and-keyfile.keyx"),
            &password,
            2,
        ),
    ] {
        let out = run_unit(&db, keyfile, creds);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: {}",
            db.display(),
            stderr_of(&out)
        );
        assert_eq!(json(&out)["entries"], entries, "{}", db.display());
    }
    let out = run_unit(&spaced_db, None, &no_password);
    assert_refused(&out, 64, "no password and no key file");
}

/// The NixOS module with passwordCredential (and no key file) loads the credential under the
/// name kdbx-audit reads and does not pass --no-password: its command opens a password-only
/// database with the credential.
#[test]
fn nixos_module_passes_the_password_credential() {
    if !have("nix-instantiate") {
        eprintln!("nix-instantiate not installed: skipping (CI installs nix-bin)");
        return;
    }
    let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/nix/tests/eval-kdbx-credential.nix");
    let out = Command::new("nix-instantiate")
        .args(["--eval", "--strict", "--json"])
        .arg(&eval)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let service = json(&out);
    assert_eq!(
        service["LoadCredentialEncrypted"],
        "kdbx-audit-password:/etc/credstore.encrypted/kdbx-audit-password"
    );
    let exec = service["ExecStart"].as_str().unwrap();
    assert_eq!(
        exec,
        "/nix/store/privkit/bin/privkit kdbx-audit '/home/alice/Passwords.kdbx'"
    );
    // That very command, on a password-only fixture, with the credential systemd would load.
    let dir = scratch();
    let creds = credentials_dir(dir.path(), &format!("{PASSWORD}\n"));
    let exec = exec.replace("/nix/store/privkit/bin/privkit", BIN).replace(
        "'/home/alice/Passwords.kdbx'",
        fixture("kdbx3.kdbx").to_str().unwrap(),
    );
    let words: Vec<&str> = exec.split_whitespace().collect();
    let out = Command::new(words[0])
        .args(&words[1..])
        .env("CREDENTIALS_DIRECTORY", &creds)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
}

/// --max-kdf-seconds raises the limit: a header refused by default gets past the check with a
/// higher limit. The next step (a password file others can read, refused before any key is
/// derived) stops it there, so nothing is derived and the test stays cheap.
#[test]
fn max_kdf_seconds_raises_the_limit() {
    let dir = scratch();
    let open_file = file_with_mode(&dir.path().join("pass"), &format!("{PASSWORD}\n"), 0o644);
    let entry = |key: u8| [5u8, 1, 0, 0, 0, key, 8, 0, 0, 0];
    for (db, what) in [
        (
            with_u64_after("kdbx3.kdbx", &[6, 8, 0], 1 << 40, dir.path()),
            "AES-KDF rounds 1099511627776",
        ),
        (
            with_u64_after("kdbx4-aes-argon2d.kdbx", &entry(b'I'), 1 << 31, dir.path()),
            "Argon2 iterations 2147483648",
        ),
    ] {
        let db = db.to_str().unwrap();
        let pass = open_file.to_str().unwrap();
        let out = run(&["--password-file", pass, db]);
        assert_refused(&out, 65, what);
        assert!(stderr_of(&out).contains("over the limit of 10 s"));
        let out = run(&["--max-kdf-seconds", "5", "--password-file", pass, db]);
        assert_refused(&out, 65, "over the limit of 5 s");
        let out = run(&["--max-kdf-seconds", "1000000000000", "--password-file", pass, db]);
        assert_refused(
            &out,
            77,
            "password file is readable or writable by group or others",
        );
    }
}

/// An HIBP file not sorted by hash is read whole, and on a terminal the user sees a progress
/// line (in MiB, naming the file and why) that is erased before the report.
#[test]
fn hibp_scan_shows_progress_on_a_terminal() {
    if !have("script") {
        eprintln!("script not installed: skipped (CI installs util-linux)");
        return;
    }
    let dir = scratch();
    let pass = file_with_mode(&dir.path().join("pass"), &format!("{PASSWORD}\n"), 0o600);
    // 64 MiB (the size from which the pass shows progress): a high hash first, so the file is
    // seen as unsorted, then "letmein" (an entry's password) among filler lines.
    let line = |password: &str, count: u32| format!("{}:{count}\r\n", sha1_hex(password));
    let hibp = tempfile::NamedTempFile::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    {
        let mut w = std::io::BufWriter::new(hibp.as_file());
        w.write_all(format!("{}:9\r\n", "F".repeat(40)).as_bytes())
            .unwrap();
        w.write_all(line("letmein", 4242).as_bytes()).unwrap();
        let filler = line("filler", 1);
        for _ in 0..(64 << 20) / filler.len() + 1 {
            w.write_all(filler.as_bytes()).unwrap();
        }
    }
    let command = format!(
        "{} kdbx-audit --password-file {} --hibp {} {}",
        crate::common::sh_quote(Path::new(BIN)),
        crate::common::sh_quote(&pass),
        crate::common::sh_quote(hibp.path()),
        crate::common::sh_quote(&fixture("kdbx3.kdbx"))
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let screen = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "{screen}");
    let name = hibp.path().display().to_string();
    let progress = format!("/65] {name}: not sorted by hash, reading it whole (MiB)");
    assert!(screen.contains(&format!("\r\x1b[K[1{progress}")), "{screen:?}");
    assert!(screen.contains(&format!("\r\x1b[K[64{progress}")), "{screen:?}");
    // Erased before the report, which names the breached entry.
    let report = screen.rfind("entries audited").unwrap();
    let last = screen.rfind(&progress).unwrap();
    assert!(
        last < report && screen[last..report].contains("\r\x1b[K"),
        "{screen:?}"
    );
    assert!(screen.contains("seen 4242 times"), "{screen:?}");
    // Without a terminal, nothing but the report.
    let out = run(&[
        "--password-file",
        pass.to_str().unwrap(),
        "--hibp",
        hibp.path().to_str().unwrap(),
        fixture("kdbx3.kdbx").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.is_empty(), "{}", stderr_of(&out));
}
