//! PowerPoint shapes placed wholly outside the slide (`--remove hidden`), as the office suites'
//! Document Inspector finds "off-slide content": a slide's top-level shape whose position and
//! size (`a:xfrm`'s `a:off` and `a:ext`; for a rotated shape, the circle it turns in) lie
//! entirely beyond the slide size (`p:sldSz` in presentation.xml) is not shown and goes. A
//! shape without a position of its own (a placeholder placed by its layout) stays; one partly
//! on the slide stays. An off-slide shape that refers to another part (a picture, a chart, a
//! link) goes with its relationships (the caller takes out the parts no other relationship points
//! at). OpenDocument presentations the same way:
//! a `draw:page`'s shape (`svg:x`, `svg:y`, `svg:width`, `svg:height`) wholly outside the page
//! size of its master page's layout (`fo:page-width`, `fo:page-height` in styles.xml); a shape
//! with a `draw:transform` (turned, moved) by the box it covers once transformed
//! (remove_odf_transform.rs; one not understood is refused); the pictures and objects
//! the shapes that went showed are reported for the caller to take out where nothing else
//! names them.

use std::collections::BTreeSet;

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::remove_marked::drop_counted;
use super::remove_odf_transform::transformed_box;

/// Why a picture or object off the page is not taken out.
const UNNAMED: &str = "has a picture or object placed off the page whose part is not plainly named";
use crate::containers::zip::xml;

/// The elements a slide's shape tree holds shapes as.
fn is_shape(local: &[u8]) -> bool {
    matches!(
        local,
        b"sp" | b"pic" | b"grpSp" | b"graphicFrame" | b"cxnSp" | b"contentPart"
    )
}

/// The slide size (`p:sldSz cx cy`, EMU) of presentation.xml.
pub fn slide_size(presentation: &[u8]) -> Option<(i64, i64)> {
    let mut reader = Reader::from_reader(presentation);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if xml::local(e.name().as_ref()) == b"sldSz" => {
                let get = |n: &[u8]| xml::attribute(&e, n)?.parse::<i64>().ok();
                return Some((get(b"cx")?, get(b"cy")?));
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// One top-level shape while reading: its number among shape elements, its box, the
/// relationships it names.
#[derive(Default)]
struct Shape {
    number: usize,
    off: Option<(i64, i64)>,
    ext: Option<(i64, i64)>,
    rotated: bool,
    /// The relationship ids it names (`r:embed`, `r:id`, `r:link`).
    ids: Vec<String>,
}

impl Shape {
    /// Whether the shape lies wholly outside a slide of `size`.
    fn off_slide(&self, (width, height): (i64, i64)) -> bool {
        let (Some((x, y)), Some((cx, cy))) = (self.off, self.ext) else {
            return false;
        };
        let (mut left, mut top, mut right, mut bottom) = (x, y, x.saturating_add(cx), y.saturating_add(cy));
        if self.rotated {
            // Turned about its centre, it stays within the circle through its corners.
            let radius = ((cx as f64).hypot(cy as f64) / 2.0).ceil() as i64;
            let (mx, my) = (x.saturating_add(cx / 2), y.saturating_add(cy / 2));
            (left, top, right, bottom) = (
                mx.saturating_sub(radius),
                my.saturating_sub(radius),
                mx.saturating_add(radius),
                my.saturating_add(radius),
            );
        }
        right <= 0 || bottom <= 0 || left >= width || top >= height
    }
}

/// The slide without its off-slide shapes, and how many went; the relationship ids the shapes
/// that went named are added to `ids` (never Err(()): the shapes' parts go with them).
pub fn drop_off_slide(
    data: &[u8],
    part: &str,
    size: (i64, i64),
    ids: &mut BTreeSet<String>,
) -> Result<Result<(Vec<u8>, usize), &'static str>, Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut count = 0usize;
    // The top-level shape being read, and the depth it was opened at.
    let mut current: Option<(Shape, usize)> = None;
    let mut marked = BTreeSet::new();
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        let (e, open) = match &event {
            Event::Eof => break,
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                stack.pop();
                if let Some((shape, depth)) = current.take() {
                    if stack.len() > depth {
                        current = Some((shape, depth));
                    } else if shape.off_slide(size) {
                        ids.extend(shape.ids);
                        marked.insert(shape.number);
                    }
                }
                continue;
            }
            _ => continue,
        };
        let local = xml::local(e.name().as_ref()).to_vec();
        if is_shape(&local) {
            count += 1;
            if current.is_none() && stack.last().map(Vec::as_slice) == Some(b"spTree") && open {
                current = Some((
                    Shape {
                        number: count,
                        ..Shape::default()
                    },
                    stack.len(),
                ));
            }
        }
        if let Some((shape, depth)) = current.as_mut() {
            shape.ids.extend(relationship_ids(e));
            // The shape's own transform: spPr/xfrm, grpSpPr/xfrm, or graphicFrame's xfrm.
            let own = match stack.get(*depth + 1..).unwrap_or_default() {
                [props, xfrm] => matches!(props.as_slice(), b"spPr" | b"grpSpPr") && xfrm == b"xfrm",
                [xfrm] => xfrm == b"xfrm",
                _ => false,
            };
            if local == b"xfrm" && stack.len() == *depth + 2 {
                shape.rotated = xml::attribute(e, b"rot").is_some_and(|r| r != "0");
            }
            if own {
                let get = |n: &[u8]| xml::attribute(e, n).and_then(|v| v.parse::<i64>().ok());
                match local.as_slice() {
                    b"off" => shape.off = get(b"x").zip(get(b"y")),
                    b"ext" => shape.ext = get(b"cx").zip(get(b"cy")),
                    _ => {}
                }
            }
        }
        if open {
            stack.push(local);
        }
    }
    Ok(Ok(drop_counted(
        data,
        part,
        |e| is_shape(xml::local(e.name().as_ref())),
        &marked,
    )?))
}

