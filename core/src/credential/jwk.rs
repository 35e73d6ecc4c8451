//! Keys as JWKs (RFC 7517): verification keys for every accepted algorithm and the signing keys
//! of the test issuer.

use std::fmt;

use p256::ecdsa::signature::{Signer as _, Verifier as _};
use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

use super::codec::{b64u, b64u_decode, parse_object, str_of};
use super::rsa::RsaPublicKey;
use super::{CredentialError, malformed};
use crate::env::Env;
use crate::keys::{PrivateKey, PublicKey};

/// Multicodec varint prefixes of the `did:key` key types.
pub(crate) const MC_SECP256K1: [u8; 2] = [0xe7, 0x01];
pub(crate) const MC_P256: [u8; 2] = [0x80, 0x24];
pub(crate) const MC_ED25519: [u8; 2] = [0xed, 0x01];

/// A public key that verifies credential signatures.
#[derive(Clone)]
pub enum VerificationKey {
    /// secp256k1 (`ES256K`).
    Secp256k1(PublicKey),
    /// NIST P-256 (`ES256`).
    P256(p256::ecdsa::VerifyingKey),
    /// Ed25519 (`EdDSA`).
    Ed25519(ed25519_dalek::VerifyingKey),
    /// RSA (`RS256`, verification only), 2048 to 4096 bits.
    Rsa(Box<RsaPublicKey>),
}

impl VerificationKey {
    /// Parse a public JWK (a private one is accepted; `d` is ignored).
    pub fn from_jwk(jwk: &Value) -> Result<VerificationKey, CredentialError> {
        let m = jwk
            .as_object()
            .ok_or_else(|| CredentialError::Key("a JWK must be a JSON object".into()))?;
        let kty = str_of(m, "kty").unwrap_or("");
        let crv = str_of(m, "crv").unwrap_or("");
        let coord = |name: &str, len: usize| -> Result<Vec<u8>, CredentialError> {
            let b = b64u_decode(str_of(m, name).unwrap_or(""), "JWK coordinate")
                .map_err(|_| CredentialError::Key(format!("JWK '{name}' is not base64url")))?;
            if b.len() != len {
                return Err(CredentialError::Key(format!(
                    "JWK '{name}' must be {len} bytes, not {}",
                    b.len()
                )));
            }
            Ok(b)
        };
        match (kty, crv) {
            ("EC", "secp256k1") | ("EC", "P-256") => {
                let mut sec1 = vec![4u8];
                sec1.extend(coord("x", 32)?);
                sec1.extend(coord("y", 32)?);
                if crv == "P-256" {
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
                        .map(VerificationKey::P256)
                        .map_err(|_| CredentialError::Key("not a point on P-256".into()))
                } else {
                    PublicKey::from_sec1(&sec1)
                        .map(VerificationKey::Secp256k1)
                        .map_err(|_| CredentialError::Key("not a point on secp256k1".into()))
                }
            }
            ("OKP", "Ed25519") => {
                let x = coord("x", 32)?;
                Self::ed25519_from_bytes(&x)
            }
            ("RSA", _) => {
                let n = b64u_decode(str_of(m, "n").unwrap_or(""), "RSA modulus")?;
                let e = b64u_decode(str_of(m, "e").unwrap_or(""), "RSA exponent")?;
                Self::rsa(&n, &e)
            }
            _ => Err(CredentialError::Key(format!(
                "unsupported JWK (kty '{kty}', crv '{crv}'): use EC secp256k1 or P-256, OKP Ed25519, or RSA"
            ))),
        }
    }

    /// An Ed25519 key from its 32 bytes.
    pub(crate) fn ed25519_from_bytes(b: &[u8]) -> Result<VerificationKey, CredentialError> {
        let arr: [u8; 32] = b
            .try_into()
            .map_err(|_| CredentialError::Key("an Ed25519 key is 32 bytes".into()))?;
        ed25519_dalek::VerifyingKey::from_bytes(&arr)
            .map(VerificationKey::Ed25519)
            .map_err(|_| CredentialError::Key("not an Ed25519 public key".into()))
    }

