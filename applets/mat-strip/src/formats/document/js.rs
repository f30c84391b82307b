//! Comments of inline JavaScript (a page's `<script>`): `//` and `/* */`, and in classic
//! (non-module) scripts the HTML-like comments of ECMAScript's Annex B (`<!--` to the end of
//! its line, `-->` at the start of a line: the old "hide the script" wrappers, whose line often
//! says who wrote it). A small lexer skips strings, template literals (with their `${}`
//! nesting) and regular expressions, so a `//` inside them is not taken for a comment; a `/`
//! is a regular expression where an expression may start (after an operator, a bracket or a
//! keyword such as `return`), a division after a name, a number or a closing bracket.
//! Licence notices (`/*!`, `@license`, `@preserve`: what minifiers keep) are not metadata of
//! the page: kept.

use std::ops::Range;

use privkit_core::Error;

/// Words after which a `/` starts a regular expression, not a division.
const BEFORE_REGEX: &[&[u8]] = &[
    b"return",
    b"typeof",
    b"instanceof",
    b"in",
    b"of",
    b"new",
    b"delete",
    b"void",
    b"throw",
    b"case",
    b"do",
    b"else",
    b"yield",
    b"await",
];

/// A comment: where it is, whole (`//` comments end before their line's end).
#[derive(Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Range<usize>,
    /// A `/* */` comment (it separates tokens: the cut must leave something in its place).
    pub block: bool,
}

/// The comments of a script's text `b`, in order; `classic` for a non-module script. An
/// unclosed string, template, regular expression or comment is an error: the script cannot be
/// read exactly, so nothing is guessed.
pub fn comments(b: &[u8], classic: bool) -> Result<Vec<Comment>, Error> {
    let mut found = Vec::new();
    let mut i = 0;
    // Whether the last token ends an expression (a `/` after it is a division).
    let mut after_value = false;
    // Only white space and block comments since the line began (for `-->`).
    let mut line_start = true;
    let mut braces = 0usize;
    // The brace depth of each open `${` of a template literal.
    let mut templates: Vec<usize> = Vec::new();
    let line_end = |from: usize| {
        b[from..]
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(b.len(), |n| from + n)
    };
    while i < b.len() {
        let c = b[i];
        let rest = &b[i..];
        if c.is_ascii_whitespace() {
            line_start |= c == b'\n' || c == b'\r';
            i += 1;
            continue;
        }
        let line_comment = rest.starts_with(b"//")
            || (classic && rest.starts_with(b"<!--"))
            || (classic && line_start && rest.starts_with(b"-->"));
        if line_comment {
            let end = line_end(i);
            found.push(Comment {
                span: i..end,
                block: false,
            });
            i = end;
            continue;
        }
        if rest.starts_with(b"/*") {
            let n = find(&rest[2..], b"*/").ok_or_else(|| bad(i, "comment not closed"))?;
            let end = i + 2 + n + 2;
            let text = &b[i..end];
            let licence = text.starts_with(b"/*!")
                || find(text, b"@license").is_some()
                || find(text, b"@preserve").is_some();
            // `/**/` is what a cut comment on a line with code leaves: nothing in it.
            if !licence && end - i > 4 {
                found.push(Comment {
                    span: i..end,
                    block: true,
                });
            }
            line_start |= text.iter().any(|&c| c == b'\n' || c == b'\r');
            i = end;
            continue;
        }
        line_start = false;
        match c {
            b'\'' | b'"' => {
                i = string_end(b, i)?;
                after_value = true;
            }
            b'`' => {
                (i, after_value) = template_part(b, i + 1, &mut templates, braces)?;
            }
            b'/' if !after_value => {
                i = regex_end(b, i)?;
                after_value = true;
            }
            b'{' => {
                braces += 1;
                i += 1;
                after_value = false;
            }
            b'}' if templates.last() == Some(&braces) => {
                templates.pop();
                (i, after_value) = template_part(b, i + 1, &mut templates, braces)?;
            }
            b'}' => {
                braces = braces.saturating_sub(1);
                i += 1;
                // A block's end is usually followed by a statement, where `/` starts a
                // regular expression.
                after_value = false;
            }
            b')' | b']' => {
                i += 1;
                after_value = true;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                let n = rest
                    .iter()
                    .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80))
                    .unwrap_or(rest.len());
                after_value = !BEFORE_REGEX.contains(&&rest[..n]);
                i += n;
            }
            _ => {
                i += 1;
                after_value = false;
            }
        }
    }
    if !templates.is_empty() {
        return Err(bad(b.len(), "template literal not closed"));
    }
    Ok(found)
}

/// Just after the string literal opening at `at`.
fn string_end(b: &[u8], at: usize) -> Result<usize, Error> {
    let quote = b[at];
    let mut i = at + 1;
    loop {
        match b.get(i) {
            None | Some(b'\n' | b'\r') => return Err(bad(at, "string not closed")),
            Some(b'\\') => i += 2,
            Some(&c) if c == quote => return Ok(i + 1),
            Some(_) => i += 1,
        }
    }
}

/// Reads a template literal's text from `i` up to its closing backquote (the token then ends
/// a value) or to a `${` (pushed on `templates`, code follows).
fn template_part(
    b: &[u8],
    mut i: usize,
    templates: &mut Vec<usize>,
    braces: usize,
) -> Result<(usize, bool), Error> {
    let start = i;
    loop {
        match b.get(i) {
            None => return Err(bad(start, "template literal not closed")),
            Some(b'\\') => i += 2,
            Some(b'`') => return Ok((i + 1, true)),
            Some(b'$') if b.get(i + 1) == Some(&b'{') => {
                templates.push(braces);
                return Ok((i + 2, false));
            }
            Some(_) => i += 1,
        }
    }
}

/// Just after the regular expression literal (and its flags) opening at `at`.
fn regex_end(b: &[u8], at: usize) -> Result<usize, Error> {
    let mut i = at + 1;
    let mut in_class = false;
    loop {
        match b.get(i) {
            None | Some(b'\n' | b'\r') => return Err(bad(at, "regular expression not closed")),
            Some(b'\\') => i += 2,
            Some(b'[') => {
                in_class = true;
                i += 1
            }
            Some(b']') => {
                in_class = false;
                i += 1
            }
            Some(b'/') if !in_class => break,
            Some(_) => i += 1,
        }
    }
    i += 1;
    while b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        i += 1;
    }
    Ok(i)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn bad(at: usize, what: &str) -> Error {
    Error::data(format!(
        "unsupported HTML: inline script cannot be read exactly ({what}, {at} bytes into it)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str, classic: bool) -> Vec<&str> {
        comments(src.as_bytes(), classic)
            .unwrap()
            .into_iter()
            .map(|c| &src[c.span])
            .collect()
    }

    #[test]
    fn comments_not_strings_regexes_or_templates() {
        let js = "<!-- by A\nvar u = \"http://x//y\", r = /\\/\\/[/]x/g, d = a / b / c; // B\n\
                  var t = `p // ${ {k: '//'}.k + `in ${1}` } q`; /* C */ return /re/.test(u)\n/*! lic */\n-->\n";
        assert_eq!(texts(js, true), ["<!-- by A", "// B", "/* C */", "-->"]);
        // In a module `<!--` is an operator sequence, not a comment.
        assert_eq!(texts("a = b<!--c; // x", false), ["// x"]);
    }

    #[test]
    fn what_cannot_be_read_exactly_is_an_error() {
        for bad in ["'open", "/* open", "`a ${b", "x = /open\n", "`open"] {
            assert!(comments(bad.as_bytes(), true).is_err(), "{bad}");
        }
    }
}
