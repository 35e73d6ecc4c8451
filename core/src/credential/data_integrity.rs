//! Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite (W3C vc-di-eddsa): Ed25519
//! over SHA-256(JCS(proof configuration)) ‖ SHA-256(JCS(document without proof)).

use serde_json::{Map, Value};

use super::codec::{sha256, str_of};
use super::did::{Purpose, Resolver};
use super::jcs::canonicalize;
use super::jwk::{SigningKey, VerificationKey};
use super::time::{format_rfc3339, parse_rfc3339};
use super::{CredentialError, malformed};

const SUITE: &str = "eddsa-jcs-2022";

fn hash_data(proof_config: &Value, unsecured: &Value) -> Result<Vec<u8>, CredentialError> {
    let mut out = sha256(canonicalize(proof_config)?.as_bytes()).to_vec();
    out.extend_from_slice(&sha256(canonicalize(unsecured)?.as_bytes()));
    Ok(out)
}

/// Add an `eddsa-jcs-2022` proof to `doc`, signed by an Ed25519 `key` whose verification
/// method is `verification_method` (e.g. `did:key:z6Mk…#z6Mk…`).
pub fn sign_eddsa_jcs_2022(
    doc: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: u64,
) -> Result<Value, CredentialError> {
    if key.alg() != "EdDSA" {
        return Err(CredentialError::Key(
            "eddsa-jcs-2022 needs an Ed25519 key".into(),
        ));
    }
    let mut unsecured = doc
        .as_object()
        .cloned()
        .ok_or_else(|| malformed("credential: not a JSON object"))?;
    unsecured.remove("proof");
    let mut proof = Map::new();
    proof.insert("type".into(), "DataIntegrityProof".into());
    proof.insert("cryptosuite".into(), SUITE.into());
    proof.insert("created".into(), format_rfc3339(created).into());
    proof.insert("verificationMethod".into(), verification_method.into());
    proof.insert("proofPurpose".into(), "assertionMethod".into());
    if let Some(ctx) = unsecured.get("@context") {
        proof.insert("@context".into(), ctx.clone());
    }
    let unsecured = Value::Object(unsecured);
    let sig = key.sign(&hash_data(&Value::Object(proof.clone()), &unsecured)?)?;
    proof.insert(
        "proofValue".into(),
        format!("z{}", bs58::encode(sig).into_string()).into(),
    );
    let mut out = unsecured;
    if let Value::Object(m) = &mut out {
        m.insert("proof".into(), Value::Object(proof));
    }
    Ok(out)
}

