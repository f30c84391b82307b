//! OLE2 compound files: the objects Office embeds in documents (`word/embeddings/oleObject1.bin`,
//! ODF's `Object N` in OLE form), and on their own the legacy .doc/.xls files' property sets.
//! Every stream is judged by [`STREAMS`]: the property sets (`\x05SummaryInformation`,
//! `\x05DocumentSummaryInformation`: author, last saved by, company, manager, template path,
//! dates) go; the class and presentation streams stay; a packaged file (`\x01Ole10Native`)
//! keeps only the bare file name of its original and temporary paths and its file is cleaned by
//! its own format; an embedded OOXML document (`Package`) is cleaned as a document; any other
//! stream is unknown (`--unknown`), the bodies of Word and Excel documents too (see
//! [`BODIES`]). Directory times go. The compound file is written anew with the same sector size and classes.

use privkit_core::Error;

use crate::containers::cfb::{self, Entry};
use crate::engine::ctx::Ctx;
use crate::engine::embedded::clean_member;
use crate::engine::file_type::{self, Kind};
use crate::engine::members::{self, Members, Name, Rule, Verdict};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Category, Cleaned, Format, Found};
use crate::tags::{ole_props, value::utc};

pub struct Ole2;

/// Larger than any embedded object or legacy office file mat-strip reads whole.
const MAX_LEN: u64 = 256 * 1024 * 1024;

/// Every stream, by its name (the last of its path); what no rule names is unknown.
const STREAMS: &[Rule] = &[
    (
        Name::Prefix("\u{5}"),
        Verdict::Drop("OLE property set (document properties)"),
    ),
    (
        Name::Is("\u{1}CompObj"),
        Verdict::Keep("the object's class and program name"),
    ),
    (Name::Is("\u{1}Ole"), Verdict::Content),
    (Name::Is("\u{1}Ole10Native"), Verdict::Content),
    (Name::Is("Package"), Verdict::Content),
    (
        Name::Prefix("\u{2}OlePres"),
        Verdict::Keep("cached picture of the object (drawing records only)"),
    ),
    (
        Name::Is("\u{3}EPRINT"),
        Verdict::Keep("cached picture of the object (EMF)"),
    ),
    (Name::Is("\u{3}ObjInfo"), Verdict::Keep("object flags")),
    (
        Name::Is("Equation Native"),
        Verdict::Keep("equation (Equation Editor 3): content"),
    ),
];
/// The body streams of Word and Excel documents (.doc, .xls, and the same embedded as
/// objects). Not cleaned: measured on a .doc LibreOffice saved from a reviewed .docx, `1Table`
/// keeps the comment authors and `Data` the pictures with their EXIF. So they are unknown
/// members (`--unknown` decides) rather than content kept quietly: mat-strip never calls such a
/// file clean.
const BODIES: &[&str] = &["WordDocument", "1Table", "0Table", "Data", "Workbook", "Book"];
const BODY: &str =
    "body of a Word/Excel document: not cleaned (comment and revision authors, pictures with EXIF)";

impl Format for Ole2 {
    fn name(&self) -> &'static str {
        "OLE2"
    }

    fn describe(&self) -> &'static str {
        "OLE2 compound files, mostly objects embedded in documents: removes the SummaryInformation \
         and DocumentSummaryInformation property sets (author, last saved by, company, manager, \
         title, comments, template path, revision, times, application) and directory times; a \
         packaged file keeps only its bare file name and is cleaned by its own format; an \
         embedded OOXML document is cleaned as one. Any other stream is unknown (--unknown), the \
         bodies of .doc/.xls documents too: mat-strip does not clean them"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Ole2)
    }

    fn readable(&self, bytes: &[u8]) -> bool {
        cfb::read(bytes).is_ok()
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        if src.len() > MAX_LEN {
            return Err(Error::data(format!(
                "OLE2 compound file of {} bytes is too large to read",
                src.len()
            )));
        }
        let data = cx.read_whole(src)?;
        let mut compound = cfb::read(&data)?;
        // The streams are a second copy of the file.
        cx.charge(data.len() as u64)?;
        let mut removed = Vec::new();
        let mut members = Members::default();
        list_times(&compound.root, &mut removed);
        if let Some(secs) = compound.stream_time {
            removed.push(Found::new("OLE2 directory", "stream times", utc(secs)).in_category(Category::Time));
        }
        let mut kept = Vec::with_capacity(compound.entries.len());
        for mut entry in std::mem::take(&mut compound.entries) {
            list_times(&entry, &mut removed);
            if entry.storage || judge(&mut entry, cx, &mut removed, &mut members)? {
                kept.push(entry);
            }
        }
        compound.entries = kept;
        let mut plan = Plan::new();
        if removed.is_empty() {
            plan.range(0, src.len());
        } else if !cx.inspecting() {
            let out = cfb::write(&compound)?;
            cx.charge(out.len() as u64)?;
            plan.owned_bytes(out);
        }
        Ok(Cleaned {
            plan,
            removed,
            members,
        })
    }
}

