//! Document content removed on request (`--remove`): comments so far, in OOXML word
//! processing documents and presentations. Kept apart from the metadata rules of each format:
//! what is here changes the content, and only when the user asked for it.

use quick_xml::events::BytesStart;

use crate::containers::zip::xml::{Attr, Rules};

/// OOXML parts that hold comments, their authors and their threading: word/comments.xml and
/// its companions (commentsExtended, commentsIds, commentsExtensible), PowerPoint's
/// ppt/comments/ (legacy and modern) with their author lists. Their relationships and content
/// types go with them.
pub fn is_ooxml_comment_part(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    (name.starts_with("word/") && base.starts_with("comments") && base.ends_with(".xml"))
        || name.starts_with("ppt/comments/")
        || matches!(name, "ppt/commentAuthors.xml" | "ppt/authors.xml")
}

/// The part a `.rels` part describes (`word/_rels/comments.xml.rels` → `word/comments.xml`),
/// so that a removed part's own relationships go with it; any other name as it is.
pub fn rels_owner(name: &str) -> String {
    match (name.rfind("_rels/"), name.strip_suffix(".rels")) {
        (Some(i), Some(stem)) if i + 6 <= stem.len() => format!("{}{}", &name[..i], &stem[i + 6..]),
        _ => name.to_string(),
    }
}

/// Spreadsheet comments live in a part and a VML drawing that may also hold form controls, and
/// the sheet refers to both: until they are taken apart, a workbook with comments is refused
/// rather than half-cleaned.
pub fn is_xlsx_comment_part(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    name.starts_with("xl/") && (base.starts_with("comments") || name.starts_with("xl/threadedComments/"))
}

/// A part's own rules plus the comments' anchors: where a Word comment starts and ends in the
/// text and the run that shows its mark (left empty, which is valid), and a slide's reference
/// to its modern comments part.
pub struct WithoutComments<R: 'static>(pub &'static R);

impl<R: Rules> Rules for WithoutComments<R> {
    fn drop_element(&self, element: &[u8], start: &BytesStart) -> bool {
        matches!(
            element,
            b"commentRangeStart" | b"commentRangeEnd" | b"commentReference" | b"commentRel"
        ) || self.0.drop_element(element, start)
    }

    fn attribute(&self, element: &[u8], attribute: &[u8]) -> Attr {
        self.0.attribute(element, attribute)
    }

    fn replace_text(&self, qualified: &[u8]) -> Option<&'static str> {
        self.0.replace_text(qualified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_parts_are_told_apart() {
        for name in [
            "word/comments.xml",
            "word/commentsExtended.xml",
            "word/commentsIds.xml",
            "ppt/comments/comment1.xml",
            "ppt/comments/modernComment_100_1.xml",
            "ppt/commentAuthors.xml",
        ] {
            assert!(is_ooxml_comment_part(name), "{name}");
        }
        for name in [
            "word/document.xml",
            "word/_rels/comments.xml.rels",
            "ppt/slides/slide1.xml",
        ] {
            assert!(!is_ooxml_comment_part(name), "{name}");
        }
        assert!(is_ooxml_comment_part(&rels_owner("word/_rels/comments.xml.rels")));
        assert_eq!(rels_owner("_rels/.rels"), "");
        assert_eq!(rels_owner("word/document.xml"), "word/document.xml");
        assert!(is_xlsx_comment_part("xl/comments1.xml"));
        assert!(!is_xlsx_comment_part("xl/worksheets/sheet1.xml"));
    }
}
