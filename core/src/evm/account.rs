//! A wallet on one chain: signing, the transactions it sent (kept in the vault so nonces stay
//! right with several in flight), speed-up and cancel by replacement, and [`SendFlow`], the
//! sans-IO state machine of a send: the host moves request bodies and replies, the core decides
//! everything else.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::erc;
use super::explain::{Explanation, KnownToken, TokenStandard, explain};
use super::rpc::{self, FeeSuggestion, Prepare, Receipt};
use super::{EvmError, HexData, SignedTransaction, Transaction, U256, decode_raw};
use crate::bind::Bytes32;
use crate::keys::Address;
use crate::vault::RecordBatch;
use crate::wallet::Wallet;

const NS_PENDING: &str = "evm.pending";

/// Moves one JSON-RPC body to a node and returns the reply body: the one thing a host does for
/// [`EvmWallet::send`] (the CLI over HTTP, a Kotlin or Swift app through its own HTTP stack).
pub trait JsonRpcTransport {
    /// POST `body` to the node; the reply's body. A failure to reach the node is
    /// [`EvmError::Transport`].
    fn call(&self, body: &str) -> Result<String, EvmError>;
}

/// What to send: the rest (chain id, nonce, fees, gas) comes from the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
pub struct SendIntent {
    /// The sending account (one of the wallet's).
    pub from: Address,
    /// Recipient or contract; `null` deploys `data`.
    #[serde(default)]
    pub to: Option<Address>,
    /// Wei sent.
    #[serde(default)]
    pub value: U256,
    /// Calldata (`0x` for a plain transfer).
    #[serde(default)]
    pub data: HexData,
    /// A gas limit; `null` estimates it (with a 20% margin).
    #[serde(default)]
    pub gas: Option<u64>,
    /// `slow`, `normal` (default) or `fast`.
    #[serde(default)]
    pub speed: Option<String>,
    /// Force a type (0, 1, 2); `null` is 2, or 0 on a chain without EIP-1559.
    #[serde(default)]
    pub tx_type: Option<u8>,
}

/// A transaction this wallet sent that has no receipt yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
pub struct PendingTransaction {
    /// Its hash.
    pub hash: Bytes32,
    /// The sender.
    pub from: Address,
    /// Its fields (chain id and nonce among them).
    pub tx: Transaction,
    /// The signed bytes (to send again if the node forgot it).
    pub raw: HexData,
    /// When it was sent (Unix ms).
    pub sent_at_ms: u64,
    /// The hash it replaces (a speed-up or cancel), if any.
    pub replaces: Option<Bytes32>,
}

/// A transaction the node has filled in, and what it does: show `explanation` and ask before
/// [`SendFlow::approve`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
pub struct Proposal {
    /// The transaction that will be signed.
    pub tx: Transaction,
    /// What it does, in Korean and English.
    pub explanation: Explanation,
}

struct Inner {
    wallet: Arc<Wallet>,
    chain_id: u64,
    native: String,
    tokens: Mutex<Vec<KnownToken>>,
}

/// A wallet on one EVM chain. Cheap to clone.
///
/// ```
/// use jigap_core::{env::Env, store::MemoryStore, wallet::{Wallet, WalletOptions}};
/// use jigap_core::evm::{EvmWallet, Transaction};
/// use std::sync::Arc;
/// let (wallet, _) = Wallet::create(Arc::new(MemoryStore::new()), Env::system(), b"123456",
///     WalletOptions::fast_for_tests()).unwrap();
/// let from = wallet.account(0).unwrap().address;
/// let evm = EvmWallet::new(Arc::new(wallet), 31337, "ETH").unwrap();
/// let tx = Transaction::from_json(r#"{"chainId":31337,"nonce":0,"gas":21000,"maxFeePerGas":2,
///   "maxPriorityFeePerGas":1,"to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":1}"#).unwrap();
/// let signed = evm.sign(&from, &tx).unwrap();
/// assert_eq!(evm.decode(&signed.raw.0).unwrap().from, from);
/// // A transaction for another chain is refused before signing.
/// let mut other = tx.clone();
/// other.chain_id = 1;
/// assert!(evm.sign(&from, &other).is_err());
/// ```
#[derive(Clone)]
pub struct EvmWallet {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for EvmWallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EvmWallet(chain {})", self.inner.chain_id)
    }
}

