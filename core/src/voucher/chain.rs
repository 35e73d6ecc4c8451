//! Vouchers settled on chain: the `VoucherPool` contract (`contracts/VoucherPool.sol`), sans-IO.
//!
//! The pool verifies the very bytes a wallet signs offline — the holder's `Redemption` and the
//! merchant's `PaymentRequest` under the domain whose `verifyingContract` is the pool — so a
//! payment made at a counter without a network settles later on chain, and the chain, not an
//! issuer's signature, is the authority on what was paid:
//!
//! ```text
//!  issuer: deploy pool ─ fund ─ register grants ─ set merchant registry
//!  wallet ──Redemption (JGRD)──▶ merchant: redeem_call(request, payment) ──tx──▶ pool pays merchant
//!  wallet: sync_request / apply_chain_logs ◀── VoucherSpent / VoucherRefunded / VoucherReclaimed
//! ```
//!
//! This module builds the calldata (sent with [`crate::evm::EvmWallet`]), reads the pool's state
//! and decodes its events; [`Vouchers::apply_chain_logs`] applies them to the wallet's ledger.
//!
//! ```
//! use jigap_core::voucher::chain;
//! // `fund(uint256)`: the issuer moves 1,000,000 won into the pool (after approving it).
//! assert_eq!(&chain::fund_call(1_000_000)[..4], &jigap_core::evm::abi::selector("fund(uint256)"));
//! ```

use serde_json::{Value, json};

use super::VoucherError;
use super::journal::{EventKind, JournalEntry};
use super::model::*;
use super::wallet::Vouchers;
use crate::bind::Bytes32;
use crate::evm::abi::{self, AbiType, AbiValue, own_call as call, text, uint};
use crate::evm::rpc::{self, Log, Receipt};
use crate::evm::{JsonRpcTransport, U256};
use crate::keys::{Address, enc_i64};
use crate::util::hex0x;

/// The pool's custom errors (and OpenZeppelin's it can revert with), so a revert reads by name
/// with its arguments: `SequenceUsed(0x…, 3)`.
pub const ERRORS: &[&str] = &[
    "NotIssuer(address)",
    "WrongCurrency(string)",
    "ZeroAmount()",
    "AmountTooLarge(uint256)",
    "InsufficientUnallocated(uint256,uint256)",
    "VoucherExists(bytes32)",
    "GrantNotIssuedBySender(bytes32,address)",
    "InvalidPurpose(bytes32)",
    "BadSignature(string)",
    "SignatureHighS(string)",
    "RequestMismatch(bytes32)",
    "RequestExpired(bytes32,uint64,uint256)",
    "MerchantNotRegistered(address)",
    "CategoryMismatch(address,uint16,uint16)",
    "RegionMismatch(address,string)",
    "AllocationMismatch(uint256,uint256)",
    "AlreadyRedeemed(bytes32)",
    "SequenceUsed(address,uint64)",
    "UnregisteredGrant(bytes32)",
    "GrantMismatch(bytes32)",
    "NotHolder(bytes32,address)",
    "VoucherNotYetValid(bytes32,uint64,uint256)",
    "VoucherExpired(bytes32,uint64,uint256)",
    "MerchantNotAllowed(bytes32,address,uint16)",
    "RegionNotAllowed(bytes32,string)",
    "OutsideHours(bytes32,uint16,uint16,uint16)",
    "BelowMinimum(bytes32,uint256,uint256)",
    "AboveMaximum(bytes32,uint256,uint256)",
    "DailyLimitExceeded(bytes32,uint256,uint256,uint256)",
    "SingleUseSpent(bytes32)",
    "InsufficientValue(bytes32,uint256,uint256)",
    "RefundAboveSpent(bytes32,uint256,uint256)",
    "NotExpired(bytes32,uint64)",
    "NotVoucherIssuer(bytes32,address)",
    "UnknownVoucher(bytes32)",
    "OwnableUnauthorizedAccount(address)",
    "EnforcedPause()",
    "ExpectedPause()",
    "SafeERC20FailedOperation(address)",
];

const PURPOSE_T: &str =
    "(uint16[],address[],string[],uint64,uint64,uint16,uint16,int16,uint256,uint256,uint256,bool)";
