//! The citizen's side: trusted issuers, import, balances, quotes, payments, settlements,
//! refunds, releases and the history journal.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use minicbor::{Decode, Encode};

use super::VoucherError;
use super::codec::{MAX_ALLOCATIONS, encode_redemption};
use super::model::*;
use super::rules::{Candidate, Ineligible, capacity, check_purpose, local_time, select};
use crate::keys::{Address, DigestSigner};
use crate::qr;
use crate::util::hex0x;
use crate::vault::RecordBatch;
use crate::wallet::Wallet;

const NS_VOUCHER: &str = "voucher";
const NS_REDEMPTION: &str = "voucher.redemption";
const NS_CONFIG: &str = "voucher.config";
const NS_JOURNAL: &str = "voucher.journal";
const ID_ISSUERS: &str = "issuers";
const ID_COUNTERS: &str = "counters";
/// Bumped by every commit of the voucher ledger: another object, process or browser tab that
/// finds a version other than the one it loaded reloads before acting.
const ID_VERSION: &str = "version";

/// An issuer the app trusts, with its limits per person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedIssuer {
    /// Signing address.
    pub address: Address,
    /// Name shown to the citizen.
    pub name: String,
    /// The currency its vouchers are in.
    pub currency: String,
    /// Most a person may hold in its vouchers at once (0: no cap).
    pub holding_cap: u64,
    /// Most that may be spent in redemptions not yet settled (0: no limit).
    pub offline_allowance: u64,
}

cbor_array!(TrustedIssuer {
    address,
    name,
    currency,
    holding_cap,
    offline_allowance
});

#[derive(Debug, Clone)]
struct VoucherRecord {
    grant: SignedGrant,
    settled: u64,
    reserved: u64,
    refunded: u64,
    single_use_spent: bool,
    /// (local day, amount allocated that day), last few days only.
    daily: Vec<(i64, u64)>,
    imported_at: u64,
    refund_ids: Vec<Vec<u8>>,
}

cbor_array!(VoucherRecord {
    grant,
    settled,
    reserved,
    refunded,
    single_use_spent,
    daily,
    imported_at,
    refund_ids
});

impl VoucherRecord {
    /// `amount − settled − reserved + refunded`, never negative (checked on every change).
    fn remaining(&self) -> u64 {
        let total = u128::from(self.grant.grant.amount) + u128::from(self.refunded);
        let out = total.saturating_sub(u128::from(self.settled) + u128::from(self.reserved));
        u64::try_from(out).unwrap_or(u64::MAX)
    }

    fn spent_on(&self, day: i64) -> u64 {
        self.daily
            .iter()
            .filter(|(d, _)| *d == day)
            .map(|(_, a)| *a)
            .sum()
    }

    fn id_hex(&self) -> String {
        hex0x(&self.grant.grant.id)
    }
}

/// The settlement state of one issuer's part of a redemption.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PartState {
    Pending,
    Settled,
    Rejected(String),
    Released,
    LateSettled,
    Conflict(String),
}

impl<C> minicbor::Encode<C> for PartState {
    fn encode<W: minicbor::encode::Write>(
        &self,
        e: &mut minicbor::Encoder<W>,
        _: &mut C,
    ) -> Result<(), minicbor::encode::Error<W::Error>> {
        let (tag, note) = match self {
            PartState::Pending => (0u8, ""),
            PartState::Settled => (1, ""),
            PartState::Rejected(r) => (2, r.as_str()),
            PartState::Released => (3, ""),
            PartState::LateSettled => (4, ""),
            PartState::Conflict(c) => (5, c.as_str()),
        };
        e.array(2)?.u8(tag)?.str(note)?;
        Ok(())
    }
}

