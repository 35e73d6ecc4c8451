//! Time and randomness, injected.
//!
//! The core never reads the clock or the OS random source by itself: every object that needs
//! them takes an [`Env`]. Apps use [`Env::system`]; tests use [`Env::fixed`] with a
//! [`ManualClock`] and a [`SeededRandom`] so that runs repeat exactly.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use std::sync::Mutex;

/// A wall clock in Unix milliseconds.
pub trait Clock: Send + Sync {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_ms(&self) -> u64;
    /// Seconds since the Unix epoch.
    fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }
}

/// A source of cryptographically secure random bytes.
pub trait Random: Send + Sync {
    /// Fill `dest` with random bytes.
    fn fill(&self, dest: &mut [u8]) -> Result<(), RandomError>;
}

/// The random source failed (the OS refused to provide entropy).
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the random number source failed: {0}; retry, and if it keeps failing the device cannot create keys safely"
)]
pub struct RandomError(pub String);

/// Time and randomness for one wallet.
///
/// ```
/// use jigap_core::env::{Env, ManualClock};
/// let clock = ManualClock::new(1_700_000_000_000);
/// let env = Env::fixed(clock.clone(), 7);
/// assert_eq!(env.clock.now_ms(), 1_700_000_000_000);
/// clock.advance_ms(1_000);
/// assert_eq!(env.clock.now_secs(), 1_700_000_001);
/// ```
#[derive(Clone)]
pub struct Env {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The random source.
    pub random: Arc<dyn Random>,
}

impl Env {
    /// System clock and OS randomness.
    pub fn system() -> Env {
        Env {
            clock: Arc::new(SystemClock),
            random: Arc::new(OsRandom),
        }
    }

    /// A manual clock and deterministic randomness seeded by `seed`, for tests.
    pub fn fixed(clock: Arc<ManualClock>, seed: u64) -> Env {
        Env {
            clock,
            random: Arc::new(SeededRandom::new(seed)),
        }
    }

    /// Build from any clock and random source.
    pub fn new(clock: Arc<dyn Clock>, random: Arc<dyn Random>) -> Env {
        Env { clock, random }
    }

    /// `N` random bytes.
    pub fn random_array<const N: usize>(&self) -> Result<[u8; N], RandomError> {
        let mut out = [0u8; N];
        self.random.fill(&mut out)?;
        Ok(out)
    }
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Env { .. }")
    }
}

/// The operating system's clock. On `wasm32-unknown-unknown` there is none: the web binding
/// supplies a clock backed by `Date.now()` instead.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        {
            0
        }
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0)
        }
    }
}

/// The operating system's random source (`getrandom`; `crypto.getRandomValues` in browsers).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), RandomError> {
        getrandom::fill(dest).map_err(|e| RandomError(e.to_string()))
    }
}

/// A clock that only moves when told to. For tests, demos and simulations.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock showing `now_ms`.
    pub fn new(now_ms: u64) -> Arc<ManualClock> {
        Arc::new(ManualClock(AtomicU64::new(now_ms)))
    }
    /// Set the time.
    pub fn set_ms(&self, now_ms: u64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }
    /// Move the time forward.
    pub fn advance_ms(&self, delta_ms: u64) {
        self.0.fetch_add(delta_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Deterministic random bytes (SHA-256 in counter mode over a seed). **Tests only**: the output
/// is predictable by design.
pub struct SeededRandom {
    state: Mutex<(u64, u64)>,
}

impl SeededRandom {
    /// A generator whose output depends only on `seed`.
    pub fn new(seed: u64) -> SeededRandom {
        SeededRandom {
            state: Mutex::new((seed, 0)),
        }
    }
}

impl Random for SeededRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), RandomError> {
        let mut st = self
            .state
            .lock()
            .map_err(|_| RandomError("seeded random poisoned".into()))?;
        for chunk in dest.chunks_mut(32) {
            let block = Sha256::new()
                .chain_update(st.0.to_le_bytes())
                .chain_update(st.1.to_le_bytes())
                .finalize();
            st.1 += 1;
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_random_repeats_and_differs_by_seed() {
        let (a, b, c) = (
            SeededRandom::new(1),
            SeededRandom::new(1),
            SeededRandom::new(2),
        );
        let mut x = [0u8; 40];
        let mut y = [0u8; 40];
        let mut z = [0u8; 40];
        a.fill(&mut x).unwrap();
        b.fill(&mut y).unwrap();
        c.fill(&mut z).unwrap();
        assert_eq!(x, y);
        assert_ne!(x, z);
        a.fill(&mut y).unwrap();
        assert_ne!(x, y, "successive calls give new bytes");
    }

    #[test]
    fn os_random_is_not_all_zero() {
        let mut x = [0u8; 32];
        OsRandom.fill(&mut x).unwrap();
        assert_ne!(x, [0u8; 32]);
    }
}
