//! Spreadsheet comments removed on request (`--remove comments`): the comments parts, the VML
//! drawings that draw their notes, and the sheets' references to those drawings
//! (`legacyDrawing`). Relationships and content types go with the parts ([`rels::remove_parts`]).

use std::collections::BTreeSet;

use crate::containers::zip::Part;

/// Spreadsheet comment parts: legacy comments (`xl/comments1.xml`, `xl/comments/comment1.xml`)
/// and threaded comments with the people they name (`xl/persons/`, only they refer to it).
/// Not the VML drawing that shows them: see [`comment_drawings`].
pub fn is_comment_part(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    name.starts_with("xl/")
        && name.ends_with(".xml")
        && (base.starts_with("comment")
            || name.starts_with("xl/comments/")
            || name.starts_with("xl/threadedComments/")
            || name.starts_with("xl/persons/"))
}

/// The VML drawings of a workbook that hold comment notes only; they go with the comments.
/// A drawing that also holds controls or pictures cannot be taken apart yet: its name is the
/// error, and the workbook is refused rather than half-cleaned.
pub fn comment_drawings(parts: &[Part]) -> Result<BTreeSet<String>, String> {
    let mut gone = BTreeSet::new();
    for part in parts
        .iter()
        .filter(|p| p.name.starts_with("xl/") && p.name.ends_with(".vml"))
    {
        let notes = count(&part.data, br#"ObjectType="Note""#);
        if notes == 0 {
            continue;
        }
        if count(&part.data, b"ObjectType=") != notes || count(&part.data, b"imagedata") != 0 {
            return Err(part.name.clone());
        }
        gone.insert(part.name.clone());
    }
    Ok(gone)
}

fn count(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len()).filter(|w| *w == needle).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_parts_and_their_drawings_are_told_apart() {
        assert!(is_comment_part("xl/comments1.xml"));
        assert!(is_comment_part("xl/comments/comment1.xml"));
        assert!(is_comment_part("xl/threadedComments/threadedComment1.xml"));
        assert!(is_comment_part("xl/persons/person.xml"));
        assert!(!is_comment_part("xl/worksheets/sheet1.xml"));
        assert!(!is_comment_part("xl/drawings/commentsDrawing1.vml"));
        let vml = |data: &str| Part {
            name: "xl/drawings/vmlDrawing1.vml".into(),
            data: data.as_bytes().to_vec(),
        };
        let notes = vml(r#"<x:ClientData ObjectType="Note"/><x:ClientData ObjectType="Note"/>"#);
        assert_eq!(comment_drawings(&[notes]).unwrap().len(), 1);
        let mixed = vml(r#"<x:ClientData ObjectType="Note"/><x:ClientData ObjectType="Button"/>"#);
        assert!(comment_drawings(&[mixed]).is_err());
        let controls = vml(r#"<x:ClientData ObjectType="Button"/>"#);
        assert!(comment_drawings(&[controls]).unwrap().is_empty());
    }
}
