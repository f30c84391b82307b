//! One file per format, grouped by family: only the policy of what to keep.

pub mod archive;
pub mod audio;
pub mod document;
pub mod image;
pub mod video;
