//! Readers and writers of containers shared by several formats: no policy of what to keep.

pub mod cfb;
pub mod ebml;
pub mod ifd;
pub mod isobmff;
pub mod jpeg;
pub mod ogg;
pub mod riff;
pub mod tar;
pub mod zip;
