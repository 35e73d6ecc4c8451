//! The test issuer (tests, CLI, demos): Open Badges 3.0, SD-JWT VCs, status lists, and JWT VCs
//! and Data Integrity credentials in general.

use serde_json::{Map, Value, json};

use super::JsonObject;
use super::codec::b64u;
use super::jwk::{CredentialKeyType, SigningKey, VerificationKey};
use super::jws::sign_jws;
use super::sd_jwt::{SD_ALG, conceal};
use super::status::{
    CredentialStatusEntry, MIN_STATUS_LIST_BYTES, TOKEN_STATUS_LIST, encode_status_list,
    encode_token_list,
};
use super::time::format_rfc3339;
use super::verify::CredentialFormat;
use super::{CredentialError, malformed};
use crate::env::Env;

const CTX_V2: &str = "https://www.w3.org/ns/credentials/v2";
const CTX_OB3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// An issuer: a signing key and the identifier credentials name.
#[derive(Debug, Clone)]
pub struct Issuer {
    key: SigningKey,
    id: String,
    kid: String,
    name: Option<String>,
}

/// An Open OpenBadge to issue.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct BadgeInput {
    /// The credential's display name.
    pub name: String,
    /// Achievement id (a URL); a `urn:uuid` is made when `None`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub achievement_id: Option<String>,
    /// Achievement name.
    pub achievement_name: String,
    /// Achievement description.
    pub description: String,
    /// Criteria as text.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub criteria_narrative: Option<String>,
    /// Criteria URL.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub criteria_url: Option<String>,
    /// Image URL.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub image: Option<String>,
    /// The earner's DID (the wallet's holder DID).
    pub subject: String,
    /// Valid from (Unix seconds); `None`: now.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub valid_from: Option<u64>,
    /// Valid until (Unix seconds).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub valid_until: Option<u64>,
    /// Status list entry.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub status: Option<CredentialStatusEntry>,
    /// `JwtVc` (VC-JWT with the `vc` claim, as Open Badges 3.0 specifies; the default),
    /// `VcJwt` (VC 2.0 `vc+jwt`) or `DataIntegrity` (`eddsa-jcs-2022`, Ed25519 keys only).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub format: Option<CredentialFormat>,
}

/// An SD-JWT VC to issue.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct SdJwtInput {
    /// Credential type (`vct`).
    pub vct: String,
    /// The claims (never `iss`, `iat`, `exp`, `cnf`, `vct`: those are set here).
    pub claims: JsonObject,
    /// Paths of the claims made selectively disclosable (`category`, `address.region`,
    /// `nationalities.1`); `None`: every top-level claim.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub disclosable: Option<Vec<String>>,
    /// The holder's public JWK (`cnf`), for key binding.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub holder_jwk: Option<JsonObject>,
    /// Issued at (Unix seconds); `None`: now.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub issued_at: Option<u64>,
    /// Expiry (Unix seconds).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub expires_at: Option<u64>,
    /// A Bitstring Status List entry, carried as `credentialStatus`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub status: Option<CredentialStatusEntry>,
}

/// A Bitstring Status List credential to issue.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct StatusListInput {
    /// The URL the list will be published at (its `id`).
    pub url: String,
    /// `revocation` or `suspension`.
    #[cfg_attr(feature = "uniffi", uniffi(default = "revocation"))]
    #[cfg_attr(feature = "wasm", serde(default = "revocation"), tsify(optional))]
    pub purpose: String,
    /// Indices whose bit is set.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub set: Vec<u64>,
    /// Number of entries (at least 131,072, the specification's minimum).
    #[cfg_attr(feature = "uniffi", uniffi(default = 131072))]
    #[cfg_attr(feature = "wasm", serde(default = "min_entries"), tsify(optional))]
    pub entries: u64,
    /// Valid from (Unix seconds); `None`: now.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub valid_from: Option<u64>,
    /// Valid until.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub valid_until: Option<u64>,
}

#[cfg(feature = "wasm")]
fn revocation() -> String {
    "revocation".into()
}

#[cfg(feature = "wasm")]
fn min_entries() -> u64 {
    (MIN_STATUS_LIST_BYTES * 8) as u64
}

fn uuid(env: &Env) -> Result<String, CredentialError> {
    let mut b = env.random_array::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    Ok(format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    ))
}

