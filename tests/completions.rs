//! The committed completions, installed where the .deb puts them, driven in bash, zsh and fish
//! non-interactively (issue 20): `mat-strip <TAB>` completes under the applet's own name, files
//! for mat-strip and qr-inspect, `*.kdbx` for kdbx-audit, interface names for macrand, and
//! `machine-id rotate --<TAB>` its flags. A shell that is not installed is skipped, except in CI
//! (`.ci/run` installs all three).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The names completions exist for in this build: privkit and each applet it holds.
fn commands() -> Vec<String> {
    let out = privkit().arg("--list").output().unwrap();
    let mut names = vec!["privkit".to_string()];
    names.extend(stdout_of(&out).lines().map(str::to_string));
    names
}

/// A scratch tree: `share/` laid out as the .deb installs the completions (the files found
/// under their Debian paths, by each shell's own lookup), and `work/` with files to complete.
struct Setup {
    _dir: tempfile::TempDir,
    share: PathBuf,
    work: PathBuf,
    /// privkit and a link per applet, first on PATH (fish loads completions for commands that
    /// exist only).
    bin: PathBuf,
}

fn setup() -> Setup {
    let dir = scratch();
    let share = dir.path().join("share");
    let work = dir.path().join("work");
    for (shell, dest, file) in [
        ("bash", "bash-completion/completions", "{}.bash"),
        ("zsh", "zsh/vendor-completions", "_{}"),
        ("fish", "fish/vendor_completions.d", "{}.fish"),
    ] {
        fs::create_dir_all(share.join(dest)).unwrap();
        for name in commands() {
            let file = file.replace("{}", &name);
            fs::copy(
                repo("completions").join(shell).join(&file),
                share.join(dest).join(&file),
            )
            .unwrap_or_else(|e| panic!("completions/{shell}/{file}: {e}"));
        }
    }
    let bin = dir.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    for name in commands() {
        std::os::unix::fs::symlink(crate::common::BIN, bin.join(name)).unwrap();
    }
    fs::create_dir_all(work.join("sub")).unwrap();
    for f in ["test.jpg", "test.png", "db.kdbx", "notes.txt"] {
        fs::write(work.join(f), b"x").unwrap();
    }
    Setup {
        _dir: dir,
        share,
        work,
        bin,
    }
}

/// Whether a shell can be used; in CI a missing one is a failure.
fn shell_available(shell: &str) -> bool {
    if have(shell) {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{shell} is not installed (.ci/run installs it)"
    );
    eprintln!("skipped: {shell} is not installed");
    false
}

/// bash: bash-completion's own loader finds the file by command name, then the completion
/// function runs with the COMP_* variables bash would set.
const BASH: &str = r#"
if [ -r /usr/share/bash-completion/bash_completion ]; then
    source /usr/share/bash-completion/bash_completion
    __load_completion "$1" || exit 3
else
    source "$XDG_DATA_DIRS/bash-completion/completions/$1.bash"
