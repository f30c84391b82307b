//! Zip archives as a user's files (not a document's parts): read entry by entry with its kind
//! (file, folder, symbolic link) and Unix mode, under the same inflation bounds as documents
//! (a member too large to hold is inflated to a temporary file instead); written back in the
//! same order with those kinds and modes, the fixed time, no comments or extra fields, into a
//! spool file (never memory).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};

use privkit_core::Error;
use zip::read::ZipFile;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::{already_compressed, fixed_time, MAX_PART, MAX_RATIO};
use crate::engine::ctx::Ctx;
use crate::engine::plan::Spool;
use crate::engine::source::{self, Source};
use crate::engine::{summary, Found};

/// Archives hold more files than documents hold parts.
const MAX_ENTRIES: usize = 100_000;
/// What all members of an archive may inflate to (members over [`HOLD`] go to a temporary
/// file, so this bounds disk, not memory); the ratio check bounds a bomb far below it.
const MAX_TOTAL: u64 = 64 << 30;
/// A member up to this size is inflated into memory (charged to the budget); a larger one into
/// a temporary file, cleaned from there.
pub const HOLD: u64 = 64 << 20;
/// A symbolic link's target is read whole: at most this much.
const MAX_LINK: u64 = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// The data is the link's target.
    Symlink,
}

/// One entry's header, checked.
pub struct Meta {
    pub name: String,
    pub kind: Kind,
    /// Permission bits (0o7777), when the archive says.
    pub mode: Option<u32>,
    pub size: u64,
}

/// A member's bytes: in memory, or in a temporary file when larger than [`HOLD`].
pub enum Data {
    Held(Vec<u8>),
    Spilled(Source),
}

/// An archive being read entry by entry, over positioned reads of the input.
pub struct Entries<'a> {
    archive: ZipArchive<source::Reader<'a>>,
    kind: &'static str,
    total: u64,
    /// The largest member held so far: one is held at a time, so the budget is charged for it.
    largest: u64,
}

/// A zip error as a one-line error of `kind`.
fn corrupt(kind: &str) -> impl Fn(zip::result::ZipError) -> Error + Copy + '_ {
    move |e| Error::data(format!("corrupt {kind}: {e}"))
}

/// Opens the archive: its central directory checked (entry count), and what it carried beyond
/// the entries (comments, times, extra fields). `kind` names the format in errors.
pub fn open<'a>(src: &'a Source, kind: &'static str) -> Result<(Entries<'a>, Vec<Found>), Error> {
    let corrupt = corrupt(kind);
    let mut archive = ZipArchive::new(src.reader()).map_err(corrupt)?;
    if archive.len() > MAX_ENTRIES {
        return Err(Error::data(format!(
            "{kind}: {} entries (more than {MAX_ENTRIES})",
            archive.len()
        )));
    }
    let mut found = Vec::new();
    if !archive.comment().is_empty() {
        found.push(Found::new(kind, "archive comment", summary(archive.comment())));
    }
    let (mut stamps, mut extras) = (0, 0);
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(corrupt)?;
        let name = entry.name().map_err(corrupt)?.into_owned();
        if !entry.comment().is_empty() {
            found.push(Found::new(kind, format!("comment of {name}"), entry.comment()));
        }
        if !entry.extra_data().unwrap_or_default().is_empty() {
            extras += 1;
        }
        if entry.last_modified().is_some_and(|t| t != fixed_time()) {
            stamps += 1;
        }
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
    let entries = Entries {
        archive,
        kind,
        total: 0,
        largest: 0,
    };
    Ok((entries, found))
}

