//! NFT tickets: hold a ticket, show a rotating pass, admit it at a gate offline, transfer it
//! by the issuer's rules.
//!
//! - A **grant** ([`SignedGrant`]) is the issuer's EIP-712 `TicketGrant` for one ERC-721 token:
//!   holder, the holder's Ed25519 **pass key**, event, seat, tier, transfer policy, transfers so
//!   far, issue time. The issuer signs its digest with its account (65-byte ECDSA, verifiable
//!   by `ecrecover`) and **seals** the same digest with its Ed25519 seal key.
//! - The holder's wallet ([`Tickets`]) imports grants from trusted issuers and **shows** a pass
//!   ([`TicketPass`]): the grant's gate-relevant fields, the seal, and the pass key's signature
//!   over `TicketPass(grant, window)` for the current 15-second window, as base45 text that
//!   fits a version-13 QR code at error correction M.
//! - A [`Gate`] verifies a pass offline with two Ed25519 verifications (seal and pass), checks
//!   window, event and time, refuses a second entry, and then signs a [`CheckInReceipt`] the
//!   wallet applies. Gates at one venue exchange signed entry lists ([`Gate::export`], [`Gate::merge`]).
//! - Transfers: the holder's wallet signs a [`TransferRequest`] only if the policy allows it;
//!   the [`Issuer`] reissues the grant to the new holder.
//!
//! States follow ERC-7439 ([`TicketStatus`]); a non-transferable ticket is ERC-5192 locked.
//!
//! ```
//! use std::sync::Arc;
//! use jigap_core::env::{Env, ManualClock};
//! use jigap_core::keys::{Address, PrivateKey};
//! use jigap_core::store::MemoryStore;
//! use jigap_core::ticket::*;
//! use jigap_core::wallet::{WalletOptions, Wallet};
//!
//! let clock = ManualClock::new(1_780_000_000_000);
//! let env = Env::fixed(clock.clone(), 1);
//! let (wallet, _) = Wallet::create(Arc::new(MemoryStore::new()), env.clone(), b"123456",
//!     WalletOptions::fast_for_tests()).unwrap();
//! let mut issuer = Issuer::new(env.clone(), PrivateKey::from_slice(&[7; 32]).unwrap()).unwrap();
//!
//! // The app trusts the issuer; the holder hands out a ticket holder id.
//! let tickets = Tickets::new(&wallet);
//! tickets.trust_issuer(issuer.identity()).unwrap();
//! let me = tickets.holder_id(&wallet.account(0).unwrap().address).unwrap();
//!
//! // The issuer grants a seat; the wallet imports it.
//! let event = TicketEvent { id: "MAHLER2".into(), name: "Mahler 2".into(), venue: "Seoul".into(),
//!     doors_open: 1_779_999_000, start: 1_780_001_000, end: 1_780_008_000 };
//! let contract: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3".parse().unwrap();
//! let grant = issuer.grant(&me, TicketTerms { chain_id: 1, contract, token_id: TokenId::from_u64(42),
//!     event: event.clone(), seat: TicketSeat::reserved("B", "12", "7"), tier: "R".into(),
//!     policy: TicketTransferPolicy::non_transferable() }).unwrap();
//! let ticket = tickets.import(&grant.to_text()).unwrap().ticket;
//!
//! // The gate, authorised by the issuer, admits the pass once.
//! let gate_key = GateKey::from_account(&PrivateKey::from_slice(&[9; 32]).unwrap());
//! let auth = issuer.authorize_gate(1, contract, &event, gate_key.public(), "North 3").unwrap();
//! let mut gate = Gate::new(env.clone(), gate_key, &[issuer.identity().clone()], &[auth]).unwrap();
//! let pass = tickets.show(&ticket.id).unwrap();
//! let admit = gate.verify(&pass.text).unwrap();
//! assert_eq!(admit.seat.number, "7");
//! assert!(matches!(gate.verify(&pass.text), Err(TicketError::AlreadyEntered { .. })));
//!
//! // The gate's signed receipt marks the ticket used; it can no longer be shown.
//! let receipt = gate.receipt(&admit).unwrap();
//! tickets.apply_receipt(&receipt.to_text()).unwrap();
//! assert!(matches!(tickets.show(&ticket.id), Err(TicketError::AlreadyUsed { .. })));
//! ```

