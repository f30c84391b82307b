//! Documents: PDF, OOXML, ODF, OLE2 embeddings, EPUB, torrents and the web's text formats (HTML, CSS).

pub mod css;
pub mod epub;
pub mod html;
mod js;
pub mod odf;
pub mod ole2;
pub mod ooxml;
pub mod pdf;
pub mod remove;
pub mod remove_marked;
pub mod remove_marks;
pub mod remove_odf_styles;
pub mod remove_odf_transform;
pub mod remove_odf_white;
pub mod remove_offslide;
pub mod remove_pdf;
pub mod remove_refs;
pub mod remove_slide_cover;
pub mod remove_slide_inherit;
pub mod remove_slide_white;
pub mod remove_word;
pub mod remove_xlsx;
mod text;
pub mod torrent;
