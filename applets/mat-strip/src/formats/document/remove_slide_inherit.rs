//! Where a PowerPoint run's colour comes from when the run does not say (`--remove hidden`'s
//! white text, remove_slide_white.rs): the paragraph's `a:pPr/a:defRPr`, the shape's own
//! `a:lstStyle` (the paragraph's level, else `a:defPPr`); then for a placeholder (`p:ph`) the
//! layout's placeholder of the same index (else type), the master's of the same kind and the
//! master's `p:txStyles` (title, body or other); for any other shape its `p:style`'s
//! `a:fontRef` and the presentation's `p:defaultTextStyle` with the master's `p:otherStyle`
//! (both read: where they differ the colour is not known); last the theme's text colour `tx1`.
//! A placeholder's fill comes the same way (its own, the layout's, the master's placeholder's).
//! A placeholder with no counterpart on its layout or master is not known.

use quick_xml::events::BytesStart;
use quick_xml::Reader;

use super::remove_slide_white::{colour_of, next_tag, Colour, Scheme, Tag};
use crate::containers::zip::xml;

/// The colours a list style gives: [0] its `a:defPPr`, [1..=9] `a:lvl1pPr` to `a:lvl9pPr`.
pub type Levels = [Option<Colour>; 10];

/// The index in [`Levels`] of a list style's child element.
fn level_of(local: &[u8]) -> Option<usize> {
    match local {
        b"defPPr" => Some(0),
        [b'l', b'v', b'l', n @ b'1'..=b'9', b'p', b'P', b'r'] => Some(usize::from(n - b'0')),
        _ => None,
    }
}

/// The colour at paragraph level `level` (0-based, `a:pPr lvl`): its own, else the default.
pub fn pick(levels: &Levels, level: usize) -> Option<Colour> {
    levels.get(level + 1).copied().flatten().or(levels[0])
}

/// Reads a list style's colour from a start tag: `path` is the open elements above `e`, and a
/// colour counts where they end in `list`, a level, `a:defRPr`, `a:solidFill`. A level whose
/// text is outlined, highlighted or has effects shows whatever its colour: it reads as another
/// colour (the outline comes before the fill, so a fill does not undo it).
pub fn read_level(
    path: &[&[u8]],
    e: &BytesStart,
    open: bool,
    list: &[u8],
    scheme: &Scheme,
    levels: &mut Levels,
) {
    let local = xml::local(e.name().as_ref()).to_vec();
    let (slot, colour) = match path {
        [.., l, lvl, b"defRPr", b"solidFill"] if *l == list => (level_of(lvl), colour_of(e, !open, scheme)),
        [.., l, lvl, b"defRPr"]
            if *l == list
                && matches!(
                    local.as_slice(),
                    b"gradFill"
                        | b"pattFill"
                        | b"blipFill"
                        | b"noFill"
                        | b"ln"
                        | b"highlight"
                        | b"effectLst"
                        | b"effectDag"
                ) =>
        {
            (level_of(lvl), Colour::Other)
        }
        _ => return,
    };
    if let Some(slot) = slot.and_then(|s| levels.get_mut(s)) {
        if !(path.last() == Some(&&b"solidFill"[..]) && *slot == Some(Colour::Other)) {
            *slot = Some(colour);
        }
    }
}

/// A placeholder shape of a layout or master: its type (`obj` when not said), index, list
/// style colours and fill (Some(true) filled, Some(false) said to be without, None not said).
#[derive(Default, Clone)]
pub struct Placeholder {
    pub kind: String,
    pub idx: Option<String>,
    pub levels: Levels,
    pub filled: Option<bool>,
}

