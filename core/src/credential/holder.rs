//! The holder: credentials kept encrypted in the wallet's vault (namespace `credentials`),
//! imported after verification, listed, searched, deleted, and presented with the wallet's
//! identity key (`m/44'/60'/1'/0/0`, `did:key`), which never leaves the core.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::badge::OpenBadge;
use super::codec::sha256;
use super::did::Resolver;
use super::issuer::random_token;
use super::jwk::{CredentialKeyType, SigningKey, VerificationKey};
use super::jws::sign_jws;
use super::sd_jwt::{KeyBindingInput, SdJwt};
use super::status::{CredentialStatus, CredentialStatusEntry};
use super::verify::{
    CredentialFormat, HolderBinding, TrustPolicy, VerifyOptions, check_status, verify_credential,
};
use super::{CredentialError, DEFAULT_SKEW_SECS, MAX_PRESENTED_CREDENTIALS, malformed};
use super::{IssuerKeys, JsonObject};
use crate::env::Clock;
use crate::vault::RecordBatch;
use crate::wallet::Wallet;

const NS: &str = "credentials";
/// The identity key used as holder key.
const HOLDER_INDEX: u32 = 0;
/// Lifetime of a JWT VP the wallet signs.
const VP_LIFETIME_SECS: u64 = 300;

/// Whether a credential is within its validity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum CredentialValidity {
    /// Valid now.
    #[default]
    Valid,
    /// Past its expiry.
    Expired,
    /// Before its start.
    NotYetValid,
}

/// A credential in the wallet, with what lists and searches show. (Stored as this JSON; records
/// written before 0.3 used snake_case names, which are still read.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
#[serde(rename_all = "camelCase")]
pub struct StoredCredential {
    /// Stable id: the first 16 hex digits of SHA-256 of the credential.
    pub id: String,
    /// CredentialFormat.
    pub format: CredentialFormat,
    /// The credential as issued.
    pub raw: String,
    /// Issuer id.
    pub issuer: String,
    /// Issuer name.
    #[serde(alias = "issuer_name")]
    pub issuer_name: Option<String>,
    /// Types (or `vct`).
    pub types: Vec<String>,
    /// A display name (badge name, credential name or type).
    pub name: String,
    /// Subject id.
    pub subject: Option<String>,
    /// The Open OpenBadge view.
    pub badge: Option<OpenBadge>,
    /// Valid from (Unix seconds).
    #[serde(alias = "valid_from")]
    pub valid_from: Option<u64>,
    /// Valid until (Unix seconds).
    #[serde(alias = "valid_until")]
    pub valid_until: Option<u64>,
    /// When it was imported.
    #[serde(alias = "imported_at")]
    pub imported_at: u64,
    /// Status list entry.
    pub status: Option<CredentialStatusEntry>,
    /// The last status checked with [`Credentials::check_status`].
    #[serde(alias = "last_status")]
    pub last_status: Option<CredentialStatus>,
    /// All claims (for SD-JWT: everything the holder can disclose).
    pub claims: JsonObject,
    /// SD-JWT: the claim paths the holder may choose to disclose.
    pub disclosable: Vec<String>,
    /// Whether it is bound to this wallet's holder key or DID.
    pub bound: bool,
    /// Warnings from import (e.g. an issuer not on the trusted list).
    pub warnings: Vec<String>,
    /// Validity now, by the clock of the [`Credentials`] that read it.
    #[serde(default)]
    pub validity: CredentialValidity,
}

impl StoredCredential {
    /// With [`StoredCredential::validity`] set for `now`.
    fn judged(mut self, now: u64) -> StoredCredential {
        self.validity = self.validity_at(now);
        self
    }

