//! White text on a white page in an OpenDocument presentation or drawing (`--remove hidden`),
//! as PowerPoint's Document Inspector finds it (remove_slide_white.rs). Text whose colour
//! (`fo:color` #ffffff on its span's, its paragraph's or its shape's style, automatic or
//! common, through `style:parent-style-name`, else the family's default style) is white, in a
//! shape with no fill (`draw:fill` none or absent through the graphic and presentation styles'
//! parents) on a page whose background is white (`draw:fill` none or solid #ffffff on the
//! page's drawing-page style, else on its master page's; none at all is white), or in a shape
//! whose own fill is solid white, goes: its characters and the fields holding it; the spans
//! and paragraphs stay, empty, so the XML keeps its shape. Highlighted, outlined or shadowed
//! text shows and stays. What cannot be told for sure is refused (65): a gradient, hatch or
//! bitmap under white text, a style named but not found (or a chain too long), a colour that
//! is not #rrggbb, white text in a table (its cells have fills of their own), white text over
//! another painted shape or picture of the page or its master (or where either one's place is
//! not known). Speaker notes are not the page and are left to --remove notes.

use std::collections::BTreeMap;

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

use crate::containers::zip::{xml, Part};

/// How deep a chain of parent styles is followed.
const MAX_PARENTS: usize = 32;

/// What a colour or a fill is, as far as it can be told.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Paint {
    /// Nothing painted (a fill of none): what is below shows.
    Clear,
    White,
    Other,
    Unknown,
}

/// The properties of one style that matter here; None: not said by this style.
#[derive(Default, Clone)]
struct Style {
    parent: Option<String>,
    /// `fo:color`.
    colour: Option<String>,
    /// Something that makes text show whatever its colour: a highlight, an outline, a shadow.
    shows: Option<bool>,
    /// `draw:fill` and `draw:fill-color`, of graphic or drawing-page properties.
    fill: Option<String>,
    fill_colour: Option<String>,
}

/// The styles of a document, from styles.xml and content.xml, by (family, name); the default
/// style of each family; the drawing-page style of each master page; the master pages' shapes.
#[derive(Default)]
pub struct Styles {
    named: BTreeMap<(String, String), Style>,
    defaults: BTreeMap<String, Style>,
    masters: BTreeMap<String, Option<String>>,
    /// Painted shapes of each master page (a picture, a filled shape): (x, y, w, h) in mm,
    /// None where not known.
    master_shapes: BTreeMap<String, Vec<Option<Rect>>>,
}

/// A shape's box on the page: x, y, width, height in millimetres.
pub type Rect = (f64, f64, f64, f64);

/// An attribute by its qualified name (ODF's prefixes are the conventional ones; two
/// attributes may share a local name, `draw:style-name` and `presentation:style-name`).
fn qattr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

impl Styles {
    /// Reads the styles of styles.xml and then content.xml (whose automatic styles come last).
    pub fn read(parts: &[Part]) -> Result<Styles, Error> {
        let mut styles = Styles::default();
        for name in ["styles.xml", "content.xml"] {
            if let Some(part) = parts.iter().find(|p| p.name == name) {
                styles.read_part(&part.data, name)?;
            }
        }
        Ok(styles)
    }

