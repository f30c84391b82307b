//! Any bytes given to kdbx-audit's open path as a database, with the fixtures' password (so
//! mutations of the fixtures get past the key check and reach the decrypted payload): it may
//! refuse them, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = privkit_kdbx_audit::fuzz_open(data, "correct horse battery staple fixture");
});
