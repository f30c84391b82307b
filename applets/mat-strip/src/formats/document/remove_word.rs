//! Word's hidden runs removed on request (`--remove hidden`): a run whose own properties say
//! `w:vanish` is text the reader does not see; it goes whole. Hidden text through a style, or
//! a hidden paragraph mark, is left to the caller (which refuses the file).

use std::collections::BTreeSet;

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

use crate::containers::zip::xml;

/// Whether a `w:vanish` element is on (no value, or a true one).
fn is_on(e: &BytesStart) -> bool {
    !matches!(xml::attribute(e, b"val").as_deref(), Some("0" | "false" | "off"))
}

/// The part without its hidden runs. Two passes: the first numbers the runs (in document
/// order, nested runs of text boxes too) whose direct `w:rPr` holds an active `w:vanish`; the
/// second copies everything but those runs.
pub fn drop_hidden_runs(data: &[u8], part: &str) -> Result<Vec<u8>, Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let is_run = |e: &BytesStart| xml::local(e.name().as_ref()) == b"r";
    let mut hidden = BTreeSet::new();
    // Open elements: (local name, run number when a run).
    let mut stack: Vec<(Vec<u8>, Option<usize>)> = Vec::new();
    let mut runs = 0usize;
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        match &event {
            Event::Eof => break,
            Event::Start(e) => {
                let number = is_run(e).then(|| {
                    runs += 1;
                    runs
                });
                stack.push((xml::local(e.name().as_ref()).to_vec(), number));
            }
            Event::End(_) => {
                stack.pop();
            }
            _ => {}
        }
        if let Event::Start(e) | Event::Empty(e) = &event {
            if xml::local(e.name().as_ref()) == b"vanish" && is_on(e) {
                // …/w:r/w:rPr/w:vanish: for a Start, the stack ends with vanish itself.
                let top = stack.len() - usize::from(matches!(event, Event::Start(_)));
                if top >= 2 && stack[top - 1].0 == b"rPr" {
                    if let Some(run) = stack[top - 2].1 {
                        hidden.insert(run);
                    }
                }
            }
        }
    }
    if hidden.is_empty() {
        return Ok(data.to_vec());
    }
    let mut reader = Reader::from_reader(data);
    let mut writer = Writer::new(Vec::with_capacity(data.len()));
    let (mut runs, mut skipping) = (0usize, 0usize);
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        if let Event::Start(e) = &event {
            if is_run(e) {
                runs += 1;
                if skipping == 0 && hidden.contains(&runs) {
                    skipping = 1;
                    continue;
                }
            }
        }
        match &event {
            Event::Eof => break,
            _ if skipping > 0 => {
                match &event {
                    Event::Start(_) => skipping += 1,
                    Event::End(_) => skipping -= 1,
                    _ => {}
                }
                continue;
            }
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
