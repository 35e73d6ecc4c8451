//! Verifiable credentials for Kotlin and Swift: holder (import, list, present selectively),
//! verifier (check a presentation) and the test issuer (Open Badges, SD-JWT VCs, status lists).
//!
//! JSON values (claims, JWKs, DID documents) cross as JSON text; credentials and presentations
//! as their compact text forms (JWT, SD-JWT `…~…~`, or JSON for Data Integrity).

use std::collections::HashMap;
use std::sync::Arc;

use jigap_core::credential as c;
use jigap_core::env::{self, Env, OsRandom};
use serde_json::{Map, Value};

use crate::clock::{Clock, core_clock};
use crate::error::JigapError;
use crate::wallet::Wallet;

/// The format of a credential or presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CredentialFormat {
    /// JWT VC, VC Data Model 1.1 (`vc` claim; what Open Badges 3.0 specifies).
    JwtVc,
    /// JWT VC, VC Data Model 2.0 (`typ: vc+jwt`).
    VcJwt,
    /// SD-JWT VC (`typ: dc+sd-jwt`).
    SdJwtVc,
    /// A plain SD-JWT (RFC 9901).
    SdJwt,
    /// JSON with a Data Integrity `eddsa-jcs-2022` proof.
    DataIntegrity,
    /// A JWT Verifiable Presentation.
    JwtVp,
}

impl From<c::Format> for CredentialFormat {
    fn from(f: c::Format) -> Self {
        match f {
            c::Format::JwtVc => CredentialFormat::JwtVc,
            c::Format::VcJwt => CredentialFormat::VcJwt,
            c::Format::SdJwtVc => CredentialFormat::SdJwtVc,
            c::Format::SdJwt => CredentialFormat::SdJwt,
            c::Format::DataIntegrity => CredentialFormat::DataIntegrity,
            c::Format::JwtVp => CredentialFormat::JwtVp,
        }
    }
}

impl From<CredentialFormat> for c::Format {
    fn from(f: CredentialFormat) -> Self {
        match f {
            CredentialFormat::JwtVc => c::Format::JwtVc,
            CredentialFormat::VcJwt => c::Format::VcJwt,
            CredentialFormat::SdJwtVc => c::Format::SdJwtVc,
            CredentialFormat::SdJwt => c::Format::SdJwt,
            CredentialFormat::DataIntegrity => c::Format::DataIntegrity,
            CredentialFormat::JwtVp => c::Format::JwtVp,
        }
    }
}

/// Whether a credential is within its validity period now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CredentialValidity {
    /// Valid now.
    Valid,
    /// Past its expiry.
    Expired,
    /// Before its start.
    NotYetValid,
}

impl From<c::Validity> for CredentialValidity {
    fn from(v: c::Validity) -> Self {
        match v {
            c::Validity::Valid => CredentialValidity::Valid,
            c::Validity::Expired => CredentialValidity::Expired,
            c::Validity::NotYetValid => CredentialValidity::NotYetValid,
        }
    }
}

impl From<CredentialValidity> for c::Validity {
    fn from(v: CredentialValidity) -> Self {
        match v {
            CredentialValidity::Valid => c::Validity::Valid,
            CredentialValidity::Expired => c::Validity::Expired,
            CredentialValidity::NotYetValid => c::Validity::NotYetValid,
        }
    }
}

/// What a status list says about a credential.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CredentialStatus {
    /// Not revoked or suspended.
    Valid,
    /// Revoked by its issuer.
    Revoked,
    /// Suspended by its issuer (may be reinstated).
    Suspended,
    /// Another purpose (such as `message`) with a non-zero value.
    Flagged {
        /// The purpose.
        purpose: String,
        /// The value of the entry.
        value: u8,
    },
}

impl From<c::CredentialStatus> for CredentialStatus {
    fn from(s: c::CredentialStatus) -> Self {
        match s {
            c::CredentialStatus::Valid => CredentialStatus::Valid,
            c::CredentialStatus::Revoked => CredentialStatus::Revoked,
            c::CredentialStatus::Suspended => CredentialStatus::Suspended,
            c::CredentialStatus::Flagged { purpose, value } => {
                CredentialStatus::Flagged { purpose, value }
            }
        }
    }
}

