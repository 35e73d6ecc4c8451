//! What apps see of vouchers: the records the wallet, the shop and the issuer return, under
//! the same names in Rust, Kotlin, Swift and TypeScript (the binding derives are behind the
//! `uniffi` and `wasm` features).

use super::journal::{EventKind, JournalEntry};
use super::merchant::VerifiedRedemption;
use super::model::*;
use super::rules::Ineligible;
use crate::bind::Bytes32;
use crate::keys::{Address, Signature};

/// An issuer the app trusts, with its limits per person.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct TrustedIssuer {
    /// Signing address.
    pub address: Address,
    /// Name shown to the citizen.
    pub name: String,
    /// The currency its vouchers are in.
    pub currency: String,
    /// Most a person may hold in its vouchers at once (0: no cap).
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub holding_cap: u64,
    /// Most that may be spent in redemptions not yet settled (0: no limit).
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub offline_allowance: u64,
}

cbor_array!(TrustedIssuer {
    address,
    name,
    currency,
    holding_cap,
    offline_allowance
});

/// Where a voucher stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "snake_case")
)]
pub enum VoucherStatus {
    /// Usable (subject to its purpose).
    Active,
    /// Not valid yet.
    NotYetValid,
    /// Past its validity: out of balances, kept in history.
    Expired,
    /// Single-use voucher already used; what is left is forfeited.
    Used,
    /// Nothing left.
    Empty,
}

impl VoucherStatus {
    /// Short code.
    pub fn code(self) -> &'static str {
        match self {
            VoucherStatus::Active => "active",
            VoucherStatus::NotYetValid => "not_yet_valid",
            VoucherStatus::Expired => "expired",
            VoucherStatus::Used => "used",
            VoucherStatus::Empty => "empty",
        }
    }
}

/// A voucher as the app shows it: the grant's terms and purpose, and its ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct VoucherView {
    /// Voucher id.
    pub id: Bytes32,
    /// Issuer.
    pub issuer: Address,
    /// Issuer name from the app's configuration (or the address).
    pub issuer_name: String,
    /// Holder account.
    pub holder: Address,
    /// Currency.
    pub currency: String,
    /// Granted amount (minor units).
    pub amount: u64,
    /// Value left (`amount − settled − reserved + refunded`).
    pub remaining: u64,
    /// Reserved by unsettled payments.
    pub reserved: u64,
    /// Paid out and final.
    pub settled: u64,
    /// Restored by refunds.
    pub refunded: u64,
    /// What can be spent now (0 when expired, not yet valid, used).
    pub spendable: u64,
    /// Forfeited by single use.
    pub forfeited: u64,
    /// Status.
    pub status: VoucherStatus,
    /// Allowed merchant categories (empty: any).
    pub categories: Vec<u16>,
    /// Allowed merchants (empty: any).
    pub merchants: Vec<Address>,
    /// Allowed regions (empty: anywhere).
    pub regions: Vec<String>,
    /// Valid from (Unix seconds).
    pub valid_from: u64,
    /// Valid until (Unix seconds).
    pub valid_until: u64,
    /// Hours of use, minutes after local midnight.
    pub hours_start: u16,
    /// End of the hours of use (exclusive).
    pub hours_end: u16,
    /// Local time zone, minutes east of UTC.
    pub utc_offset_minutes: i16,
    /// Minimum per payment.
    pub min_payment: u64,
    /// Maximum per payment (0: none).
    pub max_payment: u64,
    /// Daily limit (0: none).
    pub daily_limit: u64,
    /// One payment only.
    pub single_use: bool,
}

