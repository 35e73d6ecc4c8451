//! The holder's side: trusted issuers, tickets in the vault, passes, transfers, receipts.
//!
//! Everything lives in the vault namespace [`super::VAULT_NAMESPACE`]: `issuer:<address>`
//! records (the app's trusted issuers) and `ticket:<chainId:contract:tokenId>` records. Each
//! user action is one [`RecordBatch`], so a failure leaves the vault as it was.

use std::cmp::Ordering;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::keys::Address;
use crate::qr::QrImage;
use crate::vault::RecordBatch;
use crate::wallet::Wallet;

use super::eip712::{TransferParts, domain, transfer_digest};
use super::gate::CheckInReceipt;
use super::grant::SignedGrant;
use super::keys::{PASS_KEY_INFO, TicketIdentity, derive_ed25519};
use super::pass::Pass;
use super::transfer::TransferRequest;
use super::types::{TicketEvent, TicketRef, TicketSeat, TicketTransferPolicy, TokenId};
use super::{TicketError, VAULT_NAMESPACE as NS, WINDOW_SECS};

/// Pixels per QR module in the SVG (it scales: the SVG has a `viewBox`).
const SVG_MODULE_PX: u32 = 8;

/// ERC-7439 ticket status (the numbers are the standard's enum values).
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "PascalCase")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketStatus {
    /// Held and valid.
    Sold = 0,
    /// Offered for transfer (a signed request is waiting for the issuer).
    Resell = 1,
    /// No longer valid here: transferred away.
    Void = 2,
    /// Used at a gate.
    Redeemed = 3,
}

/// Where a ticket stands in this wallet.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(
        tag = "kind",
        rename_all = "camelCase",
        rename_all_fields = "camelCase"
    ),
    tsify(large_number_types_as_bigints)
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketState {
    /// Held and showable (ERC-7439 `Sold`).
    Usable,
    /// A transfer request was signed; waiting for the issuer's reissue (ERC-7439 `Resell`).
    /// Not showable until cancelled.
    TransferPending {
        /// New holder.
        to: Address,
        /// Price, minor units.
        price: u64,
        /// Currency.
        currency: String,
        /// When requested, Unix seconds.
        requested_at: u64,
    },
    /// The issuer reissued it to someone else (ERC-7439 `Void` for this wallet).
    Transferred {
        /// The new holder.
        to: Address,
        /// When the new grant was issued, Unix seconds.
        at: u64,
    },
    /// Entered through a gate (ERC-7439 `Redeemed`).
    Used {
        /// When, Unix seconds.
        at: u64,
        /// The gate's name.
        gate: String,
    },
}

impl TicketState {
    /// The ERC-7439 status.
    pub fn erc7439(&self) -> TicketStatus {
        match self {
            TicketState::Usable => TicketStatus::Sold,
            TicketState::TransferPending { .. } => TicketStatus::Resell,
            TicketState::Transferred { .. } => TicketStatus::Void,
            TicketState::Used { .. } => TicketStatus::Redeemed,
        }
    }

    /// Refuse to show or transfer a ticket that is not [`TicketState::Usable`], saying why.
    pub(super) fn usable(&self) -> Result<(), TicketError> {
        match self {
            TicketState::Usable => Ok(()),
            TicketState::TransferPending { to, .. } => {
                Err(TicketError::TransferPending { to: *to })
            }
            TicketState::Transferred { to, .. } => Err(TicketError::Transferred { to: *to }),
            TicketState::Used { at, gate } => Err(TicketError::AlreadyUsed {
                at: *at,
                gate: gate.clone(),
            }),
        }
    }
}

/// A ticket in the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// Its reference (chain, contract, token id); its text form is the ticket's id.
    pub id: TicketRef,
    /// The grant.
    pub grant: SignedGrant,
    /// The issuer's account.
    pub issuer: Address,
    /// Its state.
    pub state: TicketState,
    /// When it was imported, Unix seconds.
    pub imported_at: u64,
}

