//! End-to-end tests of the real `privkit` binary: one test binary, one module per applet. An
//! applet's module is built only with its cargo feature, so `cargo test --no-default-features
//! --features mat-strip --test tests mat_strip` tests a binary holding mat-strip alone.

mod common;

mod completions;
#[cfg(all(
    feature = "kdbx-audit",
    feature = "machine-id",
    feature = "macrand",
    feature = "mat-strip",
    feature = "qr-inspect"
))]
mod contrib;
mod dispatch;
#[cfg(feature = "kdbx-audit")]
mod kdbx_audit;
#[cfg(feature = "machine-id")]
mod machine_id;
#[cfg(feature = "macrand")]
mod macrand;
#[cfg(feature = "mat-strip")]
mod mat_strip;
#[cfg(feature = "qr-inspect")]
mod qr_inspect;
#[cfg(all(
    feature = "kdbx-audit",
    feature = "machine-id",
    feature = "macrand",
    feature = "mat-strip",
    feature = "qr-inspect"
))]
mod readme;
