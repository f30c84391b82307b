//! XMP (Adobe's RDF/XML metadata packet), wherever it is carried: JPEG APP1 (standard and
//! extended), and later PNG iTXt, WebP/GIF/JP2/JXL boxes and PDF streams. Listing only: the
//! container leaves the packet out of its plan.

use crate::engine::{summary, Found};

/// The identifier a JPEG APP1 segment holding a standard XMP packet starts with.
pub const JPEG_STANDARD: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// The identifier of an extended XMP segment (a packet too large for one segment, in pieces).
pub const JPEG_EXTENDED: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

/// What an XMP packet holds, for --show.
pub fn list(packet: &[u8]) -> Vec<Found> {
    vec![Found::new("XMP", "packet", summary(packet))]
}

/// A piece of an extended XMP packet (its content is listed with the packet it continues).
pub fn list_extended(piece: &[u8]) -> Vec<Found> {
    vec![Found::new(
        "XMP",
        "extended packet",
        format!("{} bytes", piece.len()),
    )]
}
