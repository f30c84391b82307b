//! The model every format shares: the options, what was found, what a cleaner returns, and the
//! trait a format implements.

use privkit_core::Error;
use serde::Serialize;

use super::ctx::Ctx;
use super::members::{Members, Unknown};
use super::plan::Plan;
use super::source::Source;

/// Choices that change what is kept.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Keep the EXIF Orientation value (in a minimal EXIF block) so photos display upright.
    pub keep_orientation: bool,
    /// Drop ICC colour profiles too.
    pub strip_icc: bool,
    /// Documents: drop annotations (comments, highlights) themselves, not only their authors.
    pub remove_annotations: bool,
    /// Containers: what to do with a member of no known kind.
    pub unknown: Unknown,
    /// Archives (zip, tar): the same, for a member of no known kind. Keep (and list) unless
    /// `--unknown` was given: a user's README is not a surprise in a tarball as an unknown
    /// part is in a document, but an explicit `--unknown abort` aborts.
    pub archive_unknown: Unknown,
    /// Document content removed on request (--remove).
    pub remove: Remove,
    /// Only how many things are removed will be reported (cleaning with text output): a
    /// format may leave the values of what it removes wholesale empty instead of decoding
    /// them (an MP3's dozens of ID3 frames were most of a batch's user time). What is removed
    /// and the count stay the same.
    pub count_only: bool,
}

/// The command line's defaults: orientation kept, ICC kept, annotations and content kept,
/// unknown members refused.
impl Default for Options {
    fn default() -> Options {
        Options {
            keep_orientation: true,
            strip_icc: false,
            remove_annotations: false,
            unknown: Unknown::default(),
            archive_unknown: Unknown::Keep,
            remove: Remove::default(),
            count_only: false,
        }
    }
}

/// Document content that may identify people but is content, not metadata: kept unless the
/// user names it with --remove, like an office suite's Document Inspector.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Remove {
    /// Comments with their anchors in the text (OOXML word processing and presentations).
    pub comments: bool,
    /// Word's tracked changes accepted: the text is the final text.
    pub changes: bool,
    /// PowerPoint's speaker notes.
    pub notes: bool,
    /// PDF markup annotations (comments, highlights, stamps); links and form widgets stay.
    pub annotations: bool,
    /// PDF embedded files and file attachment annotations.
    pub attachments: bool,
    /// PDF form field values (the fields stay, empty).
    pub forms: bool,
    /// OpenDocument hidden text, paragraphs and sections, PowerPoint hidden slides, Word hidden
    /// runs (Word styles that hide: refused).
    pub hidden: bool,
}

impl Remove {
    /// Whether any content was asked for (a document's parts are then all read at once).
    pub fn any(&self) -> bool {
        *self != Remove::default()
    }

    /// Parses `comments[,KIND...]`; the error is the usage message.
    pub fn parse(list: &str) -> Result<Remove, String> {
        let mut remove = Remove::default();
        for kind in list.split(',').map(str::trim) {
            match kind {
                "comments" => remove.comments = true,
                "changes" => remove.changes = true,
                "notes" => remove.notes = true,
                "annotations" => remove.annotations = true,
                "attachments" => remove.attachments = true,
                "forms" => remove.forms = true,
                "hidden" => remove.hidden = true,
                "all-content" => {
                    remove = Remove {
                        comments: true,
                        changes: true,
                        notes: true,
                        annotations: true,
                        attachments: true,
                        forms: true,
                        hidden: true,
                    }
                }
                k => {
                    return Err(format!(
                        "--remove: unknown kind '{}' (comments, changes, notes, annotations, attachments, forms, hidden, all-content)",
                        privkit_core::escape(k)
                    ))
                }
            }
        }
        Ok(remove)
    }
}

