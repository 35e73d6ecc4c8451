//! The issuer's side: [`VoucherIssuer`] grants vouchers (purpose checked first), settles or
//! rejects payments (holder and grant signatures checked), refunds (never more than it settled
//! on a voucher), and finds double spends in a batch of payments, trusting only grants it
//! signed. Tests, the CLI, the demo and pilots use it; a real issuer runs it on its server.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::VoucherError;
use super::model::*;
use super::views::GrantSpec;
use crate::bind::Bytes32;
use crate::keys::Address;
use crate::qr;
use crate::util::hex0x;
use crate::vault::RecordBatch;
use crate::wallet::Wallet;

/// The issuer's own record of one voucher: what it settled and refunded on it.
const NS_ISSUED: &str = "voucher.issuer";

#[derive(Debug, Clone, Default)]
struct IssuedVoucher {
    settled: u64,
    refunded: u64,
    /// Redemption hashes already settled (a settlement signed twice counts once).
    redemptions: Vec<Vec<u8>>,
}

cbor_array!(IssuedVoucher {
    settled,
    refunded,
    redemptions
});

/// A voucher issuer signing with one of a wallet's accounts, keeping its settlement records in
/// that wallet's vault.
///
/// ```
/// use std::sync::Arc;
/// use jigap_core::{env::Env, store::MemoryStore, wallet::{Wallet, WalletOptions}, voucher::*};
/// let w = Arc::new(Wallet::create(Arc::new(MemoryStore::new()), Env::system(), b"123456",
///     WalletOptions::fast_for_tests()).unwrap().0);
/// let me = w.account(0).unwrap().address;
/// let issuer = VoucherIssuer::new(w.clone(), me, VoucherDomain::DEMO).unwrap();
/// let now = w.env().clock.now_secs();
/// let spec = GrantSpec { holder: me, amount: 10_000, currency: "KRW".into(), valid_from: now,
///     valid_until: now + 86_400, id: None, categories: vec![5411], merchants: vec![], regions: vec![],
///     hours_start: 0, hours_end: 1440, utc_offset_minutes: 540, min_payment: 0, max_payment: 0,
///     daily_limit: 0, single_use: false };
/// let grant = issuer.grant(&spec).unwrap();
/// assert_eq!(grant.signer(&VoucherDomain::DEMO).unwrap(), me);
/// // A purpose no wallet would accept is refused before it is signed.
/// assert!(issuer.grant(&GrantSpec { valid_until: now - 1, ..spec }).is_err());
/// ```
pub struct VoucherIssuer {
    wallet: Arc<Wallet>,
    address: Address,
    domain: VoucherDomain,
}

impl VoucherIssuer {
    /// An issuer signing with `address` (an account of `wallet`) under `domain`.
    pub fn new(
        wallet: Arc<Wallet>,
        address: Address,
        domain: VoucherDomain,
    ) -> Result<VoucherIssuer, VoucherError> {
        wallet.signer(&address)?;
        Ok(VoucherIssuer {
            wallet,
            address,
            domain,
        })
    }

    /// The issuer's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The EIP-712 domain it signs under.
    pub fn domain(&self) -> VoucherDomain {
        self.domain
    }

    fn now(&self) -> u64 {
        self.wallet.env().clock.now_secs()
    }

    /// Sign a voucher grant. The purpose is validated first ([`VoucherGrant::sign`] does it
    /// too), so no wallet is handed a grant it must refuse.
    pub fn grant(&self, spec: &GrantSpec) -> Result<SignedGrant, VoucherError> {
        let id = match spec.id {
            Some(id) => id.0,
            None => self.wallet.env().random_array()?,
        };
        let grant = VoucherGrant {
            id,
            issuer: self.address,
            holder: spec.holder,
            currency: spec.currency.clone(),
            amount: spec.amount,
            issued_at: self.now(),
            purpose: spec.purpose(),
        };
        grant.sign(&self.domain, &self.wallet.signer(&self.address)?)
    }

