//! Verifiable credentials for JavaScript: the holder, the verifier and the test issuer, over
//! the core's `Credentials`, `verify_presentation` and `Issuer`.

use std::sync::Arc;

use jigap_core::credential::{
    self as c, BadgeInput, CredentialFilter, CredentialImportOptions, CredentialKeyType,
    CredentialVerifierOptions, JsonObject, SdJwtInput, StatusListInput,
};
use jigap_core::env::{Clock, Env};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert::{Js, JsResult, bytes, env_with, from_js, js_clock, to_js};
use crate::wallet::WasmWallet;

/// The credentials of a wallet.
#[wasm_bindgen]
pub struct WasmCredentials {
    wallet: Arc<jigap_core::wallet::Wallet>,
    clock: Arc<dyn Clock>,
}

impl WasmCredentials {
    fn core(&self) -> c::Credentials<'_> {
        c::Credentials::with_clock(&self.wallet, self.clock.as_ref())
    }
}

#[wasm_bindgen]
impl WasmCredentials {
    /// The credentials of `wallet`; `clock` (default `Date.now`) judges validity.
    #[wasm_bindgen(constructor)]
    pub fn new(
        wallet: &WasmWallet,
        #[wasm_bindgen(unchecked_optional_param_type = "Clock")] clock: JsValue,
    ) -> Result<WasmCredentials, JsValue> {
        Ok(WasmCredentials {
            wallet: wallet.core().clone(),
            clock: js_clock(clock)?,
        })
    }

    /// The holder DID (did:key of identity key 0).
    #[wasm_bindgen(js_name = holderDid)]
    pub fn holder_did(&self) -> Result<String, JsValue> {
        self.core().holder_did().js()
    }

    /// The holder's public JWK, for an issuer's `cnf`.
    #[wasm_bindgen(js_name = holderJwk, unchecked_return_type = "JsonObject")]
    pub fn holder_jwk(&self) -> JsResult {
        to_js(&self.core().holder_jwk().js()?)
    }

    /// Verify (signature, dates, badge rules, trust, holder binding) and store.
    #[wasm_bindgen(unchecked_return_type = "StoredCredential")]
    pub fn import(
        &self,
        credential: String,
        #[wasm_bindgen(unchecked_optional_param_type = "CredentialImportOptions")] options: JsValue,
    ) -> JsResult {
        let o: Option<CredentialImportOptions> = from_js(options, "options")?;
        let o = o.unwrap_or_default();
        let r = o.resolver().js()?;
        to_js(&self.core().import(&credential, &o.with(&r)).js()?)
    }

    /// Stored credentials matching `filter`, oldest import first.
    #[wasm_bindgen(unchecked_return_type = "StoredCredential[]")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CredentialFilter")] filter: JsValue,
    ) -> JsResult {
        let f: Option<CredentialFilter> = from_js(filter, "filter")?;
        to_js(&self.core().list(&f.unwrap_or_default()).js()?)
    }

    /// One stored credential.
    #[wasm_bindgen(unchecked_return_type = "StoredCredential")]
    pub fn get(&self, id: String) -> JsResult {
        to_js(&self.core().get(&id).js()?)
    }

    /// Delete a stored credential.
    pub fn delete(&self, id: String) -> Result<(), JsValue> {
        self.core().delete(&id).js()
    }

    /// Present credential `id` (an SD-JWT discloses only `disclose`) to a verifier.
    pub fn present(
        &self,
        id: String,
        #[wasm_bindgen(unchecked_param_type = "string[]")] disclose: JsValue,
        nonce: String,
        audience: String,
    ) -> Result<String, JsValue> {
        let disclose: Vec<String> = from_js(disclose, "disclose")?;
        let d: Vec<&str> = disclose.iter().map(String::as_str).collect();
        self.core().present(&id, &d, &nonce, &audience).js()
    }

    /// Present JWT VCs and Data Integrity credentials together in one JWT VP.
    #[wasm_bindgen(js_name = presentJwtVp)]
    pub fn present_jwt_vp(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] ids: JsValue,
        nonce: String,
        audience: String,
    ) -> Result<String, JsValue> {
        let ids: Vec<String> = from_js(ids, "ids")?;
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.core().present_jwt_vp(&ids, &nonce, &audience).js()
    }

    /// Check a stored credential against a status list credential and remember the result.
    #[wasm_bindgen(js_name = checkStatus, unchecked_return_type = "CredentialStatus")]
    pub fn check_status(
        &self,
        id: String,
        status_list_credential: String,
        #[wasm_bindgen(unchecked_optional_param_type = "JsonObject[]")] did_documents: JsValue,
    ) -> JsResult {
        let docs: Option<Vec<JsonObject>> = from_js(did_documents, "didDocuments")?;
        let r = c::Resolver::from_parts(&docs.unwrap_or_default(), &[]).js()?;
        to_js(
            &self
                .core()
                .check_status(&id, &status_list_credential, &r)
                .js()?,
        )
    }
}

