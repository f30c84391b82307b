//! Documents: PDF, OOXML and ODF.

pub mod odf;
pub mod ooxml;
pub mod pdf;
pub mod remove;
pub mod remove_marked;
pub mod remove_pdf;
pub mod remove_refs;
pub mod remove_word;
pub mod remove_xlsx;
