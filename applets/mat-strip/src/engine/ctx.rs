//! What a cleaner is told and what it tells back while it works on one file: the options, whether
//! the run only inspects (--show, --check: nothing may be deflated, serialised or written), how
//! deep in embedded files it is, the policy for unknown members, and notes for the user. Passed
//! down explicitly (no thread-locals), so a nested document sees the same run.

use std::sync::Arc;

use privkit_core::Error;

use super::budget::{Budget, Charge};
use super::model::Options;
use super::source::Source;
use super::workers::{Idle, Lease};
use super::Registry;

/// Files embedded deeper than this are refused: real documents stop at two or three levels; a
/// file that contains itself (a zip quine) never does.
pub const MAX_NESTING: usize = 4;

/// Why the file is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// --show, --check: findings only; the plan may stay empty.
    Inspect,
    /// Cleaning: the plan is what gets written.
    Plan,
}

#[derive(Debug)]
pub struct Ctx {
    pub opts: Options,
    pub purpose: Purpose,
    depth: usize,
    /// Things the user should know that are not metadata (a PDF written decrypted): shown as
    /// warnings naming the file.
    pub notes: Vec<String>,
    budget: Arc<Budget>,
    registry: &'static Registry,
    /// What this job holds of the budget, until the context is dropped (after writing).
    held: Option<Charge>,
    /// The run's workers with no file to work on (none unless the run says).
    idle: Arc<Idle>,
}

impl Ctx {
    /// A context with no memory budget to speak of (tests, tools).
    pub fn new(opts: Options, purpose: Purpose, registry: &'static Registry) -> Ctx {
        Ctx::with_budget(opts, purpose, registry, Budget::new(u64::MAX / 2))
    }

    pub fn with_budget(
        opts: Options,
        purpose: Purpose,
        registry: &'static Registry,
        budget: Arc<Budget>,
    ) -> Ctx {
        Ctx {
            opts,
            purpose,
            depth: 0,
            notes: Vec::new(),
            budget,
            registry,
            held: None,
            idle: Idle::new(0),
        }
    }

    /// The same context, able to borrow the run's idle workers.
    pub fn with_idle(mut self, idle: Arc<Idle>) -> Ctx {
        self.idle = idle;
        self
    }

    /// Up to `want` of the run's idle workers, to inspect members side by side.
    pub fn borrow_workers(&self, want: usize) -> Lease {
        self.idle.borrow(want)
    }

    /// A context for one member read on another thread: the same run, options and depth,
    /// holding nothing yet. What it holds and notes comes back with [`Ctx::absorb`].
    pub fn fork(&self) -> Ctx {
        Ctx {
            opts: self.opts,
            purpose: self.purpose,
            depth: self.depth,
            notes: Vec::new(),
            budget: Arc::clone(&self.budget),
            registry: self.registry,
            held: None,
            idle: Arc::clone(&self.idle),
        }
    }

    /// Takes back a forked context: its notes follow this one's, and what it holds of the
    /// budget is held until this context is dropped, as if this context had charged it.
    pub fn absorb(&mut self, mut other: Ctx) {
        self.notes.append(&mut other.notes);
        if let Some(charge) = other.held.take() {
            match &mut self.held {
                Some(held) => held.absorb(charge),
                None => self.held = Some(charge),
            }
        }
    }

    /// `bytes` of the budget for as long as the charge is kept, if they fit now (never
    /// waiting: the job already holds its share).
    pub fn reserve(&self, bytes: u64) -> Option<Charge> {
        self.budget.try_take(bytes).ok()
    }

    /// The formats embedded files are matched against.
    pub fn registry(&self) -> &'static Registry {
        self.registry
    }

    /// Charges `bytes` more to the run's memory budget, held until this context is dropped. At
    /// the top level the job gives back what it holds and waits for the whole amount (holding
    /// nothing while it waits, it cannot deadlock with another waiter); inside an embedded file
    /// it takes the bytes if they fit now, else refuses them.
    pub fn charge(&mut self, bytes: u64) -> Result<(), Error> {
        let held = self.held.take().map_or(0, |c| c.bytes());
        let total = held.saturating_add(bytes);
        let charge = if self.depth == 0 {
            self.budget.wait_for(total)
        } else {
            self.budget.try_take(total)
        };
        self.held = Some(charge?);
        Ok(())
    }

    /// The run's whole budget, in bytes.
    pub fn budget_limit(&self) -> u64 {
        self.budget.limit()
    }

    /// The whole input, charged first.
    pub fn read_whole(&mut self, src: &Source) -> Result<Vec<u8>, Error> {
        self.charge(src.len())?;
        src.read_whole()
    }

    /// True for --show and --check: compute findings, build no output.
    pub fn inspecting(&self) -> bool {
        self.purpose == Purpose::Inspect
    }

    /// Runs `f` one level of embedding deeper; refused past [`MAX_NESTING`].
    pub fn nested<T>(&mut self, f: impl FnOnce(&mut Ctx) -> Result<T, Error>) -> Result<T, Error> {
        if self.depth >= MAX_NESTING {
            return Err(Error::data(format!(
                "files embedded more than {MAX_NESTING} deep"
            )));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_bounded_and_unwinds() {
        let opts = Options::default();
        static NONE: Registry = Registry {
            detect: |_| Err(Error::data("no formats")),
            looks_like: |_| "data",
        };
        let mut cx = Ctx::new(opts, Purpose::Plan, &NONE);
        fn dive(cx: &mut Ctx, n: usize) -> Result<usize, Error> {
            cx.nested(|cx| if n == 0 { Ok(cx.depth) } else { dive(cx, n - 1) })
        }
        assert_eq!(dive(&mut cx, 3).unwrap(), 4);
        assert!(dive(&mut cx, 4).is_err());
        assert_eq!(cx.depth, 0);
    }
}
