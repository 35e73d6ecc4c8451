//! The plain data of a ticket: token id, ticket reference, event, seat, transfer policy, grant.

use std::fmt;
use std::str::FromStr;

use crate::keys::Address;

use super::{TicketError, limits};

/// An ERC-721 token id: a full 256-bit unsigned integer, big-endian.
///
/// Parsed from decimal or `0x` hex; shown in decimal.
///
/// ```
/// use jigap_core::ticket::TokenId;
/// let max: TokenId = "115792089237316195423570985008687907853269984665640564039457584007913129639935".parse().unwrap();
/// assert_eq!(max, TokenId([0xff; 32]));
/// assert_eq!("0x2a".parse::<TokenId>().unwrap(), TokenId::from_u64(42));
/// assert_eq!(TokenId::from_u64(42).to_string(), "42");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TokenId(pub [u8; 32]);

impl TokenId {
    /// A token id that fits in 64 bits.
    pub fn from_u64(v: u64) -> TokenId {
        let mut out = [0u8; 32];
        out[24..].copy_from_slice(&v.to_be_bytes());
        TokenId(out)
    }

    /// From 0 to 32 big-endian bytes (leading zeros allowed).
    pub fn from_be_slice(bytes: &[u8]) -> Result<TokenId, TicketError> {
        if bytes.len() > 32 {
            return Err(TicketError::invalid(
                "token id",
                format!("{} bytes; a uint256 has at most 32", bytes.len()),
            ));
        }
        let mut out = [0u8; 32];
        out[32 - bytes.len()..].copy_from_slice(bytes);
        Ok(TokenId(out))
    }

    /// The big-endian bytes without leading zeros (empty for zero): the compact wire form.
    pub fn minimal_bytes(&self) -> &[u8] {
        let first = self.0.iter().position(|b| *b != 0).unwrap_or(32);
        &self.0[first..]
    }
}

impl FromStr for TokenId {
    type Err = TicketError;
    fn from_str(s: &str) -> Result<TokenId, TicketError> {
        let t = s.trim();
        let bad = |why: &str| TicketError::invalid("token id", format!("'{t}' {why}"));
        if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            let h = h.trim_start_matches('0');
            if h.len() > 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad("is not a hexadecimal uint256"));
            }
            let padded = format!("{h:0>64}");
            let mut out = [0u8; 32];
            hex::decode_to_slice(padded, &mut out).map_err(|_| bad("is not hexadecimal"))?;
            return Ok(TokenId(out));
        }
        if t.is_empty() || t.len() > 78 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("is not a decimal uint256"));
        }
        let mut out = [0u8; 32];
        for d in t.bytes() {
            let mut carry = u32::from(d - b'0');
            for b in out.iter_mut().rev() {
                let x = u32::from(*b) * 10 + carry;
                *b = (x & 0xff) as u8;
                carry = x >> 8;
            }
            if carry != 0 {
                return Err(bad("is larger than 2^256 - 1"));
            }
        }
        Ok(TokenId(out))
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Repeated division by 10 of the big-endian number.
        let mut n = self.0;
        let mut digits = Vec::with_capacity(78);
        loop {
            let mut rem = 0u32;
            let mut zero = true;
            for b in n.iter_mut() {
                let cur = (rem << 8) | u32::from(*b);
                *b = (cur / 10) as u8;
                rem = cur % 10;
                zero &= *b == 0;
            }
            digits.push(b'0' + rem as u8);
            if zero {
                break;
            }
        }
        digits.reverse();
        f.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenId({self})")
    }
}

/// Which token a ticket is: chain id, ERC-721 contract and token id. Its text form is
/// `chainId:contract:tokenId`, for example `1:0x5FbDB2315678afecb367f032d93F642f64180aa3:42`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketRef {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// The ERC-721 contract.
    pub contract: Address,
    /// The token id.
    pub token_id: TokenId,
}

impl fmt::Display for TicketRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.chain_id, self.contract, self.token_id)
    }
}

impl fmt::Debug for TicketRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TicketRef({self})")
    }
}

