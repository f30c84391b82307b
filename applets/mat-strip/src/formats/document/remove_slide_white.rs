//! White text on a white slide (`--remove hidden`), the Document Inspector's "invisible
//! content" in PowerPoint: a text run or field (`a:r`, `a:fld`) whose colour is white — its
//! own (`a:rPr`'s `a:solidFill`) or, where it says none, the one it inherits
//! (remove_slide_inherit.rs: paragraph defaults, the shape's list style and style font colour,
//! the placeholder's layout and master counterparts and the master's text styles, the
//! presentation's default text style, the theme's text colour); `a:srgbClr FFFFFF`, or a scheme
//! colour (`bg1`, `lt1`, ...) that the colour map (the slide's override, else the master's
//! `p:clrMap`) and the theme resolve to FFFFFF — in a shape with no fill of its own (nor, for a
//! placeholder, from its layout or master), on a slide whose background (its own `p:bg`, else
//! its layout's, else its master's; none at all is white) is solid white, goes (the run; the
//! paragraph stays). What cannot be resolved for sure is refused (65): a colour with
//! modifiers, a gradient or picture background or a theme background reference, a scheme
//! colour without the theme or under a layout's colour-map override, a white run in a table
//! or a group, a placeholder its layout or master does not have, white text over a picture,
//! chart, group or filled shape drawn before it on the slide, its layout or master
//! (remove_slide_cover.rs). Outlined, highlighted or shadowed runs are visible and stay.

use std::collections::{BTreeMap, BTreeSet};

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::remove_marked::drop_counted;
use super::remove_refs::{relationships, rels_of};
use super::remove_slide_cover::{self, overlaps};
use super::remove_slide_inherit::{list_styles, pick, placeholders, read_level, Inherited, Levels, Ph};
use crate::containers::zip::{xml, Part};

/// A colour as read: white, another colour, or not known for sure.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub enum Colour {
    White,
    Other,
    #[default]
    Unknown,
}

/// The colours a slide's scheme colours name: the master's colour map and the theme's scheme.
#[derive(Default)]
pub struct Scheme {
    map: BTreeMap<String, String>,
    theme: BTreeMap<String, String>,
    /// The theme's background fills (`a:bgFillStyleLst`, which `p:bgRef idx="1001"` and on
    /// name): true for a solid fill of the placeholder colour, the colour `p:bgRef` gives.
    bg_styles: Vec<bool>,
    /// The slide or layout overrides the master's colour map.
    overridden: bool,
}

impl Scheme {
    fn resolve(&self, name: &str) -> Colour {
        if self.overridden {
            return Colour::Unknown;
        }
        let mapped = self.map.get(name).map_or(name, String::as_str);
        match self.theme.get(mapped) {
            Some(hex) => white(hex),
            None => Colour::Unknown,
        }
    }
}

fn white(hex: &str) -> Colour {
    if hex.eq_ignore_ascii_case("FFFFFF") {
        Colour::White
    } else {
        Colour::Other
    }
}

/// A colour element (`a:srgbClr`, `a:schemeClr`, ...) read as white or not; `bare`: it has no
/// modifier children (a `lumMod` could make any colour white or not).
pub fn colour_of(e: &BytesStart, bare: bool, scheme: &Scheme) -> Colour {
    let val = xml::attribute(e, b"val").unwrap_or_default();
    let colour = match xml::local(e.name().as_ref()) {
        b"srgbClr" => white(&val),
        b"schemeClr" => scheme.resolve(&val),
        b"sysClr" => xml::attribute(e, b"lastClr").map_or(Colour::Unknown, |c| white(&c)),
        b"prstClr" => {
            if val == "white" {
                Colour::White
            } else {
                Colour::Other
            }
        }
        _ => Colour::Unknown,
    };
    match (colour, bare) {
        (Colour::Other, true) | (Colour::White, true) => colour,
        _ => Colour::Unknown,
    }
}

/// What [`next_tag`] met.
pub enum Tag<'a> {
    /// A start tag, and whether it opens an element (false: an empty one).
    Open(BytesStart<'a>, bool),
    /// An end tag (the open element went from the stack).
    Close,
    /// The end of the part (true), or an error in it (false).
    Done(bool),
}

