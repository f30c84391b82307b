//! Printing what was found: a readable block per image, or one JSON object per code.

use privkit_core::{escape, output, Code, Error};
use serde::Serialize;

use crate::blocklist::Blocklists;
use crate::checks::{self, Inspection, Reason, Verdict};
use crate::mask;
use crate::APPLET;

pub struct Printer {
    pub json: bool,
    pub show_secrets: bool,
}

#[derive(Serialize)]
struct JsonCode<'a> {
    file: &'a str,
    index: usize,
    text: &'a str,
    kind: &'static str,
    verdict: &'static str,
    reasons: &'a [Reason],
    rule: Option<JsonRule>,
}

#[derive(Serialize)]
struct JsonRule {
    list: String,
    line: u32,
    pattern: String,
}

impl Printer {
    /// Inspects and prints the codes found in one image; returns the exit code they call for.
    pub fn file(&self, file: &str, texts: &[String], lists: &Blocklists) -> Result<Code, Error> {
        if texts.is_empty() {
            let err = Error::new(Code::NothingFound, "no QR code found").about(file);
            output::report(APPLET, &err);
            return Ok(Code::NothingFound);
        }
        if !self.json {
            let n = texts.len();
            output::line(format_args!(
                "{}: {n} QR code{}",
                escape(file),
                if n == 1 { "" } else { "s" }
            ))?;
        }
        let mut worst = Verdict::Ok;
        for (i, text) in texts.iter().enumerate() {
            let inspection = checks::inspect(text, lists);
            worst = worst.max(inspection.verdict);
            let shown = if self.show_secrets {
                std::borrow::Cow::Borrowed(text.as_str())
            } else {
                mask::mask(text, inspection.kind)
            };
            if self.json {
                self.print_json(file, i + 1, &shown, &inspection)?;
            } else {
                print_human(i + 1, &shown, &inspection)?;
            }
        }
        Ok(match worst {
            Verdict::Ok => Code::Ok,
            Verdict::Warn => Code::Findings,
            Verdict::Blocked => Code::Blocked,
        })
    }

    fn print_json(&self, file: &str, index: usize, text: &str, i: &Inspection) -> Result<(), Error> {
        output::json_line(&JsonCode {
            file,
            index,
            text,
            kind: i.kind.name(),
            verdict: i.verdict.name(),
            reasons: &i.reasons,
            rule: i.rule.as_ref().map(|hit| JsonRule {
                list: hit.list.display().to_string(),
                line: hit.line,
                pattern: hit.pattern.clone(),
            }),
        })
    }
}

fn print_human(index: usize, text: &str, i: &Inspection) -> Result<(), Error> {
    output::line(format_args!(
        "  [{index}] {} ({}): {}",
        i.verdict.name().to_uppercase(),
        i.kind.name(),
        escape(text)
    ))?;
    for r in &i.reasons {
        output::line(format_args!("      {}: {}", r.code, escape(&r.detail)))?;
    }
    if let Some((blocked_by, allowed_by)) = &i.allowed {
        output::line(format_args!(
            "      allowlisted: rule \"{}\" ({} line {}) overrides \"{}\" ({} line {})",
            escape(&allowed_by.pattern),
            escape(&allowed_by.list.to_string_lossy()),
            allowed_by.line,
            escape(&blocked_by.pattern),
            escape(&blocked_by.list.to_string_lossy()),
            blocked_by.line
        ))?;
    }
    Ok(())
}
