//! Credentials end to end: published vectors (SD-JWT drone licence, did:key, Wycheproof P-256
//! and Ed25519), the test issuer, a wallet importing, holding and presenting, and a verifier —
//! including tampered, replayed, expired, revoked and untrusted cases.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jigap_core::credential::*;
use jigap_core::env::{Env, ManualClock};
use jigap_core::store::MemoryStore;
use jigap_core::vault::VaultOptions;
use jigap_core::wallet::{Wallet, WalletOptions};
use jigap_tests::{unhex, vector_json};
use serde_json::{Value, json};

const T0: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const AUD: &str = "https://inspector.example.kr";

// ---------------------------------------------------------------- published vectors

#[test]
fn sd_jwt_vector_presentation_verifies_to_exactly_the_expected_claims() {
    let v = vector_json("sd-jwt/drone-licence.json");
    let case = &v["cases"]["ES256"];
    let mut r = Resolver::new();
    r.add_issuer_jwks(
        "https://license.example.kr",
        &case["issuer_public_jwk"].to_string(),
    )
    .unwrap();
    let presentation = case["presentation"].as_str().unwrap();
    let nonce = case["nonce"].as_str().unwrap();
    let aud = case["aud"].as_str().unwrap();
    let kb = SdJwt::parse(presentation).unwrap();
    let kb_iat = Jws::parse(kb.kb_jwt.as_deref().unwrap(), "kb")
        .unwrap()
        .payload["iat"]
        .as_u64()
        .unwrap();
    let opts = PresentationOptions::new(&r, nonce, aud, kb_iat + 30);
    let got = verify_presentation(presentation, &opts).unwrap();
    assert_eq!(got.format, CredentialFormat::SdJwt);
    assert_eq!(got.credentials.len(), 1);
    assert_eq!(
        Value::Object(got.credentials[0].claims.0.clone()),
        case["disclosed_claims_after_verification"]
    );
    assert_eq!(got.credentials[0].issuer, "https://license.example.kr");

    // Replays and staleness.
    let other_nonce = PresentationOptions::new(&r, "another", aud, kb_iat + 30);
    assert!(matches!(
        verify_presentation(presentation, &other_nonce),
        Err(CredentialError::NonceMismatch)
    ));
    let other_aud = PresentationOptions::new(&r, nonce, "https://evil.example", kb_iat + 30);
    assert!(matches!(
        verify_presentation(presentation, &other_aud),
        Err(CredentialError::AudienceMismatch(_))
    ));
    let late = PresentationOptions::new(&r, nonce, aud, kb_iat + 3600);
    assert!(matches!(
        verify_presentation(presentation, &late),
        Err(CredentialError::Stale { .. })
    ));
    // Without the issuer key nothing verifies.
    let empty = Resolver::new();
    assert!(matches!(
        verify_presentation(
            presentation,
            &PresentationOptions::new(&empty, nonce, aud, kb_iat)
        ),
        Err(CredentialError::UnknownIssuerKey(_))
    ));
}

#[test]
fn sd_jwt_vector_issuance_verifies_and_can_be_presented_again() {
    let v = vector_json("sd-jwt/drone-licence.json");
    let case = &v["cases"]["ES256"];
    let mut r = Resolver::new();
    r.add_issuer_jwks(
        "https://license.example.kr",
        &case["issuer_public_jwk"].to_string(),
    )
    .unwrap();
    let issued = case["issued_sd_jwt"].as_str().unwrap();
    let vc = verify_credential(issued, &VerifyOptions::new(&r, T0)).unwrap();
    assert_eq!(vc.claims["given_name"], "Jiwoo");
    assert_eq!(vc.claims["address"]["locality"], "Seoul");
    assert_eq!(vc.claims["nationalities"], json!(["KR", "JP"]));
    assert!(vc.claims.get("_sd").is_none() && vc.claims.get("_sd_alg").is_none());
    assert_eq!(vc.types, ["https://license.example.kr/drone-pilot"]);
    let holder_jwk = case["holder_private_jwk"].clone();
    let holder = SigningKey::from_jwk_json(&holder_jwk.to_string()).unwrap();
    assert!(vc.bound_to(&[], &[holder.public_key()]));

    // Present the same two claims with the vector's holder key: the same claims come out.
    let sd = SdJwt::parse(issued).unwrap();
    let mut paths = sd.disclosable_paths().unwrap();
    paths.sort();
    assert_eq!(
        paths,
        [
            "address",
            "address.locality",
            "address.region",
            "birthdate",
            "family_name",
            "given_name",
            "license_class",
            "license_number",
            "nationalities",
            "nationalities.0"
        ]
    );
    let p = sd
        .present(
            &["license_class", "address.region"],
            Some(sd_jwt_kb(&holder, "n-1", T0)),
        )
        .unwrap();
    let got = verify_presentation(&p, &PresentationOptions::new(&r, "n-1", AUD, T0)).unwrap();
    assert_eq!(
        Value::Object(got.credentials[0].claims.0.clone()),
        case["disclosed_claims_after_verification"]
    );
}

fn sd_jwt_kb<'a>(key: &'a SigningKey, nonce: &'a str, iat: u64) -> KeyBindingInput<'a> {
    KeyBindingInput {
        nonce,
        aud: AUD,
        iat,
        key,
    }
}

