//! Word's hidden runs removed on request (`--remove hidden`): a run whose own properties say
//! `w:vanish` is text the reader does not see; it goes whole. Hidden text through a style is
//! left to the caller (which refuses the file); hidden paragraph marks to remove_marks.rs.

use privkit_core::Error;
use quick_xml::events::BytesStart;

use super::remove_marked::drop_marked;
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
}
