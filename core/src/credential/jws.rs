//! Compact JWS (RFC 7515) — the envelope of JWT VCs, SD-JWTs, key-binding JWTs and VPs.

use serde_json::{Map, Value};

use super::codec::{b64u, b64u_decode, parse_object, str_of};
use super::jwk::{SigningKey, VerificationKey};
use super::{CredentialError, MAX_CREDENTIAL_LEN, check_len, malformed};

/// A parsed, not yet verified compact JWS with a JSON object payload.
#[derive(Debug, Clone)]
pub struct Jws {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload claims.
    pub payload: Map<String, Value>,
    signing_input: String,
    signature: Vec<u8>,
}

impl Jws {
    /// Parse `header.payload.signature` (each part base64url, header and payload JSON objects).
    /// Refuses `alg: none`, a `crit` header (no extensions are understood) and oversized input.
    pub fn parse(compact: &str, what: &str) -> Result<Jws, CredentialError> {
        Jws::parse_limited(compact, what, MAX_CREDENTIAL_LEN)
    }

    /// [`Jws::parse`] with another size limit (status lists may be larger).
    pub(crate) fn parse_limited(
        compact: &str,
        what: &str,
        max: usize,
    ) -> Result<Jws, CredentialError> {
        check_len("JWT", compact.len(), max)?;
        let mut parts = compact.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed(format!(
                "{what}: a JWT has three dot-separated parts"
            )));
        };
        let header = parse_object(&b64u_decode(h, what)?, &format!("{what} header"))?;
        let payload = parse_object(&b64u_decode(p, what)?, &format!("{what} payload"))?;
        let signature = b64u_decode(s, what)?;
        match str_of(&header, "alg") {
            None => return Err(malformed(format!("{what}: the header has no 'alg'"))),
            Some("none") => {
                return Err(CredentialError::UnsupportedAlgorithm("none".into()));
            }
            Some(_) => {}
        }
        if header.contains_key("crit") {
            return Err(malformed(format!(
                "{what}: the header marks extensions as critical ('crit'), which this wallet does not understand"
            )));
        }
        Ok(Jws {
            header,
            payload,
            signing_input: format!("{h}.{p}"),
            signature,
        })
    }

    /// The `alg` header.
    pub fn alg(&self) -> &str {
        str_of(&self.header, "alg").unwrap_or("")
    }

    /// The `typ` header, if any.
    pub fn typ(&self) -> Option<&str> {
        str_of(&self.header, "typ")
    }

    /// The `kid` header, if any.
    pub fn kid(&self) -> Option<&str> {
        str_of(&self.header, "kid")
    }

    /// Check the signature with `key`.
    pub fn verify(&self, key: &VerificationKey) -> Result<(), CredentialError> {
        key.verify(self.alg(), self.signing_input.as_bytes(), &self.signature)
    }

    /// Check the signature with any of `keys` (a DID document may list several).
    pub(crate) fn verify_any(
        &self,
        keys: &[VerificationKey],
        what: &'static str,
    ) -> Result<VerificationKey, CredentialError> {
        let mut last = CredentialError::BadSignature(what);
        for k in keys {
            match self.verify(k) {
                Ok(()) => return Ok(k.clone()),
                Err(CredentialError::BadSignature(_)) => last = CredentialError::BadSignature(what),
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

/// Sign a compact JWS: `alg` is set from the key; other header members come from `header`.
pub fn sign_jws(
    header: &Map<String, Value>,
    payload: &Value,
    key: &SigningKey,
) -> Result<String, CredentialError> {
    let mut h = header.clone();
    h.insert("alg".into(), Value::String(key.alg().into()));
    let input = format!(
        "{}.{}",
        b64u(Value::Object(h).to_string().as_bytes()),
        b64u(payload.to_string().as_bytes())
    );
    let sig = key.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", b64u(&sig)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::jwk::CredentialKeyType;
    use crate::env::{Env, ManualClock};
    use serde_json::json;

    #[test]
    fn sign_parse_verify_and_tamper() {
        let env = Env::fixed(ManualClock::new(0), 5);
        let k = SigningKey::generate(&env, CredentialKeyType::Ed25519).unwrap();
        let mut h = Map::new();
        h.insert("typ".into(), "JWT".into());
        let t = sign_jws(&h, &json!({"a": 1}), &k).unwrap();
        let j = Jws::parse(&t, "test").unwrap();
        assert_eq!(j.alg(), "EdDSA");
        assert_eq!(j.typ(), Some("JWT"));
        j.verify(&k.public_key()).unwrap();
        let mut parts: Vec<&str> = t.split('.').collect();
        let other = b64u(json!({"a": 2}).to_string().as_bytes());
        parts[1] = &other;
        let bad = parts.join(".");
        assert!(matches!(
            Jws::parse(&bad, "t").unwrap().verify(&k.public_key()),
            Err(CredentialError::BadSignature(_))
        ));
    }

    #[test]
    fn malformed_inputs_are_errors() {
        for s in [
            "",
            "a",
            "a.b",
            "a.b.c.d",
            "e30.e30.",
            "eyJhbGciOiJub25lIn0.e30.",
        ] {
            assert!(Jws::parse(s, "t").is_err(), "{s}");
        }
        let crit = format!(
            "{}.{}.",
            b64u(br#"{"alg":"ES256","crit":["x"]}"#),
            b64u(b"{}")
        );
        assert!(Jws::parse(&crit, "t").is_err());
    }
}
