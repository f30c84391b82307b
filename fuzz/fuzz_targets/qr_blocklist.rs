//! Any text as a blocklist (hosts, plain, wildcard, adblock, dnscrypt-proxy lines mixed): parsed,
//! indexed and queried. It may reject lines, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = privkit_qr_inspect::fuzz_blocklist(data);
});