const REQUEST_T: &str = "(bytes32,address,string,uint16,string,string,uint256,uint64)";
const REDEMPTION_T: &str = "(bytes32,address,address,uint64,(bytes32,uint256)[],uint256,uint64)";

fn grant_t() -> String {
    format!("(bytes32,address,address,string,uint256,uint64,{PURPOSE_T})")
}

fn submission_t() -> String {
    format!("({REDEMPTION_T},bytes,{REQUEST_T},bytes,{}[])", grant_t())
}

fn b32(v: &[u8; 32]) -> AbiValue {
    AbiValue::FixedBytes(v.to_vec())
}

fn grant_value(g: &VoucherGrant) -> AbiValue {
    let p = &g.purpose;
    let purpose = AbiValue::Tuple(vec![
        AbiValue::Array(p.categories.iter().map(|c| uint(u64::from(*c))).collect()),
        AbiValue::Array(p.merchants.iter().map(|m| AbiValue::Address(*m)).collect()),
        AbiValue::Array(p.regions.iter().map(|r| text(r)).collect()),
        uint(p.valid_from),
        uint(p.valid_until),
        uint(u64::from(p.hours_start)),
        uint(u64::from(p.hours_end)),
        AbiValue::Int(U256(enc_i64(i64::from(p.utc_offset_minutes)))),
        uint(p.min_payment),
        uint(p.max_payment),
        uint(p.daily_limit),
        AbiValue::Bool(p.single_use),
    ]);
    AbiValue::Tuple(vec![
        b32(&g.id),
        AbiValue::Address(g.issuer),
        AbiValue::Address(g.holder),
        text(&g.currency),
        uint(g.amount),
        uint(g.issued_at),
        purpose,
    ])
}

fn request_value(r: &PaymentRequest) -> AbiValue {
    AbiValue::Tuple(vec![
        b32(&r.id),
        AbiValue::Address(r.merchant),
        text(&r.merchant_name),
        uint(u64::from(r.category)),
        text(&r.region),
        text(&r.currency),
        uint(r.amount),
        uint(r.expires_at),
    ])
}

fn redemption_value(r: &Redemption) -> AbiValue {
    AbiValue::Tuple(vec![
        b32(&r.request_id),
        AbiValue::Address(r.merchant),
        AbiValue::Address(r.holder),
        uint(r.sequence),
        AbiValue::Array(
            r.allocations
                .iter()
                .map(|a| AbiValue::Tuple(vec![b32(&a.voucher_id), uint(a.amount)]))
                .collect(),
        ),
        uint(r.total),
        uint(r.created_at),
    ])
}

fn submission_value(request: &SignedRequest, payment: &RedemptionPayload) -> AbiValue {
    // The pool takes the grants in allocation order.
    let grants = payment
        .redemption
        .redemption
        .allocations
        .iter()
        .filter_map(|a| payment.grants.iter().find(|g| g.grant.id == a.voucher_id))
        .map(|g| grant_value(&g.grant))
        .collect();
    AbiValue::Tuple(vec![
        redemption_value(&payment.redemption.redemption),
        AbiValue::Bytes(payment.redemption.signature.to_bytes().to_vec()),
        request_value(&request.request),
        AbiValue::Bytes(request.signature.to_bytes().to_vec()),
        AbiValue::Array(grants),
    ])
}

/// A merchant as the pool's registry knows it: the category and region it may claim.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct PoolMerchant {
    /// The merchant's account (the one that signs its payment requests).
    pub merchant: Address,
    /// Its category (ISO 18245, e.g. 5411 groceries).
    pub category: u16,
    /// Its region (ISO 3166-2, e.g. `KR-11`).
    pub region: String,
    /// Whether it may be paid.
    pub active: bool,
}

/// Deployment bytes of a pool: the compiled `VoucherPool` followed by its constructor arguments.
/// `scale` is token base units per minor unit (1 for a whole-won token, 10^18 for an 18-decimal
/// one).
pub fn deploy_data(
    bytecode: &[u8],
    token: &Address,
    currency: &str,
    scale: U256,
) -> Result<Vec<u8>, VoucherError> {
    if bytecode.is_empty() || currency.is_empty() || scale.is_zero() {
        return Err(VoucherError::InvalidGrant(
            "a pool needs the compiled VoucherPool bytecode, a currency and a scale of at least 1"
                .into(),
        ));
    }
    let args = abi::encode(
        &[AbiType::Address, AbiType::String, AbiType::Uint(256)],
        &[
            AbiValue::Address(*token),
            text(currency),
            AbiValue::Uint(scale),
        ],
    )?;
    Ok([bytecode, &args].concat())
}

