//! BitTorrent metainfo files (bencode). The top-level dictionary is rewritten with only the keys
//! clients need to fetch the content (`announce`, `announce-list`, `info`, `url-list`,
//! `httpseeds`, `nodes`, `encoding`): `created by`, `creation date`, `comment`, `publisher*` and
//! every client's private key go. Each kept key and its value are copied by range, so `info`
//! stays byte for byte and the infohash (SHA-1 of the bencoded `info`) does not change.

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};

pub struct Torrent;

/// Dictionaries and lists nest this deep at most (real torrents nest 4 or 5 levels).
const MAX_DEPTH: usize = 64;
/// A metainfo file is read whole: larger than this is not a torrent.
const MAX_LEN: u64 = 64 * 1024 * 1024;
/// The keys a client needs: everything else at the top level is metadata.
const FUNCTIONAL: &[&[u8]] = &[
    b"announce",
    b"announce-list",
    b"info",
    b"url-list",
    b"httpseeds",
    b"nodes",
    b"encoding",
];

impl Format for Torrent {
    fn name(&self) -> &'static str {
        "Torrent"
    }

    fn describe(&self) -> &'static str {
        "BitTorrent metainfo: removes created by, creation date, comment, publisher and client \
         keys; info byte for byte (same infohash)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        // A dictionary whose first key is one a torrent starts with (keys are sorted).
        [
            &b"d8:announce"[..],
            b"d13:announce-list",
            b"d7:comment",
            b"d10:created by",
            b"d13:creation date",
            b"d8:encoding",
            b"d4:info",
            b"d5:nodes",
        ]
        .iter()
        .any(|m| head.starts_with(m))
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        if src.len() > MAX_LEN {
            return Err(Error::data(format!(
                "torrent of {} bytes is too large to read",
                src.len()
            )));
        }
        let b = cx.read_whole(src)?;
        let entries = top_level(&b)?;
        if !entries.iter().any(|e| e.key == b"info") {
            return Err(Error::data("corrupt torrent: no info dictionary"));
        }
        let mut plan = Plan::new();
        let mut removed = Vec::new();
        plan.bytes(b"d");
        for e in &entries {
            if FUNCTIONAL.contains(&e.key.as_slice()) {
                plan.range(e.start as u64, (e.end - e.start) as u64);
            } else {
                removed.push(Found::new(
                    "Torrent",
                    String::from_utf8_lossy(&e.key).into_owned(),
                    shown(&b[e.value..e.end]),
                ));
            }
        }
        plan.bytes(b"e");
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

/// One key of the top-level dictionary: the key's text, where its encoded key starts, where its
/// value starts and where the value ends.
struct Entry {
    key: Vec<u8>,
    start: usize,
    value: usize,
    end: usize,
}

/// The top-level dictionary's entries, each checked to be well-formed bencode.
fn top_level(b: &[u8]) -> Result<Vec<Entry>, Error> {
    if b.first() != Some(&b'd') {
        return Err(corrupt("not a dictionary"));
    }
    let mut at = 1;
    let mut entries = Vec::new();
    loop {
        match b.get(at) {
            None => return Err(Error::data("truncated torrent")),
            Some(b'e') => break,
            Some(_) => {}
        }
        let start = at;
        let (key, value) = string(b, at)?;
        let end = skip(b, value, 0)?;
        entries.push(Entry {
            key: b[key..value].to_vec(),
            start,
            value,
            end,
        });
        at = end;
    }
    if at + 1 != b.len() {
        return Err(corrupt("data after the dictionary"));
    }
    Ok(entries)
}

/// A byte string at `at` (`<len>:<bytes>`): where its bytes start and end.
fn string(b: &[u8], at: usize) -> Result<(usize, usize), Error> {
    let digits = b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 12 {
        return Err(corrupt("expected a string"));
    }
    if b.get(at + digits) != Some(&b':') {
        return Err(Error::data("truncated torrent"));
    }
    let len: usize = std::str::from_utf8(&b[at..at + digits])
        .ok()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| corrupt("bad string length"))?;
    let start = at + digits + 1;
    let end = start
        .checked_add(len)
        .filter(|&e| e <= b.len())
        .ok_or_else(|| Error::data("truncated torrent"))?;
    Ok((start, end))
}

