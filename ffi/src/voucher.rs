//! Vouchers for Kotlin and Swift: the wallet side (`Vouchers`), the shop (`MerchantDesk`) and
//! an issuer for tests and pilots (`VoucherIssuer`). Objects travel as their text forms
//! (`JGVG:` grants, `JGPR:` requests, `JGRD:` payments, `JGST:` settlements, `JGRF:` refunds).

use std::sync::Arc;

use jigap_core::keys::Address;
use jigap_core::voucher as v;

use crate::error::JigapError;
use crate::keys::{hex0x, parse_address, parse_digest};
use crate::wallet::Wallet;

/// The chain and settlement contract voucher signatures are bound to.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoucherDomain {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Settlement contract (EIP-55).
    pub verifying_contract: String,
}

/// jigap's demo domain (chain 1, contract 0x…4a6967). Use your settlement network in production.
#[uniffi::export]
pub fn voucher_demo_domain() -> VoucherDomain {
    VoucherDomain {
        chain_id: v::VoucherDomain::DEMO.chain_id,
        verifying_contract: v::VoucherDomain::DEMO.verifying_contract.to_string(),
    }
}

fn domain(d: Option<VoucherDomain>) -> Result<v::VoucherDomain, JigapError> {
    match d {
        None => Ok(v::VoucherDomain::DEMO),
        Some(d) => Ok(v::VoucherDomain {
            chain_id: d.chain_id,
            verifying_contract: parse_address(&d.verifying_contract)?,
        }),
    }
}

fn id32(s: &str) -> Result<[u8; 32], JigapError> {
    parse_digest(s).map_err(|_| {
        JigapError::InvalidInput(format!("'{s}' is not a 32-byte id (0x + 64 hex digits)"))
    })
}

/// An issuer the app trusts, with its per-person limits.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustedIssuer {
    /// Issuer address.
    pub address: String,
    /// Name shown to the citizen.
    pub name: String,
    /// Currency of its vouchers.
    pub currency: String,
    /// Most a person may hold at once (0: no cap).
    #[uniffi(default = 0)]
    pub holding_cap: u64,
    /// Most that may be spent unsettled (0: no limit).
    #[uniffi(default = 0)]
    pub offline_allowance: u64,
}

/// A voucher with its balance and purpose.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoucherInfo {
    /// Voucher id.
    pub id: String,
    /// Issuer address.
    pub issuer: String,
    /// Issuer name.
    pub issuer_name: String,
    /// Holder account.
    pub holder: String,
    /// Currency.
    pub currency: String,
    /// Granted amount (minor units).
    pub amount: u64,
    /// amount − settled − reserved + refunded.
    pub remaining: u64,
    /// Reserved by unsettled payments.
    pub reserved: u64,
    /// Paid and final.
    pub settled: u64,
    /// Refunded.
    pub refunded: u64,
    /// Spendable now.
    pub spendable: u64,
    /// Forfeited by single use.
    pub forfeited: u64,
    /// active, not_yet_valid, expired, used, empty.
    pub status: String,
    /// Allowed merchant categories (empty: any).
    pub categories: Vec<u16>,
    /// Allowed merchants (empty: any).
    pub merchants: Vec<String>,
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

fn info(x: &v::VoucherView) -> VoucherInfo {
    let g = &x.grant.grant;
    let p = &g.purpose;
    VoucherInfo {
        id: hex0x(&g.id),
        issuer: g.issuer.to_string(),
        issuer_name: x.issuer_name.clone(),
        holder: g.holder.to_string(),
        currency: g.currency.clone(),
        amount: g.amount,
        remaining: x.remaining,
        reserved: x.reserved,
        settled: x.settled,
        refunded: x.refunded,
        spendable: x.spendable,
        forfeited: x.forfeited,
        status: x.status.code().into(),
        categories: p.categories.clone(),
        merchants: p.merchants.iter().map(|m| m.to_string()).collect(),
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

/// Spendable value in one currency.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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

/// How much of a voucher pays.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoucherAllocation {
    /// Voucher id.
    pub voucher_id: String,
    /// Amount.
    pub amount: u64,
}

/// A voucher that cannot pay, and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UnusableVoucher {
    /// Voucher id.
    pub voucher_id: String,
    /// Reason code (expired, category, region, hours, single_use_spent, daily_limit, …).
    pub reason: String,
    /// The reason in words.
    pub message: String,
}

