//! UniFFI bindings of `jigap-core` for Kotlin and Swift.
//!
//! This crate only converts: types in, types out, errors mapped. Every rule lives in the core.
//! Objects (`Wallet`, `JigapStore`) are `Send + Sync` and safe to call from several threads.
//! One error type, [`JigapError`], reaches apps, carrying the core's message unchanged; apps
//! implementing [`Store`] or [`KeyProtector`] report failures with [`ForeignError`].

mod clock;
mod credential;
mod error;
mod keys;
mod store;
mod ticket;
mod voucher;
mod wallet;

pub use clock::Clock;
pub use credential::*;
pub use error::{ForeignError, JigapError};
pub use keys::*;
pub use store::{JigapStore, KeyProtector, Store, StoreEntry, StoreOp};
pub use ticket::*;
pub use voucher::*;
pub use wallet::*;

uniffi::setup_scaffolding!();
