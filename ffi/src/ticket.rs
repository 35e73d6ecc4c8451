//! NFT tickets for Kotlin and Swift: holder (import, list, show a rotating pass, transfer),
//! gate (verify offline, receipts, entered sets shared between gates) and the test issuer.
//!
//! Signed payloads travel as their text forms (`TicketIdentity` is `JGID:…`, `SignedGrant`
//! `JGTG:…`, `TransferRequest` `JGTR:…`, `GateAuthorization` `JGGA:…`, `CheckInReceipt`
//! `JGCR:…`); a ticket's id is `chainId:contract:tokenId`. Times are Unix seconds unless a
//! name ends in `Ms`.

use std::sync::{Arc, Mutex, MutexGuard};

use jigap_core::bind::Bytes32;
use jigap_core::env::Env;
use jigap_core::keys::Address;
use jigap_core::ticket::{
    self as t, CheckInReceipt, GateAdmit, GateAuthorization, GateEntry, GateMergeReport,
    ImportedTicket, SignedGrant, TicketEvent, TicketIdentity, TicketInfo, TicketPass, TicketRef,
    TicketTerms, TicketTransferRequest, TransferRequest,
};

use crate::clock::{Clock, core_clock};
use crate::error::JigapError;
use crate::wallet::Wallet;

/// The object's state even if an earlier call panicked while holding it: the core changes a
/// gate's entered set or an issuer's registry only after every check, so what is there is whole,
/// and losing a gate's entered set would be worse.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The ticket side of a wallet: trusted issuers, tickets, passes, transfers, receipts.
/// Thread-safe; every change is one atomic vault write.
#[derive(uniffi::Object)]
pub struct Tickets {
    wallet: Arc<jigap_core::wallet::Wallet>,
}

impl Tickets {
    fn core(&self) -> t::Tickets<'_> {
        t::Tickets::new(&self.wallet)
    }

    fn request(
        &self,
        id: &TicketRef,
        r: TransferRequest,
    ) -> Result<TicketTransferRequest, JigapError> {
        Ok(TicketTransferRequest::new(r, self.core().get(id)?.grant))
    }
}

#[uniffi::export]
impl Tickets {
    /// The tickets of `wallet`.
    #[uniffi::constructor]
    pub fn new(wallet: Arc<Wallet>) -> Arc<Tickets> {
        Arc::new(Tickets {
            wallet: wallet.inner.clone(),
        })
    }

    /// Trust a ticket issuer, given its identity (`JGID:…`). Grants from others are refused.
    pub fn trust_issuer(&self, identity: TicketIdentity) -> Result<TicketIdentity, JigapError> {
        self.core().trust_issuer(&identity)?;
        Ok(identity)
    }

    /// Stop trusting an issuer (by address); `false` if it was not trusted.
    pub fn distrust_issuer(&self, address: Address) -> Result<bool, JigapError> {
        Ok(self.core().distrust_issuer(&address)?)
    }

    /// The trusted issuers.
    pub fn trusted_issuers(&self) -> Result<Vec<TicketIdentity>, JigapError> {
        Ok(self.core().trusted_issuers()?)
    }

    /// The ticket holder id of `account` (an account of this wallet), for an issuer or seller.
    pub fn holder_id(&self, account: Address) -> Result<TicketIdentity, JigapError> {
        Ok(self.core().holder_id(&account)?)
    }

    /// Import a grant (`JGTG:…`) from a trusted issuer. Importing it twice is harmless.
    pub fn import_grant(&self, grant: String) -> Result<ImportedTicket, JigapError> {
        Ok(self.core().import(&grant)?)
    }

    /// Every ticket: upcoming events first (soonest first), then past ones.
    pub fn list(&self) -> Result<Vec<TicketInfo>, JigapError> {
        Ok(self.core().list()?.iter().map(Into::into).collect())
    }

    /// One ticket.
    pub fn get(&self, id: TicketRef) -> Result<TicketInfo, JigapError> {
        Ok(self.core().get(&id)?.into())
    }

    /// The pass for the current window. Throws `Refused` for a used, transferred or
    /// transfer-pending ticket, `Expired` after the event.
    pub fn show(&self, id: TicketRef) -> Result<TicketPass, JigapError> {
        Ok(self.core().show(&id)?)
    }

