//! Ethereum transactions, contracts and nodes, sans-IO.
//!
//! - [`Transaction`]: legacy (EIP-155), EIP-2930 and EIP-1559 transactions, RLP-encoded
//!   ([`rlp`]), signed with an account key, hashed, and decoded back from raw bytes with their
//!   sender ([`decode_raw`]).
//! - [`abi`]: the contract ABI (selectors, static and dynamic types, tuples, arrays), and the
//!   ERC-20 and ERC-721 calls and events ([`erc`]).
//! - [`explain`]: clear signing — what a transaction does, in Korean and English, from its
//!   calldata and what the app knows about tokens; risky ones flagged.
//! - [`rpc`]: JSON-RPC request bodies and the replies parsed into typed results and errors, fee
//!   suggestions from `eth_feeHistory`.
//! - [`EvmWallet`]: a wallet on one chain — signs, keeps the transactions it sent (in the
//!   vault) so nonces stay right with several in flight, and replaces one to speed it up or
//!   cancel it. [`SendFlow`] drives a send through any transport the host has.
//!
//! The core never opens a socket: it builds request bodies and reads replies. The host sends them
//! (the CLI with a blocking HTTP client, the npm package with `fetch`, apps with their own stack
//! or a [`JsonRpcTransport`]).
//!
//! ```
//! use jigap_core::evm::{Transaction, U256, decode_raw};
//! use jigap_core::keys::PrivateKey;
//! let key = PrivateKey::from_slice(&[0x46; 32]).unwrap();
//! let tx = Transaction::from_json(r#"{"type":0,"chainId":1,"nonce":9,"gasPrice":"20000000000",
//!   "gas":21000,"to":"0x3535353535353535353535353535353535353535",
//!   "value":"1000000000000000000"}"#).unwrap();
//! let signed = tx.sign_with(&key).unwrap();
//! // EIP-155's own example.
//! assert_eq!(signed.hash.to_string(),
//!   "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788");
//! let back = decode_raw(&signed.raw.0, Some(1)).unwrap();
//! assert_eq!(back.from, key.address());
//! assert_eq!(back.tx.value, U256::from_u128(1_000_000_000_000_000_000));
//! ```

pub mod abi;
mod account;
pub mod erc;
pub mod explain;
pub mod rlp;
pub mod rpc;
mod tx;
mod types;

pub use abi::{AbiType, AbiValue};
pub use account::{
    EvmWallet, JsonRpcTransport, PendingTransaction, Proposal, SendFlow, SendIntent,
};
pub use explain::{Explanation, KnownToken, TokenStandard};
pub use rpc::{FeeSuggestion, Fees, Receipt, RpcError};
pub use tx::{AccessListItem, SignedTransaction, Transaction, decode_raw};
pub use types::{HexData, U256};

use crate::keys::KeysError;
use crate::vault::VaultError;
use crate::wallet::WalletError;

/// What can go wrong building, signing, sending or reading a transaction. Each message says what
/// was wrong and what to do.
#[derive(Debug, thiserror::Error)]
pub enum EvmError {
    /// A key or address problem.
    #[error(transparent)]
    Keys(#[from] KeysError),
    /// The wallet refused (locked, unknown account, …).
    #[error(transparent)]
    Wallet(#[from] WalletError),
    /// The vault refused (locked, storage failure, …).
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// A transaction field is missing, malformed or out of range.
    #[error("invalid transaction: {0}")]
    InvalidTransaction(String),
    /// Chain id 0 is no chain: EIP-155 replay protection needs a real one.
    #[error(
        "chain id 0 is not a chain: set the chain id of the network (1 for Ethereum, 31337 for anvil, your ledger's id for a permissioned chain)"
    )]
    ZeroChainId,
    /// A signed transaction (or the node) belongs to another chain than the configured one.
    #[error(
        "this transaction is for chain {got}, but the wallet is set to chain {expected}: it would be refused or replayed on the wrong network — sign it again for chain {expected}"
    )]
    WrongChain {
        /// The configured chain.
        expected: u64,
        /// The chain of the transaction or node.
        got: u64,
    },
    /// Raw bytes that are not a signed transaction.
    #[error("not a signed Ethereum transaction: {0}")]
    Malformed(String),
    /// Calldata or return data that does not fit the ABI types.
    #[error("ABI: {0}")]
    Abi(String),
    /// A node reply that is not what JSON-RPC promises.
    #[error(
        "the node's reply could not be read ({0}); check the RPC URL points at an Ethereum JSON-RPC endpoint"
    )]
    BadReply(String),
    /// The transport (HTTP) failed.
    #[error(
        "the node could not be reached: {0}; check the RPC URL and the network, then try again"
    )]
    Transport(String),
    /// A typed error the node returned.
    #[error(transparent)]
    Rpc(#[from] RpcError),
    /// The app declined the transaction after reading its explanation.
    #[error("the transaction was not approved, so nothing was signed or sent")]
    NotApproved,
    /// A step of a send flow was called out of order.
    #[error("{0}")]
    FlowState(&'static str),
    /// No pending transaction with this hash.
    #[error(
        "no pending transaction {0} in this wallet: it was mined already, or sent from elsewhere"
    )]
    UnknownPending(String),
}

impl From<crate::bind::Bytes32Error> for EvmError {
    fn from(e: crate::bind::Bytes32Error) -> EvmError {
        EvmError::InvalidTransaction(e.to_string())
    }
}
