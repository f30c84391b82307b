//! HTML and XHTML pages. A lexer finds the spans to cut and copies every other byte as it was
//! (no re-serialising: `<pre>` spacing, entities such as `&lt;!--`, attribute quoting stay):
//! comments (IE's "saved from url" included), `<meta>` naming an author, generator, date or the
//! like (`dcterms.*`, `article:author` …), and comments in `<style>` (CSS comments, by the CSS
//! lexer), bogus comments (`<!...>` other than the doctype: what a conditional comment leaves)
//! and JavaScript comments in inline scripts (by the JS lexer, formats/document/js.rs; data
//! blocks such as JSON-LD are not code and stay). Functional `<meta http-equiv>` (Content-Type,
//! refresh, Content-Security-Policy …), charset, viewport, description and the title stay.
//! Other raw text is skipped whole, so a `<!--` inside it is not taken for a comment.

use std::ops::Range;

use privkit_core::Error;

use super::{css, js};
use crate::engine::ctx::Ctx;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};

pub struct Html;

/// Elements whose content is raw text up to their end tag.
const RAW: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];
/// `<meta name>` / `property` values that say who made the page, with what, and when.
const PERSONAL: &[&str] = &[
    "author",
    "generator",
    "date",
    "creator",
    "publisher",
    "copyright",
    "owner",
    "reply-to",
    "designer",
    "contributor",
    "created",
    "revised",
    "last-modified",
    "progid",
    "originator",
    "web_author",
    "email",
    "twitter:creator",
    "citation_author",
    "book:author",
];
/// Prefixes of the same: Dublin Core, Open Graph article times and authors.
const PERSONAL_PREFIX: &[&str] = &["dc.", "dcterms.", "article:", "citation_date"];
/// `<meta name>` / `property` values that make the page work or are its own content (what a
/// link preview shows): kept. Any other named `<meta>` goes.
const KEPT: &[&str] = &[
    "viewport",
    "description",
    "keywords",
    "robots",
    "googlebot",
    "theme-color",
    "color-scheme",
    "referrer",
    "format-detection",
    "application-name",
    "title",
    "mobile-web-app-capable",
];
const KEPT_PREFIX: &[&str] = &["og:", "twitter:", "msapplication-", "apple-mobile-web-app-"];
/// `http-equiv` values that only describe the page (the rest change how it loads: kept).
const HTTP_EQUIV_PERSONAL: &[&str] = &["date", "last-modified", "creation-date"];

impl Format for Html {
    fn name(&self) -> &'static str {
        "HTML"
    }

    fn describe(&self) -> &'static str {
        "HTML and XHTML: removes comments, <meta> author/generator/date/dcterms.*/article:*, any \
         <meta> not known to be functional or page content, comments in <style> and JavaScript \
         comments in inline scripts (licence notices kept); functional \
         http-equiv, charset, viewport, description, Open Graph, title and every other byte kept"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        looks_like_html(head)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let text = super::text::read(src, cx, "page")?;
        let (spans, removed) = lex(&text)?;
        let plan = super::text::without(text.len(), &spans);
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

/// A doctype or `<html>` first (after a BOM, an XML declaration, white space and comments).
fn looks_like_html(head: &[u8]) -> bool {
    let mut rest = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    loop {
        let start = rest.iter().position(|c| !c.is_ascii_whitespace());
        rest = &rest[start.unwrap_or(rest.len())..];
        let skip_to = |end: &[u8], from: usize| {
            rest.windows(end.len())
                .skip(from)
                .position(|w| w == end)
                .map(|n| from + n + end.len())
        };
        let next = if rest.starts_with(b"<!--") {
            skip_to(b"-->", 4)
        } else if rest.starts_with(b"<?xml") {
            skip_to(b"?>", 5)
        } else {
            break;
        };
        match next {
            Some(n) => rest = &rest[n..],
            None => return false,
        }
    }
    let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    starts(b"<!doctype html") || starts(b"<html>") || starts(b"<html ")
}