    /// Sign a request to transfer ticket `id` to `to` (their ticket holder id, `JGID:…`) at
    /// `price` minor units of `currency`, if the ticket's policy allows it (else
    /// `LimitExceeded` saying why). The ticket is then transfer-pending.
    pub fn request_transfer(
        &self,
        id: TicketRef,
        to: TicketIdentity,
        price: u64,
        currency: String,
    ) -> Result<TicketTransferRequest, JigapError> {
        let r = self.core().request_transfer(&id, &to, price, &currency)?;
        self.request(&id, r)
    }

    /// The pending transfer request of ticket `id` (to send again).
    pub fn pending_transfer(&self, id: TicketRef) -> Result<TicketTransferRequest, JigapError> {
        let r = self.core().pending_transfer(&id)?;
        self.request(&id, r)
    }

    /// Withdraw a pending transfer so the ticket can be shown again.
    pub fn cancel_transfer(&self, id: TicketRef) -> Result<TicketInfo, JigapError> {
        Ok(self.core().cancel_transfer(&id)?.into())
    }

    /// Apply a gate's check-in receipt (`JGCR:…`): the ticket is marked used.
    pub fn apply_receipt(&self, receipt: String) -> Result<TicketInfo, JigapError> {
        Ok(self.core().apply_receipt(&receipt)?.into())
    }
}

/// A gate's Ed25519 key: the issuer authorises its public key; the gate signs receipts and
/// entry lists with it.
#[derive(uniffi::Object)]
pub struct GateKey {
    inner: t::GateKey,
}

#[uniffi::export]
impl GateKey {
    /// Derive from `account`, an account of `wallet` (it comes back with the mnemonic).
    #[uniffi::constructor]
    pub fn from_account(wallet: Arc<Wallet>, account: Address) -> Result<Arc<GateKey>, JigapError> {
        let inner = t::GateKey::from_wallet(&wallet.inner, &account)?;
        Ok(Arc::new(GateKey { inner }))
    }

    /// A fresh random key (lost when the object is released).
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<GateKey>, JigapError> {
        let inner = t::GateKey::generate(&Env::system())?;
        Ok(Arc::new(GateKey { inner }))
    }

    /// The public key: give it to the issuer to authorise.
    pub fn public_key(&self) -> Bytes32 {
        Bytes32(self.inner.public())
    }
}

/// A gate: verifies passes offline and admits each ticket once. Thread-safe.
#[derive(uniffi::Object)]
pub struct Gate {
    inner: Mutex<t::Gate>,
}

