//! The citizen's side: trusted issuers, import, balances, quotes, payments, settlements,
//! refunds, releases and the history journal.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::VoucherError;
use super::codec::{MAX_ALLOCATIONS, encode_redemption};
use super::journal::*;
use super::ledger::*;
use super::model::*;
use super::rules::{Candidate, Ineligible, capacity, check_purpose, local_time, select};
use super::views::*;
use crate::keys::{Address, DigestSigner};
use crate::util::hex0x;
use crate::wallet::Wallet;

/// The voucher side of a wallet. `Send + Sync`; operations are serialised internally, so two
/// payments can never reserve the same value.
///
/// ```
/// # use std::sync::Arc;
/// # use jigap_core::{env::Env, store::MemoryStore, wallet::{Wallet, WalletOptions}, keys::PrivateKey};
/// use jigap_core::voucher::*;
/// let wallet = Arc::new(Wallet::create(Arc::new(MemoryStore::new()), Env::system(), b"123456", WalletOptions::fast_for_tests()).unwrap().0);
/// let vouchers = Vouchers::new(wallet.clone(), VoucherDomain::DEMO);
/// let issuer = PrivateKey::from_slice(&[1; 32]).unwrap();
/// vouchers.set_trusted_issuers(vec![TrustedIssuer { address: issuer.address(), name: "Seoul".into(),
///     currency: "KRW".into(), holding_cap: 0, offline_allowance: 0 }]).unwrap();
/// let me = wallet.account(0).unwrap().address;
/// let now = wallet.env().clock.now_secs();
/// let grant = VoucherGrant { id: [9; 32], issuer: issuer.address(), holder: me, currency: "KRW".into(),
///     amount: 50_000, issued_at: now, purpose: Purpose::anywhere(now - 10, now + 86_400) }
///     .sign(&VoucherDomain::DEMO, &issuer).unwrap();
/// vouchers.import(&grant).unwrap();
/// assert_eq!(vouchers.balances().unwrap()[0].spendable, 50_000);
/// ```
pub struct Vouchers {
    pub(super) wallet: Arc<Wallet>,
    pub(super) domain: VoucherDomain,
    /// Other domains a signature may be under, named in the error when one is.
    known: Vec<VoucherDomain>,
    /// One ledger per vault and store, shared by every `Vouchers` of this process on it.
    pub(super) book: Arc<SharedBook>,
    /// Whether each voucher's grant verifies under `domain` (one signature recovery per
    /// voucher and object): the ledger holds the vouchers of every domain the vault was used
    /// with, and only this domain's may pay a request of this domain.
    in_domain: std::sync::Mutex<std::collections::HashMap<Id, bool>>,
}

impl Vouchers {
    /// The voucher side of `wallet`, for vouchers signed under `domain`.
    pub fn new(wallet: Arc<Wallet>, domain: VoucherDomain) -> Vouchers {
        Vouchers {
            domain,
            known: Vec::new(),
            book: wallet.vault().shared_state::<SharedBook>("voucher"),
            wallet,
            in_domain: Default::default(),
        }
    }

    /// Whether `r`'s grant was signed under this object's domain.
    fn of_this_domain(&self, r: &VoucherRecord) -> bool {
        let id = r.grant.grant.id;
        let mut cache = self
            .in_domain
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *cache
            .entry(id)
            .or_insert_with(|| r.grant.signer(&self.domain).ok() == Some(r.grant.grant.issuer))
    }

    /// The same, naming `domains` as known: a grant, request, settlement or refund that does
    /// not verify under this wallet's domain but does under one of these (or the demo domain,
    /// always known) fails with [`VoucherError::OtherDomain`], which says which domain it was
    /// signed for, instead of [`VoucherError::BadSignature`]. Nothing signed under them is
    /// accepted.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use jigap_core::{env::Env, store::MemoryStore, wallet::{Wallet, WalletOptions}, keys::PrivateKey};
    /// use jigap_core::voucher::*;
    /// # let wallet = Arc::new(Wallet::create(Arc::new(MemoryStore::new()), Env::system(), b"123456", WalletOptions::fast_for_tests()).unwrap().0);
    /// let pilot = VoucherDomain { chain_id: 11155111, ..VoucherDomain::DEMO };
    /// let vouchers = Vouchers::new(wallet.clone(), VoucherDomain::DEMO).with_known_domains(vec![pilot]);
    /// # let issuer = PrivateKey::from_slice(&[1; 32]).unwrap();
    /// # let now = wallet.env().clock.now_secs();
    /// let grant = VoucherGrant { id: [9; 32], issuer: issuer.address(), holder: wallet.account(0).unwrap().address,
    ///     currency: "KRW".into(), amount: 50_000, issued_at: now, purpose: Purpose::anywhere(now - 10, now + 86_400) }
    ///     .sign(&pilot, &issuer).unwrap();
    /// let e = vouchers.import(&grant).unwrap_err();
    /// assert!(matches!(e, VoucherError::OtherDomain { signed, .. } if signed == pilot));
    /// assert!(e.to_string().contains("signed for another domain (chain 11155111"));
    /// ```
    pub fn with_known_domains(mut self, domains: Vec<VoucherDomain>) -> Vouchers {
        self.known = domains;
        self
    }

    /// The EIP-712 domain in use.
    pub fn domain(&self) -> VoucherDomain {
        self.domain
    }

    /// `OtherDomain` if the signature is genuine under another known domain, else
    /// `BadSignature(what)`.
    fn signature_error(
        &self,
        what: &'static str,
        signature: &crate::keys::Signature,
        expected: &Address,
        digest: impl Fn(&VoucherDomain) -> [u8; 32],
    ) -> VoucherError {
        super::other_domain(
            what,
            "vault",
            &self.domain,
            &self.known,
            signature,
            expected,
            digest,
        )
        .unwrap_or(VoucherError::BadSignature(what))
    }

