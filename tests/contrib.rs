//! The files in contrib/ work: systemd units verify.

use std::path::Path;
use std::process::Command;

use crate::common::{have, scratch, BIN};

/// Every unit in contrib/systemd passes `systemd-analyze verify`, with its privkit path pointed
/// at the binary under test (verify checks that ExecStart/ExecStop programs exist).
#[test]
fn systemd_units_verify() {
    if !have("systemd-analyze") {
        eprintln!("systemd-analyze not installed: skipping (CI installs systemd)");
        return;
    }
    let dir = scratch();
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/systemd");
    let mut checked = 0;
    for entry in std::fs::read_dir(&units).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".service") || name.ends_with(".timer")) {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("/usr/bin/privkit", BIN);
        // A template (name@.service) is verified as an instance of itself.
        std::fs::write(dir.path().join(name.replace("@.", "@test0.")), text).unwrap();
        checked += 1;
    }
    assert!(checked > 0, "no units found in {}", units.display());
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let unit = entry.unwrap().path();
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&unit)
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}: {}",
            unit.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
