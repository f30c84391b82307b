//! The blocklist engine: every list the user runs (hosts files, oisd, adblock lists,
//! dnscrypt-proxy's blocked_names), loaded into one index and checked for a host and each of
//! its parent domains.
//!
//! Lists are large (oisd's big list has about a million names) and are loaded on every run, so
//! the index is built for loading fast: the raw text of every list is kept in one buffer; each
//! rule is a small entry (hash, where its name is, where its line starts) appended in order;
//! names are copied only when they need normalising. When all lists are in, the entries are
//! grouped by the top bits of their hash once, and a directory points at each group: a lookup
//! is one directory read and a scan of a few adjacent entries. A hash table filled rule by rule
//! would miss the cache on every insert instead (measured: twice as slow to load).

mod glob;
pub mod line;

use std::hash::BuildHasher;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::host;
pub use line::Scope;
use line::{is_hosts_self_name, Line};

/// The raw text of all lists together may not exceed this (offsets are 32-bit, and no real
/// list comes near it: oisd big is about 30 MB).
const MAX_TOTAL_BYTES: u64 = 1 << 30;
/// Malformed lines reported one by one per list; the rest are counted.
const MAX_REPORTED: usize = 5;

/// One domain rule, 16 bytes (a million rules are 16 MB, twice that while the index is built:
/// every byte less is page faults saved). Where its line starts is not stored: a name inside
/// the line is found by looking back for the line break; a normalised copy is preceded by its
/// line's offset. Its list is the one whose part of `Blocklists::text` holds its name.
#[derive(Clone, Copy)]
struct Entry {
    /// The top 32 bits of the name's hash: its group in the index, then a quick filter before
    /// the names are compared.
    hash: u32,
    /// Where the rule's normalised name is, in `Blocklists::text`.
    name_at: u32,
    line: u32,
    name_len: u8,
    scope: Scope,
    allow: bool,
}

const EMPTY: Entry = Entry {
    hash: 0,
    name_at: 0,
    line: 0,
    name_len: 0,
    scope: Scope::Tree,
    allow: false,
};

/// The index's hash of a name.
fn hash_of(hasher: &foldhash::fast::FixedState, name: &[u8]) -> u32 {
    (hasher.hash_one(name) >> 32) as u32
}

struct GlobRule {
    pattern: String,
    allow: bool,
    list: u16,
    line: u32,
    line_at: usize,
}

struct List {
    path: PathBuf,
    /// Where its text starts in `Blocklists::text`, and where the normalised copies of its
    /// names start (after its text).
    start: usize,
    copies: usize,
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
    lists: Vec<List>,
    text: Vec<u8>,
    /// Grouped by hash once [`Blocklists::finish`] has run, in the order they were read within
    /// each group.
    rules: Vec<Entry>,
    /// `directory[k]` is where the rules whose hash's top bits are `k` start.
    directory: Vec<u32>,
    shift: u32,
    globs: Vec<GlobRule>,
    hasher: foldhash::fast::FixedState,
}

