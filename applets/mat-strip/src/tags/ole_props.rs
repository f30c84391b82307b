//! OLE property sets (MS-OLEPS): the `\x05SummaryInformation` and
//! `\x05DocumentSummaryInformation` streams of compound files (author, last saved by, company,
//! manager, title, comments, template path, revision, edit time, dates, application), and the
//! user-defined section with its own names. Listed only: the format removes the whole stream.

use privkit_core::Error;

use super::value::utc;
use crate::bytes::Cursor;
use crate::engine::{summary, Category, Found};

/// FMTID_SummaryInformation, as stored (little-endian GUID).
const SUMMARY: [u8; 16] = [
    0xe0, 0x85, 0x9f, 0xf2, 0xf9, 0x4f, 0x68, 0x10, 0xab, 0x91, 0x08, 0x00, 0x2b, 0x27, 0xb3, 0xd9,
];
/// FMTID_DocSummaryInformation.
const DOC_SUMMARY: [u8; 16] = [
    0x02, 0xd5, 0xcd, 0xd5, 0x9c, 0x2e, 0x1b, 0x10, 0x93, 0x97, 0x08, 0x00, 0x2b, 0x2c, 0xf9, 0xae,
];
/// FMTID_UserDefinedProperties (the second section of DocumentSummaryInformation).
const USER_DEFINED: [u8; 16] = [
    0x05, 0xd5, 0xcd, 0xd5, 0x9c, 0x2e, 0x1b, 0x10, 0x93, 0x97, 0x08, 0x00, 0x2b, 0x2c, 0xf9, 0xae,
];
/// Properties a section may hold at most (real ones hold about twenty).
const MAX_PROPERTIES: u32 = 4096;

/// Names as ExifTool gives them, so a finding reads the same in both tools and lands in the
/// right category by name.
fn summary_name(id: u32) -> Option<&'static str> {
    Some(match id {
        2 => "Title",
        3 => "Subject",
        4 => "Author",
        5 => "Keywords",
        6 => "Comments",
        7 => "Template",
        8 => "LastModifiedBy",
        9 => "RevisionNumber",
        10 => "TotalEditTime",
        11 => "LastPrinted",
        12 => "CreateDate",
        13 => "ModifyDate",
        14 => "Pages",
        15 => "Words",
        16 => "Characters",
        17 => "Thumbnail",
        18 => "Software",
        19 => "Security",
        _ => return None,
    })
}

fn doc_summary_name(id: u32) -> Option<&'static str> {
    Some(match id {
        2 => "Category",
        3 => "PresentationTarget",
        4 => "Bytes",
        5 => "Lines",
        6 => "Paragraphs",
        7 => "Slides",
        8 => "Notes",
        9 => "HiddenSlides",
        10 => "MMClips",
        11 => "ScaleCrop",
        12 => "HeadingPairs",
        13 => "TitleOfParts",
        14 => "Manager",
        15 => "Company",
        16 => "LinksUpToDate",
        17 => "CharCountWithSpaces",
        19 => "SharedDoc",
        21 => "HyperlinkBase",
        22 => "HyperlinksChanged",
        23 => "AppVersion",
        26 => "ContentType",
        27 => "ContentStatus",
        28 => "Language",
        29 => "DocVersion",
        _ => return None,
    })
}

/// What the property set in `data` holds, as findings of `kind` (`OLE2 SummaryInformation`).
/// The code page (id 1) and the locale say nothing of anyone and are left out. A set that does
/// not parse is one finding saying so (the stream goes all the same).
pub fn list(kind: &str, data: &[u8]) -> Vec<Found> {
    let mut found = Vec::new();
    if let Err(e) = parse(kind, data, &mut found) {
        found.push(Found::new(
            kind,
            "property set",
            format!("{} bytes, unreadable: {}", data.len(), e.message()),
        ));
    }
    if found.is_empty() {
        found.push(Found::new(
            kind,
            "property set",
            format!("{} bytes, no properties", data.len()),
        ));
    }
    found
}

