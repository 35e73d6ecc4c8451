//! Tickets for the web: holder, gate and test issuer, as JS values in and out.
//!
//! `WasmTickets` (the holder's wallet), `WasmGateKey` and `WasmGate` (offline verification),
//! `WasmTicketIssuer` (tests, pilots, demos). Payloads travel as their text forms (`JGID:`,
//! `JGTG:`, `JGTP:`, `JGTR:`, `JGGA:`, `JGCR:`); a ticket's id is `chainId:contract:tokenId`.

use std::sync::Arc;

use jigap_core::env::Env;
use jigap_core::ticket as t;
use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::convert::{JsResult, addr, arr, err, error, get, hex0x, num, obj, u, whole};
use crate::wallet::WasmWallet;

/// A core ticket error as a `JigapError` (the kinds of the Kotlin and Swift bindings).
fn terr(e: t::TicketError) -> JsValue {
    use t::TicketError as T;
    match (e.class(), e) {
        (Some(class), e) => error(class.name(), &e.to_string()),
        (None, T::Keys(k)) => err(k),
        (None, T::Wallet(w)) => err(w),
        (None, T::Vault(v)) => err(v),
        (None, e) => error("Internal", &e.to_string()),
    }
}

fn small(o: &JsValue, name: &str, default: Option<u64>) -> Result<u8, JsValue> {
    u8::try_from(num(o, name, default)?)
        .map_err(|_| error("InvalidInput", &format!("{name} must be 0 to 255")))
}

fn text(o: &JsValue, name: &str) -> String {
    get(o, name).as_string().unwrap_or_default()
}

fn required(o: &JsValue, name: &str) -> Result<String, JsValue> {
    get(o, name)
        .as_string()
        .ok_or_else(|| error("InvalidInput", &format!("{name} must be a string")))
}

fn ticket_ref(id: &str) -> Result<t::TicketRef, JsValue> {
    id.parse().map_err(terr)
}

fn key32(s: &str, what: &str) -> Result<[u8; 32], JsValue> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s.trim().trim_start_matches("0x"), &mut out).map_err(|_| {
        error(
            "InvalidInput",
            &format!("the {what} '{s}' is not 32 bytes of hex (0x + 64 digits)"),
        )
    })?;
    Ok(out)
}

fn strings(v: &JsValue, name: &str) -> Result<Vec<String>, JsValue> {
    if !Array::is_array(v) {
        return Err(error(
            "InvalidInput",
            &format!("{name} must be an array of strings"),
        ));
    }
    Array::from(v)
        .iter()
        .map(|x| {
            x.as_string().ok_or_else(|| {
                error(
                    "InvalidInput",
                    &format!("{name} must be an array of strings"),
                )
            })
        })
        .collect()
}

fn identity_js(i: &t::TicketIdentity) -> JsValue {
    obj(&[
        ("address", i.address.to_string().into()),
        ("key", hex0x(&i.key).into()),
        ("text", i.to_text().into()),
    ])
}

fn event_js(e: &t::EventInfo) -> JsValue {
    obj(&[
        ("id", e.id.clone().into()),
        ("name", e.name.clone().into()),
        ("venue", e.venue.clone().into()),
        ("doorsOpen", u(e.doors_open)),
        ("start", u(e.start)),
        ("end", u(e.end)),
    ])
}

fn event_from(v: &JsValue) -> Result<t::EventInfo, JsValue> {
    if !v.is_object() {
        return Err(error("InvalidInput", "event must be an object"));
    }
    Ok(t::EventInfo {
        id: required(v, "id")?,
        name: required(v, "name")?,
        venue: text(v, "venue"),
        doors_open: num(v, "doorsOpen", None)?,
        start: num(v, "start", None)?,
        end: num(v, "end", None)?,
    })
}

fn seat_js(s: &t::Seat) -> JsValue {
    obj(&[
        ("generalAdmission", s.general_admission.into()),
        ("section", s.section.clone().into()),
        ("row", s.row.clone().into()),
        ("number", s.number.clone().into()),
    ])
}

fn seat_from(v: &JsValue) -> Result<t::Seat, JsValue> {
    if !v.is_object() {
        return Err(error("InvalidInput", "seat must be an object"));
    }
    Ok(t::Seat {
        general_admission: get(v, "generalAdmission").as_bool().unwrap_or(false),
        section: text(v, "section"),
        row: text(v, "row"),
        number: text(v, "number"),
    })
}

