//! The engine, below every format: the model (options, findings, the [`Format`] trait), the
//! input ([`Source`]), the output ([`Plan`]), the per-file context ([`Ctx`]) with the run's memory
//! [`budget`] and its idle [`workers`], the rules for members of containers, and embedded
//! files. It imports nothing from the layers above it (containers, tags, formats, the
//! registry).

pub mod budget;
pub mod ctx;
pub mod embedded;
pub mod file_type;
mod mapped;
pub mod members;
pub mod model;
pub mod plan;
pub mod source;
pub mod workers;

pub use ctx::{Ctx, Purpose};
pub use model::{clean, summary, Category, Cleaned, Format, Found, Options, Remove};
pub use plan::Plan;
pub use source::Source;

use privkit_core::Error;

/// How the engine reaches the registry without importing it: matching bytes to a format, and
/// naming what unsupported bytes look like.
pub struct Registry {
    pub detect: fn(&[u8]) -> Result<&'static dyn Format, Error>,
    pub looks_like: fn(&[u8]) -> &'static str,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Registry")
    }
}
