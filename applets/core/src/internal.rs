//! Internal errors: a panic is a bug in privkit, never a reaction to input (inputs get exit
//! 65). The binary unwinds, so a batch can report one file's panic and go on with the next
//! (and a temporary file is removed by its destructor); this module turns what is left into one
//! escaped line and exit 70.

use std::panic::{self, PanicHookInfo};

use crate::escape::escape;

/// Replaces the default panic message (several lines, raw text) with one escaped line on
/// stderr: `privkit: internal error at FILE:LINE: MESSAGE (please report this bug)`.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        eprintln!("privkit: {}", describe(info));
    }));
}

fn describe(info: &PanicHookInfo<'_>) -> String {
    let payload = payload_text(info.payload());
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!(
        "internal error{place}: {} (please report this bug)",
        escape(&payload)
    )
}

/// The message of a caught panic's payload, for a per-item report.
/// Escaped like every message (a panic text can quote input).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    format!(
        "internal error: {} (please report this bug)",
        escape(&payload_text(payload))
    )
}

/// `panic!("literal")` carries a `&str`, `panic!("{x}")` a `String`.
fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_caught_panic_reads_as_one_escaped_line() {
        let caught = std::panic::catch_unwind(|| panic!("bad index {}", "\x1b[2J")).unwrap_err();
        assert_eq!(
            super::panic_message(caught.as_ref()),
            "internal error: bad index \\x1b[2J (please report this bug)"
        );
    }
}
