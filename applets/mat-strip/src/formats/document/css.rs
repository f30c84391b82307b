//! CSS style sheets. Their only metadata is comments (`/* theme by …, 2019 */`), which are cut
//! out; every other byte stays as it was. The lexer knows where `/*` does not start a comment:
//! inside a quoted string (escapes included) and inside an unquoted `url(…)`.
//!
//! CSS has no magic number, so it is recognised by its text (see [`looks_like_css`]); the
//! format is the last in the registry so every format with a signature (SVG, HTML) wins first.

use std::ops::Range;

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};

pub struct Css;

impl Format for Css {
    fn name(&self) -> &'static str {
        "CSS"
    }

    fn describe(&self) -> &'static str {
        "CSS style sheets: removes /* comments */; rules, strings and url() byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        looks_like_css(head)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let text = super::text::read(src, cx, "style sheet")?;
        let spans = comments(&text)?;
        let removed = spans
            .iter()
            .map(|span| Found::new("CSS", "comment", summary(&text[span.clone()])))
            .collect();
        let plan = super::text::without(text.len(), &spans);
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

/// Text that starts (after a BOM, white space and comments) like a style sheet: an at-rule, or
/// a selector whose block opens before any `<` or `;` (which HTML, XML, C and prose would show
/// first). Plain text that happens to read like a rule is taken for CSS: cleaning it only
/// removes `/* … */` spans.
pub fn looks_like_css(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if head.contains(&0) {
        return false;
    }
    // Judged without its comments, so a sheet is still one once they are cut out (a comment
    // longer than the head ends it).
    let (spans, open) = scan(head);
    let mut text = Vec::with_capacity(head.len());
    let mut kept = 0;
    for span in spans {
        text.extend_from_slice(&head[kept..span.start]);
        kept = span.end;
    }
    text.extend_from_slice(&head[kept..open.unwrap_or(head.len())]);
    let start = text.iter().position(|c| !c.is_ascii_whitespace());
    let rest = &text[start.unwrap_or(text.len())..];
    if rest.is_empty() {
        return open.is_some();
    }
    if let Some(at_rule) = rest.strip_prefix(b"@") {
        return [
            &b"charset "[..],
            b"import ",
            b"media ",
            b"font-face",
            b"namespace ",
            b"layer ",
            b"supports ",
            b"keyframes ",
        ]
        .iter()
        .any(|k| at_rule.starts_with(k));
    }
    let selector = |c: &u8| c.is_ascii_alphanumeric() || b"*.#:[_-".contains(c);
    if !rest.first().is_some_and(selector) {
        return false;
    }
    match rest.iter().position(|c| b"{<;}\"'".contains(c)) {
        Some(open) => rest[open] == b'{' && rest[open + 1..].contains(&b'}'),
        None => false,
    }
}

/// The comments of a style sheet, `/*` to `*/` inclusive. An unclosed comment is an error (a
/// truncated file); an unclosed string ends at its line's end, as CSS parsers read it.
pub fn comments(b: &[u8]) -> Result<Vec<Range<usize>>, Error> {
    match scan(b) {
        (spans, None) => Ok(spans),
        (_, Some(_)) => Err(Error::data("truncated CSS: comment not closed")),
    }
}

/// The closed comments, and where an unclosed one starts.
fn scan(b: &[u8]) -> (Vec<Range<usize>>, Option<usize>) {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let Some(end) = b[i + 2..].windows(2).position(|w| w == b"*/") else {
                    return (spans, Some(i));
                };
                let end = i + 2 + end + 2;
                spans.push(i..end);
                i = end;
            }
            quote @ (b'"' | b'\'') => i = string_end(b, i + 1, quote),
            b'(' if url_before(b, i) => {
                let mut j = i + 1;
                while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                i = match b.get(j) {
                    // A quoted URL is a string: the main loop reads it.
                    Some(b'"' | b'\'') => j,
                    _ => b[j..]
                        .iter()
                        .position(|&c| c == b')')
                        .map_or(b.len(), |n| j + n + 1),
                };
            }
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    (spans, None)
}

/// Where a quoted string that starts at `at` (after its quote) ends.
fn string_end(b: &[u8], mut at: usize, quote: u8) -> usize {
    while let Some(&c) = b.get(at) {
        match c {
            b'\\' => at += 2,
            b'\n' => return at,
            c if c == quote => return at + 1,
            _ => at += 1,
        }
    }
    b.len()
}

/// Whether the `(` at `at` opens `url(` (any case).
fn url_before(b: &[u8], at: usize) -> bool {
    at >= 3
        && b[at - 3..at].eq_ignore_ascii_case(b"url")
        && (at == 3 || !(b[at - 4].is_ascii_alphanumeric() || b"-_".contains(&b[at - 4])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut kept = 0;
        for r in comments(s.as_bytes()).unwrap() {
            out.push_str(&s[kept..r.start]);
            kept = r.end;
        }
        out + &s[kept..]
    }

    #[test]
    fn comments_go_strings_and_urls_stay() {
        assert_eq!(strip("a{b:c}/* x */d{}"), "a{b:c}d{}");
        assert_eq!(strip(r#"a{content:"/* no */"}"#), r#"a{content:"/* no */"}"#);
        assert_eq!(strip(r#"a{content:'\'/* no */'}"#), r#"a{content:'\'/* no */'}"#);
        assert_eq!(strip("a{b:url(x/*y*/z)}/**/"), "a{b:url(x/*y*/z)}");
        assert_eq!(strip("a{b:url( \"/*\" )/*c*/}"), "a{b:url( \"/*\" )}");
        assert_eq!(strip("a{b:\\/*c*/}"), "a{b:\\/*c*/}");
        assert!(comments(b"a{} /* open").is_err());
    }

    #[test]
    fn detection() {
        assert!(looks_like_css(b"/* x */ a{}"));
        assert!(looks_like_css(b"/* x"));
        assert!(!looks_like_css(b"/* x */ <html>"));
        assert!(looks_like_css(b"a /* ; */ { }"));
        assert!(!looks_like_css(b"a /* { } */ ; "));
        assert!(looks_like_css(b"\xef\xbb\xbf@charset \"utf-8\";"));
        assert!(looks_like_css(b"body { color: red }"));
        assert!(looks_like_css(b".a, #b > c:hover { x: y }"));
        assert!(!looks_like_css(b"<html><style>a{}</style>"));
        assert!(!looks_like_css(b"{\"json\": 1}"));
        assert!(!looks_like_css(b"#include <stdio.h>\nint main() {}"));
        assert!(!looks_like_css(b"hello, I am text\n"));
        assert!(!looks_like_css(b"int x; void f() {}"));
    }
}