pub mod chain;
pub mod eip712;
mod gate;
mod grant;
mod issuer;
mod keys;
mod pass;
mod time;
mod transfer;
mod types;
mod wallet;
mod wire;

pub use gate::{
    AUTHORIZATION_TAG, CheckInReceipt, Gate, GateAdmit, GateAuthorization, GateEntry,
    GateMergeReport, RECEIPT_TAG,
};
pub use grant::{GRANT_TAG, SignedGrant, TicketTerms};
pub use issuer::{IssuedRecord, Issuer};
pub use keys::{
    GATE_KEY_INFO, GateKey, IDENTITY_TAG, PASS_KEY_INFO, SEAL_KEY_INFO, TicketIdentity,
};
pub use pass::{PASS_TAG, PASS_VERSION, Pass};
pub use time::{format_utc, parse_utc};
pub use transfer::{TRANSFER_TAG, TransferRequest};
pub use types::{TicketEvent, TicketGrant, TicketRef, TicketSeat, TicketTransferPolicy, TokenId};
pub use wallet::{
    ImportedTicket, Ticket, TicketImportOutcome, TicketInfo, TicketPass, TicketState, TicketStatus,
    TicketTransferRequest, Tickets,
};

use crate::env::RandomError;
use crate::keys::{Address, KeysError};
use crate::qr::QrError;
use crate::vault::VaultError;
use crate::wallet::WalletError;

/// EIP-712 domain `name` of every ticket struct.
pub const DOMAIN_NAME: &str = "jigap tickets";
/// EIP-712 domain `version`.
pub const DOMAIN_VERSION: &str = "1";
/// A pass is valid for one window of this many seconds (window index = `floor(unix_secs / 15)`);
/// gates accept the current window and one either side.
pub const WINDOW_SECS: u64 = 15;
/// The vault namespace of the wallet's tickets and trusted ticket issuers.
pub const VAULT_NAMESPACE: &str = "tickets";

/// Longest values, in UTF-8 bytes. The fields that travel in a pass are short enough that the
/// longest possible pass (every field at its limit, a full 256-bit token id) still fits a
/// version-13 QR code at error correction M.
pub mod limits {
    /// Event id (in the pass).
    pub const EVENT_ID: usize = 16;
    /// Event name (not in the pass: gates are configured with it).
    pub const EVENT_NAME: usize = 128;
    /// Venue (not in the pass).
    pub const VENUE: usize = 128;
    /// Seat section or area (in the pass).
    pub const SECTION: usize = 16;
    /// Seat row (in the pass).
    pub const ROW: usize = 6;
    /// Seat number (in the pass).
    pub const NUMBER: usize = 6;
    /// Tier (in the pass).
    pub const TIER: usize = 12;
    /// Currency code (in the pass).
    pub const CURRENCY: usize = 8;
    /// Gate name.
    pub const GATE_NAME: usize = 32;
    /// Entries in one gate export.
    pub const EXPORT_ENTRIES: u64 = 1_000_000;
}