    fn now(&self) -> u64 {
        self.wallet.env().clock.now_secs()
    }

    /// Replace the list of trusted issuers.
    pub fn set_trusted_issuers(&self, issuers: Vec<TrustedIssuer>) -> Result<(), VoucherError> {
        for i in &issuers {
            if i.currency.is_empty() || i.currency.len() > 12 || i.name.len() > 200 {
                return Err(VoucherError::InvalidGrant(
                    "issuer currency must be 1–12 characters and its name at most 200".into(),
                ));
            }
        }
        self.with_book(|_, ch| {
            ch.issuers = Some(issuers);
            Ok(())
        })
    }

    /// The trusted issuers.
    pub fn trusted_issuers(&self) -> Result<Vec<TrustedIssuer>, VoucherError> {
        self.with_book(|b, _| Ok(b.issuers.clone()))
    }

    fn issuer<'a>(book: &'a Book, a: &Address) -> Option<&'a TrustedIssuer> {
        book.issuers.iter().find(|i| i.address == *a)
    }

    /// Import a grant: valid signature, trusted issuer, holder is an account of this wallet,
    /// not expired, not a duplicate, same currency as the issuer, within its holding cap.
    pub fn import(&self, signed: &SignedGrant) -> Result<VoucherView, VoucherError> {
        let now = self.now();
        let g = &signed.grant;
        g.validate()?;
        if signed.signer(&self.domain).ok() != Some(g.issuer) {
            return Err(
                self.signature_error("voucher grant", &signed.signature, &g.issuer, |d| {
                    g.digest(d)
                }),
            );
        }
        self.with_book(|book, ch| {
            let issuer =
                Self::issuer(book, &g.issuer).ok_or(VoucherError::UntrustedIssuer(g.issuer))?;
            if !self.wallet.owns(&g.holder)? {
                return Err(VoucherError::NotYourVoucher(g.holder));
            }
            if now >= g.purpose.valid_until {
                return Err(VoucherError::Expired(g.purpose.valid_until));
            }
            if book.vouchers.contains_key(&g.id) {
                return Err(VoucherError::Duplicate(hex0x(&g.id)));
            }
            if issuer.currency != g.currency {
                return Err(VoucherError::CurrencyMismatch {
                    issuer: issuer.name.clone(),
                    expected: issuer.currency.clone(),
                    got: g.currency.clone(),
                });
            }
            if issuer.holding_cap > 0 {
                let held: u64 = book
                    .vouchers
                    .values()
                    .filter(|v| {
                        v.grant.grant.issuer == g.issuer
                            && v.grant.grant.holder == g.holder
                            && now < v.grant.grant.purpose.valid_until
                    })
                    .map(|v| v.remaining())
                    .sum();
                let would_hold = held.checked_add(g.amount).ok_or(VoucherError::Overflow)?;
                if would_hold > issuer.holding_cap {
                    return Err(VoucherError::HoldingCap {
                        issuer: issuer.name.clone(),
                        cap: issuer.holding_cap,
                        would_hold,
                    });
                }
            }
            let rec = VoucherRecord {
                grant: signed.clone(),
                settled: 0,
                reserved: 0,
                refunded: 0,
                single_use_spent: false,
                daily: vec![],
                imported_at: now,
                refund_ids: vec![],
            };
            ch.journal.push(JournalEntry {
                seq: 0,
                at: now,
                kind: EventKind::Imported,
                voucher_id: g.id,
                amount: g.amount,
                currency: g.currency.clone(),
                counterparty: g.issuer,
                counterparty_name: issuer.name.clone(),
                reference: None,
                note: String::new(),
            });
            let view = Self::view(book, &rec, now);
            ch.vouchers.push(rec);
            Ok(view)
        })
    }

    fn view(book: &Book, r: &VoucherRecord, now: u64) -> VoucherView {
        let g = &r.grant.grant;
        let remaining = r.remaining();
        let used = g.purpose.single_use && r.single_use_spent;
        let status = if now >= g.purpose.valid_until {
            VoucherStatus::Expired
        } else if used {
            VoucherStatus::Used
        } else if now < g.purpose.valid_from {
            VoucherStatus::NotYetValid
        } else if remaining == 0 {
            VoucherStatus::Empty
        } else {
            VoucherStatus::Active
        };
        let issuer_name = Self::issuer(book, &g.issuer)
            .map(|i| i.name.clone())
            .unwrap_or_else(|| g.issuer.to_string());
        let ledger = Ledger {
            remaining,
            reserved: r.reserved,
            settled: r.settled,
            refunded: r.refunded,
            spendable: if status == VoucherStatus::Active {
                remaining
            } else {
                0
            },
            forfeited: if used { remaining } else { 0 },
            status,
        };
        VoucherView::of(g, issuer_name, ledger)
    }

    /// The signed grant of a voucher (what the issuer signed; a merchant checks it).
    pub fn grant(&self, id: &Id) -> Result<SignedGrant, VoucherError> {
        self.with_book(|b, _| {
            b.vouchers
                .get(id)
                .map(|r| r.grant.clone())
                .ok_or_else(|| VoucherError::UnknownVoucher(hex0x(id)))
        })
    }

    /// Every voucher, soonest expiry first (expired ones included, marked as such).
    pub fn vouchers(&self) -> Result<Vec<VoucherView>, VoucherError> {
        let now = self.now();
        self.with_book(|b, _| {
            let mut v: Vec<VoucherView> =
                b.vouchers.values().map(|r| Self::view(b, r, now)).collect();
            crate::util::sort_by_key(&mut v, |x| {
                (x.status == VoucherStatus::Expired, x.valid_until)
            });
            Ok(v)
        })
    }

    /// One voucher.
    pub fn voucher(&self, id: &Id) -> Result<VoucherView, VoucherError> {
        let now = self.now();
        self.with_book(|b, _| {
            let r = b
                .vouchers
                .get(id)
                .ok_or_else(|| VoucherError::UnknownVoucher(hex0x(id)))?;
            Ok(Self::view(b, r, now))
        })
    }

    /// Spendable now, per currency (expired, not-yet-valid and used vouchers count 0).
    pub fn balances(&self) -> Result<Vec<VoucherBalance>, VoucherError> {
        let now = self.now();
        self.with_book(|b, _| {
            // A few currencies at most: a list, not a map (each map type costs ~4 KB of Wasm).
            let mut by: Vec<VoucherBalance> = Vec::new();
            for r in b.vouchers.values() {
                let v = Self::view(b, r, now);
                if v.status == VoucherStatus::Expired {
                    continue;
                }
                let i = match by.iter().position(|x| x.currency == v.currency) {
                    Some(i) => i,
                    None => {
                        by.push(VoucherBalance {
                            currency: v.currency.clone(),
                            spendable: 0,
                            reserved: 0,
                            vouchers: 0,
                        });
                        by.len() - 1
                    }
                };
                let e = &mut by[i];
                e.spendable = e.spendable.saturating_add(v.spendable);
                e.reserved = e.reserved.saturating_add(v.reserved);
                e.vouchers += 1;
            }
            crate::util::sort_by(&mut by, |a, b| a.currency.cmp(&b.currency));
            Ok(by)
        })
    }

    fn verify_request(&self, req: &SignedRequest, now: u64) -> Result<(), VoucherError> {
        let r = &req.request;
        if req.signature.recover_address(&r.digest(&self.domain)).ok() != Some(r.merchant) {
            return Err(self.signature_error(
                "payment request",
                &req.signature,
                &r.merchant,
                |d| r.digest(d),
            ));
        }
        if now >= r.expires_at {
            return Err(VoucherError::RequestExpired(r.expires_at));
        }
        if r.amount == 0 {
            return Err(VoucherError::InvalidGrant("the request is for 0".into()));
        }
        Ok(())
    }

    fn quote_in(
        &self,
        book: &Book,
        req: &PaymentRequest,
        now: u64,
        holder: Option<&Address>,
    ) -> Selection {
        let mut best: Option<Selection> = None;
        let mut holders: Vec<Address> = book
            .vouchers
            .values()
            .map(|v| v.grant.grant.holder)
            .collect();
        crate::util::sort_by(&mut holders, |a, b| a.cmp(b));
        holders.dedup();
        if let Some(h) = holder {
            holders.retain(|x| x == h);
        }
        for h in holders {
            let mut cands = Vec::new();
            let mut unusable = Vec::new();
            for r in book.vouchers.values().filter(|v| v.grant.grant.holder == h) {
                let g = &r.grant.grant;
                if Self::issuer(book, &g.issuer).is_none() {
                    unusable.push((g.id, Ineligible::Untrusted));
                    continue;
                }
                if !self.of_this_domain(r) {
                    unusable.push((g.id, Ineligible::OtherNetwork));
                    continue;
                }
                let (_, day) = local_time(&g.purpose, now);
                match check_purpose(g, req, now)
                    .and_then(|_| capacity(g, r.remaining(), r.single_use_spent, r.spent_on(day)))
                {
                    Ok(cap) => cands.push(Candidate {
                        id: g.id,
                        capacity: cap,
                        min_payment: g.purpose.min_payment,
                        valid_until: g.purpose.valid_until,
                    }),
                    Err(why) => unusable.push((g.id, why)),
                }
            }
            let (allocations, missing, below) = select(cands, req.amount);
            unusable.extend(below.into_iter().map(|id| (id, Ineligible::BelowMinimum)));
            let q = Selection {
                request: req.clone(),
                payable: missing == 0 && allocations.len() <= MAX_ALLOCATIONS,
                holder: Some(h),
                allocations,
                missing,
                unusable,
            };
            let better = match &best {
                None => true,
                Some(b) => {
                    (q.payable && !b.payable) || (q.payable == b.payable && q.missing < b.missing)
                }
            };
            if better {
                best = Some(q);
            }
        }
        best.unwrap_or(Selection {
            request: req.clone(),
            payable: false,
            holder: None,
            allocations: vec![],
            missing: req.amount,
            unusable: vec![],
        })
    }

    /// How a request would be paid: which vouchers pay how much, and for every voucher that
    /// cannot, why. Checks the merchant's signature and the request's expiry.
    pub fn quote(&self, request: &SignedRequest) -> Result<VoucherQuote, VoucherError> {
        let now = self.now();
        self.verify_request(request, now)?;
        self.with_book(|b, _| Ok(self.quote_in(b, &request.request, now, None).view()))
    }

    /// Pay a request: verify it, choose vouchers, reserve the amounts, sign the redemption and
    /// persist — all or nothing. Paying the same request again returns the same payment and
    /// reserves nothing more.
    pub fn pay(&self, request: &SignedRequest) -> Result<Payment, VoucherError> {
        let now = self.now();
        self.with_book(|book, ch| {
            if let Some(existing) = book.redemptions.get(&request.request.id) {
                return Self::repeated(existing, request);
            }
            self.verify_request(request, now)?;
            self.pay_in(book, ch, request, now)
        })
    }

    /// The payment already made for a request, if it is the very same request.
    fn repeated(
        existing: &RedemptionRecord,
        request: &SignedRequest,
    ) -> Result<Payment, VoucherError> {
        if existing.request != *request {
            return Err(VoucherError::InvalidGrant(SAME_ID_PAID.into()));
        }
        Ok(Payment {
            qr: encode_redemption(&existing.payload),
            payload: existing.payload.clone(),
            hash: existing.hash,
            repeated: true,
        })
    }

    fn pay_in(
        &self,
        book: &Book,
        ch: &mut Changes,
        request: &SignedRequest,
        now: u64,
    ) -> Result<Payment, VoucherError> {
        let req = &request.request;
        let q = self.quote_in(book, req, now, None);
        let holder = match (q.payable, q.holder) {
            (true, Some(h)) => h,
            _ => {
                let reasons = q.unusable.iter().map(|(id, r)| (hex0x(id), *r)).collect();
                return Err(VoucherError::CannotPay {
                    missing: q.missing,
                    reasons,
                });
            }
        };
        let per_issuer = Self::check_offline_allowance(book, &q.allocations)?;
        let mut counters = book.counters.clone();
        let sequence = counters.next_sequence(&holder);
        counters.set_sequence(holder, sequence + 1);
        let redemption = Redemption {
            request_id: req.id,
            merchant: req.merchant,
            holder,
            sequence,
            allocations: q.allocations.clone(),
            total: req.amount,
            created_at: now,
        };
        let hash = redemption.digest(&self.domain);
        let signature = self.wallet.signer(&holder)?.sign_digest(&hash)?;
        let mut grants = Vec::new();
        for a in &q.allocations {
            let r = Self::reserve(book, a, now)?;
            grants.push(r.grant.clone());
            ch.journal.push(JournalEntry {
                seq: 0,
                at: now,
                kind: EventKind::Reserved,
                voucher_id: a.voucher_id,
                amount: a.amount,
                currency: r.grant.grant.currency.clone(),
                counterparty: req.merchant,
                counterparty_name: req.merchant_name.clone(),
                reference: Some(req.id.to_vec()),
                note: String::new(),
            });
            ch.vouchers.push(r);
        }
        let payload = RedemptionPayload {
            redemption: SignedRedemption {
                redemption,
                signature,
            },
            grants,
        };
        let parts = per_issuer
            .into_iter()
            .map(|(issuer, amount)| Part {
                issuer,
                amount,
                state: PartState::Pending,
            })
            .collect();
        ch.redemptions.push(RedemptionRecord {
            request: request.clone(),
            payload: payload.clone(),
            hash,
            parts,
        });
        ch.counters = Some(counters);
        Ok(Payment {
            qr: encode_redemption(&payload),
            payload,
            hash,
            repeated: false,
        })
    }

    /// Per issuer, what this payment takes — refused if the unsettled total would pass the
    /// issuer's offline allowance.
    fn check_offline_allowance(
        book: &Book,
        allocations: &[Allocation],
    ) -> Result<Vec<(Address, u64)>, VoucherError> {
        // A payment spans a few issuers: a list in address order rather than a map.
        let mut per_issuer: Vec<(Address, u64)> = Vec::new();
        for a in allocations {
            let r = Self::record(book, &a.voucher_id)?;
            let issuer = r.grant.grant.issuer;
            match per_issuer.iter_mut().find(|(i, _)| *i == issuer) {
                Some((_, e)) => *e = e.checked_add(a.amount).ok_or(VoucherError::Overflow)?,
                None => per_issuer.push((issuer, a.amount)),
            }
        }
        crate::util::sort_by(&mut per_issuer, |a, b| a.0.cmp(&b.0));
        for (issuer, amount) in &per_issuer {
            let Some(ti) = Self::issuer(book, issuer) else {
                continue;
            };
            if ti.offline_allowance == 0 {
                continue;
            }
            let pending: u64 = book
                .vouchers
                .values()
                .filter(|v| v.grant.grant.issuer == *issuer)
                .map(|v| v.reserved)
                .sum();
            let would_be = pending.checked_add(*amount).ok_or(VoucherError::Overflow)?;
            if would_be > ti.offline_allowance {
                return Err(VoucherError::OfflineAllowance {
                    issuer: ti.name.clone(),
                    allowance: ti.offline_allowance,
                    would_be,
                });
            }
        }
        Ok(per_issuer)
    }

    fn record(book: &Book, id: &Id) -> Result<VoucherRecord, VoucherError> {
        book.vouchers
            .get(id)
            .cloned()
            .ok_or_else(|| VoucherError::UnknownVoucher(hex0x(id)))
    }

    /// The voucher record with `a` reserved on it (its single use and today's spend counted).
    fn reserve(book: &Book, a: &Allocation, now: u64) -> Result<VoucherRecord, VoucherError> {
        let mut r = Self::record(book, &a.voucher_id)?;
        if a.amount > r.remaining() {
            return Err(VoucherError::Overflow);
        }
        r.reserved = r
            .reserved
            .checked_add(a.amount)
            .ok_or(VoucherError::Overflow)?;
        let purpose = r.grant.grant.purpose.clone();
        if purpose.single_use {
            r.single_use_spent = true;
        }
        let (_, day) = local_time(&purpose, now);
        let today = r.spent_on(day).saturating_add(a.amount);
        r.daily.retain(|(d, _)| *d >= day - 1 && *d != day);
        r.daily.push((day, today));
        Ok(r)
    }

    /// Apply an issuer's settlement (idempotent). A settlement of a payment released earlier is
    /// applied if the money is still there, otherwise recorded as a conflict.
    pub fn apply_settlement(
        &self,
        s: &SignedSettlement,
    ) -> Result<SettlementOutcome, VoucherError> {
        let now = self.now();
        let st = &s.settlement;
        if s.signature.recover_address(&st.digest(&self.domain)).ok() != Some(st.issuer) {
            return Err(
                self.signature_error("settlement", &s.signature, &st.issuer, |d| st.digest(d))
            );
        }
        self.with_book(|book, ch| Self::settle_in(book, ch, st, now))
    }

    pub(super) fn settle_in(
        book: &Book,
        ch: &mut Changes,
        st: &Settlement,
        now: u64,
    ) -> Result<SettlementOutcome, VoucherError> {
        let name = Self::issuer(book, &st.issuer)
            .map(|i| i.name.clone())
            .ok_or(VoucherError::UntrustedIssuer(st.issuer))?;
        let unknown = || VoucherError::UnknownRedemption(hex0x(&st.redemption_hash));
        let rid = book.by_hash.get(&st.redemption_hash).ok_or_else(unknown)?;
        let mut rec = book.redemptions.get(rid).cloned().ok_or_else(unknown)?;
        let part_idx = rec
            .parts
            .iter()
            .position(|p| p.issuer == st.issuer)
            .ok_or_else(|| VoucherError::NotApplicable(not_in_payment(&st.issuer)))?;
        let state = rec.parts[part_idx].state.clone();
        // This issuer's allocations of the payment.
        let allocs: Vec<Allocation> = rec
            .payload
            .redemption
            .redemption
            .allocations
            .iter()
            .filter(|a| {
                book.vouchers
                    .get(&a.voucher_id)
                    .is_some_and(|v| v.grant.grant.issuer == st.issuer)
            })
            .copied()
            .collect();
        let line = |kind: EventKind, v: &VoucherRecord, amount: u64, note: &str| JournalEntry {
            seq: 0,
            at: now,
            kind,
            voucher_id: v.grant.grant.id,
            amount,
            currency: v.grant.grant.currency.clone(),
            counterparty: st.issuer,
            counterparty_name: name.clone(),
            reference: Some(rec.request.request.id.to_vec()),
            note: note.to_string(),
        };
        let mut touched: Vec<VoucherRecord> = Vec::new();
        let (next, outcome) = match (&state, st.settled) {
            (PartState::Pending, true) => {
                for a in &allocs {
                    let mut v = Self::record(book, &a.voucher_id)?;
                    v.reserved = v
                        .reserved
                        .checked_sub(a.amount)
                        .ok_or_else(below_reserved)?;
                    v.settled = v
                        .settled
                        .checked_add(a.amount)
                        .ok_or(VoucherError::Overflow)?;
                    ch.journal.push(line(EventKind::Settled, &v, a.amount, ""));
                    touched.push(v);
                }
                (PartState::Settled, SettlementOutcome::Settled)
            }
            (PartState::Pending, false) => {
                for a in &allocs {
                    let mut v = Self::record(book, &a.voucher_id)?;
                    v.reserved = v
                        .reserved
                        .checked_sub(a.amount)
                        .ok_or_else(below_reserved)?;
                    if v.grant.grant.purpose.single_use {
                        v.single_use_spent = false; // the one use did not happen
                    }
                    ch.journal
                        .push(line(EventKind::Rejected, &v, a.amount, &st.reason));
                    touched.push(v);
                }
                (
                    PartState::Rejected(st.reason.clone()),
                    SettlementOutcome::Rejected,
                )
            }
            (PartState::Released, true) => {
                // Late settlement: apply only if every voucher still has the money — and a
                // single-use voucher its one use: spent again meanwhile, it is a conflict.
                let short: Vec<String> = allocs
                    .iter()
                    .filter(|a| {
                        book.vouchers.get(&a.voucher_id).is_none_or(|v| {
                            v.remaining() < a.amount
                                || (v.grant.grant.purpose.single_use && v.single_use_spent)
                        })
                    })
                    .map(|a| hex0x(&a.voucher_id))
                    .collect();
                if short.is_empty() {
                    for a in &allocs {
                        let mut v = Self::record(book, &a.voucher_id)?;
                        v.settled = v
                            .settled
                            .checked_add(a.amount)
                            .ok_or(VoucherError::Overflow)?;
                        if v.grant.grant.purpose.single_use {
                            v.single_use_spent = true; // the one use did happen after all
                        }
                        ch.journal
                            .push(line(EventKind::LateSettled, &v, a.amount, ""));
                        touched.push(v);
                    }
                    (PartState::LateSettled, SettlementOutcome::LateSettled)
                } else {
                    let note = late_conflict(&short);
                    for a in &allocs {
                        if let Some(v) = book.vouchers.get(&a.voucher_id) {
                            ch.journal
                                .push(line(EventKind::Conflict, v, a.amount, &note));
                        }
                    }
                    (
                        PartState::Conflict(note.clone()),
                        SettlementOutcome::Conflict { note },
                    )
                }
            }
            (PartState::Released, false) => (
                PartState::Rejected(st.reason.clone()),
                SettlementOutcome::Rejected,
            ),
            _ => return Ok(SettlementOutcome::AlreadyApplied),
        };
        rec.parts[part_idx].state = next;
        ch.vouchers.extend(touched);
        ch.redemptions.push(rec);
        Ok(outcome)
    }

    /// Apply an issuer's refund (idempotent by refund id): the value returns to the voucher, and
    /// a single-use voucher may be used once more.
    pub fn apply_refund(&self, r: &SignedRefund) -> Result<bool, VoucherError> {
        let now = self.now();
        let rf = &r.refund;
        let signer = r.signature.recover_address(&rf.digest(&self.domain)).ok();
        self.with_book(|book, ch| {
            let mut v = book
                .vouchers
                .get(&rf.voucher_id)
                .cloned()
                .ok_or_else(|| VoucherError::UnknownVoucher(hex0x(&rf.voucher_id)))?;
            let issuer = v.grant.grant.issuer;
            if signer != Some(issuer) {
                return Err(super::other_domain(
                    "refund",
                    "vault",
                    &self.domain,
                    &self.known,
                    &r.signature,
                    &issuer,
                    |d| rf.digest(d),
                )
                .unwrap_or(VoucherError::BadSignature(
                    "refund (not signed by the voucher's issuer)",
                )));
            }
            if v.refund_ids.iter().any(|id| id.as_slice() == rf.id) {
                return Ok(false);
            }
            // A refund cannot give back more than was paid out.
            let refundable = v.settled.saturating_sub(v.refunded);
            if rf.amount == 0 || rf.amount > refundable {
                return Err(VoucherError::NotApplicable(format!(
                    "this refund of {} exceeds the {} paid from the voucher",
                    rf.amount, refundable
                )));
            }
            v.refunded = v
                .refunded
                .checked_add(rf.amount)
                .ok_or(VoucherError::Overflow)?;
            v.single_use_spent = false;
            v.refund_ids.push(rf.id.to_vec());
            let name = Self::issuer(book, &v.grant.grant.issuer)
                .map(|i| i.name.clone())
                .unwrap_or_default();
            ch.journal.push(JournalEntry {
                seq: 0,
                at: now,
                kind: EventKind::Refunded,
                voucher_id: rf.voucher_id,
                amount: rf.amount,
                currency: v.grant.grant.currency.clone(),
                counterparty: v.grant.grant.issuer,
                counterparty_name: name,
                reference: Some(rf.id.to_vec()),
                note: String::new(),
            });
            ch.vouchers.push(v);
            Ok(true)
        })
    }

    /// Release the reservations of payments whose request expired without a settlement.
    /// Returns how many payments were released.
    pub fn release_expired(&self) -> Result<usize, VoucherError> {
        let now = self.now();
        self.with_book(|book, ch| {
            let mut vouchers: BTreeMap<Id, VoucherRecord> = BTreeMap::new();
            let mut released = 0;
            for rec in book.redemptions.values() {
                if now < rec.request.request.expires_at
                    || !rec.parts.iter().any(|p| p.state == PartState::Pending)
                {
                    continue;
                }
                let mut rec = rec.clone();
                let allocs = rec.payload.redemption.redemption.allocations.clone();
                for part in rec
                    .parts
                    .iter_mut()
                    .filter(|p| p.state == PartState::Pending)
                {
                    for a in allocs.iter() {
                        let Some(base) = vouchers
                            .get(&a.voucher_id)
                            .cloned()
                            .or_else(|| book.vouchers.get(&a.voucher_id).cloned())
                        else {
                            continue;
                        };
                        if base.grant.grant.issuer != part.issuer {
                            continue;
                        }
                        let mut v = base;
                        v.reserved = v.reserved.checked_sub(a.amount).ok_or_else(|| {
                            VoucherError::Corrupt("reservation below the released amount".into())
                        })?;
                        if v.grant.grant.purpose.single_use {
                            v.single_use_spent = false;
                        }
                        ch.journal.push(JournalEntry {
                            seq: 0,
                            at: now,
                            kind: EventKind::Released,
                            voucher_id: a.voucher_id,
                            amount: a.amount,
                            currency: v.grant.grant.currency.clone(),
                            counterparty: rec.request.request.merchant,
                            counterparty_name: rec.request.request.merchant_name.clone(),
                            reference: Some(rec.request.request.id.to_vec()),
                            note: "request expired without a settlement".into(),
                        });
                        vouchers.insert(a.voucher_id, v);
                    }
                    part.state = PartState::Released;
                }
                released += 1;
                ch.redemptions.push(rec);
            }
            ch.vouchers.extend(vouchers.into_values());
            Ok(released)
        })
    }

    /// The state of a payment: per issuer, `pending`, `settled`, `rejected: …`, `released`,
    /// `late_settled` or `conflict: …`.
    pub fn payment_status(&self, hash: &[u8; 32]) -> Result<Vec<PaymentPart>, VoucherError> {
        self.with_book(|b, _| {
            let id = b
                .by_hash
                .get(hash)
                .ok_or_else(|| VoucherError::UnknownRedemption(hex0x(hash)))?;
            let rec = b
                .redemptions
                .get(id)
                .ok_or_else(|| VoucherError::UnknownRedemption(hex0x(hash)))?;
            Ok(rec
                .parts
                .iter()
                .map(|p| {
                    let s = match &p.state {
                        PartState::Pending => "pending".to_string(),
                        PartState::Settled => "settled".to_string(),
                        PartState::Rejected(r) => format!("rejected: {r}"),
                        PartState::Released => "released".to_string(),
                        PartState::LateSettled => "late_settled".to_string(),
                        PartState::Conflict(c) => format!("conflict: {c}"),
                    };
                    PaymentPart {
                        issuer: p.issuer,
                        status: s,
                    }
                })
                .collect())
        })
    }

    /// The history journal, oldest first, filtered by voucher and period.
    pub fn history(&self, filter: &HistoryFilter) -> Result<Vec<VoucherEvent>, VoucherError> {
        // Holding the book lock keeps the journal consistent with concurrent payments.
        self.with_book(|_, _| {
            let mut out: Vec<JournalEntry> = Vec::new();
            for (_, raw) in self.wallet.vault().list(NS_JOURNAL)? {
                let e: JournalEntry = dec(&raw, "journal")?;
                if filter.voucher.is_some_and(|v| v != e.voucher_id)
                    || filter.from.is_some_and(|f| e.at < f)
                    || filter.until.is_some_and(|u| e.at >= u)
                {
                    continue;
                }
                out.push(e);
            }
            crate::util::sort_by_key(&mut out, |e| e.seq);
            Ok(out.into_iter().map(VoucherEvent::from).collect())
        })
    }

    /// Check the ledger invariants of every voucher (used by tests and available to apps):
    /// `amount + refunded = remaining + settled + reserved` and nothing negative.
    pub fn check_invariants(&self) -> Result<(), VoucherError> {
        self.with_book(|b, _| {
            for v in b.vouchers.values() {
                let g = &v.grant.grant;
                let lhs = u128::from(g.amount) + u128::from(v.refunded);
                let rhs =
                    u128::from(v.remaining()) + u128::from(v.settled) + u128::from(v.reserved);
                if lhs != rhs || v.refunded > v.settled {
                    return Err(VoucherError::Corrupt(format!(
                        "ledger of voucher {} does not add up",
                        hex0x(&g.id)
                    )));
                }
            }
            Ok(())
        })
    }
}

