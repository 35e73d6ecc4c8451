//! The issuer's side: [`VoucherIssuer`] grants vouchers (purpose checked first), settles or
//! rejects payments (holder and grant signatures checked), refunds (never more than it settled
//! on a voucher), and finds double spends in a batch of payments, trusting only grants it
//! signed. Tests, the CLI, the demo and pilots use it; a real issuer runs it on its server.
//! It signs with a wallet account (records in the vault) or with a key of its own (records in
//! a registry the caller saves, as the CLI does with `--registry`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::VoucherError;
use super::model::*;
use super::views::GrantSpec;
use crate::bind::Bytes32;
use crate::env::Env;
use crate::keys::{Address, DigestSigner, PrivateKey};
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

/// How an issuer signs and where it keeps its records.
enum Backing {
    /// An account of a wallet; records in the wallet's vault.
    Wallet(Arc<Wallet>),
    /// A key handed over by the caller (the CLI's key file, tests); records in memory, saved
    /// and loaded by the caller with [`VoucherIssuer::export_registry`] and
    /// [`VoucherIssuer::load_registry`].
    Key {
        env: Env,
        key: Box<PrivateKey>,
        records: Mutex<BTreeMap<Id, IssuedVoucher>>,
    },
}

/// A voucher issuer: grants, settlements, refunds and double-spend checks, signing with one
/// of a wallet's accounts (records in that wallet's vault, [`VoucherIssuer::new`]) or with a
/// key of its own (records in a registry the caller keeps, [`VoucherIssuer::from_key`]).
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
    backing: Backing,
    address: Address,
    domain: VoucherDomain,
}

impl std::fmt::Debug for VoucherIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoucherIssuer")
            .field("address", &self.address)
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

/// One voucher's entry in an exported registry.
#[derive(serde::Serialize, serde::Deserialize)]
struct RegistryEntry {
    settled: u64,
    refunded: u64,
    redemptions: Vec<String>,
}

impl VoucherIssuer {
    /// An issuer signing with `address` (an account of `wallet`) under `domain`, keeping its
    /// settlement records in the wallet's vault.
    pub fn new(
        wallet: Arc<Wallet>,
        address: Address,
        domain: VoucherDomain,
    ) -> Result<VoucherIssuer, VoucherError> {
        wallet.signer(&address)?;
        Ok(VoucherIssuer {
            backing: Backing::Wallet(wallet),
            address,
            domain,
        })
    }

    /// An issuer signing with `key` under `domain`; `env` dates its signatures and makes its
    /// ids. Its records (what it settled and refunded on each voucher) are kept in memory:
    /// load the previous ones with [`VoucherIssuer::load_registry`] before settling or
    /// refunding, and save [`VoucherIssuer::export_registry`] after, or refunds will find
    /// nothing settled. For tools and pilots (the CLI's `--key-file`); an app uses
    /// [`VoucherIssuer::new`] on a wallet account.
    ///
    /// ```
    /// use jigap_core::{env::Env, keys::PrivateKey, voucher::*};
    /// let key = PrivateKey::from_slice(&[7; 32]).unwrap();
    /// let issuer = VoucherIssuer::from_key(Env::system(), key.clone(), VoucherDomain::DEMO);
    /// assert_eq!(issuer.address(), key.address());
    /// // Nothing was settled yet, so nothing can be refunded.
    /// assert!(issuer.refund(&[1; 32], 500).is_err());
    /// // The registry round-trips (empty here).
    /// let again = VoucherIssuer::from_key(Env::system(), key, VoucherDomain::DEMO);
    /// again.load_registry(&issuer.export_registry().unwrap()).unwrap();
    /// ```
    pub fn from_key(env: Env, key: PrivateKey, domain: VoucherDomain) -> VoucherIssuer {
        VoucherIssuer {
            address: key.address(),
            backing: Backing::Key {
                env,
                key: Box::new(key),
                records: Mutex::new(BTreeMap::new()),
            },
            domain,
        }
    }

    /// The issuer's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The EIP-712 domain it signs under.
    pub fn domain(&self) -> VoucherDomain {
        self.domain
    }

    fn env(&self) -> &Env {
        match &self.backing {
            Backing::Wallet(w) => w.env(),
            Backing::Key { env, .. } => env,
        }
    }

    fn now(&self) -> u64 {
        self.env().clock.now_secs()
    }

    /// Sign with the issuer's key (taken from the wallet for each signature).
    fn sign_with<T>(
        &self,
        f: impl FnOnce(&dyn DigestSigner) -> Result<T, VoucherError>,
    ) -> Result<T, VoucherError> {
        match &self.backing {
            Backing::Wallet(w) => f(&w.signer(&self.address)?),
            Backing::Key { key, .. } => f(key.as_ref()),
        }
    }