/// A credential's pointer into a status list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CredentialStatusEntry {
    /// `revocation` or `suspension` (or `token-status-list` for an IETF token status list).
    pub purpose: String,
    /// Index in the list.
    pub index: u64,
    /// URL of the status list credential the app fetches.
    pub list_url: String,
    /// Bits per entry.
    #[uniffi(default = 1)]
    pub size: u8,
}

impl From<c::StatusEntry> for CredentialStatusEntry {
    fn from(e: c::StatusEntry) -> Self {
        CredentialStatusEntry {
            purpose: e.purpose,
            index: e.index,
            list_url: e.list_url,
            size: e.size,
        }
    }
}

impl From<CredentialStatusEntry> for c::StatusEntry {
    fn from(e: CredentialStatusEntry) -> Self {
        c::StatusEntry {
            purpose: e.purpose,
            index: e.index,
            list_url: e.list_url,
            size: e.size,
        }
    }
}

/// What a wallet shows of an Open Badge.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OpenBadge {
    /// The credential's display name.
    pub name: String,
    /// The achievement's id.
    pub achievement_id: String,
    /// The achievement's name.
    pub achievement_name: String,
    /// The achievement's description.
    pub description: String,
    /// Criteria as text.
    pub criteria_narrative: Option<String>,
    /// Criteria page URL.
    pub criteria_url: Option<String>,
    /// Image URL or `data:` URI.
    pub image: Option<String>,
    /// Issuer id.
    pub issuer_id: String,
    /// Issuer name.
    pub issuer_name: Option<String>,
    /// `validFrom`, as written.
    pub issued: String,
    /// `validUntil`, as written.
    pub expires: Option<String>,
}

impl From<c::Badge> for OpenBadge {
    fn from(b: c::Badge) -> Self {
        OpenBadge {
            name: b.name,
            achievement_id: b.achievement_id,
            achievement_name: b.achievement_name,
            description: b.description,
            criteria_narrative: b.criteria.narrative,
            criteria_url: b.criteria.id,
            image: b.image,
            issuer_id: b.issuer_id,
            issuer_name: b.issuer_name,
            issued: b.issued,
            expires: b.expires,
        }
    }
}

/// A credential in the wallet.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoredCredential {
    /// Stable id (16 hex digits).
    pub id: String,
    /// Format.
    pub format: CredentialFormat,
    /// Types (or the `vct` of an SD-JWT VC).
    pub types: Vec<String>,
    /// Display name (badge name, credential name or type).
    pub name: String,
    /// Issuer id (DID or URL).
    pub issuer: String,
    /// Issuer name, if the credential carries one.
    pub issuer_name: Option<String>,
    /// Subject id.
    pub subject: Option<String>,
    /// Valid from / issued (Unix seconds).
    pub valid_from: Option<u64>,
    /// Expires (Unix seconds).
    pub valid_until: Option<u64>,
    /// Validity now (by the clock of the `Credentials` object).
    pub validity: CredentialValidity,
    /// When it was imported (Unix seconds).
    pub imported_at: u64,
    /// The Open Badge view, for Open Badges.
    pub badge: Option<OpenBadge>,
    /// All claims as a JSON object (for SD-JWT: everything the holder can disclose).
    pub claims_json: String,
    /// SD-JWT: the claim paths the holder may disclose.
    pub disclosable: Vec<String>,
    /// Bound to this wallet's holder key or DID.
    pub bound: bool,
    /// Status list entry, if the issuer can revoke it.
    pub status_entry: Option<CredentialStatusEntry>,
    /// The last status found by `checkStatus`.
    pub last_status: Option<CredentialStatus>,
    /// Warnings from import (e.g. an issuer not on the trusted list).
    pub warnings: Vec<String>,
    /// The credential as issued.
    pub raw: String,
}

