//! Vouchers for JavaScript: `WasmVouchers`, `WasmMerchantDesk`, `WasmVoucherIssuer`.

use jigap_core::keys::Address;
use jigap_core::voucher as v;
use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::convert::{JsResult, addr, arr, err, error, get, hex0x, num, obj, u};
use crate::wallet::WasmWallet;

fn domain(d: &JsValue) -> Result<v::VoucherDomain, JsValue> {
    if d.is_undefined() || d.is_null() {
        return Ok(v::VoucherDomain::DEMO);
    }
    let chain_id = get(d, "chainId")
        .as_f64()
        .filter(|x| x.fract() == 0.0 && *x >= 0.0)
        .ok_or_else(|| error("InvalidInput", "domain.chainId must be a whole number"))?
        as u64;
    let contract = get(d, "verifyingContract")
        .as_string()
        .ok_or_else(|| error("InvalidInput", "domain.verifyingContract is missing"))?;
    Ok(v::VoucherDomain {
        chain_id,
        verifying_contract: contract.parse().map_err(err)?,
    })
}

fn id32(s: &str) -> Result<[u8; 32], JsValue> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s.trim().trim_start_matches("0x"), &mut out).map_err(|_| {
        error(
            "InvalidInput",
            &format!("'{s}' is not a 32-byte id (0x + 64 hex digits)"),
        )
    })?;
    Ok(out)
}

/// The items of an array property (none when it is absent).
fn items(o: &JsValue, name: &str) -> Vec<JsValue> {
    let v = get(o, name);
    if Array::is_array(&v) {
        Array::from(&v).iter().collect()
    } else {
        Vec::new()
    }
}

fn strings(o: &JsValue, name: &str) -> Vec<String> {
    items(o, name)
        .iter()
        .filter_map(|x| x.as_string())
        .collect()
}

fn alloc_js(a: &v::Allocation) -> JsValue {
    obj(&[
        ("voucherId", hex0x(&a.voucher_id).into()),
        ("amount", u(a.amount)),
    ])
}

fn voucher_js(x: &v::VoucherView) -> JsValue {
    let g = &x.grant.grant;
    let p = &g.purpose;
    obj(&[
        ("id", hex0x(&g.id).into()),
        ("issuer", g.issuer.to_string().into()),
        ("issuerName", x.issuer_name.clone().into()),
        ("holder", g.holder.to_string().into()),
        ("currency", g.currency.clone().into()),
        ("amount", u(g.amount)),
        ("remaining", u(x.remaining)),
        ("reserved", u(x.reserved)),
        ("settled", u(x.settled)),
        ("refunded", u(x.refunded)),
        ("spendable", u(x.spendable)),
        ("forfeited", u(x.forfeited)),
        ("status", x.status.code().into()),
        (
            "categories",
            arr(p.categories.iter(), |c| JsValue::from(*c)),
        ),
        (
            "merchants",
            arr(p.merchants.iter(), |m| JsValue::from(m.to_string())),
        ),
        (
            "regions",
            arr(p.regions.iter(), |r| JsValue::from(r.clone())),
        ),
        ("validFrom", u(p.valid_from)),
        ("validUntil", u(p.valid_until)),
        ("hoursStart", p.hours_start.into()),
        ("hoursEnd", p.hours_end.into()),
        ("utcOffsetMinutes", p.utc_offset_minutes.into()),
        ("minPayment", u(p.min_payment)),
        ("maxPayment", u(p.max_payment)),
        ("dailyLimit", u(p.daily_limit)),
        ("singleUse", p.single_use.into()),
    ])
}

fn verr(e: v::VoucherError) -> JsValue {
    use v::VoucherError as V;
    let m = e.to_string();
    let kind = match e {
        V::Wallet(w) => return err(w),
        V::Qr(_) | V::InvalidGrant(_) | V::CurrencyMismatch { .. } | V::NotYourVoucher(_) => {
            "InvalidInput"
        }
        V::BadSignature(_) => "BadSignature",
        V::UntrustedIssuer(_) => "Untrusted",
        V::Duplicate(_) => "Duplicate",
        V::Expired(_) | V::RequestExpired(_) => "Expired",
        V::CannotPay { .. } => "CannotPay",
        V::HoldingCap { .. } | V::OfflineAllowance { .. } => "LimitExceeded",
        _ => "Internal",
    };
    error(kind, &m)
}

