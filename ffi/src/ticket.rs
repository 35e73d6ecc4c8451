//! NFT tickets for Kotlin and Swift: holder (import, list, show a rotating pass, transfer),
//! gate (verify offline, receipts, entered sets shared between gates) and the test issuer.
//!
//! Payloads travel as their text forms: `JGID:` identities, `JGTG:` grants, `JGTP:` passes,
//! `JGTR:` transfer requests, `JGGA:` gate authorizations, `JGCR:` check-in receipts. A ticket's
//! id is `chainId:contract:tokenId`. Times are Unix seconds unless a name ends in `Ms`.

use std::sync::{Arc, Mutex, MutexGuard};

use jigap_core::env::Env;
use jigap_core::ticket as t;

use crate::clock::{Clock, core_clock};
use crate::error::JigapError;
use crate::keys::{hex0x, parse_address, parse_digest};
use crate::wallet::Wallet;

impl From<t::TicketError> for JigapError {
    fn from(e: t::TicketError) -> Self {
        use t::TicketError as T;
        match (e.class(), e) {
            (Some(class), e) => JigapError::classed(class, e.to_string()),
            (None, T::Keys(k)) => k.into(),
            (None, T::Wallet(w)) => w.into(),
            (None, T::Vault(v)) => v.into(),
            (None, e) => JigapError::Internal(e.to_string()),
        }
    }
}

fn ticket_ref(id: &str) -> Result<t::TicketRef, JigapError> {
    Ok(id.parse::<t::TicketRef>()?)
}

fn key32(s: &str, what: &str) -> Result<[u8; 32], JigapError> {
    parse_digest(s).map_err(|_| {
        JigapError::InvalidInput(format!(
            "the {what} '{s}' is not 32 bytes of hex (0x + 64 digits)"
        ))
    })
}

/// The object's state even if an earlier call panicked while holding it: the core changes a
/// gate's entered set or an issuer's registry only after every check, so what is there is whole,
/// and losing a gate's entered set would be worse.
fn lock<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>, JigapError> {
    Ok(m.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// An account and the Ed25519 key it vouches for: an issuer's identity (address + seal key),
/// which apps and gates trust, or a holder's **ticket holder id** (address + pass key), which
/// the holder gives to an issuer or a seller.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketIdentity {
    /// The account (EIP-55).
    pub address: String,
    /// The Ed25519 public key, `0x` hex.
    pub key: String,
    /// `JGID:…`: what to pass on (fits a QR code).
    pub text: String,
}

impl From<&t::TicketIdentity> for TicketIdentity {
    fn from(i: &t::TicketIdentity) -> Self {
        TicketIdentity {
            address: i.address.to_string(),
            key: hex0x(&i.key),
            text: i.to_text(),
        }
    }
}

/// An event. Times are Unix seconds; the gate admits from `doorsOpen` until `end`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketEvent {
    /// Short id, unique per issuer (at most 16 bytes; it travels in the pass).
    pub id: String,
    /// Name.
    pub name: String,
    /// Venue.
    #[uniffi(default = "")]
    pub venue: String,
    /// Doors open.
    pub doors_open: u64,
    /// Start.
    pub start: u64,
    /// End.
    pub end: u64,
}

impl From<&t::EventInfo> for TicketEvent {
    fn from(e: &t::EventInfo) -> Self {
        TicketEvent {
            id: e.id.clone(),
            name: e.name.clone(),
            venue: e.venue.clone(),
            doors_open: e.doors_open,
            start: e.start,
            end: e.end,
        }
    }
}

impl From<TicketEvent> for t::EventInfo {
    fn from(e: TicketEvent) -> Self {
        t::EventInfo {
            id: e.id,
            name: e.name,
            venue: e.venue,
            doors_open: e.doors_open,
            start: e.start,
            end: e.end,
        }
    }
}

/// A seat, or general admission (no row or number; `section` may name the area).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketSeat {
    /// General admission.
    #[uniffi(default = false)]
    pub general_admission: bool,
    /// Section or area.
    #[uniffi(default = "")]
    pub section: String,
    /// Row.
    #[uniffi(default = "")]
    pub row: String,
    /// Seat number.
    #[uniffi(default = "")]
    pub number: String,
}

impl From<&t::Seat> for TicketSeat {
    fn from(s: &t::Seat) -> Self {
        TicketSeat {
            general_admission: s.general_admission,
            section: s.section.clone(),
            row: s.row.clone(),
            number: s.number.clone(),
        }
    }
}

