//! Shared plumbing for every privkit applet.
//!
//! An applet exposes `command() -> clap::Command` and
//! `run(&ArgMatches) -> Result<Outcome, Error>`; everything it needs to keep the conventions of
//! DESIGN.md (exit codes, one-line diagnostics, escaped untrusted text, atomic writes, secret
//! input) lives here so that no applet reimplements it.

pub mod atomic;
pub mod code;
pub mod error;
pub mod escape;
pub mod input;
pub mod internal;
pub mod outcome;
pub mod output;
pub mod progress;
pub mod random;
pub mod secret;

pub use code::Code;
pub use error::Error;
pub use escape::escape;
pub use outcome::Outcome;