impl<'b, C> minicbor::Decode<'b, C> for PartState {
    fn decode(d: &mut minicbor::Decoder<'b>, _: &mut C) -> Result<Self, minicbor::decode::Error> {
        if d.array()? != Some(2) {
            return Err(minicbor::decode::Error::message(
                "payment state: wrong number of fields",
            ));
        }
        let tag = d.u8()?;
        let note = d.str()?.to_string();
        Ok(match tag {
            0 => PartState::Pending,
            1 => PartState::Settled,
            2 => PartState::Rejected(note),
            3 => PartState::Released,
            4 => PartState::LateSettled,
            5 => PartState::Conflict(note),
            _ => return Err(minicbor::decode::Error::message("unknown payment state")),
        })
    }
}

#[derive(Debug, Clone)]
struct Part {
    issuer: Address,
    amount: u64,
    state: PartState,
}

cbor_array!(Part {
    issuer,
    amount,
    state
});

#[derive(Debug, Clone)]
struct RedemptionRecord {
    request: SignedRequest,
    payload: RedemptionPayload,
    hash: [u8; 32],
    parts: Vec<Part>,
}

cbor_array!(RedemptionRecord { request, payload, hash as bytes, parts });

#[derive(Debug, Clone, Default)]
struct Counters {
    journal_next: u64,
    /// (holder, next sequence number).
    sequences: Vec<(Address, u64)>,
}

cbor_array!(Counters {
    journal_next,
    sequences
});

impl Counters {
    fn next_sequence(&self, holder: &Address) -> u64 {
        self.sequences
            .iter()
            .find(|(h, _)| h == holder)
            .map(|(_, s)| *s)
            .unwrap_or(0)
    }
    fn set_sequence(&mut self, holder: Address, next: u64) {
        match self.sequences.iter_mut().find(|(h, _)| *h == holder) {
            Some(e) => e.1 = next,
            None => self.sequences.push((holder, next)),
        }
    }
}

/// What happened, for the history journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A voucher was received.
    Imported,
    /// An amount was reserved for a payment.
    Reserved,
    /// The issuer settled: the payment is final.
    Settled,
    /// The issuer rejected: the reservation was released.
    Rejected,
    /// A reservation whose request expired unsettled was released.
    Released,
    /// A released payment was settled later and the money was still there.
    LateSettled,
    /// A released payment was settled later but the money was spent meanwhile.
    Conflict,
    /// Value was refunded.
    Refunded,
}

const EVENT_KINDS: [EventKind; 8] = [
    EventKind::Imported,
    EventKind::Reserved,
    EventKind::Settled,
    EventKind::Rejected,
    EventKind::Released,
    EventKind::LateSettled,
    EventKind::Conflict,
    EventKind::Refunded,
];

impl<C> minicbor::Encode<C> for EventKind {
    fn encode<W: minicbor::encode::Write>(
        &self,
        e: &mut minicbor::Encoder<W>,
        _: &mut C,
    ) -> Result<(), minicbor::encode::Error<W::Error>> {
        let i = EVENT_KINDS.iter().position(|k| k == self).unwrap_or(0);
        e.u8(i as u8)?;
        Ok(())
    }
}

impl<'b, C> minicbor::Decode<'b, C> for EventKind {
    fn decode(d: &mut minicbor::Decoder<'b>, _: &mut C) -> Result<Self, minicbor::decode::Error> {
        EVENT_KINDS
            .get(usize::from(d.u8()?))
            .copied()
            .ok_or_else(|| minicbor::decode::Error::message("unknown journal event"))
    }
}

impl EventKind {
    /// Short code for apps and JSON.
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Imported => "imported",
            EventKind::Reserved => "reserved",
            EventKind::Settled => "settled",
            EventKind::Rejected => "rejected",
            EventKind::Released => "released",
            EventKind::LateSettled => "late_settled",
            EventKind::Conflict => "conflict",
            EventKind::Refunded => "refunded",
        }
    }
}

