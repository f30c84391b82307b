//! Word's hidden runs removed on request (`--remove hidden`): a run whose own properties say
//! `w:vanish` is text the reader does not see; it goes whole. Hidden text through a style is
//! left to the caller (which refuses the file); hidden paragraph marks to remove_marks.rs.

use std::collections::{BTreeSet, HashMap};

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::remove_marked::{drop_marked, drop_numbered};
use crate::containers::zip::xml;

/// Whether a `w:vanish` element is on (no value, or a true one).
fn is_on(e: &BytesStart) -> bool {
    !matches!(xml::attribute(e, b"val").as_deref(), Some("0" | "false" | "off"))
}

/// The part without its hidden runs: those (nested runs of text boxes too) whose direct
/// `w:rPr` holds an active `w:vanish`.
pub fn drop_hidden_runs(data: &[u8], part: &str) -> Result<Vec<u8>, Error> {
    drop_marked(
        data,
        part,
        |e| xml::local(e.name().as_ref()) == b"r",
        |e| xml::local(e.name().as_ref()) == b"vanish" && is_on(e),
        // …/w:r/w:rPr/w:vanish
        |open| match open {
            [.., (_, Some(run)), (rpr, None)] if rpr == b"rPr" => Some(*run),
            _ => None,
        },
    )
}

/// What --remove hidden needs of word/styles.xml: for each paragraph and character style,
/// the style it is based on and its own `w:vanish`, if it sets one; the default paragraph
/// style.
pub struct Styles {
    styles: HashMap<String, Style>,
    default_paragraph: Option<String>,
}

struct Style {
    based_on: Option<String>,
    vanish: Option<bool>,
}

/// How deep a chain of w:basedOn is followed (Word allows far fewer levels).
const MAX_BASED_ON: usize = 32;

impl Styles {
    /// Reads the styles part; Err(why) where hiding through it is not plain (a hidden default,
    /// a table or numbering style that hides, a vanish in conditional formatting).
    pub fn read(data: &[u8], part: &str) -> Result<Result<Styles, &'static str>, Error> {
        let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
        let mut styles = HashMap::new();
        let mut default_paragraph = None;
        let mut stack: Vec<Vec<u8>> = Vec::new();
        // The style being read: id, type, based on, vanish.
        let mut current: Option<(String, String, Option<String>, Option<bool>)> = None;
        let mut reader = Reader::from_reader(data);
        reader.config_mut().check_end_names = true;
        loop {
            let event = reader.read_event().map_err(|e| corrupt(&e))?;
            match &event {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => {
                    let local = xml::local(e.name().as_ref()).to_vec();
                    let names: Vec<&[u8]> = stack.iter().map(Vec::as_slice).collect();
                    match (names.as_slice(), local.as_slice()) {
                        ([.., b"style"], b"basedOn") => {
                            if let Some(c) = current.as_mut() {
                                c.2 = xml::attribute(e, b"val");
                            }
                        }
                        ([.., b"style", b"rPr"], b"vanish") => {
                            if let Some(c) = current.as_mut() {
                                c.3 = Some(is_on(e));
                            }
                        }
                        (_, b"vanish") if is_on(e) => {
                            return Ok(Err(if names.contains(&&b"docDefaults"[..]) {
                                "hides all text by default"
                            } else {
                                "hides text in conditional table formatting"
                            }));
                        }
                        (_, b"style") => {
                            let id = xml::attribute(e, b"styleId").unwrap_or_default();
                            let kind = xml::attribute(e, b"type").unwrap_or_default();
                            if kind == "paragraph"
                                && matches!(
                                    xml::attribute(e, b"default").as_deref(),
                                    Some("1" | "true" | "on")
                                )
                            {
                                default_paragraph = Some(id.clone());
                            }
                            current = Some((id, kind, None, None));
                        }
                        _ => {}
                    }
                    if matches!(event, Event::Start(_)) {
                        stack.push(local);
                    } else if local == b"style" {
                        current = None;
                    }
                }
                Event::End(_) => {
                    if stack.pop().as_deref() != Some(b"style") {
                        continue;
                    }
                    if let Some((id, kind, based_on, vanish)) = current.take() {
                        if vanish == Some(true) && !matches!(kind.as_str(), "paragraph" | "character") {
                            return Ok(Err("has a table or numbering style that hides text"));
                        }
                        styles.insert(id, Style { based_on, vanish });
                    }
                }
                _ => {}
            }
        }
        Ok(Ok(Styles {
            styles,
            default_paragraph,
        }))
    }

    /// The vanish settings along a style's chain of w:basedOn, the style's own first.
    fn settings(&self, id: &str) -> Vec<bool> {
        let mut out = Vec::new();
        let mut next = Some(id);
        for _ in 0..MAX_BASED_ON {
            let Some(style) = next.and_then(|id| self.styles.get(id)) else {
                break;
            };
            out.extend(style.vanish);
            next = style.based_on.as_deref();
        }
        out
    }

    /// Whether any style hides text.
    pub fn any_hidden(&self) -> bool {
        self.styles.values().any(|s| s.vanish == Some(true))
    }
}

