//! Which lists are read: the ones named on the command line, then every file in the system's
//! and the user's blocklist and allowlist directories.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use privkit_core::{escape, output, Code, Error};

use crate::blocklist::{Blocklists, Loaded};
use crate::APPLET;

const SYSTEM_DIR: &str = "/etc/privkit";

pub fn load<'a>(
    blocklists: impl Iterator<Item = &'a PathBuf>,
    allowlists: impl Iterator<Item = &'a PathBuf>,
    defaults: bool,
) -> Result<Blocklists, Error> {
    let mut lists = Blocklists::default();
    // Named lists must exist: a script that passes one expects it to be used.
    for (path, allow) in blocklists
        .map(|p| (p, false))
        .chain(allowlists.map(|p| (p, true)))
    {
        let loaded = lists.load(path, allow).map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidData {
                Error::new(Code::DataErr, e.to_string()).about(path)
            } else {
                crate::input_error(path, &e)
            }
        })?;
        warn_about(path, &loaded);
    }
    if defaults {
        let dirs = [Some(PathBuf::from(SYSTEM_DIR)), user_config_dir()];
        for dir in dirs.into_iter().flatten() {
            for (sub, allow) in [("blocklists", false), ("allowlists", true)] {
                for path in files_in(&dir.join(sub)) {
                    match lists.load(&path, allow) {
                        Ok(loaded) => warn_about(&path, &loaded),
                        // A broken file in a directory is skipped, not fatal: the others still
                        // protect.
                        Err(e) => output::warn(APPLET, crate::input_error(&path, &e).context("skipped")),
                    }
                }
            }
        }
    }
    lists.finish();
    Ok(lists)
}

/// The regular, non-hidden files of a directory, sorted by name (none if it does not exist).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn warn_about(path: &Path, loaded: &Loaded) {
    let name = escape(&path.to_string_lossy()).into_owned();
    for (line, why) in &loaded.malformed {
        output::warn(APPLET, format_args!("{name}:{line}: skipped: {why}"));
    }
    let more = loaded.malformed_count - loaded.malformed.len();
    if more > 0 {
        output::warn(
            APPLET,
            format_args!("{name}: {more} more malformed lines skipped"),
        );
    }
    if loaded.rules == 0 && loaded.not_host_rules > 0 {
        output::warn(
            APPLET,
            format_args!(
                "{name}: no host rules; its {} adblock rules are about pages, not host names",
                loaded.not_host_rules
            ),
        );
    }
}

/// Where a user's own lists live: `$XDG_CONFIG_HOME/privkit` or `~/.config/privkit`.
fn user_config_dir() -> Option<PathBuf> {
    let non_empty = |v: OsString| (!v.is_empty()).then(|| PathBuf::from(v));
    std::env::var_os("XDG_CONFIG_HOME")
        .and_then(non_empty)
        .or_else(|| {
            std::env::var_os("HOME")
                .and_then(non_empty)
                .map(|h| h.join(".config"))
        })
        .map(|c| c.join("privkit"))
}