    fn read_part(&mut self, data: &[u8], part: &str) -> Result<(), Error> {
        let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
        let mut reader = Reader::from_reader(data);
        // The style being read: Some((family, name)), name empty for a default style.
        let mut current: Option<(String, String)> = None;
        // The master page being read and the depth of its shapes' parent.
        let mut master: Option<(String, usize)> = None;
        let mut depth = 0usize;
        loop {
            let (e, open) = match reader.read_event().map_err(|e| corrupt(&e))? {
                Event::Eof => return Ok(()),
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(e) => {
                    depth = depth.saturating_sub(1);
                    if matches!(e.name().as_ref(), b"style:style" | b"style:default-style") {
                        current = None;
                    }
                    if e.name().as_ref() == b"style:master-page" {
                        master = None;
                    }
                    continue;
                }
                _ => continue,
            };
            match e.name().as_ref() {
                b"style:style" => {
                    let family = qattr(&e, b"style:family").unwrap_or_default();
                    let name = qattr(&e, b"style:name").unwrap_or_default();
                    let style = Style {
                        parent: qattr(&e, b"style:parent-style-name"),
                        ..Style::default()
                    };
                    self.named.insert((family.clone(), name.clone()), style);
                    current = open.then_some((family, name));
                }
                b"style:default-style" => {
                    let family = qattr(&e, b"style:family").unwrap_or_default();
                    self.defaults.insert(family.clone(), Style::default());
                    current = open.then_some((family, String::new()));
                }
                b"style:text-properties" | b"style:graphic-properties" | b"style:drawing-page-properties" => {
                    if let Some((family, name)) = &current {
                        let style = if name.is_empty() {
                            self.defaults.get_mut(family)
                        } else {
                            self.named.get_mut(&(family.clone(), name.clone()))
                        };
                        if let Some(style) = style {
                            read_properties(&e, style);
                        }
                    }
                }
                b"style:master-page" => {
                    let name = qattr(&e, b"style:name").unwrap_or_default();
                    self.masters.insert(name.clone(), qattr(&e, b"draw:style-name"));
                    if open {
                        master = Some((name, depth + 1));
                    }
                }
                _ => {
                    if let Some((name, at)) = &master {
                        // A master's shape shows on its pages unless it is a placeholder; it
                        // may hide a white page where it is filled or is a frame (which may
                        // hold a picture).
                        if depth == *at
                            && is_shape(&e)
                            && qattr(&e, b"presentation:class").is_none()
                            && (e.name().as_ref() == b"draw:frame" || self.shape_fill(&e) != Ok(Paint::Clear))
                        {
                            let rect = rect_of(&e);
                            self.master_shapes.entry(name.clone()).or_default().push(rect);
                        }
                    }
                }
            }
            if open {
                depth += 1;
            }
        }
    }

    /// The first value `get` finds along the chain of `name` in `family` (empty: none), then
    /// in the family's default style; Ok(None) where none says; Err(()) where a style named is
    /// not there.
    fn lookup<T>(
        &self,
        family: &str,
        name: &str,
        get: impl Fn(&Style) -> Option<T>,
    ) -> Result<Option<T>, ()> {
        match self.chain(family, name, &get)? {
            Some(value) => Ok(Some(value)),
            None => Ok(self.defaults.get(family).and_then(get)),
        }
    }

    /// [`Styles::lookup`] without the default style.
    fn chain<T>(&self, family: &str, name: &str, get: impl Fn(&Style) -> Option<T>) -> Result<Option<T>, ()> {
        let mut next = (!name.is_empty()).then(|| name.to_string());
        for _ in 0..MAX_PARENTS {
            let Some(name) = next else {
                return Ok(None);
            };
            let style = self.named.get(&(family.to_string(), name)).ok_or(())?;
            if let Some(value) = get(style) {
                return Ok(Some(value));
            }
            next = style.parent.clone();
        }
        Err(())
    }

    /// A fill as a chain of styles says it: (draw:fill, draw:fill-color).
    fn fill(&self, family: &str, name: &str) -> Result<Paint, ()> {
        let kind = self.lookup(family, name, |s| s.fill.clone())?;
        let colour = self.lookup(family, name, |s| s.fill_colour.clone())?;
        Ok(match kind.as_deref() {
            None | Some("none") => Paint::Clear,
            Some("solid") => colour.as_deref().map_or(Paint::Unknown, paint_of),
            _ => Paint::Unknown,
        })
    }

    /// A shape's own fill, through its graphic style and its presentation style; Clear where
    /// neither says.
    fn shape_fill(&self, e: &BytesStart) -> Result<Paint, ()> {
        for (attr, family) in [
            (&b"draw:style-name"[..], "graphic"),
            (b"presentation:style-name", "presentation"),
        ] {
            if let Some(name) = qattr(e, attr) {
                if self.chain(family, &name, |s| s.fill.clone())?.is_some() {
                    return self.fill(family, &name);
                }
            }
        }
        self.fill("graphic", "")
    }

    /// Whether any style gives text a colour that is white or not known: without one, no text
    /// can be white.
    fn any_white(&self) -> bool {
        self.named
            .values()
            .chain(self.defaults.values())
            .any(|s| s.colour.as_deref().is_some_and(|c| paint_of(c) != Paint::Other))
    }

