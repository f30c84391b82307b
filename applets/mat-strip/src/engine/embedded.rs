//! Files inside files (a photo in a document, a PDF attachment): cleaned by their own format,
//! found through the registry the context carries (so that formats need not import the
//! registry that lists them), one level deeper each time.

use privkit_core::Error;

use super::ctx::Ctx;
use super::members::{self, Members};
use super::model::{clean, Found};
use super::source::Source;

/// A file inside another (a photo in a document, a PDF attachment), cleaned.
pub struct Embedded {
    /// The cleaned bytes; None when nothing had to change.
    pub data: Option<Vec<u8>>,
    pub removed: Vec<Found>,
    pub members: Members,
}

/// Cleans the bytes of an embedded file of any supported format. `None` when it is not a
/// format mat-strip cleans (the container's rules then decide); an error when it is a
/// supported format but corrupt (keeping it could keep metadata).
pub fn clean_embedded(bytes: &[u8], cx: &mut Ctx) -> Result<Option<Embedded>, Error> {
    clean_source(&Source::Memory(bytes.to_vec()), cx)
}

/// [`clean_embedded`] on bytes already in a source (no copy).
fn clean_source(src: &Source, cx: &mut Ctx) -> Result<Option<Embedded>, Error> {
    let bytes = src.cached(0).unwrap_or_default();
    let Some(format) = (cx.registry().detect)(bytes).ok().filter(|f| f.readable(bytes)) else {
        return Ok(None);
    };
    let cleaned = cx.nested(|cx| clean(format, src, cx))?;
    let mut embedded = Embedded {
        data: None,
        removed: cleaned.removed,
        members: cleaned.members,
    };
    if !embedded.removed.is_empty() && !cx.inspecting() {
        let mut data = Vec::with_capacity(src.len() as usize);
        cleaned
            .plan
            .write_to(src, &mut data)
            .map_err(|e| Error::data(format!("embedded {}: {e}", format.name())))?;
        embedded.data = Some(data);
    }
    Ok(Some(embedded))
}

/// Cleans a member of a container that no name rule claimed: by its own format if it has one
/// mat-strip cleans, kept if its content is known to carry no metadata, else by the unknown
/// policy. What it carried is listed under `label` (`word/media/image1.jpg`). Returns true when
/// the member is to be left out.
pub fn clean_member(
    data: &mut Vec<u8>,
    kind: &str,
    label: &str,
    cx: &mut Ctx,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<bool, Error> {
    let prefix = |f: Found| f.inside(label);
    // The member's bytes become the source (no copy), and come back after.
    let src = Source::Memory(std::mem::take(data));
    let result = clean_source(&src, cx);
    if let Source::Memory(bytes) = src {
        *data = bytes;
    }
    match result.map_err(|e| e.context(format!("embedded file {label}")))? {
        Some(embedded) => {
            if let Some(new) = embedded.data {
                *data = new;
            }
            removed.extend(embedded.removed.into_iter().map(prefix));
            members.kept.extend(embedded.members.kept.into_iter().map(prefix));
            members
                .unchecked
                .extend(embedded.members.unchecked.into_iter().map(prefix));
            Ok(false)
        }
        None if members::by_content(data).is_some() => Ok(false),
        None => members::unknown(
            cx.opts.unknown,
            kind,
            label,
            (cx.registry().looks_like)(data),
            removed,
            members,
        ),
    }
}