fn stored(s: c::StoredCredential, now: u64) -> StoredCredential {
    StoredCredential {
        validity: s.validity(now).into(),
        id: s.id,
        format: s.format.into(),
        types: s.types,
        name: s.name,
        issuer: s.issuer,
        issuer_name: s.issuer_name,
        subject: s.subject,
        valid_from: s.valid_from,
        valid_until: s.valid_until,
        imported_at: s.imported_at,
        badge: s.badge.map(Into::into),
        claims_json: Value::Object(s.claims).to_string(),
        disclosable: s.disclosable,
        bound: s.bound,
        status_entry: s.status.map(Into::into),
        last_status: s.last_status.map(Into::into),
        warnings: s.warnings,
        raw: s.raw,
    }
}

/// Keys an app fetched for an issuer named by URL (a JWK, a JWK set, or issuer metadata with
/// `jwks`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IssuerKeys {
    /// The issuer id (`iss`).
    pub issuer: String,
    /// The JWK set as JSON.
    pub jwks_json: String,
}

/// How to import a credential.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CredentialImportOptions {
    /// Issuer ids (DIDs or URLs) the app trusts.
    #[uniffi(default = [])]
    pub trusted_issuers: Vec<String>,
    /// Refuse issuers not on `trustedIssuers` (otherwise accepted with a warning).
    #[uniffi(default = false)]
    pub require_trusted: bool,
    /// DID documents (JSON) the app fetched for DID methods other than `did:key`/`did:jwk`.
    #[uniffi(default = [])]
    pub did_documents: Vec<String>,
    /// Keys of issuers named by URL.
    #[uniffi(default = [])]
    pub issuer_keys: Vec<IssuerKeys>,
    /// Keep credentials bound to no one (bearer credentials) with a warning.
    #[uniffi(default = false)]
    pub allow_unbound: bool,
}

/// Which stored credentials to list; every set field must match (text: case-insensitive
/// substring).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CredentialFilter {
    /// A type, exactly (`OpenBadgeCredential`, or a `vct`).
    #[uniffi(default = None)]
    pub credential_type: Option<String>,
    /// Issuer id or name.
    #[uniffi(default = None)]
    pub issuer: Option<String>,
    /// Achievement or credential name.
    #[uniffi(default = None)]
    pub achievement: Option<String>,
    /// Validity now.
    #[uniffi(default = None)]
    pub validity: Option<CredentialValidity>,
}

fn resolver(docs: &[String], keys: &[IssuerKeys]) -> Result<c::Resolver, JigapError> {
    let mut r = c::Resolver::new();
    for d in docs {
        r.add_did_document(d)?;
    }
    for k in keys {
        r.add_issuer_jwks(&k.issuer, &k.jwks_json)?;
    }
    Ok(r)
}

fn trust(issuers: Vec<String>, require: bool) -> c::TrustPolicy {
    c::TrustPolicy {
        trusted_issuers: issuers,
        mode: if require {
            c::TrustMode::Require
        } else {
            c::TrustMode::Warn
        },
    }
}

fn json_object(what: &str, text: &str) -> Result<Map<String, Value>, JigapError> {
    if text.len() > c::MAX_CREDENTIAL_LEN {
        return Err(JigapError::InvalidInput(format!(
            "{what} is too large ({} bytes; at most {} accepted)",
            text.len(),
            c::MAX_CREDENTIAL_LEN
        )));
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(JigapError::InvalidInput(format!(
            "{what} must be a JSON object"
        ))),
    }
}

/// The credentials of a wallet: import (verified), list, search, delete, present.
#[derive(uniffi::Object)]
pub struct Credentials {
    wallet: Arc<jigap_core::wallet::Wallet>,
    clock: Option<Arc<dyn env::Clock>>,
}

impl Credentials {
    fn core(&self) -> c::Credentials<'_> {
        match &self.clock {
            Some(clock) => c::Credentials::with_clock(&self.wallet, clock.as_ref()),
            None => c::Credentials::new(&self.wallet),
        }
    }

    fn now(&self) -> u64 {
        match &self.clock {
            Some(clock) => clock.now_secs(),
            None => self.wallet.env().clock.now_secs(),
        }
    }
}

