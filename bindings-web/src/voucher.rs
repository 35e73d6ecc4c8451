//! Vouchers for JavaScript: `WasmVouchers`, `WasmMerchantDesk`, `WasmVoucherIssuer` over the
//! core's `Vouchers`, `MerchantDesk` and `VoucherIssuer`.

use jigap_core::bind::Bytes32;
use jigap_core::keys::Address;
use jigap_core::voucher::{self as v, GrantSpec, PaymentRequestInfo, TrustedIssuer, VoucherDomain};
use wasm_bindgen::prelude::*;

use crate::convert::{Js, JsResult, from_js, parse, to_js};
use crate::wallet::WasmWallet;

fn domain(d: JsValue) -> Result<VoucherDomain, JsValue> {
    Ok(from_js::<Option<VoucherDomain>>(d, "domain")?.unwrap_or_default())
}

/// The voucher side of a wallet.
#[wasm_bindgen]
pub struct WasmVouchers {
    inner: v::Vouchers,
}

#[wasm_bindgen]
impl WasmVouchers {
    /// The vouchers of `wallet` under `domain` (default: the demo domain).
    #[wasm_bindgen(constructor)]
    pub fn new(
        wallet: &WasmWallet,
        #[wasm_bindgen(unchecked_optional_param_type = "VoucherDomain")] domain_js: JsValue,
    ) -> Result<WasmVouchers, JsValue> {
        let inner = v::Vouchers::new(wallet.core().clone(), domain(domain_js)?);
        Ok(WasmVouchers { inner })
    }

    /// Replace the trusted issuers.
    #[wasm_bindgen(js_name = setTrustedIssuers)]
    pub fn set_trusted_issuers(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TrustedIssuer[]")] issuers: JsValue,
    ) -> Result<(), JsValue> {
        let issuers: Vec<TrustedIssuer> = from_js(issuers, "issuers")?;
        self.inner.set_trusted_issuers(issuers).js()
    }

    /// The trusted issuers.
    #[wasm_bindgen(js_name = trustedIssuers, unchecked_return_type = "TrustedIssuer[]")]
    pub fn trusted_issuers(&self) -> JsResult {
        to_js(&self.inner.trusted_issuers().js()?)
    }

    /// Import a grant (`JGVG:…`).
    #[wasm_bindgen(js_name = importGrant, unchecked_return_type = "VoucherView")]
    pub fn import_grant(&self, grant: String) -> JsResult {
        to_js(&self.inner.import(&v::decode_grant(&grant).js()?).js()?)
    }

    /// Every voucher, soonest expiry first.
    #[wasm_bindgen(unchecked_return_type = "VoucherView[]")]
    pub fn vouchers(&self) -> JsResult {
        to_js(&self.inner.vouchers().js()?)
    }

    /// One voucher.
    #[wasm_bindgen(unchecked_return_type = "VoucherView")]
    pub fn voucher(&self, id: String) -> JsResult {
        to_js(&self.inner.voucher(&parse::<Bytes32>(&id)?.0).js()?)
    }

    /// Spendable now, per currency.
    #[wasm_bindgen(unchecked_return_type = "VoucherBalance[]")]
    pub fn balances(&self) -> JsResult {
        to_js(&self.inner.balances().js()?)
    }

    /// Which vouchers would pay a request (`JGPR:…`), and why the others cannot.
    #[wasm_bindgen(unchecked_return_type = "VoucherQuote")]
    pub fn quote(&self, request: String) -> JsResult {
        to_js(&self.inner.quote(&v::decode_request(&request).js()?).js()?)
    }

    /// Pay a request: choose, reserve, sign, persist — all or nothing.
    #[wasm_bindgen(unchecked_return_type = "VoucherPayment")]
    pub fn pay(&self, request: String) -> JsResult {
        let p = self.inner.pay(&v::decode_request(&request).js()?).js()?;
        to_js(&p.view(&self.inner.domain()))
    }

    /// Apply a settlement (`JGST:…`).
    #[wasm_bindgen(js_name = applySettlement, unchecked_return_type = "SettlementOutcome")]
    pub fn apply_settlement(&self, settlement: String) -> JsResult {
        let s = v::decode_settlement(&settlement).js()?;
        to_js(&self.inner.apply_settlement(&s).js()?)
    }

    /// Apply a refund (`JGRF:…`); `false` if it was applied before.
    #[wasm_bindgen(js_name = applyRefund)]
    pub fn apply_refund(&self, refund: String) -> Result<bool, JsValue> {
        self.inner
            .apply_refund(&v::decode_refund(&refund).js()?)
            .js()
    }

    /// Release reservations of requests that expired unsettled; returns how many payments.
    #[wasm_bindgen(js_name = releaseExpired)]
    pub fn release_expired(&self) -> Result<u32, JsValue> {
        Ok(u32::try_from(self.inner.release_expired().js()?).unwrap_or(u32::MAX))
    }