impl Blocklists {
    /// Loads one list. With `allow_all`, every rule in it is an allow rule (an allowlist).
    /// [`Blocklists::finish`] must run once all lists are loaded.
    pub fn load(&mut self, path: &Path, allow_all: bool) -> io::Result<Loaded> {
        let list = u16::try_from(self.lists.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "too many lists"))?;
        let base = self.text.len();
        let room = MAX_TOTAL_BYTES.saturating_sub(base as u64);
        // Only regular files: a FIFO would block the run forever, a device never end.
        let file = privkit_core::input::open_regular(path)?;
        // One allocation of the right size instead of doubling through 30 MB.
        let size = file.metadata().map_or(0, |m| m.len()).min(room + 1);
        self.text.reserve(usize::try_from(size).unwrap_or(0));
        file.take(room + 1).read_to_end(&mut self.text)?;
        if self.text.len() as u64 > MAX_TOTAL_BYTES {
            self.text.truncate(base);
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the blocklists together are larger than 1 GiB",
            ));
        }
        let end = self.text.len();
        self.lists.push(List {
            path: path.to_path_buf(),
            start: base,
            copies: end,
        });
        self.directory.clear(); // stale until finish()
        self.rules
            .reserve(memchr::memchr_iter(b'\n', &self.text[base..end]).count() + 1);
        let mut reader = Reader {
            text: &self.text[..end],
            end,
            extra: Vec::new(),
            rules: &mut self.rules,
            hasher: &self.hasher,
            allow_all,
        };
        let mut loaded = Loaded::default();
        let mut line_at = base;
        let mut number = 0u32;
        let text = reader.text;
        // One iterator over the whole list (a memchr call per line costs more than the line's
        // parsing on the fast path); the last line may lack its line break.
        let mut breaks = memchr::memchr_iter(b'\n', &text[base..end]).map(|i| base + i);
        while line_at < end {
            number = number.saturating_add(1);
            let line_end = breaks.next().unwrap_or(end);
            let raw = &text[line_at..line_end];
            let at = line_at;
            line_at = line_end + 1;
            // The big lists are almost all bare lowercase names, in one of the common forms
            // (oisd domains and wildcards, hosts, adblock): those skip the parser.
            if let Some((name, scope)) = fast_path(raw) {
                reader.add(name, scope, false, at, number);
                loaded.rules += 1;
                continue;
            }
            let Ok(raw) = std::str::from_utf8(raw) else {
                loaded.malformed(number, "not UTF-8");
                continue;
            };
            let mut add = |name: &str, scope, allow: bool| match host::normalize(name) {
                Some(normal) if normal.len() <= usize::from(u8::MAX) => {
                    reader.add(normal.as_bytes(), scope, allow, at, number);
                    Ok(())
                }
                _ => Err("not a valid host name"),
            };
            let result = match line::parse(raw) {
                Line::Nothing => Ok(0),
                Line::NotHostRule => {
                    loaded.not_host_rules += 1;
                    Ok(0)
                }
                Line::Malformed(why) => Err(why),
                Line::Hosts(names) => names
                    .split_whitespace()
                    .filter(|n| !is_hosts_self_name(n))
                    .try_fold(0, |n, name| add(name, Scope::Tree, false).map(|()| n + 1)),
                Line::Domain { allow, scope, name } => add(name, scope, allow).map(|()| 1),
                Line::Glob { allow, pattern } => {
                    self.globs.push(GlobRule {
                        pattern: pattern.to_lowercase(),
                        allow: allow || allow_all,
                        list,
                        line: number,
                        line_at: at,
                    });
                    Ok(1)
                }
            };
            match result {
                Ok(n) => loaded.rules += n,
                Err(why) => loaded.malformed(number, why),
            }
        }
        let extra = std::mem::take(&mut reader.extra);
        self.text.extend_from_slice(&extra);
        Ok(loaded)
    }

    /// Builds the index once every list is loaded: the rules are grouped by the top bits of
    /// their hash (a counting sort: two passes, no comparisons) keeping the order they were read
    /// in within each group, so the first rule read for a name is the first one found.
    pub fn finish(&mut self) {
        // About four rules per group: the counts fit in the cache while they are filled.
        let bits = (self.rules.len() / 4)
            .max(2)
            .next_power_of_two()
            .trailing_zeros()
            .min(30);
        self.shift = 32 - bits;
        let groups = 1usize << bits;
        let group = |e: &Entry| (e.hash >> self.shift) as usize;
        let mut starts = vec![0u32; groups + 1];
        for e in &self.rules {
            starts[group(e) + 1] += 1;
        }
        for k in 0..groups {
            starts[k + 1] += starts[k];
        }
        let mut next = starts.clone();
        let mut sorted = vec![self.rules.first().copied().unwrap_or(EMPTY); self.rules.len()];
        for e in &self.rules {
            let slot = &mut next[group(e)];
            sorted[*slot as usize] = *e;
            *slot += 1;
        }
        self.rules = sorted;
        self.directory = starts;
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
        for (depth, name) in host::self_and_parents(host).enumerate() {
            let hash = hash_of(&self.hasher, name.as_bytes());
            let found = self.candidates(hash).iter().find(|e| {
                let applies = match e.scope {
                    Scope::Tree => true,
                    Scope::Exact => depth == 0,
                    Scope::Below => depth > 0,
                };
                e.hash == hash && e.allow == allow && applies && self.name(e) == name.as_bytes()
            });
            if let Some(e) = found {
                return Some(self.hit(self.list_of(e), e.line, self.line_start(e)));
            }
        }
        self.globs
            .iter()
            .find(|rule| rule.allow == allow && glob::matches(&rule.pattern, host))
            .map(|rule| self.hit(rule.list, rule.line, rule.line_at))
    }

    /// The rules that may have this hash (all of them if the index is not built).
    fn candidates(&self, hash: u32) -> &[Entry] {
        let k = (hash >> self.shift) as usize;
        match (self.directory.get(k), self.directory.get(k + 1)) {
            (Some(&from), Some(&to)) => &self.rules[from as usize..to as usize],
            _ => &self.rules,
        }
    }

    fn name(&self, e: &Entry) -> &[u8] {
        let at = e.name_at as usize;
        self.text
            .get(at..at + usize::from(e.name_len))
            .unwrap_or_default()
    }

    /// Where the line of a rule starts: before a copied name, its line's offset was stored;
    /// a name inside its line is preceded by the line break (or the list's start).
    fn line_start(&self, e: &Entry) -> usize {
        let Some(list) = self.lists.get(usize::from(self.list_of(e))) else {
            return 0;
        };
        let at = e.name_at as usize;
        if at >= list.copies {
            let stored = self.text.get(at.saturating_sub(4)..at).unwrap_or_default();
            return stored.try_into().map_or(0, |b| u32::from_le_bytes(b) as usize);
        }
        let before = self.text.get(list.start..at).unwrap_or_default();
        memchr::memrchr(b'\n', before).map_or(list.start, |i| list.start + i + 1)
    }

    /// The list a rule is from: the last one whose text starts at or before its name (each
    /// list's text is followed by its normalised copies).
    fn list_of(&self, e: &Entry) -> u16 {
        let after = self.lists.partition_point(|l| l.start <= e.name_at as usize);
        after.saturating_sub(1) as u16
    }

    fn hit(&self, list: u16, line: u32, line_at: usize) -> Hit {
        let path = self
            .lists
            .get(usize::from(list))
            .map(|l| l.path.clone())
            .unwrap_or_default();
        let rest = self.text.get(line_at..).unwrap_or_default();
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        Hit {
            list: path,
            line,
            pattern: String::from_utf8_lossy(&rest[..end]).trim().to_string(),
        }
    }
}