#[uniffi::export]
impl Credentials {
    /// The credentials of `wallet`; `clock` (default: the system clock) judges validity and
    /// dates presentations.
    #[uniffi::constructor(default(clock = None))]
    pub fn new(wallet: Arc<Wallet>, clock: Option<Arc<dyn Clock>>) -> Arc<Credentials> {
        Arc::new(Credentials {
            wallet: wallet.inner.clone(),
            clock: clock.map(|c| core_clock(Some(c))),
        })
    }

    /// The holder DID (`did:key` of identity key 0), for badges issued to this wallet.
    pub fn holder_did(&self) -> Result<String, JigapError> {
        Ok(self.core().holder_did()?)
    }

    /// The holder's public key as a JWK (JSON), for an issuer's `cnf` (SD-JWT key binding).
    pub fn holder_jwk(&self) -> Result<String, JigapError> {
        Ok(self.core().holder_jwk()?.to_string())
    }

    /// Verify a credential (issuer signature, dates, Open Badge rules, trust policy, binding to
    /// this wallet) and store it. Importing the same credential again replaces it.
    #[uniffi::method(default(options))]
    pub fn import(
        &self,
        credential: String,
        options: CredentialImportOptions,
    ) -> Result<StoredCredential, JigapError> {
        let r = resolver(&options.did_documents, &options.issuer_keys)?;
        let mut o = c::ImportOptions::new(&r);
        o.trust = trust(options.trusted_issuers, options.require_trusted);
        o.allow_unbound = options.allow_unbound;
        let s = self.core().import(&credential, &o)?;
        Ok(stored(s, self.now()))
    }

    /// Stored credentials matching `filter`, oldest import first.
    #[uniffi::method(default(filter))]
    pub fn list(&self, filter: CredentialFilter) -> Result<Vec<StoredCredential>, JigapError> {
        let f = c::CredentialFilter {
            credential_type: filter.credential_type,
            issuer: filter.issuer,
            achievement: filter.achievement,
            validity: filter.validity.map(Into::into),
        };
        let now = self.now();
        Ok(self
            .core()
            .list(&f)?
            .into_iter()
            .map(|s| stored(s, now))
            .collect())
    }

    /// One stored credential (`NotFound` if there is none with this id).
    pub fn get(&self, id: String) -> Result<StoredCredential, JigapError> {
        Ok(stored(self.core().get(&id)?, self.now()))
    }

    /// Delete a stored credential.
    pub fn delete(&self, id: String) -> Result<(), JigapError> {
        Ok(self.core().delete(&id)?)
    }

    /// Present credential `id` to a verifier who sent `nonce` and names itself `audience`. An
    /// SD-JWT discloses only the claims at `disclose` (paths such as `category`,
    /// `address.region`) with a key-binding JWT; another credential goes whole in a JWT VP
    /// (then `disclose` must be empty).
    pub fn present(
        &self,
        id: String,
        disclose: Vec<String>,
        nonce: String,
        audience: String,
    ) -> Result<String, JigapError> {
        let d: Vec<&str> = disclose.iter().map(String::as_str).collect();
        Ok(self.core().present(&id, &d, &nonce, &audience)?)
    }

    /// Present JWT VCs and Data Integrity credentials together in one JWT VP signed by the
    /// holder key, bound to `nonce` and `audience`, valid for five minutes.
    pub fn present_jwt_vp(
        &self,
        ids: Vec<String>,
        nonce: String,
        audience: String,
    ) -> Result<String, JigapError> {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        Ok(self.core().present_jwt_vp(&ids, &nonce, &audience)?)
    }

    /// Check a stored credential against the status list credential the app fetched (from its
    /// `statusEntry.listUrl`), and remember the result (`lastStatus`).
    #[uniffi::method(default(did_documents = []))]
    pub fn check_status(
        &self,
        id: String,
        status_list_credential: String,
        did_documents: Vec<String>,
    ) -> Result<CredentialStatus, JigapError> {
        let r = resolver(&did_documents, &[])?;
        Ok(self
            .core()
            .check_status(&id, &status_list_credential, &r)?
            .into())
    }
}

