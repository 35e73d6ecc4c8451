//! NFT tickets for JavaScript: the holder's tickets, the gate and the test issuer, over the
//! core's `Tickets`, `Gate` and `Issuer`.

use jigap_core::bind::Bytes32;
use jigap_core::keys::Address;
use jigap_core::ticket::{
    self as t, GateAdmit, GateAuthorization, SignedGrant, TicketEvent, TicketIdentity, TicketInfo,
    TicketRef, TicketTerms, TicketTransferRequest, TransferRequest,
};
use wasm_bindgen::prelude::*;

use crate::convert::{Js, JsResult, bytes, env, env_with, from_js, parse, to_js};
use crate::wallet::WasmWallet;

fn identity(text: &str) -> Result<TicketIdentity, JsValue> {
    TicketIdentity::from_text(text).js()
}

/// The ticket side of a wallet.
#[wasm_bindgen]
pub struct WasmTickets {
    wallet: std::sync::Arc<jigap_core::wallet::Wallet>,
}

impl WasmTickets {
    fn core(&self) -> t::Tickets<'_> {
        t::Tickets::new(&self.wallet)
    }

    fn request(&self, id: &TicketRef, r: TransferRequest) -> JsResult {
        to_js(&TicketTransferRequest::new(
            r,
            self.core().get(id).js()?.grant,
        ))
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

    /// Trust a ticket issuer, given its identity (`JGID:…`).
    #[wasm_bindgen(js_name = trustIssuer, unchecked_return_type = "TicketIdentity")]
    pub fn trust_issuer(&self, issuer: String) -> JsResult {
        let id = identity(&issuer)?;
        self.core().trust_issuer(&id).js()?;
        to_js(&id)
    }

    /// Stop trusting an issuer (by address); `false` if it was not trusted.
    #[wasm_bindgen(js_name = distrustIssuer)]
    pub fn distrust_issuer(&self, address: String) -> Result<bool, JsValue> {
        self.core()
            .distrust_issuer(&parse::<Address>(&address)?)
            .js()
    }

    /// The trusted issuers.
    #[wasm_bindgen(js_name = trustedIssuers, unchecked_return_type = "TicketIdentity[]")]
    pub fn trusted_issuers(&self) -> JsResult {
        to_js(&self.core().trusted_issuers().js()?)
    }

    /// The ticket holder id of `account`, for an issuer or seller.
    #[wasm_bindgen(js_name = holderId, unchecked_return_type = "TicketIdentity")]
    pub fn holder_id(&self, account: String) -> JsResult {
        to_js(&self.core().holder_id(&parse::<Address>(&account)?).js()?)
    }

    /// Import a grant (`JGTG:…`) from a trusted issuer.
    #[wasm_bindgen(js_name = importGrant, unchecked_return_type = "ImportedTicket")]
    pub fn import_grant(&self, grant: String) -> JsResult {
        to_js(&self.core().import(&grant).js()?)
    }

    /// Every ticket: upcoming events first.
    #[wasm_bindgen(unchecked_return_type = "TicketInfo[]")]
    pub fn list(&self) -> JsResult {
        let list: Vec<TicketInfo> = self.core().list().js()?.iter().map(Into::into).collect();
        to_js(&list)
    }

    /// One ticket.
    #[wasm_bindgen(unchecked_return_type = "TicketInfo")]
    pub fn get(&self, id: String) -> JsResult {
        to_js(&TicketInfo::from(self.core().get(&parse(&id)?).js()?))
    }

    /// The pass for the current window.
    #[wasm_bindgen(unchecked_return_type = "TicketPass")]
    pub fn show(&self, id: String) -> JsResult {
        to_js(&self.core().show(&parse(&id)?).js()?)
    }

    /// Sign a request to transfer ticket `id` to `to` (`JGID:…`) at `price` of `currency`.
    #[wasm_bindgen(js_name = requestTransfer, unchecked_return_type = "TicketTransferRequest")]
    pub fn request_transfer(
        &self,
        id: String,
        to: String,
        #[wasm_bindgen(unchecked_param_type = "U64")] price: JsValue,
        currency: String,
    ) -> JsResult {
        let (id, to, price) = (parse(&id)?, identity(&to)?, from_js(price, "price")?);
        let r = self
            .core()
            .request_transfer(&id, &to, price, &currency)
            .js()?;
        self.request(&id, r)
    }

    /// The pending transfer request of ticket `id` (to send again).
    #[wasm_bindgen(js_name = pendingTransfer, unchecked_return_type = "TicketTransferRequest")]
    pub fn pending_transfer(&self, id: String) -> JsResult {
        let id = parse(&id)?;
        let r = self.core().pending_transfer(&id).js()?;
        self.request(&id, r)
    }

    /// Withdraw a pending transfer.
    #[wasm_bindgen(js_name = cancelTransfer, unchecked_return_type = "TicketInfo")]
    pub fn cancel_transfer(&self, id: String) -> JsResult {
        to_js(&TicketInfo::from(
            self.core().cancel_transfer(&parse(&id)?).js()?,
        ))
    }

    /// Apply a gate's check-in receipt (`JGCR:…`).
    #[wasm_bindgen(js_name = applyReceipt, unchecked_return_type = "TicketInfo")]
    pub fn apply_receipt(&self, receipt: String) -> JsResult {
        to_js(&TicketInfo::from(self.core().apply_receipt(&receipt).js()?))
    }
}