fn ceil_bump(v: u128) -> u128 {
    // +12.5%, rounded up, and at least +1: nodes want ≥ 10% more for a replacement.
    v.saturating_add(v.div_ceil(8)).max(v.saturating_add(1))
}

impl EvmWallet {
    /// `wallet` on chain `chain_id` whose native currency is `native_symbol` (`ETH`).
    pub fn new(
        wallet: Arc<Wallet>,
        chain_id: u64,
        native_symbol: &str,
    ) -> Result<EvmWallet, EvmError> {
        if chain_id == 0 {
            return Err(EvmError::ZeroChainId);
        }
        Ok(EvmWallet {
            inner: Arc::new(Inner {
                wallet,
                chain_id,
                native: native_symbol.to_string(),
                tokens: Mutex::new(Vec::new()),
            }),
        })
    }

    /// The configured chain.
    pub fn chain_id(&self) -> u64 {
        self.inner.chain_id
    }

    /// The tokens whose symbols and decimals explanations use.
    pub fn set_known_tokens(&self, tokens: Vec<KnownToken>) {
        if let Ok(mut t) = self.inner.tokens.lock() {
            *t = tokens;
        }
    }

    /// The known tokens.
    pub fn known_tokens(&self) -> Vec<KnownToken> {
        self.inner
            .tokens
            .lock()
            .map(|t| t.clone())
            .unwrap_or_default()
    }

    /// What `tx` does, in Korean and English (see [`explain`]).
    pub fn explain(&self, tx: &Transaction) -> Explanation {
        explain(tx, &self.known_tokens(), &self.inner.native)
    }

    fn same_chain(&self, got: u64) -> Result<(), EvmError> {
        if got != self.inner.chain_id {
            return Err(EvmError::WrongChain {
                expected: self.inner.chain_id,
                got,
            });
        }
        Ok(())
    }

    /// Sign `tx` as `from` (an account of the wallet); refused if `tx` is for another chain.
    pub fn sign(&self, from: &Address, tx: &Transaction) -> Result<SignedTransaction, EvmError> {
        self.same_chain(tx.chain_id)?;
        let signer = self.inner.wallet.signer(from)?;
        tx.sign_with(&signer)
    }

    /// Decode a raw signed transaction for this chain (another chain's is refused).
    pub fn decode(&self, raw: &[u8]) -> Result<SignedTransaction, EvmError> {
        decode_raw(raw, Some(self.inner.chain_id))
    }

    /// The transactions sent from `from` (every account: `None`) without a receipt yet, by nonce.
    pub fn pending(&self, from: Option<&Address>) -> Result<Vec<PendingTransaction>, EvmError> {
        let mut out = Vec::new();
        for (_, stored) in self.inner.wallet.vault().list(NS_PENDING)? {
            let p = unpack_pending(&stored)?;
            if p.tx.chain_id == self.inner.chain_id && from.is_none_or(|f| *f == p.from) {
                out.push(p);
            }
        }
        crate::util::sort_by(&mut out, |a, b| {
            (a.tx.nonce, a.sent_at_ms).cmp(&(b.tx.nonce, b.sent_at_ms))
        });
        Ok(out)
    }

    /// The nonce for the next transaction of `from`: the node's pending count, or one past the
    /// highest nonce this wallet has in flight if the node has not seen them all yet.
    pub fn next_nonce(&self, from: &Address, node_pending_count: u64) -> Result<u64, EvmError> {
        let ours = self
            .pending(Some(from))?
            .iter()
            .map(|p| p.tx.nonce + 1)
            .max()
            .unwrap_or(0);
        Ok(node_pending_count.max(ours))
    }