#[test]
fn did_key_vectors_resolve_to_their_keys() {
    let r = Resolver::new();
    let mut checked = 0;
    for file in [
        "did-key/secp256k1.json",
        "did-key/nist-curves.json",
        "did-key/ed25519-x25519.json",
    ] {
        for (did, case) in vector_json(file).as_object().unwrap() {
            let vm = &case["didDocument"]["verificationMethod"][0];
            let crv = vm["publicKeyJwk"]["crv"].as_str().unwrap_or("");
            if crv == "P-384" || crv == "P-521" {
                // Not among the curves jigap supports: refused with a clear error.
                assert!(r.resolve(did, Purpose::Assertion).is_err(), "{did}");
                continue;
            }
            let keys = r.resolve(did, Purpose::Assertion).unwrap();
            assert_eq!(keys.len(), 1);
            assert_eq!(keys[0].0, vm["id"].as_str().unwrap(), "{did}");
            let key = &keys[0].1;
            if vm.get("publicKeyJwk").is_some() {
                let mut jwk = vm["publicKeyJwk"].clone();
                jwk.as_object_mut().unwrap().remove("kid");
                assert_eq!(key.to_jwk(), jwk, "{did}");
            } else {
                let raw = bs58_decode(vm["publicKeyBase58"].as_str().unwrap());
                let want = match key {
                    VerificationKey::Ed25519(k) => k.as_bytes().to_vec(),
                    VerificationKey::Secp256k1(k) => k.to_compressed().to_vec(),
                    VerificationKey::P256(k) => k.to_sec1_point(true).as_bytes().to_vec(),
                    VerificationKey::Rsa(_) => unreachable!(),
                };
                assert_eq!(raw, want, "{did}");
            }
            assert_eq!(did_key(key).unwrap(), *did);
            // A DID URL with the key's own fragment resolves; another fragment does not.
            assert!(
                r.resolve(vm["id"].as_str().unwrap(), Purpose::Assertion)
                    .is_ok()
            );
            assert!(
                r.resolve(&format!("{did}#other"), Purpose::Assertion)
                    .is_err()
            );
            checked += 1;
        }
    }
    assert!(checked >= 12, "{checked}");
}

fn bs58_decode(s: &str) -> Vec<u8> {
    bs58::decode(s).into_vec().unwrap()
}

fn wycheproof(file: &str) -> (usize, usize) {
    let v = vector_json(file);
    let (mut valid, mut invalid) = (0, 0);
    for g in v["testGroups"].as_array().unwrap() {
        // Groups whose key has no JWK form carry it as hex (SEC1 point or Ed25519 bytes).
        let key = if g["publicKeyJwk"].is_object() {
            VerificationKey::from_jwk(&g["publicKeyJwk"]).ok()
        } else if let Some(pk) = g["publicKey"]["pk"].as_str() {
            let b = unhex(pk);
            let x = jigap_b64(&b);
            VerificationKey::from_jwk(&json!({"kty": "OKP", "crv": "Ed25519", "x": x})).ok()
        } else {
            let u = unhex(g["publicKey"]["uncompressed"].as_str().unwrap());
            VerificationKey::from_jwk(&json!({"kty": "EC", "crv": "P-256",
                "x": jigap_b64(&u[1..33]), "y": jigap_b64(&u[33..])}))
            .ok()
        };
        for t in g["tests"].as_array().unwrap() {
            let msg = unhex(t["msg"].as_str().unwrap());
            let sig = unhex(t["sig"].as_str().unwrap());
            let ok = key
                .as_ref()
                .is_some_and(|k| k.verify(k.alg(), &msg, &sig).is_ok());
            match t["result"].as_str().unwrap() {
                "valid" => {
                    assert!(ok, "{file} tc {} rejected", t["tcId"]);
                    valid += 1;
                }
                "invalid" => {
                    assert!(!ok, "{file} tc {} accepted ({})", t["tcId"], t["comment"]);
                    invalid += 1;
                }
                _ => {}
            }
        }
    }
    (valid, invalid)
}

#[test]
fn wycheproof_p256_p1363_and_ed25519() {
    let (v, i) = wycheproof("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json");
    assert!(v > 150 && i > 80, "P-256: {v} valid, {i} invalid");
    let (v, i) = wycheproof("wycheproof/ed25519_test.json");
    assert!(v > 50 && i > 50, "Ed25519: {v} valid, {i} invalid");
}

// ---------------------------------------------------------------- issuer, holder, verifier

struct World {
    clock: Arc<ManualClock>,
    env: Env,
    store: Arc<MemoryStore>,
    wallet: Wallet,
    resolver: Resolver,
}

fn world() -> World {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock.clone(), 42);
    let store = Arc::new(MemoryStore::new());
    let (wallet, _) = Wallet::create(
        store.clone(),
        env.clone(),
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap();
    World {
        clock,
        env,
        store,
        wallet,
        resolver: Resolver::new(),
    }
}

