//! Time for the objects that judge it (gates, verifiers): the system clock by default, or one
//! the app supplies (a trusted network time, or a fixed time in tests).

use std::sync::Arc;

use jigap_core::env;

use crate::ForeignError;

/// A clock an app can implement in Kotlin or Swift.
#[uniffi::export(with_foreign)]
pub trait Clock: Send + Sync {
    /// Milliseconds since 1970-01-01T00:00:00Z. If it throws, jigap reads the system clock for
    /// that call instead (a gate must keep working; a throwing clock must not take it down).
    fn now_ms(&self) -> Result<u64, ForeignError>;
}

/// Adapts an app's clock to the core's.
struct ForeignClock(Arc<dyn Clock>);

impl env::Clock for ForeignClock {
    fn now_ms(&self) -> u64 {
        self.0
            .now_ms()
            .unwrap_or_else(|_| env::SystemClock.now_ms())
    }
}

/// The app's clock if it gave one, else the system clock.
pub(crate) fn core_clock(clock: Option<Arc<dyn Clock>>) -> Arc<dyn env::Clock> {
    match clock {
        Some(c) => Arc::new(ForeignClock(c)),
        None => Arc::new(env::SystemClock),
    }
}
