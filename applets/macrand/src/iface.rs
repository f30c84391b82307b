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

/// What kind of interface without a MAC address `name` is, in a word: the kernel's device type
/// when sysfs names one (wireguard, ppp, ...), `tun` for a tun device, else from the link type.
pub fn kind(name: &str, link_type: u16) -> String {
    let base = Path::new("/sys/class/net").join(name);
    if base.join("tun_flags").exists() {
        return "tun".to_string();
    }
    if let Ok(uevent) = std::fs::read_to_string(base.join("uevent")) {
        if let Some(devtype) = uevent.lines().find_map(|l| l.strip_prefix("DEVTYPE=")) {
            if !devtype.is_empty()
                && devtype.len() < 32
                && devtype.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return devtype.to_string();
            }
        }
    }
    match link_type {
        772 => "loopback".to_string(),
        512 => "ppp".to_string(),
        280 => "can".to_string(),
        65534 => "no link layer".to_string(),
        768 => "ipip tunnel".to_string(),
        769 => "ip6 tunnel".to_string(),
        776 => "sit tunnel".to_string(),
        778 => "gre tunnel".to_string(),
        823 => "ip6gre tunnel".to_string(),
        32 => "infiniband".to_string(),
        other => format!("link type {other}"),
    }
}