impl VoucherView {
    /// The view of `grant` with its ledger figures.
    pub(crate) fn of(grant: &VoucherGrant, issuer_name: String, ledger: Ledger) -> VoucherView {
        let p = &grant.purpose;
        VoucherView {
            id: grant.id.into(),
            issuer: grant.issuer,
            issuer_name,
            holder: grant.holder,
            currency: grant.currency.clone(),
            amount: grant.amount,
            remaining: ledger.remaining,
            reserved: ledger.reserved,
            settled: ledger.settled,
            refunded: ledger.refunded,
            spendable: ledger.spendable,
            forfeited: ledger.forfeited,
            status: ledger.status,
            categories: p.categories.clone(),
            merchants: p.merchants.clone(),
            regions: p.regions.clone(),
            valid_from: p.valid_from,
            valid_until: p.valid_until,
            hours_start: p.hours_start,
            hours_end: p.hours_end,
            utc_offset_minutes: p.utc_offset_minutes,
            min_payment: p.min_payment,
            max_payment: p.max_payment,
            daily_limit: p.daily_limit,
            single_use: p.single_use,
        }
    }
}

/// The ledger figures of one voucher (see [`VoucherView`]).
pub(crate) struct Ledger {
    pub remaining: u64,
    pub reserved: u64,
    pub settled: u64,
    pub refunded: u64,
    pub spendable: u64,
    pub forfeited: u64,
    pub status: VoucherStatus,
}

/// Spendable value in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct VoucherBalance {
    /// Currency.
    pub currency: String,
    /// Spendable now.
    pub spendable: u64,
    /// Reserved by unsettled payments.
    pub reserved: u64,
    /// Vouchers counted.
    pub vouchers: u32,
}

/// How much of one voucher pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct VoucherAllocation {
    /// Voucher id.
    pub voucher_id: Bytes32,
    /// Amount (minor units).
    pub amount: u64,
}

impl From<&Allocation> for VoucherAllocation {
    fn from(a: &Allocation) -> VoucherAllocation {
        VoucherAllocation {
            voucher_id: a.voucher_id.into(),
            amount: a.amount,
        }
    }
}

/// A voucher that cannot pay (part of) a request, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct UnusableVoucher {
    /// Voucher id.
    pub voucher_id: Bytes32,
    /// Why.
    pub reason: Ineligible,
    /// The reason in words.
    pub message: String,
}

impl UnusableVoucher {
    pub(crate) fn new(id: &Id, reason: Ineligible) -> UnusableVoucher {
        UnusableVoucher {
            voucher_id: (*id).into(),
            reason,
            message: reason.describe().into(),
        }
    }
}

/// How a request would be paid: which vouchers pay how much, and why the others cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct VoucherQuote {
    /// Whether the vouchers cover it.
    pub payable: bool,
    /// The shop's name.
    pub merchant_name: String,
    /// Amount requested.
    pub amount: u64,
    /// Currency.
    pub currency: String,
    /// Amount not covered.
    pub missing: u64,
    /// The account whose vouchers pay.
    pub holder: Option<Address>,
    /// Which vouchers pay how much.
    pub allocations: Vec<VoucherAllocation>,
    /// Vouchers that cannot pay, and why.
    pub unusable: Vec<UnusableVoucher>,
}

/// A signed payment (the wallet's own record of it; apps show [`VoucherPayment`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// What the merchant receives.
    pub payload: RedemptionPayload,
    /// The payload as a QR string (`JGRD:…`).
    pub qr: String,
    /// The redemption hash (its EIP-712 digest) settlements refer to.
    pub hash: [u8; 32],
    /// `true` when this request had been paid before and the same payment is returned.
    pub repeated: bool,
}

impl Payment {
    /// What apps show of it, with the signed redemption as typed data of `domain`.
    pub fn view(&self, domain: &VoucherDomain) -> VoucherPayment {
        let r = &self.payload.redemption.redemption;
        VoucherPayment {
            qr: self.qr.clone(),
            redemption_hash: self.hash.into(),
            repeated: self.repeated,
            holder: r.holder,
            sequence: r.sequence,
            allocations: r.allocations.iter().map(Into::into).collect(),
            signature: self.payload.redemption.signature,
            typed_data_json: r.typed_data(domain).to_string(),
        }
    }
}

