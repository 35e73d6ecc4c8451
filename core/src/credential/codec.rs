//! Small encoding helpers shared by the credential formats: base64url, bounded JSON, digests.

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{CredentialError, MAX_DEPTH, malformed};

/// base64url without padding (RFC 7515 §2).
pub(crate) fn b64u(data: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(data)
}

/// Decode base64url without padding; `what` names the part for the error.
pub(crate) fn b64u_decode(s: &str, what: &str) -> Result<Vec<u8>, CredentialError> {
    Base64UrlUnpadded::decode_vec(s).map_err(|_| malformed(format!("{what}: not base64url")))
}

/// base64url(SHA-256(data)).
pub(crate) fn sha256_b64u(data: &[u8]) -> String {
    b64u(&Sha256::digest(data))
}

/// SHA-256.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Parse JSON and refuse nesting deeper than [`MAX_DEPTH`].
pub(crate) fn parse_json(bytes: &[u8], what: &str) -> Result<Value, CredentialError> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| malformed(format!("{what}: not JSON ({e})")))?;
    check_depth(&v, what)?;
    Ok(v)
}

/// Parse a JSON object.
pub(crate) fn parse_object(
    bytes: &[u8],
    what: &str,
) -> Result<Map<String, Value>, CredentialError> {
    match parse_json(bytes, what)? {
        Value::Object(m) => Ok(m),
        _ => Err(malformed(format!("{what}: not a JSON object"))),
    }
}

/// Refuse values nested deeper than [`MAX_DEPTH`] (iteratively: no recursion on input).
pub(crate) fn check_depth(v: &Value, what: &str) -> Result<(), CredentialError> {
    let mut stack: Vec<(&Value, usize)> = vec![(v, 1)];
    while let Some((v, d)) = stack.pop() {
        if d > MAX_DEPTH {
            return Err(malformed(format!(
                "{what}: JSON nested more than {MAX_DEPTH} levels deep"
            )));
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            Value::Object(m) => stack.extend(m.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    Ok(())
}

/// A string member of an object.
pub(crate) fn str_of<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str)
}

/// A non-negative integer member (JWT NumericDate; fractions are truncated, negatives refused).
pub(crate) fn numeric_date(
    m: &Map<String, Value>,
    key: &str,
    what: &str,
) -> Result<Option<u64>, CredentialError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(u) = n.as_u64() {
                Ok(Some(u))
            } else if let Some(f) = n.as_f64().filter(|f| *f >= 0.0 && *f < 1.0e15) {
                Ok(Some(f as u64))
            } else {
                Err(malformed(format!(
                    "{what}: '{key}' must be a non-negative number of seconds"
                )))
            }
        }
        Some(_) => Err(malformed(format!(
            "{what}: '{key}' must be a number of seconds"
        ))),
    }
}

/// The `id` of a value that is either a string or an object with `id`.
pub(crate) fn id_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(m) => str_of(m, "id"),
        _ => None,
    }
}

/// A `type` member as a list of strings (a single string or an array).
pub(crate) fn types_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_limit() {
        let deep = "[".repeat(40) + &"]".repeat(40);
        assert!(parse_json(deep.as_bytes(), "x").is_err());
        let ok = "[".repeat(10) + &"]".repeat(10);
        assert!(parse_json(ok.as_bytes(), "x").is_ok());
    }

    #[test]
    fn base64url_round_trip() {
        assert_eq!(b64u(b"\xfb\xff"), "-_8");
        assert_eq!(b64u_decode("-_8", "x").unwrap(), b"\xfb\xff");
        assert!(b64u_decode("-_8=", "x").is_err());
    }
}