    /// Run `op` with the records locked: it reads records through its argument and returns
    /// the records it changed, which are then stored (one vault batch) before the lock goes.
    fn update<T>(
        &self,
        op: impl FnOnce(
            &dyn Fn(&Id) -> Result<IssuedVoucher, VoucherError>,
        ) -> Result<(Vec<(Id, IssuedVoucher)>, T), VoucherError>,
    ) -> Result<T, VoucherError> {
        match &self.backing {
            Backing::Wallet(w) => {
                let vault = w.vault();
                let lock = vault.feature_lock("voucher.issuer");
                let _g = lock
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let (changed, out) = op(&|id| self.issued(id))?;
                if !changed.is_empty() {
                    let mut batch = RecordBatch::new();
                    for (id, rec) in &changed {
                        batch.put(NS_ISSUED, &hex0x(id), qr::to_cbor(rec));
                    }
                    vault.commit(batch)?;
                }
                Ok(out)
            }
            Backing::Key { records, .. } => {
                let mut m = records
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let (changed, out) = {
                    let read = |id: &Id| Ok(m.get(id).cloned().unwrap_or_default());
                    op(&read)?
                };
                m.extend(changed);
                Ok(out)
            }
        }
    }

    fn issued(&self, voucher: &Id) -> Result<IssuedVoucher, VoucherError> {
        match &self.backing {
            Backing::Wallet(w) => match w.vault().get(NS_ISSUED, &hex0x(voucher))? {
                None => Ok(IssuedVoucher::default()),
                Some(raw) => qr::from_cbor(&raw)
                    .map_err(|_| VoucherError::Corrupt("unreadable issuer record".into())),
            },
            Backing::Key { records, .. } => Ok(records
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(voucher)
                .cloned()
                .unwrap_or_default()),
        }
    }

