//! XMP packets (in JPEG, PNG, WebP, GIF, TIFF, PDF, MP4, JPEG 2000, JPEG XL, RIFF audio...)
//! parsed into their properties (`dc:creator: Jane`, `photoshop:City: Paris`) for --show, so an
//! author or a place is named rather than hidden in a shortened packet. Bounded: at most
//! `MAX_PROPERTIES` properties, `MAX_DEPTH` levels; a packet that does not parse is listed
//! whole (shortened) as before.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::engine::{summary, Found};

/// The identifier a JPEG APP1 segment holding a standard XMP packet starts with.
pub const JPEG_STANDARD: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// The identifier of an extended XMP segment (a packet too large for one segment, in pieces).
pub const JPEG_EXTENDED: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

const MAX_PROPERTIES: usize = 500;
/// Most bytes of a packet a format reads to list it (the rest, if any, is not parsed).
pub const MAX_PACKET: u64 = 1 << 20;
const MAX_DEPTH: usize = 64;

/// What an XMP packet holds, for --show: its properties (see [`list_as`]).
pub fn list(packet: &[u8]) -> Vec<Found> {
    list_as("XMP", packet)
}

/// A piece of an extended XMP packet (its content is listed with the packet it continues).
pub fn list_extended(piece: &[u8]) -> Vec<Found> {
    vec![Found::new(
        "XMP",
        "extended packet",
        format!("{} bytes", piece.len()),
    )]
}

/// The pieces of extended XMP packets met in a file, put back together at the end (the pieces
/// may come in any order): each piece is the packet's GUID (32 bytes), its full length and the
/// piece's offset (32-bit big-endian each), then the bytes. Bounded by [`MAX_PACKET`].
#[derive(Default)]
pub struct Extended {
    packets: Vec<([u8; 32], Vec<u8>, u64)>,
}

impl Extended {
    /// Adds one piece (the segment's content after [`JPEG_EXTENDED`]); a damaged piece or one
    /// beyond the bound is left out (it is still listed by its size).
    pub fn add(&mut self, piece: &[u8]) {
        let (Some(guid), Some(total), Some(offset), Some(data)) = (
            piece.get(..32),
            piece.get(32..36),
            piece.get(36..40),
            piece.get(40..),
        ) else {
            return;
        };
        let total = u32::from_be_bytes([total[0], total[1], total[2], total[3]]) as u64;
        let offset = u32::from_be_bytes([offset[0], offset[1], offset[2], offset[3]]) as u64;
        let end = offset + data.len() as u64;
        if total > MAX_PACKET || end > total {
            return;
        }
        let mut id = [0u8; 32];
        id.copy_from_slice(guid);
        let at = match self.packets.iter().position(|p| p.0 == id) {
            Some(at) => at,
            None => {
                self.packets.push((id, vec![0; total as usize], 0));
                self.packets.len() - 1
            }
        };
        let (_, packet, filled) = &mut self.packets[at];
        if let Some(dest) = packet.get_mut(offset as usize..end as usize) {
            dest.copy_from_slice(data);
            *filled += data.len() as u64;
        }
    }

    /// The properties of every packet whose pieces cover it whole.
    pub fn list(&self) -> Vec<Found> {
        self.packets
            .iter()
            .filter(|(_, packet, filled)| *filled >= packet.len() as u64)
            .flat_map(|(_, packet, _)| list(packet))
            .collect()
    }
}

/// The properties of an XMP packet as findings of `kind` (`XMP`, `PDF XMP`...), named by
/// their qualified names as the file writes them (struct fields as `parent/field`), list
/// items joined by `, `.
pub fn list_as(kind: &str, packet: &[u8]) -> Vec<Found> {
    let utf8 = from_utf16(packet);
    let packet = utf8.as_deref().map_or(packet, str::as_bytes);
    match properties(packet) {
        Some(props) if !props.is_empty() => props
            .into_iter()
            .map(|(name, value)| Found::new(kind, name, summary(value.as_bytes())))
            .collect(),
        // Not RDF (or nothing in it): the packet itself, shortened, so nothing goes unseen.
        _ => vec![Found::new(kind, "packet", summary(packet))],
    }
}

