//! One-byte tampering: every signed or encrypted artefact jigap produces — voucher grant,
//! payment request, redemption, settlement, refund, ticket grant, pass, check-in receipt, gate
//! export, credential (SD-JWT VC and JWT VC), presentation, backup and keystore — is altered
//! one byte at a time, at every position, and given to the side that consumes it. Each altered
//! copy must be refused with a typed error, and the consumer's state must not change. QR
//! payloads are altered both in their text and in the bytes the text encodes.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jigap_core::credential::{
    self as cred, CredentialKeyType, Credentials, ImportOptions, Issuer as CredIssuer,
    PresentationOptions, Resolver, SdJwtInput, SigningKey,
};
use jigap_core::env::{Env, ManualClock};
use jigap_core::keys::{KeystoreKdf, PrivateKey};
use jigap_core::store::{MemoryStore, Store};
use jigap_core::ticket::{
    Gate, GateKey, Issuer as TicketIssuer, TicketEvent, TicketSeat, TicketTerms,
    TicketTransferPolicy, Tickets, TokenId,
};
use jigap_core::vault::{BackupSecret, Vault, VaultOptions};
use jigap_core::voucher::*;
use jigap_core::wallet::{Wallet, WalletOptions};
use serde_json::json;

const T0: u64 = 1_767_225_600;

fn wallet(env: &Env) -> (Arc<MemoryStore>, Arc<Wallet>) {
    let store = Arc::new(MemoryStore::new());
    let w = Wallet::create(
        store.clone(),
        env.clone(),
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap()
    .0;
    (store, Arc::new(w))
}

fn snapshot(store: &MemoryStore) -> Vec<(Vec<u8>, Vec<u8>)> {
    store.scan(&[]).unwrap()
}

/// Every one-byte alteration of `data` (each byte XOR 0x01).
fn flips(data: &[u8]) -> impl Iterator<Item = (usize, Vec<u8>)> + '_ {
    (0..data.len()).map(move |i| {
        let mut d = data.to_vec();
        d[i] ^= 0x01;
        (i, d)
    })
}

/// Every one-byte alteration of a QR payload: of its text, and of the bytes its base45 encodes.
fn qr_flips(text: &str) -> Vec<String> {
    let (tag, body) = text.split_once(':').unwrap();
    let raw = base45::decode(body).unwrap();
    let mut out: Vec<String> = flips(text.as_bytes())
        .filter_map(|(_, d)| String::from_utf8(d).ok())
        .collect();
    out.extend(flips(&raw).map(|(_, d)| format!("{tag}:{}", base45::encode(d))));
    out
}

/// Give every altered `texts` to `consume`; each must fail, and `state` must not change.
fn all_refused<S: PartialEq + std::fmt::Debug>(
    what: &str,
    texts: Vec<String>,
    state: impl Fn() -> S,
    consume: impl Fn(&str) -> Result<(), String>,
) -> usize {
    let before = state();
    for t in &texts {
        if let Ok(()) = consume(t) {
            panic!("{what}: an altered copy was accepted: {t}");
        }
        assert!(state() == before, "{what}: a refused copy changed state");
    }
    texts.len()
}