/// What a verifier asks of a presentation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CredentialVerifierOptions {
    /// The nonce the verifier sent (fresh per request).
    pub nonce: String,
    /// The verifier's identifier (`aud`).
    pub audience: String,
    /// Issuer ids the verifier trusts.
    #[uniffi(default = [])]
    pub trusted_issuers: Vec<String>,
    /// Refuse issuers not on `trustedIssuers` (otherwise accepted with a warning).
    #[uniffi(default = false)]
    pub require_trusted: bool,
    /// DID documents (JSON) for DID methods other than `did:key`/`did:jwk`.
    #[uniffi(default = [])]
    pub did_documents: Vec<String>,
    /// Keys of issuers named by URL.
    #[uniffi(default = [])]
    pub issuer_keys: Vec<IssuerKeys>,
    /// How old a presentation may be (seconds).
    #[uniffi(default = 300)]
    pub max_age_secs: u64,
    /// Status list credentials the app fetched, by URL.
    #[uniffi(default)]
    pub status_lists: HashMap<String, String>,
    /// Refuse a credential whose status list was not supplied (otherwise a warning).
    #[uniffi(default = false)]
    pub require_status: bool,
}

/// One credential of a verified presentation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PresentedCredential {
    /// Its format.
    pub format: CredentialFormat,
    /// Issuer id.
    pub issuer: String,
    /// Types (or `vct`).
    pub types: Vec<String>,
    /// Only what the holder disclosed, as a JSON object.
    pub claims_json: String,
    /// Status from the supplied list (`null`: no status entry, or no list supplied).
    pub status: Option<CredentialStatus>,
    /// The Open Badge view.
    pub badge: Option<OpenBadge>,
    /// Expires (Unix seconds).
    pub valid_until: Option<u64>,
}

/// A presentation that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedPresentation {
    /// `SdJwtVc`/`SdJwt` or `JwtVp`.
    pub format: CredentialFormat,
    /// The holder: a DID, or the JWK (JSON) of the SD-JWT's `cnf` key.
    pub holder: String,
    /// The credentials presented.
    pub credentials: Vec<PresentedCredential>,
    /// Warnings (issuer not trusted in warn mode, status not checked).
    pub warnings: Vec<String>,
}

/// A verifier: checks presentations offline against its nonce, audience, trust policy and
/// the status lists it was given.
#[derive(uniffi::Object)]
pub struct CredentialVerifier {
    options: CredentialVerifierOptions,
    resolver: c::Resolver,
    clock: Arc<dyn env::Clock>,
}

#[uniffi::export]
impl CredentialVerifier {
    /// A verifier with `options`; `clock` defaults to the system clock.
    #[uniffi::constructor(default(clock = None))]
    pub fn new(
        options: CredentialVerifierOptions,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<CredentialVerifier>, JigapError> {
        Ok(Arc::new(CredentialVerifier {
            resolver: resolver(&options.did_documents, &options.issuer_keys)?,
            options,
            clock: core_clock(clock),
        }))
    }

    /// Verify a presentation (an SD-JWT with key binding, or a JWT VP): issuer signatures,
    /// disclosure digests, dates, key binding, nonce, audience, freshness, status and trust.
    /// Returns only the disclosed claims; throws `JigapException` saying which check failed.
    pub fn verify_presentation(
        &self,
        presentation: String,
    ) -> Result<VerifiedPresentation, JigapError> {
        let o = &self.options;
        let mut p = c::PresentationOptions::new(
            &self.resolver,
            &o.nonce,
            &o.audience,
            self.clock.now_secs(),
        );
        p.verify.trust = trust(o.trusted_issuers.clone(), o.require_trusted);
        p.max_age_secs = o.max_age_secs;
        p.status_lists = o.status_lists.clone();
        p.require_status = o.require_status;
        let v = c::verify_presentation(&presentation, &p)?;
        Ok(VerifiedPresentation {
            format: v.format.into(),
            holder: v.holder,
            credentials: v
                .credentials
                .into_iter()
                .map(|x| PresentedCredential {
                    format: x.format.into(),
                    issuer: x.issuer,
                    types: x.types,
                    claims_json: Value::Object(x.claims).to_string(),
                    status: x.status.map(Into::into),
                    badge: x.badge.map(Into::into),
                    valid_until: x.valid_until,
                })
                .collect(),
            warnings: v.warnings,
        })
    }
}

/// Key types the test issuer signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CredentialKeyType {
    /// secp256k1, `ES256K`.
    Es256k,
    /// NIST P-256, `ES256`.
    Es256,
    /// Ed25519, `EdDSA` (also for Data Integrity badges).
    Eddsa,
}