    /// A page's background: its own drawing-page style's fill, else its master page's.
    fn page_background(&self, e: &BytesStart) -> Paint {
        let master = qattr(e, b"draw:master-page-name").map(|m| match self.masters.get(&m) {
            Some(Some(style)) => self.fill("drawing-page", style),
            Some(None) => Ok(Paint::Clear),
            None => Err(()),
        });
        let master = match master {
            None | Some(Ok(Paint::Clear)) => Paint::White,
            Some(Ok(p)) => p,
            Some(Err(())) => Paint::Unknown,
        };
        let Some(own) = qattr(e, b"draw:style-name") else {
            return master;
        };
        match self.chain("drawing-page", &own, |s| s.fill.clone()) {
            // Not said: the master's background shows (LibreOffice writes a page style
            // without a fill for a slide that follows its master).
            Ok(None) => master,
            // Said to be none: whether the master's shows through is not asked; a master that
            // is white gives white either way, another is not known.
            Ok(Some(kind)) if kind == "none" => {
                if master == Paint::White {
                    Paint::White
                } else {
                    Paint::Unknown
                }
            }
            Ok(Some(_)) => self.fill("drawing-page", &own).unwrap_or(Paint::Unknown),
            Err(()) => Paint::Unknown,
        }
    }

    /// The text colour and "shows anyway" a style gives (`family`: text, paragraph, graphic or
    /// presentation); None for what it does not say. Not the family's default style: what a span or paragraph does not say comes from
    /// around it (its shape's style, whose default is the graphic family's).
    fn text_of(&self, family: &str, name: &str) -> Result<(Option<Paint>, Option<bool>), ()> {
        let colour = self.chain(family, name, |s| s.colour.clone())?;
        let shows = self.chain(family, name, |s| s.shows)?;
        Ok((colour.as_deref().map(paint_of), shows))
    }
}

/// The properties of a `style:*-properties` element that matter, into `style`.
fn read_properties(e: &BytesStart, style: &mut Style) {
    if let Some(colour) = qattr(e, b"fo:color") {
        style.colour = Some(colour);
    }
    if qattr(e, b"style:use-window-font-color").as_deref() == Some("true") {
        style.colour = Some("window".into());
    }
    let highlight = qattr(e, b"fo:background-color").map(|c| c != "transparent");
    let outline = qattr(e, b"style:text-outline").map(|o| o == "true");
    let shadow = qattr(e, b"fo:text-shadow").map(|s| s != "none");
    for says in [highlight, outline, shadow].into_iter().flatten() {
        style.shows = Some(style.shows.unwrap_or(false) || says);
    }
    if let Some(fill) = qattr(e, b"draw:fill") {
        style.fill = Some(fill);
    }
    if let Some(colour) = qattr(e, b"draw:fill-color") {
        style.fill_colour = Some(colour);
    }
}

/// A colour value: white, another colour (the window's text colour is one), or not known.
fn paint_of(value: &str) -> Paint {
    let hex = value.strip_prefix('#').unwrap_or_default();
    if value == "window" {
        Paint::Other
    } else if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Paint::Unknown
    } else if hex.eq_ignore_ascii_case("ffffff") {
        Paint::White
    } else {
        Paint::Other
    }
}

/// The drawing shapes (`draw:*` elements that are drawn on a page).
fn is_shape(e: &BytesStart) -> bool {
    matches!(
        e.name().as_ref(),
        b"draw:frame"
            | b"draw:custom-shape"
            | b"draw:rect"
            | b"draw:ellipse"
            | b"draw:circle"
            | b"draw:polygon"
            | b"draw:regular-polygon"
            | b"draw:polyline"
            | b"draw:path"
            | b"draw:caption"
            | b"draw:measure"
            | b"draw:line"
            | b"draw:connector"
            | b"draw:control"
            | b"draw:g"
    )
}

/// A shape's box from svg:x/y/width/height; None when one is missing or a draw:transform
/// moves it.
fn rect_of(e: &BytesStart) -> Option<Rect> {
    if qattr(e, b"draw:transform").is_some() {
        return None;
    }
    let get = |n: &[u8]| qattr(e, n).and_then(|v| super::remove_offslide::length_mm(&v));
    Some((
        get(b"svg:x")?,
        get(b"svg:y")?,
        get(b"svg:width")?,
        get(b"svg:height")?,
    ))
}