/// How a request would be paid.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoucherQuote {
    /// Whether the vouchers cover it.
    pub payable: bool,
    /// Shop name.
    pub merchant_name: String,
    /// Amount requested.
    pub amount: u64,
    /// Currency.
    pub currency: String,
    /// Amount not covered.
    pub missing: u64,
    /// Paying account.
    pub holder: Option<String>,
    /// Vouchers and amounts.
    pub allocations: Vec<VoucherAllocation>,
    /// Vouchers that cannot pay, and why.
    pub unusable: Vec<UnusableVoucher>,
}

/// A signed payment to show the merchant.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoucherPayment {
    /// `JGRD:…` for the QR code.
    pub qr: String,
    /// Redemption hash (settlements refer to it).
    pub redemption_hash: String,
    /// The request was paid before: the same payment, nothing more reserved.
    pub repeated: bool,
    /// Paying account.
    pub holder: String,
    /// Per-holder sequence number.
    pub sequence: u64,
    /// Vouchers and amounts.
    pub allocations: Vec<VoucherAllocation>,
    /// The holder's EIP-712 signature (65 bytes, `0x` hex).
    pub signature: String,
    /// The signed redemption as `eth_signTypedData_v4` JSON (for a server or a contract).
    pub typed_data_json: String,
}

/// One line of the history journal.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VoucherEvent {
    /// Order.
    pub seq: u64,
    /// When (Unix seconds).
    pub at: u64,
    /// imported, reserved, settled, rejected, released, late_settled, conflict, refunded.
    pub kind: String,
    /// Voucher id.
    pub voucher_id: String,
    /// Amount.
    pub amount: u64,
    /// Currency.
    pub currency: String,
    /// Issuer or merchant.
    pub counterparty: String,
    /// Its name.
    pub counterparty_name: String,
    /// Request or refund id.
    pub reference: Option<String>,
    /// Details.
    pub note: String,
}

/// The voucher side of a wallet.
#[derive(uniffi::Object)]
pub struct Vouchers {
    inner: v::VoucherWallet,
}

fn allocations(a: &[v::Allocation]) -> Vec<VoucherAllocation> {
    a.iter()
        .map(|a| VoucherAllocation {
            voucher_id: hex0x(&a.voucher_id),
            amount: a.amount,
        })
        .collect()
}

#[uniffi::export]
impl Vouchers {
    /// The vouchers of `wallet` under `domain` (`null`: the demo domain).
    #[uniffi::constructor(default(domain = None))]
    pub fn new(
        wallet: Arc<Wallet>,
        domain: Option<VoucherDomain>,
    ) -> Result<Arc<Vouchers>, JigapError> {
        Ok(Arc::new(Vouchers {
            inner: v::VoucherWallet::new(wallet.inner.clone(), self::domain(domain)?),
        }))
    }

    /// Replace the trusted issuers.
    pub fn set_trusted_issuers(&self, issuers: Vec<TrustedIssuer>) -> Result<(), JigapError> {
        let list = issuers
            .into_iter()
            .map(|i| {
                Ok(v::TrustedIssuer {
                    address: parse_address(&i.address)?,
                    name: i.name,
                    currency: i.currency,
                    holding_cap: i.holding_cap,
                    offline_allowance: i.offline_allowance,
                })
            })
            .collect::<Result<Vec<_>, JigapError>>()?;
        Ok(self.inner.set_trusted_issuers(list)?)
    }

    /// The trusted issuers.
    pub fn trusted_issuers(&self) -> Result<Vec<TrustedIssuer>, JigapError> {
        Ok(self
            .inner
            .trusted_issuers()?
            .into_iter()
            .map(|i| TrustedIssuer {
                address: i.address.to_string(),
                name: i.name,
                currency: i.currency,
                holding_cap: i.holding_cap,
                offline_allowance: i.offline_allowance,
            })
            .collect())
    }

    /// Import a grant (`JGVG:…`).
    pub fn import_grant(&self, grant: String) -> Result<VoucherInfo, JigapError> {
        Ok(info(&self.inner.import(&v::decode_grant(&grant)?)?))
    }

    /// Every voucher, soonest expiry first; expired ones last, marked expired.
    pub fn vouchers(&self) -> Result<Vec<VoucherInfo>, JigapError> {
        Ok(self.inner.vouchers()?.iter().map(info).collect())
    }

    /// One voucher.
    pub fn voucher(&self, id: String) -> Result<VoucherInfo, JigapError> {
        Ok(info(&self.inner.voucher(&id32(&id)?)?))
    }

