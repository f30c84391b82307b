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
            Event::Empty(e) => {
                if marker(&e) {
                    marked.extend(owner(&stack));
                }
                // Numbered like the rest, though they hold nothing, as [`copy_without`] sees
                // every start tag.
                count += usize::from(container(&e));
            }
            Event::End(_) => {
                stack.pop();
            }
            _ => {}
        }
    }
    if marked.is_empty() {
        return Ok(data.to_vec());
    }
    drop_numbered(data, part, container, &marked)
}

/// `data` without the elements `container` accepts whose number (in document order, from 1)
/// is in `marked`: the second pass of a look-inside removal.
pub fn drop_numbered(
    data: &[u8],
    part: &str,
    container: impl Fn(&BytesStart) -> bool,
    marked: &BTreeSet<usize>,
) -> Result<Vec<u8>, Error> {
    let mut count = 0usize;
    copy_without(data, part, |e| {
        container(e) && {
            count += 1;
            marked.contains(&count)
        }
    })
}

/// [`drop_numbered`] with how many went; `data` as it is when none is marked.
pub fn drop_counted(
    data: &[u8],
    part: &str,
    container: impl Fn(&BytesStart) -> bool,
    marked: &BTreeSet<usize>,
) -> Result<(Vec<u8>, usize), Error> {
    if marked.is_empty() {
        return Ok((data.to_vec(), 0));
    }
    Ok((drop_numbered(data, part, container, marked)?, marked.len()))
}

/// `data` without the elements (with all they hold) `drop` accepts. `drop` sees every start
/// tag in document order, those inside a dropped element too, so that it may count them.
pub fn copy_without(
    data: &[u8],
    part: &str,
    mut drop: impl FnMut(&BytesStart) -> bool,
) -> Result<Vec<u8>, Error> {
    let corrupt = |e: &dyn std::fmt::Display| Error::data(format!("corrupt XML in {part}: {e}"));
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = true;
    let mut writer = Writer::new(Vec::with_capacity(data.len()));
    let mut skipping = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        let dropped = match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => drop(e),
            _ => false,
        };
        match &event {
            Event::Start(_) if skipping > 0 || dropped => skipping += 1,
            Event::End(_) if skipping > 0 => skipping -= 1,
            _ if skipping > 0 || dropped => {}
            _ => writer.write_event(event).map_err(|e| corrupt(&e))?,
        }
    }
    Ok(writer.into_inner())
}