/// A packet written in UTF-16 (allowed by the XMP specification, seen in older Adobe files):
/// its text, for the parser; None for UTF-8 (the usual case).
fn from_utf16(packet: &[u8]) -> Option<String> {
    let big = match packet.get(..2)? {
        [0xfe, 0xff] | [0, b'<'] => true,
        [0xff, 0xfe] | [b'<', 0] => false,
        _ => return None,
    };
    let units: Vec<u16> = packet
        .chunks_exact(2)
        .map(|c| match big {
            true => u16::from_be_bytes([c[0], c[1]]),
            false => u16::from_le_bytes([c[0], c[1]]),
        })
        .collect();
    Some(
        String::from_utf16_lossy(&units)
            .trim_start_matches('\u{feff}')
            .to_string(),
    )
}

/// (name, value) of every property with a value, in the packet's order; None if the packet
/// is not well-formed XML.
fn properties(packet: &[u8]) -> Option<Vec<(String, String)>> {
    let mut reader = Reader::from_reader(packet);
    reader.config_mut().check_end_names = true;
    // Names from the rdf:Description down; None above it (x:xmpmeta, rdf:RDF).
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut props: Vec<(String, String)> = Vec::new();
    let mut buf = Vec::new();
    // The text of the current element so far (text and entity references come in pieces).
    let mut text = String::new();
    loop {
        let Ok(event) = reader.read_event_into(&mut buf) else {
            // Cut short (a packet longer than what was read) or broken further on: what was
            // read is still named.
            if props.is_empty() {
                return None;
            }
            props.push(("(rest)".into(), "not well-formed XML, not listed".into()));
            break;
        };
        if matches!(
            event,
            Event::Start(_) | Event::Empty(_) | Event::End(_) | Event::Eof
        ) {
            push_text(&stack, &text, &mut props);
            text.clear();
        }
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let inside = stack.iter().any(Option::is_some) || name == "rdf:Description";
                // Attributes are properties too (the short form), on rdf:Description and on
                // the elements below it; the packet's toolkit is named on x:xmpmeta.
                if inside || name == "x:xmpmeta" {
                    let path = path(&stack, None);
                    attributes(e, &path, &mut props);
                }
                if matches!(event, Event::Start(_)) {
                    if stack.len() >= MAX_DEPTH {
                        return None;
                    }
                    stack.push(inside.then_some(name));
                }
            }
            Event::Text(t) => text.push_str(&t.decode().ok()?),
            Event::CData(t) => text.push_str(&t.decode().ok()?),
            Event::GeneralRef(r) => {
                let piece = match r.resolve_char_ref().ok()? {
                    Some(c) => c.to_string(),
                    None => match r.decode().ok()?.as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => format!("&{other};"),
                    },
                };
                text.push_str(&piece);
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        if props.len() > MAX_PROPERTIES || text.len() > 64 << 10 {
            props.truncate(MAX_PROPERTIES);
            props.push(("(more)".into(), "further properties not listed".into()));
            break;
        }
        buf.clear();
    }
    Some(props)
}

/// The property a text belongs to: the names below rdf:Description, without RDF's own
/// containers (rdf:Bag, rdf:li, ...), struct fields joined by `/`.
fn path(stack: &[Option<String>], attribute: Option<&str>) -> String {
    stack
        .iter()
        .flatten()
        .map(String::as_str)
        .filter(|n| !n.starts_with("rdf:"))
        .chain(attribute)
        .collect::<Vec<_>>()
        .join("/")
}