    /// Spendable now, per currency.
    pub fn balances(&self) -> Result<Vec<VoucherBalance>, JigapError> {
        Ok(self
            .inner
            .balances()?
            .into_iter()
            .map(|b| VoucherBalance {
                currency: b.currency,
                spendable: b.spendable,
                reserved: b.reserved,
                vouchers: b.vouchers,
            })
            .collect())
    }

    /// Which vouchers would pay a request (`JGPR:…`), and why the others cannot.
    pub fn quote(&self, request: String) -> Result<VoucherQuote, JigapError> {
        let q = self.inner.quote(&v::decode_request(&request)?)?;
        Ok(VoucherQuote {
            payable: q.payable,
            merchant_name: q.request.merchant_name.clone(),
            amount: q.request.amount,
            currency: q.request.currency.clone(),
            missing: q.missing,
            holder: q.holder.map(|h| h.to_string()),
            allocations: allocations(&q.allocations),
            unusable: q
                .unusable
                .iter()
                .map(|(id, r)| UnusableVoucher {
                    voucher_id: hex0x(id),
                    reason: r.code().into(),
                    message: r.describe().into(),
                })
                .collect(),
        })
    }

    /// Pay a request: choose, reserve, sign, persist — all or nothing.
    pub fn pay(&self, request: String) -> Result<VoucherPayment, JigapError> {
        let p = self.inner.pay(&v::decode_request(&request)?)?;
        let r = &p.payload.redemption.redemption;
        Ok(VoucherPayment {
            qr: p.qr.clone(),
            redemption_hash: hex0x(&p.hash),
            repeated: p.repeated,
            holder: r.holder.to_string(),
            sequence: r.sequence,
            allocations: allocations(&r.allocations),
            signature: p.payload.redemption.signature.to_string(),
            typed_data_json: r.typed_data(&self.inner.domain()).to_string(),
        })
    }

    /// Apply a settlement (`JGST:…`): settled, rejected, late_settled, conflict or already_applied.
    pub fn apply_settlement(&self, settlement: String) -> Result<String, JigapError> {
        Ok(
            match self
                .inner
                .apply_settlement(&v::decode_settlement(&settlement)?)?
            {
                v::SettlementOutcome::Settled => "settled".into(),
                v::SettlementOutcome::Rejected => "rejected".into(),
                v::SettlementOutcome::LateSettled => "late_settled".into(),
                v::SettlementOutcome::Conflict(n) => format!("conflict: {n}"),
                v::SettlementOutcome::AlreadyApplied => "already_applied".into(),
            },
        )
    }

    /// Apply a refund (`JGRF:…`); `false` if it was applied before.
    pub fn apply_refund(&self, refund: String) -> Result<bool, JigapError> {
        Ok(self.inner.apply_refund(&v::decode_refund(&refund)?)?)
    }

    /// Release reservations of requests that expired unsettled; returns how many payments.
    pub fn release_expired(&self) -> Result<u32, JigapError> {
        Ok(self.inner.release_expired()? as u32)
    }

    /// The history journal, oldest first.
    #[uniffi::method(default(voucher_id = None, from = None, until = None))]
    pub fn history(
        &self,
        voucher_id: Option<String>,
        from: Option<u64>,
        until: Option<u64>,
    ) -> Result<Vec<VoucherEvent>, JigapError> {
        let filter = v::HistoryFilter {
            voucher: voucher_id.as_deref().map(id32).transpose()?,
            from,
            until,
        };
        Ok(self
            .inner
            .history(&filter)?
            .into_iter()
            .map(|e| VoucherEvent {
                seq: e.seq,
                at: e.at,
                kind: e.kind.code().into(),
                voucher_id: hex0x(&e.voucher_id),
                amount: e.amount,
                currency: e.currency,
                counterparty: e.counterparty.to_string(),
                counterparty_name: e.counterparty_name,
                reference: e.reference.map(|r| hex0x(&r)),
                note: e.note,
            })
            .collect())
    }
}

/// A signed payment request.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentRequestInfo {
    /// `JGPR:…` for the QR code.
    pub qr: String,
    /// Request id.
    pub id: String,
    /// Shop address.
    pub merchant: String,
    /// Amount.
    pub amount: u64,
    /// Currency.
    pub currency: String,
    /// Expiry (Unix seconds).
    pub expires_at: u64,
}

/// A payment the shop accepted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AcceptedPayment {
    /// Customer account.
    pub holder: String,
    /// Total.
    pub total: u64,
    /// Redemption hash to forward for settlement.
    pub redemption_hash: String,
    /// Vouchers and amounts.
    pub allocations: Vec<VoucherAllocation>,
}