/// The spans to cut, in order, and what they hold.
fn lex(b: &[u8]) -> Result<(Vec<Range<usize>>, Vec<Found>), Error> {
    let mut spans = Vec::new();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(n) = b[i..].iter().position(|&c| c == b'<') {
        let at = i + n;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            // `<!-->` and `<!--->` are empty comments to HTML parsers.
            let body = at + 4;
            let end = if b[body..].starts_with(b">") {
                body + 1
            } else if b[body..].starts_with(b"->") {
                body + 2
            } else {
                let n = find(&b[body..], b"-->").ok_or_else(|| truncated("comment not closed"))?;
                body + n + 3
            };
            found.push(Found::new(
                "HTML",
                "comment",
                summary(&b[body..end - 3.min(end - body)]),
            ));
            spans.push(whole_line(b, at, end));
            i = end;
        } else if rest.starts_with(b"<!") && !rest.starts_with(b"<![CDATA[") && !starts_ci(rest, b"<!doctype")
        {
            // Any other `<!...>` is a bogus comment to HTML parsers, ended by the first `>`:
            // what is left of a conditional comment (`<![endif]-->` after a comment nested
            // in it, `<![if !IE]>`), or text hidden the same way.
            let end = at + find(rest, b">").ok_or_else(|| truncated("markup not closed"))? + 1;
            found.push(Found::new("HTML", "comment", summary(&b[at + 2..end - 1])));
            spans.push(whole_line(b, at, end));
            i = end;
        } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") || rest.starts_with(b"</") {
            // Doctype, CDATA, processing instruction, end tag: kept as they are.
            let end = if rest.starts_with(b"<![CDATA[") {
                find(rest, b"]]>").map(|n| n + 3)
            } else {
                find(rest, b">").map(|n| n + 1)
            };
            i = at + end.ok_or_else(|| truncated("markup not closed"))?;
        } else if rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            let tag = Tag::parse(b, at)?;
            i = tag.end;
            if tag.name == "meta" {
                if let Some(what) = tag.personal() {
                    found.push(Found::new("HTML", what, tag.attr("content").unwrap_or_default()));
                    spans.push(whole_line(b, at, tag.end));
                }
            } else if RAW.contains(&tag.name.as_str()) && !tag.self_closing {
                let close = format!("</{}", tag.name);
                let n = find_ci(&b[i..], close.as_bytes())
                    .ok_or_else(|| truncated(&format!("<{}> not closed", tag.name)))?;
                if let Some(classic) = tag.script_kind() {
                    for c in js::comments(&b[i..i + n], classic)? {
                        let (start, end) = (i + c.span.start, i + c.span.end);
                        found.push(Found::new("HTML", "script comment", summary(&b[start..end])));
                        spans.extend(script_cut(b, start, end, c.block));
                    }
                }
                if tag.name == "style" {
                    for c in css::comments(&b[i..i + n])? {
                        found.push(Found::new(
                            "HTML",
                            "style comment",
                            summary(&b[i + c.start..i + c.end]),
                        ));
                        spans.push(i + c.start..i + c.end);
                    }
                }
                i += n;
            }
        } else {
            i = at + 1;
        }
    }
    Ok((spans, found))
}

/// What to cut of a script comment at `start..end`: its whole line when nothing else is on it;
/// else a `//` comment whole, and a `/* */` one down to what keeps the tokens around it apart
/// (a line break if it held one: it may end a statement; else an empty `/**/`).
fn script_cut(b: &[u8], start: usize, end: usize, block: bool) -> Vec<Range<usize>> {
    let line = whole_line(b, start, end);
    if line != (start..end) || !block {
        return vec![line];
    }
    match b[start..end].iter().position(|&c| c == b'\n' || c == b'\r') {
        Some(n) => vec![start..start + n, start + n + 1..end],
        None => {
            // An empty comment stays: `a/**/b` must not become `ab`.
            let inner = start + 2..end - 2;
            vec![inner]
        }
    }
}

