//! Documents: PDF, OOXML, ODF, EPUB, torrents and the web's text formats (HTML, CSS).

pub mod css;
pub mod epub;
pub mod html;
mod js;
pub mod odf;
pub mod ooxml;
pub mod pdf;
pub mod remove;
pub mod remove_marked;
pub mod remove_pdf;
pub mod remove_refs;
pub mod remove_word;
pub mod remove_xlsx;
mod text;
pub mod torrent;
