//! # jigap-core
//!
//! The wallet core behind the jigap Kotlin, Swift and JavaScript packages: keys (BIP39, BIP32,
//! Ethereum addresses, ECDSA, EIP-191, EIP-712, `did:key`, Web3 keystores), an encrypted vault
//! on a pluggable [`store::Store`], and the citizen-facing features built on them.
//!
//! The crate is sans-IO: it never opens a socket, never spawns a thread or runtime, and takes
//! time and randomness from an injected [`env::Env`], so every test can fix both.
//!
//! ```
//! use jigap_core::{env::Env, keys::{Mnemonic, Language}, store::MemoryStore, wallet::{Wallet, WalletOptions}};
//! use std::sync::Arc;
//!
//! let env = Env::system();
//! let store = Arc::new(MemoryStore::new());
//! let (wallet, mnemonic) = Wallet::create(store.clone(), env.clone(), b"123456",
//!     WalletOptions::fast_for_tests()).unwrap();
//! let account = wallet.account(0).unwrap();
//! let sig = wallet.sign_message(&account.address, b"hello").unwrap();
//! assert_eq!(jigap_core::keys::recover_personal_message(b"hello", &sig).unwrap(), account.address);
//! # let _ = mnemonic;
//! ```

#[macro_use]
mod cbor;

pub mod bind;

#[cfg(feature = "credentials")]
pub mod credential;
pub mod env;
pub mod error;
pub mod evm;
pub mod keys;
pub mod qr;
pub mod store;
#[cfg(feature = "tickets")]
pub mod ticket;
pub mod vault;
pub mod voucher;
pub mod wallet;

mod util;

pub use env::{Clock, Env, Random};

/// The optional parts this build carries, so an app (and the shared binding tests) can tell a
/// full package from a smaller one: `tickets`, `credentials`, `data-integrity`, `all-languages`.
/// Keys, the vault, the stores and vouchers are always in.
///
/// ```
/// assert!(jigap_core::features().contains(&"tickets"));
/// ```
pub fn features() -> Vec<&'static str> {
    [
        (cfg!(feature = "tickets"), "tickets"),
        (cfg!(feature = "credentials"), "credentials"),
        (cfg!(feature = "data-integrity"), "data-integrity"),
        (cfg!(feature = "all-languages"), "all-languages"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

// The core's records in Kotlin and Swift: UniFFI's scaffolding of this crate (namespace
// `jigap_core`), used by the `jigap-ffi` cdylib.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("jigap_core");
