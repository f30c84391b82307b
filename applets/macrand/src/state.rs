//! What --restore puts back: the address each interface had before privkit first changed it
//! since boot, one small file per interface under /run (a tmpfs, empty at every boot).

use std::path::{Path, PathBuf};

use crate::mac::Mac;

pub const DEFAULT_DIR: &str = "/run/privkit/macrand";

fn file(dir: &Path, iface: &str) -> PathBuf {
    dir.join(iface)
}

/// Records `original` for `iface` unless something is recorded already (the first change since
/// boot wins). Written atomically.
pub fn remember(dir: &Path, iface: &str, original: Mac) -> std::io::Result<()> {
    if recall(dir, iface).is_some() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    privkit_core::atomic::write(file(dir, iface), format!("{original}\n").as_bytes(), 0o644)
}

pub fn recall(dir: &Path, iface: &str) -> Option<Mac> {
    let text = std::fs::read_to_string(file(dir, iface)).ok()?;
    text.trim().parse().ok()
}