/// An Open Badge to issue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BadgeInput {
    /// The credential's display name.
    pub name: String,
    /// Achievement name.
    pub achievement_name: String,
    /// Achievement description.
    pub description: String,
    /// The earner: the wallet's `holderDid()`.
    pub subject: String,
    /// Criteria as text (a narrative or a URL is required).
    #[uniffi(default = None)]
    pub criteria_narrative: Option<String>,
    /// Criteria page URL.
    #[uniffi(default = None)]
    pub criteria_url: Option<String>,
    /// Image URL.
    #[uniffi(default = None)]
    pub image: Option<String>,
    /// Achievement id (a URL); a `urn:uuid` when null.
    #[uniffi(default = None)]
    pub achievement_id: Option<String>,
    /// Valid from (Unix seconds); now when null.
    #[uniffi(default = None)]
    pub valid_from: Option<u64>,
    /// Valid until (Unix seconds).
    #[uniffi(default = None)]
    pub valid_until: Option<u64>,
    /// Status list entry.
    #[uniffi(default = None)]
    pub status: Option<CredentialStatusEntry>,
    /// `JwtVc` (default), `VcJwt` or `DataIntegrity` (Ed25519 issuers).
    #[uniffi(default = None)]
    pub format: Option<CredentialFormat>,
}

/// An SD-JWT VC to issue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SdJwtInput {
    /// Credential type (`vct`).
    pub vct: String,
    /// The claims as a JSON object (not `iss`, `iat`, `exp`, `cnf`, `vct`: set here).
    pub claims_json: String,
    /// The holder's public JWK (JSON, from `holderJwk()`) for key binding.
    pub holder_jwk: Option<String>,
    /// Paths of the selectively disclosable claims; null: every top-level claim.
    #[uniffi(default = None)]
    pub disclosable: Option<Vec<String>>,
    /// Issued at (Unix seconds); now when null.
    #[uniffi(default = None)]
    pub issued_at: Option<u64>,
    /// Expiry (Unix seconds).
    #[uniffi(default = None)]
    pub expires_at: Option<u64>,
    /// Status list entry.
    #[uniffi(default = None)]
    pub status: Option<CredentialStatusEntry>,
}

/// A Bitstring Status List credential to issue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StatusListInput {
    /// The URL it is published at (credentials point to it).
    pub url: String,
    /// `revocation` or `suspension`.
    #[uniffi(default = "revocation")]
    pub purpose: String,
    /// Indices that are revoked (or suspended).
    #[uniffi(default = [])]
    pub set: Vec<u64>,
    /// Number of entries (at least 131,072).
    #[uniffi(default = 131072)]
    pub entries: u64,
    /// Valid from (Unix seconds); now when null.
    #[uniffi(default = None)]
    pub valid_from: Option<u64>,
    /// Valid until.
    #[uniffi(default = None)]
    pub valid_until: Option<u64>,
}

/// A credential issuer for tests, pilots and demos: Open Badges, SD-JWT VCs, JWT VCs and
/// status lists. Its private key stays inside.
#[derive(uniffi::Object)]
pub struct CredentialIssuer {
    issuer: c::Issuer,
    env: Env,
}