fn parse(kind: &str, data: &[u8], found: &mut Vec<Found>) -> Result<(), Error> {
    let mut c = Cursor::new(data, "OLE property set");
    if c.le16()? != 0xfffe {
        return Err(Error::data("no property set byte order mark"));
    }
    c.skip(2 + 4 + 16)?; // version, originating system, class id
    let sections = c.le32()?.min(2);
    for _ in 0..sections {
        let fmtid = c.array::<16>()?;
        let offset = c.le32()? as usize;
        let section = data
            .get(offset..)
            .ok_or_else(|| Error::data("section offset past the end"))?;
        let names: fn(u32) -> Option<&'static str> = match fmtid {
            SUMMARY => summary_name,
            DOC_SUMMARY => doc_summary_name,
            USER_DEFINED => |_| None,
            _ => |_| None,
        };
        parse_section(kind, section, names, found)?;
    }
    Ok(())
}

fn parse_section(
    kind: &str,
    section: &[u8],
    names: fn(u32) -> Option<&'static str>,
    found: &mut Vec<Found>,
) -> Result<(), Error> {
    let mut c = Cursor::new(section, "OLE property set section");
    let size = c.le32()? as usize;
    let section = section.get(..size).unwrap_or(section);
    let count = c.le32()?;
    if count > MAX_PROPERTIES {
        return Err(Error::data(format!("{count} properties in a section")));
    }
    let mut ids = Vec::new();
    for _ in 0..count {
        ids.push((c.le32()?, c.le32()? as usize));
    }
    // The dictionary (id 0) names the user-defined properties.
    let mut dictionary = Vec::new();
    let mut codepage = 1252;
    for &(id, offset) in &ids {
        if id == 0 {
            dictionary = read_dictionary(section.get(offset..).unwrap_or_default());
        } else if id == 1 {
            let mut v = Cursor::new(section.get(offset..).unwrap_or_default(), "code page");
            if v.le32().ok() == Some(2) {
                codepage = v.le16().unwrap_or(1252);
            }
        }
    }
    for (id, offset) in ids {
        if id <= 1 || id == 0x8000_0000 || id == 0x8000_0003 {
            continue; // dictionary, code page, locale, behaviour
        }
        let name = names(id).map(str::to_string).or_else(|| {
            dictionary
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| format!("custom: {n}"))
        });
        let name = name.unwrap_or_else(|| format!("property {id}"));
        let value = section
            .get(offset..)
            .map(|v| read_value(v, codepage))
            .unwrap_or_else(|| Value::Text("(offset past the section)".into()));
        let f = match value {
            Value::Unset => continue,
            Value::Text(t) => Found::new(kind, name, summary(t.as_bytes())),
            Value::Time(t) => Found::new(kind, name, t).in_category(Category::Time),
        };
        found.push(f);
    }
    Ok(())
}

enum Value {
    /// A zero time: nothing to list.
    Unset,
    Text(String),
    Time(String),
}

