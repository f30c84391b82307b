//! Where the workers of a batch leave their reports for the thread that prints them.
//!
//! A channel wakes the printing thread for every file. In a batch of small files that is a
//! futex wake-up, two context switches and a stolen core per file (2,000 MP3s: 4,000 context
//! switches, a quarter of the run's CPU time beside copying the files). Here the printer is
//! woken at most once per [`PAUSE`] while reports keep coming, and takes them all at once; a
//! report that arrives after a quiet spell still wakes it at once, and the end of the batch
//! never waits for the pause. Nobody reads output faster than that: a line shows up at most
//! 10 ms later than it could have.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The shortest time between two wake-ups of the printer while reports keep arriving.
pub const PAUSE: Duration = Duration::from_millis(10);

pub struct Mailbox<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

struct State<T> {
    items: Vec<(usize, T)>,
    /// Workers that have not said they are done.
    senders: usize,
    /// The printer sleeps with nothing to print: the next report wakes it.
    waiting: bool,
    /// The printer gave up (its output is gone): the workers stop.
    closed: bool,
}

impl<T> Mailbox<T> {
    /// A mailbox for `senders` workers, each of which calls [`Mailbox::done`] once at the end.
    pub fn new(senders: usize) -> Mailbox<T> {
        Mailbox {
            state: Mutex::new(State {
                items: Vec::new(),
                senders,
                waiting: false,
                closed: false,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A worker's job runs under catch_unwind, so nothing panics while holding the lock;
        // if it ever did, the queue itself is still consistent (a push is one operation).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Leaves report number `index` (its place in the input order); false once the printer
    /// has closed the mailbox (the worker should stop).
    pub fn post(&self, index: usize, item: T) -> bool {
        let mut state = self.lock();
        if state.closed {
            return false;
        }
        state.items.push((index, item));
        if state.waiting {
            state.waiting = false;
            self.changed.notify_one();
        }
        true
    }

    /// The printer takes no more reports: every later [`Mailbox::post`] says so.
    pub fn close(&self) {
        self.lock().closed = true;
    }

    /// A worker has no more reports.
    pub fn done(&self) {
        let mut state = self.lock();
        state.senders = state.senders.saturating_sub(1);
        self.changed.notify_one();
    }

    /// The reports that arrived since the last call (in arrival order), waiting until there
    /// is at least one but returning no sooner than [`PAUSE`] after `last` (the time of the
    /// previous return, updated) unless every worker is done. None when every worker is done
    /// and everything was taken.
    pub fn take(&self, last: &mut Instant) -> Option<Vec<(usize, T)>> {
        let mut state = self.lock();
        loop {
            let finished = state.senders == 0;
            let since = last.elapsed();
            if finished && state.items.is_empty() {
                return None;
            }
            if !state.items.is_empty() && (finished || since >= PAUSE) {
                *last = Instant::now();
                return Some(std::mem::take(&mut state.items));
            }
            if since < PAUSE {
                // Within the pause only the end of the batch wakes the printer (`done`).
                state = self
                    .changed
                    .wait_timeout(state, PAUSE - since)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            } else {
                state.waiting = true;
                state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
                state.waiting = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_report_arrives_once_and_the_end_is_seen() {
        let mailbox = Mailbox::new(3);
        let next = AtomicUsize::new(0);
        let mut got = Vec::new();
        let mut takes = 0;
        std::thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= 5000 {
                            break;
                        }
                        assert!(mailbox.post(i, i * 2));
                    }
                    mailbox.done();
                });
            }
            let mut last = Instant::now() - PAUSE;
            while let Some(batch) = mailbox.take(&mut last) {
                takes += 1;
                got.extend(batch);
            }
        });
        got.sort();
        assert_eq!(got, (0..5000).map(|i| (i, i * 2)).collect::<Vec<_>>());
        // Far fewer wake-ups than reports (one per file with a channel).
        assert!(takes < 5000, "{takes} takes for 5000 reports");
    }

    #[test]
    fn a_report_after_a_quiet_spell_is_taken_at_once() {
        let mailbox = Mailbox::new(1);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(PAUSE * 3);
                assert!(mailbox.post(0, "late"));
                std::thread::sleep(Duration::from_secs(5));
                mailbox.done();
            });
            let mut last = Instant::now();
            let start = Instant::now();
            assert_eq!(mailbox.take(&mut last), Some(vec![(0, "late")]));
            // Not held back until the worker finishes 5 s later.
            assert!(start.elapsed() < Duration::from_secs(4));
            assert_eq!(mailbox.take(&mut last), None);
        });
    }

    #[test]
    fn closing_stops_the_workers() {
        let mailbox = Mailbox::new(1);
        assert!(mailbox.post(0, ()));
        mailbox.close();
        assert!(!mailbox.post(1, ()));
    }

    #[test]
    fn the_end_of_the_batch_does_not_wait_for_the_pause() {
        let mailbox = Mailbox::new(1);
        assert!(mailbox.post(0, 'a'));
        mailbox.done();
        let mut last = Instant::now();
        assert_eq!(mailbox.take(&mut last), Some(vec![(0, 'a')]));
        assert_eq!(mailbox.take(&mut last), None);
    }
}
