//! One file per format, grouped by family: only the policy of what to keep.

pub mod archive;
pub mod audio;
pub mod document;
pub mod image;
pub mod video;

/// A file cut short inside data mat-strip copies without reading it (audio, video, an index) or
/// drops: cleaned as far as it goes, and the user told (`inside`: what the cut falls in; --show
/// and --check read it as far as it goes).
pub fn note_cut(cx: &mut crate::engine::ctx::Ctx, inside: &str) {
    let done = if cx.inspecting() { "read" } else { "cleaned" };
    cx.notes.push(format!(
        "truncated: cut short inside {inside}; {done} what is there"
    ));
}
