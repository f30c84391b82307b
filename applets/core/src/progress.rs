//! A one-line progress counter on stderr, only when stderr is a terminal (and NO_COLOR is not
//! set) and only for batches long enough to need one.

use std::io::Write;

pub struct Progress {
    total: usize,
    enabled: bool,
    shown: bool,
}

impl Progress {
    /// A counter for `total` items; shown when stderr is interactive and `total >= min`.
    pub fn new(total: usize, min: usize) -> Progress {
        Progress {
            total,
            enabled: total >= min && crate::output::stderr_is_interactive(),
            shown: false,
        }
    }

    pub fn set(&mut self, done: usize, label: &str) {
        if !self.enabled {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K[{done}/{}] {}", self.total, crate::escape(label));
        let _ = err.flush();
        self.shown = true;
    }

    /// Erases the line (before printing a result, and at the end).
    pub fn clear(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
            self.shown = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}
