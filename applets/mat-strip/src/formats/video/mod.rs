//! Video containers (ISO base media, Matroska/WebM, AVI, ASF): the coded samples and frames are never
//! read, only the structure around them rewritten; but Motion JPEG frames, whole JPEGs whose
//! metadata segments are found and zeroed in place (`mjpeg`, shared by the containers).

pub mod asf;
pub mod asf_frames;
pub mod avi;
pub mod matroska;
pub mod mjpeg;
pub mod mp4;
