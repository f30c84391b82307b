//! The clap definitions of `privkit` itself and of each applet as run: shared by the dispatcher
//! and by the man page and completion generator, so the docs describe exactly what runs.

use clap::{Arg, ArgAction, Command};
use privkit_core::Code;

use crate::applets::{Applet, APPLETS};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

const ABOUT: &str = "A privacy toolkit for hardened Linux machines, in one binary";

const AFTER_HELP: &str = "\
Run an applet as `privkit APPLET ...`, or through a link named after it (`privkit --install \
/usr/local/bin`, then `mat-strip photo.jpg`). `privkit help APPLET` or `privkit APPLET --help` \
describes each.";

/// What every exit status means, for all applets (DESIGN's table; the values are
/// privkit_core::Code's). `--help` and every man page end with it.
pub const EXIT_STATUS: &[(Code, &str)] = &[
    (Code::Ok, "done, nothing to report"),
    (
        Code::Findings,
        "done, findings (metadata present with --check, a failed check, ...)",
    ),
    (Code::Blocked, "done, something was blocked"),
    (Code::NothingFound, "nothing found to act on"),
    (Code::Usage, "usage error"),
    (Code::DataErr, "input is corrupt or of an unsupported format"),
    (Code::NoInput, "input missing or unreadable"),
    (Code::Unavailable, "service or device unavailable"),
    (Code::Software, "internal error (a bug; please report it)"),
    (Code::CantCreate, "output cannot be created"),
    (Code::IoErr, "I/O error"),
    (Code::NoPerm, "permission denied, wrong password or key"),
];

/// The `Exit status:` block of the help texts (a heading the man page generator turns into an
/// EXIT STATUS section, and indented lines it keeps as typed).
pub fn exit_status_text() -> String {
    let mut text = String::from("Exit status:\n");
    for (code, meaning) in EXIT_STATUS {
        text.push_str(&format!("  {:<3} {meaning}\n", code.as_u8()));
    }
    text.push_str("\nWith several inputs every one is processed and the most severe code wins.");
    text
}

/// True when a help text already has its own exit status section.
pub fn has_exit_status(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("exit status") || lower.contains("exit codes")
}

/// An applet's command as it runs: its own definition plus the version, and the exit status
/// table at the end of its long help unless the applet already describes its exit codes.
pub fn applet_command(applet: &Applet) -> Command {
    let cmd = (applet.command)().version(VERSION);
    let own = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|t| t.to_string());
    match own {
        Some(text) if has_exit_status(&text) => cmd,
        Some(text) => cmd.after_long_help(format!("{text}\n\n{}", exit_status_text())),
        None => cmd.after_long_help(exit_status_text()),
    }
}

/// `privkit` with its own flags and every applet as a subcommand.
pub fn command() -> Command {
    Command::new("privkit")
        .version(VERSION)
        .about(ABOUT)
        .after_help(format!("{AFTER_HELP}\n\n{}", exit_status_text()))
        .override_usage(
            "privkit APPLET [ARGS]...\n       APPLET [ARGS]...      (through a link named after it)\n       \
             privkit help [APPLET]\n       privkit --list\n       \
             privkit --install [--symlink|--hardlink] [--force] [--man MANDIR] DIR",
        )
        .subcommand_help_heading("Applets")
        .subcommand_value_name("APPLET")
        .args_conflicts_with_subcommands(true)
        .arg(
            Arg::new("list")
                .long("list")
                .action(ArgAction::SetTrue)
                .conflicts_with("install")
                .help("Print the applet names, one per line"),
        )
        .arg(
            Arg::new("install")
                .long("install")
                .action(ArgAction::SetTrue)
                .requires("dir")
                .help("Create a link named after each applet in DIR"),
        )
        .arg(
            Arg::new("dir")
                .value_name("DIR")
                .value_parser(clap::value_parser!(std::path::PathBuf))
                .requires("install")
                .help("Where --install puts the links (e.g. /usr/local/bin)"),
        )
        .arg(
            Arg::new("symlink")
                .long("symlink")
                .short('s')
                .action(ArgAction::SetTrue)
                .requires("install")
                .conflicts_with("hardlink")
                .help("With --install, make symbolic links (the default)"),
        )
        .arg(
            Arg::new("hardlink")
                .long("hardlink")
                .action(ArgAction::SetTrue)
                .requires("install")
                .help("With --install, make hard links"),
        )
        .arg(
            Arg::new("man")
                .long("man")
                .value_name("MANDIR")
                .value_parser(clap::value_parser!(std::path::PathBuf))
                .value_hint(clap::ValueHint::DirPath)
                .requires("install")
                .help(
                    "With --install, also write the man pages into MANDIR (a man1 directory, \
                     e.g. /usr/local/share/man/man1), one per applet name too",
                ),
        )
        .arg(
            Arg::new("force")
                .long("force")
                .short('f')
                .action(ArgAction::SetTrue)
                .requires("install")
                .help("With --install, replace files that are not links to privkit (or its pages)"),
        )
        .subcommands(APPLETS.iter().map(applet_command))
}
