//! Host names in one comparable form: lowercase ASCII, IDNs in their punycode (xn--) form, no
//! trailing dot. Blocklist rules and the hosts of decoded URLs both go through here, so that a
//! rule written in Unicode matches the punycode host of a URL and the other way round.

use std::borrow::Cow;

const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;

/// The normalised form of `name`, or `None` when it is not a host name.
pub fn normalize(name: &str) -> Option<Cow<'_, str>> {
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    let form: Cow<str> = if trimmed
        .bytes()
        .all(|b| is_name_byte(b) && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(trimmed)
    } else if trimmed.is_ascii() {
        Cow::Owned(trimmed.to_ascii_lowercase())
    } else {
        Cow::Owned(idna::domain_to_ascii(trimmed).ok()?)
    };
    valid(&form).then_some(form)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

fn valid(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name.bytes().all(is_name_byte)
        && name
            .split('.')
            .all(|label| !label.is_empty() && label.len() <= MAX_LABEL)
}

/// `name` followed by each parent domain: `a.b.example`, `b.example`, `example`.
pub fn self_and_parents(name: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(name), |n| n.split_once('.').map(|(_, parent)| parent))
}

/// The Unicode form of an ASCII host (for showing what `xn--` labels spell).
pub fn to_unicode(ascii: &str) -> String {
    idna::domain_to_unicode(ascii).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_form() {
        assert_eq!(normalize("ads.example").as_deref(), Some("ads.example"));
        assert_eq!(normalize("ADS.Example.").as_deref(), Some("ads.example"));
        assert_eq!(
            normalize("bücher.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(
            normalize("xn--bcher-kva.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(normalize("_dmarc.example").as_deref(), Some("_dmarc.example"));
        assert_eq!(normalize(""), None);
        assert_eq!(normalize("a..b"), None);
        assert_eq!(normalize("a b"), None);
        assert_eq!(normalize("ads.example/path"), None);
        assert_eq!(normalize(&"a".repeat(64)), None);
        assert_eq!(normalize(&format!("{}.example", "a.".repeat(130))), None);
    }

    #[test]
    fn parents() {
        let all: Vec<_> = self_and_parents("a.b.example").collect();
        assert_eq!(all, ["a.b.example", "b.example", "example"]);
    }
}
