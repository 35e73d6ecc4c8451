//! IETF SD-JWT (RFC 9901): parsing, digest checks and claim reconstruction, the holder's
//! choice of disclosures by claim path, key-binding JWTs, and issuance (for the test issuer).
//!
//! Serialization: `<issuer-signed JWT>~<disclosure>~…~<disclosure>~[<KB-JWT>]`. A disclosure
//! is base64url of the JSON array `[salt, name, value]` (an object member) or `[salt, value]`
//! (an array element); its digest is base64url(SHA-256(the disclosure as sent)).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::codec::check_depth;
use super::codec::{b64u, b64u_decode, parse_json, sha256_b64u};
use super::jwk::SigningKey;
use super::jws::{Jws, sign_jws};
use super::{
    CredentialError, MAX_CREDENTIAL_LEN, MAX_DEPTH, MAX_DISCLOSURES, check_len, malformed,
};
use crate::env::Env;

/// The only `_sd_alg` supported (and the default when absent).
pub(crate) const SD_ALG: &str = "sha-256";
/// Claims that an SD-JWT VC never hides (SD-JWT VC §3.2.2).
pub(crate) const NEVER_DISCLOSABLE: [&str; 7] =
    ["iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"];

/// One disclosure.
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    /// The base64url text as sent.
    pub raw: String,
    /// base64url(SHA-256(raw)).
    pub digest: String,
    /// The claim name (`None` for an array element).
    pub name: Option<String>,
    /// The claim value.
    pub value: Value,
}

impl Disclosure {
    /// Parse one disclosure.
    pub fn parse(raw: &str) -> Result<Disclosure, CredentialError> {
        let bad = |why: &str| CredentialError::Disclosure(format!("a disclosure {why}"));
        let bytes = b64u_decode(raw, "disclosure").map_err(|_| bad("is not base64url"))?;
        let v = parse_json(&bytes, "disclosure")?;
        let Value::Array(mut a) = v else {
            return Err(bad("is not a JSON array"));
        };
        let (name, value) = match a.len() {
            3 => {
                let value = a.pop().unwrap_or(Value::Null);
                let name = match a.pop() {
                    Some(Value::String(n)) => n,
                    _ => return Err(bad("has a claim name that is not a string")),
                };
                if name == "_sd" || name == "..." || name == "_sd_alg" {
                    return Err(bad(&format!("uses the reserved claim name '{name}'")));
                }
                (Some(name), value)
            }
            2 => (None, a.pop().unwrap_or(Value::Null)),
            n => return Err(bad(&format!("has {n} elements (2 or 3 expected)"))),
        };
        if !a.first().is_some_and(Value::is_string) {
            return Err(bad("has a salt that is not a string"));
        }
        Ok(Disclosure {
            raw: raw.to_string(),
            digest: sha256_b64u(raw.as_bytes()),
            name,
            value,
        })
    }

    /// A new disclosure with a fresh 128-bit salt.
    pub(crate) fn new(
        env: &Env,
        name: Option<&str>,
        value: Value,
    ) -> Result<Disclosure, CredentialError> {
        let salt = b64u(&env.random_array::<16>()?);
        let arr = match name {
            Some(n) => json!([salt, n, value]),
            None => json!([salt, value]),
        };
        let raw = b64u(arr.to_string().as_bytes());
        Ok(Disclosure {
            digest: sha256_b64u(raw.as_bytes()),
            raw,
            name: name.map(str::to_string),
            value,
        })
    }
}

/// base64url(SHA-256) of the presented SD-JWT (`<JWT>~<disclosures>~`): the KB-JWT `sd_hash`.
pub fn sd_hash(presented: &str) -> String {
    sha256_b64u(presented.as_bytes())
}

/// A parsed SD-JWT (issued or presented), not yet verified.
#[derive(Debug, Clone)]
pub struct SdJwt {
    /// The issuer-signed JWT.
    pub jws: Jws,
    /// Its compact text.
    pub issuer_jwt: String,
    /// The disclosures, in order.
    pub disclosures: Vec<Disclosure>,
    /// The key-binding JWT, if present.
    pub kb_jwt: Option<String>,
    /// Everything before the KB-JWT: what `sd_hash` covers.
    pub presented: String,
}

