//! The gate: verifies passes offline, keeps the set of tickets that entered, signs check-in
//! receipts, and exchanges its entry list with the other gates of the venue.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ed25519_dalek::VerifyingKey;

use crate::bind::Bytes32;
use crate::env::Env;
use crate::keys::Address;
use crate::qr;
use crate::util::keccak256;

use super::eip712::{
    GrantParts, checkin_digest, domain, event_hash, gate_digest, gate_typed_data, pass_digest,
};
use super::grant::{read_event, read_token_id, write_event};
use super::keys::{GateKey, TicketIdentity, ed_public, ed_sign, ed_verify};
use super::pass::Pass;
use super::types::{TicketEvent, TicketRef, TicketSeat, text as check_text};
use super::wire::{Reader, Writer};
use super::{TicketError, WINDOW_SECS, limits};

/// QR tag of a check-in receipt.
pub const RECEIPT_TAG: &str = "JGCR";
const RECEIPT_VERSION: u8 = 1;
/// QR tag of a gate authorization.
pub const AUTHORIZATION_TAG: &str = "JGGA";
const AUTHORIZATION_VERSION: u8 = 1;
const EXPORT_MAGIC: &str = "jigap gate entries";
const EXPORT_VERSION: u64 = 1;

/// The issuer's authorization of one gate key for one event: it carries the event's details
/// (so the gate needs nothing else to admit it) and the issuer's Ed25519 seal over the
/// EIP-712 `TicketGate(eventInfo, gateKey, gateName)`. Wallets check the same seal before
/// they accept the gate's receipts; gates check it before they merge a peer's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateAuthorization {
    /// Chain id of the event's tickets.
    pub chain_id: u64,
    /// Their ERC-721 contract.
    pub contract: Address,
    /// The event.
    pub event: TicketEvent,
    /// The gate's Ed25519 public key.
    pub gate_key: [u8; 32],
    /// The gate's name, shown in receipts and "already entered" messages.
    pub gate_name: String,
    /// The issuer's seal.
    pub seal: [u8; 64],
}

impl GateAuthorization {
    /// The EIP-712 digest the issuer seals.
    pub fn digest(&self) -> [u8; 32] {
        gate_digest(
            &domain(self.chain_id, &self.contract),
            &event_hash(&self.event),
            &self.gate_key,
            &self.gate_name,
        )
    }

    /// The sealed `TicketGate` as `eth_signTypedData_v4` JSON: any EIP-712 tool hashes it to
    /// [`GateAuthorization::digest`].
    pub fn typed_data_json(&self) -> String {
        gate_typed_data(
            self.chain_id,
            &self.contract,
            &self.event,
            &self.gate_key,
            &self.gate_name,
        )
        .to_string()
    }

    /// Check the seal against `issuer`.
    pub fn verify(&self, issuer: &TicketIdentity) -> Result<(), TicketError> {
        if ed_verify(&issuer.verifying_key()?, &self.digest(), &self.seal) {
            Ok(())
        } else {
            Err(TicketError::UnauthorizedGate)
        }
    }

    /// `JGGA:…` text: base45 of `0x01` and CBOR `[chainId, contract, [event…], gateKey,
    /// gateName, seal]`.
    pub fn to_text(&self) -> String {
        let mut w = Writer::new();
        w.array(6).u64(self.chain_id).bytes(&self.contract.0);
        write_event(&mut w, &self.event);
        w.bytes(&self.gate_key)
            .str(&self.gate_name)
            .bytes(&self.seal);
        qr::wrap(AUTHORIZATION_TAG, AUTHORIZATION_VERSION, &w.0)
    }

    /// Parse `JGGA:…` text (the seal is checked by [`Gate::new`]).
    pub fn from_text(text: &str) -> Result<GateAuthorization, TicketError> {
        let cbor = qr::unwrap(
            text,
            AUTHORIZATION_TAG,
            "gate authorization",
            AUTHORIZATION_VERSION,
        )?;
        let mut r = Reader::new(&cbor, "gate authorization");
        r.array("authorization", 6)?;
        let a = GateAuthorization {
            chain_id: r.u64("chain id")?,
            contract: Address(r.fixed::<20>("contract")?),
            event: read_event(&mut r)?,
            gate_key: r.fixed::<32>("gate key")?,
            gate_name: r.str("gate name", limits::GATE_NAME)?.into(),
            seal: r.fixed::<64>("seal")?,
        };
        r.finish()?;
        a.event.validate()?;
        check_text("gate name", &a.gate_name, 1, limits::GATE_NAME)?;
        Ok(a)
    }
}

