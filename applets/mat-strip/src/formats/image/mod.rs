//! Images: the picture data is never decoded, only the structure around it rewritten.

pub mod bmp;
pub mod gif;
pub mod heif;
pub mod jp2;
pub mod jpeg;
pub mod jxl;
pub mod png;
pub mod pnm;
pub mod psd;
mod psd_layers;
pub mod svg;
pub mod tiff;
pub mod webp;