/// Where each disclosure sits in the reconstructed claims.
#[derive(Debug, Clone)]
pub(crate) struct Placement {
    pub path: Vec<String>,
    pub parent: Option<usize>,
}

impl SdJwt {
    /// Split and parse an SD-JWT; disclosures are decoded and hashed, nothing is verified.
    pub fn parse(text: &str) -> Result<SdJwt, CredentialError> {
        SdJwt::parse_limited(text, MAX_CREDENTIAL_LEN)
    }

    /// [`SdJwt::parse`] with another size limit.
    pub(crate) fn parse_limited(text: &str, max: usize) -> Result<SdJwt, CredentialError> {
        check_len("SD-JWT", text.len(), max)?;
        let text = text.trim();
        let last = text
            .rfind('~')
            .ok_or_else(|| malformed("SD-JWT: no '~' separator"))?;
        let presented = &text[..=last];
        let kb = &text[last + 1..];
        let mut parts = presented[..last].split('~');
        let issuer_jwt = parts.next().unwrap_or("");
        let jws = Jws::parse_limited(issuer_jwt, "SD-JWT issuer JWT", max)?;
        let mut disclosures = Vec::new();
        let mut seen = HashSet::new();
        for d in parts {
            if d.is_empty() {
                return Err(malformed("SD-JWT: an empty disclosure between '~~'"));
            }
            if disclosures.len() >= MAX_DISCLOSURES {
                return Err(CredentialError::TooLarge {
                    what: "number of disclosures",
                    len: disclosures.len() + 1,
                    max: MAX_DISCLOSURES,
                });
            }
            let d = Disclosure::parse(d)?;
            if !seen.insert(d.digest.clone()) {
                return Err(CredentialError::Disclosure(
                    "the same disclosure appears twice".into(),
                ));
            }
            disclosures.push(d);
        }
        Ok(SdJwt {
            jws,
            issuer_jwt: issuer_jwt.to_string(),
            disclosures,
            kb_jwt: (!kb.is_empty()).then(|| kb.to_string()),
            presented: presented.to_string(),
        })
    }

    /// Check `_sd_alg` and rebuild the claims from the payload and the disclosures: each digest
    /// used once, each disclosure referenced exactly once, no claim overwritten. `_sd` and
    /// `_sd_alg` are removed; undisclosed claims are simply absent.
    pub fn claims(&self) -> Result<Map<String, Value>, CredentialError> {
        Ok(self.reconstruct()?.0)
    }

    pub(crate) fn reconstruct(
        &self,
    ) -> Result<(Map<String, Value>, Vec<Placement>), CredentialError> {
        match self.jws.payload.get("_sd_alg") {
            None => {}
            Some(Value::String(a)) if a == SD_ALG => {}
            Some(other) => {
                return Err(CredentialError::Disclosure(format!(
                    "unsupported _sd_alg {other}; only sha-256 is supported"
                )));
            }
        }
        let mut ctx = Ctx {
            by_digest: self
                .disclosures
                .iter()
                .enumerate()
                .map(|(i, d)| (d.digest.as_str(), i))
                .collect(),
            disclosures: &self.disclosures,
            seen: HashSet::new(),
            placement: vec![None; self.disclosures.len()],
        };
        let mut payload = self.jws.payload.clone();
        payload.remove("_sd_alg");
        let mut path = Vec::new();
        let claims = match ctx.object(payload, &mut path, None)? {
            Value::Object(m) => m,
            _ => return Err(malformed("SD-JWT payload")),
        };
        let mut placement = Vec::with_capacity(ctx.placement.len());
        for (i, p) in ctx.placement.into_iter().enumerate() {
            match p {
                Some(p) => placement.push(p),
                None => {
                    return Err(CredentialError::Disclosure(format!(
                        "disclosure {} ({}) is not referenced by the SD-JWT: it was added or altered",
                        i + 1,
                        self.disclosures[i]
                            .name
                            .as_deref()
                            .unwrap_or("array element")
                    )));
                }
            }
        }
        Ok((claims, placement))
    }

    /// The claim paths the holder can choose to disclose (dot notation).
    pub fn disclosable_paths(&self) -> Result<Vec<String>, CredentialError> {
        let (_, placement) = self.reconstruct()?;
        Ok(placement.iter().map(|p| p.path.join(".")).collect())
    }

