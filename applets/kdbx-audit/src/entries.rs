//! The entries to audit, each named by its group path, with the recycle bin and history versions
//! left out unless asked for.

use std::collections::HashMap;

use keepass::db::{Entry, Group};
use keepass::Database;
use zeroize::Zeroizing;

pub struct Item {
    /// `Root/Group/Sub/Title`, made unique with the UUID where titles repeat.
    pub name: String,
    pub password: Zeroizing<String>,
    pub url: String,
    /// Words of the entry (title, user name, URL host) that make a password weaker if used.
    pub context: Vec<String>,
    /// When the entry expired, if it has.
    pub expired: Option<chrono::NaiveDateTime>,
    /// The entry's UUID: history versions share it with their entry, so that an entry whose
    /// history holds its current password is not "reused" with itself.
    pub uuid: String,
}

pub struct Walk {
    pub include_recycle_bin: bool,
    pub include_history: bool,
    /// Audit entries flagged "exclude from database reports" in KeePassXC too.
    pub include_excluded: bool,
}

/// "Exclude from database reports": `<QualityCheck>False</QualityCheck>` in the entry, as
/// KeePass 2.48+ and KeePassXC 2.7 write it (KDBX 4.1), or the custom data `KnownBad` = `true`
/// that older KeePassXC wrote and 2.7 still honours.
fn excluded(e: &Entry) -> bool {
    use keepass::db::Value;
    if e.quality_check == Some(false) {
        return true;
    }
    match e.custom_data.items.get("KnownBad").and_then(|i| i.value.as_ref()) {
        Some(Value::Unprotected(v)) => v.eq_ignore_ascii_case("true"),
        Some(Value::Protected(v)) => String::from_utf8_lossy(v.unsecure()).eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The entries to audit, and how many were left out as excluded from reports.
pub fn collect(db: &Database, opts: &Walk) -> (Vec<Item>, usize) {
    let bin = db.meta.recyclebin_uuid.map(|u| u.to_string());
    let mut raw: Vec<(String, String, &Entry)> = Vec::new(); // (path, uuid, entry)
    fn visit<'a>(
        g: &'a Group,
        path: &str,
        bin: Option<&str>,
        opts: &Walk,
        out: &mut Vec<(String, String, &'a Entry)>,
        skipped: &mut usize,
    ) {
        for e in &g.entries {
            if !opts.include_excluded && excluded(e) {
                *skipped += 1;
                continue;
            }
            let title = e.get_title().unwrap_or("(untitled)");
            let p = format!("{path}/{title}");
            out.push((p.clone(), e.uuid.to_string(), e));
            if opts.include_history {
                if let Some(h) = &e.history {
                    for old in h.get_entries() {
                        let when = old
                            .times
                            .get_last_modification()
                            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_else(|| "undated".into());
                        out.push((format!("{p} (history {when})"), old.uuid.to_string(), old));
                    }
                }
            }
        }
        for sub in &g.groups {
            if !opts.include_recycle_bin && bin == Some(sub.uuid.to_string().as_str()) {
                continue;
            }
            visit(sub, &format!("{path}/{}", sub.name), bin, opts, out, skipped);
        }
    }
    let mut skipped = 0;
    visit(
        &db.root,
        &db.root.name,
        bin.as_deref(),
        opts,
        &mut raw,
        &mut skipped,
    );

    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (p, _, _) in &raw {
        *seen.entry(p.as_str()).or_default() += 1;
    }
    let now = chrono::Utc::now().naive_utc();
    let items = raw
        .iter()
        .map(|(path, uuid, e)| {
            let name = if seen[path.as_str()] > 1 {
                format!("{path} [{uuid}]")
            } else {
                path.clone()
            };
            let url = e.get_url().unwrap_or_default().to_string();
            let mut context: Vec<String> = [e.get_title(), e.get_username()]
                .into_iter()
                .flatten()
                .map(String::from)
                .collect();
            if let Some(host) = host_of(&url) {
                context.push(host);
            }
            let expired = e
                .times
                .get_expiry()
                .copied()
                .filter(|t| e.times.expires && *t < now);
            Item {
                name,
                password: Zeroizing::new(e.get_password().unwrap_or_default().to_string()),
                url,
                context,
                expired,
                uuid: uuid.clone(),
            }
        })
        .collect();
    (items, skipped)
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', ':', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_string())
}
