//! Verifiable credentials for JavaScript: `WasmCredentials` (holder), `WasmCredentialVerifier`
//! and `WasmCredentialIssuer` (tests and demos). Plain JS objects in and out (camelCase);
//! claims, JWKs and DID documents are JS objects (JSON text accepted too).

use std::collections::HashMap;
use std::sync::Arc;

use jigap_core::credential as c;
use jigap_core::env::{Clock, Env, OsRandom};
use serde_json::{Map, Value, json};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert::{JsResult, err, error, get, json_text};
use crate::wallet::WasmWallet;

/// The app's clock from `options.clock`, or `Date.now()`.
fn clock(options: &JsValue) -> Result<Arc<dyn Clock>, JsValue> {
    crate::convert::js_clock(get(options, "clock"))
}

/// A JS value as JSON (`undefined`/`null` → `Value::Null`).
fn to_json(v: &JsValue, what: &str) -> Result<Value, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    let text = json_text(v)?;
    if text.len() > c::MAX_CREDENTIAL_LEN {
        return Err(error(
            "InvalidInput",
            &format!(
                "{what} is too large ({} bytes; at most {} accepted)",
                text.len(),
                c::MAX_CREDENTIAL_LEN
            ),
        ));
    }
    serde_json::from_str(&text)
        .map_err(|_| error("InvalidInput", &format!("{what} is not valid JSON")))
}

/// A JSON value as a JS value.
fn to_js(v: &Value) -> JsResult {
    js_sys::JSON::parse(&v.to_string()).map_err(|_| error("Internal", "result is not JSON"))
}

fn object(v: Value, what: &str) -> Result<Map<String, Value>, JsValue> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(error(
            "InvalidInput",
            &format!("{what} must be an object (or its JSON text)"),
        )),
    }
}

/// Accessors over an options object parsed as JSON.
struct Opts(Map<String, Value>);

impl Opts {
    fn parse(v: &JsValue, what: &str) -> Result<Opts, JsValue> {
        match to_json(v, what)? {
            Value::Null => Ok(Opts(Map::new())),
            other => Ok(Opts(object(other, what)?)),
        }
    }

    fn str(&self, name: &str) -> Result<Option<String>, JsValue> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(error("InvalidInput", &format!("{name} must be a string"))),
        }
    }

    fn req(&self, name: &str) -> Result<String, JsValue> {
        self.str(name)?
            .ok_or_else(|| error("InvalidInput", &format!("{name} is missing")))
    }

    fn num(&self, name: &str) -> Result<Option<u64>, JsValue> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                error(
                    "InvalidInput",
                    &format!("{name} must be a whole number ≥ 0"),
                )
            }),
        }
    }

    fn bool(&self, name: &str) -> bool {
        self.0.get(name).and_then(Value::as_bool).unwrap_or(false)
    }

    fn strings(&self, name: &str) -> Result<Vec<String>, JsValue> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_str().map(str::to_string).ok_or_else(|| {
                        error("InvalidInput", &format!("{name} must be a list of strings"))
                    })
                })
                .collect(),
            Some(_) => Err(error(
                "InvalidInput",
                &format!("{name} must be a list of strings"),
            )),
        }
    }

    /// A member that is a JSON object or its text, as JSON text.
    fn json_text(&self, name: &str) -> Option<String> {
        match self.0.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(v) => Some(v.to_string()),
        }
    }

    fn status_entry(&self) -> Result<Option<c::StatusEntry>, JsValue> {
        match self.0.get("status") {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                let s = Opts(object(v.clone(), "status")?);
                Ok(Some(c::StatusEntry {
                    purpose: s.str("purpose")?.unwrap_or_else(|| "revocation".into()),
                    index: s
                        .num("index")?
                        .ok_or_else(|| error("InvalidInput", "status.index is missing"))?,
                    list_url: s.req("listUrl")?,
                    size: u8::try_from(s.num("size")?.unwrap_or(1))
                        .map_err(|_| error("InvalidInput", "status.size is out of range"))?,
                }))
            }
        }
    }

    /// `didDocuments` (objects or JSON text) and `issuerKeys` (`[{issuer, jwks}]`).
    fn resolver(&self) -> Result<c::Resolver, JsValue> {
        let mut r = c::Resolver::new();
        if let Some(Value::Array(docs)) = self.0.get("didDocuments") {
            for d in docs {
                let text = match d {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                r.add_did_document(&text).map_err(err)?;
            }
        }
        if let Some(Value::Array(keys)) = self.0.get("issuerKeys") {
            for k in keys {
                let k = Opts(object(k.clone(), "issuerKeys[]")?);
                let jwks = k
                    .json_text("jwks")
                    .ok_or_else(|| error("InvalidInput", "issuerKeys[].jwks is missing"))?;
                r.add_issuer_jwks(&k.req("issuer")?, &jwks).map_err(err)?;
            }
        }
        Ok(r)
    }

    fn trust(&self) -> Result<c::TrustPolicy, JsValue> {
        Ok(c::TrustPolicy {
            trusted_issuers: self.strings("trustedIssuers")?,
            mode: if self.bool("requireTrusted") {
                c::TrustMode::Require
            } else {
                c::TrustMode::Warn
            },
        })
    }
}