/// The part without the runs a style hides: a run without a w:vanish of its own (which wins)
/// is hidden when its character style or its paragraph's style (the default one when it
/// names none) says so. `w:vanish` is a toggle: set at two levels of that hierarchy it would
/// show the text again, which Word and the specification do not describe alike, so a run
/// with two settings is refused (Err, the reason). Paragraph marks a style hides stay: they
/// hold no text, and the style still hides them.
pub fn drop_style_hidden_runs(
    data: &[u8],
    part: &str,
    styles: &Styles,
) -> Result<Result<Vec<u8>, &'static str>, Error> {
    if !styles.any_hidden() {
        return Ok(Ok(data.to_vec()));
    }
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    // Per run (numbered in document order): own vanish, character style, paragraph.
    let mut runs: Vec<(Option<bool>, Option<String>, Option<usize>)> = Vec::new();
    // Per paragraph: its style.
    let mut paras: Vec<Option<String>> = Vec::new();
    // Open elements: local name, the run or paragraph it is.
    let mut stack: Vec<(Vec<u8>, Option<usize>, Option<usize>)> = Vec::new();
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        let (e, open) = match &event {
            Event::Eof => break,
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            _ => continue,
        };
        let local = xml::local(e.name().as_ref()).to_vec();
        let names: Vec<&[u8]> = stack.iter().map(|f| f.0.as_slice()).collect();
        let depth = stack.len();
        match (names.as_slice(), local.as_slice()) {
            ([.., b"p", b"pPr"], b"pStyle") => {
                if let Some(p) = stack[depth - 2].2 {
                    paras[p] = xml::attribute(e, b"val");
                }
            }
            ([.., b"r", b"rPr"], b"rStyle") => {
                if let Some(r) = stack[depth - 2].1 {
                    runs[r].1 = xml::attribute(e, b"val");
                }
            }
            ([.., b"r", b"rPr"], b"vanish") => {
                if let Some(r) = stack[depth - 2].1 {
                    runs[r].0 = Some(is_on(e));
                }
            }
            _ => {}
        }
        let run = (local == b"r").then(|| {
            let para = stack.iter().rev().find_map(|f| f.2);
            runs.push((None, None, para));
            runs.len() - 1
        });
        let para = (local == b"p").then(|| {
            paras.push(None);
            paras.len() - 1
        });
        if open {
            stack.push((local, run, para));
        }
    }
    let mut marked = BTreeSet::new();
    for (number, (own, character, para)) in runs.iter().enumerate() {
        if own.is_some() {
            continue;
        }
        let paragraph_style = para
            .and_then(|p| paras[p].clone())
            .or_else(|| styles.default_paragraph.clone());
        let mut settings = character
            .as_deref()
            .map(|c| styles.settings(c))
            .unwrap_or_default();
        settings.extend(paragraph_style.map(|p| styles.settings(&p)).unwrap_or_default());
        match settings.as_slice() {
            [] | [false] => {}
            [true] => {
                marked.insert(number + 1);
            }
            _ => return Ok(Err("sets w:vanish at two levels of a run's styles")),
        }
    }
    if marked.is_empty() {
        return Ok(Ok(data.to_vec()));
    }
    drop_numbered(data, part, |e| xml::local(e.name().as_ref()) == b"r", &marked).map(Ok)
}

/// A run's or paragraph's formatting that decides whether white text shows.
#[derive(Default)]
struct Look {
    white: bool,
    /// Highlighted or shaded with a colour other than white: white text shows on it.
    backed: bool,
    text: bool,
    /// In a table cell, a text box or a drawing: the fill behind it is a style's or shape's.
    boxed: bool,
}

fn is_white(value: Option<String>) -> bool {
    value.is_some_and(|v| v.eq_ignore_ascii_case("FFFFFF"))
}

