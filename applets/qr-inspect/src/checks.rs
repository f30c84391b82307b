//! The reasons a payload deserves a second look, and the verdict they add up to.

use serde::Serialize;
use unicode_script::{Script, UnicodeScript};
use url::{Host, Url};

use crate::blocklist::{Blocklists, Hit, Judgement};
use crate::decode::Payload;
use crate::host;
use crate::payload::{self, Kind};

/// Schemes that run code or open local resources instead of a web page.
const DANGEROUS_SCHEMES: &[(&str, &str)] = &[
    ("javascript", "runs script in the browser that opens it"),
    ("vbscript", "runs script in the program that opens it"),
    ("data", "carries a whole page or file inline, hiding what it is"),
    ("file", "opens a file on the device that scans it"),
    ("intent", "launches an Android app directly"),
];

/// Schemes that travel in clear text.
const INSECURE_SCHEMES: &[&str] = &["http", "ftp", "ws"];

/// Link shorteners: the destination is hidden until the link is followed.
const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "tinyurl.com",
    "t.co",
    "goo.gl",
    "is.gd",
    "v.gd",
    "ow.ly",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "t.ly",
    "tiny.cc",
    "rb.gy",
    "bl.ink",
    "s.id",
    "lnkd.in",
    "qrco.de",
    "qr.net",
    "qr.de",
    "qrs.ly",
    "urlz.fr",
    "shorte.st",
    "adf.ly",
    "soo.gd",
    "x.co",
    "youtu.be",
    "amzn.to",
    "tiny.one",
    "short.io",
    "shorturl.com",
    "1url.com",
    "clck.ru",
    "surl.li",
    "u.to",
    "trib.al",
    "dlvr.it",
    "db.tt",
    "snip.ly",
    "linktr.ee",
    "spoo.me",
    "2.gp",
    "cli.gs",
    "tr.im",
    "mcaf.ee",
    "su.pr",
    "chilp.it",
    "bc.vc",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Warn,
    Blocked,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Warn => "warn",
            Verdict::Blocked => "blocked",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub detail: String,
}

/// Everything said about one payload.
#[derive(Debug)]
pub struct Inspection {
    pub kind: Kind,
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    /// The blocklist rule that blocked the host, if one did.
    pub rule: Option<Hit>,
    /// A block rule that an allowlist rule overrode (shown, not counted).
    pub allowed: Option<(Hit, Hit)>,
}

pub fn inspect(payload: &Payload, lists: &Blocklists) -> Inspection {
    let text = match payload {
        Payload::Text(text) => text,
        Payload::Binary(bytes) => {
            return Inspection {
                kind: Kind::Binary,
                verdict: Verdict::Warn,
                reasons: vec![reason(
                    "binary-payload",
                    format!(
                        "the code holds {} bytes of binary data, not text: what a scanner does with them depends on the app",
                        bytes.len()
                    ),
                )],
                rule: None,
                allowed: None,
            }
        }
    };
    let kind = payload::classify(text);
    let mut reasons = Vec::new();
    let mut dangerous = false;
    let mut host = None;
    match kind {
        Kind::Url => {
            let facts = url_reasons(text, &mut reasons);
            dangerous = facts.dangerous;
            host = facts.host;
        }
        Kind::Wifi => {
            let wifi = payload::wifi(text);
            let open = wifi
                .auth
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case("nopass"))
                || wifi.password.as_deref().is_none_or(str::is_empty);
            if open {
                reasons.push(reason(
                    "wifi-open",
                    "the network has no password: anyone nearby can read its traffic".into(),
                ));
            }
        }
        Kind::Otpauth => reasons.push(reason(
            "otpauth-secret",
            "the code carries a two-factor seed: whoever has seen it can generate your codes".into(),
        )),
        Kind::Mailto => {
            host = payload::mail_domain(text)
                .and_then(host::normalize)
                .map(|d| d.into_owned())
        }
        _ => {}
    }
    if has_control_chars(text, kind) {
        reasons.push(reason(
            "control-chars",
            "the payload holds control characters or invisible formatting (shown escaped)".into(),
        ));
    }
    let mut rule = None;
    let mut allowed = None;
    if let Some(host) = &host {
        match lists.judge(host) {
            Judgement::Clear => {}
            Judgement::Blocked(hit) => {
                reasons.insert(
                    0,
                    reason(
                        "blocklisted",
                        format!(
                            "{host} is blocked by rule \"{}\" ({} line {})",
                            hit.pattern,
                            hit.list.display(),
                            hit.line
                        ),
                    ),
                );
                rule = Some(hit);
            }
            Judgement::Allowed {
                blocked_by,
                allowed_by,
            } => allowed = Some((blocked_by, allowed_by)),
        }
    }
    let verdict = if rule.is_some() || dangerous {
        Verdict::Blocked
    } else if !reasons.is_empty() {
        Verdict::Warn
    } else {
        Verdict::Ok
    };
    Inspection {
        kind,
        verdict,
        reasons,
        rule,
        allowed,
    }
}

