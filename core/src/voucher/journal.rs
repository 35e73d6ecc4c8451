//! The history journal: one line per thing that happened to a voucher, numbered in order.

use super::model::Id;
use crate::keys::Address;

/// What happened, for the history journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "snake_case")
)]
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
    /// After expiry, the issuer reclaimed what was left on chain.
    Reclaimed,
}

const EVENT_KINDS: [EventKind; 9] = [
    EventKind::Imported,
    EventKind::Reserved,
    EventKind::Settled,
    EventKind::Rejected,
    EventKind::Released,
    EventKind::LateSettled,
    EventKind::Conflict,
    EventKind::Refunded,
    EventKind::Reclaimed,
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
            EventKind::Reclaimed => "reclaimed",
        }
    }
}

/// One line of the history journal as the vault keeps it (apps see
/// [`super::VoucherEvent`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JournalEntry {
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