/// Whether an `w:shd` or `w:highlight` puts a colour behind the text.
fn backs(e: &BytesStart) -> bool {
    match xml::local(e.name().as_ref()) {
        b"highlight" => !matches!(xml::attribute(e, b"val").as_deref(), None | Some("none")),
        b"shd" => {
            let fill = xml::attribute(e, b"fill");
            let pattern = xml::attribute(e, b"val");
            !matches!(fill.as_deref(), None | Some("auto")) && !is_white(fill)
                || !matches!(pattern.as_deref(), None | Some("clear" | "nil"))
        }
        _ => false,
    }
}

/// The part without its runs of white text on the white page (`w:color w:val="FFFFFF"` in the
/// run's own properties, no theme colour, nothing behind it: no highlight or shading on the
/// run or its paragraph), as the Document Inspector's "invisible content"; runs of white
/// spaces stay (they keep words apart). White text in a table cell, a text box or on a page
/// with a background colour (`page_coloured`) is refused (Err, the reason): what is behind it
/// is a style's, a shape's or the page's.
pub fn drop_white_runs(
    data: &[u8],
    part: &str,
    page_coloured: bool,
) -> Result<Result<Vec<u8>, &'static str>, Error> {
    if memchr::memmem::find(data, b":color").is_none() {
        return Ok(Ok(data.to_vec()));
    }
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let mut runs: Vec<(Look, Option<usize>)> = Vec::new();
    let mut paras: Vec<bool> = Vec::new();
    // Open elements: local name, the run or paragraph it is.
    let mut stack: Vec<(Vec<u8>, Option<usize>, Option<usize>)> = Vec::new();
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        let (e, open) = match &event {
            Event::Eof => break,
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Text(t) => {
                if let [.., (r, Some(run), _), (t_, _, _)] = stack.as_slice() {
                    if r == b"r" && t_ == b"t" && !t.iter().all(u8::is_ascii_whitespace) {
                        runs[*run].0.text = true;
                    }
                }
                continue;
            }
            _ => continue,
        };
        let local = xml::local(e.name().as_ref()).to_vec();
        let depth = stack.len();
        let names: Vec<&[u8]> = stack.iter().map(|f| f.0.as_slice()).collect();
        match names.as_slice() {
            [.., b"r", b"rPr"] => {
                if let Some(r) = stack[depth - 2].1 {
                    let look = &mut runs[r].0;
                    if local == b"color" {
                        look.white =
                            is_white(xml::attribute(e, b"val")) && xml::attribute(e, b"themeColor").is_none();
                    }
                    look.backed |= backs(e);
                }
            }
            [.., b"p", b"pPr"] if backs(e) => {
                if let Some(p) = stack[depth - 2].2 {
                    paras[p] = true;
                }
            }
            _ => {}
        }
        let run = (local == b"r").then(|| {
            let para = stack.iter().rev().find_map(|f| f.2);
            let boxed = names
                .iter()
                .any(|n| matches!(*n, b"tc" | b"txbxContent" | b"pict" | b"drawing"));
            runs.push((
                Look {
                    boxed,
                    ..Look::default()
                },
                para,
            ));
            runs.len() - 1
        });
        let para = (local == b"p").then(|| {
            paras.push(false);
            paras.len() - 1
        });
        if open {
            stack.push((local, run, para));
        }
    }
    let mut marked = BTreeSet::new();
    for (number, (look, para)) in runs.iter().enumerate() {
        if !look.white || !look.text || look.backed || para.is_some_and(|p| paras[p]) {
            continue;
        }
        if page_coloured {
            return Ok(Err("has white text on a page with a background colour"));
        }
        if look.boxed {
            return Ok(Err("has white text in a table cell or a text box"));
        }
        marked.insert(number + 1);
    }
    if marked.is_empty() {
        return Ok(Ok(data.to_vec()));
    }
    drop_numbered(data, part, |e| xml::local(e.name().as_ref()) == b"r", &marked).map(Ok)
}

