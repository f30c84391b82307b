//! Vendor names for OUIs: the system's IEEE database when present (Debian's ieee-data), with a
//! compact embedded list of common vendors so -s, -a and -A work without it.

use std::io::Read;
use std::path::Path;

/// Debian's ieee-data.
pub const SYSTEM_OUI_FILE: &str = "/usr/share/ieee-data/oui.csv";

/// The database file is a few MiB; anything far larger is not it.
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// (OUI, vendor, makes wireless chips). Common makers of laptop, phone and router NICs.
const EMBEDDED: &[(u32, &str, bool)] = &[
    (0x001b21, "Intel Corporate", false),
    (0x3cfdfe, "Intel Corporate", false),
    (0xa0369f, "Intel Corporate", false),
    (0x0013e8, "Intel Corporate", true),
    (0x00216a, "Intel Corporate", true),
    (0x340286, "Intel Corporate", true),
    (0x7c5cf8, "Intel Corporate", true),
    (0xa434d9, "Intel Corporate", true),
    (0xdc5360, "Intel Corporate", true),
    (0x00e04c, "Realtek Semiconductor Corp.", false),
    (0x525400, "Realtek (QEMU virtual NIC)", false),
    (0x000c29, "VMware, Inc.", false),
    (0x080027, "PCS Systemtechnik GmbH (VirtualBox)", false),
    (0x001018, "Broadcom", false),
    (0x00904c, "Epigram (Broadcom)", true),
    (0x00037f, "Atheros Communications, Inc.", true),
    (0x0024d7, "Intel Corporate", true),
    (0x9cb6d0, "Rivet Networks (Killer)", true),
    (0x000e8e, "SparkLAN Communications, Inc.", true),
    (0x00c0ca, "Alfa, Inc.", true),
    (0x000fb5, "NETGEAR", true),
    (0x00146c, "NETGEAR", true),
    (0x50c7bf, "TP-LINK TECHNOLOGIES CO.,LTD.", true),
    (0xf4f26d, "TP-LINK TECHNOLOGIES CO.,LTD.", true),
    (0x001a11, "Google, Inc.", true),
    (0x3c5ab4, "Google, Inc.", true),
    (0xf4f5d8, "Google, Inc.", true),
    (0x000393, "Apple, Inc.", true),
    (0x001ec2, "Apple, Inc.", true),
    (0x3c0754, "Apple, Inc.", true),
    (0xa483e7, "Apple, Inc.", true),
    (0xf01898, "Apple, Inc.", true),
    (0x001247, "Samsung Electronics Co.,Ltd", true),
    (0x5c0a5b, "Samsung Electronics Co.,Ltd", true),
    (0xe8508b, "Samsung Electronics Co.,Ltd", true),
    (0x009ec8, "Xiaomi Communications Co Ltd", true),
    (0x640980, "Xiaomi Communications Co Ltd", true),
    (0x00e0fc, "HUAWEI TECHNOLOGIES CO.,LTD", true),
    (0x4846fb, "HUAWEI TECHNOLOGIES CO.,LTD", true),
    (0x002401, "D-Link Corporation", true),
    (0x0050f2, "Microsoft Corporation", false),
    (0x281878, "Microsoft Corporation", true),
    (0x001422, "Dell Inc.", false),
    (0x1866da, "Dell Inc.", false),
    (0x0017a4, "Hewlett Packard", false),
    (0x3cd92b, "Hewlett Packard", false),
    (
        0x00_1a_6b,
        "Universal Global Scientific Industrial Co., Ltd.",
        true,
    ),
    (0x54ee75, "Wistron InfoComm(Kunshan)Co.,Ltd.", true),
    (0x001c25, "Hon Hai Precision Ind. Co.,Ltd.", true),
    (0x002268, "Hon Hai Precision Ind. Co.,Ltd.", true),
    (0x000cf1, "Intel Corporation", false),
    (0xb827eb, "Raspberry Pi Foundation", true),
    (0xdca632, "Raspberry Pi Trading Ltd", true),
    (0x001d0f, "TP-LINK TECHNOLOGIES CO.,LTD.", true),
    (0x000b86, "Aruba Networks", true),
    (0x0017f2, "Apple, Inc.", false),
    (0x001b63, "Apple, Inc.", false),
    (0x002500, "Apple, Inc.", false),
    (0x001f16, "Wistron Corporation", false),
    (0x0026b9, "Dell Inc.", false),
    (0x0021cc, "Flextronics International", false),
    (0x005056, "VMware, Inc.", false),
    (0x00155d, "Microsoft Corporation (Hyper-V)", false),
    (0x00163e, "Xensource, Inc.", false),
];

pub struct Vendors {
    path: Option<std::path::PathBuf>,
    /// The IEEE database (a few MiB), read at the first look-up that needs it (random,
    /// locally administered addresses never do), then searched rather than parsed.
    csv: std::cell::OnceCell<Option<Vec<u8>>>,
}

impl Vendors {
    /// Uses `file` (which must exist) or the system database (when present).
    pub fn load(file: Option<&Path>) -> Result<Vendors, String> {
        let path = match file {
            Some(f) => {
                std::fs::metadata(f)
                    .map_err(|e| format!("{}: {}", f.display(), privkit_core::error::io_message(&e)))?;
                Some(f.to_path_buf())
            }
            None => Some(Path::new(SYSTEM_OUI_FILE).to_path_buf()).filter(|p| p.exists()),
        };
        Ok(Vendors {
            path,
            csv: std::cell::OnceCell::new(),
        })
    }