impl Ticket {
    /// The event.
    pub fn event(&self) -> &TicketEvent {
        &self.grant.grant.event
    }

    /// ERC-7439 status.
    pub fn status(&self) -> TicketStatus {
        self.state.erc7439()
    }

    /// ERC-5192 `locked`: not transferable.
    pub fn locked(&self) -> bool {
        self.grant.grant.locked()
    }
}

/// What an import did.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketImportOutcome {
    /// A new ticket.
    Added,
    /// The same grant was already held: nothing changed (importing twice is harmless).
    Unchanged,
    /// A newer grant for a ticket already held (for example after it came back by transfer).
    Updated,
    /// The reissued grant for a transfer this wallet requested: the ticket is now marked
    /// transferred.
    TransferConfirmed,
}

/// The result of an import.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTicket {
    /// The ticket as stored now.
    pub ticket: TicketInfo,
    /// What happened.
    pub outcome: TicketImportOutcome,
}

/// A pass to show for the current 15-second window: show `svg` (or draw `modules`) and show
/// it anew at `next_rotation_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct TicketPass {
    /// `JGTP:…` text, the QR code's content.
    pub text: String,
    /// SVG image of the QR code.
    pub svg: String,
    /// Modules per side of the QR code.
    pub size: u32,
    /// QR version.
    pub version: u8,
    /// Row-major `size × size`; `true` is dark.
    pub modules: Vec<bool>,
    /// Window index: `floor(unix_secs / 15)`.
    pub window: u64,
    /// When this window ends and the pass should be shown anew, Unix milliseconds.
    pub next_rotation_ms: u64,
    /// Milliseconds from now until then (schedule the refresh with it).
    pub refresh_in_ms: u64,
}

impl TicketPass {
    /// The QR code, for a terminal or an image.
    pub fn qr(&self) -> QrImage {
        QrImage {
            size: self.size,
            version: self.version,
            modules: self.modules.clone(),
        }
    }
}

/// A ticket as apps show it: its id, the grant's terms, where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct TicketInfo {
    /// `chainId:contract:tokenId`: the id every ticket call takes.
    pub id: TicketRef,
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// ERC-721 contract.
    pub contract: Address,
    /// Token id.
    pub token_id: TokenId,
    /// Issuer account.
    pub issuer: Address,
    /// Holder account.
    pub holder: Address,
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
    /// When the grant was issued, Unix seconds.
    pub issued_at: u64,
    /// When it was imported, Unix seconds.
    pub imported_at: u64,
    /// ERC-7439 status.
    pub status: TicketStatus,
    /// ERC-5192 `locked`: not transferable.
    pub locked: bool,
    /// Where it stands in this wallet.
    pub state: TicketState,
    /// The grant, for the issuer with a transfer request.
    pub grant: SignedGrant,
}

impl From<&Ticket> for TicketInfo {
    fn from(x: &Ticket) -> TicketInfo {
        let g = &x.grant.grant;
        TicketInfo {
            id: x.id,
            chain_id: x.id.chain_id,
            contract: x.id.contract,
            token_id: x.id.token_id,
            issuer: x.issuer,
            holder: g.holder,
            event: g.event.clone(),
            seat: g.seat.clone(),
            seat_label: g.seat.to_string(),
            tier: g.tier.clone(),
            policy: g.policy.clone(),
            transfers: g.transfers,
            issued_at: g.issued_at,
            imported_at: x.imported_at,
            status: x.status(),
            locked: x.locked(),
            state: x.state.clone(),
            grant: x.grant.clone(),
        }
    }
}

impl From<Ticket> for TicketInfo {
    fn from(x: Ticket) -> TicketInfo {
        TicketInfo::from(&x)
    }
}

