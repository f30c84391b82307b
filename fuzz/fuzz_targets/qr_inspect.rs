//! Any bytes as an image given to qr-inspect: decoded (every reader pass), every payload
//! classified and checked. It may find nothing or refuse, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = privkit_qr_inspect::fuzz_inspect(data);
});
