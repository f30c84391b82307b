//! privkit: the decrypted XML read with quick-xml into the same `SimpleXmlEvent` stream the
//! crate built from xml-rs, so that every parser above is unchanged. xml-rs allocated per
//! character and per event and was about a fifth of an audit's own time on a 10,000-entry
//! database (bench/kdbx-audit.sh in privkit).
//!
//! What xml-rs (with the crate's default configuration) produced, and this reproduces:
//! - local names only (namespace prefixes dropped), namespace declarations not attributes;
//! - `<a/>` as a start and an end;
//! - text coalesced across entity and character references and comments, line ends normalized
//!   (XML 1.0), and dropped when it is all whitespace (spaces, tabs, CR, LF);
//! - CDATA sections, comments, processing instructions, the declaration and DOCTYPE dropped;
//! - any well-formedness error as an `Err` event that no parser accepts, after which nothing;
//! - and, unlike xml-rs, elements nested more than `MAX_DEPTH` deep are such an error.
//!
//! The order of events is the order of the document: the parsers decrypt protected values with
//! the inner stream cipher in that order, so it must not change.

use std::collections::{HashMap, VecDeque};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::SimpleXmlEvent;

/// privkit: the parsers (and privkit's walk of the groups) recurse once per nested group, so a
/// small file of groups nested 100,000 deep overflowed the stack (it did with xml-rs too).
/// KeePass's own documents are a few levels deep plus the groups' nesting.
const MAX_DEPTH: usize = 256;

pub(crate) struct Events<'a> {
    reader: Reader<&'a [u8]>,
    /// Text read since the last markup event, not yet handed out.
    text: String,
    /// Events read but not yet handed out (the markup that ended a run of text).
    pending: VecDeque<SimpleXmlEvent>,
    /// Elements open; and whether a root element was seen (xml-rs accepted several).
    depth: usize,
    seen_root: bool,
    done: bool,
}

impl<'a> Events<'a> {
    pub(crate) fn new(xml: &'a [u8]) -> Self {
        let mut reader = Reader::from_reader(xml);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
        Events {
            reader,
            text: String::new(),
            pending: VecDeque::new(),
            depth: 0,
            seen_root: false,
            done: false,
        }
    }

    fn start(&mut self, e: &BytesStart) -> Result<SimpleXmlEvent, String> {
        if self.depth >= MAX_DEPTH {
            return Err(format!("elements nested more than {} deep", MAX_DEPTH));
        }
        self.depth += 1;
        self.seen_root = true;
        let name = utf8(e.local_name().into_inner())?;
        let mut attributes = HashMap::new();
        for a in e.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let key = a.key;
            if key.as_ref() == b"xmlns" || key.prefix().is_some_and(|p| p.as_ref() == b"xmlns") {
                continue;
            }
            let value = a
                .decode_and_unescape_value(self.reader.decoder())
                .map_err(|e| e.to_string())?;
            attributes.insert(utf8(key.local_name().into_inner())?, normalize_attribute(&value));
        }
        Ok(SimpleXmlEvent::Start(name, attributes))
    }

    /// The text read so far as an event, unless there is none or it is whitespace only (text
    /// outside the root element is an error unless it is whitespace).
    fn take_text(&mut self) -> Result<Option<SimpleXmlEvent>, String> {
        if self.text.is_empty() {
            return Ok(None);
        }
        let text = std::mem::take(&mut self.text);
        if text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
            return Ok(None);
        }
        if self.depth == 0 {
            return Err("text outside the root element".into());
        }
        Ok(Some(SimpleXmlEvent::Characters(text)))
    }

    /// Reads up to the next events (a run of text and the markup that ends it), queued in
    /// `pending`; false at the end of the document.
    fn step(&mut self) -> Result<bool, String> {
        loop {
            let event = self.reader.read_event().map_err(|e| e.to_string())?;
            match event {
                Event::Text(t) => {
                    self.text.push_str(&t.xml10_content().map_err(|e| e.to_string())?);
                    continue;
                }
                Event::GeneralRef(r) => {
                    match r.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => self.text.push(c),
                        None => {
                            let name = r.decode().map_err(|e| e.to_string())?;
                            let value = quick_xml::escape::resolve_predefined_entity(&name)
                                .ok_or_else(|| format!("unknown entity &{name};"))?;
                            self.text.push_str(value);
                        }
                    }
                    continue;
                }
                Event::Comment(_) => continue,
                _ => {}
            }
            // Markup: the text before it first.
            let text = self.take_text()?;
            self.pending.extend(text);
            match event {
                Event::Start(e) => {
                    let start = self.start(&e)?;
                    self.pending.push_back(start);
                }
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    self.pending
                        .push_back(SimpleXmlEvent::End(utf8(e.local_name().into_inner())?));
                }
                // Expanded into Start and End by the configuration; handled alike anyway.
                Event::Empty(e) => {
                    let start = self.start(&e)?;
                    self.depth -= 1;
                    let end = SimpleXmlEvent::End(utf8(e.local_name().into_inner())?);
                    self.pending.extend([start, end]);
                }
                Event::Eof => {
                    if self.depth > 0 || !self.seen_root {
                        return Err("unexpected end of document".into());
                    }
                    return Ok(false);
                }
                // CDATA, the declaration, processing instructions and DOCTYPE: dropped.
                _ => {}
            }
            if !self.pending.is_empty() {
                return Ok(true);
            }
        }
    }
}