    /// Sign a voucher grant. The purpose is validated first ([`VoucherGrant::sign`] does it
    /// too), so no wallet is handed a grant it must refuse.
    pub fn grant(&self, spec: &GrantSpec) -> Result<SignedGrant, VoucherError> {
        let id = match spec.id {
            Some(id) => id.0,
            None => self.env().random_array()?,
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
        self.sign_with(|k| grant.sign(&self.domain, k))
    }

    /// Settle (or, with a reason, reject) this issuer's part of a payment. Checks the holder's
    /// signature and that the grants spent are this issuer's own; a settled amount is recorded
    /// against each voucher (so a refund never exceeds it). Settling the same payment again
    /// signs again but counts once. A payment signed under the demo domain while this issuer
    /// is set to another fails with [`VoucherError::OtherDomain`].
    pub fn settle(
        &self,
        payment: &RedemptionPayload,
        reject_reason: Option<&str>,
    ) -> Result<SignedSettlement, VoucherError> {
        let r = &payment.redemption.redemption;
        let hash = r.digest(&self.domain);
        let sig = &payment.redemption.signature;
        if sig.recover_address(&hash).ok() != Some(r.holder) {
            return Err(super::other_domain(
                "payment",
                "issuer",
                &self.domain,
                &[],
                sig,
                &r.holder,
                |d| r.digest(d),
            )
            .unwrap_or(VoucherError::BadSignature("payment (holder signature)")));
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
            self.update(|read| {
                let mut changed: Vec<(Id, IssuedVoucher)> = Vec::new();
                for a in mine {
                    let mut rec = match changed.iter().find(|(id, _)| *id == a.voucher_id) {
                        Some((_, r)) => r.clone(),
                        None => read(&a.voucher_id)?,
                    };
                    if rec.redemptions.iter().any(|h| h.as_slice() == hash) {
                        continue;
                    }
                    rec.settled = rec
                        .settled
                        .checked_add(a.amount)
                        .ok_or(VoucherError::Overflow)?;
                    rec.redemptions.push(hash.to_vec());
                    changed.retain(|(id, _)| *id != a.voucher_id);
                    changed.push((a.voucher_id, rec));
                }
                Ok((changed, ()))
            })?;
        }
        let s = Settlement {
            redemption_hash: hash,
            issuer: self.address,
            settled: reject_reason.is_none(),
            reason: reject_reason.unwrap_or_default().to_string(),
            settled_at: self.now(),
        };
        self.sign_with(|k| Ok(s.sign(&self.domain, k)?))
    }

    /// Refund `amount` to a voucher: more than zero, and never more than this issuer settled
    /// from it and has not refunded yet.
    pub fn refund(&self, voucher: &Id, amount: u64) -> Result<SignedRefund, VoucherError> {
        self.update(|read| {
            let mut rec = read(voucher)?;
            let refundable = rec.settled.saturating_sub(rec.refunded);
            if amount == 0 || amount > refundable {
                return Err(VoucherError::NotApplicable(format!(
                    "a refund of {amount} is not possible: {refundable} was settled from voucher {} and not refunded yet",
                    hex0x(voucher)
                )));
            }
            rec.refunded += amount;
            let f = Refund {
                id: self.env().random_array()?,
                voucher_id: *voucher,
                amount,
                refunded_at: self.now(),
            };
            let signed = self.sign_with(|k| Ok(f.sign(&self.domain, k)?))?;
            Ok((vec![(*voucher, rec)], signed))
        })
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

    /// The records of an issuer made with [`VoucherIssuer::from_key`], as JSON: voucher id →
    /// `{"settled", "refunded", "redemptions": [hash…]}`. Not secret, but the issuer's own
    /// memory: whoever can rewrite it can allow refunds of what was never settled. An issuer
    /// on a wallet keeps its records in the vault and has none to export (`NotApplicable`).
    pub fn export_registry(&self) -> Result<String, VoucherError> {
        let Backing::Key { records, .. } = &self.backing else {
            return Err(VoucherError::NotApplicable(
                "this issuer keeps its records in its wallet's vault; there is no registry to export".into(),
            ));
        };
        let m: BTreeMap<String, RegistryEntry> = records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(id, r)| {
                (
                    hex0x(id),
                    RegistryEntry {
                        settled: r.settled,
                        refunded: r.refunded,
                        redemptions: r.redemptions.iter().map(|h| hex0x(h)).collect(),
                    },
                )
            })
            .collect();
        serde_json::to_string_pretty(&m)
            .map_err(|e| VoucherError::Corrupt(format!("issuer registry: {e}")))
    }

    /// Load records written by [`VoucherIssuer::export_registry`], replacing those in memory.
    /// Refused for an issuer on a wallet (its records are in the vault).
    pub fn load_registry(&self, json: &str) -> Result<(), VoucherError> {
        let Backing::Key { records, .. } = &self.backing else {
            return Err(VoucherError::NotApplicable(
                "this issuer keeps its records in its wallet's vault; it loads no registry".into(),
            ));
        };
        let bad = |why: String| {
            VoucherError::Corrupt(format!(
                "the issuer registry is not readable ({why}); give the file this issuer wrote, or restore it from a backup"
            ))
        };
        let id32 = |h: &str| -> Result<Id, VoucherError> {
            let mut out = [0u8; 32];
            hex::decode_to_slice(h.strip_prefix("0x").unwrap_or(h), &mut out)
                .map_err(|_| bad(format!("'{h}' is not 0x and 64 hex digits")))?;
            Ok(out)
        };
        let m: BTreeMap<String, RegistryEntry> =
            serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
        let mut loaded = BTreeMap::new();
        for (id, e) in m {
            if e.refunded > e.settled {
                return Err(bad(format!(
                    "voucher {id} shows {} refunded of {} settled",
                    e.refunded, e.settled
                )));
            }
            let redemptions = e
                .redemptions
                .iter()
                .map(|h| id32(h).map(|b| b.to_vec()))
                .collect::<Result<Vec<_>, _>>()?;
            loaded.insert(
                id32(&id)?,
                IssuedVoucher {
                    settled: e.settled,
                    refunded: e.refunded,
                    redemptions,
                },
            );
        }
        *records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = loaded;
        Ok(())
    }
}

/// A double spend found in a batch of redemptions. Serialises as `{"kind": "over_allocated",
/// "voucher": …}` (the CLI's `--json` and the TypeScript type alike).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
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
    // Hash maps where order does not matter (hashbrown's code is shared across types; each
    // B-tree type costs ~4 KB of Wasm); `per_voucher` stays ordered for a stable report.
    let mut per_seq: HashMap<(Address, u64), [u8; 32]> = HashMap::new();
    let mut counted = HashSet::new();
    let mut grants: HashMap<Id, VoucherGrant> = HashMap::new();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::ManualClock;
    use crate::store::MemoryStore;
    use crate::voucher::{MerchantDesk, TrustedIssuer, Vouchers};
    use crate::wallet::WalletOptions;

    const NOW_MS: u64 = 1_767_225_600_000;

    fn env() -> Env {
        Env::fixed(ManualClock::new(NOW_MS), 11)
    }

    fn wallet() -> Arc<Wallet> {
        Arc::new(
            Wallet::create(
                Arc::new(MemoryStore::new()),
                env(),
                b"123456",
                WalletOptions::fast_for_tests(),
            )
            .unwrap()
            .0,
        )
    }

    fn spec(holder: Address) -> GrantSpec {
        let now = NOW_MS / 1000;
        GrantSpec::new(holder, 10_000, "KRW", now - 60, now + 86_400)
    }