const SAME_ID_PAID: &str =
    "another request with the same id was paid before; ask the merchant for a new request";

fn not_in_payment(issuer: &Address) -> String {
    format!("{issuer} has no vouchers in this payment; it cannot settle it")
}

fn late_conflict(short: &[String]) -> String {
    format!(
        "late settlement of a released payment, but {} no longer hold the amount; contact the issuer",
        short.join(", ")
    )
}

fn below_reserved() -> VoucherError {
    VoucherError::Corrupt("reservation below the settled amount".into())
}

/// The vouchers chosen for a request (the wallet's working form of a [`VoucherQuote`]).
pub(crate) struct Selection {
    request: PaymentRequest,
    payable: bool,
    holder: Option<Address>,
    allocations: Vec<Allocation>,
    missing: u64,
    unusable: Vec<(Id, Ineligible)>,
}

impl Selection {
    fn view(&self) -> VoucherQuote {
        VoucherQuote {
            payable: self.payable,
            merchant_name: self.request.merchant_name.clone(),
            amount: self.request.amount,
            currency: self.request.currency.clone(),
            missing: self.missing,
            holder: self.holder,
            allocations: self.allocations.iter().map(Into::into).collect(),
            unusable: self
                .unusable
                .iter()
                .map(|(id, r)| UnusableVoucher::new(id, *r))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{Env, ManualClock};
    use crate::keys::PrivateKey;
    use crate::store::MemoryStore;
    use crate::voucher::{MerchantDesk, VoucherIssuer};
    use crate::wallet::WalletOptions;

    fn wallet() -> Arc<Wallet> {
        let env = Env::fixed(ManualClock::new(1_767_225_600_000), 5);
        Arc::new(
            Wallet::create(
                Arc::new(MemoryStore::new()),
                env,
                b"123456",
                WalletOptions::fast_for_tests(),
            )
            .unwrap()
            .0,
        )
    }

    fn other(e: Result<impl std::fmt::Debug, VoucherError>, what: &str, signed: VoucherDomain) {
        match e {
            Err(VoucherError::OtherDomain {
                what: w, signed: s, ..
            }) => assert!(w == what && s == signed, "{w} {s:?}"),
            other => panic!("expected OtherDomain for the {what}, got {other:?}"),
        }
    }

    /// Regression (issue 14): one vault used under two domains (the demo's and a pool's) holds
    /// the vouchers of both in one ledger; a payment under one domain used to pick the other's
    /// voucher too (soonest expiry first), which its pool refuses as unregistered. Now only the
    /// request's domain pays, and the other voucher is listed as of another network.
    #[test]
    fn only_the_requests_domain_pays() {
        let pool = VoucherDomain {
            chain_id: 31_337,
            verifying_contract: Address([0x9a; 20]),
        };
        let w = wallet();
        let me = w.account(0).unwrap().address;
        let key = PrivateKey::from_slice(&[0x22; 32]).unwrap();
        let trusted = vec![TrustedIssuer {
            address: key.address(),
            name: "city".into(),
            currency: "KRW".into(),
            holding_cap: 0,
            offline_allowance: 0,
        }];
        let now = w.env().clock.now_secs();
        let demo = Vouchers::new(w.clone(), VoucherDomain::DEMO);
        demo.set_trusted_issuers(trusted.clone()).unwrap();
        let soon = GrantSpec::new(me, 10_000, "KRW", now - 60, now + 3_600);
        let demo_grant = VoucherIssuer::from_key(w.env().clone(), key.clone(), VoucherDomain::DEMO)
            .grant(&soon)
            .unwrap();
        demo.import(&demo_grant).unwrap();
        let on_chain = Vouchers::new(w.clone(), pool);
        let later = GrantSpec::new(me, 10_000, "KRW", now - 60, now + 86_400);
        let pool_grant = VoucherIssuer::from_key(w.env().clone(), key, pool)
            .grant(&later)
            .unwrap();
        on_chain.import(&pool_grant).unwrap();

        let shop = wallet();
        let addr = shop.account(0).unwrap().address;
        let desk = MerchantDesk::new(shop, addr, "shop", 5411, "KR-11", pool, vec![]).unwrap();
        let (req, _) = desk.create_request(4_000, "KRW", 120).unwrap();
        let quote = on_chain.quote(&req).unwrap();
        assert!(
            quote
                .unusable
                .iter()
                .any(|u| u.voucher_id.0 == demo_grant.grant.id
                    && u.reason == Ineligible::OtherNetwork),
            "{quote:?}"
        );
        let paid = on_chain.pay(&req).unwrap();
        let allocs = &paid.payload.redemption.redemption.allocations;
        assert_eq!(allocs.len(), 1);
        assert_eq!(allocs[0].voucher_id, pool_grant.grant.id);
    }

    /// Regression (issue 11): a grant, request, settlement or refund signed under the demo
    /// domain (or a known one) while the vault is set to another was reported as "altered or
    /// forged"; it now names the domain it was signed for and the vault's.
    #[test]
    fn objects_for_another_domain_name_both_domains() {
        let pilot = VoucherDomain {
            chain_id: 11_155_111,
            verifying_contract: Address([0x5f; 20]),
        };
        let w = wallet();
        let me = w.account(0).unwrap().address;
        let key = PrivateKey::from_slice(&[0x21; 32]).unwrap();
        let trusted = TrustedIssuer {
            address: key.address(),
            name: "city".into(),
            currency: "KRW".into(),
            holding_cap: 0,
            offline_allowance: 0,
        };
        let now = w.env().clock.now_secs();
        let spec = GrantSpec::new(me, 10_000, "KRW", now - 60, now + 86_400);

        // The vault is set to the pilot network; the issuer signs with the demo domain.
        let demo_issuer =
            VoucherIssuer::from_key(w.env().clone(), key.clone(), VoucherDomain::DEMO);
        let at_pilot = Vouchers::new(w.clone(), pilot);
        at_pilot.set_trusted_issuers(vec![trusted.clone()]).unwrap();
        let g = demo_issuer.grant(&spec).unwrap();
        let e = at_pilot.import(&g);
        let m = e.as_ref().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            m.starts_with("the voucher grant was signed for another domain (chain 1, contract 0x00000000000000000000000000000000004a6967); this vault is set to chain 11155111"),
            "{m}"
        );
        assert!(!m.contains("forged"), "{m}");
        other(e, "voucher grant", VoucherDomain::DEMO);

        // The other way round: the vault is at the demo domain and knows the pilot network.
        let at_demo = Vouchers::new(w.clone(), VoucherDomain::DEMO).with_known_domains(vec![pilot]);
        let pilot_issuer = VoucherIssuer::from_key(w.env().clone(), key.clone(), pilot);
        other(
            at_demo.import(&pilot_issuer.grant(&spec).unwrap()),
            "voucher grant",
            pilot,
        );
        // Without naming it, the vault cannot tell: a bad signature, as before.
        let unaware = Vouchers::new(w.clone(), VoucherDomain::DEMO);
        assert!(matches!(
            unaware.import(&pilot_issuer.grant(&spec).unwrap()),
            Err(VoucherError::BadSignature("voucher grant"))
        ));

        // A request from a shop on the demo domain, quoted by the pilot vault.
        let shop = wallet();
        let addr = shop.account(0).unwrap().address;
        let desk = MerchantDesk::new(
            shop,
            addr,
            "shop",
            5411,
            "KR-11",
            VoucherDomain::DEMO,
            vec![],
        )
        .unwrap();
        let (req, _) = desk.create_request(4_000, "KRW", 120).unwrap();
        other(at_pilot.quote(&req), "payment request", VoucherDomain::DEMO);

        // Settlements and refunds: the voucher is at the demo domain in `at_demo`.
        at_demo.set_trusted_issuers(vec![trusted]).unwrap();
        at_demo.import(&demo_issuer.grant(&spec).unwrap()).unwrap();
        let payment = at_demo.pay(&req).unwrap().payload;
        let voucher = payment.redemption.redemption.allocations[0].voucher_id;
        let pilot_settler = VoucherIssuer::from_key(w.env().clone(), key.clone(), pilot);
        // The issuer at the pilot network names the payment's domain (the demo one).
        other(
            pilot_settler.settle(&payment, None),
            "payment",
            VoucherDomain::DEMO,
        );
        let settled = demo_issuer.settle(&payment, None).unwrap();
        let mut s_pilot = settled.clone();
        s_pilot.signature = key.sign_digest(&s_pilot.settlement.digest(&pilot)).unwrap();
        other(at_demo.apply_settlement(&s_pilot), "settlement", pilot);
        assert_eq!(
            at_demo.apply_settlement(&settled).unwrap(),
            SettlementOutcome::Settled
        );
        let mut f = demo_issuer.refund(&voucher, 1_000).unwrap();
        f.signature = key.sign_digest(&f.refund.digest(&pilot)).unwrap();
        other(at_demo.apply_refund(&f), "refund", pilot);
        // A shop set to the pilot network names the payment's domain too (it said "altered").
        use crate::voucher::{RedemptionReject, verify_redemption};
        let now = w.env().clock.now_secs();
        match verify_redemption(&pilot, &[key.address()], &req, &payment, now) {
            Err(e @ RedemptionReject::OtherDomain { signed, .. }) => {
                assert_eq!(signed, VoucherDomain::DEMO);
                let m = e.to_string();
                assert!(m.contains("this shop is set to chain 11155111"), "{m}");
                assert_eq!(
                    crate::error::Classify::class(&e),
                    crate::error::ErrorClass::InvalidInput
                );
            }
            other => panic!("expected OtherDomain at the shop, got {other:?}"),
        }
        let mut altered = payment.clone();
        altered.redemption.redemption.total += 1;
        assert!(matches!(
            verify_redemption(&VoucherDomain::DEMO, &[key.address()], &req, &altered, now),
            Err(RedemptionReject::HolderSignature)
        ));
        // Really altered: still a bad signature.
        f.refund.amount = 999;
        assert!(matches!(
            at_demo.apply_refund(&f),
            Err(VoucherError::BadSignature(_))
        ));
    }
}
