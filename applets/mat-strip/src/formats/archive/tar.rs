//! Tar archives, bare or compressed (gzip, xz, bzip2, zstd), streamed member by member: each
//! member is cleaned by its own format or kept and listed (see the family's comment), and
//! every header is written anew: time 0, owner 0/0 with no names, the mode kept, pax records
//! only for names and sizes that need them (times, xattrs, comments and global headers go).
//! The output is compressed again by the same compressor with fixed settings.

use std::collections::BTreeSet;
use std::io::{self, BufWriter, Read, Write};

use privkit_core::Error;
use tar::EntryType;

use super::paths::Paths;
use super::{clean_member, unknown, Fate};
use crate::containers::tar::layer::{self, Encoder, Layer, SourceReader};
use crate::containers::tar::{self as tarc, Member, Type};
use crate::engine::members::Members;
use crate::engine::plan::{Plan, Spool};
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Ctx, Format, Found};

pub struct Tar(pub Layer);

/// Members in one archive: far above real ones, a bound on a header flood.
const MAX_MEMBERS: usize = 200_000;
/// A member of a format mat-strip cleans is held whole to be cleaned: at most this much.
const MAX_MEMBER: u64 = 512 * 1024 * 1024;
/// What is read of a member to tell its format.
const HEAD: u64 = 256 * 1024;
/// Global pax headers are read whole (to list them): at most this much.
const MAX_GLOBAL: u64 = 1024 * 1024;