/// The next tag of a part read leniently (the strict reading is the rewrite's), keeping
/// `stack` for end tags; the caller pushes what it opens.
pub fn next_tag<'a>(reader: &mut Reader<&'a [u8]>, stack: &mut Vec<Vec<u8>>) -> Tag<'a> {
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => return Tag::Open(e, true),
            Ok(Event::Empty(e)) => return Tag::Open(e, false),
            Ok(Event::End(_)) => {
                stack.pop();
                return Tag::Close;
            }
            Ok(Event::Eof) => return Tag::Done(true),
            Err(_) => return Tag::Done(false),
            Ok(_) => {}
        }
    }
}

fn part<'a>(parts: &'a [Part], name: &str) -> Option<&'a Part> {
    parts.iter().find(|p| p.name == name)
}

/// The part `owner`'s relationships point at under `folder` (its layout, master, theme).
fn related(parts: &[Part], owner: &str, folder: &str) -> Result<Option<String>, Error> {
    let Some(rels) = part(parts, &rels_of(owner)) else {
        return Ok(None);
    };
    Ok(relationships(rels)?
        .into_iter()
        .map(|(_, target)| target)
        .find(|t| t.starts_with(folder)))
}

/// A part's own background (`p:cSld/p:bg`): None when it has none.
fn background(data: &[u8], scheme: &Scheme) -> Option<Colour> {
    let mut reader = Reader::from_reader(data);
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut found: Option<Colour> = None;
    // A theme background reference: whether its style is a plain fill of its colour.
    let mut plain_ref = false;
    loop {
        let (e, open) = match next_tag(&mut reader, &mut stack) {
            Tag::Open(e, open) => (e, open),
            Tag::Close => continue,
            Tag::Done(true) => return found,
            Tag::Done(false) => return Some(Colour::Unknown),
        };
        let local = xml::local(e.name().as_ref()).to_vec();
        let path: Vec<&[u8]> = stack.iter().map(Vec::as_slice).collect();
        match (path.as_slice(), local.as_slice()) {
            ([.., b"cSld"], b"bg") => found = Some(Colour::Unknown),
            ([.., b"cSld", b"bg"], b"bgRef") => {
                let style = xml::attribute(&e, b"idx")
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| i.checked_sub(1001));
                plain_ref = style.is_some_and(|i| scheme.bg_styles.get(i) == Some(&true));
            }
            ([.., b"bg", b"bgRef"], _) if plain_ref => found = Some(colour_of(&e, !open, scheme)),
            // A solid fill's colour decides; bgRef, gradients and pictures stay unknown.
            ([.., b"bg", b"bgPr", b"solidFill"], _) => found = Some(colour_of(&e, !open, scheme)),
            ([.., b"bg", b"bgPr"], b"noFill") => found = Some(Colour::White),
            _ => {}
        }
        if open {
            stack.push(local);
        }
    }
}

/// The colour map of a master (`p:clrMap`), or of a slide or layout that overrides it
/// (`a:overrideClrMapping`, true).
fn colour_map(data: &[u8]) -> (BTreeMap<String, String>, bool) {
    let mut map = BTreeMap::new();
    let mut overridden = false;
    let mut reader = Reader::from_reader(data);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let name = e.name();
                let local = xml::local(name.as_ref());
                if !matches!(local, b"clrMap" | b"overrideClrMapping") {
                    continue;
                }
                overridden |= local == b"overrideClrMapping";
                for a in e.attributes().with_checks(false).flatten() {
                    if let Ok(v) = a.unescape_value() {
                        map.insert(
                            String::from_utf8_lossy(xml::local(a.key.as_ref())).into_owned(),
                            v.into_owned(),
                        );
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return (map, overridden),
            Ok(_) => {}
        }
    }
}

