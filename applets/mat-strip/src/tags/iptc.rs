//! IPTC-IIM datasets (record:dataset, length, value), as carried in Photoshop image resource
//! 0x0404 (JPEG APP13, TIFF tag 33723, PSD). Listing only.

use crate::bytes::Cursor;
use crate::engine::{summary, Found};

/// Lists the datasets of an IPTC block; stops at the first one that is not well formed (the
/// whole block is removed by the container anyway).
pub fn list(data: &[u8]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut c = Cursor::new(data, "IPTC dataset");
    while c.peek(1).is_ok_and(|t| t[0] == 0x1c) {
        let Ok([_, record, dataset]) = c.array::<3>() else {
            break;
        };
        let Ok(len) = c.be16() else {
            break;
        };
        let Ok(value) = c.take(len as usize) else {
            break;
        };
        // 2:0 is the record's version number: structure, not metadata worth a line.
        if (record, dataset) != (2, 0) {
            found.push(Found::new("IPTC", name(record, dataset), summary(value)));
        }
    }
    found
}

/// The name of an application-record (2) dataset that identifies people, places or times.
fn name(record: u8, dataset: u8) -> String {
    match (record, dataset) {
        (2, 5) => "ObjectName".to_string(),
        (2, 25) => "Keywords".to_string(),
        (2, 55) => "DateCreated".to_string(),
        (2, 80) => "By-line".to_string(),
        (2, 60) => "TimeCreated".to_string(),
        (2, 62) => "DigitalCreationDate".to_string(),
        (2, 65) => "OriginatingProgram".to_string(),
        (2, 85) => "By-lineTitle".to_string(),
        (2, 90) => "City".to_string(),
        (2, 92) => "Sub-location".to_string(),
        (2, 95) => "Province-State".to_string(),
        (2, 100) => "Country-PrimaryLocationCode".to_string(),
        (2, 101) => "Country-PrimaryLocationName".to_string(),
        (2, 110) => "Credit".to_string(),
        (2, 115) => "Source".to_string(),
        (2, 118) => "Contact".to_string(),
        (2, 105) => "Headline".to_string(),
        (2, 116) => "CopyrightNotice".to_string(),
        (2, 120) => "Caption-Abstract".to_string(),
        (2, 122) => "Writer-Editor".to_string(),
        _ => format!("{record}:{dataset}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_datasets_and_stops_at_a_short_one() {
        let mut d = vec![0x1c, 2, 80, 0, 3];
        d.extend_from_slice(b"Bob");
        d.extend_from_slice(&[0x1c, 2, 90, 0, 9, b'X']);
        let f = list(&d);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].name.as_str(), f[0].value.as_str()), ("By-line", "Bob"));
    }
}
