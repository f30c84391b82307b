//! What happened to one file, and the one place that turns it into text or JSON: a status
//! (an enum, never a string that drives control flow), what was removed, and on failure the
//! error itself (with its subject and code), not a flattened copy of it.

use std::borrow::Cow;
use std::path::Path;

use privkit_core::{escape, output, Code, Error, Outcome};
use serde::{Serialize, Serializer};

use crate::engine::{Category, Found};
use crate::job::Mode;
use crate::tags::{category, value};
use crate::APPLET;

/// A finding as --show and --json present it: what it gives away, the tag format it is in,
/// where in the file, its name and its value (raw here: escaped when printed as text).
#[derive(Debug, Serialize)]
pub struct Item<'a> {
    pub category: Category,
    pub format: &'a str,
    pub location: &'a str,
    pub name: &'a str,
    pub value: Cow<'a, str>,
}

impl<'a> Item<'a> {
    /// `kind` is the tag format and, after its first word, where it is (`EXIF GPS`,
    /// `PDF annotation`); a name `part: what` (the rewritten parts of an office document)
    /// says in which part it lives.
    pub fn of(f: &'a Found) -> Item<'a> {
        let (format, mut location) = f.kind.split_once(' ').unwrap_or((&f.kind, ""));
        let mut name = f.name.as_str();
        if location.is_empty() {
            if let Some((part, what)) = f.name.split_once(": ") {
                if part.contains('/') || part.contains('.') {
                    location = part;
                    name = what;
                }
            }
        }
        let category = category::of(f);
        let value = match category {
            Category::Time => Cow::Owned(value::iso_date(&f.value)),
            _ => Cow::Borrowed(f.value.as_str()),
        };
        Item {
            category,
            format,
            location,
            name: name.trim_start_matches('<').trim_end_matches('>'),
            value,
        }
    }
}

fn items<S: Serializer>(found: &[Found], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(found.iter().map(Item::of))
}

/// The categories a file's findings fall in, in --show's order.
fn categories<'a>(lists: impl IntoIterator<Item = &'a Found>) -> Vec<Category> {
    let mut seen: Vec<Category> = lists.into_iter().map(category::of).collect();
    seen.sort();
    seen.dedup();
    seen
}

/// The `status` of a file in --json and what the text output says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Written without what it carried.
    Cleaned,
    /// Nothing to remove.
    Clean,
    /// --check: something to remove.
    Dirty,
    /// --show: listed.
    Shown,
    /// --recursive: the output of the input beside it, left out.
    Skipped,
    /// Could not be processed: see `error`.
    Error,
    /// Not of a format mat-strip knows (see `error`); with --skip-unsupported it does not
    /// change the exit status.
    Unsupported,
}

/// One file's report; one JSON object per file with --json.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub input: String,
    pub output: Option<String>,
    pub format: Option<&'static str>,
    pub status: Status,
    #[serde(serialize_with = "items")]
    pub removed: Vec<Found>,
    /// Members of a container kept by a known rule that may still identify (macros).
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "items")]
    pub kept: Vec<Found>,
    /// Members of an unknown kind kept unchecked (--unknown keep): findings.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "items")]
    pub unchecked: Vec<Found>,
    /// In JSON, `SUBJECT: message` raw (JSON escapes it); on stderr, the one-line report.
    #[serde(serialize_with = "error_text")]
    pub error: Option<Error>,
    #[serde(skip)]
    pub code: Code,
}

fn error_text<S: Serializer>(error: &Option<Error>, s: S) -> Result<S::Ok, S::Error> {
    match error {
        Some(e) => match e.subject() {
            Some(subject) => s.serialize_str(&format!("{subject}: {}", e.message())),
            None => s.serialize_str(e.message()),
        },
        None => s.serialize_none(),
    }
}

impl FileReport {
    /// The report of a file that was read and understood; the job fills in the rest.
    pub fn new(input: &Path, format: &'static str, status: Status) -> FileReport {
        FileReport {
            input: input.display().to_string(),
            output: None,
            format: Some(format),
            status,
            removed: Vec::new(),
            kept: Vec::new(),
            unchecked: Vec::new(),
            error: None,
            code: Code::Ok,
        }
    }

    /// The report of a file that could not be processed.
    pub fn failed(input: &Path, err: Error) -> FileReport {
        FileReport {
            format: None,
            code: err.code(),
            error: Some(err),
            ..FileReport::new(input, "", Status::Error)
        }
    }

    /// A file whose format is not recognised.
    pub fn unsupported(input: &Path, err: Error) -> FileReport {
        FileReport {
            status: Status::Unsupported,
            ..FileReport::failed(input, err)
        }
    }

    /// A file --recursive left out as the output of the input beside it.
    pub fn skipped(path: &Path) -> FileReport {
        FileReport {
            format: None,
            ..FileReport::new(path, "", Status::Skipped)
        }
    }
}

/// How the reports are printed: --json, --quiet (text: only errors, and --check's findings),
/// --skip-unsupported (an unsupported file does not change the exit status).
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub json: bool,
    pub quiet: bool,
    pub skip_unsupported: bool,
}

