//! qr-inspect on the committed fixtures (testdata/qr-inspect, made by make-fixtures.py):
//! decoding through real-world transforms, kinds, reasons, verdicts, every blocklist format,
//! secrets, escaping and exit codes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{have, privkit, run_with_stdin, scratch, stderr_of, stdout_of, BIN};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/qr-inspect")
        .join(name)
}

fn all_lists() -> Vec<String> {
    [
        "hosts.txt",
        "oisd-domains.txt",
        "oisd-wild.txt",
        "adblock.txt",
        "dnscrypt-blocked-names.txt",
    ]
    .iter()
    .flat_map(|l| {
        [
            "--blocklist".to_string(),
            fixture(&format!("lists/{l}")).display().to_string(),
        ]
    })
    .collect()
}

/// Runs qr-inspect with no default lists (the machine's own must not change the results).
fn inspect(args: &[&str]) -> Output {
    privkit()
        .arg("qr-inspect")
        .arg("--no-default-lists")
        .args(args)
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .unwrap()
}

/// The JSON objects printed for one image, with every blocklist loaded.
fn codes(image: &str, extra: &[&str]) -> (Vec<Value>, Output) {
    let path = fixture(image);
    let lists = all_lists();
    let mut args: Vec<&str> = lists.iter().map(String::as_str).collect();
    args.extend_from_slice(extra);
    args.push("--json");
    args.push(path.to_str().unwrap());
    let out = inspect(&args);
    let values = stdout_of(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    (values, out)
}

fn reason_codes(v: &Value) -> Vec<String> {
    v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

fn payloads() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(fixture("payloads.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_fixture_decodes_to_its_payloads_in_reading_order() {
    for (image, want) in payloads() {
        let (found, out) = codes(&image, &["--show-secrets"]);
        let texts: Vec<&str> = found.iter().map(|v| v["text"].as_str().unwrap()).collect();
        assert_eq!(texts, want, "{image}: {}", stderr_of(&out));
        let indexes: Vec<u64> = found.iter().map(|v| v["index"].as_u64().unwrap()).collect();
        assert_eq!(indexes, (1..=want.len() as u64).collect::<Vec<_>>(), "{image}");
        assert!(found
            .iter()
            .all(|v| v["file"].as_str().unwrap().ends_with(&image)));
    }
}

#[test]
fn kinds() {
    for kind in ["wifi", "otpauth", "tel", "sms", "mailto", "geo", "vcard", "text"] {
        let (found, _) = codes(&format!("kind-{kind}.png"), &[]);
        assert_eq!(found[0]["kind"], kind);
    }
    let (found, _) = codes("url-ok.png", &[]);
    assert_eq!(found[0]["kind"], "url");
    assert_eq!(found[0]["verdict"], "ok");
    assert_eq!(found[0]["reasons"], serde_json::json!([]));
    assert_eq!(found[0]["rule"], Value::Null);
}

#[test]
fn each_reason_has_its_fixture_and_verdict() {
    let cases = [
        ("insecure-scheme", "warn"),
        ("dangerous-scheme", "blocked"),
        ("ip-literal", "warn"),
        ("userinfo", "warn"),
        ("punycode", "warn"),
        ("mixed-script", "warn"),
        ("shortener", "warn"),
        ("nonstandard-port", "warn"),
        ("control-chars", "warn"),
        ("blocklisted", "blocked"),
        ("wifi-open", "warn"),
    ];
    for (reason, verdict) in cases {
        let (found, out) = codes(&format!("reason-{reason}.png"), &[]);
        let v = &found[0];
        assert!(reason_codes(v).contains(&reason.to_string()), "{reason}: {v}");
        assert_eq!(v["verdict"], verdict, "{reason}: {v}");
        assert!(!v["reasons"][0]["detail"].as_str().unwrap().is_empty());
        let code = match verdict {
            "warn" => 1,
            "blocked" => 2,
            _ => 0,
        };
        assert_eq!(out.status.code(), Some(code), "{reason}");
    }
    let (found, _) = codes("kind-otpauth.png", &[]);
    assert_eq!(reason_codes(&found[0]), ["otpauth-secret"]);
    let (found, _) = codes("reason-userinfo.png", &[]);
    assert!(found[0]["reasons"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("goes to evil.example"));
    let (found, _) = codes("reason-punycode.png", &[]);
    let detail = found[0]["reasons"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("xn--80ak6aa92e.com") && detail.contains("\u{430}\u{440}\u{440}"),
        "{detail}"
    );
}

#[test]
fn every_blocklist_format_blocks_with_list_line_and_pattern() {
    let cases = [
        (
            "reason-blocklisted.png",
            "adblock.txt",
            3,
            "||ads.tracker.example^",
        ),
        (
            "blocked-by-hosts.png",
            "hosts.txt",
            4,
            "0.0.0.0 hosts-listed.example",
        ),
        ("blocked-by-wildcard.png", "oisd-wild.txt", 1, "*.wild.example"),
        (
            "blocked-by-dnscrypt-glob.png",
            "dnscrypt-blocked-names.txt",
            3,
            "ads.*",
        ),
        (
            "blocked-by-dnscrypt-exact.png",
            "dnscrypt-blocked-names.txt",
            2,
            "=exact.example",
        ),
        (
            "blocked-mailto.png",
            "hosts.txt",
            4,
            "0.0.0.0 hosts-listed.example",
        ),
    ];
    for (image, list, line, pattern) in cases {
        let (found, out) = codes(image, &[]);
        let v = &found[0];
        assert_eq!(v["verdict"], "blocked", "{image}: {v}");
        assert_eq!(out.status.code(), Some(2), "{image}");
        assert!(
            v["rule"]["list"].as_str().unwrap().ends_with(list),
            "{image}: {v}"
        );
        assert_eq!(v["rule"]["line"], line, "{image}");
        assert_eq!(v["rule"]["pattern"], pattern, "{image}");
        assert_eq!(reason_codes(v)[0], "blocklisted");
    }
}

#[test]
fn allow_rules_win_over_a_blocked_parent() {
    // adblock.txt blocks cdn.tracker.example and excepts safe.cdn.tracker.example with @@.
    let (found, _) = codes("allowlisted.png", &[]);
    assert_eq!(found[0]["verdict"], "ok", "{}", found[0]);
    // Without the exception line the parent rule blocks it; an --allowlist file frees it again.
    let dir = scratch();
    let list = dir.path().join("block.txt");
    std::fs::write(&list, "||cdn.tracker.example^\n").unwrap();
    let image = fixture("allowlisted.png");
    let out = inspect(&["--blocklist", list.to_str().unwrap(), image.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let allow = fixture("lists/allow.txt");
    let out = inspect(&[
        "--blocklist",
        list.to_str().unwrap(),
        "--allowlist",
        allow.to_str().unwrap(),
        image.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
    assert!(stdout_of(&out).contains("allowlisted: rule \"safe.cdn.tracker.example\""));
    // =name covers the name only.
    let (found, _) = codes("not-blocked-below-exact.png", &[]);
    assert_eq!(found[0]["verdict"], "ok");
}

#[test]
fn human_output_shows_verdict_kind_text_reasons_and_rule() {
    let lists = all_lists();
    let image = fixture("reason-blocklisted.png");
    let mut args: Vec<&str> = lists.iter().map(String::as_str).collect();
    args.push(image.to_str().unwrap());
    let out = inspect(&args);
    let text = stdout_of(&out);
    assert!(text.contains("reason-blocklisted.png: 1 QR code"), "{text}");
    assert!(
        text.contains("[1] BLOCKED (url): https://login.ads.tracker.example/promo"),
        "{text}"
    );
    assert!(
        text.contains("blocklisted: login.ads.tracker.example is blocked by rule \"||ads.tracker.example^\"")
    );
    assert!(text.contains("adblock.txt line 3"), "{text}");
}

#[test]
fn secrets_are_masked_unless_asked_for() {
    for image in ["kind-wifi.png", "kind-otpauth.png"] {
        for json in [true, false] {
            let path = fixture(image);
            let mut args = vec![path.to_str().unwrap()];
            if json {
                args.push("--json");
            }
            let out = inspect(&args);
            let text = stdout_of(&out) + &stderr_of(&out);
            assert!(!text.contains("PKSECRET"), "{image}: {text}");
            assert!(text.contains("********"), "{image}: {text}");
            args.push("--show-secrets");
            let out = inspect(&args);
            assert!(stdout_of(&out).contains("PKSECRET"), "{image}");
        }
    }
}

#[test]
fn no_raw_escape_or_bell_reaches_the_terminal() {
    let dir = scratch();
    // The payload holds ESC, BEL and a bidi override; so does the file name.
    let hostile = dir.path().join("a\x1b[2Jb\x07.png");
    std::fs::copy(fixture("reason-control-chars.png"), &hostile).unwrap();
    let missing = dir.path().join("gone\x1b]0;x\x07.png");
    for json in [false, true] {
        let mut args = vec![hostile.to_str().unwrap(), missing.to_str().unwrap()];
        if json {
            args.push("--json");
        }
        let out = inspect(&args);
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !stream.contains(&0x1b) && !stream.contains(&0x07),
                "{}",
                String::from_utf8_lossy(stream)
            );
            assert!(!String::from_utf8_lossy(stream).contains('\u{202e}'));
        }
        assert!(stdout_of(&out).contains("control-chars"));
    }
}

#[test]
fn exit_codes_most_severe_wins() {
    let f = |n: &str| fixture(n).display().to_string();
    let cases: &[(&[String], i32)] = &[
        (&[f("url-ok.png")], 0),
        (&[f("reason-insecure-scheme.png")], 1),
        (&[f("reason-dangerous-scheme.png")], 2),
        (&[f("no-code.png")], 4),
        (&[f("corrupt.png")], 65),
        (&[f("make-fixtures.py")], 65),
        (&["/nonexistent/x.png".to_string()], 66),
        (
            &[
                f("url-ok.png"),
                f("reason-dangerous-scheme.png"),
                f("reason-insecure-scheme.png"),
            ],
            2,
        ),
        (&[f("no-code.png"), f("reason-dangerous-scheme.png")], 4),
        (&[f("corrupt.png"), f("no-code.png")], 65),
        (
            &[f("corrupt.png"), "/nonexistent".to_string(), f("url-ok.png")],
            66,
        ),
    ];
    for (files, code) in cases {
        let args: Vec<&str> = files.iter().map(String::as_str).collect();
        let out = inspect(&args);
        assert_eq!(out.status.code(), Some(*code), "{files:?}: {}", stderr_of(&out));
        assert!(!stderr_of(&out).contains("panicked"));
    }
    let out = inspect(&[fixture("corrupt.png").to_str().unwrap()]);
    let err = stderr_of(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("privkit qr-inspect: ") && err.contains("corrupt.png: corrupt image"),
        "{err}"
    );
    let out = inspect(&[fixture("no-code.png").to_str().unwrap()]);
    assert!(stderr_of(&out).contains("no-code.png: no QR code found"));
    // Every input is processed even after a failure: the good one is still reported.
    let out = inspect(&["/nonexistent", fixture("url-ok.png").to_str().unwrap()]);
    assert!(stdout_of(&out).contains("https://example.org/welcome"));
}

#[test]
fn empty_and_truncated_inputs_are_refused_cleanly() {
    let dir = scratch();
    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    let png = std::fs::read(fixture("url-ok.png")).unwrap();
    for cut in [8, 33, png.len() / 3, png.len() - 13] {
        let cut_file = dir.path().join(format!("cut-{cut}.png"));
        std::fs::write(&cut_file, &png[..cut]).unwrap();
        let out = inspect(&[cut_file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(65), "cut at {cut}: {}", stderr_of(&out));
    }
    let out = inspect(&[empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65));
    assert!(stderr_of(&out).contains("empty file"));
    // A header claiming a huge image is refused without allocating it.
    let mut huge = png[..33].to_vec();
    huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&huge[12..29]);
    huge[29..33].copy_from_slice(&crc.to_be_bytes());
    huge.extend_from_slice(&png[33..]);
    let big = dir.path().join("huge.png");
    std::fs::write(&big, &huge).unwrap();
    let out = inspect(&[big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("too large"), "{}", stderr_of(&out));
}

/// Inputs fuzzing found (fuzz/run.sh qr_inspect), one file each in testdata/qr-inspect/crash/:
/// each is refused or found empty with a one-line error, never an internal error.
#[test]
fn fuzz_findings_are_handled_cleanly() {
    let dir = fixture("crash");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let out = inspect(&[path.to_str().unwrap()]);
        let err = stderr_of(&out);
        assert!(
            matches!(out.status.code(), Some(4 | 65)),
            "{}: exit {:?}: {err}",
            path.display(),
            out.status.code()
        );
        assert!(
            !err.contains("internal error") && err.lines().count() == 1,
            "{err}"
        );
        seen += 1;
    }
    assert!(seen >= 1);
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn standard_input() {
    let png = std::fs::read(fixture("reason-insecure-scheme.png")).unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["qr-inspect", "--no-default-lists", "--json", "-"]);
    let out = run_with_stdin(&mut cmd, &png);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let v: Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
    assert_eq!(v["file"], "(standard input)");
    assert_eq!(v["text"], "http://example.org/login");
}

#[test]
fn malformed_list_lines_are_reported_with_their_number_and_skipped() {
    let lists = all_lists();
    let image = fixture("url-ok.png");
    let mut args: Vec<&str> = lists.iter().map(String::as_str).collect();
    args.push(image.to_str().unwrap());
    let out = inspect(&args);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr_of(&out);
    assert!(
        err.contains("dnscrypt-blocked-names.txt:6: skipped: more than one word"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A named list that does not exist stops the run: the script expected it to protect.
    let out = inspect(&["--blocklist", "/nonexistent/list.txt", image.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(66));
    assert!(stdout_of(&out).is_empty());
}

#[test]
fn default_list_directories_are_read_unless_told_not_to() {
    let dir = scratch();
    let lists = dir.path().join("privkit/blocklists");
    std::fs::create_dir_all(&lists).unwrap();
    std::fs::write(lists.join("mine.txt"), "example.org\n").unwrap();
    let image = fixture("url-ok.png");
    let run = |extra: &[&str]| {
        privkit()
            .arg("qr-inspect")
            .args(extra)
            .arg(&image)
            .env("XDG_CONFIG_HOME", dir.path())
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout_of(&out));
    assert!(stdout_of(&out).contains("mine.txt line 1"));
    assert_eq!(run(&["--no-default-lists"]).status.code(), Some(0));
    // And an allowlist there frees it again.
    let allow = dir.path().join("privkit/allowlists");
    std::fs::create_dir_all(&allow).unwrap();
    std::fs::write(allow.join("ok.txt"), "example.org\n").unwrap();
    assert_eq!(run(&[]).status.code(), Some(0));
}

#[test]
fn the_symlink_name_runs_the_applet() {
    let dir = scratch();
    let link = dir.path().join("qr-inspect");
    std::os::unix::fs::symlink(BIN, &link).unwrap();
    let out = Command::new(&link)
        .args(["--no-default-lists", "--json"])
        .arg(fixture("url-ok.png"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout_of(&out).contains("\"verdict\":\"ok\""));
}

#[test]
fn camera_without_a_device_fails_cleanly() {
    let out = inspect(&["--camera", "/nonexistent/video9"]);
    let want = if cfg!(feature = "camera") { 66 } else { 69 };
    assert_eq!(out.status.code(), Some(want), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out).lines().count(), 1);
    // Images and a camera are exclusive; --timeout needs --camera.
    let image = fixture("url-ok.png");
    let both = ["--camera", "/dev/video0", image.to_str().unwrap()];
    assert_eq!(inspect(&both).status.code(), Some(64));
    assert_eq!(
        inspect(&["--timeout", "3", image.to_str().unwrap()])
            .status
            .code(),
        Some(64)
    );
}

/// zbarimg, the tool people have, decodes the same texts from the images it can read.
#[test]
fn agrees_with_zbarimg() {
    if !have("zbarimg") {
        eprintln!("zbarimg not installed: comparison skipped");
        return;
    }
    let mut compared = 0;
    for (image, want) in payloads() {
        let out = Command::new("zbarimg")
            .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sbinary"])
            .arg(fixture(&image))
            .output()
            .unwrap();
        if !out.status.success() || String::from_utf8_lossy(&out.stdout).contains('\u{fffd}') {
            // zbarimg found nothing, or guessed another charset than the code's (it takes
            // ISO-8859-1 bytes for UTF-8): privkit is checked against payloads.json anyway.
            continue;
        }
        let theirs = String::from_utf8_lossy(&out.stdout).into_owned();
        let (found, _) = codes(&image, &["--show-secrets"]);
        // zbarimg does not invert images: it may read fewer codes, never others.
        assert!(
            found.iter().any(|v| theirs.contains(v["text"].as_str().unwrap())),
            "{image}: zbarimg said {theirs:?}, privkit {found:?}"
        );
        assert_eq!(found.len(), want.len());
        compared += 1;
    }
    assert!(compared >= 30, "zbarimg decoded only {compared} fixtures");
}

/// An attacker puts a harmless code beside a malicious one: every code is judged, the exit
/// code is the worst verdict, whichever pass finds each (issue 17).
#[test]
fn every_code_in_an_image_is_judged_and_the_worst_verdict_wins() {
    let (found, out) = codes("side-by-side.png", &[]);
    assert_eq!(found.len(), 3, "{}", stdout_of(&out));
    let verdicts: Vec<&str> = found.iter().map(|v| v["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["ok", "blocked", "warn"]);
    assert_eq!(out.status.code(), Some(2));
    // The blocklisted code is printed light on dark: only the inverted pass finds it.
    let (found, out) = codes("light-and-dark.png", &[]);
    let texts: Vec<&str> = found.iter().map(|v| v["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [
            "https://example.org/menu",
            "https://login.ads.tracker.example/promo"
        ]
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout_of(&out));
    // Three codes of different sizes in a photo, one of them on a hosts list.
    let (found, out) = codes("photo-three-sizes.jpg", &[]);
    assert_eq!(found.len(), 3, "{}", stdout_of(&out));
    assert_eq!(found[1]["verdict"], "blocked");
    assert_eq!(out.status.code(), Some(2));
}

/// A byte-mode payload that is not text is shown as what it is (issue 17: it was an empty
/// string with verdict OK).
#[test]
fn binary_payloads_are_shown_in_hex_and_warn() {
    let want: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(fixture("binary.json")).unwrap()).unwrap();
    let (found, out) = codes("binary.png", &[]);
    let v = &found[0];
    assert_eq!(v["kind"], "binary");
    assert_eq!(v["text"], Value::Null);
    assert_eq!(v["bytes_hex"], want["binary.png"].as_str());
    assert_eq!(v["verdict"], "warn");
    assert_eq!(reason_codes(v), ["binary-payload"]);
    assert_eq!(out.status.code(), Some(1));
    let out = inspect(&[fixture("binary.png").to_str().unwrap()]);
    let text = stdout_of(&out);
    assert!(text.contains("WARN (binary): 89504e470d0a1a0a"), "{text}");
    assert!(
        text.contains("binary-payload: the code holds 210 bytes"),
        "{text}"
    );
    // Text in other encodings is text: ISO-8859-1 by default, Shift_JIS in kanji mode.
    for image in ["latin1.png", "shift-jis.png"] {
        let (found, _) = codes(image, &[]);
        assert_eq!(found[0]["kind"], "text", "{image}");
        assert!(found[0].get("bytes_hex").is_none(), "{image}");
    }
}

#[test]
fn micro_qr_and_rmqr_are_read_and_judged() {
    let (found, out) = codes("micro-qr.png", &[]);
    assert_eq!(found[0]["format"], "micro-qr");
    assert_eq!(found[0]["kind"], "url");
    assert_eq!(reason_codes(&found[0]), ["insecure-scheme"]);
    assert_eq!(out.status.code(), Some(1));
    let (found, _) = codes("rmqr.png", &[]);
    assert_eq!(found[0]["format"], "rmqr");
    let (found, _) = codes("url-ok.png", &[]);
    assert_eq!(found[0]["format"], "qr");
    let out = inspect(&[fixture("micro-qr.png").to_str().unwrap()]);
    assert!(stdout_of(&out).contains("WARN (micro-qr, url): HTTP://EVIL.EXAMPLE"));
    let out = inspect(&["--list-formats"]);
    assert_eq!(out.status.code(), Some(0));
    let names: Vec<String> = stdout_of(&out)
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    assert_eq!(names, ["qr", "micro-qr", "rmqr"]);
    assert_eq!(
        inspect(&["--list-formats", fixture("url-ok.png").to_str().unwrap()])
            .status
            .code(),
        Some(64)
    );
}

#[test]
fn hidden_tag_characters_and_fillers_are_flagged() {
    let (found, out) = codes("reason-tag-chars.png", &[]);
    assert_eq!(reason_codes(&found[0]), ["control-chars"]);
    assert_eq!(found[0]["verdict"], "warn");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn raw_prints_payloads_only_escaped_unless_told() {
    let images = [
        fixture("multi.png"),
        fixture("kind-vcard.png"),
        fixture("reason-control-chars.png"),
    ];
    let paths: Vec<&str> = images.iter().map(|p| p.to_str().unwrap()).collect();
    let out = inspect(&[&["--raw"], &paths[..]].concat());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(lines[0], "https://example.org/one");
    assert_eq!(
        lines[3],
        "BEGIN:VCARD\\r\\nVERSION:3.0\\r\\nFN:Alice Example\\r\\nTEL:+441234567890\\r\\nEND:VCARD"
    );
    assert!(!out.stdout.contains(&0x1b), "{text}");
    // Standard output is a pipe here: --no-escape writes the payloads as they are.
    let out = inspect(&[&["--raw", "--no-escape"], &paths[1..]].concat());
    assert!(out.stdout.starts_with(b"BEGIN:VCARD\r\nVERSION:3.0\r\n"));
    assert!(out.stdout.contains(&0x1b));
    // Secrets stay masked; binary payloads are hex.
    let out = inspect(&[
        "--raw",
        fixture("kind-wifi.png").to_str().unwrap(),
        fixture("binary.png").to_str().unwrap(),
    ]);
    let text = stdout_of(&out);
    assert!(
        text.contains("P:********") && !text.contains("PKSECRET"),
        "{text}"
    );
    assert!(text.lines().nth(1).unwrap().starts_with("89504e47"), "{text}");
    // --no-escape only with --raw; --raw and --json exclude each other.
    let url = fixture("url-ok.png");
    for args in [vec!["--no-escape"], vec!["--raw", "--json"]] {
        let mut all = args.clone();
        all.push(url.to_str().unwrap());
        assert_eq!(inspect(&all).status.code(), Some(64), "{args:?}");
    }
}

/// --json covers every input: an image without a code, or unreadable, is an object too.
#[test]
fn json_reports_images_without_codes() {
    let f = |n: &str| fixture(n).display().to_string();
    let files = [
        f("no-code.png"),
        f("corrupt.png"),
        "/nonexistent/x.png".to_string(),
        f("url-ok.png"),
    ];
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.push("--json");
    let out = inspect(&args);
    assert_eq!(out.status.code(), Some(66));
    let values: Vec<Value> = stdout_of(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(values.len(), 4, "{}", stdout_of(&out));
    assert_eq!(values[0]["status"], "no-code");
    assert_eq!(values[0]["error"], "no QR code found");
    assert_eq!(values[1]["status"], "error");
    assert!(values[1]["error"].as_str().unwrap().starts_with("corrupt image"));
    assert_eq!(values[2]["status"], "error");
    assert_eq!(values[2]["file"], "/nonexistent/x.png");
    assert_eq!(values[3]["status"], "decoded");
    // Diagnostics still go to stderr, one line each.
    assert_eq!(stderr_of(&out).lines().count(), 3, "{}", stderr_of(&out));
}

/// A PNG whose header says `w`x`h` with the given bit depth and colour type, and no pixels.
fn png_header(w: u32, h: u32, depth: u8, colour: u8) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[depth, colour, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0d".to_vec();
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    // An IDAT chunk (an empty zlib stream): readers want one before they say the size.
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
    png.extend_from_slice(&8u32.to_be_bytes());
    png.extend_from_slice(idat);
    png.extend_from_slice(&crc32(idat).to_be_bytes());
    png.extend_from_slice(b"\0\0\0\0IEND\xae\x42\x60\x82");
    png
}

/// Decompression bombs are refused from their header, with the limit they pass (issue 19).
#[test]
fn image_bombs_are_refused_before_decoding() {
    let dir = scratch();
    // A JPEG whose frame header says 16384x16384 (the small bomb of the issue).
    let mut jpeg = std::fs::read(fixture("jpeg-compressed.jpg")).unwrap();
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xff, 0xc0])
        .expect("a baseline JPEG");
    jpeg[sof + 5..sof + 7].copy_from_slice(&16_384u16.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&16_384u16.to_be_bytes());
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("bomb.jpg", jpeg, "over 40 megapixels"),
        (
            "grey-alpha.png",
            png_header(8192, 8192, 8, 4),
            "over 40 megapixels",
        ),
        ("deep.png", png_header(6000, 6000, 16, 6), "allocation limit"),
    ];
    for (name, bytes, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        for json in [false, true] {
            let mut args = vec![path.to_str().unwrap()];
            if json {
                args.push("--json");
            }
            let out = inspect(&args);
            assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
            let err = stderr_of(&out);
            assert!(
                err.contains("image too large") && err.contains(want),
                "{name}: {err}"
            );
        }
    }
}

/// zxing-cpp, the strongest open decoder, reads the same texts from the fixtures it reads.
#[test]
fn agrees_with_zxing_cpp() {
    let python = std::env::var("ZXING_CPP_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let probe = Command::new(&python)
        .args(["-c", "import zxingcpp, PIL"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("zxing-cpp (python3 -m pip install zxing-cpp pillow) not installed: comparison skipped");
        return;
    }
    let script = "import sys, json, zxingcpp\nfrom PIL import Image\nF = zxingcpp.BarcodeFormat\n\
        rs = zxingcpp.read_barcodes(Image.open(sys.argv[1]), formats=[F.QRCode, F.MicroQRCode, F.RMQRCode], \
        text_mode=zxingcpp.TextMode.Plain)\n\
        print(json.dumps(sorted(r.text for r in rs)))";
    let mut compared = 0;
    for (image, want) in payloads() {
        let out = Command::new(&python)
            .args(["-c", script])
            .arg(fixture(&image))
            .output()
            .unwrap();
        let theirs: Vec<String> = serde_json::from_slice(&out.stdout).unwrap_or_default();
        if theirs.is_empty() {
            continue;
        }
        let (found, _) = codes(&image, &["--show-secrets"]);
        let mut ours: Vec<String> = found
            .iter()
            .map(|v| v["text"].as_str().unwrap().to_string())
            .collect();
        ours.sort();
        assert_eq!(ours, theirs, "{image}");
        assert_eq!(found.len(), want.len(), "{image}");
        compared += 1;
    }
    assert!(compared >= 40, "zxing-cpp decoded only {compared} fixtures");
}

/// A FIFO where an image or a list was expected is refused at once, not waited on (issue 19).
#[test]
fn fifos_are_refused_without_blocking() {
    let dir = scratch();
    let fifo = dir.path().join("photo.png");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let image = fixture("url-ok.png");
    let run = |args: &[&std::ffi::OsStr], config: &Path| {
        privkit()
            .arg("qr-inspect")
            .args(args)
            .env("XDG_CONFIG_HOME", config)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap()
    };
    let none = Path::new("/nonexistent");
    let out = run(&["--no-default-lists".as_ref(), fifo.as_os_str()], none);
    assert_eq!(out.status.code(), Some(66), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("photo.png: is a FIFO, not a regular file"));
    let out = run(
        &[
            "--no-default-lists".as_ref(),
            "--blocklist".as_ref(),
            fifo.as_os_str(),
            image.as_os_str(),
        ],
        none,
    );
    assert_eq!(out.status.code(), Some(66), "{}", stderr_of(&out));
    assert!(stdout_of(&out).is_empty());
    // One planted in the default list directory is skipped; the run goes on.
    let lists = dir.path().join("privkit/blocklists");
    std::fs::create_dir_all(&lists).unwrap();
    Command::new("mkfifo")
        .arg(lists.join("planted.txt"))
        .status()
        .unwrap();
    std::fs::write(lists.join("real.txt"), "example.org\n").unwrap();
    let out = run(&[image.as_os_str()], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

/// An image tiled with finder patterns (tens of thousands) kept the readers busy for minutes:
/// the search is bounded, and an image it could not finish is an error, not "no code" or "ok".
#[test]
fn an_image_built_to_exhaust_the_readers_is_not_passed_as_searched() {
    let (w, h) = (1800u32, 1800u32);
    let mut pixels = vec![255u8; (w * h) as usize];
    // 7x7-module finder patterns, 2 px a module, on an 18 px grid.
    for ty in (0..h - 18).step_by(18) {
        for tx in (0..w - 18).step_by(18) {
            for my in 0..7i32 {
                for mx in 0..7i32 {
                    let ring = (mx - 3).abs().max((my - 3).abs());
                    if ring == 2 {
                        continue;
                    }
                    for dy in 0..2 {
                        for dx in 0..2 {
                            let (x, y) = (tx + 2 + 2 * mx as u32 + dx, ty + 2 + 2 * my as u32 + dy);
                            pixels[(y * w + x) as usize] = 0;
                        }
                    }
                }
            }
        }
    }
    let dir = scratch();
    let path = dir.path().join("finders.png");
    let file = std::fs::File::create(&path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.write_header().unwrap().write_image_data(&pixels).unwrap();
    let out = inspect(&[path.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("finders.png: search stopped at its time or work limit"),
        "{}",
        stderr_of(&out)
    );
    assert!(stdout_of(&out).contains("\"status\":\"error\""));
}

/// Mutated renders of the new reader paths (Micro QR, rMQR, binary payloads, several codes, a
/// tilted photo): noise, erased blocks and inverted bands in the pixels, re-encoded as valid
/// PNGs so that the readers (not the PNG checksum) meet them. Never a panic, a hang or an
/// unexpected exit code.
#[test]
fn mutated_images_never_crash_the_readers() {
    let dir = scratch();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for image in [
        "micro-qr.png",
        "rmqr.png",
        "binary.png",
        "side-by-side.png",
        "dot-modules.png",
    ] {
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(fixture(image)).unwrap(),
        ));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let (w, h) = (info.width as usize, info.height as usize);
        let channels = info.line_size / w;
        for round in 0..20 {
            let mut pixels = buf[..info.buffer_size()].to_vec();
            for _ in 0..(1 + next() % 4) {
                let (x0, y0) = ((next() as usize) % w, (next() as usize) % h);
                let (bw, bh) = (
                    1 + (next() as usize) % (w / 4 + 1),
                    1 + (next() as usize) % (h / 4 + 1),
                );
                let mode = next() % 3;
                for y in y0..(y0 + bh).min(h) {
                    for x in x0..(x0 + bw).min(w) {
                        for c in 0..channels {
                            let p = &mut pixels[(y * w + x) * channels + c];
                            *p = match mode {
                                0 => next() as u8,
                                1 => 255,
                                _ => !*p,
                            };
                        }
                    }
                }
            }
            let path = dir.path().join(format!("{round}-{image}"));
            let file = std::fs::File::create(&path).unwrap();
            let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
            encoder.set_color(info.color_type);
            encoder.set_depth(info.bit_depth);
            encoder.write_header().unwrap().write_image_data(&pixels).unwrap();
            let out = privkit()
                .args(["qr-inspect", "--no-default-lists", "--json"])
                .arg(&path)
                .timeout(std::time::Duration::from_secs(60))
                .output()
                .unwrap();
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 1 | 2 | 4 | 65)),
                "{image} round {round}: {code:?} {}",
                stderr_of(&out)
            );
            assert!(!stderr_of(&out).contains("panicked"), "{image} round {round}");
            for line in stdout_of(&out).lines() {
                serde_json::from_str::<Value>(line).unwrap();
            }
        }
    }
}
