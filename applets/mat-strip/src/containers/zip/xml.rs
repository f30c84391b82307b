//! Rewriting one XML part event by event: elements can be dropped (with everything inside),
//! attributes dropped or replaced, and the text of an element replaced. Everything else (text,
//! markup, namespaces, entity references) passes through as it was written, so the document's
//! content is untouched.

use std::borrow::Cow;
use std::collections::BTreeMap;

use privkit_core::Error;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::{Reader, Writer};

use crate::engine::Found;

/// Deeper nesting than any real document: refused rather than followed.
const MAX_DEPTH: usize = 1000;

/// What happens to an attribute.
pub enum Attr {
    Keep,
    Drop,
    Replace(&'static str),
}

/// The rules for one part, by local name (the part after the prefix: `w:author` is `author`).
pub trait Rules {
    /// Whether the element (and all it contains) goes. `start` gives its attributes.
    fn drop_element(&self, _element: &[u8], _start: &BytesStart) -> bool {
        false
    }
    /// What happens to an attribute of an element.
    fn attribute(&self, _element: &[u8], _attribute: &[u8]) -> Attr {
        Attr::Keep
    }
    /// A replacement for the text inside the element (by its qualified name, prefix included:
    /// `dc:date` is personal where `text:date` is content), if it is personal.
    fn replace_text(&self, _qualified: &[u8]) -> Option<&'static str> {
        None
    }
}

/// What a rewrite removed, grouped: `what -> (count, first values)`.
#[derive(Default)]
pub struct Removed {
    groups: BTreeMap<String, (usize, Vec<String>)>,
}

impl Removed {
    fn note(&mut self, what: String, value: &[u8]) {
        let (count, values) = self.groups.entry(what).or_default();
        *count += 1;
        let value = crate::engine::summary(value);
        if values.len() < 3 && !value.is_empty() && !values.contains(&value) {
            values.push(value);
        }
    }

