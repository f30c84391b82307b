//! Printing what was found: a readable block per image, one JSON object per code (or per image
//! without one), or the payloads alone (--raw).

use std::borrow::Cow;

use privkit_core::{escape, output, Code, Error};
use serde::Serialize;

use crate::blocklist::Blocklists;
use crate::checks::{self, Inspection, Reason, Verdict};
use crate::decode::{Payload, Symbology};
use crate::mask;
use crate::APPLET;

/// One code as the printer needs it.
pub struct Found {
    pub payload: Payload,
    pub symbology: Symbology,
}

#[derive(Clone, Copy, PartialEq)]
pub enum Style {
    Human,
    Json,
    /// The payloads only, one per line; escaped unless `escape` is false.
    Raw {
        escape: bool,
    },
}

pub struct Printer {
    pub style: Style,
    pub show_secrets: bool,
}

#[derive(Serialize)]
struct JsonCode<'a> {
    file: &'a str,
    status: &'static str,
    index: usize,
    format: &'static str,
    /// The payload, or null when it is binary (then `bytes_hex` holds it).
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes_hex: Option<String>,
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

/// An image that gave no code: none found, or not readable.
#[derive(Serialize)]
struct JsonFailure<'a> {
    file: &'a str,
    status: &'static str,
    error: &'a str,
}

impl Printer {
    /// Inspects and prints the codes found in one image; returns the exit code they call for.
    pub fn file(&self, file: &str, codes: &[Found], lists: &Blocklists) -> Result<Code, Error> {
        if codes.is_empty() {
            let err = Error::new(Code::NothingFound, "no QR code found").about(file);
            self.failure(file, &err)?;
            return Ok(Code::NothingFound);
        }
        if self.style == Style::Human {
            let n = codes.len();
            output::line(format_args!(
                "{}: {n} QR code{}",
                escape(file),
                if n == 1 { "" } else { "s" }
            ))?;
        }
        let mut worst = Verdict::Ok;
        for (i, code) in codes.iter().enumerate() {
            let inspection = checks::inspect(&code.payload, lists);
            worst = worst.max(inspection.verdict);
            let shown: Cow<str> = match &code.payload {
                Payload::Text(text) if self.show_secrets => Cow::Borrowed(text),
                Payload::Text(text) => mask::mask(text, inspection.kind),
                Payload::Binary(bytes) => Cow::Owned(hex(bytes)),
            };
            let binary = matches!(code.payload, Payload::Binary(_));
            match self.style {
                Style::Json => self.print_json(file, i + 1, code, &shown, binary, &inspection)?,
                Style::Human => print_human(i + 1, code, &shown, &inspection)?,
                Style::Raw { escape: true } => output::line(escape(&shown))?,
                Style::Raw { escape: false } => output::line(&shown)?,
            }
        }
        Ok(match worst {
            Verdict::Ok => Code::Ok,
            Verdict::Warn => Code::Findings,
            Verdict::Blocked => Code::Blocked,
        })
    }

    /// Reports an image that gave no code: on stderr always, and as an object with --json so
    /// that the document covers every input.
    pub fn failure(&self, file: &str, err: &Error) -> Result<(), Error> {
        output::report(APPLET, err);
        if self.style == Style::Json {
            output::json_line(&JsonFailure {
                file,
                status: if err.code() == Code::NothingFound {
                    "no-code"
                } else {
                    "error"
                },
                error: err.message(),
            })?;
        }
        Ok(())
    }

    fn print_json(
        &self,
        file: &str,
        index: usize,
        code: &Found,
        shown: &str,
        binary: bool,
        i: &Inspection,
    ) -> Result<(), Error> {
        output::json_line(&JsonCode {
            file,
            status: "decoded",
            index,
            format: code.symbology.name(),
            text: (!binary).then_some(shown),
            bytes_hex: binary.then(|| shown.to_string()),
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

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn print_human(index: usize, code: &Found, text: &str, i: &Inspection) -> Result<(), Error> {
    let format = match code.symbology {
        Symbology::Qr => String::new(),
        other => format!("{}, ", other.name()),
    };
    output::line(format_args!(
        "  [{index}] {} ({format}{}): {}",
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

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_lowercase_pairs() {
        assert_eq!(super::hex(&[0x89, b'P', 0, 0xff]), "895000ff");
    }
}
