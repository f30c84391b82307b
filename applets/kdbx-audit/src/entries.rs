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
}

pub struct Walk {
    pub include_recycle_bin: bool,
    pub include_history: bool,
}

pub fn collect(db: &Database, opts: &Walk) -> Vec<Item> {
    let bin = db.meta.recyclebin_uuid.map(|u| u.to_string());
    let mut raw: Vec<(String, String, &Entry)> = Vec::new(); // (path, uuid, entry)
    fn visit<'a>(
        g: &'a Group,
        path: &str,
        bin: Option<&str>,
        opts: &Walk,
        out: &mut Vec<(String, String, &'a Entry)>,
    ) {
        for e in &g.entries {
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
            visit(sub, &format!("{path}/{}", sub.name), bin, opts, out);
        }
    }
    visit(&db.root, &db.root.name, bin.as_deref(), opts, &mut raw);

    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (p, _, _) in &raw {
        *seen.entry(p.as_str()).or_default() += 1;
    }
    let now = chrono::Utc::now().naive_utc();
    raw.iter()
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
            }
        })
        .collect()
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', ':', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_string())
}
