//! One memory budget for the whole run, shared by every worker (--max-memory). What a job holds
//! whole in memory is charged before it is read or inflated: a file read whole, the parts of a
//! document once inflated, standard input. A job that does not fit next to the others waits for
//! them; what could never fit (more than the whole budget) is refused with 65, so that N workers
//! on N zip bombs cannot take N times the memory.

use std::sync::{Arc, Condvar, Mutex};

use privkit_core::Error;

/// The default --max-memory: room for the largest document mat-strip accepts (1 GiB inflated)
/// and the file itself.
pub const DEFAULT_MAX_MEMORY: u64 = 1536 * 1024 * 1024;

#[derive(Debug)]
pub struct Budget {
    limit: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// Bytes taken from the budget, given back when dropped.
#[derive(Debug)]
pub struct Charge {
    budget: Arc<Budget>,
    bytes: u64,
}

impl Budget {
    pub fn new(limit: u64) -> Arc<Budget> {
        Arc::new(Budget {
            limit,
            used: Mutex::new(0),
            freed: Condvar::new(),
        })
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    fn too_large(&self, bytes: u64) -> Error {
        Error::data(format!(
            "too large for the memory budget (needs {} MiB of {} MiB; see --max-memory)",
            bytes.div_ceil(1 << 20),
            self.limit >> 20
        ))
    }

    /// Takes `bytes`, waiting for other jobs to give back theirs; refuses what is more than the
    /// whole budget. Only for a job that holds nothing (else two could wait for each other).
    pub fn wait_for(self: &Arc<Budget>, bytes: u64) -> Result<Charge, Error> {
        if bytes > self.limit {
            return Err(self.too_large(bytes));
        }
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used + bytes > self.limit {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += bytes;
        Ok(Charge {
            budget: Arc::clone(self),
            bytes,
        })
    }

    /// Takes `bytes` if they fit now; refuses them otherwise (a job that already holds a charge
    /// must not wait).
    pub fn try_take(self: &Arc<Budget>, bytes: u64) -> Result<Charge, Error> {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if *used + bytes > self.limit {
            return Err(self.too_large(*used + bytes));
        }
        *used += bytes;
        Ok(Charge {
            budget: Arc::clone(self),
            bytes,
        })
    }
}

impl Charge {
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Holds `other`'s bytes too (one charge given back when this one is), without taking
    /// anything more from the budget.
    pub fn absorb(&mut self, mut other: Charge) {
        debug_assert!(Arc::ptr_eq(&self.budget, &other.budget));
        self.bytes += std::mem::take(&mut other.bytes);
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used = used.saturating_sub(self.bytes);
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_are_given_back_and_waiters_proceed() {
        let budget = Budget::new(100);
        assert!(budget.wait_for(101).is_err());
        let a = budget.wait_for(60).unwrap();
        assert!(budget.try_take(50).is_err());
        let waiter = {
            let budget = Arc::clone(&budget);
            std::thread::spawn(move || budget.wait_for(50).map(|c| c.bytes()))
        };
        drop(a);
        assert_eq!(waiter.join().unwrap().unwrap(), 50);
        assert_eq!(*budget.used.lock().unwrap(), 0);
    }
}
