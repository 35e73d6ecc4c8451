//! Tickets end to end on SQLite wallets: issue, import, restart, show, admit, receipt,
//! transfers along a chain, gates converging by merges, clock skew, and known answers.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use jigap_core::env::{Env, ManualClock};
use jigap_core::keys::{Address, Mnemonic, PrivateKey, TypedData};
use jigap_core::store::{SqliteStore, Store};
use jigap_core::ticket::*;
use jigap_core::vault::VaultOptions;
use jigap_core::wallet::{Wallet, WalletOptions};

const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
/// 2026-05-28T20:26:40Z.
const T0: u64 = 1_780_000_000;

fn contract() -> Address {
    "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        .parse()
        .unwrap()
}

fn event() -> TicketEvent {
    TicketEvent {
        id: "MAHLER2-0528".into(),
        name: "Seoul Philharmonic: Mahler Symphony No. 2 \"Resurrection\"".into(),
        venue: "롯데콘서트홀 (Lotte Concert Hall), Seoul".into(),
        doors_open: T0 - 3600,
        start: T0,
        end: T0 + 3 * 3600,
    }
}

fn terms(token: u64, policy: TicketTransferPolicy) -> TicketTerms {
    TicketTerms {
        chain_id: 11155111,
        contract: contract(),
        token_id: TokenId::from_u64(token),
        event: event(),
        seat: TicketSeat::reserved("2층 C", "D", &token.to_string()),
        tier: "R".into(),
        policy,
    }
}

fn sqlite_wallet(dir: &Path, name: &str, env: &Env) -> Wallet {
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.join(format!("{name}.db"))).unwrap());
    Wallet::create(
        store,
        env.clone(),
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap()
    .0
}

fn reopen(dir: &Path, name: &str, env: &Env) -> Wallet {
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.join(format!("{name}.db"))).unwrap());
    let w = Wallet::open(store, env.clone(), VaultOptions::fast_for_tests()).unwrap();
    w.unlock(b"123456").unwrap();
    w
}

fn gate(env: &Env, issuer: &Issuer, name: &str, seed: u8) -> Gate {
    let key = GateKey::from_account(&PrivateKey::from_slice(&[seed; 32]).unwrap());
    let auth = issuer
        .authorize_gate(11155111, contract(), &event(), key.public(), name)
        .unwrap();
    // The gate is configured from text, as it would be from a file.
    let auth = GateAuthorization::from_text(&auth.to_text()).unwrap();
    let issuer_id = TicketIdentity::from_text(&issuer.identity().to_text()).unwrap();
    Gate::new(env.clone(), key, &[issuer_id], &[auth]).unwrap()
}

#[test]
fn sqlite_journey_survives_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new((T0 - 86_400) * 1000);
    let env = Env::fixed(clock.clone(), 21);
    let mut issuer =
        Issuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    let holder_id = {
        let w = sqlite_wallet(dir.path(), "holder", &env);
        let t = Tickets::new(&w);
        t.trust_issuer(issuer.identity()).unwrap();
        t.holder_id(&w.account(0).unwrap().address)
            .unwrap()
            .to_text()
    };
    // The issuer receives the holder id as text, and sends back grant text.
    let holder = TicketIdentity::from_text(&holder_id).unwrap();
    let grant = issuer
        .grant(&holder, terms(1, TicketTransferPolicy::non_transferable()))
        .unwrap()
        .to_text();
    {
        let w = reopen(dir.path(), "holder", &env);
        let imported = Tickets::new(&w).import(&grant).unwrap();
        assert_eq!(imported.outcome, TicketImportOutcome::Added);
        assert_eq!(imported.ticket.issuer, issuer.address());
    }
    // Concert day.
    clock.set_ms(T0 * 1000);
    let mut north = gate(&env, &issuer, "North 3", 0x31);
    let (id, pass) = {
        let w = reopen(dir.path(), "holder", &env);
        let t = Tickets::new(&w);
        let list = t.list().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].event().venue, event().venue);
        (list[0].id, t.show(&list[0].id).unwrap())
    };
    assert!(pass.version <= 13, "QR version {}", pass.version);
    let admit = north.verify(&pass.text).unwrap();
    assert_eq!(admit.seat.section, "2층 C");
    let receipt = north.receipt(&admit).unwrap().to_text();
    assert!(matches!(
        north.verify(&pass.text),
        Err(TicketError::AlreadyEntered { .. })
    ));
    {
        let w = reopen(dir.path(), "holder", &env);
        Tickets::new(&w).apply_receipt(&receipt).unwrap();
    }
    let w = reopen(dir.path(), "holder", &env);
    let t = Tickets::new(&w);
    assert_eq!(t.get(&id).unwrap().status(), TicketStatus::Redeemed);
    assert!(matches!(t.show(&id), Err(TicketError::AlreadyUsed { .. })));
}

