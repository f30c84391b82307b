//! Audio: the coded samples are never decoded, only the structure around them rewritten.

pub mod aiff;
pub mod chunk_cut;
pub mod chunk_tags;
pub mod flac;
pub mod mp3;
pub mod ogg;
pub mod wav;
