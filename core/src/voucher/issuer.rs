//! The issuer's side (used by tests, the CLI and the demo): signing is done with
//! [`VoucherGrant::sign`], [`Settlement::sign`] and [`Refund::sign`]; this module finds double
//! spends in a batch of redemptions.

use std::collections::BTreeMap;

use super::model::*;
use crate::keys::Address;

/// A double spend found in a batch of redemptions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DoubleSpend {
    /// A voucher is allocated more than it holds across the batch.
    OverAllocated {
        /// Voucher.
        voucher: Id,
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
        voucher: Id,
    },
    /// A redemption whose holder signature does not verify.
    BadSignature {
        /// Its hash.
        redemption: [u8; 32],
    },
    /// An allocation whose voucher grant is missing, not signed by its issuer, or differs
    /// from another signed grant of the same id: its amount cannot be trusted.
    BadGrant {
        /// Voucher.
        voucher: Id,
        /// The redemption naming it.
        redemption: [u8; 32],
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
            out.push(DoubleSpend::BadSignature { redemption: hash });
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
                    voucher: a.voucher_id,
                    redemption: hash,
                });
                continue;
            };
            match grants.get(&a.voucher_id) {
                Some(seen) if *seen != g.grant => {
                    out.push(DoubleSpend::BadGrant {
                        voucher: a.voucher_id,
                        redemption: hash,
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
                voucher: id,
                allocated,
                available,
            });
        }
        if single && uses > 1 {
            out.push(DoubleSpend::SingleUseReused { voucher: id });
        }
    }
    out
}