#[test]
fn transfers_along_a_chain_until_the_policy_says_no() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(T0 * 1000 - 3_600_000);
    let env = Env::fixed(clock.clone(), 22);
    let mut issuer =
        Issuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    let wallets: Vec<Wallet> = ["ana", "bo", "chul", "dami"]
        .iter()
        .map(|n| sqlite_wallet(dir.path(), n, &env))
        .collect();
    let ids: Vec<TicketIdentity> = wallets
        .iter()
        .map(|w| {
            let t = Tickets::new(w);
            t.trust_issuer(issuer.identity()).unwrap();
            t.holder_id(&w.account(0).unwrap().address).unwrap()
        })
        .collect();
    let g = issuer
        .grant(
            &ids[0],
            terms(7, TicketTransferPolicy::capped("KRW", 150_000, 2)),
        )
        .unwrap();
    let id = g.ticket_ref();
    Tickets::new(&wallets[0]).import(&g.to_text()).unwrap();

    for hop in 0..2 {
        let (from, to) = (Tickets::new(&wallets[hop]), Tickets::new(&wallets[hop + 1]));
        clock.advance_ms(60_000);
        let req = from
            .request_transfer(&id, &ids[hop + 1], 150_000, "KRW")
            .unwrap();
        // Sent over the network as text, with the current grant.
        let current = SignedGrant::from_text(&from.get(&id).unwrap().grant.to_text()).unwrap();
        let next = issuer
            .reissue(
                &current,
                &TransferRequest::from_text(&req.to_text()).unwrap(),
            )
            .unwrap();
        assert_eq!(next.grant.transfers, hop as u8 + 1);
        assert_eq!(
            to.import(&next.to_text()).unwrap().outcome,
            TicketImportOutcome::Added
        );
        assert_eq!(
            from.import(&next.to_text()).unwrap().outcome,
            TicketImportOutcome::TransferConfirmed
        );
        assert!(matches!(
            from.show(&id),
            Err(TicketError::Transferred { .. })
        ));
    }
    let chul = Tickets::new(&wallets[2]);
    assert!(matches!(
        chul.request_transfer(&id, &ids[3], 1, "KRW"),
        Err(TicketError::TooManyTransfers { max: 2 })
    ));
    // Only the last holder's pass enters.
    clock.set_ms(T0 * 1000);
    let mut g = gate(&env, &issuer, "Main", 0x41);
    let admit = g.verify(&chul.show(&id).unwrap().text).unwrap();
    assert_eq!(admit.holder, ids[2].address);
    assert_eq!(admit.transfers, 2);
    // An old holder's wallet refuses to show it; the states follow ERC-7439.
    let ana = Tickets::new(&wallets[0]);
    assert_eq!(ana.get(&id).unwrap().status(), TicketStatus::Void);
    assert_eq!(chul.get(&id).unwrap().status(), TicketStatus::Sold);
}

#[test]
fn three_gates_converge_whatever_the_merge_order() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock.clone(), 23);
    let mut issuer =
        Issuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    let w = sqlite_wallet(dir.path(), "fan", &env);
    let t = Tickets::new(&w);
    t.trust_issuer(issuer.identity()).unwrap();
    let me = t.holder_id(&w.account(0).unwrap().address).unwrap();
    let ids: Vec<TicketRef> = (0..6)
        .map(|i| {
            let g = issuer
                .grant(
                    &me,
                    terms(100 + i, TicketTransferPolicy::non_transferable()),
                )
                .unwrap();
            t.import(&g.to_text()).unwrap().ticket.id
        })
        .collect();
    let mut gates = [
        gate(&env, &issuer, "A", 0x51),
        gate(&env, &issuer, "B", 0x52),
        gate(&env, &issuer, "C", 0x53),
    ];
    for (i, id) in ids.iter().enumerate() {
        clock.advance_ms(1_000);
        gates[i % 3].verify(&t.show(id).unwrap().text).unwrap();
    }
    // The same ticket sneaks in at two gates before they sync: the earlier entry wins.
    clock.advance_ms(1_000);
    let dup = t.show(&ids[0]).unwrap().text;
    gates[1].verify(&dup).unwrap();

    let exports: Vec<Vec<u8>> = gates.iter().map(|g| g.export().unwrap()).collect();
    // A merges B then C; C merges A's original then B; B merges C then A.
    gates[0].merge(&exports[1]).unwrap();
    gates[0].merge(&exports[2]).unwrap();
    gates[2].merge(&exports[0]).unwrap();
    gates[2].merge(&exports[1]).unwrap();
    gates[1].merge(&exports[2]).unwrap();
    gates[1].merge(&exports[0]).unwrap();
    let sets: Vec<Vec<GateEntry>> = gates.iter().map(|g| g.entries()).collect();
    assert_eq!(sets[0], sets[1]);
    assert_eq!(sets[1], sets[2]);
    assert_eq!(sets[0].len(), 6);
    assert_eq!(gates[1].entered(&ids[0]).unwrap().gate, "A");
    for g in gates.iter_mut() {
        clock.advance_ms(15_000);
        for id in &ids {
            assert!(matches!(
                g.verify(&t.show(id).unwrap().text),
                Err(TicketError::AlreadyEntered { .. })
            ));
        }
    }
}

