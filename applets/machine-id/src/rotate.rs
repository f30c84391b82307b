//! `machine-id rotate`: a new id in /etc/machine-id and its D-Bus copy, all or nothing.

use privkit_core::{output, Code, Error, Outcome};
use serde::Serialize;

use crate::cache::{self, NotWiped, Wiped};
use crate::id::MachineId;
use crate::layout::{DbusCopy, Layout, MAX_ID_FILE};
use crate::messages;
use crate::passwd::{self, User};
use crate::replace::Pending;
use crate::APPLET;

pub struct Options<'a> {
    pub layout: Layout,
    pub wipe_cache: bool,
    pub users: Vec<&'a str>,
    pub no_dbus: bool,
    pub dry_run: bool,
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    root: String,
    dry_run: bool,
    old: Option<String>,
    new: MachineId,
    /// What happened to the D-Bus copy: updated, symlink (left alone), missing, skipped, other.
    dbus: &'static str,
    caches: Vec<Wiped>,
}

pub fn run(opts: Options) -> Result<Outcome, Error> {
    let layout = &opts.layout;
    if layout.is_system_root() && !opts.dry_run && !rustix::process::geteuid().is_root() {
        return Err(Error::new(
            Code::NoPerm,
            "need root (write access to /etc and CAP_DAC_OVERRIDE); run as root, or give --root DIR for an image",
        ));
    }
    // Resolve the users first: an unknown --user is refused before anything changes.
    let users = if opts.wipe_cache {
        Some(select_users(layout, &opts.users)?)
    } else {
        None
    };

    // Read, write and copy under one lock on ROOT/etc: two rotations at once would otherwise
    // interleave and leave /etc/machine-id and the D-Bus copy with different ids.
    let etc = layout.lock_etc(opts.dry_run)?;
    let id_path = layout.machine_id();
    let old = match layout.read_regular(Layout::MACHINE_ID, MAX_ID_FILE) {
        Ok(file) => Some(match MachineId::parse(&file.content) {
            Ok(id) => id.to_string(),
            Err(why) => format!("(invalid: {why})"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Some(format!("(invalid: {e})")),
        Err(e) => return Err(messages::reading(&id_path, &e)),
    };
    let new = loop {
        let id = MachineId::generate()?;
        if old.as_deref() != Some(&id.to_string()) && !id.is_null() {
            break id;
        }
    };

    let dbus_copy = if opts.no_dbus {
        None
    } else {
        Some(layout.dbus_copy()?)
    };
    let dbus = match &dbus_copy {
        None => "skipped",
        Some(DbusCopy::Missing) => "missing",
        Some(DbusCopy::Symlink(_)) => "symlink",
        // A dry run must not report what it did not do: scripts read this field alone.
        Some(DbusCopy::RegularFile) if opts.dry_run => "would-update",
        Some(DbusCopy::RegularFile) => "updated",
        Some(DbusCopy::Other) => "other",
    };
    if dbus == "other" {
        output::warn(
            APPLET,
            format_args!(
                "{}: not a regular file or symlink; left alone",
                layout.dbus_machine_id().display()
            ),
        );
    }

    if !opts.dry_run {
        // Both files are fully written to temporary files before either is renamed into
        // place, so a failure (read-only /etc, full disk) changes nothing.
        let content = new.file_content();
        let etc_dir = etc.try_clone().map_err(|e| Error::writing(&id_path, &e))?;
        let mut pending = vec![Pending::write(
            etc_dir,
            "machine-id",
            id_path.clone(),
            content.as_bytes(),
            0o444,
        )?];
        if dbus_copy == Some(DbusCopy::RegularFile) {
            let shown = layout.dbus_machine_id();
            let dir = layout
                .open_dir(Layout::DBUS_DIR)
                .map_err(|e| Error::writing(&shown, &e))?;
            pending.push(Pending::write(
                dir,
                "machine-id",
                shown,
                content.as_bytes(),
                0o444,
            )?);
        }
        for file in pending {
            file.commit()?;
        }
    }
    drop(etc);

    let mut outcome = Outcome::OK;
    let mut caches = Vec::new();
    for user in users.unwrap_or_default() {
        match cache::wipe(layout.root_fd(), &user, opts.dry_run) {
            Ok(w) => {
                for f in &w.failed {
                    let what = if opts.dry_run {
                        "cannot be removed"
                    } else {
                        "not removed"
                    };
                    output::warn(APPLET, format_args!("{}/{f}: {what}", w.path));
                    outcome.merge(Code::IoErr);
                }
                caches.push(w);
            }
            Err(NotWiped::Absent) => {}
            Err(NotWiped::Unsafe(why)) => output::warn(APPLET, format_args!("cache of {}: {why}", user.name)),
            // System accounts whose home is a link (bin's /bin on merged /usr) have no cache
            // to wipe: said only when the user was named with --user.
            Err(NotWiped::LinkedHome(_)) if opts.users.is_empty() && user.is_system() => {}
            Err(NotWiped::LinkedHome(why)) => {
                output::warn(APPLET, format_args!("cache of {}: {why}", user.name))
            }
        }
    }

    let report = Report {
        root: layout.root.display().to_string(),
        dry_run: opts.dry_run,
        old,
        new,
        dbus,
        caches,
    };
    print(&report, layout, opts.json)?;
    Ok(outcome)
}

fn select_users(layout: &Layout, wanted: &[&str]) -> Result<Vec<User>, Error> {
    let all = passwd::users(layout)?;
    if wanted.is_empty() {
        let mut seen = std::collections::HashSet::new();
        return Ok(all
            .into_iter()
            .filter(|u| u.home.starts_with('/') && !u.home.trim_matches('/').is_empty())
            .filter(|u| seen.insert(u.home.clone()))
            .collect());
    }
    wanted
        .iter()
        .map(|name| {
            all.iter().find(|u| u.name == *name).cloned().ok_or_else(|| {
                Error::usage(format!(
                    "no user '{name}' in {}",
                    layout.shown("/etc/passwd").display()
                ))
            })
        })
        .collect()
}

fn print(report: &Report, layout: &Layout, json: bool) -> Result<(), Error> {
    if json {
        return output::json_line(report);
    }
    output::line(format_args!(
        "old machine-id: {}",
        report.old.as_deref().unwrap_or("(none)")
    ))?;
    output::line(format_args!(
        "new machine-id: {}{}",
        report.new,
        if report.dry_run {
            " (dry run: would update, nothing written)"
        } else {
            ""
        }
    ))?;
    let dbus_path = layout.dbus_machine_id();
    let dbus_line = match report.dbus {
        "would-update" => "would update".to_string(),
        "updated" => "updated".to_string(),
        "symlink" => "a symlink, left alone".to_string(),
        "missing" => "absent, left absent".to_string(),
        "skipped" => "skipped (--no-dbus)".to_string(),
        _ => "not a regular file, left alone".to_string(),
    };
    output::line(format_args!(
        "{}: {dbus_line}",
        privkit_core::escape(&dbus_path.display().to_string())
    ))?;
    for c in &report.caches {
        output::line(format_args!(
            "{}: {} {}, {} ({})",
            privkit_core::escape(&layout.shown(&c.path).display().to_string()),
            if report.dry_run { "would remove" } else { "removed" },
            count(c.files, "file"),
            count(c.dirs, "directory"),
            human_bytes(c.bytes)
        ))?;
    }
    Ok(())
}

/// `1 file`, `2 files`, `1 directory`, `3 directories`.
fn count(n: u64, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::{count, human_bytes};

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count(1, "file"), "1 file");
        assert_eq!(count(0, "file"), "0 files");
        assert_eq!(count(1, "directory"), "1 directory");
        assert_eq!(count(2, "directory"), "2 directories");
    }

    #[test]
    fn bytes_read_naturally() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
    }
}