fn attributes(e: &BytesStart, parent: &str, props: &mut Vec<(String, String)>) {
    for a in e.attributes().flatten() {
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        // RDF's own attributes (old packets write rdf:about without its prefix).
        if key.starts_with("xmlns") || key.starts_with("rdf:") || key.starts_with("xml:") || key == "about" {
            continue;
        }
        let value = a
            .unescape_value()
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
        if value.trim().is_empty() {
            continue;
        }
        let name = if parent.is_empty() {
            key
        } else {
            format!("{parent}/{key}")
        };
        props.push((name, value));
    }
}

/// A text node: a new value of its property (list items of one property joined by `, `).
fn push_text(stack: &[Option<String>], text: &str, props: &mut Vec<(String, String)>) {
    let text = text.trim();
    if text.is_empty() || !stack.iter().any(Option::is_some) {
        return;
    }
    let name = path(stack, None);
    if name.is_empty() {
        return;
    }
    match props.last_mut() {
        // Another item of the same list (rdf:li after rdf:li).
        Some((last, value))
            if *last == name && stack.last().is_some_and(|n| n.as_deref() == Some("rdf:li")) =>
        {
            value.push_str(", ");
            value.push_str(text);
        }
        _ => props.push((name, text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Extended XMP's pieces in any order make one packet, listed by property; a packet
    /// missing a piece is not.
    #[test]
    fn extended_pieces_are_put_back_together() {
        let packet = PACKET.as_bytes();
        let piece = |guid: &[u8; 32], offset: usize, data: &[u8]| {
            let mut p = guid.to_vec();
            p.extend_from_slice(&(packet.len() as u32).to_be_bytes());
            p.extend_from_slice(&(offset as u32).to_be_bytes());
            p.extend_from_slice(data);
            p
        };
        let mut ext = Extended::default();
        ext.add(&piece(&[b'A'; 32], 100, &packet[100..]));
        ext.add(&piece(&[b'B'; 32], 0, &packet[..100]));
        ext.add(&piece(&[b'A'; 32], 0, &packet[..100]));
        ext.add(b"short");
        assert_eq!(ext.list(), list(packet));
    }

    const PACKET: &str = r#"<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>
<x:xmpmeta xmlns:x='adobe:ns:meta/' x:xmptk='Image::ExifTool 12.57'>
<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>
 <rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/'
   xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmp:CreatorTool='Tool &amp; Co'>
  <dc:creator><rdf:Seq><rdf:li>Jane</rdf:li><rdf:li>John &amp; Co</rdf:li></rdf:Seq></dc:creator>
  <dc:title><rdf:Alt><rdf:li xml:lang='x-default'>A title</rdf:li></rdf:Alt></dc:title>
  <photoshop:City xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/'>Paris</photoshop:City>
  <exif:GPSLatitude xmlns:exif='http://ns.adobe.com/exif/1.0/'>48,51.45N</exif:GPSLatitude>
 </rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end='w'?>"#;

    #[test]
    fn properties_are_named_and_lists_joined() {
        let found = list(PACKET.as_bytes());
        let pairs: Vec<(&str, &str)> = found
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("x:xmptk", "Image::ExifTool 12.57"),
                ("xmp:CreatorTool", "Tool & Co"),
                ("dc:creator", "Jane, John & Co"),
                ("dc:title", "A title"),
                ("photoshop:City", "Paris"),
                ("exif:GPSLatitude", "48,51.45N"),
            ]
        );
    }

    #[test]
    fn utf16_packets_are_read() {
        let utf16: Vec<u8> = PACKET.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(list(&utf16), list(PACKET.as_bytes()));
    }

    #[test]
    fn broken_packets_are_listed_whole_and_never_panic() {
        let found = list(b"<x:xmpmeta><rdf:RDF></x:xmpmeta>");
        assert_eq!(found[0].name, "packet");
        for cut in 0..PACKET.len() {
            let _ = list(&PACKET.as_bytes()[..cut]);
        }
        let deep = "<a>".repeat(10_000);
        assert_eq!(list(deep.as_bytes())[0].name, "packet");
    }
}