fn reason(code: &'static str, detail: String) -> Reason {
    Reason { code, detail }
}

struct UrlFacts {
    dangerous: bool,
    /// The host in its ASCII form, when the URL has a domain name.
    host: Option<String>,
}

fn url_reasons(text: &str, reasons: &mut Vec<Reason>) -> UrlFacts {
    let trimmed = text.trim();
    let scheme = payload::scheme(trimmed).unwrap_or("").to_ascii_lowercase();
    if let Some((name, why)) = DANGEROUS_SCHEMES.iter().find(|(s, _)| *s == scheme) {
        reasons.push(reason("dangerous-scheme", format!("{name}: {why}")));
        return UrlFacts {
            dangerous: true,
            host: None,
        };
    }
    if INSECURE_SCHEMES.contains(&scheme.as_str()) {
        reasons.push(reason(
            "insecure-scheme",
            format!("{scheme}:// is not encrypted: the page can be read and changed on the way"),
        ));
    }
    let Ok(url) = Url::parse(trimmed) else {
        return UrlFacts {
            dangerous: false,
            host: None,
        };
    };
    let host = match url.host() {
        Some(Host::Domain(d)) => Some(d.to_string()),
        Some(Host::Ipv4(ip)) => {
            reasons.push(reason(
                "ip-literal",
                format!("the host is the IP address {ip}, not a name"),
            ));
            None
        }
        Some(Host::Ipv6(ip)) => {
            reasons.push(reason(
                "ip-literal",
                format!("the host is the IP address [{ip}], not a name"),
            ));
            None
        }
        None => None,
    };
    let shown_host = url.host_str().unwrap_or("");
    if !url.username().is_empty() || url.password().is_some() {
        reasons.push(reason(
            "userinfo",
            format!(
                "the link goes to {shown_host}; \"{}\" before the @ is only a user name",
                url.username()
            ),
        ));
    }
    if let Some(name) = &host {
        domain_reasons(name, reasons);
    }
    if let Some(port) = url.port() {
        reasons.push(reason(
            "nonstandard-port",
            format!("port {port} instead of the default"),
        ));
    }
    UrlFacts {
        dangerous: false,
        host,
    }
}

fn domain_reasons(ascii: &str, reasons: &mut Vec<Reason>) {
    let unicode = host::to_unicode(ascii);
    if ascii.split('.').any(|l| l.starts_with("xn--")) {
        reasons.push(reason("punycode", format!("{ascii} is shown as {unicode}")));
    }
    for label in unicode.split('.') {
        if let Some(scripts) = mixed_scripts(label) {
            reasons.push(reason(
                "mixed-script",
                format!("\"{label}\" mixes {scripts}: letters from one can imitate the other"),
            ));
            break;
        }
    }
    if host::self_and_parents(ascii).any(|name| SHORTENERS.contains(&name)) {
        reasons.push(reason(
            "shortener",
            format!("{ascii} is a link shortener: the destination is hidden"),
        ));
    }
}

/// The scripts a host label mixes, when the mix is not one that real names use (Unicode TS 39's
/// "highly restrictive" level: one script, or Latin with the scripts written alongside it in
/// Chinese, Japanese and Korean).
fn mixed_scripts(label: &str) -> Option<String> {
    let mut seen: Vec<Script> = Vec::new();
    for c in label.chars() {
        let s = c.script();
        if !matches!(s, Script::Common | Script::Inherited | Script::Unknown) && !seen.contains(&s) {
            seen.push(s);
        }
    }
    if seen.len() < 2 {
        return None;
    }
    let allowed_sets: [&[Script]; 3] = [
        &[Script::Latin, Script::Han, Script::Hiragana, Script::Katakana],
        &[Script::Latin, Script::Han, Script::Bopomofo],
        &[Script::Latin, Script::Han, Script::Hangul],
    ];
    if allowed_sets
        .iter()
        .any(|set| seen.iter().all(|s| set.contains(s)))
    {
        return None;
    }
    let names: Vec<&str> = seen.iter().map(|s| s.full_name()).collect();
    Some(names.join(" and "))
}

