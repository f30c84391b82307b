//! Video and sound in ISO base media containers: the coded samples are never read, only the
//! boxes around them rewritten.

pub mod mp4;
