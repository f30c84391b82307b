//! Spreadsheet comments removed on request (`--remove comments`): the comments parts, the VML
//! drawings that draw only their notes, and the sheets' references to those drawings
//! (`legacyDrawing`); a drawing that also holds controls or pictures loses its notes' shapes. Relationships and content types go with the parts ([`rels::remove_parts`]).

use std::collections::BTreeSet;

use privkit_core::Error;

use super::remove_marked::drop_marked;
use crate::containers::zip::{xml, Part};

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
/// A drawing that also holds controls or pictures keeps them and loses its notes (the
/// `v:shape` elements whose `x:ClientData` is a Note), in place.
pub fn comment_drawings(parts: &mut [Part]) -> Result<BTreeSet<String>, Error> {
    let mut gone = BTreeSet::new();
    for part in parts
        .iter_mut()
        .filter(|p| p.name.starts_with("xl/") && p.name.ends_with(".vml"))
    {
        let notes = count(&part.data, br#"ObjectType="Note""#);
        if notes == 0 {
            continue;
        }
        if count(&part.data, b"ObjectType=") == notes && count(&part.data, b"imagedata") == 0 {
            gone.insert(part.name.clone());
            continue;
        }
        part.data = drop_marked(
            &part.data,
            &part.name,
            |e| xml::local(e.name().as_ref()) == b"shape",
            |e| {
                xml::local(e.name().as_ref()) == b"ClientData"
                    && xml::attribute(e, b"ObjectType").as_deref() == Some("Note")
            },
            |open| open.iter().rev().find_map(|(_, n)| *n),
        )?;
        if count(&part.data, br#"ObjectType="Note""#) != 0 {
            return Err(Error::data(format!(
                "--remove comments: {} draws a comment outside a shape; left as it is",
                privkit_core::escape(&part.name)
            )));
        }
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
        let notes = vml(r#"<xml><x:ClientData ObjectType="Note"/><x:ClientData ObjectType="Note"/></xml>"#);
        assert_eq!(comment_drawings(&mut [notes]).unwrap().len(), 1);
        let mut mixed = [vml(
            r#"<xml><v:shape id="a"><x:ClientData ObjectType="Note"><x:Row>1</x:Row></x:ClientData></v:shape><v:shape id="b"><x:ClientData ObjectType="Button"/></v:shape></xml>"#,
        )];
        assert!(comment_drawings(&mut mixed).unwrap().is_empty());
        assert_eq!(
            String::from_utf8(mixed[0].data.clone()).unwrap(),
            r#"<xml><v:shape id="b"><x:ClientData ObjectType="Button"/></v:shape></xml>"#
        );
        let controls = vml(r#"<xml><x:ClientData ObjectType="Button"/></xml>"#);
        assert!(comment_drawings(&mut [controls]).unwrap().is_empty());
        let loose = vml(r#"<xml><x:ClientData ObjectType="Note"/><x:ClientData ObjectType="Button"/></xml>"#);
        assert!(comment_drawings(&mut [loose]).is_err());
    }
}
