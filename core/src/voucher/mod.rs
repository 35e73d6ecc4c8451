//! CBDC-backed vouchers in the spirit of purpose-bound money: receive, hold, pay, settle,
//! refund — and the merchant and issuer sides of the same exchange.
//!
//! ```text
//!  issuer ──VoucherGrant──▶ wallet            (import: signature, trusted issuer, holder, expiry, cap)
//!  merchant ──PaymentRequest (QR JGPR)──▶ wallet
//!  wallet: quote → choose vouchers → reserve → sign Redemption (QR JGRD) ──▶ merchant (verifies offline)
//!  merchant ──Redemption──▶ issuer: Settlement (settled | rejected) ──▶ wallet (final | released)
//!  issuer ──Refund──▶ wallet (value restored)
//! ```
//!
//! Each voucher keeps `remaining = amount − settled − reserved + refunded ≥ 0` at all times;
//! every state change is one atomic vault batch; settlements and refunds are idempotent.

pub mod chain;
mod codec;
mod issuer;
mod journal;
mod ledger;
mod merchant;
mod model;
mod rules;
mod views;
mod wallet;

pub use codec::{
    decode_grant, decode_redemption, decode_refund, decode_request, decode_settlement,
    encode_grant, encode_redemption, encode_refund, encode_request, encode_settlement,
};
pub use issuer::{DoubleSpend, VoucherIssuer, detect_double_spends};
pub use journal::{EventKind, HistoryFilter};
pub use merchant::{
    MAX_CLOCK_SKEW_SECS, MerchantDesk, RedemptionReject, VerifiedRedemption, verify_redemption,
};
pub use model::*;
pub use rules::{Ineligible, check_purpose};
pub use views::*;
pub use wallet::Vouchers;

use crate::keys::{Address, KeysError, Signature};
use crate::qr::QrError;
use crate::vault::VaultError;
use crate::wallet::WalletError;

/// What went wrong with a voucher, a payment or a settlement.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum VoucherError {
    /// Wallet or key problem.
    #[error(transparent)]
    Wallet(#[from] WalletError),
    /// A QR payload could not be read.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// A signature does not verify.
    #[error("the {0} is not validly signed; it was altered or forged — do not accept it")]
    BadSignature(&'static str),
    /// A genuine signature, but under another EIP-712 domain (another settlement network or
    /// contract) than the one configured: the demo domain, or one the app named as known
    /// ([`Vouchers::with_known_domains`]). Reported instead of [`VoucherError::BadSignature`]
    /// so nobody is told a genuine object was forged when only the configuration differs.
    ///
    /// Classed [`crate::error::ErrorClass::InvalidInput`]: the object is not forged (so not
    /// `BadSignature`, which tells apps to treat it as an attack), and the issuer may well be
    /// trusted (so not `Untrusted`); it is input this vault cannot use as configured, and the
    /// fix is on the input or the configuration side.
    #[error(
        "the {what} was signed for another domain (chain {}, contract {}); this {scope} is set to chain {}, contract {}: ask for one signed for this {scope}'s domain, or, if you trust that network, set this {scope}'s voucher domain to chain {} and contract {}",
        signed.chain_id, signed.verifying_contract, configured.chain_id,
        configured.verifying_contract, signed.chain_id, signed.verifying_contract
    )]
    OtherDomain {
        /// What was signed ("voucher grant", "settlement", …).
        what: &'static str,
        /// Whose domain it is checked under: "vault", "issuer" or "shop".
        scope: &'static str,
        /// The domain it verifies under.
        signed: VoucherDomain,
        /// The domain configured here.
        configured: VoucherDomain,
    },
    /// The issuer is not trusted by the app.
    #[error("{0} is not a trusted voucher issuer in this app; add it to the trusted issuers first")]
    UntrustedIssuer(Address),
    /// The grant's holder is not one of this wallet's accounts.
    #[error("this voucher was issued to {0}, which is not an account of this wallet")]
    NotYourVoucher(Address),
    /// The voucher has expired already.
    #[error("this voucher expired at {0} (Unix time); it cannot be imported")]
    Expired(u64),
    /// Already imported.
    #[error("voucher {0} is already in the wallet")]
    Duplicate(String),
    /// Invalid grant content.
    #[error("invalid voucher grant: {0}")]
    InvalidGrant(String),
    /// The issuer deals in another currency.
    #[error("{issuer} issues {expected} vouchers, but this one is in {got}")]
    CurrencyMismatch {
        /// Issuer name.
        issuer: String,
        /// Its configured currency.
        expected: String,
        /// The grant's currency.
        got: String,
    },
    /// Importing would pass the issuer's holding cap.
    #[error(
        "importing this voucher would give you {would_hold} from {issuer}, above its holding cap of {cap}; spend some first"
    )]
    HoldingCap {
        /// Issuer name.
        issuer: String,
        /// Cap per person.
        cap: u64,
        /// Total after import.
        would_hold: u64,
    },
    /// The payment request is past its expiry.
    #[error("this payment request expired at {0} (Unix time); ask the merchant for a new one")]
    RequestExpired(u64),
    /// No combination of vouchers can pay.
    #[error("your vouchers cannot pay this request: {missing} is missing{}", reasons_text(.reasons))]
    CannotPay {
        /// Amount not covered.
        missing: u64,
        /// Why each unusable voucher cannot pay.
        reasons: Vec<(String, Ineligible)>,
    },
    /// Paying would pass the issuer's offline allowance.
    #[error(
        "this payment would leave {would_be} unsettled with {issuer}, above its offline allowance of {allowance}; go online so pending payments settle, then pay again"
    )]
    OfflineAllowance {
        /// Issuer name.
        issuer: String,
        /// Allowance.
        allowance: u64,
        /// Unsettled total after this payment.
        would_be: u64,
    },
    /// Unknown voucher.
    #[error("no voucher {0} in this wallet")]
    UnknownVoucher(String),
    /// Unknown redemption.
    #[error("no payment with hash {0} in this wallet; it may belong to another wallet")]
    UnknownRedemption(String),
    /// A settlement or refund from an issuer with nothing to settle there.
    #[error("{0}")]
    NotApplicable(String),
    /// Arithmetic would overflow.
    #[error("amounts overflow; the numbers are not plausible")]
    Overflow,
    /// Damaged stored data.
    #[error("voucher data is damaged: {0}")]
    Corrupt(String),
    /// Talking to the voucher pool on chain failed: the node, the reply or the contract.
    #[error(transparent)]
    Chain(std::sync::Arc<crate::evm::EvmError>),
}