/// A `BitstringStatusListEntry` pointing at `index` of the list at `url`.
pub(crate) fn status_entry_json(e: &CredentialStatusEntry) -> Value {
    let mut v = json!({
        "id": format!("{}#{}", e.list_url, e.index),
        "type": "BitstringStatusListEntry",
        "statusPurpose": e.purpose,
        "statusListIndex": e.index.to_string(),
        "statusListCredential": e.list_url,
    });
    if e.size != 1 {
        v["statusSize"] = json!(e.size);
    }
    v
}

impl Issuer {
    /// An issuer identified by the `did:key` of its key.
    pub fn new(key: SigningKey) -> Issuer {
        let id = key.did_key();
        let kid = format!("{id}#{}", id.trim_start_matches("did:key:"));
        Issuer {
            key,
            id,
            kid,
            name: None,
        }
    }

    /// An issuer with another identifier (a `did:web`, or an `https` URL whose keys verifiers
    /// get from issuer metadata) and key id (`None`: `<id>#key-1`).
    pub fn with_id(key: SigningKey, id: &str, kid: Option<&str>) -> Issuer {
        Issuer {
            key,
            id: id.to_string(),
            kid: kid.map_or_else(|| format!("{id}#key-1"), str::to_string),
            name: None,
        }
    }

    /// An issuer as an app describes it: a key of `key_type` from 32 secret bytes `seed`
    /// (repeatable) or new; named by `id` (with `kid`, default `<id>#key-1`) or else by the
    /// `did:key` of its key; `name` shown in badges.
    pub fn create(
        env: &Env,
        key_type: CredentialKeyType,
        seed: Option<&[u8]>,
        id: Option<&str>,
        kid: Option<&str>,
        name: Option<&str>,
    ) -> Result<Issuer, CredentialError> {
        let key = match seed {
            Some(s) => SigningKey::from_bytes(key_type, s)?,
            None => SigningKey::generate(env, key_type)?,
        };
        let issuer = match id {
            Some(id) => Issuer::with_id(key, id, kid),
            None => Issuer::new(key),
        };
        Ok(match name {
            Some(n) => issuer.with_name(n),
            None => issuer,
        })
    }

    /// Set the display name (Open Badges issuer profile).
    pub fn with_name(mut self, name: &str) -> Issuer {
        self.name = Some(name.to_string());
        self
    }

    /// The issuer id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key id put in JWS headers.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key.
    pub fn public_key(&self) -> VerificationKey {
        self.key.public_key()
    }

    fn header(&self, typ: &str) -> Map<String, Value> {
        let mut h = Map::new();
        h.insert("typ".into(), typ.into());
        h.insert("kid".into(), self.kid.clone().into());
        h
    }

    fn issuer_value(&self) -> Value {
        match &self.name {
            Some(n) => json!({"id": self.id, "type": ["Profile"], "name": n}),
            None => json!(self.id),
        }
    }

    /// A VC Data Model 1.1-style JWT VC: `vc` claim, with `iss`, `sub`, `nbf`, `iat`, `exp`
    /// and `jti` set from the credential.
    pub fn issue_jwt_vc(
        &self,
        vc: &Map<String, Value>,
        iat: u64,
    ) -> Result<String, CredentialError> {
        let mut vc = vc.clone();
        vc.insert("issuer".into(), self.issuer_value());
        let mut p = Map::new();
        p.insert("iss".into(), self.id.clone().into());
        p.insert("iat".into(), iat.into());
        if let Some(sub) = vc
            .get("credentialSubject")
            .and_then(|s| s.get("id"))
            .and_then(Value::as_str)
        {
            p.insert("sub".into(), sub.into());
        }
        if let Some(id) = vc.get("id").and_then(Value::as_str) {
            p.insert("jti".into(), id.into());
        }
        for (member, claim) in [
            ("validFrom", "nbf"),
            ("issuanceDate", "nbf"),
            ("validUntil", "exp"),
            ("expirationDate", "exp"),
        ] {
            if let Some(s) = vc.get(member).and_then(Value::as_str) {
                p.insert(claim.into(), super::parse_rfc3339(s)?.into());
            }
        }
        p.insert("vc".into(), Value::Object(vc));
        sign_jws(&self.header("JWT"), &Value::Object(p), &self.key)
    }

