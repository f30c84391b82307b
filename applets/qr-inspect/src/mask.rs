//! Secrets in payloads (Wi-Fi passwords, two-factor seeds) replaced by a fixed mask before the
//! payload is shown, unless the user asks to see them. The mask has a fixed length so that it
//! does not tell the secret's length either.

use std::borrow::Cow;

use crate::payload::{self, Kind};

pub const MASK: &str = "********";

pub fn mask(text: &str, kind: Kind) -> Cow<'_, str> {
    match kind {
        Kind::Wifi => mask_wifi(text),
        Kind::Otpauth => mask_query(text, &["secret", "data"]),
        _ => Cow::Borrowed(text),
    }
}

fn mask_wifi(text: &str) -> Cow<'_, str> {
    // The fields start after "WIFI:" (and any leading blanks).
    let start = text.len() - text.trim_start().len() + 5;
    let Some(body) = text.get(start..) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (key, range) in payload::field_spans(body) {
        if key.eq_ignore_ascii_case("P") && !range.is_empty() {
            out.push_str(&text[copied..start + range.start]);
            out.push_str(MASK);
            copied = start + range.end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Masks the values of the named query parameters (`?secret=...&`).
fn mask_query<'a>(text: &'a str, names: &[&str]) -> Cow<'a, str> {
    let Some(query_at) = text.find('?') else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..=query_at]);
    let query = &text[query_at + 1..];
    let (query, fragment) = match query.find('#') {
        Some(i) => (&query[..i], &query[i..]),
        None => (query, ""),
    };
    let mut changed = false;
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((key, value)) if !value.is_empty() && names.iter().any(|n| key.eq_ignore_ascii_case(n)) => {
                out.push_str(key);
                out.push('=');
                out.push_str(MASK);
                changed = true;
            }
            _ => out.push_str(pair),
        }
    }
    out.push_str(fragment);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wifi_password() {
        assert_eq!(
            mask("WIFI:T:WPA;S:Home;P:hunter2\\;x;H:false;;", Kind::Wifi),
            "WIFI:T:WPA;S:Home;P:********;H:false;;"
        );
        assert_eq!(
            mask("WIFI:T:nopass;S:Cafe;;", Kind::Wifi),
            "WIFI:T:nopass;S:Cafe;;"
        );
        assert_eq!(mask("WIFI:P:abc", Kind::Wifi), "WIFI:P:********");
        assert_eq!(mask("  wifi:p:abc;;", Kind::Wifi), "  wifi:p:********;;");
    }

    #[test]
    fn otp_seed() {
        assert_eq!(
            mask(
                "otpauth://totp/Ex:me?secret=JBSWY3DPEHPK3PXP&issuer=Ex",
                Kind::Otpauth
            ),
            "otpauth://totp/Ex:me?secret=********&issuer=Ex"
        );
        assert_eq!(
            mask("otpauth-migration://offline?data=CjEKCkhlbGxv", Kind::Otpauth),
            "otpauth-migration://offline?data=********"
        );
        assert_eq!(mask("otpauth://totp/x", Kind::Otpauth), "otpauth://totp/x");
    }

    #[test]
    fn other_kinds_untouched() {
        assert_eq!(
            mask("https://x.org/?secret=1", Kind::Url),
            "https://x.org/?secret=1"
        );
    }
}