fn badge_input(subject: &str, format: CredentialFormat) -> BadgeInput {
    BadgeInput {
        name: "Drone Safety Basics".into(),
        achievement_id: Some("https://badges.seoul.example/achievements/drone-safety".into()),
        achievement_name: "Drone Safety".into(),
        description: "Completed the 12-hour drone safety course.".into(),
        criteria_narrative: Some("Attend all sessions and pass the written exam.".into()),
        criteria_url: None,
        image: Some("https://badges.seoul.example/img/drone.png".into()),
        subject: subject.into(),
        valid_from: Some(T0),
        valid_until: Some(T0 + 365 * 86_400),
        status: None,
        format: Some(format),
    }
}

fn licence_input(holder_jwk: Value, status: Option<CredentialStatusEntry>) -> SdJwtInput {
    SdJwtInput {
        vct: "https://licence.molit.example.kr/drone-pilot".into(),
        claims: json!({
            "given_name": "Jiwoo", "family_name": "Kim",
            "category": "A2", "licence_expiry": "2031-01-01",
            "address": {"region": "KR-11", "locality": "Seoul"},
            "endorsements": ["night", "bvlos"]
        })
        .try_into()
        .unwrap(),
        disclosable: Some(
            [
                "given_name",
                "family_name",
                "category",
                "licence_expiry",
                "address",
                "address.region",
                "address.locality",
                "endorsements.0",
                "endorsements.1",
            ]
            .map(String::from)
            .to_vec(),
        ),
        holder_jwk: Some(holder_jwk.clone().try_into().unwrap()),
        issued_at: Some(T0),
        expires_at: Some(T0 + 5 * 365 * 86_400),
        status,
    }
}