/// `fund(amount)`: the issuer moves `amount` minor units into the pool (approve
/// `amount × scale` of the deposit token to the pool first).
pub fn fund_call(amount: u64) -> Vec<u8> {
    call("fund(uint256)", &[uint(amount)])
}

/// `withdraw(amount)`: the issuer takes back funds it has not granted.
pub fn withdraw_call(amount: u64) -> Vec<u8> {
    call("withdraw(uint256)", &[uint(amount)])
}

/// `registerGrants(grants)`: register vouchers the sending issuer granted (a batch).
pub fn register_call(grants: &[SignedGrant]) -> Vec<u8> {
    let sig = format!("registerGrants({}[])", grant_t());
    let values = grants.iter().map(|g| grant_value(&g.grant)).collect();
    call(&sig, &[AbiValue::Array(values)])
}

/// `setMerchants(entries)`: the pool owner's merchant registry.
pub fn set_merchants_call(entries: &[PoolMerchant]) -> Vec<u8> {
    let values = entries
        .iter()
        .map(|m| {
            AbiValue::Tuple(vec![
                AbiValue::Address(m.merchant),
                uint(u64::from(m.category)),
                text(&m.region),
                AbiValue::Bool(m.active),
            ])
        })
        .collect();
    call(
        "setMerchants((address,uint16,string,bool)[])",
        &[AbiValue::Array(values)],
    )
}

/// `setIssuer(issuer, allowed)`: the pool owner adds (or removes) an issuer.
pub fn set_issuer_call(issuer: &Address, allowed: bool) -> Vec<u8> {
    call(
        "setIssuer(address,bool)",
        &[AbiValue::Address(*issuer), AbiValue::Bool(allowed)],
    )
}

/// `pause()` or `unpause()`: the pool owner's switch.
pub fn pause_call(paused: bool) -> Vec<u8> {
    call(if paused { "pause()" } else { "unpause()" }, &[])
}

/// `redeem(submission)`: settle the payment `payment` of `request` on chain. Whoever sends it
/// (the merchant, or an issuer batching for it) pays the gas; the pool pays the merchant.
pub fn redeem_call(request: &SignedRequest, payment: &RedemptionPayload) -> Vec<u8> {
    let sig = format!("redeem({})", submission_t());
    call(&sig, &[submission_value(request, payment)])
}

/// `redeemBatch(submissions)`: settle many payments; each refused one is skipped with a
/// `RedemptionFailed` event.
pub fn redeem_batch_call(items: &[(SignedRequest, RedemptionPayload)]) -> Vec<u8> {
    let sig = format!("redeemBatch({}[])", submission_t());
    let values = items.iter().map(|(r, p)| submission_value(r, p)).collect();
    call(&sig, &[AbiValue::Array(values)])
}

/// `refund(voucherId, amount, ref)`: a registered merchant returns value to a voucher it was
/// paid from (approve `amount × scale` to the pool first).
pub fn refund_call(voucher_id: &Id, amount: u64, reference: &[u8; 32]) -> Vec<u8> {
    call(
        "refund(bytes32,uint256,bytes32)",
        &[b32(voucher_id), uint(amount), b32(reference)],
    )
}

/// `reclaim(voucherIds)`: after expiry, the issuer takes back what is left on its vouchers.
pub fn reclaim_call(voucher_ids: &[Id]) -> Vec<u8> {
    call(
        "reclaim(bytes32[])",
        &[AbiValue::Array(voucher_ids.iter().map(b32).collect())],
    )
}

/// A voucher's state in the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct PoolVoucher {
    /// The voucher.
    pub voucher_id: Bytes32,
    /// Whether it is registered (all other fields are zero when not).
    pub registered: bool,
    /// `hashStruct(VoucherGrant)` of the registered grant.
    pub grant_hash: Bytes32,
    /// What is left on it.
    pub remaining: u64,
    /// What it paid out.
    pub spent: u64,
    /// What merchants returned to it.
    pub refunded: u64,
    /// Its expiry (Unix seconds).
    pub valid_until: u64,
    /// Its issuer.
    pub issuer: Address,
    /// Its single use was taken.
    pub used: bool,
}

