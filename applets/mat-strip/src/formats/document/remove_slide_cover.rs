//! What lies under a PowerPoint shape's text (`--remove hidden`'s white text,
//! remove_slide_white.rs): white text over a picture, a chart or table, a group or a filled
//! shape drawn before it shows, whatever the slide's background. The top-level shapes of the
//! slide are read in drawing order with their boxes (`a:xfrm`; a turned one by the circle it
//! turns in); the layout's and master's shapes other than placeholders lie under every slide
//! shape. A placeholder whose fill is not known counts as painted; a box not known covers
//! everything.

use quick_xml::Reader;

use super::remove_slide_white::{next_tag, Tag};
use crate::containers::zip::xml;

/// A shape's box: left, top, right, bottom (EMU).
pub type Rect = (i64, i64, i64, i64);

/// A top-level shape of a slide, layout or master: whether it is drawn over what is below
/// it, its box, and the placeholder it is (type, index), if one.
#[derive(Default, Clone, Debug)]
pub struct Drawn {
    pub painted: Option<bool>,
    pub rect: Option<Rect>,
    pub ph: Option<(String, Option<String>)>,
    pic: bool,
}

/// The top-level shapes of a part's shape tree, in drawing order.
pub fn shapes(data: &[u8]) -> Vec<Drawn> {
    let mut out: Vec<Drawn> = Vec::new();
    let mut reader = Reader::from_reader(data);
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut depth: Option<usize> = None;
    let mut off: Option<(i64, i64)> = None;
    let mut ext: Option<(i64, i64)> = None;
    let mut turned = false;
    loop {
        let (e, open) = match next_tag(&mut reader, &mut stack) {
            Tag::Open(e, open) => (e, open),
            Tag::Close => {
                if depth.is_some_and(|d| stack.len() <= d) {
                    depth = None;
                    if let Some(shape) = out.last_mut() {
                        shape.rect = off.zip(ext).and_then(|((x, y), (w, h))| rect(x, y, w, h, turned));
                        if shape.pic {
                            shape.painted = Some(true);
                        }
                    }
                }
                continue;
            }
            Tag::Done(_) => return out,
        };
        let local = xml::local(e.name().as_ref()).to_vec();
        if depth.is_none() && stack.last().map(Vec::as_slice) == Some(b"spTree") {
            if let Some(painted) = match local.as_slice() {
                b"sp" => Some(None),
                b"pic" | b"graphicFrame" | b"grpSp" | b"contentPart" => Some(Some(true)),
                b"cxnSp" => Some(Some(false)),
                _ => None,
            } {
                out.push(Drawn {
                    painted,
                    pic: painted == Some(true),
                    ..Drawn::default()
                });
                (off, ext, turned) = (None, None, false);
                if open {
                    depth = Some(stack.len());
                }
            }
        } else if let (Some(d), Some(shape)) = (depth, out.last_mut()) {
            let path: Vec<&[u8]> = stack[d..].iter().map(Vec::as_slice).collect();
            let get = |n: &[u8]| xml::attribute(&e, n).and_then(|v| v.parse::<i64>().ok());
            match (path.get(1..).unwrap_or_default(), local.as_slice()) {
                ([b"nvSpPr", b"nvPr"], b"ph") => {
                    shape.ph = Some((
                        xml::attribute(&e, b"type").unwrap_or_else(|| "obj".into()),
                        xml::attribute(&e, b"idx"),
                    ));
                }
                ([b"spPr"], b"solidFill" | b"gradFill" | b"blipFill" | b"pattFill" | b"grpFill") => {
                    shape.painted = Some(true)
                }
                ([b"spPr"], b"noFill") => shape.painted = Some(false),
                ([b"style"], b"fillRef") if shape.painted.is_none() => {
                    shape.painted = Some(get(b"idx").is_some_and(|i| i != 0));
                }
                ([b"spPr" | b"grpSpPr"] | [], b"xfrm") => turned = get(b"rot").is_some_and(|r| r != 0),
                ([b"spPr" | b"grpSpPr", b"xfrm"] | [b"xfrm"], b"off") => off = get(b"x").zip(get(b"y")),
                ([b"spPr" | b"grpSpPr", b"xfrm"] | [b"xfrm"], b"ext") => ext = get(b"cx").zip(get(b"cy")),
                _ => {}
            }
        }
        if open {
            stack.push(local);
        }
    }
}

/// A box from a position and a size; a turned one by the circle it turns in.
fn rect(x: i64, y: i64, w: i64, h: i64, turned: bool) -> Option<Rect> {
    if !turned {
        return Some((x, y, x.checked_add(w)?, y.checked_add(h)?));
    }
    let (cx, cy) = (x as f64 + w as f64 / 2.0, y as f64 + h as f64 / 2.0);
    let r = (w as f64).hypot(h as f64) / 2.0;
    Some((
        (cx - r) as i64,
        (cy - r) as i64,
        (cx + r).ceil() as i64,
        (cy + r).ceil() as i64,
    ))
}

/// Whether two boxes overlap (one not known: they may).
pub fn overlaps(a: Option<Rect>, b: Option<Rect>) -> bool {
    match (a, b) {
        (Some((al, at, ar, ab)), Some((bl, bt, br, bb))) => al < br && bl < ar && at < bb && bt < ab,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_read_in_drawing_order_with_their_boxes() {
        let slide = br#"<p:sld><p:cSld><p:spTree><p:nvGrpSpPr/><p:grpSpPr/><p:pic><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="100" cy="50"/></a:xfrm></p:spPr></p:pic><p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp><p:sp><p:spPr><a:xfrm rot="60000"><a:off x="200" y="0"/><a:ext cx="60" cy="80"/></a:xfrm><a:noFill/></p:spPr><p:style><a:fillRef idx="1"/></p:style></p:sp></p:spTree></p:cSld></p:sld>"#;
        let drawn = shapes(slide);
        assert_eq!(drawn.len(), 3, "{drawn:?}");
        assert_eq!(
            (drawn[0].painted, drawn[0].rect),
            (Some(true), Some((0, 0, 100, 50)))
        );
        assert_eq!((drawn[1].painted, drawn[1].rect), (None, None));
        assert_eq!(drawn[1].ph, Some(("title".to_string(), None)));
        assert_eq!(
            (drawn[2].painted, drawn[2].rect),
            (Some(false), Some((180, -10, 280, 90)))
        );
        assert!(overlaps(drawn[0].rect, Some((99, 49, 300, 300))));
        assert!(!overlaps(drawn[0].rect, Some((100, 0, 300, 300))));
    }
}
