//! Netpbm images: PBM, PGM, PPM (plain P1–P3 and raw P4–P6) and PAM (P7). Their only metadata
//! is `#` comments, which may sit between any two header tokens (and, in the plain formats,
//! anywhere in the text raster, where netpbm's readers skip them too). Comments are cut out;
//! every other byte stays as it was, raw rasters copied by range. A file may hold several
//! images one after the other (netpbm streams): each is cleaned the same way.

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};

pub struct Pnm;

const WHAT: &str = "Netpbm";
/// Headers are a few dozen bytes; one longer than this is not an image header.
const MAX_HEADER: u64 = 64 * 1024;
/// A plain (text) raster is read whole to find comments in it: bounded like any whole read.
const MAX_PLAIN: u64 = 256 * 1024 * 1024;

impl Format for Pnm {
    fn name(&self) -> &'static str {
        "Netpbm"
    }

    fn describe(&self) -> &'static str {
        "PBM, PGM, PPM (plain and raw) and PAM: removes # comments from headers (and from plain \
         rasters); pixels byte for byte"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        matches!(head, [b'P', b'1'..=b'7', next, ..] if next.is_ascii_whitespace() || *next == b'#')
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let mut plan = Plan::new();
        let mut removed = Vec::new();
        let mut at = 0;
        while at < src.len() {
            let head = src.read_upto(at, MAX_HEADER)?;
            // Whitespace between images of a stream is kept as it is.
            let skip = head.iter().take_while(|b| b.is_ascii_whitespace()).count();
            if skip == head.len() {
                plan.range(at, src.len() - at);
                break;
            }
            if at > 0 && !self.sniff(&head[skip..]) {
                let rest = src.read_upto(at + skip as u64, 4096)?;
                removed.push(Found::new(WHAT, "data after the image", summary(&rest)));
                break;
            }
            plan.range(at, skip as u64);
            at += skip as u64;
            let image = Header::parse(&head[skip..])?;
            for c in &image.comments {
                removed.push(comment(&head[skip + c.start..skip + c.end]));
            }
            // The header with its comments cut out.
            let mut kept = 0;
            for c in &image.comments {
                plan.range(at + kept as u64, (c.start - kept) as u64);
                kept = c.end;
            }
            plan.range(at + kept as u64, (image.len - kept) as u64);
            at += image.len as u64;
            match image.raster {
                Raster::Bytes(len) => {
                    if at.checked_add(len).is_none_or(|end| end > src.len()) {
                        return Err(crate::engine::source::truncated(
                            "Netpbm raster",
                            src.len().saturating_sub(at),
                            len,
                        ));
                    }
                    plan.range(at, len);
                    at += len;
                }
                Raster::Text => {
                    // The plain formats: the rest of the file is the raster (a stream of plain
                    // images is read the same way: tokens up to the next magic).
                    let len = src.len() - at;
                    if len > MAX_PLAIN {
                        return Err(Error::data(format!(
                            "plain Netpbm raster of {len} bytes is too large to read"
                        )));
                    }
                    cx.charge(len)?;
                    let text = src.read(at, len, "Netpbm raster")?;
                    let mut kept = 0;
                    for c in comments(&text) {
                        removed.push(comment(&text[c.start..c.end]));
                        plan.range(at + kept as u64, (c.start - kept) as u64);
                        kept = c.end;
                    }
                    plan.range(at + kept as u64, (text.len() - kept) as u64);
                    at = src.len();
                }
            }
        }
        if removed.is_empty() {
            plan = Plan::new();
            plan.range(0, src.len());
        }
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

/// A comment's extent: from `#` up to (not including) the end of its line.
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// The comment from `start` (its `#`) to `end` (its line's end). A comment on a line of its
    /// own takes its newline with it, so no blank line is left; one after a value leaves the
    /// newline that separates that value from the next.
    fn of(b: &[u8], start: usize, end: usize) -> Span {
        let own_line = start > 0 && b[start - 1] == b'\n' && b.get(end) == Some(&b'\n');
        Span {
            start,
            end: if own_line { end + 1 } else { end },
        }
    }
}

enum Raster {
    /// A raw raster of this many bytes.
    Bytes(u64),
    /// A plain (text) raster: the rest of the input.
    Text,
}

struct Header {
    /// Length of the header, including the one whitespace byte that ends it.
    len: usize,
    comments: Vec<Span>,
    raster: Raster,
}