/// A signed transfer request with the grant it moves, for the issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct TicketTransferRequest {
    /// `JGTR:…`: send it (with `grant`) to the issuer.
    pub text: TransferRequest,
    /// The current grant (`JGTG:…`).
    pub grant: SignedGrant,
    /// Ticket id.
    pub ticket_id: TicketRef,
    /// Current holder.
    pub from: Address,
    /// New holder.
    pub to: Address,
    /// Price, minor units.
    pub price: u64,
    /// Currency.
    pub currency: String,
    /// When signed, Unix seconds.
    pub requested_at: u64,
    /// The holder's EIP-712 signature.
    pub signature: crate::keys::Signature,
    /// The signed `TicketTransfer` as `eth_signTypedData_v4` JSON.
    pub typed_data_json: String,
}

impl TicketTransferRequest {
    /// The request `r` for the ticket whose current grant is `grant`.
    pub fn new(r: TransferRequest, grant: SignedGrant) -> TicketTransferRequest {
        TicketTransferRequest {
            grant,
            ticket_id: r.ticket,
            from: r.from,
            to: r.to.address,
            price: r.price,
            currency: r.currency.clone(),
            requested_at: r.requested_at,
            signature: r.signature,
            typed_data_json: r.typed_data_json(),
            text: r,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum StoredState {
    Valid,
    TransferPending {
        to: String,
        price: u64,
        currency: String,
        requested_at: u64,
    },
    Transferred {
        to: String,
        at: u64,
    },
    Redeemed {
        at: u64,
        gate: String,
    },
}

#[derive(Serialize, Deserialize)]
struct TicketRecord {
    grant: String,
    issuer: String,
    imported_at: u64,
    state: StoredState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    transfer_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    receipt: Option<String>,
}

fn corrupt(what: &str) -> TicketError {
    TicketError::Wallet(crate::wallet::WalletError::Corrupt(format!(
        "a ticket record ({what}) is unreadable"
    )))
}

fn parse_addr(s: &str) -> Result<Address, TicketError> {
    s.parse().map_err(|_| corrupt("address"))
}

impl TicketRecord {
    fn state(&self) -> Result<TicketState, TicketError> {
        Ok(match &self.state {
            StoredState::Valid => TicketState::Usable,
            StoredState::TransferPending {
                to,
                price,
                currency,
                requested_at,
            } => TicketState::TransferPending {
                to: parse_addr(to)?,
                price: *price,
                currency: currency.clone(),
                requested_at: *requested_at,
            },
            StoredState::Transferred { to, at } => TicketState::Transferred {
                to: parse_addr(to)?,
                at: *at,
            },
            StoredState::Redeemed { at, gate } => TicketState::Used {
                at: *at,
                gate: gate.clone(),
            },
        })
    }

    fn issuer(&self) -> Result<TicketIdentity, TicketError> {
        TicketIdentity::from_text_unverified(&self.issuer)
    }

    fn ticket(&self) -> Result<Ticket, TicketError> {
        let grant = SignedGrant::from_text(&self.grant)?;
        Ok(Ticket {
            id: grant.ticket_ref(),
            issuer: self.issuer()?.address,
            state: self.state()?,
            imported_at: self.imported_at,
            grant,
        })
    }

    fn to_bytes(&self) -> Result<Vec<u8>, TicketError> {
        serde_json::to_vec(self).map_err(|_| corrupt("encoding"))
    }
}

fn ticket_id(r: &TicketRef) -> String {
    format!("ticket:{r}")
}

fn issuer_id(a: &Address) -> String {
    format!("issuer:{a}")
}

/// The wallet's tickets. A thin view over a [`Wallet`]: create one whenever needed.
///
/// The app configures the issuers it trusts ([`Tickets::trust_issuer`]); grants from others
/// are refused.
#[derive(Debug, Clone, Copy)]
pub struct Tickets<'w> {
    wallet: &'w Wallet,
}

impl<'w> Tickets<'w> {
    /// The tickets of `wallet`.
    pub fn new(wallet: &'w Wallet) -> Tickets<'w> {
        Tickets { wallet }
    }

    fn commit(&self, b: RecordBatch) -> Result<(), TicketError> {
        Ok(self.wallet.vault().commit(b)?)
    }

    pub(super) fn now(&self) -> u64 {
        self.wallet.env().clock.now_secs()
    }

    /// Apply the chain's view of one held ticket: owned by another account on chain → it was
    /// sold there (transferred); checked in on chain → used. True if the state changed.
    pub(super) fn apply_chain_ticket(
        &self,
        c: &super::chain::ChainTicket,
    ) -> Result<bool, TicketError> {
        let turn = self.turn();
        let _turn = turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(mut rec) = self.record(&c.ticket_id)? else {
            return Ok(false);
        };
        let grant = SignedGrant::from_text(&rec.grant)?;
        let now = self.now();
        let next = if c.owner != grant.grant.holder {
            match rec.state {
                StoredState::Transferred { .. } => return Ok(false),
                _ => StoredState::Transferred {
                    to: c.owner.to_string(),
                    at: now,
                },
            }
        } else if c.status == TicketStatus::Redeemed {
            match rec.state {
                StoredState::Redeemed { .. } => return Ok(false),
                _ => StoredState::Redeemed {
                    at: now,
                    gate: "on chain".into(),
                },
            }
        } else {
            return Ok(false);
        };
        rec.state = next;
        rec.transfer_request = None;
        self.save(&c.ticket_id, &rec)?;
        Ok(true)
    }

    /// Take this process's turn on the tickets of this vault: every read-modify-write of a
    /// ticket record holds it, so two `Tickets` on one wallet never overwrite each other
    /// (a receipt applied while a transfer is requested keeps both changes' checks).
    fn turn(&self) -> Arc<Mutex<()>> {
        self.wallet.vault().feature_lock("tickets")
    }

    /// Trust a ticket issuer (its identity: address, seal key and proof). Persisted.
    pub fn trust_issuer(&self, issuer: &TicketIdentity) -> Result<(), TicketError> {
        let turn = self.turn();
        let _turn = turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        issuer.verify()?;
        let mut b = RecordBatch::new();
        b.put(
            NS,
            &issuer_id(&issuer.address),
            issuer.to_text().into_bytes(),
        );
        self.commit(b)
    }

    /// Stop trusting an issuer; returns whether it was trusted. Tickets already imported stay.
    pub fn distrust_issuer(&self, address: &Address) -> Result<bool, TicketError> {
        let turn = self.turn();
        let _turn = turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = issuer_id(address);
        if self.wallet.vault().get(NS, &id)?.is_none() {
            return Ok(false);
        }
        let mut b = RecordBatch::new();
        b.delete(NS, &id);
        self.commit(b)?;
        Ok(true)
    }

    /// The trusted issuers, by address.
    pub fn trusted_issuers(&self) -> Result<Vec<TicketIdentity>, TicketError> {
        let mut out = Vec::new();
        for (id, raw) in self.wallet.vault().list(NS)? {
            if id.starts_with("issuer:") {
                let text = std::str::from_utf8(&raw).map_err(|_| corrupt("issuer"))?;
                out.push(TicketIdentity::from_text_unverified(text)?);
            }
        }
        crate::util::sort_by_key(&mut out, |i| i.address);
        Ok(out)
    }

    fn trusted_issuer(&self, address: &Address) -> Result<Option<TicketIdentity>, TicketError> {
        match self.wallet.vault().get(NS, &issuer_id(address))? {
            None => Ok(None),
            Some(raw) => {
                let text = std::str::from_utf8(&raw).map_err(|_| corrupt("issuer"))?;
                Ok(Some(TicketIdentity::from_text_unverified(text)?))
            }
        }
    }

    /// The **ticket holder id** of one of the wallet's accounts: its address, its Ed25519 pass
    /// key (derived from the account key, so it comes back with the mnemonic) and the
    /// account's proof. Give it to an issuer or a seller (its `to_text()` fits a QR code).
    pub fn holder_id(&self, account: &Address) -> Result<TicketIdentity, TicketError> {
        let key = self.wallet.signing_key(account)?;
        TicketIdentity::derive(&key, PASS_KEY_INFO)
    }

    fn record(&self, id: &TicketRef) -> Result<Option<TicketRecord>, TicketError> {
        match self.wallet.vault().get(NS, &ticket_id(id))? {
            None => Ok(None),
            Some(raw) => Ok(Some(
                serde_json::from_slice(&raw).map_err(|_| corrupt("json"))?,
            )),
        }
    }

    fn must_record(&self, id: &TicketRef) -> Result<TicketRecord, TicketError> {
        self.record(id)?
            .ok_or_else(|| TicketError::NotFound(id.to_string()))
    }

    fn save(&self, id: &TicketRef, rec: &TicketRecord) -> Result<(), TicketError> {
        let mut b = RecordBatch::new();
        b.put(NS, &ticket_id(id), rec.to_bytes()?);
        self.commit(b)
    }

    /// Import a grant (`JGTG:…` text). It must be signed and sealed by a trusted issuer, name
    /// one of this wallet's accounts as holder, and bind that account's pass key.
    ///
    /// Importing the same grant again changes nothing ([`TicketImportOutcome::Unchanged`]). A newer
    /// grant for a held ticket (more transfers, or the same and issued later) replaces it; an
    /// older one is refused ([`TicketError::StaleGrant`]). The reissued grant of a transfer
    /// this wallet requested marks the ticket transferred ([`TicketImportOutcome::TransferConfirmed`]).
    pub fn import(&self, grant_text: &str) -> Result<ImportedTicket, TicketError> {
        let turn = self.turn();
        let _turn = turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let g = SignedGrant::from_text(grant_text)?;
        let issuer = self
            .trusted_issuer(&g.issuer)?
            .ok_or(TicketError::UntrustedIssuer(g.issuer))?;
        g.verify(&issuer)?;
        let id = g.ticket_ref();
        let existing = self.record(&id)?;
        let holder = g.grant.holder;
        let owned = self.wallet.owns(&holder)?;

        if let Some(mut rec) = existing {
            let held = SignedGrant::from_text(&rec.grant)?;
            if held.digest() == g.digest() {
                return Ok(ImportedTicket {
                    ticket: rec.ticket()?.into(),
                    outcome: TicketImportOutcome::Unchanged,
                });
            }
            let newer = (g.grant.transfers, g.grant.issued_at)
                .cmp(&(held.grant.transfers, held.grant.issued_at));
            match newer {
                Ordering::Less => {
                    return Err(TicketError::StaleGrant {
                        held: held.grant.transfers,
                        held_at: held.grant.issued_at,
                        offered: g.grant.transfers,
                        offered_at: g.grant.issued_at,
                    });
                }
                Ordering::Equal => return Err(TicketError::ConflictingGrant),
                Ordering::Greater => {}
            }
            // The issuer's reissue of our own pending transfer to someone else.
            if let StoredState::TransferPending { to, .. } = &rec.state
                && !owned
                && parse_addr(to)? == holder
            {
                rec.state = StoredState::Transferred {
                    to: holder.to_string(),
                    at: g.grant.issued_at,
                };
                self.save(&id, &rec)?;
                return Ok(ImportedTicket {
                    ticket: rec.ticket()?.into(),
                    outcome: TicketImportOutcome::TransferConfirmed,
                });
            }
            if !owned {
                return Err(TicketError::NotHolder(holder));
            }
            self.check_pass_key(&g)?;
            if let StoredState::Redeemed { at, gate } = &rec.state {
                return Err(TicketError::AlreadyUsed {
                    at: *at,
                    gate: gate.clone(),
                });
            }
            rec.grant = g.to_text();
            rec.issuer = issuer.to_text();
            rec.state = StoredState::Valid;
            rec.transfer_request = None;
            self.save(&id, &rec)?;
            return Ok(ImportedTicket {
                ticket: rec.ticket()?.into(),
                outcome: TicketImportOutcome::Updated,
            });
        }

        if !owned {
            return Err(TicketError::NotHolder(holder));
        }
        self.check_pass_key(&g)?;
        let rec = TicketRecord {
            grant: g.to_text(),
            issuer: issuer.to_text(),
            imported_at: self.wallet.env().clock.now_secs(),
            state: StoredState::Valid,
            transfer_request: None,
            receipt: None,
        };
        self.save(&id, &rec)?;
        Ok(ImportedTicket {
            ticket: rec.ticket()?.into(),
            outcome: TicketImportOutcome::Added,
        })
    }

    fn check_pass_key(&self, g: &SignedGrant) -> Result<(), TicketError> {
        if self.holder_id(&g.grant.holder)?.key != g.grant.pass_key {
            return Err(TicketError::PassKeyMismatch);
        }
        Ok(())
    }

    /// Every ticket: events not yet over first (soonest start first), then past events (most
    /// recent first).
    pub fn list(&self) -> Result<Vec<Ticket>, TicketError> {
        let now = self.wallet.env().clock.now_secs();
        let mut out = Vec::new();
        for (id, raw) in self.wallet.vault().list(NS)? {
            if id.starts_with("ticket:") {
                let rec: TicketRecord =
                    serde_json::from_slice(&raw).map_err(|_| corrupt("json"))?;
                out.push(rec.ticket()?);
            }
        }
        crate::util::sort_by_key(&mut out, |t| {
            let e = t.event();
            if e.end >= now {
                (0, e.start, t.id)
            } else {
                (1, u64::MAX - e.start, t.id)
            }
        });
        Ok(out)
    }

    /// One ticket.
    pub fn get(&self, id: &TicketRef) -> Result<Ticket, TicketError> {
        self.must_record(id)?.ticket()
    }

    /// A pass for the current window: signed by the holder's pass key, as text, SVG and QR
    /// matrix, with the time of the next rotation. Refused for a used, transferred or
    /// transfer-pending ticket, and after the event.
    pub fn show(&self, id: &TicketRef) -> Result<TicketPass, TicketError> {
        let rec = self.must_record(id)?;
        rec.state()?.usable()?;
        let grant = SignedGrant::from_text(&rec.grant)?;
        let now_ms = self.wallet.env().clock.now_ms();
        let now = now_ms / 1000;
        if now > grant.grant.event.end {
            return Err(TicketError::EventEnded {
                end: grant.grant.event.end,
            });
        }
        let account = self.wallet.signing_key(&grant.grant.holder)?;
        let pass_key = derive_ed25519(&account, PASS_KEY_INFO);
        if pass_key.verifying_key().to_bytes() != grant.grant.pass_key {
            return Err(TicketError::PassKeyMismatch);
        }
        let window = now / WINDOW_SECS;
        let text = Pass::create(&grant, window, &pass_key)?.to_text();
        let qr = QrImage::encode(&text)?;
        let next_rotation = (window + 1) * WINDOW_SECS;
        Ok(TicketPass {
            svg: qr.to_svg(SVG_MODULE_PX),
            size: qr.size,
            version: qr.version,
            modules: qr.modules,
            text,
            window,
            next_rotation_ms: next_rotation.saturating_mul(1000),
            refresh_in_ms: (next_rotation * 1000).saturating_sub(now_ms),
        })
    }

    /// Ask to transfer a ticket to `to` (their ticket holder id) at `price` minor units of
    /// `currency`. Signs the EIP-712 `TicketTransfer` only if the ticket's policy allows it
    /// (else [`TicketError::NotTransferable`], [`TicketError::WrongCurrency`],
    /// [`TicketError::OverPriceCap`] or [`TicketError::TooManyTransfers`]). The ticket is then
    /// transfer-pending (ERC-7439 `Resell`) until the issuer's reissued grant is imported, or
    /// the transfer is cancelled.
    pub fn request_transfer(
        &self,
        id: &TicketRef,
        to: &TicketIdentity,
        price: u64,
        currency: &str,
    ) -> Result<TransferRequest, TicketError> {
        let turn = self.turn();
        let _turn = turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        to.verify()?;
        let mut rec = self.must_record(id)?;
        rec.state()?.usable()?;
        let grant = SignedGrant::from_text(&rec.grant)?;
        let g = &grant.grant;
        let now = self.wallet.env().clock.now_secs();
        if now > g.event.end {
            return Err(TicketError::EventEnded { end: g.event.end });
        }
        if to.address == g.holder {
            return Err(TicketError::SameHolder);
        }
        g.policy.check(price, currency, g.transfers)?;
        let grant_digest = grant.digest();
        let digest = transfer_digest(
            &domain(id.chain_id, &id.contract),
            &TransferParts {
                token_id: &id.token_id,
                grant: &grant_digest,
                from: &g.holder,
                to: &to.address,
                to_pass_key: &to.key,
                currency,
                price,
                requested_at: now,
            },
        );
        let req = TransferRequest {
            ticket: *id,
            grant: grant_digest,
            from: g.holder,
            to: to.clone(),
            currency: currency.to_string(),
            price,
            requested_at: now,
            signature: self.wallet.sign_digest(&g.holder, &digest)?,
        };
        rec.state = StoredState::TransferPending {
            to: to.address.to_string(),
            price,
            currency: currency.to_string(),
            requested_at: now,
        };
        rec.transfer_request = Some(req.to_text());
        self.save(id, &rec)?;
        Ok(req)
    }

    /// Withdraw a pending transfer so the ticket can be shown again. Only useful before the
    /// issuer acts on the request: once it reissues, the old grant no longer counts.
    pub fn cancel_transfer(&self, id: &TicketRef) -> Result<Ticket, TicketError> {
        let turn = self.turn();
        let _turn = turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut rec = self.must_record(id)?;
        if !matches!(rec.state, StoredState::TransferPending { .. }) {
            return Err(TicketError::NoTransferPending);
        }
        rec.state = StoredState::Valid;
        rec.transfer_request = None;
        self.save(id, &rec)?;
        rec.ticket()
    }

    /// Apply a gate's check-in receipt (`JGCR:…`): after checking that the ticket's issuer
    /// authorised the gate and that the gate signed it, mark the ticket used (ERC-7439
    /// `Redeemed`). Applying the same receipt twice is harmless.
    pub fn apply_receipt(&self, receipt_text: &str) -> Result<Ticket, TicketError> {
        let turn = self.turn();
        let _turn = turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let r = CheckInReceipt::from_text(receipt_text)?;
        let mut rec = self.must_record(&r.ticket)?;
        let grant = SignedGrant::from_text(&rec.grant)?;
        r.verify(&grant.digest(), &grant.grant.event, &rec.issuer()?)?;
        match rec.state()? {
            TicketState::Used { .. } => return rec.ticket(),
            TicketState::Transferred { to, .. } => return Err(TicketError::Transferred { to }),
            TicketState::Usable | TicketState::TransferPending { .. } => {}
        }
        rec.state = StoredState::Redeemed {
            at: r.entered_at,
            gate: r.gate_name.clone(),
        };
        rec.transfer_request = None;
        rec.receipt = Some(receipt_text.trim().to_string());
        self.save(&r.ticket, &rec)?;
        rec.ticket()
    }

    /// The signed transfer request of a transfer-pending ticket (to send to the issuer again).
    pub fn pending_transfer(&self, id: &TicketRef) -> Result<TransferRequest, TicketError> {
        let rec = self.must_record(id)?;
        match (&rec.state, &rec.transfer_request) {
            (StoredState::TransferPending { .. }, Some(t)) => TransferRequest::from_text(t),
            _ => Err(TicketError::NoTransferPending),
        }
    }
}
