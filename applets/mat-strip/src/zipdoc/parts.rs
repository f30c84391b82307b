//! Work on the parts of a document that are not XML: embedded images, cleaned with the image
//! cleaners so that a photo pasted into a report loses its GPS position too.

use privkit_core::Error;

use super::Part;
use crate::formats::{clean_embedded, Found, Options};

/// Cleans `part` in place if it is of a supported format; other media (EMF, video) are kept as
/// they are. A corrupt image fails the document: keeping it could keep metadata.
pub fn clean_media(part: &mut Part, opts: &Options) -> Result<Vec<Found>, Error> {
    let Some(cleaned) =
        clean_embedded(&part.data, opts).map_err(|e| e.context(format!("embedded image {}", part.name)))?
    else {
        return Ok(Vec::new());
    };
    part.data = cleaned.data;
    Ok(cleaned
        .removed
        .into_iter()
        .map(|f| Found::new(format!("{} {}", part.name, f.kind), f.name, f.value))
        .collect())
}