fn status_js(s: &c::CredentialStatus) -> Value {
    Value::String(s.as_str().to_string())
}

fn entry_js(e: &c::StatusEntry) -> Value {
    json!({"purpose": e.purpose, "index": e.index, "listUrl": e.list_url, "size": e.size})
}

fn badge_js(b: &c::Badge) -> Value {
    json!({
        "name": b.name,
        "achievementId": b.achievement_id,
        "achievementName": b.achievement_name,
        "description": b.description,
        "criteriaNarrative": b.criteria.narrative,
        "criteriaUrl": b.criteria.id,
        "image": b.image,
        "issuerId": b.issuer_id,
        "issuerName": b.issuer_name,
        "issued": b.issued,
        "expires": b.expires,
    })
}

fn stored_js(s: &c::StoredCredential, now: u64) -> Value {
    json!({
        "id": s.id,
        "format": s.format.as_str(),
        "types": s.types,
        "name": s.name,
        "issuer": s.issuer,
        "issuerName": s.issuer_name,
        "subject": s.subject,
        "validFrom": s.valid_from,
        "validUntil": s.valid_until,
        "validity": s.validity(now),
        "importedAt": s.imported_at,
        "badge": s.badge.as_ref().map(badge_js),
        "claims": s.claims,
        "disclosable": s.disclosable,
        "bound": s.bound,
        "statusEntry": s.status.as_ref().map(entry_js),
        "lastStatus": s.last_status.as_ref().map(status_js),
        "warnings": s.warnings,
        "raw": s.raw,
    })
}

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
    /// The credentials of `wallet`; `options.clock` (a function returning ms) judges time.
    #[wasm_bindgen(constructor)]
    pub fn new(wallet: &WasmWallet, options: JsValue) -> Result<WasmCredentials, JsValue> {
        Ok(WasmCredentials {
            wallet: wallet.core().clone(),
            clock: clock(&options)?,
        })
    }

    /// The holder DID (`did:key` of identity key 0).
    #[wasm_bindgen(js_name = holderDid)]
    pub fn holder_did(&self) -> Result<String, JsValue> {
        self.core().holder_did().map_err(err)
    }

    /// The holder's public JWK, for an issuer's `cnf`.
    #[wasm_bindgen(js_name = holderJwk)]
    pub fn holder_jwk(&self) -> JsResult {
        to_js(&self.core().holder_jwk().map_err(err)?)
    }

    /// Verify and store a credential. Options: `{trustedIssuers, requireTrusted, didDocuments,
    /// issuerKeys, allowUnbound}`.
    pub fn import(&self, credential: String, options: JsValue) -> JsResult {
        let o = Opts::parse(&options, "options")?;
        let r = o.resolver()?;
        let mut io = c::ImportOptions::new(&r);
        io.trust = o.trust()?;
        io.allow_unbound = o.bool("allowUnbound");
        let s = self.core().import(&credential, &io).map_err(err)?;
        to_js(&stored_js(&s, self.clock.now_secs()))
    }

    /// Stored credentials matching `{type, issuer, achievement, validity}`.
    pub fn list(&self, filter: JsValue) -> JsResult {
        let o = Opts::parse(&filter, "filter")?;
        let validity = o
            .str("validity")?
            .map(|v| {
                serde_json::from_value::<c::Validity>(Value::String(v)).map_err(|_| {
                    error(
                        "InvalidInput",
                        "validity is 'valid', 'expired' or 'not_yet_valid'",
                    )
                })
            })
            .transpose()?;
        let f = c::CredentialFilter {
            credential_type: o.str("type")?,
            issuer: o.str("issuer")?,
            achievement: o.str("achievement")?,
            validity,
        };
        let now = self.clock.now_secs();
        let list = self.core().list(&f).map_err(err)?;
        to_js(&Value::Array(
            list.iter().map(|s| stored_js(s, now)).collect(),
        ))
    }

    /// One stored credential.
    pub fn get(&self, id: String) -> JsResult {
        let s = self.core().get(&id).map_err(err)?;
        to_js(&stored_js(&s, self.clock.now_secs()))
    }

    /// Delete a stored credential.
    pub fn delete(&self, id: String) -> Result<(), JsValue> {
        self.core().delete(&id).map_err(err)
    }

    /// Present a credential, disclosing only the claims at `disclose` (SD-JWT).
    pub fn present(
        &self,
        id: String,
        disclose: Vec<String>,
        nonce: String,
        audience: String,
    ) -> Result<String, JsValue> {
        let d: Vec<&str> = disclose.iter().map(String::as_str).collect();
        self.core().present(&id, &d, &nonce, &audience).map_err(err)
    }

    /// Present JWT VCs together in one JWT VP.
    #[wasm_bindgen(js_name = presentJwtVp)]
    pub fn present_jwt_vp(
        &self,
        ids: Vec<String>,
        nonce: String,
        audience: String,
    ) -> Result<String, JsValue> {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.core()
            .present_jwt_vp(&ids, &nonce, &audience)
            .map_err(err)
    }

    /// Check a stored credential against a status list credential; `options.didDocuments`.
    #[wasm_bindgen(js_name = checkStatus)]
    pub fn check_status(
        &self,
        id: String,
        status_list_credential: String,
        options: JsValue,
    ) -> Result<String, JsValue> {
        let r = Opts::parse(&options, "options")?.resolver()?;
        self.core()
            .check_status(&id, &status_list_credential, &r)
            .map(|s| s.as_str().to_string())
            .map_err(err)
    }
}

