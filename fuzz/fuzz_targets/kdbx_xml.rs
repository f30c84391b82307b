//! Any bytes as the decrypted XML of a database, given to the vendored keepass crate's parser
//! directly (kdbx_open rarely gets there: the XML is encrypted and authenticated). It may refuse
//! them, never panic, overflow the stack or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keepass::fuzz_parse_xml(data);
});