/// A shop: signs payment requests and verifies payments offline.
#[derive(uniffi::Object)]
pub struct MerchantDesk {
    inner: v::Merchant,
}

#[uniffi::export]
impl MerchantDesk {
    /// A shop signing with `merchant` (an account of `wallet`).
    #[uniffi::constructor(default(domain = None))]
    pub fn new(
        wallet: Arc<Wallet>,
        merchant: String,
        name: String,
        category: u16,
        region: String,
        trusted_issuers: Vec<String>,
        domain: Option<VoucherDomain>,
    ) -> Result<Arc<MerchantDesk>, JigapError> {
        let trusted = trusted_issuers
            .iter()
            .map(|a| parse_address(a))
            .collect::<Result<Vec<Address>, _>>()?;
        Ok(Arc::new(MerchantDesk {
            inner: v::Merchant::new(
                wallet.inner.clone(),
                parse_address(&merchant)?,
                &name,
                category,
                &region,
                self::domain(domain)?,
                trusted,
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
        Ok(PaymentRequestInfo {
            qr,
            id: hex0x(&r.request.id),
            merchant: r.request.merchant.to_string(),
            amount,
            currency,
            expires_at: r.request.expires_at,
        })
    }

    /// Verify a payment (`JGRD:…`) offline against its request (`JGPR:…`). Throws `Refused`
    /// with the reason, including a replay or a reused sequence number.
    pub fn accept(&self, request: String, payment: String) -> Result<AcceptedPayment, JigapError> {
        let req = v::decode_request(&request)?;
        let ok = self.inner.accept(&req, &payment)?;
        Ok(AcceptedPayment {
            holder: ok.holder.to_string(),
            total: ok.total,
            redemption_hash: hex0x(&ok.hash),
            allocations: ok
                .allocations
                .iter()
                .map(|(id, _, a)| VoucherAllocation {
                    voucher_id: hex0x(id),
                    amount: *a,
                })
                .collect(),
        })
    }
}

/// What to grant.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GrantSpec {
    /// Holder address.
    pub holder: String,
    /// Amount (minor units).
    pub amount: u64,
    /// Currency.
    pub currency: String,
    /// Valid from (Unix seconds).
    pub valid_from: u64,
    /// Valid until (Unix seconds).
    pub valid_until: u64,
    /// Voucher id (0x + 64 hex); random when null.
    #[uniffi(default = None)]
    pub id: Option<String>,
    /// Allowed merchant categories.
    #[uniffi(default = [])]
    pub categories: Vec<u16>,
    /// Allowed merchants.
    #[uniffi(default = [])]
    pub merchants: Vec<String>,
    /// Allowed regions.
    #[uniffi(default = [])]
    pub regions: Vec<String>,
    /// Hours of use, minutes after local midnight.
    #[uniffi(default = 0)]
    pub hours_start: u16,
    /// End of the hours (exclusive).
    #[uniffi(default = 1440)]
    pub hours_end: u16,
    /// Local time zone, minutes east of UTC.
    #[uniffi(default = 540)]
    pub utc_offset_minutes: i16,
    /// Minimum per payment.
    #[uniffi(default = 0)]
    pub min_payment: u64,
    /// Maximum per payment (0: none).
    #[uniffi(default = 0)]
    pub max_payment: u64,
    /// Daily limit (0: none).
    #[uniffi(default = 0)]
    pub daily_limit: u64,
    /// One payment only.
    #[uniffi(default = false)]
    pub single_use: bool,
}

/// A double spend found by the issuer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DoubleSpendInfo {
    /// over_allocated, sequence_reused, single_use_reused, bad_signature.
    pub kind: String,
    /// In words.
    pub detail: String,
}

/// An issuer (for tests, pilots and demos): grants, settlements, refunds, double-spend checks.
/// Signs with one of `wallet`'s accounts.
#[derive(uniffi::Object)]
pub struct VoucherIssuer {
    wallet: Arc<jigap_core::wallet::Wallet>,
    address: Address,
    domain: v::VoucherDomain,
}

#[uniffi::export]
impl VoucherIssuer {
    /// An issuer signing with `issuer` (an account of `wallet`).
    #[uniffi::constructor(default(domain = None))]
    pub fn new(
        wallet: Arc<Wallet>,
        issuer: String,
        domain: Option<VoucherDomain>,
    ) -> Result<Arc<VoucherIssuer>, JigapError> {
        let address = parse_address(&issuer)?;
        wallet.inner.signer(&address)?;
        Ok(Arc::new(VoucherIssuer {
            wallet: wallet.inner.clone(),
            address,
            domain: self::domain(domain)?,
        }))
    }

    /// Sign a grant; returns `JGVG:…`.
    pub fn grant(&self, spec: GrantSpec) -> Result<String, JigapError> {
        let id = match &spec.id {
            Some(s) => id32(s)?,
            None => self.wallet.env().random_array()?,
        };
        let purpose = v::Purpose {
            categories: spec.categories,
            merchants: spec
                .merchants
                .iter()
                .map(|m| parse_address(m))
                .collect::<Result<_, _>>()?,
            regions: spec.regions,
            valid_from: spec.valid_from,
            valid_until: spec.valid_until,
            hours_start: spec.hours_start,
            hours_end: spec.hours_end,
            utc_offset_minutes: spec.utc_offset_minutes,
            min_payment: spec.min_payment,
            max_payment: spec.max_payment,
            daily_limit: spec.daily_limit,
            single_use: spec.single_use,
        };
        let g = v::VoucherGrant {
            id,
            issuer: self.address,
            holder: parse_address(&spec.holder)?,
            currency: spec.currency,
            amount: spec.amount,
            issued_at: self.wallet.env().clock.now_secs(),
            purpose,
        };
        Ok(v::encode_grant(
            &g.sign(&self.domain, &self.wallet.signer(&self.address)?)?,
        ))
    }

    /// Settle (or, with a reason, reject) a payment; returns `JGST:…`.
    #[uniffi::method(default(reject_reason = None))]
    pub fn settle(
        &self,
        payment: String,
        reject_reason: Option<String>,
    ) -> Result<String, JigapError> {
        let p = v::decode_redemption(&payment)?;
        let r = &p.redemption.redemption;
        let hash = r.digest(&self.domain);
        if p.redemption.signature.recover_address(&hash).ok() != Some(r.holder) {
            return Err(JigapError::BadSignature(
                "the payment's holder signature is invalid".into(),
            ));
        }
        let s = v::Settlement {
            redemption_hash: hash,
            issuer: self.address,
            settled: reject_reason.is_none(),
            reason: reject_reason.unwrap_or_default(),
            settled_at: self.wallet.env().clock.now_secs(),
        };
        Ok(v::encode_settlement(
            &s.sign(&self.domain, &self.wallet.signer(&self.address)?)?,
        ))
    }

    /// Refund `amount` to a voucher; returns `JGRF:…`.
    pub fn refund(&self, voucher_id: String, amount: u64) -> Result<String, JigapError> {
        let f = v::Refund {
            id: self.wallet.env().random_array()?,
            voucher_id: id32(&voucher_id)?,
            amount,
            refunded_at: self.wallet.env().clock.now_secs(),
        };
        Ok(v::encode_refund(
            &f.sign(&self.domain, &self.wallet.signer(&self.address)?)?,
        ))
    }

    /// Double spends in a batch of payments (`JGRD:…`).
    pub fn detect_double_spends(
        &self,
        payments: Vec<String>,
    ) -> Result<Vec<DoubleSpendInfo>, JigapError> {
        let batch = payments
            .iter()
            .map(|p| v::decode_redemption(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(
            v::detect_double_spends(&self.domain, &batch, &Default::default())
                .into_iter()
                .map(|d| match d {
                    v::DoubleSpend::OverAllocated {
                        voucher,
                        allocated,
                        available,
                    } => DoubleSpendInfo {
                        kind: "over_allocated".into(),
                        detail: format!(
                            "voucher {} allocated {allocated} of {available}",
                            hex0x(&voucher)
                        ),
                    },
                    v::DoubleSpend::SequenceReused { holder, sequence } => DoubleSpendInfo {
                        kind: "sequence_reused".into(),
                        detail: format!("{holder} used sequence {sequence} twice"),
                    },
                    v::DoubleSpend::SingleUseReused { voucher } => DoubleSpendInfo {
                        kind: "single_use_reused".into(),
                        detail: format!("single-use voucher {} paid twice", hex0x(&voucher)),
                    },
                    v::DoubleSpend::BadSignature { redemption } => DoubleSpendInfo {
                        kind: "bad_signature".into(),
                        detail: format!("payment {} is not validly signed", hex0x(&redemption)),
                    },
                    _ => DoubleSpendInfo {
                        kind: "other".into(),
                        detail: String::new(),
                    },
                })
                .collect(),
        )
    }
}
