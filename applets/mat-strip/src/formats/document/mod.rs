//! Documents: PDF, OOXML, ODF and EPUB.

pub mod epub;
pub mod odf;
pub mod ooxml;
pub mod pdf;