/// A gate's signed statement that a ticket entered: the wallet applies it to mark the ticket
/// used (ERC-7439 `Redeemed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInReceipt {
    /// The ticket.
    pub ticket: TicketRef,
    /// Digest of the grant that entered.
    pub grant: [u8; 32],
    /// Entry time, Unix seconds.
    pub entered_at: u64,
    /// The gate's Ed25519 key.
    pub gate_key: [u8; 32],
    /// The gate's name.
    pub gate_name: String,
    /// The issuer's seal of the gate's authorization (so the wallet can check the gate).
    pub authorization: [u8; 64],
    /// The gate's signature over `TicketCheckIn(grant, enteredAt, gateKey)`.
    pub signature: [u8; 64],
}

impl CheckInReceipt {
    /// `JGCR:…` text: base45 of `0x01` and CBOR `[chainId, contract, tokenId, grant,
    /// enteredAt, gateKey, gateName, authorization, signature]`.
    pub fn to_text(&self) -> String {
        let mut w = Writer::new();
        w.array(9)
            .u64(self.ticket.chain_id)
            .bytes(&self.ticket.contract.0)
            .bytes(self.ticket.token_id.minimal_bytes())
            .bytes(&self.grant)
            .u64(self.entered_at)
            .bytes(&self.gate_key)
            .str(&self.gate_name)
            .bytes(&self.authorization)
            .bytes(&self.signature);
        qr::wrap(RECEIPT_TAG, RECEIPT_VERSION, &w.0)
    }

    /// Parse `JGCR:…` text (signatures are checked by the wallet against the ticket).
    pub fn from_text(text: &str) -> Result<CheckInReceipt, TicketError> {
        let cbor = qr::unwrap(text, RECEIPT_TAG, "check-in receipt", RECEIPT_VERSION)?;
        let mut r = Reader::new(&cbor, "check-in receipt");
        r.array("receipt", 9)?;
        let c = CheckInReceipt {
            ticket: TicketRef {
                chain_id: r.u64("chain id")?,
                contract: Address(r.fixed::<20>("contract")?),
                token_id: read_token_id(&mut r)?,
            },
            grant: r.fixed::<32>("grant")?,
            entered_at: r.u64("entered at")?,
            gate_key: r.fixed::<32>("gate key")?,
            gate_name: r.str("gate name", limits::GATE_NAME)?.into(),
            authorization: r.fixed::<64>("authorization")?,
            signature: r.fixed::<64>("signature")?,
        };
        r.finish()?;
        Ok(c)
    }

    /// Check the receipt for a grant with this `digest` and `event`, issued by `issuer`.
    pub(crate) fn verify(
        &self,
        grant_digest: &[u8; 32],
        event: &TicketEvent,
        issuer: &TicketIdentity,
    ) -> Result<(), TicketError> {
        if self.grant != *grant_digest {
            return Err(TicketError::BadReceipt(
                "it is for another grant of this ticket".into(),
            ));
        }
        let dom = domain(self.ticket.chain_id, &self.ticket.contract);
        let auth = gate_digest(&dom, &event_hash(event), &self.gate_key, &self.gate_name);
        if !ed_verify(&issuer.verifying_key()?, &auth, &self.authorization) {
            return Err(TicketError::UnauthorizedGate);
        }
        let gate = ed_public(&self.gate_key)?;
        if !ed_verify(
            &gate,
            &checkin_digest(&dom, &self.grant, self.entered_at, &self.gate_key),
            &self.signature,
        ) {
            return Err(TicketError::BadGateSignature("check-in receipt"));
        }
        Ok(())
    }
}

/// A gate's decision to let a ticket in. The check-in receipt for the holder's wallet is
/// signed by [`Gate::receipt`], right after the gate opens.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateAdmit {
    /// The ticket.
    pub ticket_id: TicketRef,
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
    pub holder: Address,
    /// Transfers the ticket went through.
    pub transfers: u8,
    /// The pass's window.
    pub window: u64,
    /// Entry time (the gate's clock), Unix seconds.
    pub entered_at: u64,
    /// Digest of the grant that entered.
    pub grant_digest: Bytes32,
}

/// One ticket in the entered set.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GateEntry {
    /// The ticket (entries sort by ticket, then time).
    pub ticket_id: TicketRef,
    /// When it entered, Unix seconds.
    pub at: u64,
    /// Through which gate.
    pub gate: String,
}

