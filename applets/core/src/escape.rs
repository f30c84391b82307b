//! Escaping of untrusted text (metadata values, QR payloads, entry titles, file names) before it
//! reaches a terminal. A hostile string must not be able to move the cursor, retitle the window,
//! hide text with bidi overrides, or smuggle invisible characters into what the user reads.

use std::borrow::Cow;
use std::fmt::Write;

/// Returns `text` with every character that could mislead or drive a terminal written as a
/// visible escape: C0/C1 controls and DEL as `\n`, `\t`, `\x1b`, `\u{85}`; bidi controls and
/// zero-width characters as `\u{202e}`. A backslash is doubled so the result is unambiguous.
/// Text that needs nothing is returned borrowed.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c) {
            out.push(c);
            continue;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Escapes bytes that may not be UTF-8 (a file name, a raw metadata value): invalid sequences
/// are shown as `\xNN`, the rest as [`escape`] does.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escape(chunk.valid()));
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c == '\\' || is_terminal_trap(c)
}

/// True for the characters that [`escape`] never lets through raw: controls (C0, DEL, C1) and
/// the invisible format characters. Applets use it to flag text that holds them.
pub fn is_terminal_trap(c: char) -> bool {
    c.is_control() || is_format_trap(c)
}

/// Invisible characters that change how the text around them reads: bidi embeddings,
/// overrides, isolates and marks, zero-width spaces and joiners, the BOM, soft hyphen, and the
/// invisible operators. (Unicode general category Cf, the part of it that terminals honour.)
fn is_format_trap(c: char) -> bool {
    matches!(c,
        '\u{00ad}'
        | '\u{061c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
    ) || is_invisible_filler(c)
}

/// Characters that render as nothing yet are not controls, so text can hide behind them: the
/// Unicode tag characters (U+E0000-U+E007F, invisible ASCII look-alikes that carry a hidden
/// message after a visible one) and the Hangul fillers that many fonts draw as blank space.
fn is_invisible_filler(c: char) -> bool {
    matches!(
        c,
        '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' | '\u{e0000}'..='\u{e007f}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape("Holiday Photo ÉTÉ.JPEG"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_are_visible() {
        assert_eq!(escape("a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
        assert_eq!(escape("l1\nl2\tx\r"), "l1\\nl2\\tx\\r");
        assert_eq!(escape("\u{7f}\u{9b}"), "\\x7f\\u{9b}");
        assert_eq!(escape("back\\slash"), "back\\\\slash");
    }

    #[test]
    fn bidi_and_zero_width_are_visible() {
        assert_eq!(escape("invoice\u{202e}fdp.exe"), "invoice\\u{202e}fdp.exe");
        assert_eq!(escape("pay\u{200b}pal"), "pay\\u{200b}pal");
        assert_eq!(escape("\u{feff}x"), "\\u{feff}x");
    }

    #[test]
    fn tag_characters_and_fillers_are_visible() {
        assert_eq!(escape("ok\u{e0041}\u{e007f}"), "ok\\u{e0041}\\u{e007f}");
        assert_eq!(
            escape("a\u{3164}b\u{ffa0}\u{115f}\u{1160}"),
            "a\\u{3164}b\\u{ffa0}\\u{115f}\\u{1160}"
        );
        assert!(is_terminal_trap('\u{e0001}'));
    }

    #[test]
    fn invalid_utf8_is_shown_as_bytes() {
        assert_eq!(escape_bytes(b"ok\xff\x1b"), "ok\\xff\\x1b");
    }

    #[test]
    fn no_output_ever_holds_a_raw_control() {
        for cp in (0u32..0x3200).chain(0xfe00..0x10000).chain(0xe0000..0xe0100) {
            let Some(c) = char::from_u32(cp) else { continue };
            let s = escape(&c.to_string()).into_owned();
            assert!(!s.chars().any(is_terminal_trap), "U+{cp:04X}");
        }
    }
}