/// `vouchers(id)` calldata.
pub fn voucher_call(voucher_id: &Id) -> Vec<u8> {
    call("vouchers(bytes32)", &[b32(voucher_id)])
}

fn word_u64(w: &AbiValue) -> u64 {
    w.as_uint().and_then(|u| u.to_u64()).unwrap_or(0)
}

/// Read `vouchers(id)` return data.
pub fn parse_voucher(voucher_id: &Id, data: &[u8]) -> Result<PoolVoucher, VoucherError> {
    let t = "(bytes32,uint64,uint64,uint64,uint64,address,uint24,uint64,bool)";
    let Ok(AbiType::Tuple(types)) = t.parse::<AbiType>() else {
        return Err(VoucherError::Corrupt("pool voucher type".into()));
    };
    let v = abi::decode(&types, data)?;
    let hash = match v.first() {
        Some(AbiValue::FixedBytes(b)) => <[u8; 32]>::try_from(b.as_slice()).unwrap_or_default(),
        _ => [0; 32],
    };
    Ok(PoolVoucher {
        voucher_id: (*voucher_id).into(),
        registered: hash != [0; 32],
        grant_hash: hash.into(),
        remaining: v.get(1).map(word_u64).unwrap_or(0),
        spent: v.get(2).map(word_u64).unwrap_or(0),
        refunded: v.get(3).map(word_u64).unwrap_or(0),
        valid_until: v.get(4).map(word_u64).unwrap_or(0),
        issuer: v
            .get(5)
            .and_then(AbiValue::as_address)
            .unwrap_or(Address([0; 20])),
        used: matches!(v.get(8), Some(AbiValue::Bool(true))),
    })
}

/// The pool's books: the sum of the vouchers' remaining values, the issuers' ungranted funds
/// and the token balance (minor units). `outstanding + unallocated ≤ balance` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct PoolSolvency {
    /// Sum of every voucher's remaining value.
    pub outstanding: u64,
    /// Funds not granted yet.
    pub unallocated: u64,
    /// The pool's deposit-token balance.
    pub balance: u64,
}

/// `solvency()` calldata.
pub fn solvency_call() -> Vec<u8> {
    call("solvency()", &[])
}

/// Read `solvency()` return data.
pub fn parse_solvency(data: &[u8]) -> Result<PoolSolvency, VoucherError> {
    let u = AbiType::Uint(256);
    let v = abi::decode(&[u.clone(), u.clone(), u], data)?;
    Ok(PoolSolvency {
        outstanding: v.first().map(word_u64).unwrap_or(0),
        unallocated: v.get(1).map(word_u64).unwrap_or(0),
        balance: v.get(2).map(word_u64).unwrap_or(0),
    })
}

/// What the pool said happened, from one of its logs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(
        tag = "kind",
        rename_all = "camelCase",
        rename_all_fields = "camelCase"
    ),
    tsify(large_number_types_as_bigints)
)]
pub enum PoolEvent {
    /// A voucher was registered.
    GrantRegistered {
        /// The voucher.
        voucher_id: Bytes32,
        /// Its issuer.
        issuer: Address,
        /// Its holder.
        holder: Address,
        /// Its value.
        amount: u64,
        /// `hashStruct(VoucherGrant)`.
        grant_hash: Bytes32,
    },
    /// Part of a redemption was paid from a voucher.
    VoucherSpent {
        /// The voucher.
        voucher_id: Bytes32,
        /// The redemption (the digest the holder signed).
        redemption_hash: Bytes32,
        /// The merchant paid.
        merchant: Address,
        /// Amount from this voucher.
        amount: u64,
        /// What is left on it.
        remaining: u64,
    },
    /// A redemption settled: the merchant was paid `total`.
    Redeemed {
        /// The redemption.
        redemption_hash: Bytes32,
        /// The holder.
        holder: Address,
        /// The merchant.
        merchant: Address,
        /// The request paid.
        request_id: Bytes32,
        /// The holder's sequence number.
        sequence: u64,
        /// Total paid.
        total: u64,
    },
    /// A merchant returned value to a voucher.
    Refunded {
        /// The voucher.
        voucher_id: Bytes32,
        /// The merchant.
        merchant: Address,
        /// Amount returned.
        amount: u64,
        /// The merchant's reference.
        reference: Bytes32,
        /// What is left on the voucher now.
        remaining: u64,
    },
    /// After expiry, the issuer took back what was left.
    Reclaimed {
        /// The voucher.
        voucher_id: Bytes32,
        /// Its issuer.
        issuer: Address,
        /// Amount taken back.
        amount: u64,
    },
    /// One redemption of a batch was refused.
    RedemptionFailed {
        /// Its position in the batch.
        index: u64,
        /// The redemption.
        redemption_hash: Bytes32,
        /// The reason, decoded.
        reason: String,
    },
}

