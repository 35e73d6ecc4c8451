//! The two value types of the chain: 256-bit integers and byte strings, both shown as text in
//! every binding (`U256` decimal, `HexData` `0x` hex).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::EvmError;
use crate::keys::eip712::{parse_dec_u256, parse_hex_u256};
use crate::util::{hex0x, unhex};

/// An unsigned 256-bit integer (wei amounts, token amounts and ids), big-endian.
/// Text: decimal, or `0x` hex on input; JSON numbers are taken when whole.
///
/// ```
/// use jigap_core::evm::U256;
/// let v: U256 = "0xde0b6b3a7640000".parse().unwrap();
/// assert_eq!(v.to_string(), "1000000000000000000");
/// assert_eq!(v.format_units(18), "1");
/// assert_eq!(U256::from_u128(5_000_000_000).format_units(6), "5,000");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct U256(pub [u8; 32]);

impl U256 {
    /// Zero.
    pub const ZERO: U256 = U256([0; 32]);
    /// 2^256 − 1 (an "unlimited" approval).
    pub const MAX: U256 = U256([0xff; 32]);

    /// From a `u128`.
    pub fn from_u128(v: u128) -> U256 {
        let mut out = [0u8; 32];
        out[16..].copy_from_slice(&v.to_be_bytes());
        U256(out)
    }

    /// The value if it fits a `u128`.
    pub fn to_u128(&self) -> Option<u128> {
        self.0[..16]
            .iter()
            .all(|b| *b == 0)
            .then(|| u128::from_be_bytes(self.0[16..].try_into().unwrap_or_default()))
    }

    /// The value if it fits a `u64`.
    pub fn to_u64(&self) -> Option<u64> {
        self.to_u128().and_then(|v| u64::try_from(v).ok())
    }

    /// Zero?
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 32]
    }

    /// The big-endian bytes without leading zeros (RLP's integer form).
    pub fn trimmed(&self) -> &[u8] {
        let first = self.0.iter().position(|b| *b != 0).unwrap_or(32);
        &self.0[first..]
    }

    /// From up to 32 big-endian bytes.
    pub fn from_be_slice(b: &[u8]) -> Option<U256> {
        if b.len() > 32 {
            return None;
        }
        let mut out = [0u8; 32];
        out[32 - b.len()..].copy_from_slice(b);
        Some(U256(out))
    }

    /// Decimal digits.
    fn decimal(&self) -> String {
        let mut n = self.0;
        let mut digits = Vec::with_capacity(78);
        loop {
            // Divide by 10, keeping the remainder.
            let mut rem = 0u32;
            for b in n.iter_mut() {
                let cur = (rem << 8) | u32::from(*b);
                *b = (cur / 10) as u8;
                rem = cur % 10;
            }
            digits.push(b'0' + rem as u8);
            if n == [0; 32] {
                break;
            }
        }
        digits.reverse();
        String::from_utf8(digits).unwrap_or_default()
    }

    /// The amount in units of `10^decimals`, with thousands separators and no trailing zeros:
    /// `5000000000` with 6 decimals is `5,000`; with 18 decimals `0.000000005`.
    pub fn format_units(&self, decimals: u8) -> String {
        let digits = self.decimal();
        let d = usize::from(decimals);
        let (int, frac) = if digits.len() > d {
            digits.split_at(digits.len() - d)
        } else {
            ("0", "")
        };
        let frac = if digits.len() > d {
            frac.to_string()
        } else {
            format!("{}{}", "0".repeat(d - digits.len()), digits)
        };
        let mut grouped = String::with_capacity(int.len() + int.len() / 3);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            grouped
        } else {
            format!("{grouped}.{frac}")
        }
    }
}

impl U256 {
    /// An amount written in units of `10^decimals` (`"1.5"` ETH, `"5000"` KRWT) in the smallest
    /// unit; more fraction digits than `decimals`, or a value past 2^256 − 1, is refused.
    ///
    /// ```
    /// use jigap_core::evm::U256;
    /// assert_eq!(U256::parse_units("0.05", 18).unwrap().to_string(), "50000000000000000");
    /// assert!(U256::parse_units("0.1234567", 6).is_err());
    /// ```
    pub fn parse_units(amount: &str, decimals: u8) -> Result<U256, EvmError> {
        let t = amount.trim().replace(',', "");
        let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
        let d = usize::from(decimals);
        let refuse = |why: &str| {
            EvmError::InvalidTransaction(format!(
                "amount '{}': {why}",
                amount.chars().take(80).collect::<String>()
            ))
        };
        if int.is_empty() && frac.is_empty()
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(refuse("not a number (digits, and one '.' for a fraction)"));
        }
        if frac.len() > d {
            return Err(refuse(&format!("more than {d} digits after the point")));
        }
        let digits = format!("{int}{frac}{}", "0".repeat(d - frac.len()));
        let digits = digits.trim_start_matches('0');
        if digits.is_empty() {
            return Ok(U256::ZERO);
        }
        parse_dec_u256(digits)
            .map(U256)
            .ok_or_else(|| refuse("too large"))
    }
}