/// A verifier of presentations.
#[wasm_bindgen]
pub struct WasmCredentialVerifier {
    resolver: c::Resolver,
    trust: c::TrustPolicy,
    nonce: String,
    audience: String,
    max_age_secs: u64,
    status_lists: HashMap<String, String>,
    require_status: bool,
    clock: Arc<dyn Clock>,
}

#[wasm_bindgen]
impl WasmCredentialVerifier {
    /// `{nonce, audience, trustedIssuers, requireTrusted, didDocuments, issuerKeys, maxAgeSecs,
    /// statusLists: {url: credential}, requireStatus, clock}`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmCredentialVerifier, JsValue> {
        let clock = clock(&options)?;
        // The clock is a function: not JSON. Everything else is.
        let o = Opts::parse(&strip_clock(&options)?, "options")?;
        let mut status_lists = HashMap::new();
        if let Some(v) = o.0.get("statusLists").filter(|v| !v.is_null()) {
            let m = object(v.clone(), "statusLists")?;
            for (url, list) in m {
                let text = match list {
                    Value::String(s) => s,
                    _ => {
                        return Err(error(
                            "InvalidInput",
                            "statusLists maps each URL to the status list credential text",
                        ));
                    }
                };
                status_lists.insert(url, text);
            }
        }
        Ok(WasmCredentialVerifier {
            resolver: o.resolver()?,
            trust: o.trust()?,
            nonce: o.req("nonce")?,
            audience: o.req("audience")?,
            max_age_secs: o.num("maxAgeSecs")?.unwrap_or(c::DEFAULT_MAX_AGE_SECS),
            status_lists,
            require_status: o.bool("requireStatus"),
            clock,
        })
    }

    /// Verify a presentation; returns `{format, holder, credentials: [{format, issuer, types,
    /// claims, status, badge, validUntil}], warnings}` with only the disclosed claims.
    #[wasm_bindgen(js_name = verifyPresentation)]
    pub fn verify_presentation(&self, presentation: String) -> JsResult {
        let mut p = c::PresentationOptions::new(
            &self.resolver,
            &self.nonce,
            &self.audience,
            self.clock.now_secs(),
        );
        p.verify.trust = self.trust.clone();
        p.max_age_secs = self.max_age_secs;
        p.status_lists = self.status_lists.clone();
        p.require_status = self.require_status;
        let v = c::verify_presentation(&presentation, &p).map_err(err)?;
        let creds: Vec<Value> = v
            .credentials
            .iter()
            .map(|x| {
                json!({
                    "format": x.format.as_str(),
                    "issuer": x.issuer,
                    "types": x.types,
                    "claims": x.claims,
                    "status": x.status.as_ref().map(status_js),
                    "badge": x.badge.as_ref().map(badge_js),
                    "validUntil": x.valid_until,
                })
            })
            .collect();
        to_js(&json!({
            "format": v.format.as_str(),
            "holder": v.holder,
            "credentials": creds,
            "warnings": v.warnings,
        }))
    }
}

