//! Reading IEEE registry CSV files (ieee-data's oui.csv, mam.csv, oui36.csv, iab.csv, or a file
//! given with --oui-file): `Registry,Assignment,Organization Name,Organization Address`. Every
//! line must be an entry; the first that is not is reported with its number, so a wrong file
//! is refused rather than silently giving no vendors.

use super::registry::Registry;

/// Adds the entries of `text` to `reg`. Err: (line number, what is wrong).
pub fn read_into(
    reg: &mut Registry,
    text: &[u8],
    names: &mut std::collections::HashMap<String, u32>,
) -> Result<(), (usize, String)> {
    let text = std::str::from_utf8(text).map_err(|e| {
        let line = text[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        (line, "not UTF-8 text".to_string())
    })?;
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header))
            if header
                .trim_start_matches('\u{feff}')
                .starts_with("Registry,Assignment,") => {}
        _ => {
            return Err((
                1,
                "not an IEEE registry CSV (expected the header Registry,Assignment,Organization Name,...)"
                    .into(),
            ))
        }
    }
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| (i + 1, why.to_string());
        let fields = fields(line).ok_or_else(|| bad("unbalanced quotes"))?;
        if fields.len() < 3 {
            return Err(bad("not an entry (expected REGISTRY,ASSIGNMENT,NAME,ADDRESS)"));
        }
        let table = match fields[0].as_str() {
            "MA-L" => 0,
            "MA-M" => 1,
            "MA-S" | "IAB" => 2,
            _ => return Err(bad("unknown registry (expected MA-L, MA-M, MA-S or IAB)")),
        };
        let digits = super::registry::DIGITS[table] as usize;
        let hex = fields[1].as_str();
        if hex.len() != digits || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(&format!(
                "the assignment of {} must be {digits} hex digits",
                fields[0]
            )));
        }
        let prefix = u64::from_str_radix(hex, 16).map_err(|_| bad("bad assignment"))?;
        let name: String = fields[2].split_whitespace().collect::<Vec<_>>().join(" ");
        let next = reg.names.len() as u32;
        let index = *names.entry(name.clone()).or_insert(next);
        if index == next {
            reg.names.push(name);
        }
        reg.tables[table].push((prefix, index));
    }
    Ok(())
}

/// Splits one CSV line: commas, double-quoted fields, "" inside quotes. None when a quote is
/// left open.
fn fields(line: &str) -> Option<Vec<String>> {
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
    if quoted {
        return None;
    }
    fields.push(cur);
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::Mac;

    fn read(text: &str) -> Result<Registry, (usize, String)> {
        let mut reg = Registry::default();
        read_into(&mut reg, text.as_bytes(), &mut Default::default())?;
        reg.finish();
        Ok(reg)
    }

    #[test]
    fn entries_of_every_registry() {
        let reg = read(
            "Registry,Assignment,Organization Name,Organization Address\n\
             MA-L,A8BBCC,\"Test, Inc.\",\"1 Road, Town\"\n\
             MA-M,A8BBCCD,Other,x\n\
             MA-S,A8BBCCDEF,Third,\n",
        )
        .unwrap();
        let mac = |s: &str| s.parse::<Mac>().unwrap();
        assert_eq!(reg.lookup(mac("a8:bb:cc:00:00:00")), Some("Test, Inc."));
        assert_eq!(reg.lookup(mac("a8:bb:cc:d0:00:00")), Some("Other"));
        assert_eq!(reg.lookup(mac("a8:bb:cc:de:f0:00")), Some("Third"));
        assert_eq!(
            fields("a,\"say \"\"hi\"\"\",c").unwrap(),
            ["a", "say \"hi\"", "c"]
        );
    }

    #[test]
    fn junk_is_refused_with_its_line_number() {
        let head = "Registry,Assignment,Organization Name,Organization Address\n";
        assert_eq!(read("hello\n").unwrap_err().0, 1);
        assert_eq!(
            read(&format!("{head}MA-L,001B21,Intel,x\nnonsense\n"))
                .unwrap_err()
                .0,
            3
        );
        assert_eq!(read(&format!("{head}MA-L,1B21,Intel,x\n")).unwrap_err().0, 2);
        assert_eq!(read(&format!("{head}MA-L,+01B21,Intel,x\n")).unwrap_err().0, 2);
        assert_eq!(read(&format!("{head}\nMA-Q,001B21,Intel,x\n")).unwrap_err().0, 3);
        assert_eq!(read(&format!("{head}MA-L,001B21,\"Intel,x\n")).unwrap_err().0, 2);
        let mut reg = Registry::default();
        let e = read_into(
            &mut reg,
            b"Registry,Assignment,x\n\xff\n",
            &mut Default::default(),
        );
        assert_eq!(e.unwrap_err().0, 2);
    }
}