fn policy_js(p: &t::TransferPolicy) -> JsValue {
    obj(&[
        ("transferable", p.transferable.into()),
        ("currency", p.currency.clone().into()),
        ("priceCap", u(p.price_cap)),
        ("maxTransfers", p.max_transfers.into()),
    ])
}

fn policy_from(v: &JsValue) -> Result<t::TransferPolicy, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(t::TransferPolicy::non_transferable());
    }
    Ok(t::TransferPolicy {
        transferable: get(v, "transferable").as_bool().unwrap_or(false),
        currency: text(v, "currency"),
        price_cap: num(v, "priceCap", Some(0))?,
        max_transfers: small(v, "maxTransfers", Some(0))?,
    })
}

fn state_js(s: &t::TicketState) -> JsValue {
    match s {
        t::TicketState::Valid => obj(&[("kind", "usable".into())]),
        t::TicketState::TransferPending {
            to,
            price,
            currency,
            requested_at,
        } => obj(&[
            ("kind", "transferPending".into()),
            ("to", to.to_string().into()),
            ("price", u(*price)),
            ("currency", currency.clone().into()),
            ("requestedAt", u(*requested_at)),
        ]),
        t::TicketState::Transferred { to, at } => obj(&[
            ("kind", "transferred".into()),
            ("to", to.to_string().into()),
            ("at", u(*at)),
        ]),
        t::TicketState::Redeemed { at, gate } => obj(&[
            ("kind", "used".into()),
            ("at", u(*at)),
            ("gate", gate.clone().into()),
        ]),
    }
}

fn status_name(s: t::Erc7439Status) -> &'static str {
    match s {
        t::Erc7439Status::Sold => "Sold",
        t::Erc7439Status::Resell => "Resell",
        t::Erc7439Status::Void => "Void",
        t::Erc7439Status::Redeemed => "Redeemed",
    }
}

fn ticket_js(x: &t::Ticket) -> JsValue {
    let g = &x.grant.grant;
    obj(&[
        ("id", x.id.to_string().into()),
        ("chainId", u(x.id.chain_id)),
        ("contract", x.id.contract.to_string().into()),
        ("tokenId", x.id.token_id.to_string().into()),
        ("issuer", x.issuer.to_string().into()),
        ("holder", g.holder.to_string().into()),
        ("event", event_js(&g.event)),
        ("seat", seat_js(&g.seat)),
        ("seatLabel", g.seat.to_string().into()),
        ("tier", g.tier.clone().into()),
        ("policy", policy_js(&g.policy)),
        ("transfers", g.transfers.into()),
        ("issuedAt", u(g.issued_at)),
        ("importedAt", u(x.imported_at)),
        ("status", status_name(x.status()).into()),
        ("locked", x.locked().into()),
        ("state", state_js(&x.state)),
        ("grant", x.grant.to_text().into()),
    ])
}

fn transfer_js(r: &t::TransferRequest, grant: String) -> JsValue {
    obj(&[
        ("text", r.to_text().into()),
        ("grant", grant.into()),
        ("ticketId", r.ticket.to_string().into()),
        ("from", r.from.to_string().into()),
        ("to", r.to.address.to_string().into()),
        ("price", u(r.price)),
        ("currency", r.currency.clone().into()),
        ("requestedAt", u(r.requested_at)),
        ("signature", r.signature.to_string().into()),
        (
            "typedData",
            js_sys::JSON::parse(&r.typed_data_json()).unwrap_or(JsValue::NULL),
        ),
    ])
}

/// The env of a gate or issuer: `clock` (a function returning ms, or an object with `nowMs()`)
/// if given, else `Date.now()`.
fn env_with(clock: &JsValue) -> Result<Env, JsValue> {
    Ok(Env::new(
        crate::convert::js_clock(clock.clone())?,
        crate::env().random,
    ))
}

/// The ticket side of a wallet.
#[wasm_bindgen]
pub struct WasmTickets {
    wallet: Arc<jigap_core::wallet::Wallet>,
}

impl WasmTickets {
    fn core(&self) -> t::Tickets<'_> {
        t::Tickets::new(&self.wallet)
    }
}

#[wasm_bindgen]
impl WasmTickets {
    /// The tickets of `wallet`.
    #[wasm_bindgen(constructor)]
    pub fn new(wallet: &WasmWallet) -> WasmTickets {
        WasmTickets {
            wallet: wallet.core().clone(),
        }
    }

    /// Trust an issuer (`JGID:…`); returns `{address, key, text}`.
    #[wasm_bindgen(js_name = trustIssuer)]
    pub fn trust_issuer(&self, identity: String) -> JsResult {
        let id = t::TicketIdentity::from_text(&identity).map_err(terr)?;
        self.core().trust_issuer(&id).map_err(terr)?;
        Ok(identity_js(&id))
    }