/// The theme's colour scheme (`a:clrScheme`): name → RRGGBB.
fn theme_colours(data: &[u8]) -> BTreeMap<String, String> {
    let mut colours = BTreeMap::new();
    let mut reader = Reader::from_reader(data);
    let mut current: Option<String> = None;
    let mut in_scheme = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name();
                let local = xml::local(name.as_ref());
                if local == b"clrScheme" {
                    in_scheme = true;
                } else if in_scheme && current.is_none() {
                    current = Some(String::from_utf8_lossy(local).into_owned());
                }
            }
            Ok(Event::Empty(e)) if in_scheme => {
                if let Some(name) = current.take() {
                    let hex = match xml::local(e.name().as_ref()) {
                        b"srgbClr" => xml::attribute(&e, b"val"),
                        b"sysClr" => xml::attribute(&e, b"lastClr"),
                        _ => None,
                    };
                    colours.extend(hex.map(|h| (name, h)));
                }
            }
            Ok(Event::End(e)) => {
                let name = e.name();
                let local = xml::local(name.as_ref());
                if local == b"clrScheme" {
                    return colours;
                }
                if current.as_deref().map(str::as_bytes) == Some(local) {
                    current = None;
                }
            }
            Ok(Event::Eof) | Err(_) => return colours,
            Ok(_) => {}
        }
    }
}

/// The theme's background fill styles (see [`Scheme::bg_styles`]).
fn bg_fill_styles(data: &[u8]) -> Vec<bool> {
    let mut styles = Vec::new();
    let mut reader = Reader::from_reader(data);
    // Depth below a:bgFillStyleLst, once inside it.
    let mut depth: Option<usize> = None;
    loop {
        let (e, open) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::End(_)) => {
                match depth {
                    Some(0) => return styles,
                    Some(d) => depth = Some(d - 1),
                    None => {}
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => return styles,
            Ok(_) => continue,
        };
        let name = e.name();
        let local = xml::local(name.as_ref());
        match depth {
            None if local == b"bgFillStyleLst" && open => {
                depth = Some(0);
                continue;
            }
            None => {}
            Some(0) => styles.push(local == b"solidFill" && open),
            Some(_) => {
                // Inside a solid fill: only a bare placeholder colour keeps it plain.
                let plain =
                    local == b"schemeClr" && !open && xml::attribute(&e, b"val").as_deref() == Some("phClr");
                if let Some(last) = styles.last_mut() {
                    *last &= plain;
                }
            }
        }
        if open {
            depth = depth.map(|d| d + 1);
        }
    }
}

/// The slide's background colour and scheme, read through its layout and master, and what
/// its shapes inherit from them.
fn slide_context(parts: &[Part], slide: &Part) -> Result<(Colour, Scheme, Inherited), Error> {
    let layout = related(parts, &slide.name, "ppt/slideLayouts/")?;
    let master = match &layout {
        Some(l) => related(parts, l, "ppt/slideMasters/")?,
        None => None,
    };
    let theme = match &master {
        Some(m) => related(parts, m, "ppt/theme/")?,
        None => None,
    };
    let layout_part = layout.as_deref().and_then(|l| part(parts, l));
    let master_part = master.as_deref().and_then(|m| part(parts, m));
    let mut scheme = Scheme::default();
    if let Some(m) = master_part {
        scheme.map = colour_map(&m.data).0;
    }
    // A slide's own colour map wins; a layout's under a slide that follows the master is not
    // taken as known.
    let (own, slide_overrides) = colour_map(&slide.data);
    if slide_overrides {
        scheme.map = own;
    } else {
        scheme.overridden = layout_part.is_some_and(|l| colour_map(&l.data).1);
    }
    if let Some(t) = theme.as_deref().and_then(|t| part(parts, t)) {
        scheme.theme = theme_colours(&t.data);
        scheme.bg_styles = bg_fill_styles(&t.data);
    }
    let mut colour = background(&slide.data, &scheme);
    for name in [&layout, &master].into_iter().flatten() {
        if colour.is_some() {
            break;
        }
        colour = match part(parts, name) {
            Some(p) => background(&p.data, &scheme),
            None => Some(Colour::Unknown),
        };
    }
    // With neither a layout nor a master found, the background is not known.
    if master.is_none() {
        colour = colour.or(Some(Colour::Unknown));
    }
    let mut inherited = Inherited {
        layout: layout_part.map(|l| placeholders(&l.data, &scheme)),
        master: master_part.map(|m| placeholders(&m.data, &scheme)),
        text: scheme.resolve("tx1"),
        ..Inherited::default()
    };
    if let Some(m) = master_part {
        inherited.styles = list_styles(&m.data, [b"titleStyle", b"bodyStyle", b"otherStyle"], &scheme);
    }
    if let Some(p) = part(parts, "ppt/presentation.xml") {
        [inherited.default] = list_styles(&p.data, [b"defaultTextStyle"], &scheme);
    }
    for p in [layout_part, master_part].into_iter().flatten() {
        let drawn = remove_slide_cover::shapes(&p.data);
        inherited.under.extend(
            drawn
                .into_iter()
                .filter(|d| d.ph.is_none() && d.painted == Some(true))
                .map(|d| d.rect),
        );
    }
    Ok((colour.unwrap_or(Colour::White), scheme, inherited))
}