#[uniffi::export]
impl Gate {
    /// A gate with its key, the issuers it trusts and its authorizations (one per event, from
    /// the issuer for this key). `clock`: the app's clock (default: the system clock).
    #[uniffi::constructor(default(clock = None))]
    pub fn new(
        key: Arc<GateKey>,
        issuers: Vec<TicketIdentity>,
        authorizations: Vec<GateAuthorization>,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<Gate>, JigapError> {
        let env = Env::new(core_clock(clock), Env::system().random);
        let gate = t::Gate::new(env, key.inner.clone(), &issuers, &authorizations)?;
        Ok(Arc::new(Gate {
            inner: Mutex::new(gate),
        }))
    }

    /// The gate's name (from its authorizations).
    pub fn name(&self) -> String {
        lock(&self.inner).name().to_string()
    }

    /// The events this gate admits.
    pub fn events(&self) -> Vec<TicketEvent> {
        lock(&self.inner).events().into_iter().cloned().collect()
    }

    /// Verify a scanned pass (`JGTP:…`). Admits (and records the entry) or throws:
    /// `BadSignature` (forged or altered), `Expired` (stale window: a screenshot or a wrong
    /// clock; or too late), `Refused` (wrong event, too early, already entered — with when and
    /// where), `InvalidInput` (not a pass).
    pub fn verify(&self, pass: String) -> Result<GateAdmit, JigapError> {
        Ok(lock(&self.inner).verify(&pass)?)
    }

    /// Sign the check-in receipt of an admission by this gate, for the holder's wallet
    /// (`Tickets.applyReceipt`).
    pub fn receipt(&self, admit: GateAdmit) -> Result<CheckInReceipt, JigapError> {
        Ok(lock(&self.inner).receipt(&admit)?)
    }

    /// Tell the gate a ticket was reissued and its current grant has `transfers` transfers:
    /// passes of older grants are refused.
    pub fn set_current_transfers(&self, ticket_id: TicketRef, transfers: u8) {
        lock(&self.inner).set_current_transfers(ticket_id, transfers);
    }

    /// The entered set, signed by this gate, for the other gates of the venue (and for saving).
    pub fn export(&self) -> Result<Vec<u8>, JigapError> {
        Ok(lock(&self.inner).export()?)
    }

    /// Merge another gate's export (or this gate's saved one); the earliest entry of a ticket wins.
    pub fn merge(&self, export: Vec<u8>) -> Result<GateMergeReport, JigapError> {
        Ok(lock(&self.inner).merge(&export)?)
    }

    /// Every entry, in ticket order.
    pub fn entries(&self) -> Vec<GateEntry> {
        lock(&self.inner).entries()
    }
}

/// A ticket issuer for tests, pilots and demos: signs with one of `wallet`'s accounts (an
/// EIP-712 signature and an Ed25519 seal) and remembers what it issued. Thread-safe.
#[derive(uniffi::Object)]
pub struct TicketIssuer {
    inner: Mutex<t::Issuer>,
}

#[uniffi::export]
impl TicketIssuer {
    /// An issuer signing with `account` of `wallet`; `clock` dates its grants (default: system).
    #[uniffi::constructor(default(clock = None))]
    pub fn new(
        wallet: Arc<Wallet>,
        account: Address,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<TicketIssuer>, JigapError> {
        let env = Env::new(core_clock(clock), wallet.inner.env().random.clone());
        let issuer = t::Issuer::from_wallet(env, wallet.inner.clone(), &account)?;
        Ok(Arc::new(TicketIssuer {
            inner: Mutex::new(issuer),
        }))
    }

    /// The issuer's identity (address + seal key), for apps and gates to trust.
    pub fn identity(&self) -> TicketIdentity {
        lock(&self.inner).identity().clone()
    }

    /// The issuer's account.
    pub fn address(&self) -> Address {
        lock(&self.inner).address()
    }

    /// Grant a ticket to `holderId` (the holder's `JGID:…`).
    pub fn grant(
        &self,
        holder_id: TicketIdentity,
        terms: TicketTerms,
    ) -> Result<SignedGrant, JigapError> {
        Ok(lock(&self.inner).grant(&holder_id, terms)?)
    }

    /// Authorise a gate (`gateKey`: its public key) under `gateName` to admit `event` (tickets
    /// of `contract` on `chainId`); returns the authorization for the gate.
    pub fn authorize_gate(
        &self,
        chain_id: u64,
        contract: Address,
        event: TicketEvent,
        gate_key: Bytes32,
        gate_name: String,
    ) -> Result<GateAuthorization, JigapError> {
        let issuer = lock(&self.inner);
        Ok(issuer.authorize_gate(chain_id, contract, &event, gate_key.0, &gate_name)?)
    }

    /// Reissue a ticket to the new holder named in a transfer request, after checking it
    /// against the policy; returns the new holder's grant. `grant`: the current grant, needed
    /// only if this issuer object did not sign it.
    #[uniffi::method(default(grant = None))]
    pub fn reissue(
        &self,
        request: TransferRequest,
        grant: Option<SignedGrant>,
    ) -> Result<SignedGrant, JigapError> {
        let mut issuer = lock(&self.inner);
        Ok(match grant {
            Some(g) => issuer.reissue(&g, &request)?,
            None => issuer.reissue_request(&request)?,
        })
    }
}

// ------------------------------------------------------------------ on chain (TicketToken)

use jigap_core::evm::{HexData, Receipt, U256};
use jigap_core::ticket::chain::{self as tc, ChainTicket, TicketChainEvent, TicketChainSync};
use jigap_core::ticket::{TicketStatus, TokenId};

use crate::evm::{Foreign, JsonRpcTransport};

#[uniffi::export]
impl Tickets {
    /// `listForResale` calldata for one of this wallet's tickets at `price`, made only if its
    /// policy allows it (send it from the holder's account).
    pub fn resale_listing(&self, id: TicketRef, price: u64) -> Result<HexData, JigapError> {
        Ok(self.core().resale_listing(&id, price)?.into())
    }

    /// `buyResale` calldata for a listed ticket, bound to `buyer`'s pass key (approve the
    /// listing price to the contract first).
    pub fn buy_resale_call(&self, id: TicketRef, buyer: Address) -> Result<HexData, JigapError> {
        Ok(self.core().buy_resale(&id, &buyer)?.into())
    }