    /// Stop trusting an issuer; false if it was not trusted.
    #[wasm_bindgen(js_name = distrustIssuer)]
    pub fn distrust_issuer(&self, address: String) -> Result<bool, JsValue> {
        self.core().distrust_issuer(&addr(&address)?).map_err(terr)
    }

    /// The trusted issuers.
    #[wasm_bindgen(js_name = trustedIssuers)]
    pub fn trusted_issuers(&self) -> JsResult {
        Ok(arr(
            self.core().trusted_issuers().map_err(terr)?.iter(),
            identity_js,
        ))
    }

    /// The ticket holder id of one of the wallet's accounts.
    #[wasm_bindgen(js_name = holderId)]
    pub fn holder_id(&self, account: String) -> JsResult {
        let id = self.core().holder_id(&addr(&account)?).map_err(terr)?;
        Ok(identity_js(&id))
    }

    /// Import a grant (`JGTG:…`); returns `{ticket, outcome}`.
    #[wasm_bindgen(js_name = importGrant)]
    pub fn import_grant(&self, grant: String) -> JsResult {
        let r = self.core().import(&grant).map_err(terr)?;
        let outcome = match r.outcome {
            t::ImportOutcome::Added => "added",
            t::ImportOutcome::Unchanged => "unchanged",
            t::ImportOutcome::Updated => "updated",
            t::ImportOutcome::TransferConfirmed => "transferConfirmed",
        };
        Ok(obj(&[
            ("ticket", ticket_js(&r.ticket)),
            ("outcome", outcome.into()),
        ]))
    }

    /// Every ticket, upcoming first.
    pub fn list(&self) -> JsResult {
        Ok(arr(self.core().list().map_err(terr)?.iter(), ticket_js))
    }

    /// One ticket.
    pub fn get(&self, id: String) -> JsResult {
        Ok(ticket_js(
            &self.core().get(&ticket_ref(&id)?).map_err(terr)?,
        ))
    }

    /// The pass for the current window: `{text, svg, size, version, modules, window,
    /// nextRotationMs, refreshInMs}` (`modules`: row-major `Uint8Array`, 1 = dark).
    pub fn show(&self, id: String) -> JsResult {
        let p = self.core().show(&ticket_ref(&id)?).map_err(terr)?;
        let modules: Vec<u8> = p.qr.modules.iter().map(|d| u8::from(*d)).collect();
        Ok(obj(&[
            ("text", p.text.into()),
            ("svg", p.svg.into()),
            ("size", p.qr.size.into()),
            ("version", p.qr.version.into()),
            (
                "modules",
                js_sys::Uint8Array::from(modules.as_slice()).into(),
            ),
            ("window", u(p.window)),
            ("nextRotationMs", u(p.next_rotation.saturating_mul(1000))),
            ("refreshInMs", u(p.refresh_in_ms)),
        ]))
    }

    /// Sign a transfer request to `to` (their `JGID:…`) at `price` minor units of `currency`.
    #[wasm_bindgen(js_name = requestTransfer)]
    pub fn request_transfer(
        &self,
        id: String,
        to: String,
        price: JsValue,
        currency: String,
    ) -> JsResult {
        let id = ticket_ref(&id)?;
        let to = t::TicketIdentity::from_text(&to).map_err(terr)?;
        let price = whole(&price, "price")?;
        let r = self
            .core()
            .request_transfer(&id, &to, price, &currency)
            .map_err(terr)?;
        let grant = self.core().get(&id).map_err(terr)?.grant.to_text();
        Ok(transfer_js(&r, grant))
    }

    /// The pending transfer request of a ticket.
    #[wasm_bindgen(js_name = pendingTransfer)]
    pub fn pending_transfer(&self, id: String) -> JsResult {
        let id = ticket_ref(&id)?;
        let r = self.core().pending_transfer(&id).map_err(terr)?;
        let grant = self.core().get(&id).map_err(terr)?.grant.to_text();
        Ok(transfer_js(&r, grant))
    }

    /// Withdraw a pending transfer.
    #[wasm_bindgen(js_name = cancelTransfer)]
    pub fn cancel_transfer(&self, id: String) -> JsResult {
        Ok(ticket_js(
            &self
                .core()
                .cancel_transfer(&ticket_ref(&id)?)
                .map_err(terr)?,
        ))
    }