const EV_REGISTERED: &str = "GrantRegistered(bytes32,address,address,uint256,uint64,bytes32)";
const EV_SPENT: &str = "VoucherSpent(bytes32,bytes32,address,uint256,uint256)";
const EV_REDEEMED: &str = "Redeemed(bytes32,address,address,bytes32,uint64,uint256)";
const EV_REFUNDED: &str = "VoucherRefunded(bytes32,address,uint256,bytes32,uint256)";
const EV_RECLAIMED: &str = "VoucherReclaimed(bytes32,address,uint256)";
const EV_FAILED: &str = "RedemptionFailed(uint256,bytes32,bytes)";

fn topic(signature: &str) -> [u8; 32] {
    crate::evm::erc::event_topic(signature).0
}

/// Decode a pool log; `None` for a log that is not one of the pool's events (or malformed).
pub fn decode_log(log: &Log) -> Option<PoolEvent> {
    let t = &log.topics;
    let sig = t.first()?.0;
    let words = |types: &[AbiType]| abi::decode(types, &log.data.0).ok();
    let u = AbiType::Uint(256);
    let fb = AbiType::FixedBytes(32);
    let b = |v: &AbiValue| match v {
        AbiValue::FixedBytes(x) => <[u8; 32]>::try_from(x.as_slice()).ok().map(Bytes32),
        _ => None,
    };
    if sig == topic(EV_SPENT) && t.len() == 4 {
        let v = words(&[u.clone(), u])?;
        return Some(PoolEvent::VoucherSpent {
            voucher_id: t[1],
            redemption_hash: t[2],
            merchant: crate::evm::erc::topic_address(&t[3])?,
            amount: word_u64(v.first()?),
            remaining: word_u64(v.get(1)?),
        });
    }
    if sig == topic(EV_REDEEMED) && t.len() == 4 {
        let v = words(&[fb, AbiType::Uint(64), u])?;
        return Some(PoolEvent::Redeemed {
            redemption_hash: t[1],
            holder: crate::evm::erc::topic_address(&t[2])?,
            merchant: crate::evm::erc::topic_address(&t[3])?,
            request_id: b(v.first()?)?,
            sequence: word_u64(v.get(1)?),
            total: word_u64(v.get(2)?),
        });
    }
    if sig == topic(EV_REFUNDED) && t.len() == 3 {
        let v = words(&[u.clone(), fb, u])?;
        return Some(PoolEvent::Refunded {
            voucher_id: t[1],
            merchant: crate::evm::erc::topic_address(&t[2])?,
            amount: word_u64(v.first()?),
            reference: b(v.get(1)?)?,
            remaining: word_u64(v.get(2)?),
        });
    }
    if sig == topic(EV_RECLAIMED) && t.len() == 3 {
        let v = words(&[u])?;
        return Some(PoolEvent::Reclaimed {
            voucher_id: t[1],
            issuer: crate::evm::erc::topic_address(&t[2])?,
            amount: word_u64(v.first()?),
        });
    }
    if sig == topic(EV_REGISTERED) && t.len() == 4 {
        let v = words(&[u, AbiType::Uint(64), fb])?;
        return Some(PoolEvent::GrantRegistered {
            voucher_id: t[1],
            issuer: crate::evm::erc::topic_address(&t[2])?,
            holder: crate::evm::erc::topic_address(&t[3])?,
            amount: word_u64(v.first()?),
            grant_hash: b(v.get(2)?)?,
        });
    }
    if sig == topic(EV_FAILED) && t.len() == 3 {
        let v = words(&[AbiType::Bytes])?;
        let reason = match v.first()? {
            AbiValue::Bytes(d) => rpc::revert_reason(d, &[]),
            _ => return None,
        };
        return Some(PoolEvent::RedemptionFailed {
            index: U256::from_be_slice(&t[1].0)
                .and_then(|x| x.to_u64())
                .unwrap_or(0),
            redemption_hash: t[2],
            reason,
        });
    }
    None
}