    /// Validity at `now` (Unix seconds), without skew.
    pub fn validity_at(&self, now: u64) -> CredentialValidity {
        if self.valid_from.is_some_and(|f| now < f) {
            CredentialValidity::NotYetValid
        } else if self.valid_until.is_some_and(|u| now > u) {
            CredentialValidity::Expired
        } else {
            CredentialValidity::Valid
        }
    }
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions<'a> {
    /// Keys of issuers that are not `did:key` / `did:jwk`.
    pub resolver: &'a Resolver,
    /// Trusted issuers (require or warn).
    pub trust: TrustPolicy,
    /// Clock skew allowed.
    pub skew_secs: u64,
    /// Accept credentials bound to no one (bearer credentials, badges naming the earner by
    /// e-mail). Credentials bound to someone else are always refused.
    pub allow_unbound: bool,
}

impl<'a> ImportOptions<'a> {
    /// Default skew; unknown issuers warned about; holder binding required.
    pub fn new(resolver: &'a Resolver) -> ImportOptions<'a> {
        ImportOptions {
            resolver,
            trust: TrustPolicy::default(),
            skew_secs: DEFAULT_SKEW_SECS,
            allow_unbound: false,
        }
    }
}

/// How an app imports: whom it trusts and the keys it fetched (the binding form of
/// [`ImportOptions`]).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct CredentialImportOptions {
    /// Issuer ids (DIDs or URLs) the app trusts.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub trusted_issuers: Vec<String>,
    /// Refuse issuers not on `trusted_issuers` (otherwise accepted with a warning).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub require_trusted: bool,
    /// DID documents the app fetched for DID methods other than `did:key` / `did:jwk`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub did_documents: Vec<JsonObject>,
    /// Keys of issuers named by URL.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub issuer_keys: Vec<IssuerKeys>,
    /// Keep credentials bound to no one (bearer credentials) with a warning.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub allow_unbound: bool,
}

impl CredentialImportOptions {
    /// The keys the app supplied.
    pub fn resolver(&self) -> Result<Resolver, CredentialError> {
        Resolver::from_parts(&self.did_documents, &self.issuer_keys)
    }

    /// The import options with `resolver` (from [`CredentialImportOptions::resolver`]).
    pub fn with<'a>(&self, resolver: &'a Resolver) -> ImportOptions<'a> {
        let mut o = ImportOptions::new(resolver);
        o.trust = TrustPolicy::of(self.trusted_issuers.clone(), self.require_trusted);
        o.allow_unbound = self.allow_unbound;
        o
    }
}

/// A search over stored credentials; every set field must match (case-insensitive
/// substrings for text).
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct CredentialFilter {
    /// A type (exact, e.g. `OpenBadgeCredential`, or a `vct`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub credential_type: Option<String>,
    /// Issuer id or name (substring).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub issuer: Option<String>,
    /// Achievement name or credential name (substring).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub achievement: Option<String>,
    /// CredentialValidity now.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub validity: Option<CredentialValidity>,
}

impl CredentialFilter {
    fn matches(&self, c: &StoredCredential, now: u64) -> bool {
        let has = |hay: &str, needle: &str| {
            crate::util::fold_case(hay).contains(&crate::util::fold_case(needle))
        };
        if let Some(t) = &self.credential_type
            && !c.types.iter().any(|x| x == t)
        {
            return false;
        }
        if let Some(i) = &self.issuer
            && !(has(&c.issuer, i) || c.issuer_name.as_deref().is_some_and(|n| has(n, i)))
        {
            return false;
        }
        if let Some(a) = &self.achievement {
            let in_badge = c
                .badge
                .as_ref()
                .is_some_and(|b| has(&b.achievement_name, a));
            if !(in_badge || has(&c.name, a)) {
                return false;
            }
        }
        if let Some(v) = self.validity
            && c.validity_at(now) != v
        {
            return false;
        }
        true
    }
}

/// The credentials of one wallet.
///
/// Every change is one atomic vault batch; records are encrypted like every other record.
#[derive(Clone, Copy)]
pub struct Credentials<'w> {
    wallet: &'w Wallet,
    /// Overrides the wallet's clock for validity, import times and key-binding `iat`.
    clock: Option<&'w dyn Clock>,
}

impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("own_clock", &self.clock.is_some())
            .finish_non_exhaustive()
    }
}

impl<'w> Credentials<'w> {
    /// The credentials of `wallet` (which must be unlocked for most operations).
    pub fn new(wallet: &'w Wallet) -> Credentials<'w> {
        Credentials {
            wallet,
            clock: None,
        }
    }

    /// The credentials of `wallet`, judged by `clock` instead of the wallet's: a trusted
    /// network time, or a time an app or test moves (an expired licence, a stale list).
    pub fn with_clock(wallet: &'w Wallet, clock: &'w dyn Clock) -> Credentials<'w> {
        Credentials {
            wallet,
            clock: Some(clock),
        }
    }

    fn now(&self) -> u64 {
        match self.clock {
            Some(c) => c.now_secs(),
            None => self.wallet.env().clock.now_secs(),
        }
    }

    /// The holder DID (the `did:key` of identity key 0).
    pub fn holder_did(&self) -> Result<String, CredentialError> {
        Ok(self.wallet.identity(HOLDER_INDEX)?.did)
    }

    /// The holder's public key as a JWK (for an issuer's `cnf`): the secp256k1 identity key,
    /// whose key-binding JWTs are `ES256K`.
    pub fn holder_jwk(&self) -> Result<Value, CredentialError> {
        Ok(self.holder_public_key()?.to_jwk())
    }

    /// The holder's public JWK of the given type: `Secp256k1` (the identity key, `ES256K`) or
    /// `P256` (SLIP-0010 `m/44'/60'/1'/0'/0'`, `ES256`, for verifiers that accept only ES256 key
    /// binding). Both come from the recovery phrase.
    pub fn holder_jwk_for(&self, kind: CredentialKeyType) -> Result<Value, CredentialError> {
        match kind {
            CredentialKeyType::Secp256k1 => self.holder_jwk(),
            CredentialKeyType::P256 => Ok(self.holder_p256()?.public_key().to_jwk()),
            CredentialKeyType::Ed25519 => Err(CredentialError::Unsupported(
                "the wallet has secp256k1 and P-256 holder keys, not Ed25519".into(),
            )),
        }
    }

    fn holder_p256(&self) -> Result<SigningKey, CredentialError> {
        SigningKey::from_bytes(CredentialKeyType::P256, &*self.wallet.holder_p256_key()?)
    }

    fn holder_public_key(&self) -> Result<VerificationKey, CredentialError> {
        Ok(VerificationKey::Secp256k1(
            self.wallet.identity(HOLDER_INDEX)?.public_key,
        ))
    }

    fn holder_signing_key(&self) -> Result<SigningKey, CredentialError> {
        Ok(SigningKey::from_secp256k1(
            self.wallet.identity_key(HOLDER_INDEX)?,
        ))
    }

    /// Verify a credential (signature, dates, Open OpenBadge rules, trust policy, binding to this
    /// wallet) and store it. Importing the same credential again replaces it.
    pub fn import(
        &self,
        raw: &str,
        opts: &ImportOptions<'_>,
    ) -> Result<StoredCredential, CredentialError> {
        let mut v = self.import_many(&[raw], opts)?;
        v.pop()
            .ok_or_else(|| malformed("credential: nothing imported"))
    }

