//! Word paragraph marks that go on request: a deleted one (`w:pPr/w:rPr/w:del`, --remove
//! changes) or a hidden one (`w:pPr/w:rPr/w:vanish`, --remove hidden). Without its mark a
//! paragraph is one with the next: its content moves to the start of the next paragraph, which
//! keeps its own properties (a paragraph's properties belong to its mark, and the next mark is
//! the one that stays), as Word shows it once the deletion is accepted or the hidden text gone.
//! A mark with no paragraph after it in the same story (before a table, at the end of a cell
//! or of the body) or carrying a section break is refused: what Word makes of it is a layout
//! decision, not a merge.

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::containers::zip::xml;

/// Which paragraph marks go.
#[derive(Clone, Copy)]
pub enum Mark {
    /// A deletion tracked on the mark (accepting it merges the paragraphs).
    Deleted,
    /// An active `w:vanish` on the mark.
    Hidden,
}

impl Mark {
    fn marks(self, e: &BytesStart) -> bool {
        match (self, xml::local(e.name().as_ref())) {
            (Mark::Deleted, b"del") => true,
            (Mark::Hidden, b"vanish") => {
                !matches!(xml::attribute(e, b"val").as_deref(), Some("0" | "false" | "off"))
            }
            _ => false,
        }
    }

    fn option(self) -> &'static str {
        match self {
            Mark::Deleted => "--remove changes",
            Mark::Hidden => "--remove hidden",
        }
    }
}

/// One `w:p` met while reading.
struct Para {
    start: usize,
    /// Where its content starts: after its `w:pPr`, else after its start tag.
    content: usize,
    /// Where its end tag starts, and where it ends.
    inner_end: usize,
    end: usize,
    marked: bool,
    section: bool,
    /// Written `<w:p/>`.
    empty: bool,
    /// The paragraph it is inside (a text box's), if any.
    outer: Option<usize>,
    /// The element after it in the same parent: Some(Some(paragraph)), Some(None) for
    /// anything else; None when it is the last.
    next: Option<Option<usize>>,
}

/// An open element: its local name, the paragraph it is, its last child paragraph if that
/// one is still waiting for its next sibling.
struct Frame {
    local: Vec<u8>,
    para: Option<usize>,
    last_para: Option<usize>,
}

/// `data` with the paragraphs whose mark `mark` takes merged into the paragraph after them;
/// unchanged when there are none. Refused (an error naming the part) where the merge is not
/// a plain one.
pub fn merge_marked_paragraphs(data: &[u8], part: &str, mark: Mark) -> Result<Vec<u8>, Error> {
    let needle: &[u8] = match mark {
        Mark::Deleted => b":del",
        Mark::Hidden => b":vanish",
    };
    if memchr::memmem::find(data, needle).is_none() {
        return Ok(data.to_vec());
    }
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let refuse = |why: &str| {
        Error::data(format!(
            "{}: a paragraph mark in {} {why}; left as it is",
            mark.option(),
            privkit_core::escape(part)
        ))
    };
    let mut paras: Vec<Para> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        let end = reader.buffer_position() as usize;
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let local = xml::local(e.name().as_ref()).to_vec();
                let is_para = local == b"p";
                // This element is the next sibling of the parent's last paragraph (range
                // markers between paragraphs stay where they are and do not count).
                if let Some(parent) = stack.last_mut().filter(|_| !is_range_marker(&local)) {
                    if let Some(last) = parent.last_para.take() {
                        paras[last].next = Some(is_para.then_some(paras.len()));
                    }
                }
                let names: Vec<&[u8]> = stack.iter().map(|f| f.local.as_slice()).collect();
                if let [.., b"p", b"pPr", b"rPr"] = names.as_slice() {
                    if mark.marks(e) {
                        if let Some(p) = stack[stack.len() - 3].para {
                            paras[p].marked = true;
                        }
                    }
                }
                if let [.., b"p", b"pPr"] = names.as_slice() {
                    if local == b"sectPr" {
                        if let Some(p) = stack[stack.len() - 2].para {
                            paras[p].section = true;
                        }
                    }
                }
                let para = is_para.then(|| {
                    let outer = stack.iter().rev().find_map(|f| f.para);
                    paras.push(Para {
                        start: at,
                        content: end,
                        inner_end: end,
                        end,
                        marked: false,
                        section: false,
                        empty: matches!(event, Event::Empty(_)),
                        outer,
                        next: None,
                    });
                    paras.len() - 1
                });
                if matches!(event, Event::Start(_)) {
                    stack.push(Frame {
                        local,
                        para,
                        last_para: None,
                    });
                } else if let (Some(p), Some(parent)) = (para, stack.last_mut()) {
                    parent.last_para = Some(p);
                }
            }
            Event::End(_) => {
                let Some(frame) = stack.pop() else { continue };
                if frame.local == b"pPr" {
                    if let Some(p) = stack.last().and_then(|f| f.para) {
                        paras[p].content = end;
                    }
                }
                if let Some(p) = frame.para {
                    paras[p].inner_end = at;
                    paras[p].end = end;
                    if let Some(parent) = stack.last_mut() {
                        parent.last_para = Some(p);
                    }
                }
            }
            _ => {}
        }
    }
    if !paras.iter().any(|p| p.marked) {
        return Ok(data.to_vec());
    }
    let inside_marked = |mut p: usize| {
        while let Some(outer) = paras[p].outer {
            if paras[outer].marked {
                return true;
            }
            p = outer;
        }
        false
    };
    // (position, bytes to insert) and (start, end) ranges to leave out.
    let mut inserts: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut moving: Vec<u8> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        if !p.marked || inside_marked(i) {
            continue;
        }
        if p.section {
            return Err(refuse("ends a section"));
        }
        let Some(Some(next)) = p.next else {
            return Err(refuse("has no paragraph after it to join"));
        };
        if inside_marked(next) {
            return Err(refuse("is inside another one"));
        }
        moving.extend_from_slice(data.get(p.content..p.inner_end).unwrap_or_default());
        cuts.push((p.start, p.end));
        let target = &paras[next];
        if target.marked {
            continue;
        }
        let moved = std::mem::take(&mut moving);
        if target.empty {
            // `<w:p .../>` opens to hold what comes: `<w:p ...>` what comes `</w:p>`.
            let tag = data.get(target.start..target.end).unwrap_or_default();
            let open = tag.strip_suffix(b"/>").unwrap_or(tag);
            let name_end = open
                .iter()
                .position(|b| b.is_ascii_whitespace())
                .unwrap_or(open.len());
            let mut whole = open.to_vec();
            whole.push(b'>');
            whole.extend_from_slice(&moved);
            whole.extend_from_slice(b"</");
            whole.extend_from_slice(open.get(1..name_end).unwrap_or(b"p"));
            whole.push(b'>');
            inserts.push((target.start, whole));
            cuts.push((target.start, target.end));
        } else {
            inserts.push((target.content, moved));
        }
    }
    let mut out = Vec::with_capacity(data.len());
    let mut pos = 0;
    let (mut cut, mut insert) = (cuts.into_iter().peekable(), inserts.into_iter().peekable());
    loop {
        let next_cut = cut.peek().map(|c| c.0);
        let next_insert = insert.peek().map(|i| i.0);
        let cut_first = match (next_cut, next_insert) {
            (Some(c), Some(i)) => c < i,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if cut_first {
            let (start, end) = cut.next().unwrap_or_default();
            out.extend_from_slice(data.get(pos..start).ok_or_else(|| refuse("overlaps another"))?);
            pos = end;
        } else {
            let (at, bytes) = insert.next().unwrap_or_default();
            out.extend_from_slice(data.get(pos..at).ok_or_else(|| refuse("overlaps another"))?);
            out.extend_from_slice(&bytes);
            pos = at;
        }
    }
    out.extend_from_slice(data.get(pos..).unwrap_or_default());
    Ok(out)
}

