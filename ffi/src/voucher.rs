//! Vouchers for Kotlin and Swift: the objects over the core's `Vouchers`, `MerchantDesk` and
//! `VoucherIssuer`. Records are the core's own; objects travel as their text forms (`JGVG:`
//! grants, `JGPR:` requests, `JGRD:` payments, `JGST:` settlements, `JGRF:` refunds).

use std::sync::Arc;

use jigap_core::bind::Bytes32;
use jigap_core::keys::Address;
use jigap_core::voucher as v;
use jigap_core::voucher::{
    AcceptedPayment, DoubleSpend, GrantSpec, PaymentPart, PaymentRequestInfo, SettlementOutcome,
    TrustedIssuer, VoucherBalance, VoucherDomain, VoucherEvent, VoucherPayment, VoucherQuote,
    VoucherView,
};

use crate::error::JigapError;
use crate::wallet::Wallet;

/// jigap's demo domain (chain 1, contract 0x…4a6967). Use your settlement network in production.
#[uniffi::export]
pub fn voucher_demo_domain() -> VoucherDomain {
    VoucherDomain::DEMO
}

/// The voucher side of a wallet.
#[derive(uniffi::Object)]
pub struct Vouchers {
    inner: v::Vouchers,
}

#[uniffi::export]
impl Vouchers {
    /// The vouchers of `wallet` under `domain` (`null`: the demo domain).
    #[uniffi::constructor(default(domain = None))]
    pub fn new(wallet: Arc<Wallet>, domain: Option<VoucherDomain>) -> Arc<Vouchers> {
        Arc::new(Vouchers {
            inner: v::Vouchers::new(wallet.inner.clone(), domain.unwrap_or_default()),
        })
    }

    /// Replace the trusted issuers.
    pub fn set_trusted_issuers(&self, issuers: Vec<TrustedIssuer>) -> Result<(), JigapError> {
        Ok(self.inner.set_trusted_issuers(issuers)?)
    }

    /// The trusted issuers.
    pub fn trusted_issuers(&self) -> Result<Vec<TrustedIssuer>, JigapError> {
        Ok(self.inner.trusted_issuers()?)
    }

    /// Import a grant (`JGVG:…`).
    pub fn import_grant(&self, grant: String) -> Result<VoucherView, JigapError> {
        Ok(self.inner.import(&v::decode_grant(&grant)?)?)
    }

    /// Every voucher, soonest expiry first; expired ones last, marked expired.
    pub fn vouchers(&self) -> Result<Vec<VoucherView>, JigapError> {
        Ok(self.inner.vouchers()?)
    }

    /// One voucher.
    pub fn voucher(&self, id: Bytes32) -> Result<VoucherView, JigapError> {
        Ok(self.inner.voucher(&id.0)?)
    }

    /// Spendable now, per currency.
    pub fn balances(&self) -> Result<Vec<VoucherBalance>, JigapError> {
        Ok(self.inner.balances()?)
    }

    /// Which vouchers would pay a request (`JGPR:…`), and why the others cannot.
    pub fn quote(&self, request: String) -> Result<VoucherQuote, JigapError> {
        Ok(self.inner.quote(&v::decode_request(&request)?)?)
    }

    /// Pay a request: choose, reserve, sign, persist — all or nothing.
    pub fn pay(&self, request: String) -> Result<VoucherPayment, JigapError> {
        let p = self.inner.pay(&v::decode_request(&request)?)?;
        Ok(p.view(&self.inner.domain()))
    }

    /// Apply a settlement (`JGST:…`).
    pub fn apply_settlement(&self, settlement: String) -> Result<SettlementOutcome, JigapError> {
        Ok(self
            .inner
            .apply_settlement(&v::decode_settlement(&settlement)?)?)
    }

    /// Apply a refund (`JGRF:…`); `false` if it was applied before.
    pub fn apply_refund(&self, refund: String) -> Result<bool, JigapError> {
        Ok(self.inner.apply_refund(&v::decode_refund(&refund)?)?)
    }

    /// Release reservations of requests that expired unsettled; returns how many payments.
    pub fn release_expired(&self) -> Result<u32, JigapError> {
        Ok(u32::try_from(self.inner.release_expired()?).unwrap_or(u32::MAX))
    }

    /// Where a payment stands, per issuer.
    pub fn payment_status(&self, redemption_hash: Bytes32) -> Result<Vec<PaymentPart>, JigapError> {
        Ok(self.inner.payment_status(&redemption_hash.0)?)
    }

