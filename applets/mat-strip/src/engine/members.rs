//! What becomes of each member of a container (a zip part, a PDF attachment): nothing passes
//! through unexamined. Every member is
//! - **cleaned**: by its own format (a photo, a nested document) or by the container's XML rules;
//! - **dropped** by a known rule (caches, thumbnails, printer settings), with the reason;
//! - **kept** by a known rule: content or rendering with no metadata of its own (replacement
//!   graphics, VML drawings, macros), listed by --show;
//! - or **unknown**: `--unknown abort|omit|keep` decides (abort by default, like mat2), and a
//!   kept unknown member is a finding, so --check never calls a file clean over something it
//!   did not look into.
//!
//! Each container has one table of name rules, each with its reason; what no rule names is
//! judged by its content ([`by_content`]).

use privkit_core::Error;

use super::model::Found;

/// What to do with a member of no known kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unknown {
    /// Refuse the whole file (65), naming the member.
    #[default]
    Abort,
    /// Leave the member out of the cleaned file.
    Omit,
    /// Keep it as it is; it is listed as unchecked, and --check reports the file.
    Keep,
}

impl Unknown {
    pub const NAMES: [&'static str; 3] = ["abort", "omit", "keep"];

    pub fn parse(name: &str) -> Option<Unknown> {
        match name {
            "abort" => Some(Unknown::Abort),
            "omit" => Some(Unknown::Omit),
            "keep" => Some(Unknown::Keep),
            _ => None,
        }
    }
}

/// A container's verdict on a member, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// An XML part: rewritten by the container's rules.
    Xml,
    /// Dropped, for this reason.
    Drop(&'static str),
    /// Kept as it is, for this reason.
    Keep(&'static str),
    /// Kept as it is, and listed by --show: content that may identify (macros).
    Listed(&'static str),
    /// Judged by its content: cleaned if it is a supported format, else [`by_content`], else
    /// unknown.
    Content,
}

/// How a rule matches a member's name.
#[derive(Debug, Clone, Copy)]
pub enum Name {
    Is(&'static str),
    Prefix(&'static str),
    Suffix(&'static str),
    /// A path segment anywhere (`/printerSettings/`).
    Contains(&'static str),
    /// The last path segment (`vbaProject.bin`, `meta.xml`).
    Base(&'static str),
}

impl Name {
    fn matches(self, name: &str) -> bool {
        match self {
            Name::Is(s) => name == s,
            Name::Prefix(s) => name.starts_with(s),
            Name::Suffix(s) => name.ends_with(s),
            Name::Contains(s) => name.contains(s),
            Name::Base(s) => name.rsplit('/').next() == Some(s),
        }
    }
}

/// One line of a container's table.
pub type Rule = (Name, Verdict);

/// The first rule of `table` that names `name`; [`Verdict::Content`] when none does.
pub fn judge(table: &[Rule], name: &str) -> Verdict {
    table
        .iter()
        .find(|(n, _)| n.matches(name))
        .map_or(Verdict::Content, |(_, v)| *v)
}

/// Members known by their content to carry no metadata of their own: the reason, or None.
pub fn by_content(data: &[u8]) -> Option<&'static str> {
    if data.is_empty() {
        return Some("empty");
    }
    // EMF: record type 1, " EMF" signature at 40. WMF: placeable header, or a memory/disk
    // metafile header. SVM: StarView metafile. These are the pictures office suites store to
    // show an embedded object without its program: drawing records, no document properties.
    if data.get(0..4) == Some(&[1, 0, 0, 0]) && data.get(40..44) == Some(b" EMF") {
        return Some("EMF replacement picture (drawing records only)");
    }
    if data.starts_with(&[0xd7, 0xcd, 0xc6, 0x9a])
        || (data
            .get(0..4)
            .is_some_and(|h| h == [1, 0, 9, 0] || h == [2, 0, 9, 0]))
    {
        return Some("WMF replacement picture (drawing records only)");
    }
    if data.starts_with(b"VCLMTF") {
        return Some("SVM replacement picture (drawing records only)");
    }
    None
}

/// What a container learns about its members besides what it removed.
#[derive(Debug, Default)]
pub struct Members {
    /// Kept by a known rule (listed by --show, not a finding).
    pub kept: Vec<Found>,
    /// Unknown members kept under `--unknown keep`: findings.
    pub unchecked: Vec<Found>,
}

/// What to do with an unknown member under `policy`: Ok(true) to leave it out, Ok(false) to keep
/// it (recorded as unchecked), or the error that refuses the file. `what` says what it looks
/// like, for the message.
pub fn unknown(
    policy: Unknown,
    kind: &str,
    name: &str,
    what: &str,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<bool, Error> {
    match policy {
        Unknown::Abort => Err(Error::data(format!(
            "{kind}: member {name} is of an unknown kind ({what}): mat-strip cannot check it for \
             metadata (--unknown omit leaves it out, --unknown keep keeps it unchecked)"
        ))),
        Unknown::Omit => {
            removed.push(Found::new(
                kind,
                name,
                format!("unknown member ({what}), left out (--unknown omit)"),
            ));
            Ok(true)
        }
        Unknown::Keep => {
            members.unchecked.push(Found::new(
                kind,
                name,
                format!("unknown member ({what}), kept unchecked (--unknown keep)"),
            ));
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_rule_that_names_a_member_wins() {
        const TABLE: &[Rule] = &[
            (Name::Base("vbaProject.bin"), Verdict::Keep("macros")),
            (Name::Contains("/printerSettings/"), Verdict::Drop("printer")),
            (Name::Suffix(".xml"), Verdict::Xml),
        ];
        assert_eq!(judge(TABLE, "xl/vbaProject.bin"), Verdict::Keep("macros"));
        assert_eq!(
            judge(TABLE, "word/printerSettings/printerSettings1.bin"),
            Verdict::Drop("printer")
        );
        assert_eq!(judge(TABLE, "word/document.xml"), Verdict::Xml);
        assert_eq!(judge(TABLE, "word/embeddings/oleObject1.bin"), Verdict::Content);
    }

    #[test]
    fn replacement_pictures_are_known_by_content() {
        let mut emf = vec![1, 0, 0, 0];
        emf.resize(40, 0);
        emf.extend_from_slice(b" EMF");
        assert!(by_content(&emf).is_some());
        assert!(by_content(b"VCLMTF\x01\x00").is_some());
        assert!(by_content(b"\xd0\xcf\x11\xe0 an OLE file").is_none());
    }

    #[test]
    fn policies() {
        let (mut removed, mut members) = (Vec::new(), Members::default());
        let err = unknown(
            Unknown::Abort,
            "OOXML",
            "x.bin",
            "binary data",
            &mut removed,
            &mut members,
        )
        .unwrap_err();
        assert!(err.message().contains("member x.bin is of an unknown kind"));
        assert!(unknown(Unknown::Omit, "OOXML", "x.bin", "b", &mut removed, &mut members).unwrap());
        assert_eq!(removed.len(), 1);
        assert!(!unknown(Unknown::Keep, "OOXML", "x.bin", "b", &mut removed, &mut members).unwrap());
        assert_eq!(members.unchecked.len(), 1);
    }
}