/// Appends the rules of one list while its text is borrowed.
struct Reader<'a> {
    /// The text of all lists so far, this one last; it ends at `end`.
    text: &'a [u8],
    end: usize,
    /// Names that had to be normalised, each after the 4-byte offset of its line: appended to
    /// the text at `end` when the list is done.
    extra: Vec<u8>,
    rules: &'a mut Vec<Entry>,
    hasher: &'a foldhash::fast::FixedState,
    allow_all: bool,
}

impl Reader<'_> {
    /// Adds a rule on a name in normal form, at most 255 bytes long.
    fn add(&mut self, name: &[u8], scope: Scope, allow: bool, line_at: usize, line: u32) {
        let inside = self.text.as_ptr_range().contains(&name.as_ptr());
        let name_at = if inside {
            name.as_ptr() as usize - self.text.as_ptr() as usize
        } else {
            self.extra.extend_from_slice(&(line_at as u32).to_le_bytes());
            let at = self.end + self.extra.len();
            self.extra.extend_from_slice(name);
            at
        };
        self.rules.push(Entry {
            hash: hash_of(self.hasher, name),
            name_at: name_at as u32,
            line,
            name_len: name.len() as u8,
            scope,
            allow: allow || self.allow_all,
        });
    }
}

/// The name and scope of a line in one of the forms the big lists are written in, when the
/// name is already in normal form: `ads.example`, `*.ads.example` (oisd wildcards, subdomains
/// only), `0.0.0.0 ads.example` and `127.0.0.1 ads.example` (one name per hosts line),
/// `||ads.example^`, and dnscrypt-proxy's `=ads.example` (that name only) and
/// `ads.example @schedule` (the time restriction is dropped: the rule always applies), each
/// with or without the `\r` of a list saved on Windows. Anything else (comments, several
/// names, options, uppercase, IDNs) goes to the parser, which reads these forms too: this only
/// spares a million-line list its per-line parsing and normalising.
fn fast_path(raw: &[u8]) -> Option<(&[u8], Scope)> {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let (name, scope) = if let Some(rest) = raw.strip_prefix(b"*.") {
        (rest, Scope::Below)
    } else if let Some(rest) = raw
        .strip_prefix(b"0.0.0.0 ")
        .or_else(|| raw.strip_prefix(b"127.0.0.1 "))
    {
        // `0.0.0.0 localhost` and the like are the hosts file's own names: the parser's.
        if std::str::from_utf8(rest).is_ok_and(is_hosts_self_name) {
            return None;
        }
        (rest, Scope::Tree)
    } else if let Some(rest) = raw.strip_prefix(b"||") {
        (rest.strip_suffix(b"^")?, Scope::Tree)
    } else if let Some(rest) = raw.strip_prefix(b"=") {
        (rest, Scope::Exact)
    } else {
        match memchr::memchr(b' ', raw) {
            // `name @schedule`: one word after the name, starting with `@`.
            Some(space) => {
                let schedule = &raw[space + 1..];
                let word = schedule.len() > 1
                    && schedule[0] == b'@'
                    && !schedule.iter().any(|b| b.is_ascii_whitespace() || *b == b'#');
                if !word {
                    return None;
                }
                (&raw[..space], Scope::Tree)
            }
            None => (raw, Scope::Tree),
        }
    };
    is_plain_name(name).then_some((name, scope))
}