impl From<TicketSeat> for t::Seat {
    fn from(s: TicketSeat) -> Self {
        t::Seat {
            general_admission: s.general_admission,
            section: s.section,
            row: s.row,
            number: s.number,
        }
    }
}

/// Whether and how a ticket may change hands. The default is non-transferable (ERC-5192
/// locked); a transferable ticket has a currency, a resale price cap (minor units) and a
/// number of transfers in all.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketTransferPolicy {
    /// Transfers allowed at all.
    #[uniffi(default = false)]
    pub transferable: bool,
    /// Currency of the cap (`KRW`); empty when not transferable.
    #[uniffi(default = "")]
    pub currency: String,
    /// Highest resale price, minor units.
    #[uniffi(default = 0)]
    pub price_cap: u64,
    /// Transfers allowed in all.
    #[uniffi(default = 0)]
    pub max_transfers: u8,
}

impl From<&t::TransferPolicy> for TicketTransferPolicy {
    fn from(p: &t::TransferPolicy) -> Self {
        TicketTransferPolicy {
            transferable: p.transferable,
            currency: p.currency.clone(),
            price_cap: p.price_cap,
            max_transfers: p.max_transfers,
        }
    }
}

impl From<TicketTransferPolicy> for t::TransferPolicy {
    fn from(p: TicketTransferPolicy) -> Self {
        t::TransferPolicy {
            transferable: p.transferable,
            currency: p.currency,
            price_cap: p.price_cap,
            max_transfers: p.max_transfers,
        }
    }
}

/// ERC-7439 status of a ticket in this wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TicketStatus {
    /// Held and valid.
    Sold,
    /// A transfer request is waiting for the issuer.
    Resell,
    /// Transferred away: no longer valid here.
    Void,
    /// Used at a gate.
    Redeemed,
}

impl From<t::Erc7439Status> for TicketStatus {
    fn from(s: t::Erc7439Status) -> Self {
        match s {
            t::Erc7439Status::Sold => TicketStatus::Sold,
            t::Erc7439Status::Resell => TicketStatus::Resell,
            t::Erc7439Status::Void => TicketStatus::Void,
            t::Erc7439Status::Redeemed => TicketStatus::Redeemed,
        }
    }
}

/// Where a ticket stands in this wallet.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TicketState {
    /// Held: it can be shown.
    Usable,
    /// A transfer was requested; not showable until the transfer is cancelled.
    TransferPending {
        /// The new holder.
        to: String,
        /// Price, minor units.
        price: u64,
        /// Currency.
        currency: String,
        /// When requested.
        requested_at: u64,
    },
    /// The issuer reissued it to someone else.
    Transferred {
        /// The new holder.
        to: String,
        /// When the new grant was issued.
        at: u64,
    },
    /// Entered through a gate.
    Used {
        /// When.
        at: u64,
        /// The gate's name.
        gate: String,
    },
}

impl From<&t::TicketState> for TicketState {
    fn from(s: &t::TicketState) -> Self {
        match s {
            t::TicketState::Valid => TicketState::Usable,
            t::TicketState::TransferPending {
                to,
                price,
                currency,
                requested_at,
            } => TicketState::TransferPending {
                to: to.to_string(),
                price: *price,
                currency: currency.clone(),
                requested_at: *requested_at,
            },
            t::TicketState::Transferred { to, at } => TicketState::Transferred {
                to: to.to_string(),
                at: *at,
            },
            t::TicketState::Redeemed { at, gate } => TicketState::Used {
                at: *at,
                gate: gate.clone(),
            },
        }
    }
}

/// A ticket in the wallet.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketInfo {
    /// `chainId:contract:tokenId`: the id every ticket call takes.
    pub id: String,
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// ERC-721 contract.
    pub contract: String,
    /// Token id, decimal.
    pub token_id: String,
    /// Issuer account.
    pub issuer: String,
    /// Holder account.
    pub holder: String,
    /// The event.
    pub event: TicketEvent,
    /// The seat.
    pub seat: TicketSeat,
    /// The seat in words ("section B, row 12, seat 7", "general admission, Floor").
    pub seat_label: String,
    /// Tier.
    pub tier: String,
    /// Transfer policy.
    pub policy: TicketTransferPolicy,
    /// Transfers so far.
    pub transfers: u8,
    /// When the grant was issued.
    pub issued_at: u64,
    /// When it was imported.
    pub imported_at: u64,
    /// ERC-7439 status.
    pub status: TicketStatus,
    /// ERC-5192 `locked`: not transferable.
    pub locked: bool,
    /// State in this wallet.
    pub state: TicketState,
    /// The grant (`JGTG:…`), for the issuer with a transfer request.
    pub grant: String,
}