/// `start..end` widened to its whole line (indentation and newline) when nothing else is on it,
/// so no blank line is left.
fn whole_line(b: &[u8], start: usize, end: usize) -> Range<usize> {
    let line_start = b[..start].iter().rposition(|&c| c == b'\n').map_or(0, |n| n + 1);
    let blank_before = b[line_start..start].iter().all(|c| *c == b' ' || *c == b'\t');
    let newline = match &b[end..] {
        [b'\r', b'\n', ..] => Some(end + 2),
        [b'\n', ..] => Some(end + 1),
        [] => Some(end),
        _ => None,
    };
    match newline {
        Some(line_end) if blank_before => line_start..line_end,
        _ => start..end,
    }
}

struct Tag {
    /// Lower case.
    name: String,
    /// Names lower case, values with their quotes removed (entities left as written).
    attrs: Vec<(String, String)>,
    self_closing: bool,
    /// Just after its `>`.
    end: usize,
}

impl Tag {
    /// The start tag at `at` (its `<`).
    fn parse(b: &[u8], at: usize) -> Result<Tag, Error> {
        let word = |i: usize| {
            b[i..]
                .iter()
                .position(|c| c.is_ascii_whitespace() || b"/>=".contains(c))
                .map_or(b.len(), |n| i + n)
        };
        let mut i = word(at + 1);
        let name = String::from_utf8_lossy(&b[at + 1..i]).to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut self_closing = false;
        loop {
            match b.get(i) {
                None => return Err(truncated("tag not closed")),
                Some(b'>') => break,
                Some(b'/') => {
                    self_closing = b.get(i + 1) == Some(&b'>');
                    i += 1;
                }
                Some(c) if c.is_ascii_whitespace() => i += 1,
                Some(_) => {
                    let start = i;
                    i = word(i).max(i + 1);
                    let key = String::from_utf8_lossy(&b[start..i]).to_ascii_lowercase();
                    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    let mut value = String::new();
                    if b.get(i) == Some(&b'=') {
                        i += 1;
                        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                            i += 1;
                        }
                        let (v, next) = match b.get(i) {
                            Some(&q @ (b'"' | b'\'')) => {
                                let n = b[i + 1..]
                                    .iter()
                                    .position(|&c| c == q)
                                    .ok_or_else(|| truncated("attribute value not closed"))?;
                                (&b[i + 1..i + 1 + n], i + n + 2)
                            }
                            _ => {
                                let end = b[i..]
                                    .iter()
                                    .position(|c| c.is_ascii_whitespace() || *c == b'>')
                                    .map_or(b.len(), |n| i + n);
                                (&b[i..end], end)
                            }
                        };
                        value = String::from_utf8_lossy(v).into_owned();
                        i = next;
                    }
                    attrs.push((key, value));
                }
            }
        }
        Ok(Tag {
            name,
            attrs,
            self_closing,
            end: i + 1,
        })
    }

    /// For a `<script>` of JavaScript: whether it is a classic script (not a module). None for
    /// other elements and for data blocks (JSON, templates: not code, left alone).
    fn script_kind(&self) -> Option<bool> {
        if self.name != "script" {
            return None;
        }
        let kind = self.attr("type").unwrap_or_default().trim().to_ascii_lowercase();
        let js = kind.is_empty()
            || kind.contains("javascript")
            || kind.contains("ecmascript")
            || kind == "text/jscript"
            || kind == "text/livescript";
        if kind == "module" {
            Some(false)
        } else {
            js.then_some(true)
        }
    }

    fn attr(&self, name: &str) -> Option<String> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// What a `<meta>` names, if it goes: one that says who made the page, with what and when,
    /// or one not known to be functional or page content (an allowlist: an unknown or damaged
    /// `name` is dropped rather than guessed harmless).
    fn personal(&self) -> Option<String> {
        let mut named = false;
        for key in ["name", "property", "itemprop"] {
            if let Some(v) = self.attr(key) {
                named = true;
                let v = v.trim().to_ascii_lowercase();
                let personal =
                    PERSONAL.contains(&v.as_str()) || PERSONAL_PREFIX.iter().any(|p| v.starts_with(p));
                let kept = KEPT.contains(&v.as_str()) || KEPT_PREFIX.iter().any(|p| v.starts_with(p));
                if personal || !kept {
                    return Some(v);
                }
            }
        }
        if let Some(equiv) = self.attr("http-equiv") {
            let equiv = equiv.trim().to_ascii_lowercase();
            return HTTP_EQUIV_PERSONAL.contains(&equiv.as_str()).then_some(equiv);
        }
        // A content with nothing saying what it is: not a charset, not a known name.
        (!named && self.attr("charset").is_none() && self.attr("content").is_some())
            .then(|| "meta without a name".to_string())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn starts_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

fn truncated(what: &str) -> Error {
    Error::data(format!("truncated HTML: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(s: &str) -> String {
        let (spans, _) = lex(s.as_bytes()).unwrap();
        let mut out = String::new();
        let mut kept = 0;
        for r in spans {
            out.push_str(&s[kept..r.start]);
            kept = r.end;
        }
        out + &s[kept..]
    }

    #[test]
    fn spans() {
        assert_eq!(
            clean("<p>a<!-- x -->b &lt;!-- c</p>\n  <!-- own line -->\n<i>"),
            "<p>ab &lt;!-- c</p>\n<i>"
        );
        assert_eq!(
            clean("<script>x = '<!-- no -->' // c\n</script><style>/*c*/a{}</style>"),
            "<script>x = '<!-- no -->' \n</script><style>a{}</style>"
        );
        // Script comments: a line of its own goes whole, a block comment beside code leaves
        // what keeps the tokens apart; data blocks are not code.
        assert_eq!(
            clean("<script>\n<!-- by A\na/*b*/c; d/*e\nf*/g\n  //-->\n</script><script type=application/ld+json>{\"a\":\"//b\"}</script>"),
            "<script>\na/**/c; d\ng\n</script><script type=application/ld+json>{\"a\":\"//b\"}</script>"
        );
        // What is left of a conditional comment holding a comment is a bogus comment: cut too.
        assert_eq!(
            clean("<!--[if IE]><p><!-- x --><![endif]--><p>a<![if !IE]>b<![endif]><!DOCTYPE html>"),
            "<p>ab<!DOCTYPE html>"
        );
        assert_eq!(
            clean("<noscript><!-- a --><p>b</noscript>"),
            "<noscript><p>b</noscript>"
        );
        assert_eq!(
            clean("<meta name=Author content=x><meta name=\"viewport\" content=\"w\"><meta http-equiv=refresh content=3>"),
            "<meta name=\"viewport\" content=\"w\"><meta http-equiv=refresh content=3>"
        );
        assert_eq!(clean("<meta property='article:author' content='a'/>x"), "x");
        // An allowlist: unknown and damaged names go, page content and functional ones stay.
        assert_eq!(
            clean("<meta name=x-owner content=a><meta nme=author content=b><meta property=og:title content=T><meta charset=utf-8>"),
            "<meta property=og:title content=T><meta charset=utf-8>"
        );
        assert_eq!(
            clean("<title>a <!-- b --></title>"),
            "<title>a <!-- b --></title>"
        );
    }

    #[test]
    fn damage_is_an_error() {
        for bad in [
            "<p><!-- open",
            "<meta name=\"author",
            "<style>a{}",
            "<p",
            "<style>/* a</style>",
            "<script>x = 'open\n</script>",
        ] {
            assert!(lex(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn detection() {
        assert!(looks_like_html(b"<!DOCTYPE html><html>"));
        assert!(looks_like_html(b"\xef\xbb\xbf<!-- saved -->\n<html lang=en>"));
        assert!(looks_like_html(b"<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC"));
        assert!(!looks_like_html(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        assert!(!looks_like_html(b"<!DOCTYPE svg><svg>"));
    }
}
