//! Criterion benchmarks of the credential verifier: presentation verifications per second
//! (criterion reports them as elements/s), for SD-JWT presentations with key binding (issuer
//! keys P-256, Ed25519 and secp256k1; holder key secp256k1, as in the wallet) and for a JWT VP
//! carrying one Open OpenBadge; plus the holder's side (building a presentation) for scale.
//!
//! `cargo bench -p jigap-core --bench credential`.

// Benchmark set-up on fixed inputs: a failure must stop the run.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jigap_core::credential::*;
use jigap_core::env::{Env, ManualClock};
use jigap_core::store::MemoryStore;
use jigap_core::wallet::{Wallet, WalletOptions};
use serde_json::json;

const T0: u64 = 1_767_225_600;
const AUD: &str = "https://inspector.example.kr";

fn licence(holder_jwk: serde_json::Value) -> SdJwtInput {
    SdJwtInput {
        vct: "https://licence.example.kr/drone-pilot".into(),
        claims: json!({
            "given_name": "Jiwoo", "family_name": "Kim", "birthdate": "1990-05-01",
            "category": "A2", "licence_number": "DP-2026-000123", "licence_expiry": "2031-01-01",
            "address": {"region": "KR-11", "locality": "Seoul"}
        })
        .try_into()
        .unwrap(),
        disclosable: Some(
            [
                "given_name",
                "family_name",
                "birthdate",
                "category",
                "licence_number",
                "licence_expiry",
                "address",
                "address.region",
                "address.locality",
            ]
            .map(String::from)
            .to_vec(),
        ),
        holder_jwk: Some(holder_jwk.try_into().unwrap()),
        issued_at: Some(T0),
        expires_at: Some(T0 + 86_400 * 365),
        status: None,
    }
}

fn presentations(c: &mut Criterion) {
    let env = Env::fixed(ManualClock::new(T0 * 1000), 1);
    let (wallet, _) = Wallet::create(
        Arc::new(MemoryStore::new()),
        env.clone(),
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap();
    let creds = Credentials::new(&wallet);
    let resolver = Resolver::new();
    let opts = PresentationOptions::new(&resolver, "nonce-1", AUD, T0 + 1);

    let mut g = c.benchmark_group("credential/verify_presentation");
    g.throughput(Throughput::Elements(1));
    for (name, kind) in [
        ("sd-jwt/ES256", CredentialKeyType::P256),
        ("sd-jwt/EdDSA", CredentialKeyType::Ed25519),
        ("sd-jwt/ES256K", CredentialKeyType::Secp256k1),
    ] {
        let issuer = Issuer::new(SigningKey::generate(&env, kind).unwrap());
        let sd = issuer
            .issue_sd_jwt(&env, &licence(creds.holder_jwk().unwrap()))
            .unwrap();
        let id = creds
            .import(&sd, &ImportOptions::new(&resolver))
            .unwrap()
            .id;
        let p = creds
            .present(&id, &["category", "licence_expiry"], "nonce-1", AUD)
            .unwrap();
        verify_presentation(&p, &opts).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| verify_presentation(black_box(&p), &opts).unwrap())
        });
    }
    let issuer = Issuer::new(SigningKey::generate(&env, CredentialKeyType::P256).unwrap());
    let badge = issuer
        .issue_badge(
            &env,
            &BadgeInput {
                name: "Drone Safety Basics".into(),
                achievement_id: Some("https://badges.example/a/1".into()),
                achievement_name: "Drone Safety".into(),
                description: "Completed the course.".into(),
                criteria_narrative: Some("Pass the exam.".into()),
                criteria_url: None,
                image: None,
                subject: creds.holder_did().unwrap(),
                valid_from: Some(T0),
                valid_until: None,
                status: None,
                format: Some(CredentialFormat::JwtVc),
            },
        )
        .unwrap();
    let id = creds
        .import(&badge, &ImportOptions::new(&resolver))
        .unwrap()
        .id;
    let vp = creds.present_jwt_vp(&[&id], "nonce-1", AUD).unwrap();
    verify_presentation(&vp, &opts).unwrap();
    g.bench_function("jwt-vp/badge-ES256", |b| {
        b.iter(|| verify_presentation(black_box(&vp), &opts).unwrap())
    });
    g.finish();

    let sd = Issuer::new(SigningKey::generate(&env, CredentialKeyType::P256).unwrap())
        .issue_sd_jwt(&env, &licence(creds.holder_jwk().unwrap()))
        .unwrap();
    let id = creds
        .import(&sd, &ImportOptions::new(&resolver))
        .unwrap()
        .id;
    let mut g = c.benchmark_group("credential/holder");
    g.throughput(Throughput::Elements(1));
    g.bench_function("present/sd-jwt", |b| {
        b.iter(|| {
            creds
                .present(black_box(&id), &["category"], "nonce-1", AUD)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = presentations
}
criterion_main!(benches);