/// What a merge changed.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GateMergeReport {
    /// Entries this gate did not know.
    pub added: u64,
    /// Known entries replaced by an earlier entry of the same ticket.
    pub updated: u64,
    /// Entries for events the sending gate is not authorised for here (left out).
    pub ignored: u64,
    /// Entries known after the merge.
    pub total: u64,
}

struct Admitted {
    auth: GateAuthorization,
    issuer_key: VerifyingKey,
    domain: [u8; 32],
    event_hash: [u8; 32],
}

/// A gate verifier: trusted issuers, the events it admits (as issuer authorizations of its
/// key), a clock, and the set of tickets that entered.
///
/// Gates at one venue stay in agreement by exchanging [`Gate::export`]s: each is signed by the
/// sending gate and accepted only if a trusted issuer authorised that gate for an event this
/// gate admits. A merge keeps each ticket's earliest entry, so the result does not depend on
/// the order of merges.
pub struct Gate {
    env: Env,
    key: GateKey,
    name: String,
    events: HashMap<String, Admitted>,
    entered: BTreeMap<TicketRef, GateEntry>,
    /// The grant digest and event of each ticket admitted by this gate itself: a receipt is
    /// signed from this record, never from data handed back by the app.
    admitted_here: BTreeMap<TicketRef, ([u8; 32], String)>,
    current_transfers: BTreeMap<TicketRef, u8>,
    /// Owners and statuses read from the chain before doors open, when the gate uses one.
    chain: Option<BTreeMap<TicketRef, super::chain::ChainTicket>>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("name", &self.name)
            .field("events", &self.events.keys().collect::<Vec<_>>())
            .field("entered", &self.entered.len())
            .finish_non_exhaustive()
    }
}

impl Gate {
    /// A gate with its key, the issuers it trusts and its authorizations (one per admitted
    /// event, each sealed by one of the issuers for this gate's key and name).
    pub fn new(
        env: Env,
        key: GateKey,
        issuers: &[TicketIdentity],
        authorizations: &[GateAuthorization],
    ) -> Result<Gate, TicketError> {
        for i in issuers {
            i.verify()?;
        }
        let first = authorizations.first().ok_or_else(|| {
            TicketError::GateConfig(
                "no authorizations: ask the issuer to authorise this gate for its event".into(),
            )
        })?;
        let name = first.gate_name.clone();
        let public = key.public();
        let mut events = HashMap::new();
        for a in authorizations {
            if a.gate_key != public {
                return Err(TicketError::GateConfig(format!(
                    "the authorization for event '{}' is for another gate key",
                    a.event.id
                )));
            }
            if a.gate_name != name {
                return Err(TicketError::GateConfig(format!(
                    "the authorizations name the gate both '{name}' and '{}'; use one name",
                    a.gate_name
                )));
            }
            a.event.validate()?;
            let issuer = issuers
                .iter()
                .find(|i| a.verify(i).is_ok())
                .ok_or_else(|| {
                    TicketError::GateConfig(format!(
                        "the authorization for event '{}' is not sealed by a trusted issuer",
                        a.event.id
                    ))
                })?;
            let admitted = Admitted {
                issuer_key: issuer.verifying_key()?,
                domain: domain(a.chain_id, &a.contract),
                event_hash: event_hash(&a.event),
                auth: a.clone(),
            };
            if events.insert(a.event.id.clone(), admitted).is_some() {
                return Err(TicketError::GateConfig(format!(
                    "two authorizations for event id '{}'; keep one",
                    a.event.id
                )));
            }
        }
        Ok(Gate {
            env,
            key,
            name,
            events,
            entered: BTreeMap::new(),
            admitted_here: BTreeMap::new(),
            current_transfers: BTreeMap::new(),
            chain: None,
        })
    }

