//! Values as people read them, whatever format wrote them: dates in ISO 8601.

/// A date or time in ISO 8601 (`2021-01-02T03:04:05`, `2019-03-04T05:06:07+01:00`) when `value`
/// is one in a format files use (EXIF `2021:01:02 03:04:05`, PDF `D:20190304050607Z`, XMP and
/// OOXML already ISO); anything else as it was.
pub fn iso_date(value: &str) -> String {
    let v = value.trim();
    // OOXML's typed element text carries its type first: `dcterms:W3CDTF 2019-03-04T05:06:07Z`.
    let v = v.strip_prefix("dcterms:W3CDTF ").unwrap_or(v);
    if let Some(pdf) = v.strip_prefix("D:") {
        return pdf_date(pdf).unwrap_or_else(|| value.to_string());
    }
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    // EXIF: `YYYY:MM:DD` and `YYYY:MM:DD HH:MM:SS` with what follows (sub-seconds, zone) kept.
    let sep = |at: usize| matches!(b.get(at), Some(b':' | b'-'));
    if digits(0..4) && sep(4) && digits(5..7) && sep(7) && digits(8..10) {
        let date = format!("{}-{}-{}", &v[0..4], &v[5..7], &v[8..10]);
        return match v.get(10..) {
            Some("") | None => date,
            Some(rest) if rest.starts_with(' ') && digits(11..13) => {
                // Matroska's `2019-03-04 05:06:07 UTC`: the zone as ISO writes it.
                let time = rest[1..]
                    .strip_suffix(" UTC")
                    .map_or(rest[1..].to_string(), |t| format!("{t}Z"));
                format!("{date}T{time}")
            }
            // Already ISO (`2019-03-04T05:06:07Z`), or a tail not understood: as it was.
            Some(_) => v.to_string(),
        };
    }
    if v.len() != value.len() {
        return v.to_string();
    }
    value.to_string()
}

/// `YYYYMMDDHHmmSS` with any tail left off, then `Z`, `+HH'mm'` or nothing.
fn pdf_date(v: &str) -> Option<String> {
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    let zone = &v[digits.len()..];
    if digits.len() < 4 || !digits.len().is_multiple_of(2) {
        return None;
    }
    let part = |r: std::ops::Range<usize>, default: &str| digits.get(r).unwrap_or(default).to_string();
    let mut out = format!("{}-{}-{}", part(0..4, ""), part(4..6, "01"), part(6..8, "01"));
    if digits.len() > 8 {
        out.push_str(&format!(
            "T{}:{}:{}",
            part(8..10, "00"),
            part(10..12, "00"),
            part(12..14, "00")
        ));
        let zone = zone.replace('\'', "");
        match zone.as_bytes().first() {
            Some(b'Z') => out.push('Z'),
            Some(b'+' | b'-') if zone.len() >= 5 && zone[1..5].bytes().all(|c| c.is_ascii_digit()) => {
                out.push_str(&format!("{}:{}", &zone[..3], &zone[3..5]))
            }
            Some(b'+' | b'-') if zone.len() >= 3 => out.push_str(&format!("{}:00", &zone[..3])),
            _ => {}
        }
    }
    Some(out)
}

/// Seconds since 1970-01-01 as an ISO 8601 UTC time (`2019-03-04T05:06:07Z`), for binary
/// times (OLE FILETIMEs, QuickTime seconds once shifted to 1970).
pub fn utc(unix: i64) -> String {
    let days = unix.div_euclid(86400);
    let rem = unix.rem_euclid(86400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_every_format_read_as_iso() {
        for (raw, iso) in [
            ("2021:01:02 03:04:05", "2021-01-02T03:04:05"),
            ("2021:01:02 03:04:05+02:00", "2021-01-02T03:04:05+02:00"),
            ("2021:01:02", "2021-01-02"),
            ("2021-01-02 03:04:05", "2021-01-02T03:04:05"),
            ("2019-03-04 05:06:07 UTC", "2019-03-04T05:06:07Z"),
            ("D:20190304050607Z", "2019-03-04T05:06:07Z"),
            ("D:20190304050607+01'00'", "2019-03-04T05:06:07+01:00"),
            ("D:2019", "2019-01-01"),
            ("dcterms:W3CDTF 2019-03-04T05:06:07Z", "2019-03-04T05:06:07Z"),
            ("2019-03-04T05:06:07Z", "2019-03-04T05:06:07Z"),
            ("4242", "4242"),
            ("D:x", "D:x"),
            ("", ""),
            ("2021:0", "2021:0"),
        ] {
            assert_eq!(iso_date(raw), iso, "{raw}");
        }
    }

    #[test]
    fn unix_seconds_in_utc() {
        assert_eq!(super::utc(1_551_675_967), "2019-03-04T05:06:07Z");
        assert_eq!(super::utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::utc(-11_644_473_600), "1601-01-01T00:00:00Z");
    }
}