fi
spec=$(complete -p "$1") || exit 4
fn=${spec#*-F }; fn=${fn%% *}
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

/// zsh: an interactive zsh on a pseudo-terminal (zpty) types the line and a TAB; compadd is
/// wrapped to print every candidate it is given. The TAB key runs a widget that completes and
/// then prints an end marker, so the output is read up to it (no sleeping).
const ZSH: &str = r#"
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "PROMPT=; RPROMPT=; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() { local -a __h; builtin compadd -A __h "$@"; (( $#__h )) && print -rl -- "<M"">"${^__h}"</M"">"; builtin compadd "$@" }'
zpty -w z 'zstyle ":completion:*" menu no; LISTMAX=100000'
zpty -w z '_cap() { zle complete-word; print -r -- "<D""ONE>" }; zle -N _cap; bindkey "^I" _cap'
zpty -w -n z "$2"$'\t'
out=""
while zpty -r z line; do out+=$line; [[ $line == *'<DONE>'* ]] && break; done
zpty -d z
print -r -- ${(F)${(M)${(s:<M>:)out}:#*</M>*}%%</M>*}
"#;

fn run(mut cmd: Command, what: &str) -> Vec<String> {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{what}: {}", stderr_of(&out));
    let mut words: Vec<String> = stdout_of(&out)
        .lines()
        .map(|l| {
            l.split('\t')
                .next()
                .unwrap_or("")
                .trim_end_matches('/')
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.sort();
    words.dedup();
    words
}

fn complete(shell: &str, s: &Setup, line: &str) -> Vec<String> {
    let mut cmd = Command::new(shell);
    let path = format!(
        "{}:{}",
        s.bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.current_dir(&s.work)
        .env("XDG_DATA_DIRS", &s.share)
        .env("PATH", path);
    match shell {
        "bash" => {
            let mut words: Vec<&str> = line.split(' ').collect();
            if line.ends_with(' ') {
                words.pop();
                words.push("");
            }
            cmd.arg("-c").arg(BASH).arg("bash").args(words);
        }
        "zsh" => {
            cmd.arg("-f")
                .arg("-c")
                .arg(ZSH)
                .arg("zsh")
                .arg(s.share.join("zsh/vendor-completions"))
                .arg(line);
        }
        "fish" => {
            // fish's own startup (share/config.fish) adds $XDG_DATA_DIRS/fish/
            // vendor_completions.d to its search path; the user's config is kept out.
            cmd.env("XDG_CONFIG_HOME", s.work.join(".config"))
                .arg("-c")
                .arg(format!("complete -C '{line}'"));
        }
        _ => unreachable!(),
    }
    run(cmd, &format!("{shell}: {line:?}"))
}

/// (applet the case needs, line typed, candidates that must be offered, ones that must not).
const CASES: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "mat-strip",
        "mat-strip te",
        &["test.jpg", "test.png"],
        &["--inplace"],
    ),
    ("mat-strip", "mat-strip ", &["test.jpg", "sub"], &["--inplace"]),
    ("mat-strip", "mat-strip --in", &["--inplace"], &["test.jpg"]),
    ("mat-strip", "privkit mat-strip te", &["test.jpg"], &["--inplace"]),
    ("mat-strip", "privkit mat", &["mat-strip"], &[]),
    ("qr-inspect", "qr-inspect ", &["test.png"], &["--json"]),
    (
        "kdbx-audit",
        "kdbx-audit ",
        &["db.kdbx", "sub"],
        &["notes.txt", "--json"],
    ),
    ("kdbx-audit", "privkit kdbx-audit ", &["db.kdbx"], &["notes.txt"]),
    ("macrand", "macrand ", &["lo"], &["notes.txt", "--all"]),
    ("macrand", "privkit macrand l", &["lo"], &[]),
    (
        "machine-id",
        "machine-id rotate --",
        &["--dry-run", "--root"],
        &[],
    ),
    ("machine-id", "privkit machine-id rotate --", &["--dry-run"], &[]),
    ("machine-id", "machine-id ", &["rotate", "show"], &[]),
];

fn check_shell(shell: &str) {
    if !shell_available(shell) {
        return;
    }
    let s = setup();
    let built = commands();
    let mut failures = Vec::new();
    for (applet, line, want, unwanted) in CASES {
        if !built.iter().any(|b| b == applet) {
            continue;
        }
        let got = complete(shell, &s, line);
        let missing: Vec<&&str> = want.iter().filter(|w| !got.iter().any(|g| g == *w)).collect();
        let extra: Vec<&&str> = unwanted.iter().filter(|u| got.iter().any(|g| g == *u)).collect();
        if !missing.is_empty() || !extra.is_empty() {
            failures.push(format!(
                "{line:?}: missing {missing:?}, unwanted {extra:?}, got {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{shell}:\n{}", failures.join("\n"));
}

#[test]
fn bash_completes_under_every_name() {
    check_shell("bash");
}

#[test]
fn zsh_completes_under_every_name() {
    check_shell("zsh");
}

#[test]
fn fish_completes_under_every_name() {
    check_shell("fish");
}