/// Attribute values as XML 1.0 normalizes them (and xml-rs did): each tab, CR or LF a space.
fn normalize_attribute(value: &str) -> String {
    value.replace(['\t', '\r', '\n'], " ")
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|e| e.to_string())
}

impl Iterator for Events<'_> {
    type Item = SimpleXmlEvent;

    fn next(&mut self) -> Option<SimpleXmlEvent> {
        if self.pending.is_empty() && !self.done {
            match self.step() {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(message) => {
                    // Nothing after an error: the events before it were handed out.
                    self.done = true;
                    self.pending.clear();
                    return Some(SimpleXmlEvent::Err(message));
                }
            }
        }
        self.pending.pop_front()
    }
}
#[cfg(test)]
mod tests {
    use super::super::xml_rs_events;
    use super::*;

    /// The same events as xml-rs, error messages aside (both must fail, at the same point).
    fn same_as_xml_rs(xml: &str) {
        let strip = |events: Vec<SimpleXmlEvent>| -> Vec<SimpleXmlEvent> {
            events
                .into_iter()
                .map(|e| match e {
                    SimpleXmlEvent::Err(_) => SimpleXmlEvent::Err(String::new()),
                    e => e,
                })
                .collect()
        };
        let ours = strip(Events::new(xml.as_bytes()).collect());
        let theirs = strip(xml_rs_events(xml.as_bytes()));
        let failed = |v: &[SimpleXmlEvent]| matches!(v.last(), Some(SimpleXmlEvent::Err(_)));
        assert_eq!(
            failed(&ours),
            failed(&theirs),
            "{xml}\nours {ours:?}\nxml-rs {theirs:?}"
        );
        if !failed(&theirs) {
            assert_eq!(ours, theirs, "{xml}");
        }
    }

    #[test]
    fn events_are_those_of_xml_rs() {
        let mut failed = Vec::new();
        for xml in [
            r#"<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<KeePassFile>
	<Meta>
		<Generator>KeePassXC</Generator>
		<Binaries><Binary ID="0" Compressed="True"/></Binaries>
	</Meta>
	<Root><Group><UUID>AAAAAAAAAAAAAAAAAAAAAA==</UUID><Name>Root</Name>
		<Entry><String><Key>Password</Key><Value Protected="True">c2VjcmV0</Value></String>
		<String><Key>Notes</Key><Value>line 1&#13;
line 2&#xA;line 3 &amp; &lt;x&gt; &quot;q&quot; &apos;a&apos;</Value></String>
		<String><Key>Title</Key><Value/></String>
		<String><Key>URL</Key><Value>  </Value></String>
		<String><Key>UserName</Key><Value> a </Value></String>
		</Entry></Group></Root>
</KeePassFile>
"#,
            "<a><b>x\r\ny\rz</b><c>&#32;</c><d>&#x20;&#x20;</d><e>\t</e></a>",
            "<a><b>x<!-- c -->y</b><c> <!-- c --> </c><d><?pi x?>t</d></a>",
            "<a><b>x<![CDATA[y]]>z</b><c><![CDATA[only]]></c></a>",
            "<k:a xmlns:k=\"urn:x\" xmlns=\"urn:y\"><k:b k:at=\"1\" at2=\"a&amp;b\tc\nd\">t</k:b></k:a>",
            "<a>\u{e9}\u{1f600}&#x1F600;</a>",
            "<!DOCTYPE a><a>t</a>",
            // Not well-formed: both fail.
            "<a><b></a>",
            "<a>&unknown;</a>",
            "<a>x & y</a>",
            "<a b=\"1\" b=\"2\"/>",
            "<a><b>t</b>",
            "",
            "<a/><b/>",
            "<a/>t",
            "t<a/>",
            "  <a/>\n",
            "<a></a>",
        ] {
            if std::panic::catch_unwind(|| same_as_xml_rs(xml)).is_err() {
                failed.push(xml);
            }
        }
        assert!(failed.is_empty(), "{:#?}", failed);
    }

    #[test]
    fn nesting_is_bounded() {
        let xml = |n: usize| format!("{}{}", "<G>".repeat(n), "</G>".repeat(n));
        let events: Vec<_> = Events::new(xml(MAX_DEPTH).as_bytes()).collect();
        assert!(!events.iter().any(|e| matches!(e, SimpleXmlEvent::Err(_))));
        let events: Vec<_> = Events::new(xml(MAX_DEPTH + 1).as_bytes()).collect();
        assert!(matches!(events.last(), Some(SimpleXmlEvent::Err(_))));
        assert_eq!(events.len(), MAX_DEPTH + 1);
    }

    /// A database's worth of entries, as the bench writes them.
    #[test]
    fn events_of_a_large_document_are_those_of_xml_rs() {
        let mut xml = String::from("<KeePassFile><Root><Group><Name>Root</Name>");
        for i in 0..2000 {
            xml.push_str(&format!(
                "<Entry><UUID>{i:022}==</UUID><String><Key>Title</Key><Value>Site {i} &amp; co</Value></String>\
                 <String><Key>Password</Key><Value Protected=\"True\">cGFzc3dvcmQ{i}</Value></String>\
                 <Times><Expires>False</Expires></Times></Entry>\n"
            ));
        }
        xml.push_str("</Group></Root></KeePassFile>");
        same_as_xml_rs(&xml);
    }
}