/// The placeholders of a layout or master part.
pub fn placeholders(data: &[u8], scheme: &Scheme) -> Vec<Placeholder> {
    let mut out = Vec::new();
    let mut reader = Reader::from_reader(data);
    let mut stack: Vec<Vec<u8>> = Vec::new();
    // The shape being read, whether it is a placeholder, the depth it opened at.
    let mut current: Option<(Placeholder, bool, usize)> = None;
    loop {
        let (e, open) = match next_tag(&mut reader, &mut stack) {
            Tag::Open(e, open) => (e, open),
            Tag::Close => {
                if let Some((shape, is_ph, depth)) = current.take() {
                    if stack.len() > depth {
                        current = Some((shape, is_ph, depth));
                    } else if is_ph {
                        out.push(shape);
                    }
                }
                continue;
            }
            Tag::Done(_) => return out,
        };
        let local = xml::local(e.name().as_ref()).to_vec();
        if local == b"sp" && open && current.is_none() {
            current = Some((Placeholder::default(), false, stack.len()));
        } else if let Some((shape, is_ph, depth)) = current.as_mut() {
            let path: Vec<&[u8]> = stack[*depth..].iter().map(Vec::as_slice).collect();
            match (path.get(1..).unwrap_or_default(), local.as_slice()) {
                ([b"nvSpPr", b"nvPr"], b"ph") => {
                    *is_ph = true;
                    shape.kind = xml::attribute(&e, b"type").unwrap_or_else(|| "obj".into());
                    shape.idx = xml::attribute(&e, b"idx");
                }
                ([b"spPr"], b"solidFill" | b"gradFill" | b"blipFill" | b"pattFill" | b"grpFill") => {
                    shape.filled = Some(true)
                }
                ([b"spPr"], b"noFill") => shape.filled = Some(false),
                ([b"style"], b"fillRef") if shape.filled.is_none() => {
                    shape.filled = Some(xml::attribute(&e, b"idx").is_some_and(|i| i != "0"));
                }
                _ => read_level(&path, &e, open, b"lstStyle", scheme, &mut shape.levels),
            }
        }
        if open {
            stack.push(local);
        }
    }
}

/// The list styles a part holds under `lists` (`p:titleStyle`, ... in a master's
/// `p:txStyles`; `p:defaultTextStyle` in presentation.xml), in that order.
pub fn list_styles<const N: usize>(data: &[u8], lists: [&[u8]; N], scheme: &Scheme) -> [Levels; N] {
    let mut out = [[None; 10]; N];
    let mut reader = Reader::from_reader(data);
    let mut stack: Vec<Vec<u8>> = Vec::new();
    loop {
        let (e, open) = match next_tag(&mut reader, &mut stack) {
            Tag::Open(e, open) => (e, open),
            Tag::Close => continue,
            Tag::Done(_) => return out,
        };
        let path: Vec<&[u8]> = stack.iter().map(Vec::as_slice).collect();
        for (list, levels) in lists.iter().zip(out.iter_mut()) {
            read_level(&path, &e, open, list, scheme, levels);
        }
        if open {
            stack.push(xml::local(e.name().as_ref()).to_vec());
        }
    }
}

/// What a slide's shapes inherit: from its layout, its master and the presentation.
#[derive(Default)]
pub struct Inherited {
    /// None: the layout was not found (nothing is known of what it gives).
    pub layout: Option<Vec<Placeholder>>,
    pub master: Option<Vec<Placeholder>>,
    /// The master's title, body and other text styles.
    pub styles: [Levels; 3],
    /// The presentation's default text style.
    pub default: Levels,
    /// The theme's text colour (`tx1` through the colour map).
    pub text: Colour,
    /// The boxes of the layout's and master's painted shapes other than placeholders, which
    /// lie under every shape of the slide.
    pub under: Vec<Option<super::remove_slide_cover::Rect>>,
}

/// The placeholder a shape is (its `p:ph`'s type and index).
pub struct Ph {
    pub kind: String,
    pub idx: Option<String>,
}

impl Ph {
    /// The master's kind for this placeholder: its title, body, or its own (date, footer,
    /// slide number, header).
    fn master_kind(&self) -> &str {
        match self.kind.as_str() {
            "title" | "ctrTitle" => "title",
            k @ ("dt" | "ftr" | "sldNum" | "hdr") => k,
            _ => "body",
        }
    }