/// Skips the value at `at`; returns where it ends.
fn skip(b: &[u8], at: usize, depth: usize) -> Result<usize, Error> {
    if depth > MAX_DEPTH {
        return Err(corrupt("nested too deep"));
    }
    match b.get(at) {
        None => Err(Error::data("truncated torrent")),
        Some(b'i') => {
            let n = b[at + 1..]
                .iter()
                .position(|&c| c == b'e')
                .ok_or_else(|| Error::data("truncated torrent"))?;
            let digits = &b[at + 1..at + 1 + n];
            let body = digits.strip_prefix(b"-").unwrap_or(digits);
            if body.is_empty() || !body.iter().all(u8::is_ascii_digit) {
                return Err(corrupt("bad integer"));
            }
            Ok(at + n + 2)
        }
        Some(&c @ (b'l' | b'd')) => {
            let mut i = at + 1;
            loop {
                match b.get(i) {
                    None => return Err(Error::data("truncated torrent")),
                    Some(b'e') => return Ok(i + 1),
                    Some(_) => {}
                }
                if c == b'd' {
                    i = string(b, i)?.1;
                }
                i = skip(b, i, depth + 1)?;
            }
        }
        Some(_) => Ok(string(b, at)?.1),
    }
}

/// A removed value as --show prints it: strings and integers as text, containers by size.
fn shown(v: &[u8]) -> String {
    match v.first() {
        Some(b'i') => String::from_utf8_lossy(&v[1..v.len() - 1]).into_owned(),
        // A client's private dictionary (azureus_properties: ContentCreator, ...): its keys
        // and values as text, so --show says whose it is.
        Some(b'd' | b'l') => summary(render(v).as_bytes()),
        _ => match v.iter().position(|&c| c == b':') {
            Some(colon) => summary(&v[colon + 1..]),
            None => summary(v),
        },
    }
}

/// A bencoded list or dictionary as text (`{key: value, key: [a, b]}`), for --show. The value
/// was checked by `top_level`; anything malformed just ends the rendering.
fn render(v: &[u8]) -> String {
    fn item(v: &[u8], at: &mut usize, out: &mut String, depth: usize) -> Option<()> {
        if depth > 64 || out.len() > 4096 {
            return None;
        }
        match *v.get(*at)? {
            b'i' => {
                let end = *at + v[*at..].iter().position(|&c| c == b'e')?;
                out.push_str(&String::from_utf8_lossy(&v[*at + 1..end]));
                *at = end + 1;
            }
            open @ (b'l' | b'd') => {
                out.push(if open == b'l' { '[' } else { '{' });
                *at += 1;
                let mut n = 0;
                while *v.get(*at)? != b'e' {
                    if n > 0 {
                        out.push_str(if open == b'd' && n % 2 == 1 { ": " } else { ", " });
                    }
                    item(v, at, out, depth + 1)?;
                    n += 1;
                }
                *at += 1;
                out.push(if open == b'l' { ']' } else { '}' });
            }
            _ => {
                let colon = *at + v[*at..].iter().position(|&c| c == b':')?;
                let len: usize = std::str::from_utf8(&v[*at..colon]).ok()?.parse().ok()?;
                let bytes = v.get(colon + 1..colon + 1 + len)?;
                out.push_str(&String::from_utf8_lossy(bytes));
                *at = colon + 1 + len;
            }
        }
        Some(())
    }
    let mut out = String::new();
    let _ = item(v, &mut 0, &mut out, 0);
    out
}

fn corrupt(what: &str) -> Error {
    Error::data(format!("corrupt torrent: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_their_spans() {
        let b = b"d7:comment2:hi4:infod4:name1:xe3:zzzli1ei-2eee";
        let e = top_level(b).unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(&b[e[1].start..e[1].end], b"4:infod4:name1:xe");
        assert_eq!(shown(&b[e[0].value..e[0].end]), "hi");
    }

    #[test]
    fn bad_bencode_is_an_error() {
        for bad in [
            &b"d4:info"[..],
            b"d4:infoi1e",
            b"d4:infod4:name99:xee",
            b"d4:infoixe e",
            b"d4:infodee trailing",
            b"d4:infox",
        ] {
            assert!(top_level(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = [b"d4:info".to_vec(), vec![b'l'; 200], vec![b'e'; 201]].concat();
        assert!(top_level(&deep).is_err());
    }
}
