//! DIDs and issuer keys, resolved without I/O.
//!
//! `did:key` (secp256k1, P-256, Ed25519) and `did:jwk` resolve from the identifier itself. Any
//! other DID method resolves through a DID document the app fetched and added with
//! [`Resolver::add_did_document`]; issuers named by an `https` URL (SD-JWT VC issuer metadata,
//! Open Badges profiles) through keys added with [`Resolver::add_issuer_jwks`].

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::JsonObject;
use super::codec::{b64u, b64u_decode, parse_json, parse_object, str_of};
use super::jwk::{MC_ED25519, MC_P256, MC_SECP256K1, VerificationKey};
use super::{CredentialError, check_len};
use crate::keys::{PublicKey, decode_did_key};

/// Largest DID document or JWK set accepted (bytes).
const MAX_DOC_LEN: usize = 64 * 1024;
/// Most verification methods read from one document.
const MAX_METHODS: usize = 64;
/// Longest DID URL accepted.
const MAX_DID_LEN: usize = 4096;

/// What a key is used for: signing credentials (issuers) or proving control (holders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `assertionMethod`: issuing credentials.
    Assertion,
    /// `authentication`: presentations and key binding.
    Authentication,
}

impl Purpose {
    fn relation(self) -> &'static str {
        match self {
            Purpose::Assertion => "assertionMethod",
            Purpose::Authentication => "authentication",
        }
    }
}

/// The `did:key` of a key (`None` for RSA, which `did:key` does not cover here).
pub fn did_key(key: &VerificationKey) -> Option<String> {
    key.did_key()
}

/// The `did:jwk` of a key.
///
/// ```
/// use jigap_core::credential::{did_jwk, Resolver, Purpose, VerificationKey};
/// let jwk = serde_json::json!({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
/// let key = VerificationKey::from_jwk(&jwk).unwrap();
/// let did = did_jwk(&key);
/// let keys = Resolver::new().resolve(&did, Purpose::Assertion).unwrap();
/// assert_eq!(keys[0].1, key);
/// ```
pub fn did_jwk(key: &VerificationKey) -> String {
    format!("did:jwk:{}", b64u(key.to_jwk().to_string().as_bytes()))
}

/// Keys for DIDs and issuers, filled by the app (sans-IO) and read by the verifiers.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    documents: HashMap<String, Value>,
    issuer_keys: HashMap<String, Vec<(Option<String>, VerificationKey)>>,
}

/// Keys an app fetched for an issuer named by URL: a JWK, a JWK set, or issuer metadata with
/// `jwks`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct IssuerKeys {
    /// The issuer id (`iss`).
    pub issuer: String,
    /// The JWK, JWK set or issuer metadata.
    pub jwks: JsonObject,
}

impl Resolver {
    /// A resolver that knows `did:key` and `did:jwk` only.
    pub fn new() -> Resolver {
        Resolver::default()
    }

    /// A resolver with the DID documents and issuer keys an app fetched.
    pub fn from_parts(
        did_documents: &[JsonObject],
        issuer_keys: &[IssuerKeys],
    ) -> Result<Resolver, CredentialError> {
        let mut r = Resolver::new();
        for d in did_documents {
            r.add_did_document(&d.to_string())?;
        }
        for k in issuer_keys {
            r.add_issuer_jwks(&k.issuer, &k.jwks.to_string())?;
        }
        Ok(r)
    }

