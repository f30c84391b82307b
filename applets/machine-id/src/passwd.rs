//! The users whose caches can be wiped, from the root's /etc/passwd.

use privkit_core::Error;

use crate::layout::Layout;
use crate::messages;

/// /etc/passwd is small; a file larger than this is not one.
const MAX_PASSWD: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: u32,
    /// The home directory as the system inside the root sees it (absolute).
    pub home: String,
}

impl User {
    /// A system account (uid 1-999, nobody): the ones Debian and systemd create for daemons.
    pub fn is_system(&self) -> bool {
        (1..1000).contains(&self.uid) || self.uid == 65534
    }
}

/// Reads the users from ROOT/etc/passwd (resolved inside the root). A missing file gives only
/// root with /root, so that an image without a passwd file still has root's cache wiped.
/// Malformed lines are skipped.
pub fn users(layout: &Layout) -> Result<Vec<User>, Error> {
    let text = match layout.read_regular("/etc/passwd", MAX_PASSWD) {
        Ok(file) => String::from_utf8_lossy(&file.content).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(messages::reading(layout.shown("/etc/passwd"), &e)),
    };
    let mut users = parse(&text);
    if !users.iter().any(|u| u.name == "root") {
        users.insert(
            0,
            User {
                name: "root".into(),
                uid: 0,
                home: "/root".into(),
            },
        );
    }
    Ok(users)
}

fn parse(text: &str) -> Vec<User> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('+') && !l.starts_with('-'))
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() != 7 || fields[0].is_empty() {
                return None;
            }
            Some(User {
                name: fields[0].to_string(),
                uid: fields[2].parse().ok()?,
                home: fields[5].to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_passwd_lines() {
        let u = parse("root:x:0:0:root:/root:/bin/bash\nbroken line\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh\n+nis\n");
        assert_eq!(u.len(), 2);
        assert_eq!(
            u[1],
            User {
                name: "alice".into(),
                uid: 1000,
                home: "/home/alice".into()
            }
        );
    }
}
