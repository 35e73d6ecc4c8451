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

// ------------------------------------------------------------------ on chain (VoucherPool)

use jigap_core::evm::{HexData, Receipt, U256};
use jigap_core::voucher::chain::{
    self as pool, ChainSync, PoolEvent, PoolMerchant, PoolSettlement, PoolSolvency, PoolVoucher,
    VoucherChainState,
};

use crate::evm::{Foreign, JsonRpcTransport};

#[uniffi::export]
impl Vouchers {
    /// Apply what the pool (this domain's `verifyingContract`) says about this wallet's
    /// vouchers since the last sync: payments settled on chain, refunds, reclaims after expiry.
    pub fn sync_chain(
        &self,
        transport: Arc<dyn JsonRpcTransport>,
    ) -> Result<ChainSync, JigapError> {
        Ok(self.inner.sync_chain(&Foreign(transport.as_ref()))?)
    }

    /// Apply the pool's events in a receipt (a settlement the app sent or was shown).
    pub fn apply_chain_receipt(&self, receipt: Receipt) -> Result<ChainSync, JigapError> {
        Ok(self.inner.apply_chain_logs(&receipt.logs)?)
    }

    /// Each voucher beside the pool's view of it (registered, same grant, in step).
    pub fn chain_state(
        &self,
        transport: Arc<dyn JsonRpcTransport>,
    ) -> Result<Vec<VoucherChainState>, JigapError> {
        Ok(self.inner.chain_state(&Foreign(transport.as_ref()))?)
    }
}

#[uniffi::export]
impl MerchantDesk {
    /// The transaction that settles an accepted payment (`JGRD:…` of `request`, `JGPR:…`) on
    /// the shop's pool; send it with `EvmWallet.sendFlow`.
    pub fn redeem_onchain(
        &self,
        request: String,
        payment: String,
    ) -> Result<jigap_core::evm::SendIntent, JigapError> {
        Ok(self.inner.redeem_onchain(
            &v::decode_request(&request)?,
            &v::decode_redemption(&payment)?,
        ))
    }

    /// What a settlement transaction did, from its receipt.
    pub fn settlement(&self, receipt: Receipt) -> PoolSettlement {
        self.inner.settlement(&receipt)
    }
}

/// Deployment bytes of a `VoucherPool` (its compiled bytecode, then the deposit token, the
/// currency and token units per minor unit).
#[uniffi::export]
pub fn voucher_pool_deploy_data(
    bytecode: HexData,
    token: Address,
    currency: String,
    scale: U256,
) -> Result<HexData, JigapError> {
    Ok(pool::deploy_data(&bytecode.0, &token, &currency, scale)?.into())
}

/// `fund(amount)` calldata (approve `amount × scale` of the token to the pool first).
#[uniffi::export]
pub fn voucher_pool_fund_call(amount: u64) -> HexData {
    pool::fund_call(amount).into()
}

/// `withdraw(amount)` calldata: funds not granted go back to the issuer.
#[uniffi::export]
pub fn voucher_pool_withdraw_call(amount: u64) -> HexData {
    pool::withdraw_call(amount).into()
}

/// `registerGrants` calldata for grants (`JGVG:…`) the sending issuer signed.
#[uniffi::export]
pub fn voucher_pool_register_call(grants: Vec<String>) -> Result<HexData, JigapError> {
    let g = grants
        .iter()
        .map(|x| v::decode_grant(x))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(pool::register_call(&g).into())
}

/// `setMerchants` calldata: the pool owner's merchant registry.
#[uniffi::export]
pub fn voucher_pool_set_merchants_call(entries: Vec<PoolMerchant>) -> HexData {
    pool::set_merchants_call(&entries).into()
}

/// `setIssuer` calldata: the pool owner adds or removes an issuer.
#[uniffi::export]
pub fn voucher_pool_set_issuer_call(issuer: Address, allowed: bool) -> HexData {
    pool::set_issuer_call(&issuer, allowed).into()
}

/// `pause()` / `unpause()` calldata.
#[uniffi::export]
pub fn voucher_pool_pause_call(paused: bool) -> HexData {
    pool::pause_call(paused).into()
}

/// `redeemBatch` calldata: an issuer settles many payments (`JGPR:…` and `JGRD:…` pairs).
#[uniffi::export]
pub fn voucher_pool_redeem_batch_call(
    requests: Vec<String>,
    payments: Vec<String>,
) -> Result<HexData, JigapError> {
    if requests.len() != payments.len() {
        return Err(v::VoucherError::InvalidGrant(
            "give one request per payment, in the same order".into(),
        )
        .into());
    }
    let items = requests
        .iter()
        .zip(&payments)
        .map(|(q, p)| Ok((v::decode_request(q)?, v::decode_redemption(p)?)))
        .collect::<Result<Vec<_>, v::VoucherError>>()?;
    Ok(pool::redeem_batch_call(&items).into())
}

/// `refund` calldata: a merchant returns `amount` to a voucher (approve it to the pool first).
#[uniffi::export]
pub fn voucher_pool_refund_call(voucher_id: Bytes32, amount: u64, reference: Bytes32) -> HexData {
    pool::refund_call(&voucher_id.0, amount, &reference.0).into()
}

/// `reclaim` calldata: after expiry the issuer takes back what is left.
#[uniffi::export]
pub fn voucher_pool_reclaim_call(voucher_ids: Vec<Bytes32>) -> HexData {
    let ids: Vec<[u8; 32]> = voucher_ids.iter().map(|b| b.0).collect();
    pool::reclaim_call(&ids).into()
}

/// A voucher's state in a pool, read through `transport`.
#[uniffi::export]
pub fn voucher_pool_voucher(
    transport: Arc<dyn JsonRpcTransport>,
    pool_address: Address,
    voucher_id: Bytes32,
) -> Result<PoolVoucher, JigapError> {
    let data = jigap_core::evm::rpc::read::eth_call(
        &Foreign(transport.as_ref()),
        &pool_address,
        &pool::voucher_call(&voucher_id.0),
    )?;
    Ok(pool::parse_voucher(&voucher_id.0, &data)?)
}

/// A pool's books (outstanding + unallocated ≤ balance), read through `transport`.
#[uniffi::export]
pub fn voucher_pool_solvency(
    transport: Arc<dyn JsonRpcTransport>,
    pool_address: Address,
) -> Result<PoolSolvency, JigapError> {
    let data = jigap_core::evm::rpc::read::eth_call(
        &Foreign(transport.as_ref()),
        &pool_address,
        &pool::solvency_call(),
    )?;
    Ok(pool::parse_solvency(&data)?)
}

/// The pool's events in a receipt.
#[uniffi::export]
pub fn voucher_pool_events(pool_address: Address, receipt: Receipt) -> Vec<PoolEvent> {
    pool::receipt_events(&pool_address, &receipt)
}