/// The relationships an element names (`r:embed`, `r:id`, `r:link`, ...: another part).
fn relationship_ids(e: &BytesStart) -> Vec<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .filter(|a| {
            let key = a.key.as_ref();
            key.starts_with(b"r:") || key.ends_with(b":embed") || key.ends_with(b":link")
        })
        .filter_map(|a| a.unescape_value().ok().map(|v| v.into_owned()))
        .collect()
}

/// A length in an OpenDocument attribute (`2.5cm`, `10mm`, `1in`, `12pt`, `1pc`, `96px`), in
/// millimetres.
pub fn length_mm(value: &str) -> Option<f64> {
    let unit_at = value.find(|c: char| c.is_ascii_alphabetic())?;
    let number: f64 = value[..unit_at].trim().parse().ok()?;
    let factor = match &value[unit_at..] {
        "mm" => 1.0,
        "cm" => 10.0,
        "in" => 25.4,
        "pt" => 25.4 / 72.0,
        "pc" => 25.4 / 6.0,
        "px" => 25.4 / 96.0,
        _ => return None,
    };
    number.is_finite().then_some(number * factor)
}

/// The page size (mm) of each master page of an OpenDocument styles part, by master page name.
pub fn odf_page_sizes(styles: &[u8]) -> std::collections::BTreeMap<String, (f64, f64)> {
    let mut layouts = std::collections::BTreeMap::new();
    let mut masters = Vec::new();
    let mut layout: Option<String> = None;
    let mut reader = Reader::from_reader(styles);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match xml::local(e.name().as_ref()) {
                b"page-layout" => layout = xml::attribute(&e, b"name"),
                b"page-layout-properties" => {
                    let get = |n: &[u8]| xml::attribute(&e, n).and_then(|v| length_mm(&v));
                    if let (Some(name), Some(w), Some(h)) =
                        (layout.clone(), get(b"page-width"), get(b"page-height"))
                    {
                        layouts.insert(name, (w, h));
                    }
                }
                b"master-page" => {
                    masters.extend(xml::attribute(&e, b"name").zip(xml::attribute(&e, b"page-layout-name")))
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    masters
        .into_iter()
        .filter_map(|(master, layout)| Some((master, *layouts.get(&layout)?)))
        .collect()
}

/// The OpenDocument content without the shapes wholly off their page, and how many went; the
/// package parts their pictures and objects show (`xlink:href`, as part names) are added to
/// `hrefs`. Err(why) when one names a part in a way that is not followed (`..`, an escaped
/// character). A page whose size is not known loses only shapes wholly above or left of it.
pub fn drop_off_page(
    data: &[u8],
    part: &str,
    sizes: &std::collections::BTreeMap<String, (f64, f64)>,
    hrefs: &mut BTreeSet<String>,
) -> Result<Result<(Vec<u8>, usize), &'static str>, Error> {
    if memchr::memmem::find(data, b"draw:page").is_none() {
        return Ok(Ok((data.to_vec(), 0)));
    }
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut count = 0usize;
    let mut page: Option<(f64, f64)> = None;
    // The off-page shape being read (its number, the parts it shows), and its depth.
    let mut current: Option<(usize, Vec<String>, usize)> = None;
    let mut marked = BTreeSet::new();
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        let (e, open) = match &event {
            Event::Eof => break,
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                stack.pop();
                if let Some((number, shown, depth)) = current.take() {
                    if stack.len() <= depth {
                        for href in shown {
                            let Some(name) = package_part(&href) else {
                                return Ok(Err(UNNAMED));
                            };
                            hrefs.insert(name);
                        }
                        marked.insert(number);
                    } else {
                        current = Some((number, shown, depth));
                    }
                }
                continue;
            }
            _ => continue,
        };
        let local = xml::local(e.name().as_ref()).to_vec();
        if local == b"page" {
            page = xml::attribute(e, b"master-page-name").and_then(|m| sizes.get(&m).copied());
        }
        // Every start tag is numbered, as copy_without sees them.
        count += 1;
        if let Some((_, shown, _)) = current.as_mut() {
            shown.extend(xml::attribute(e, b"href").filter(|h| !h.starts_with('#') && !h.contains("://")));
        } else if stack.last().map(Vec::as_slice) == Some(b"page") {
            let get = |n: &[u8]| xml::attribute(e, n).and_then(|v| length_mm(&v));
            let (x, y) = (get(b"x"), get(b"y"));
            let bounds = match (xml::attribute(e, b"transform"), get(b"width"), get(b"height")) {
                (None, Some(w), Some(h)) => x.zip(y).map(|(x, y)| (x, y, x + w, y + h)),
                (Some(t), Some(w), Some(h)) => {
                    let turned = transformed_box(x.unwrap_or(0.0), y.unwrap_or(0.0), w, h, &t);
                    if turned.is_none() {
                        return Ok(Err("has a shape whose draw:transform is not understood"));
                    }
                    turned
                }
                _ => None,
            };
            if let Some((x0, y0, x1, y1)) = bounds {
                let beyond = page.is_some_and(|(pw, ph)| x0 >= pw || y0 >= ph);
                if x1 <= 0.0 || y1 <= 0.0 || beyond {
                    if open {
                        current = Some((count, Vec::new(), stack.len()));
                    } else {
                        marked.insert(count);
                    }
                }
            }
        }
        if open {
            stack.push(local);
        }
    }
    Ok(Ok(drop_counted(data, part, |_| true, &marked)?))
}