    /// Remember a transaction the app sent itself (the send flow does this on its own).
    pub fn record_sent(
        &self,
        signed: &SignedTransaction,
        replaces: Option<Bytes32>,
    ) -> Result<(), EvmError> {
        self.same_chain(signed.tx.chain_id)?;
        let p = PendingTransaction {
            hash: signed.hash,
            from: signed.from,
            tx: signed.tx.clone(),
            raw: signed.raw.clone(),
            sent_at_ms: self.inner.wallet.env().clock.now_ms(),
            replaces,
        };
        self.inner
            .wallet
            .vault()
            .put(NS_PENDING, &p.hash.to_string(), &pack_pending(&p))?;
        Ok(())
    }

    /// The request for the receipt of `hash`.
    pub fn receipt_request(&self, hash: &Bytes32) -> String {
        rpc::receipt(1, hash)
    }

    /// Read a receipt reply; once mined, the transaction, every replacement sharing its nonce,
    /// and any older pending transaction of the sender are forgotten.
    pub fn on_receipt(&self, reply: &str) -> Result<Option<Receipt>, EvmError> {
        let Some(receipt) = rpc::parse_receipt(&rpc::result(reply, 1)?)? else {
            return Ok(None);
        };
        let pending = self.pending(None)?;
        if let Some(mined) = pending.iter().find(|p| p.hash == receipt.hash) {
            let mut batch = RecordBatch::new();
            for p in pending
                .iter()
                .filter(|p| p.from == mined.from && p.tx.nonce <= mined.tx.nonce)
            {
                batch.delete(NS_PENDING, &p.hash.to_string());
            }
            self.inner.wallet.vault().commit(batch)?;
        }
        Ok(Some(receipt))
    }

    /// A send: the node fills chain id, nonce, fees and gas; the app reads the explanation and
    /// approves; the wallet signs; the node takes it.
    pub fn send_flow(&self, intent: SendIntent) -> SendFlow {
        SendFlow {
            evm: self.clone(),
            kind: Kind::New(intent),
            state: State::Prepare,
        }
    }

    /// Replace pending `hash` with the same transaction at a higher fee (at least 12.5% more, or
    /// today's fast fee if that is higher).
    pub fn speed_up_flow(&self, hash: &Bytes32) -> Result<SendFlow, EvmError> {
        self.replace_flow(hash, false)
    }

    /// Replace pending `hash` with a 0-value transfer to the sender itself at a higher fee: if it
    /// is mined first, the original never is.
    pub fn cancel_flow(&self, hash: &Bytes32) -> Result<SendFlow, EvmError> {
        self.replace_flow(hash, true)
    }

    fn replace_flow(&self, hash: &Bytes32, cancel: bool) -> Result<SendFlow, EvmError> {
        let old = self
            .pending(None)?
            .into_iter()
            .find(|p| p.hash == *hash)
            .ok_or_else(|| EvmError::UnknownPending(hash.to_string()))?;
        Ok(SendFlow {
            evm: self.clone(),
            kind: Kind::Replace {
                old: Box::new(old),
                cancel,
            },
            state: State::Prepare,
        })
    }

    /// Drive `flow` through `transport`; `approve` sees the explanation and says whether to sign.
    pub fn run(
        &self,
        transport: &dyn JsonRpcTransport,
        mut flow: SendFlow,
        approve: &mut dyn FnMut(&Proposal) -> bool,
    ) -> Result<SignedTransaction, EvmError> {
        flow.drive(transport)?;
        let p = flow.proposal().ok_or(EvmError::FlowState(
            "the node's replies left nothing to approve",
        ))?;
        if !approve(&p) {
            return Err(flow.decline());
        }
        flow.approve()?;
        flow.drive(transport)?;
        flow.signed().ok_or(EvmError::FlowState(
            "the send flow ended without a transaction",
        ))
    }
}

enum Kind {
    New(SendIntent),
    Replace {
        old: Box<PendingTransaction>,
        cancel: bool,
    },
}

enum State {
    Prepare,
    Proposed(Box<Proposal>),
    Signed(Box<SignedTransaction>),
    Sent(Box<SignedTransaction>),
    Declined,
}