#[test]
fn every_voucher_artefact_refuses_every_altered_byte() {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock.clone(), 1);
    let (store, w) = wallet(&env);
    let me = w.account(0).unwrap().address;
    let city = PrivateKey::from_slice(&[0x11; 32]).unwrap();
    let domain = VoucherDomain::DEMO;
    let v = Vouchers::new(w.clone(), domain);
    v.set_trusted_issuers(vec![TrustedIssuer {
        address: city.address(),
        name: "Seoul".into(),
        currency: "KRW".into(),
        holding_cap: 0,
        offline_allowance: 0,
    }])
    .unwrap();
    let mut p = Purpose::anywhere(T0 - 10, T0 + 30 * 86_400);
    p.categories = vec![5411];
    p.regions = vec!["KR-11".into()];
    let grant = VoucherGrant {
        id: [1; 32],
        issuer: city.address(),
        holder: me,
        currency: "KRW".into(),
        amount: 50_000,
        issued_at: T0,
        purpose: p,
    }
    .sign(&domain, &city)
    .unwrap();
    let grant_text = encode_grant(&grant);
    let n = all_refused(
        "grant",
        qr_flips(&grant_text),
        || snapshot(&store),
        |t| {
            v.import(&decode_grant(t).map_err(|e| e.to_string())?)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    );
    assert!(n > 400, "{n} altered grants");
    v.import(&decode_grant(&grant_text).unwrap()).unwrap();

    let (shop_store, shop_wallet) = wallet(&env);
    let shop_addr = shop_wallet.account(0).unwrap().address;
    let shop = MerchantDesk::new(
        shop_wallet,
        shop_addr,
        "행복마트",
        5411,
        "KR-11",
        domain,
        vec![city.address()],
    )
    .unwrap();
    let (req, req_text) = shop.create_request(12_000, "KRW", 600).unwrap();
    all_refused(
        "payment request",
        qr_flips(&req_text),
        || snapshot(&store),
        |t| {
            v.pay(&decode_request(t).map_err(|e| e.to_string())?)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    );
    let pay = v.pay(&decode_request(&req_text).unwrap()).unwrap();
    all_refused(
        "redemption",
        qr_flips(&pay.qr),
        || snapshot(&shop_store),
        |t| shop.accept(&req, t).map(|_| ()).map_err(|e| e.to_string()),
    );
    shop.accept(&req, &pay.qr).unwrap();

    let settlement = encode_settlement(
        &Settlement {
            redemption_hash: pay.hash,
            issuer: city.address(),
            settled: true,
            reason: String::new(),
            settled_at: T0,
        }
        .sign(&domain, &city)
        .unwrap(),
    );
    all_refused(
        "settlement",
        qr_flips(&settlement),
        || snapshot(&store),
        |t| {
            v.apply_settlement(&decode_settlement(t).map_err(|e| e.to_string())?)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    );
    v.apply_settlement(&decode_settlement(&settlement).unwrap())
        .unwrap();
    let refund = encode_refund(
        &Refund {
            id: [7; 32],
            voucher_id: [1; 32],
            amount: 2_000,
            refunded_at: T0,
        }
        .sign(&domain, &city)
        .unwrap(),
    );
    all_refused(
        "refund",
        qr_flips(&refund),
        || snapshot(&store),
        |t| {
            v.apply_refund(&decode_refund(t).map_err(|e| e.to_string())?)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    );
    assert!(v.apply_refund(&decode_refund(&refund).unwrap()).unwrap());
}

fn event() -> TicketEvent {
    TicketEvent {
        id: "MAHLER2".into(),
        name: "Mahler 2".into(),
        venue: "Seoul".into(),
        doors_open: T0,
        start: T0 + 3600,
        end: T0 + 4 * 3600,
    }
}

#[test]
fn every_ticket_artefact_refuses_every_altered_byte() {
    let clock = ManualClock::new((T0 + 1800) * 1000);
    let env = Env::fixed(clock.clone(), 2);
    let mut issuer =
        TicketIssuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    let (store, w) = wallet(&env);
    let tickets = Tickets::new(&w);
    tickets.trust_issuer(issuer.identity()).unwrap();
    let me = tickets.holder_id(&w.account(0).unwrap().address).unwrap();
    let contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        .parse()
        .unwrap();
    let g = issuer
        .grant(
            &me,
            TicketTerms {
                chain_id: 1,
                contract,
                token_id: TokenId::from_u64(1042),
                event: event(),
                seat: TicketSeat::reserved("B", "12", "7"),
                tier: "R".into(),
                policy: TicketTransferPolicy::capped("KRW", 150_000, 2),
            },
        )
        .unwrap();
    let grant_text = g.to_text();
    all_refused(
        "ticket grant",
        qr_flips(&grant_text),
        || snapshot(&store),
        |t| tickets.import(t).map(|_| ()).map_err(|e| e.to_string()),
    );
    let id = tickets.import(&grant_text).unwrap().ticket.id;

    let key = GateKey::generate(&env).unwrap();
    let auth = issuer
        .authorize_gate(1, contract, &event(), key.public(), "North 3")
        .unwrap();
    let gate = std::sync::Mutex::new(
        Gate::new(
            env.clone(),
            key.clone(),
            &[issuer.identity().clone()],
            &[auth],
        )
        .unwrap(),
    );
    let entries = || gate.lock().unwrap().entries();
    let pass = tickets.show(&id).unwrap().text;
    all_refused("pass", qr_flips(&pass), entries, |t| {
        gate.lock()
            .unwrap()
            .verify(t)
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    let admit = gate.lock().unwrap().verify(&pass).unwrap();
    let receipt = gate.lock().unwrap().receipt(&admit).unwrap().to_text();
    all_refused(
        "check-in receipt",
        qr_flips(&receipt),
        || snapshot(&store),
        |t| {
            tickets
                .apply_receipt(t)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    );
    tickets.apply_receipt(&receipt).unwrap();

    // A gate export, merged into another gate of the venue (which has not seen the entry).
    let export = gate.lock().unwrap().export().unwrap();
    let other_key = GateKey::generate(&env).unwrap();
    let other_auth = issuer
        .authorize_gate(1, contract, &event(), other_key.public(), "South 1")
        .unwrap();
    let other = std::sync::Mutex::new(
        Gate::new(
            env.clone(),
            other_key,
            &[issuer.identity().clone()],
            &[other_auth],
        )
        .unwrap(),
    );
    let other_entries = || other.lock().unwrap().entries();
    let before = other_entries();
    for (i, bad) in flips(&export) {
        assert!(
            other.lock().unwrap().merge(&bad).is_err(),
            "gate export: byte {i} altered and merged"
        );
        assert_eq!(other_entries(), before);
    }
    assert_eq!(other.lock().unwrap().merge(&export).unwrap().added, 1);
}

#[test]
fn credentials_presentations_backups_and_keystores_refuse_every_altered_byte() {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock.clone(), 3);
    let (store, w) = wallet(&env);
    let creds = Credentials::new(&w);
    let issuer = CredIssuer::new(SigningKey::generate(&env, CredentialKeyType::P256).unwrap());
    let sd = issuer
        .issue_sd_jwt(
            &env,
            &SdJwtInput {
                vct: "https://licence.example/drone".into(),
                claims: json!({"given_name": "Jiwoo", "category": "A2"})
                    .try_into()
                    .unwrap(),
                disclosable: Some(vec!["given_name".into(), "category".into()]),
                holder_jwk: Some(creds.holder_jwk().unwrap().try_into().unwrap()),
                issued_at: Some(T0 - 10),
                expires_at: Some(T0 + 86_400),
                status: None,
            },
        )
        .unwrap();
    let resolver = Resolver::new();
    let opts = ImportOptions::new(&resolver);
    let texts = |s: &str| -> Vec<String> {
        flips(s.as_bytes())
            .filter_map(|(_, d)| String::from_utf8(d).ok())
            .collect()
    };
    all_refused(
        "SD-JWT VC",
        texts(&sd),
        || snapshot(&store),
        |t| {
            creds
                .import(t, &opts)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    );
    let badge = issuer
        .issue_jwt_vc(
            json!({
                "@context": ["https://www.w3.org/2018/credentials/v1"],
                "type": ["VerifiableCredential"],
                "credentialSubject": {"id": creds.holder_did().unwrap(), "skill": "welding"}
            })
            .as_object()
            .unwrap(),
            T0 - 10,
        )
        .unwrap();
    all_refused(
        "JWT VC",
        texts(&badge),
        || snapshot(&store),
        |t| {
            creds
                .import(t, &opts)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    );
    let stored = creds.import(&sd, &opts).unwrap();
    let presentation = creds
        .present(
            &stored.id,
            &["category"],
            "n-1",
            "https://inspector.example",
        )
        .unwrap();
    let po = PresentationOptions::new(&resolver, "n-1", "https://inspector.example", T0);
    cred::verify_presentation(&presentation, &po).unwrap();
    all_refused(
        "presentation",
        texts(&presentation),
        || (),
        |t| {
            cred::verify_presentation(t, &po)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    );

    // The backup file, restored into an empty store each time: it must stay empty.
    let backup = w.backup(b"123456", BackupSecret::NewCode).unwrap();
    let code = backup.code.unwrap().grouped();
    let target = Arc::new(MemoryStore::new());
    for (i, bad) in flips(&backup.bytes) {
        let r = Vault::restore(
            target.clone(),
            env.clone(),
            &bad,
            code.as_bytes(),
            b"654321",
            VaultOptions::fast_for_tests(),
        );
        assert!(r.is_err(), "backup: byte {i} altered and restored");
        assert!(target.scan(&[]).unwrap().is_empty());
    }
    Vault::restore(
        target,
        env.clone(),
        &backup.bytes,
        code.as_bytes(),
        b"654321",
        VaultOptions::fast_for_tests(),
    )
    .unwrap();

    // A keystore. Web3 Secret Storage authenticates the key and its KDF parameters, not its
    // optional members: an altered `id` label, or a renamed `id` / `address` member, imports
    // the very same key (checked); every other byte is refused.
    let me = w.account(0).unwrap().address;
    let ks = w
        .export_keystore(&me, b"pw", KeystoreKdf::Pbkdf2 { c: 2 })
        .unwrap();
    let (_, other) = wallet(&env);
    let doc: serde_json::Value = serde_json::from_str(&ks).unwrap();
    let id = doc["id"].as_str().unwrap();
    let label = ks.find("\"id\"").unwrap();
    let id_end = ks.find(id).unwrap() + id.len();
    let address = ks.find("\"address\"").unwrap();
    let (mut refused, mut same_key) = (0, 0);
    for (i, bad) in flips(ks.as_bytes()) {
        let Ok(text) = String::from_utf8(bad) else {
            refused += 1;
            continue;
        };
        match other.import_keystore(&text, b"pw") {
            Err(_) => refused += 1,
            Ok(a) => {
                assert!(
                    (label..id_end).contains(&i) || (address..address + 9).contains(&i),
                    "keystore: byte {i} altered and accepted"
                );
                assert_eq!(a.address, me, "an altered keystore gave another key");
                same_key += 1;
            }
        }
    }
    assert_eq!(refused + same_key, ks.len());
    assert!(
        same_key <= id.len() + 2 + 7,
        "{refused} refused, {same_key} same key"
    );
}
