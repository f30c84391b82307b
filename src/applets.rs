//! The one table of applets. `--list`, `--install`, symlink dispatch, man pages and
//! completions are all derived from it: adding an applet is one crate plus one line here.

use clap::{ArgMatches, Command};
use privkit_core::{Error, Outcome};

pub struct Applet {
    /// The name typed after `privkit`, and the name of its symlink.
    pub name: &'static str,
    /// Its clap definition: flags, help, examples. Pure: builds, never runs.
    pub command: fn() -> Command,
    /// Runs it on parsed arguments; returns instead of exiting.
    pub run: fn(&ArgMatches) -> Result<Outcome, Error>,
}

/// Every applet privkit has, built in or not: a name here that is missing from [`APPLETS`] was
/// left out by its cargo feature, and the dispatcher says so instead of "unknown applet".
pub const ALL_NAMES: &[&str] = &["kdbx-audit", "machine-id", "macrand", "mat-strip", "qr-inspect"];

/// The applets built into this binary, sorted by name (a test checks it). Each is behind the
/// cargo feature of its name (all on by default), so a small image can ship only what it uses.
pub const APPLETS: &[Applet] = &[
    #[cfg(feature = "kdbx-audit")]
    Applet {
        name: privkit_kdbx_audit::APPLET,
        command: privkit_kdbx_audit::command,
        run: privkit_kdbx_audit::run,
    },
    #[cfg(feature = "machine-id")]
    Applet {
        name: privkit_machine_id::APPLET,
        command: privkit_machine_id::command,
        run: privkit_machine_id::run,
    },
    #[cfg(feature = "macrand")]
    Applet {
        name: privkit_macrand::APPLET,
        command: privkit_macrand::command,
        run: privkit_macrand::run,
    },
    #[cfg(feature = "mat-strip")]
    Applet {
        name: privkit_mat_strip::APPLET,
        command: privkit_mat_strip::command,
        run: privkit_mat_strip::run,
    },
    #[cfg(feature = "qr-inspect")]
    Applet {
        name: privkit_qr_inspect::APPLET,
        command: privkit_qr_inspect::command,
        run: privkit_qr_inspect::run,
    },
];

pub fn find(name: &str) -> Option<&'static Applet> {
    APPLETS.iter().find(|a| a.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_named_right() {
        for pair in APPLETS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
        for applet in APPLETS {
            let cmd = (applet.command)();
            assert_eq!(cmd.get_name(), applet.name);
            assert!(cmd.get_about().is_some(), "{} has no summary", applet.name);
            cmd.debug_assert();
        }
    }

    #[test]
    fn the_table_follows_the_enabled_features() {
        let enabled: Vec<&str> = ALL_NAMES
            .iter()
            .copied()
            .filter(|name| match *name {
                "kdbx-audit" => cfg!(feature = "kdbx-audit"),
                "machine-id" => cfg!(feature = "machine-id"),
                "macrand" => cfg!(feature = "macrand"),
                "mat-strip" => cfg!(feature = "mat-strip"),
                "qr-inspect" => cfg!(feature = "qr-inspect"),
                other => panic!("{other} has no feature"),
            })
            .collect();
        let built: Vec<&str> = APPLETS.iter().map(|a| a.name).collect();
        assert_eq!(built, enabled);
    }
}
