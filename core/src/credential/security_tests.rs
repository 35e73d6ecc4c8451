//! Regression tests for review finding 1: a JWT, SD-JWT, status list or Data Integrity proof
//! naming a URL issuer (`https://gov.example`) but signed by a key the *signer* chose through a
//! DID `kid` (`did:key:<attacker>`) verified as issued by that URL. A URL issuer's keys now
//! come only from what the app registered for it, on every path.

use serde_json::{Value, json};

use super::*;
use crate::env::{Env, ManualClock};

const GOV: &str = "https://gov.example";
const NOW: u64 = 1_767_225_600;

struct Fx {
    env: Env,
    /// The real issuer: its key is registered for GOV.
    gov: Issuer,
    /// The attacker: claims to be GOV, signs with its own did:key.
    forger: Issuer,
    gov_key: SigningKey,
    forger_key: SigningKey,
    resolver: Resolver,
}

fn fx() -> Fx {
    let env = Env::fixed(ManualClock::new(NOW * 1000), 77);
    let gov_key = SigningKey::generate(&env, CredentialKeyType::Ed25519).unwrap();
    let mut resolver = Resolver::new();
    let mut jwk = gov_key.public_key().to_jwk();
    jwk["kid"] = "key-1".into();
    resolver
        .add_issuer_jwks(GOV, &json!({ "keys": [jwk] }).to_string())
        .unwrap();
    let gov = Issuer::with_id(gov_key.clone(), GOV, Some("key-1"));
    let attacker = SigningKey::generate(&env, CredentialKeyType::Ed25519).unwrap();
    let did = attacker.did_key();
    let kid = format!("{did}#{}", did.trim_start_matches("did:key:"));
    let forger = Issuer::with_id(attacker.clone(), GOV, Some(&kid));
    Fx {
        env,
        gov,
        forger,
        gov_key,
        forger_key: attacker,
        resolver,
    }
}

fn required(resolver: &Resolver) -> VerifyOptions<'_> {
    VerifyOptions {
        trust: TrustPolicy::require(vec![GOV.into()]),
        ..VerifyOptions::new(resolver, NOW)
    }
}

fn licence(f: &Fx, issuer: &Issuer) -> String {
    issuer
        .issue_sd_jwt(
            &f.env,
            &SdJwtInput {
                vct: "https://gov.example/licence".into(),
                claims: json!({"category": "A2"})
                    .as_object()
                    .cloned()
                    .unwrap()
                    .into(),
                disclosable: Some(vec!["category".into()]),
                holder_jwk: None,
                issued_at: Some(NOW - 10),
                expires_at: Some(NOW + 86_400),
                status: None,
            },
        )
        .unwrap()
}

fn jwt_vc(issuer: &Issuer) -> String {
    let vc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential", "Licence"],
        "credentialSubject": {"id": "did:example:holder", "category": "A2"}
    });
    issuer
        .issue_jwt_vc(vc.as_object().unwrap(), NOW - 10)
        .unwrap()
}

#[test]
fn a_url_issuer_cannot_be_impersonated_by_a_did_kid_in_a_jwt_vc() {
    let f = fx();
    let o = required(&f.resolver);
    assert_eq!(verify_credential(&jwt_vc(&f.gov), &o).unwrap().issuer, GOV);
    let e = verify_credential(&jwt_vc(&f.forger), &o).unwrap_err();
    assert!(matches!(e, CredentialError::Did(_)), "{e}");
    assert!(
        e.to_string().contains("does not belong to the issuer"),
        "{e}"
    );
}

#[test]
fn a_url_issuer_cannot_be_impersonated_by_a_did_kid_in_an_sd_jwt() {
    let f = fx();
    let o = required(&f.resolver);
    assert_eq!(
        verify_credential(&licence(&f, &f.gov), &o).unwrap().issuer,
        GOV
    );
    let e = verify_credential(&licence(&f, &f.forger), &o).unwrap_err();
    assert!(matches!(e, CredentialError::Did(_)), "{e}");
}

#[test]
fn a_status_list_token_cannot_be_forged_for_a_url_issuer() {
    let f = fx();
    let uri = "https://gov.example/status/1";
    let entry = CredentialStatusEntry {
        purpose: TOKEN_STATUS_LIST.into(),
        index: 3,
        list_url: uri.into(),
        size: 0,
    };
    let o = required(&f.resolver);
    // The real list says revoked; a forged one (no `iss`, the attacker's DID kid) says valid.
    let real = f
        .gov
        .issue_token_status_list(uri, 16, &[3], &[], NOW - 60, Some(NOW + 3600))
        .unwrap();
    assert_eq!(
        check_status(&entry, &real, GOV, &o).unwrap(),
        CredentialStatus::Revoked
    );
    let forged = f
        .forger
        .issue_token_status_list(uri, 16, &[], &[], NOW - 60, Some(NOW + 3600))
        .unwrap();
    let stripped = {
        // Without `iss` the old code filled in the credential's issuer and trusted the kid.
        let jws = Jws::parse(&forged, "t").unwrap();
        let mut p = jws.payload.clone();
        p.remove("iss");
        let mut h = serde_json::Map::new();
        h.insert("typ".into(), "statuslist+jwt".into());
        h.insert("kid".into(), f.forger.kid().into());
        sign_jws(&h, &Value::Object(p), &f.forger_key).unwrap()
    };
    for list in [forged, stripped] {
        let e = check_status(&entry, &list, GOV, &o).unwrap_err();
        assert!(matches!(e, CredentialError::Did(_)), "{e}");
    }
}