/// What a finding tells about the person who made or shared the file, in the order --show
/// lists them (what gives someone away most directly first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// GPS coordinates, cities, countries.
    Location,
    /// Names, accounts, e-mail addresses, user folders.
    Identity,
    /// Make, model, serial numbers, software.
    Device,
    /// Dates and times.
    Time,
    /// Document content that may identify: comments, changes, notes, hidden content,
    /// annotations, attachments, forms.
    Content,
    /// Anything else.
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Location,
        Category::Identity,
        Category::Device,
        Category::Time,
        Category::Content,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Location => "location",
            Category::Identity => "identity",
            Category::Device => "device",
            Category::Time => "time",
            Category::Content => "content",
            Category::Other => "other",
        }
    }
}

/// One piece of metadata found (and removed by the plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    /// Where it lives: EXIF, XMP, IPTC, PNG tEXt, GIF comment, ...
    pub kind: String,
    /// The tag, key or chunk name.
    pub name: String,
    /// Its value as text (shortened), raw: escape before printing to a terminal.
    pub value: String,
    /// Set by a parser that knows better than the names (`tags::category` decides otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
}

impl Found {
    pub fn new(kind: impl Into<String>, name: impl Into<String>, value: impl Into<String>) -> Found {
        Found {
            kind: kind.into(),
            name: name.into(),
            value: value.into(),
            category: None,
        }
    }

    /// The same finding, found in an embedded file or member `label` (`EXIF GPS in
    /// word/media/image1.jpg`): the tag format stays the first word, the category is kept.
    pub fn inside(self, label: &str) -> Found {
        Found {
            kind: format!("{} in {label}", self.kind),
            ..self
        }
    }

    /// The same finding in a category chosen by its parser.
    pub fn in_category(self, category: Category) -> Found {
        Found {
            category: Some(category),
            ..self
        }
    }
}

/// The result of cleaning one file: what to write, and what it leaves out.
#[derive(Debug, Default)]
pub struct Cleaned {
    pub plan: Plan,
    pub removed: Vec<Found>,
    /// Members of a container kept by a known rule or, unknown, unchecked.
    pub members: Members,
}

pub trait Format: Sync {
    /// Short name: JPEG, PNG, ...
    fn name(&self) -> &'static str;
    /// What is removed and what is kept, for --list-formats.
    fn describe(&self) -> &'static str;
    /// Whether the first bytes of a file are this format's.
    fn sniff(&self, head: &[u8]) -> bool;
    /// Finds what the file carries and, unless `cx` is only inspecting (--show, --check), plans
    /// the cleaned file. Must not panic or read beyond the input on any input.
    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error>;
    /// Whether `bytes`, which `sniff` claimed, can be read at all. False makes an embedded
    /// file of this format an unknown member (`--unknown` decides: abort names it, omit leaves
    /// it out) instead of refusing the whole container: an OLE object too damaged to read is a
    /// member mat-strip cannot check. The default (true) keeps damage a refusal.
    fn readable(&self, _bytes: &[u8]) -> bool {
        true
    }
}

/// Cleans `src` as `format`, and checks the plan against the input before anything is written:
/// the one place a plan is accepted from a cleaner.
pub fn clean(format: &dyn Format, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
    let cleaned = format.plan(src, cx)?;
    cleaned.plan.check(src.len())?;
    Ok(cleaned)
}

/// A summary of a metadata value: text as text (controls included: the printer escapes them),
/// shortened; anything that is not UTF-8 as its size.
pub fn summary(bytes: &[u8]) -> String {
    const MAX: usize = 200;
    let trimmed: &[u8] = match bytes.iter().rposition(|&b| b != 0) {
        Some(end) => &bytes[..=end],
        None => &[],
    };
    match std::str::from_utf8(trimmed) {
        Ok(text) if !text.contains('\0') => {
            if text.chars().count() > MAX {
                format!(
                    "{}... ({} bytes)",
                    text.chars().take(MAX).collect::<String>(),
                    bytes.len()
                )
            } else {
                text.to_string()
            }
        }
        _ => format!("({} bytes of binary data)", bytes.len()),
    }
}