/// Elements that mark where a range starts or ends (bookmarks, comments, permissions, moves,
/// proofing marks) and may stand between two paragraphs without separating them.
fn is_range_marker(local: &[u8]) -> bool {
    local.ends_with(b"RangeStart")
        || local.ends_with(b"RangeEnd")
        || matches!(
            local,
            b"bookmarkStart" | b"bookmarkEnd" | b"proofErr" | b"permStart" | b"permEnd"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(xml: &str, mark: Mark) -> Result<String, Error> {
        merge_marked_paragraphs(xml.as_bytes(), "word/document.xml", mark)
            .map(|out| String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_deleted_mark_joins_the_paragraph_to_the_next() {
        let xml = r#"<w:body><w:p><w:pPr><w:jc w:val="left"/><w:rPr><w:del w:id="1"/></w:rPr></w:pPr><w:r><w:t>one </w:t></w:r></w:p> <w:p><w:pPr><w:rPr><w:del w:id="2"/></w:rPr></w:pPr><w:r><w:t>two </w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>three</w:t></w:r></w:p><w:p><w:r><w:t>four</w:t></w:r></w:p></w:body>"#;
        assert_eq!(
            merged(xml, Mark::Deleted).unwrap(),
            r#"<w:body> <w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>one </w:t></w:r><w:r><w:t>two </w:t></w:r><w:r><w:t>three</w:t></w:r></w:p><w:p><w:r><w:t>four</w:t></w:r></w:p></w:body>"#
        );
        // Hidden marks are another option's.
        assert_eq!(merged(xml, Mark::Hidden).unwrap(), xml);
    }

    #[test]
    fn a_hidden_mark_joins_and_a_shown_one_stays() {
        let xml = r#"<w:body><w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>b</w:t></w:r></w:p><w:p><w:pPr><w:rPr><w:vanish w:val="0"/></w:rPr></w:pPr></w:p><w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>c</w:t></w:r></w:p><w:bookmarkEnd w:id="0"/><w:p w:rsidR="1"/></w:body>"#;
        assert_eq!(
            merged(xml, Mark::Hidden).unwrap(),
            r#"<w:body><w:p><w:r><w:t>a</w:t></w:r><w:r><w:t>b</w:t></w:r></w:p><w:p><w:pPr><w:rPr><w:vanish w:val="0"/></w:rPr></w:pPr></w:p><w:bookmarkEnd w:id="0"/><w:p w:rsidR="1"><w:r><w:t>c</w:t></w:r></w:p></w:body>"#
        );
    }

    #[test]
    fn marks_with_nothing_plain_to_join_are_refused() {
        for xml in [
            // Before a table.
            r#"<w:body><w:p><w:pPr><w:rPr><w:del/></w:rPr></w:pPr></w:p><w:tbl/></w:body>"#,
            // Last in the body.
            r#"<w:body><w:p><w:pPr><w:rPr><w:del/></w:rPr></w:pPr></w:p></w:body>"#,
            // A section break.
            r#"<w:body><w:p><w:pPr><w:rPr><w:del/></w:rPr><w:sectPr/></w:pPr></w:p><w:p/></w:body>"#,
        ] {
            let err = merged(xml, Mark::Deleted).unwrap_err().to_string();
            assert!(err.contains("--remove changes"), "{err}");
        }
        assert!(merged("<w:p><w:pPr><w:rPr><w:del/></w:rPr></w:p>", Mark::Deleted).is_err());
    }
}
