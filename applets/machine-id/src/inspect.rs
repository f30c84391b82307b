//! `machine-id show` and `machine-id check`: read-only looks at the id and its D-Bus copy.

use std::io;
use std::os::unix::fs::PermissionsExt;

use privkit_core::{escape, output, Code, Error, Outcome};
use serde::Serialize;

use crate::id::MachineId;
use crate::layout::{read_small, DbusCopy, Layout};

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
    let content = read_small(&path).map_err(|e| Error::reading(&path, &e))?;
    let id = MachineId::parse(&content)
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
    let mut problems = Vec::new();
    let mut id = None;
    match read_small(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            problems.push(format!("{}: missing", path.display()))
        }
        Err(e) => return Err(Error::reading(&path, &e)),
        Ok(content) => match MachineId::parse(&content) {
            Err(why) => problems.push(format!("{}: {why}", path.display())),
            Ok(parsed) if parsed.is_null() => problems.push(format!("{}: all zeros", path.display())),
            Ok(parsed) => id = Some(parsed),
        },
    }
    if let Ok(meta) = std::fs::metadata(&path) {
        let mode = meta.permissions().mode() & 0o7777;
        if mode != 0o444 {
            problems.push(format!("{}: mode is {mode:04o}, should be 0444", path.display()));
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
    let read_id = |p: &std::path::Path| -> Option<String> {
        read_small(p)
            .ok()
            .and_then(|c| MachineId::parse(&c).ok())
            .map(|id| id.to_string())
    };
    let (kind, target, machine_id) = match copy {
        DbusCopy::Missing => ("missing", None, None),
        DbusCopy::Other => ("other", None, None),
        DbusCopy::RegularFile => ("file", None, read_id(&path)),
        DbusCopy::Symlink(target) => {
            let resolved = layout.resolve_link_target(&path, &target);
            ("symlink", Some(target.display().to_string()), read_id(&resolved))
        }
    };
    Ok(DbusState {
        path: path.display().to_string(),
        kind,
        target,
        machine_id,
    })
}
