//! Where an OpenDocument shape with a `draw:transform` lies on its page, for `--remove hidden`'s
//! off-page judging (remove_offslide.rs). The transformations apply to the shape's box
//! (`svg:x`/`svg:y`, 0 when absent, and `svg:width`/`svg:height`) in the order they are listed,
//! as ODF says and LibreOffice writes them (`rotate (0.52) translate (10cm 4cm)`): translate,
//! scale, skewX/skewY and matrix exactly; a rotation by the circle the box turns in about the
//! origin, whatever its angle, unit or direction (a bound that only ever keeps more). What is
//! not understood (an unknown transformation, a translation without a unit) is an error: the
//! caller refuses rather than guess.

use super::remove_offslide::length_mm;

/// Corners of the box as transformed so far (x, y in millimetres).
type Points = [(f64, f64); 4];

/// The box (min x, min y, max x, max y, in mm) that the shape at `x`, `y` of size `w`, `h`
/// covers once `transform` is applied; None for a transform not understood.
pub fn transformed_box(x: f64, y: f64, w: f64, h: f64, transform: &str) -> Option<(f64, f64, f64, f64)> {
    apply(x, y, w, h, transform).ok()
}

fn apply(x: f64, y: f64, w: f64, h: f64, transform: &str) -> Result<(f64, f64, f64, f64), ()> {
    let mut points: Points = [(x, y), (x + w, y), (x, y + h), (x + w, y + h)];
    let mut rest = transform.trim();
    // Each round takes one transformation off `rest`; a list longer than this is not a shape's.
    for _ in 0..64 {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        if rest.is_empty() {
            return bounds(&points);
        }
        let open = rest.find('(').ok_or(())?;
        let close = rest.find(')').ok_or(())?;
        if close < open {
            return Err(());
        }
        let name = rest[..open].trim();
        let args: Vec<&str> = rest[open + 1..close]
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|a| !a.is_empty())
            .collect();
        rest = &rest[close + 1..];
        let number = |a: &str| a.parse::<f64>().ok().filter(|n| n.is_finite()).ok_or(());
        let length = |a: &str| length_mm(a).ok_or(());
        points = match (name, args.as_slice()) {
            ("translate", [tx]) => {
                let tx = length(tx)?;
                points.map(|(px, py)| (px + tx, py))
            }
            ("translate", [tx, ty]) => {
                let (tx, ty) = (length(tx)?, length(ty)?);
                points.map(|(px, py)| (px + tx, py + ty))
            }
            ("scale", [s]) => {
                let s = number(s)?;
                points.map(|(px, py)| (px * s, py * s))
            }
            ("scale", [sx, sy]) => {
                let (sx, sy) = (number(sx)?, number(sy)?);
                points.map(|(px, py)| (px * sx, py * sy))
            }
            ("rotate", [_]) => {
                let r = points.iter().map(|(px, py)| px.hypot(*py)).fold(0.0, f64::max);
                [(-r, -r), (r, -r), (-r, r), (r, r)]
            }
            // The direction of a skew is not asked either: both are bounded.
            ("skewX", [a]) => {
                let t = angle(a)?.tan().abs();
                let (x0, y0, x1, y1) = bounds(&points)?;
                let ys = y0.abs().max(y1.abs()) * t;
                [(x0 - ys, y0), (x1 + ys, y0), (x0 - ys, y1), (x1 + ys, y1)]
            }
            ("skewY", [a]) => {
                let t = angle(a)?.tan().abs();
                let (x0, y0, x1, y1) = bounds(&points)?;
                let xs = x0.abs().max(x1.abs()) * t;
                [(x0, y0 - xs), (x1, y0 - xs), (x0, y1 + xs), (x1, y1 + xs)]
            }
            ("matrix", [a, b, c, d, e, f]) => {
                let (a, b, c, d) = (number(a)?, number(b)?, number(c)?, number(d)?);
                let (e, f) = (length(e)?, length(f)?);
                points.map(|(px, py)| (a * px + c * py + e, b * px + d * py + f))
            }
            _ => return Err(()),
        };
    }
    Err(())
}

/// The box around the points; Err(()) when one is not a number.
fn bounds(points: &Points) -> Result<(f64, f64, f64, f64), ()> {
    if points.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
        return Err(());
    }
    let fold = |f: fn(f64, f64) -> f64, start: f64, pick: fn(&(f64, f64)) -> f64| {
        points.iter().map(pick).fold(start, f)
    };
    Ok((
        fold(f64::min, f64::INFINITY, |p| p.0),
        fold(f64::min, f64::INFINITY, |p| p.1),
        fold(f64::max, f64::NEG_INFINITY, |p| p.0),
        fold(f64::max, f64::NEG_INFINITY, |p| p.1),
    ))
}

/// An angle in radians: unitless (LibreOffice's radians), `rad`, `deg` or `grad`.
fn angle(value: &str) -> Result<f64, ()> {
    let (number, factor) = if let Some(n) = value.strip_suffix("grad") {
        (n, std::f64::consts::PI / 200.0)
    } else if let Some(n) = value.strip_suffix("rad") {
        (n, 1.0)
    } else if let Some(n) = value.strip_suffix("deg") {
        (n, std::f64::consts::PI / 180.0)
    } else {
        (value, 1.0)
    };
    let a = number.parse::<f64>().map_err(|_| ())? * factor;
    // Near a right angle a skew has no bound.
    (a.is_finite() && a.cos().abs() > 1e-3).then_some(a).ok_or(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-6
            && (a.1 - b.1).abs() < 1e-6
            && (a.2 - b.2).abs() < 1e-6
            && (a.3 - b.3).abs() < 1e-6
    }

    #[test]
    fn transforms_apply_in_the_order_listed() {
        let b = transformed_box(0.0, 0.0, 30.0, 40.0, "translate (10cm 2cm)").unwrap();
        assert!(close(b, (100.0, 20.0, 130.0, 60.0)), "{b:?}");
        // Turned about the origin first (the circle of radius 50 mm), then moved.
        let b = transformed_box(0.0, 0.0, 30.0, 40.0, "rotate (0.5236) translate (10cm 2cm)").unwrap();
        assert!(close(b, (50.0, -30.0, 150.0, 70.0)), "{b:?}");
        let b = transformed_box(0.0, 0.0, 10.0, 10.0, "scale(2 3),matrix(1 0 0 1 1cm -1cm)").unwrap();
        assert!(close(b, (10.0, -10.0, 30.0, 20.0)), "{b:?}");
        let b = transformed_box(0.0, 0.0, 10.0, 10.0, "skewX (45deg)").unwrap();
        assert!(close(b, (-10.0, 0.0, 20.0, 10.0)), "{b:?}");
        for unsure in [
            "translate (10 20)",
            "spin (1)",
            "rotate (1",
            "skewY (90deg)",
            "matrix (1 0 0 1 1cm)",
        ] {
            assert!(transformed_box(0.0, 0.0, 1.0, 1.0, unsure).is_none(), "{unsure}");
        }
    }
}