/// A run's element: `a:r`, or `a:fld` (a slide number, a date), which shows text the same way.
fn is_run(e: &BytesStart) -> bool {
    let name = e.name();
    matches!(xml::local(name.as_ref()), b"r" | b"fld")
        && (name.as_ref().starts_with(b"a:") || !name.as_ref().contains(&b':'))
}

/// The shape being read: its own fill (Some(false): said to have none), the placeholder it
/// is, its list style's colours, its style's font colour.
#[derive(Default)]
struct Shape {
    filled: Option<bool>,
    ph: Option<Ph>,
    levels: Levels,
    font: Option<Colour>,
}

/// The slide without its white runs on a white background, and how many went; Err(why) when
/// a white run's visibility cannot be told for sure.
pub fn drop_white_slide_runs(
    parts: &[Part],
    slide: &Part,
) -> Result<Result<(Vec<u8>, usize), String>, Error> {
    let data = &slide.data;
    let (page, scheme, inherited) = slide_context(parts, slide)?;
    // On a coloured slide white text shows.
    if page == Colour::Other {
        return Ok(Ok((data.clone(), 0)));
    }
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {}: {e}", slide.name));
    let mut reader = Reader::from_reader(data.as_slice());
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut runs = 0usize;
    let mut marked = BTreeSet::new();
    let mut shape = Shape::default();
    // The slide's top-level shapes in drawing order, and which one is being read.
    let drawn = remove_slide_cover::shapes(data);
    let mut top: Option<usize> = None;
    let painted = |d: &remove_slide_cover::Drawn| match (d.painted, &d.ph) {
        (Some(p), _) => p,
        (None, Some((kind, idx))) => {
            let ph = Ph {
                kind: kind.clone(),
                idx: idx.clone(),
            };
            inherited.placeholder_filled(&ph) != Some(false)
        }
        (None, None) => false,
    };
    // Whether something painted lies under the top-level shape `i`.
    let covered = |i: usize| {
        let own = drawn.get(i).and_then(|d| d.rect);
        let below = drawn.get(..i).unwrap_or_default();
        inherited.under.iter().any(|r| overlaps(*r, own))
            || below.iter().any(|d| painted(d) && overlaps(d.rect, own))
    };
    // The paragraph's level (`a:pPr lvl`) and the colour its `a:defRPr` gives.
    let mut paragraph: (usize, Option<Colour>) = (0, None);
    // The current run: its number, its own colour, whether something makes it visible anyway.
    let mut run: Option<(usize, Option<Colour>, bool)> = None;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        let (e, open) = match &event {
            Event::Eof => break,
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                let closed = stack.pop().unwrap_or_default();
                if !matches!(closed.as_slice(), b"r" | b"fld") {
                    continue;
                }
                let Some((number, own, visible)) = run.take() else {
                    continue;
                };
                let (level, said) = paragraph;
                let colour = own
                    .or(said)
                    .or(pick(&shape.levels, level))
                    .or(shape.font)
                    .unwrap_or_else(|| match &shape.ph {
                        Some(ph) => inherited.placeholder_colour(ph, level),
                        None => inherited.other_colour(level),
                    });
                if colour == Colour::Other || visible {
                    continue;
                }
                let filled = match (shape.filled, &shape.ph) {
                    (Some(filled), _) => Some(filled),
                    (None, Some(ph)) => inherited.placeholder_filled(ph),
                    (None, None) => Some(false),
                };
                let path: Vec<&[u8]> = stack.iter().map(Vec::as_slice).collect();
                // Text on the shape's own fill shows; what may be white on white is refused.
                let why = if filled == Some(true) {
                    None
                } else if path.contains(&&b"tbl"[..]) {
                    Some("white text in a table")
                } else if path.contains(&&b"grpSp"[..]) {
                    Some("white text in a group")
                } else if filled.is_none() {
                    Some("white text in a placeholder whose fill its layout or master does not tell")
                } else if page != Colour::White {
                    Some("white text on a background not known to be white")
                } else if colour == Colour::Unknown {
                    Some("text whose colour is not known for sure")
                } else if top.is_none_or(covered) {
                    Some("white text over a picture or a filled shape")
                } else {
                    marked.insert(number);
                    None
                };
                if let Some(why) = why {
                    return Ok(Err(why.to_string()));
                }
                continue;
            }
            _ => continue,
        };
        let local = xml::local(e.name().as_ref()).to_vec();
        let path: Vec<&[u8]> = stack.iter().map(Vec::as_slice).collect();
        match (path.as_slice(), local.as_slice()) {
            // Each shape starts without a fill: a table's frame must not inherit the box before it.
            (_, b"sp" | b"graphicFrame" | b"grpSp" | b"pic" | b"cxnSp" | b"contentPart") => {
                if path.last() == Some(&&b"spTree"[..]) {
                    top = Some(top.map_or(0, |t| t + 1));
                }
                shape = Shape::default();
            }
            ([.., b"sp", b"nvSpPr", b"nvPr"], b"ph") => {
                shape.ph = Some(Ph {
                    kind: xml::attribute(e, b"type").unwrap_or_else(|| "obj".into()),
                    idx: xml::attribute(e, b"idx"),
                })
            }
            ([.., b"sp", b"spPr"], b"solidFill" | b"gradFill" | b"blipFill" | b"pattFill" | b"grpFill") => {
                shape.filled = Some(true)
            }
            ([.., b"sp", b"spPr"], b"noFill") => shape.filled = Some(false),
            ([.., b"sp", b"style"], b"fillRef") if shape.filled.is_none() => {
                shape.filled = Some(xml::attribute(e, b"idx").is_some_and(|i| i != "0"));
            }
            ([.., b"sp", b"style", b"fontRef"], _) => shape.font = Some(colour_of(e, !open, &scheme)),
            (_, b"p") if e.name().as_ref().starts_with(b"a:") || !e.name().as_ref().contains(&b':') => {
                paragraph = (0, None);
            }
            ([.., b"p"], b"pPr") => {
                let level = xml::attribute(e, b"lvl").and_then(|l| l.parse::<usize>().ok());
                paragraph.0 = level.filter(|l| *l < 9).unwrap_or(0);
            }
            ([.., b"p", b"pPr", b"defRPr", b"solidFill"], _) => {
                paragraph.1 = Some(colour_of(e, !open, &scheme))
            }
            _ if is_run(e) => {
                runs += 1;
                run = Some((runs, None, false));
            }
            ([.., b"r" | b"fld", b"rPr", b"solidFill"], _) => {
                if let Some((_, colour, _)) = run.as_mut() {
                    *colour = Some(colour_of(e, !open, &scheme));
                }
            }
            ([.., b"r" | b"fld", b"rPr"], b"ln" | b"highlight" | b"effectLst" | b"effectDag") => {
                if let Some((_, _, visible)) = run.as_mut() {
                    *visible = true;
                }
            }
            ([.., b"r" | b"fld", b"rPr"], b"gradFill" | b"blipFill" | b"pattFill") => {
                if let Some((_, colour, _)) = run.as_mut() {
                    *colour = Some(Colour::Other);
                }
            }
            _ => read_level(&path, e, open, b"lstStyle", &scheme, &mut shape.levels),
        }
        if open {
            stack.push(local);
        }
    }
    Ok(Ok(drop_counted(data, &slide.name, is_run, &marked)?))
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

    fn rels(target: &str) -> String {
        format!(r#"<Relationships><Relationship Id="rId1" Target="{target}"/></Relationships>"#)
    }

    const RUN: &str = r#"<p:sp><p:spPr/><p:txBody><a:p><a:r><a:rPr><a:solidFill><a:schemeClr val="bg1"/></a:solidFill></a:rPr><a:t>W</a:t></a:r><a:r><a:t>K</a:t></a:r></a:p></p:txBody></p:sp>"#;

    fn package(master_bg: &str, slide_bg: &str) -> Vec<Part> {
        vec![
            part(
                "ppt/slides/_rels/slide1.xml.rels",
                &rels("../slideLayouts/slideLayout1.xml"),
            ),
            part(
                "ppt/slideLayouts/slideLayout1.xml",
                "<p:sldLayout><p:cSld/></p:sldLayout>",
            ),
            part(
                "ppt/slideLayouts/_rels/slideLayout1.xml.rels",
                &rels("../slideMasters/slideMaster1.xml"),
            ),
            part(
                "ppt/slideMasters/slideMaster1.xml",
                &format!(
                    r#"<p:sldMaster><p:cSld>{master_bg}</p:cSld><p:clrMap bg1="lt1" tx1="dk1"/></p:sldMaster>"#
                ),
            ),
            part(
                "ppt/slideMasters/_rels/slideMaster1.xml.rels",
                &rels("../theme/theme1.xml"),
            ),
            part(
                "ppt/theme/theme1.xml",
                r#"<a:theme><a:clrScheme><a:dk1><a:srgbClr val="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1></a:clrScheme><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:gradFill><a:gsLst/></a:gradFill></a:bgFillStyleLst></a:theme>"#,
            ),
            part(
                "ppt/slides/slide1.xml",
                &format!("<p:sld><p:cSld>{slide_bg}<p:spTree>{RUN}</p:spTree></p:cSld></p:sld>"),
            ),
        ]
    }

    fn clean(master_bg: &str, slide_bg: &str) -> Result<(String, usize), String> {
        let parts = package(master_bg, slide_bg);
        let slide = parts.last().unwrap();
        drop_white_slide_runs(&parts, slide)
            .unwrap()
            .map(|(d, n)| (String::from_utf8(d).unwrap(), n))
    }

    #[test]
    fn white_runs_go_on_a_white_background_only() {
        let plain_ref = r#"<p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>"#;
        let (out, gone) = clean(plain_ref, "").unwrap();
        assert_eq!(gone, 1);
        assert!(!out.contains(">W<") && out.contains(">K<"), "{out}");
        // No background anywhere is white.
        assert_eq!(clean("", "").unwrap().1, 1);
        // A black slide: the white text shows.
        let black = r#"<p:bg><p:bgPr><a:solidFill><a:srgbClr val="000000"/></a:solidFill></p:bgPr></p:bg>"#;
        assert_eq!(clean(plain_ref, black).unwrap().1, 0);
        // A gradient from the theme, a picture: not known.
        let gradient = r#"<p:bg><p:bgRef idx="1002"><a:schemeClr val="bg1"/></p:bgRef></p:bg>"#;
        assert!(clean(gradient, "").is_err());
        let picture = r#"<p:bg><p:bgPr><a:blipFill/></p:bgPr></p:bg>"#;
        assert!(clean(plain_ref, picture).is_err());
    }

    #[test]
    fn a_table_after_a_filled_shape_is_still_refused() {
        let mut parts = package("", "");
        let white =
            r#"<a:r><a:rPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:rPr><a:t>W</a:t></a:r>"#;
        let filled = format!(
            r#"<p:sp><p:spPr><a:solidFill><a:srgbClr val="0000FF"/></a:solidFill></p:spPr><p:txBody><a:p>{white}</a:p></p:txBody></p:sp>"#
        );
        let table = format!(
            r#"<p:graphicFrame><a:graphic><a:graphicData><a:tbl><a:tr><a:tc><a:txBody><a:p>{white}</a:p></a:txBody></a:tc></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame>"#
        );
        let slide = parts.last_mut().unwrap();
        slide.data = format!("<p:sld><p:cSld><p:spTree>{filled}</p:spTree></p:cSld></p:sld>").into_bytes();
        assert_eq!(
            drop_white_slide_runs(&parts, parts.last().unwrap())
                .unwrap()
                .unwrap()
                .1,
            0
        );
        let slide = parts.last_mut().unwrap();
        slide.data =
            format!("<p:sld><p:cSld><p:spTree>{filled}{table}</p:spTree></p:cSld></p:sld>").into_bytes();
        assert!(drop_white_slide_runs(&parts, parts.last().unwrap())
            .unwrap()
            .is_err());
    }
}