/// A signed payment to show the merchant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct VoucherPayment {
    /// `JGRD:…` for the QR code.
    pub qr: String,
    /// Redemption hash (settlements refer to it).
    pub redemption_hash: Bytes32,
    /// The request was paid before: the same payment, nothing more reserved.
    pub repeated: bool,
    /// Paying account.
    pub holder: Address,
    /// Per-holder sequence number.
    pub sequence: u64,
    /// Vouchers and amounts.
    pub allocations: Vec<VoucherAllocation>,
    /// The holder's EIP-712 signature.
    pub signature: Signature,
    /// The signed redemption as `eth_signTypedData_v4` JSON (for a server or a contract).
    pub typed_data_json: String,
}

/// What applying a settlement did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(tag = "kind", rename_all = "snake_case")
)]
pub enum SettlementOutcome {
    /// The payment is final.
    Settled,
    /// The issuer rejected it; the reservation was released.
    Rejected,
    /// The payment had been released; it is now final as the money was still there.
    LateSettled,
    /// The payment had been released and the money was spent meanwhile: recorded for the app.
    Conflict {
        /// What conflicts, in words.
        note: String,
    },
    /// This settlement was applied before: nothing changed.
    AlreadyApplied,
}

/// One issuer's part of a payment and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct PaymentPart {
    /// The issuer.
    pub issuer: Address,
    /// `pending`, `settled`, `rejected: …`, `released`, `late_settled` or `conflict: …`.
    pub status: String,
}

/// One line of the history journal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct VoucherEvent {
    /// Order of events in this wallet.
    pub seq: u64,
    /// When (Unix seconds).
    pub at: u64,
    /// What happened.
    pub kind: EventKind,
    /// The voucher concerned.
    pub voucher_id: Bytes32,
    /// Amount concerned.
    pub amount: u64,
    /// Currency.
    pub currency: String,
    /// The other party (issuer or merchant).
    pub counterparty: Address,
    /// Its name.
    pub counterparty_name: String,
    /// The request or refund id, when there is one.
    pub reference: Option<Bytes32>,
    /// Details (a rejection reason, a conflict).
    pub note: String,
}

impl From<JournalEntry> for VoucherEvent {
    fn from(e: JournalEntry) -> VoucherEvent {
        VoucherEvent {
            seq: e.seq,
            at: e.at,
            kind: e.kind,
            voucher_id: e.voucher_id.into(),
            amount: e.amount,
            currency: e.currency,
            counterparty: e.counterparty,
            counterparty_name: e.counterparty_name,
            reference: e
                .reference
                .and_then(|r| <[u8; 32]>::try_from(r.as_slice()).ok())
                .map(Bytes32),
            note: e.note,
        }
    }
}

/// A signed payment request, with its QR text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct PaymentRequestInfo {
    /// `JGPR:…` for the QR code.
    pub qr: String,
    /// Request id.
    pub id: Bytes32,
    /// The shop.
    pub merchant: Address,
    /// Amount.
    pub amount: u64,
    /// Currency.
    pub currency: String,
    /// Expiry (Unix seconds).
    pub expires_at: u64,
}

impl PaymentRequestInfo {
    /// The info of a signed request and its QR text.
    pub fn new(r: &SignedRequest, qr: String) -> PaymentRequestInfo {
        PaymentRequestInfo {
            qr,
            id: r.request.id.into(),
            merchant: r.request.merchant,
            amount: r.request.amount,
            currency: r.request.currency.clone(),
            expires_at: r.request.expires_at,
        }
    }
}

/// A payment the shop accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct AcceptedPayment {
    /// The customer's account.
    pub holder: Address,
    /// Total.
    pub total: u64,
    /// The redemption hash, to forward for settlement.
    pub redemption_hash: Bytes32,
    /// Vouchers and amounts.
    pub allocations: Vec<VoucherAllocation>,
}