#[test]
fn badges_in_three_formats_import_list_present_and_verify() {
    let w = world();
    let creds = Credentials::new(&w.wallet);
    let me = creds.holder_did().unwrap();
    assert_eq!(me, w.wallet.identity(0).unwrap().did);
    let es = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::P256).unwrap())
        .with_name("Seoul Lifelong Learning Institute");
    let ed = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::Ed25519).unwrap())
        .with_name("Busan Vocational School");
    let k1 = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::Secp256k1).unwrap());
    let jwt = es
        .issue_badge(&w.env, &badge_input(&me, CredentialFormat::JwtVc))
        .unwrap();
    let di = ed
        .issue_badge(&w.env, &badge_input(&me, CredentialFormat::DataIntegrity))
        .unwrap();
    let v2 = k1
        .issue_badge(&w.env, &badge_input(&me, CredentialFormat::VcJwt))
        .unwrap();
    let opts = ImportOptions::new(&w.resolver);
    let a = creds.import(&jwt, &opts).unwrap();
    let b = creds.import(&di, &opts).unwrap();
    let c = creds.import(&v2, &opts).unwrap();
    assert_eq!(
        (a.format, b.format, c.format),
        (
            CredentialFormat::JwtVc,
            CredentialFormat::DataIntegrity,
            CredentialFormat::VcJwt
        )
    );
    let badge = a.badge.as_ref().unwrap();
    assert_eq!(badge.achievement_name, "Drone Safety");
    assert_eq!(
        badge.issuer_name.as_deref(),
        Some("Seoul Lifelong Learning Institute")
    );
    assert_eq!(badge.issued, "2026-01-01T00:00:00Z");
    assert!(a.warnings.iter().any(|w| w.contains("trusted")));

    // Search.
    let all = creds.list(&CredentialFilter::default()).unwrap();
    assert_eq!(all.len(), 3);
    let by_issuer = creds
        .list(&CredentialFilter {
            issuer: Some("busan".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_issuer.len(), 1);
    assert_eq!(by_issuer[0].id, b.id);
    let by_type = creds
        .list(&CredentialFilter {
            credential_type: Some("OpenBadgeCredential".into()),
            achievement: Some("drone".into()),
            validity: Some(CredentialValidity::Valid),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_type.len(), 3);

    // Present the three together in one JWT VP; the verifier checks them all.
    let vp = creds
        .present_jwt_vp(&[&a.id, &b.id, &c.id], "nonce-7", AUD)
        .unwrap();
    let mut po = PresentationOptions::new(&w.resolver, "nonce-7", AUD, T0 + 10);
    po.verify.trust = TrustPolicy::require(vec![es.id().into(), ed.id().into(), k1.id().into()]);
    let got = verify_presentation(&vp, &po).unwrap();
    assert_eq!(got.format, CredentialFormat::JwtVp);
    assert_eq!(got.holder, me);
    assert_eq!(got.credentials.len(), 3);
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    assert_eq!(
        got.credentials[1]
            .badge
            .as_ref()
            .unwrap()
            .issuer_name
            .as_deref(),
        Some("Busan Vocational School")
    );
    // Replay to another verifier or with another nonce fails.
    assert!(matches!(
        verify_presentation(
            &vp,
            &PresentationOptions::new(&w.resolver, "nonce-8", AUD, T0 + 10)
        ),
        Err(CredentialError::NonceMismatch)
    ));
    assert!(matches!(
        verify_presentation(
            &vp,
            &PresentationOptions::new(&w.resolver, "nonce-7", "https://other.example", T0 + 10)
        ),
        Err(CredentialError::AudienceMismatch(_))
    ));
    // Require-mode trust without the Busan school refuses.
    po.verify.trust = TrustPolicy::require(vec![es.id().into()]);
    assert!(matches!(
        verify_presentation(&vp, &po),
        Err(CredentialError::UntrustedIssuer(_))
    ));

    // Delete one; the others survive a reopen of the vault.
    creds.delete(&b.id).unwrap();
    assert!(matches!(
        creds.get(&b.id),
        Err(CredentialError::NotFound(_))
    ));
    w.wallet.lock();
    let again = Wallet::open(
        w.store.clone(),
        w.env.clone(),
        VaultOptions::fast_for_tests(),
    )
    .unwrap();
    again.unlock(b"123456").unwrap();
    let creds2 = Credentials::new(&again);
    assert_eq!(creds2.list(&CredentialFilter::default()).unwrap().len(), 2);
    assert_eq!(creds2.get(&a.id).unwrap(), a);
}

#[test]
fn sd_jwt_licence_selective_disclosure_and_tampering() {
    let w = world();
    let creds = Credentials::new(&w.wallet);
    let issuer = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::P256).unwrap());
    let sd = issuer
        .issue_sd_jwt(&w.env, &licence_input(creds.holder_jwk().unwrap(), None))
        .unwrap();
    let stored = creds.import(&sd, &ImportOptions::new(&w.resolver)).unwrap();
    assert_eq!(stored.format, CredentialFormat::SdJwtVc);
    assert!(stored.bound);
    assert_eq!(stored.claims["category"], "A2");
    assert!(stored.disclosable.contains(&"endorsements.1".to_string()));

    w.clock.advance_ms(5_000);
    let p = creds
        .present(
            &stored.id,
            &[
                "category",
                "licence_expiry",
                "endorsements[1]",
                "address.region",
            ],
            "n-42",
            AUD,
        )
        .unwrap();
    let opts = PresentationOptions::new(&w.resolver, "n-42", AUD, T0 + 10);
    let got = verify_presentation(&p, &opts).unwrap();
    let claims = &got.credentials[0].claims;
    assert_eq!(claims["category"], "A2");
    assert_eq!(claims["licence_expiry"], "2031-01-01");
    assert_eq!(claims["endorsements"], json!(["bvlos"]));
    assert_eq!(claims["address"], json!({"region": "KR-11"}));
    for hidden in ["given_name", "family_name", "_sd", "_sd_alg"] {
        assert!(claims.get(hidden).is_none(), "{hidden} leaked");
    }
    assert_eq!(got.holder, creds.holder_jwk().unwrap().to_string());

    // Tampering: remove, add, alter a disclosure; swap the KB-JWT.
    let (head, kb) = p.rsplit_once('~').unwrap();
    let parts: Vec<&str> = head.split('~').collect();
    let removed = format!("{}~{}~{kb}", parts[0], parts[2..].join("~"));
    assert!(matches!(
        verify_presentation(&removed, &opts),
        Err(CredentialError::KeyBinding(_))
    ));
    let full = SdJwt::parse(&sd).unwrap();
    let given = full
        .disclosures
        .iter()
        .find(|d| d.name.as_deref() == Some("given_name"))
        .unwrap();
    let added = format!("{head}~{}~{kb}", given.raw);
    assert!(matches!(
        verify_presentation(&added, &opts),
        Err(CredentialError::KeyBinding(_))
    ));
    let mut forged = SdJwt::parse(&p).unwrap();
    let evil = Disclosure::parse(&forged.disclosures[0].raw).unwrap();
    let fake = json!(["c2FsdA", evil.name.clone().unwrap_or_default(), "B1"]);
    let fake_raw = jigap_b64(fake.to_string().as_bytes());
    let altered = p.replacen(&evil.raw, &fake_raw, 1);
    assert!(matches!(
        verify_presentation(&altered, &opts),
        Err(CredentialError::Disclosure(_))
    ));
    forged.kb_jwt = None;
    let no_kb = forged.presented.clone();
    assert!(matches!(
        verify_presentation(&no_kb, &opts),
        Err(CredentialError::KeyBinding(_))
    ));
    // A KB-JWT signed by someone else.
    let thief = SigningKey::generate(&w.env, CredentialKeyType::Secp256k1).unwrap();
    let stolen = SdJwt::parse(&sd)
        .unwrap()
        .present(&["category"], Some(sd_jwt_kb(&thief, "n-42", T0 + 10)))
        .unwrap();
    assert!(matches!(
        verify_presentation(&stolen, &opts),
        Err(CredentialError::BadSignature(_))
    ));
    // Replays.
    for (nonce, aud) in [("n-43", AUD), ("n-42", "https://shop.example")] {
        assert!(
            verify_presentation(
                &p,
                &PresentationOptions::new(&w.resolver, nonce, aud, T0 + 10)
            )
            .is_err()
        );
    }
    // A path that does not exist.
    assert!(matches!(
        creds.present(&stored.id, &["licence_number"], "n", AUD),
        Err(CredentialError::UnknownClaimPath { .. })
    ));
}

fn jigap_b64(b: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(b)
}

