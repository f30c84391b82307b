//! privkit kdbx-audit: reused, weak, breached and expired passwords in a KeePass database,
//! reported without ever printing a secret.

mod entries;
mod findings;
mod header;
mod hibp;
mod input;
mod kdf;
mod keyfile;
mod open;
mod strength;

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use open::Password;
use privkit_core::secret::Source;
use privkit_core::{escape, output, Code, Error, Outcome};
use serde::Serialize;

use findings::Finding;

pub const APPLET: &str = "kdbx-audit";

#[doc(hidden)]
pub use open::fuzz_open;

/// The systemd credential holding the database password (LoadCredential= or
/// LoadCredentialEncrypted= in the unit), read when the unit's credentials directory has it.
const CREDENTIAL: &str = "kdbx-audit-password";

const AFTER_HELP: &str = "\
The password is read from the terminal without echo, as one line from standard input with \
--password-stdin, or as the first line of --password-file FILE (which must not be readable by \
group or others, else exit 77); never from the command line or the environment. Under systemd, \
the credential kdbx-audit-password ($CREDENTIALS_DIRECTORY/kdbx-audit-password, from \
LoadCredential= or LoadCredentialEncrypted=) is used when present; an empty one means the key \
file alone opens the database. Without a terminal and \
without another source the audit stops (exit 64) instead of waiting.

Key files are read as KeePass reads them: XML (versions 1.0 and 2.0, whose hash is checked), \
32 bytes, 64 hex digits, or any other file hashed whole (at most 64 MiB; devices and FIFOs are \
refused). A database whose key derivation would take more than --max-kdf-seconds here, or \
whose Argon2 memory is more than half the available memory, is refused (exit 65) before any \
work.

