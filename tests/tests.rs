//! End-to-end tests of the real `privkit` binary: one test binary, one module per applet.

mod common;

mod contrib;
mod dispatch;
mod kdbx_audit;
mod machine_id;
mod macrand;
mod mat_strip;
mod qr_inspect;
