//! What a cleaner is told and what it tells back while it works on one file: the options, whether
//! the run only inspects (--show, --check: nothing may be deflated, serialised or written), how
//! deep in embedded files it is, the policy for unknown members, and notes for the user. Passed
//! down explicitly (no thread-locals), so a nested document sees the same run.

use privkit_core::Error;

use crate::formats::Options;

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
}

impl Ctx {
    pub fn new(opts: Options, purpose: Purpose) -> Ctx {
        Ctx {
            opts,
            purpose,
            depth: 0,
            notes: Vec::new(),
        }
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
        let opts = Options {
            keep_orientation: true,
            strip_icc: false,
            remove_annotations: false,
            unknown: Default::default(),
        };
        let mut cx = Ctx::new(opts, Purpose::Plan);
        fn dive(cx: &mut Ctx, n: usize) -> Result<usize, Error> {
            cx.nested(|cx| if n == 0 { Ok(cx.depth) } else { dive(cx, n - 1) })
        }
        assert_eq!(dive(&mut cx, 3).unwrap(), 4);
        assert!(dive(&mut cx, 4).is_err());
        assert_eq!(cx.depth, 0);
    }
}