    /// Add a DID document (JSON) the app fetched; returns its DID.
    pub fn add_did_document(&mut self, json: &str) -> Result<String, CredentialError> {
        check_len("DID document", json.len(), MAX_DOC_LEN)?;
        let doc = parse_json(json.as_bytes(), "DID document")?;
        let id = doc
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| s.starts_with("did:"))
            .ok_or_else(|| CredentialError::Did("the DID document has no 'id' DID".into()))?
            .to_string();
        self.documents.insert(id.clone(), doc);
        Ok(id)
    }

    /// Add the keys of an issuer identified by URL (not a DID): a JWK or a JWK set
    /// (`{"keys": […]}`) such as SD-JWT VC issuer metadata carries. Returns how many were added.
    pub fn add_issuer_jwks(&mut self, issuer: &str, json: &str) -> Result<usize, CredentialError> {
        check_len("JWK set", json.len(), MAX_DOC_LEN)?;
        let m = parse_object(json.as_bytes(), "JWK set")?;
        // Issuer metadata wraps the set as {"issuer": …, "jwks": {"keys": […]}}.
        let set = m
            .get("jwks")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or(m);
        let list: Vec<Value> = match set.get("keys") {
            Some(Value::Array(a)) => a.clone(),
            _ => vec![Value::Object(set.clone())],
        };
        let mut n = 0;
        for jwk in list.iter().take(MAX_METHODS) {
            let key = VerificationKey::from_jwk(jwk)?;
            let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_string);
            self.add_issuer_key(issuer, kid.as_deref(), key);
            n += 1;
        }
        Ok(n)
    }

    /// Add one key of an issuer identified by URL, with an optional `kid`.
    pub fn add_issuer_key(&mut self, issuer: &str, kid: Option<&str>, key: VerificationKey) {
        self.issuer_keys
            .entry(issuer.to_string())
            .or_default()
            .push((kid.map(str::to_string), key));
    }

    /// The keys of a DID (or of one verification method, given a DID URL with a fragment)
    /// usable for `purpose`, with their verification method ids.
    pub fn resolve(
        &self,
        did_url: &str,
        purpose: Purpose,
    ) -> Result<Vec<(String, VerificationKey)>, CredentialError> {
        check_len("DID URL", did_url.len(), MAX_DID_LEN)?;
        let (did, fragment) = match did_url.split_once('#') {
            Some((d, f)) => (d, Some(f)),
            None => (did_url, None),
        };
        if let Some(mb) = did.strip_prefix("did:key:") {
            if let Some(f) = fragment
                && f != mb
            {
                return Err(CredentialError::Did(format!(
                    "'{did_url}': a did:key has one key, whose fragment is the identifier itself"
                )));
            }
            let key = key_from_did_key(did)?;
            return Ok(vec![(format!("{did}#{mb}"), key)]);
        }
        if let Some(enc) = did.strip_prefix("did:jwk:") {
            if fragment.is_some_and(|f| f != "0") {
                return Err(CredentialError::Did(format!(
                    "'{did_url}': a did:jwk has one key, '#0'"
                )));
            }
            let raw = b64u_decode(enc, "did:jwk").map_err(|_| {
                CredentialError::Did(format!("'{did}' is not a base64url-encoded JWK"))
            })?;
            let jwk = parse_json(&raw, "did:jwk")?;
            if jwk.get("d").is_some() {
                return Err(CredentialError::Did(
                    "a did:jwk must not contain a private key".into(),
                ));
            }
            if jwk.get("use").and_then(Value::as_str) == Some("enc") {
                return Err(CredentialError::Did(format!(
                    "'{did}' is an encryption key ('use': 'enc'), not a signing key"
                )));
            }
            return Ok(vec![(format!("{did}#0"), VerificationKey::from_jwk(&jwk)?)]);
        }
        if !did.starts_with("did:") {
            return Err(CredentialError::Did(format!("'{did_url}' is not a DID")));
        }
        let doc = self.documents.get(did).ok_or_else(|| {
            CredentialError::Did(format!(
                "'{did}' is not did:key or did:jwk; supply its DID document to the resolver"
            ))
        })?;
        let keys = document_keys(did, doc, purpose)?;
        let keys: Vec<_> = match fragment {
            Some(f) => {
                let want = format!("{did}#{f}");
                keys.into_iter().filter(|(id, _)| *id == want).collect()
            }
            None => keys,
        };
        if keys.is_empty() {
            return Err(CredentialError::Did(format!(
                "'{did_url}' has no key for {} in its DID document",
                purpose.relation()
            )));
        }
        Ok(keys)
    }

    /// Candidate keys for a JWS made by `issuer` with header `kid`.
    pub(crate) fn keys_for(
        &self,
        issuer: Option<&str>,
        kid: Option<&str>,
        purpose: Purpose,
    ) -> Result<Vec<VerificationKey>, CredentialError> {
        let named = issuer.unwrap_or("(unnamed)");
        if let Some(kid) = kid.filter(|k| k.starts_with("did:")) {
            // A DID key speaks only for its own DID: the issuer must be that very DID (or be
            // named by it, when the JWT has no `iss`). A URL issuer's keys come only from what
            // the app registered for the URL, never from a DID the signer picked.
            let kid_did = kid.split('#').next().unwrap_or(kid);
            match issuer {
                Some(iss) if iss != kid_did => {
                    return Err(CredentialError::Did(format!(
                        "the signing key {kid} does not belong to the issuer {iss}; a URL issuer's keys come only from the keys the app registered for it"
                    )));
                }
                _ => {}
            }
            return Ok(self
                .resolve(kid, purpose)?
                .into_iter()
                .map(|(_, k)| k)
                .collect());
        }
        if let Some(iss) = issuer.filter(|i| i.starts_with("did:")) {
            let url = match kid {
                Some(k) if k.starts_with('#') => format!("{iss}{k}"),
                Some(k) if !k.is_empty() && !iss.starts_with("did:key:") => format!("{iss}#{k}"),
                _ => iss.to_string(),
            };
            return Ok(self
                .resolve(&url, purpose)?
                .into_iter()
                .map(|(_, k)| k)
                .collect());
        }
        let Some(iss) = issuer else {
            return Err(CredentialError::UnknownIssuerKey(named.into()));
        };
        let all = self
            .issuer_keys
            .get(iss)
            .ok_or_else(|| CredentialError::UnknownIssuerKey(iss.to_string()))?;
        let chosen: Vec<VerificationKey> = all
            .iter()
            .filter(|(k, _)| match (kid, k) {
                (Some(want), Some(have)) => want == have,
                _ => true,
            })
            .map(|(_, key)| key.clone())
            .collect();
        if chosen.is_empty() {
            return Err(CredentialError::UnknownIssuerKey(format!(
                "{iss} (key id {})",
                kid.unwrap_or("-")
            )));
        }
        Ok(chosen)
    }
}

