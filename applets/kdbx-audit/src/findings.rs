//! What the audit reports. No finding ever holds a password.

use std::collections::HashMap;

use serde::Serialize;

use crate::entries::Item;
use crate::hibp::Hibp;

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Finding {
    Reused {
        entries: Vec<String>,
    },
    Weak {
        entry: String,
        score: u8,
        feedback: Vec<String>,
    },
    Pwned {
        entry: String,
        count: u64,
    },
    Expired {
        entry: String,
        expired: String,
    },
    InsecureUrl {
        entry: String,
        url: String,
    },
    Empty {
        entry: String,
    },
}

pub fn audit(items: &[Item], min_score: u8, hibp: Option<&Hibp>) -> std::io::Result<Vec<Finding>> {
    let mut out = Vec::new();

    // Reuse: exact equality (case and whitespace count), empty passwords reported apart. It
    // takes two or more different entries: an entry whose history holds its current password
    // (same UUID) has not reused it.
    let mut by_password: HashMap<&str, Vec<&Item>> = HashMap::new();
    for it in items.iter().filter(|i| !i.password.is_empty()) {
        by_password.entry(it.password.as_str()).or_default().push(it);
    }
    let mut groups: Vec<Vec<String>> = by_password
        .into_values()
        .filter(|v| v.iter().any(|it| it.uuid != v[0].uuid))
        .map(|v| {
            let mut v: Vec<String> = v.into_iter().map(|it| it.name.clone()).collect();
            v.sort();
            v
        })
        .collect();
    groups.sort();
    out.extend(groups.into_iter().map(|entries| Finding::Reused { entries }));

    let weak = crate::strength::weak_scores(items, min_score);
    let pwned = match hibp {
        Some(db) => {
            let passwords: Vec<&str> = items.iter().map(|i| i.password.as_str()).collect();
            db.counts(&passwords)?
        }
        None => vec![None; items.len()],
    };
    for ((it, weak), pwned) in items.iter().zip(weak).zip(pwned) {
        if it.password.is_empty() {
            out.push(Finding::Empty {
                entry: it.name.clone(),
            });
            continue;
        }
        if let Some((score, feedback)) = weak {
            out.push(Finding::Weak {
                entry: it.name.clone(),
                score,
                feedback,
            });
        }
        if let Some(count) = pwned {
            out.push(Finding::Pwned {
                entry: it.name.clone(),
                count,
            });
        }
    }
    for it in items {
        if let Some(t) = it.expired {
            out.push(Finding::Expired {
                entry: it.name.clone(),
                expired: t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            });
        }
        if it.url.to_ascii_lowercase().starts_with("http://") {
            out.push(Finding::InsecureUrl {
                entry: it.name.clone(),
                url: mask_password(&it.url),
            });
        }
    }
    Ok(out)
}

/// The URL with the password of its userinfo replaced by `***` (`http://admin:***@host/`): a
/// URL is printed in findings, its password never.
pub fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_are_masked() {
        assert_eq!(
            mask_password("http://admin:S3cret@192.168.1.1/"),
            "http://admin:***@192.168.1.1/"
        );
        // An @ in the password, one in the path, none at all.
        assert_eq!(
            mask_password("http://a:b@c@h:8080/x@y?q#f"),
            "http://a:***@h:8080/x@y?q#f"
        );
        assert_eq!(mask_password("http://h/x@y"), "http://h/x@y");
        assert_eq!(mask_password("http://user@h/"), "http://user@h/");
        assert_eq!(mask_password("HTTP://u:p@h"), "HTTP://u:***@h");
        assert_eq!(mask_password("not a url"), "not a url");
    }
}
