//! The interfaces of the current network namespace.

use std::path::Path;

/// All interface names, sorted.
pub fn all() -> Vec<String> {
    let mut names: Vec<String> = nix::net::if_::if_nameindex()
        .map(|list| {
            list.iter()
                .map(|i| i.name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.dedup();
    names
}

pub fn exists(name: &str) -> bool {
    nix::net::if_::if_nametoindex(name).is_ok()
}

/// Wireless interfaces have a `wireless` or `phy80211` entry in sysfs.
pub fn is_wireless(name: &str) -> bool {
    let base = Path::new("/sys/class/net").join(name);
    base.join("wireless").exists() || base.join("phy80211").exists()
}
