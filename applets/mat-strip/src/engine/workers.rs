//! The run's worker threads (-j N) that have no file left to work on. A document being
//! inspected borrows them to read its members side by side: a lone large document uses every
//! core, and -j N still never means more than N threads at work (a worker is lent only while
//! it would otherwise sit idle, and comes back when the document is done).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Debug)]
pub struct Idle {
    count: AtomicUsize,
}

/// Workers borrowed from [`Idle`], given back when dropped.
#[derive(Debug)]
pub struct Lease {
    idle: Arc<Idle>,
    count: usize,
}

impl Idle {
    /// `count` workers with nothing to do (-j N over fewer than N files: the difference).
    pub fn new(count: usize) -> Arc<Idle> {
        Arc::new(Idle {
            count: AtomicUsize::new(count),
        })
    }

    /// A worker of the run has no file left: it can be lent.
    pub fn add(&self, count: usize) {
        self.count.fetch_add(count, Ordering::AcqRel);
    }

    /// Up to `want` idle workers (maybe none), never waiting.
    pub fn borrow(self: &Arc<Idle>, want: usize) -> Lease {
        let taken = self
            .count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| Some(n - n.min(want)))
            .map_or(0, |n| n.min(want));
        Lease {
            idle: Arc::clone(self),
            count: taken,
        }
    }
}

impl Lease {
    pub fn count(&self) -> usize {
        self.count
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.idle.add(self.count);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lent_at_most_what_is_idle_and_given_back() {
        let idle = Idle::new(1);
        let a = idle.borrow(3);
        assert_eq!(a.count(), 1);
        assert_eq!(idle.borrow(1).count(), 0);
        drop(a);
        idle.add(1);
        assert_eq!(idle.borrow(5).count(), 2);
    }
}
