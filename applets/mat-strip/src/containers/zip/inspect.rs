//! --show and --check on a document: its parts inspected side by side on the run's idle
//! workers (-j N over fewer than N files), with the findings merged back in part order, so
//! what is printed is what one thread finds. Inspecting is read-only and the parts are
//! independent: each thread inflates its own parts through its own reader over the same input
//! (the zip's central directory read once), which is most of the time of a document full of
//! photos.
//!
//! Memory stays bounded: each extra thread is charged what one more part held at a time
//! costs, and none is borrowed if that does not fit the budget. Each part is read with a context
//! of its own, taken back in order; should any part fail, the parts from the first that failed
//! on are read again one by one on this thread, as with one worker, so the error (or, under a
//! memory budget that two threads found too tight, the success) is the one `-j 1` gives.

use std::sync::atomic::{AtomicUsize, Ordering};

use privkit_core::Error;
use zip::ZipArchive;

use super::{clean_part, inflate, Package, Part, Pending, Policy};
use crate::engine::ctx::Ctx;
use crate::engine::members::Members;
use crate::engine::source::Reader as SourceReader;
use crate::engine::Found;

/// What one part gave: its findings, and the context that holds its share of the budget.
type Outcome = (usize, Result<(Vec<Found>, Members), Error>, Ctx);

/// Inspects every part of `parts` (findings into `removed` and `members`, in part order).
pub fn parts(
    parts: &mut [Part],
    package: &mut Package,
    policy: &Policy,
    cx: &mut Ctx,
    removed: &mut Vec<Found>,
    members: &mut Members,
) -> Result<(), Error> {
    let mut pending: Vec<Pending> = parts.iter_mut().map(|p| package.detach(p)).collect();
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    let lease = cx.borrow_workers(names.len().saturating_sub(1));
    let extra = lease.count() as u64;
    let reserved = match extra {
        0 => None,
        _ => cx.reserve(extra.saturating_mul(package.per_part)),
    };
    let mut from = 0;
    match reserved {
        None => drop(lease),
        Some(reserved) => {
            let outcomes = side_by_side(&names, &pending, package, policy, cx, lease.count());
            drop(lease);
            from = names.len();
            for (i, result, member_cx) in outcomes {
                match result {
                    Ok((found, kept)) => {
                        removed.extend(found);
                        members.kept.extend(kept.kept);
                        members.unchecked.extend(kept.unchecked);
                        cx.absorb(member_cx);
                    }
                    Err(_) => {
                        from = i;
                        break;
                    }
                }
            }
            // The outcomes after a failure, and what their contexts held, go here; so does
            // what the other threads were charged.
            drop(reserved);
        }
    }
    for (name, pending) in names.iter().zip(&mut pending).skip(from) {
        let mut data = match pending {
            Pending::Archived(at) => inflate(&mut package.archive, &package.kind, *at, name)?,
            Pending::Ready(data) => std::mem::take(data),
        };
        clean_part(name, &mut data, policy, cx, removed, members)?;
    }
    Ok(())
}

/// Inspects the parts on this thread and `threads` more, each part claimed by the next free
/// thread; the outcomes in part order, up to the first part that failed (the threads stop
/// claiming parts after it).
fn side_by_side(
    names: &[&str],
    pending: &[Pending],
    package: &Package,
    policy: &Policy,
    cx: &Ctx,
    threads: usize,
) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let failed = AtomicUsize::new(usize::MAX);
    let work = |mut archive: ZipArchive<SourceReader>| {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::AcqRel);
            if i >= names.len() || i > failed.load(Ordering::Acquire) {
                return done;
            }
            let mut member_cx = cx.fork();
            let (mut found, mut kept) = (Vec::new(), Members::default());
            let result = match &pending[i] {
                Pending::Archived(at) => inflate(&mut archive, &package.kind, *at, names[i]),
                Pending::Ready(data) => Ok(data.clone()),
            }
            .and_then(|mut data| {
                clean_part(names[i], &mut data, policy, &mut member_cx, &mut found, &mut kept)
            });
            if result.is_err() {
                failed.fetch_min(i, Ordering::AcqRel);
            }
            done.push((i, result.map(|_| (found, kept)), member_cx));
        }
    };
    let mut outcomes = std::thread::scope(|scope| {
        let others: Vec<_> = (0..threads)
            .map(|_| {
                let archive = package.archive.clone();
                scope.spawn(|| work(archive))
            })
            .collect();
        let mut all = work(package.archive.clone());
        for thread in others {
            // A panic in a part is this file's failure (caught by the job), as on one thread.
            match thread.join() {
                Ok(done) => all.extend(done),
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        all
    });
    outcomes.sort_by_key(|(i, _, _)| *i);
    outcomes
}
