//! What the binding crates need from the core's types, behind the `uniffi` and `wasm` features:
//! the UniFFI scaffolding of the core's records, and the "string types" (addresses, 32-byte
//! ids and digests, signatures, token ids, ticket references, public keys) that every binding
//! shows as text under the core's own type name — `typealias Address = String` in Kotlin and
//! Swift, `type Address = string` in TypeScript.
//!
//! Nothing here is a rule: the conversions are the types' own `Display` and `FromStr`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::util::hex0x;

/// 32 bytes shown as `0x` + 64 hex digits: voucher, request and refund ids, digests, Ed25519
/// public keys.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Bytes32(pub [u8; 32]);

impl fmt::Display for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex0x(&self.0))
    }
}

impl fmt::Debug for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A text that is not 32 bytes of `0x` hex.
#[derive(Debug, Clone, thiserror::Error)]
#[error("'{0}' is not 32 bytes of hex (0x + 64 hex digits)")]
pub struct Bytes32Error(pub String);

impl FromStr for Bytes32 {
    type Err = Bytes32Error;
    fn from_str(s: &str) -> Result<Bytes32, Bytes32Error> {
        let t = s.trim();
        let h = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0X"))
            .unwrap_or(t);
        let mut out = [0u8; 32];
        hex::decode_to_slice(h, &mut out)
            .map_err(|_| Bytes32Error(s.chars().take(80).collect()))?;
        Ok(Bytes32(out))
    }
}

impl From<[u8; 32]> for Bytes32 {
    fn from(b: [u8; 32]) -> Bytes32 {
        Bytes32(b)
    }
}

impl From<Bytes32> for [u8; 32] {
    fn from(b: Bytes32) -> [u8; 32] {
        b.0
    }
}

