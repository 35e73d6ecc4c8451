//! The rotating pass: what a holder's phone shows and a gate scans.

use ed25519_dalek::SigningKey;

use crate::keys::Address;
use crate::qr;

use super::eip712::{GrantParts, domain, event_hash, pass_digest};
use super::grant::{SignedGrant, read_token_id};
use super::keys::ed_sign;
use super::types::{TicketSeat, TicketTransferPolicy, TokenId};
use super::wire::{Reader, Writer};
use super::{TicketError, limits};

/// QR tag of a pass.
pub const PASS_TAG: &str = "JGTP";
/// Version byte of the pass format.
pub const PASS_VERSION: u8 = 1;
const ITEMS: u64 = 18;

/// A decoded pass: the grant minus what the gate already knows (chain, contract and the event
/// details), the issuer's seal, the window index, and the pass key's signature over
/// `TicketPass(grantDigest, window)`.
///
/// Text form: `JGTP:` + base45 of `0x01` and the CBOR array of these 18 items, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    /// Event id.
    pub event_id: String,
    /// Token id.
    pub token_id: TokenId,
    /// Holder account.
    pub holder: Address,
    /// Holder's pass key.
    pub pass_key: [u8; 32],
    /// Seat.
    pub seat: TicketSeat,
    /// Tier.
    pub tier: String,
    /// Transfer policy (needed to recompute the grant digest).
    pub policy: TicketTransferPolicy,
    /// Transfers so far.
    pub transfers: u8,
    /// Grant issue time.
    pub issued_at: u64,
    /// The issuer's Ed25519 seal over the grant digest.
    pub seal: [u8; 64],
    /// Window index: `floor(unix_secs / 15)`.
    pub window: u64,
    /// The pass key's Ed25519 signature over the `TicketPass` digest.
    pub signature: [u8; 64],
}

impl Pass {
    /// Sign a pass for `window` with the holder's pass key.
    pub(crate) fn create(
        grant: &SignedGrant,
        window: u64,
        pass_key: &SigningKey,
    ) -> Result<Pass, TicketError> {
        let g = &grant.grant;
        let dom = domain(g.chain_id, &g.contract);
        let gd = GrantParts::of(g).digest(&dom, &event_hash(&g.event));
        let signature = ed_sign(pass_key, &pass_digest(&dom, &gd, window))?;
        Ok(Pass {
            event_id: g.event.id.clone(),
            token_id: g.token_id,
            holder: g.holder,
            pass_key: g.pass_key,
            seat: g.seat.clone(),
            tier: g.tier.clone(),
            policy: g.policy.clone(),
            transfers: g.transfers,
            issued_at: g.issued_at,
            seal: grant.seal,
            window,
            signature,
        })
    }

    /// The compact CBOR (without tag and version byte).
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.array(ITEMS as usize)
            .str(&self.event_id)
            .bytes(self.token_id.minimal_bytes())
            .bytes(&self.holder.0)
            .bytes(&self.pass_key)
            .bool(self.seat.general_admission)
            .str(&self.seat.section)
            .str(&self.seat.row)
            .str(&self.seat.number)
            .str(&self.tier)
            .bool(self.policy.transferable)
            .str(&self.policy.currency)
            .u64(self.policy.price_cap)
            .u64(u64::from(self.policy.max_transfers))
            .u64(u64::from(self.transfers))
            .u64(self.issued_at)
            .bytes(&self.seal)
            .u64(self.window)
            .bytes(&self.signature);
        w.0
    }

    /// `JGTP:…` text.
    pub fn to_text(&self) -> String {
        qr::wrap(PASS_TAG, PASS_VERSION, &self.to_cbor())
    }

    /// Decode `JGTP:…` text, checking every length; signatures are the gate's job.
    pub fn from_text(text: &str) -> Result<Pass, TicketError> {
        let cbor = qr::unwrap(text, PASS_TAG, "ticket pass", PASS_VERSION)?;
        Self::from_cbor(&cbor)
    }

    /// Decode the CBOR part.
    pub fn from_cbor(cbor: &[u8]) -> Result<Pass, TicketError> {
        let mut r = Reader::new(cbor, "ticket pass");
        r.array("pass", ITEMS)?;
        let p = Pass {
            event_id: r.str("event id", limits::EVENT_ID)?.into(),
            token_id: read_token_id(&mut r)?,
            holder: Address(r.fixed::<20>("holder")?),
            pass_key: r.fixed::<32>("pass key")?,
            seat: TicketSeat {
                general_admission: r.bool("general admission")?,
                section: r.str("section", limits::SECTION)?.into(),
                row: r.str("row", limits::ROW)?.into(),
                number: r.str("number", limits::NUMBER)?.into(),
            },
            tier: r.str("tier", limits::TIER)?.into(),
            policy: TicketTransferPolicy {
                transferable: r.bool("transferable")?,
                currency: r.str("currency", limits::CURRENCY)?.into(),
                price_cap: r.u64("price cap")?,
                max_transfers: r.u8("max transfers")?,
            },
            transfers: r.u8("transfers")?,
            issued_at: r.u64("issued at")?,
            seal: r.fixed::<64>("seal")?,
            window: r.u64("window")?,
            signature: r.fixed::<64>("signature")?,
        };
        r.finish()?;
        Ok(p)
    }
}