/// The pool's events in a receipt, in order.
pub fn receipt_events(pool: &Address, receipt: &Receipt) -> Vec<PoolEvent> {
    receipt
        .logs
        .iter()
        .filter(|l| l.address == *pool)
        .filter_map(decode_log)
        .collect()
}

/// What a settlement transaction did for a merchant: the redemptions it settled and the ones
/// refused (in a batch), from the receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct PoolSettlement {
    /// Whether the transaction succeeded.
    pub success: bool,
    /// The transaction.
    pub transaction_hash: Bytes32,
    /// Its block.
    pub block_number: u64,
    /// Gas it used.
    pub gas_used: u64,
    /// Settled redemptions and their totals.
    pub settled: Vec<PoolEvent>,
    /// Redemptions of a batch that were refused, with the reason.
    pub refused: Vec<PoolEvent>,
}

/// Read a settlement transaction's receipt.
pub fn settlement_from_receipt(pool: &Address, receipt: &Receipt) -> PoolSettlement {
    let events = receipt_events(pool, receipt);
    PoolSettlement {
        success: receipt.status,
        transaction_hash: receipt.hash,
        block_number: receipt.block,
        gas_used: receipt.gas_used,
        settled: events
            .iter()
            .filter(|e| matches!(e, PoolEvent::Redeemed { .. }))
            .cloned()
            .collect(),
        refused: events
            .into_iter()
            .filter(|e| matches!(e, PoolEvent::RedemptionFailed { .. }))
            .collect(),
    }
}

/// What [`Vouchers::apply_chain_logs`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct ChainSync {
    /// Payments of this wallet found settled on chain.
    pub settled: u32,
    /// Refunds applied.
    pub refunded: u32,
    /// Vouchers whose remaining value the issuer reclaimed after expiry.
    pub reclaimed: u32,
    /// Events about this wallet's vouchers it could not match (a payment made from another
    /// device or before a restore): the balances from [`Vouchers::chain_state_request`] show
    /// the chain's figures.
    pub unmatched: u32,
    /// The block the next sync starts from (the last one with an event, read again: applying
    /// an event twice changes nothing).
    pub next_block: u64,
}

/// A voucher of this wallet beside its state in the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct VoucherChainState {
    /// The pool's view.
    pub pool: PoolVoucher,
    /// Whether the registered grant is the one this wallet holds (same `hashStruct`).
    pub grant_matches: bool,
    /// What this wallet counts as left (remaining, not counting reservations).
    pub local_remaining: u64,
    /// What this wallet has reserved for payments not yet settled.
    pub local_reserved: u64,
    /// Whether the two agree: the chain's remaining equals the wallet's remaining plus its
    /// reservations.
    pub in_step: bool,
}

const NS_CHAIN: &str = "voucher.chain";

/// A log's identity, kept so each one is applied once.
fn log_id(log: &Log) -> Vec<u8> {
    let mut id = b"log:".to_vec();
    id.extend_from_slice(&log.transaction_hash.0);
    id.extend_from_slice(&log.log_index.to_be_bytes());
    id
}

impl Vouchers {
    /// The `eth_getLogs` request for the pool's events about this wallet's vouchers, from
    /// `from_block` (`None`: where the last [`Vouchers::sync_chain`] stopped).
    pub fn chain_sync_request(&self, from_block: Option<u64>) -> Result<String, VoucherError> {
        let from = match from_block {
            Some(b) => b,
            None => self.chain_cursor()?,
        };
        let ids: Vec<String> = self.vouchers()?.iter().map(|v| v.id.to_string()).collect();
        let topics0: Vec<String> = [EV_SPENT, EV_REFUNDED, EV_RECLAIMED]
            .iter()
            .map(|s| hex0x(&topic(s)))
            .collect();
        Ok(rpc::request(
            1,
            "eth_getLogs",
            json!([{
                "address": self.domain.verifying_contract.to_string(),
                "fromBlock": format!("0x{from:x}"),
                "toBlock": "latest",
                "topics": [topics0, if ids.is_empty() { Value::Null } else { json!(ids) }],
            }]),
        ))
    }

