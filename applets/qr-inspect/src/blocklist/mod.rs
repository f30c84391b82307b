//! The blocklist engine: every list the user runs (hosts files, oisd, adblock lists,
//! dnscrypt-proxy's blocked_names), loaded into one table and checked for a host and each of
//! its parent domains.
//!
//! Lists are large (oisd's big list has about a million names) and are loaded on every run, so
//! the table is built for that: the raw text of every list is kept in one buffer, each rule is a
//! 16-byte entry pointing at its name in that buffer (names are copied only when they need
//! normalising), and the entries live in one open-addressing table sized once from the line
//! count. A lookup hashes the host and each parent once: a handful of probes.

mod glob;
mod line;

use std::fs::File;
use std::hash::BuildHasher;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use hashbrown::HashTable;

use crate::host;
pub use line::Scope;
use line::{is_hosts_self_name, Line};

/// The raw text of all lists together may not exceed this (offsets are 32-bit, and no real
/// list comes near it: oisd big is about 30 MB).
const MAX_TOTAL_BYTES: u64 = 1 << 30;
/// Malformed lines reported one by one per list; the rest are counted.
const MAX_REPORTED: usize = 5;

#[derive(Clone, Copy)]
struct Entry {
    /// Where the rule's normalised name is, in `Blocklists::text`.
    name_at: u32,
    /// Where the line that holds the rule starts, in `Blocklists::text`.
    line_at: u32,
    line: u32,
    list: u16,
    name_len: u8,
    scope: Scope,
}

struct GlobRule {
    pattern: String,
    list: u16,
    line: u32,
    line_at: u32,
}

/// A rule that matched: which list, which line, and the line as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub list: PathBuf,
    pub line: u32,
    pub pattern: String,
}

/// What the lists say about a host.
#[derive(Debug, PartialEq)]
pub enum Judgement {
    /// No rule matches.
    Clear,
    /// A block rule matches and no allow rule does.
    Blocked(Hit),
    /// A block rule matches but an allow rule overrides it.
    Allowed { blocked_by: Hit, allowed_by: Hit },
}

/// What loading one list found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub rules: usize,
    /// Line numbers and reasons of the first malformed lines.
    pub malformed: Vec<(u32, &'static str)>,
    /// How many malformed lines in all.
    pub malformed_count: usize,
    /// Valid adblock lines that are not host rules (cosmetic, path, regex), skipped.
    pub not_host_rules: usize,
}

#[derive(Default)]
pub struct Blocklists {
    lists: Vec<PathBuf>,
    text: Vec<u8>,
    block: HashTable<Entry>,
    allow: HashTable<Entry>,
    globs: Vec<(bool, GlobRule)>,
    hasher: foldhash::fast::FixedState,
}

/// Splits the borrow of a `Blocklists` so that the text of a list can be read while rules are
/// added to the tables.
struct Tables<'a> {
    block: &'a mut HashTable<Entry>,
    allow: &'a mut HashTable<Entry>,
    hasher: &'a foldhash::fast::FixedState,
}

