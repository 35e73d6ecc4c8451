//! Ticket benchmarks: gate verifications per second on one core (target ≥ 10,000), showing a
//! pass, and the signature checks the pass design chose between.
//!
//! `cargo bench -p jigap-core --bench ticket`. Throughput is in elements (passes) per second.

// Benchmark set-up on fixed inputs: a failure must stop the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::{Signer, SigningKey, Verifier};
use jigap_core::env::{Env, ManualClock};
use jigap_core::keys::{Address, PrivateKey};
use jigap_core::store::MemoryStore;
use jigap_core::ticket::{
    Gate, GateAuthorization, GateKey, Issuer, Pass, TicketEvent, TicketIdentity, TicketRef,
    TicketSeat, TicketTerms, TicketTransferPolicy, Tickets, TokenId,
};
use jigap_core::wallet::{Wallet, WalletOptions};

const T0: u64 = 1_780_000_000;
const PASSES: usize = 1_000;

struct Setup {
    env: Env,
    issuer: TicketIdentity,
    auth: GateAuthorization,
    gate_seed: PrivateKey,
    passes: Vec<String>,
    wallet: Wallet,
    first: TicketRef,
}

fn setup() -> Setup {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock, 5);
    let (wallet, _) = Wallet::create(
        Arc::new(MemoryStore::new()),
        env.clone(),
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap();
    let mut issuer =
        Issuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    let tickets = Tickets::new(&wallet);
    tickets.trust_issuer(issuer.identity()).unwrap();
    let me = tickets
        .holder_id(&wallet.account(0).unwrap().address)
        .unwrap();
    let contract: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        .parse()
        .unwrap();
    let event = TicketEvent {
        id: "MAHLER2-0528".into(),
        name: "Seoul Philharmonic: Mahler Symphony No. 2".into(),
        venue: "Lotte Concert Hall, Seoul".into(),
        doors_open: T0 - 3600,
        start: T0,
        end: T0 + 4 * 3600,
    };
    let mut passes = Vec::with_capacity(PASSES);
    let mut first = None;
    for i in 0..PASSES as u64 {
        let g = issuer
            .grant(
                &me,
                TicketTerms {
                    chain_id: 1,
                    contract,
                    token_id: TokenId::from_u64(10_000 + i),
                    event: event.clone(),
                    seat: TicketSeat::reserved("B", &(i / 40).to_string(), &(i % 40).to_string()),
                    tier: "R".into(),
                    policy: TicketTransferPolicy::capped("KRW", 150_000, 2),
                },
            )
            .unwrap();
        let id = tickets.import(&g.to_text()).unwrap().ticket.id;
        first.get_or_insert(id);
        passes.push(tickets.show(&id).unwrap().text);
    }
    let gate_seed = PrivateKey::from_slice(&[0x31; 32]).unwrap();
    let auth = issuer
        .authorize_gate(
            1,
            contract,
            &event,
            GateKey::from_account(&gate_seed).public(),
            "North 3",
        )
        .unwrap();
    Setup {
        env,
        issuer: issuer.identity().clone(),
        auth,
        gate_seed,
        passes,
        wallet,
        first: first.unwrap(),
    }
}

impl Setup {
    fn gate(&self) -> Gate {
        Gate::new(
            self.env.clone(),
            GateKey::from_account(&self.gate_seed),
            std::slice::from_ref(&self.issuer),
            std::slice::from_ref(&self.auth),
        )
        .unwrap()
    }
}

fn gate(c: &mut Criterion) {
    let s = setup();
    let mut g = c.benchmark_group("ticket gate");
    g.throughput(Throughput::Elements(1));
    // Each admission is a different ticket, as at a real gate: a fresh gate every PASSES
    // passes (its set-up is not timed).
    g.bench_function("verify pass (admit)", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                let mut gate = s.gate();
                let n = (iters - done).min(PASSES as u64) as usize;
                let start = Instant::now();
                for p in &s.passes[..n] {
                    black_box(gate.verify(black_box(p)).unwrap());
                }
                total += start.elapsed();
                done += n as u64;
            }
            total
        })
    });
    g.bench_function("verify pass + sign receipt (admit)", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                let mut gate = s.gate();
                let n = (iters - done).min(PASSES as u64) as usize;
                let start = Instant::now();
                for p in &s.passes[..n] {
                    let a = gate.verify(black_box(p)).unwrap();
                    black_box(gate.receipt(&a).unwrap());
                }
                total += start.elapsed();
                done += n as u64;
            }
            total
        })
    });
    g.bench_function("decode pass (base45 + CBOR)", |b| {
        b.iter(|| Pass::from_text(black_box(&s.passes[0])).unwrap())
    });
    let sample = Tickets::new(&s.wallet).get(&s.first).unwrap().grant.grant;
    g.bench_function("EIP-712 grant digest (every struct, event included)", |b| {
        b.iter(|| jigap_core::ticket::eip712::grant_digest(black_box(&sample)))
    });
    let mut entered = s.gate();
    entered.verify(&s.passes[0]).unwrap();
    g.bench_function("verify pass (replay: already entered)", |b| {
        b.iter(|| assert!(entered.verify(black_box(&s.passes[0])).is_err()))
    });
    let export = {
        let mut full = s.gate();
        for p in &s.passes {
            full.verify(p).unwrap();
        }
        full.export().unwrap()
    };
    g.throughput(Throughput::Elements(PASSES as u64));
    g.bench_function("merge an export of 1,000 entries", |b| {
        b.iter(|| s.gate().merge(black_box(&export)).unwrap())
    });
    g.finish();

    let tickets = Tickets::new(&s.wallet);
    let mut w = c.benchmark_group("ticket wallet");
    w.bench_function("show pass (sign + QR matrix + SVG)", |b| {
        b.iter(|| tickets.show(black_box(&s.first)).unwrap())
    });
    w.finish();
}

/// The signature checks a gate could do per pass, measured in the same run: why passes carry
/// the issuer's Ed25519 seal rather than its ECDSA signature.
fn primitives(c: &mut Criterion) {
    let digest = [0x17u8; 32];
    let k = PrivateKey::from_slice(&[0x42; 32]).unwrap();
    let pk = k.public_key();
    let sig = k.sign_digest(&digest).unwrap();
    let rs = sig.rs();
    let ed = SigningKey::from_bytes(&[0x42; 32]);
    let vk = ed.verifying_key();
    let vk_bytes = vk.to_bytes();
    let esig = ed.sign(&digest);
    let mut g = c.benchmark_group("ticket primitives");
    g.bench_function("secp256k1 verify (k256)", |b| {
        b.iter(|| assert!(pk.verify_digest_rs(black_box(&digest), &rs)))
    });
    g.bench_function("secp256k1 recover address (k256)", |b| {
        b.iter(|| black_box(&sig).recover_address(&digest).unwrap())
    });
    g.bench_function("ed25519 verify (key parsed)", |b| {
        b.iter(|| vk.verify(black_box(&digest), &esig).unwrap())
    });
    g.bench_function("ed25519 parse key + verify", |b| {
        b.iter(|| {
            ed25519_dalek::VerifyingKey::from_bytes(black_box(&vk_bytes))
                .unwrap()
                .verify(&digest, &esig)
                .unwrap()
        })
    });
    g.bench_function("ed25519 sign", |b| b.iter(|| ed.sign(black_box(&digest))));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = gate, primitives
}
criterion_main!(benches);
