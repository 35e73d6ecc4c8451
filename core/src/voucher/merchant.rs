//! The merchant's side: signed payment requests, and offline verification of the redemption a
//! wallet shows back.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use super::VoucherError;
use super::codec::{decode_redemption, encode_request};
use super::model::*;
use super::rules::{Ineligible, check_purpose};
use crate::keys::Address;
use crate::qr::{self, QrError};
use crate::util::hex0x;
use crate::wallet::Wallet;

const NS_SEEN: &str = "merchant.seen";

/// Why a merchant refuses a redemption.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedemptionReject {
    /// Unreadable QR.
    #[error(transparent)]
    Malformed(#[from] QrError),
    /// Pays another request.
    #[error("this payment is for another request; ask the customer to scan the current one")]
    WrongRequest,
    /// Pays another merchant.
    #[error("this payment is made out to another merchant")]
    WrongMerchant,
    /// Sum does not match.
    #[error("the amounts do not add up to the requested total")]
    TotalMismatch,
    /// Made after the request expired.
    #[error("the payment was made after the request expired; create a new request")]
    Expired,
    /// Holder signature invalid.
    #[error("the customer's signature is invalid: the payment was altered")]
    HolderSignature,
    /// A grant is missing.
    #[error("the voucher {0} used in the payment is not included")]
    MissingGrant(String),
    /// A grant signature is invalid.
    #[error("the voucher {0} is not validly signed by its issuer")]
    GrantSignature(String),
    /// The issuer is not trusted.
    #[error("the voucher {0} comes from an issuer this shop does not accept")]
    UntrustedIssuer(String),
    /// The voucher is not the customer's.
    #[error("the voucher {0} belongs to someone else")]
    NotHolders(String),
    /// Other currency.
    #[error("the voucher {0} is in another currency")]
    Currency(String),
    /// Uses more than a voucher holds.
    #[error("the payment takes more from voucher {0} than it holds")]
    OverAllocated(String),
    /// A purpose rule forbids it.
    #[error("voucher {0}: {1}")]
    Purpose(String, &'static str),
    /// A payment limit forbids it.
    #[error("voucher {0}: the amount breaks its per-payment or daily limit")]
    Limit(String),
    /// The same voucher twice.
    #[error("the same voucher appears twice")]
    DuplicateVoucher,
    /// The holder's sequence number was used before.
    #[error(
        "this customer's payment number {1} was already used ({0}): possible double spend — refuse and report it"
    )]
    SequenceReused(Address, u64),
}

/// A redemption the merchant accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRedemption {
    /// The customer's account.
    pub holder: Address,
    /// Total paid.
    pub total: u64,
    /// Per voucher: id, issuer, amount.
    pub allocations: Vec<(Id, Address, u64)>,
    /// The redemption hash to submit for settlement.
    pub hash: [u8; 32],
    /// The payload, to forward to the issuers.
    pub payload: RedemptionPayload,
}

/// Check a redemption against its request and the grants, offline: every signature, the sums,
/// every purpose rule, the request expiry. (Sequence numbers are checked by [`Merchant`].)
pub fn verify_redemption(
    domain: &VoucherDomain,
    trusted_issuers: &[Address],
    request: &SignedRequest,
    payload: &RedemptionPayload,
) -> Result<VerifiedRedemption, RedemptionReject> {
    let req = &request.request;
    let red = &payload.redemption.redemption;
    if red.request_id != req.id {
        return Err(RedemptionReject::WrongRequest);
    }
    if red.merchant != req.merchant {
        return Err(RedemptionReject::WrongMerchant);
    }
    if red.created_at >= req.expires_at {
        return Err(RedemptionReject::Expired);
    }
    let hash = red.digest(domain);
    if payload.redemption.signature.recover_address(&hash).ok() != Some(red.holder) {
        return Err(RedemptionReject::HolderSignature);
    }
    let mut sum: u64 = 0;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for a in &red.allocations {
        let id = hex0x(&a.voucher_id);
        if !seen.insert(a.voucher_id) {
            return Err(RedemptionReject::DuplicateVoucher);
        }
        sum = sum
            .checked_add(a.amount)
            .ok_or(RedemptionReject::TotalMismatch)?;
        let sg = payload
            .grants
            .iter()
            .find(|g| g.grant.id == a.voucher_id)
            .ok_or_else(|| RedemptionReject::MissingGrant(id.clone()))?;
        let g = &sg.grant;
        if sg.signer(domain).ok() != Some(g.issuer) {
            return Err(RedemptionReject::GrantSignature(id));
        }
        if !trusted_issuers.contains(&g.issuer) {
            return Err(RedemptionReject::UntrustedIssuer(id));
        }
        if g.holder != red.holder {
            return Err(RedemptionReject::NotHolders(id));
        }
        if g.currency != req.currency {
            return Err(RedemptionReject::Currency(id));
        }
        if a.amount == 0 || a.amount > g.amount {
            return Err(RedemptionReject::OverAllocated(id));
        }
        if let Err(why) = check_purpose(g, req, red.created_at) {
            return Err(match why {
                Ineligible::Currency => RedemptionReject::Currency(id),
                other => RedemptionReject::Purpose(id, other.describe()),
            });
        }
        let p = &g.purpose;
        if a.amount < p.min_payment
            || (p.max_payment > 0 && a.amount > p.max_payment)
            || (p.daily_limit > 0 && a.amount > p.daily_limit)
        {
            return Err(RedemptionReject::Limit(id));
        }
        out.push((a.voucher_id, g.issuer, a.amount));
    }
    if red.allocations.is_empty() || sum != red.total || red.total != req.amount {
        return Err(RedemptionReject::TotalMismatch);
    }
    Ok(VerifiedRedemption {
        holder: red.holder,
        total: red.total,
        allocations: out,
        hash,
        payload: payload.clone(),
    })
}