impl Blocklists {
    /// Loads one list. With `allow_all`, every rule in it is an allow rule (an allowlist).
    pub fn load(&mut self, path: &Path, allow_all: bool) -> io::Result<Loaded> {
        let list = u16::try_from(self.lists.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "too many lists"))?;
        let base = self.text.len();
        let room = MAX_TOTAL_BYTES.saturating_sub(base as u64);
        File::open(path)?.take(room + 1).read_to_end(&mut self.text)?;
        if self.text.len() as u64 > MAX_TOTAL_BYTES {
            self.text.truncate(base);
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the blocklists together are larger than 1 GiB",
            ));
        }
        self.lists.push(path.to_path_buf());
        let end = self.text.len();
        let lines = self.text[base..end].iter().filter(|&&b| b == b'\n').count() + 1;
        if allow_all {
            self.allow
                .reserve(lines, |e| self.hasher.hash_one(name_in(&self.text, e)));
        } else {
            self.block
                .reserve(lines, |e| self.hasher.hash_one(name_in(&self.text, e)));
        }
        let mut extra = Vec::new();
        let mut tables = Tables {
            block: &mut self.block,
            allow: &mut self.allow,
            hasher: &self.hasher,
        };
        let mut loaded = Loaded::default();
        let text = &self.text[..end];
        let mut line_at = base;
        for (index, raw) in text[base..].split(|&b| b == b'\n').enumerate() {
            let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let at = line_at;
            line_at += raw.len() + 1;
            let Ok(raw) = std::str::from_utf8(raw) else {
                loaded.malformed(number, "not UTF-8");
                continue;
            };
            let place = Place {
                list,
                line: number,
                line_at: at as u32,
            };
            match line::parse(raw) {
                Line::Nothing => {}
                Line::NotHostRule => loaded.not_host_rules += 1,
                Line::Malformed(why) => loaded.malformed(number, why),
                Line::Hosts(names) => {
                    for name in names.split_whitespace() {
                        if is_hosts_self_name(name) {
                            continue;
                        }
                        match tables.add(text, &mut extra, end, name, Scope::Tree, allow_all, place) {
                            Ok(()) => loaded.rules += 1,
                            Err(why) => loaded.malformed(number, why),
                        }
                    }
                }
                Line::Domain { allow, scope, name } => {
                    match tables.add(text, &mut extra, end, name, scope, allow || allow_all, place) {
                        Ok(()) => loaded.rules += 1,
                        Err(why) => loaded.malformed(number, why),
                    }
                }
                Line::Glob { allow, pattern } => {
                    let rule = GlobRule {
                        pattern: pattern.to_lowercase(),
                        list,
                        line: number,
                        line_at: at as u32,
                    };
                    self.globs.push((allow || allow_all, rule));
                    loaded.rules += 1;
                }
            }
        }
        self.text.extend_from_slice(&extra);
        Ok(loaded)
    }

    /// What the lists say about `host` (any form: it is normalised here).
    pub fn judge(&self, host: &str) -> Judgement {
        let Some(host) = host::normalize(host) else {
            return Judgement::Clear;
        };
        let Some(blocked_by) = self.find(&host, false) else {
            return Judgement::Clear;
        };
        match self.find(&host, true) {
            Some(allowed_by) => Judgement::Allowed {
                blocked_by,
                allowed_by,
            },
            None => Judgement::Blocked(blocked_by),
        }
    }

    /// The most specific rule of one kind (block or allow) that matches `host`.
    fn find(&self, host: &str, allow: bool) -> Option<Hit> {
        let table = if allow { &self.allow } else { &self.block };
        for (depth, name) in host::self_and_parents(host).enumerate() {
            let hash = self.hasher.hash_one(name.as_bytes());
            let found = table.find(hash, |e| {
                let applies = match e.scope {
                    Scope::Tree => true,
                    Scope::Exact => depth == 0,
                    Scope::Below => depth > 0,
                };
                applies && name_in(&self.text, e) == name.as_bytes()
            });
            if let Some(e) = found {
                return Some(self.hit(e.list, e.line, e.line_at));
            }
        }
        self.globs
            .iter()
            .find(|(is_allow, rule)| *is_allow == allow && glob::matches(&rule.pattern, host))
            .map(|(_, rule)| self.hit(rule.list, rule.line, rule.line_at))
    }

    fn hit(&self, list: u16, line: u32, line_at: u32) -> Hit {
        let rest = self.text.get(line_at as usize..).unwrap_or_default();
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        Hit {
            list: self.lists.get(usize::from(list)).cloned().unwrap_or_default(),
            line,
            pattern: String::from_utf8_lossy(&rest[..end]).trim().to_string(),
        }
    }
}

#[derive(Clone, Copy)]
struct Place {
    list: u16,
    line: u32,
    line_at: u32,
}

impl Tables<'_> {
    /// Adds one domain rule. `text` is the buffer up to `end`; names that must be normalised
    /// are appended to `extra`, which will be placed at `end`.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        text: &[u8],
        extra: &mut Vec<u8>,
        end: usize,
        name: &str,
        scope: Scope,
        allow: bool,
        place: Place,
    ) -> Result<(), &'static str> {
        let normal = host::normalize(name).ok_or("not a valid host name")?;
        let len = u8::try_from(normal.len()).map_err(|_| "name too long")?;
        let bytes = normal.as_bytes();
        let hash = self.hasher.hash_one(bytes);
        let table = if allow { &mut *self.allow } else { &mut *self.block };
        let exists = table
            .find(hash, |e| {
                e.scope == scope && resolved(text, extra, end, e) == bytes
            })
            .is_some();
        if exists {
            return Ok(()); // the first rule for a name is the one reported
        }
        let name_at = match normal {
            std::borrow::Cow::Borrowed(inside) => inside.as_ptr() as usize - text.as_ptr() as usize,
            std::borrow::Cow::Owned(ref copy) => {
                let at = end + extra.len();
                extra.extend_from_slice(copy.as_bytes());
                at
            }
        };
        let entry = Entry {
            name_at: name_at as u32,
            line_at: place.line_at,
            line: place.line,
            list: place.list,
            name_len: len,
            scope,
        };
        let hasher = self.hasher;
        let extra: &[u8] = extra;
        table.insert_unique(hash, entry, |e| hasher.hash_one(resolved(text, extra, end, e)));
        Ok(())
    }
}