    /// A P-256 key from SEC1 bytes.
    pub(crate) fn p256_from_sec1(b: &[u8]) -> Result<VerificationKey, CredentialError> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(b)
            .map(VerificationKey::P256)
            .map_err(|_| CredentialError::Key("not a point on P-256".into()))
    }

    /// An RSA key from big-endian modulus and exponent.
    pub(crate) fn rsa(n: &[u8], e: &[u8]) -> Result<VerificationKey, CredentialError> {
        RsaPublicKey::new(n, e)
            .map(|k| VerificationKey::Rsa(Box::new(k)))
            .ok_or_else(|| {
                CredentialError::Key(
                    "RSA keys must have an odd 2048 to 4096-bit modulus and an odd exponent ≥ 3"
                        .into(),
                )
            })
    }

    /// Parse a JWK from JSON text.
    pub fn from_jwk_json(text: &str) -> Result<VerificationKey, CredentialError> {
        super::check_len("JWK", text.len(), 16 * 1024)?;
        VerificationKey::from_jwk(&Value::Object(parse_object(text.as_bytes(), "JWK")?))
    }

    /// The public JWK (members in lexicographic order, as RFC 7638 thumbprints need).
    pub fn to_jwk(&self) -> Value {
        match self {
            VerificationKey::Secp256k1(k) => {
                let u = k.to_uncompressed();
                json!({"kty": "EC", "crv": "secp256k1", "x": b64u(&u[1..33]), "y": b64u(&u[33..])})
            }
            VerificationKey::P256(k) => {
                let p = k.to_sec1_point(false);
                let u = p.as_bytes();
                json!({"kty": "EC", "crv": "P-256", "x": b64u(&u[1..33]), "y": b64u(&u[33..])})
            }
            VerificationKey::Ed25519(k) => {
                json!({"kty": "OKP", "crv": "Ed25519", "x": b64u(k.as_bytes())})
            }
            VerificationKey::Rsa(k) => json!({"kty": "RSA", "n": b64u(k.n()), "e": b64u(k.e())}),
        }
    }

    /// The key type, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            VerificationKey::Secp256k1(_) => "secp256k1",
            VerificationKey::P256(_) => "P-256",
            VerificationKey::Ed25519(_) => "Ed25519",
            VerificationKey::Rsa(_) => "RSA",
        }
    }

    /// The JWS algorithm this key verifies.
    pub fn alg(&self) -> &'static str {
        match self {
            VerificationKey::Secp256k1(_) => "ES256K",
            VerificationKey::P256(_) => "ES256",
            VerificationKey::Ed25519(_) => "EdDSA",
            VerificationKey::Rsa(_) => "RS256",
        }
    }

    /// The `did:key` of this key (none for RSA).
    pub fn did_key(&self) -> Option<String> {
        let (codec, bytes): ([u8; 2], Vec<u8>) = match self {
            VerificationKey::Secp256k1(k) => (MC_SECP256K1, k.to_compressed().to_vec()),
            VerificationKey::P256(k) => (MC_P256, k.to_sec1_point(true).as_bytes().to_vec()),
            VerificationKey::Ed25519(k) => (MC_ED25519, k.as_bytes().to_vec()),
            VerificationKey::Rsa(_) => return None,
        };
        let mut raw = codec.to_vec();
        raw.extend(bytes);
        Some(format!("did:key:z{}", bs58::encode(raw).into_string()))
    }

    /// Check a JWS signature made with `alg` over `msg`.
    pub fn verify(&self, alg: &str, msg: &[u8], sig: &[u8]) -> Result<(), CredentialError> {
        let expected = self.alg();
        let alg_ok = alg == expected || (alg == "Ed25519" && expected == "EdDSA");
        if !alg_ok {
            return Err(match alg {
                "ES256K" | "ES256" | "EdDSA" | "Ed25519" | "RS256" => {
                    CredentialError::AlgorithmMismatch {
                        alg: alg.to_string(),
                        key: self.kind(),
                    }
                }
                other => CredentialError::UnsupportedAlgorithm(other.chars().take(32).collect()),
            });
        }
        if self.verify_raw(msg, sig) {
            Ok(())
        } else {
            Err(CredentialError::BadSignature("JWS"))
        }
    }

    /// Verify a raw signature with this key's algorithm; `false` on any mismatch.
    pub(crate) fn verify_raw(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            VerificationKey::Secp256k1(k) => sig.len() == 64 && k.verify_es256k(msg, sig),
            VerificationKey::P256(k) => p256::ecdsa::Signature::from_slice(sig)
                .map(|s| k.verify(msg, &s).is_ok())
                .unwrap_or(false),
            VerificationKey::Ed25519(k) => ed25519_dalek::Signature::from_slice(sig)
                .map(|s| k.verify_strict(msg, &s).is_ok())
                .unwrap_or(false),
            VerificationKey::Rsa(k) => k.verify_rs256(msg, sig),
        }
    }
}

impl PartialEq for VerificationKey {
    fn eq(&self, other: &Self) -> bool {
        self.to_jwk() == other.to_jwk()
    }
}

impl fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerificationKey({})", self.to_jwk())
    }
}