impl FromStr for TicketRef {
    type Err = TicketError;
    fn from_str(s: &str) -> Result<TicketRef, TicketError> {
        let mut parts = s.trim().splitn(3, ':');
        let (Some(c), Some(a), Some(t)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(TicketError::invalid(
                "ticket",
                format!("'{s}' is not chainId:contract:tokenId"),
            ));
        };
        Ok(TicketRef {
            chain_id: c.parse().map_err(|_| {
                TicketError::invalid("ticket", format!("chain id '{c}' is not a number"))
            })?,
            contract: a.parse()?,
            token_id: t.parse()?,
        })
    }
}

/// An event: the gate is configured with these, so they need not travel in the pass.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketEvent {
    /// Short id, unique per issuer (at most [`limits::EVENT_ID`] bytes; it travels in the pass).
    pub id: String,
    /// Name (at most [`limits::EVENT_NAME`] bytes).
    pub name: String,
    /// Venue (at most [`limits::VENUE`] bytes).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub venue: String,
    /// Doors open, Unix seconds: the gate admits from then.
    pub doors_open: u64,
    /// Start, Unix seconds.
    pub start: u64,
    /// End, Unix seconds: the gate admits until then.
    pub end: u64,
}

impl TicketEvent {
    /// Check lengths and that doors open ≤ start < end.
    pub fn validate(&self) -> Result<(), TicketError> {
        text("event id", &self.id, 1, limits::EVENT_ID)?;
        text("event name", &self.name, 1, limits::EVENT_NAME)?;
        text("venue", &self.venue, 0, limits::VENUE)?;
        if !(self.doors_open <= self.start && self.start < self.end) {
            return Err(TicketError::invalid(
                "event times",
                format!(
                    "doors open {}, start {}, end {}: they must satisfy doors open ≤ start < end",
                    self.doors_open, self.start, self.end
                ),
            ));
        }
        Ok(())
    }
}

/// A seat, or general admission.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketSeat {
    /// General admission: no row and no number (a section may name the area).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub general_admission: bool,
    /// Section or area (at most [`limits::SECTION`] bytes).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub section: String,
    /// Row (at most [`limits::ROW`] bytes).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub row: String,
    /// Seat number (at most [`limits::NUMBER`] bytes).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub number: String,
}

impl TicketSeat {
    /// A reserved seat.
    pub fn reserved(section: &str, row: &str, number: &str) -> TicketSeat {
        TicketSeat {
            general_admission: false,
            section: section.into(),
            row: row.into(),
            number: number.into(),
        }
    }

    /// General admission, optionally to a named area.
    pub fn general(area: &str) -> TicketSeat {
        TicketSeat {
            general_admission: true,
            section: area.into(),
            ..TicketSeat::default()
        }
    }

    /// Check lengths; general admission has no row or number, a reserved seat has a number.
    pub fn validate(&self) -> Result<(), TicketError> {
        text("seat section", &self.section, 0, limits::SECTION)?;
        text("seat row", &self.row, 0, limits::ROW)?;
        text("seat number", &self.number, 0, limits::NUMBER)?;
        if self.general_admission && !(self.row.is_empty() && self.number.is_empty()) {
            return Err(TicketError::invalid(
                "seat",
                "general admission has no row or seat number; leave them empty",
            ));
        }
        if !self.general_admission && self.number.is_empty() {
            return Err(TicketError::invalid(
                "seat",
                "a reserved seat needs a seat number (or mark it general admission)",
            ));
        }
        Ok(())
    }
}

impl fmt::Display for TicketSeat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.general_admission {
            if self.section.is_empty() {
                f.write_str("general admission")
            } else {
                write!(f, "general admission, {}", self.section)
            }
        } else {
            let mut parts = Vec::new();
            if !self.section.is_empty() {
                parts.push(format!("section {}", self.section));
            }
            if !self.row.is_empty() {
                parts.push(format!("row {}", self.row));
            }
            parts.push(format!("seat {}", self.number));
            f.write_str(&parts.join(", "))
        }
    }
}

/// Whether and how a ticket may change hands.
///
/// A non-transferable ticket is the ERC-5192 "locked" kind (soulbound to its holder).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketTransferPolicy {
    /// Whether transfers are allowed at all.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub transferable: bool,
    /// Currency of the price cap (1 to [`limits::CURRENCY`] characters `A-Z0-9`, e.g. `KRW`);
    /// empty when not transferable.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub currency: String,
    /// The highest resale price, in minor units of `currency`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub price_cap: u64,
    /// How many times the ticket may be transferred in all (at least 1 when transferable).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub max_transfers: u8,
}

