//! Writing results and diagnostics. Results go to stdout, one line at a time; diagnostics go to
//! stderr as `privkit APPLET: SUBJECT: message`. A closed stdout ends the run quietly.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::Error;

/// Writes one line of human output to stdout. The caller escapes untrusted parts.
pub fn line(text: impl std::fmt::Display) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}").map_err(stdout_error)
}

/// Writes one JSON document on one line to stdout.
pub fn json_line(value: &impl Serialize) -> Result<(), Error> {
    let text = serde_json::to_string(value).map_err(|e| Error::writing("standard output", &e.into()))?;
    write_json(&text)
}

/// Writes one JSON document, pretty-printed, to stdout (for whole-input reports).
pub fn json_document(value: &impl Serialize) -> Result<(), Error> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| Error::writing("standard output", &e.into()))?;
    write_json(&text)
}

fn write_json(text: &str) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    out.write_all(terminal_safe_json(text).as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(stdout_error)
}

/// serde_json escapes C0 controls but writes DEL, the C1 controls (U+0085, U+009B: a CSI on
/// some terminals) and bidi overrides raw. JSON is read on terminals too (`| less`, a failed
/// `jq`), so those are written as `\uXXXX` escapes as well: the same string to a JSON parser.
/// They can only occur inside strings, where such an escape is valid. (A raw newline is
/// structure, from pretty-printing: serde_json already escapes those inside strings.)
fn terminal_safe_json(text: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write as _;
    let unsafe_char = |c: char| c != '\n' && crate::escape::is_terminal_trap(c);
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            // Characters beyond U+FFFF (the tag characters) are two UTF-16 escapes in JSON.
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn stdout_error(err: io::Error) -> Error {
    if err.kind() == io::ErrorKind::BrokenPipe {
        Error::broken_pipe()
    } else {
        Error::writing("standard output", &err)
    }
}

/// Reports an error on stderr as `privkit APPLET: SUBJECT: message` (`privkit: ...` for
/// privkit's own errors, when `applet` is empty).
pub fn report(applet: &str, err: &Error) {
    if err.is_quiet() {
        return;
    }
    let _ = writeln!(io::stderr().lock(), "{}: {err}", prefix(applet));
}

/// Reports a warning (the run goes on, the exit code is not raised by this call).
pub fn warn(applet: &str, message: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "{}: warning: {message}", prefix(applet));
}

fn prefix(applet: &str) -> String {
    if applet.is_empty() {
        "privkit".to_string()
    } else {
        format!("privkit {applet}")
    }
}

/// True when stderr is a terminal and colours/progress may be shown (`NO_COLOR` honoured).
pub fn stderr_is_interactive() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::terminal_safe_json;

    #[test]
    fn json_never_carries_a_raw_terminal_control() {
        let value = "a\u{1b}[2Jb\u{7f}\u{9b}c\u{202e}d\né\u{e0041}\u{3164}";
        let text = serde_json::to_string(&value).unwrap();
        let safe = terminal_safe_json(&text);
        assert!(!safe.chars().any(crate::escape::is_terminal_trap), "{safe}");
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        // Pretty-printed documents keep their structural newlines.
        let doc = serde_json::to_string_pretty(&serde_json::json!({ "k": value })).unwrap();
        let back: serde_json::Value = serde_json::from_str(&terminal_safe_json(&doc)).unwrap();
        assert_eq!(back["k"], value);
    }
}