/// Whether two boxes overlap (either unknown: they may).
fn overlaps(a: Option<Rect>, b: Option<Rect>) -> bool {
    match (a, b) {
        (Some((ax, ay, aw, ah)), Some((bx, by, bw, bh))) => {
            ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah
        }
        _ => true,
    }
}

/// Text-namespace elements that hold text without a colour of their own and go with the
/// white text in them whole (fields: a date, an author's name, a page number ...); the rest
/// of text: (paragraphs, spans, links, spaces, tabs, lists, bookmarks) stays.
fn is_field(e: &BytesStart) -> bool {
    let name = e.name();
    name.as_ref().starts_with(b"text:")
        && !matches!(
            xml::local(name.as_ref()),
            b"p" | b"h"
                | b"span"
                | b"a"
                | b"s"
                | b"tab"
                | b"line-break"
                | b"soft-page-break"
                | b"list"
                | b"list-item"
                | b"list-header"
                | b"bookmark"
                | b"bookmark-start"
                | b"bookmark-end"
                | b"reference-mark"
                | b"reference-mark-start"
                | b"reference-mark-end"
        )
}

/// One open element while rewriting: what text in it is, and where it is.
#[derive(Clone, Copy)]
struct Level {
    /// The text colour here (None: not said yet, the default shows).
    colour: Option<Paint>,
    shows: bool,
    /// What is behind a shape's text: its fill, else the page.
    behind: Option<Paint>,
    /// Inside speaker notes (not the page) or outside any page.
    off_page: bool,
    in_table: bool,
    /// The shape's text lies over another painted shape (or may).
    covered: bool,
    /// The shape's box.
    rect: Option<Rect>,
}

/// content.xml without its white text on a white page, and how many pieces of text went;
/// Err(why) when white text is there whose visibility cannot be told for sure.
pub fn drop_white_page_text(
    data: &[u8],
    part: &str,
    styles: &Styles,
) -> Result<Result<(Vec<u8>, usize), String>, Error> {
    if memchr::memmem::find(data, b"draw:page").is_none() || !styles.any_white() {
        return Ok(Ok((data.to_vec(), 0)));
    }
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    let mut writer = Writer::new(Vec::with_capacity(data.len()));
    let top = Level {
        colour: None,
        shows: false,
        behind: None,
        off_page: true,
        in_table: false,
        covered: false,
        rect: None,
    };
    let mut stack: Vec<Level> = Vec::new();
    // The painted shapes met on the current page so far (their boxes).
    let mut painted: Vec<Option<Rect>> = Vec::new();
    let mut page_background = Paint::Unknown;
    let mut skipping = 0usize;
    let mut gone = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        let here = stack.last().copied().unwrap_or(top);
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                if skipping > 0 {
                    skipping += usize::from(matches!(event, Event::Start(_)));
                    continue;
                }
                let mut level = here;
                let name = e.name();
                match name.as_ref() {
                    b"draw:page" => {
                        page_background = styles.page_background(e);
                        painted = qattr(e, b"draw:master-page-name")
                            .and_then(|m| styles.master_shapes.get(&m).cloned())
                            .unwrap_or_default();
                        level.off_page = false;
                    }
                    b"presentation:notes" => level.off_page = true,
                    b"table:table" => level.in_table = true,
                    _ if is_shape(e) && !here.off_page => {
                        // A group paints nothing of its own: its shapes do.
                        let fill = if name.as_ref() == b"draw:g" {
                            Paint::Clear
                        } else {
                            styles.shape_fill(e).unwrap_or(Paint::Unknown)
                        };
                        let rect = rect_of(e);
                        level.behind = Some(match fill {
                            Paint::Clear => here.behind.unwrap_or(page_background),
                            other => other,
                        });
                        level.covered = here.covered || painted.iter().any(|p| overlaps(*p, rect));
                        level.rect = rect;
                        // The shape's own text colour, from its graphic or presentation style.
                        level.colour = None;
                        level.shows = false;
                        for (attr, family) in [
                            (&b"draw:style-name"[..], "graphic"),
                            (b"presentation:style-name", "presentation"),
                        ] {
                            if let Some(style) = qattr(e, attr) {
                                apply(&mut level, styles.text_of(family, &style));
                            }
                        }
                        if level.colour.is_none() {
                            let default = styles.defaults.get("graphic");
                            apply(
                                &mut level,
                                Ok((default.and_then(|s| s.colour.as_deref()).map(paint_of), None)),
                            );
                        }
                        // The paragraph style of all its text (LibreOffice writes one).
                        if let Some(style) = qattr(e, b"draw:text-style-name") {
                            apply(&mut level, styles.text_of("paragraph", &style));
                        }
                        if fill != Paint::Clear {
                            painted.push(rect);
                        }
                    }
                    b"draw:image" | b"draw:object" | b"draw:object-ole" | b"draw:plugin"
                        if !here.off_page =>
                    {
                        // A picture or an object paints its frame's box.
                        painted.push(here.rect);
                    }
                    b"text:p" | b"text:h" => {
                        if let Some(style) = qattr(e, b"text:style-name") {
                            apply(&mut level, styles.text_of("paragraph", &style));
                        }
                    }
                    b"text:span" | b"text:a" => {
                        if let Some(style) = qattr(e, b"text:style-name") {
                            apply(&mut level, styles.text_of("text", &style));
                        }
                    }
                    _ => {}
                }
                if is_field(e) && level.behind.is_some() {
                    match verdict(&level) {
                        Verdict::Keep => {}
                        Verdict::Drop => {
                            gone += 1;
                            skipping = usize::from(matches!(event, Event::Start(_)));
                            continue;
                        }
                        Verdict::Refuse(why) => return Ok(Err(why.into())),
                    }
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(level);
                }
            }
            Event::End(_) => {
                if skipping > 0 {
                    skipping -= 1;
                    continue;
                }
                stack.pop();
            }
            Event::Text(_) | Event::CData(_)
                if skipping == 0 && here.behind.is_some() && has_text(&event) =>
            {
                match verdict(&here) {
                    Verdict::Keep => {}
                    Verdict::Drop => {
                        gone += 1;
                        continue;
                    }
                    Verdict::Refuse(why) => return Ok(Err(why.into())),
                }
            }
            _ if skipping > 0 => continue,
            _ => {}
        }
        writer.write_event(event).map_err(|e| corrupt(&e))?;
    }
    Ok(Ok(if gone == 0 {
        (data.to_vec(), 0)
    } else {
        (writer.into_inner(), gone)
    }))
}

