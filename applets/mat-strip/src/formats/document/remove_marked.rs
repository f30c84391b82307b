//! Dropping an element for what it holds: a Word run whose properties say it is hidden, an
//! OpenDocument paragraph holding a hidden-paragraph field. The shared rewriter decides on an
//! element from its start tag alone; this looks inside first, in two passes over the part.

use std::collections::BTreeSet;

use privkit_core::Error;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

use crate::containers::zip::xml;

/// An open element while reading: its local name, and its number when it is a container.
pub type Open = (Vec<u8>, Option<usize>);

/// `data` without the containers (elements `container` accepts, numbered in document order)
/// that `owner` names: it is asked for each `marker` element with the elements open around
/// it, outermost first, and answers with the number of the container that goes, if any.
pub fn drop_marked(
    data: &[u8],
    part: &str,
    container: impl Fn(&BytesStart) -> bool,
    marker: impl Fn(&BytesStart) -> bool,
    owner: impl Fn(&[Open]) -> Option<usize>,
) -> Result<Vec<u8>, Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let mut marked = BTreeSet::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut count = 0usize;
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    loop {
        match reader.read_event().map_err(|e| corrupt(&e))? {
            Event::Eof => break,
            Event::Start(e) => {
                if marker(&e) {
                    marked.extend(owner(&stack));
                }
                let number = container(&e).then(|| {
                    count += 1;
                    count
                });
                stack.push((xml::local(e.name().as_ref()).to_vec(), number));
            }
            Event::Empty(e) if marker(&e) => marked.extend(owner(&stack)),
            Event::End(_) => {
                stack.pop();
            }
            _ => {}
        }
    }
    if marked.is_empty() {
        return Ok(data.to_vec());
    }
    let mut reader = Reader::from_reader(data);
    let mut writer = Writer::new(Vec::with_capacity(data.len()));
    let (mut count, mut skipping) = (0usize, 0usize);
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        match &event {
            Event::Eof => break,
            Event::Start(e) if skipping == 0 && container(e) => {
                count += 1;
                if marked.contains(&count) {
                    skipping = 1;
                    continue;
                }
            }
            Event::Start(e) if skipping > 0 => {
                count += usize::from(container(e));
                skipping += 1;
                continue;
            }
            Event::End(_) if skipping > 0 => {
                skipping -= 1;
                continue;
            }
            _ if skipping > 0 => continue,
            _ => {}
        }
        writer.write_event(event).map_err(|e| corrupt(&e))?;
    }
    Ok(writer.into_inner())
}