/// One line of the history journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// Order of events in this wallet.
    pub seq: u64,
    /// When (Unix seconds).
    pub at: u64,
    /// What happened.
    pub kind: EventKind,
    /// The voucher concerned.
    pub voucher_id: Id,
    /// Amount concerned.
    pub amount: u64,
    /// Currency.
    pub currency: String,
    /// The other party (issuer or merchant).
    pub counterparty: Address,
    /// Its name.
    pub counterparty_name: String,
    /// Request or refund id, when there is one.
    pub reference: Option<Vec<u8>>,
    /// Details (a rejection reason, a conflict).
    pub note: String,
}

cbor_array!(JournalEntry { seq, at, kind, voucher_id as bytes, amount, currency, counterparty, counterparty_name, reference, note });

/// Which journal lines to return.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    /// Only this voucher.
    pub voucher: Option<Id>,
    /// From this time (inclusive).
    pub from: Option<u64>,
    /// Until this time (exclusive).
    pub until: Option<u64>,
}

/// Where a voucher stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoucherStatus {
    /// Usable (subject to its purpose).
    Active,
    /// Not valid yet.
    NotYetValid,
    /// Past its validity: out of balances, kept in history.
    Expired,
    /// Single-use voucher already used; what is left is forfeited.
    Used,
    /// Nothing left.
    Empty,
}

impl VoucherStatus {
    /// Short code.
    pub fn code(self) -> &'static str {
        match self {
            VoucherStatus::Active => "active",
            VoucherStatus::NotYetValid => "not_yet_valid",
            VoucherStatus::Expired => "expired",
            VoucherStatus::Used => "used",
            VoucherStatus::Empty => "empty",
        }
    }
}

/// A voucher as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherView {
    /// The signed grant.
    pub grant: SignedGrant,
    /// Issuer name from the app's configuration (or the address).
    pub issuer_name: String,
    /// Value left (`amount − settled − reserved + refunded`).
    pub remaining: u64,
    /// Reserved by unsettled payments.
    pub reserved: u64,
    /// Paid out and final.
    pub settled: u64,
    /// Restored by refunds.
    pub refunded: u64,
    /// What can be spent now (0 when expired, not yet valid, used).
    pub spendable: u64,
    /// Forfeited by single use.
    pub forfeited: u64,
    /// Status.
    pub status: VoucherStatus,
}

/// Spendable value per currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyBalance {
    /// Currency.
    pub currency: String,
    /// Spendable now.
    pub spendable: u64,
    /// Reserved by unsettled payments.
    pub reserved: u64,
    /// Vouchers counted.
    pub vouchers: u32,
}

/// How a request would be paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The request (signature checked).
    pub request: PaymentRequest,
    /// Whether the vouchers cover it.
    pub payable: bool,
    /// The holder account whose vouchers pay.
    pub holder: Option<Address>,
    /// Which vouchers pay how much.
    pub allocations: Vec<Allocation>,
    /// Amount not covered.
    pub missing: u64,
    /// Vouchers that cannot pay, and why.
    pub unusable: Vec<(Id, Ineligible)>,
}

/// A signed payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// What the merchant receives.
    pub payload: RedemptionPayload,
    /// The payload as a QR string (`JGRD:…`).
    pub qr: String,
    /// The redemption hash (its EIP-712 digest) settlements refer to.
    pub hash: [u8; 32],
    /// `true` when this request had been paid before and the same payment is returned.
    pub repeated: bool,
}

/// What applying a settlement did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettlementOutcome {
    /// The payment is final.
    Settled,
    /// The issuer rejected it; the reservation was released.
    Rejected,
    /// The payment had been released; it is now final as the money was still there.
    LateSettled,
    /// The payment had been released and the money was spent meanwhile: recorded for the app.
    Conflict(String),
    /// This settlement was applied before: nothing changed.
    AlreadyApplied,
}

#[derive(Default)]
struct Book {
    /// The ledger version this book was loaded at (see [`ID_VERSION`]).
    version: u64,
    vouchers: BTreeMap<Id, VoucherRecord>,
    redemptions: HashMap<Id, RedemptionRecord>,
    by_hash: HashMap<[u8; 32], Id>,
    issuers: Vec<TrustedIssuer>,
    counters: Counters,
}

