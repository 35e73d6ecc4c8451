//! UniFFI bindings of `jigap-core` for Kotlin and Swift.
//!
//! This crate only converts: types in, types out, errors mapped. Every rule lives in the core.
//! Objects (`Wallet`, `JigapStore`) are `Send + Sync` and safe to call from several threads.
//! One error type, [`JigapError`], reaches apps, carrying the core's message unchanged; apps
//! implementing [`Store`] or [`KeyProtector`] report failures with [`ForeignError`].

// The app's clock, for the gate, the ticket issuer and the credential checks.
#[cfg(any(feature = "tickets", feature = "credentials"))]
mod clock;
#[cfg(feature = "credentials")]
mod credential;
mod error;
mod evm;
mod keys;
mod store;
#[cfg(feature = "tickets")]
mod ticket;
mod voucher;
mod wallet;

#[cfg(any(feature = "tickets", feature = "credentials"))]
pub use clock::Clock;
#[cfg(feature = "credentials")]
pub use credential::*;
pub use error::{ForeignError, JigapError};
pub use evm::*;
pub use keys::*;
pub use store::{JigapStore, KeyProtector, Store, StoreEntry, StoreOp};
#[cfg(feature = "tickets")]
pub use ticket::*;
pub use voucher::*;
pub use wallet::*;

uniffi::setup_scaffolding!();