pub fn print(r: &FileReport, mode: Mode, style: Style, outcome: &mut Outcome) -> Result<(), Error> {
    let json = style.json;
    if !(style.skip_unsupported && r.status == Status::Unsupported) {
        outcome.merge(r.code);
    }
    if let Some(err) = &r.error {
        if err.is_quiet() {
            // Standard output was closed: the batch ends silently.
            return Err(Error::broken_pipe());
        }
        output::report(APPLET, err);
        return if json { output::json_line(r) } else { Ok(()) };
    }
    let to_stdout = r.output.is_none() && matches!(mode, Mode::Clean | Mode::InPlace);
    if json {
        return if to_stdout { Ok(()) } else { output::json_line(r) };
    }
    // Quiet: what needs acting on is still said (errors above, files --check found dirty).
    if style.quiet && !(mode == Mode::Check && r.status == Status::Dirty) {
        return Ok(());
    }
    let input = escape(&r.input);
    let format = r.format.unwrap_or("?");
    let n = r.removed.len();
    let u = r.unchecked.len();
    let unchecked = if u == 0 {
        String::new()
    } else {
        format!(", {u} member{} of an unknown kind kept unchecked", plural(u))
    };
    match mode {
        Mode::Show => {
            if n == 0 && u == 0 {
                output::line(format_args!("{input} ({format}): no metadata found"))?;
            } else {
                output::line(format_args!(
                    "{input} ({format}): {n} item{}{unchecked}",
                    plural(n)
                ))?;
            }
            // Grouped by category, what gives the owner away most directly first.
            let lists = [("", &r.removed), ("unchecked ", &r.unchecked), ("kept ", &r.kept)];
            for category in Category::ALL {
                let mut heading = false;
                for (what, list) in lists {
                    for item in list.iter().map(Item::of).filter(|i| i.category == category) {
                        if !heading {
                            output::line(format_args!("  {}:", category.as_str()))?;
                            heading = true;
                        }
                        let place = if item.location.is_empty() {
                            item.format.to_string()
                        } else {
                            format!("{} {}", item.format, item.location)
                        };
                        // A tag present but blank (cameras write empty descriptions) says so.
                        let value = if item.value.trim().is_empty() {
                            "(empty)"
                        } else {
                            &item.value
                        };
                        output::line(format_args!(
                            "    {what}{:<18} {}: {}",
                            escape(&place),
                            escape(item.name),
                            escape(value)
                        ))?;
                    }
                }
            }
        }
        Mode::Check if n > 0 || u > 0 => {
            let found: Vec<&str> = categories(r.removed.iter().chain(&r.unchecked))
                .into_iter()
                .map(Category::as_str)
                .collect();
            output::line(format_args!(
                "{input}: metadata found ({n} item{}{unchecked}: {})",
                plural(n),
                found.join(", ")
            ))?
        }
        Mode::Check => output::line(format_args!("{input}: clean"))?,
        Mode::InPlace | Mode::Clean if to_stdout => {}
        Mode::InPlace if n == 0 && u == 0 => {
            output::line(format_args!("{input}: no metadata found, left as it was"))?
        }
        Mode::InPlace => output::line(format_args!("{input}: removed {n} item{}{unchecked}", plural(n)))?,
        Mode::Clean => output::line(format_args!(
            "{input} -> {}: {}",
            escape(r.output.as_deref().unwrap_or("-")),
            if n == 0 && u == 0 {
                "no metadata found".to_string()
            } else {
                format!("removed {n} item{}{unchecked}", plural(n))
            }
        ))?,
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Lists the files --recursive skipped, after the reports: one line (or JSON object) each.
pub fn print_skipped(skipped: &[crate::Skipped], style: Style) -> Result<(), Error> {
    for s in skipped {
        if style.json {
            output::json_line(&FileReport::skipped(&s.path))?;
        } else if style.quiet {
        } else if let Some(input) = &s.input {
            output::line(format_args!(
                "{}: skipped, the cleaned copy of {}",
                escape(&s.path.to_string_lossy()),
                escape(&input.to_string_lossy())
            ))?;
        } else {
            output::line(format_args!(
                "{}: skipped, the -o directory",
                escape(&s.path.to_string_lossy()),
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report keeps the error (its code and subject) and JSON spells it `SUBJECT: message`;
    /// statuses are lowercase words.
    #[test]
    fn a_failed_report_keeps_its_error() {
        let err = Error::new(Code::CantCreate, "exists and is not a regular file").about("a.cleaned.jpg");
        let report = FileReport::failed(Path::new("a.jpg"), err);
        assert_eq!(report.code, Code::CantCreate);
        assert_eq!(report.error.as_ref().unwrap().subject(), Some("a.cleaned.jpg"));
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["status"], "error");
        assert_eq!(json["error"], "a.cleaned.jpg: exists and is not a regular file");
        assert_eq!(json["format"], serde_json::Value::Null);
        assert!(json.get("kept").is_none());
        let json = serde_json::to_value(FileReport::skipped(Path::new("b"))).unwrap();
        assert_eq!(json["status"], "skipped");
        assert_eq!(json["error"], serde_json::Value::Null);
    }
}
