//! Office documents as zip archives (OOXML and ODF): reading every part with its real size
//! checked against bounds, and writing them back the same way every time.
//!
//! A document can be hostile: parts that inflate to gigabytes, sizes that lie, thousands of
//! tiny entries. Every part is inflated with a limit on its own size, on the total, and on its
//! ratio to its compressed size, so memory stays bounded whatever the file claims.

pub mod entries;
pub mod package;
pub mod rels;
pub mod xml;

use std::io::{Cursor, Read, Write};

use privkit_core::Error;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::engine::ctx::Ctx;
use crate::engine::embedded::clean_member;
use crate::engine::members::{self, Members, Rule, Verdict};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Found};

/// Bounds on what a document may inflate to.
const MAX_PART: u64 = 512 * 1024 * 1024;
const MAX_TOTAL: u64 = 1024 * 1024 * 1024;
const MAX_ENTRIES: usize = 20_000;
/// Parts over 1 MiB may not inflate more than this (real office files stay far below: text
/// compresses about 10:1).
const MAX_RATIO: u64 = 200;

/// One part of the document, inflated.
pub struct Part {
    pub name: String,
    pub data: Vec<u8>,
}

/// Reads every part, and what the archive itself carried beyond them (comments, edit times,
/// extra fields). `kind` names the format in errors ("OOXML", "ODF").
pub fn read(src: &Source, kind: &str, cx: &mut Ctx) -> Result<(Vec<Part>, Vec<Found>), Error> {
    let bytes = cx.read_whole(src)?;
    let corrupt = |e: zip::result::ZipError| Error::data(format!("corrupt {kind}: {e}"));
    let mut archive = ZipArchive::new(Cursor::new(&bytes[..])).map_err(corrupt)?;
    if archive.len() > MAX_ENTRIES {
        return Err(Error::data(format!(
            "{kind}: {} parts (more than {MAX_ENTRIES})",
            archive.len()
        )));
    }
    // Everything will be held inflated at once: charged to the run's budget before inflating
    // (the sizes are checked against what is really inflated below).
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(corrupt)?;
        declared = declared.saturating_add(entry.size().min(MAX_PART));
    }
    cx.charge(declared.min(MAX_TOTAL))?;
    let mut envelope = Vec::new();
    if !archive.comment().is_empty() {
        envelope.push(Found::new(
            "ZIP",
            "archive comment",
            crate::engine::summary(archive.comment()),
        ));
    }
    let mut total = 0u64;
    let mut parts = Vec::with_capacity(archive.len());
    let mut stamps = 0;
    let mut extras = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(corrupt)?;
        let name = entry.name().map_err(corrupt)?.into_owned();
        if entry.is_dir() {
            continue;
        }
        if entry.encrypted() {
            return Err(Error::data(format!("{kind}: part {name} is encrypted")));
        }
        let declared = entry.size();
        let packed = entry.compressed_size();
        if declared > MAX_PART || total + declared > MAX_TOTAL {
            return Err(Error::data(format!(
                "{kind}: part {name} inflates to {declared} bytes (over the limit: a zip bomb?)"
            )));
        }
        if declared > 1024 * 1024 && declared / packed.max(1) > MAX_RATIO {
            return Err(Error::data(format!(
                "{kind}: part {name} inflates {}:1 (a zip bomb?)",
                declared / packed.max(1)
            )));
        }
        if !entry.comment().is_empty() {
            envelope.push(Found::new("ZIP", format!("comment of {name}"), entry.comment()));
        }
        if !entry.extra_data().unwrap_or_default().is_empty() {
            extras += 1;
        }
        if entry.last_modified().is_some_and(|t| t != fixed_time()) {
            stamps += 1;
        }
        let mut data = Vec::with_capacity(declared as usize);
        entry
            .by_ref()
            .take(declared + 1)
            .read_to_end(&mut data)
            .map_err(|e| Error::data(format!("corrupt {kind}: part {name}: {e}")))?;
        if data.len() as u64 != declared {
            return Err(Error::data(format!(
                "corrupt {kind}: part {name} is {} bytes, its header says {declared}",
                data.len()
            )));
        }
        total += declared;
        parts.push(Part { name, data });
    }
    if stamps > 0 {
        envelope.push(Found::new(
            "ZIP",
            "timestamps",
            format!("{stamps} parts with their edit times"),
        ));
    }
    if extras > 0 {
        envelope.push(Found::new(
            "ZIP",
            "extra fields",
            format!("{extras} parts (owner ids, precise times)"),
        ));
    }
    Ok((parts, envelope))
}

