//! Vendor names for MAC addresses and vendor prefixes to draw from.
//!
//! The IEEE registries are built in (see embedded.rs); Debian's ieee-data is used instead when
//! its data is newer than the built-in copy, and a file given with --oui-file replaces both.
//! The registry is read at the first look-up that needs it: a random, locally administered
//! address never does.

mod csv;
mod curated;
mod embedded;
mod registry;

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use privkit_core::{escape, output, Error};

use crate::input;
use crate::mac::{self, Mac};
use registry::Registry;

/// Debian's ieee-data.
pub const SYSTEM_DIR: &str = "/usr/share/ieee-data";
const SYSTEM_FILES: [&str; 4] = ["oui.csv", "mam.csv", "oui36.csv", "iab.csv"];

/// The largest registry file is a few MiB; anything far larger is not one.
const MAX_FILE: u64 = 64 * 1024 * 1024;

pub struct Vendors {
    /// Read at load time (a --oui-file), else on first use.
    registry: OnceCell<Registry>,
}

impl Vendors {
    /// With `file` (--oui-file), reads and checks it now: a missing, special or malformed file
    /// is refused (66, 65 with the number of the first bad line).
    pub fn load(file: Option<&Path>) -> Result<Vendors, Error> {
        let registry = OnceCell::new();
        if let Some(path) = file {
            let _ = registry.set(read_files(&[path.to_path_buf()])?);
        }
        Ok(Vendors { registry })
    }

    fn registry(&self) -> &Registry {
        self.registry.get_or_init(|| {
            if let Some(files) = newer_system_files() {
                match read_files(&files) {
                    Ok(reg) => return reg,
                    Err(e) => {
                        output::warn(crate::APPLET, format_args!("{e}; using the built-in vendor list"))
                    }
                }
            }
            embedded::load().unwrap_or_else(|why| {
                output::warn(
                    crate::APPLET,
                    format_args!("the built-in vendor list is damaged ({why}); vendor names are unknown"),
                );
                Registry::default()
            })
        })
    }

    /// The vendor of the assignment holding `mac`; none for a locally administered or group
    /// address (never assigned).
    pub fn name(&self, mac: Mac) -> Option<String> {
        if mac.0[0] & 0x03 != 0 {
            return None;
        }
        self.registry().lookup(mac).map(str::to_string)
    }

    /// A random vendor prefix: with `any`, from every vendor in the registry; else from the
    /// curated makers of `wireless` (or wired) chips.
    pub fn random(&self, wireless: bool, any: bool) -> Result<[u8; 3], Error> {
        let mut pool = if any {
            self.registry().drawable()
        } else {
            Vec::new()
        };
        if pool.is_empty() {
            pool = curated::pool(wireless);
        }
        let mut r = [0u8; 8];
        mac::random(&mut r)?;
        let pick = pool[(u64::from_le_bytes(r) % pool.len() as u64) as usize];
        let b = pick.to_be_bytes();
        Ok([b[1], b[2], b[3]])
    }

    /// `(prefix, name)` of the assignments whose name contains `keyword` (case-insensitive).
    pub fn list(&self, keyword: Option<&str>) -> Vec<(String, String)> {
        let needle = keyword.map(str::to_lowercase);
        self.registry()
            .entries()
            .filter(|(_, name)| needle.as_deref().is_none_or(|n| name.to_lowercase().contains(n)))
            .map(|(prefix, name)| (prefix, name.to_string()))
            .collect()
    }
}

/// ieee-data's files, when its data is newer than the built-in copy.
fn newer_system_files() -> Option<Vec<PathBuf>> {
    let dir = Path::new(SYSTEM_DIR);
    let stamp = input::read_regular(dir.join(".lastupdate"), 64).ok()?;
    let date: u64 = String::from_utf8_lossy(&stamp).trim().parse().ok()?;
    if date <= embedded::date() {
        return None;
    }
    let files: Vec<PathBuf> = SYSTEM_FILES
        .iter()
        .map(|f| dir.join(f))
        .filter(|p| p.exists())
        .collect();
    (!files.is_empty()).then_some(files)
}