/// Control characters and invisible formatting (Unicode tag characters and Hangul fillers
/// included: they render as nothing yet carry text). Line breaks and tabs are part of multi-line
/// payloads (vCards, texts) but never of a link.
fn has_control_chars(text: &str, kind: Kind) -> bool {
    text.chars().any(|c| {
        privkit_core::escape::is_terminal_trap(c) && (kind == Kind::Url || !matches!(c, '\n' | '\r' | '\t'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspect(text: &str, lists: &Blocklists) -> Inspection {
        super::inspect(&Payload::Text(text.to_string()), lists)
    }

    fn codes(text: &str) -> Vec<&'static str> {
        inspect(text, &Blocklists::default())
            .reasons
            .iter()
            .map(|r| r.code)
            .collect()
    }

    fn verdict(text: &str) -> Verdict {
        inspect(text, &Blocklists::default()).verdict
    }

    #[test]
    fn url_reasons_one_by_one() {
        assert_eq!(codes("https://example.org/"), Vec::<&str>::new());
        assert_eq!(codes("http://example.org/"), ["insecure-scheme"]);
        assert_eq!(codes("javascript:alert(1)"), ["dangerous-scheme"]);
        assert_eq!(codes("  DATA:text/html,<script>"), ["dangerous-scheme"]);
        assert_eq!(codes("file:///etc/passwd"), ["dangerous-scheme"]);
        assert_eq!(
            codes("intent://scan/#Intent;scheme=zxing;end"),
            ["dangerous-scheme"]
        );
        assert_eq!(codes("vbscript:msgbox"), ["dangerous-scheme"]);
        assert_eq!(codes("https://192.168.1.1/login"), ["ip-literal"]);
        assert_eq!(codes("https://0x7f.1/"), ["ip-literal"]);
        assert_eq!(codes("https://[::1]/"), ["ip-literal"]);
        assert_eq!(codes("https://paypal.com@evil.example/"), ["userinfo"]);
        assert_eq!(codes("https://xn--80ak6aa92e.com/"), ["punycode"]);
        assert_eq!(codes("https://\u{430}pple.com/"), ["punycode", "mixed-script"]);
        assert_eq!(codes("https://bücher.example/"), ["punycode"]);
        assert_eq!(codes("https://bit.ly/3xyz"), ["shortener"]);
        assert_eq!(codes("https://www.tinyurl.com/x"), ["shortener"]);
        assert_eq!(codes("https://example.org:8443/"), ["nonstandard-port"]);
        assert_eq!(codes("https://example.org:443/"), Vec::<&str>::new());
        assert_eq!(codes("https://example.org/\u{1b}[2J"), ["control-chars"]);
        assert_eq!(codes("https://example.org/\na"), ["control-chars"]);
        // A hidden message in tag characters after the link, and Hangul fillers that look blank.
        let tags: String = "ignore previous"
            .chars()
            .map(|c| char::from_u32(0xe0000 + c as u32).unwrap())
            .collect();
        assert_eq!(codes(&format!("https://example.org/{tags}")), ["control-chars"]);
        assert_eq!(codes("https://example.org/\u{3164}"), ["control-chars"]);
        assert_eq!(codes("https://example.org/\u{115f}x"), ["control-chars"]);
        assert_eq!(codes("note \u{ffa0}"), ["control-chars"]);
    }

    #[test]
    fn userinfo_detail_names_the_real_host() {
        let i = inspect("https://paypal.com@evil.example/login", &Blocklists::default());
        assert!(
            i.reasons[0].detail.contains("goes to evil.example"),
            "{:?}",
            i.reasons
        );
    }

    #[test]
    fn japanese_and_chinese_names_are_not_mixed_script() {
        assert_eq!(mixed_scripts("日本語ドメイン"), None);
        assert_eq!(mixed_scripts("sonyストア"), None);
        assert_eq!(mixed_scripts("中文域名"), None);
        assert_eq!(mixed_scripts("pаypal").as_deref(), Some("Latin and Cyrillic"));
        assert_eq!(mixed_scripts("αpple").as_deref(), Some("Greek and Latin"));
    }

    #[test]
    fn other_kinds() {
        assert_eq!(codes("WIFI:T:nopass;S:Cafe;;"), ["wifi-open"]);
        assert_eq!(codes("WIFI:T:WPA;S:Home;P:;;"), ["wifi-open"]);
        assert_eq!(codes("WIFI:T:WPA;S:Home;P:secret;;"), Vec::<&str>::new());
        assert_eq!(
            codes("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"),
            ["otpauth-secret"]
        );
        assert_eq!(codes("BEGIN:VCARD\r\nFN:A\r\nEND:VCARD"), Vec::<&str>::new());
        assert_eq!(codes("hello\u{7}"), ["control-chars"]);
        assert_eq!(codes("tel:+441234567"), Vec::<&str>::new());
    }

    #[test]
    fn binary_payloads_warn() {
        let i = super::inspect(
            &Payload::Binary(vec![0x89, b'P', b'N', b'G', 0]),
            &Blocklists::default(),
        );
        assert_eq!(i.kind, Kind::Binary);
        assert_eq!(i.verdict, Verdict::Warn);
        assert_eq!(i.reasons[0].code, "binary-payload");
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict("https://example.org/"), Verdict::Ok);
        assert_eq!(verdict("http://example.org/"), Verdict::Warn);
        assert_eq!(verdict("javascript:alert(1)"), Verdict::Blocked);
        assert_eq!(verdict("just text"), Verdict::Ok);
    }
}
