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
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, value)
        .map_err(io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(stdout_error)
}

/// Writes one JSON document, pretty-printed, to stdout (for whole-input reports).
pub fn json_document(value: &impl Serialize) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(stdout_error)
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
