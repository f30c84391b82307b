//! One line of a DNS blocklist, in whichever format it is written: every format people run is
//! accepted in the same file, told apart line by line.
//!
//! - hosts: `0.0.0.0 ads.example tracker.example # comment` (any IP address first)
//! - plain domains, one per line (oisd "domains", most "wildlists")
//! - wildcards: `*.ads.example` (subdomains only, as in oisd's domainswild)
//! - adblock: `||ads.example^`, `||ads.example^$important`, `@@||good.example^` (an exception)
//! - dnscrypt-proxy blocked_names: `=ads.example` (that name only), `ads.*`, `*tracker*`,
//!   `ads*.example.*` (glob patterns), `example.com @work-hours` (time-restricted: the time
//!   restriction is dropped, the rule always applies)

use std::net::IpAddr;

/// How a domain rule matches a host name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Scope {
    /// The name and every name under it.
    Tree = 0,
    /// The name itself only (dnscrypt-proxy `=name`).
    Exact = 1,
    /// Names under it, not the name itself (`*.name`).
    Below = 2,
}

/// What a line says.
#[derive(Debug, PartialEq)]
pub enum Line<'a> {
    /// Blank, or a comment, or a list header.
    Nothing,
    /// One or more names from a hosts line (separated by blanks), each a `Tree` rule.
    Hosts(&'a str),
    /// A rule on one domain name (not yet normalised).
    Domain {
        allow: bool,
        scope: Scope,
        name: &'a str,
    },
    /// A dnscrypt-proxy glob pattern (`*` for any run of characters).
    Glob { allow: bool, pattern: &'a str },
    /// A valid adblock rule that is not about host names (cosmetic, path or regex rules).
    NotHostRule,
    /// Not a rule in any known format.
    Malformed(&'static str),
}

/// Names hosts files map to themselves, which are never meant as blocked.
const HOSTS_FILE_SELF: &[&str] = &[
    "localhost",
    "localhost.localdomain",
    "local",
    "broadcasthost",
    "ip6-localhost",
    "ip6-loopback",
    "ip6-localnet",
    "ip6-mcastprefix",
    "ip6-allnodes",
    "ip6-allrouters",
    "ip6-allhosts",
    "0.0.0.0",
];

/// True for the names in a hosts line that are the hosts file's own, not blocked names.
pub fn is_hosts_self_name(name: &str) -> bool {
    HOSTS_FILE_SELF.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Adblock options that change what a rule matches beyond the host name: a rule carrying one
/// of these is not a plain host rule.
const NARROWING_OPTIONS: &[&str] = &[
    "badfilter",
    "denyallow",
    "domain",
    "client",
    "ctag",
    "dnstype",
    "dnsrewrite",
];

pub fn parse(raw: &str) -> Line<'_> {
    let line = raw.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with('!') || line.starts_with('[') {
        return Line::Nothing;
    }
    if let Some(rest) = line.strip_prefix("@@") {
        return adblock(rest, true);
    }
    if line.starts_with("||") {
        return adblock(line, false);
    }
    // Most lines of a million-line list are a bare name: one scan for '#' spares them the
    // three pattern searches and the comment split.
    let has_hash = line.as_bytes().contains(&b'#');
    if line.starts_with('/')
        || has_hash && (line.contains("##") || line.contains("#@#") || line.contains("#?#"))
    {
        return Line::NotHostRule;
    }
    // Inline comments (hosts files and dnscrypt-proxy lists both allow them).
    let line = if has_hash {
        line.split('#').next().unwrap_or("").trim_end()
    } else {
        line
    };
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or("");
    if could_be_address(first) && first.parse::<IpAddr>().is_ok() {
        let names = line[first.len()..].trim_start();
        return if names.is_empty() {
            Line::Malformed("an address without a host name")
        } else {
            Line::Hosts(names)
        };
    }
    // dnscrypt-proxy time restrictions: `name @schedule`.
    match words.next() {
        None => {}
        Some(w) if w.starts_with('@') && words.next().is_none() => {}
        Some(_) => return Line::Malformed("more than one word (not a hosts line)"),
    }
    domain_or_glob(first, false)
}

/// Whether `word` could be an IP address: IPv4 is digits and dots, IPv6 has a colon, and a
/// host name has neither shape. Parsing every name of a list as an address cost more than
/// the rest of its line.
fn could_be_address(word: &str) -> bool {
    word.contains(':') || word.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

fn domain_or_glob(word: &str, allow: bool) -> Line<'_> {
    if let Some(name) = word.strip_prefix('=') {
        return if name.contains('*') {
            Line::Malformed("'=' with a pattern")
        } else {
            Line::Domain {
                allow,
                scope: Scope::Exact,
                name,
            }
        };
    }
    if let Some(name) = word.strip_prefix("*.") {
        if !name.contains('*') {
            return Line::Domain {
                allow,
                scope: Scope::Below,
                name,
            };
        }
    }
    if word.contains('*') {
        return if word.chars().all(|c| c == '*' || c == '.') {
            Line::Malformed("a pattern that matches every name")
        } else {
            Line::Glob { allow, pattern: word }
        };
    }
    // Some lists write a leading dot for "this domain and below".
    let name = word.strip_prefix('.').unwrap_or(word);
    Line::Domain {
        allow,
        scope: Scope::Tree,
        name,
    }
}

/// `||name^` with optional `$options` (the `||` already checked or an `@@` removed).
fn adblock(rule: &str, allow: bool) -> Line<'_> {
    let Some(body) = rule.strip_prefix("||") else {
        // `@@` followed by something else: a URL exception, not about host names.
        return Line::NotHostRule;
    };
    let (pattern, options) = match body.split_once('$') {
        Some((p, o)) => (p, Some(o)),
        None => (body, None),
    };
    if let Some(options) = options {
        let narrowing = options.split(',').any(|o| {
            let name = o.trim().trim_start_matches('~');
            let name = name.split('=').next().unwrap_or("");
            NARROWING_OPTIONS.contains(&name)
        });
        if narrowing {
            return Line::NotHostRule;
        }
    }
    let pattern = pattern.strip_suffix('|').unwrap_or(pattern);
    let Some(name) = pattern.strip_suffix('^') else {
        // `||host/path`, `||host.com` without a separator: URL rules, not host rules.
        return Line::NotHostRule;
    };
    if name.is_empty() {
        return Line::Malformed("an empty adblock rule");
    }
    if name.contains(['/', '^', '|']) {
        return Line::NotHostRule;
    }
    domain_or_glob(name, allow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Line::*;

    #[test]
    fn every_format() {
        let d = |name, scope| Domain {
            allow: false,
            scope,
            name,
        };
        let cases = [
            ("", Nothing),
            ("   ", Nothing),
            ("# comment", Nothing),
            ("! adblock comment", Nothing),
            ("[Adblock Plus 2.0]", Nothing),
            ("0.0.0.0 ads.example", Hosts("ads.example")),
            (
                "127.0.0.1\tads.example  t.example # x",
                Hosts("ads.example  t.example"),
            ),
            (":: ads.example", Hosts("ads.example")),
            ("0.0.0.0", Malformed("an address without a host name")),
            ("ads.example", d("ads.example", Scope::Tree)),
            (".ads.example", d("ads.example", Scope::Tree)),
            ("ads.example # why", d("ads.example", Scope::Tree)),
            ("*.ads.example", d("ads.example", Scope::Below)),
            ("=ads.example", d("ads.example", Scope::Exact)),
            ("ads.example @work", d("ads.example", Scope::Tree)),
            (
                "ads.*",
                Glob {
                    allow: false,
                    pattern: "ads.*",
                },
            ),
            (
                "*tracker*",
                Glob {
                    allow: false,
                    pattern: "*tracker*",
                },
            ),
            ("||ads.example^", d("ads.example", Scope::Tree)),
            ("||ads.example^$important", d("ads.example", Scope::Tree)),
            ("||ads.example^|", d("ads.example", Scope::Tree)),
            ("||*.ads.example^", d("ads.example", Scope::Below)),
            (
                "@@||good.example^",
                Domain {
                    allow: true,
                    scope: Scope::Tree,
                    name: "good.example",
                },
            ),
            ("||ads.example^$domain=x.org", NotHostRule),
            ("||ads.example/banner", NotHostRule),
            ("example.org##.ad", NotHostRule),
            ("/banner[0-9]+/", NotHostRule),
            ("@@|https://x.org/", NotHostRule),
            ("two words", Malformed("more than one word (not a hosts line)")),
            ("*.*", Malformed("a pattern that matches every name")),
            ("||^", Malformed("an empty adblock rule")),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), want, "{text:?}");
        }
    }
}
