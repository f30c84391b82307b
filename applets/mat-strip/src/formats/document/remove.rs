//! Document content removed on request (`--remove`): comments in OOXML word processing
//! documents and presentations, Word's tracked changes accepted, PowerPoint's speaker notes and hidden slides;
//! OpenDocument comments, tracked changes (accepted), speaker notes and hidden text, paragraphs
//! and sections. Kept apart from the metadata rules of each format:
//! what is here changes the content, and only when the user asked for it.

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

use super::remove_marked::drop_marked;
use crate::containers::zip::xml::{self, Attr, Rules};

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

/// PowerPoint's speaker notes, one part per slide (the notes master, a layout without text of
/// its own, stays: presentation.xml refers to it).
pub fn is_ooxml_notes_part(name: &str) -> bool {
    name.starts_with("ppt/notesSlides/")
}

/// The part a `.rels` part describes (`word/_rels/comments.xml.rels` → `word/comments.xml`),
/// so that a removed part's own relationships go with it; any other name as it is.
pub fn rels_owner(name: &str) -> String {
    match (name.rfind("_rels/"), name.strip_suffix(".rels")) {
        (Some(i), Some(stem)) if i + 6 <= stem.len() => format!("{}{}", &name[..i], &stem[i + 6..]),
        _ => name.to_string(),
    }
}

/// A part's own rules plus what --remove takes out of it. Comments: where a Word comment
/// starts and ends in the text and the run that shows its mark (left empty, which is valid),
/// and a slide's reference to its modern comments part. Changes: deleted text and moved-away
/// text with their markers, and the formatting before a change (the formatting after it is
/// what the element holds already); insertions are unwrapped beforehand ([`accept_insertions`]).
pub struct Content<R: 'static> {
    pub inner: &'static R,
    pub comments: bool,
    pub changes: bool,
}

impl<R: Rules> Rules for Content<R> {
    fn drop_element(&self, element: &[u8], start: &BytesStart) -> bool {
        (self.comments
            && matches!(
                element,
                b"commentRangeStart" | b"commentRangeEnd" | b"commentReference" | b"commentRel"
            ))
            || (self.changes && is_rejected_change(element))
            || self.inner.drop_element(element, start)
    }

    fn attribute(&self, element: &[u8], attribute: &[u8]) -> Attr {
        self.inner.attribute(element, attribute)
    }

    fn replace_text(&self, qualified: &[u8]) -> Option<&'static str> {
        self.inner.replace_text(qualified)
    }
}

/// An OpenDocument part's own rules plus what --remove takes out of it. Comments:
/// office:annotation and the end of its range. Changes: the change regions
/// (text:tracked-changes, which hold deleted text and who changed what) and their markers in
/// the text; what was inserted is already in place, so the text is the final text. Notes:
/// presentation:notes, a slide's speaker notes.
pub struct OdfContent<R: 'static> {
    pub inner: &'static R,
    pub comments: bool,
    pub changes: bool,
    pub notes: bool,
    pub hidden: bool,
}

// By hand: a derive would ask R to be Copy, where only the reference to it is copied.
impl<R> Clone for OdfContent<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for OdfContent<R> {}

impl<R: Rules> Rules for OdfContent<R> {
    fn drop_element(&self, element: &[u8], start: &BytesStart) -> bool {
        (self.hidden && is_odf_hidden(element, start))
            || (self.comments && matches!(element, b"annotation" | b"annotation-end"))
            || (self.changes
                && matches!(
                    element,
                    b"tracked-changes" | b"change" | b"change-start" | b"change-end"
                ))
            || (self.notes && element == b"notes")
            || self.inner.drop_element(element, start)
    }

    fn attribute(&self, element: &[u8], attribute: &[u8]) -> Attr {
        self.inner.attribute(element, attribute)
    }

    fn replace_text(&self, qualified: &[u8]) -> Option<&'static str> {
        self.inner.replace_text(qualified)
    }
}