/// A shop: creates signed payment requests and verifies payments offline, remembering every
/// customer's sequence numbers so a replayed or double-spent payment is refused.
pub struct Merchant {
    wallet: Arc<Wallet>,
    address: Address,
    name: String,
    category: u16,
    region: String,
    domain: VoucherDomain,
    trusted_issuers: Vec<Address>,
    lock: Mutex<()>,
}

impl Merchant {
    /// A shop signing with `address` (an account of `wallet`).
    pub fn new(
        wallet: Arc<Wallet>,
        address: Address,
        name: &str,
        category: u16,
        region: &str,
        domain: VoucherDomain,
        trusted_issuers: Vec<Address>,
    ) -> Result<Merchant, VoucherError> {
        wallet.signer(&address)?;
        if name.is_empty() || name.len() > 200 || region.is_empty() || region.len() > 6 {
            return Err(VoucherError::InvalidGrant(
                "the shop name must be 1–200 bytes and the region an ISO 3166-2 code".into(),
            ));
        }
        Ok(Merchant {
            wallet,
            address,
            name: name.into(),
            category,
            region: region.into(),
            domain,
            trusted_issuers,
            lock: Mutex::new(()),
        })
    }

    /// The shop's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// A signed request for `amount` in `currency`, valid for `ttl_secs`, and its QR string.
    pub fn create_request(
        &self,
        amount: u64,
        currency: &str,
        ttl_secs: u64,
    ) -> Result<(SignedRequest, String), VoucherError> {
        if amount == 0 || currency.is_empty() || currency.len() > 12 {
            return Err(VoucherError::InvalidGrant(
                "a request needs a positive amount and a currency".into(),
            ));
        }
        let env = self.wallet.env();
        let now = env.clock.now_secs();
        let req = PaymentRequest {
            id: env.random_array()?,
            merchant: self.address,
            merchant_name: self.name.clone(),
            category: self.category,
            region: self.region.clone(),
            currency: currency.into(),
            amount,
            expires_at: now.saturating_add(ttl_secs),
        };
        let signed = req.sign(&self.domain, &self.wallet.signer(&self.address)?)?;
        let qr = encode_request(&signed);
        Ok((signed, qr))
    }

    /// Verify a redemption QR offline against `request` and record the customer's sequence
    /// number. A payment seen before (same sequence number) is refused.
    pub fn accept(
        &self,
        request: &SignedRequest,
        redemption_qr: &str,
    ) -> Result<VerifiedRedemption, RedemptionReject> {
        let payload = decode_redemption(redemption_qr).map_err(|e| match e {
            VoucherError::Qr(q) => RedemptionReject::Malformed(q),
            other => RedemptionReject::Malformed(QrError::Cbor(other.to_string())),
        })?;
        if request.request.merchant != self.address {
            return Err(RedemptionReject::WrongMerchant);
        }
        let v = verify_redemption(&self.domain, &self.trusted_issuers, request, &payload)?;
        let _g = self.lock.lock().map_err(|_| {
            RedemptionReject::Malformed(QrError::Cbor("merchant lock poisoned".into()))
        })?;
        let id = v.holder.to_checksum();
        let vault = self.wallet.vault();
        let storage = |_| {
            RedemptionReject::Malformed(QrError::Cbor("the shop's storage failed; retry".into()))
        };
        let mut seen: Vec<(u64, Vec<u8>)> = match vault.get(NS_SEEN, &id).map_err(storage)? {
            Some(raw) => qr::from_cbor(&raw).map_err(|_| {
                RedemptionReject::Malformed(QrError::Cbor("the shop's records are damaged".into()))
            })?,
            None => vec![],
        };
        let seq = payload.redemption.redemption.sequence;
        // The same payment shown twice, or another one with a reused number: both would pay twice.
        if seen.iter().any(|(s, _)| *s == seq) {
            return Err(RedemptionReject::SequenceReused(v.holder, seq));
        }
        seen.push((seq, v.hash.to_vec()));
        vault
            .put(NS_SEEN, &id, &qr::to_cbor(&seen))
            .map_err(storage)?;
        Ok(v)
    }
}