/// Changes of one operation, committed in one vault batch and then applied to the cache.
#[derive(Default)]
struct Changes {
    vouchers: Vec<VoucherRecord>,
    redemptions: Vec<RedemptionRecord>,
    journal: Vec<JournalEntry>,
    issuers: Option<Vec<TrustedIssuer>>,
    counters: Option<Counters>,
}

/// The voucher side of a wallet. `Send + Sync`; operations are serialised internally, so two
/// payments can never reserve the same value.
///
/// ```
/// # use std::sync::Arc;
/// # use jigap_core::{env::Env, store::MemoryStore, wallet::{Wallet, CreateOptions}, keys::PrivateKey};
/// use jigap_core::voucher::*;
/// let wallet = Arc::new(Wallet::create(Arc::new(MemoryStore::new()), Env::system(), b"123456", CreateOptions::fast_for_tests()).unwrap().0);
/// let vouchers = VoucherWallet::new(wallet.clone(), VoucherDomain::DEMO);
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
pub struct VoucherWallet {
    wallet: Arc<Wallet>,
    domain: VoucherDomain,
    /// One ledger per vault and store, shared by every `VoucherWallet` of this process on it.
    book: Arc<SharedBook>,
}

/// The voucher ledger of one wallet, loaded on first use.
#[derive(Default)]
struct SharedBook(Mutex<Option<Book>>);

fn enc<T: Encode<()>>(v: &T) -> Vec<u8> {
    qr::to_cbor(v)
}

fn dec<'b, T: Decode<'b, ()>>(b: &'b [u8], what: &str) -> Result<T, VoucherError> {
    qr::from_cbor(b).map_err(|_| VoucherError::Corrupt(format!("unreadable {what} record")))
}

impl VoucherWallet {
    /// The voucher side of `wallet`, for vouchers signed under `domain`.
    pub fn new(wallet: Arc<Wallet>, domain: VoucherDomain) -> VoucherWallet {
        VoucherWallet {
            domain,
            book: wallet.vault().shared_state::<SharedBook>("voucher"),
            wallet,
        }
    }

    /// The EIP-712 domain in use.
    pub fn domain(&self) -> VoucherDomain {
        self.domain
    }

    fn now(&self) -> u64 {
        self.wallet.env().clock.now_secs()
    }

    /// Run `f` on the current book, then commit its changes in one batch.
    ///
    /// Concurrency: the vault's process-wide "voucher" lock is held from the version check to
    /// the commit, so every object of this process on this vault takes its turn; the stored
    /// ledger version is compared with the loaded one first, so changes made by another
    /// object, process or browser tab are read before anything is decided.
    fn with_book<T>(
        &self,
        f: impl FnOnce(&Book, &mut Changes) -> Result<T, VoucherError>,
    ) -> Result<T, VoucherError> {
        let vault = self.wallet.vault();
        let lock = vault.feature_lock("voucher");
        let _turn = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut guard = self
            .book
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !self.wallet.is_unlocked() {
            *guard = None; // drop decrypted data with the keys
            return Err(VoucherError::Wallet(crate::wallet::WalletError::Vault(
                crate::vault::VaultError::Locked,
            )));
        }
        let stored = self.stored_version()?;
        if guard.as_ref().is_none_or(|b| b.version != stored) {
            *guard = None;
            *guard = Some(self.load(stored)?);
        }
        let book = guard
            .as_mut()
            .ok_or_else(|| VoucherError::Corrupt("book missing".into()))?;
        let mut ch = Changes::default();
        let out = f(book, &mut ch)?;
        self.commit(book, ch)?;
        Ok(out)
    }

