//! The voucher ledger: the records kept in the vault (vouchers, payments, counters), the
//! in-memory book they load into, and the one way changes reach the vault — a single batch per
//! operation, applied to the book only once it is durable.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use minicbor::{Decode, Encode};

use super::VoucherError;
use super::journal::JournalEntry;
use super::model::*;
use super::views::TrustedIssuer;
use super::wallet::Vouchers;
use crate::keys::Address;
use crate::qr;
use crate::util::hex0x;
use crate::vault::RecordBatch;

pub(super) const NS_VOUCHER: &str = "voucher";
pub(super) const NS_REDEMPTION: &str = "voucher.redemption";
pub(super) const NS_CONFIG: &str = "voucher.config";
pub(super) const NS_JOURNAL: &str = "voucher.journal";
pub(super) const ID_ISSUERS: &str = "issuers";
pub(super) const ID_COUNTERS: &str = "counters";
/// Bumped by every commit of the voucher ledger: another object, process or browser tab that
/// finds a version other than the one it loaded reloads before acting.
pub(super) const ID_VERSION: &str = "version";

#[derive(Debug, Clone)]
pub(super) struct VoucherRecord {
    pub(super) grant: SignedGrant,
    pub(super) settled: u64,
    pub(super) reserved: u64,
    pub(super) refunded: u64,
    pub(super) single_use_spent: bool,
    /// (local day, amount allocated that day), last few days only.
    pub(super) daily: Vec<(i64, u64)>,
    pub(super) imported_at: u64,
    pub(super) refund_ids: Vec<Vec<u8>>,
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
    pub(super) fn remaining(&self) -> u64 {
        let total = u128::from(self.grant.grant.amount) + u128::from(self.refunded);
        let out = total.saturating_sub(u128::from(self.settled) + u128::from(self.reserved));
        u64::try_from(out).unwrap_or(u64::MAX)
    }

    pub(super) fn spent_on(&self, day: i64) -> u64 {
        self.daily
            .iter()
            .filter(|(d, _)| *d == day)
            .map(|(_, a)| *a)
            .sum()
    }

    pub(super) fn id_hex(&self) -> String {
        hex0x(&self.grant.grant.id)
    }
}

/// The settlement state of one issuer's part of a redemption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PartState {
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
pub(super) struct Part {
    pub(super) issuer: Address,
    pub(super) amount: u64,
    pub(super) state: PartState,
}

cbor_array!(Part {
    issuer,
    amount,
    state
});

#[derive(Debug, Clone)]
pub(super) struct RedemptionRecord {
    pub(super) request: SignedRequest,
    pub(super) payload: RedemptionPayload,
    pub(super) hash: [u8; 32],
    pub(super) parts: Vec<Part>,
}

cbor_array!(RedemptionRecord { request, payload, hash as bytes, parts });

#[derive(Debug, Clone, Default)]
pub(super) struct Counters {
    pub(super) journal_next: u64,
    /// (holder, next sequence number).
    pub(super) sequences: Vec<(Address, u64)>,
}

cbor_array!(Counters {
    journal_next,
    sequences
});

impl Counters {
    pub(super) fn next_sequence(&self, holder: &Address) -> u64 {
        self.sequences
            .iter()
            .find(|(h, _)| h == holder)
            .map(|(_, s)| *s)
            .unwrap_or(0)
    }
    pub(super) fn set_sequence(&mut self, holder: Address, next: u64) {
        match self.sequences.iter_mut().find(|(h, _)| *h == holder) {
            Some(e) => e.1 = next,
            None => self.sequences.push((holder, next)),
        }
    }
}

#[derive(Default)]
pub(super) struct Book {
    /// The ledger version this book was loaded at (see [`ID_VERSION`]).
    pub(super) version: u64,
    pub(super) vouchers: BTreeMap<Id, VoucherRecord>,
    pub(super) redemptions: HashMap<Id, RedemptionRecord>,
    pub(super) by_hash: HashMap<[u8; 32], Id>,
    pub(super) issuers: Vec<TrustedIssuer>,
    pub(super) counters: Counters,
}

/// Changes of one operation, committed in one vault batch and then applied to the cache.
#[derive(Default)]
pub(super) struct Changes {
    pub(super) vouchers: Vec<VoucherRecord>,
    pub(super) redemptions: Vec<RedemptionRecord>,
    pub(super) journal: Vec<JournalEntry>,
    pub(super) issuers: Option<Vec<TrustedIssuer>>,
    pub(super) counters: Option<Counters>,
}

/// The voucher ledger of one wallet, loaded on first use.
#[derive(Default)]
pub(super) struct SharedBook(pub(super) Mutex<Option<Book>>);

pub(super) fn enc<T: Encode<()>>(v: &T) -> Vec<u8> {
    qr::to_cbor(v)
}

pub(super) fn dec<'b, T: Decode<'b, ()>>(b: &'b [u8], what: &str) -> Result<T, VoucherError> {
    qr::from_cbor(b).map_err(|_| VoucherError::Corrupt(format!("unreadable {what} record")))
}

impl Vouchers {
    /// Run `f` on the current book, then commit its changes in one batch.
    ///
    /// Concurrency: the vault's process-wide "voucher" lock is held from the version check to
    /// the commit, so every object of this process on this vault takes its turn; the stored
    /// ledger version is compared with the loaded one first, so changes made by another
    /// object, process or browser tab are read before anything is decided.
    pub(super) fn with_book<T>(
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

    pub(super) fn stored_version(&self) -> Result<u64, VoucherError> {
        match self.wallet.vault().get(NS_CONFIG, ID_VERSION)? {
            None => Ok(0),
            Some(raw) => <[u8; 8]>::try_from(raw.as_slice())
                .map(u64::from_be_bytes)
                .map_err(|_| VoucherError::Corrupt("unreadable ledger version".into())),
        }
    }

    pub(super) fn load(&self, version: u64) -> Result<Book, VoucherError> {
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

    pub(super) fn commit(&self, book: &mut Book, ch: Changes) -> Result<(), VoucherError> {
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
}