/// A package part named by an `xlink:href` (`Pictures/a.png`, `./Object 1`), or None when it
/// is not plainly one (a `..`, a character that XML or a URL escapes), which is not followed.
fn package_part(href: &str) -> Option<String> {
    let name = href.strip_prefix("./").unwrap_or(href).trim_end_matches('/');
    let plain = !name.is_empty()
        && !name.starts_with('/')
        && name.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
        && !name.contains(['&', '<', '>', '"', '\'', '%', ':']);
    plain.then(|| name.to_string())
}

/// Applies an off-slide pass (`drop`) to a part: its data replaced and what went listed as
/// `kind`'s, or the refusal naming the part when a picture or object it would take is named
/// in a way that is not followed (`where_`: the slide, the page).
pub fn apply(
    part: &mut crate::containers::zip::Part,
    drop: impl FnOnce(&[u8], &str) -> Result<Result<(Vec<u8>, usize), &'static str>, Error>,
    kind: &str,
    where_: &str,
    removed: &mut Vec<crate::engine::Found>,
) -> Result<(), Error> {
    let (data, gone) = drop(&part.data, &part.name)?.map_err(|why| {
        Error::data(format!(
            "--remove hidden: {} {why}; left as it is",
            privkit_core::escape(&part.name)
        ))
    })?;
    if gone > 0 {
        part.data = data;
        removed.push(crate::engine::Found::new(
            kind,
            part.name.clone(),
            format!("{gone} shapes off the {where_} (--remove hidden)"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: (i64, i64) = (9144000, 6858000);

    fn shape(name: &str, x: i64, y: i64, extra: &str) -> String {
        format!(
            r#"<p:sp><p:nvSpPr><p:cNvPr id="2" name="{name}"/></p:nvSpPr><p:spPr><a:xfrm{extra}><a:off x="{x}" y="{y}"/><a:ext cx="1000000" cy="500000"/></a:xfrm></p:spPr><p:txBody><a:p><a:r><a:t>{name}</a:t></a:r></a:p></p:txBody></p:sp>"#
        )
    }

    #[test]
    fn shapes_wholly_off_the_slide_go() {
        let slide = format!(
            "<p:sld><p:cSld><p:spTree>{}{}{}{}{}<p:sp><p:spPr/></p:sp></p:spTree></p:cSld></p:sld>",
            shape("right", 9144000, 0, ""),
            shape("partly", 8644000, 0, ""),
            shape("above", 0, -500000, ""),
            // Turned, its corners reach back onto the slide.
            shape("turned", 9144000 - 50000 - 1000000, -520000, r#" rot="5400000""#),
            shape("below", 0, 6900000, ""),
        );
        let mut ids = BTreeSet::new();
        let (out, gone) = drop_off_slide(slide.as_bytes(), "s", SIZE, &mut ids)
            .unwrap()
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(gone, 3);
        for kept in ["partly", "turned", "<p:sp><p:spPr/></p:sp>"] {
            assert!(out.contains(kept), "{out}");
        }
        for gone in ["right", "above", "below"] {
            assert!(!out.contains(gone), "{out}");
        }
        let picture = r#"<p:sld><p:cSld><p:spTree><p:pic><p:blipFill><a:blip r:embed="rId2"/></p:blipFill><p:spPr><a:xfrm><a:off x="-9000000" y="0"/><a:ext cx="100" cy="100"/></a:xfrm></p:spPr></p:pic></p:spTree></p:cSld></p:sld>"#;
        assert!(ids.is_empty());
        let (out, gone) = drop_off_slide(picture.as_bytes(), "s", SIZE, &mut ids)
            .unwrap()
            .unwrap();
        assert_eq!((gone, ids), (1, BTreeSet::from(["rId2".to_string()])));
        assert!(!String::from_utf8(out).unwrap().contains("pic"));
        assert_eq!(
            slide_size(
                br#"<p:presentation><p:sldSz cx="9144000" cy="6858000" type="screen4x3"/></p:presentation>"#
            ),
            Some(SIZE)
        );
    }

    #[test]
    fn odf_shapes_wholly_off_the_page_go() {
        let styles = br#"<office:document-styles><office:automatic-styles><style:page-layout style:name="PL"><style:page-layout-properties fo:page-width="28cm" fo:page-height="15.75cm"/></style:page-layout></office:automatic-styles><office:master-styles><style:master-page style:name="Default" style:page-layout-name="PL"/></office:master-styles></office:document-styles>"#;
        let sizes = odf_page_sizes(styles);
        assert_eq!(sizes.get("Default"), Some(&(280.0, 157.5)));
        let frame = |x: &str, text: &str, extra: &str| {
            format!(
                r#"<draw:frame svg:x="{x}" svg:y="1cm" svg:width="5cm" svg:height="2cm"{extra}><draw:text-box><text:p>{text}</text:p></draw:text-box></draw:frame>"#
            )
        };
        let content = format!(
            r#"<office:presentation><draw:page draw:master-page-name="Default">{}{}{}{}<draw:custom-shape svg:x="-3in" svg:y="0in" svg:width="1in" svg:height="1in"/></draw:page></office:presentation>"#,
            frame("1cm", "on", ""),
            frame("29cm", "right", ""),
            frame("27cm", "partly", ""),
            frame("40cm", "turned", r#" draw:transform="rotate(1)""#),
        );
        // Placed by draw:transform alone (no svg:x, svg:y): moved off, turned and moved off,
        // turned and moved partly onto the page.
        let placed = |transform: &str, text: &str| {
            format!(
                r#"<draw:custom-shape svg:width="5cm" svg:height="2cm" draw:transform="{transform}"><text:p>{text}</text:p></draw:custom-shape>"#
            )
        };
        let content = content.replacen(
            "</draw:page>",
            &[
                placed("translate (-10cm 1cm)", "moved"),
                placed("rotate (0.5236) translate (40cm 2cm)", "spun"),
                placed("rotate (0.3) translate (27cm 1cm)", "edge"),
                "</draw:page>".into(),
            ]
            .concat(),
            1,
        );
        let mut hrefs = BTreeSet::new();
        let (out, gone) = drop_off_page(content.as_bytes(), "content.xml", &sizes, &mut hrefs)
            .unwrap()
            .unwrap();
        assert!(hrefs.is_empty());
        let out = String::from_utf8(out).unwrap();
        assert_eq!(gone, 4, "{out}");
        assert!(out.contains(">on<") && out.contains(">partly<") && out.contains(">turned<"));
        assert!(out.contains(">edge<") && !out.contains(">moved<") && !out.contains(">spun<"));
        assert!(
            !out.contains(">right<") && !out.contains("svg:x=\"-3in\""),
            "{out}"
        );
        let skewed = content.replacen("translate (-10cm 1cm)", "skewX (90deg)", 1);
        assert!(
            drop_off_page(skewed.as_bytes(), "c", &sizes, &mut BTreeSet::new())
                .unwrap()
                .is_err()
        );
        let picture = r#"<draw:page draw:master-page-name="Default"><draw:frame svg:x="-9cm" svg:y="0cm" svg:width="1cm" svg:height="1cm"><draw:image xlink:href="Pictures/a.jpg"/></draw:frame></draw:page>"#;
        let (out, gone) = drop_off_page(picture.as_bytes(), "c", &sizes, &mut hrefs)
            .unwrap()
            .unwrap();
        assert_eq!((gone, hrefs), (1, BTreeSet::from(["Pictures/a.jpg".to_string()])));
        assert!(!String::from_utf8(out).unwrap().contains("frame"));
        let escaped = picture.replace("Pictures/a.jpg", "../a.jpg");
        assert!(
            drop_off_page(escaped.as_bytes(), "c", &sizes, &mut BTreeSet::new())
                .unwrap()
                .is_err()
        );
    }
}
