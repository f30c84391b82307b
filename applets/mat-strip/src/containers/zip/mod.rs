//! Office documents as zip archives (OOXML and ODF): reading every part with its real size
//! checked against bounds, and writing them back the same way every time.
//!
//! A document can be hostile: parts that inflate to gigabytes, sizes that lie, thousands of
//! tiny entries. Every part is inflated with a limit on its own size, on the total, and on its
//! ratio to its compressed size, so memory stays bounded whatever the file claims.

pub mod entries;
mod inspect;
pub mod package;
pub mod rels;
pub mod xml;

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};

use privkit_core::Error;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::engine::ctx::Ctx;
use crate::engine::embedded::clean_member;
use crate::engine::members::{self, Members, Rule, Unknown, Verdict};
use crate::engine::plan::Plan;
use crate::engine::source::{Reader as SourceReader, Source};
use crate::engine::{Cleaned, Found};

/// Bounds on what a document may inflate to.
const MAX_PART: u64 = 512 * 1024 * 1024;
const MAX_TOTAL: u64 = 1024 * 1024 * 1024;
const MAX_ENTRIES: usize = 20_000;
/// Parts over 1 MiB may not inflate more than this (real office files stay far below: text
/// compresses about 10:1).
const MAX_RATIO: u64 = 200;

/// One part of the document, inflated. (A part read by [`Package`] may still be waiting in the
/// archive: its data is empty until [`Package::take`] inflates it.)
pub struct Part {
    pub name: String,
    pub data: Vec<u8>,
}

/// The zip of a document, read part by part from the source: the central directory is checked
/// whole up front (sizes, ratios, encryption), the parts that name other parts (content types,
/// relationships, the manifest, mimetype) are inflated at once, and every other part only when
/// [`Package::take`] asks for it, so a document is never held whole.
pub struct Package<'s> {
    archive: ZipArchive<SourceReader<'s>>,
    /// Parts not inflated yet: name → index in the archive.
    waiting: HashMap<String, usize>,
    kind: String,
    /// What holding one more part at a time costs: the budget charged for each extra thread
    /// inspecting parts side by side.
    per_part: u64,
}

/// A part's data as [`Package::take`] would give it, not inflated yet.
pub enum Pending {
    /// Still in the archive, at this index.
    Archived(usize),
    /// Already read (or empty: a second part of the same name).
    Ready(Vec<u8>),
}

/// Parts every later step needs by content: read up front.
fn structural(name: &str) -> bool {
    name == "[Content_Types].xml"
        || name.ends_with(".rels")
        || name == "mimetype"
        || name == "META-INF/manifest.xml"
}

/// Reads every part, and what the archive itself carried beyond them (comments, edit times,
/// extra fields). `kind` names the format in errors ("OOXML", "ODF").
pub fn read(src: &Source, kind: &str, cx: &mut Ctx) -> Result<(Vec<Part>, Vec<Found>), Error> {
    let (mut parts, envelope, mut package) = open(src, kind, cx, true)?;
    for part in &mut parts {
        part.data = package.take(part)?;
    }
    Ok((parts, envelope))
}

/// Opens the document's zip: every part named (in archive order; only the structural ones
/// inflated), what the archive itself carried, and the package the rest is inflated from.
/// `whole` charges the budget for holding every part at once (as [`read`] does); otherwise for
/// the structural parts and a few of the largest other part (inflated, rewritten, cleaned).
pub fn open<'s>(
    src: &'s Source,
    kind: &str,
    cx: &mut Ctx,
    whole: bool,
) -> Result<(Vec<Part>, Vec<Found>, Package<'s>), Error> {
    let corrupt = |e: zip::result::ZipError| Error::data(format!("corrupt {kind}: {e}"));
    let reader = src.buffered_reader(64 * 1024);
    let mut archive = ZipArchive::new(reader).map_err(corrupt)?;
    if archive.len() > MAX_ENTRIES {
        return Err(Error::data(format!(
            "{kind}: {} parts (more than {MAX_ENTRIES})",
            archive.len()
        )));
    }
    let mut envelope = Vec::new();
    if !archive.comment().is_empty() {
        envelope.push(Found::new(
            "ZIP",
            "archive comment",
            crate::engine::summary(archive.comment()),
        ));
    }
    let (mut total, mut eager, mut largest) = (0u64, 0u64, 0u64);
    let mut parts = Vec::with_capacity(archive.len());
    let mut waiting = HashMap::new();
    let (mut stamps, mut extras) = (0, 0);
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(corrupt)?;
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
        total += declared;
        if structural(&name) {
            eager += declared;
        } else {
            largest = largest.max(declared);
        }
        // (The zip reader keeps one entry per name: a second of the same name is not written.)
        waiting.insert(name.clone(), i);
        parts.push(Part {
            name,
            data: Vec::new(),
        });
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
    // Charged before inflating (the sizes are checked against what is really inflated). A part
    // is held at most three times at once: inflated, rewritten, and its cleaned copy; the
    // output goes to a spool file as it is written (`entries::Writer`), so it is not charged.
    // (--show and --check charge this again for each other thread inspecting parts.)
    let working = if whole { total } else { eager + 3 * largest };
    cx.charge(working)?;
    let mut package = Package {
        archive,
        waiting,
        kind: kind.to_string(),
        per_part: 3 * largest,
    };
    for part in parts.iter_mut().filter(|p| structural(&p.name)) {
        part.data = package.take(part)?;
    }
    Ok((parts, envelope, package))
}