    fn stored_version(&self) -> Result<u64, VoucherError> {
        match self.wallet.vault().get(NS_CONFIG, ID_VERSION)? {
            None => Ok(0),
            Some(raw) => <[u8; 8]>::try_from(raw.as_slice())
                .map(u64::from_be_bytes)
                .map_err(|_| VoucherError::Corrupt("unreadable ledger version".into())),
        }
    }

    fn load(&self, version: u64) -> Result<Book, VoucherError> {
        let v = self.wallet.vault();
        let mut book = Book {
            version,
            ..Book::default()
        };
        for (_, raw) in v.list(NS_VOUCHER)? {
            let r: VoucherRecord = dec(&raw, "voucher")?;
            book.vouchers.insert(r.grant.grant.id, r);
        }
        for (_, raw) in v.list(NS_REDEMPTION)? {
            let r: RedemptionRecord = dec(&raw, "payment")?;
            book.by_hash.insert(r.hash, r.request.request.id);
            book.redemptions.insert(r.request.request.id, r);
        }
        if let Some(raw) = v.get(NS_CONFIG, ID_ISSUERS)? {
            book.issuers = dec(&raw, "issuer list")?;
        }
        if let Some(raw) = v.get(NS_CONFIG, ID_COUNTERS)? {
            book.counters = dec(&raw, "counters")?;
        }
        Ok(book)
    }