#[test]
fn one_window_of_clock_skew_either_way() {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock.clone(), 24);
    let phone_clock = ManualClock::new(T0 * 1000);
    let phone_env = Env::fixed(phone_clock.clone(), 25);
    let mut issuer =
        Issuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    let (w, _) = Wallet::create(
        Arc::new(jigap_core::store::MemoryStore::new()),
        phone_env,
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap();
    let t = Tickets::new(&w);
    t.trust_issuer(issuer.identity()).unwrap();
    let me = t.holder_id(&w.account(0).unwrap().address).unwrap();
    let mut g = gate(&env, &issuer, "Skew", 0x61);
    // The gate's clock is at the start of a window; the phone is off by the given seconds.
    let gate_now = (T0 / 15 + 1) * 15;
    clock.set_ms(gate_now * 1000);
    for (i, (skew, ok)) in [
        (-30i64, false),
        (-16, false),
        (-15, true),
        (0, true),
        (29, true),
        (30, false),
    ]
    .into_iter()
    .enumerate()
    {
        let grant = issuer
            .grant(
                &me,
                terms(200 + i as u64, TicketTransferPolicy::non_transferable()),
            )
            .unwrap();
        let id = t.import(&grant.to_text()).unwrap().ticket.id;
        phone_clock.set_ms((gate_now as i64 + skew) as u64 * 1000);
        let r = g.verify(&t.show(&id).unwrap().text);
        assert_eq!(r.is_ok(), ok, "skew {skew} s: {r:?}");
        if !ok {
            assert!(matches!(r, Err(TicketError::StaleWindow { .. })));
        }
    }
}

#[test]
fn grants_and_requests_verify_with_generic_eip712() {
    let env = Env::fixed(ManualClock::new(T0 * 1000), 26);
    let mut issuer =
        Issuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    let (w, _) = Wallet::create(
        Arc::new(jigap_core::store::MemoryStore::new()),
        env,
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap();
    let t = Tickets::new(&w);
    t.trust_issuer(issuer.identity()).unwrap();
    let me = t.holder_id(&w.account(0).unwrap().address).unwrap();
    let mut terms = terms(1, TicketTransferPolicy::capped("KRW", 150_000, 1));
    terms.token_id = TokenId([0xab; 32]);
    let g = issuer.grant(&me, terms).unwrap();
    let td = TypedData::from_json(&g.typed_data_json()).unwrap();
    assert_eq!(td.digest().unwrap(), g.digest());
    assert_eq!(
        g.signature.recover_address(&td.digest().unwrap()).unwrap(),
        issuer.address()
    );
    assert_eq!(
        td.encode_type("TicketGrant").unwrap(),
        format!(
            "{}{}{}{}",
            eip712::GRANT_TYPE,
            eip712::EVENT_TYPE,
            eip712::SEAT_TYPE,
            eip712::POLICY_TYPE
        )
    );
    t.import(&g.to_text()).unwrap();
    let other = t.holder_id(&w.add_account().unwrap().address).unwrap();
    let req = t
        .request_transfer(&g.ticket_ref(), &other, 100_000, "KRW")
        .unwrap();
    let td = TypedData::from_json(&req.typed_data_json()).unwrap();
    assert_eq!(
        req.signature
            .recover_address(&td.digest().unwrap())
            .unwrap(),
        me.address
    );
}

#[test]
fn known_answers_for_derived_keys() {
    // The pass key of the "abandon … about" wallet's account 0: other implementations
    // (bindings, a server) must derive the same bytes.
    let m = Mnemonic::parse(ABANDON, None).unwrap();
    let w = Wallet::restore(
        Arc::new(jigap_core::store::MemoryStore::new()),
        Env::system(),
        b"123456",
        &m,
        "",
        VaultOptions::fast_for_tests(),
    )
    .unwrap();
    let id = Tickets::new(&w)
        .holder_id(&w.account(0).unwrap().address)
        .unwrap();
    assert_eq!(
        id.address.to_string(),
        "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    );
    assert_eq!(hex::encode(id.key), PASS_KEY_ABANDON_0);
    let issuer = Issuer::new(Env::system(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    assert_eq!(hex::encode(issuer.identity().key), SEAL_KEY_0X17);
    let gate = GateKey::from_account(&PrivateKey::from_slice(&[0x31; 32]).unwrap());
    assert_eq!(hex::encode(gate.public()), GATE_KEY_0X31);
}

// Computed independently: HKDF-SHA256 and Ed25519 of pycryptodome 3.24, keys from eth-account.
const PASS_KEY_ABANDON_0: &str = "62cb97b278a66039eee2c9b4f6fbae013b481577a2bed6e8a896b77841c165b5";
const SEAL_KEY_0X17: &str = "3b9ff529380d8306c99b57f632f65034f2681e9a08cc2b19efa823cfc0e1f7a1";
const GATE_KEY_0X31: &str = "e389f7320fcc7ba1d1f5c9a28a776ad7ed7eb5437289a9e7912ebd11fe9710de";