impl Package<'_> {
    /// Reads every XML (and VML) part into `parts` now rather than as each is written. Content
    /// removal (--remove) edits parts by what other parts say (a hidden slide's entry in
    /// presentation.xml, a comment's anchor in a sheet), so it needs them all at once; cleaning
    /// alone streams them. The caller opened the zip with `whole`, so the budget was charged
    /// for holding every part.
    pub fn load_markup(&mut self, parts: &mut [Part]) -> Result<(), Error> {
        for part in parts
            .iter_mut()
            .filter(|p| p.name.ends_with(".xml") || p.name.ends_with(".vml"))
        {
            part.data = self.take(part)?;
        }
        Ok(())
    }

    /// The part's data: inflated from the archive the first time, else what the part holds
    /// (leaving it empty).
    pub fn take(&mut self, part: &mut Part) -> Result<Vec<u8>, Error> {
        match self.detach(part) {
            Pending::Archived(i) => self.inflate(i, &part.name),
            Pending::Ready(data) => Ok(data),
        }
    }

    /// What [`Package::take`] would give, without inflating it yet (another thread will).
    pub fn detach(&mut self, part: &mut Part) -> Pending {
        match self.waiting.remove(&part.name) {
            Some(i) => Pending::Archived(i),
            None => Pending::Ready(std::mem::take(&mut part.data)),
        }
    }

    /// The part's data, leaving a part still in the archive there (a first pass that only
    /// looks: the data is dropped after, and inflated again when the part is written).
    pub fn peek(&mut self, part: &Part) -> Result<Vec<u8>, Error> {
        match self.waiting.get(&part.name) {
            Some(&i) => self.inflate(i, &part.name),
            None => Ok(part.data.clone()),
        }
    }

    fn inflate(&mut self, i: usize, name: &str) -> Result<Vec<u8>, Error> {
        inflate(&mut self.archive, &self.kind, i, name)
    }
}

/// Inflates the archive's entry `i` (part `name`), checking its size against its header.
fn inflate(
    archive: &mut ZipArchive<SourceReader>,
    kind: &str,
    i: usize,
    name: &str,
) -> Result<Vec<u8>, Error> {
    let mut entry = archive
        .by_index(i)
        .map_err(|e| Error::data(format!("corrupt {kind}: {e}")))?;
    let declared = entry.size();
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
    Ok(data)
}

/// The one timestamp every part gets: the earliest a zip can hold.
fn fixed_time() -> DateTime {
    DateTime::default()
}

/// Photos and other compressed data (see [`write_part`]).
fn already_compressed(data: &[u8]) -> bool {
    data.len() > 1024 && crate::engine::file_type::is_compressed(data)
}

/// Adds one part to `out`: no comment, no extra field, one fixed time. Stored when `stored`
/// or already compressed (photos do not shrink when deflated again: storing them makes
/// writing a document full of photos several times faster for a few bytes more).
fn write_part<W: Write + std::io::Seek>(
    out: &mut ZipWriter<W>,
    name: &str,
    data: &[u8],
    stored: bool,
) -> Result<(), Error> {
    let fail = |e: &dyn std::fmt::Display| Error::data(format!("writing the archive: {e}"));
    let method = if stored || already_compressed(data) {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    };
    let options = SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(fixed_time())
        .unix_permissions(0o644);
    out.start_file(name, options).map_err(|e| fail(&e))?;
    out.write_all(data).map_err(|e| fail(&e))
}

/// Writes the parts in the given order: no comments, no extra fields, one fixed time. The
/// first part is stored uncompressed when `store_first` (ODF's `mimetype` must be).
fn write(parts: &[Part], store_first: bool) -> Result<Plan, Error> {
    let mut out = entries::Writer::new()?;
    for (i, part) in parts.iter().enumerate() {
        write_part(out.zip(), &part.name, &part.data, i == 0 && store_first)?;
    }
    spooled_plan(out)
}

/// The finished archive as the plan's only piece: written to a spool file by
/// [`entries::Writer`] rather than held in memory, so `-j N` workers hold N parts, not N
/// documents.
fn spooled_plan(out: entries::Writer) -> Result<Plan, Error> {
    let mut plan = Plan::new();
    plan.spool(out.finish()?)
        .map_err(|e| Error::data(format!("writing the archive: {e}")))?;
    Ok(plan)
}