/// A gate's Ed25519 key.
#[wasm_bindgen]
pub struct WasmGateKey {
    inner: t::GateKey,
}

#[wasm_bindgen]
impl WasmGateKey {
    /// Derive from `account`, an account of `wallet`.
    #[wasm_bindgen(js_name = fromAccount)]
    pub fn from_account(wallet: &WasmWallet, account: String) -> Result<WasmGateKey, JsValue> {
        let inner = t::GateKey::from_wallet(wallet.core(), &parse(&account)?).js()?;
        Ok(WasmGateKey { inner })
    }

    /// A fresh random key.
    pub fn generate() -> Result<WasmGateKey, JsValue> {
        Ok(WasmGateKey {
            inner: t::GateKey::generate(&env()).js()?,
        })
    }

    /// The public key (`0x` hex), for the issuer to authorise.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> String {
        Bytes32(self.inner.public()).to_string()
    }
}

/// A gate: verifies passes offline and admits each ticket once.
#[wasm_bindgen]
pub struct WasmGate {
    inner: t::Gate,
}

#[wasm_bindgen]
impl WasmGate {
    /// A gate with its key, trusted issuers (`JGID:…`), authorizations (`JGGA:…`) and clock.
    #[wasm_bindgen(constructor)]
    pub fn new(
        key: &WasmGateKey,
        #[wasm_bindgen(unchecked_param_type = "string[]")] issuers: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] authorizations: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Clock")] clock: JsValue,
    ) -> Result<WasmGate, JsValue> {
        let issuers: Vec<String> = from_js(issuers, "issuers")?;
        let authorizations: Vec<String> = from_js(authorizations, "authorizations")?;
        let issuers = issuers
            .iter()
            .map(|i| identity(i))
            .collect::<Result<Vec<_>, _>>()?;
        let auths = authorizations
            .iter()
            .map(|a| GateAuthorization::from_text(a))
            .collect::<Result<Vec<_>, _>>()
            .js()?;
        let gate = t::Gate::new(env_with(clock)?, key.inner.clone(), &issuers, &auths).js()?;
        Ok(WasmGate { inner: gate })
    }

    /// The gate's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// The events this gate admits.
    #[wasm_bindgen(unchecked_return_type = "TicketEvent[]")]
    pub fn events(&self) -> JsResult {
        to_js(&self.inner.events())
    }

    /// Verify a scanned pass (`JGTP:…`): admits and records the entry, or throws.
    #[wasm_bindgen(unchecked_return_type = "GateAdmit")]
    pub fn verify(&mut self, pass: String) -> JsResult {
        to_js(&self.inner.verify(&pass).js()?)
    }

    /// Sign the check-in receipt (`JGCR:…`) of an admission by this gate.
    pub fn receipt(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GateAdmit")] admit: JsValue,
    ) -> Result<String, JsValue> {
        let admit: GateAdmit = from_js(admit, "admit")?;
        Ok(self.inner.receipt(&admit).js()?.to_text())
    }

    /// A ticket was reissued and its current grant has `transfers` transfers.
    #[wasm_bindgen(js_name = setCurrentTransfers)]
    pub fn set_current_transfers(
        &mut self,
        ticket_id: String,
        transfers: u8,
    ) -> Result<(), JsValue> {
        self.inner
            .set_current_transfers(parse(&ticket_id)?, transfers);
        Ok(())
    }

    /// The entered set, signed by this gate.
    pub fn export(&self) -> Result<Vec<u8>, JsValue> {
        self.inner.export().js()
    }

    /// Merge another gate's export; the earliest entry of a ticket wins.
    #[wasm_bindgen(unchecked_return_type = "GateMergeReport")]
    pub fn merge(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] export: JsValue,
    ) -> JsResult {
        to_js(&self.inner.merge(&bytes(&export, "export")?).js()?)
    }

    /// Every entry, in ticket order.
    #[wasm_bindgen(unchecked_return_type = "GateEntry[]")]
    pub fn entries(&self) -> JsResult {
        to_js(&self.inner.entries())
    }
}

/// A ticket issuer for tests, pilots and demos.
#[wasm_bindgen]
pub struct WasmTicketIssuer {
    inner: t::Issuer,
}