/// Whether a part still holds a `w:vanish` that hides (one with a false value shows).
pub fn has_active_vanish(data: &[u8]) -> bool {
    memchr::memmem::find_iter(data, b":vanish").any(|at| {
        // Not an end tag (`</w:vanish>`).
        let lt = data[..at].iter().rposition(|&b| b == b'<');
        if lt.is_some_and(|lt| data.get(lt + 1) == Some(&b'/')) {
            return false;
        }
        let tag = &data[at..];
        let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
        let tag = &tag[..end];
        !["\"0\"", "\"false\"", "\"off\"", "'0'", "'false'", "'off'"]
            .iter()
            .any(|v| memchr::memmem::find(tag, format!("val={v}").as_bytes()).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_runs_go_and_the_rest_stays() {
        let xml = br#"<w:body><w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:rPr><w:b/><w:vanish/></w:rPr><w:t>secret</w:t></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>shown</w:t></w:r><w:r><w:pict><w:p><w:r><w:rPr><w:vanish></w:vanish></w:rPr><w:t>boxed</w:t></w:r><w:r><w:t>box</w:t></w:r></w:p></w:pict></w:r></w:p></w:body>"#;
        let out = drop_hidden_runs(xml, "word/document.xml").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<w:body><w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>shown</w:t></w:r><w:r><w:pict><w:p><w:r><w:t>box</w:t></w:r></w:p></w:pict></w:r></w:p></w:body>"#
        );
        assert!(drop_hidden_runs(b"<w:r><w:rPr></w:r>", "x").is_err());
    }

    #[test]
    fn style_hidden_runs_go_and_unclear_hierarchies_are_refused() {
        let styles = br#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:vanish w:val="0"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"/><w:style w:type="character" w:styleId="H"><w:basedOn w:val="X"/><w:rPr><w:vanish/></w:rPr></w:style><w:style w:type="character" w:styleId="X"/><w:style w:type="paragraph" w:styleId="HP"><w:rPr><w:vanish/></w:rPr></w:style></w:styles>"#;
        let styles = Styles::read(styles, "word/styles.xml").unwrap().unwrap();
        let doc = br#"<w:body><w:p><w:r><w:rPr><w:rStyle w:val="H"/></w:rPr><w:t>a</w:t></w:r><w:r><w:t>b</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="HP"/></w:pPr><w:r><w:t>c</w:t></w:r><w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>d</w:t></w:r></w:p></w:body>"#;
        let out = drop_style_hidden_runs(doc, "word/document.xml", &styles)
            .unwrap()
            .unwrap();
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            r#"<w:body><w:p><w:r><w:t>b</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="HP"/></w:pPr><w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>d</w:t></w:r></w:p></w:body>"#
        );
        assert!(!has_active_vanish(&out));
        assert!(has_active_vanish(b"<w:vanish></w:vanish>"));
        // H in a paragraph of style HP: vanish set twice.
        let both = br#"<w:p><w:pPr><w:pStyle w:val="HP"/></w:pPr><w:r><w:rPr><w:rStyle w:val="H"/></w:rPr></w:r></w:p>"#;
        assert!(drop_style_hidden_runs(both, "d", &styles).unwrap().is_err());
        for refused in [
            &br#"<w:docDefaults><w:rPrDefault><w:rPr><w:vanish/></w:rPr></w:rPrDefault></w:docDefaults>"#[..],
            br#"<w:style w:type="table" w:styleId="T"><w:rPr><w:vanish/></w:rPr></w:style>"#,
            br#"<w:style w:type="table" w:styleId="T"><w:tblStylePr><w:rPr><w:vanish/></w:rPr></w:tblStylePr></w:style>"#,
        ] {
            assert!(Styles::read(refused, "s").unwrap().is_err());
        }
    }

    #[test]
    fn white_text_on_the_white_page_goes() {
        let doc = br#"<w:body><w:p><w:r><w:rPr><w:color w:val="ffffff"/></w:rPr><w:t>white</w:t></w:r><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t xml:space="preserve"> </w:t></w:r><w:r><w:rPr><w:color w:val="FFFFFF"/><w:highlight w:val="black"/></w:rPr><w:t>lit</w:t></w:r><w:r><w:rPr><w:color w:val="FFFFFF" w:themeColor="background1"/></w:rPr><w:t>theme</w:t></w:r><w:r><w:t>plain</w:t></w:r></w:p><w:p><w:pPr><w:shd w:val="clear" w:color="auto" w:fill="1F3864"/></w:pPr><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>banner</w:t></w:r></w:p></w:body>"#;
        let out = drop_white_runs(doc, "d", false).unwrap().unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains(">white<"), "{out}");
        for kept in [">lit<", ">theme<", ">plain<", ">banner<", "> <"] {
            assert!(out.contains(kept), "{kept}: {out}");
        }
        assert!(drop_white_runs(doc, "d", true).unwrap().is_err());
        let cell =
            br#"<w:tc><w:p><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>head</w:t></w:r></w:p></w:tc>"#;
        assert!(drop_white_runs(cell, "d", false).unwrap().is_err());
    }
}