/// ODF content not shown: hidden text (text:hidden-text holds it), sections with
/// text:display="none", and hidden-paragraph fields (the paragraphs they hide went beforehand,
/// [`drop_hidden_paragraphs`]; a shown paragraph stays shown without its field).
fn is_odf_hidden(element: &[u8], start: &BytesStart) -> bool {
    matches!(element, b"hidden-text" | b"hidden-paragraph")
        || (element == b"section" && xml::attribute(start, b"display").as_deref() == Some("none"))
}

/// A hidden paragraph is a field inside the paragraph it hides, and says whether it hides it
/// now (text:is-hidden). Such paragraphs (text:p, text:h) go whole; without text:is-hidden
/// the field's condition would have to be evaluated, so the part is refused (its name is the
/// error).
pub fn drop_hidden_paragraphs(data: &[u8], part: &str) -> Result<Result<Vec<u8>, String>, Error> {
    let needle = b"hidden-paragraph";
    if !data.windows(needle.len()).any(|w| w == needle) {
        return Ok(Ok(data.to_vec()));
    }
    let field = |e: &BytesStart| xml::local(e.name().as_ref()) == b"hidden-paragraph";
    let undecided = std::cell::Cell::new(false);
    let out = drop_marked(
        data,
        part,
        |e| matches!(xml::local(e.name().as_ref()), b"p" | b"h"),
        |e| {
            let hidden = xml::attribute(e, b"is-hidden");
            undecided.set(undecided.get() || (field(e) && hidden.is_none()));
            field(e) && matches!(hidden.as_deref(), Some("true" | "1"))
        },
        |open| open.iter().rev().find_map(|(_, n)| *n),
    )?;
    Ok(if undecided.get() {
        Err(part.to_string())
    } else {
        Ok(out)
    })
}

/// Whether an OOXML part holds hidden content --remove hidden does not take out yet: Word's
/// w:vanish left once the hidden runs are gone and hidden paragraph marks merged (in a style).
/// Such a file is refused rather than half-cleaned.
pub fn has_ooxml_hidden(name: &str, data: &[u8]) -> bool {
    is_word_story(name) && super::remove_word::has_active_vanish(data)
}

/// The refusal of `--remove hidden` for hidden content in `part` it does not take apart
/// (`why` says what the part has).
pub fn refused_hidden(part: &str, why: &str) -> Error {
    Error::data(format!(
        "--remove hidden: {} {why}, which is not taken apart; left as it is",
        privkit_core::escape(part)
    ))
}