/// The key inside a `did:key`.
pub(crate) fn key_from_did_key(did: &str) -> Result<VerificationKey, CredentialError> {
    let (codec, bytes) = decode_did_key(did).map_err(|e| CredentialError::Did(e.to_string()))?;
    key_from_multicodec(codec, &bytes).map_err(|e| match e {
        CredentialError::Key(m) => CredentialError::Did(format!("'{did}': {m}")),
        other => other,
    })
}

fn key_from_multicodec(codec: [u8; 2], bytes: &[u8]) -> Result<VerificationKey, CredentialError> {
    match codec {
        MC_SECP256K1 if bytes.len() == 33 => PublicKey::from_sec1(bytes)
            .map(VerificationKey::Secp256k1)
            .map_err(|_| CredentialError::Key("not a secp256k1 point".into())),
        MC_P256 if bytes.len() == 33 => VerificationKey::p256_from_sec1(bytes),
        MC_ED25519 => VerificationKey::ed25519_from_bytes(bytes),
        MC_SECP256K1 | MC_P256 => Err(CredentialError::Key(
            "the key must be a 33-byte compressed point".into(),
        )),
        other => Err(CredentialError::Key(format!(
            "unsupported key type (multicodec 0x{}); use secp256k1, P-256 or Ed25519",
            hex::encode(other)
        ))),
    }
}