/// The voucher side of a wallet.
#[wasm_bindgen]
pub struct WasmVouchers {
    inner: v::Vouchers,
}

#[wasm_bindgen]
impl WasmVouchers {
    /// Vouchers of `wallet` under `domain` (`{chainId, verifyingContract}`; undefined: demo).
    #[wasm_bindgen(constructor)]
    pub fn new(wallet: &WasmWallet, domain_js: JsValue) -> Result<WasmVouchers, JsValue> {
        Ok(WasmVouchers {
            inner: v::Vouchers::new(wallet.core().clone(), domain(&domain_js)?),
        })
    }

    /// Replace the trusted issuers: `[{address, name, currency, holdingCap, offlineAllowance}]`.
    #[wasm_bindgen(js_name = setTrustedIssuers)]
    pub fn set_trusted_issuers(&self, list: JsValue) -> Result<(), JsValue> {
        let mut out = Vec::new();
        if !Array::is_array(&list) {
            return Err(error("InvalidInput", "trusted issuers must be an array"));
        }
        for i in Array::from(&list).iter() {
            out.push(v::TrustedIssuer {
                address: addr(&get(&i, "address").as_string().unwrap_or_default())?,
                name: get(&i, "name").as_string().unwrap_or_default(),
                currency: get(&i, "currency").as_string().unwrap_or_default(),
                holding_cap: num(&i, "holdingCap", Some(0))?,
                offline_allowance: num(&i, "offlineAllowance", Some(0))?,
            });
        }
        self.inner.set_trusted_issuers(out).map_err(verr)
    }

    /// The trusted issuers.
    #[wasm_bindgen(js_name = trustedIssuers)]
    pub fn trusted_issuers(&self) -> JsResult {
        let l = self.inner.trusted_issuers().map_err(verr)?;
        Ok(arr(l.iter(), |i| {
            obj(&[
                ("address", i.address.to_string().into()),
                ("name", i.name.clone().into()),
                ("currency", i.currency.clone().into()),
                ("holdingCap", u(i.holding_cap)),
                ("offlineAllowance", u(i.offline_allowance)),
            ])
        }))
    }

    /// Import a grant (`JGVG:…`).
    #[wasm_bindgen(js_name = importGrant)]
    pub fn import_grant(&self, grant: String) -> JsResult {
        let g = v::decode_grant(&grant).map_err(verr)?;
        self.inner.import(&g).map(|x| voucher_js(&x)).map_err(verr)
    }

    /// Every voucher.
    pub fn vouchers(&self) -> JsResult {
        Ok(arr(self.inner.vouchers().map_err(verr)?.iter(), voucher_js))
    }

    /// One voucher.
    pub fn voucher(&self, id: String) -> JsResult {
        self.inner
            .voucher(&id32(&id)?)
            .map(|x| voucher_js(&x))
            .map_err(verr)
    }

    /// Spendable now per currency.
    pub fn balances(&self) -> JsResult {
        Ok(arr(self.inner.balances().map_err(verr)?.iter(), |b| {
            obj(&[
                ("currency", b.currency.clone().into()),
                ("spendable", u(b.spendable)),
                ("reserved", u(b.reserved)),
                ("vouchers", b.vouchers.into()),
            ])
        }))
    }

    /// How a request (`JGPR:…`) would be paid.
    pub fn quote(&self, request: String) -> JsResult {
        let q = self
            .inner
            .quote(&v::decode_request(&request).map_err(verr)?)
            .map_err(verr)?;
        Ok(obj(&[
            ("payable", q.payable.into()),
            ("merchantName", q.request.merchant_name.clone().into()),
            ("amount", u(q.request.amount)),
            ("currency", q.request.currency.clone().into()),
            ("missing", u(q.missing)),
            (
                "holder",
                q.holder
                    .map(|h| JsValue::from(h.to_string()))
                    .unwrap_or(JsValue::NULL),
            ),
            ("allocations", arr(q.allocations.iter(), alloc_js)),
            (
                "unusable",
                arr(q.unusable.iter(), |(id, r)| {
                    obj(&[
                        ("voucherId", hex0x(id).into()),
                        ("reason", r.code().into()),
                        ("message", r.describe().into()),
                    ])
                }),
            ),
        ]))
    }