#[test]
fn expired_not_yet_valid_and_foreign_credentials() {
    let w = world();
    let creds = Credentials::new(&w.wallet);
    let me = creds.holder_did().unwrap();
    let issuer = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::Ed25519).unwrap());
    let mut short = badge_input(&me, CredentialFormat::JwtVc);
    short.valid_until = Some(T0 + 100);
    let jwt = issuer.issue_badge(&w.env, &short).unwrap();
    let stored = creds
        .import(&jwt, &ImportOptions::new(&w.resolver))
        .unwrap();
    assert_eq!(stored.validity_at(T0 + 50), CredentialValidity::Valid);
    assert_eq!(stored.validity_at(T0 + 101), CredentialValidity::Expired);

    // Within the skew it is still accepted; beyond, reported as expired.
    w.clock.set_ms((T0 + 150) * 1000);
    let vp = creds.present_jwt_vp(&[&stored.id], "n", AUD).unwrap();
    verify_presentation(
        &vp,
        &PresentationOptions::new(&w.resolver, "n", AUD, T0 + 150),
    )
    .unwrap();
    w.clock.set_ms((T0 + 1000) * 1000);
    let vp = creds.present_jwt_vp(&[&stored.id], "n", AUD).unwrap();
    assert!(matches!(
        verify_presentation(&vp, &PresentationOptions::new(&w.resolver, "n", AUD, T0 + 1000)),
        Err(CredentialError::Expired { expired_at, .. }) if expired_at == T0 + 100
    ));
    assert!(matches!(
        creds.import(&jwt, &ImportOptions::new(&w.resolver)),
        Err(CredentialError::Expired { .. })
    ));
    let expired = creds
        .list(&CredentialFilter {
            validity: Some(CredentialValidity::Expired),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(expired.len(), 1);

    let mut later = badge_input(&me, CredentialFormat::JwtVc);
    later.valid_from = Some(T0 + 10 * 86_400);
    let future = issuer.issue_badge(&w.env, &later).unwrap();
    assert!(matches!(
        creds.import(&future, &ImportOptions::new(&w.resolver)),
        Err(CredentialError::NotYetValid { .. }) | Err(CredentialError::IssuedInFuture { .. })
    ));

    // Issued to someone else: refused, and so is an unbound badge unless allowed.
    w.clock.set_ms(T0 * 1000);
    let other = issuer
        .issue_badge(
            &w.env,
            &badge_input(
                "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
                CredentialFormat::JwtVc,
            ),
        )
        .unwrap();
    assert!(matches!(
        creds.import(&other, &ImportOptions::new(&w.resolver)),
        Err(CredentialError::HolderBinding(_))
    ));
    let unbound = issuer
        .issue_badge(
            &w.env,
            &badge_input("mailto:jiwoo@example.kr", CredentialFormat::JwtVc),
        )
        .unwrap();
    assert!(matches!(
        creds.import(&unbound, &ImportOptions::new(&w.resolver)),
        Err(CredentialError::HolderBinding(_))
    ));
    let mut allow = ImportOptions::new(&w.resolver);
    allow.allow_unbound = true;
    let kept = creds.import(&unbound, &allow).unwrap();
    assert!(!kept.bound);

    // Trust policy: require refuses, warn accepts.
    let mut strict = ImportOptions::new(&w.resolver);
    strict.trust = TrustPolicy::require(vec!["did:web:ministry.example".into()]);
    let fresh = issuer
        .issue_badge(&w.env, &badge_input(&me, CredentialFormat::JwtVc))
        .unwrap();
    assert!(matches!(
        creds.import(&fresh, &strict),
        Err(CredentialError::UntrustedIssuer(_))
    ));
    strict.trust.trusted_issuers.push(issuer.id().into());
    assert!(creds.import(&fresh, &strict).unwrap().warnings.is_empty());
}

#[test]
fn revoked_and_suspended_credentials_are_reported() {
    let w = world();
    let creds = Credentials::new(&w.wallet);
    let issuer = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::P256).unwrap());
    let url = "https://licence.molit.example.kr/status/1";
    let entry = |i: u64, purpose: &str| CredentialStatusEntry {
        purpose: purpose.into(),
        index: i,
        list_url: url.into(),
        size: 1,
    };
    let good = issuer
        .issue_sd_jwt(
            &w.env,
            &licence_input(creds.holder_jwk().unwrap(), Some(entry(7, "revocation"))),
        )
        .unwrap();
    let bad = issuer
        .issue_sd_jwt(
            &w.env,
            &licence_input(
                creds.holder_jwk().unwrap(),
                Some(entry(94_567, "revocation")),
            ),
        )
        .unwrap();
    let list = issuer
        .issue_status_list(
            &w.env,
            &StatusListInput {
                url: url.into(),
                purpose: "revocation".into(),
                set: vec![94_567, 3],
                entries: 131_072,
                valid_from: Some(T0),
                valid_until: Some(T0 + 86_400),
            },
        )
        .unwrap();
    let g = creds
        .import(&good, &ImportOptions::new(&w.resolver))
        .unwrap();
    let b = creds
        .import(&bad, &ImportOptions::new(&w.resolver))
        .unwrap();
    assert_eq!(
        creds.check_status(&g.id, &list, &w.resolver).unwrap(),
        CredentialStatus::Valid
    );
    assert_eq!(
        creds.check_status(&b.id, &list, &w.resolver).unwrap(),
        CredentialStatus::Revoked
    );
    assert_eq!(
        creds.get(&b.id).unwrap().last_status,
        Some(CredentialStatus::Revoked)
    );

    let mut opts = PresentationOptions::new(&w.resolver, "n", AUD, T0);
    opts.status_lists.insert(url.into(), list.clone());
    let pg = creds.present(&g.id, &["category"], "n", AUD).unwrap();
    let ok = verify_presentation(&pg, &opts).unwrap();
    assert_eq!(ok.credentials[0].status, Some(CredentialStatus::Valid));
    let pb = creds.present(&b.id, &["category"], "n", AUD).unwrap();
    assert!(matches!(
        verify_presentation(&pb, &opts),
        Err(CredentialError::Revoked)
    ));

    // Without the list: a warning, or an error when status is required.
    let mut no_list = PresentationOptions::new(&w.resolver, "n", AUD, T0);
    let warned = verify_presentation(&pb, &no_list).unwrap();
    assert!(
        warned
            .warnings
            .iter()
            .any(|w| w.contains("status not checked"))
    );
    no_list.require_status = true;
    assert!(matches!(
        verify_presentation(&pb, &no_list),
        Err(CredentialError::Status(_))
    ));

    // Suspension list; a list from another issuer; an expired list.
    let susp = issuer
        .issue_status_list(
            &w.env,
            &StatusListInput {
                url: url.into(),
                purpose: "suspension".into(),
                set: vec![7],
                entries: 131_072,
                valid_from: Some(T0),
                valid_until: None,
            },
        )
        .unwrap();
    let e = entry(7, "suspension");
    let vo = VerifyOptions::new(&w.resolver, T0);
    assert_eq!(
        check_status(&e, &susp, issuer.id(), &vo).unwrap(),
        CredentialStatus::Suspended
    );
    assert!(check_status(&entry(7, "revocation"), &susp, issuer.id(), &vo).is_err());
    let mallory = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::P256).unwrap());
    let fake = mallory
        .issue_status_list(
            &w.env,
            &StatusListInput {
                url: url.into(),
                purpose: "revocation".into(),
                set: vec![],
                entries: 131_072,
                valid_from: Some(T0),
                valid_until: None,
            },
        )
        .unwrap();
    assert!(matches!(
        check_status(&entry(94_567, "revocation"), &fake, issuer.id(), &vo),
        Err(CredentialError::Status(_))
    ));
    // A status list carried in an SD-JWT (no selective disclosure) works the same way.
    let mut bits = vec![0u8; 16 * 1024];
    bits[0] = 0b0010_0000; // index 2
    let sd_list = issuer
        .issue_sd_jwt(
            &w.env,
            &SdJwtInput {
                vct: "https://www.w3.org/ns/credentials/status#BitstringStatusListCredential"
                    .into(),
                claims: json!({"id": url, "credentialSubject": {"type": "BitstringStatusList",
                    "statusPurpose": "revocation", "encodedList": encode_status_list(&bits)}})
                .try_into()
                .unwrap(),
                disclosable: Some(vec![]),
                holder_jwk: None,
                issued_at: Some(T0),
                expires_at: Some(T0 + 3600),
                status: None,
            },
        )
        .unwrap();
    assert_eq!(
        check_status(&entry(2, "revocation"), &sd_list, issuer.id(), &vo).unwrap(),
        CredentialStatus::Revoked
    );
    assert_eq!(
        check_status(&entry(3, "revocation"), &sd_list, issuer.id(), &vo).unwrap(),
        CredentialStatus::Valid
    );
    let late = VerifyOptions::new(&w.resolver, T0 + 2 * 86_400);
    assert!(matches!(
        check_status(&entry(3, "revocation"), &list, issuer.id(), &late),
        Err(CredentialError::Status(_))
    ));
}