/// A shallow copy of `options` without `clock`.
fn strip_clock(options: &JsValue) -> Result<JsValue, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    if options.is_string() {
        return Ok(options.clone());
    }
    let copy = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
    let _ = js_sys::Reflect::delete_property(&copy, &"clock".into());
    Ok(copy.into())
}

/// An issuer for tests and demos.
#[wasm_bindgen]
pub struct WasmCredentialIssuer {
    issuer: c::Issuer,
    env: Env,
}

#[wasm_bindgen]
impl WasmCredentialIssuer {
    /// `{keyType: 'ES256K' | 'ES256' | 'EdDSA', seed?: Uint8Array(32), id?, kid?, name?, clock?}`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmCredentialIssuer, JsValue> {
        let env = Env::new(clock(&options)?, Arc::new(OsRandom));
        let seed = get(&options, "seed");
        let seed = if seed.is_undefined() || seed.is_null() {
            None
        } else if seed.is_instance_of::<js_sys::Uint8Array>() {
            Some(Zeroizing::new(js_sys::Uint8Array::new(&seed).to_vec()))
        } else {
            return Err(error(
                "InvalidInput",
                "seed must be a Uint8Array of 32 bytes",
            ));
        };
        let str_opt = |name: &str| get(&options, name).as_string();
        let kind = c::KeyType::from_alg(&str_opt("keyType").unwrap_or_else(|| "ES256".into()))
            .map_err(err)?;
        let key = match seed {
            Some(s) => c::SigningKey::from_bytes(kind, &s),
            None => c::SigningKey::generate(&env, kind),
        }
        .map_err(err)?;
        let mut issuer = match str_opt("id") {
            Some(id) => c::Issuer::with_id(key, &id, str_opt("kid").as_deref()),
            None => c::Issuer::new(key),
        };
        if let Some(n) = str_opt("name") {
            issuer = issuer.with_name(&n);
        }
        Ok(WasmCredentialIssuer { issuer, env })
    }

    /// The issuer id (its `did:key` unless another id was given).
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.issuer.id().to_string()
    }

    /// The key id in its signatures.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.issuer.kid().to_string()
    }

    /// The public JWK.
    #[wasm_bindgen(getter, js_name = publicJwk)]
    pub fn public_jwk(&self) -> JsResult {
        to_js(&self.issuer.public_key().to_jwk())
    }

    fn now(&self) -> u64 {
        self.env.clock.now_secs()
    }

    /// An Open Badges 3.0 credential from `{name, achievementName, description, subject,
    /// criteriaNarrative?, criteriaUrl?, image?, achievementId?, validFrom?, validUntil?,
    /// status?, format?: 'jwt_vc' | 'vc+jwt' | 'eddsa-jcs-2022'}`.
    #[wasm_bindgen(js_name = issueBadge)]
    pub fn issue_badge(&self, input: JsValue) -> Result<String, JsValue> {
        let o = Opts::parse(&input, "badge")?;
        let format = match o.str("format")? {
            None => c::Format::JwtVc,
            Some(f) => serde_json::from_value(Value::String(f)).map_err(|_| {
                error(
                    "InvalidInput",
                    "format is 'jwt_vc', 'vc+jwt' or 'eddsa-jcs-2022'",
                )
            })?,
        };
        let b = c::BadgeInput {
            name: o.req("name")?,
            achievement_id: o.str("achievementId")?.unwrap_or_default(),
            achievement_name: o.req("achievementName")?,
            description: o.req("description")?,
            criteria_narrative: o.str("criteriaNarrative")?,
            criteria_url: o.str("criteriaUrl")?,
            image: o.str("image")?,
            subject: o.req("subject")?,
            valid_from: o.num("validFrom")?,
            valid_until: o.num("validUntil")?,
            status: o.status_entry()?,
            format,
        };
        self.issuer.issue_badge(&self.env, &b).map_err(err)
    }

    /// An SD-JWT VC from `{vct, claims, holderJwk, disclosable?, issuedAt?, expiresAt?,
    /// status?}`; every top-level claim is disclosable unless `disclosable` says otherwise.
    #[wasm_bindgen(js_name = issueSdJwt)]
    pub fn issue_sd_jwt(&self, input: JsValue) -> Result<String, JsValue> {
        let o = Opts::parse(&input, "input")?;
        let claims = object(o.0.get("claims").cloned().unwrap_or(Value::Null), "claims")?;
        let holder_jwk = match o.0.get("holderJwk") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(
                serde_json::from_str::<Value>(s)
                    .map_err(|_| error("InvalidInput", "holderJwk is not valid JSON"))?,
            ),
            Some(v) => Some(v.clone()),
        };
        let disclosable = match o.0.get("disclosable") {
            None | Some(Value::Null) => None,
            Some(_) => Some(o.strings("disclosable")?),
        };
        let i = c::SdJwtInput {
            vct: o.req("vct")?,
            claims,
            disclosable,
            holder_jwk,
            iat: o.num("issuedAt")?,
            exp: o.num("expiresAt")?,
            status: o.status_entry()?,
        };
        self.issuer.issue_sd_jwt(&self.env, &i).map_err(err)
    }

    /// A VC Data Model 1.1 JWT VC from a credential object (`issuer` is set here).
    #[wasm_bindgen(js_name = issueJwtVc)]
    pub fn issue_jwt_vc(&self, credential: JsValue) -> Result<String, JsValue> {
        let vc = object(to_json(&credential, "credential")?, "credential")?;
        self.issuer.issue_jwt_vc(&vc, self.now()).map_err(err)
    }

    /// A Bitstring Status List credential from `{url, purpose?, set?, entries?, validFrom?,
    /// validUntil?}`.
    #[wasm_bindgen(js_name = issueStatusList)]
    pub fn issue_status_list(&self, input: JsValue) -> Result<String, JsValue> {
        let o = Opts::parse(&input, "input")?;
        let set = match o.0.get("set") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_u64()
                        .ok_or_else(|| error("InvalidInput", "set must list whole numbers"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(error("InvalidInput", "set must be an array")),
        };
        let i = c::StatusListInput {
            url: o.req("url")?,
            purpose: o.str("purpose")?.unwrap_or_else(|| "revocation".into()),
            set,
            entries: o.num("entries")?.unwrap_or(131_072),
            valid_from: o.num("validFrom")?,
            valid_until: o.num("validUntil")?,
        };
        self.issuer.issue_status_list(&self.env, &i).map_err(err)
    }
}
