//! privkit machine-id: rotate /etc/machine-id (and the D-Bus copy) atomically, wipe caches.
//!
//! The id in /etc/machine-id is a stable, unique identifier that many programs read and some
//! send away (it links a machine's activity over time). Rotating it now and then, at shutdown,
//! breaks that link.

mod beneath;
mod cache;
mod id;
mod inspect;
mod layout;
mod messages;
mod passwd;
mod replace;
mod rotate;

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use privkit_core::{output, Error, Outcome};

pub use id::MachineId;

/// The applet's name, as typed and as used in diagnostics.
pub const APPLET: &str = "machine-id";

const ABOUT: &str = "Rotate /etc/machine-id and its D-Bus copy atomically, wipe caches";

const AFTER_HELP: &str = "\
What a rotation affects:
systemd-journald keeps the journal in /var/log/journal/MACHINE-ID/: after a rotation new \
entries go to a new directory and `journalctl` shows the old ones only with --directory or \
--merge. D-Bus reads the id at start-up (a running bus keeps the old one until it restarts). \
DHCP clients may derive their DUID/IAID from it, so the network may hand out a new lease. \
Software that keys licences or device registrations on the id (some proprietary agents, \
Chromium's and Firefox's telemetry, systemd-networkd's stable MAC addresses) sees a new \
machine.

Why at shutdown:
Programs read the id once and cache it; changing it while they run leaves them with \
different ids. At shutdown nothing is left to read the old one, and the next boot starts with \
the new one everywhere. The privkit package installs privkit-machine-id-rotate.service, which \
rotates the id at every shutdown once enabled (extra flags such as --wipe-cache go in \
PRIVKIT_MACHINE_ID_ARGS in /etc/default/privkit-machine-id):

  sudo systemctl enable --now privkit-machine-id-rotate.service

Rotating while running:
A rotation at any other time (the example join-public-network.sh, in \
/usr/share/doc/privkit/examples/, does it before joining a public network) gives every program \
started afterwards the new id at once, but the ones already running (D-Bus, the journal, \
browsers) keep the old one until they restart: that is the trade-off. For a clean break, \
rotate at shutdown (the unit above) and reboot.

Concurrent runs:
Rotations of one root are serialised by a lock on its /etc, so /etc/machine-id and the D-Bus \
copy always hold the same id.

With --root:
Every path is resolved inside DIR (openat2 with RESOLVE_IN_ROOT, or component by component on \
kernels without it): links, absolute or with .., are followed as the system inside DIR would \
follow them, never out of it, so an image mounted at /mnt/image works as it is.

Examples:
  privkit machine-id show
  privkit machine-id check && echo consistent
  sudo privkit machine-id rotate --wipe-cache
  privkit machine-id rotate --root /mnt/image --dry-run --json

Exit status:
  0   done; check: the id is valid, mode 0444, the D-Bus copy consistent
  1   check: a problem was found (one line each)
  64  usage error
  65  show: the file holds no valid id
  66  --root, /etc or /etc/machine-id missing, or not a regular file (a FIFO, a device)
  73  a file cannot be created
  74  I/O error: read-only filesystem, full disk, failed random source
  77  permission denied (run as root)";

const ROTATE_EXIT: &str = "\
Exit status:
  0   done (with --dry-run: nothing written)
  64  usage error (an unknown --user)
  66  --root, /etc or /etc/machine-id missing, or not a regular file (a FIFO, a device)
  73  a file cannot be created
  74  I/O error: read-only filesystem, full disk, failed random source, a cache entry not removed
  77  permission denied (run as root)";

const SHOW_EXIT: &str = "\
Exit status:
  0   the id was printed
  65  the file holds no valid id
  66  --root or /etc/machine-id missing, or not a regular file (a FIFO, a device)
  77  permission denied (run as root)";

const CHECK_EXIT: &str = "\
Exit status:
  0   the id is valid, not all zeros, mode 0444, and the D-Bus copy holds the same id
  1   a problem was found (one line each)
  66  --root missing, or /etc/machine-id not a regular file
  77  permission denied (run as root)";

const NEW_EXIT: &str = "\
Exit status:
  0   an id was printed
  74  the system's random source failed";

pub fn command() -> Command {
    let root = Arg::new("root")
        .long("root")
        .value_name("DIR")
        .value_parser(clap::value_parser!(PathBuf))
        .help("Act on the system image under DIR instead of /");
    let json = Arg::new("json")
        .long("json")
        .action(ArgAction::SetTrue)
        .global(true)
        .help("Print one JSON object instead of text");
    Command::new(APPLET)
        .about(ABOUT)
        .after_long_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(json)
        .subcommand(
            Command::new("rotate")
                .about("Write a new random id to /etc/machine-id and the D-Bus copy")
                .after_long_help(ROTATE_EXIT)
                .long_about(
                    "Write a new random id (128 bits, version-4/variant bits set as systemd-id128 new \
                     does) to ROOT/etc/machine-id, mode 0444, atomically: temporary file, fsync, \
                     rename, fsync of the directory. A regular ROOT/var/lib/dbus/machine-id gets the \
                     same id; a symlink there is left alone, a missing one stays missing. Prints the \
                     old and the new id.",
                )
                .arg(root.clone())
                .arg(
                    Arg::new("wipe-cache")
                        .long("wipe-cache")
                        .action(ArgAction::SetTrue)
                        .help("Also empty ~/.cache of root and of every user in ROOT/etc/passwd"),
                )
                .arg(
                    Arg::new("user")
                        .long("user")
                        .value_name("NAME")
                        .action(ArgAction::Append)
                        .requires("wipe-cache")
                        .help("With --wipe-cache, only this user's cache (repeatable)"),
                )
                .arg(
                    Arg::new("no-dbus")
                        .long("no-dbus")
                        .action(ArgAction::SetTrue)
                        .help("Leave ROOT/var/lib/dbus/machine-id alone"),
                )
                .arg(
                    Arg::new("dry-run")
                        .long("dry-run")
                        .short('n')
                        .action(ArgAction::SetTrue)
                        .help("Say what would be done, change nothing"),
                ),
        )
        .subcommand(
            Command::new("show")
                .about("Print the current machine id")
                .after_long_help(SHOW_EXIT)
                .arg(root.clone()),
        )
        .subcommand(
            Command::new("check")
                .about("Check the id: format, not all zeros, mode 0444, D-Bus copy consistent (exit 1 on a problem)")
                .after_long_help(CHECK_EXIT)
                .arg(root),
        )
        .subcommand(
            Command::new("new")
                .about("Print a fresh random id; write nothing")
                .after_long_help(NEW_EXIT),
        )
}

pub fn run(matches: &ArgMatches) -> Result<Outcome, Error> {
    let json = matches.get_flag("json");
    let (sub, args) = matches
        .subcommand()
        .ok_or_else(|| Error::usage("a subcommand is required"))?;
    let layout = || layout::Layout::new(args.get_one::<PathBuf>("root").map(PathBuf::as_path));
    match sub {
        "rotate" => rotate::run(rotate::Options {
            layout: layout()?,
            wipe_cache: args.get_flag("wipe-cache"),
            users: args
                .get_many::<String>("user")
                .map(|v| v.map(String::as_str).collect())
                .unwrap_or_default(),
            no_dbus: args.get_flag("no-dbus"),
            dry_run: args.get_flag("dry-run"),
            json,
        }),
        "show" => inspect::show(&layout()?, json),
        "check" => inspect::check(&layout()?, json),
        "new" => {
            let id = MachineId::generate()?;
            if json {
                output::json_line(&serde_json::json!({ "machine_id": id }))?;
            } else {
                output::line(id)?;
            }
            Ok(Outcome::OK)
        }
        other => Err(Error::usage(format!("unknown subcommand '{other}'"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_is_consistent() {
        super::command().debug_assert();
    }
}