/// What a byte is in a name already in normal form: a label byte, a dot, or anything else.
const NAME_BYTES: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_' {
            table[b] = LABEL;
        } else if c == b'.' {
            table[b] = DOT;
        }
        b += 1;
    }
    table
};
const LABEL: u8 = 0;
const DOT: u8 = 1;
const OTHER: u8 = 2;

/// A line that is one bare, valid, lowercase name (`ads.example`): already in normal form.
/// (A table per byte: this runs on every line of a million-line list.)
fn is_plain_name(raw: &[u8]) -> bool {
    if raw.is_empty() || raw.len() > 253 {
        return false;
    }
    // Where the current label started.
    let mut label_at = 0usize;
    for (i, &b) in raw.iter().enumerate() {
        match NAME_BYTES[usize::from(b)] {
            LABEL => {}
            DOT if i > label_at && i - label_at <= 63 => label_at = i + 1,
            _ => return false,
        }
    }
    raw.len() > label_at && raw.len() - label_at <= 63
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
            std::fs::File::create(&path)
                .unwrap()
                .write_all(body.as_bytes())
                .unwrap();
            b.load(&path, allow_all).unwrap();
        }
        b.finish();
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
    fn fast_path_agrees_with_the_parser() {
        let lines = [
            "ads.example",
            "*.ads.example",
            "0.0.0.0 ads.example",
            "0.0.0.0 localhost",
            "0.0.0.0 0.0.0.0",
            "||ads.example^",
            "||ads.example^$important",
            "*.*.example",
            "Ads.example",
            "ads.example\r",
            "*.",
            "||^",
            "0.0.0.0 ",
            "127.0.0.1 ads.example",
            "127.0.0.1 localhost",
            "=ads.example",
            "=ads.*",
            "=",
            "ads.example @work-hours",
            "ads.example @work hours",
            "ads.example @",
            "ads.example @#x",
            "ads.example  @work",
            "*.ads.example @work",
            "ads.example\r",
            "*.ads.example\r",
            "0.0.0.0 ads.example\r",
            "=ads.example @work\r",
        ];
        for text in lines {
            let parsed = match line::parse(text) {
                Line::Domain {
                    allow: false,
                    scope,
                    name,
                } => Some((name.to_string(), scope)),
                Line::Hosts(names) if !names.contains(' ') && !is_hosts_self_name(names) => {
                    Some((names.to_string(), Scope::Tree))
                }
                _ => None,
            };
            let fast = fast_path(text.as_bytes()).map(|(n, s)| (String::from_utf8(n.to_vec()).unwrap(), s));
            // The fast path may decline a line (the parser then reads it), never disagree.
            if let Some(fast) = fast {
                assert_eq!(Some(fast), parsed, "{text:?}");
            }
        }
        assert!(fast_path(b"*.ads.example").is_some());
        assert!(fast_path(b"0.0.0.0 ads.example").is_some());
        assert!(fast_path(b"||ads.example^").is_some());
        for line in [
            &b"127.0.0.1 ads.example"[..],
            b"=ads.example",
            b"ads.example @work-hours",
            b"ads.example\r",
            b"*.ads.example\r",
        ] {
            assert!(fast_path(line).is_some(), "{}", String::from_utf8_lossy(line));
        }
        assert_eq!(fast_path(b"=ads.example").unwrap().1, Scope::Exact);
    }

    #[test]
    fn plain_names_are_told_by_their_bytes_and_label_lengths() {
        let label = "a".repeat(63);
        for good in ["a", "ads.example", "x-y_z.0.example", label.as_str()] {
            assert!(is_plain_name(good.as_bytes()), "{good}");
        }
        let long = "a".repeat(64);
        let too_long = format!("{}.example", "a".repeat(64));
        for bad in [
            "",
            ".",
            ".a",
            "a.",
            "a..b",
            "A.example",
            "a b",
            "a\r",
            "caf\u{e9}.example",
            long.as_str(),
            too_long.as_str(),
        ] {
            assert!(!is_plain_name(bad.as_bytes()), "{bad:?}");
        }
        assert!(!is_plain_name("a.".repeat(127).as_bytes()));
    }

    #[test]
    fn rules_of_several_lists_name_their_own_list() {
        let (b, _d) = lists("# block\n\nAds.Example\nx.example\n", "ok.ads.example\n");
        match b.judge("www.ok.ads.example") {
            Judgement::Allowed {
                blocked_by,
                allowed_by,
            } => {
                assert!(blocked_by.list.ends_with("block.txt"));
                assert_eq!((blocked_by.line, blocked_by.pattern.as_str()), (3, "Ads.Example"));
                assert!(allowed_by.list.ends_with("allow.txt"));
                assert_eq!(allowed_by.line, 1);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(b.judge("x.example"), Judgement::Blocked(h) if h.line == 4));
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
