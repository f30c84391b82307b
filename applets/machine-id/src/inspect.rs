//! `machine-id show` and `machine-id check`: read-only looks at the id and its D-Bus copy.

use std::io;

use privkit_core::{escape, output, Code, Error, Outcome};
use serde::Serialize;

use crate::id::MachineId;
use crate::layout::{DbusCopy, Layout, MAX_ID_FILE};
use crate::messages;

#[derive(Serialize)]
struct Shown {
    path: String,
    machine_id: MachineId,
    dbus: DbusState,
}

#[derive(Serialize)]
struct DbusState {
    path: String,
    /// missing, symlink, file or other
    kind: &'static str,
    /// The symlink's target as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    /// The id the D-Bus copy holds (for a symlink, the id of the file it points to).
    #[serde(skip_serializing_if = "Option::is_none")]
    machine_id: Option<String>,
}

pub fn show(layout: &Layout, json: bool) -> Result<Outcome, Error> {
    let path = layout.machine_id();
    let file = layout
        .read_regular(Layout::MACHINE_ID, MAX_ID_FILE)
        .map_err(|e| messages::reading(&path, &e))?;
    let id = MachineId::parse(&file.content)
        .map_err(|why| Error::data(format!("not a valid machine id: {why}")).about(&path))?;
    if json {
        let dbus = dbus_state(layout)?;
        output::json_line(&Shown {
            path: path.display().to_string(),
            machine_id: id,
            dbus,
        })?;
    } else {
        output::line(id)?;
    }
    Ok(Outcome::OK)
}

#[derive(Serialize)]
struct Checked {
    path: String,
    ok: bool,
    problems: Vec<String>,
}

pub fn check(layout: &Layout, json: bool) -> Result<Outcome, Error> {
    let path = layout.machine_id();
    // A shared lock: a rotation running now finishes first, so both files are seen together.
    let _lock = layout.lock_etc(true).ok();
    let mut problems = Vec::new();
    let mut id = None;
    match layout.read_regular(Layout::MACHINE_ID, MAX_ID_FILE) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            problems.push(format!("{}: missing", path.display()))
        }
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            problems.push(format!("{}: {}", path.display(), messages::reason(&e)))
        }
        Err(e) => return Err(messages::reading(&path, &e)),
        Ok(file) => {
            match MachineId::parse(&file.content) {
                Err(why) => problems.push(format!("{}: {why}", path.display())),
                Ok(parsed) if parsed.is_null() => problems.push(format!("{}: all zeros", path.display())),
                Ok(parsed) => id = Some(parsed),
            }
            if file.mode != 0o444 {
                problems.push(format!(
                    "{}: mode is {:04o}, should be 0444",
                    path.display(),
                    file.mode
                ));
            }
        }
    }
    let dbus = dbus_state(layout)?;
    if let (Some(id), Some(copy)) = (id, dbus.machine_id.as_deref()) {
        if copy != id.to_string() {
            let how = if dbus.kind == "symlink" {
                "points to a file holding"
            } else {
                "holds"
            };
            problems.push(format!("{}: {how} {copy}, not the machine id {id}", dbus.path));
        }
    } else if dbus.kind == "symlink" && dbus.machine_id.is_none() {
        problems.push(format!(
            "{}: dangling symlink to {}",
            dbus.path,
            dbus.target.as_deref().unwrap_or("?")
        ));
    } else if dbus.kind == "file" && dbus.machine_id.is_none() {
        problems.push(format!("{}: not a valid machine id", dbus.path));
    } else if dbus.kind == "other" {
        problems.push(format!("{}: neither a file nor a symlink", dbus.path));
    }

    let ok = problems.is_empty();
    if json {
        output::json_line(&Checked {
            path: path.display().to_string(),
            ok,
            problems: problems.clone(),
        })?;
    } else if ok {
        output::line(format_args!("{}: ok", escape(&path.display().to_string())))?;
    } else {
        for p in &problems {
            output::line(escape(p))?;
        }
    }
    Ok(Outcome::new(if ok { Code::Ok } else { Code::Findings }))
}

fn dbus_state(layout: &Layout) -> Result<DbusState, Error> {
    let path = layout.dbus_machine_id();
    let copy = layout.dbus_copy()?;
    // A symlink is followed inside the root, as the system inside sees it.
    let read_id = || -> Option<String> {
        layout
            .read_regular(Layout::DBUS_MACHINE_ID, MAX_ID_FILE)
            .ok()
            .and_then(|f| MachineId::parse(&f.content).ok())
            .map(|id| id.to_string())
    };
    let (kind, target, machine_id) = match copy {
        DbusCopy::Missing => ("missing", None, None),
        DbusCopy::Other => ("other", None, None),
        DbusCopy::RegularFile => ("file", None, read_id()),
        DbusCopy::Symlink(target) => ("symlink", Some(target.display().to_string()), read_id()),
    };
    Ok(DbusState {
        path: path.display().to_string(),
        kind,
        target,
        machine_id,
    })
}