    /// Settle (or, with a reason, reject) this issuer's part of a payment. Checks the holder's
    /// signature and that the grants spent are this issuer's own; a settled amount is recorded
    /// against each voucher (so a refund never exceeds it). Settling the same payment again
    /// signs again but counts once.
    pub fn settle(
        &self,
        payment: &RedemptionPayload,
        reject_reason: Option<&str>,
    ) -> Result<SignedSettlement, VoucherError> {
        let r = &payment.redemption.redemption;
        let hash = r.digest(&self.domain);
        if payment.redemption.signature.recover_address(&hash).ok() != Some(r.holder) {
            return Err(VoucherError::BadSignature("payment (holder signature)"));
        }
        let mine: Vec<&Allocation> = r
            .allocations
            .iter()
            .filter(|a| {
                payment.grants.iter().any(|g| {
                    g.grant.id == a.voucher_id
                        && g.grant.issuer == self.address
                        && g.signer(&self.domain).ok() == Some(self.address)
                })
            })
            .collect();
        if mine.is_empty() {
            return Err(VoucherError::NotApplicable(format!(
                "this payment spends no voucher granted by {}; there is nothing to settle",
                self.address
            )));
        }
        if reject_reason.is_none() {
            let vault = self.wallet.vault();
            let lock = vault.feature_lock("voucher.issuer");
            let _g = lock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut batch = RecordBatch::new();
            for a in mine {
                let mut rec = self.issued(&a.voucher_id)?;
                if rec.redemptions.iter().any(|h| h.as_slice() == hash) {
                    continue;
                }
                rec.settled = rec
                    .settled
                    .checked_add(a.amount)
                    .ok_or(VoucherError::Overflow)?;
                rec.redemptions.push(hash.to_vec());
                batch.put(NS_ISSUED, &hex0x(&a.voucher_id), qr::to_cbor(&rec));
            }
            vault.commit(batch)?;
        }
        let s = Settlement {
            redemption_hash: hash,
            issuer: self.address,
            settled: reject_reason.is_none(),
            reason: reject_reason.unwrap_or_default().to_string(),
            settled_at: self.now(),
        };
        Ok(s.sign(&self.domain, &self.wallet.signer(&self.address)?)?)
    }

    fn issued(&self, voucher: &Id) -> Result<IssuedVoucher, VoucherError> {
        match self.wallet.vault().get(NS_ISSUED, &hex0x(voucher))? {
            None => Ok(IssuedVoucher::default()),
            Some(raw) => qr::from_cbor(&raw)
                .map_err(|_| VoucherError::Corrupt("unreadable issuer record".into())),
        }
    }

    /// Refund `amount` to a voucher: more than zero, and never more than this issuer settled
    /// from it and has not refunded yet.
    pub fn refund(&self, voucher: &Id, amount: u64) -> Result<SignedRefund, VoucherError> {
        let vault = self.wallet.vault();
        let lock = vault.feature_lock("voucher.issuer");
        let _g = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut rec = self.issued(voucher)?;
        let refundable = rec.settled.saturating_sub(rec.refunded);
        if amount == 0 || amount > refundable {
            return Err(VoucherError::NotApplicable(format!(
                "a refund of {amount} is not possible: {refundable} was settled from voucher {} and not refunded yet",
                hex0x(voucher)
            )));
        }
        rec.refunded += amount;
        let f = Refund {
            id: self.wallet.env().random_array()?,
            voucher_id: *voucher,
            amount,
            refunded_at: self.now(),
        };
        let signed = f.sign(&self.domain, &self.wallet.signer(&self.address)?)?;
        let mut batch = RecordBatch::new();
        batch.put(NS_ISSUED, &hex0x(voucher), qr::to_cbor(&rec));
        vault.commit(batch)?;
        Ok(signed)
    }

    /// Double spends in a batch of payments: only grants this issuer's domain verifies count,
    /// and what this issuer refunded may be spent again.
    pub fn detect_double_spends(
        &self,
        batch: &[RedemptionPayload],
    ) -> Result<Vec<DoubleSpend>, VoucherError> {
        let mut refunded = BTreeMap::new();
        for p in batch {
            for a in &p.redemption.redemption.allocations {
                let r = self.issued(&a.voucher_id)?.refunded;
                if r > 0 {
                    refunded.insert(a.voucher_id, r);
                }
            }
        }
        Ok(detect_double_spends(&self.domain, batch, &refunded))
    }
}