/// Times in the directory: gsf and Office stamp storages (and some writers streams) with the
/// times the object was made and saved.
fn list_times(entry: &Entry, removed: &mut Vec<Found>) {
    let label = if entry.path.is_empty() {
        "root".to_string()
    } else {
        entry.label()
    };
    for (what, secs) in &entry.times {
        removed.push(
            Found::new("OLE2 directory", format!("{label} {what}"), utc(*secs)).in_category(Category::Time),
        );
    }
}

/// One stream: Ok(true) to keep it (perhaps rewritten), Ok(false) to leave it out.
fn judge(
    entry: &mut Entry,
    cx: &mut Ctx,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<bool, Error> {
    let label = entry.label();
    match members::judge(STREAMS, entry.name()) {
        Verdict::Drop(reason) => {
            let kind = format!("OLE2 {}", entry.name().trim_start_matches('\u{5}'));
            let listed = ole_props::list(&kind, &entry.data);
            removed.extend(listed);
            removed.push(Found::new("OLE2", label, reason));
            Ok(false)
        }
        Verdict::Keep(_) | Verdict::Xml => Ok(true),
        Verdict::Listed(reason) => {
            members.kept.push(Found::new("OLE2", label, reason));
            Ok(true)
        }
        Verdict::Content => match entry.name() {
            "\u{1}Ole" if embedded_only(&entry.data) => Ok(true),
            "\u{1}Ole10Native" => native(entry, cx, removed, members),
            "Package" => {
                let omit = clean_member(&mut entry.data, "OLE2", &label, cx, removed, members)?;
                Ok(!omit)
            }
            name => {
                let what = if name == "\u{1}Ole" {
                    "a linked object's source"
                } else if BODIES.contains(&name) {
                    BODY
                } else {
                    "stream of an unknown kind"
                };
                keep_unknown(cx, &label, what, removed, members)
            }
        },
    }
}

/// A stream of no known kind, under `--unknown`: Ok(true) to keep it (unchecked).
fn keep_unknown(
    cx: &Ctx,
    label: &str,
    what: &str,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<bool, Error> {
    Ok(!members::unknown(
        cx.opts.unknown,
        "OLE2",
        label,
        what,
        removed,
        members,
    )?)
}

/// The `\x01Ole` stream of an embedded (not linked) object: version, flags, update option,
/// reserved, and an empty moniker. A linked object names its source file after that.
fn embedded_only(data: &[u8]) -> bool {
    let le32 = |at: usize| {
        data.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    data.len() <= 24 && le32(4).is_some_and(|flags| flags & 1 == 0) && le32(16).unwrap_or(0) == 0
}

/// `\x01Ole10Native`, a file packaged by the Object Packager (or dropped into a document): size,
/// flags, label, the original path, type 3 (embedded), the temporary path, then the file. Newer
/// packagers append the three names again in UTF-16: that tail is left out (the names it
/// repeats stay above). Ok(false) when the stream is to go.
fn native(
    entry: &mut Entry,
    cx: &mut Ctx,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<bool, Error> {
    let label = entry.label();
    let Some(parsed) = Native::parse(&entry.data) else {
        let what = "packaged file of an unknown layout";
        return keep_unknown(cx, &label, what, removed, members);
    };
    let Native {
        flags,
        label: name,
        path,
        temp,
        mut file,
        tail,
    } = parsed;
    let mut changed = false;
    let mut bare = |what: &str, s: &[u8]| -> Vec<u8> {
        let b = basename(s).to_vec();
        if b != s {
            changed = true;
            removed.push(Found::new(
                "OLE2 Ole10Native",
                what,
                String::from_utf8_lossy(s).into_owned(),
            ));
        }
        b
    };
    let (name, path, temp) = (
        bare("label path", &name),
        bare("source path", &path),
        bare("temporary path", &temp),
    );
    if tail > 0 {
        changed = true;
        removed.push(Found::new(
            "OLE2 Ole10Native",
            "Unicode file names and paths",
            format!("{tail} bytes"),
        ));
    }
    let file_label = format!("{label}: {}", String::from_utf8_lossy(&name));
    let before = removed.len();
    if clean_member(&mut file, "OLE2", &file_label, cx, removed, members)? {
        return Ok(false);
    }
    if changed || removed.len() > before {
        entry.data = Native::write(flags, &name, &path, &temp, &file);
    }
    Ok(true)
}

struct Native {
    flags: u16,
    label: Vec<u8>,
    path: Vec<u8>,
    temp: Vec<u8>,
    file: Vec<u8>,
    /// Bytes after the file (the UTF-16 names).
    tail: usize,
}

impl Native {
    fn parse(data: &[u8]) -> Option<Native> {
        let mut c = crate::bytes::Cursor::new(data, "Ole10Native");
        let size = c.le32().ok()? as usize;
        if size != data.len().checked_sub(4)? {
            return None;
        }
        let flags = c.le16().ok()?;
        let cstr = |c: &mut crate::bytes::Cursor| -> Option<Vec<u8>> {
            let rest = c.rest();
            let end = rest.iter().position(|&b| b == 0)?;
            c.skip(end + 1).ok()?;
            Some(rest[..end].to_vec())
        };
        let label = cstr(&mut c)?;
        let path = cstr(&mut c)?;
        // 3: the file is embedded (1 would be a link to `path`).
        if c.le32().ok()? != 0x0003_0000 {
            return None;
        }
        let temp_len = c.le32().ok()? as usize;
        let temp = c.take(temp_len).ok()?;
        let temp = temp.strip_suffix(&[0]).unwrap_or(temp).to_vec();
        let file_len = c.le32().ok()? as usize;
        let file = c.take(file_len).ok()?.to_vec();
        Some(Native {
            flags,
            label,
            path,
            temp,
            file,
            tail: c.remaining(),
        })
    }

    fn write(flags: u16, label: &[u8], path: &[u8], temp: &[u8], file: &[u8]) -> Vec<u8> {
        let mut body = flags.to_le_bytes().to_vec();
        for s in [label, path] {
            body.extend_from_slice(s);
            body.push(0);
        }
        body.extend_from_slice(&0x0003_0000u32.to_le_bytes());
        body.extend_from_slice(&(temp.len() as u32 + 1).to_le_bytes());
        body.extend_from_slice(temp);
        body.push(0);
        body.extend_from_slice(&(file.len() as u32).to_le_bytes());
        body.extend_from_slice(file);
        let mut out = (body.len() as u32).to_le_bytes().to_vec();
        out.extend_from_slice(&body);
        out
    }
}

/// The last name of a Windows or Unix path (`C:\Users\alice\x.pdf` → `x.pdf`).
fn basename(path: &[u8]) -> &[u8] {
    let start = path
        .iter()
        .rposition(|&b| b == b'\\' || b == b'/' || b == b':')
        .map_or(0, |i| i + 1);
    &path[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_bare_names() {
        assert_eq!(basename(br"C:\Users\alice\Desktop\x.pdf"), b"x.pdf");
        assert_eq!(basename(b"/home/alice/x.pdf"), b"x.pdf");
        assert_eq!(basename(b"C:x.pdf"), b"x.pdf");
        assert_eq!(basename(b"x.pdf"), b"x.pdf");
    }

    #[test]
    fn packaged_files_read_back_as_written() {
        let data = Native::write(2, b"x.pdf", br"C:\a\x.pdf", br"C:\t\x.pdf", b"%PDF-1.4");
        let mut with_tail = data.clone();
        with_tail.extend_from_slice(&[1, 0, 0, 0, b'x', 0]);
        let size = (with_tail.len() - 4) as u32;
        with_tail[..4].copy_from_slice(&size.to_le_bytes());
        let n = Native::parse(&with_tail).unwrap();
        assert_eq!((n.flags, n.tail), (2, 6));
        assert_eq!(n.path, br"C:\a\x.pdf");
        assert_eq!(n.temp, br"C:\t\x.pdf");
        assert_eq!(n.file, b"%PDF-1.4");
        for cut in 0..data.len() {
            assert!(Native::parse(&data[..cut]).is_none());
        }
    }

    #[test]
    fn linked_objects_are_not_embedded_only() {
        let mut ole = vec![1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert!(embedded_only(&ole));
        ole[4] = 1;
        assert!(!embedded_only(&ole));
    }
}