impl From<&VerifiedRedemption> for AcceptedPayment {
    fn from(v: &VerifiedRedemption) -> AcceptedPayment {
        AcceptedPayment {
            holder: v.holder,
            total: v.total,
            redemption_hash: v.hash.into(),
            allocations: v
                .allocations
                .iter()
                .map(|(id, _, amount)| VoucherAllocation {
                    voucher_id: (*id).into(),
                    amount: *amount,
                })
                .collect(),
        }
    }
}

/// What an issuer grants: holder, amount and the purpose rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct GrantSpec {
    /// The holder's account.
    pub holder: Address,
    /// Amount (minor units).
    pub amount: u64,
    /// Currency.
    pub currency: String,
    /// Valid from (Unix seconds).
    pub valid_from: u64,
    /// Valid until (Unix seconds).
    pub valid_until: u64,
    /// Voucher id; random when absent.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub id: Option<Bytes32>,
    /// Allowed merchant categories (empty: any).
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub categories: Vec<u16>,
    /// Allowed merchants (empty: any).
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub merchants: Vec<Address>,
    /// Allowed regions (empty: anywhere).
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub regions: Vec<String>,
    /// Hours of use, minutes after local midnight.
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub hours_start: u16,
    /// End of the hours (exclusive; 1440: midnight).
    #[cfg_attr(feature = "uniffi", uniffi(default = 1440))]
    #[cfg_attr(feature = "wasm", serde(default = "full_day"), tsify(optional))]
    pub hours_end: u16,
    /// The local time zone of the hours, minutes east of UTC (KST: 540).
    #[cfg_attr(feature = "uniffi", uniffi(default = 540))]
    #[cfg_attr(feature = "wasm", serde(default = "kst"), tsify(optional))]
    pub utc_offset_minutes: i16,
    /// Minimum per payment.
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub min_payment: u64,
    /// Maximum per payment (0: none).
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub max_payment: u64,
    /// Daily limit (0: none).
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub daily_limit: u64,
    /// One payment only.
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub single_use: bool,
}

#[cfg(feature = "wasm")]
fn full_day() -> u16 {
    1440
}

#[cfg(feature = "wasm")]
fn kst() -> i16 {
    540
}

impl GrantSpec {
    /// A grant usable anywhere, any time of day, with no limits (the same defaults the Kotlin,
    /// Swift and TypeScript records give the optional fields); narrow it with struct update
    /// syntax.
    ///
    /// ```
    /// use jigap_core::{keys::Address, voucher::GrantSpec};
    /// let grocer = GrantSpec { categories: vec![5411], ..GrantSpec::new(Address([1; 20]), 30_000, "KRW", 0, 86_400) };
    /// assert_eq!((grocer.hours_start, grocer.hours_end, grocer.utc_offset_minutes), (0, 1440, 540));
    /// ```
    pub fn new(
        holder: Address,
        amount: u64,
        currency: &str,
        valid_from: u64,
        valid_until: u64,
    ) -> GrantSpec {
        GrantSpec {
            holder,
            amount,
            currency: currency.to_string(),
            valid_from,
            valid_until,
            id: None,
            categories: vec![],
            merchants: vec![],
            regions: vec![],
            hours_start: 0,
            hours_end: 1440,
            utc_offset_minutes: 540,
            min_payment: 0,
            max_payment: 0,
            daily_limit: 0,
            single_use: false,
        }
    }

    /// The purpose it describes.
    pub fn purpose(&self) -> Purpose {
        Purpose {
            categories: self.categories.clone(),
            merchants: self.merchants.clone(),
            regions: self.regions.clone(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            hours_start: self.hours_start,
            hours_end: self.hours_end,
            utc_offset_minutes: self.utc_offset_minutes,
            min_payment: self.min_payment,
            max_payment: self.max_payment,
            daily_limit: self.daily_limit,
            single_use: self.single_use,
        }
    }
}
