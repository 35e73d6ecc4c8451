//! Verifiable credentials: badges, licences and certificates — import, hold, present, verify.
//!
//! Formats (see `docs/credentials.md` for the full list of checks):
//! - **JWT VCs**: W3C VC Data Model 1.1 (the `vc` claim) and 2.0 (`typ: vc+jwt`), signed with
//!   `ES256K`, `ES256`, `EdDSA` or `RS256` (RS256: verification only).
//! - **SD-JWT VCs** (IETF SD-JWT, RFC 9901, and SD-JWT VC, `typ: dc+sd-jwt`, `vc+sd-jwt`
//!   accepted) with key binding.
//! - **Data Integrity** `eddsa-jcs-2022` (JSON Canonicalization Scheme, RFC 8785).
//! - **Open Badges 3.0** (`OpenBadgeCredential`) shown as badges.
//! - **Bitstring Status List** revocation and suspension.
//!
//! Identifiers: `did:key` (secp256k1, P-256, Ed25519) and `did:jwk` are resolved locally; any
//! other DID method, and issuers named by URL, through documents and keys the app supplies to a
//! [`Resolver`] (sans-IO: the app fetches, the core checks).
//!
//! Roles:
//! - holder: [`Credentials`] on a [`crate::wallet::Wallet`] — import (verified), list, search,
//!   delete, present (SD-JWT with a key-binding JWT, or a JWT VP), all in the encrypted vault;
//! - verifier: [`verify_presentation`] and [`verify_credential`];
//! - issuer (tests, CLI, demos): [`Issuer`].
//!
//! ```
//! use std::sync::Arc;
//! use jigap_core::credential::*;
//! use jigap_core::env::{Env, ManualClock};
//! use jigap_core::store::MemoryStore;
//! use jigap_core::wallet::{WalletOptions, Wallet};
//!
//! let clock = ManualClock::new(1_767_225_600_000);
//! let env = Env::fixed(clock.clone(), 1);
//! let (wallet, _) = Wallet::create(Arc::new(MemoryStore::new()), env.clone(), b"123456",
//!     WalletOptions::fast_for_tests()).unwrap();
//! let creds = Credentials::new(&wallet);
//!
//! // A test issuer signs a drone licence with two selectively disclosable claims.
//! let issuer = Issuer::new(SigningKey::generate(&env, CredentialKeyType::P256).unwrap());
//! let claims = serde_json::json!({"given_name": "Jiwoo", "category": "A2", "licence_expiry": "2030-01-01"});
//! let sd = issuer.issue_sd_jwt(&env, &SdJwtInput {
//!     vct: "https://licence.example/drone".into(),
//!     claims: claims.try_into().unwrap(),
//!     disclosable: Some(vec!["given_name".into(), "category".into(), "licence_expiry".into()]),
//!     holder_jwk: Some(creds.holder_jwk().unwrap().try_into().unwrap()),
//!     issued_at: Some(1_767_225_600), expires_at: Some(1_924_992_000), status: None,
//! }).unwrap();
//!
//! // The holder imports it (verified) and presents only the category.
//! let mut resolver = Resolver::new();
//! let stored = creds.import(&sd, &ImportOptions::new(&resolver)).unwrap();
//! let presentation = creds.present(&stored.id, &["category"], "nonce-1", "https://inspector.example").unwrap();
//!
//! // The verifier sees the category and nothing else.
//! let v = verify_presentation(&presentation, &PresentationOptions::new(&resolver, "nonce-1",
//!     "https://inspector.example", 1_767_225_600)).unwrap();
//! assert_eq!(v.credentials[0].claims["category"], "A2");
//! assert!(v.credentials[0].claims.get("given_name").is_none());
//! # let _ = &mut resolver;
//! ```

mod badge;
mod codec;
#[cfg(feature = "data-integrity")]
mod data_integrity;
mod did;
mod holder;
mod issuer;
#[cfg(feature = "data-integrity")]
mod jcs;
mod jwk;
mod jws;
mod rsa;
mod sd_jwt;
#[cfg(test)]
mod security_tests;
mod slip10;
mod status;
mod time;
mod verify;

pub use badge::{Criteria, OpenBadge, badge_from_credential};
#[cfg(feature = "data-integrity")]
pub use data_integrity::{sign_eddsa_jcs_2022, verify_eddsa_jcs_2022};
pub use did::{IssuerKeys, Purpose, Resolver, did_jwk, did_key};
pub use holder::{
    CredentialFilter, CredentialImportOptions, CredentialValidity, Credentials, ImportOptions,
    StoredCredential,
};
pub use issuer::{BadgeInput, Issuer, SdJwtInput, StatusListInput};
#[cfg(feature = "data-integrity")]
pub use jcs::canonicalize;
pub use jwk::{CredentialKeyType, SigningKey, VerificationKey};
pub use jws::{Jws, sign_jws};
pub use rsa::RsaPublicKey;
pub use sd_jwt::{Disclosure, KeyBindingInput, SdJwt, parse_claim_path, sd_hash};
pub use status::{
    CredentialStatus, CredentialStatusEntry, TOKEN_STATUS_LIST, decode_status_list,
    encode_status_list,
};
pub use time::{format_rfc3339, parse_rfc3339};
pub use verify::{
    CredentialFormat, CredentialVerifierOptions, HolderBinding, PresentationOptions,
    PresentedCredential, TrustMode, TrustPolicy, VerifiedCredential, VerifiedPresentation,
    VerifyOptions, check_status, verify_credential, verify_presentation,
};