    /// Import several credentials in one vault batch: all or none.
    pub fn import_many(
        &self,
        raws: &[&str],
        opts: &ImportOptions<'_>,
    ) -> Result<Vec<StoredCredential>, CredentialError> {
        let now = self.now();
        let did = self.holder_did()?;
        let keys = [self.holder_public_key()?, self.holder_p256()?.public_key()];
        let vopts = VerifyOptions {
            trust: opts.trust.clone(),
            skew_secs: opts.skew_secs,
            ..VerifyOptions::new(opts.resolver, now)
        };
        let mut batch = RecordBatch::new();
        let mut out = Vec::new();
        for raw in raws {
            let raw = raw.trim();
            let vc = verify_credential(raw, &vopts)?;
            let mut warnings = vc.warnings.clone();
            let bound = vc.bound_to(std::slice::from_ref(&did), &keys);
            if !bound {
                match &vc.binding {
                    HolderBinding::None if opts.allow_unbound => warnings.push(
                        "the credential is not bound to this wallet: anyone holding it can show it"
                            .into(),
                    ),
                    HolderBinding::None => {
                        return Err(CredentialError::HolderBinding(format!(
                            "the credential names no holder (no 'cnf' key, no subject DID); this wallet's holder DID is {did}. Import with allow-unbound to keep it anyway"
                        )));
                    }
                    HolderBinding::Key(k) => {
                        return Err(CredentialError::HolderBinding(format!(
                            "the credential is bound to another key ({}), not to this wallet's holder key",
                            k.to_jwk()
                        )));
                    }
                    HolderBinding::Did(d) => {
                        return Err(CredentialError::HolderBinding(format!(
                            "the credential is issued to {d}, not to this wallet's holder DID {did}"
                        )));
                    }
                }
            }
            let disclosable = match &vc.sd {
                Some(sd) => sd.disclosable_paths()?,
                None => Vec::new(),
            };
            let name = vc
                .badge
                .as_ref()
                .map(|b| b.name.clone())
                .or_else(|| {
                    vc.claims
                        .get("name")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .or_else(|| {
                    vc.types
                        .iter()
                        .rfind(|t| *t != "VerifiableCredential")
                        .cloned()
                })
                .unwrap_or_else(|| "credential".into());
            let stored = StoredCredential {
                id: hex::encode(&sha256(raw.as_bytes())[..8]),
                format: vc.format,
                raw: raw.to_string(),
                issuer: vc.issuer,
                issuer_name: vc.issuer_name,
                types: vc.types,
                name,
                subject: vc.subject,
                badge: vc.badge,
                valid_from: vc.valid_from,
                valid_until: vc.valid_until,
                imported_at: now,
                status: vc.status,
                last_status: None,
                claims: JsonObject(vc.claims),
                disclosable,
                bound,
                warnings,
                validity: CredentialValidity::Valid,
            };
            let bytes = serde_json::to_vec(&stored)
                .map_err(|e| malformed(format!("credential record: {e}")))?;
            batch.put(NS, &stored.id, bytes);
            out.push(stored.judged(now));
        }
        self.wallet.vault().commit(batch)?;
        Ok(out)
    }

    /// Every stored credential matching `filter`, oldest import first.
    pub fn list(
        &self,
        filter: &CredentialFilter,
    ) -> Result<Vec<StoredCredential>, CredentialError> {
        let now = self.now();
        let mut out = Vec::new();
        for (_, raw) in self.wallet.vault().list(NS)? {
            let c: StoredCredential = serde_json::from_slice(&raw)
                .map_err(|_| malformed("a stored credential record is unreadable"))?;
            if filter.matches(&c, now) {
                out.push(c.judged(now));
            }
        }
        crate::util::sort_by(&mut out, |a, b| {
            (a.imported_at, &a.id).cmp(&(b.imported_at, &b.id))
        });
        Ok(out)
    }

    /// One stored credential.
    pub fn get(&self, id: &str) -> Result<StoredCredential, CredentialError> {
        if id.len() > 64 {
            return Err(CredentialError::NotFound(id.chars().take(64).collect()));
        }
        let raw = self
            .wallet
            .vault()
            .get(NS, id)?
            .ok_or_else(|| CredentialError::NotFound(id.to_string()))?;
        let c: StoredCredential = serde_json::from_slice(&raw)
            .map_err(|_| malformed("the stored credential record is unreadable"))?;
        Ok(c.judged(self.now()))
    }

    /// Delete a stored credential.
    pub fn delete(&self, id: &str) -> Result<(), CredentialError> {
        // Under the same lock as `check_status`, which rewrites the record: a status check
        // running at the same time must not bring a deleted credential back.
        let lock = self.wallet.vault().feature_lock("credentials");
        let _g = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.get(id)?;
        let mut b = RecordBatch::new();
        b.delete(NS, id);
        Ok(self.wallet.vault().commit(b)?)
    }

    /// Present one credential to a verifier: an SD-JWT with only the claims at `disclose`
    /// (claim paths such as `category`, `address.region`, `nationalities[0]`) and a key-binding
    /// JWT over `nonce`, `aud`, `iat` and `sd_hash`; any other credential as a JWT VP bound to
    /// `nonce` and `aud` (then `disclose` must be empty: it is shown whole).
    pub fn present(
        &self,
        id: &str,
        disclose: &[&str],
        nonce: &str,
        aud: &str,
    ) -> Result<String, CredentialError> {
        let c = self.get(id)?;
        if !c.format.is_sd_jwt() {
            if !disclose.is_empty() {
                return Err(CredentialError::Unsupported(format!(
                    "a {} credential cannot disclose claims selectively; present it without --disclose to show it whole",
                    c.format.as_str()
                )));
            }
            return self.present_jwt_vp(&[id], nonce, aud);
        }
        if !c.bound {
            return Err(CredentialError::HolderBinding(
                "this SD-JWT has no holder key, so no key binding can be made".into(),
            ));
        }
        check_request(nonce, aud)?;
        let sd = SdJwt::parse(&c.raw)?;
        // Sign with the holder key the credential is bound to.
        let cnf = c
            .claims
            .get("cnf")
            .and_then(|v| v.get("jwk"))
            .map(VerificationKey::from_jwk)
            .transpose()?;
        let p256 = self.holder_p256()?;
        let key = match cnf {
            Some(k) if k == p256.public_key() => p256,
            _ => self.holder_signing_key()?,
        };
        sd.present(
            disclose,
            Some(KeyBindingInput {
                nonce,
                aud,
                iat: self.now(),
                key: &key,
            }),
        )
    }

    /// Present JWT VCs and Data Integrity credentials together in one JWT VP signed by the
    /// holder key, bound to `nonce` and `aud`, valid for five minutes.
    pub fn present_jwt_vp(
        &self,
        ids: &[&str],
        nonce: &str,
        aud: &str,
    ) -> Result<String, CredentialError> {
        check_request(nonce, aud)?;
        if ids.is_empty() || ids.len() > MAX_PRESENTED_CREDENTIALS {
            return Err(malformed(format!(
                "presentation: 1 to {MAX_PRESENTED_CREDENTIALS} credentials"
            )));
        }
        let mut vcs = Vec::new();
        for id in ids {
            let c = self.get(id)?;
            vcs.push(match c.format {
                CredentialFormat::JwtVc | CredentialFormat::VcJwt => Value::String(c.raw),
                CredentialFormat::DataIntegrity => {
                    serde_json::from_str(&c.raw).map_err(|_| malformed("stored credential"))?
                }
                other => {
                    return Err(CredentialError::Unsupported(format!(
                        "{} credentials are presented on their own, with selective disclosure",
                        other.as_str()
                    )));
                }
            });
        }
        let did = self.holder_did()?;
        let now = self.now();
        let mut h = Map::new();
        h.insert("typ".into(), "JWT".into());
        h.insert(
            "kid".into(),
            format!("{did}#{}", did.trim_start_matches("did:key:")).into(),
        );
        let payload = json!({
            "iss": did,
            "aud": aud,
            "nonce": nonce,
            "iat": now,
            "exp": now + VP_LIFETIME_SECS,
            "jti": format!("urn:jigap:vp:{}", random_token(self.wallet.env())?),
            "vp": {
                "@context": ["https://www.w3.org/2018/credentials/v1"],
                "type": ["VerifiablePresentation"],
                "holder": did,
                "verifiableCredential": vcs,
            }
        });
        sign_jws(&h, &payload, &self.holder_signing_key()?)
    }

    /// Check a stored credential against the status list credential the app fetched, and
    /// record the result.
    pub fn check_status(
        &self,
        id: &str,
        status_list_credential: &str,
        resolver: &Resolver,
    ) -> Result<CredentialStatus, CredentialError> {
        let lock = self.wallet.vault().feature_lock("credentials");
        let _g = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut c = self.get(id)?;
        let entry = c.status.clone().ok_or_else(|| {
            CredentialError::Unsupported(
                "this credential has no status entry; it cannot be revoked, so there is nothing to check".into(),
            )
        })?;
        let opts = VerifyOptions::new(resolver, self.now());
        let s = check_status(&entry, status_list_credential, &c.issuer, &opts)?;
        c.last_status = Some(s.clone());
        let bytes =
            serde_json::to_vec(&c).map_err(|e| malformed(format!("credential record: {e}")))?;
        let mut b = RecordBatch::new();
        b.put(NS, &c.id, bytes);
        self.wallet.vault().commit(b)?;
        Ok(s)
    }
}

fn check_request(nonce: &str, aud: &str) -> Result<(), CredentialError> {
    if nonce.is_empty() || aud.is_empty() || nonce.len() > 512 || aud.len() > 2048 {
        return Err(malformed(
            "presentation request: the verifier's nonce and audience must be given (nonce ≤ 512, audience ≤ 2048 characters)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::credential::{Issuer, SdJwtInput};
    use crate::env::{Env, ManualClock};
    use crate::store::MemoryStore;
    use crate::wallet::WalletOptions;

    const T0: u64 = 1_767_225_600;

    #[test]
    fn an_own_clock_judges_validity_and_key_binding_time() {
        let wallet_clock = ManualClock::new(T0 * 1000);
        let env = Env::fixed(wallet_clock.clone(), 7);
        let (wallet, _) = Wallet::create(
            Arc::new(MemoryStore::new()),
            env.clone(),
            b"123456",
            WalletOptions::fast_for_tests(),
        )
        .unwrap();
        let app_clock = ManualClock::new(T0 * 1000);
        let creds = Credentials::with_clock(&wallet, app_clock.as_ref());
        let issuer = Issuer::new(SigningKey::generate(&env, CredentialKeyType::P256).unwrap());
        let claims = json!({"category": "A2"});
        let sd = issuer
            .issue_sd_jwt(
                &env,
                &SdJwtInput {
                    vct: "https://licence.example/drone".into(),
                    claims: claims.as_object().cloned().unwrap().into(),
                    disclosable: Some(vec!["category".into()]),
                    holder_jwk: creds
                        .holder_jwk()
                        .unwrap()
                        .as_object()
                        .cloned()
                        .map(Into::into),
                    issued_at: Some(T0),
                    expires_at: Some(T0 + 100),
                    status: None,
                },
            )
            .unwrap();
        let resolver = Resolver::new();
        let stored = creds.import(&sd, &ImportOptions::new(&resolver)).unwrap();
        assert_eq!(stored.imported_at, T0);

        // Only the app's clock moves: the wallet's own clock still says T0.
        app_clock.set_ms((T0 + 1000) * 1000);
        let expired = CredentialFilter {
            validity: Some(CredentialValidity::Expired),
            ..Default::default()
        };
        assert_eq!(creds.list(&expired).unwrap().len(), 1);
        assert!(Credentials::new(&wallet).list(&expired).unwrap().is_empty());
        let p = creds
            .present(&stored.id, &["category"], "n", "aud")
            .unwrap();
        let kb = p.rsplit('~').next().unwrap();
        let kb = super::super::jws::Jws::parse(kb, "kb").unwrap();
        assert_eq!(kb.payload["iat"], json!(T0 + 1000));
        assert!(format!("{creds:?}").contains("own_clock: true"));
    }
}
