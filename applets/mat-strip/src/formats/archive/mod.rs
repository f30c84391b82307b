//! Archives: zip (not a document) and tar, bare or compressed. Members are the user's own
//! files: each is cleaned by its own format (nested archives and documents too); one of no
//! format mat-strip cleans is kept byte for byte and listed as unchecked (so --check exits 1),
//! by default (`Options::archive_unknown`): refusing a tarball for its README by default would
//! make archives uncleanable. An explicit `--unknown abort` refuses the archive naming the
//! member (65), `--unknown omit` leaves it out.

pub mod paths;
pub mod tar;
pub mod zip;

use privkit_core::Error;

use crate::engine::embedded::clean_embedded;
use crate::engine::members::{self, Members, Unknown};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Ctx, Found};

/// The unknown-member policy for archives (see the module's comment).
fn policy(cx: &Ctx) -> Unknown {
    cx.opts.archive_unknown
}

/// What became of one member.
pub enum Fate {
    /// Nothing to change: the original bytes.
    Same,
    /// Cleaned: these bytes instead.
    Cleaned(Vec<u8>),
    /// Left out (--unknown omit).
    Omit,
}

/// Cleans a member's bytes by its own format, or applies the archive's unknown policy. What it
/// carried is listed under `label` (`EXIF in album/photo.jpg`).
pub fn clean_member(
    data: &[u8],
    kind: &str,
    label: &str,
    cx: &mut Ctx,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<Fate, Error> {
    match clean_embedded(data, cx).map_err(|e| e.context(format!("member {label}")))? {
        Some(embedded) => {
            absorb(label, embedded.removed, embedded.members, removed, members);
            Ok(embedded.data.map_or(Fate::Same, Fate::Cleaned))
        }
        None => unknown(
            data.get(..4096).unwrap_or(data),
            kind,
            label,
            cx,
            removed,
            members,
        ),
    }
}

/// Adds what member `label` carried (`found`) and kept (`kept`) to the archive's lists, each
/// named inside the member (`EXIF in album/photo.jpg`).
fn absorb(label: &str, found: Vec<Found>, kept: Members, removed: &mut Vec<Found>, members: &mut Members) {
    let prefix = |f: Found| f.inside(label);
    removed.extend(found.into_iter().map(prefix));
    members.kept.extend(kept.kept.into_iter().map(prefix));
    members.unchecked.extend(kept.unchecked.into_iter().map(prefix));
}

/// What became of a member too large to hold, cleaned from a source of its own.
pub enum Streamed {
    /// Nothing to change: the original bytes.
    Same,
    /// Cleaned: this plan of the member's source.
    Cleaned(Plan),
    /// Left out (--unknown omit).
    Omit,
}

/// As [`clean_member`], for a member in a source of its own (a temporary file): cleaned by its
/// format into a plan of that source, never read whole.
pub fn clean_member_source(
    src: &Source,
    kind: &str,
    label: &str,
    cx: &mut Ctx,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<Streamed, Error> {
    let head = src.cached(0).unwrap_or_default();
    let Ok(format) = (cx.registry().detect)(head) else {
        return Ok(match unknown(head, kind, label, cx, removed, members)? {
            Fate::Omit => Streamed::Omit,
            _ => Streamed::Same,
        });
    };
    let cleaned = cx
        .nested(|cx| crate::engine::clean(format, src, cx))
        .map_err(|e| e.context(format!("member {label}")))?;
    let dirty = !cleaned.removed.is_empty();
    absorb(label, cleaned.removed, cleaned.members, removed, members);
    Ok(if dirty {
        Streamed::Cleaned(cleaned.plan)
    } else {
        Streamed::Same
    })
}

/// A member of no format mat-strip cleans (`head`: its first bytes), by the archive policy.
pub fn unknown(
    head: &[u8],
    kind: &str,
    label: &str,
    cx: &Ctx,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<Fate, Error> {
    if head.is_empty() {
        return Ok(Fate::Same);
    }
    let what = (cx.registry().looks_like)(head);
    if policy(cx) == Unknown::Keep {
        // Said in the archive's terms: kept by default, not because --unknown keep was given.
        members.unchecked.push(Found::new(
            kind,
            label,
            format!("{what}, of no format mat-strip cleans: kept as it is, unchecked"),
        ));
        return Ok(Fate::Same);
    }
    let omit = members::unknown(policy(cx), kind, label, what, removed, members)?;
    Ok(if omit { Fate::Omit } else { Fate::Same })
}