    /// Pay a request.
    pub fn pay(&self, request: String) -> JsResult {
        let p = self
            .inner
            .pay(&v::decode_request(&request).map_err(verr)?)
            .map_err(verr)?;
        let r = &p.payload.redemption.redemption;
        Ok(obj(&[
            ("qr", p.qr.clone().into()),
            ("redemptionHash", hex0x(&p.hash).into()),
            ("repeated", p.repeated.into()),
            ("holder", r.holder.to_string().into()),
            ("sequence", u(r.sequence)),
            ("allocations", arr(r.allocations.iter(), alloc_js)),
            (
                "signature",
                p.payload.redemption.signature.to_string().into(),
            ),
            (
                "typedData",
                js_sys::JSON::parse(&r.typed_data(&self.inner.domain()).to_string())
                    .unwrap_or(JsValue::NULL),
            ),
        ]))
    }

    /// Apply a settlement (`JGST:…`).
    #[wasm_bindgen(js_name = applySettlement)]
    pub fn apply_settlement(&self, s: String) -> Result<String, JsValue> {
        Ok(
            match self
                .inner
                .apply_settlement(&v::decode_settlement(&s).map_err(verr)?)
                .map_err(verr)?
            {
                v::SettlementOutcome::Settled => "settled".into(),
                v::SettlementOutcome::Rejected => "rejected".into(),
                v::SettlementOutcome::LateSettled => "late_settled".into(),
                v::SettlementOutcome::Conflict(n) => format!("conflict: {n}"),
                v::SettlementOutcome::AlreadyApplied => "already_applied".into(),
            },
        )
    }

    /// Apply a refund (`JGRF:…`); false if applied before.
    #[wasm_bindgen(js_name = applyRefund)]
    pub fn apply_refund(&self, r: String) -> Result<bool, JsValue> {
        self.inner
            .apply_refund(&v::decode_refund(&r).map_err(verr)?)
            .map_err(verr)
    }

    /// Release reservations of expired requests.
    #[wasm_bindgen(js_name = releaseExpired)]
    pub fn release_expired(&self) -> Result<u32, JsValue> {
        self.inner.release_expired().map(|n| n as u32).map_err(verr)
    }

    /// The history journal: `{voucherId, from, until}` filters, all optional.
    pub fn history(&self, filter: JsValue) -> JsResult {
        let voucher = get(&filter, "voucherId")
            .as_string()
            .map(|s| id32(&s))
            .transpose()?;
        let from = (!get(&filter, "from").is_undefined())
            .then(|| num(&filter, "from", None))
            .transpose()?;
        let until = (!get(&filter, "until").is_undefined())
            .then(|| num(&filter, "until", None))
            .transpose()?;
        let h = self
            .inner
            .history(&v::HistoryFilter {
                voucher,
                from,
                until,
            })
            .map_err(verr)?;
        Ok(arr(h.iter(), |e| {
            obj(&[
                ("seq", u(e.seq)),
                ("at", u(e.at)),
                ("kind", e.kind.code().into()),
                ("voucherId", hex0x(&e.voucher_id).into()),
                ("amount", u(e.amount)),
                ("currency", e.currency.clone().into()),
                ("counterparty", e.counterparty.to_string().into()),
                ("counterpartyName", e.counterparty_name.clone().into()),
                (
                    "reference",
                    e.reference
                        .as_ref()
                        .map(|r| JsValue::from(hex0x(r)))
                        .unwrap_or(JsValue::NULL),
                ),
                ("note", e.note.clone().into()),
            ])
        }))
    }

    /// The state of a payment per issuer: `[{issuer, status}]`, status `pending`, `settled`,
    /// `rejected: …`, `released`, `late_settled` or `conflict: …`.
    #[wasm_bindgen(js_name = paymentStatus)]
    pub fn payment_status(&self, redemption_hash: String) -> JsResult {
        let h = id32(&redemption_hash)?;
        let parts = self.inner.payment_status(&h).map_err(verr)?;
        Ok(arr(parts.iter(), |(issuer, status)| {
            obj(&[
                ("issuer", issuer.to_string().into()),
                ("status", status.clone().into()),
            ])
        }))
    }
}

/// A shop.
#[wasm_bindgen]
pub struct WasmMerchantDesk {
    inner: v::MerchantDesk,
}