    /// Apply the reply to [`Vouchers::chain_sync_request`] and remember where it stopped.
    pub fn apply_chain_sync_reply(&self, reply: &str) -> Result<ChainSync, VoucherError> {
        let logs = rpc::parse_logs(&rpc::result(reply, 1)?)?;
        let mut out = self.apply_chain_logs(&logs)?;
        let cursor = self.chain_cursor()?;
        // The last block with a log is read again next time (never a block beyond the chain's
        // head, which nodes refuse); applying a log twice changes nothing.
        out.next_block = logs
            .iter()
            .map(|l| l.block_number)
            .max()
            .unwrap_or(cursor)
            .max(cursor);
        let mut batch = crate::vault::RecordBatch::new();
        batch.put(
            NS_CHAIN,
            &self.domain.verifying_contract.to_string(),
            out.next_block.to_be_bytes().to_vec(),
        );
        self.wallet.vault().commit(batch)?;
        Ok(out)
    }

    /// Sync with the pool through `transport`: one `eth_getLogs`, applied.
    pub fn sync_chain(&self, transport: &dyn JsonRpcTransport) -> Result<ChainSync, VoucherError> {
        let reply = transport.call(&self.chain_sync_request(None)?)?;
        self.apply_chain_sync_reply(&reply)
    }

    fn chain_cursor(&self) -> Result<u64, VoucherError> {
        let raw = self
            .wallet
            .vault()
            .get(NS_CHAIN, &self.domain.verifying_contract.to_string())?;
        Ok(raw
            .and_then(|r| <[u8; 8]>::try_from(r.as_slice()).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0))
    }