/// A verifier: checks presentations offline.
#[wasm_bindgen]
pub struct WasmCredentialVerifier {
    options: CredentialVerifierOptions,
    resolver: c::Resolver,
    clock: Arc<dyn Clock>,
}

#[wasm_bindgen]
impl WasmCredentialVerifier {
    /// A verifier with `options`; `clock` defaults to `Date.now`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CredentialVerifierOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Clock")] clock: JsValue,
    ) -> Result<WasmCredentialVerifier, JsValue> {
        let options: CredentialVerifierOptions = from_js(options, "options")?;
        Ok(WasmCredentialVerifier {
            resolver: options.resolver().js()?,
            options,
            clock: js_clock(clock)?,
        })
    }

    /// Verify a presentation: only the disclosed claims come back.
    #[wasm_bindgen(js_name = verifyPresentation, unchecked_return_type = "VerifiedPresentation")]
    pub fn verify_presentation(&self, presentation: String) -> JsResult {
        let o = self.options.with(&self.resolver, self.clock.now_secs());
        to_js(&c::verify_presentation(&presentation, &o).js()?)
    }
}

/// A credential issuer for tests and demos.
#[wasm_bindgen]
pub struct WasmCredentialIssuer {
    issuer: c::Issuer,
    env: Env,
}

#[wasm_bindgen]
impl WasmCredentialIssuer {
    /// An issuer with a key of `keyType` (from 32 secret bytes `seed`, or new), named by `id`
    /// (with `kid`) or its did:key; `name` shown in badges; `clock` dates what it issues.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CredentialKeyType | undefined")] key_type: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | undefined")] seed: JsValue,
        id: Option<String>,
        kid: Option<String>,
        name: Option<String>,
        #[wasm_bindgen(unchecked_optional_param_type = "Clock")] clock: JsValue,
    ) -> Result<WasmCredentialIssuer, JsValue> {
        let kind: Option<CredentialKeyType> = from_js(key_type, "keyType")?;
        let env = env_with(clock)?;
        let seed = match seed.is_undefined() || seed.is_null() {
            true => None,
            false => Some(Zeroizing::new(bytes(&seed, "seed")?)),
        };
        let issuer = c::Issuer::create(
            &env,
            kind.unwrap_or(CredentialKeyType::Ed25519),
            seed.as_deref().map(Vec::as_slice),
            id.as_deref(),
            kid.as_deref(),
            name.as_deref(),
        )
        .js()?;
        Ok(WasmCredentialIssuer { issuer, env })
    }

    /// The issuer id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.issuer.id().to_string()
    }

    /// The key id in its signatures.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.issuer.kid().to_string()
    }

    /// The public key as a JWK.
    #[wasm_bindgen(getter, js_name = publicJwk, unchecked_return_type = "JsonObject")]
    pub fn public_jwk(&self) -> JsResult {
        to_js(&self.issuer.public_key().to_jwk())
    }

    /// An Open Badges 3.0 `OpenBadgeCredential`.
    #[wasm_bindgen(js_name = issueBadge)]
    pub fn issue_badge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BadgeInput")] input: JsValue,
    ) -> Result<String, JsValue> {
        let input: BadgeInput = from_js(input, "badge")?;
        self.issuer.issue_badge(&self.env, &input).js()
    }

    /// An SD-JWT VC bound to the holder's key.
    #[wasm_bindgen(js_name = issueSdJwt)]
    pub fn issue_sd_jwt(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SdJwtInput")] input: JsValue,
    ) -> Result<String, JsValue> {
        let input: SdJwtInput = from_js(input, "input")?;
        self.issuer.issue_sd_jwt(&self.env, &input).js()
    }

    /// A VC Data Model 1.1 JWT VC from a credential object.
    #[wasm_bindgen(js_name = issueJwtVc)]
    pub fn issue_jwt_vc(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JsonObject")] credential: JsValue,
    ) -> Result<String, JsValue> {
        let vc: JsonObject = from_js(credential, "credential")?;
        self.issuer
            .issue_jwt_vc(&vc, self.env.clock.now_secs())
            .js()
    }

    /// A `BitstringStatusListCredential` with the bits at `input.set` on.
    #[wasm_bindgen(js_name = issueStatusList)]
    pub fn issue_status_list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StatusListInput")] input: JsValue,
    ) -> Result<String, JsValue> {
        let input: StatusListInput = from_js(input, "input")?;
        self.issuer.issue_status_list(&self.env, &input).js()
    }
}
