//! What the text formats (HTML, CSS) share: the whole text read under a size bound, and the
//! plan that copies it with some spans cut out.

use std::ops::Range;

use privkit_core::Error;

use crate::engine::ctx::Ctx;
use crate::engine::plan::Plan;
use crate::engine::source::Source;

/// A text file is read whole: larger than this is not a page or a style sheet.
const MAX_LEN: u64 = 64 * 1024 * 1024;

/// The whole text, charged to the budget; `what` names it in the refusal.
pub fn read(src: &Source, cx: &mut Ctx, what: &str) -> Result<Vec<u8>, Error> {
    if src.len() > MAX_LEN {
        return Err(Error::data(format!(
            "{what} of {} bytes is too large to read",
            src.len()
        )));
    }
    cx.read_whole(src)
}

/// The input of `len` bytes less `spans` (in order, not overlapping), every other byte by range.
pub fn without(len: usize, spans: &[Range<usize>]) -> Plan {
    let mut plan = Plan::new();
    let mut kept = 0;
    for span in spans {
        plan.range(kept as u64, (span.start - kept) as u64);
        kept = span.end;
    }
    plan.range(kept as u64, (len - kept) as u64);
    plan
}