/// The name of an entry, during loading (when it may still be in `extra`).
fn resolved<'a>(text: &'a [u8], extra: &'a [u8], end: usize, e: &Entry) -> &'a [u8] {
    let (at, len) = (e.name_at as usize, usize::from(e.name_len));
    if at >= end {
        extra.get(at - end..at - end + len).unwrap_or_default()
    } else {
        text.get(at..at + len).unwrap_or_default()
    }
}

/// The name of an entry, once loading is done.
fn name_in<'a>(text: &'a [u8], e: &Entry) -> &'a [u8] {
    let at = e.name_at as usize;
    text.get(at..at + usize::from(e.name_len)).unwrap_or_default()
}

impl Loaded {
    fn malformed(&mut self, line: u32, why: &'static str) {
        self.malformed_count += 1;
        if self.malformed.len() < MAX_REPORTED {
            self.malformed.push((line, why));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn lists(block: &str, allow: &str) -> (Blocklists, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let mut b = Blocklists::default();
        for (name, body, allow_all) in [("block.txt", block, false), ("allow.txt", allow, true)] {
            let path = dir.path().join(name);
            File::create(&path).unwrap().write_all(body.as_bytes()).unwrap();
            b.load(&path, allow_all).unwrap();
        }
        (b, dir)
    }

    fn blocked_line(b: &Blocklists, host: &str) -> Option<u32> {
        match b.judge(host) {
            Judgement::Blocked(hit) => Some(hit.line),
            _ => None,
        }
    }

    #[test]
    fn scopes_and_parents() {
        let (b, _d) = lists(
            "ads.example\n=exact.example\n*.below.example\n0.0.0.0 hosts.example localhost\n",
            "",
        );
        assert_eq!(blocked_line(&b, "ads.example"), Some(1));
        assert_eq!(blocked_line(&b, "x.y.ADS.example."), Some(1));
        assert_eq!(blocked_line(&b, "notads.example"), None);
        assert_eq!(blocked_line(&b, "exact.example"), Some(2));
        assert_eq!(blocked_line(&b, "sub.exact.example"), None);
        assert_eq!(blocked_line(&b, "below.example"), None);
        assert_eq!(blocked_line(&b, "a.below.example"), Some(3));
        assert_eq!(blocked_line(&b, "hosts.example"), Some(4));
        assert_eq!(blocked_line(&b, "localhost"), None);
    }

    #[test]
    fn allow_rules_override_and_report_both() {
        let (b, _d) = lists("||ads.example^\n@@||ok.ads.example^\n", "fine.ads.example\n");
        assert!(matches!(b.judge("ads.example"), Judgement::Blocked(_)));
        for host in ["ok.ads.example", "x.fine.ads.example"] {
            match b.judge(host) {
                Judgement::Allowed {
                    blocked_by,
                    allowed_by,
                } => {
                    assert_eq!(blocked_by.pattern, "||ads.example^");
                    assert!(allowed_by.pattern.contains("ads.example"), "{allowed_by:?}");
                }
                other => panic!("{host}: {other:?}"),
            }
        }
    }

    #[test]
    fn idn_rules_match_punycode_hosts_and_back() {
        let (b, _d) = lists("bücher.example\nxn--caf-dma.example\n", "");
        assert_eq!(blocked_line(&b, "xn--bcher-kva.example"), Some(1));
        assert_eq!(blocked_line(&b, "www.café.example"), Some(2));
    }

    #[test]
    fn globs_and_malformed_lines() {
        let (b, _d) = lists("ads.*\n*tracker*\nnot a rule\n||x.example/path\n\u{0}bad\n", "");
        assert_eq!(blocked_line(&b, "ads.example.org"), Some(1));
        assert_eq!(blocked_line(&b, "cdn.mytracker.net"), Some(2));
        assert_eq!(blocked_line(&b, "example.org"), None);
        let mut fresh = Blocklists::default();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l");
        std::fs::write(&path, "not a rule\nok.example\n||x.example/path\nbad..name\n").unwrap();
        let loaded = fresh.load(&path, false).unwrap();
        assert_eq!(loaded.rules, 1);
        assert_eq!(loaded.not_host_rules, 1);
        assert_eq!(loaded.malformed_count, 2);
        assert_eq!(loaded.malformed[0].0, 1);
        assert_eq!(loaded.malformed[1], (4, "not a valid host name"));
    }

    #[test]
    fn the_pattern_is_the_line_as_written_even_when_normalised() {
        let (b, _d) = lists("# c\n  0.0.0.0   Ads.EXAMPLE  \n", "");
        match b.judge("ads.example") {
            Judgement::Blocked(hit) => {
                assert_eq!(hit.line, 2);
                assert_eq!(hit.pattern, "0.0.0.0   Ads.EXAMPLE");
            }
            other => panic!("{other:?}"),
        }
    }
}