#[wasm_bindgen]
impl WasmTicketIssuer {
    /// An issuer signing with `account` of `wallet`; `clock` dates its grants.
    #[wasm_bindgen(constructor)]
    pub fn new(
        wallet: &WasmWallet,
        account: String,
        #[wasm_bindgen(unchecked_optional_param_type = "Clock")] clock: JsValue,
    ) -> Result<WasmTicketIssuer, JsValue> {
        let (w, a) = (wallet.core().clone(), parse(&account)?);
        let inner = t::Issuer::from_wallet(env_with(clock)?, w, &a).js()?;
        Ok(WasmTicketIssuer { inner })
    }

    /// The issuer's identity (`JGID:…`), for apps and gates to trust.
    #[wasm_bindgen(unchecked_return_type = "TicketIdentity")]
    pub fn identity(&self) -> JsResult {
        to_js(self.inner.identity())
    }

    /// The issuer's account.
    #[wasm_bindgen(getter)]
    pub fn address(&self) -> String {
        self.inner.address().to_string()
    }

    /// Grant a ticket to `holderId` (`JGID:…`); returns the grant `JGTG:…`.
    pub fn grant(
        &mut self,
        holder_id: String,
        #[wasm_bindgen(unchecked_param_type = "TicketTerms")] terms: JsValue,
    ) -> Result<String, JsValue> {
        let terms: TicketTerms = from_js(terms, "terms")?;
        Ok(self
            .inner
            .grant(&identity(&holder_id)?, terms)
            .js()?
            .to_text())
    }

    /// Authorise a gate (`gateKey`: its public key) to admit `event`; returns `JGGA:…`.
    #[wasm_bindgen(js_name = authorizeGate)]
    pub fn authorize_gate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "U64")] chain_id: JsValue,
        contract: String,
        #[wasm_bindgen(unchecked_param_type = "TicketEvent")] event: JsValue,
        gate_key: String,
        gate_name: String,
    ) -> Result<String, JsValue> {
        let event: TicketEvent = from_js(event, "event")?;
        let (chain, contract) = (from_js(chain_id, "chainId")?, parse(&contract)?);
        let key: Bytes32 = parse(&gate_key)?;
        let a = self
            .inner
            .authorize_gate(chain, contract, &event, key.0, &gate_name);
        Ok(a.js()?.to_text())
    }

    /// Reissue a ticket to the new holder named in a transfer request (`JGTR:…`); `grant`: the
    /// current grant, needed only if this issuer object did not sign it.
    pub fn reissue(&mut self, request: String, grant: Option<String>) -> Result<String, JsValue> {
        let req = TransferRequest::from_text(&request).js()?;
        let next = match grant {
            Some(g) => self.inner.reissue(&SignedGrant::from_text(&g).js()?, &req),
            None => self.inner.reissue_request(&req),
        };
        Ok(next.js()?.to_text())
    }
}

// ------------------------------------------------------------------ on chain (TicketToken)

use jigap_core::evm::{HexData, Receipt, U256};
use jigap_core::ticket::chain::{self as tc, ChainTicket};

#[wasm_bindgen]
impl WasmTickets {
    /// `listForResale` calldata for one of this wallet's tickets at `price`, made only if its
    /// policy allows it.
    #[wasm_bindgen(js_name = resaleListing)]
    pub fn resale_listing(
        &self,
        id: String,
        #[wasm_bindgen(unchecked_param_type = "U64")] price: JsValue,
    ) -> Result<String, JsValue> {
        let id = parse::<TicketRef>(&id)?;
        Ok(HexData(
            self.core()
                .resale_listing(&id, from_js(price, "price")?)
                .js()?,
        )
        .to_string())
    }

    /// `buyResale` calldata for a listed ticket, bound to `buyer`'s pass key.
    #[wasm_bindgen(js_name = buyResaleCall)]
    pub fn buy_resale_call(&self, id: String, buyer: String) -> Result<String, JsValue> {
        let id = parse::<TicketRef>(&id)?;
        Ok(HexData(self.core().buy_resale(&id, &parse(&buyer)?).js()?).to_string())
    }

    /// Apply the chain's view (`parseTicketState`): sold on chain → transferred, checked in →
    /// used.
    #[wasm_bindgen(js_name = applyChainState, unchecked_return_type = "TicketChainSync[]")]
    pub fn apply_chain_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ChainTicket[]")] chain: JsValue,
    ) -> JsResult {
        let c: Vec<ChainTicket> = from_js(chain, "chain")?;
        to_js(&self.core().apply_chain_state(&c).js()?)
    }
}

#[wasm_bindgen]
impl WasmGate {
    /// Check passes also against a snapshot of on-chain ownership (`parseTicketState`).
    #[wasm_bindgen(js_name = setChainSnapshot)]
    pub fn set_chain_snapshot(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ChainTicket[]")] tickets: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.set_chain_snapshot(from_js(tickets, "tickets")?);
        Ok(())
    }

