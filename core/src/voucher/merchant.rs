//! The merchant's side: signed payment requests, and offline verification of the redemption a
//! wallet shows back.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::VoucherError;
use super::codec::{decode_redemption, encode_request};
use super::model::*;
use super::rules::{Ineligible, check_purpose, local_time};
use crate::keys::Address;
use crate::qr::{self, QrError};
use crate::util::hex0x;
use crate::vault::RecordBatch;
use crate::wallet::Wallet;

const NS_SEEN: &str = "merchant.seen";
const NS_SPENT: &str = "merchant.voucher";

/// How far a redemption's `createdAt` may be from the shop's clock (seconds). The shop checks
/// every time rule with its own clock; this only refuses payments whose stated time is
/// implausible, so a phone with its clock set back is caught at once.
pub const MAX_CLOCK_SKEW_SECS: u64 = 300;

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
    /// The customer's device clock is too far from the shop's.
    #[error(
        "the payment says it was made at {created_at} (Unix time) but the shop's clock says {now}: more than {MAX_CLOCK_SKEW_SECS} s apart; ask the customer to set the phone's clock and pay again"
    )]
    ClockSkew {
        /// The redemption's `createdAt`.
        created_at: u64,
        /// The shop's time.
        now: u64,
    },
    /// Holder signature invalid.
    #[error("the customer's signature is invalid: the payment was altered")]
    HolderSignature,
    /// The payment is genuine but signed under another EIP-712 domain (the demo one, say) than
    /// the shop's; classed `InvalidInput` like [`VoucherError::OtherDomain`].
    #[error(
        "the payment was signed for another domain (chain {}, contract {}); this shop is set to chain {}, contract {}: ask the customer's app to pay on this shop's network, or, if you trust that network, set the shop's voucher domain to chain {} and contract {}",
        signed.chain_id, signed.verifying_contract, configured.chain_id,
        configured.verifying_contract, signed.chain_id, signed.verifying_contract
    )]
    OtherDomain {
        /// The domain the payment verifies under.
        signed: VoucherDomain,
        /// The shop's domain.
        configured: VoucherDomain,
    },
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
    /// The shop's own records could not be read or written; nothing was accepted.
    #[error("the shop's records could not be read or written ({0}); nothing was accepted — retry")]
    Storage(String),
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
/// every purpose rule, the request expiry. Every time rule (request expiry, validity dates,
/// hours) is checked at `now`, the **shop's** clock, never the customer's; a `createdAt` more
/// than [`MAX_CLOCK_SKEW_SECS`] from `now` is refused. (Sequence numbers, single use and daily
/// limits across payments are checked by [`MerchantDesk`], which keeps state.)
pub fn verify_redemption(
    domain: &VoucherDomain,
    trusted_issuers: &[Address],
    request: &SignedRequest,
    payload: &RedemptionPayload,
    now: u64,
) -> Result<VerifiedRedemption, RedemptionReject> {
    let req = &request.request;
    let red = &payload.redemption.redemption;
    if red.request_id != req.id {
        return Err(RedemptionReject::WrongRequest);
    }
    if red.merchant != req.merchant {
        return Err(RedemptionReject::WrongMerchant);
    }
    if now >= req.expires_at || red.created_at >= req.expires_at {
        return Err(RedemptionReject::Expired);
    }
    if red.created_at.abs_diff(now) > MAX_CLOCK_SKEW_SECS {
        return Err(RedemptionReject::ClockSkew {
            created_at: red.created_at,
            now,
        });
    }
    let hash = red.digest(domain);
    if payload.redemption.signature.recover_address(&hash).ok() != Some(red.holder) {
        let sig = &payload.redemption.signature;
        return Err(
            match super::other_domain("payment", "shop", domain, &[], sig, &red.holder, |d| {
                red.digest(d)
            }) {
                Some(VoucherError::OtherDomain {
                    signed, configured, ..
                }) => RedemptionReject::OtherDomain { signed, configured },
                _ => RedemptionReject::HolderSignature,
            },
        );
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
        if let Err(why) = check_purpose(g, req, now) {
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
pub struct MerchantDesk {
    wallet: Arc<Wallet>,
    address: Address,
    name: String,
    category: u16,
    region: String,
    domain: VoucherDomain,
    trusted_issuers: Vec<Address>,
}

impl MerchantDesk {
    /// A shop signing with `address` (an account of `wallet`).
    pub fn new(
        wallet: Arc<Wallet>,
        address: Address,
        name: &str,
        category: u16,
        region: &str,
        domain: VoucherDomain,
        trusted_issuers: Vec<Address>,
    ) -> Result<MerchantDesk, VoucherError> {
        wallet.signer(&address)?;
        if name.is_empty() || name.len() > 200 || region.is_empty() || region.len() > 6 {
            return Err(VoucherError::InvalidGrant(
                "the shop name must be 1–200 bytes and the region an ISO 3166-2 code".into(),
            ));
        }
        Ok(MerchantDesk {
            wallet,
            address,
            name: name.into(),
            category,
            region: region.into(),
            domain,
            trusted_issuers,
        })
    }

    /// The shop's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The transaction that settles an accepted payment on the shop's `VoucherPool` (the
    /// domain's `verifyingContract`), sent from the shop's account: send it with
    /// [`crate::evm::EvmWallet::send_flow`]. An issuer's batch takes the same pair
    /// ([`super::chain::redeem_batch_call`]).
    pub fn redeem_onchain(
        &self,
        request: &SignedRequest,
        payment: &RedemptionPayload,
    ) -> crate::evm::SendIntent {
        crate::evm::SendIntent {
            from: self.address,
            to: Some(self.domain.verifying_contract),
            data: super::chain::redeem_call(request, payment).into(),
            ..Default::default()
        }
    }

    /// What a settlement transaction of this shop's pool did, from its receipt.
    pub fn settlement(&self, receipt: &crate::evm::Receipt) -> super::chain::PoolSettlement {
        super::chain::settlement_from_receipt(&self.domain.verifying_contract, receipt)
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

    /// Verify a redemption QR offline against `request` at the shop's own clock, and record
    /// the customer's sequence number and what each voucher paid here today. A payment seen
    /// before (same sequence number), a single-use voucher already used here, or a daily limit
    /// passed here is refused. Every object of this process on this shop's vault shares one
    /// lock for this, so two counters on one till cannot both accept the same payment.
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
        let vault = self.wallet.vault();
        let lock = vault.feature_lock("merchant");
        let _g = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = self.wallet.env().clock.now_secs();
        let v = verify_redemption(&self.domain, &self.trusted_issuers, request, &payload, now)?;
        let storage = |e: crate::vault::VaultError| RedemptionReject::Storage(e.to_string());
        let damaged = || RedemptionReject::Storage("the shop's records are damaged".into());
        let holder = v.holder.to_checksum();
        let seq = payload.redemption.redemption.sequence;
        // One record per (customer, sequence number), so checking costs the same after a
        // million payments. (Shops written by older versions kept one list per customer.)
        let seen_id = format!("{holder}:{seq}");
        let legacy: Vec<(u64, Vec<u8>)> = match vault.get(NS_SEEN, &holder).map_err(storage)? {
            Some(raw) => qr::from_cbor(&raw).map_err(|_| damaged())?,
            None => vec![],
        };
        // The same payment shown twice, or another one with a reused number: both would pay twice.
        if vault.get(NS_SEEN, &seen_id).map_err(storage)?.is_some()
            || legacy.iter().any(|(s, _)| *s == seq)
        {
            return Err(RedemptionReject::SequenceReused(v.holder, seq));
        }
        let mut batch = RecordBatch::new();
        batch.put(NS_SEEN, &seen_id, v.hash.to_vec());
        for (voucher, _, amount) in &v.allocations {
            let vid = hex0x(voucher);
            let Some(g) = payload.grants.iter().find(|g| g.grant.id == *voucher) else {
                return Err(RedemptionReject::MissingGrant(vid));
            };
            let p = &g.grant.purpose;
            let mut here: SpentHere = match vault.get(NS_SPENT, &vid).map_err(storage)? {
                Some(raw) => qr::from_cbor(&raw).map_err(|_| damaged())?,
                None => SpentHere::default(),
            };
            if p.single_use && here.single_use_taken {
                return Err(RedemptionReject::Purpose(
                    vid,
                    "this single-use voucher was already used at this shop",
                ));
            }
            let (_, day) = local_time(p, now);
            let today: u64 = here
                .daily
                .iter()
                .filter(|(d, _)| *d == day)
                .map(|(_, a)| *a)
                .fold(0u64, |acc, a| acc.saturating_add(a))
                .saturating_add(*amount);
            if p.daily_limit > 0 && today > p.daily_limit {
                return Err(RedemptionReject::Limit(vid));
            }
            here.single_use_taken |= p.single_use;
            here.daily.retain(|(d, _)| *d >= day - 1 && *d != day);
            here.daily.push((day, today));
            batch.put(NS_SPENT, &vid, qr::to_cbor(&here));
        }
        vault.commit(batch).map_err(storage)?;
        Ok(v)
    }
}

/// What one voucher paid at this shop: whether its single use was taken here, and per local
/// day (the last two) the amount, for the daily limit.
#[derive(Debug, Clone, Default)]
struct SpentHere {
    single_use_taken: bool,
    daily: Vec<(i64, u64)>,
}

cbor_array!(SpentHere {
    single_use_taken,
    daily
});