#[uniffi::export]
impl CredentialIssuer {
    /// An issuer with a key of `keyType`: from 32 secret bytes `seed` (repeatable) or new.
    /// `id` (with `kid`, default `<id>#key-1`) names it by a `did:web` or URL; by default it is
    /// the `did:key` of its key. `name` is shown in badges.
    #[uniffi::constructor(default(seed = None, id = None, kid = None, name = None, clock = None))]
    pub fn new(
        key_type: CredentialKeyType,
        seed: Option<Vec<u8>>,
        id: Option<String>,
        kid: Option<String>,
        name: Option<String>,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<CredentialIssuer>, JigapError> {
        let env = Env::new(core_clock(clock), Arc::new(OsRandom));
        let kind = match key_type {
            CredentialKeyType::Es256k => c::KeyType::Secp256k1,
            CredentialKeyType::Es256 => c::KeyType::P256,
            CredentialKeyType::Eddsa => c::KeyType::Ed25519,
        };
        let key = match seed {
            Some(s) => c::SigningKey::from_bytes(kind, &zeroize::Zeroizing::new(s))?,
            None => c::SigningKey::generate(&env, kind)?,
        };
        let mut issuer = match id {
            Some(id) => c::Issuer::with_id(key, &id, kid.as_deref()),
            None => c::Issuer::new(key),
        };
        if let Some(n) = name {
            issuer = issuer.with_name(&n);
        }
        Ok(Arc::new(CredentialIssuer { issuer, env }))
    }

    /// The issuer id (its `did:key` unless another id was given).
    pub fn id(&self) -> String {
        self.issuer.id().to_string()
    }

    /// The key id in its signatures.
    pub fn kid(&self) -> String {
        self.issuer.kid().to_string()
    }

    /// The public key as a JWK (JSON), for a DID document or issuer metadata.
    pub fn public_jwk(&self) -> String {
        self.issuer.public_key().to_jwk().to_string()
    }

    /// An Open Badges 3.0 `OpenBadgeCredential`.
    pub fn issue_badge(&self, input: BadgeInput) -> Result<String, JigapError> {
        let b = c::BadgeInput {
            name: input.name,
            achievement_id: input.achievement_id.unwrap_or_default(),
            achievement_name: input.achievement_name,
            description: input.description,
            criteria_narrative: input.criteria_narrative,
            criteria_url: input.criteria_url,
            image: input.image,
            subject: input.subject,
            valid_from: input.valid_from,
            valid_until: input.valid_until,
            status: input.status.map(Into::into),
            format: input.format.unwrap_or(CredentialFormat::JwtVc).into(),
        };
        Ok(self.issuer.issue_badge(&self.env, &b)?)
    }

    /// An SD-JWT VC (`dc+sd-jwt`) bound to the holder's key.
    pub fn issue_sd_jwt(&self, input: SdJwtInput) -> Result<String, JigapError> {
        let claims = json_object("claimsJson", &input.claims_json)?;
        let holder_jwk = input
            .holder_jwk
            .as_deref()
            .map(|j| json_object("holderJwk", j).map(Value::Object))
            .transpose()?;
        let i = c::SdJwtInput {
            vct: input.vct,
            claims,
            disclosable: input.disclosable,
            holder_jwk,
            iat: input.issued_at,
            exp: input.expires_at,
            status: input.status.map(Into::into),
        };
        Ok(self.issuer.issue_sd_jwt(&self.env, &i)?)
    }

    /// A VC Data Model 1.1 JWT VC from a credential (JSON object; `issuer` is set here).
    pub fn issue_jwt_vc(&self, credential_json: String) -> Result<String, JigapError> {
        let vc = json_object("credentialJson", &credential_json)?;
        Ok(self.issuer.issue_jwt_vc(&vc, self.env.clock.now_secs())?)
    }

    /// A `BitstringStatusListCredential` (JWT VC) with the bits at `input.set` on: publish it
    /// at `input.url`; wallets and verifiers check credentials against it.
    pub fn issue_status_list(&self, input: StatusListInput) -> Result<String, JigapError> {
        let i = c::StatusListInput {
            url: input.url,
            purpose: input.purpose,
            set: input.set,
            entries: input.entries,
            valid_from: input.valid_from,
            valid_until: input.valid_until,
        };
        Ok(self.issuer.issue_status_list(&self.env, &i)?)
    }
}