Findings: reused (two or more entries with exactly the same password), weak (zxcvbn score \
below --min-score), pwned (in an offline Have I Been Pwned SHA-1 file), expired, \
insecure-url (http://; a password in the URL is shown as ***), empty. Entries in the recycle \
bin, history versions and entries excluded from reports (KeePassXC 2.7 and KeePass 2.48 write \
QualityCheck False, older KeePassXC the custom data KnownBad) are skipped \
unless asked for; the summary counts the excluded ones. The HIBP file may be ordered by hash \
(searched) or by prevalence (detected, then read once from start to end).

Exit codes: 0 no findings, 1 findings, 64 usage, 65 corrupt, tampered or unsupported file \
(KeePass 1.x included; the version is named), damaged or malformed key file, refused key \
derivation parameters, 66 missing file, 77 wrong password or key file, or a password file \
others can read.

Examples:
  privkit kdbx-audit ~/Passwords.kdbx
  privkit kdbx-audit --keyfile ~/.keys/db.key --no-password db.kdbx
  pass-from-vault | privkit kdbx-audit --password-stdin --json db.kdbx | jq .findings
  privkit kdbx-audit --password-file ~/.config/kdbx-pass db.kdbx
  privkit kdbx-audit --hibp pwned-passwords-sha1-ordered-by-hash-v8.txt db.kdbx

JSON (--json) is one document: database, entries (how many were audited), excluded (entries \
left out as excluded from reports), findings (a list of {kind, entry or entries, and \
score/feedback, count, expired or url}).";

pub fn command() -> Command {
    Command::new(APPLET)
        .about("Find reused, weak, breached and expired passwords in a KeePass database")
        .after_long_help(AFTER_HELP)
        .arg(
            Arg::new("database")
                .value_name("DATABASE.kdbx")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("The KeePass database (KDBX 3.1 or 4)"),
        )
        .arg(
            Arg::new("keyfile")
                .long("keyfile")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Key file, alone (with --no-password) or with the password"),
        )
        .arg(
            Arg::new("no-password")
                .long("no-password")
                .action(ArgAction::SetTrue)
                .requires("keyfile")
                .conflicts_with_all(["password-stdin", "password-file"])
                .help("The database is locked by the key file only"),
        )
        .arg(
            Arg::new("password-file")
                .long("password-file")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .conflicts_with("password-stdin")
                .help("Read the password from the first line of FILE (mode 600 or stricter)"),
        )
        .arg(
            Arg::new("password-stdin")
                .long("password-stdin")
                .action(ArgAction::SetTrue)
                .help("Read the password as one line from standard input"),
        )
        .arg(
            Arg::new("min-score")
                .long("min-score")
                .value_name("N")
                .default_value("3")
                .value_parser(clap::value_parser!(u8).range(0..=4))
                .help("Report passwords whose zxcvbn score (0-4) is below N"),
        )
        .arg(
            Arg::new("hibp")
                .long("hibp")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Offline Have I Been Pwned file (SHA1HEX:COUNT lines, by hash or by prevalence)"),
        )
        .arg(
            Arg::new("include-recycle-bin")
                .long("include-recycle-bin")
                .action(ArgAction::SetTrue)
                .help("Audit the entries in the recycle bin too"),
        )
        .arg(
            Arg::new("include-excluded")
                .long("include-excluded")
                .action(ArgAction::SetTrue)
                .help("Audit entries excluded from reports in KeePassXC too"),
        )
        .arg(
            Arg::new("max-kdf-seconds")
                .long("max-kdf-seconds")
                .value_name("N")
                .default_value("10")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("Refuse databases whose key derivation would take longer than N seconds here"),
        )
        .arg(
            Arg::new("include-history")
                .long("include-history")
                .action(ArgAction::SetTrue)
                .help("Audit history versions too (labelled with their date)"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Print one JSON document"),
        )
}

#[derive(Serialize)]
struct Report<'a> {
    database: String,
    entries: usize,
    excluded: usize,
    findings: &'a [Finding],
}

pub fn run(m: &ArgMatches) -> Result<Outcome, Error> {
    let path = m
        .get_one::<PathBuf>("database")
        .ok_or_else(|| Error::usage("no database given"))?;
    let credential = std::env::var_os("CREDENTIALS_DIRECTORY")
        .map(|dir| PathBuf::from(dir).join(CREDENTIAL))
        .filter(|p| p.exists());
    let password = if m.get_flag("no-password") {
        Password::None
    } else if m.get_flag("password-stdin") {
        Password::Prompt(Source::Stdin)
    } else if let Some(file) = m.get_one::<PathBuf>("password-file") {
        Password::File(file.clone())
    } else if let Some(file) = credential {
        Password::Credential(file)
    } else {
        Password::Prompt(Source::Terminal)
    };
    // The HIBP file is checked before the password is asked for.
    let hibp = m
        .get_one::<PathBuf>("hibp")
        .map(|p| hibp::Hibp::open(p))
        .transpose()?;
    let key = open::KeyOptions {
        password,
        keyfile: m.get_one::<PathBuf>("keyfile").map(PathBuf::as_path),
        max_kdf_seconds: *m
            .get_one::<u64>("max-kdf-seconds")
            .unwrap_or(&kdf::DEFAULT_MAX_SECONDS),
    };
    let db = open::open(path, &key)?;
    let walk = entries::Walk {
        include_recycle_bin: m.get_flag("include-recycle-bin"),
        include_history: m.get_flag("include-history"),
        include_excluded: m.get_flag("include-excluded"),
    };
    let (items, excluded) = entries::collect(&db, &walk);
    drop(db);
    let min_score = *m.get_one::<u8>("min-score").unwrap_or(&3);
    let found = findings::audit(&items, min_score, hibp.as_ref()).map_err(|e| {
        let code = match e.kind() {
            std::io::ErrorKind::InvalidData => Code::DataErr,
            _ => Code::IoErr,
        };
        let hibp_path = m.get_one::<PathBuf>("hibp").map(PathBuf::as_path);
        let e = Error::new(
            code,
            format!("HIBP file: {}", privkit_core::error::io_message(&e)),
        );
        match hibp_path {
            Some(p) => e.about(p),
            None => e,
        }
    })?;
    let report = Report {
        database: path.display().to_string(),
        entries: items.len(),
        excluded,
        findings: &found,
    };
    drop(items); // passwords are zeroed here
    if m.get_flag("json") {
        output::json_document(&report)?;
    } else {
        print_human(&report)?;
    }
    Ok(Outcome::new(if found.is_empty() {
        Code::Ok
    } else {
        Code::Findings
    }))
}

fn print_human(r: &Report) -> Result<(), Error> {
    let n = r.findings.len();
    output::line(format_args!(
        "{}: {} entr{} audited{}, {}",
        escape(&r.database),
        r.entries,
        if r.entries == 1 { "y" } else { "ies" },
        if r.excluded == 0 {
            String::new()
        } else {
            format!(" ({} excluded from reports)", r.excluded)
        },
        if n == 0 {
            "no findings".to_string()
        } else {
            format!("{n} finding{}", if n == 1 { "" } else { "s" })
        }
    ))?;
    type Render = fn(&Finding) -> Option<String>;
    let sections: [(&str, Render); 6] = [
        (
            "Reused passwords (each line is one password shared by these entries)",
            |f| match f {
                Finding::Reused { entries } => Some(
                    entries
                        .iter()
                        .map(|e| escape(e).into_owned())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                _ => None,
            },
        ),
        ("Weak passwords (zxcvbn)", |f| match f {
            Finding::Weak {
                entry,
                score,
                feedback,
            } => Some(format!(
                "{}: score {score}/4{}{}",
                escape(entry),
                if feedback.is_empty() { "" } else { ": " },
                escape(&feedback.join(" "))
            )),
            _ => None,
        }),
        ("Breached (in the Have I Been Pwned list)", |f| match f {
            Finding::Pwned { entry, count } => Some(format!("{}: seen {count} times", escape(entry))),
            _ => None,
        }),
        ("Expired", |f| match f {
            Finding::Expired { entry, expired } => Some(format!("{}: expired {expired}", escape(entry))),
            _ => None,
        }),
        ("Insecure URLs (http://)", |f| match f {
            Finding::InsecureUrl { entry, url } => Some(format!("{}: {}", escape(entry), escape(url))),
            _ => None,
        }),
        ("Empty passwords", |f| match f {
            Finding::Empty { entry } => Some(escape(entry).into_owned()),
            _ => None,
        }),
    ];
    for (title, render) in sections {
        let lines: Vec<String> = r.findings.iter().filter_map(render).collect();
        if lines.is_empty() {
            continue;
        }
        output::line("")?;
        output::line(format_args!("{title}: {}", lines.len()))?;
        for l in lines {
            output::line(format_args!("  {l}"))?;
        }
    }
    Ok(())
}
