//! `machine-id rotate`: a new id in /etc/machine-id and its D-Bus copy, all or nothing.

use std::io::Write;
use std::path::Path;

use privkit_core::atomic::AtomicFile;
use privkit_core::{output, Code, Error, Outcome};
use serde::Serialize;

use crate::cache::{self, NotWiped, Wiped};
use crate::id::MachineId;
use crate::layout::{read_small, DbusCopy, Layout};
use crate::passwd::{self, User};
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
    let id_path = layout.machine_id();
    let etc = id_path.parent().unwrap_or(Path::new("/"));
    if let Err(e) = std::fs::metadata(etc) {
        return Err(Error::reading(etc, &e));
    }
    // Resolve the users first: an unknown --user is refused before anything changes.
    let users = if opts.wipe_cache {
        Some(select_users(layout, &opts.users)?)
    } else {
        None
    };

    let old = match read_small(&id_path) {
        Ok(content) => Some(match MachineId::parse(&content) {
            Ok(id) => id.to_string(),
            Err(why) => format!("(invalid: {why})"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::reading(&id_path, &e)),
    };
    let new = loop {
        let id = MachineId::generate();
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
        let mut pending = vec![prepare(&id_path, new)?];
        if dbus_copy == Some(DbusCopy::RegularFile) {
            pending.push(prepare(&layout.dbus_machine_id(), new)?);
        }
        for file in pending {
            let dest = file.dest().to_path_buf();
            file.commit()
                .map_err(|e| Error::writing(&dest, &e).context("cannot replace"))?;
        }
    }

    let mut outcome = Outcome::OK;
    let mut caches = Vec::new();
    for user in users.unwrap_or_default() {
        match cache::wipe(&layout.root, &user, opts.dry_run) {
            Ok(w) => {
                for f in &w.failed {
                    output::warn(APPLET, format_args!("{}/{f}: not removed", w.path));
                    outcome.merge(Code::IoErr);
                }
                caches.push(w);
            }
            Err(NotWiped::Absent) => {}
            Err(NotWiped::Unsafe(why)) => output::warn(APPLET, format_args!("cache of {}: {why}", user.name)),
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

fn prepare(path: &Path, id: MachineId) -> Result<AtomicFile, Error> {
    let fail = |e: std::io::Error| Error::writing(path, &e).context("cannot replace");
    let mut file = AtomicFile::create(path).map_err(fail)?;
    file.file()
        .write_all(id.file_content().as_bytes())
        .map_err(fail)?;
    file.set_mode(0o444).map_err(fail)?;
    Ok(file)
}

fn select_users(layout: &Layout, wanted: &[&str]) -> Result<Vec<User>, Error> {
    let all = passwd::users(&layout.path("/etc/passwd"))?;
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
                    layout.path("/etc/passwd").display()
                ))
            })
        })
        .collect()
}

fn print(report: &Report, layout: &Layout, json: bool) -> Result<(), Error> {
    if json {
        return output::json_line(report);
    }
    let would = if report.dry_run { "would be " } else { "" };
    output::line(format_args!(
        "old machine-id: {}",
        report.old.as_deref().unwrap_or("(none)")
    ))?;
    output::line(format_args!(
        "new machine-id: {}{}",
        report.new,
        if report.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    ))?;
    let dbus_path = layout.dbus_machine_id();
    let dbus_line = match report.dbus {
        "updated" => format!("{would}updated"),
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
            "{}: {}{} files, {} directories, {} removed",
            privkit_core::escape(&layout.path(&c.path).display().to_string()),
            if report.dry_run { "would remove " } else { "" },
            c.files,
            c.dirs,
            human_bytes(c.bytes)
        ))?;
    }
    Ok(())
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
    use super::human_bytes;

    #[test]
    fn bytes_read_naturally() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
    }
}