/// A double spend found in a batch of redemptions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(
        tag = "kind",
        rename_all = "snake_case",
        rename_all_fields = "camelCase"
    ),
    tsify(large_number_types_as_bigints)
)]
pub enum DoubleSpend {
    /// A voucher is allocated more than it holds across the batch.
    OverAllocated {
        /// Voucher.
        voucher: Bytes32,
        /// Allocated in total.
        allocated: u64,
        /// Its amount (plus refunds the issuer declared).
        available: u64,
    },
    /// A holder used one sequence number for two different redemptions.
    SequenceReused {
        /// Holder.
        holder: Address,
        /// Sequence number.
        sequence: u64,
    },
    /// A single-use voucher paid more than one redemption.
    SingleUseReused {
        /// Voucher.
        voucher: Bytes32,
    },
    /// A redemption whose holder signature does not verify.
    BadSignature {
        /// Its hash.
        redemption: Bytes32,
    },
    /// An allocation whose voucher grant is missing, not signed by its issuer, or differs
    /// from another signed grant of the same id: its amount cannot be trusted.
    BadGrant {
        /// Voucher.
        voucher: Bytes32,
        /// The redemption naming it.
        redemption: Bytes32,
    },
}

/// Check a batch of redemptions (each with the grants it spends) for double spends.
/// `refunded` gives, per voucher, what the issuer has refunded (it may be spent again).
pub fn detect_double_spends(
    domain: &VoucherDomain,
    batch: &[RedemptionPayload],
    refunded: &BTreeMap<Id, u64>,
) -> Vec<DoubleSpend> {
    let mut out = Vec::new();
    let mut per_voucher: BTreeMap<Id, (u64, u64, bool, u32)> = BTreeMap::new(); // allocated, amount, single use, uses
    let mut per_seq: BTreeMap<(Address, u64), [u8; 32]> = BTreeMap::new();
    let mut counted = std::collections::BTreeSet::new();
    let mut grants: BTreeMap<Id, VoucherGrant> = BTreeMap::new();
    for p in batch {
        let r = &p.redemption.redemption;
        let hash = r.digest(domain);
        if p.redemption.signature.recover_address(&hash).ok() != Some(r.holder) {
            out.push(DoubleSpend::BadSignature {
                redemption: hash.into(),
            });
            continue;
        }
        // The same redemption submitted twice is one payment.
        if !counted.insert(hash) {
            continue;
        }
        match per_seq.get(&(r.holder, r.sequence)) {
            Some(h) if *h != hash => out.push(DoubleSpend::SequenceReused {
                holder: r.holder,
                sequence: r.sequence,
            }),
            _ => {
                per_seq.insert((r.holder, r.sequence), hash);
            }
        }
        for a in &r.allocations {
            // Only a grant its issuer signed says what a voucher holds: a payload could carry
            // a made-up grant with a larger amount to hide an over-allocation.
            let verified = p
                .grants
                .iter()
                .find(|g| g.grant.id == a.voucher_id)
                .filter(|g| g.signer(domain).ok() == Some(g.grant.issuer));
            let Some(g) = verified else {
                out.push(DoubleSpend::BadGrant {
                    voucher: a.voucher_id.into(),
                    redemption: hash.into(),
                });
                continue;
            };
            match grants.get(&a.voucher_id) {
                Some(seen) if *seen != g.grant => {
                    out.push(DoubleSpend::BadGrant {
                        voucher: a.voucher_id.into(),
                        redemption: hash.into(),
                    });
                    continue;
                }
                Some(_) => {}
                None => {
                    grants.insert(a.voucher_id, g.grant.clone());
                }
            }
            let e = per_voucher.entry(a.voucher_id).or_insert((
                0,
                g.grant.amount,
                g.grant.purpose.single_use,
                0,
            ));
            e.0 = e.0.saturating_add(a.amount);
            e.3 += 1;
        }
    }
    for (id, (allocated, amount, single, uses)) in per_voucher {
        let available = amount.saturating_add(refunded.get(&id).copied().unwrap_or(0));
        if allocated > available {
            out.push(DoubleSpend::OverAllocated {
                voucher: id.into(),
                allocated,
                available,
            });
        }
        if single && uses > 1 {
            out.push(DoubleSpend::SingleUseReused { voucher: id.into() });
        }
    }
    out
}
