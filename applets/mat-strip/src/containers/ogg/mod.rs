//! Ogg (RFC 3533): pages read one at a time with their CRCs checked, packets gathered from
//! their lacing, and pages written back around new packets. No policy: the codecs' header
//! packets are judged by formats/audio/ogg.rs.
//!
//! Written by hand rather than with the `ogg` crate: its reader hands out packets (the audio
//! would pass through memory) and its writer re-pages every packet, while the plan needs the
//! extents of the pages after the headers to copy them by range, untouched or with only their
//! sequence number (and CRC) changed.

pub mod crc;
pub mod page;