impl From<&t::Ticket> for TicketInfo {
    fn from(x: &t::Ticket) -> Self {
        let g = &x.grant.grant;
        TicketInfo {
            id: x.id.to_string(),
            chain_id: x.id.chain_id,
            contract: x.id.contract.to_string(),
            token_id: x.id.token_id.to_string(),
            issuer: x.issuer.to_string(),
            holder: g.holder.to_string(),
            event: (&g.event).into(),
            seat: (&g.seat).into(),
            seat_label: g.seat.to_string(),
            tier: g.tier.clone(),
            policy: (&g.policy).into(),
            transfers: g.transfers,
            issued_at: g.issued_at,
            imported_at: x.imported_at,
            status: x.status().into(),
            locked: x.locked(),
            state: (&x.state).into(),
            grant: x.grant.to_text(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TicketImportOutcome {
    /// A new ticket.
    Added,
    /// The same grant was already held.
    Unchanged,
    /// A newer grant replaced the held one.
    Updated,
    /// The issuer's reissue of this wallet's own transfer: the ticket is now transferred.
    TransferConfirmed,
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportedTicket {
    /// The ticket as stored now.
    pub ticket: TicketInfo,
    /// What happened.
    pub outcome: TicketImportOutcome,
}

/// A pass for the current 15-second window: show `svg` (or draw `modules`) and show it anew
/// at `nextRotationMs`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketPass {
    /// `JGTP:…`, the QR code's content.
    pub text: String,
    /// The QR code as SVG.
    pub svg: String,
    /// Modules per side of the QR code.
    pub size: u32,
    /// QR version.
    pub version: u8,
    /// Row-major `size × size`; `true` is dark.
    pub modules: Vec<bool>,
    /// Window index: `floor(unixSecs / 15)`.
    pub window: u64,
    /// When this pass expires and the next should be shown, Unix milliseconds.
    pub next_rotation_ms: u64,
    /// Milliseconds from now until then.
    pub refresh_in_ms: u64,
}

/// A signed transfer request, for the issuer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketTransferRequest {
    /// `JGTR:…`: send it (with `grant`) to the issuer.
    pub text: String,
    /// The current grant (`JGTG:…`).
    pub grant: String,
    /// Ticket id.
    pub ticket_id: String,
    /// Current holder.
    pub from: String,
    /// New holder.
    pub to: String,
    /// Price, minor units.
    pub price: u64,
    /// Currency.
    pub currency: String,
    /// When signed.
    pub requested_at: u64,
    /// The holder's EIP-712 signature (65 bytes, `0x` hex).
    pub signature: String,
    /// The signed `TicketTransfer` as `eth_signTypedData_v4` JSON.
    pub typed_data_json: String,
}

fn transfer_info(r: &t::TransferRequest, grant: String) -> TicketTransferRequest {
    TicketTransferRequest {
        text: r.to_text(),
        grant,
        ticket_id: r.ticket.to_string(),
        from: r.from.to_string(),
        to: r.to.address.to_string(),
        price: r.price,
        currency: r.currency.clone(),
        requested_at: r.requested_at,
        signature: r.signature.to_string(),
        typed_data_json: r.typed_data_json(),
    }
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
    pub fn trust_issuer(&self, identity: String) -> Result<TicketIdentity, JigapError> {
        let id = t::TicketIdentity::from_text(&identity)?;
        self.core().trust_issuer(&id)?;
        Ok((&id).into())
    }

    /// Stop trusting an issuer (by address); `false` if it was not trusted.
    pub fn distrust_issuer(&self, address: String) -> Result<bool, JigapError> {
        Ok(self.core().distrust_issuer(&parse_address(&address)?)?)
    }

    /// The trusted issuers.
    pub fn trusted_issuers(&self) -> Result<Vec<TicketIdentity>, JigapError> {
        Ok(self
            .core()
            .trusted_issuers()?
            .iter()
            .map(Into::into)
            .collect())
    }

    /// The ticket holder id of `account` (an account of this wallet), for an issuer or seller.
    pub fn holder_id(&self, account: String) -> Result<TicketIdentity, JigapError> {
        Ok((&self.core().holder_id(&parse_address(&account)?)?).into())
    }

    /// Import a grant (`JGTG:…`) from a trusted issuer. Importing it twice is harmless.
    pub fn import_grant(&self, grant: String) -> Result<ImportedTicket, JigapError> {
        let r = self.core().import(&grant)?;
        Ok(ImportedTicket {
            ticket: (&r.ticket).into(),
            outcome: match r.outcome {
                t::ImportOutcome::Added => TicketImportOutcome::Added,
                t::ImportOutcome::Unchanged => TicketImportOutcome::Unchanged,
                t::ImportOutcome::Updated => TicketImportOutcome::Updated,
                t::ImportOutcome::TransferConfirmed => TicketImportOutcome::TransferConfirmed,
            },
        })
    }

    /// Every ticket: upcoming events first (soonest first), then past ones.
    pub fn list(&self) -> Result<Vec<TicketInfo>, JigapError> {
        Ok(self.core().list()?.iter().map(Into::into).collect())
    }

    /// One ticket.
    pub fn get(&self, id: String) -> Result<TicketInfo, JigapError> {
        Ok((&self.core().get(&ticket_ref(&id)?)?).into())
    }

    /// The pass for the current window. Throws `Refused` for a used, transferred or
    /// transfer-pending ticket, `Expired` after the event.
    pub fn show(&self, id: String) -> Result<TicketPass, JigapError> {
        let p = self.core().show(&ticket_ref(&id)?)?;
        Ok(TicketPass {
            text: p.text,
            svg: p.svg,
            size: p.qr.size,
            version: p.qr.version,
            modules: p.qr.modules,
            window: p.window,
            next_rotation_ms: p.next_rotation.saturating_mul(1000),
            refresh_in_ms: p.refresh_in_ms,
        })
    }

    /// Sign a request to transfer ticket `id` to `to` (their ticket holder id, `JGID:…`) at
    /// `price` minor units of `currency`, if the ticket's policy allows it (else
    /// `LimitExceeded` saying why). The ticket is then transfer-pending.
    pub fn request_transfer(
        &self,
        id: String,
        to: String,
        price: u64,
        currency: String,
    ) -> Result<TicketTransferRequest, JigapError> {
        let id = ticket_ref(&id)?;
        let to = t::TicketIdentity::from_text(&to)?;
        let r = self.core().request_transfer(&id, &to, price, &currency)?;
        let grant = self.core().get(&id)?.grant.to_text();
        Ok(transfer_info(&r, grant))
    }

    /// The pending transfer request of ticket `id` (to send again).
    pub fn pending_transfer(&self, id: String) -> Result<TicketTransferRequest, JigapError> {
        let id = ticket_ref(&id)?;
        let r = self.core().pending_transfer(&id)?;
        let grant = self.core().get(&id)?.grant.to_text();
        Ok(transfer_info(&r, grant))
    }

    /// Withdraw a pending transfer so the ticket can be shown again.
    pub fn cancel_transfer(&self, id: String) -> Result<TicketInfo, JigapError> {
        Ok((&self.core().cancel_transfer(&ticket_ref(&id)?)?).into())
    }

    /// Apply a gate's check-in receipt (`JGCR:…`): the ticket is marked used.
    pub fn apply_receipt(&self, receipt: String) -> Result<TicketInfo, JigapError> {
        Ok((&self.core().apply_receipt(&receipt)?).into())
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
    pub fn from_account(wallet: Arc<Wallet>, account: String) -> Result<Arc<GateKey>, JigapError> {
        Ok(Arc::new(GateKey {
            inner: t::GateKey::from_wallet(&wallet.inner, &parse_address(&account)?)?,
        }))
    }

    /// A fresh random key (lost when the object is released).
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<GateKey>, JigapError> {
        Ok(Arc::new(GateKey {
            inner: t::GateKey::generate(&Env::system())?,
        }))
    }

    /// The public key, `0x` hex: give it to the issuer to authorise.
    pub fn public_key(&self) -> String {
        hex0x(&self.inner.public())
    }
}

/// A gate's decision to let a ticket in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GateAdmit {
    /// Ticket id.
    pub ticket_id: String,
    /// Event id.
    pub event_id: String,
    /// Event name.
    pub event_name: String,
    /// Seat.
    pub seat: TicketSeat,
    /// The seat in words.
    pub seat_label: String,
    /// Tier.
    pub tier: String,
    /// Holder account.
    pub holder: String,
    /// Transfers the ticket went through.
    pub transfers: u8,
    /// The pass's window.
    pub window: u64,
    /// Entry time (the gate's clock).
    pub entered_at: u64,
    /// Digest of the grant that entered, `0x` hex.
    pub grant_digest: String,
}

/// What a merge changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct GateMergeReport {
    /// Entries this gate did not know.
    pub added: u64,
    /// Known entries replaced by an earlier entry of the same ticket.
    pub updated: u64,
    /// Entries for events the sending gate is not authorised for here.
    pub ignored: u64,
    /// Entries known after the merge.
    pub total: u64,
}

/// One ticket that entered.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GateEntry {
    /// Ticket id.
    pub ticket_id: String,
    /// When.
    pub at: u64,
    /// Through which gate.
    pub gate: String,
}

/// A gate: verifies passes offline and admits each ticket once. Thread-safe.
#[derive(uniffi::Object)]
pub struct Gate {
    inner: Mutex<t::Gate>,
}

#[uniffi::export]
impl Gate {
    /// A gate with its key, the issuers it trusts (`JGID:…`) and its authorizations (`JGGA:…`,
    /// one per event, from the issuer for this key). `clock`: the app's clock (default: the
    /// system clock).
    #[uniffi::constructor(default(clock = None))]
    pub fn new(
        key: Arc<GateKey>,
        issuers: Vec<String>,
        authorizations: Vec<String>,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<Gate>, JigapError> {
        let issuers = issuers
            .iter()
            .map(|i| t::TicketIdentity::from_text(i))
            .collect::<Result<Vec<_>, _>>()?;
        let auths = authorizations
            .iter()
            .map(|a| t::GateAuthorization::from_text(a))
            .collect::<Result<Vec<_>, _>>()?;
        let env = Env::new(core_clock(clock), Env::system().random);
        Ok(Arc::new(Gate {
            inner: Mutex::new(t::Gate::new(env, key.inner.clone(), &issuers, &auths)?),
        }))
    }

    /// The gate's name (from its authorizations).
    pub fn name(&self) -> Result<String, JigapError> {
        Ok(lock(&self.inner)?.name().to_string())
    }

    /// The events this gate admits.
    pub fn events(&self) -> Result<Vec<TicketEvent>, JigapError> {
        Ok(lock(&self.inner)?
            .events()
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Verify a scanned pass (`JGTP:…`). Admits (and records the entry) or throws:
    /// `BadSignature` (forged or altered), `Expired` (stale window: a screenshot or a wrong
    /// clock; or too late), `Refused` (wrong event, too early, already entered — with when and
    /// where), `InvalidInput` (not a pass).
    pub fn verify(&self, pass: String) -> Result<GateAdmit, JigapError> {
        let mut g = lock(&self.inner)?;
        let a = g.verify(&pass)?;
        let event_name = g
            .events()
            .into_iter()
            .find(|e| e.id == a.event_id)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        Ok(GateAdmit {
            ticket_id: a.ticket.to_string(),
            event_id: a.event_id,
            event_name,
            seat_label: a.seat.to_string(),
            seat: (&a.seat).into(),
            tier: a.tier,
            holder: a.holder.to_string(),
            transfers: a.transfers,
            window: a.window,
            entered_at: a.entered_at,
            grant_digest: hex0x(&a.grant),
        })
    }

    /// Sign the check-in receipt (`JGCR:…`) of an admission by this gate, for the holder's
    /// wallet (`Tickets.applyReceipt`).
    pub fn receipt(&self, admit: GateAdmit) -> Result<String, JigapError> {
        let a = t::Admit {
            ticket: ticket_ref(&admit.ticket_id)?,
            grant: key32(&admit.grant_digest, "grant digest")?,
            event_id: admit.event_id,
            seat: admit.seat.into(),
            tier: admit.tier,
            holder: parse_address(&admit.holder)?,
            transfers: admit.transfers,
            window: admit.window,
            entered_at: admit.entered_at,
        };
        Ok(lock(&self.inner)?.receipt(&a)?.to_text())
    }

    /// Tell the gate a ticket was reissued and its current grant has `transfers` transfers:
    /// passes of older grants are refused.
    pub fn set_current_transfers(
        &self,
        ticket_id: String,
        transfers: u8,
    ) -> Result<(), JigapError> {
        let r = ticket_ref(&ticket_id)?;
        lock(&self.inner)?.set_current_transfers(r, transfers);
        Ok(())
    }

    /// The entered set, signed by this gate, for the other gates of the venue (and for saving).
    pub fn export(&self) -> Result<Vec<u8>, JigapError> {
        Ok(lock(&self.inner)?.export()?)
    }

    /// Merge another gate's export (or this gate's saved one); the earliest entry of a ticket wins.
    pub fn merge(&self, export: Vec<u8>) -> Result<GateMergeReport, JigapError> {
        let r = lock(&self.inner)?.merge(&export)?;
        Ok(GateMergeReport {
            added: r.added as u64,
            updated: r.updated as u64,
            ignored: r.ignored as u64,
            total: r.total as u64,
        })
    }

    /// Every entry, in ticket order.
    pub fn entries(&self) -> Result<Vec<GateEntry>, JigapError> {
        Ok(lock(&self.inner)?
            .entries()
            .map(|(r, e)| GateEntry {
                ticket_id: r.to_string(),
                at: e.at,
                gate: e.gate.clone(),
            })
            .collect())
    }
}

/// What an issuer sells: the holder, transfer count and issue time are added by `grant`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketTerms {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// ERC-721 contract (EIP-55).
    pub contract: String,
    /// Token id, decimal or `0x` hex (up to 2^256 − 1).
    pub token_id: String,
    /// The event.
    pub event: TicketEvent,
    /// The seat.
    pub seat: TicketSeat,
    /// Tier.
    #[uniffi(default = "")]
    pub tier: String,
    /// Transfer policy (`null`: non-transferable).
    #[uniffi(default = None)]
    pub policy: Option<TicketTransferPolicy>,
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
        account: String,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<TicketIssuer>, JigapError> {
        let env = Env::new(core_clock(clock), wallet.inner.env().random.clone());
        let issuer = t::Issuer::from_wallet(env, wallet.inner.clone(), &parse_address(&account)?)?;
        Ok(Arc::new(TicketIssuer {
            inner: Mutex::new(issuer),
        }))
    }

    /// The issuer's identity (address + seal key), for apps and gates to trust.
    pub fn identity(&self) -> Result<TicketIdentity, JigapError> {
        Ok(lock(&self.inner)?.identity().into())
    }

    /// Grant a ticket to `holderId` (the holder's `JGID:…`); returns the grant `JGTG:…`.
    pub fn grant(&self, holder_id: String, terms: TicketTerms) -> Result<String, JigapError> {
        let holder = t::TicketIdentity::from_text(&holder_id)?;
        let terms = t::TicketTerms {
            chain_id: terms.chain_id,
            contract: parse_address(&terms.contract)?,
            token_id: terms.token_id.parse()?,
            event: terms.event.into(),
            seat: terms.seat.into(),
            tier: terms.tier,
            policy: terms.policy.map(Into::into).unwrap_or_default(),
        };
        Ok(lock(&self.inner)?.grant(&holder, terms)?.to_text())
    }

    /// Authorise a gate (`gateKey`: its public key, `0x` hex) under `gateName` to admit
    /// `event` (tickets of `contract` on `chainId`); returns `JGGA:…` for the gate.
    pub fn authorize_gate(
        &self,
        chain_id: u64,
        contract: String,
        event: TicketEvent,
        gate_key: String,
        gate_name: String,
    ) -> Result<String, JigapError> {
        let a = lock(&self.inner)?.authorize_gate(
            chain_id,
            parse_address(&contract)?,
            &event.into(),
            key32(&gate_key, "gate key")?,
            &gate_name,
        )?;
        Ok(a.to_text())
    }

    /// Reissue a ticket to the new holder named in a transfer request (`JGTR:…`), after
    /// checking it against the policy; returns the new holder's grant `JGTG:…`. `grant`: the
    /// current grant, needed only if this issuer object did not sign it.
    #[uniffi::method(default(grant = None))]
    pub fn reissue(&self, request: String, grant: Option<String>) -> Result<String, JigapError> {
        let req = t::TransferRequest::from_text(&request)?;
        let mut issuer = lock(&self.inner)?;
        let next = match grant {
            Some(g) => issuer.reissue(&t::SignedGrant::from_text(&g)?, &req)?,
            None => issuer.reissue_request(&req)?,
        };
        Ok(next.to_text())
    }
}