/// Key types an issuer can sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub enum CredentialKeyType {
    /// secp256k1, `ES256K`.
    Secp256k1,
    /// NIST P-256, `ES256`.
    P256,
    /// Ed25519, `EdDSA`.
    Ed25519,
}

impl CredentialKeyType {
    /// From a JWS `alg` name (`ES256K`, `ES256`, `EdDSA`).
    pub fn from_alg(alg: &str) -> Result<CredentialKeyType, CredentialError> {
        match alg {
            "ES256K" => Ok(CredentialKeyType::Secp256k1),
            "ES256" => Ok(CredentialKeyType::P256),
            "EdDSA" | "Ed25519" => Ok(CredentialKeyType::Ed25519),
            other => Err(CredentialError::UnsupportedAlgorithm(
                other.chars().take(32).collect(),
            )),
        }
    }
}

#[derive(Clone)]
enum Secret {
    Secp256k1(PrivateKey),
    P256(p256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

/// A private signing key (issuer keys of the test issuer; holder keys in tests). Zeroized on
/// drop; `Debug` shows only the public key. The wallet's own holder key never leaves the core
/// and is not reachable through this type.
#[derive(Clone)]
pub struct SigningKey(Secret);

impl SigningKey {
    /// A new random key.
    pub fn generate(env: &Env, kind: CredentialKeyType) -> Result<SigningKey, CredentialError> {
        for _ in 0..16 {
            let bytes = Zeroizing::new(env.random_array::<32>()?);
            if let Ok(k) = SigningKey::from_bytes(kind, &*bytes) {
                return Ok(k);
            }
        }
        Err(CredentialError::Key(
            "could not generate a key; the random source looks broken".into(),
        ))
    }

    /// A key from its 32 secret bytes.
    pub fn from_bytes(
        kind: CredentialKeyType,
        bytes: &[u8],
    ) -> Result<SigningKey, CredentialError> {
        let bad = || {
            CredentialError::Key(format!(
                "invalid {kind:?} private key: it must be 32 bytes{}",
                if kind == CredentialKeyType::Ed25519 {
                    ""
                } else {
                    ", a number between 1 and the curve order"
                }
            ))
        };
        Ok(SigningKey(match kind {
            CredentialKeyType::Secp256k1 => {
                Secret::Secp256k1(PrivateKey::from_slice(bytes).map_err(|_| bad())?)
            }
            CredentialKeyType::P256 => {
                Secret::P256(p256::ecdsa::SigningKey::from_slice(bytes).map_err(|_| bad())?)
            }
            CredentialKeyType::Ed25519 => {
                let arr: zeroize::Zeroizing<[u8; 32]> =
                    zeroize::Zeroizing::new(bytes.try_into().map_err(|_| bad())?);
                Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(&arr))
            }
        }))
    }

    /// Wrap a secp256k1 key (the wallet's identity key, inside the core only).
    pub(crate) fn from_secp256k1(k: PrivateKey) -> SigningKey {
        SigningKey(Secret::Secp256k1(k))
    }

    /// Parse a private JWK (`d` required): EC secp256k1 / P-256 or OKP Ed25519.
    pub fn from_jwk_json(text: &str) -> Result<SigningKey, CredentialError> {
        super::check_len("JWK", text.len(), 16 * 1024)?;
        let m: Map<String, Value> = parse_object(text.as_bytes(), "private JWK")?;
        let kind = match (str_of(&m, "kty"), str_of(&m, "crv")) {
            (Some("EC"), Some("secp256k1")) => CredentialKeyType::Secp256k1,
            (Some("EC"), Some("P-256")) => CredentialKeyType::P256,
            (Some("OKP"), Some("Ed25519")) => CredentialKeyType::Ed25519,
            _ => {
                return Err(CredentialError::Key(
                    "a signing key must be an EC secp256k1, EC P-256 or OKP Ed25519 private JWK"
                        .into(),
                ));
            }
        };
        let d = Zeroizing::new(
            b64u_decode(str_of(&m, "d").unwrap_or(""), "JWK 'd'").map_err(|_| {
                CredentialError::Key("the JWK has no valid private part 'd'".into())
            })?,
        );
        if d.len() != 32 {
            return Err(CredentialError::Key("JWK 'd' must be 32 bytes".into()));
        }
        let key = SigningKey::from_bytes(kind, &d)?;
        // A JWK with a public part that does not match its private part is a broken file.
        if m.contains_key("x") {
            let public = VerificationKey::from_jwk(&Value::Object(m.clone()))?;
            if public != key.public_key() {
                return Err(CredentialError::Key(
                    "the JWK's public part does not match its private part 'd'".into(),
                ));
            }
        }
        Ok(key)
    }

    /// The private JWK (for saving an issuer key to a file). Keep it secret.
    pub fn to_private_jwk(&self) -> Zeroizing<String> {
        let mut jwk = self.public_key().to_jwk();
        let d: Zeroizing<Vec<u8>> = Zeroizing::new(match &self.0 {
            Secret::Secp256k1(k) => k.to_bytes().to_vec(),
            Secret::P256(k) => k.to_bytes().to_vec(),
            Secret::Ed25519(k) => k.to_bytes().to_vec(),
        });
        if let Value::Object(m) = &mut jwk {
            m.insert("d".into(), Value::String(b64u(&d)));
        }
        let text = Zeroizing::new(jwk.to_string());
        if let Value::Object(m) = &mut jwk
            && let Some(Value::String(s)) = m.get_mut("d")
        {
            zeroize::Zeroize::zeroize(s);
        }
        text
    }

    /// The matching public key.
    pub fn public_key(&self) -> VerificationKey {
        match &self.0 {
            Secret::Secp256k1(k) => VerificationKey::Secp256k1(k.public_key()),
            Secret::P256(k) => VerificationKey::P256(*k.verifying_key()),
            Secret::Ed25519(k) => VerificationKey::Ed25519(k.verifying_key()),
        }
    }

    /// The JWS algorithm of this key.
    pub fn alg(&self) -> &'static str {
        match &self.0 {
            Secret::Secp256k1(_) => "ES256K",
            Secret::P256(_) => "ES256",
            Secret::Ed25519(_) => "EdDSA",
        }
    }