    /// One finding per kind of thing removed, naming the part.
    pub fn into_found(self, kind: &str, part: &str) -> Vec<Found> {
        self.groups
            .into_iter()
            .map(|(what, (count, values))| {
                let shown = if values.is_empty() {
                    format!("{count}")
                } else if count > values.len() {
                    format!("{} (and {} more)", values.join(", "), count - values.len())
                } else {
                    values.join(", ")
                };
                Found::new(kind, format!("{part}: {what}"), shown)
            })
            .collect()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// The value of an attribute (by local name), unescaped.
pub fn attribute(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| local(a.key.as_ref()) == name)
        .and_then(|a| a.unescape_value().ok().map(Cow::into_owned))
}

pub fn local(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// Rewrites `xml` by `rules`. Returns the new part and what was removed; a part that needs no
/// change comes back byte for byte.
pub fn rewrite(xml: &[u8], rules: &dyn Rules, part: &str) -> Result<(Vec<u8>, Removed), Error> {
    let (out, removed, changed) = rewrite_into(xml, rules, part, Vec::with_capacity(xml.len()))?;
    Ok((if changed { out } else { xml.to_vec() }, removed))
}

/// [`rewrite`] taking the part: it comes back as it was when nothing changed (no copy), and
/// when only inspecting the new part is not built at all (--show, --check hold the part once).
pub fn rewrite_owned(
    xml: Vec<u8>,
    rules: &dyn Rules,
    part: &str,
    inspecting: bool,
) -> Result<(Vec<u8>, Removed), Error> {
    if inspecting {
        let (_, removed, _) = rewrite_into(&xml, rules, part, std::io::sink())?;
        return Ok((xml, removed));
    }
    let (out, removed, changed) = rewrite_into(&xml, rules, part, Vec::with_capacity(xml.len()))?;
    Ok((if changed { out } else { xml }, removed))
}

/// Writes `xml` rewritten by `rules` into `out`; returns it, what was removed, and whether
/// anything changed (if not, what was written is not to be used: the input is the part).
fn rewrite_into<W: std::io::Write>(
    xml: &[u8],
    rules: &dyn Rules,
    part: &str,
    out: W,
) -> Result<(W, Removed, bool), Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut writer = Writer::new(out);
    let mut removed = Removed::default();
    let mut depth = 0usize;
    // While inside a dropped element or one whose text is replaced: the depth it started at.
    let mut skipping: Option<(usize, String, Vec<u8>)> = None;
    let mut replacing: Option<(usize, &'static str, Vec<u8>)> = None;
    let mut changed = false;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        match &event {
            Event::Start(_) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::data(format!(
                        "{part}: XML nested more than {MAX_DEPTH} deep"
                    )));
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => break,
            _ => {}
        }
        if let Some((start, ref name, ref mut inside)) = skipping {
            match &event {
                Event::End(_) if depth < start => {
                    removed.note(name.clone(), inside);
                    skipping = None;
                }
                Event::Text(t) if inside.len() < 4096 => {
                    if !inside.is_empty() && !t.is_empty() {
                        inside.push(b' ');
                    }
                    inside.extend_from_slice(t.as_ref());
                }
                _ => {}
            }
            continue;
        }
        if let Some((start, with, ref mut original)) = replacing {
            match &event {
                Event::End(_) if depth < start => {
                    // Already neutral (a file cleaned before): not a change.
                    if original.as_slice() != with.as_bytes() {
                        changed = true;
                        removed.note(
                            format!("<{}>", String::from_utf8_lossy(event_name(&event))),
                            original,
                        );
                    }
                    replacing = None;
                    writer.write_event(event).map_err(|e| corrupt(&e))?;
                }
                Event::Text(t) => original.extend_from_slice(t.as_ref()),
                // Markup inside (a CDATA section, a child element) is replaced too.
                _ => original.extend_from_slice(b"\x00"),
            }
            continue;
        }
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_start = matches!(event, Event::Start(_));
                let name = e.name().as_ref().to_vec();
                let local_name = local(&name);
                if rules.drop_element(local_name, e) {
                    let what = format!("<{}>", String::from_utf8_lossy(&name));
                    changed = true;
                    if is_start {
                        skipping = Some((depth, what, element_text(e)));
                    } else {
                        removed.note(what, &element_text(e));
                    }
                    continue;
                }
                let (rebuilt, attr_changed) = rewrite_attributes(e, local_name, rules, &mut removed)?;
                changed |= attr_changed;
                let text = if is_start { rules.replace_text(&name) } else { None };
                match (is_start, text) {
                    (true, Some(text)) => {
                        writer
                            .write_event(Event::Start(rebuilt))
                            .map_err(|e| corrupt(&e))?;
                        writer
                            .write_event(Event::Text(BytesText::new(text)))
                            .map_err(|e| corrupt(&e))?;
                        replacing = Some((depth, text, Vec::new()));
                    }
                    (true, None) => writer
                        .write_event(Event::Start(rebuilt))
                        .map_err(|e| corrupt(&e))?,
                    (false, _) => writer
                        .write_event(Event::Empty(rebuilt))
                        .map_err(|e| corrupt(&e))?,
                }
            }
            other => writer.write_event(other).map_err(|e| corrupt(&e))?,
        }
    }
    Ok((writer.into_inner(), removed, changed))
}

fn event_name<'a>(event: &'a Event) -> &'a [u8] {
    match event {
        Event::End(e) => e.name().into_inner(),
        _ => b"",
    }
}

/// What a dropped empty-ish element said, for --show (its attributes).
fn element_text(e: &BytesStart) -> Vec<u8> {
    let mut out = Vec::new();
    for a in e.attributes().with_checks(false).flatten() {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(a.value.as_ref());
    }
    out
}

