//! OpenDocument text hidden by a style (`--remove hidden`): a text style whose text properties
//! say `text:display="none"` (itself or through `style:parent-style-name`) hides every
//! `text:span` that uses it; those spans go whole. Refused (Err, the reason) where that is not
//! the whole story: a style that shows text again or hides it on a condition
//! (`text:display="true"`/`"condition"`), a paragraph or default style that hides, a hyperlink
//! using a hiding style, hiding styles in an embedded object.

use std::collections::{BTreeMap, BTreeSet};

use privkit_core::Error;
use quick_xml::events::Event;
use quick_xml::Reader;

use super::remove_marked::copy_without;
use crate::containers::zip::xml;
use crate::containers::zip::Part;

/// How deep a chain of parent styles is followed.
const MAX_PARENTS: usize = 32;

/// The names of the text styles that hide text, read from the document's content.xml and
/// styles.xml.
pub fn hiding_text_styles(parts: &[Part]) -> Result<Result<BTreeSet<String>, &'static str>, Error> {
    // Text styles: name → (parent, hides).
    let mut styles: BTreeMap<String, (Option<String>, bool)> = BTreeMap::new();
    for part in parts.iter().filter(|p| p.name.ends_with(".xml")) {
        if memchr::memmem::find(&part.data, b"text:display").is_none() {
            continue;
        }
        let top = matches!(part.name.as_str(), "content.xml" | "styles.xml");
        let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {}: {e}", part.name));
        let mut reader = Reader::from_reader(part.data.as_slice());
        // The style being read: name, family, parent; whether in a default style.
        let mut current: Option<(String, String, Option<String>)> = None;
        loop {
            match reader.read_event().map_err(|e| corrupt(&e))? {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => match xml::local(e.name().as_ref()) {
                    b"style" => {
                        let name = xml::attribute(&e, b"name").unwrap_or_default();
                        let family = xml::attribute(&e, b"family").unwrap_or_default();
                        let parent = xml::attribute(&e, b"parent-style-name");
                        if family == "text" {
                            styles.entry(name.clone()).or_insert((parent.clone(), false));
                        }
                        current = Some((name, family, parent));
                    }
                    b"default-style" => current = Some((String::new(), "default".into(), None)),
                    b"text-properties" => match xml::attribute(&e, b"display").as_deref() {
                        None => {}
                        Some("none") => {
                            let Some((name, family, _)) = current.as_ref() else {
                                return Ok(Err("hides text outside a style"));
                            };
                            if family != "text" {
                                return Ok(Err("has a paragraph or default style that hides text"));
                            }
                            if !top {
                                return Ok(Err("has an embedded object whose style hides text"));
                            }
                            if let Some(style) = styles.get_mut(name) {
                                style.1 = true;
                            }
                        }
                        Some(_) => return Ok(Err("has a style that shows or hides text on a condition")),
                    },
                    _ => {}
                },
                Event::End(e) if matches!(xml::local(e.name().as_ref()), b"style" | b"default-style") => {
                    current = None;
                }
                _ => {}
            }
        }
    }
    let hides = |name: &str| {
        let mut next = Some(name);
        for _ in 0..MAX_PARENTS {
            let Some((parent, hides)) = next.and_then(|n| styles.get(n)) else {
                return false;
            };
            if *hides {
                return true;
            }
            next = parent.as_deref();
        }
        false
    };
    Ok(Ok(styles.keys().filter(|n| hides(n)).cloned().collect()))
}

/// The part without the spans a hiding style hides; Err(reason) when a hyperlink uses one.
pub fn drop_styled_spans(
    data: &[u8],
    part: &str,
    hiding: &BTreeSet<String>,
) -> Result<Result<Vec<u8>, &'static str>, Error> {
    if hiding.is_empty() {
        return Ok(Ok(data.to_vec()));
    }
    let mut linked = false;
    let out = copy_without(data, part, |e| {
        let uses = |attr: &[u8]| xml::attribute(e, attr).is_some_and(|s| hiding.contains(&s));
        match xml::local(e.name().as_ref()) {
            b"span" => uses(b"style-name"),
            b"a" => {
                linked |= uses(b"style-name") || uses(b"visited-style-name");
                false
            }
            _ => false,
        }
    })?;
    Ok(if linked {
        Err("has a hyperlink in a style that hides text")
    } else {
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(name: &str, data: &str) -> Part {
        Part {
            name: name.into(),
            data: data.as_bytes().to_vec(),
        }
    }

    #[test]
    fn spans_in_hiding_styles_go() {
        let content = r#"<office:document-content><office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties text:display="none"/></style:style><style:style style:name="T2" style:family="text" style:parent-style-name="T1"/><style:style style:name="T3" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles><office:body><office:text><text:p>a<text:span text:style-name="T1">secret</text:span><text:span text:style-name="T2">inherited</text:span><text:span text:style-name="T3">bold</text:span></text:p></office:text></office:body></office:document-content>"#;
        let parts = [part("content.xml", content)];
        let hiding = hiding_text_styles(&parts).unwrap().unwrap();
        assert_eq!(hiding, BTreeSet::from(["T1".to_string(), "T2".to_string()]));
        let out = drop_styled_spans(content.as_bytes(), "content.xml", &hiding)
            .unwrap()
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("<text:p>a<text:span text:style-name=\"T3\">bold</text:span></text:p>"),
            "{out}"
        );
        for refused in [
            r#"<style:style style:name="P" style:family="paragraph"><style:text-properties text:display="none"/></style:style>"#,
            r#"<style:style style:name="C" style:family="text"><style:text-properties text:display="condition" text:condition="x"/></style:style>"#,
        ] {
            assert!(hiding_text_styles(&[part("styles.xml", refused)])
                .unwrap()
                .is_err());
        }
        let link = r#"<text:p><text:a xlink:href="x" text:style-name="T1">l</text:a></text:p>"#;
        assert!(drop_styled_spans(link.as_bytes(), "c", &hiding).unwrap().is_err());
    }
}