    /// Indices of the disclosures needed to reveal `paths` (each claim with everything above
    /// and below it).
    pub(crate) fn select(&self, paths: &[&str]) -> Result<Vec<usize>, CredentialError> {
        let (claims, placement) = self.reconstruct()?;
        let mut chosen = vec![false; placement.len()];
        for p in paths {
            let want = parse_claim_path(p)?;
            if !exists(&claims, &want) {
                return Err(CredentialError::UnknownClaimPath {
                    path: p.to_string(),
                    available: placement
                        .iter()
                        .map(|p| p.path.join("."))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            for (i, pl) in placement.iter().enumerate() {
                if pl.path.starts_with(&want) || want.starts_with(&pl.path) {
                    let mut j = Some(i);
                    while let Some(k) = j {
                        chosen[k] = true;
                        j = placement[k].parent;
                    }
                }
            }
        }
        Ok((0..chosen.len()).filter(|i| chosen[*i]).collect())
    }

    /// Build a presentation revealing `paths`, with a key-binding JWT when `kb` is given.
    pub fn present(
        &self,
        paths: &[&str],
        kb: Option<KeyBindingInput<'_>>,
    ) -> Result<String, CredentialError> {
        let chosen = self.select(paths)?;
        let mut out = self.issuer_jwt.clone();
        out.push('~');
        for i in chosen {
            out.push_str(&self.disclosures[i].raw);
            out.push('~');
        }
        if let Some(kb) = kb {
            let mut h = Map::new();
            h.insert("typ".into(), "kb+jwt".into());
            let payload = json!({
                "iat": kb.iat,
                "aud": kb.aud,
                "nonce": kb.nonce,
                "sd_hash": sd_hash(&out),
            });
            out.push_str(&sign_jws(&h, &payload, kb.key)?);
        }
        Ok(out)
    }
}

/// What the holder signs into a key-binding JWT.
#[derive(Debug, Clone, Copy)]
pub struct KeyBindingInput<'a> {
    /// The verifier's nonce.
    pub nonce: &'a str,
    /// The verifier (audience).
    pub aud: &'a str,
    /// Now, Unix seconds.
    pub iat: u64,
    /// The holder key (the `cnf` key).
    pub key: &'a SigningKey,
}

struct Ctx<'d> {
    by_digest: HashMap<&'d str, usize>,
    disclosures: &'d [Disclosure],
    seen: HashSet<String>,
    placement: Vec<Option<Placement>>,
}

impl Ctx<'_> {
    fn take(&mut self, digest: &str, array: bool) -> Result<Option<usize>, CredentialError> {
        if !self.seen.insert(digest.to_string()) {
            return Err(CredentialError::Disclosure(
                "a digest appears more than once in the SD-JWT".into(),
            ));
        }
        let Some(&i) = self.by_digest.get(digest) else {
            return Ok(None); // a decoy, or a claim not disclosed
        };
        if self.disclosures[i].name.is_some() == array {
            return Err(CredentialError::Disclosure(format!(
                "disclosure for digest {digest} has the wrong form for its place (object member vs array element)"
            )));
        }
        Ok(Some(i))
    }

