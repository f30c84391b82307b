//! Video containers: the coded frames are never touched, only the structure around them.

pub mod matroska;