/// The keys of a DID document that serve `purpose`, with absolute ids.
fn document_keys(
    did: &str,
    doc: &Value,
    purpose: Purpose,
) -> Result<Vec<(String, VerificationKey)>, CredentialError> {
    let absolute = |id: &str| {
        if id.starts_with('#') {
            format!("{did}{id}")
        } else {
            id.to_string()
        }
    };
    let mut methods: HashMap<String, &Map<String, Value>> = HashMap::new();
    if let Some(Value::Array(vms)) = doc.get("verificationMethod") {
        for vm in vms.iter().take(MAX_METHODS) {
            if let Some(m) = vm.as_object()
                && let Some(id) = str_of(m, "id")
            {
                methods.insert(absolute(id), m);
            }
        }
    }
    let mut out = Vec::new();
    let Some(Value::Array(rel)) = doc.get(purpose.relation()) else {
        return Ok(out);
    };
    for entry in rel.iter().take(MAX_METHODS) {
        let (id, m) = match entry {
            Value::String(s) => {
                let id = absolute(s);
                match methods.get(&id) {
                    Some(m) => (id, *m),
                    None => continue,
                }
            }
            Value::Object(m) => match str_of(m, "id") {
                Some(id) => (absolute(id), m),
                None => continue,
            },
            _ => continue,
        };
        if let Some(c) = str_of(m, "controller")
            && c != did
        {
            // A key controlled by someone else does not speak for this DID.
            continue;
        }
        out.push((id, method_key(m)?));
    }
    Ok(out)
}

