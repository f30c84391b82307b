//! Tag formats carried by several containers (ID3 in MP3, FLAC, WAV and AIFF; Vorbis comments
//! in FLAC and Ogg): parsed once, to list what they hold. Removing a tag is the container's
//! business (it leaves the tag's bytes out of the plan).

pub mod ape;
pub mod id3;
pub mod lyrics3;
pub mod picture;
pub mod vorbis;