    fn commit(&self, book: &mut Book, ch: Changes) -> Result<(), VoucherError> {
        let mut b = RecordBatch::new();
        let mut counters = ch.counters.clone().unwrap_or_else(|| book.counters.clone());
        let mut journal = ch.journal;
        for e in journal.iter_mut() {
            e.seq = counters.journal_next;
            counters.journal_next += 1;
            b.put(NS_JOURNAL, &format!("{:016x}", e.seq), enc(e));
        }
        for v in &ch.vouchers {
            b.put(NS_VOUCHER, &v.id_hex(), enc(v));
        }
        for r in &ch.redemptions {
            b.put(NS_REDEMPTION, &hex0x(&r.request.request.id), enc(r));
        }
        if let Some(i) = &ch.issuers {
            b.put(NS_CONFIG, ID_ISSUERS, enc(i));
        }
        let counters_changed = !journal.is_empty() || ch.counters.is_some();
        if counters_changed {
            b.put(NS_CONFIG, ID_COUNTERS, enc(&counters));
        }
        if b.is_empty() {
            return Ok(());
        }
        let version = book.version.wrapping_add(1);
        b.put(NS_CONFIG, ID_VERSION, version.to_be_bytes().to_vec());
        self.wallet.vault().commit(b)?;
        book.version = version;
        // Only after the batch is durable does the cache change.
        for v in ch.vouchers {
            book.vouchers.insert(v.grant.grant.id, v);
        }
        for r in ch.redemptions {
            book.by_hash.insert(r.hash, r.request.request.id);
            book.redemptions.insert(r.request.request.id, r);
        }
        if let Some(i) = ch.issuers {
            book.issuers = i;
        }
        if counters_changed {
            book.counters = counters;
        }
        Ok(())
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
        g.purpose
            .validate()
            .map_err(|e| VoucherError::InvalidGrant(e.into()))?;
        if g.amount == 0 || g.currency.is_empty() || g.currency.len() > 12 {
            return Err(VoucherError::InvalidGrant(
                "amount must be positive and the currency 1–12 characters".into(),
            ));
        }
        if signed.signer(&self.domain).ok() != Some(g.issuer) {
            return Err(VoucherError::BadSignature("voucher grant"));
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
        VoucherView {
            grant: r.grant.clone(),
            issuer_name: Self::issuer(book, &g.issuer)
                .map(|i| i.name.clone())
                .unwrap_or_else(|| g.issuer.to_string()),
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
        }
    }

    /// Every voucher, soonest expiry first (expired ones included, marked as such).
    pub fn vouchers(&self) -> Result<Vec<VoucherView>, VoucherError> {
        let now = self.now();
        self.with_book(|b, _| {
            let mut v: Vec<VoucherView> =
                b.vouchers.values().map(|r| Self::view(b, r, now)).collect();
            v.sort_by_key(|x| {
                (
                    x.status == VoucherStatus::Expired,
                    x.grant.grant.purpose.valid_until,
                )
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
    pub fn balances(&self) -> Result<Vec<CurrencyBalance>, VoucherError> {
        let now = self.now();
        self.with_book(|b, _| {
            let mut by: BTreeMap<String, CurrencyBalance> = BTreeMap::new();
            for r in b.vouchers.values() {
                let v = Self::view(b, r, now);
                if v.status == VoucherStatus::Expired {
                    continue;
                }
                let e =
                    by.entry(v.grant.grant.currency.clone())
                        .or_insert_with(|| CurrencyBalance {
                            currency: v.grant.grant.currency.clone(),
                            spendable: 0,
                            reserved: 0,
                            vouchers: 0,
                        });
                e.spendable = e.spendable.saturating_add(v.spendable);
                e.reserved = e.reserved.saturating_add(v.reserved);
                e.vouchers += 1;
            }
            Ok(by.into_values().collect())
        })
    }

    fn verify_request(&self, req: &SignedRequest, now: u64) -> Result<(), VoucherError> {
        let r = &req.request;
        if req.signature.recover_address(&r.digest(&self.domain)).ok() != Some(r.merchant) {
            return Err(VoucherError::BadSignature("payment request"));
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
    ) -> Quote {
        let mut best: Option<Quote> = None;
        let mut holders: Vec<Address> = book
            .vouchers
            .values()
            .map(|v| v.grant.grant.holder)
            .collect();
        holders.sort();
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
            let q = Quote {
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
        best.unwrap_or(Quote {
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
    pub fn quote(&self, request: &SignedRequest) -> Result<Quote, VoucherError> {
        let now = self.now();
        self.verify_request(request, now)?;
        self.with_book(|b, _| Ok(self.quote_in(b, &request.request, now, None)))
    }

    /// Pay a request: verify it, choose vouchers, reserve the amounts, sign the redemption and
    /// persist — all or nothing. Paying the same request again returns the same payment and
    /// reserves nothing more.
    pub fn pay(&self, request: &SignedRequest) -> Result<Payment, VoucherError> {
        let now = self.now();
        let req = &request.request;
        self.with_book(|book, ch| {
            if let Some(existing) = book.redemptions.get(&req.id) {
                if existing.request != *request {
                    return Err(VoucherError::InvalidGrant("another request with the same id was paid before; ask the merchant for a new request".into()));
                }
                return Ok(Payment { qr: encode_redemption(&existing.payload), payload: existing.payload.clone(), hash: existing.hash, repeated: true });
            }
            self.verify_request(request, now)?;
            let q = self.quote_in(book, req, now, None);
            if !q.payable {
                let reasons = q.unusable.iter().map(|(id, r)| (hex0x(id), *r)).collect();
                return Err(VoucherError::CannotPay { missing: q.missing, reasons });
            }
            let holder = q.holder.ok_or(VoucherError::CannotPay { missing: req.amount, reasons: vec![] })?;
            // Offline allowance per issuer: unsettled after this payment must stay within it.
            let mut per_issuer: BTreeMap<Address, u64> = BTreeMap::new();
            for a in &q.allocations {
                let r = book.vouchers.get(&a.voucher_id).ok_or_else(|| VoucherError::UnknownVoucher(hex0x(&a.voucher_id)))?;
                let e = per_issuer.entry(r.grant.grant.issuer).or_default();
                *e = e.checked_add(a.amount).ok_or(VoucherError::Overflow)?;
            }
            for (issuer, amount) in &per_issuer {
                let Some(ti) = Self::issuer(book, issuer) else { continue };
                if ti.offline_allowance == 0 {
                    continue;
                }
                let pending: u64 = book.vouchers.values().filter(|v| v.grant.grant.issuer == *issuer).map(|v| v.reserved).sum();
                let would_be = pending.checked_add(*amount).ok_or(VoucherError::Overflow)?;
                if would_be > ti.offline_allowance {
                    return Err(VoucherError::OfflineAllowance { issuer: ti.name.clone(), allowance: ti.offline_allowance, would_be });
                }
            }
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
                let mut r = book.vouchers.get(&a.voucher_id).cloned().ok_or_else(|| VoucherError::UnknownVoucher(hex0x(&a.voucher_id)))?;
                let g = &r.grant.grant;
                if a.amount > r.remaining() {
                    return Err(VoucherError::Overflow);
                }
                r.reserved = r.reserved.checked_add(a.amount).ok_or(VoucherError::Overflow)?;
                if g.purpose.single_use {
                    r.single_use_spent = true;
                }
                let (_, day) = local_time(&g.purpose, now);
                let today = r.spent_on(day).saturating_add(a.amount);
                r.daily.retain(|(d, _)| *d >= day - 1 && *d != day);
                r.daily.push((day, today));
                grants.push(r.grant.clone());
                ch.journal.push(JournalEntry {
                    seq: 0,
                    at: now,
                    kind: EventKind::Reserved,
                    voucher_id: g.id,
                    amount: a.amount,
                    currency: g.currency.clone(),
                    counterparty: req.merchant,
                    counterparty_name: req.merchant_name.clone(),
                    reference: Some(req.id.to_vec()),
                    note: String::new(),
                });
                ch.vouchers.push(r);
            }
            let payload = RedemptionPayload { redemption: SignedRedemption { redemption, signature }, grants };
            let parts = per_issuer.into_iter().map(|(issuer, amount)| Part { issuer, amount, state: PartState::Pending }).collect();
            ch.redemptions.push(RedemptionRecord { request: request.clone(), payload: payload.clone(), hash, parts });
            ch.counters = Some(counters);
            Ok(Payment { qr: encode_redemption(&payload), payload, hash, repeated: false })
        })
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
            return Err(VoucherError::BadSignature("settlement"));
        }
        self.with_book(|book, ch| {
            if Self::issuer(book, &st.issuer).is_none() {
                return Err(VoucherError::UntrustedIssuer(st.issuer));
            }
            let rid = book.by_hash.get(&st.redemption_hash).ok_or_else(|| VoucherError::UnknownRedemption(hex0x(&st.redemption_hash)))?;
            let mut rec = book.redemptions.get(rid).cloned().ok_or_else(|| VoucherError::UnknownRedemption(hex0x(&st.redemption_hash)))?;
            let part_idx = rec.parts.iter().position(|p| p.issuer == st.issuer).ok_or_else(|| {
                VoucherError::NotApplicable(format!("{} has no vouchers in this payment; it cannot settle it", st.issuer))
            })?;
            let state = rec.parts[part_idx].state.clone();
            let name = Self::issuer(book, &st.issuer).map(|i| i.name.clone()).unwrap_or_default();
            let allocs: Vec<Allocation> = rec
                .payload
                .redemption
                .redemption
                .allocations
                .iter()
                .filter(|a| book.vouchers.get(&a.voucher_id).is_some_and(|v| v.grant.grant.issuer == st.issuer))
                .copied()
                .collect();
            let mut touched: Vec<VoucherRecord> = Vec::new();
            let journal = |kind: EventKind, v: &VoucherRecord, amount: u64, note: &str| JournalEntry {
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
            let outcome = match (&state, st.settled) {
                (PartState::Pending, true) => {
                    for a in &allocs {
                        let mut v = book.vouchers.get(&a.voucher_id).cloned().ok_or_else(|| VoucherError::UnknownVoucher(hex0x(&a.voucher_id)))?;
                        v.reserved = v.reserved.checked_sub(a.amount).ok_or_else(|| VoucherError::Corrupt("reservation below the settled amount".into()))?;
                        v.settled = v.settled.checked_add(a.amount).ok_or(VoucherError::Overflow)?;
                        ch.journal.push(journal(EventKind::Settled, &v, a.amount, ""));
                        touched.push(v);
                    }
                    rec.parts[part_idx].state = PartState::Settled;
                    SettlementOutcome::Settled
                }
                (PartState::Pending, false) => {
                    for a in &allocs {
                        let mut v = book.vouchers.get(&a.voucher_id).cloned().ok_or_else(|| VoucherError::UnknownVoucher(hex0x(&a.voucher_id)))?;
                        v.reserved = v.reserved.checked_sub(a.amount).ok_or_else(|| VoucherError::Corrupt("reservation below the released amount".into()))?;
                        if v.grant.grant.purpose.single_use {
                            v.single_use_spent = false; // the one use did not happen
                        }
                        ch.journal.push(journal(EventKind::Rejected, &v, a.amount, &st.reason));
                        touched.push(v);
                    }
                    rec.parts[part_idx].state = PartState::Rejected(st.reason.clone());
                    SettlementOutcome::Rejected
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
                            let mut v = book.vouchers.get(&a.voucher_id).cloned().ok_or_else(|| VoucherError::UnknownVoucher(hex0x(&a.voucher_id)))?;
                            v.settled = v.settled.checked_add(a.amount).ok_or(VoucherError::Overflow)?;
                            if v.grant.grant.purpose.single_use {
                                v.single_use_spent = true; // the one use did happen after all
                            }
                            ch.journal.push(journal(EventKind::LateSettled, &v, a.amount, ""));
                            touched.push(v);
                        }
                        rec.parts[part_idx].state = PartState::LateSettled;
                        SettlementOutcome::LateSettled
                    } else {
                        let note = format!("late settlement of a released payment, but {} no longer hold the amount; contact the issuer", short.join(", "));
                        for a in &allocs {
                            if let Some(v) = book.vouchers.get(&a.voucher_id) {
                                ch.journal.push(journal(EventKind::Conflict, v, a.amount, &note));
                            }
                        }
                        rec.parts[part_idx].state = PartState::Conflict(note.clone());
                        SettlementOutcome::Conflict(note)
                    }
                }
                (PartState::Released, false) => {
                    rec.parts[part_idx].state = PartState::Rejected(st.reason.clone());
                    SettlementOutcome::Rejected
                }
                _ => SettlementOutcome::AlreadyApplied,
            };
            if outcome != SettlementOutcome::AlreadyApplied {
                ch.vouchers.extend(touched);
                ch.redemptions.push(rec);
            }
            Ok(outcome)
        })
    }

    /// Apply an issuer's refund (idempotent by refund id): the value returns to the voucher, and
    /// a single-use voucher may be used once more.
    pub fn apply_refund(&self, r: &SignedRefund) -> Result<bool, VoucherError> {
        let now = self.now();
        let rf = &r.refund;
        let signer = r
            .signature
            .recover_address(&rf.digest(&self.domain))
            .map_err(|_| VoucherError::BadSignature("refund"))?;
        self.with_book(|book, ch| {
            let mut v = book
                .vouchers
                .get(&rf.voucher_id)
                .cloned()
                .ok_or_else(|| VoucherError::UnknownVoucher(hex0x(&rf.voucher_id)))?;
            if signer != v.grant.grant.issuer {
                return Err(VoucherError::BadSignature(
                    "refund (not signed by the voucher's issuer)",
                ));
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
    pub fn payment_status(&self, hash: &[u8; 32]) -> Result<Vec<(Address, String)>, VoucherError> {
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
                    (p.issuer, s)
                })
                .collect())
        })
    }

    /// The history journal, oldest first, filtered by voucher and period.
    pub fn history(&self, filter: &HistoryFilter) -> Result<Vec<JournalEntry>, VoucherError> {
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
            out.sort_by_key(|e| e.seq);
            Ok(out)
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