/// Serde as text through `Display` / `FromStr`, for the string types.
macro_rules! serde_as_string {
    ($($t:ty),* $(,)?) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

// (`Address` has had its own serde, as EIP-55 text, from the start.)
serde_as_string!(
    Bytes32,
    crate::keys::DerivationPath,
    crate::keys::Signature,
    crate::keys::PublicKey,
);
#[cfg(feature = "tickets")]
serde_as_string!(crate::ticket::TicketRef);

/// A token id is text (decimal or `0x` hex, up to 2^256 − 1); a whole number is taken too.
#[cfg(feature = "tickets")]
impl Serialize for crate::ticket::TokenId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "tickets")]
impl<'de> Deserialize<'de> for crate::ticket::TokenId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = crate::ticket::TokenId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a token id: decimal or 0x hex text, or a whole number")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
                s.parse().map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
                Ok(crate::ticket::TokenId::from_u64(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
                u64::try_from(n)
                    .map(crate::ticket::TokenId::from_u64)
                    .map_err(|_| E::custom("a token id is not negative"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Serde as the QR text (`to_text` / `from_text`), for the signed ticket payloads.
#[cfg(feature = "tickets")]
macro_rules! serde_as_text {
    ($($t:ty),* $(,)?) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_text())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$t>::from_text(&s).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

#[cfg(feature = "tickets")]
serde_as_text!(
    crate::ticket::TicketIdentity,
    crate::ticket::SignedGrant,
    crate::ticket::TransferRequest,
    crate::ticket::GateAuthorization,
    crate::ticket::CheckInReceipt,
);

/// The UniFFI side: scaffolding for the core's records, and each string type as a custom type
/// over `String`.
#[cfg(feature = "uniffi")]
mod ffi {
    use super::Bytes32;
    #[cfg(feature = "credentials")]
    use crate::credential::JsonObject;
    use crate::error::JigapError;
    use crate::keys::{Address, DerivationPath, Language, PublicKey, Signature};
    #[cfg(feature = "tickets")]
    use crate::ticket::{
        CheckInReceipt, GateAuthorization, SignedGrant, TicketIdentity, TicketRef, TokenId,
        TransferRequest,
    };

    /// A text the core refuses becomes the binding's `InvalidInput` (or whatever kind the
    /// core gives it), not an internal error.
    fn refused(e: impl Into<JigapError>) -> uniffi::deps::anyhow::Error {
        uniffi::deps::anyhow::Error::new(e.into())
    }

    macro_rules! custom_string {
        ($($t:ident),* $(,)?) => {$(
            uniffi::custom_type!($t, String, {
                lower: |v| v.to_string(),
                try_lift: |s| s.parse::<$t>().map_err(refused),
            });
        )*};
    }

    custom_string!(Address, Bytes32, DerivationPath, Signature, PublicKey);
    use crate::evm::{HexData, U256};
    custom_string!(U256, HexData);
    #[cfg(feature = "credentials")]
    custom_string!(JsonObject);
    #[cfg(feature = "tickets")]
    custom_string!(TokenId, TicketRef);

    /// The signed ticket payloads travel as their QR text (`JGID:`, `JGTG:`, `JGTR:`, `JGGA:`,
    /// `JGCR:`): what an app scans, shows or sends is what it holds.
    #[cfg(feature = "tickets")]
    macro_rules! custom_text {
        ($($t:ident),* $(,)?) => {$(
            uniffi::custom_type!($t, String, {
                lower: |v| v.to_text(),
                try_lift: |s| $t::from_text(&s).map_err(refused),
            });
        )*};
    }

    #[cfg(feature = "tickets")]
    custom_text!(
        TicketIdentity,
        SignedGrant,
        TransferRequest,
        GateAuthorization,
        CheckInReceipt
    );

    // A wordlist by its code (`en`, `ko`, `ja`, …).
    uniffi::custom_type!(Language, String, {
        lower: |l| l.code().to_string(),
        try_lift: |s| Language::parse(&s).map_err(refused),
    });
}

/// The TypeScript side: each string type is declared as an alias of `string`, and `U64` (a
/// 64-bit field: a `number` up to 2^53, a `bigint` above it; the npm package narrows every
/// `bigint` that fits) for every `u64`.
#[cfg(feature = "wasm")]
mod ts {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(typescript_custom_section)]
    const STRING_TYPES: &'static str = r#"
/** EIP-55 checksummed Ethereum address. */
export type Address = string;
/** 32 bytes as `0x` + 64 hex digits (ids, digests, Ed25519 keys). */
export type Bytes32 = string;
/** 65-byte ECDSA signature `r‖s‖v` as `0x` hex. */
export type Signature = string;
/** Compressed secp256k1 public key as `0x` hex. */
export type PublicKey = string;
/** Any JSON object (claims, a JWK, a credential). */
export type JsonObject = { [key: string]: unknown };
/** A BIP32 derivation path such as `m/44'/60'/0'/0/0`. */
export type DerivationPath = string;
/** A BIP39 wordlist code: en, ko, ja, es, zh-hans, zh-hant, fr, it, cs, pt. */
export type Language = string;
/** A whole number up to 2^256 − 1 as decimal text (wei, token amounts and ids); inputs also take `0x` hex. */
export type U256 = string;
/** Bytes as `0x` hex (calldata, raw transactions, return data). */
export type HexData = string;
/** A whole number from a 64-bit field: a `number` up to 2^53, a `bigint` above (never rounded). Inputs take either. */
export type U64 = number | bigint;
"#;

    #[cfg(feature = "tickets")]
    #[wasm_bindgen(typescript_custom_section)]
    const TICKET_STRING_TYPES: &'static str = r#"
/** ERC-721 token id, decimal. */
export type TokenId = string;
/** A ticket's reference `chainId:contract:tokenId`. */
export type TicketRef = string;
/** An issuer's or holder's ticket identity, `JGID:…`. */
export type TicketIdentity = string;
/** A signed ticket grant, `JGTG:…`. */
export type SignedGrant = string;
/** A signed ticket transfer request, `JGTR:…`. */
export type TransferRequest = string;
/** An issuer's authorization of a gate, `JGGA:…`. */
export type GateAuthorization = string;
/** A gate's check-in receipt, `JGCR:…`. */
export type CheckInReceipt = string;
"#;
}

/// A wordlist as its code in JSON and JavaScript.
impl Serialize for crate::keys::Language {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for crate::keys::Language {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        crate::keys::Language::parse(&s).map_err(serde::de::Error::custom)
    }
}
