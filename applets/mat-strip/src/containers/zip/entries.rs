//! Zip archives as a user's files (not a document's parts): every entry with its kind (file,
//! folder, symbolic link) and Unix mode, under the same inflation bounds as documents; written
//! back in the same order with those kinds and modes, the fixed time, no comments or extra
//! fields.

use std::io::{Cursor, Read, Write};

use privkit_core::Error;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::{already_compressed, fixed_time, MAX_PART, MAX_RATIO, MAX_TOTAL};
use crate::engine::ctx::Ctx;
use crate::engine::source::Source;
use crate::engine::{summary, Found};

/// Archives hold more files than documents hold parts.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// The data is the link's target.
    Symlink,
}

pub struct Entry {
    pub name: String,
    pub kind: Kind,
    /// Permission bits (0o7777), when the archive says.
    pub mode: Option<u32>,
    pub data: Vec<u8>,
}

/// Every entry, inflated, and what the archive carried beyond them (comments, times, extra
/// fields). `kind` names the format in errors.
pub fn read_entries(src: &Source, kind: &str, cx: &mut Ctx) -> Result<(Vec<Entry>, Vec<Found>), Error> {
    let bytes = cx.read_whole(src)?;
    let corrupt = |e: zip::result::ZipError| Error::data(format!("corrupt {kind}: {e}"));
    let mut archive = ZipArchive::new(Cursor::new(&bytes[..])).map_err(corrupt)?;
    if archive.len() > MAX_ENTRIES {
        return Err(Error::data(format!(
            "{kind}: {} entries (more than {MAX_ENTRIES})",
            archive.len()
        )));
    }
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(corrupt)?;
        declared = declared.saturating_add(entry.size().min(MAX_PART));
    }
    cx.charge(declared.min(MAX_TOTAL))?;
    let mut found = Vec::new();
    if !archive.comment().is_empty() {
        found.push(Found::new(kind, "archive comment", summary(archive.comment())));
    }
    let (mut total, mut stamps, mut extras) = (0u64, 0, 0);
    let mut entries = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(corrupt)?;
        let name = entry.name().map_err(corrupt)?.into_owned();
        if entry.encrypted() {
            return Err(Error::data(format!("{kind}: member {name} is encrypted")));
        }
        let size = entry.size();
        if size > MAX_PART || total + size > MAX_TOTAL {
            return Err(Error::data(format!(
                "{kind}: member {name} inflates to {size} bytes (over the limit: a zip bomb?)"
            )));
        }
        if size > 1024 * 1024 && size / entry.compressed_size().max(1) > MAX_RATIO {
            return Err(Error::data(format!(
                "{kind}: member {name} inflates {}:1 (a zip bomb?)",
                size / entry.compressed_size().max(1)
            )));
        }
        if !entry.comment().is_empty() {
            found.push(Found::new(kind, format!("comment of {name}"), entry.comment()));
        }
        if !entry.extra_data().unwrap_or_default().is_empty() {
            extras += 1;
        }
        if entry.last_modified().is_some_and(|t| t != fixed_time()) {
            stamps += 1;
        }
        let kind_of = if entry.is_symlink() {
            Kind::Symlink
        } else if entry.is_dir() {
            Kind::Dir
        } else {
            Kind::File
        };
        let mode = entry.unix_mode().map(|m| m & 0o7777);
        let mut data = Vec::with_capacity(size as usize);
        entry
            .by_ref()
            .take(size + 1)
            .read_to_end(&mut data)
            .map_err(|e| Error::data(format!("corrupt {kind}: member {name}: {e}")))?;
        if data.len() as u64 != size {
            return Err(Error::data(format!(
                "corrupt {kind}: member {name} is {} bytes, its header says {size}",
                data.len()
            )));
        }
        total += size;
        entries.push(Entry {
            name,
            kind: kind_of,
            mode,
            data,
        });
    }
    if stamps > 0 {
        found.push(Found::new(
            kind,
            "timestamps",
            format!("{stamps} entries with their edit times"),
        ));
    }
    if extras > 0 {
        found.push(Found::new(
            kind,
            "extra fields",
            format!("{extras} entries (owner ids, precise times)"),
        ));
    }
    Ok((entries, found))
}

/// Writes the entries in order: files deflated (stored if compressed already), folders and
/// links as such, each with its mode (0644/0755 when the archive gave none).
pub fn write_entries(entries: &[Entry]) -> Result<Vec<u8>, Error> {
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let fail = |e: &dyn std::fmt::Display| Error::data(format!("writing the archive: {e}"));
    for entry in entries {
        let method = if entry.kind == Kind::File && !already_compressed(&entry.data) {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let default = if entry.kind == Kind::Dir { 0o755 } else { 0o644 };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(fixed_time())
            .unix_permissions(entry.mode.unwrap_or(default));
        match entry.kind {
            Kind::File => {
                out.start_file(entry.name.as_str(), options)
                    .map_err(|e| fail(&e))?;
                out.write_all(&entry.data).map_err(|e| fail(&e))?;
            }
            Kind::Dir => out
                .add_directory(entry.name.as_str(), options)
                .map_err(|e| fail(&e))?,
            Kind::Symlink => {
                let target = String::from_utf8_lossy(&entry.data).into_owned();
                out.add_symlink(entry.name.as_str(), target, options)
                    .map_err(|e| fail(&e))?
            }
        }
    }
    let cursor = out.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}