impl Format for Tar {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn describe(&self) -> &'static str {
        match self.0 {
            Layer::None => {
                "tar archives (ustar, pax, GNU): every member cleaned by its own format (nested \
                 archives and documents too); members of other formats kept byte for byte and \
                 listed as unchecked (--unknown omit leaves them out, an explicit --unknown abort \
                 refuses the archive); headers get time 0, owner \
                 0/0 with no names, the mode kept; pax times, xattrs and comments and global \
                 headers go. Absolute or '..' names and links pointing outside are refused"
            }
            Layer::Gzip => {
                "tar compressed with gzip: the tar as above, gzip again without the original name or time"
            }
            Layer::Xz => "tar compressed with xz: the tar as above, xz again",
            Layer::Bzip2 => "tar compressed with bzip2: the tar as above, bzip2 again",
            Layer::Zstd => "tar compressed with zstd: the tar as above, zstd again",
        }
    }

    fn sniff(&self, head: &[u8]) -> bool {
        match self.0 {
            Layer::None => tarc::is_header(head),
            layer => {
                Layer::sniff(head) == Some(layer) && tarc::is_header(&layer::peek(layer, head, tarc::BLOCK))
            }
        }
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let layer = self.0;
        let name = layer.name();
        let mut removed = layer.header_findings(&src.head()?);
        let reader = layer.decoder(SourceReader { src, pos: 0 }, src.len())?;
        let mut out = if cx.inspecting() {
            Out::Inspect
        } else if layer == Layer::None {
            Out::Plan(Plan::new(), 0)
        } else {
            let spool = Spool::new().map_err(spool_failed)?;
            let sink = BufWriter::with_capacity(256 << 10, spool.writer().map_err(spool_failed)?);
            Out::Stream(layer.encoder_into(sink), spool, 0)
        };
        let corrupt = |e: io::Error| Error::data(format!("corrupt {name}: {e}"));
        let mut archive = tar::Archive::new(reader);
        let mut members = Members::default();
        let mut paths = Paths::default();
        let mut owner = Owner::default();
        let (mut count, mut largest, mut charged) = (0usize, 0u64, 0u64);
        for entry in archive.entries().map_err(corrupt)? {
            let mut entry = entry.map_err(corrupt)?;
            count += 1;
            if count > MAX_MEMBERS {
                return Err(Error::data(format!("{name}: more than {MAX_MEMBERS} members")));
            }
            let path = entry.path_bytes().into_owned();
            let label = String::from_utf8_lossy(&path).into_owned();
            let etype = entry.header().entry_type();
            if etype.is_pax_global_extensions() {
                if entry.size() > MAX_GLOBAL {
                    return Err(Error::data(format!(
                        "{name}: a global pax header of {} bytes",
                        entry.size()
                    )));
                }
                list_pax(&mut entry, "global", &mut removed).map_err(corrupt)?;
                continue;
            }
            if etype.as_byte() == b'V' {
                removed.push(Found::new(name, "volume label", summary(&path)));
                continue;
            }
            let kind = match etype {
                EntryType::Regular | EntryType::Continuous => Type::File,
                EntryType::Link => Type::HardLink,
                EntryType::Symlink => Type::Symlink,
                EntryType::Char => Type::CharDevice,
                EntryType::Block => Type::BlockDevice,
                EntryType::Directory => Type::Dir,
                EntryType::Fifo => Type::Fifo,
                other => {
                    return Err(Error::data(format!(
                        "{name}: member {label} is of a type mat-strip does not write ('{}')",
                        other.as_byte().escape_ascii()
                    )))
                }
            };
            list_pax(&mut entry, &label, &mut removed).map_err(corrupt)?;
            owner.note(entry.header());
            paths.name(name, &path)?;
            let link = entry
                .link_name_bytes()
                .map(|l| l.into_owned())
                .unwrap_or_default();
            match kind {
                Type::Symlink => paths.symlink(name, &path, &link)?,
                Type::HardLink => paths.hard_link(name, &path, &link)?,
                _ => {}
            }
            let header = entry.header();
            let mode = header.mode().map_err(corrupt)?;
            let device = (
                header.device_major().ok().flatten().unwrap_or(0),
                header.device_minor().ok().flatten().unwrap_or(0),
            );
            let mut member = Member {
                name: &path,
                link: &link,
                kind,
                mode,
                size: 0,
                device,
            };
            if kind != Type::File {
                out.write(&tarc::header(&member))?;
                continue;
            }
            let size = entry.size();
            let at = entry.raw_file_position();
            let mut head = Vec::new();
            (&mut entry).take(HEAD).read_to_end(&mut head).map_err(corrupt)?;
            let supported = !head.is_empty() && (cx.registry().detect)(&head).is_ok();
            let fate = if supported {
                if size > MAX_MEMBER {
                    return Err(Error::data(format!(
                        "{name}: member {label} is {size} bytes (mat-strip holds at most {MAX_MEMBER} of a member to clean it)"
                    )));
                }
                // One member is held at a time: the budget is charged for the largest.
                if size > largest {
                    cx.charge(size - largest)?;
                    largest = size;
                }
                entry.read_to_end(&mut head).map_err(corrupt)?;
                if head.len() as u64 != size {
                    return Err(Error::data(format!("truncated {name}: member {label}")));
                }
                clean_member(&head, name, &label, cx, &mut removed, &mut members)?
            } else {
                unknown(&head, name, &label, cx, &mut removed, &mut members)?
            };
            match fate {
                Fate::Omit => continue,
                Fate::Cleaned(data) => {
                    member.size = data.len() as u64;
                    out.write(&tarc::header(&member))?;
                    out.write(&data)?;
                    out.write(&vec![0; tarc::padding(member.size) as usize])?;
                }
                Fate::Same => {
                    member.size = size;
                    out.write(&tarc::header(&member))?;
                    if supported || !out.range(at, size) {
                        out.write(&head)?;
                        out.copy(&mut entry, corrupt)?;
                    }
                    out.write(&vec![0; tarc::padding(size) as usize])?;
                }
            }
            let held = out.held();
            if held > charged {
                cx.charge(held - charged)?;
                charged = held;
            }
        }
        removed.extend(owner.found(name));
        Ok(Cleaned {
            plan: out.finish()?,
            removed,
            members,
        })
    }
}

/// Lists an entry's pax records but those that only describe it (path, link, size).
fn list_pax<R: Read>(entry: &mut tar::Entry<R>, label: &str, removed: &mut Vec<Found>) -> io::Result<()> {
    let Some(records) = entry.pax_extensions()? else {
        return Ok(());
    };
    for record in records {
        let record = record?;
        let key = record.key_bytes();
        if key.starts_with(b"GNU.sparse") {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "sparse members are not supported",
            ));
        }
        if matches!(key, b"path" | b"linkpath" | b"size") {
            continue;
        }
        removed.push(Found::new(
            "tar pax",
            format!("{} of {label}", String::from_utf8_lossy(key)),
            summary(record.value_bytes()),
        ));
    }
    Ok(())
}