impl From<crate::evm::EvmError> for VoucherError {
    fn from(e: crate::evm::EvmError) -> VoucherError {
        VoucherError::Chain(std::sync::Arc::new(e))
    }
}

/// The [`VoucherError::OtherDomain`] for a signature that does not recover `expected` under
/// `configured`, when it does under the demo domain or one of `known`; `None` when it does
/// under none of them (then it is a bad signature). Only called on failure, so the extra
/// recoveries cost nothing on the normal path.
pub(crate) fn other_domain(
    what: &'static str,
    scope: &'static str,
    configured: &VoucherDomain,
    known: &[VoucherDomain],
    signature: &Signature,
    expected: &Address,
    digest: impl Fn(&VoucherDomain) -> [u8; 32],
) -> Option<VoucherError> {
    std::iter::once(&VoucherDomain::DEMO)
        .chain(known)
        .filter(|d| *d != configured)
        .find(|d| signature.recover_address(&digest(d)).ok().as_ref() == Some(expected))
        .map(|d| VoucherError::OtherDomain {
            what,
            scope,
            signed: *d,
            configured: *configured,
        })
}

fn reasons_text(reasons: &[(String, Ineligible)]) -> String {
    if reasons.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = reasons
        .iter()
        .map(|(id, r)| format!("{}…: {}", &id[..10.min(id.len())], r.describe()))
        .collect();
    format!(" ({})", parts.join("; "))
}

impl From<VaultError> for VoucherError {
    fn from(e: VaultError) -> Self {
        VoucherError::Wallet(WalletError::Vault(e))
    }
}

impl From<crate::env::RandomError> for VoucherError {
    fn from(e: crate::env::RandomError) -> Self {
        VoucherError::Wallet(WalletError::Keys(KeysError::Random(e)))
    }
}

impl From<KeysError> for VoucherError {
    fn from(e: KeysError) -> Self {
        VoucherError::Wallet(WalletError::Keys(e))
    }
}