    /// Apply a gate's check-in receipt (`JGCR:…`).
    #[wasm_bindgen(js_name = applyReceipt)]
    pub fn apply_receipt(&self, receipt: String) -> JsResult {
        Ok(ticket_js(
            &self.core().apply_receipt(&receipt).map_err(terr)?,
        ))
    }
}

/// A gate's Ed25519 key.
#[wasm_bindgen]
pub struct WasmGateKey {
    inner: t::GateKey,
}

#[wasm_bindgen]
impl WasmGateKey {
    /// Derived from `account` of `wallet`.
    #[wasm_bindgen(js_name = fromAccount)]
    pub fn from_account(wallet: &WasmWallet, account: String) -> Result<WasmGateKey, JsValue> {
        Ok(WasmGateKey {
            inner: t::GateKey::from_wallet(wallet.core(), &addr(&account)?).map_err(terr)?,
        })
    }

    /// A fresh random key.
    pub fn generate() -> Result<WasmGateKey, JsValue> {
        Ok(WasmGateKey {
            inner: t::GateKey::generate(&crate::env()).map_err(terr)?,
        })
    }

    /// The public key, `0x` hex, for the issuer to authorise.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> String {
        hex0x(&self.inner.public())
    }
}

/// A gate verifier.
#[wasm_bindgen]
pub struct WasmGate {
    inner: t::Gate,
}

#[wasm_bindgen]
impl WasmGate {
    /// `options`: `{issuers: ['JGID:…'], authorizations: ['JGGA:…'], clock?: () => ms}`.
    #[wasm_bindgen(constructor)]
    pub fn new(key: &WasmGateKey, options: JsValue) -> Result<WasmGate, JsValue> {
        let issuers = strings(&get(&options, "issuers"), "issuers")?
            .iter()
            .map(|i| t::TicketIdentity::from_text(i))
            .collect::<Result<Vec<_>, _>>()
            .map_err(terr)?;
        let auths = strings(&get(&options, "authorizations"), "authorizations")?
            .iter()
            .map(|a| t::GateAuthorization::from_text(a))
            .collect::<Result<Vec<_>, _>>()
            .map_err(terr)?;
        let env = env_with(&get(&options, "clock"))?;
        Ok(WasmGate {
            inner: t::Gate::new(env, key.inner.clone(), &issuers, &auths).map_err(terr)?,
        })
    }

    /// The gate's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// The events this gate admits.
    pub fn events(&self) -> JsValue {
        arr(self.inner.events(), event_js)
    }

    /// Verify a scanned pass; returns the admit or throws a `JigapError`.
    pub fn verify(&mut self, pass: String) -> JsResult {
        let a = self.inner.verify(&pass).map_err(terr)?;
        let event_name = self
            .inner
            .events()
            .into_iter()
            .find(|e| e.id == a.event_id)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        Ok(obj(&[
            ("ticketId", a.ticket.to_string().into()),
            ("eventId", a.event_id.clone().into()),
            ("eventName", event_name.into()),
            ("seat", seat_js(&a.seat)),
            ("seatLabel", a.seat.to_string().into()),
            ("tier", a.tier.clone().into()),
            ("holder", a.holder.to_string().into()),
            ("transfers", a.transfers.into()),
            ("window", u(a.window)),
            ("enteredAt", u(a.entered_at)),
            ("grantDigest", hex0x(&a.grant).into()),
        ]))
    }

    /// Sign the check-in receipt (`JGCR:…`) of an admit returned by `verify`.
    pub fn receipt(&self, admit: JsValue) -> Result<String, JsValue> {
        let a = t::Admit {
            ticket: ticket_ref(&required(&admit, "ticketId")?)?,
            grant: key32(&required(&admit, "grantDigest")?, "grant digest")?,
            event_id: required(&admit, "eventId")?,
            seat: seat_from(&get(&admit, "seat"))?,
            tier: text(&admit, "tier"),
            holder: addr(&required(&admit, "holder")?)?,
            transfers: small(&admit, "transfers", None)?,
            window: num(&admit, "window", None)?,
            entered_at: num(&admit, "enteredAt", None)?,
        };
        Ok(self.inner.receipt(&a).map_err(terr)?.to_text())
    }

    /// Passes of grants older than the ticket's current one (`transfers`) are refused.
    #[wasm_bindgen(js_name = setCurrentTransfers)]
    pub fn set_current_transfers(
        &mut self,
        ticket_id: String,
        transfers: JsValue,
    ) -> Result<(), JsValue> {
        let r = ticket_ref(&ticket_id)?;
        // Checked, not `as u8`: 256 must not become 0 and switch off the superseded check.
        let transfers = u8::try_from(whole(&transfers, "transfers")?)
            .map_err(|_| error("InvalidInput", "transfers must be 0 to 255"))?;
        self.inner.set_current_transfers(r, transfers);
        Ok(())
    }

