//! What a payload is: the kinds phones act on, told by the prefix their scanners look for.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Url,
    Wifi,
    Otpauth,
    Tel,
    Sms,
    Mailto,
    Geo,
    Vcard,
    Text,
    /// Bytes that are not text.
    Binary,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Url => "url",
            Kind::Wifi => "wifi",
            Kind::Otpauth => "otpauth",
            Kind::Tel => "tel",
            Kind::Sms => "sms",
            Kind::Mailto => "mailto",
            Kind::Geo => "geo",
            Kind::Vcard => "vcard",
            Kind::Text => "text",
            Kind::Binary => "binary",
        }
    }
}

/// Schemes a phone or desktop opens as a link (the dangerous ones included: they are links
/// too, which is the point of flagging them).
const URL_SCHEMES: &[&str] = &[
    "http",
    "https",
    "ftp",
    "ftps",
    "ws",
    "wss",
    "javascript",
    "data",
    "vbscript",
    "file",
    "intent",
    "market",
    "itms-services",
    "itms-apps",
];

/// Classifies a payload. Prefixes are matched case-insensitively after leading whitespace, as
/// the scanners on phones do.
pub fn classify(text: &str) -> Kind {
    let t = text.trim_start();
    let starts = |prefix: &str| {
        t.len() >= prefix.len()
            && t.is_char_boundary(prefix.len())
            && t[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if starts("WIFI:") {
        Kind::Wifi
    } else if starts("otpauth://") || starts("otpauth-migration://") {
        Kind::Otpauth
    } else if starts("tel:") {
        Kind::Tel
    } else if starts("sms:") || starts("smsto:") || starts("mms:") || starts("mmsto:") {
        Kind::Sms
    } else if starts("mailto:") || starts("MATMSG:") {
        Kind::Mailto
    } else if starts("geo:") {
        Kind::Geo
    } else if starts("BEGIN:VCARD") || starts("MECARD:") {
        Kind::Vcard
    } else if scheme(t).is_some_and(|s| URL_SCHEMES.iter().any(|u| u.eq_ignore_ascii_case(s))) {
        Kind::Url
    } else {
        Kind::Text
    }
}

/// The scheme of `text` if it starts with one (`letters/digits/+-. then ':'`).
pub fn scheme(text: &str) -> Option<&str> {
    let end = text.find(':')?;
    let s = &text[..end];
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then_some(s)
}

/// The fields of a `WIFI:T:WPA;S:name;P:secret;H:false;;` payload. Values are unescaped
/// (`\;`, `\,`, `\:`, `\\`, `\"`).
#[derive(Debug, Default, PartialEq)]
pub struct Wifi {
    pub auth: Option<String>,
    pub ssid: Option<String>,
    pub password: Option<String>,
}

pub fn wifi(text: &str) -> Wifi {
    let body = text.trim_start().get(5..).unwrap_or("");
    let mut wifi = Wifi::default();
    for (key, value) in fields(body) {
        match key.to_ascii_uppercase().as_str() {
            "T" => wifi.auth = Some(value),
            "S" => wifi.ssid = Some(value),
            "P" => wifi.password = Some(value),
            _ => {}
        }
    }
    wifi
}

/// Splits `K:value;K:value;;` into unescaped pairs, with the byte range of each raw value (for
/// masking it in place).
fn fields(body: &str) -> Vec<(String, String)> {
    field_spans(body)
        .into_iter()
        .map(|(key, range)| (key, unescape(&body[range])))
        .collect()
}

/// Each field's key and the byte range of its raw (still escaped) value within `body`.
pub fn field_spans(body: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(colon) = body[i..].find(':').map(|c| c + i) else {
            break;
        };
        let key = body[i..colon].to_string();
        let start = colon + 1;
        let mut end = start;
        while end < bytes.len() && bytes[end] != b';' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let end = end.min(bytes.len());
        out.push((key, start..end));
        i = end + 1;
    }
    out
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The domain of a mailto: or MATMSG: address, for the blocklist.
pub fn mail_domain(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let address = if t.len() >= 7 && t[..7].eq_ignore_ascii_case("MATMSG:") {
        let to = t.find("TO:")?;
        &t[to + 3..]
    } else {
        t.get(7..)?
    };
    let address = address.split([';', '?', ',', '&']).next()?;
    let domain = address.rsplit_once('@')?.1.trim();
    (!domain.is_empty()).then_some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let cases = [
            ("https://example.org/", Kind::Url),
            ("  HTTP://example.org", Kind::Url),
            ("javascript:alert(1)", Kind::Url),
            ("DATA:text/html,<b>", Kind::Url),
            ("WIFI:T:WPA;S:home;P:pw;;", Kind::Wifi),
            ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP", Kind::Otpauth),
            ("tel:+441234", Kind::Tel),
            ("SMSTO:+44:hi", Kind::Sms),
            ("mailto:a@b.org", Kind::Mailto),
            ("MATMSG:TO:a@b.org;SUB:x;;", Kind::Mailto),
            ("geo:48.85,2.35", Kind::Geo),
            ("BEGIN:VCARD\r\nVERSION:3.0", Kind::Vcard),
            ("MECARD:N:Doe,J;;", Kind::Vcard),
            ("hello world", Kind::Text),
            ("example.org", Kind::Text),
            ("", Kind::Text),
            ("é:x", Kind::Text),
        ];
        for (text, kind) in cases {
            assert_eq!(classify(text), kind, "{text}");
        }
    }

    #[test]
    fn wifi_fields_are_unescaped() {
        let w = wifi(r"WIFI:S:my\;net;T:WPA;P:p\\a\;ss;H:false;;");
        assert_eq!(w.ssid.as_deref(), Some("my;net"));
        assert_eq!(w.password.as_deref(), Some(r"p\a;ss"));
        assert_eq!(w.auth.as_deref(), Some("WPA"));
        assert_eq!(wifi("WIFI:T:nopass;S:cafe;;").password, None);
        // A trailing backslash does not run past the end.
        assert_eq!(wifi("WIFI:P:abc\\").password.as_deref(), Some("abc"));
    }

    #[test]
    fn mail_domains() {
        assert_eq!(
            mail_domain("mailto:x@Evil.example?subject=hi"),
            Some("Evil.example")
        );
        assert_eq!(mail_domain("MATMSG:TO:x@a.example;SUB:s;;"), Some("a.example"));
        assert_eq!(mail_domain("mailto:nobody"), None);
    }
}
