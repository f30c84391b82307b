//! Member names and links that would write outside the directory an archive is extracted to
//! (absolute names, `..`, links pointing out, files written through a link): refused, since a
//! cleaned copy would carry the same trap.

use std::collections::BTreeSet;

use privkit_core::Error;

/// The links seen so far in one archive, to refuse a member written through one.
#[derive(Default)]
pub struct Paths {
    links: BTreeSet<Vec<u8>>,
}

fn refuse(kind: &str, name: &[u8], why: &str) -> Error {
    Error::data(format!(
        "{kind}: member {} {why} (refused: extracting it would write outside the archive's folder)",
        String::from_utf8_lossy(name)
    ))
}

/// The name's segments, or why it is unsafe.
fn segments(name: &[u8]) -> Result<Vec<&[u8]>, &'static str> {
    if name.first().is_some_and(|&b| b == b'/' || b == b'\\') || name.get(1) == Some(&b':') {
        return Err("has an absolute path");
    }
    let segments: Vec<&[u8]> = name
        .split(|&b| b == b'/' || b == b'\\')
        .filter(|s| !s.is_empty() && *s != b".")
        .collect();
    if segments.contains(&&b".."[..]) {
        return Err("has a path with '..'");
    }
    Ok(segments)
}

impl Paths {
    /// Checks a member's own name.
    pub fn name(&self, kind: &str, name: &[u8]) -> Result<(), Error> {
        let segments = segments(name).map_err(|why| refuse(kind, name, why))?;
        // A member under a link: extracting it writes wherever the link points.
        for end in 1..segments.len() {
            if self.links.contains(&segments[..end].join(&b'/')) {
                return Err(refuse(kind, name, "is written through a link"));
            }
        }
        Ok(())
    }

    /// Checks a symbolic link's target, read from the link's folder, and remembers the link.
    pub fn symlink(&mut self, kind: &str, name: &[u8], target: &[u8]) -> Result<(), Error> {
        let escapes = || refuse(kind, name, "is a link pointing outside the archive");
        if target.is_empty() || target[0] == b'/' || target[0] == b'\\' || target.get(1) == Some(&b':') {
            return Err(escapes());
        }
        let own = segments(name).map_err(|why| refuse(kind, name, why))?;
        let mut depth = own.len().saturating_sub(1) as i64;
        for segment in target.split(|&b| b == b'/' || b == b'\\') {
            match segment {
                b"" | b"." => {}
                b".." => depth -= 1,
                _ => depth += 1,
            }
            if depth < 0 {
                return Err(escapes());
            }
        }
        self.links.insert(own.join(&b'/'));
        Ok(())
    }

    /// Checks a hard link's target: another member's name.
    pub fn hard_link(&self, kind: &str, name: &[u8], target: &[u8]) -> Result<(), Error> {
        segments(target).map_err(|_| refuse(kind, name, "is a hard link to a file outside the archive"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_refused() {
        let mut p = Paths::default();
        for bad in [
            &b"/etc/passwd"[..],
            b"a/../../x",
            b"..",
            b"C:\\x",
            b"a\\..\\..\\x",
        ] {
            assert!(p.name("zip", bad).is_err(), "{bad:?}");
        }
        assert!(p.name("zip", b"a/./b/../c").is_err());
        assert!(p.name("zip", b"album/photo.jpg").is_ok());
        assert!(p.symlink("tar", b"album/latest.jpg", b"photo.jpg").is_ok());
        assert!(p.symlink("tar", b"album/up", b"../x").is_ok());
        assert!(p.symlink("tar", b"album/out", b"../../x").is_err());
        assert!(p.symlink("tar", b"album/etc", b"/etc").is_err());
        assert!(p.name("tar", b"album/latest.jpg/evil").is_err());
        assert!(p.hard_link("tar", b"album/shadow", b"/etc/shadow").is_err());
        assert!(p.hard_link("tar", b"album/copy", b"album/photo.jpg").is_ok());
    }
}