    /// A VC Data Model 2.0 JWT (`typ: vc+jwt`): the credential is the payload.
    pub fn issue_vc_jwt(
        &self,
        vc: &Map<String, Value>,
        iat: u64,
    ) -> Result<String, CredentialError> {
        let mut vc = vc.clone();
        vc.insert("issuer".into(), self.issuer_value());
        vc.insert("iat".into(), iat.into());
        sign_jws(&self.header("vc+jwt"), &Value::Object(vc), &self.key)
    }

    /// A Data Integrity `eddsa-jcs-2022` credential (Ed25519 issuer keys only).
    #[cfg(feature = "data-integrity")]
    pub fn issue_data_integrity(
        &self,
        vc: &Map<String, Value>,
        created: u64,
    ) -> Result<Value, CredentialError> {
        let mut vc = vc.clone();
        vc.insert("issuer".into(), self.issuer_value());
        super::data_integrity::sign_eddsa_jcs_2022(
            &Value::Object(vc),
            &self.key,
            &self.kid,
            created,
        )
    }

    /// An Open Badges 3.0 `OpenBadgeCredential`.
    pub fn issue_badge(&self, env: &Env, b: &BadgeInput) -> Result<String, CredentialError> {
        let valid_from = b.valid_from.unwrap_or_else(|| env.clock.now_secs());
        if b.criteria_narrative.is_none() && b.criteria_url.is_none() {
            return Err(CredentialError::Badge(
                "give the criteria as a narrative or a URL".into(),
            ));
        }
        let mut criteria = Map::new();
        if let Some(u) = &b.criteria_url {
            criteria.insert("id".into(), u.clone().into());
        }
        if let Some(n) = &b.criteria_narrative {
            criteria.insert("narrative".into(), n.clone().into());
        }
        let mut achievement = json!({
            "id": match &b.achievement_id { Some(id) if !id.is_empty() => id.clone(), _ => uuid(env)? },
            "type": ["Achievement"],
            "name": b.achievement_name,
            "description": b.description,
            "criteria": criteria,
        });
        if let Some(img) = &b.image {
            achievement["image"] = json!({"id": img, "type": "Image"});
        }
        let mut vc = json!({
            "@context": [CTX_V2, CTX_OB3],
            "id": uuid(env)?,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": b.name,
            "validFrom": format_rfc3339(valid_from),
            "credentialSubject": {
                "id": b.subject,
                "type": ["AchievementSubject"],
                "achievement": achievement,
            },
        });
        if let Some(u) = b.valid_until {
            vc["validUntil"] = format_rfc3339(u).into();
        }
        if let Some(s) = &b.status {
            vc["credentialStatus"] = status_entry_json(s);
        }
        let vc = vc.as_object().cloned().unwrap_or_default();
        match b.format.unwrap_or(CredentialFormat::JwtVc) {
            CredentialFormat::JwtVc => self.issue_jwt_vc(&vc, valid_from),
            CredentialFormat::VcJwt => self.issue_vc_jwt(&vc, valid_from),
            #[cfg(feature = "data-integrity")]
            CredentialFormat::DataIntegrity => {
                Ok(self.issue_data_integrity(&vc, valid_from)?.to_string())
            }
            other => Err(CredentialError::Unsupported(format!(
                "badges are issued as jwt_vc, vc+jwt or eddsa-jcs-2022, not {}",
                other.as_str()
            ))),
        }
    }

    /// An SD-JWT VC (`typ: dc+sd-jwt`) with the chosen claims selectively disclosable.
    pub fn issue_sd_jwt(&self, env: &Env, input: &SdJwtInput) -> Result<String, CredentialError> {
        for reserved in ["iss", "iat", "exp", "cnf", "vct", "_sd_alg"] {
            if input.claims.contains_key(reserved) {
                return Err(malformed(format!(
                    "claims: '{reserved}' is set by the issuer, leave it out"
                )));
            }
        }
        let every: Vec<String>;
        let disclosable = match &input.disclosable {
            Some(d) => d,
            None => {
                every = input.claims.keys().cloned().collect();
                &every
            }
        };
        let (mut payload, disclosures) = conceal(env, input.claims.0.clone(), disclosable)?;
        payload.insert("iss".into(), self.id.clone().into());
        payload.insert(
            "iat".into(),
            input
                .issued_at
                .unwrap_or_else(|| env.clock.now_secs())
                .into(),
        );
        if let Some(e) = input.expires_at {
            payload.insert("exp".into(), e.into());
        }
        payload.insert("vct".into(), input.vct.clone().into());
        if let Some(jwk) = &input.holder_jwk {
            // Only the public members go into `cnf`.
            let k = VerificationKey::from_jwk(&Value::Object(jwk.0.clone()))?;
            payload.insert("cnf".into(), json!({"jwk": k.to_jwk()}));
        }
        if let Some(s) = &input.status {
            if s.purpose == TOKEN_STATUS_LIST {
                payload.insert(
                    "status".into(),
                    json!({"status_list": {"idx": s.index, "uri": s.list_url}}),
                );
            } else {
                payload.insert("credentialStatus".into(), status_entry_json(s));
            }
        }
        payload.insert("_sd_alg".into(), SD_ALG.into());
        let mut out = sign_jws(
            &self.header("dc+sd-jwt"),
            &Value::Object(payload),
            &self.key,
        )?;
        for d in disclosures {
            out.push('~');
            out.push_str(&d.raw);
        }
        out.push('~');
        Ok(out)
    }