    /// Where a payment stands, per issuer.
    #[wasm_bindgen(js_name = paymentStatus, unchecked_return_type = "PaymentPart[]")]
    pub fn payment_status(&self, redemption_hash: String) -> JsResult {
        let h: Bytes32 = parse(&redemption_hash)?;
        to_js(&self.inner.payment_status(&h.0).js()?)
    }

    /// The history journal, oldest first (`voucherId`, `from`, `until` narrow it).
    #[wasm_bindgen(unchecked_return_type = "VoucherEvent[]")]
    pub fn history(
        &self,
        voucher_id: Option<String>,
        #[wasm_bindgen(unchecked_optional_param_type = "U64")] from: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "U64")] until: JsValue,
    ) -> JsResult {
        let voucher = voucher_id.map(|i| parse::<Bytes32>(&i)).transpose()?;
        let filter = v::HistoryFilter {
            voucher: voucher.map(|b| b.0),
            from: from_js(from, "from")?,
            until: from_js(until, "until")?,
        };
        to_js(&self.inner.history(&filter).js()?)
    }
}

/// A shop: signs payment requests and verifies payments offline.
#[wasm_bindgen]
pub struct WasmMerchantDesk {
    inner: v::MerchantDesk,
}

#[wasm_bindgen]
impl WasmMerchantDesk {
    /// A shop signing with `merchant` (an account of `wallet`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        wallet: &WasmWallet,
        merchant: String,
        name: String,
        category: u16,
        region: String,
        #[wasm_bindgen(unchecked_param_type = "string[]")] trusted_issuers: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VoucherDomain")] domain_js: JsValue,
    ) -> Result<WasmMerchantDesk, JsValue> {
        let trusted_issuers: Vec<String> = from_js(trusted_issuers, "trustedIssuers")?;
        let trusted = trusted_issuers
            .iter()
            .map(|a| parse::<Address>(a))
            .collect::<Result<Vec<_>, _>>()?;
        let (w, m, d) = (wallet.core().clone(), parse(&merchant)?, domain(domain_js)?);
        let inner = v::MerchantDesk::new(w, m, &name, category, &region, d, trusted).js()?;
        Ok(WasmMerchantDesk { inner })
    }

    /// A signed request for `amount`, valid `ttlSecs`.
    #[wasm_bindgen(js_name = createRequest, unchecked_return_type = "PaymentRequestInfo")]
    pub fn create_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "U64")] amount: JsValue,
        currency: String,
        #[wasm_bindgen(unchecked_param_type = "U64")] ttl_secs: JsValue,
    ) -> JsResult {
        let (amount, ttl) = (from_js(amount, "amount")?, from_js(ttl_secs, "ttlSecs")?);
        let (r, qr) = self.inner.create_request(amount, &currency, ttl).js()?;
        to_js(&PaymentRequestInfo::new(&r, qr))
    }

    /// Verify a payment (`JGRD:…`) offline against its request (`JGPR:…`).
    #[wasm_bindgen(unchecked_return_type = "AcceptedPayment")]
    pub fn accept(&self, request: String, payment: String) -> JsResult {
        let req = v::decode_request(&request).js()?;
        to_js(&v::AcceptedPayment::from(
            &self.inner.accept(&req, &payment).js()?,
        ))
    }
}

/// An issuer (for tests, pilots and demos): grants, settlements, refunds, double-spend checks.
#[wasm_bindgen]
pub struct WasmVoucherIssuer {
    inner: v::VoucherIssuer,
}

#[wasm_bindgen]
impl WasmVoucherIssuer {
    /// An issuer signing with `issuer` (an account of `wallet`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        wallet: &WasmWallet,
        issuer: String,
        #[wasm_bindgen(unchecked_optional_param_type = "VoucherDomain")] domain_js: JsValue,
    ) -> Result<WasmVoucherIssuer, JsValue> {
        let (w, i, d) = (wallet.core().clone(), parse(&issuer)?, domain(domain_js)?);
        Ok(WasmVoucherIssuer {
            inner: v::VoucherIssuer::new(w, i, d).js()?,
        })
    }

    /// Sign a grant (purpose validated first); returns `JGVG:…`.
    pub fn grant(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GrantSpec")] spec: JsValue,
    ) -> Result<String, JsValue> {
        let spec: GrantSpec = from_js(spec, "grant")?;
        Ok(v::encode_grant(&self.inner.grant(&spec).js()?))
    }

    /// Settle (or, with a reason, reject) a payment (`JGRD:…`); returns `JGST:…`.
    pub fn settle(
        &self,
        payment: String,
        reject_reason: Option<String>,
    ) -> Result<String, JsValue> {
        let p = v::decode_redemption(&payment).js()?;
        let s = self.inner.settle(&p, reject_reason.as_deref()).js()?;
        Ok(v::encode_settlement(&s))
    }

    /// Refund `amount` to a voucher (never more than was settled from it); returns `JGRF:…`.
    pub fn refund(
        &self,
        voucher_id: String,
        #[wasm_bindgen(unchecked_param_type = "U64")] amount: JsValue,
    ) -> Result<String, JsValue> {
        let (id, amount): (Bytes32, u64) = (parse(&voucher_id)?, from_js(amount, "amount")?);
        Ok(v::encode_refund(&self.inner.refund(&id.0, amount).js()?))
    }

    /// Double spends in a batch of payments (`JGRD:…`).
    #[wasm_bindgen(js_name = detectDoubleSpends, unchecked_return_type = "DoubleSpend[]")]
    pub fn detect_double_spends(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] payments: JsValue,
    ) -> JsResult {
        let payments: Vec<String> = from_js(payments, "payments")?;
        let batch = payments
            .iter()
            .map(|p| v::decode_redemption(p))
            .collect::<Result<Vec<_>, _>>()
            .js()?;
        to_js(&self.inner.detect_double_spends(&batch).js()?)
    }
}

