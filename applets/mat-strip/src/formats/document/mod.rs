//! Documents: PDF, OOXML, ODF and torrents.

pub mod odf;
pub mod ooxml;
pub mod pdf;
pub mod torrent;