/// How a document's parts are judged and rewritten: the container's member table, the XML
/// rules for each part name, and the part readers look for first (stored if `store_first`).
/// What `Policy::prepare` does to a part (its name and bytes) before the part's rules.
/// (`Sync`, as are the rules: --show and --check inspect parts on several threads.)
pub type Prepare = dyn Fn(&str, Vec<u8>) -> Result<Vec<u8>, Error> + Sync;

pub struct Policy<'a> {
    pub table: &'a [Rule],
    pub kind: &'a str,
    pub rules_for: &'a (dyn Fn(&str) -> &'static (dyn xml::Rules) + Sync),
    /// A pass over an XML part before its rules (--remove: Word's insertions accepted, hidden
    /// content refused): the part is read only here, one at a time.
    pub prepare: &'a Prepare,
    pub first: &'a str,
    pub store_first: bool,
}

/// The plan of a package whose parts were all read into memory (EPUB, found by the archive
/// reader from a whole listing): `first` leads (stored if `store_first`); nothing is deflated
/// for --show and --check.
pub fn finish(
    mut parts: Vec<Part>,
    first: &str,
    store_first: bool,
    removed: Vec<Found>,
    members: Members,
    cx: &Ctx,
) -> Result<Cleaned, Error> {
    let mut plan = Plan::new();
    if !cx.inspecting() {
        parts.sort_by_key(|p| p.name != first);
        let store_first = store_first && parts.first().is_some_and(|p| p.name == first);
        plan = write(&parts, store_first)?;
    }
    Ok(Cleaned {
        plan,
        removed,
        members,
    })
}

/// Cleans the document part by part and writes it (dropped and listed parts were already
/// handled by the caller's first pass): XML parts rewritten by their rules, content members
/// cleaned by their own format or put to `--unknown`, the parts that policy leaves out removed
/// with their relationships. Each part is inflated, cleaned and deflated into the output before
/// the next is read, so memory holds one part at a time (and, when cleaning, the compressed
/// output); --show and --check inspect the parts the same way, on the run's idle workers too
/// ([`inspect`]), and write nothing. The shared second pass of OOXML and ODF; the tables and
/// rules are theirs.
pub fn clean_and_finish(
    mut parts: Vec<Part>,
    package: &mut Package,
    policy: &Policy,
    mut removed: Vec<Found>,
    mut members: Members,
    cx: &mut Ctx,
) -> Result<Cleaned, Error> {
    let kind = policy.kind;
    // --unknown omit: which members go must be known before the parts naming them are written
    // (the first part written, [Content_Types].xml, names them all): one pass that only looks.
    if cx.opts.unknown == Unknown::Omit {
        let mut omitted = BTreeSet::new();
        for part in &parts {
            if members::judge(policy.table, &part.name) != Verdict::Content {
                continue;
            }
            let data = package.peek(part)?;
            let known = (cx.registry().detect)(&data).is_ok_and(|f| f.readable(&data))
                || members::by_content(&data).is_some();
            let what = (cx.registry().looks_like)(&data);
            if !known
                && members::unknown(
                    cx.opts.unknown,
                    kind,
                    &part.name,
                    what,
                    &mut removed,
                    &mut members,
                )?
            {
                omitted.insert(part.name.clone());
            }
        }
        if !omitted.is_empty() {
            rels::remove_parts(&mut parts, &omitted)?;
        }
    }
    // `first` at the start, then the rest in their original order.
    parts.sort_by_key(|p| p.name != policy.first);
    let store_first = policy.store_first && parts.first().is_some_and(|p| p.name == policy.first);
    if cx.inspecting() {
        inspect::parts(&mut parts, package, policy, cx, &mut removed, &mut members)?;
        return Ok(Cleaned {
            plan: Plan::new(),
            removed,
            members,
        });
    }
    let mut out = entries::Writer::new()?;
    for (i, part) in parts.iter_mut().enumerate() {
        let mut data = package.take(part)?;
        if clean_part(&part.name, &mut data, policy, cx, &mut removed, &mut members)? {
            write_part(out.zip(), &part.name, &data, i == 0 && store_first)?;
        }
    }
    Ok(Cleaned {
        plan: spooled_plan(out)?,
        removed,
        members,
    })
}

/// Cleans one part (inspects it, for --show and --check) by the policy: XML rewritten by its
/// rules, a content member by its own format or `--unknown`. False when the part is left out
/// (only reached if a first pass did not omit it already).
fn clean_part(
    name: &str,
    data: &mut Vec<u8>,
    policy: &Policy,
    cx: &mut Ctx,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<bool, Error> {
    let kind = policy.kind;
    match members::judge(policy.table, name) {
        Verdict::Content => return Ok(!clean_member(data, kind, name, cx, removed, members)?),
        Verdict::Xml => {
            let prepared = (policy.prepare)(name, std::mem::take(data))?;
            let rules = (policy.rules_for)(name);
            let (new, found) = xml::rewrite_owned(prepared, rules, name, cx.inspecting())?;
            removed.extend(found.into_found(kind, name));
            *data = new;
        }
        Verdict::Drop(_) | Verdict::Keep(_) | Verdict::Listed(_) => {}
    }
    Ok(true)
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
