//! Ethereum for Kotlin and Swift: `EvmWallet` and `SendFlow` over the core's, the ABI and token
//! helpers, and `JsonRpcTransport`, the one method an app implements with its own HTTP stack
//! (OkHttp, URLSession). Apps that prefer to send the bodies themselves use `SendFlow`'s
//! `nextRequest` / `onReply` and the `evm*Request` / `evmParse*` functions.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jigap_core::bind::Bytes32;
use jigap_core::evm::erc::TokenEvent;
use jigap_core::evm::rpc::Log;
use jigap_core::evm::{
    self as e, EvmError, Explanation, HexData, KnownToken, PendingTransaction, Proposal, Receipt,
    SendIntent, SignedTransaction, TokenStandard, Transaction, U256, abi, erc, rpc,
};
use jigap_core::keys::Address;

use crate::error::{ForeignError, JigapError};
use crate::wallet::Wallet;

/// POSTs a JSON-RPC body to the node and returns the reply body. Implement it with the app's
/// HTTP client; throw `ForeignError.Failed` when the node cannot be reached (the core reports
/// `JigapException.Network`).
#[uniffi::export(foreign)]
pub trait JsonRpcTransport: Send + Sync {
    /// The reply body for `body` (`Content-Type: application/json`).
    fn call(&self, body: String) -> Result<String, ForeignError>;
}

pub(crate) struct Foreign<'a>(pub(crate) &'a dyn JsonRpcTransport);

impl e::JsonRpcTransport for Foreign<'_> {
    fn call(&self, body: &str) -> Result<String, EvmError> {
        self.0
            .call(body.to_string())
            .map_err(|f| EvmError::Transport(f.to_string()))
    }
}

/// A wallet on one EVM chain: signs, explains, keeps its pending transactions, sends.
#[derive(uniffi::Object)]
pub struct EvmWallet {
    inner: e::EvmWallet,
}

#[uniffi::export]
impl EvmWallet {
    /// `wallet` on chain `chain_id` (never 0), whose currency is `native_symbol`.
    #[uniffi::constructor(default(native_symbol = "ETH"))]
    pub fn new(
        wallet: Arc<Wallet>,
        chain_id: u64,
        native_symbol: String,
    ) -> Result<Arc<EvmWallet>, JigapError> {
        Ok(Arc::new(EvmWallet {
            inner: e::EvmWallet::new(wallet.inner.clone(), chain_id, &native_symbol)?,
        }))
    }

    /// The configured chain.
    pub fn chain_id(&self) -> u64 {
        self.inner.chain_id()
    }

    /// Tokens whose symbols and decimals explanations use.
    pub fn set_known_tokens(&self, tokens: Vec<KnownToken>) {
        self.inner.set_known_tokens(tokens)
    }

    /// The known tokens.
    pub fn known_tokens(&self) -> Vec<KnownToken> {
        self.inner.known_tokens()
    }

    /// What `tx` does, in Korean and English.
    pub fn explain(&self, tx: Transaction) -> Explanation {
        self.inner.explain(&tx)
    }

    /// Sign `tx` as `from`; refused for another chain.
    pub fn sign(&self, from: Address, tx: Transaction) -> Result<SignedTransaction, JigapError> {
        Ok(self.inner.sign(&from, &tx)?)
    }

    /// Decode a raw signed transaction of this chain.
    pub fn decode(&self, raw: HexData) -> Result<SignedTransaction, JigapError> {
        Ok(self.inner.decode(&raw.0)?)
    }

    /// Transactions sent without a receipt yet (of `from`, or of every account).
    #[uniffi::method(default(from = None))]
    pub fn pending(&self, from: Option<Address>) -> Result<Vec<PendingTransaction>, JigapError> {
        Ok(self.inner.pending(from.as_ref())?)
    }

    /// Remember a transaction the app sent with its own code.
    #[uniffi::method(default(replaces = None))]
    pub fn record_sent(
        &self,
        transaction: SignedTransaction,
        replaces: Option<Bytes32>,
    ) -> Result<(), JigapError> {
        // (`transaction`, not `signed`: that is a C keyword in the Swift header.)
        Ok(self.inner.record_sent(&transaction, replaces)?)
    }

    /// The `eth_getTransactionReceipt` body for `hash`.
    pub fn receipt_request(&self, hash: Bytes32) -> String {
        self.inner.receipt_request(&hash)
    }

    /// Read a receipt reply (`null`: not mined yet); a mined one leaves the pending list.
    pub fn on_receipt(&self, reply: String) -> Result<Option<Receipt>, JigapError> {
        Ok(self.inner.on_receipt(&reply)?)
    }

