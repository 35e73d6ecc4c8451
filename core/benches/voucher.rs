//! Voucher benchmarks: pay with 1,000 vouchers in the wallet (DESIGN target: median < 2 ms,
//! select + reserve + sign + persist on SQLite), and merchant verifications per second.

// Benchmark set-up on fixed inputs: a failure must stop the run.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use jigap_core::env::Env;
use jigap_core::keys::PrivateKey;
use jigap_core::store::{MemoryStore, SqliteStore, Store};
use jigap_core::voucher::*;
use jigap_core::wallet::{Wallet, WalletOptions};

fn setup(store: Arc<dyn Store>) -> (Vouchers, MerchantDesk, PrivateKey) {
    let env = Env::system();
    let wallet = Arc::new(
        Wallet::create(
            store,
            env.clone(),
            b"123456",
            WalletOptions::fast_for_tests(),
        )
        .unwrap()
        .0,
    );
    let me = wallet.account(0).unwrap().address;
    let issuer = PrivateKey::from_slice(&[7; 32]).unwrap();
    let domain = VoucherDomain::DEMO;
    let v = Vouchers::new(wallet.clone(), domain);
    v.set_trusted_issuers(vec![TrustedIssuer {
        address: issuer.address(),
        name: "city".into(),
        currency: "KRW".into(),
        holding_cap: 0,
        offline_allowance: 0,
    }])
    .unwrap();
    let now = env.clock.now_secs();
    for i in 0..1000u32 {
        let mut p = Purpose::anywhere(now - 60, now + 86_400 * u64::from(30 + i % 300));
        // A realistic mix: some restricted to groceries, some to a region, some with limits.
        if i % 3 == 0 {
            p.categories = vec![5411, 5499];
        }
        if i % 5 == 0 {
            p.regions = vec!["KR-11".into()];
        }
        if i % 7 == 0 {
            p.max_payment = 20_000;
        }
        let mut id = [0u8; 32];
        id[..4].copy_from_slice(&i.to_be_bytes());
        let g = VoucherGrant {
            id,
            issuer: issuer.address(),
            holder: me,
            currency: "KRW".into(),
            amount: 1_000_000,
            issued_at: now,
            purpose: p,
        }
        .sign(&domain, &issuer)
        .unwrap();
        v.import(&g).unwrap();
    }
    let shop_wallet = Arc::new(
        Wallet::create(
            Arc::new(MemoryStore::new()),
            env,
            b"123456",
            WalletOptions::fast_for_tests(),
        )
        .unwrap()
        .0,
    );
    let shop = shop_wallet.account(0).unwrap().address;
    let m = MerchantDesk::new(
        shop_wallet,
        shop,
        "grocery",
        5411,
        "KR-11",
        domain,
        vec![issuer.address()],
    )
    .unwrap();
    (v, m, issuer)
}

fn pay(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("voucher");
    g.sample_size(200);
    for (name, store) in [
        (
            "pay, 1,000 vouchers, SQLite (select, reserve, sign, persist)",
            Arc::new(SqliteStore::open(dir.path().join("v.db")).unwrap()) as Arc<dyn Store>,
        ),
        (
            "pay, 1,000 vouchers, memory store",
            Arc::new(MemoryStore::new()) as Arc<dyn Store>,
        ),
    ] {
        let (v, m, _) = setup(store);
        g.bench_function(name, |b| {
            b.iter_batched(
                || m.create_request(25_000, "KRW", 600).unwrap().0,
                |req| v.pay(black_box(&req)).unwrap(),
                BatchSize::SmallInput,
            )
        });
        g.bench_function(
            name.replace("pay,", "quote,")
                .replace(" (select, reserve, sign, persist)", ""),
            |b| {
                b.iter_batched(
                    || m.create_request(25_000, "KRW", 600).unwrap().0,
                    |req| v.quote(black_box(&req)).unwrap(),
                    BatchSize::SmallInput,
                )
            },
        );
    }
    g.finish();
}

fn merchant(c: &mut Criterion) {
    let (v, m, issuer) = setup(Arc::new(MemoryStore::new()));
    let (req, _) = m.create_request(25_000, "KRW", 600).unwrap();
    let payment = v.pay(&req).unwrap();
    let payload = decode_redemption(&payment.qr).unwrap();
    let trusted = [issuer.address()];
    let now = payment.payload.redemption.redemption.created_at;
    let mut g = c.benchmark_group("merchant");
    g.throughput(Throughput::Elements(1));
    g.bench_function(
        "verify a redemption offline (decode + signatures + rules)",
        |b| {
            b.iter(|| {
                let p = decode_redemption(black_box(&payment.qr)).unwrap();
                verify_redemption(&VoucherDomain::DEMO, &trusted, &req, &p, now).unwrap()
            })
        },
    );
    g.bench_function("verify (already decoded)", |b| {
        b.iter(|| {
            verify_redemption(
                &VoucherDomain::DEMO,
                &trusted,
                &req,
                black_box(&payload),
                now,
            )
            .unwrap()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(3));
    targets = pay, merchant
}
criterion_main!(benches);