#[cfg(feature = "data-integrity")]
#[test]
fn a_data_integrity_proof_cannot_name_a_did_key_under_a_url_issuer() {
    let f = fx();
    let o = required(&f.resolver);
    let vc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": GOV,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "category": "A2"}
    });
    let good = sign_eddsa_jcs_2022(&vc, &f.gov_key, &format!("{GOV}#key-1"), NOW).unwrap();
    assert_eq!(
        verify_credential(&good.to_string(), &o).unwrap().issuer,
        GOV
    );
    let vm = format!("{GOV}#{}", f.forger.kid());
    let forged = sign_eddsa_jcs_2022(&vc, &f.forger_key, &vm, NOW).unwrap();
    let e = verify_credential(&forged.to_string(), &o).unwrap_err();
    assert!(matches!(e, CredentialError::Did(_)), "{e}");
}

/// Review finding 9: a Bitstring status list without an `id` was accepted for any URL, and one
/// without expiry forever. Now the id must match, and the list must be fresh.
#[test]
fn status_lists_need_a_matching_id_and_must_be_fresh() {
    let f = fx();
    let url = "https://gov.example/status/bits";
    let entry = CredentialStatusEntry {
        purpose: "revocation".into(),
        index: 9,
        list_url: url.into(),
        size: 1,
    };
    let o = required(&f.resolver);
    let list = |valid_from: u64, id: Option<&str>| {
        let raw = f
            .gov
            .issue_status_list(
                &f.env,
                &StatusListInput {
                    url: url.into(),
                    purpose: "revocation".into(),
                    set: vec![9],
                    entries: 0,
                    valid_from: Some(valid_from),
                    valid_until: None,
                },
            )
            .unwrap();
        match id {
            Some(i) if i == url => raw,
            other => {
                // Re-sign the same list with the id removed or changed.
                let jws = Jws::parse(&raw, "t").unwrap();
                let mut p = jws.payload.clone();
                // The JWT's `jti` stands for the credential's id (VC-JWT 1.1): change both.
                match other {
                    Some(i) => p.insert("jti".into(), i.into()),
                    None => p.remove("jti"),
                };
                let vc = p.get_mut("vc").and_then(Value::as_object_mut).unwrap();
                match other {
                    Some(i) => vc.insert("id".into(), i.into()),
                    None => vc.remove("id"),
                };
                let mut h = serde_json::Map::new();
                h.insert("kid".into(), "key-1".into());
                sign_jws(&h, &Value::Object(p), &f.gov_key).unwrap()
            }
        }
    };
    assert_eq!(
        check_status(&entry, &list(NOW - 60, Some(url)), GOV, &o).unwrap(),
        CredentialStatus::Revoked
    );
    for (l, why) in [
        (list(NOW - 60, None), "no 'id'"),
        (
            list(NOW - 60, Some("https://gov.example/status/other")),
            "not the one",
        ),
        (list(NOW - 3 * 86_400, Some(url)), "old"),
    ] {
        let e = check_status(&entry, &l, GOV, &o).unwrap_err();
        assert!(e.to_string().contains(why), "{why}: {e}");
        assert_eq!(
            crate::error::Classify::class(&e),
            crate::error::ErrorClass::Refused
        );
    }
    // The app decides how old is too old.
    let lenient = VerifyOptions {
        status_max_age_secs: 7 * 86_400,
        ..required(&f.resolver)
    };
    assert!(check_status(&entry, &list(NOW - 3 * 86_400, Some(url)), GOV, &lenient).is_ok());
}

/// Review finding 11: a malformed status list is invalid input, not a refusal.
#[test]
fn a_malformed_status_list_is_invalid_input() {
    let f = fx();
    let uri = "https://gov.example/status/1";
    let entry = CredentialStatusEntry {
        purpose: TOKEN_STATUS_LIST.into(),
        index: 3,
        list_url: uri.into(),
        size: 0,
    };
    let o = required(&f.resolver);
    let mut h = serde_json::Map::new();
    h.insert("typ".into(), "statuslist+jwt".into());
    h.insert("kid".into(), "key-1".into());
    let p = json!({"sub": uri, "iss": GOV, "iat": NOW, "status_list": {"bits": 3, "lst": "eJw"}});
    let bad = sign_jws(&h, &p, &f.gov_key).unwrap();
    let e = check_status(&entry, &bad, GOV, &o).unwrap_err();
    assert_eq!(
        crate::error::Classify::class(&e),
        crate::error::ErrorClass::InvalidInput,
        "{e}"
    );
}