    /// A holder with a grant from `issuer` imported, and a payment of 4,000 made under `domain`.
    fn paid(issuer: &VoucherIssuer, domain: VoucherDomain) -> RedemptionPayload {
        let citizen = wallet();
        let me = citizen.account(0).unwrap().address;
        let vouchers = Vouchers::new(citizen.clone(), domain);
        vouchers
            .set_trusted_issuers(vec![TrustedIssuer {
                address: issuer.address(),
                name: "city".into(),
                currency: "KRW".into(),
                holding_cap: 0,
                offline_allowance: 0,
            }])
            .unwrap();
        vouchers.import(&issuer.grant(&spec(me)).unwrap()).unwrap();
        let shop = wallet();
        let addr = shop.account(0).unwrap().address;
        let desk = MerchantDesk::new(shop, addr, "shop", 5411, "KR-11", domain, vec![]).unwrap();
        let (req, _) = desk.create_request(4_000, "KRW", 120).unwrap();
        vouchers.pay(&req).unwrap().payload
    }

    #[test]
    fn key_issuer_settles_refunds_and_keeps_its_registry() {
        let key = PrivateKey::from_slice(&[0x42; 32]).unwrap();
        let issuer = VoucherIssuer::from_key(env(), key.clone(), VoucherDomain::DEMO);
        let payment = paid(&issuer, VoucherDomain::DEMO);
        let voucher = payment.redemption.redemption.allocations[0].voucher_id;
        let s = issuer.settle(&payment, None).unwrap();
        assert_eq!(s.settlement.settled_at, NOW_MS / 1000);
        // Settling again counts once.
        issuer.settle(&payment, None).unwrap();
        assert!(issuer.refund(&voucher, 4_001).is_err());

        // A fresh instance knows nothing until the registry is loaded.
        let saved = issuer.export_registry().unwrap();
        let again = VoucherIssuer::from_key(env(), key, VoucherDomain::DEMO);
        assert!(matches!(
            again.refund(&voucher, 1_000),
            Err(VoucherError::NotApplicable(_))
        ));
        again.load_registry(&saved).unwrap();
        let f = again.refund(&voucher, 3_000).unwrap();
        assert_eq!(f.refund.amount, 3_000);
        assert!(again.refund(&voucher, 1_001).is_err());
        again.refund(&voucher, 1_000).unwrap();
        assert!(
            again
                .export_registry()
                .unwrap()
                .contains("\"refunded\": 4000")
        );

        // A registry showing more refunded than settled is refused.
        let forged = saved.replace("\"refunded\": 0", "\"refunded\": 9000");
        assert!(matches!(
            again.load_registry(&forged),
            Err(VoucherError::Corrupt(_))
        ));
        assert!(again.load_registry("not json").is_err());
    }

    #[test]
    fn wallet_issuer_has_no_registry() {
        let w = wallet();
        let me = w.account(0).unwrap().address;
        let issuer = VoucherIssuer::new(w, me, VoucherDomain::DEMO).unwrap();
        assert!(matches!(
            issuer.export_registry(),
            Err(VoucherError::NotApplicable(_))
        ));
        assert!(issuer.load_registry("{}").is_err());
    }

    /// Regression (issue 11): a payment signed under the demo domain, settled by an issuer set to
    /// another, was reported as "altered or forged".
    #[test]
    fn payment_for_another_domain_is_named_not_called_forged() {
        let key = PrivateKey::from_slice(&[0x43; 32]).unwrap();
        let demo_issuer = VoucherIssuer::from_key(env(), key.clone(), VoucherDomain::DEMO);
        let payment = paid(&demo_issuer, VoucherDomain::DEMO);
        let pilot = VoucherDomain {
            chain_id: 11_155_111,
            ..VoucherDomain::DEMO
        };
        let issuer = VoucherIssuer::from_key(env(), key, pilot);
        let e = issuer.settle(&payment, None).unwrap_err();
        assert!(
            matches!(e, VoucherError::OtherDomain { signed, configured, .. } if signed == VoucherDomain::DEMO && configured == pilot),
            "{e}"
        );
        let m = e.to_string();
        assert!(
            m.contains(
                "signed for another domain (chain 1, contract 0x0000000000000000000000000000000000"
            ) && m.contains("this issuer is set to chain 11155111"),
            "{m}"
        );
        assert_eq!(
            crate::error::Classify::class(&e),
            crate::error::ErrorClass::InvalidInput
        );
        // A payment really altered is still a bad signature.
        let mut altered = payment.clone();
        altered.redemption.redemption.sequence += 1;
        assert!(matches!(
            demo_issuer.settle(&altered, None),
            Err(VoucherError::BadSignature(_))
        ));
    }
}