/// jigap's demo domain (chain 1, contract 0x…4a6967). Use your settlement network in production.
#[wasm_bindgen(js_name = voucherDemoDomain, unchecked_return_type = "VoucherDomain")]
pub fn voucher_demo_domain() -> JsResult {
    to_js(&VoucherDomain::DEMO)
}

// ------------------------------------------------------------------ on chain (VoucherPool)

use jigap_core::evm::{HexData, Receipt, U256};
use jigap_core::voucher::chain::{self as pool, PoolMerchant};

fn hex(data: Vec<u8>) -> String {
    HexData(data).to_string()
}

#[wasm_bindgen]
impl WasmVouchers {
    /// The `eth_getLogs` body for the pool's events about this wallet's vouchers, from
    /// `fromBlock` (default: where the last sync stopped). POST it to the node, then
    /// `applyChainSyncReply(reply)`.
    #[wasm_bindgen(js_name = chainSyncRequest)]
    pub fn chain_sync_request(
        &self,
        #[wasm_bindgen(js_name = fromBlock, unchecked_optional_param_type = "U64")]
        from_block: JsValue,
    ) -> Result<String, JsValue> {
        let from: Option<u64> = from_js(from_block, "fromBlock")?;
        self.inner.chain_sync_request(from).js()
    }

    /// Apply the node's reply to `chainSyncRequest`: payments settled on chain, refunds,
    /// reclaims after expiry.
    #[wasm_bindgen(js_name = applyChainSyncReply, unchecked_return_type = "ChainSync")]
    pub fn apply_chain_sync_reply(&self, reply: String) -> JsResult {
        to_js(&self.inner.apply_chain_sync_reply(&reply).js()?)
    }

    /// Apply the pool's events in a receipt.
    #[wasm_bindgen(js_name = applyChainReceipt, unchecked_return_type = "ChainSync")]
    pub fn apply_chain_receipt(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Receipt")] receipt: JsValue,
    ) -> JsResult {
        let r: Receipt = from_js(receipt, "receipt")?;
        to_js(&self.inner.apply_chain_logs(&r.logs).js()?)
    }

    /// A JSON-RPC batch reading each voucher's state in the pool; read the reply with
    /// `parseChainState`.
    #[wasm_bindgen(js_name = chainStateRequest)]
    pub fn chain_state_request(&self) -> Result<String, JsValue> {
        self.inner.chain_state_request().js()
    }

    /// Each voucher beside the pool's view of it.
    #[wasm_bindgen(js_name = parseChainState, unchecked_return_type = "VoucherChainState[]")]
    pub fn parse_chain_state(&self, reply: String) -> JsResult {
        to_js(&self.inner.parse_chain_state(&reply).js()?)
    }
}

#[wasm_bindgen]
impl WasmMerchantDesk {
    /// The transaction that settles an accepted payment (`JGRD:…` of `request`, `JGPR:…`) on
    /// the shop's pool; send it with `EvmWallet.sendFlow`.
    #[wasm_bindgen(js_name = redeemOnchain, unchecked_return_type = "SendIntent")]
    pub fn redeem_onchain(&self, request: String, payment: String) -> JsResult {
        let (q, p) = (
            v::decode_request(&request).js()?,
            v::decode_redemption(&payment).js()?,
        );
        to_js(&self.inner.redeem_onchain(&q, &p))
    }

    /// What a settlement transaction did, from its receipt.
    #[wasm_bindgen(unchecked_return_type = "PoolSettlement")]
    pub fn settlement(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Receipt")] receipt: JsValue,
    ) -> JsResult {
        let r: Receipt = from_js(receipt, "receipt")?;
        to_js(&self.inner.settlement(&r))
    }
}