/// A PowerPoint slide hidden from the show (`show="0"` on its root `p:sld`).
pub fn is_hidden_slide(name: &str, data: &[u8]) -> bool {
    if !(name.starts_with("ppt/slides/") && name.ends_with(".xml") && !name.contains("/_rels/")) {
        return false;
    }
    let mut reader = Reader::from_reader(data);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return xml::local(e.name().as_ref()) == b"sld"
                    && matches!(xml::attribute(&e, b"show").as_deref(), Some("0" | "false"));
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// WordprocessingML elements that hold what accepting the changes removes.
fn is_rejected_change(element: &[u8]) -> bool {
    matches!(
        element,
        b"del"
            | b"moveFrom"
            | b"moveFromRangeStart"
            | b"moveFromRangeEnd"
            | b"moveToRangeStart"
            | b"moveToRangeEnd"
            | b"rPrChange"
            | b"pPrChange"
            | b"sectPrChange"
            | b"tblPrChange"
            | b"tblPrExChange"
            | b"trPrChange"
            | b"tcPrChange"
            | b"tblGridChange"
            | b"numberingChange"
            | b"cellIns"
    )
}

/// Whether a part is WordprocessingML text that may hold tracked changes.
pub fn is_word_story(name: &str) -> bool {
    name.starts_with("word/") && name.ends_with(".xml") && !name.contains("/_rels/")
}

/// Accepts Word's insertions: `w:ins` and `w:moveTo` wrappers go and what they hold stays in
/// place; an empty `w:ins` (an inserted paragraph mark) goes. A second pass of its own, as the
/// shared rewrite drops or keeps whole elements only.
pub fn accept_insertions(data: &[u8], part: &str) -> Result<Vec<u8>, Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let unwrapped = |name: &[u8]| matches!(xml::local(name), b"ins" | b"moveTo");
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    let mut writer = Writer::new(Vec::with_capacity(data.len()));
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if unwrapped(e.name().as_ref()) => continue,
            Event::End(e) if unwrapped(e.name().as_ref()) => continue,
            _ => {}
        }
        writer.write_event(event).map_err(|e| corrupt(&e))?;
    }
    Ok(writer.into_inner())
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
        assert!(is_ooxml_notes_part(&rels_owner(
            "ppt/notesSlides/_rels/notesSlide1.xml.rels"
        )));
        assert!(!is_ooxml_notes_part("ppt/notesMasters/notesMaster1.xml"));
    }

    #[test]
    fn insertions_are_unwrapped_and_the_rest_passes_through() {
        let xml = br#"<w:p><w:ins w:id="1"><w:r><w:t>new</w:t></w:r></w:ins><w:r><w:t xml:space="preserve"> kept &amp; </w:t></w:r><w:rPr><w:ins w:id="2"/></w:rPr></w:p>"#;
        let out = accept_insertions(xml, "word/document.xml").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<w:p><w:r><w:t>new</w:t></w:r><w:r><w:t xml:space="preserve"> kept &amp; </w:t></w:r><w:rPr></w:rPr></w:p>"#
        );
        assert!(accept_insertions(b"<w:p><w:ins></w:p>", "x").is_err());
    }

    struct Plain;
    impl Rules for Plain {}
    static ODF_NOTES: OdfContent<Plain> = OdfContent {
        inner: &Plain,
        comments: false,
        changes: false,
        notes: true,
        hidden: false,
    };

    #[test]
    fn odf_speaker_notes_go_and_the_slide_stays() {
        let xml = br#"<draw:page><draw:frame/><presentation:notes><draw:frame><draw:text-box><text:p>say this</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>"#;
        let (out, _) = xml::rewrite(xml, &ODF_NOTES, "content.xml").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<draw:page><draw:frame/></draw:page>"
        );
    }

    static ODF_HIDDEN: OdfContent<Plain> = OdfContent {
        inner: &Plain,
        comments: false,
        changes: false,
        notes: false,
        hidden: true,
    };

    #[test]
    fn odf_hidden_text_and_sections_go() {
        let xml = br#"<office:text><text:p>shown<text:hidden-text text:condition="x" text:string-value="secret">secret</text:hidden-text></text:p><text:section text:name="a" text:display="none"><text:p>gone</text:p></text:section><text:section text:name="b"><text:p>kept</text:p></text:section></office:text>"#;
        let (out, _) = xml::rewrite(xml, &ODF_HIDDEN, "content.xml").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<office:text><text:p>shown</text:p><text:section text:name="b"><text:p>kept</text:p></text:section></office:text>"#
        );
        let odt = br#"<office:text><text:p>a<text:span><text:hidden-paragraph text:condition="x" text:is-hidden="true"/></text:span>secret</text:p><text:p><text:hidden-paragraph text:condition="y" text:is-hidden="false"/>shown</text:p></office:text>"#;
        let out = drop_hidden_paragraphs(odt, "content.xml").unwrap().unwrap();
        let (out, _) = xml::rewrite(&out, &ODF_HIDDEN, "content.xml").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<office:text><text:p>shown</text:p></office:text>"
        );
        assert_eq!(
            drop_hidden_paragraphs(b"<text:p><text:hidden-paragraph/>x</text:p>", "c.xml").unwrap(),
            Err("c.xml".to_string())
        );
        assert!(has_ooxml_hidden(
            "word/document.xml",
            b"<w:rPr><w:vanish/></w:rPr>"
        ));
        assert!(is_hidden_slide(
            "ppt/slides/slide2.xml",
            br#"<?xml version="1.0"?><p:sld xmlns:p="x" show="0">"#
        ));
        assert!(!is_hidden_slide("ppt/slides/slide2.xml", b"<p:sld>"));
        assert!(!is_hidden_slide(
            "ppt/slides/slide2.xml",
            br#"<p:sld><p:x show="0"/>"#
        ));
    }
}
