//! Limits on the key derivation a database asks for, checked before deriving: at most
//! `--max-kdf-seconds` of work estimated from its parameters on this machine, and Argon2 memory
//! of at most half the available RAM. A database received from elsewhere can otherwise ask for
//! 2^40 AES rounds (days) or 4 GiB of memory.

use privkit_core::Error;

use crate::header::Kdf;

pub const DEFAULT_MAX_SECONDS: u64 = 10;

pub fn check(kdf: &Kdf, max_seconds: u64) -> Result<(), Error> {
    let too_slow = |what: String, seconds: f64| {
        Error::data(format!(
            "{what}: key derivation would take about {} s here, over the limit of {max_seconds} s \
             (raise it with --max-kdf-seconds if you trust this database)",
            format_seconds(seconds)
        ))
    };
    match *kdf {
        Kdf::Aes { rounds } => {
            let seconds = rounds as f64 / aes_rounds_per_second(rounds);
            if seconds > max_seconds as f64 {
                return Err(too_slow(format!("AES-KDF rounds {rounds}"), seconds));
            }
        }
        Kdf::Argon2 {
            memory,
            iterations,
            parallelism,
        } => {
            let kib = memory / 1024;
            if kib > u64::from(u32::MAX) || iterations > u64::from(u32::MAX) {
                return Err(Error::data(format!(
                    "Argon2 memory {memory} bytes or iterations {iterations} out of range"
                )));
            }
            if kib < 8 * u64::from(parallelism) {
                return Err(Error::data(format!(
                    "Argon2 memory {memory} bytes is below 8 KiB per lane ({parallelism} lanes)"
                )));
            }
            let available = available_memory();
            if memory > available / 2 {
                return Err(Error::data(format!(
                    "Argon2 memory {} MiB is more than half the available memory ({} MiB)",
                    memory >> 20,
                    available >> 20
                )));
            }
            let lanes = cores().clamp(1, u64::from(parallelism));
            let work = kib as f64 * iterations as f64;
            let seconds = work / (argon2_kib_per_second(work) * lanes as f64);
            if seconds > max_seconds as f64 {
                return Err(too_slow(
                    format!("Argon2 iterations {iterations} with {} MiB", memory >> 20),
                    seconds,
                ));
            }
        }
    }
    Ok(())
}

/// Cores this process may use: the derivation's threads run at once on up to this many.
fn cores() -> u64 {
    std::thread::available_parallelism()
        .map(|n| n.get() as u64)
        .unwrap_or(1)
}

fn format_seconds(s: f64) -> String {
    if s >= 1e6 {
        format!("{s:.1e}")
    } else {
        format!("{s:.0}")
    }
}

/// Below this many rounds no estimate is needed: the work is a small fraction of a second.
const AES_TRIAL: u64 = 100_000;

/// This thread's CPU time in seconds: the trials measure work, which other processes on a busy
/// machine do not change (wall time would make a normal database look too slow).
fn cpu_seconds() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// AES-KDF rounds (both 16-byte halves) per second on this machine, timed on a few
/// milliseconds of the patched keepass crate's own code (the best of two trials). It transforms
/// both halves on one thread, interleaved: the wall time is the CPU time, however many cores.
fn aes_rounds_per_second(rounds: u64) -> f64 {
    use aes::cipher::{generic_array::GenericArray, KeyInit};
    if rounds <= AES_TRIAL {
        return f64::INFINITY;
    }
    let cipher = aes::Aes256::new(&GenericArray::from([7u8; 32]));
    let mut best = f64::MAX;
    for _ in 0..2 {
        let mut blocks = [GenericArray::from([1u8; 16]), GenericArray::from([2u8; 16])];
        let start = cpu_seconds();
        keepass::aes_kdf_rounds(&cipher, &mut blocks, AES_TRIAL);
        std::hint::black_box(&blocks);
        best = best.min(cpu_seconds() - start);
    }
    AES_TRIAL as f64 / best.max(1e-9)
}

/// Argon2 work (KiB × iterations) below which no estimate is needed.
const ARGON2_TRIAL_KIB: u32 = 4096;

/// Argon2 throughput of one lane on this machine in KiB·iterations per second.
fn argon2_kib_per_second(work: f64) -> f64 {
    if work <= f64::from(ARGON2_TRIAL_KIB) * 4.0 {
        return f64::INFINITY;
    }
    let config = argon2::Config {
        mem_cost: ARGON2_TRIAL_KIB,
        time_cost: 1,
        lanes: 1,
        variant: argon2::Variant::Argon2d,
        ..argon2::Config::default()
    };
    let mut best = f64::MAX;
    for _ in 0..2 {
        let start = cpu_seconds();
        if argon2::hash_raw(b"password", b"saltsaltsaltsalt", &config).is_err() {
            return f64::INFINITY;
        }
        best = best.min(cpu_seconds() - start);
    }
    f64::from(ARGON2_TRIAL_KIB) / best.max(1e-9)
}

/// MemAvailable from /proc/meminfo (MemTotal if absent); 2 GiB if neither can be read.
fn available_memory() -> u64 {
    let info = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
    };
    field("MemAvailable:")
        .or_else(|| field("MemTotal:"))
        .unwrap_or(2 << 30)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_parameters_are_refused_without_deriving() {
        let e = check(&Kdf::Aes { rounds: 1 << 40 }, 10).unwrap_err();
        assert!(e.message().contains("AES-KDF rounds 1099511627776"), "{e:?}");
        assert!(check(&Kdf::Aes { rounds: 60_000 }, 10).is_ok());
        let e = check(
            &Kdf::Argon2 {
                memory: 1 << 50,
                iterations: 2,
                parallelism: 2,
            },
            10,
        )
        .unwrap_err();
        assert!(e.message().contains("Argon2 memory"), "{e:?}");
        let e = check(
            &Kdf::Argon2 {
                memory: 64 << 20,
                iterations: 1 << 31,
                parallelism: 2,
            },
            10,
        )
        .unwrap_err();
        assert!(e.message().contains("Argon2 iterations"), "{e:?}");
        assert!(check(
            &Kdf::Argon2 {
                memory: 1 << 20,
                iterations: 2,
                parallelism: 2
            },
            10
        )
        .is_ok());
    }
}