#[test]
fn rs256_jwt_vcs_verify() {
    use rsa::traits::PublicKeyParts;
    use sha2::Digest;
    let w = world();
    let me = Credentials::new(&w.wallet).holder_did().unwrap();
    let sk = <rsa::PrivateKey as rsa::Generate>::generate();
    let n = sk.n().to_be_bytes();
    let e = sk.e().to_be_bytes();
    let strip = |b: &[u8]| {
        b.iter()
            .skip_while(|x| **x == 0)
            .copied()
            .collect::<Vec<u8>>()
    };
    let jwk = json!({"kty": "RSA", "n": jigap_b64(&strip(&n)), "e": jigap_b64(&strip(&e)), "kid": "rsa-1"});
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "rsa-1"});
    let payload = json!({
        "iss": "https://badges.example.org/issuers/1", "sub": me, "nbf": T0, "iat": T0,
        "jti": "urn:uuid:8c1c7d94-3f4e-4c42-9a8b-0d9e5f5f2f11",
        "vc": {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:8c1c7d94-3f4e-4c42-9a8b-0d9e5f5f2f11",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Teamwork Badge",
            "issuer": {"id": "https://badges.example.org/issuers/1", "type": ["Profile"], "name": "Example Org"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": me, "type": ["AchievementSubject"], "achievement": {
                "id": "https://badges.example.org/achievements/teamwork", "type": ["Achievement"],
                "name": "Teamwork", "description": "Works well in teams.",
                "criteria": {"narrative": "Team project completed."}}}
        }
    });
    let input = format!(
        "{}.{}",
        jigap_b64(header.to_string().as_bytes()),
        jigap_b64(payload.to_string().as_bytes())
    );
    let hash = sha2::Sha256::digest(input.as_bytes());
    let sig = sk
        .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &hash)
        .unwrap();
    let jwt = format!("{input}.{}", jigap_b64(&sig));
    let mut r = Resolver::new();
    r.add_issuer_jwks("https://badges.example.org/issuers/1", &jwk.to_string())
        .unwrap();
    let vc = verify_credential(&jwt, &VerifyOptions::new(&r, T0 + 5)).unwrap();
    assert_eq!(vc.badge.unwrap().achievement_name, "Teamwork");
    let stored = Credentials::new(&w.wallet)
        .import(&jwt, &ImportOptions::new(&r))
        .unwrap();
    assert_eq!(stored.issuer_name.as_deref(), Some("Example Org"));
    let mut bad = jwt.clone();
    bad.replace_range(bad.len() - 5..bad.len() - 4, "A");
    if bad != jwt {
        assert!(verify_credential(&bad, &VerifyOptions::new(&r, T0 + 5)).is_err());
    }
}