fn read_files(files: &[PathBuf]) -> Result<Registry, Error> {
    let mut reg = Registry::default();
    let mut names = HashMap::new();
    for path in files {
        let text = input::read_regular(path, MAX_FILE).map_err(|e| input::error(path, &e))?;
        csv::read_into(&mut reg, &text, &mut names)
            .map_err(|(line, why)| Error::data(format!("line {line}: {}", escape(&why))).about(path))?;
    }
    reg.finish();
    Ok(reg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use privkit_core::Code;

    #[test]
    fn a_file_replaces_the_built_in_list_and_junk_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("oui.csv");
        std::fs::write(&path, "Registry,Assignment,Organization Name,Organization Address\nMA-L,A8BBCC,\"Test, Inc.\",Somewhere\nMA-M,A8BBCCD,Other,x\n").unwrap();
        let v = Vendors::load(Some(&path)).unwrap();
        let mac = |s: &str| s.parse::<Mac>().unwrap();
        assert_eq!(v.name(mac("a8:bb:cc:00:00:01")).as_deref(), Some("Test, Inc."));
        assert_eq!(v.name(mac("a8:bb:cc:d0:00:01")).as_deref(), Some("Other"));
        // Locally administered prefixes are never a vendor's.
        assert_eq!(v.name(mac("02:1b:21:00:00:00")), None);
        assert_eq!(v.list(Some("test, inc")).len(), 1);
        assert_eq!(v.random(false, true).unwrap(), [0xa8, 0xbb, 0xcc]);

        std::fs::write(
            &path,
            "Registry,Assignment,Organization Name,Organization Address\nMA-L,A8BBCC,x,y\ngarbage\n",
        )
        .unwrap();
        let e = Vendors::load(Some(&path)).err().unwrap();
        assert_eq!(e.code(), Code::DataErr);
        assert!(e.to_string().contains("line 3: "), "{e}");
        assert_eq!(
            Vendors::load(Some(Path::new("/nonexistent/oui.csv")))
                .err()
                .unwrap()
                .code(),
            Code::NoInput
        );
    }

    /// The CSV reader takes Debian's real files (CRLF, addresses quoted over two lines) and
    /// finds what the generator put in the built-in copy.
    #[test]
    fn ieee_data_files_read_as_the_generator_read_them() {
        let dir = Path::new(SYSTEM_DIR);
        if !dir.join("oui.csv").exists() {
            eprintln!("ieee-data not installed: skipped");
            return;
        }
        let files: Vec<PathBuf> = SYSTEM_FILES.iter().map(|f| dir.join(f)).collect();
        let system = read_files(&files).unwrap();
        let built_in = embedded::load().unwrap();
        if embedded::date() != newer_or_same_date(dir) {
            eprintln!("ieee-data is not the version the built-in copy was made from: skipped");
            return;
        }
        for t in 0..3 {
            assert_eq!(system.tables[t].len(), built_in.tables[t].len(), "table {t}");
            for (a, b) in system.tables[t].iter().zip(&built_in.tables[t]) {
                assert_eq!(a.0, b.0);
                assert_eq!(system.names[a.1 as usize], built_in.names[b.1 as usize]);
            }
        }
    }

    fn newer_or_same_date(dir: &Path) -> u64 {
        let stamp = std::fs::read_to_string(dir.join(".lastupdate")).unwrap_or_default();
        stamp.trim().parse().unwrap_or(0)
    }

    #[test]
    fn the_built_in_list_names_vendors_and_draws_from_all_of_them() {
        let v = Vendors::load(None).unwrap();
        let mac = |s: &str| s.parse::<Mac>().unwrap();
        assert_eq!(
            v.name(mac("00:1b:21:00:00:01")).as_deref(),
            Some("Intel Corporate")
        );
        let w = v.random(true, false).unwrap();
        assert!(curated::CURATED
            .iter()
            .any(|e| e.2 && e.0.to_be_bytes()[1..] == w));
        let drawn: std::collections::HashSet<_> = (0..200).map(|_| v.random(false, true).unwrap()).collect();
        assert!(
            drawn.len() > 150,
            "-A draws from the whole registry: {}",
            drawn.len()
        );
        assert!(drawn.iter().all(|o| o[0] & 0x03 == 0));
    }
}
