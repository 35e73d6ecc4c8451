//! The signed grant and its text form.

use crate::keys::{Address, Signature};
use crate::qr;

use super::eip712::{grant_digest, grant_typed_data};
use super::keys::{TicketIdentity, ed_verify};
use super::types::{
    TicketEvent, TicketGrant, TicketRef, TicketSeat, TicketTransferPolicy, TokenId,
};
use super::wire::{Reader, Writer};
use super::{TicketError, limits};

/// QR tag of a grant.
pub const GRANT_TAG: &str = "JGTG";
const GRANT_VERSION: u8 = 1;

/// What an issuer decides when it sells a ticket; [`super::Issuer::grant`] adds the holder,
/// the transfer count (0) and the issue time.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketTerms {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// The ERC-721 contract.
    pub contract: Address,
    /// The token id.
    pub token_id: TokenId,
    /// The event.
    pub event: TicketEvent,
    /// The seat.
    pub seat: TicketSeat,
    /// Tier.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub tier: String,
    /// Transfer policy.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub policy: TicketTransferPolicy,
}

/// A grant with the issuer's ECDSA signature and Ed25519 seal over its EIP-712 digest.
///
/// Text form: `JGTG:` + base45 of version byte `0x01` and the CBOR array
/// `[chainId, contract, tokenId, holder, passKey, [event…], [seat…], tier, [policy…],
/// transfers, issuedAt, issuer, signature, seal]` (see `docs/tickets.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedGrant {
    /// The grant.
    pub grant: TicketGrant,
    /// The issuer's account (the signer; carried so that an altered grant is told apart from
    /// one by an unknown issuer).
    pub issuer: Address,
    /// The issuer account's EIP-712 signature (65 bytes `r‖s‖v`).
    pub signature: Signature,
    /// The issuer's Ed25519 seal over the same digest (what gates check).
    pub seal: [u8; 64],
}

impl SignedGrant {
    /// The EIP-712 digest of the grant.
    pub fn digest(&self) -> [u8; 32] {
        grant_digest(&self.grant)
    }

    /// The ticket reference.
    pub fn ticket_ref(&self) -> TicketRef {
        self.grant.ticket_ref()
    }

    /// Check that `issuer` signed and sealed this grant.
    pub fn verify(&self, issuer: &TicketIdentity) -> Result<(), TicketError> {
        if issuer.address != self.issuer {
            return Err(TicketError::UntrustedIssuer(self.issuer));
        }
        let digest = self.digest();
        let signer = self
            .signature
            .recover_address(&digest)
            .map_err(|_| TicketError::BadIssuerSignature)?;
        if signer != issuer.address {
            return Err(TicketError::BadIssuerSignature);
        }
        if !ed_verify(&issuer.verifying_key()?, &digest, &self.seal) {
            return Err(TicketError::BadIssuerSignature);
        }
        Ok(())
    }

    /// The grant as `eth_signTypedData_v4` JSON, for any EIP-712 tool.
    pub fn typed_data_json(&self) -> String {
        grant_typed_data(&self.grant).to_string()
    }

    /// `JGTG:…` text.
    pub fn to_text(&self) -> String {
        let g = &self.grant;
        let mut w = Writer::new();
        w.array(14)
            .u64(g.chain_id)
            .bytes(&g.contract.0)
            .bytes(g.token_id.minimal_bytes())
            .bytes(&g.holder.0)
            .bytes(&g.pass_key);
        write_event(&mut w, &g.event);
        w.array(4)
            .bool(g.seat.general_admission)
            .str(&g.seat.section)
            .str(&g.seat.row)
            .str(&g.seat.number);
        w.str(&g.tier);
        w.array(4)
            .bool(g.policy.transferable)
            .str(&g.policy.currency)
            .u64(g.policy.price_cap)
            .u64(u64::from(g.policy.max_transfers));
        w.u64(u64::from(g.transfers))
            .u64(g.issued_at)
            .bytes(&self.issuer.0)
            .bytes(&self.signature.to_bytes())
            .bytes(&self.seal);
        qr::wrap(GRANT_TAG, GRANT_VERSION, &w.0)
    }

    /// Parse `JGTG:…` text and validate every field (not the signatures: that needs the
    /// issuer, see [`SignedGrant::verify`]).
    pub fn from_text(text: &str) -> Result<SignedGrant, TicketError> {
        let cbor = qr::unwrap(text, GRANT_TAG, "ticket grant", GRANT_VERSION)?;
        let mut r = Reader::new(&cbor, "ticket grant");
        r.array("grant", 14)?;
        let chain_id = r.u64("chain id")?;
        let contract = Address(r.fixed::<20>("contract")?);
        let token_id = read_token_id(&mut r)?;
        let holder = Address(r.fixed::<20>("holder")?);
        let pass_key = r.fixed::<32>("pass key")?;
        let event = read_event(&mut r)?;
        r.array("seat", 4)?;
        let seat = TicketSeat {
            general_admission: r.bool("general admission")?,
            section: r.str("section", limits::SECTION)?.into(),
            row: r.str("row", limits::ROW)?.into(),
            number: r.str("number", limits::NUMBER)?.into(),
        };
        let tier = r.str("tier", limits::TIER)?.into();
        r.array("transfer policy", 4)?;
        let policy = TicketTransferPolicy {
            transferable: r.bool("transferable")?,
            currency: r.str("currency", limits::CURRENCY)?.into(),
            price_cap: r.u64("price cap")?,
            max_transfers: r.u8("max transfers")?,
        };
        let transfers = r.u8("transfers")?;
        let issued_at = r.u64("issued at")?;
        let issuer = Address(r.fixed::<20>("issuer")?);
        let signature = Signature::from_bytes(&r.fixed::<65>("signature")?)?;
        let seal = r.fixed::<64>("seal")?;
        r.finish()?;
        let grant = TicketGrant {
            chain_id,
            contract,
            token_id,
            holder,
            pass_key,
            event,
            seat,
            tier,
            policy,
            transfers,
            issued_at,
        };
        grant.validate()?;
        Ok(SignedGrant {
            grant,
            issuer,
            signature,
            seal,
        })
    }
}

pub(crate) fn write_event(w: &mut Writer, e: &TicketEvent) {
    w.array(6)
        .str(&e.id)
        .str(&e.name)
        .str(&e.venue)
        .u64(e.doors_open)
        .u64(e.start)
        .u64(e.end);
}

pub(crate) fn read_event(r: &mut Reader<'_>) -> Result<TicketEvent, TicketError> {
    r.array("event", 6)?;
    Ok(TicketEvent {
        id: r.str("event id", limits::EVENT_ID)?.into(),
        name: r.str("event name", limits::EVENT_NAME)?.into(),
        venue: r.str("venue", limits::VENUE)?.into(),
        doors_open: r.u64("doors open")?,
        start: r.u64("start")?,
        end: r.u64("end")?,
    })
}

/// A token id in its minimal big-endian form (no leading zero byte: one encoding per id).
pub(crate) fn read_token_id(r: &mut Reader<'_>) -> Result<TokenId, TicketError> {
    let b = r.bytes("token id", 32)?;
    if b.first() == Some(&0) {
        return Err(TicketError::Malformed {
            what: "ticket payload",
            reason: "token id has a leading zero byte".into(),
        });
    }
    TokenId::from_be_slice(b)
}