/// What went wrong with a ticket: at import, show, transfer, at the gate (a rejection), or
/// with a receipt. Messages say what was wrong and what to do; they never contain secrets.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TicketError {
    /// A field is out of range or malformed.
    #[error("the ticket's {field} is invalid: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// A payload decoded but its content is not what it should be.
    #[error("this {what} is damaged or incomplete ({reason}); scan or copy it again")]
    Malformed {
        /// Which payload.
        what: &'static str,
        /// Details.
        reason: String,
    },
    /// The text is not a payload of the expected kind, or is damaged.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// A key or signature problem.
    #[error(transparent)]
    Keys(#[from] KeysError),
    /// A wallet problem (locked, unknown account, …).
    #[error(transparent)]
    Wallet(#[from] WalletError),
    /// A vault problem.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The random source failed.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// Ed25519 signing failed.
    #[error("signing failed; retry")]
    Signing,

    /// The grant's signer is not a trusted ticket issuer.
    #[error(
        "this ticket was issued by {0}, which is not a trusted ticket issuer; add the issuer in the app's settings if you trust it"
    )]
    UntrustedIssuer(Address),
    /// The issuer's signature or seal does not verify.
    #[error(
        "the issuer's signature on this ticket is invalid: it was forged, altered, or is for another event; ask the issuer for the ticket again"
    )]
    BadIssuerSignature,
    /// An identity's proof does not match its address and key.
    #[error(
        "the identity of {0} does not carry a valid proof for its key; ask its owner for the identity again"
    )]
    BadIdentityProof(Address),
    /// The grant's holder is not an account of this wallet.
    #[error(
        "this ticket belongs to {0}, which is not an account of this wallet; import it into the holder's wallet"
    )]
    NotHolder(Address),
    /// The grant binds a pass key this wallet did not derive.
    #[error(
        "this ticket names a pass key that is not this wallet's; give the issuer your ticket holder id and ask for a new grant"
    )]
    PassKeyMismatch,
    /// The wallet holds a newer grant for this ticket.
    #[error(
        "this wallet already holds a newer grant for this ticket (transfer {held}, issued {held_at}); the one offered (transfer {offered}, issued {offered_at}) is out of date"
    )]
    StaleGrant {
        /// Transfers of the held grant.
        held: u8,
        /// Issue time of the held grant.
        held_at: u64,
        /// Transfers of the offered grant.
        offered: u8,
        /// Issue time of the offered grant.
        offered_at: u64,
    },
    /// The wallet holds a different grant for this ticket, just as recent.
    #[error(
        "this wallet holds a different grant for the same ticket, issued at the same time; ask the issuer which one is current"
    )]
    ConflictingGrant,
    /// No such ticket in the wallet.
    #[error("there is no ticket {0} in this wallet; list the tickets to see their ids")]
    NotFound(String),

    /// The ticket was used at a gate.
    #[error(
        "this ticket was already used: it entered through gate '{gate}' at {}; it cannot be shown again", time::format_utc(*at)
    )]
    AlreadyUsed {
        /// Entry time, Unix seconds.
        at: u64,
        /// Gate name.
        gate: String,
    },
    /// The ticket was transferred away.
    #[error("this ticket was transferred to {to}; it can no longer be shown from this wallet")]
    Transferred {
        /// The new holder.
        to: Address,
    },
    /// A transfer is pending.
    #[error(
        "a transfer of this ticket to {to} is waiting for the issuer; cancel the transfer to show the ticket"
    )]
    TransferPending {
        /// The intended new holder.
        to: Address,
    },
    /// The event is over.
    #[error("the event ended at {}; the ticket can no longer be shown", time::format_utc(*end))]
    EventEnded {
        /// End, Unix seconds.
        end: u64,
    },

    /// The policy forbids transfers.
    #[error("this ticket is not transferable: it is locked to its holder")]
    NotTransferable,
    /// The price is not in the policy's currency.
    #[error("the transfer price must be in {expected}, not '{got}'")]
    WrongCurrency {
        /// The policy's currency.
        expected: String,
        /// The one given.
        got: String,
    },
    /// The price is over the cap.
    #[error(
        "the price {price} {currency} is over this ticket's resale cap of {cap} {currency}; lower the price"
    )]
    OverPriceCap {
        /// Asked price, minor units.
        price: u64,
        /// Cap, minor units.
        cap: u64,
        /// Currency.
        currency: String,
    },
    /// No transfers left.
    #[error(
        "this ticket may change hands at most {max} times and already has; it cannot be transferred again"
    )]
    TooManyTransfers {
        /// The policy's maximum.
        max: u8,
    },
    /// Transfer to the current holder.
    #[error("the new holder is the current holder; transfer to another account")]
    SameHolder,
    /// A transfer request that does not check out.
    #[error("the transfer request is invalid: {0}")]
    BadTransferRequest(String),
    /// Nothing to cancel.
    #[error("no transfer of this ticket is pending")]
    NoTransferPending,
    /// The issuer already issued this token.
    #[error(
        "ticket {0} was already issued; reissue it through a transfer, or use another token id"
    )]
    AlreadyIssued(TicketRef),
    /// The grant was already replaced by a reissue.
    #[error(
        "this grant was already reissued (the ticket changed hands); ask the current holder for a new transfer request"
    )]
    GrantSuperseded,

    /// Gate rejection: the gate does not admit this event.
    #[error(
        "this ticket is for event '{event_id}', which this gate does not admit; send the holder to the right venue or entrance"
    )]
    WrongEvent {
        /// The pass's event id.
        event_id: String,
    },
    /// Gate rejection: the pass signature is not the holder's.
    #[error(
        "the pass was not signed by the ticket holder's key: it may be a forgery; ask the holder to show the live pass from their wallet"
    )]
    BadHolderSignature,
    /// Gate rejection: before doors open.
    #[error("too early: doors open at {}, it is {}; come back then", time::format_utc(*doors_open), time::format_utc(*now))]
    TooEarly {
        /// Doors open, Unix seconds.
        doors_open: u64,
        /// The gate's time.
        now: u64,
    },
    /// Gate rejection: after the end.
    #[error("too late: the event ended at {}, it is {}", time::format_utc(*end), time::format_utc(*now))]
    TooLate {
        /// End, Unix seconds.
        end: u64,
        /// The gate's time.
        now: u64,
    },
    /// Gate rejection: not the current window (±1).
    #[error(
        "the pass is for time window {window}, but the gate is in window {current} (15 s each): a screenshot or a wrong clock; ask the holder to show the live pass and to check the phone's clock"
    )]
    StaleWindow {
        /// The pass's window.
        window: u64,
        /// The gate's window.
        current: u64,
    },
    /// Gate rejection: the ticket already entered.
    #[error(
        "this ticket already entered through gate '{gate}' at {}; it cannot enter twice", time::format_utc(*at)
    )]
    AlreadyEntered {
        /// When, Unix seconds.
        at: u64,
        /// Which gate.
        gate: String,
    },

    /// Gate rejection: the pass is for a grant the issuer has since reissued to someone else.
    #[error(
        "this pass is for an old grant of the ticket (after {presented} transfers); the ticket has changed hands since (transfer {current}) and only its new holder may enter"
    )]
    Superseded {
        /// Transfers of the grant in the pass.
        presented: u8,
        /// Transfers of the current grant.
        current: u8,
    },

    /// A gate cannot be set up this way.
    #[error("gate configuration: {0}")]
    GateConfig(String),
    /// A receipt or export comes from a gate the ticket's issuer did not authorise.
    #[error(
        "this comes from a gate that the ticket's issuer did not authorise; ignore it, or ask the issuer to authorise the gate"
    )]
    UnauthorizedGate,
    /// A check-in receipt that does not check out.
    #[error("the check-in receipt is invalid: {0}")]
    BadReceipt(String),
    /// A gate export that does not check out.
    #[error("the gate export is invalid: {0}")]
    BadExport(String),
    /// A gate's signature over a receipt or an export does not verify: it was altered or forged.
    #[error(
        "the {0}'s gate signature does not verify; it was altered or forged — get it again from the gate"
    )]
    BadGateSignature(&'static str),
    /// Gate rejection: the chain snapshot taken before doors open says otherwise (sold on
    /// chain to someone else, void, checked in, or never minted).
    #[error("{0}")]
    NotOnChain(String),
    /// Talking to the ticket contract on chain failed: the node, the reply or the contract.
    #[error(transparent)]
    Chain(std::sync::Arc<crate::evm::EvmError>),
}

