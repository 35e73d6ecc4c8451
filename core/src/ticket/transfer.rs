//! The holder's signed request to transfer a ticket.

use crate::keys::{Address, Signature};
use crate::qr;

use super::eip712::{TransferParts, domain, transfer_digest, transfer_typed_data};
use super::grant::read_token_id;
use super::keys::TicketIdentity;
use super::types::TicketRef;
use super::wire::{Reader, Writer};
use super::{TicketError, limits};

/// QR tag of a transfer request.
pub const TRANSFER_TAG: &str = "JGTR";
const TRANSFER_VERSION: u8 = 1;

/// The current holder's EIP-712 `TicketTransfer`, naming the grant it transfers, the new
/// holder (with their pass key and its proof) and the price. The issuer reissues the grant
/// from it ([`super::Issuer::reissue`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    /// The ticket.
    pub ticket: TicketRef,
    /// Digest of the grant being transferred (so the request cannot be replayed on another).
    pub grant: [u8; 32],
    /// The current holder.
    pub from: Address,
    /// The new holder's ticket holder id.
    pub to: TicketIdentity,
    /// Currency of the price.
    pub currency: String,
    /// Price in minor units.
    pub price: u64,
    /// When the holder signed, Unix seconds.
    pub requested_at: u64,
    /// The current holder's EIP-712 signature.
    pub signature: Signature,
}

impl TransferRequest {
    fn parts(&self) -> TransferParts<'_> {
        TransferParts {
            token_id: &self.ticket.token_id,
            grant: &self.grant,
            from: &self.from,
            to: &self.to.address,
            to_pass_key: &self.to.key,
            currency: &self.currency,
            price: self.price,
            requested_at: self.requested_at,
        }
    }

    /// The EIP-712 digest the holder signs.
    pub fn digest(&self) -> [u8; 32] {
        transfer_digest(
            &domain(self.ticket.chain_id, &self.ticket.contract),
            &self.parts(),
        )
    }

    /// Check that `from` signed it and that the new holder's identity proof is valid.
    pub fn verify(&self) -> Result<(), TicketError> {
        match self.signature.recover_address(&self.digest()) {
            Ok(a) if a == self.from => {}
            _ => {
                return Err(TicketError::BadTransferRequest(format!(
                    "it is not signed by the current holder {}",
                    self.from
                )));
            }
        }
        self.to.verify()
    }

    /// The request as `eth_signTypedData_v4` JSON.
    pub fn typed_data_json(&self) -> String {
        transfer_typed_data(self.ticket.chain_id, &self.ticket.contract, &self.parts()).to_string()
    }

    /// `JGTR:…` text: base45 of `0x01` and CBOR `[chainId, contract, tokenId, grant, from,
    /// [to, toKey, toProof], currency, price, requestedAt, signature]`.
    pub fn to_text(&self) -> String {
        let mut w = Writer::new();
        w.array(10)
            .u64(self.ticket.chain_id)
            .bytes(&self.ticket.contract.0)
            .bytes(self.ticket.token_id.minimal_bytes())
            .bytes(&self.grant)
            .bytes(&self.from.0);
        self.to.write(&mut w);
        w.str(&self.currency)
            .u64(self.price)
            .u64(self.requested_at)
            .bytes(&self.signature.to_bytes());
        qr::wrap(TRANSFER_TAG, TRANSFER_VERSION, &w.0)
    }

    /// Parse `JGTR:…` text (signatures: [`TransferRequest::verify`]).
    pub fn from_text(text: &str) -> Result<TransferRequest, TicketError> {
        let cbor = qr::unwrap(text, TRANSFER_TAG, "transfer request", TRANSFER_VERSION)?;
        let mut r = Reader::new(&cbor, "transfer request");
        r.array("request", 10)?;
        let t = TransferRequest {
            ticket: TicketRef {
                chain_id: r.u64("chain id")?,
                contract: Address(r.fixed::<20>("contract")?),
                token_id: read_token_id(&mut r)?,
            },
            grant: r.fixed::<32>("grant")?,
            from: Address(r.fixed::<20>("from")?),
            to: TicketIdentity::read(&mut r)?,
            currency: r.str("currency", limits::CURRENCY)?.into(),
            price: r.u64("price")?,
            requested_at: r.u64("requested at")?,
            signature: Signature::from_bytes(&r.fixed::<65>("signature")?)?,
        };
        r.finish()?;
        Ok(t)
    }
}