/// Whether a text event holds more than white space (which shows as nothing in any colour).
fn has_text(event: &Event) -> bool {
    match event {
        Event::Text(t) => !t.iter().all(u8::is_ascii_whitespace),
        Event::CData(t) => !t.iter().all(u8::is_ascii_whitespace),
        _ => false,
    }
}

/// A level's text colour and "shows anyway" updated by what a style says (not found: the
/// colour is not known).
fn apply(level: &mut Level, said: Result<(Option<Paint>, Option<bool>), ()>) {
    match said {
        Ok((colour, shows)) => {
            if colour.is_some() {
                level.colour = colour;
            }
            if let Some(shows) = shows {
                level.shows = shows;
            }
        }
        Err(()) => level.colour = Some(Paint::Unknown),
    }
}

enum Verdict {
    Keep,
    Drop,
    Refuse(&'static str),
}

/// What happens to text at `level` (inside a shape on a page).
fn verdict(level: &Level) -> Verdict {
    let colour = level.colour.unwrap_or(Paint::Other);
    let behind = level.behind.unwrap_or(Paint::Unknown);
    if level.off_page || level.shows || colour == Paint::Other || behind == Paint::Other {
        return Verdict::Keep;
    }
    if level.in_table {
        Verdict::Refuse("white text in a table, whose cells may have fills of their own")
    } else if behind != Paint::White {
        Verdict::Refuse("white text on a fill or background not known to be white")
    } else if colour != Paint::White {
        Verdict::Refuse("text whose colour is not known for sure")
    } else if level.covered {
        Verdict::Refuse("white text over a picture or a filled shape")
    } else {
        Verdict::Drop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLES: &str = r##"<office:document-content><office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties fo:color="#ffffff"/></style:style><style:style style:name="gr9" style:family="graphic"><style:graphic-properties draw:fill="bitmap"/></style:style></office:automatic-styles><office:body><office:presentation>"##;

    fn clean(page: &str) -> Result<(String, usize), String> {
        let content = format!("{STYLES}<draw:page draw:name=\"a\">{page}</draw:page></office:presentation></office:body></office:document-content>");
        let parts = [Part {
            name: "content.xml".into(),
            data: content.clone().into_bytes(),
        }];
        let styles = Styles::read(&parts).unwrap();
        drop_white_page_text(content.as_bytes(), "content.xml", &styles)
            .unwrap()
            .map(|(d, n)| (String::from_utf8(d).unwrap(), n))
    }

    fn frame(extra: &str, body: &str) -> String {
        format!(
            r#"<draw:frame svg:x="1cm" svg:y="1cm" svg:width="5cm" svg:height="1cm"{extra}><draw:text-box><text:p>{body}</text:p></draw:text-box></draw:frame>"#
        )
    }

    #[test]
    fn white_text_and_its_fields_go_where_nothing_is_behind() {
        let white =
            r#"a<text:span text:style-name="T1">W<text:author-name>Who</text:author-name></text:span>b"#;
        let (out, gone) = clean(&frame("", white)).unwrap();
        assert_eq!(gone, 2, "{out}");
        assert!(
            out.contains(r#"<text:p>a<text:span text:style-name="T1"></text:span>b</text:p>"#),
            "{out}"
        );
        // Idempotent.
        assert_eq!(
            clean(&frame("", r#"a<text:span text:style-name="T1"></text:span>b"#))
                .unwrap()
                .1,
            0
        );
        // Over a picture whose frame overlaps it, or a bitmap fill, or a style not there: refused.
        let picture = r#"<draw:frame svg:x="0cm" svg:y="0cm" svg:width="3cm" svg:height="3cm"><draw:image xlink:href="Pictures/a.png"/></draw:frame>"#;
        assert!(clean(&format!("{picture}{}", frame("", white))).is_err());
        let apart = picture.replace(r#"svg:y="0cm""#, r#"svg:y="5cm""#);
        assert_eq!(clean(&format!("{apart}{}", frame("", white))).unwrap().1, 2);
        assert!(clean(&frame(r#" draw:style-name="gr9""#, white)).is_err());
        assert!(clean(&frame("", r#"<text:span text:style-name="T7">x</text:span>"#)).is_err());
        // Black text (no colour said) is not asked about.
        assert_eq!(clean(&frame("", "plain")).unwrap().1, 0);
        // A group paints nothing, even where the default style fills shapes (white here).
        let filled = r##"<style:default-style style:family="graphic"><style:graphic-properties draw:fill="solid" draw:fill-color="#ffffff"/></style:default-style>"##;
        let grouped = format!("<draw:g>{}</draw:g>", frame("", white)).replacen(
            "<draw:g>",
            &format!("{filled}<draw:g>"),
            1,
        );
        assert_eq!(clean(&grouped).unwrap().1, 2);
    }

    #[test]
    fn a_page_without_a_background_of_its_own_shows_its_masters() {
        let styles = |master_fill: &str| {
            format!(
                r##"<office:document-styles><office:automatic-styles><style:style style:name="Mdp1" style:family="drawing-page"><style:drawing-page-properties {master_fill}/></style:style></office:automatic-styles><office:master-styles><style:master-page style:name="M" draw:style-name="Mdp1"/></office:master-styles></office:document-styles>"##
            )
        };
        let content = format!(
            "{STYLES}<draw:page draw:master-page-name=\"M\">{}</draw:page></office:presentation></office:body></office:document-content>",
            frame("", r#"<text:span text:style-name="T1">W</text:span>"#)
        );
        let run = |master_fill: &str| {
            let parts = [
                Part {
                    name: "styles.xml".into(),
                    data: styles(master_fill).into_bytes(),
                },
                Part {
                    name: "content.xml".into(),
                    data: content.clone().into_bytes(),
                },
            ];
            let styles = Styles::read(&parts).unwrap();
            drop_white_page_text(content.as_bytes(), "content.xml", &styles)
                .unwrap()
                .map(|(_, n)| n)
        };
        assert_eq!(run(r##"draw:fill="solid" draw:fill-color="#FFFFFF""##), Ok(1));
        assert_eq!(run(r#"draw:fill="none""#), Ok(1));
        // A navy master: the white text shows and stays.
        assert_eq!(run(r##"draw:fill="solid" draw:fill-color="#000080""##), Ok(0));
        assert!(run(r#"draw:fill="bitmap""#).is_err());
    }
}