    /// The signed entered set, for the other gates.
    pub fn export(&self) -> Result<Vec<u8>, JsValue> {
        self.inner.export().map_err(terr)
    }

    /// Merge another gate's export; returns `{added, updated, ignored, total}`.
    pub fn merge(&mut self, export: Vec<u8>) -> JsResult {
        let r = self.inner.merge(&export).map_err(terr)?;
        Ok(obj(&[
            ("added", u(r.added as u64)),
            ("updated", u(r.updated as u64)),
            ("ignored", u(r.ignored as u64)),
            ("total", u(r.total as u64)),
        ]))
    }

    /// Every entry: `[{ticketId, at, gate}]`.
    pub fn entries(&self) -> JsValue {
        arr(self.inner.entries(), |(r, e)| {
            obj(&[
                ("ticketId", r.to_string().into()),
                ("at", u(e.at)),
                ("gate", e.gate.clone().into()),
            ])
        })
    }
}

/// A ticket issuer for tests, pilots and demos.
#[wasm_bindgen]
pub struct WasmTicketIssuer {
    inner: t::Issuer,
}

#[wasm_bindgen]
impl WasmTicketIssuer {
    /// Signs with `account` of `wallet`; `options`: `{clock?: () => ms}`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        wallet: &WasmWallet,
        account: String,
        options: JsValue,
    ) -> Result<WasmTicketIssuer, JsValue> {
        let clock = if options.is_object() {
            get(&options, "clock")
        } else {
            JsValue::UNDEFINED
        };
        let env = env_with(&clock)?;
        Ok(WasmTicketIssuer {
            inner: t::Issuer::from_wallet(env, wallet.core().clone(), &addr(&account)?)
                .map_err(terr)?,
        })
    }

    /// `{address, key, text}`: what apps and gates trust.
    pub fn identity(&self) -> JsValue {
        identity_js(self.inner.identity())
    }

    /// Grant a ticket to `holderId` (`JGID:…`). `terms`: `{chainId, contract, tokenId, event,
    /// seat, tier?, policy?}`; returns `JGTG:…`.
    pub fn grant(&mut self, holder_id: String, terms: JsValue) -> Result<String, JsValue> {
        let holder = t::TicketIdentity::from_text(&holder_id).map_err(terr)?;
        let token = get(&terms, "tokenId");
        let token_id = match token.as_string() {
            Some(s) => s,
            None => whole(&token, "tokenId")?.to_string(),
        };
        let terms = t::TicketTerms {
            chain_id: num(&terms, "chainId", None)?,
            contract: addr(&required(&terms, "contract")?)?,
            token_id: token_id.parse().map_err(terr)?,
            event: event_from(&get(&terms, "event"))?,
            seat: seat_from(&get(&terms, "seat"))?,
            tier: text(&terms, "tier"),
            policy: policy_from(&get(&terms, "policy"))?,
        };
        Ok(self.inner.grant(&holder, terms).map_err(terr)?.to_text())
    }

    /// Authorise a gate: `{chainId, contract, event, gateKey, gateName}`; returns `JGGA:…`.
    #[wasm_bindgen(js_name = authorizeGate)]
    pub fn authorize_gate(&self, spec: JsValue) -> Result<String, JsValue> {
        let a = self
            .inner
            .authorize_gate(
                num(&spec, "chainId", None)?,
                addr(&required(&spec, "contract")?)?,
                &event_from(&get(&spec, "event"))?,
                key32(&required(&spec, "gateKey")?, "gate key")?,
                &required(&spec, "gateName")?,
            )
            .map_err(terr)?;
        Ok(a.to_text())
    }

    /// Reissue to the new holder of a transfer request (`JGTR:…`); `grant`: the current grant,
    /// needed only if this issuer did not sign it. Returns `JGTG:…`.
    pub fn reissue(&mut self, request: String, grant: Option<String>) -> Result<String, JsValue> {
        let req = t::TransferRequest::from_text(&request).map_err(terr)?;
        let next = match grant {
            Some(g) => {
                let current = t::SignedGrant::from_text(&g).map_err(terr)?;
                self.inner.reissue(&current, &req)
            }
            None => self.inner.reissue_request(&req),
        }
        .map_err(terr)?;
        Ok(next.to_text())
    }
}