    fn on_layout<'a>(&self, layout: &'a [Placeholder]) -> Option<&'a Placeholder> {
        match &self.idx {
            Some(idx) => layout.iter().find(|p| p.idx.as_ref() == Some(idx)),
            None => layout.iter().find(|p| p.kind == self.kind && p.idx.is_none()),
        }
    }

    fn on_master<'a>(&self, master: &'a [Placeholder]) -> Option<&'a Placeholder> {
        let kind = self.master_kind();
        master.iter().find(|p| {
            Ph {
                kind: p.kind.clone(),
                idx: None,
            }
            .master_kind()
                == kind
        })
    }
}

impl Inherited {
    /// The colour a run at paragraph `level` of a placeholder inherits past its own shape.
    pub fn placeholder_colour(&self, ph: &Ph, level: usize) -> Colour {
        let (Some(layout), Some(master)) = (&self.layout, &self.master) else {
            return Colour::Unknown;
        };
        let (Some(on_layout), Some(on_master)) = (ph.on_layout(layout), ph.on_master(master)) else {
            return Colour::Unknown;
        };
        let styles = match ph.master_kind() {
            "title" => &self.styles[0],
            "body" => &self.styles[1],
            _ => &self.styles[2],
        };
        pick(&on_layout.levels, level)
            .or(pick(&on_master.levels, level))
            .or(pick(styles, level))
            .unwrap_or(self.text)
    }

    /// Whether a placeholder without a fill of its own is filled by its layout's or master's
    /// counterpart; None where that is not known.
    pub fn placeholder_filled(&self, ph: &Ph) -> Option<bool> {
        let on_layout = ph.on_layout(self.layout.as_deref()?)?;
        let on_master = ph.on_master(self.master.as_deref()?)?;
        Some(on_layout.filled.or(on_master.filled).unwrap_or(false))
    }

    /// The colour a run at paragraph `level` of another shape inherits past its own shape and
    /// its style's font colour.
    pub fn other_colour(&self, level: usize) -> Colour {
        let colour = match (pick(&self.default, level), pick(&self.styles[2], level)) {
            (Some(a), Some(b)) if a != b => Colour::Unknown,
            (a, b) => a.or(b).unwrap_or(self.text),
        };
        if self.master.is_none() {
            Colour::Unknown
        } else {
            colour
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_style_levels_are_read() {
        let master = br#"<p:sldMaster><p:cSld><p:spTree><p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:lstStyle><a:lvl1pPr><a:defRPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:defRPr></a:lvl1pPr></a:lstStyle></p:txBody></p:sp><p:sp><p:nvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr><a:solidFill><a:srgbClr val="000000"/></a:solidFill></p:spPr></p:sp></p:spTree></p:cSld><p:txStyles><p:titleStyle><a:lvl1pPr><a:defRPr><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:defRPr></a:lvl1pPr></p:titleStyle><p:bodyStyle><a:defPPr><a:defRPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:defRPr></a:defPPr></p:bodyStyle></p:txStyles></p:sldMaster>"#;
        let scheme = Scheme::default();
        let ph = placeholders(master, &scheme);
        assert_eq!(ph.len(), 2);
        assert_eq!(
            (ph[0].kind.as_str(), ph[0].levels[1], ph[0].filled),
            ("title", Some(Colour::White), None)
        );
        assert_eq!((ph[1].idx.as_deref(), ph[1].filled), (Some("1"), Some(true)));
        let [title, body] = list_styles(master, [b"titleStyle", b"bodyStyle"], &scheme);
        assert_eq!((pick(&title, 0), pick(&title, 3)), (Some(Colour::Other), None));
        assert_eq!(pick(&body, 4), Some(Colour::White));
        // Outlined white text shows.
        let outlined = br#"<p:txStyles><p:bodyStyle><a:lvl1pPr><a:defRPr><a:ln w="9525"/><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:defRPr></a:lvl1pPr></p:bodyStyle></p:txStyles>"#;
        let [body] = list_styles(outlined, [b"bodyStyle"], &scheme);
        assert_eq!(pick(&body, 0), Some(Colour::Other));
    }
}