    fn csv(&self) -> Option<&[u8]> {
        self.csv
            .get_or_init(|| {
                let f = std::fs::File::open(self.path.as_ref()?).ok()?;
                let mut bytes = Vec::new();
                f.take(MAX_FILE).read_to_end(&mut bytes).ok()?;
                Some(bytes)
            })
            .as_deref()
    }

    /// The vendor of an OUI: a substring search for `MA-L,XXXXXX,` in the database (a run
    /// needs at most three names, so the file is never parsed whole for this), then the
    /// embedded list.
    pub fn name(&self, oui: [u8; 3]) -> Option<String> {
        if oui[0] & 0x03 != 0 {
            // Locally administered or group: never assigned to a vendor (random addresses).
            return None;
        }
        let needle = format!("MA-L,{:02X}{:02X}{:02X},", oui[0], oui[1], oui[2]);
        if let Some(csv) = self.csv() {
            if let Some(at) = memchr::memmem::find(csv, needle.as_bytes()) {
                let rest = &csv[at..];
                let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
                if let Some(name) = csv_fields(&String::from_utf8_lossy(line)).get(2) {
                    return Some(name.trim().to_string());
                }
            }
        }
        let key = u32::from_be_bytes([0, oui[0], oui[1], oui[2]]);
        EMBEDDED.iter().find(|e| e.0 == key).map(|e| e.1.to_string())
    }

    /// Every known vendor, database first, in file order, then embedded ones it lacks.
    fn all(&self) -> Vec<(u32, String)> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let text = String::from_utf8_lossy(self.csv().unwrap_or_default());
        for line in text.lines().skip(1) {
            let fields = csv_fields(line);
            if fields.len() < 3 || fields[0] != "MA-L" || fields[1].len() != 6 {
                continue;
            }
            let Ok(oui) = u32::from_str_radix(&fields[1], 16) else {
                continue;
            };
            if seen.insert(oui) {
                out.push((oui, fields[2].trim().to_string()));
            }
        }
        for &(oui, name, _) in EMBEDDED {
            if seen.insert(oui) {
                out.push((oui, name.to_string()));
            }
        }
        out
    }

    /// A random vendor: from the embedded wireless makers when `wireless`, else from the
    /// embedded wired ones; with `any`, from every vendor known.
    pub fn random(&self, wireless: bool, any: bool) -> [u8; 3] {
        let pool: Vec<u32> = if any {
            self.all().into_iter().map(|(o, _)| o).collect()
        } else {
            EMBEDDED.iter().filter(|e| e.2 == wireless).map(|e| e.0).collect()
        };
        let mut r = [0u8; 4];
        let _ = getrandom::fill(&mut r);
        let pick = pool[(u32::from_le_bytes(r) as usize) % pool.len()];
        let b = pick.to_be_bytes();
        [b[1], b[2], b[3]]
    }

    /// `(oui, name)` of the vendors whose name contains `keyword` (case-insensitive), in order.
    pub fn list(&self, keyword: Option<&str>) -> Vec<([u8; 3], String)> {
        let needle = keyword.map(str::to_lowercase);
        self.all()
            .into_iter()
            .filter(|(_, name)| needle.as_deref().is_none_or(|n| name.to_lowercase().contains(n)))
            .map(|(o, name)| {
                let b = o.to_be_bytes();
                ([b[1], b[2], b[3]], name)
            })
            .collect()
    }
}

/// Splits one CSV line: commas, double-quoted fields, "" inside quotes.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv() {
        assert_eq!(
            csv_fields(r#"MA-L,002272,"American Micro-Fuel Device Corp.","2181 Buchanan Loop, Ferndale""#),
            [
                "MA-L",
                "002272",
                "American Micro-Fuel Device Corp.",
                "2181 Buchanan Loop, Ferndale"
            ]
        );
        assert_eq!(csv_fields(r#"a,"say ""hi""",c"#), ["a", "say \"hi\"", "c"]);
    }

    #[test]
    fn embedded_and_file() {
        let path = std::env::temp_dir().join(format!("privkit-oui-{}", std::process::id()));
        std::fs::write(&path, "Registry,Assignment,Organization Name,Organization Address\nMA-L,A8BBCC,\"Test, Inc.\",Somewhere\nMA-M,A8BBCCD,Other,x\n").unwrap();
        let v = Vendors::load(Some(&path)).unwrap();
        assert_eq!(v.name([0xa8, 0xbb, 0xcc]).as_deref(), Some("Test, Inc."));
        assert_eq!(v.name([0x00, 0x1b, 0x21]).as_deref(), Some("Intel Corporate"));
        // Locally administered prefixes are never a vendor's.
        assert_eq!(v.name([0x02, 0x1b, 0x21]), None);
        assert_eq!(v.list(Some("test, inc")).len(), 1);
        std::fs::remove_file(&path).unwrap();
        let w = v.random(true, false);
        assert!(EMBEDDED.iter().any(|e| e.2 && e.0.to_be_bytes()[1..] == w));
        assert!(Vendors::load(Some(Path::new("/nonexistent/oui.csv"))).is_err());
    }
}