    /// Ask `transport` for the receipt of `hash` every `poll_ms` until it is mined or
    /// `timeout_ms` passes (`null`). Blocks the calling thread: call it off the main thread.
    #[uniffi::method(default(poll_ms = 500, timeout_ms = 120000))]
    pub fn wait_for_receipt(
        &self,
        transport: Arc<dyn JsonRpcTransport>,
        hash: Bytes32,
        poll_ms: u64,
        timeout_ms: u64,
    ) -> Result<Option<Receipt>, JigapError> {
        let start = Instant::now();
        loop {
            let reply = e::JsonRpcTransport::call(
                &Foreign(transport.as_ref()),
                &self.inner.receipt_request(&hash),
            )?;
            if let Some(r) = self.inner.on_receipt(&reply)? {
                return Ok(Some(r));
            }
            if start.elapsed() >= Duration::from_millis(timeout_ms) {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(poll_ms.max(10)));
        }
    }

    /// A send: `prepare` (the node fills it in), show the proposal, then `send`.
    pub fn send_flow(&self, intent: SendIntent) -> Arc<SendFlow> {
        SendFlow::wrap(self.inner.send_flow(intent))
    }

    /// Replace pending `hash` at a higher fee.
    pub fn speed_up_flow(&self, hash: Bytes32) -> Result<Arc<SendFlow>, JigapError> {
        Ok(SendFlow::wrap(self.inner.speed_up_flow(&hash)?))
    }

    /// Replace pending `hash` with a 0-value transfer to the sender.
    pub fn cancel_flow(&self, hash: Bytes32) -> Result<Arc<SendFlow>, JigapError> {
        Ok(SendFlow::wrap(self.inner.cancel_flow(&hash)?))
    }
}

/// One send, step by step. With a transport: `prepare(t)` → read `explanation` → `send(t)`.
/// Without: POST `nextRequest()` and pass each reply to `onReply`, until `proposal()`; then
/// `approve()` and the same again until `signed()`.
#[derive(uniffi::Object)]
pub struct SendFlow {
    inner: Mutex<e::SendFlow>,
}

impl SendFlow {
    fn wrap(f: e::SendFlow) -> Arc<SendFlow> {
        Arc::new(SendFlow {
            inner: Mutex::new(f),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut e::SendFlow) -> Result<T, EvmError>,
    ) -> Result<T, JigapError> {
        let mut g = self
            .inner
            .lock()
            .map_err(|_| JigapError::Internal("a send flow was left broken by a panic".into()))?;
        Ok(f(&mut g)?)
    }
}

#[uniffi::export]
impl SendFlow {
    /// The body to POST now, or `null` (waiting for approval, or done).
    pub fn next_request(&self) -> Result<Option<String>, JigapError> {
        self.with(|f| Ok(f.next_request()))
    }

    /// The reply to the last request.
    pub fn on_reply(&self, reply: String) -> Result<(), JigapError> {
        self.with(|f| f.on_reply(&reply))
    }

    /// The filled-in transaction and its explanation, once the node's replies are in.
    pub fn proposal(&self) -> Result<Option<Proposal>, JigapError> {
        self.with(|f| Ok(f.proposal()))
    }

    /// Sign the proposal (the next request sends it).
    pub fn approve(&self) -> Result<(), JigapError> {
        self.with(|f| f.approve())
    }

    /// The signed transaction, once the node has it.
    pub fn signed(&self) -> Result<Option<SignedTransaction>, JigapError> {
        self.with(|f| Ok(f.signed()))
    }

    /// Let the node fill in chain id, nonce, fees and gas; the proposal to show. Blocks on the
    /// transport: call it off the main thread.
    pub fn prepare(&self, transport: Arc<dyn JsonRpcTransport>) -> Result<Proposal, JigapError> {
        self.with(|f| {
            f.drive(&Foreign(transport.as_ref()))?;
            f.proposal().ok_or(EvmError::FlowState(
                "the node's replies left nothing to approve",
            ))
        })
    }