    /// The gate's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The gate's public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.public()
    }

    /// The events this gate admits.
    pub fn events(&self) -> Vec<&TicketEvent> {
        let mut v: Vec<&TicketEvent> = self.events.values().map(|a| &a.auth.event).collect();
        crate::util::sort_by(&mut v, |a, b| a.id.cmp(&b.id));
        v
    }

    /// Verify a scanned pass. On success the ticket is recorded as entered (sign its receipt
    /// with [`Gate::receipt`]); every refusal is a [`TicketError`] for which
    /// [`TicketError::is_rejection`] holds.
    ///
    /// Checks, cheapest first: format; event admitted here; window within one of the gate's
    /// (15 s windows); doors open ≤ now ≤ end; the issuer's seal over the grant digest
    /// (recomputed from the pass and the gate's event); the pass key's signature over
    /// `TicketPass(grant, window)`; not superseded by a reissue the gate knows of; not
    /// entered before.
    pub fn verify(&mut self, pass_text: &str) -> Result<GateAdmit, TicketError> {
        let now = self.env.clock.now_secs();
        let pass = Pass::from_text(pass_text)?;
        let ev = self
            .events
            .get(&pass.event_id)
            .ok_or_else(|| TicketError::WrongEvent {
                event_id: pass.event_id.clone(),
            })?;
        let current = now / WINDOW_SECS;
        if pass.window.saturating_add(1) < current || pass.window > current.saturating_add(1) {
            return Err(TicketError::StaleWindow {
                window: pass.window,
                current,
            });
        }
        let event = &ev.auth.event;
        if now < event.doors_open {
            return Err(TicketError::TooEarly {
                doors_open: event.doors_open,
                now,
            });
        }
        if now > event.end {
            return Err(TicketError::TooLate {
                end: event.end,
                now,
            });
        }
        let ticket = TicketRef {
            chain_id: ev.auth.chain_id,
            contract: ev.auth.contract,
            token_id: pass.token_id,
        };
        let grant = GrantParts {
            chain_id: ticket.chain_id,
            contract: &ticket.contract,
            token_id: &pass.token_id,
            holder: &pass.holder,
            pass_key: &pass.pass_key,
            seat: &pass.seat,
            tier: &pass.tier,
            policy: &pass.policy,
            transfers: pass.transfers,
            issued_at: pass.issued_at,
        }
        .digest(&ev.domain, &ev.event_hash);
        if !ed_verify(&ev.issuer_key, &grant, &pass.seal) {
            return Err(TicketError::BadIssuerSignature);
        }
        let holder_key = ed_public(&pass.pass_key).map_err(|_| TicketError::BadHolderSignature)?;
        if !ed_verify(
            &holder_key,
            &pass_digest(&ev.domain, &grant, pass.window),
            &pass.signature,
        ) {
            return Err(TicketError::BadHolderSignature);
        }
        if let Some(chain) = &self.chain {
            check_snapshot(chain.get(&ticket), &pass.holder, &pass.pass_key)?;
        }
        if let Some(&current) = self.current_transfers.get(&ticket)
            && pass.transfers < current
        {
            return Err(TicketError::Superseded {
                presented: pass.transfers,
                current,
            });
        }
        if let Some(e) = self.entered.get(&ticket) {
            return Err(TicketError::AlreadyEntered {
                at: e.at,
                gate: e.gate.clone(),
            });
        }
        self.entered.insert(
            ticket,
            GateEntry {
                ticket_id: ticket,
                at: now,
                gate: self.name.clone(),
            },
        );
        self.admitted_here
            .insert(ticket, (grant, pass.event_id.clone()));
        let event_name = self
            .events
            .get(&pass.event_id)
            .map(|e| e.auth.event.name.clone())
            .unwrap_or_default();
        Ok(GateAdmit {
            ticket_id: ticket,
            grant_digest: Bytes32(grant),
            event_id: pass.event_id,
            event_name,
            seat_label: pass.seat.to_string(),
            seat: pass.seat,
            tier: pass.tier,
            holder: pass.holder,
            transfers: pass.transfers,
            window: pass.window,
            entered_at: now,
        })
    }

    /// Sign the check-in receipt of an admission by this gate, for the holder's wallet
    /// ([`super::Tickets::apply_receipt`] marks the ticket used). Kept out of
    /// [`Gate::verify`] so the gate can open first: signing takes about 15 µs.
    ///
    /// The receipt is made from this gate's own record of the admission (grant digest, time,
    /// event); of `admit` only the ticket is read, and a grant or time that differs from the
    /// record is refused, so an app cannot obtain a receipt for a grant the gate never saw.
    pub fn receipt(&self, admit: &GateAdmit) -> Result<CheckInReceipt, TicketError> {
        let refused =
            || TicketError::BadReceipt("this gate did not admit that ticket at that time".into());
        let (grant, event_id) = self
            .admitted_here
            .get(&admit.ticket_id)
            .ok_or_else(refused)?;
        let entry = self
            .entered
            .get(&admit.ticket_id)
            .filter(|e| e.gate == self.name)
            .ok_or_else(refused)?;
        if *grant != admit.grant_digest.0 || entry.at != admit.entered_at {
            return Err(refused());
        }
        let ev = self.events.get(event_id).ok_or_else(refused)?;
        let gate_key = self.key.public();
        let signature = ed_sign(
            self.key.signing(),
            &checkin_digest(&ev.domain, grant, entry.at, &gate_key),
        )?;
        Ok(CheckInReceipt {
            ticket: admit.ticket_id,
            grant: *grant,
            entered_at: entry.at,
            gate_key,
            gate_name: self.name.clone(),
            authorization: ev.auth.seal,
            signature,
        })
    }

    /// Check passes also against the chain: `tickets` is a snapshot of on-chain ownership taken
    /// before doors open ([`super::chain::state`]). A pass is then refused unless its ticket is
    /// in the snapshot, owned by the pass's holder with the pass's key, and neither void nor
    /// checked in — a ticket sold on chain enters only with its buyer's pass. The offline checks
    /// stay as they are; the gate needs no network at the door.
    pub fn set_chain_snapshot(&mut self, tickets: Vec<super::chain::ChainTicket>) {
        self.chain = Some(tickets.into_iter().map(|t| (t.ticket_id, t)).collect());
    }

    /// Tell the gate that `ticket` was reissued and its current grant has `transfers`
    /// transfers (from [`super::Issuer::reissued`], loaded before doors open): passes of older
    /// grants are then refused ([`TicketError::Superseded`]), so a seller cannot enter on the
    /// grant they sold. The highest count given for a ticket is kept.
    pub fn set_current_transfers(&mut self, ticket: TicketRef, transfers: u8) {
        let e = self.current_transfers.entry(ticket).or_insert(transfers);
        *e = (*e).max(transfers);
    }

    /// When `ticket` entered, if it did.
    pub fn entered(&self, ticket: &TicketRef) -> Option<&GateEntry> {
        self.entered.get(ticket)
    }

    /// Every entry, in ticket order.
    pub fn entries(&self) -> Vec<GateEntry> {
        self.entered.values().cloned().collect()
    }

    /// The entered set, signed by this gate: deterministic CBOR (entries in ticket order),
    /// for the other gates of the venue ([`Gate::merge`]) and for the gate's own state file.
    ///
    /// Layout: `[body, signature]`, where `body` is the CBOR byte string of
    /// `["jigap gate entries", 1, gateKey, gateName, [[chainId, contract, eventId, seal]…],
    /// [[chainId, contract, tokenId, enteredAt, gateName]…]]` and `signature` is the gate key's
    /// Ed25519 signature over `keccak256(body)`.
    pub fn export(&self) -> Result<Vec<u8>, TicketError> {
        let mut auths: Vec<&GateAuthorization> = self.events.values().map(|a| &a.auth).collect();
        crate::util::sort_by(&mut auths, |a, b| a.event.id.cmp(&b.event.id));
        let mut w = Writer::new();
        w.array(6)
            .str(EXPORT_MAGIC)
            .u64(EXPORT_VERSION)
            .bytes(&self.key.public())
            .str(&self.name);
        w.array(auths.len());
        for a in auths {
            w.array(4)
                .u64(a.chain_id)
                .bytes(&a.contract.0)
                .str(&a.event.id)
                .bytes(&a.seal);
        }
        w.array(self.entered.len());
        for (t, e) in &self.entered {
            w.array(5)
                .u64(t.chain_id)
                .bytes(&t.contract.0)
                .bytes(t.token_id.minimal_bytes())
                .u64(e.at)
                .str(&e.gate);
        }
        let body = w.0;
        let signature = ed_sign(self.key.signing(), &keccak256(&body))?;
        let mut out = Writer::new();
        out.array(2).bytes(&body).bytes(&signature);
        Ok(out.0)
    }

    /// Merge another gate's (or this gate's own saved) export. The export must be signed by a
    /// gate that a trusted issuer authorised, under the same name, for an event this gate
    /// admits; only entries for the contracts of those events are taken. For a ticket known to
    /// both, the earlier entry wins.
    pub fn merge(&mut self, export: &[u8]) -> Result<GateMergeReport, TicketError> {
        let bad = |e: TicketError| TicketError::BadExport(e.to_string());
        let mut outer = Reader::new(export, "gate export");
        outer.array("export", 2).map_err(bad)?;
        let body = outer.bytes("body", usize::MAX).map_err(bad)?;
        let signature = outer.fixed::<64>("signature").map_err(bad)?;
        outer.finish().map_err(bad)?;

        let mut r = Reader::new(body, "gate export");
        r.array("body", 6).map_err(bad)?;
        if r.str("magic", 32).map_err(bad)? != EXPORT_MAGIC {
            return Err(TicketError::BadExport("not a jigap gate export".into()));
        }
        let version = r.u64("version").map_err(bad)?;
        if version != EXPORT_VERSION {
            return Err(TicketError::BadExport(format!(
                "format version {version}, this build reads {EXPORT_VERSION}; update the gate software"
            )));
        }
        let gate_key = r.fixed::<32>("gate key").map_err(bad)?;
        let gate_name = r.str("gate name", limits::GATE_NAME).map_err(bad)?;
        let sender = ed_public(&gate_key).map_err(bad)?;
        if !ed_verify(&sender, &keccak256(body), &signature) {
            return Err(TicketError::BadGateSignature("export"));
        }
        // Which (chain, contract) pairs the sender is authorised for, by issuers we trust.
        let mut allowed = BTreeSet::new();
        let n = r.array_max("authorizations", 10_000).map_err(bad)?;
        for _ in 0..n {
            r.array("authorization", 4).map_err(bad)?;
            let chain_id = r.u64("chain id").map_err(bad)?;
            let contract = Address(r.fixed::<20>("contract").map_err(bad)?);
            let event_id = r.str("event id", limits::EVENT_ID).map_err(bad)?;
            let seal = r.fixed::<64>("seal").map_err(bad)?;
            if let Some(ev) = self.events.get(event_id)
                && ev.auth.chain_id == chain_id
                && ev.auth.contract == contract
            {
                let digest = gate_digest(&ev.domain, &ev.event_hash, &gate_key, gate_name);
                if ed_verify(&ev.issuer_key, &digest, &seal) {
                    allowed.insert((chain_id, contract));
                }
            }
        }
        if allowed.is_empty() {
            return Err(TicketError::UnauthorizedGate);
        }
        let mut incoming = Vec::new();
        let n = r
            .array_max("entries", limits::EXPORT_ENTRIES)
            .map_err(bad)?;
        for _ in 0..n {
            r.array("entry", 5).map_err(bad)?;
            let chain_id = r.u64("chain id").map_err(bad)?;
            let contract = Address(r.fixed::<20>("contract").map_err(bad)?);
            let token_id = read_token_id(&mut r).map_err(bad)?;
            let at = r.u64("entered at").map_err(bad)?;
            let gate = r.str("gate name", limits::GATE_NAME).map_err(bad)?;
            let ticket_id = TicketRef {
                chain_id,
                contract,
                token_id,
            };
            incoming.push((
                ticket_id,
                GateEntry {
                    ticket_id,
                    at,
                    gate: gate.to_string(),
                },
            ));
        }
        r.finish().map_err(bad)?;

        let mut report = GateMergeReport::default();
        for (t, e) in incoming {
            if !allowed.contains(&(t.chain_id, t.contract)) {
                report.ignored += 1;
                continue;
            }
            match self.entered.get_mut(&t) {
                None => {
                    self.entered.insert(t, e);
                    report.added += 1;
                }
                Some(mine) if e < *mine => {
                    *mine = e;
                    report.updated += 1;
                }
                Some(_) => {}
            }
        }
        report.total = self.entered.len() as u64;
        Ok(report)
    }
}

/// A pass's holder and key against the chain snapshot's entry for its ticket.
fn check_snapshot(
    entry: Option<&super::chain::ChainTicket>,
    holder: &Address,
    pass_key: &[u8; 32],
) -> Result<(), TicketError> {
    use super::wallet::TicketStatus;
    let Some(c) = entry.filter(|c| c.minted) else {
        return Err(TicketError::NotOnChain(
            "this ticket is not in the gate's chain snapshot (never minted, or minted after the snapshot): refuse it, or take a new snapshot".into(),
        ));
    };
    if c.owner != *holder || c.pass_key.0 != *pass_key {
        return Err(TicketError::NotOnChain(format!(
            "on chain this ticket belongs to {}, not to the pass's holder {holder}: it was sold on; only the new holder's pass enters",
            c.owner
        )));
    }
    match c.status {
        TicketStatus::Void => Err(TicketError::NotOnChain(
            "the issuer voided this ticket on chain; refuse it and send the holder to the box office".into(),
        )),
        TicketStatus::Redeemed => Err(TicketError::NotOnChain(
            "this ticket was already checked in on chain; it cannot enter twice".into(),
        )),
        TicketStatus::Sold | TicketStatus::Resell => Ok(()),
    }
}