/// One send, step by step, without IO: while [`SendFlow::next_request`] gives a body, the host
/// POSTs it and hands the reply to [`SendFlow::on_reply`]; when it gives none, the proposal is
/// ready for the person to read ([`SendFlow::proposal`]) and [`SendFlow::approve`] signs; the
/// next request sends; then [`SendFlow::signed`] has the hash. A failed step can be retried
/// with the same reply or a new one; nothing is sent before approval.
pub struct SendFlow {
    evm: EvmWallet,
    kind: Kind,
    state: State,
}

impl std::fmt::Debug for SendFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SendFlow")
    }
}

impl SendFlow {
    /// Send every request the flow has now through `transport` (up to the proposal, or, after
    /// approval, the send itself).
    pub fn drive(&mut self, transport: &dyn JsonRpcTransport) -> Result<(), EvmError> {
        while let Some(body) = self.next_request() {
            let reply = transport.call(&body)?;
            self.on_reply(&reply)?;
        }
        Ok(())
    }

    /// The body to POST now, or `None` (waiting for approval, or done).
    pub fn next_request(&self) -> Option<String> {
        match (&self.state, &self.kind) {
            (State::Prepare, Kind::New(i)) => {
                let probe = Transaction {
                    tx_type: 2,
                    chain_id: self.evm.chain_id(),
                    nonce: 0,
                    to: i.to,
                    value: i.value,
                    gas: 0,
                    gas_price: None,
                    max_fee_per_gas: None,
                    max_priority_fee_per_gas: None,
                    data: i.data.clone(),
                    access_list: vec![],
                };
                let mut bodies = Prepare::new_tx(&i.from, &probe).bodies;
                if let Some(token) = self.unknown_token() {
                    bodies.push(rpc::call(
                        rpc::ID_SYMBOL,
                        None,
                        &token,
                        &erc::erc20_symbol(),
                    ));
                    bodies.push(rpc::call(
                        rpc::ID_DECIMALS,
                        None,
                        &token,
                        &erc::erc20_decimals(),
                    ));
                }
                Some(rpc::batch(&bodies))
            }
            (State::Prepare, Kind::Replace { .. }) => Some(rpc::batch(&Prepare::fees().bodies)),
            (State::Signed(s), _) => Some(rpc::send_raw(rpc::ID_SEND, &s.raw.0)),
            _ => None,
        }
    }

    /// Hand over the reply to the last request.
    pub fn on_reply(&mut self, reply: &str) -> Result<(), EvmError> {
        match &self.state {
            State::Prepare => {
                let tx = self.build(reply)?;
                let e = match self.unknown_token().and_then(|t| discovered(reply, t)) {
                    None => self.evm.explain(&tx),
                    Some(token) => {
                        let (symbol, address) = (token.symbol.clone(), token.address);
                        let mut tokens = self.evm.known_tokens();
                        tokens.push(token);
                        let mut e = explain(&tx, &tokens, &self.evm.inner.native);
                        e.warnings_en.push(format!(
                            "the symbol {symbol} is what the contract says about itself: check that {address} is the token you mean"
                        ));
                        e.warnings_ko.push(format!(
                            "{symbol} 기호는 컨트랙트가 스스로 밝힌 것입니다: {address}이(가) 의도한 토큰인지 확인하세요"
                        ));
                        e
                    }
                };
                self.state = State::Proposed(Box::new(Proposal { tx, explanation: e }));
                Ok(())
            }
            State::Signed(s) => {
                let got: Bytes32 = rpc::result(reply, rpc::ID_SEND)?
                    .as_str()
                    .unwrap_or("")
                    .parse()
                    .map_err(|_| {
                        EvmError::BadReply("eth_sendRawTransaction did not return a hash".into())
                    })?;
                if got != s.hash {
                    return Err(EvmError::BadReply(format!(
                        "the node returned hash {got} for transaction {}",
                        s.hash
                    )));
                }
                let replaces = match &self.kind {
                    Kind::Replace { old, .. } => Some(old.hash),
                    Kind::New(_) => None,
                };
                self.evm.record_sent(s, replaces)?;
                self.state = State::Sent(s.clone());
                Ok(())
            }
            _ => Err(EvmError::FlowState("no request is waiting for a reply")),
        }
    }