    /// The history journal, oldest first.
    #[uniffi::method(default(voucher_id = None, from = None, until = None))]
    pub fn history(
        &self,
        voucher_id: Option<Bytes32>,
        from: Option<u64>,
        until: Option<u64>,
    ) -> Result<Vec<VoucherEvent>, JigapError> {
        let filter = v::HistoryFilter {
            voucher: voucher_id.map(|b| b.0),
            from,
            until,
        };
        Ok(self.inner.history(&filter)?)
    }
}

/// A shop: signs payment requests and verifies payments offline.
#[derive(uniffi::Object)]
pub struct MerchantDesk {
    inner: v::MerchantDesk,
}

#[uniffi::export]
impl MerchantDesk {
    /// A shop signing with `merchant` (an account of `wallet`).
    #[uniffi::constructor(default(domain = None))]
    pub fn new(
        wallet: Arc<Wallet>,
        merchant: Address,
        name: String,
        category: u16,
        region: String,
        trusted_issuers: Vec<Address>,
        domain: Option<VoucherDomain>,
    ) -> Result<Arc<MerchantDesk>, JigapError> {
        Ok(Arc::new(MerchantDesk {
            inner: v::MerchantDesk::new(
                wallet.inner.clone(),
                merchant,
                &name,
                category,
                &region,
                domain.unwrap_or_default(),
                trusted_issuers,
            )?,
        }))
    }

    /// A signed request for `amount`, valid `ttl_secs`.
    pub fn create_request(
        &self,
        amount: u64,
        currency: String,
        ttl_secs: u64,
    ) -> Result<PaymentRequestInfo, JigapError> {
        let (r, qr) = self.inner.create_request(amount, &currency, ttl_secs)?;
        Ok(PaymentRequestInfo::new(&r, qr))
    }

    /// Verify a payment (`JGRD:…`) offline against its request (`JGPR:…`). Throws `Refused`
    /// with the reason, including a replay or a reused sequence number.
    pub fn accept(&self, request: String, payment: String) -> Result<AcceptedPayment, JigapError> {
        let req = v::decode_request(&request)?;
        Ok((&self.inner.accept(&req, &payment)?).into())
    }
}

/// An issuer (for tests, pilots and demos): grants, settlements, refunds, double-spend checks.
/// Signs with one of `wallet`'s accounts.
#[derive(uniffi::Object)]
pub struct VoucherIssuer {
    inner: v::VoucherIssuer,
}

#[uniffi::export]
impl VoucherIssuer {
    /// An issuer signing with `issuer` (an account of `wallet`).
    #[uniffi::constructor(default(domain = None))]
    pub fn new(
        wallet: Arc<Wallet>,
        issuer: Address,
        domain: Option<VoucherDomain>,
    ) -> Result<Arc<VoucherIssuer>, JigapError> {
        Ok(Arc::new(VoucherIssuer {
            inner: v::VoucherIssuer::new(wallet.inner.clone(), issuer, domain.unwrap_or_default())?,
        }))
    }

    /// Sign a grant (purpose validated first); returns `JGVG:…`.
    pub fn grant(&self, spec: GrantSpec) -> Result<String, JigapError> {
        Ok(v::encode_grant(&self.inner.grant(&spec)?))
    }

    /// Settle (or, with a reason, reject) a payment (`JGRD:…`); returns `JGST:…`.
    #[uniffi::method(default(reject_reason = None))]
    pub fn settle(
        &self,
        payment: String,
        reject_reason: Option<String>,
    ) -> Result<String, JigapError> {
        let p = v::decode_redemption(&payment)?;
        Ok(v::encode_settlement(
            &self.inner.settle(&p, reject_reason.as_deref())?,
        ))
    }

    /// Refund `amount` to a voucher (never more than was settled from it); returns `JGRF:…`.
    pub fn refund(&self, voucher_id: Bytes32, amount: u64) -> Result<String, JigapError> {
        Ok(v::encode_refund(&self.inner.refund(&voucher_id.0, amount)?))
    }

    /// Double spends in a batch of payments (`JGRD:…`).
    pub fn detect_double_spends(
        &self,
        payments: Vec<String>,
    ) -> Result<Vec<DoubleSpend>, JigapError> {
        let batch = payments
            .iter()
            .map(|p| v::decode_redemption(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.inner.detect_double_spends(&batch)?)
    }
}