impl fmt::Display for U256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.decimal())
    }
}

impl fmt::Debug for U256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.decimal())
    }
}

impl FromStr for U256 {
    type Err = EvmError;
    fn from_str(s: &str) -> Result<U256, EvmError> {
        let t = s.trim();
        let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some("") => Some([0; 32]),
            Some(h) => parse_hex_u256(h),
            None => parse_dec_u256(t),
        };
        parsed.map(U256).ok_or_else(|| {
            EvmError::InvalidTransaction(format!(
                "'{}' is not a whole number from 0 to 2^256 − 1 (use decimal digits or 0x hex)",
                t.chars().take(80).collect::<String>()
            ))
        })
    }
}

impl From<u64> for U256 {
    fn from(v: u64) -> U256 {
        U256::from_u128(u128::from(v))
    }
}

impl Serialize for U256 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for U256 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = U256;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number: decimal or 0x hex text, or a JSON number")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<U256, E> {
                s.parse().map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<U256, E> {
                Ok(U256::from(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<U256, E> {
                u64::try_from(n)
                    .map(U256::from)
                    .map_err(|_| E::custom("a negative number where a whole number ≥ 0 belongs"))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<U256, E> {
                // Only exactly representable whole numbers (a JS number is a double).
                if n >= 0.0 && n.fract() == 0.0 && n < 9_007_199_254_740_992.0 {
                    Ok(U256::from(n as u64))
                } else {
                    Err(E::custom(
                        "a number that is not a whole number below 2^53: pass big values as text",
                    ))
                }
            }
            fn visit_u128<E: serde::de::Error>(self, n: u128) -> Result<U256, E> {
                Ok(U256::from_u128(n))
            }
        }
        d.deserialize_any(V)
    }
}

/// Bytes shown as `0x` hex (calldata, raw transactions, return data).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct HexData(pub Vec<u8>);

impl fmt::Display for HexData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex0x(&self.0))
    }
}

impl fmt::Debug for HexData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex0x(&self.0))
    }
}

impl FromStr for HexData {
    type Err = EvmError;
    fn from_str(s: &str) -> Result<HexData, EvmError> {
        let t = s.trim();
        if !(t.starts_with("0x") || t.starts_with("0X")) {
            return Err(EvmError::InvalidTransaction(format!(
                "'{}' is not 0x-prefixed hex bytes",
                t.chars().take(80).collect::<String>()
            )));
        }
        unhex(t).map(HexData).map_err(|_| {
            EvmError::InvalidTransaction(format!(
                "'{}' is not hex bytes (an even number of 0-9, a-f after 0x)",
                t.chars().take(80).collect::<String>()
            ))
        })
    }
}

impl From<Vec<u8>> for HexData {
    fn from(v: Vec<u8>) -> HexData {
        HexData(v)
    }
}

impl Serialize for HexData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HexData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<HexData, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A `u64` field from a JSON number, decimal text or `0x` hex (TX.json, node replies).
pub(crate) fn de_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = U256::deserialize(d)?;
    v.to_u64()
        .ok_or_else(|| serde::de::Error::custom(format!("{v} does not fit 64 bits")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_and_hex_round_trip() {
        for s in [
            "0",
            "1",
            "255",
            "1000000000000000000",
            &U256::MAX.to_string(),
        ] {
            assert_eq!(s.parse::<U256>().unwrap().to_string(), s);
        }
        assert_eq!(
            U256::MAX.to_string(),
            "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        );
        assert_eq!("0x0".parse::<U256>().unwrap(), U256::ZERO);
        assert!("-1".parse::<U256>().is_err());
        assert!("1.5".parse::<U256>().is_err());
        assert!(format!("0x1{}", "0".repeat(64)).parse::<U256>().is_err());
    }

    #[test]
    fn units() {
        let eth = |s: &str| s.parse::<U256>().unwrap().format_units(18);
        assert_eq!(eth("50000000000000000"), "0.05");
        assert_eq!(eth("1234567000000000000000"), "1,234.567");
        assert_eq!(eth("0"), "0");
        assert_eq!(U256::from_u128(5000).format_units(0), "5,000");
        assert_eq!(U256::from_u128(999).format_units(0), "999");
        assert_eq!(U256::from_u128(1).format_units(18), "0.000000000000000001");
    }
}