use crate::env::RandomError;

/// A JSON object (claims, a JWK, a credential): in Kotlin and Swift its JSON text, in
/// TypeScript an object. Text longer than [`MAX_CREDENTIAL_LEN`] is refused.
///
/// ```
/// use jigap_core::credential::JsonObject;
/// let o: JsonObject = r#"{"category": "A2"}"#.parse().unwrap();
/// assert_eq!(o["category"], "A2");
/// assert!("[1]".parse::<JsonObject>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct JsonObject(pub serde_json::Map<String, serde_json::Value>);

impl std::ops::Deref for JsonObject {
    type Target = serde_json::Map<String, serde_json::Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for JsonObject {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for JsonObject {
    fn from(m: serde_json::Map<String, serde_json::Value>) -> JsonObject {
        JsonObject(m)
    }
}

impl TryFrom<serde_json::Value> for JsonObject {
    type Error = CredentialError;
    fn try_from(v: serde_json::Value) -> Result<JsonObject, CredentialError> {
        match v {
            serde_json::Value::Object(m) => Ok(JsonObject(m)),
            _ => Err(malformed("expected a JSON object ({…})")),
        }
    }
}

impl std::fmt::Display for JsonObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = serde_json::to_string(&self.0).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

impl std::str::FromStr for JsonObject {
    type Err = CredentialError;
    fn from_str(text: &str) -> Result<JsonObject, CredentialError> {
        if text.len() > MAX_CREDENTIAL_LEN {
            return Err(CredentialError::TooLarge {
                what: "JSON object",
                len: text.len(),
                max: MAX_CREDENTIAL_LEN,
            });
        }
        match serde_json::from_str(text) {
            Ok(serde_json::Value::Object(m)) => Ok(JsonObject(m)),
            _ => Err(malformed("expected a JSON object ({…})")),
        }
    }
}
use crate::vault::VaultError;
use crate::wallet::WalletError;

/// Largest JWT, SD-JWT or presentation accepted (bytes). A badge may embed its image.
pub const MAX_CREDENTIAL_LEN: usize = 256 * 1024;
/// Largest status list credential accepted (bytes).
pub const MAX_STATUS_LIST_CREDENTIAL_LEN: usize = 1024 * 1024;
/// Largest decompressed status list bitstring (bytes): 16 Mi entries of one bit.
pub const MAX_STATUS_LIST_BYTES: usize = 2 * 1024 * 1024;
/// Most disclosures in one SD-JWT.
pub const MAX_DISCLOSURES: usize = 256;
/// Deepest JSON nesting accepted in any credential part.
pub const MAX_DEPTH: usize = 32;
/// Most credentials in one JWT presentation.
pub const MAX_PRESENTED_CREDENTIALS: usize = 16;
/// Default allowance for clock differences between issuer, holder and verifier (seconds).
pub const DEFAULT_SKEW_SECS: u64 = 60;
/// Default freshness window of a presentation: how old its `iat` may be (seconds).
pub const DEFAULT_MAX_AGE_SECS: u64 = 300;
/// Default freshness of a status list: how old its `iat` / `validFrom` may be (one day;
/// apps set their own with [`VerifyOptions::status_max_age_secs`]).
pub const DEFAULT_STATUS_MAX_AGE_SECS: u64 = 86_400;

/// What went wrong with a credential or presentation. Each variant names the check that
/// failed; messages say what to do and never contain key material.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// An input is larger than the limit.
    #[error("{what} is too large ({len} bytes; at most {max} accepted)")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The input is not in the expected format.
    #[error("malformed {0}")]
    Malformed(String),
    /// An algorithm this library does not accept.
    #[error(
        "unsupported algorithm '{0}': use ES256K, ES256, EdDSA or RS256 (RS256 for verification only)"
    )]
    UnsupportedAlgorithm(String),
    /// The `alg` does not fit the key.
    #[error("the JWS algorithm {alg} does not match the {key} key that must verify it")]
    AlgorithmMismatch {
        /// `alg` from the header.
        alg: String,
        /// The key type.
        key: &'static str,
    },
    /// A key is malformed or of an unsupported type.
    #[error("key: {0}")]
    Key(String),
    /// A DID could not be resolved or is malformed.
    #[error("did: {0}")]
    Did(String),
    /// No key was found to verify the issuer's signature.
    #[error(
        "no key to verify the issuer {0}: supply its DID document or its JWK (issuer metadata) to the resolver"
    )]
    UnknownIssuerKey(String),
    /// A signature does not verify.
    #[error("the {0} signature is invalid: the data was altered or signed with another key")]
    BadSignature(&'static str),
    /// `nbf` / `validFrom` is in the future.
    #[error(
        "the credential is not valid yet (valid from {valid_from}, now {now}); try again later or check the device clock"
    )]
    NotYetValid {
        /// Unix seconds from which it is valid.
        valid_from: u64,
        /// The current time.
        now: u64,
    },
    /// `exp` / `validUntil` has passed.
    #[error("the credential expired at {expired_at} (now {now}); ask the issuer for a new one")]
    Expired {
        /// Unix seconds of expiry.
        expired_at: u64,
        /// The current time.
        now: u64,
    },
    /// `iat` lies in the future.
    #[error("the {what} was issued in the future ({iat}, now {now}); check the device clock")]
    IssuedInFuture {
        /// What carried the `iat`.
        what: &'static str,
        /// Its `iat`.
        iat: u64,
        /// The current time.
        now: u64,
    },
    /// The credential is not bound to this holder.
    #[error("holder binding: {0}")]
    HolderBinding(String),
    /// The issuer is not trusted by the app's policy.
    #[error(
        "the issuer {0} is not on the list of trusted issuers; add it to the trust policy if it should be accepted"
    )]
    UntrustedIssuer(String),
    /// A disclosure is wrong: altered, added, duplicated or not referenced.
    #[error("disclosure: {0}")]
    Disclosure(String),
    /// The key-binding JWT is missing or wrong.
    #[error("key binding: {0}")]
    KeyBinding(String),
    /// The presentation was made for another nonce (a replay).
    #[error("the presentation was made for another nonce (replayed?); request a new presentation")]
    NonceMismatch,
    /// The presentation was made for another audience (a replay).
    #[error(
        "the presentation was made for another audience ({0}); request a new presentation addressed to this verifier"
    )]
    AudienceMismatch(String),
    /// The presentation is older than the freshness window.
    #[error(
        "the presentation is too old (made at {iat}, now {now}, at most {max_age_secs} s accepted); request a new one"
    )]
    Stale {
        /// Its `iat`.
        iat: u64,
        /// The current time.
        now: u64,
        /// The window.
        max_age_secs: u64,
    },
    /// The credential has been revoked.
    #[error("the credential has been revoked by its issuer")]
    Revoked,
    /// The credential is suspended.
    #[error("the credential is suspended by its issuer; it may be reinstated later")]
    Suspended,
    /// The credential's status cannot be checked.
    #[error("status: {0}")]
    Status(String),
    /// An Open OpenBadge is missing what the standard requires.
    #[error("Open Badge: {0}")]
    Badge(String),
    /// A claim path names no claim.
    #[error("no claim at '{path}'; disclosable claims: {available}")]
    UnknownClaimPath {
        /// The path asked for.
        path: String,
        /// The paths that exist.
        available: String,
    },
    /// No stored credential has this id.
    #[error("no credential with id '{0}' in this wallet; list them with `credential list`")]
    NotFound(String),
    /// The operation does not apply to this credential.
    #[error("{0}")]
    Unsupported(String),
    /// A wallet problem (locked, wrong PIN, …).
    #[error(transparent)]
    Wallet(#[from] WalletError),
    /// A vault problem.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The random source failed.
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl CredentialError {
    /// A short stable name of the check that failed, for apps and the CLI (`--json`).
    pub fn kind(&self) -> &'static str {
        use CredentialError as E;
        match self {
            E::TooLarge { .. } => "too_large",
            E::Malformed(_) => "malformed",
            E::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            E::AlgorithmMismatch { .. } => "algorithm_mismatch",
            E::Key(_) => "key",
            E::Did(_) => "did",
            E::UnknownIssuerKey(_) => "unknown_issuer_key",
            E::BadSignature(_) => "signature",
            E::NotYetValid { .. } => "not_yet_valid",
            E::Expired { .. } => "expired",
            E::IssuedInFuture { .. } => "issued_in_future",
            E::HolderBinding(_) => "holder_binding",
            E::UntrustedIssuer(_) => "untrusted_issuer",
            E::Disclosure(_) => "disclosure",
            E::KeyBinding(_) => "key_binding",
            E::NonceMismatch => "nonce",
            E::AudienceMismatch(_) => "audience",
            E::Stale { .. } => "stale",
            E::Revoked => "revoked",
            E::Suspended => "suspended",
            E::Status(_) => "status",
            E::Badge(_) => "badge",
            E::UnknownClaimPath { .. } => "claim_path",
            E::NotFound(_) => "not_found",
            E::Unsupported(_) => "unsupported",
            E::Wallet(_) => "wallet",
            E::Vault(_) => "vault",
            E::Random(_) => "random",
        }
    }
}

/// The wallet's P-256 holder key from its BIP39 seed.
pub(crate) fn holder_p256_from_seed(seed: &[u8]) -> zeroize::Zeroizing<[u8; 32]> {
    slip10::p256_from_seed(seed, &slip10::HOLDER_P256_PATH)
}

pub(crate) fn malformed(what: impl Into<String>) -> CredentialError {
    CredentialError::Malformed(what.into())
}

pub(crate) fn check_len(what: &'static str, len: usize, max: usize) -> Result<(), CredentialError> {
    if len > max {
        Err(CredentialError::TooLarge { what, len, max })
    } else {
        Ok(())
    }
}