/// Owners and times of the members, listed once for the archive.
#[derive(Default)]
struct Owner {
    names: BTreeSet<String>,
    ids: BTreeSet<u64>,
    times: usize,
}

impl Owner {
    fn note(&mut self, h: &tar::Header) {
        for name in [h.username_bytes(), h.groupname_bytes()].into_iter().flatten() {
            if !name.is_empty() {
                self.names.insert(summary(name));
            }
        }
        for id in [h.uid(), h.gid()].into_iter().flatten() {
            if id != 0 {
                self.ids.insert(id);
            }
        }
        if h.mtime().is_ok_and(|t| t != 0) {
            self.times += 1;
        }
    }

    fn found(self, kind: &str) -> Vec<Found> {
        let mut found = Vec::new();
        if !self.names.is_empty() {
            let names: Vec<String> = self.names.into_iter().collect();
            found.push(Found::new(kind, "owner names", names.join(", ")));
        }
        if !self.ids.is_empty() {
            let ids: Vec<String> = self.ids.iter().map(u64::to_string).collect();
            found.push(Found::new(kind, "owner ids", ids.join(", ")));
        }
        if self.times > 0 {
            found.push(Found::new(
                kind,
                "timestamps",
                format!("{} members with their times", self.times),
            ));
        }
        found
    }
}

/// The temporary file a compressed tar's output goes to could not be made or written.
fn spool_failed(e: io::Error) -> Error {
    Error::new(
        privkit_core::Code::IoErr,
        format!("temporary file: {}", privkit_core::error::io_message(&e)),
    )
}

/// Where the cleaned tar goes: nowhere (inspecting), a plan (bare tar: members kept as they
/// are become ranges of the input), or a compressor writing to a spool file (never memory:
/// the output of a big archive is as big).
enum Out {
    Inspect,
    Plan(Plan, u64),
    Stream(Encoder<BufWriter<std::fs::File>>, Spool, u64),
}

impl Out {
    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match self {
            Out::Inspect => {}
            Out::Plan(p, held) => {
                p.bytes(bytes);
                *held += bytes.len() as u64;
            }
            Out::Stream(e, _, written) => {
                e.write_all(bytes).map_err(spool_failed)?;
                *written += bytes.len() as u64;
            }
        }
        Ok(())
    }

    /// Adds `len` bytes of the input at `at`; false if this output cannot (a compressed input).
    fn range(&mut self, at: u64, len: u64) -> bool {
        match self {
            Out::Inspect => true,
            Out::Plan(p, _) => {
                p.range(at, len);
                true
            }
            Out::Stream(..) => false,
        }
    }

    fn copy(&mut self, from: &mut impl Read, corrupt: impl Fn(io::Error) -> Error) -> Result<(), Error> {
        match self {
            Out::Inspect | Out::Plan(..) => Ok(()),
            Out::Stream(e, _, written) => {
                // io::copy cannot say whether reading or writing failed: a member that does
                // not inflate is the likelier.
                *written += io::copy(from, e).map_err(corrupt)?;
                Ok(())
            }
        }
    }

    /// Bytes of output held in memory (a compressor's go to its spool file).
    fn held(&mut self) -> u64 {
        match self {
            Out::Inspect => 0,
            Out::Plan(_, held) => *held,
            Out::Stream(..) => 0,
        }
    }

    fn finish(self) -> Result<Plan, Error> {
        match self {
            Out::Inspect => Ok(Plan::new()),
            Out::Plan(mut plan, _) => {
                plan.bytes(&tarc::end(plan.len()));
                Ok(plan)
            }
            Out::Stream(mut e, spool, written) => {
                // The same tar as a bare one gives, compressed.
                e.write_all(&tarc::end(written)).map_err(spool_failed)?;
                e.finish()
                    .and_then(|sink| sink.into_inner().map_err(|e| e.into_error()))
                    .map_err(spool_failed)?;
                let mut plan = Plan::new();
                plan.spool(spool).map_err(spool_failed)?;
                Ok(plan)
            }
        }
    }
}