/// A typed property value, readable. Unknown types are described, not decoded.
fn read_value(v: &[u8], codepage: u16) -> Value {
    let mut c = Cursor::new(v, "OLE property");
    let Ok(vt) = c.le32() else {
        return Value::Text("(cut short)".into());
    };
    let text = |c: &mut Cursor| -> Option<String> {
        let len = c.le32().ok()? as usize;
        let bytes = c.take(len.min(c.remaining())).ok()?;
        Some(ansi(bytes, codepage))
    };
    let out = match vt & 0xffff {
        0x02 => c.le16().ok().map(|n| (n as i16).to_string()),
        0x03 | 0x13 => c.le32().ok().map(|n| n.to_string()),
        0x0b => c
            .le16()
            .ok()
            .map(|n| if n == 0 { "false" } else { "true" }.to_string()),
        0x1e => text(&mut c),
        0x1f => c.le32().ok().and_then(|n| {
            let bytes = c.take((n as usize).saturating_mul(2).min(c.remaining())).ok()?;
            Some(super::text::utf16le(bytes))
        }),
        0x40 => {
            let ft = c.le64().ok();
            return match ft {
                Some(0) => Value::Unset,
                // Edit times are durations in the same unit; larger values are dates.
                Some(ft) if ft < 10_000_000 * 86_400 * 365 * 100 => {
                    Value::Time(format!("{} s", ft / 10_000_000))
                }
                Some(ft) => Value::Time(utc((ft / 10_000_000) as i64 - 11_644_473_600)),
                None => Value::Text("(cut short)".into()),
            };
        }
        0x47 => Some("(clipboard data: a thumbnail)".into()),
        0x101e => {
            // A vector of strings (TitleOfParts): the parts' names joined.
            c.le32().ok().map(|n| {
                (0..n.min(64))
                    .map_while(|_| text(&mut c))
                    .map(|s| s.trim_end_matches('\0').to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        }
        other => Some(format!("(type 0x{other:04x})")),
    };
    Value::Text(out.map_or("(cut short)".into(), |s| s.trim_end_matches('\0').to_string()))
}

fn read_dictionary(v: &[u8]) -> Vec<(u32, String)> {
    let mut c = Cursor::new(v, "OLE dictionary");
    let mut out = Vec::new();
    let Ok(n) = c.le32() else { return out };
    for _ in 0..n.min(MAX_PROPERTIES) {
        let (Ok(id), Ok(len)) = (c.le32(), c.le32()) else {
            break;
        };
        let Ok(bytes) = c.take(len as usize) else { break };
        out.push((id, ansi(bytes, 1252).trim_end_matches('\0').to_string()));
    }
    out
}

/// Single-byte text: code page 65001 is UTF-8, the rest read as Latin-1 (exact for ASCII,
/// close enough for a listing of what is removed).
fn ansi(bytes: &[u8], codepage: u16) -> String {
    if codepage == 65001 {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    bytes.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One section of (id, type, bytes) properties, as the fixture maker writes them.
    fn set(fmtid: [u8; 16], props: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
        let mut body = Vec::new();
        let mut offsets = Vec::new();
        let head = 8 + 8 * props.len();
        for (id, vt, value) in props {
            offsets.push((*id, head + body.len()));
            body.extend_from_slice(&vt.to_le_bytes());
            body.extend_from_slice(value);
            while !body.len().is_multiple_of(4) {
                body.push(0);
            }
        }
        let mut section = Vec::new();
        section.extend_from_slice(&((head + body.len()) as u32).to_le_bytes());
        section.extend_from_slice(&(props.len() as u32).to_le_bytes());
        for (id, off) in offsets {
            section.extend_from_slice(&id.to_le_bytes());
            section.extend_from_slice(&(off as u32).to_le_bytes());
        }
        section.extend_from_slice(&body);
        let mut out = vec![0xfe, 0xff, 0, 0, 5, 1, 2, 0];
        out.extend_from_slice(&[0; 16]);
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&fmtid);
        out.extend_from_slice(&48u32.to_le_bytes());
        out.extend_from_slice(&section);
        out
    }

    fn lpstr(s: &str) -> Vec<u8> {
        let mut v = ((s.len() + 1) as u32).to_le_bytes().to_vec();
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        v
    }

    #[test]
    fn summary_information_lists_people_and_dates() {
        // 2019-03-04T05:06:07Z as a FILETIME.
        let ft: u64 = (1_551_675_967 + 11_644_473_600) * 10_000_000;
        let data = set(
            SUMMARY,
            &[
                (1, 2, 1252u16.to_le_bytes().to_vec()),
                (4, 0x1e, lpstr("Alice")),
                (8, 0x1e, lpstr("Bob")),
                (12, 0x40, ft.to_le_bytes().to_vec()),
            ],
        );
        let found = list("OLE2 SummaryInformation", &data);
        let get = |n: &str| found.iter().find(|f| f.name == n).map(|f| f.value.clone());
        assert_eq!(get("Author").as_deref(), Some("Alice"));
        assert_eq!(get("LastModifiedBy").as_deref(), Some("Bob"));
        assert_eq!(get("CreateDate").as_deref(), Some("2019-03-04T05:06:07Z"));
        assert_eq!(found.len(), 3, "the code page is not a finding");
    }

    #[test]
    fn damaged_sets_are_one_finding_not_a_panic() {
        let data = set(DOC_SUMMARY, &[(15, 0x1e, lpstr("Acme"))]);
        assert_eq!(list("OLE2 DocumentSummaryInformation", &data)[0].name, "Company");
        for cut in 0..data.len() {
            assert!(!list("OLE", &data[..cut]).is_empty());
        }
        let mut huge = data.clone();
        huge[52..56].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(list("OLE", &huge)[0].value.contains("unreadable"));
    }
}