    /// `checkIn` calldata for every ticket of `contract` this gate recorded.
    #[wasm_bindgen(js_name = checkInOnchain)]
    pub fn check_in_onchain(&self, contract: String) -> Result<String, JsValue> {
        let c = parse(&contract)?;
        Ok(HexData(tc::check_in_entries_call(&c, &self.inner.entries())).to_string())
    }
}

/// Deployment bytes of a `TicketToken`.
#[wasm_bindgen(js_name = ticketTokenDeployData)]
pub fn ticket_token_deploy_data(
    bytecode: String,
    name: String,
    symbol: String,
    #[wasm_bindgen(js_name = paymentToken)] payment_token: String,
    currency: String,
    scale: String,
) -> Result<String, JsValue> {
    let code = parse::<HexData>(&bytecode)?;
    let (p, s) = (parse(&payment_token)?, parse::<U256>(&scale)?);
    Ok(HexData(tc::deploy_data(&code.0, &name, &symbol, &p, &currency, s).js()?).to_string())
}

/// `mint` (or `mintBatch`) calldata for issuer-signed grants (`JGTG:…`).
#[wasm_bindgen(js_name = ticketMintCall)]
pub fn ticket_mint_call(
    #[wasm_bindgen(unchecked_param_type = "string[]")] grants: JsValue,
) -> Result<String, JsValue> {
    let g: Vec<String> = from_js(grants, "grants")?;
    let g = g
        .iter()
        .map(|x| SignedGrant::from_text(x))
        .collect::<Result<Vec<_>, _>>()
        .js()?;
    let data = match &g[..] {
        [one] => tc::mint_call(one),
        _ => tc::mint_batch_call(&g),
    };
    Ok(HexData(data).to_string())
}

/// `setGate(gate, allowed)` calldata.
#[wasm_bindgen(js_name = ticketSetGateCall)]
pub fn ticket_set_gate_call(gate: String, allowed: bool) -> Result<String, JsValue> {
    Ok(HexData(tc::set_gate_call(&parse(&gate)?, allowed)).to_string())
}

/// A JSON-RPC batch reading the chain's view of `tickets`; read it with `parseTicketState`.
#[wasm_bindgen(js_name = ticketStateRequest)]
pub fn ticket_state_request(
    #[wasm_bindgen(unchecked_param_type = "string[]")] tickets: JsValue,
) -> Result<String, JsValue> {
    let ids: Vec<TicketRef> = refs(tickets)?;
    Ok(tc::state_request(&ids))
}

/// The chain's view of `tickets` from the reply to `ticketStateRequest`.
#[wasm_bindgen(js_name = parseTicketState, unchecked_return_type = "ChainTicket[]")]
pub fn parse_ticket_state(
    #[wasm_bindgen(unchecked_param_type = "string[]")] tickets: JsValue,
    reply: String,
) -> JsResult {
    let ids: Vec<TicketRef> = refs(tickets)?;
    to_js(&tc::parse_state(&ids, &reply).js()?)
}

fn refs(v: JsValue) -> Result<Vec<TicketRef>, JsValue> {
    let s: Vec<String> = from_js(v, "tickets")?;
    s.iter().map(|x| parse::<TicketRef>(x)).collect()
}

/// The ticket contract's events in a receipt.
#[wasm_bindgen(js_name = ticketChainEvents, unchecked_return_type = "TicketChainEvent[]")]
pub fn ticket_chain_events(
    contract: String,
    #[wasm_bindgen(unchecked_param_type = "Receipt")] receipt: JsValue,
) -> JsResult {
    let (c, r): (jigap_core::keys::Address, Receipt) =
        (parse(&contract)?, from_js(receipt, "receipt")?);
    let events: Vec<_> = r
        .logs
        .iter()
        .filter(|l| l.address == c)
        .filter_map(tc::decode_log)
        .collect();
    to_js(&events)
}

#[wasm_bindgen]
impl WasmTicketIssuer {
    /// Reissue `grant` (`JGTG:…`) to the buyer of its on-chain resale (a `resold` event from
    /// `ticketChainEvents` of the purchase's receipt); returns the buyer's grant.
    #[wasm_bindgen(js_name = reissueAfterResale)]
    pub fn reissue_after_resale(
        &mut self,
        grant: String,
        #[wasm_bindgen(unchecked_param_type = "TicketChainEvent")] resold: JsValue,
    ) -> Result<String, JsValue> {
        let current = SignedGrant::from_text(&grant).js()?;
        let e: tc::TicketChainEvent = from_js(resold, "resold")?;
        Ok(self
            .inner
            .reissue_after_resale(&current, &e)
            .js()?
            .to_text())
    }
}