/// The one timestamp every part gets: the earliest a zip can hold.
fn fixed_time() -> DateTime {
    DateTime::default()
}

/// Photos and other compressed data do not shrink when deflated again: they are stored, which
/// makes writing a document full of photos several times faster for a few bytes more.
fn already_compressed(data: &[u8]) -> bool {
    data.len() > 1024 && crate::engine::file_type::is_compressed(data)
}

/// Writes the parts in the given order: no comments, no extra fields, one fixed time. The
/// first part is stored uncompressed when `store_first` (ODF's `mimetype` must be).
pub fn write(parts: &[Part], store_first: bool) -> Result<Vec<u8>, Error> {
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let fail = |e: &dyn std::fmt::Display| Error::data(format!("writing the archive: {e}"));
    for (i, part) in parts.iter().enumerate() {
        let stored = (i == 0 && store_first) || already_compressed(&part.data);
        let method = if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(fixed_time())
            .unix_permissions(0o644);
        out.start_file(part.name.as_str(), options)
            .map_err(|e| fail(&e))?;
        out.write_all(&part.data).map_err(|e| fail(&e))?;
    }
    let cursor = out.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

/// Judges every part by the container's member `table` (dropped and listed parts were already
/// handled by the caller's first pass): XML parts are rewritten by the rules `rules_for` picks
/// from the part's name, content members cleaned by their own format or put to `--unknown`,
/// and the parts that policy leaves out removed with their relationships. The shared second
/// pass of OOXML and ODF; the tables and rules are theirs.
pub fn clean_members(
    parts: &mut Vec<Part>,
    table: &[Rule],
    kind: &str,
    rules_for: impl Fn(&str) -> &'static dyn xml::Rules,
    removed: &mut Vec<Found>,
    members: &mut Members,
    cx: &mut Ctx,
) -> Result<(), Error> {
    let mut omitted = std::collections::BTreeSet::new();
    for part in parts.iter_mut() {
        match members::judge(table, &part.name) {
            Verdict::Content => {
                let label = part.name.clone();
                if clean_member(&mut part.data, kind, &label, cx, removed, members)? {
                    omitted.insert(label);
                }
            }
            Verdict::Xml => rewrite_part(part, rules_for(&part.name), kind, removed)?,
            Verdict::Drop(_) | Verdict::Keep(_) | Verdict::Listed(_) => {}
        }
    }
    if !omitted.is_empty() {
        rels::remove_parts(parts, &omitted)?;
    }
    Ok(())
}

/// Rewrites one XML part by `rules`, adding what it removed to `removed` under `kind`.
pub fn rewrite_part(
    part: &mut Part,
    rules: &dyn xml::Rules,
    kind: &str,
    removed: &mut Vec<Found>,
) -> Result<(), Error> {
    let (data, found) = xml::rewrite(&part.data, rules, &part.name)?;
    removed.extend(found.into_found(kind, &part.name));
    part.data = data;
    Ok(())
}

/// The cleaned document: `first` (the part readers look for first) at the start, stored if
/// `store_first`, then the rest in their original order.
pub fn finish(
    mut parts: Vec<Part>,
    first: &str,
    store_first: bool,
    removed: Vec<Found>,
    members: Members,
    cx: &Ctx,
) -> Result<Cleaned, Error> {
    let mut plan = Plan::new();
    // --show and --check need only the findings: nothing is deflated.
    if !cx.inspecting() {
        parts.sort_by_key(|p| p.name != first);
        let store_first = store_first && parts.first().is_some_and(|p| p.name == first);
        plan.bytes(&write(&parts, store_first)?);
    }
    Ok(Cleaned {
        plan,
        removed,
        members,
    })
}