/// The public key of one verification method.
fn method_key(m: &Map<String, Value>) -> Result<VerificationKey, CredentialError> {
    if let Some(jwk) = m.get("publicKeyJwk") {
        return VerificationKey::from_jwk(jwk);
    }
    if let Some(mb) = str_of(m, "publicKeyMultibase") {
        let b58 = mb.strip_prefix('z').ok_or_else(|| {
            CredentialError::Did("publicKeyMultibase must be base58btc ('z…')".into())
        })?;
        let raw = bs58::decode(b58)
            .into_vec()
            .map_err(|_| CredentialError::Did("publicKeyMultibase is not base58btc".into()))?;
        if raw.len() < 3 {
            return Err(CredentialError::Did(
                "publicKeyMultibase is too short".into(),
            ));
        }
        return key_from_multicodec([raw[0], raw[1]], &raw[2..]);
    }
    if let Some(b58) = str_of(m, "publicKeyBase58") {
        let raw = bs58::decode(b58)
            .into_vec()
            .map_err(|_| CredentialError::Did("publicKeyBase58 is not base58".into()))?;
        return match str_of(m, "type") {
            Some("Ed25519VerificationKey2018") | Some("Ed25519VerificationKey2020") => {
                VerificationKey::ed25519_from_bytes(&raw)
            }
            Some("EcdsaSecp256k1VerificationKey2019") => PublicKey::from_sec1(&raw)
                .map(VerificationKey::Secp256k1)
                .map_err(|_| CredentialError::Did("not a secp256k1 key".into())),
            Some("P256Key2021") => VerificationKey::p256_from_sec1(&raw),
            other => Err(CredentialError::Did(format!(
                "unsupported verification method type {}",
                other.unwrap_or("(none)")
            ))),
        };
    }
    Err(CredentialError::Did(
        "a verification method has no publicKeyJwk, publicKeyMultibase or publicKeyBase58".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::jwk::{CredentialKeyType, SigningKey};
    use crate::env::{Env, ManualClock};

    #[test]
    fn did_key_and_did_jwk_round_trip_every_type() {
        let env = Env::fixed(ManualClock::new(0), 9);
        let r = Resolver::new();
        for kind in [
            CredentialKeyType::Secp256k1,
            CredentialKeyType::P256,
            CredentialKeyType::Ed25519,
        ] {
            let pk = SigningKey::generate(&env, kind).unwrap().public_key();
            let dk = did_key(&pk).unwrap();
            let got = r.resolve(&dk, Purpose::Assertion).unwrap();
            assert_eq!(got[0].1, pk);
            let dj = did_jwk(&pk);
            assert_eq!(r.resolve(&dj, Purpose::Authentication).unwrap()[0].1, pk);
            assert_eq!(
                r.resolve(&format!("{dj}#0"), Purpose::Assertion).unwrap()[0].1,
                pk
            );
            assert!(r.resolve(&format!("{dj}#1"), Purpose::Assertion).is_err());
        }
        let p256 = SigningKey::generate(&env, CredentialKeyType::P256)
            .unwrap()
            .public_key();
        assert!(did_key(&p256).unwrap().starts_with("did:key:zDn"));
        let ed = SigningKey::generate(&env, CredentialKeyType::Ed25519)
            .unwrap()
            .public_key();
        assert!(did_key(&ed).unwrap().starts_with("did:key:z6Mk"));
    }

    #[test]
    fn supplied_documents_respect_relations_and_controllers() {
        let env = Env::fixed(ManualClock::new(0), 10);
        let k = SigningKey::generate(&env, CredentialKeyType::Ed25519).unwrap();
        let other = SigningKey::generate(&env, CredentialKeyType::P256).unwrap();
        let doc = serde_json::json!({
            "id": "did:web:badges.example",
            "verificationMethod": [
                {"id": "#key-1", "type": "JsonWebKey2020", "controller": "did:web:badges.example",
                 "publicKeyJwk": k.public_key().to_jwk()},
                {"id": "did:web:badges.example#key-2", "type": "JsonWebKey2020",
                 "controller": "did:web:badges.example", "publicKeyJwk": other.public_key().to_jwk()}
            ],
            "assertionMethod": ["#key-1"],
            "authentication": ["did:web:badges.example#key-2"]
        });
        let mut r = Resolver::new();
        assert!(
            r.resolve("did:web:badges.example", Purpose::Assertion)
                .is_err()
        );
        r.add_did_document(&doc.to_string()).unwrap();
        let a = r
            .resolve("did:web:badges.example", Purpose::Assertion)
            .unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].0, "did:web:badges.example#key-1");
        assert_eq!(a[0].1, k.public_key());
        assert!(
            r.resolve("did:web:badges.example#key-2", Purpose::Assertion)
                .is_err()
        );
        let keys = r
            .keys_for(
                Some("did:web:badges.example"),
                Some("key-1"),
                Purpose::Assertion,
            )
            .unwrap();
        assert_eq!(keys, vec![k.public_key()]);
        assert!(
            r.keys_for(
                Some("did:web:other.example"),
                Some("did:web:badges.example#key-1"),
                Purpose::Assertion
            )
            .is_err()
        );
    }

    #[test]
    fn issuer_urls_need_supplied_keys() {
        let env = Env::fixed(ManualClock::new(0), 11);
        let k = SigningKey::generate(&env, CredentialKeyType::P256).unwrap();
        let mut r = Resolver::new();
        assert!(matches!(
            r.keys_for(Some("https://issuer.example"), None, Purpose::Assertion),
            Err(CredentialError::UnknownIssuerKey(_))
        ));
        let mut jwk = k.public_key().to_jwk();
        jwk["kid"] = "k1".into();
        let set = serde_json::json!({"issuer": "https://issuer.example", "jwks": {"keys": [jwk]}});
        assert_eq!(
            r.add_issuer_jwks("https://issuer.example", &set.to_string())
                .unwrap(),
            1
        );
        assert_eq!(
            r.keys_for(
                Some("https://issuer.example"),
                Some("k1"),
                Purpose::Assertion
            )
            .unwrap()
            .len(),
            1
        );
        assert!(
            r.keys_for(
                Some("https://issuer.example"),
                Some("k2"),
                Purpose::Assertion
            )
            .is_err()
        );
    }
}