impl TicketTransferPolicy {
    /// Not transferable (ERC-5192 locked).
    pub fn non_transferable() -> TicketTransferPolicy {
        TicketTransferPolicy::default()
    }

    /// Transferable up to `price_cap` minor units of `currency`, at most `max_transfers` times.
    pub fn capped(currency: &str, price_cap: u64, max_transfers: u8) -> TicketTransferPolicy {
        TicketTransferPolicy {
            transferable: true,
            currency: currency.into(),
            price_cap,
            max_transfers,
        }
    }

    /// Check the policy is coherent.
    pub fn validate(&self) -> Result<(), TicketError> {
        if !self.transferable {
            if !self.currency.is_empty() || self.price_cap != 0 || self.max_transfers != 0 {
                return Err(TicketError::invalid(
                    "transfer policy",
                    "a non-transferable ticket has no currency, price cap or transfer count; leave them empty",
                ));
            }
            return Ok(());
        }
        if self.currency.is_empty()
            || self.currency.len() > limits::CURRENCY
            || !self
                .currency
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(TicketError::invalid(
                "currency",
                format!(
                    "'{}' must be 1 to {} characters A-Z or 0-9, like KRW",
                    self.currency,
                    limits::CURRENCY
                ),
            ));
        }
        if self.max_transfers == 0 {
            return Err(TicketError::invalid(
                "transfer policy",
                "a transferable ticket allows at least 1 transfer; use non-transferable otherwise",
            ));
        }
        Ok(())
    }

    /// Whether a transfer at `price` in `currency`, after `transfers_so_far`, is allowed; the
    /// error says why not.
    pub fn check(
        &self,
        price: u64,
        currency: &str,
        transfers_so_far: u8,
    ) -> Result<(), TicketError> {
        if !self.transferable {
            return Err(TicketError::NotTransferable);
        }
        if currency != self.currency {
            return Err(TicketError::WrongCurrency {
                expected: self.currency.clone(),
                got: currency.to_string(),
            });
        }
        if price > self.price_cap {
            return Err(TicketError::OverPriceCap {
                price,
                cap: self.price_cap,
                currency: self.currency.clone(),
            });
        }
        if transfers_so_far >= self.max_transfers {
            return Err(TicketError::TooManyTransfers {
                max: self.max_transfers,
            });
        }
        Ok(())
    }
}

/// The issuer's statement: who holds which ticket, for which event and seat, under which
/// transfer policy. Signed as the EIP-712 struct `TicketGrant` (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketGrant {
    /// EIP-155 chain id of the ERC-721 contract.
    pub chain_id: u64,
    /// The ERC-721 contract (also the EIP-712 `verifyingContract`).
    pub contract: Address,
    /// The token id.
    pub token_id: TokenId,
    /// The holder's account.
    pub holder: Address,
    /// The holder's Ed25519 pass key, which signs the rotating passes.
    pub pass_key: [u8; 32],
    /// The event.
    pub event: TicketEvent,
    /// The seat.
    pub seat: TicketSeat,
    /// Tier or price category (at most [`limits::TIER`] bytes).
    pub tier: String,
    /// The transfer policy.
    pub policy: TicketTransferPolicy,
    /// Transfers so far.
    pub transfers: u8,
    /// When the issuer signed this grant, Unix seconds (below 2^32).
    pub issued_at: u64,
}

impl TicketGrant {
    /// The ticket reference (chain, contract, token id).
    pub fn ticket_ref(&self) -> TicketRef {
        TicketRef {
            chain_id: self.chain_id,
            contract: self.contract,
            token_id: self.token_id,
        }
    }