    fn value(
        &mut self,
        v: Value,
        path: &mut Vec<String>,
        parent: Option<usize>,
    ) -> Result<Value, CredentialError> {
        too_deep(path)?;
        match v {
            Value::Object(m) => self.object(m, path, parent),
            Value::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for el in a {
                    let digest = match &el {
                        Value::Object(m) if m.len() == 1 => match m.get("...") {
                            Some(Value::String(d)) => Some(d.clone()),
                            Some(_) => {
                                return Err(CredentialError::Disclosure(
                                    "an array digest '...' is not a string".into(),
                                ));
                            }
                            None => None,
                        },
                        _ => None,
                    };
                    match digest {
                        Some(d) => {
                            if let Some(i) = self.take(&d, true)? {
                                path.push(out.len().to_string());
                                let v =
                                    self.value(self.disclosures[i].value.clone(), path, Some(i))?;
                                self.placement[i] = Some(Placement {
                                    path: path.clone(),
                                    parent,
                                });
                                path.pop();
                                out.push(v);
                            }
                        }
                        None => {
                            path.push(out.len().to_string());
                            let v = self.value(el, path, parent)?;
                            path.pop();
                            out.push(v);
                        }
                    }
                }
                Ok(Value::Array(out))
            }
            other => Ok(other),
        }
    }

    fn object(
        &mut self,
        mut m: Map<String, Value>,
        path: &mut Vec<String>,
        parent: Option<usize>,
    ) -> Result<Value, CredentialError> {
        too_deep(path)?;
        let sd = match m.remove("_sd") {
            None => Vec::new(),
            Some(Value::Array(a)) => a,
            Some(_) => {
                return Err(CredentialError::Disclosure("'_sd' is not an array".into()));
            }
        };
        let mut out = Map::new();
        for (k, v) in m {
            path.push(k.clone());
            let v = self.value(v, path, parent)?;
            path.pop();
            out.insert(k, v);
        }
        for d in sd {
            let Value::String(d) = d else {
                return Err(CredentialError::Disclosure(
                    "a digest in '_sd' is not a string".into(),
                ));
            };
            if let Some(i) = self.take(&d, false)? {
                let name = self.disclosures[i].name.clone().unwrap_or_default();
                if out.contains_key(&name) {
                    return Err(CredentialError::Disclosure(format!(
                        "the disclosed claim '{name}' would overwrite a claim of the same name"
                    )));
                }
                path.push(name.clone());
                let v = self.value(self.disclosures[i].value.clone(), path, Some(i))?;
                self.placement[i] = Some(Placement {
                    path: path.clone(),
                    parent,
                });
                path.pop();
                out.insert(name, v);
            }
        }
        Ok(Value::Object(out))
    }
}

/// Disclosures nest inside disclosures: bound the depth of the rebuilt claims (and so the
/// recursion) whatever the disclosures contain.
fn too_deep(path: &[String]) -> Result<(), CredentialError> {
    if path.len() > MAX_DEPTH {
        return Err(CredentialError::Disclosure(format!(
            "the disclosed claims nest more than {MAX_DEPTH} levels deep"
        )));
    }
    Ok(())
}