    /// The key's `did:key`.
    pub fn did_key(&self) -> String {
        self.public_key().did_key().unwrap_or_default()
    }

    /// Sign `msg` the JWS way for this key's algorithm (`r‖s` for ECDSA, 64 bytes for EdDSA).
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, CredentialError> {
        Ok(match &self.0 {
            Secret::Secp256k1(k) => k
                .sign_es256k(msg)
                .map_err(|_| CredentialError::Key("signing failed; retry".into()))?
                .to_vec(),
            Secret::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign(msg);
                s.to_bytes().to_vec()
            }
            Secret::Ed25519(k) => {
                use ed25519_dalek::Signer as _;
                k.sign(msg).to_bytes().to_vec()
            }
        })
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}, ..)", self.public_key().to_jwk())
    }
}

/// Refuse a JWK that is not a JSON object with a string `kty` (used by `cnf` parsing).
pub(crate) fn jwk_member(m: &Map<String, Value>) -> Result<VerificationKey, CredentialError> {
    let jwk = m
        .get("jwk")
        .ok_or_else(|| malformed("cnf: no 'jwk' member"))?;
    VerificationKey::from_jwk(jwk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{Env, ManualClock};

    #[test]
    fn sign_verify_every_type_and_jwk_round_trip() {
        let env = Env::fixed(ManualClock::new(0), 3);
        for kind in [
            CredentialKeyType::Secp256k1,
            CredentialKeyType::P256,
            CredentialKeyType::Ed25519,
        ] {
            let k = SigningKey::generate(&env, kind).unwrap();
            let sig = k.sign(b"hello").unwrap();
            let pk = k.public_key();
            pk.verify(k.alg(), b"hello", &sig).unwrap();
            assert!(pk.verify(k.alg(), b"hellO", &sig).is_err());
            let back = VerificationKey::from_jwk(&pk.to_jwk()).unwrap();
            assert_eq!(back, pk);
            let again = SigningKey::from_jwk_json(&k.to_private_jwk()).unwrap();
            assert_eq!(again.public_key(), pk);
            assert!(!format!("{k:?}").contains("\"d\""));
            assert!(pk.did_key().unwrap().starts_with("did:key:z"));
        }
    }

    #[test]
    fn algorithm_confusion_is_refused() {
        let env = Env::fixed(ManualClock::new(0), 4);
        let k = SigningKey::generate(&env, CredentialKeyType::P256).unwrap();
        let sig = k.sign(b"m").unwrap();
        assert!(matches!(
            k.public_key().verify("ES256K", b"m", &sig),
            Err(CredentialError::AlgorithmMismatch { .. })
        ));
        assert!(matches!(
            k.public_key().verify("none", b"m", &[]),
            Err(CredentialError::UnsupportedAlgorithm(_))
        ));
        assert!(matches!(
            k.public_key().verify("HS256", b"m", &sig),
            Err(CredentialError::UnsupportedAlgorithm(_))
        ));
    }
}
