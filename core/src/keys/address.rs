//! Ethereum addresses with EIP-55 mixed-case checksums.

use std::fmt;
use std::str::FromStr;

use super::KeysError;
use crate::util::keccak256;

/// A 20-byte Ethereum address. `Display` gives the EIP-55 form.
///
/// ```
/// use jigap_core::keys::Address;
/// let a: Address = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359".parse().unwrap();
/// assert_eq!(a.to_string(), "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
/// // Mixed case must be the right checksum.
/// assert!("0xFb6916095ca1df60bB79Ce92cE3Ea74c37c5d359".parse::<Address>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The EIP-55 checksummed form, `0x`-prefixed.
    pub fn to_checksum(&self) -> String {
        let lower = hex::encode(self.0);
        let hash = keccak256(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            if c.is_ascii_alphabetic() && nibble >= 8 {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Parse from 20 raw bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Address, KeysError> {
        let arr: [u8; 20] = bytes
            .try_into()
            .map_err(|_| KeysError::BadAddress(format!("{} bytes, expected 20", bytes.len())))?;
        Ok(Address(arr))
    }
}

impl FromStr for Address {
    type Err = KeysError;
    fn from_str(s: &str) -> Result<Self, KeysError> {
        let t = s.trim();
        let body = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0X"))
            .unwrap_or(t);
        if body.len() != 40 || !body.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(KeysError::BadAddress(format!(
                "'{t}' is not 40 hexadecimal digits"
            )));
        }
        let mut a = [0u8; 20];
        hex::decode_to_slice(body, &mut a)
            .map_err(|_| KeysError::BadAddress(format!("'{t}' is not hexadecimal")))?;
        let addr = Address(a);
        let has_lower = body.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = body.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper && addr.to_checksum()[2..] != *body {
            return Err(KeysError::AddressChecksum(t.to_string()));
        }
        Ok(addr)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_checksum())
    }
}

impl serde::Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_checksum())
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The EIP-55 specification's examples.
    const EIP55: [&str; 8] = [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
    ];

    #[test]
    fn eip55_examples() {
        for s in EIP55 {
            let a: Address = s.parse().unwrap();
            assert_eq!(a.to_string(), s);
            let lower: Address = s.to_lowercase().parse().unwrap();
            assert_eq!(lower, a);
        }
    }

    #[test]
    fn wrong_checksum_is_refused() {
        let e = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
            .parse::<Address>()
            .unwrap_err();
        assert!(matches!(e, KeysError::AddressChecksum(_)));
        assert!(
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"
                .parse::<Address>()
                .is_err()
        );
        assert!(
            "0xzzAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
                .parse::<Address>()
                .is_err()
        );
    }
}