/// Parse a claim path: dot notation with optional `[n]` array indices (`address.region`,
/// `nationalities[1]`, `nationalities.1`), or a JSON Pointer (`/address/region`).
///
/// ```
/// use jigap_core::credential::parse_claim_path;
/// assert_eq!(parse_claim_path("a.b[2]").unwrap(), ["a", "b", "2"]);
/// assert_eq!(parse_claim_path("/a~1b/0").unwrap(), ["a/b", "0"]);
/// ```
pub fn parse_claim_path(p: &str) -> Result<Vec<String>, CredentialError> {
    if p.len() > 512 {
        return Err(malformed("claim path: longer than 512 characters"));
    }
    let segs: Vec<String> = if let Some(ptr) = p.strip_prefix('/') {
        ptr.split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    } else {
        let mut out = Vec::new();
        for (n, part) in p.split('.').enumerate() {
            let (name, rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if name.is_empty() && (n == 0 || rest.is_empty()) {
                return Err(malformed(format!("claim path '{p}' has an empty part")));
            }
            if !name.is_empty() {
                out.push(name.to_string());
            }
            let mut rest = rest;
            while let Some(r) = rest.strip_prefix('[') {
                let end = r
                    .find(']')
                    .ok_or_else(|| malformed(format!("claim path '{p}': missing ']'")))?;
                let idx = &r[..end];
                if idx.parse::<usize>().is_err() {
                    return Err(malformed(format!(
                        "claim path '{p}': '[{idx}]' is not an array index"
                    )));
                }
                out.push(idx.to_string());
                rest = &r[end + 1..];
            }
            if !rest.is_empty() {
                return Err(malformed(format!("claim path '{p}': unexpected '{rest}'")));
            }
        }
        out
    };
    if segs.is_empty() || segs.iter().any(String::is_empty) {
        return Err(malformed(format!("claim path '{p}' has an empty part")));
    }
    Ok(segs)
}

fn exists(claims: &Map<String, Value>, path: &[String]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let mut cur = match claims.get(first) {
        Some(v) => v,
        None => return false,
    };
    for seg in rest {
        cur = match cur {
            Value::Object(m) => match m.get(seg) {
                Some(v) => v,
                None => return false,
            },
            Value::Array(a) => match seg.parse::<usize>().ok().and_then(|i| a.get(i)) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    true
}

/// Hide the claims at `paths` behind digests (deepest first, so nested claims can be hidden
/// inside hidden objects). Returns the payload members and the disclosures.
pub(crate) fn conceal(
    env: &Env,
    claims: Map<String, Value>,
    paths: &[String],
) -> Result<(Map<String, Value>, Vec<Disclosure>), CredentialError> {
    check_depth(&Value::Object(claims.clone()), "claims")?;
    let mut wanted = HashSet::new();
    for p in paths {
        let segs = parse_claim_path(p)?;
        if segs.len() == 1 && NEVER_DISCLOSABLE.contains(&segs[0].as_str()) {
            return Err(malformed(format!(
                "'{p}' must always be visible in an SD-JWT VC and cannot be selectively disclosable"
            )));
        }
        wanted.insert(segs);
    }
    let mut c = Concealer {
        env,
        wanted: &wanted,
        found: HashSet::new(),
        out: Vec::new(),
    };
    let mut path = Vec::new();
    let v = c.value(Value::Object(claims), &mut path)?;
    for w in &wanted {
        if !c.found.contains(w) {
            return Err(CredentialError::UnknownClaimPath {
                path: w.join("."),
                available: "the claims given to the issuer".into(),
            });
        }
    }
    match v {
        Value::Object(m) => Ok((m, c.out)),
        _ => Err(malformed("claims")),
    }
}

struct Concealer<'a> {
    env: &'a Env,
    wanted: &'a HashSet<Vec<String>>,
    found: HashSet<Vec<String>>,
    out: Vec<Disclosure>,
}

impl Concealer<'_> {
    fn value(&mut self, v: Value, path: &mut Vec<String>) -> Result<Value, CredentialError> {
        match v {
            Value::Object(m) => {
                let mut res = Map::new();
                let mut sd = Vec::new();
                for (k, child) in m {
                    if k == "_sd" || k == "..." || k == "_sd_alg" {
                        return Err(malformed(format!("claims: '{k}' is reserved by SD-JWT")));
                    }
                    path.push(k.clone());
                    let child = self.value(child, path)?;
                    if self.wanted.contains(path.as_slice()) {
                        self.found.insert(path.clone());
                        let d = Disclosure::new(self.env, Some(&k), child)?;
                        sd.push(Value::String(d.digest.clone()));
                        self.out.push(d);
                    } else {
                        res.insert(k, child);
                    }
                    path.pop();
                }
                if !sd.is_empty() {
                    crate::util::sort_by(&mut sd, |a, b| a.as_str().cmp(&b.as_str()));
                    res.insert("_sd".into(), Value::Array(sd));
                }
                Ok(Value::Object(res))
            }
            Value::Array(a) => {
                let mut res = Vec::with_capacity(a.len());
                for (i, el) in a.into_iter().enumerate() {
                    path.push(i.to_string());
                    let el = self.value(el, path)?;
                    if self.wanted.contains(path.as_slice()) {
                        self.found.insert(path.clone());
                        let d = Disclosure::new(self.env, None, el)?;
                        res.push(json!({"...": d.digest}));
                        self.out.push(d);
                    } else {
                        res.push(el);
                    }
                    path.pop();
                }
                Ok(Value::Array(res))
            }
            other => Ok(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::jwk::CredentialKeyType;
    use crate::env::ManualClock;

    fn issue(env: &Env, claims: Value, paths: &[&str]) -> (String, SigningKey) {
        let key = SigningKey::generate(env, CredentialKeyType::P256).unwrap();
        let (mut payload, ds) = conceal(
            env,
            claims.as_object().unwrap().clone(),
            &paths.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
        .unwrap();
        payload.insert("_sd_alg".into(), SD_ALG.into());
        let mut h = Map::new();
        h.insert("typ".into(), "dc+sd-jwt".into());
        let mut s = sign_jws(&h, &Value::Object(payload), &key).unwrap();
        for d in ds {
            s.push('~');
            s.push_str(&d.raw);
        }
        s.push('~');
        (s, key)
    }

    #[test]
    fn conceal_reconstruct_select_nested_and_arrays() {
        let env = Env::fixed(ManualClock::new(0), 1);
        let claims = json!({
            "iss": "https://i.example", "name": "Kim",
            "address": {"region": "KR-11", "locality": "Seoul"},
            "nationalities": ["KR", "JP"]
        });
        let (s, _) = issue(
            &env,
            claims.clone(),
            &[
                "name",
                "address",
                "address.region",
                "address.locality",
                "nationalities.1",
            ],
        );
        let sd = SdJwt::parse(&s).unwrap();
        assert_eq!(sd.disclosures.len(), 5);
        assert_eq!(Value::Object(sd.claims().unwrap()), claims);
        let mut paths = sd.disclosable_paths().unwrap();
        crate::util::sort_by(&mut paths, |a, b| a.cmp(b));
        assert_eq!(
            paths,
            [
                "address",
                "address.locality",
                "address.region",
                "name",
                "nationalities.1"
            ]
        );

        let p = sd.present(&["address.region"], None).unwrap();
        let got = SdJwt::parse(&p).unwrap().claims().unwrap();
        assert_eq!(
            Value::Object(got),
            json!({"iss": "https://i.example", "address": {"region": "KR-11"}, "nationalities": ["KR"]})
        );
        let p = sd.present(&["nationalities[1]", "address"], None).unwrap();
        let got = SdJwt::parse(&p).unwrap().claims().unwrap();
        assert_eq!(got["nationalities"], json!(["KR", "JP"]));
        assert_eq!(got["address"], claims["address"]);
        assert!(matches!(
            sd.present(&["address.country"], None),
            Err(CredentialError::UnknownClaimPath { .. })
        ));
    }

    #[test]
    fn unreferenced_duplicate_and_overwriting_disclosures_fail() {
        let env = Env::fixed(ManualClock::new(0), 2);
        let (s, _) = issue(&env, json!({"a": 1, "b": 2}), &["a"]);
        let sd = SdJwt::parse(&s).unwrap();
        // An extra disclosure not referenced by any digest.
        let extra = Disclosure::new(&env, Some("c"), json!(3)).unwrap();
        let added = format!("{}{}~", sd.presented, extra.raw);
        assert!(matches!(
            SdJwt::parse(&added).unwrap().claims(),
            Err(CredentialError::Disclosure(_))
        ));
        // The same disclosure twice.
        let twice = format!("{}{}~", sd.presented, sd.disclosures[0].raw);
        assert!(SdJwt::parse(&twice).is_err());
        // A disclosure that would overwrite a plain claim: reuse digest form for 'b'.
        let (s2, _) = issue(&env, json!({"b": 1, "x": {"b": 5}}), &["x.b"]);
        let sd2 = SdJwt::parse(&s2).unwrap();
        assert_eq!(sd2.claims().unwrap()["x"]["b"], 5);
    }

    #[test]
    fn disclosures_nested_in_disclosures_are_depth_limited() {
        let env = Env::fixed(ManualClock::new(0), 4);
        // A chain of 40 disclosures, each hiding the next object: 40 levels deep.
        let mut ds = Vec::new();
        let mut inner = json!({"leaf": 1});
        for _ in 0..40 {
            let d = Disclosure::new(&env, Some("n"), inner).unwrap();
            inner = json!({"_sd": [d.digest.clone()]});
            ds.push(d);
        }
        let key = SigningKey::generate(&env, CredentialKeyType::P256).unwrap();
        let mut s = sign_jws(&Map::new(), &inner, &key).unwrap();
        for d in ds.iter().rev() {
            s.push('~');
            s.push_str(&d.raw);
        }
        s.push('~');
        assert!(matches!(
            SdJwt::parse(&s).unwrap().claims(),
            Err(CredentialError::Disclosure(m)) if m.contains("levels")
        ));
    }

    #[test]
    fn never_disclosable_claims_are_refused() {
        let env = Env::fixed(ManualClock::new(0), 3);
        let m = json!({"iss": "x", "exp": 1}).as_object().unwrap().clone();
        assert!(conceal(&env, m.clone(), &["exp".into()]).is_err());
        assert!(conceal(&env, m, &["nope".into()]).is_err());
    }

    #[test]
    fn claim_paths() {
        assert_eq!(parse_claim_path("a").unwrap(), ["a"]);
        assert_eq!(parse_claim_path("a[0][1].b").unwrap(), ["a", "0", "1", "b"]);
        assert!(parse_claim_path("a..b").is_err());
        assert!(parse_claim_path("a[x]").is_err());
        assert!(parse_claim_path("").is_err());
    }
}