#[test]
fn incomplete_badges_are_refused_on_import() {
    let w = world();
    let creds = Credentials::new(&w.wallet);
    let me = creds.holder_did().unwrap();
    let issuer = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::P256).unwrap());
    let vc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "No criteria", "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": me, "type": ["AchievementSubject"], "achievement": {
            "id": "https://x.example/a", "type": ["Achievement"], "name": "A", "description": "d"}}
    });
    let jwt = issuer.issue_jwt_vc(vc.as_object().unwrap(), T0).unwrap();
    assert!(matches!(
        creds.import(&jwt, &ImportOptions::new(&w.resolver)),
        Err(CredentialError::Badge(m)) if m.contains("criteria")
    ));
}

#[test]
fn did_documents_supplied_by_the_app() {
    let w = world();
    let creds = Credentials::new(&w.wallet);
    let me = creds.holder_did().unwrap();
    let key = SigningKey::generate(&w.env, CredentialKeyType::Ed25519).unwrap();
    let did = "did:web:learning.seoul.example";
    let issuer = Issuer::with_id(key.clone(), did, None);
    let jwt = issuer
        .issue_badge(&w.env, &badge_input(&me, CredentialFormat::JwtVc))
        .unwrap();
    let mut r = Resolver::new();
    assert!(matches!(
        creds.import(&jwt, &ImportOptions::new(&r)),
        Err(CredentialError::Did(_))
    ));
    let multibase = format!(
        "z{}",
        bs58::encode(
            [
                &[0xed, 0x01][..],
                &key.public_key().to_jwk()["x"]
                    .as_str()
                    .map(|x| {
                        use base64ct::{Base64UrlUnpadded, Encoding};
                        Base64UrlUnpadded::decode_vec(x).unwrap()
                    })
                    .unwrap()
            ]
            .concat()
        )
        .into_string()
    );
    r.add_did_document(
        &json!({
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": did,
            "verificationMethod": [{"id": format!("{did}#key-1"), "type": "Multikey",
                "controller": did, "publicKeyMultibase": multibase}],
            "assertionMethod": [format!("{did}#key-1")]
        })
        .to_string(),
    )
    .unwrap();
    let stored = creds.import(&jwt, &ImportOptions::new(&r)).unwrap();
    assert_eq!(stored.issuer, did);
}

#[test]
fn rs256_verification_matches_the_rsa_crate() {
    use rsa::traits::PublicKeyParts;
    use sha2::Digest;
    let keys: Vec<rsa::PrivateKey> = (0..2)
        .map(|_| <rsa::PrivateKey as rsa::Generate>::generate())
        .collect();
    let ours: Vec<VerificationKey> = keys
        .iter()
        .map(|k| {
            let jwk = json!({"kty": "RSA", "n": jigap_b64(&k.n().to_be_bytes()), "e": jigap_b64(&k.e().to_be_bytes())});
            VerificationKey::from_jwk(&jwk).unwrap()
        })
        .collect();
    for i in 0..24u32 {
        let msg = format!("message {i} {}", "x".repeat(i as usize * 7));
        let sk = &keys[(i % 2) as usize];
        let sig = sk
            .sign(
                rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                &sha2::Sha256::digest(msg.as_bytes()),
            )
            .unwrap();
        let me = &ours[(i % 2) as usize];
        let other = &ours[((i + 1) % 2) as usize];
        me.verify("RS256", msg.as_bytes(), &sig).unwrap();
        assert!(other.verify("RS256", msg.as_bytes(), &sig).is_err());
        assert!(me.verify("RS256", b"other message", &sig).is_err());
        let mut bad = sig.clone();
        bad[(i as usize * 11) % sig.len()] ^= 1 << (i % 8);
        assert!(me.verify("RS256", msg.as_bytes(), &bad).is_err());
        assert!(me.verify("RS256", msg.as_bytes(), &sig[1..]).is_err());
        // An RSA signature never passes under another algorithm.
        assert!(me.verify("ES256", msg.as_bytes(), &sig).is_err());
    }
    // Signature ≥ n is refused.
    let n = keys[0].n().to_be_bytes().to_vec();
    assert!(ours[0].verify("RS256", b"m", &n).is_err());
}