    /// Apply pool logs (from `eth_getLogs` or a receipt) to the ledger. The chain is the
    /// authority: a payment of this wallet spent on chain is final, a merchant's refund
    /// returns value, an issuer's reclaim after expiry takes what was left. Logs of other
    /// contracts than this wallet's pool are ignored; each log applies once.
    pub fn apply_chain_logs(&self, logs: &[Log]) -> Result<ChainSync, VoucherError> {
        let pool = self.domain.verifying_contract;
        let mut out = ChainSync::default();
        let mut seen_redemptions: Vec<Bytes32> = Vec::new();
        for log in logs.iter().filter(|l| l.address == pool) {
            match decode_log(log) {
                Some(PoolEvent::VoucherSpent {
                    redemption_hash, ..
                }) => {
                    if seen_redemptions.contains(&redemption_hash) {
                        continue;
                    }
                    seen_redemptions.push(redemption_hash);
                    match self.settle_from_chain(&redemption_hash.0)? {
                        Some(true) => out.settled += 1,
                        Some(false) => {}
                        None => out.unmatched += 1,
                    }
                }
                Some(PoolEvent::Refunded {
                    voucher_id,
                    merchant,
                    amount,
                    ..
                }) => {
                    let applied = self.chain_adjust(log, &voucher_id.0, amount, merchant, true)?;
                    out.refunded += u32::from(applied);
                }
                Some(PoolEvent::Reclaimed {
                    voucher_id,
                    issuer,
                    amount,
                }) => {
                    let applied = self.chain_adjust(log, &voucher_id.0, amount, issuer, false)?;
                    out.reclaimed += u32::from(applied);
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// Settle every part of one of this wallet's payments from the chain. `None`: not a
    /// payment of this wallet; `Some(false)`: applied before.
    fn settle_from_chain(&self, hash: &[u8; 32]) -> Result<Option<bool>, VoucherError> {
        let parts: Vec<Address> = match self.with_book(|b, _| {
            Ok(b.by_hash
                .get(hash)
                .and_then(|id| b.redemptions.get(id))
                .map(|r| r.parts.iter().map(|p| p.issuer).collect::<Vec<_>>()))
        })? {
            Some(p) => p,
            None => return Ok(None),
        };
        let now = self.wallet.env().clock.now_secs();
        let mut applied = false;
        // One commit per issuer's part: each reads the book the previous one wrote.
        for issuer in parts {
            let st = Settlement {
                redemption_hash: *hash,
                issuer,
                settled: true,
                reason: String::new(),
                settled_at: now,
            };
            let outcome = self.with_book(|book, ch| Self::settle_in(book, ch, &st, now))?;
            applied |= !matches!(outcome, super::SettlementOutcome::AlreadyApplied);
        }
        Ok(Some(applied))
    }

    /// A refund (`refund`) or reclaim (`!refund`) from a pool log; false if applied before or
    /// the voucher is not this wallet's.
    fn chain_adjust(
        &self,
        log: &Log,
        voucher: &Id,
        amount: u64,
        counterparty: Address,
        refund: bool,
    ) -> Result<bool, VoucherError> {
        let now = self.wallet.env().clock.now_secs();
        let id = log_id(log);
        self.with_book(|book, ch| {
            let Some(mut v) = book.vouchers.get(voucher).cloned() else {
                return Ok(false);
            };
            if v.refund_ids.contains(&id) {
                return Ok(false);
            }
            let (kind, taken, note) = if refund {
                v.refunded = v
                    .refunded
                    .checked_add(amount)
                    .ok_or(VoucherError::Overflow)?;
                v.single_use_spent = false;
                (EventKind::Refunded, amount, "refunded on chain")
            } else {
                // What the issuer took back can no longer be spent: count it paid out.
                let taken = amount.min(v.remaining());
                v.settled = v.settled.checked_add(taken).ok_or(VoucherError::Overflow)?;
                (
                    EventKind::Reclaimed,
                    taken,
                    "expired: the issuer reclaimed what was left",
                )
            };
            v.refund_ids.push(id);
            ch.journal.push(JournalEntry {
                seq: 0,
                at: now,
                kind,
                voucher_id: *voucher,
                amount: taken,
                currency: v.grant.grant.currency.clone(),
                counterparty,
                counterparty_name: String::new(),
                reference: Some(log.transaction_hash.0.to_vec()),
                note: note.into(),
            });
            ch.vouchers.push(v);
            Ok(true)
        })
    }

    /// A JSON-RPC batch reading `vouchers(id)` from the pool for each of this wallet's
    /// vouchers (ids 1, 2, … in the order of [`Vouchers::vouchers`]).
    pub fn chain_state_request(&self) -> Result<String, VoucherError> {
        let pool = self.domain.verifying_contract;
        let bodies: Vec<String> = self
            .vouchers()?
            .iter()
            .enumerate()
            .map(|(i, v)| rpc::call(i as u64 + 1, None, &pool, &voucher_call(&v.id.0)))
            .collect();
        Ok(rpc::batch(&bodies))
    }

    /// Read the reply to [`Vouchers::chain_state_request`]: each voucher beside the pool's view.
    pub fn parse_chain_state(&self, reply: &str) -> Result<Vec<VoucherChainState>, VoucherError> {
        let mine = self.vouchers()?;
        self.with_book(|b, _| {
            let mut out = Vec::new();
            for (i, view) in mine.iter().enumerate() {
                let pool =
                    parse_voucher(&view.id.0, &rpc::data(&rpc::result(reply, i as u64 + 1)?)?)?;
                let r = b
                    .vouchers
                    .get(&view.id.0)
                    .ok_or_else(|| VoucherError::UnknownVoucher(view.id.to_string()))?;
                let (reserved, remaining) = (r.reserved, r.remaining());
                out.push(VoucherChainState {
                    grant_matches: pool.grant_hash.0 == r.grant.grant.struct_hash(),
                    in_step: pool.remaining == remaining.saturating_add(reserved),
                    local_remaining: remaining,
                    local_reserved: reserved,
                    pool,
                });
            }
            Ok(out)
        })
    }

    /// [`Vouchers::chain_state_request`] sent through `transport`, read.
    pub fn chain_state(
        &self,
        transport: &dyn JsonRpcTransport,
    ) -> Result<Vec<VoucherChainState>, VoucherError> {
        let reply = transport.call(&self.chain_state_request()?)?;
        self.parse_chain_state(&reply)
    }
}
