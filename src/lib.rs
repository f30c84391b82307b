//! The privkit multi-call binary: the applet table and the dispatcher. Applets live in their
//! own crates under applets/; this crate only knows their `command()` and `run()`.

pub mod applets;
pub mod cli;
mod dispatch;
mod install;

pub use dispatch::run;