    /// Check every field: lengths, event times, seat, policy, transfer count.
    pub fn validate(&self) -> Result<(), TicketError> {
        self.event.validate()?;
        self.seat.validate()?;
        text("tier", &self.tier, 0, limits::TIER)?;
        self.policy.validate()?;
        if self.transfers > self.policy.max_transfers {
            return Err(TicketError::invalid(
                "transfers",
                format!(
                    "{} transfers so far, but the policy allows {}",
                    self.transfers, self.policy.max_transfers
                ),
            ));
        }
        if self.issued_at > u64::from(u32::MAX) {
            return Err(TicketError::invalid(
                "issued at",
                "must be Unix seconds below 2^32",
            ));
        }
        Ok(())
    }

    /// ERC-5192: a non-transferable ticket is locked to its holder.
    pub fn locked(&self) -> bool {
        !self.policy.transferable
    }
}

/// Check a text field's length in bytes and refuse control characters.
pub(crate) fn text(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<(), TicketError> {
    if value.len() < min || value.len() > max {
        return Err(TicketError::invalid(
            field,
            if min > 0 {
                format!(
                    "{} bytes; it must be {min} to {max} bytes (UTF-8)",
                    value.len()
                )
            } else {
                format!(
                    "{} bytes; it must be at most {max} bytes (UTF-8)",
                    value.len()
                )
            },
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(TicketError::invalid(
            field,
            "contains control characters; use plain text",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_ids() {
        for v in [0u64, 1, 9, 10, 255, 256, 1_000_000, u64::MAX] {
            let t = TokenId::from_u64(v);
            assert_eq!(t.to_string(), v.to_string());
            assert_eq!(t.to_string().parse::<TokenId>().unwrap(), t);
        }
        assert!(TokenId::from_u64(0).minimal_bytes().is_empty());
        assert_eq!(TokenId::from_u64(0x1234).minimal_bytes(), &[0x12, 0x34]);
        let max = TokenId([0xff; 32]);
        let s = max.to_string();
        assert_eq!(s.len(), 78);
        assert_eq!(s.parse::<TokenId>().unwrap(), max);
        assert!(
            "115792089237316195423570985008687907853269984665640564039457584007913129639936"
                .parse::<TokenId>()
                .is_err()
        );
        assert!(format!("0x1{}", "0".repeat(64)).parse::<TokenId>().is_err());
        assert!("-1".parse::<TokenId>().is_err());
        assert!("".parse::<TokenId>().is_err());
        assert!(TokenId::from_be_slice(&[1u8; 33]).is_err());
    }

    #[test]
    fn ticket_ref_text() {
        let r = TicketRef {
            chain_id: 1,
            contract: Address([0x11; 20]),
            token_id: TokenId::from_u64(42),
        };
        let s = r.to_string();
        assert_eq!(s.parse::<TicketRef>().unwrap(), r);
        assert!("1:0x11".parse::<TicketRef>().is_err());
    }

    #[test]
    fn policy_rules() {
        let p = TicketTransferPolicy::capped("KRW", 100, 2);
        p.validate().unwrap();
        p.check(100, "KRW", 1).unwrap();
        assert!(matches!(
            p.check(101, "KRW", 0),
            Err(TicketError::OverPriceCap { .. })
        ));
        assert!(matches!(
            p.check(1, "USD", 0),
            Err(TicketError::WrongCurrency { .. })
        ));
        assert!(matches!(
            p.check(1, "KRW", 2),
            Err(TicketError::TooManyTransfers { max: 2 })
        ));
        assert!(matches!(
            TicketTransferPolicy::non_transferable().check(0, "", 0),
            Err(TicketError::NotTransferable)
        ));
        assert!(
            TicketTransferPolicy::capped("krw", 1, 1)
                .validate()
                .is_err()
        );
        assert!(
            TicketTransferPolicy::capped("KRW", 1, 0)
                .validate()
                .is_err()
        );
    }

    #[test]
    fn seats() {
        TicketSeat::reserved("A", "3", "12").validate().unwrap();
        TicketSeat::general("Floor").validate().unwrap();
        assert!(TicketSeat::reserved("A", "3", "").validate().is_err());
        let mut s = TicketSeat::general("");
        s.row = "1".into();
        assert!(s.validate().is_err());
        assert!(
            TicketSeat::reserved(&"x".repeat(100), "1", "1")
                .validate()
                .is_err()
        );
        assert_eq!(
            TicketSeat::reserved("A", "3", "12").to_string(),
            "section A, row 3, seat 12"
        );
    }
}