    /// The transaction to approve and what it does, once the node has filled it in.
    pub fn proposal(&self) -> Option<Proposal> {
        match &self.state {
            State::Proposed(p) => Some((**p).clone()),
            _ => None,
        }
    }

    /// The person approved: sign (the next request sends it).
    pub fn approve(&mut self) -> Result<(), EvmError> {
        let State::Proposed(p) = &self.state else {
            return Err(EvmError::FlowState(
                "there is nothing to approve yet: send the prepare request first",
            ));
        };
        let from = match &self.kind {
            Kind::New(i) => i.from,
            Kind::Replace { old, .. } => old.from,
        };
        let signed = self.evm.sign(&from, &p.tx)?;
        self.state = State::Signed(Box::new(signed));
        Ok(())
    }

    /// The person declined: nothing is signed or sent, and the flow is over. Returns the
    /// error to show ([`EvmError::NotApproved`]).
    pub fn decline(&mut self) -> EvmError {
        if let State::Proposed(_) = self.state {
            self.state = State::Declined;
        }
        EvmError::NotApproved
    }

    /// The signed transaction once the node has taken it.
    pub fn signed(&self) -> Option<SignedTransaction> {
        match &self.state {
            State::Sent(s) => Some((**s).clone()),
            _ => None,
        }
    }

    /// The contract of a token call (transfer, approve, …) the app has not told us about: the
    /// prepare batch then asks it for its symbol and decimals too.
    fn unknown_token(&self) -> Option<Address> {
        let Kind::New(i) = &self.kind else {
            return None;
        };
        let to = i.to?;
        (erc::decode_call(&i.data.0).is_some()
            && !self.evm.known_tokens().iter().any(|t| t.address == to))
        .then_some(to)
    }

    fn build(&self, reply: &str) -> Result<Transaction, EvmError> {
        let chain = rpc::quantity_u64(&rpc::result(reply, rpc::ID_CHAIN)?)?;
        self.evm.same_chain(chain)?;
        let fees = rpc::read::parse_fees(reply)?;
        match &self.kind {
            Kind::New(i) => {
                let count = rpc::quantity_u64(&rpc::result(reply, rpc::ID_NONCE)?)?;
                let nonce = self.evm.next_nonce(&i.from, count)?;
                let gas = match i.gas {
                    Some(g) => g,
                    None => rpc::gas_with_margin(
                        rpc::quantity_u64(&rpc::result(reply, rpc::ID_GAS)?)?,
                        i.data.0.is_empty(),
                    ),
                };
                let tx_type = i.tx_type.unwrap_or(if fees.legacy { 0 } else { 2 });
                let picked = fees.pick(i.speed.as_deref().unwrap_or("normal"));
                let mut tx = Transaction {
                    tx_type,
                    chain_id: chain,
                    nonce,
                    to: i.to,
                    value: i.value,
                    gas,
                    gas_price: None,
                    max_fee_per_gas: None,
                    max_priority_fee_per_gas: None,
                    data: i.data.clone(),
                    access_list: vec![],
                };
                set_fees(
                    &mut tx,
                    &fees,
                    picked.max_fee_per_gas,
                    picked.max_priority_fee_per_gas,
                );
                tx.check()?;
                Ok(tx)
            }
            Kind::Replace { old, cancel } => {
                let mut tx = old.tx.clone();
                if *cancel {
                    tx.to = Some(old.from);
                    tx.value = U256::ZERO;
                    tx.data = HexData::default();
                    tx.gas = 21_000;
                    tx.access_list.clear();
                }
                let bump = |old: Option<U256>, new: U256| {
                    let o = old.and_then(|v| v.to_u128()).unwrap_or(0);
                    U256::from_u128(ceil_bump(o).max(new.to_u128().unwrap_or(0)))
                };
                let (max, tip) = match tx.tx_type {
                    2 => (
                        bump(tx.max_fee_per_gas, fees.fast.max_fee_per_gas),
                        bump(
                            tx.max_priority_fee_per_gas,
                            fees.fast.max_priority_fee_per_gas,
                        ),
                    ),
                    _ => {
                        let p = bump(tx.gas_price, fees.fast.max_fee_per_gas.max(fees.gas_price));
                        (p, p)
                    }
                };
                set_fees(
                    &mut tx,
                    &FeeSuggestion {
                        legacy: true,
                        ..fees
                    },
                    max,
                    tip,
                );
                tx.check()?;
                Ok(tx)
            }
        }
    }
}

