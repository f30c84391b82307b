//! The clap definitions of `privkit` itself and of each applet as run: shared by the dispatcher
//! and by the man page and completion generator, so the docs describe exactly what runs.

use clap::{Arg, ArgAction, Command};

use crate::applets::{Applet, APPLETS};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

const ABOUT: &str = "A privacy toolkit for hardened Linux machines, in one binary";

const AFTER_HELP: &str = "\
Run an applet as `privkit APPLET ...`, or through a link named after it (`privkit --install \
/usr/local/bin`, then `machine-id show`). `privkit APPLET --help` describes each.

Exit codes:
  0   done, nothing to report
  1   done, findings (metadata present with --check, a failed check, ...)
  2   done, something was blocked
  4   nothing found to act on
  64  usage error
  65  input is corrupt or of an unsupported format
  66  input missing or unreadable
  69  service or device unavailable
  73  output cannot be created
  74  I/O error
  77  permission denied, wrong password or key

With several inputs the most severe code wins.";

/// An applet's command as it runs: its own definition plus the version.
pub fn applet_command(applet: &Applet) -> Command {
    (applet.command)().version(VERSION)
}

/// `privkit` with its own flags and every applet as a subcommand.
pub fn command() -> Command {
    Command::new("privkit")
        .version(VERSION)
        .about(ABOUT)
        .after_help(AFTER_HELP)
        .override_usage(
            "privkit APPLET [ARGS]...\n       APPLET [ARGS]...      (through a link named after it)\n       \
             privkit --list\n       privkit --install [--symlink|--hardlink] [--force] DIR",
        )
        .disable_help_subcommand(true)
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
            Arg::new("force")
                .long("force")
                .short('f')
                .action(ArgAction::SetTrue)
                .requires("install")
                .help("With --install, replace files that are not links to privkit"),
        )
        .subcommands(APPLETS.iter().map(applet_command))
}