    /// A `BitstringStatusListCredential` as a JWT VC, with the bits at `set` turned on.
    pub fn issue_status_list(
        &self,
        env: &Env,
        input: &StatusListInput,
    ) -> Result<String, CredentialError> {
        let valid_from = input.valid_from.unwrap_or_else(|| env.clock.now_secs());
        let entries = input.entries.max(MIN_STATUS_LIST_BYTES as u64 * 8);
        if entries > super::MAX_STATUS_LIST_BYTES as u64 * 8 {
            return Err(CredentialError::TooLarge {
                what: "status list entries",
                len: entries as usize,
                max: super::MAX_STATUS_LIST_BYTES * 8,
            });
        }
        let mut bits = vec![0u8; entries.div_ceil(8) as usize];
        for &i in &input.set {
            if i >= entries {
                return Err(CredentialError::Status(format!(
                    "index {i} is outside the list of {entries} entries"
                )));
            }
            bits[(i / 8) as usize] |= 0x80 >> (i % 8);
        }
        let mut vc = json!({
            "@context": [CTX_V2],
            "id": input.url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "validFrom": format_rfc3339(valid_from),
            "credentialSubject": {
                "id": format!("{}#list", input.url),
                "type": "BitstringStatusList",
                "statusPurpose": input.purpose,
                "encodedList": encode_status_list(&bits),
            },
        });
        if let Some(u) = input.valid_until {
            vc["validUntil"] = format_rfc3339(u).into();
        }
        let vc = vc.as_object().cloned().unwrap_or_default();
        self.issue_jwt_vc(&vc, valid_from)
    }
}

impl Issuer {
    /// An IETF Token Status List token (`typ: statuslist+jwt`) for `uri` with 1-bit entries:
    /// `revoked` indices get 1 (INVALID), `suspended` ones 2 (then 2-bit entries are used).
    pub fn issue_token_status_list(
        &self,
        uri: &str,
        entries: u64,
        revoked: &[u64],
        suspended: &[u64],
        iat: u64,
        exp: Option<u64>,
    ) -> Result<String, CredentialError> {
        let bits: u64 = if suspended.is_empty() { 1 } else { 2 };
        let per_byte = 8 / bits;
        if entries == 0 || entries > super::MAX_STATUS_LIST_BYTES as u64 * per_byte {
            return Err(CredentialError::Status(
                "a token status list has 1 to 16 Mi entries".into(),
            ));
        }
        let mut bytes = vec![0u8; entries.div_ceil(per_byte) as usize];
        for (list, value) in [(revoked, 1u8), (suspended, 2u8)] {
            for &i in list {
                if i >= entries {
                    return Err(CredentialError::Status(format!(
                        "index {i} is outside the list of {entries} entries"
                    )));
                }
                bytes[(i / per_byte) as usize] |= value << ((i % per_byte) * bits);
            }
        }
        let mut p = json!({
            "sub": uri, "iss": self.id, "iat": iat,
            "status_list": {"bits": bits, "lst": encode_token_list(&bytes)},
        });
        if let Some(e) = exp {
            p["exp"] = e.into();
        }
        sign_jws(&self.header("statuslist+jwt"), &p, &self.key)
    }
}

/// base64url of random bytes, for nonces in tests and demos.
pub(crate) fn random_token(env: &Env) -> Result<String, CredentialError> {
    Ok(b64u(&env.random_array::<16>()?))
}