#[wasm_bindgen]
impl WasmMerchantDesk {
    /// `{merchant, name, category, region, trustedIssuers, domain}`; signs with `merchant`.
    #[wasm_bindgen(constructor)]
    pub fn new(wallet: &WasmWallet, opts: JsValue) -> Result<WasmMerchantDesk, JsValue> {
        let trusted = strings(&opts, "trustedIssuers")
            .iter()
            .map(|a| addr(a))
            .collect::<Result<Vec<_>, _>>()?;
        let merchant = addr(&get(&opts, "merchant").as_string().unwrap_or_default())?;
        let category = u16::try_from(num(&opts, "category", None)?)
            .map_err(|_| error("InvalidInput", "category is an ISO 18245 code"))?;
        let inner = v::MerchantDesk::new(
            wallet.core().clone(),
            merchant,
            &get(&opts, "name").as_string().unwrap_or_default(),
            category,
            &get(&opts, "region").as_string().unwrap_or_default(),
            domain(&get(&opts, "domain"))?,
            trusted,
        )
        .map_err(verr)?;
        Ok(WasmMerchantDesk { inner })
    }

    /// A signed request.
    #[wasm_bindgen(js_name = createRequest)]
    pub fn create_request(&self, amount: f64, currency: String, ttl_secs: u32) -> JsResult {
        if amount.fract() != 0.0 || amount <= 0.0 || amount > 9_007_199_254_740_991.0 {
            return Err(error(
                "InvalidInput",
                "amount must be a positive whole number of minor units",
            ));
        }
        let (r, qr) = self
            .inner
            .create_request(amount as u64, &currency, u64::from(ttl_secs))
            .map_err(verr)?;
        Ok(obj(&[
            ("qr", qr.into()),
            ("id", hex0x(&r.request.id).into()),
            ("merchant", r.request.merchant.to_string().into()),
            ("amount", u(r.request.amount)),
            ("currency", currency.into()),
            ("expiresAt", u(r.request.expires_at)),
        ]))
    }

    /// Verify a payment offline; throws a `Refused` JigapError with the reason.
    pub fn accept(&self, request: String, payment: String) -> JsResult {
        let req = v::decode_request(&request).map_err(verr)?;
        let ok = self
            .inner
            .accept(&req, &payment)
            .map_err(|e| error("Refused", &e.to_string()))?;
        Ok(obj(&[
            ("holder", ok.holder.to_string().into()),
            ("total", u(ok.total)),
            ("redemptionHash", hex0x(&ok.hash).into()),
            (
                "allocations",
                arr(ok.allocations.iter(), |(id, _, a)| {
                    obj(&[("voucherId", hex0x(id).into()), ("amount", u(*a))])
                }),
            ),
        ]))
    }
}

/// An issuer for tests, pilots and demos.
#[wasm_bindgen]
pub struct WasmVoucherIssuer {
    wallet: std::sync::Arc<jigap_core::wallet::Wallet>,
    address: Address,
    domain: v::VoucherDomain,
}

