//! Reading IEEE registry CSV files (ieee-data's oui.csv, mam.csv, oui36.csv, iab.csv, or a file
//! given with --oui-file): `Registry,Assignment,Organization Name,Organization Address`. Every
//! line must be an entry; the first that is not is reported with its number, so a wrong file
//! is refused rather than silently giving no vendors.

use std::collections::HashMap;

use super::registry::Registry;

/// Adds the entries of `text` to `reg`. Err: (line number, what is wrong).
pub fn read_into(
    reg: &mut Registry,
    text: &[u8],
    names: &mut HashMap<String, u32>,
) -> Result<(), (usize, String)> {
    let text = std::str::from_utf8(text).map_err(|e| {
        let line = text[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        (line, "not UTF-8 text".to_string())
    })?;
    let mut first = true;
    for_each_record(text, |line, fields| {
        if first {
            first = false;
            let head = fields.first().map(|f| f.trim_start_matches('\u{feff}'));
            if head != Some("Registry") || fields.get(1).map(String::as_str) != Some("Assignment") {
                return Err((
                    line,
                    "not an IEEE registry CSV (expected the header Registry,Assignment,Organization Name,...)".into(),
                ));
            }
            return Ok(());
        }
        add(reg, names, &fields).map_err(|why| (line, why))
    })
}

fn add(reg: &mut Registry, names: &mut HashMap<String, u32>, fields: &[String]) -> Result<(), String> {
    if fields.len() < 3 {
        return Err("not an entry (expected REGISTRY,ASSIGNMENT,NAME,ADDRESS)".into());
    }
    let table = match fields[0].as_str() {
        "MA-L" => 0,
        "MA-M" => 1,
        "MA-S" | "IAB" => 2,
        _ => return Err("unknown registry (expected MA-L, MA-M, MA-S or IAB)".into()),
    };
    let digits = super::registry::DIGITS[table] as usize;
    let hex = fields[1].as_str();
    if hex.len() != digits || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "the assignment of {} must be {digits} hex digits",
            fields[0]
        ));
    }
    let prefix = u64::from_str_radix(hex, 16).map_err(|_| "bad assignment".to_string())?;
    // Without invisible characters (one real name starts with a zero-width space), and runs of
    // white space made one space: as data/gen-vendors.py cleans them.
    let visible: String = fields[2]
        .chars()
        .filter(|&c| !privkit_core::escape::is_terminal_trap(c))
        .collect();
    let name = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    let next = reg.names.len() as u32;
    let index = *names.entry(name.clone()).or_insert(next);
    if index == next {
        reg.names.push(name);
    }
    reg.tables[table].push((prefix, index));
    Ok(())
}

/// Calls `each(line, fields)` for every non-blank record of `text`, `line` being the line it
/// starts on. Fields are split at commas; a double-quoted field may hold commas, `""` and line
/// breaks (the IEEE's addresses do); CRLF line ends are accepted. A quote still open at the end
/// is an error at the line of the record that opened it.
fn for_each_record(
    text: &str,
    mut each: impl FnMut(usize, Vec<String>) -> Result<(), (usize, String)>,
) -> Result<(), (usize, String)> {
    let blank = |fields: &[String]| fields.len() == 1 && fields[0].trim().is_empty();
    let mut line = 1;
    let mut start = 1;
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '\n' if quoted => {
                line += 1;
                cur.push(' ');
            }
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut cur));
                let record = std::mem::take(&mut fields);
                if !blank(&record) {
                    each(start, record)?;
                }
                line += 1;
                start = line;
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err((start, "unbalanced quotes".into()));
    }
    fields.push(cur);
    if !blank(&fields) {
        each(start, fields)?;
    }
    Ok(())
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
        let mut seen = Vec::new();
        let text = "a,\"say \"\"hi\"\"\",c\r\n\r\nx,\"two\r\nlines\",y\nlast";
        for_each_record(text, |line, f| {
            seen.push((line, f));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen[0],
            (1, vec!["a".to_string(), "say \"hi\"".into(), "c".into()])
        );
        assert_eq!(seen[1].0, 3);
        assert_eq!(seen[1].1[1], "two\r lines");
        assert_eq!(seen[2], (5, vec!["last".to_string()]));
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
        assert_eq!(
            read(&format!("{head}MA-L,001B21,\"Intel,x\nMA-L,001B22,x,y\n")).unwrap_err(),
            (2, "unbalanced quotes".to_string())
        );
        let mut reg = Registry::default();
        let e = read_into(
            &mut reg,
            b"Registry,Assignment,x\n\xff\n",
            &mut Default::default(),
        );
        assert_eq!(e.unwrap_err().0, 2);
    }
}