    /// The person approved: sign and send through `transport`.
    pub fn send(
        &self,
        transport: Arc<dyn JsonRpcTransport>,
    ) -> Result<SignedTransaction, JigapError> {
        self.with(|f| {
            f.approve()?;
            f.drive(&Foreign(transport.as_ref()))?;
            f.signed().ok_or(EvmError::FlowState(
                "the send flow ended without a transaction",
            ))
        })
    }
}

/// Decode any raw signed transaction (`expected_chain`: refuse another chain's).
#[uniffi::export(default(expected_chain = None))]
pub fn evm_decode_raw(
    raw: HexData,
    expected_chain: Option<u64>,
) -> Result<SignedTransaction, JigapError> {
    Ok(e::decode_raw(&raw.0, expected_chain)?)
}

/// Read `eth_sendTransaction`-style JSON (integers as numbers, decimal or 0x text).
#[uniffi::export]
pub fn evm_transaction_from_json(json: String) -> Result<Transaction, JigapError> {
    Ok(Transaction::from_json(&json)?)
}

/// The 4-byte selector of a function signature.
#[uniffi::export]
pub fn abi_selector(signature: String) -> HexData {
    HexData(abi::selector(&signature).to_vec())
}

/// ABI-encode JSON `values` (an array) as `types`.
#[uniffi::export]
pub fn abi_encode(types: Vec<String>, values_json: String) -> Result<HexData, JigapError> {
    Ok(HexData(abi::encode_json(&types, &values_json)?))
}

/// ABI-decode `data` as `types`: a JSON array.
#[uniffi::export]
pub fn abi_decode(types: Vec<String>, data: HexData) -> Result<String, JigapError> {
    Ok(abi::decode_json(&types, &data.0)?)
}

/// A call: selector of `signature` and the JSON `values` (an array) encoded.
#[uniffi::export]
pub fn abi_encode_call(signature: String, values_json: String) -> Result<HexData, JigapError> {
    Ok(HexData(abi::encode_call_json(&signature, &values_json)?))
}

/// ERC-20 `transfer(to, amount)` calldata.
#[uniffi::export]
pub fn erc20_transfer_data(to: Address, amount: U256) -> HexData {
    erc::erc20_transfer(&to, amount).into()
}

/// `approve(spender, amount or token id)` calldata.
#[uniffi::export]
pub fn erc20_approve_data(spender: Address, amount: U256) -> HexData {
    erc::erc20_approve(&spender, amount).into()
}

/// ERC-721 `safeTransferFrom(from, to, tokenId)` calldata.
#[uniffi::export]
pub fn erc721_safe_transfer_data(from: Address, to: Address, token_id: U256) -> HexData {
    erc::erc721_safe_transfer_from(&from, &to, token_id).into()
}

/// A token event in a log (`null` for any other log).
#[uniffi::export]
pub fn evm_decode_token_event(log: Log) -> Option<TokenEvent> {
    erc::decode_event(&log)
}

/// The balance of `owner` in wei, or in `token`'s smallest units.
#[uniffi::export(default(token = None))]
pub fn evm_balance(
    transport: Arc<dyn JsonRpcTransport>,
    owner: Address,
    token: Option<Address>,
) -> Result<U256, JigapError> {
    Ok(rpc::read::balance_of(
        &Foreign(transport.as_ref()),
        &owner,
        token.as_ref(),
    )?)
}

/// A token's symbol and decimals, read from its contract.
#[uniffi::export]
pub fn evm_token_info(
    transport: Arc<dyn JsonRpcTransport>,
    token: Address,
    standard: TokenStandard,
) -> Result<KnownToken, JigapError> {
    Ok(rpc::read::token(
        &Foreign(transport.as_ref()),
        &token,
        standard,
    )?)
}

/// Slow, normal and fast fees from the node's recent blocks.
#[uniffi::export]
pub fn evm_fee_suggestion(
    transport: Arc<dyn JsonRpcTransport>,
) -> Result<e::FeeSuggestion, JigapError> {
    Ok(rpc::read::fees(&Foreign(transport.as_ref()))?)
}

/// The token events of `contract` since `from_block` (`eth_getLogs`).
#[uniffi::export(default(from_block = 0))]
pub fn evm_token_events(
    transport: Arc<dyn JsonRpcTransport>,
    contract: Address,
    from_block: u64,
) -> Result<Vec<TokenEvent>, JigapError> {
    Ok(rpc::read::token_events(
        &Foreign(transport.as_ref()),
        &contract,
        from_block,
    )?)
}

/// `eth_call` return data.
#[uniffi::export]
pub fn evm_call(
    transport: Arc<dyn JsonRpcTransport>,
    to: Address,
    data: HexData,
) -> Result<HexData, JigapError> {
    Ok(rpc::read::eth_call(&Foreign(transport.as_ref()), &to, &data.0)?.into())
}

/// An amount in whole units (`"0.05"`, `"5000"`) in the smallest unit of `decimals`.
#[uniffi::export]
pub fn evm_parse_units(amount: String, decimals: u8) -> Result<U256, JigapError> {
    Ok(U256::parse_units(&amount, decimals)?)
}

/// An amount in the smallest unit, in whole units with separators (`5,000`, `0.05`).
#[uniffi::export]
pub fn evm_format_units(value: U256, decimals: u8) -> String {
    value.format_units(decimals)
}