/// Deployment bytes of a `VoucherPool`.
#[wasm_bindgen(js_name = voucherPoolDeployData)]
pub fn voucher_pool_deploy_data(
    bytecode: String,
    token: String,
    currency: String,
    scale: String,
) -> Result<String, JsValue> {
    let code = parse::<HexData>(&bytecode)?;
    Ok(hex(pool::deploy_data(
        &code.0,
        &parse(&token)?,
        &currency,
        parse::<U256>(&scale)?,
    )
    .js()?))
}

/// `fund(amount)` calldata.
#[wasm_bindgen(js_name = voucherPoolFundCall)]
pub fn voucher_pool_fund_call(
    #[wasm_bindgen(unchecked_param_type = "U64")] amount: JsValue,
) -> Result<String, JsValue> {
    Ok(hex(pool::fund_call(from_js(amount, "amount")?)))
}

/// `registerGrants` calldata for grants (`JGVG:…`).
#[wasm_bindgen(js_name = voucherPoolRegisterCall)]
pub fn voucher_pool_register_call(
    #[wasm_bindgen(unchecked_param_type = "string[]")] grants: JsValue,
) -> Result<String, JsValue> {
    let grants: Vec<String> = from_js(grants, "grants")?;
    let g = grants
        .iter()
        .map(|x| v::decode_grant(x))
        .collect::<Result<Vec<_>, _>>()
        .js()?;
    Ok(hex(pool::register_call(&g)))
}

/// `setMerchants` calldata: the pool owner's merchant registry.
#[wasm_bindgen(js_name = voucherPoolSetMerchantsCall)]
pub fn voucher_pool_set_merchants_call(
    #[wasm_bindgen(unchecked_param_type = "PoolMerchant[]")] entries: JsValue,
) -> Result<String, JsValue> {
    let e: Vec<PoolMerchant> = from_js(entries, "entries")?;
    Ok(hex(pool::set_merchants_call(&e)))
}

/// `refund(voucherId, amount, reference)` calldata.
#[wasm_bindgen(js_name = voucherPoolRefundCall)]
pub fn voucher_pool_refund_call(
    #[wasm_bindgen(js_name = voucherId)] voucher_id: String,
    #[wasm_bindgen(unchecked_param_type = "U64")] amount: JsValue,
    reference: String,
) -> Result<String, JsValue> {
    let (id, r) = (
        parse::<Bytes32>(&voucher_id)?,
        parse::<Bytes32>(&reference)?,
    );
    Ok(hex(pool::refund_call(
        &id.0,
        from_js(amount, "amount")?,
        &r.0,
    )))
}

/// `reclaim(voucherIds)` calldata.
#[wasm_bindgen(js_name = voucherPoolReclaimCall)]
pub fn voucher_pool_reclaim_call(
    #[wasm_bindgen(js_name = voucherIds, unchecked_param_type = "string[]")] ids: JsValue,
) -> Result<String, JsValue> {
    let ids: Vec<String> = from_js(ids, "voucherIds")?;
    let ids = ids
        .iter()
        .map(|i| parse::<Bytes32>(i).map(|b| b.0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(hex(pool::reclaim_call(&ids)))
}

/// The pool's events in a receipt.
#[wasm_bindgen(js_name = voucherPoolEvents, unchecked_return_type = "PoolEvent[]")]
pub fn voucher_pool_events(
    #[wasm_bindgen(js_name = poolAddress)] pool_address: String,
    #[wasm_bindgen(unchecked_param_type = "Receipt")] receipt: JsValue,
) -> JsResult {
    let r: Receipt = from_js(receipt, "receipt")?;
    to_js(&pool::receipt_events(&parse(&pool_address)?, &r))
}

/// A voucher's state in a pool, from `eth_call` return data of `vouchers(id)`.
#[wasm_bindgen(js_name = voucherPoolVoucher, unchecked_return_type = "PoolVoucher")]
pub fn voucher_pool_voucher(
    #[wasm_bindgen(js_name = voucherId)] voucher_id: String,
    #[wasm_bindgen(js_name = returnData)] return_data: String,
) -> JsResult {
    let id = parse::<Bytes32>(&voucher_id)?;
    to_js(&pool::parse_voucher(&id.0, &parse::<HexData>(&return_data)?.0).js()?)
}

/// `vouchers(id)` calldata (read the result with `voucherPoolVoucher`).
#[wasm_bindgen(js_name = voucherPoolVoucherCall)]
pub fn voucher_pool_voucher_call(
    #[wasm_bindgen(js_name = voucherId)] voucher_id: String,
) -> Result<String, JsValue> {
    Ok(hex(pool::voucher_call(&parse::<Bytes32>(&voucher_id)?.0)))
}
