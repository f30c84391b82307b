//! Tag formats carried by several containers (ID3 in MP3, FLAC, WAV and AIFF; Vorbis comments
//! in FLAC and Ogg; XMP, IPTC and Photoshop image resources in JPEG, TIFF, PSD and more):
//! parsed once, to list what they hold. Removing a tag is the container's business (it leaves
//! the tag's bytes out of the plan).

pub mod ape;
pub mod category;
pub mod id3;
pub mod iptc;
pub mod irb;
pub mod lyrics3;
pub mod ole_props;
pub mod picture;
pub mod text;
pub mod value;
pub mod vorbis;
pub mod xmp;
