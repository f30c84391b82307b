//! RIFF and IFF chunk lists (WAV, RF64/BW64, AIFF/AIFC; WebP and AVI share the layout): a
//! walk over the chunks of one container, every size checked against its end. No policy of
//! what to keep: the formats decide.

pub mod chunks;