impl Header {
    fn parse(b: &[u8]) -> Result<Header, Error> {
        let kind = b.get(1).copied().unwrap_or(0);
        if kind == b'7' {
            return Header::pam(b);
        }
        let fields = match kind {
            b'1' | b'4' => 2,
            _ => 3,
        };
        let mut comments = Vec::new();
        let mut values = Vec::new();
        let mut i = 2;
        while values.len() < fields {
            match b.get(i) {
                None => return Err(Error::data("truncated Netpbm header")),
                Some(b'#') => {
                    let end = line_end(b, i);
                    comments.push(Span::of(b, i, end));
                    i = end;
                }
                Some(c) if c.is_ascii_whitespace() => i += 1,
                Some(c) if c.is_ascii_digit() => {
                    let start = i;
                    while b.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    let digits = std::str::from_utf8(&b[start..i]).unwrap_or_default();
                    values.push(digits.parse::<u64>().map_err(|_| {
                        Error::data(format!("corrupt Netpbm header: number {digits} too large"))
                    })?);
                    if b.get(i).is_none() && values.len() < fields {
                        return Err(Error::data("truncated Netpbm header"));
                    }
                }
                Some(&c) => {
                    return Err(Error::data(format!(
                        "corrupt Netpbm header: unexpected byte 0x{c:02x} at offset {i}"
                    )))
                }
            }
        }
        // One whitespace byte ends the header; a comment right after the last number ends with
        // the newline that ends it.
        match b.get(i) {
            Some(b'#') => {
                let end = line_end(b, i);
                comments.push(Span { start: i, end });
                i = end;
                if b.get(i).is_none() {
                    return Err(Error::data("truncated Netpbm header"));
                }
                i += 1;
            }
            Some(c) if c.is_ascii_whitespace() => i += 1,
            Some(&c) => {
                return Err(Error::data(format!(
                    "corrupt Netpbm header: unexpected byte 0x{c:02x} at offset {i}"
                )))
            }
            None if matches!(kind, b'1'..=b'3') => {}
            None => return Err(Error::data("truncated Netpbm header")),
        }
        let (width, height) = (values[0], values[1]);
        let maxval = values.get(2).copied().unwrap_or(1);
        if maxval == 0 || maxval > 65535 {
            return Err(Error::data(format!(
                "corrupt Netpbm header: maximum value {maxval}"
            )));
        }
        let sample = if maxval < 256 { 1 } else { 2 };
        let raster = match kind {
            b'1'..=b'3' => Raster::Text,
            b'4' => Raster::Bytes(width.div_ceil(8).saturating_mul(height)),
            b'5' => Raster::Bytes(width.saturating_mul(height).saturating_mul(sample)),
            _ => Raster::Bytes(width.saturating_mul(height).saturating_mul(3 * sample)),
        };
        Ok(Header {
            len: i,
            comments,
            raster,
        })
    }

    /// PAM: `KEY value` lines up to `ENDHDR`, `#` lines are comments.
    fn pam(b: &[u8]) -> Result<Header, Error> {
        let mut comments = Vec::new();
        let (mut width, mut height, mut depth, mut maxval) = (None, None, None, None);
        let mut i = line_end(b, 0) + 1;
        loop {
            if i >= b.len() {
                return Err(Error::data("truncated PAM header (no ENDHDR)"));
            }
            let end = line_end(b, i);
            let line = &b[i..end];
            let text = std::str::from_utf8(line).unwrap_or_default().trim();
            if line.first() == Some(&b'#') {
                // The whole line goes, its newline too.
                comments.push(Span {
                    start: i,
                    end: (end + 1).min(b.len()),
                });
            } else if text == "ENDHDR" {
                i = end + 1;
                break;
            } else {
                let mut words = text.split_ascii_whitespace();
                let number = |w: Option<&str>| w.and_then(|v| v.parse::<u64>().ok());
                match words.next() {
                    Some("WIDTH") => width = number(words.next()),
                    Some("HEIGHT") => height = number(words.next()),
                    Some("DEPTH") => depth = number(words.next()),
                    Some("MAXVAL") => maxval = number(words.next()),
                    Some("TUPLTYPE") | None => {}
                    Some(other) => {
                        return Err(Error::data(format!(
                            "corrupt PAM header: unknown field {}",
                            crate::engine::summary(other.as_bytes())
                        )))
                    }
                }
            }
            i = end + 1;
        }
        let (Some(w), Some(h), Some(d), Some(m)) = (width, height, depth, maxval) else {
            return Err(Error::data(
                "corrupt PAM header: WIDTH, HEIGHT, DEPTH or MAXVAL missing",
            ));
        };
        if m == 0 || m > 65535 {
            return Err(Error::data(format!("corrupt PAM header: MAXVAL {m}")));
        }
        let sample = if m < 256 { 1 } else { 2 };
        Ok(Header {
            len: i.min(b.len()),
            comments,
            raster: Raster::Bytes(w.saturating_mul(h).saturating_mul(d).saturating_mul(sample)),
        })
    }
}

/// A comment as a finding (a PAM comment line's span includes its newline: not shown).
fn comment(span: &[u8]) -> Found {
    let text = span.strip_suffix(b"\n").unwrap_or(span);
    Found::new(WHAT, "comment", summary(text))
}

/// Where the line that `at` is on ends (the newline's offset, or the end of `b`).
fn line_end(b: &[u8], at: usize) -> usize {
    b[at..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |n| at + n)
}

/// The comments of a plain raster.
fn comments(text: &[u8]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut i = 0;
    while let Some(n) = text[i..].iter().position(|&c| c == b'#') {
        let start = i + n;
        let end = line_end(text, start);
        spans.push(Span::of(text, start, end));
        i = end;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_comments_are_found_between_any_tokens() {
        let h = Header::parse(b"P5\n# a\n3 # b\n2\n#c\n255\nxxxxxx").unwrap();
        assert_eq!(h.comments.len(), 3);
        assert_eq!(h.len, 22);
        assert!(matches!(h.raster, Raster::Bytes(6)));
    }

    #[test]
    fn a_comment_after_maxval_ends_the_header_with_its_newline() {
        let h = Header::parse(b"P6 1 1 255#x\nabc").unwrap();
        assert_eq!(h.comments.len(), 1);
        assert_eq!(h.len, 13);
    }

    #[test]
    fn bad_headers_are_errors() {
        assert!(Header::parse(b"P6 1 1 0\n").is_err());
        assert!(Header::parse(b"P6 1 1").is_err());
        assert!(Header::parse(b"P6 1 x 255\n").is_err());
        assert!(Header::parse(b"P6 99999999999999999999999 1 255\n").is_err());
        assert!(Header::parse(b"P7\nWIDTH 1\n").is_err());
    }
}