    /// Apply the chain's view of every held ticket (sold on chain → transferred, checked in on
    /// chain → used).
    pub fn sync_chain(
        &self,
        transport: Arc<dyn JsonRpcTransport>,
    ) -> Result<Vec<TicketChainSync>, JigapError> {
        Ok(self.core().sync_chain(&Foreign(transport.as_ref()))?)
    }
}

#[uniffi::export]
impl Gate {
    /// Check passes also against a snapshot of on-chain ownership taken before doors open
    /// (`ticketChainState`): a ticket sold on chain enters only with its buyer's pass.
    pub fn set_chain_snapshot(&self, tickets: Vec<ChainTicket>) {
        lock(&self.inner).set_chain_snapshot(tickets);
    }

    /// `checkIn` calldata for every ticket of `contract` this gate recorded (send it from the
    /// gate's authorised account after doors).
    pub fn check_in_onchain(&self, contract: Address) -> HexData {
        tc::check_in_entries_call(&contract, &lock(&self.inner).entries()).into()
    }
}

#[uniffi::export]
impl TicketIssuer {
    /// Reissue `grant` (`JGTG:…`) to the buyer of its on-chain resale (a `Resold` event from
    /// the purchase's receipt); returns the buyer's grant.
    pub fn reissue_after_resale(
        &self,
        grant: String,
        resold: TicketChainEvent,
    ) -> Result<String, JigapError> {
        let current = SignedGrant::from_text(&grant)?;
        Ok(lock(&self.inner)
            .reissue_after_resale(&current, &resold)?
            .to_text())
    }
}

/// Deployment bytes of a `TicketToken`.
#[uniffi::export]
pub fn ticket_token_deploy_data(
    bytecode: HexData,
    name: String,
    symbol: String,
    payment_token: Address,
    currency: String,
    scale: U256,
) -> Result<HexData, JigapError> {
    Ok(tc::deploy_data(
        &bytecode.0,
        &name,
        &symbol,
        &payment_token,
        &currency,
        scale,
    )?
    .into())
}

/// `mint` (or `mintBatch`) calldata for issuer-signed grants (`JGTG:…`).
#[uniffi::export]
pub fn ticket_mint_call(grants: Vec<String>) -> Result<HexData, JigapError> {
    let g = grants
        .iter()
        .map(|x| SignedGrant::from_text(x))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match &g[..] {
        [one] => tc::mint_call(one),
        _ => tc::mint_batch_call(&g),
    }
    .into())
}

/// `setGate` calldata: an issuer authorises (or removes) a gate account.
#[uniffi::export]
pub fn ticket_set_gate_call(gate: Address, allowed: bool) -> HexData {
    tc::set_gate_call(&gate, allowed).into()
}

/// `buyResale` calldata: buy a listed ticket bound to `pass_key` (approve its price first).
#[uniffi::export]
pub fn ticket_buy_resale_call(token_id: TokenId, pass_key: Bytes32) -> HexData {
    tc::buy_resale_call(&token_id, &pass_key.0).into()
}

/// `cancelResale` calldata.
#[uniffi::export]
pub fn ticket_cancel_resale_call(token_id: TokenId) -> HexData {
    tc::cancel_resale_call(&token_id).into()
}

/// `changeState` calldata: an issuer sets a ticket's ERC-7439 status (`Void` for a cancelled sale).
#[uniffi::export]
pub fn ticket_change_state_call(
    token_id: TokenId,
    status: TicketStatus,
    expire_time: u64,
) -> HexData {
    tc::change_state_call(&token_id, status, expire_time).into()
}

/// The chain's view of tickets, read through `transport` in one batch.
#[uniffi::export]
pub fn ticket_chain_state(
    transport: Arc<dyn JsonRpcTransport>,
    tickets: Vec<TicketRef>,
) -> Result<Vec<ChainTicket>, JigapError> {
    Ok(tc::state(&Foreign(transport.as_ref()), &tickets)?)
}

/// The ticket contract's events in a receipt.
#[uniffi::export]
pub fn ticket_chain_events(contract: Address, receipt: Receipt) -> Vec<TicketChainEvent> {
    receipt
        .logs
        .iter()
        .filter(|l| l.address == contract)
        .filter_map(tc::decode_log)
        .collect()
}