impl From<crate::evm::EvmError> for TicketError {
    fn from(e: crate::evm::EvmError) -> TicketError {
        TicketError::Chain(std::sync::Arc::new(e))
    }
}

impl TicketError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> TicketError {
        TicketError::Invalid {
            field,
            reason: reason.into(),
        }
    }

    /// Whether this is a gate's refusal of a pass (as opposed to a setup or storage problem).
    pub fn is_rejection(&self) -> bool {
        matches!(
            self,
            TicketError::Qr(_)
                | TicketError::Malformed { .. }
                | TicketError::WrongEvent { .. }
                | TicketError::BadIssuerSignature
                | TicketError::BadHolderSignature
                | TicketError::TooEarly { .. }
                | TicketError::TooLate { .. }
                | TicketError::StaleWindow { .. }
                | TicketError::AlreadyEntered { .. }
                | TicketError::Superseded { .. }
                | TicketError::NotOnChain(_)
        )
    }

    /// A short stable name of the variant, for bindings and JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            TicketError::Invalid { .. } => "invalid",
            TicketError::Malformed { .. } => "malformed",
            TicketError::Qr(_) => "malformed",
            TicketError::Keys(_) => "keys",
            TicketError::Wallet(_) => "wallet",
            TicketError::Vault(_) => "vault",
            TicketError::Random(_) => "random",
            TicketError::Signing => "signing",
            TicketError::UntrustedIssuer(_) => "untrusted_issuer",
            TicketError::BadIssuerSignature => "bad_issuer_signature",
            TicketError::BadIdentityProof(_) => "bad_identity_proof",
            TicketError::NotHolder(_) => "not_holder",
            TicketError::PassKeyMismatch => "pass_key_mismatch",
            TicketError::StaleGrant { .. } => "stale_grant",
            TicketError::ConflictingGrant => "conflicting_grant",
            TicketError::NotFound(_) => "not_found",
            TicketError::AlreadyUsed { .. } => "already_used",
            TicketError::Transferred { .. } => "transferred",
            TicketError::TransferPending { .. } => "transfer_pending",
            TicketError::EventEnded { .. } => "event_ended",
            TicketError::NotTransferable => "not_transferable",
            TicketError::WrongCurrency { .. } => "wrong_currency",
            TicketError::OverPriceCap { .. } => "over_price_cap",
            TicketError::TooManyTransfers { .. } => "too_many_transfers",
            TicketError::SameHolder => "same_holder",
            TicketError::BadTransferRequest(_) => "bad_transfer_request",
            TicketError::NoTransferPending => "no_transfer_pending",
            TicketError::AlreadyIssued(_) => "already_issued",
            TicketError::GrantSuperseded => "grant_superseded",
            TicketError::WrongEvent { .. } => "wrong_event",
            TicketError::BadHolderSignature => "bad_holder_signature",
            TicketError::TooEarly { .. } => "too_early",
            TicketError::TooLate { .. } => "too_late",
            TicketError::StaleWindow { .. } => "stale_window",
            TicketError::AlreadyEntered { .. } => "already_entered",
            TicketError::Superseded { .. } => "superseded",
            TicketError::GateConfig(_) => "gate_config",
            TicketError::UnauthorizedGate => "unauthorized_gate",
            TicketError::BadReceipt(_) => "bad_receipt",
            TicketError::BadExport(_) => "bad_export",
            TicketError::BadGateSignature(_) => "bad_gate_signature",
            TicketError::NotOnChain(_) => "not_on_chain",
            TicketError::Chain(_) => "chain",
        }
    }
}

#[cfg(test)]
mod tests;