#[test]
fn ietf_token_status_lists_for_sd_jwt_vcs() {
    let w = world();
    let creds = Credentials::new(&w.wallet);
    let issuer = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::Ed25519).unwrap());
    let uri = "https://licence.molit.example.kr/statuslists/1";
    let entry = |i: u64| CredentialStatusEntry {
        purpose: TOKEN_STATUS_LIST.into(),
        index: i,
        list_url: uri.into(),
        size: 0,
    };
    let token = issuer
        .issue_token_status_list(uri, 1000, &[3], &[4], T0, Some(T0 + 3600))
        .unwrap();
    let mut ids = Vec::new();
    for i in [2u64, 3, 4] {
        let sd = issuer
            .issue_sd_jwt(
                &w.env,
                &licence_input(creds.holder_jwk().unwrap(), Some(entry(i))),
            )
            .unwrap();
        assert!(
            SdJwt::parse(&sd)
                .unwrap()
                .jws
                .payload
                .contains_key("status")
        );
        ids.push(
            creds
                .import(&sd, &ImportOptions::new(&w.resolver))
                .unwrap()
                .id,
        );
    }
    let want = [
        CredentialStatus::Valid,
        CredentialStatus::Revoked,
        CredentialStatus::Suspended,
    ];
    for (id, want) in ids.iter().zip(want) {
        assert_eq!(creds.check_status(id, &token, &w.resolver).unwrap(), want);
    }
    let mut opts = PresentationOptions::new(&w.resolver, "n", AUD, T0);
    opts.status_lists.insert(uri.into(), token.clone());
    let ok = creds.present(&ids[0], &["category"], "n", AUD).unwrap();
    assert_eq!(
        verify_presentation(&ok, &opts).unwrap().credentials[0].status,
        Some(CredentialStatus::Valid)
    );
    let revoked = creds.present(&ids[1], &["category"], "n", AUD).unwrap();
    assert!(matches!(
        verify_presentation(&revoked, &opts),
        Err(CredentialError::Revoked)
    ));
    let suspended = creds.present(&ids[2], &["category"], "n", AUD).unwrap();
    assert!(matches!(
        verify_presentation(&suspended, &opts),
        Err(CredentialError::Suspended)
    ));
    // A token from another issuer, for another URI, or expired: refused.
    let mallory = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::Ed25519).unwrap());
    let fake = mallory
        .issue_token_status_list(uri, 1000, &[], &[], T0, None)
        .unwrap();
    let vo = VerifyOptions::new(&w.resolver, T0);
    assert!(check_status(&entry(3), &fake, issuer.id(), &vo).is_err());
    let other = issuer
        .issue_token_status_list("https://elsewhere.example/1", 1000, &[], &[], T0, None)
        .unwrap();
    assert!(check_status(&entry(3), &other, issuer.id(), &vo).is_err());
    let late = VerifyOptions::new(&w.resolver, T0 + 7200);
    assert!(check_status(&entry(3), &token, issuer.id(), &late).is_err());
}

#[test]
fn p256_holder_key_for_es256_key_binding() {
    let w = world();
    let creds = Credentials::new(&w.wallet);
    let p256 = creds.holder_jwk_for(CredentialKeyType::P256).unwrap();
    assert_eq!(p256["crv"], "P-256");
    assert_ne!(p256, creds.holder_jwk().unwrap());
    let issuer = Issuer::new(SigningKey::generate(&w.env, CredentialKeyType::P256).unwrap());
    let sd = issuer
        .issue_sd_jwt(&w.env, &licence_input(p256.clone(), None))
        .unwrap();
    let stored = creds.import(&sd, &ImportOptions::new(&w.resolver)).unwrap();
    assert!(stored.bound);
    let p = creds.present(&stored.id, &["category"], "n", AUD).unwrap();
    let kb = SdJwt::parse(&p).unwrap().kb_jwt.unwrap();
    assert_eq!(Jws::parse(&kb, "kb").unwrap().alg(), "ES256");
    let v = verify_presentation(&p, &PresentationOptions::new(&w.resolver, "n", AUD, T0)).unwrap();
    assert_eq!(v.credentials[0].claims["category"], "A2");

    // The key comes from the recovery phrase: a restored wallet has the same one (SLIP-0010).
    let mnemonic = w.wallet.export_mnemonic(b"123456").unwrap();
    let restored = Wallet::restore(
        Arc::new(MemoryStore::new()),
        w.env.clone(),
        b"654321",
        &mnemonic,
        "",
        VaultOptions::fast_for_tests(),
    )
    .unwrap();
    assert_eq!(
        Credentials::new(&restored)
            .holder_jwk_for(CredentialKeyType::P256)
            .unwrap(),
        p256
    );
}