fn rewrite_attributes<'a>(
    e: &'a BytesStart,
    element: &[u8],
    rules: &dyn Rules,
    removed: &mut Removed,
) -> Result<(BytesStart<'a>, bool), Error> {
    let mut rebuilt = e.to_owned();
    rebuilt.clear_attributes();
    let mut changed = false;
    for attribute in e.attributes().with_checks(false) {
        let attribute = attribute.map_err(|err| Error::data(format!("corrupt XML attribute: {err}")))?;
        let key = attribute.key.as_ref();
        match rules.attribute(element, local(key)) {
            Attr::Keep => {
                // Values are passed on as written (still escaped); a double quote inside a
                // single-quoted value must be escaped now that it is written in double quotes.
                let value: Cow<[u8]> = if attribute.value.contains(&b'"') {
                    Cow::Owned(replace_quotes(&attribute.value))
                } else {
                    attribute.value
                };
                rebuilt.push_attribute(Attribute {
                    key: QName(key),
                    value,
                });
            }
            Attr::Drop => {
                changed = true;
                let what = if local(key).starts_with(b"rsid") {
                    "rsid attributes (revision ids)".to_string()
                } else {
                    String::from_utf8_lossy(key).into_owned()
                };
                removed.note(
                    what,
                    if local(key).starts_with(b"rsid") {
                        b""
                    } else {
                        &attribute.value
                    },
                );
            }
            Attr::Replace(with) => {
                if attribute.value.as_ref() != with.as_bytes() {
                    changed = true;
                    removed.note(String::from_utf8_lossy(key).into_owned(), &attribute.value);
                }
                rebuilt.push_attribute(Attribute {
                    key: QName(key),
                    value: Cow::Borrowed(with.as_bytes()),
                });
            }
        }
    }
    Ok((rebuilt, changed))
}

fn replace_quotes(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 8);
    for &b in value {
        if b == b'"' {
            out.extend_from_slice(b"&quot;");
        } else {
            out.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Test;
    impl Rules for Test {
        fn drop_element(&self, e: &[u8], _: &BytesStart) -> bool {
            e == b"rsids"
        }
        fn attribute(&self, _e: &[u8], a: &[u8]) -> Attr {
            match a {
                b"author" => Attr::Replace("Author"),
                b"date" => Attr::Drop,
                a if a.starts_with(b"rsid") => Attr::Drop,
                _ => Attr::Keep,
            }
        }
        fn replace_text(&self, e: &[u8]) -> Option<&'static str> {
            (e == b"dc:creator").then_some("Author")
        }
    }

    #[test]
    fn rules_apply_and_the_rest_passes_through() {
        let xml = br#"<?xml version="1.0"?><w:doc xmlns:w="x"><w:rsids><w:rsid w:val="00A1"/></w:rsids><w:p w:rsidR="00A1" w:x='a"b'><w:t xml:space="preserve">Hello &amp; bye</w:t></w:p><w:ins w:author="Alice Smith" w:date="2024-01-01T00:00:00Z"/><dc:creator>Alice</dc:creator></w:doc>"#;
        let (out, removed) = rewrite(xml, &Test, "word/document.xml").unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            r#"<?xml version="1.0"?><w:doc xmlns:w="x"><w:p w:x="a&quot;b"><w:t xml:space="preserve">Hello &amp; bye</w:t></w:p><w:ins w:author="Author"/><dc:creator>Author</dc:creator></w:doc>"#
        );
        let found = removed.into_found("DOCX", "word/document.xml");
        let text = format!("{found:?}");
        assert!(
            text.contains("Alice Smith") && text.contains("2024-01-01") && text.contains("rsid"),
            "{text}"
        );
    }

    #[test]
    fn untouched_parts_come_back_byte_for_byte() {
        let xml = b"<a  x = 'y' ><b/><!-- c --></a>";
        let (out, removed) = rewrite(xml, &Test, "p").unwrap();
        assert_eq!(out, xml);
        assert!(removed.is_empty());
    }

    #[test]
    fn hostile_xml_is_refused() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(rewrite(deep.as_bytes(), &Test, "p").is_err());
        assert!(rewrite(b"<a><b></a>", &Test, "p").is_err());
    }
}
