//! Work on the parts of a document that are not XML: embedded images, cleaned with the image
//! cleaners so that a photo pasted into a report loses its GPS position too.

use privkit_core::Error;

use super::Part;
use crate::formats::{self, Found, Options};
use crate::source::Source;

/// Cleans `part` in place if it is an image of a supported format; other media (EMF, video)
/// are kept as they are. A corrupt image fails the document: keeping it could keep metadata.
pub fn clean_media(part: &mut Part, opts: &Options) -> Result<Vec<Found>, Error> {
    let Ok(format) = formats::detect(&part.data) else {
        return Ok(Vec::new());
    };
    let src = Source::Memory(std::mem::take(&mut part.data));
    let result = format.clean(&src, opts);
    let original = match src {
        Source::Memory(bytes) => bytes,
        Source::File { .. } => Vec::new(), // not built here
    };
    let cleaned = match result {
        Ok(cleaned) => cleaned,
        Err(e) => {
            part.data = original;
            return Err(e.context(format!("embedded image {}", part.name)));
        }
    };
    if cleaned.removed.is_empty() {
        part.data = original;
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(original.len());
    cleaned
        .plan
        .write_to(&Source::Memory(original), &mut out)
        .map_err(|e| Error::data(format!("embedded image {}: {e}", part.name)))?;
    part.data = out;
    Ok(cleaned
        .removed
        .into_iter()
        .map(|f| Found::new(format!("{} {}", part.name, f.kind), f.name, f.value))
        .collect())
}
