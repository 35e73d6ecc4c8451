//! Property tests of the credential code: parsers never panic; JCS is stable and its numbers
//! round-trip; whatever subset of claims a holder discloses is exactly what a verifier gets,
//! and any single-character change to a presentation is rejected; status lists and dates
//! round-trip.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jigap_core::credential::*;
use jigap_core::env::{Env, ManualClock};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const T0: u64 = 1_767_225_600;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("\\PC{0,8}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn parsers_never_panic(s in "\\PC{0,300}") {
        let _ = Jws::parse(&s, "x");
        let _ = SdJwt::parse(&s);
        let _ = Disclosure::parse(&s);
        let _ = Resolver::new().resolve(&s, Purpose::Assertion);
        let _ = Resolver::new().resolve(&format!("did:key:z{s}"), Purpose::Assertion);
        let _ = Resolver::new().resolve(&format!("did:jwk:{s}"), Purpose::Assertion);
        let _ = parse_claim_path(&s);
        let _ = parse_rfc3339(&s);
        let _ = decode_status_list(&s);
        let _ = VerificationKey::from_jwk_json(&s);
        let r = Resolver::new();
        let _ = verify_credential(&s, &VerifyOptions::new(&r, T0));
        let _ = verify_presentation(&s, &PresentationOptions::new(&r, "n", "a", T0));
    }

    #[test]
    fn sd_jwt_structure_fuzz_never_panics(parts in prop::collection::vec("[A-Za-z0-9_-]{0,40}", 1..6), tilde in any::<bool>()) {
        let mut s = parts.join(".");
        if tilde { s = parts.join("~"); }
        let _ = SdJwt::parse(&s).map(|p| p.claims());
    }

    #[test]
    fn jcs_is_idempotent_and_numbers_round_trip(v in json_value(), f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        let c = canonicalize(&v).unwrap();
        let back: Value = serde_json::from_str(&c).unwrap();
        prop_assert_eq!(canonicalize(&back).unwrap(), c);
        let n = canonicalize(&json!(f)).unwrap();
        let parsed: f64 = n.parse().unwrap();
        prop_assert!(parsed == f || (f == 0.0 && parsed == 0.0), "{} -> {}", f, n);
    }

    #[test]
    fn dates_round_trip(t in 0u64..253_402_300_799) {
        prop_assert_eq!(parse_rfc3339(&format_rfc3339(t)).unwrap(), t);
    }

    #[test]
    fn status_lists_round_trip(set in prop::collection::btree_set(0u64..131_072, 0..20), probe in 0u64..131_072) {
        let mut bits = vec![0u8; 16 * 1024];
        for i in &set { bits[(*i / 8) as usize] |= 0x80 >> (*i % 8); }
        let dec = decode_status_list(&encode_status_list(&bits)).unwrap();
        prop_assert_eq!(&dec, &bits);
        let on = dec[(probe / 8) as usize] & (0x80 >> (probe % 8)) != 0;
        prop_assert_eq!(on, set.contains(&probe));
    }
}

/// Claims with a few top-level, nested and array members.
fn claims() -> Map<String, Value> {
    json!({
        "a": "alpha", "b": 2, "c": {"x": 1, "y": [1, 2]},
        "list": ["p", "q", "r"], "flag": true
    })
    .as_object()
    .unwrap()
    .clone()
}

const DISCLOSABLE: [&str; 8] = ["a", "b", "c", "c.x", "c.y", "list.0", "list.2", "flag"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn disclosed_claims_are_exactly_the_chosen_ones(choice in prop::collection::vec(any::<bool>(), 8), seed in any::<u64>(), flip in any::<prop::sample::Index>()) {
        let env = Env::fixed(ManualClock::new(T0 * 1000), seed);
        let issuer = Issuer::new(SigningKey::generate(&env, CredentialKeyType::P256).unwrap());
        let holder = SigningKey::generate(&env, CredentialKeyType::Secp256k1).unwrap();
        let sd = issuer.issue_sd_jwt(&env, &SdJwtInput {
            vct: "https://t.example/v".into(),
            claims: claims().into(),
            disclosable: Some(DISCLOSABLE.map(String::from).to_vec()),
            holder_jwk: Some(holder.public_key().to_jwk().try_into().unwrap()),
            issued_at: Some(T0), expires_at: None, status: None,
        }).unwrap();
        let chosen: Vec<&str> = DISCLOSABLE.iter().zip(&choice).filter(|(_, c)| **c).map(|(p, _)| *p).collect();
        let parsed = SdJwt::parse(&sd).unwrap();
        let p = parsed.present(&chosen, Some(KeyBindingInput { nonce: "n", aud: "a", iat: T0, key: &holder })).unwrap();
        let r = Resolver::new();
        let opts = PresentationOptions::new(&r, "n", "a", T0);
        let got = verify_presentation(&p, &opts).unwrap().credentials.remove(0).claims;

        // The expected view: start from everything, drop what was not chosen.
        let mut want = claims();
        let chose = |p: &str| chosen.iter().any(|c| *c == p || c.starts_with(&format!("{p}.")) || p.starts_with(&format!("{c}.")));
        for k in ["a", "b", "flag"] { if !chose(k) { want.remove(k); } }
        if !chose("c") { want.remove("c"); } else {
            let c = want.get_mut("c").unwrap().as_object_mut().unwrap();
            if !chose("c.x") { c.remove("x"); }
            if !chose("c.y") { c.remove("y"); }
        }
        let list: Vec<Value> = [("list.0", "p"), ("", "q"), ("list.2", "r")]
            .iter().filter(|(p, _)| p.is_empty() || chose(p)).map(|(_, v)| json!(v)).collect();
        want.insert("list".into(), Value::Array(list));
        let mut got_user = got.clone();
        for k in ["iss", "iat", "vct", "cnf"] { prop_assert!(got_user.remove(k).is_some()); }
        prop_assert_eq!(Value::Object(got_user.0), Value::Object(want));

        // Flip one character anywhere in the presentation: never accepted.
        let bytes: Vec<char> = p.chars().collect();
        let i = flip.index(bytes.len());
        let mut t = bytes.clone();
        t[i] = if t[i] == 'A' { 'B' } else { 'A' };
        let tampered: String = t.into_iter().collect();
        if tampered != p {
            prop_assert!(verify_presentation(&tampered, &opts).is_err(), "accepted a change at {}", i);
        }
    }
}
