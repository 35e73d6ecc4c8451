//! Verifiable credentials for Kotlin and Swift: holder (import, list, present selectively),
//! verifier (check a presentation) and the test issuer (Open Badges, SD-JWT VCs, status lists).
//!
//! JSON objects (claims, JWKs, DID documents) cross as JSON text (`JsonObject`); credentials
//! and presentations as their compact text forms (JWT, SD-JWT `…~…~`, or JSON for Data
//! Integrity).

use std::sync::Arc;

use jigap_core::credential::{
    self as c, BadgeInput, CredentialFilter, CredentialImportOptions, CredentialKeyType,
    CredentialStatus, CredentialVerifierOptions, JsonObject, SdJwtInput, StatusListInput,
    StoredCredential, VerifiedPresentation,
};
use jigap_core::env::{self, Env, OsRandom};
use zeroize::Zeroizing;

use crate::clock::{Clock, core_clock};
use crate::error::JigapError;
use crate::wallet::Wallet;

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

    /// The holder's public key as a JWK, for an issuer's `cnf` (SD-JWT key binding).
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
        let r = options.resolver()?;
        Ok(self.core().import(&credential, &options.with(&r))?)
    }

    /// Stored credentials matching `filter`, oldest import first.
    #[uniffi::method(default(filter))]
    pub fn list(&self, filter: CredentialFilter) -> Result<Vec<StoredCredential>, JigapError> {
        Ok(self.core().list(&filter)?)
    }

    /// One stored credential (`NotFound` if there is none with this id).
    pub fn get(&self, id: String) -> Result<StoredCredential, JigapError> {
        Ok(self.core().get(&id)?)
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
    /// `status.listUrl`), and remember the result (`lastStatus`).
    #[uniffi::method(default(did_documents = []))]
    pub fn check_status(
        &self,
        id: String,
        status_list_credential: String,
        did_documents: Vec<JsonObject>,
    ) -> Result<CredentialStatus, JigapError> {
        let r = c::Resolver::from_parts(&did_documents, &[])?;
        Ok(self.core().check_status(&id, &status_list_credential, &r)?)
    }
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
            resolver: options.resolver()?,
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
        let o = self.options.with(&self.resolver, self.clock.now_secs());
        Ok(c::verify_presentation(&presentation, &o)?)
    }
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
        let seed = seed.map(Zeroizing::new);
        let issuer = c::Issuer::create(
            &env,
            key_type,
            seed.as_deref().map(Vec::as_slice),
            id.as_deref(),
            kid.as_deref(),
            name.as_deref(),
        )?;
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

    /// The public key as a JWK, for a DID document or issuer metadata.
    pub fn public_jwk(&self) -> String {
        self.issuer.public_key().to_jwk().to_string()
    }

    /// An Open Badges 3.0 `OpenBadgeCredential`.
    pub fn issue_badge(&self, input: BadgeInput) -> Result<String, JigapError> {
        Ok(self.issuer.issue_badge(&self.env, &input)?)
    }

    /// An SD-JWT VC (`dc+sd-jwt`) bound to the holder's key.
    pub fn issue_sd_jwt(&self, input: SdJwtInput) -> Result<String, JigapError> {
        Ok(self.issuer.issue_sd_jwt(&self.env, &input)?)
    }

    /// A VC Data Model 1.1 JWT VC from a credential (`issuer` is set here).
    pub fn issue_jwt_vc(&self, credential: JsonObject) -> Result<String, JigapError> {
        Ok(self
            .issuer
            .issue_jwt_vc(&credential, self.env.clock.now_secs())?)
    }

    /// A `BitstringStatusListCredential` (JWT VC) with the bits at `input.set` on: publish it
    /// at `input.url`; wallets and verifiers check credentials against it.
    pub fn issue_status_list(&self, input: StatusListInput) -> Result<String, JigapError> {
        Ok(self.issuer.issue_status_list(&self.env, &input)?)
    }
}