#[wasm_bindgen]
impl WasmVoucherIssuer {
    /// Signs with `issuer`, an account of `wallet`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        wallet: &WasmWallet,
        issuer: String,
        domain_js: JsValue,
    ) -> Result<WasmVoucherIssuer, JsValue> {
        let address = addr(&issuer)?;
        wallet.core().signer(&address).map_err(err)?;
        Ok(WasmVoucherIssuer {
            wallet: wallet.core().clone(),
            address,
            domain: domain(&domain_js)?,
        })
    }

    /// Sign a grant from `{holder, amount, currency, validFrom, validUntil, id?, categories?,
    /// merchants?, regions?, hoursStart?, hoursEnd?, utcOffsetMinutes?, minPayment?,
    /// maxPayment?, dailyLimit?, singleUse?}`; returns `JGVG:…`.
    pub fn grant(&self, spec: JsValue) -> Result<String, JsValue> {
        let id = match get(&spec, "id").as_string() {
            Some(s) => id32(&s)?,
            None => self
                .wallet
                .env()
                .random_array()
                .map_err(|e| error("Internal", &e.to_string()))?,
        };
        let small = |name: &str, default: u64| -> Result<u16, JsValue> {
            u16::try_from(num(&spec, name, Some(default))?)
                .map_err(|_| error("InvalidInput", &format!("{name} is out of range")))
        };
        let offset = get(&spec, "utcOffsetMinutes").as_f64().unwrap_or(540.0);
        let purpose = v::Purpose {
            categories: items(&spec, "categories")
                .iter()
                .filter_map(|c| c.as_f64())
                .filter(|c| c.fract() == 0.0 && (0.0..=9999.0).contains(c))
                .map(|c| c as u16)
                .collect(),
            merchants: strings(&spec, "merchants")
                .iter()
                .map(|m| addr(m))
                .collect::<Result<_, _>>()?,
            regions: strings(&spec, "regions"),
            valid_from: num(&spec, "validFrom", None)?,
            valid_until: num(&spec, "validUntil", None)?,
            hours_start: small("hoursStart", 0)?,
            hours_end: small("hoursEnd", 1440)?,
            utc_offset_minutes: offset as i16,
            min_payment: num(&spec, "minPayment", Some(0))?,
            max_payment: num(&spec, "maxPayment", Some(0))?,
            daily_limit: num(&spec, "dailyLimit", Some(0))?,
            single_use: get(&spec, "singleUse").as_bool().unwrap_or(false),
        };
        let g = v::VoucherGrant {
            id,
            issuer: self.address,
            holder: addr(&get(&spec, "holder").as_string().unwrap_or_default())?,
            currency: get(&spec, "currency")
                .as_string()
                .unwrap_or_else(|| "KRW".into()),
            amount: num(&spec, "amount", None)?,
            issued_at: self.wallet.env().clock.now_secs(),
            purpose,
        };
        let signer = self.wallet.signer(&self.address).map_err(err)?;
        Ok(v::encode_grant(
            &g.sign(&self.domain, &signer).map_err(err)?,
        ))
    }

    /// Settle a payment, or reject it with a reason; returns `JGST:…`.
    pub fn settle(
        &self,
        payment: String,
        reject_reason: Option<String>,
    ) -> Result<String, JsValue> {
        let p = v::decode_redemption(&payment).map_err(verr)?;
        let r = &p.redemption.redemption;
        let hash = r.digest(&self.domain);
        if p.redemption.signature.recover_address(&hash).ok() != Some(r.holder) {
            return Err(error(
                "BadSignature",
                "the payment's holder signature is invalid",
            ));
        }
        let s = v::Settlement {
            redemption_hash: hash,
            issuer: self.address,
            settled: reject_reason.is_none(),
            reason: reject_reason.unwrap_or_default(),
            settled_at: self.wallet.env().clock.now_secs(),
        };
        let signer = self.wallet.signer(&self.address).map_err(err)?;
        Ok(v::encode_settlement(
            &s.sign(&self.domain, &signer).map_err(err)?,
        ))
    }

    /// Refund `amount` to a voucher; returns `JGRF:…`.
    pub fn refund(&self, voucher_id: String, amount: f64) -> Result<String, JsValue> {
        if amount.fract() != 0.0 || amount <= 0.0 {
            return Err(error(
                "InvalidInput",
                "amount must be a positive whole number",
            ));
        }
        let f = v::Refund {
            id: self
                .wallet
                .env()
                .random_array()
                .map_err(|e| error("Internal", &e.to_string()))?,
            voucher_id: id32(&voucher_id)?,
            amount: amount as u64,
            refunded_at: self.wallet.env().clock.now_secs(),
        };
        let signer = self.wallet.signer(&self.address).map_err(err)?;
        Ok(v::encode_refund(
            &f.sign(&self.domain, &signer).map_err(err)?,
        ))
    }

    /// Double spends in a batch of payments.
    #[wasm_bindgen(js_name = detectDoubleSpends)]
    pub fn detect_double_spends(&self, payments: Vec<String>) -> JsResult {
        let batch = payments
            .iter()
            .map(|p| v::decode_redemption(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(verr)?;
        let found = v::detect_double_spends(&self.domain, &batch, &Default::default());
        Ok(arr(found.iter(), |d| {
            let (kind, detail) = match d {
                v::DoubleSpend::OverAllocated {
                    voucher,
                    allocated,
                    available,
                } => (
                    "over_allocated",
                    format!(
                        "voucher {} allocated {allocated} of {available}",
                        hex0x(voucher)
                    ),
                ),
                v::DoubleSpend::SequenceReused { holder, sequence } => (
                    "sequence_reused",
                    format!("{holder} used sequence {sequence} twice"),
                ),
                v::DoubleSpend::SingleUseReused { voucher } => (
                    "single_use_reused",
                    format!("single-use voucher {} paid twice", hex0x(voucher)),
                ),
                v::DoubleSpend::BadSignature { redemption } => (
                    "bad_signature",
                    format!("payment {} is not validly signed", hex0x(redemption)),
                ),
                _ => ("other", String::new()),
            };
            obj(&[("kind", kind.into()), ("detail", detail.into())])
        }))
    }
}
