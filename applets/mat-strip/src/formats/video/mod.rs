//! Video containers (ISO base media, Matroska/WebM, AVI, ASF): the coded samples and frames are never
//! read, only the structure around them rewritten.

pub mod asf;
pub mod avi;
pub mod matroska;
pub mod mp4;