impl Entries<'_> {
    pub fn len(&self) -> usize {
        self.archive.len()
    }

    pub fn is_empty(&self) -> bool {
        self.archive.is_empty()
    }

    /// Every entry's name, in order.
    pub fn names(&mut self) -> Result<Vec<String>, Error> {
        let corrupt = corrupt(self.kind);
        (0..self.len())
            .map(|i| {
                let entry = self.archive.by_index_raw(i).map_err(corrupt)?;
                entry.name().map(|n| n.into_owned()).map_err(corrupt)
            })
            .collect()
    }

    /// The first `max` bytes of the entry named `name`, if there is one (ODF's `mimetype`).
    pub fn small(&mut self, name: &str, max: u64) -> Result<Option<Vec<u8>>, Error> {
        let kind = self.kind;
        let Some(i) = self.archive.index_for_name(name) else {
            return Ok(None);
        };
        let entry = self.archive.by_index(i).map_err(corrupt(kind))?;
        let mut data = Vec::new();
        entry
            .take(max)
            .read_to_end(&mut data)
            .map_err(|e| Error::data(format!("corrupt {kind}: member {name}: {e}")))?;
        Ok(Some(data))
    }

    /// Entry `i`: its header checked against the bomb limits, and its data, inflated (into a
    /// temporary file when larger than [`HOLD`]; a held one is charged to the budget).
    pub fn entry(&mut self, i: usize, cx: &mut Ctx) -> Result<(Meta, Data), Error> {
        let kind = self.kind;
        let mut entry = self.archive.by_index(i).map_err(corrupt(kind))?;
        let name = entry.name().map_err(corrupt(kind))?.into_owned();
        if entry.encrypted() {
            return Err(Error::data(format!("{kind}: member {name} is encrypted")));
        }
        let size = entry.size();
        if self.total.saturating_add(size) > MAX_TOTAL {
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
        let kind_of = if entry.is_symlink() {
            Kind::Symlink
        } else if entry.is_dir() {
            Kind::Dir
        } else {
            Kind::File
        };
        if kind_of == Kind::Symlink && size > MAX_LINK {
            return Err(Error::data(format!(
                "{kind}: link {name} has a target of {size} bytes"
            )));
        }
        let mode = entry.unix_mode().map(|m| m & 0o7777);
        let bad = |e: io::Error| Error::data(format!("corrupt {kind}: member {name}: {e}"));
        let (got, data) = if size <= HOLD.min(MAX_PART) {
            if size > self.largest {
                cx.charge(size - self.largest)?;
                self.largest = size;
            }
            let mut data = Vec::with_capacity(size as usize);
            entry
                .by_ref()
                .take(size + 1)
                .read_to_end(&mut data)
                .map_err(bad)?;
            (data.len() as u64, Data::Held(data))
        } else {
            let (got, src) = spill(&mut entry, size).map_err(bad)?;
            (got, Data::Spilled(src))
        };
        if got != size {
            return Err(Error::data(format!(
                "corrupt {kind}: member {name} is {got} bytes, its header says {size}"
            )));
        }
        self.total += size;
        let meta = Meta {
            name,
            kind: kind_of,
            mode,
            size,
        };
        Ok((meta, data))
    }
}

/// Inflates a member into an anonymous temporary file (at most `size` + 1 bytes); how many
/// bytes it held, and the file as a source.
fn spill(entry: &mut ZipFile<'_, source::Reader<'_>>, size: u64) -> io::Result<(u64, Source)> {
    let file = tempfile::tempfile()?;
    let mut out = BufWriter::with_capacity(256 << 10, file);
    let got = io::copy(&mut entry.by_ref().take(size + 1), &mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    Ok((got, Source::file(file, got)?))
}

/// The output archive, written entry by entry to a spool file.
pub struct Writer {
    out: ZipWriter<BufWriter<File>>,
    spool: Spool,
}

fn write_failed(e: &dyn std::fmt::Display) -> Error {
    Error::data(format!("writing the archive: {e}"))
}

impl Writer {
    pub fn new() -> Result<Writer, Error> {
        let spool = Spool::new().map_err(|e| write_failed(&e))?;
        let file = spool.writer().map_err(|e| write_failed(&e))?;
        Ok(Writer {
            out: ZipWriter::new(BufWriter::with_capacity(256 << 10, file)),
            spool,
        })
    }

    fn options(meta: &Meta, stored: bool) -> SimpleFileOptions {
        let default = if meta.kind == Kind::Dir { 0o755 } else { 0o644 };
        SimpleFileOptions::default()
            .compression_method(if stored {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            })
            .last_modified_time(fixed_time())
            .unix_permissions(meta.mode.unwrap_or(default))
            // A member over 4 GiB needs zip64 headers.
            .large_file(meta.size >= u32::MAX as u64)
    }

    /// A folder, or a link to `target`.
    pub fn other(&mut self, meta: &Meta, target: &[u8]) -> Result<(), Error> {
        let options = Self::options(meta, true);
        match meta.kind {
            Kind::Dir => self.out.add_directory(meta.name.as_str(), options),
            _ => self.out.add_symlink(
                meta.name.as_str(),
                String::from_utf8_lossy(target).into_owned(),
                options,
            ),
        }
        .map_err(|e| write_failed(&e))
    }

    /// Starts a file whose data begins with `head`: deflated, or stored if compressed already;
    /// its data is then written to the writer itself.
    pub fn file(&mut self, meta: &Meta, head: &[u8]) -> Result<&mut impl Write, Error> {
        let options = Self::options(meta, already_compressed(head));
        self.out
            .start_file(meta.name.as_str(), options)
            .map_err(|e| write_failed(&e))?;
        Ok(&mut self.out)
    }

    /// The zip writer itself, for a document's parts (containers::zip writes them with its own
    /// options).
    pub(super) fn zip(&mut self) -> &mut ZipWriter<BufWriter<File>> {
        &mut self.out
    }

    /// The finished archive, in its spool file.
    pub fn finish(self) -> Result<Spool, Error> {
        let sink = self.out.finish().map_err(|e| write_failed(&e))?;
        sink.into_inner().map_err(|e| write_failed(&e.into_error()))?;
        Ok(self.spool)
    }
}