/// A pending transaction as stored: `1 ‖ sent_at_ms (8, BE) ‖ 0 | 1 ‖ replaced hash (32, when 1)
/// ‖ the raw signed transaction`. The fields, sender and hash come back from the raw bytes
/// (`decode_raw`), so nothing is stored twice and no JSON code is needed (ADR 0007).
fn pack_pending(p: &PendingTransaction) -> Vec<u8> {
    let mut out = Vec::with_capacity(42 + p.raw.0.len());
    out.push(1);
    out.extend_from_slice(&p.sent_at_ms.to_be_bytes());
    match &p.replaces {
        Some(h) => {
            out.push(1);
            out.extend_from_slice(&h.0);
        }
        None => out.push(0),
    }
    out.extend_from_slice(&p.raw.0);
    out
}

fn unpack_pending(b: &[u8]) -> Result<PendingTransaction, EvmError> {
    let bad = || EvmError::Malformed("a stored pending transaction is damaged".into());
    let (head, rest) = b.split_first_chunk::<10>().ok_or_else(bad)?;
    if head[0] != 1 {
        return Err(bad());
    }
    let sent_at_ms = u64::from_be_bytes(head[1..9].try_into().map_err(|_| bad())?);
    let (replaces, raw) = match head[9] {
        0 => (None, rest),
        1 => {
            let (h, raw) = rest.split_first_chunk::<32>().ok_or_else(bad)?;
            (Some(Bytes32(*h)), raw)
        }
        _ => return Err(bad()),
    };
    let s = decode_raw(raw, None)?;
    Ok(PendingTransaction {
        hash: s.hash,
        from: s.from,
        tx: s.tx,
        raw: s.raw,
        sent_at_ms,
        replaces,
    })
}

/// What an unknown token says of itself in the prepare reply: ERC-20 if it has decimals, ERC-721
/// if it has only a symbol, nothing if neither answers.
fn discovered(reply: &str, token: Address) -> Option<KnownToken> {
    let symbol = rpc::result(reply, rpc::ID_SYMBOL)
        .and_then(|v| rpc::data(&v))
        .and_then(|d| erc::decode_string(&d))
        .ok()
        .filter(|s| !s.is_empty() && s.len() <= 32)?;
    let decimals = rpc::result(reply, rpc::ID_DECIMALS)
        .and_then(|v| rpc::data(&v))
        .and_then(|d| erc::decode_uint(&d))
        .ok()
        .and_then(|d| d.to_u64())
        .and_then(|d| u8::try_from(d).ok());
    Some(KnownToken {
        address: token,
        standard: if decimals.is_some() {
            TokenStandard::Erc20
        } else {
            TokenStandard::Erc721
        },
        symbol,
        decimals: decimals.unwrap_or(0),
    })
}

/// Type 2 pays `max`/`tip`; types 0 and 1 pay a gas price: the node's on a legacy chain, and on
/// an EIP-1559 chain base fee + tip (a gas price is paid in full, so not the 2× headroom).
fn set_fees(tx: &mut Transaction, fees: &FeeSuggestion, max: U256, tip: U256) {
    if tx.tx_type == 2 {
        tx.gas_price = None;
        tx.max_fee_per_gas = Some(max);
        tx.max_priority_fee_per_gas = Some(tip.min(max));
    } else {
        let price = if fees.legacy {
            max
        } else {
            let b = fees.base_fee.to_u128().unwrap_or(0);
            let t = tip.to_u128().unwrap_or(0);
            U256::from_u128(b.saturating_add(t)).max(fees.gas_price)
        };
        tx.gas_price = Some(price);
        tx.max_fee_per_gas = None;
        tx.max_priority_fee_per_gas = None;
    }
}