/// Verify the `eddsa-jcs-2022` proof of `doc`, whose issuer is `issuer`. Returns the key.
/// The verification method must belong to the issuer (same DID, or same URL before `#`).
pub fn verify_eddsa_jcs_2022(
    doc: &Value,
    issuer: &str,
    resolver: &Resolver,
) -> Result<VerificationKey, CredentialError> {
    let m = doc
        .as_object()
        .ok_or_else(|| malformed("credential: not a JSON object"))?;
    let proof = match m.get("proof") {
        Some(Value::Object(p)) => p.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_object)
            .find(|p| str_of(p, "cryptosuite") == Some(SUITE))
            .cloned()
            .ok_or_else(|| malformed("credential: no eddsa-jcs-2022 proof"))?,
        _ => return Err(malformed("credential: no proof")),
    };
    if str_of(&proof, "type") != Some("DataIntegrityProof")
        || str_of(&proof, "cryptosuite") != Some(SUITE)
    {
        return Err(CredentialError::UnsupportedAlgorithm(format!(
            "{} / {} (only DataIntegrityProof with eddsa-jcs-2022 is supported)",
            str_of(&proof, "type").unwrap_or("?"),
            str_of(&proof, "cryptosuite").unwrap_or("?")
        )));
    }
    if str_of(&proof, "proofPurpose") != Some("assertionMethod") {
        return Err(malformed("proof: proofPurpose must be assertionMethod"));
    }
    if let Some(c) = str_of(&proof, "created") {
        parse_rfc3339(c)?;
    }
    let sig = str_of(&proof, "proofValue")
        .and_then(|v| v.strip_prefix('z'))
        .and_then(|b| bs58::decode(b).into_vec().ok())
        .filter(|s| s.len() == 64)
        .ok_or_else(|| {
            malformed("proof: proofValue must be a base58btc ('z…') 64-byte signature")
        })?;
    let vm = str_of(&proof, "verificationMethod")
        .ok_or_else(|| malformed("proof: no verificationMethod"))?;

    let mut unsecured = m.clone();
    unsecured.remove("proof");
    let mut options = proof.clone();
    options.remove("proofValue");
    if let Some(pctx) = options.get("@context") {
        let dctx = unsecured.get("@context");
        let as_list = |v: Option<&Value>| -> Vec<Value> {
            match v {
                Some(Value::Array(a)) => a.clone(),
                Some(other) => vec![other.clone()],
                None => Vec::new(),
            }
        };
        let p = as_list(Some(pctx));
        if !as_list(dctx).starts_with(&p) {
            return Err(CredentialError::BadSignature("Data Integrity"));
        }
        unsecured.insert("@context".into(), pctx.clone());
    }
    if let Some(ctx) = unsecured.get("@context") {
        options.insert("@context".into(), ctx.clone());
    }
    let data = hash_data(&Value::Object(options), &Value::Object(unsecured))?;

    let (vm_base, frag) = vm.split_once('#').unwrap_or((vm, ""));
    if vm_base != issuer {
        return Err(CredentialError::Did(format!(
            "the proof's key {vm} does not belong to the issuer {issuer}"
        )));
    }
    let keys: Vec<VerificationKey> = if vm.starts_with("did:") {
        resolver
            .resolve(vm, Purpose::Assertion)?
            .into_iter()
            .map(|(_, k)| k)
            .collect()
    } else {
        resolver.keys_for(
            Some(vm_base),
            (!frag.is_empty()).then_some(frag),
            Purpose::Assertion,
        )?
    };
    for k in keys {
        if let VerificationKey::Ed25519(_) = k
            && k.verify_raw(&data, &sig)
        {
            return Ok(k);
        }
    }
    Err(CredentialError::BadSignature("Data Integrity"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::jwk::CredentialKeyType;
    use crate::env::{Env, ManualClock};
    use serde_json::json;

    /// The eddsa-jcs-2022 signed credential of the W3C vc-di-eddsa test vectors, with its key.
    const W3C_SIGNED: &str = r#"{
      "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
      "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
      "type": ["VerifiableCredential", "AlumniCredential"],
      "name": "Alumni Credential",
      "description": "A minimum viable example of an Alumni Credential.",
      "issuer": "https://vc.example/issuers/5678",
      "validFrom": "2023-01-01T00:00:00Z",
      "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
      "proof": {
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created": "2023-02-24T23:36:38Z",
        "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod",
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "proofValue": "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"
      }
    }"#;

    #[test]
    fn w3c_test_vector_verifies() {
        let doc: Value = serde_json::from_str(W3C_SIGNED).unwrap();
        let key = crate::credential::did::key_from_did_key(
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        )
        .unwrap();
        let mut r = Resolver::new();
        r.add_issuer_key(
            "https://vc.example/issuers/5678",
            Some("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"),
            key,
        );
        verify_eddsa_jcs_2022(&doc, "https://vc.example/issuers/5678", &r).unwrap();
        let mut bad = doc.clone();
        bad["credentialSubject"]["alumniOf"] = "Other School".into();
        assert!(verify_eddsa_jcs_2022(&bad, "https://vc.example/issuers/5678", &r).is_err());
    }

    #[test]
    fn sign_and_verify_with_did_key() {
        let env = Env::fixed(ManualClock::new(0), 6);
        let k = SigningKey::generate(&env, CredentialKeyType::Ed25519).unwrap();
        let did = k.did_key();
        let vm = format!("{did}#{}", &did["did:key:".len()..]);
        let doc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "issuer": did,
                         "type": ["VerifiableCredential"], "n": 1.5e300, "s": "ü"});
        let signed = sign_eddsa_jcs_2022(&doc, &k, &vm, 1_767_225_600).unwrap();
        let r = Resolver::new();
        verify_eddsa_jcs_2022(&signed, &did, &r).unwrap();
        let mut bad = signed.clone();
        bad["n"] = json!(1.5e299);
        assert!(verify_eddsa_jcs_2022(&bad, &did, &r).is_err());
        assert!(verify_eddsa_jcs_2022(&signed, "did:key:z6Mkother", &r).is_err());
    }
}
