//! Review finding 4: two `Vouchers` (or `MerchantDesk`s) on one wallet each cached their own
//! ledger, so the second paid from stale balances, overwrote reservations and reused sequence
//! numbers. Here three voucher objects — two on one `Wallet`, one on a second `Wallet` opened
//! on the same store — and two merchant objects on one shop wallet are driven by 8 threads
//! through 10,000 payments, settlements, rejections and refunds. Afterwards every ledger
//! invariant holds, every (holder, sequence) pair is unique, every payment a thread saw
//! succeed is in the vault (and shows in a freshly opened wallet), and no payment was
//! accepted twice by the shop.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use jigap_core::env::{Env, ManualClock};
use jigap_core::keys::{Address, PrivateKey};
use jigap_core::store::{MemoryStore, Store};
use jigap_core::vault::VaultOptions;
use jigap_core::voucher::*;
use jigap_core::wallet::{Wallet, WalletOptions};

const T0: u64 = 1_767_225_600;
const THREADS: usize = 8;
const OPS: usize = 10_000;

struct Shared {
    /// Payments made, by redemption hash: (payment, settled?).
    payments: Mutex<Vec<(Payment, Option<bool>)>>,
    refunds: Mutex<u32>,
    accepted: Mutex<BTreeSet<[u8; 32]>>,
}

/// A tiny deterministic generator per thread (xorshift), so a failure is reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn eight_threads_and_three_voucher_objects_lose_nothing() {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock.clone(), 21);
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let wallet_a = Arc::new(
        Wallet::create(
            store.clone(),
            env.clone(),
            b"123456",
            WalletOptions::fast_for_tests(),
        )
        .unwrap()
        .0,
    );
    // The same vault opened a second time, as another part of an app might.
    let wallet_b =
        Arc::new(Wallet::open(store.clone(), env.clone(), VaultOptions::fast_for_tests()).unwrap());
    wallet_b.unlock(b"123456").unwrap();
    let me = wallet_a.account(0).unwrap().address;
    let issuer = PrivateKey::from_slice(&[0x31; 32]).unwrap();
    let domain = VoucherDomain::DEMO;
    let objects = [
        Vouchers::new(wallet_a.clone(), domain),
        Vouchers::new(wallet_a.clone(), domain),
        Vouchers::new(wallet_b.clone(), domain),
    ];
    objects[0]
        .set_trusted_issuers(vec![TrustedIssuer {
            address: issuer.address(),
            name: "Seoul".into(),
            currency: "KRW".into(),
            holding_cap: 0,
            offline_allowance: 0,
        }])
        .unwrap();
    for i in 0..40u8 {
        let g = VoucherGrant {
            id: [i; 32],
            issuer: issuer.address(),
            holder: me,
            currency: "KRW".into(),
            amount: 5_000_000,
            issued_at: T0,
            purpose: Purpose::anywhere(T0 - 10, T0 + 365 * 86_400),
        }
        .sign(&domain, &issuer)
        .unwrap();
        // Imported through different objects: all of them must see every voucher.
        objects[usize::from(i) % 3].import(&g).unwrap();
    }
    let shop_wallet = Arc::new(
        Wallet::create(
            Arc::new(MemoryStore::new()),
            env.clone(),
            b"123456",
            WalletOptions::fast_for_tests(),
        )
        .unwrap()
        .0,
    );
    let shop_addr = shop_wallet.account(0).unwrap().address;
    let tills = [0, 1].map(|_| {
        MerchantDesk::new(
            shop_wallet.clone(),
            shop_addr,
            "행복마트",
            5411,
            "KR-11",
            domain,
            vec![issuer.address()],
        )
        .unwrap()
    });
    let shared = Shared {
        payments: Mutex::new(Vec::new()),
        refunds: Mutex::new(0),
        accepted: Mutex::new(BTreeSet::new()),
    };
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (objects, tills, shared, issuer) = (&objects, &tills, &shared, &issuer);
            scope.spawn(move || {
                let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (t as u64 + 1));
                for _ in 0..OPS / THREADS {
                    let v = &objects[(rng.next() % 3) as usize];
                    match rng.next() % 10 {
                        0..=4 => {
                            let till = &tills[(rng.next() % 2) as usize];
                            let amount = 1_000 + rng.next() % 40_000;
                            let (req, _) = till.create_request(amount, "KRW", 3_600).unwrap();
                            let p = v.pay(&req).unwrap();
                            // The shop accepts it once, whichever till the customer uses;
                            // the other till refuses the same payment as a replay.
                            let a = till.accept(&req, &p.qr).unwrap();
                            let other = &tills[(rng.next() % 2) as usize];
                            assert!(other.accept(&req, &p.qr).is_err());
                            assert!(shared.accepted.lock().unwrap().insert(a.hash));
                            shared.payments.lock().unwrap().push((p, None));
                        }
                        5..=8 => {
                            let pick = {
                                let mut ps = shared.payments.lock().unwrap();
                                let open: Vec<usize> =
                                    (0..ps.len()).filter(|i| ps[*i].1.is_none()).collect();
                                if open.is_empty() {
                                    continue;
                                }
                                let i = open[(rng.next() as usize) % open.len()];
                                let ok = !rng.next().is_multiple_of(5);
                                ps[i].1 = Some(ok);
                                (ps[i].0.hash, ok)
                            };
                            let s = Settlement {
                                redemption_hash: pick.0,
                                issuer: issuer.address(),
                                settled: pick.1,
                                reason: if pick.1 {
                                    String::new()
                                } else {
                                    "rejected".into()
                                },
                                settled_at: T0,
                            }
                            .sign(&domain, issuer)
                            .unwrap();
                            let out = v.apply_settlement(&s).unwrap();
                            assert_eq!(
                                out,
                                if pick.1 {
                                    SettlementOutcome::Settled
                                } else {
                                    SettlementOutcome::Rejected
                                }
                            );
                        }
                        _ => {
                            let id = [(rng.next() % 40) as u8; 32];
                            let view = v.voucher(&id).unwrap();
                            let refundable = view.settled - view.refunded;
                            if refundable == 0 {
                                continue;
                            }
                            let mut rid = [0u8; 32];
                            rid[..8].copy_from_slice(&rng.next().to_be_bytes());
                            rid[8] = t as u8;
                            let r = Refund {
                                id: rid,
                                voucher_id: id,
                                amount: 1 + rng.next() % refundable.min(5_000),
                                refunded_at: T0,
                            }
                            .sign(&domain, issuer)
                            .unwrap();
                            // Another thread may have refunded in between: then this refund
                            // is refused as too large, never applied twice.
                            if v.apply_refund(&r).is_ok() {
                                *shared.refunds.lock().unwrap() += 1;
                            }
                        }
                    }
                }
            });
        }
    });

    for v in &objects {
        v.check_invariants().unwrap();
    }
    let payments = shared.payments.into_inner().unwrap();
    // Sequence numbers are unique: the issuer never sees an honest citizen "double spend".
    let mut seqs: BTreeMap<(Address, u64), usize> = BTreeMap::new();
    for (p, _) in &payments {
        let r = &p.payload.redemption.redemption;
        *seqs.entry((r.holder, r.sequence)).or_default() += 1;
    }
    assert!(
        seqs.values().all(|n| *n == 1),
        "a sequence number was reused"
    );
    assert!(
        detect_double_spends(
            &domain,
            &payments
                .iter()
                .map(|(p, _)| p.payload.clone())
                .collect::<Vec<_>>(),
            &BTreeMap::new()
        )
        .iter()
        .all(|d| !matches!(d, DoubleSpend::SequenceReused { .. }))
    );
    // Nothing lost: a wallet opened afresh on the store sees every payment and the same ledger.
    let fresh = Arc::new(Wallet::open(store, env, VaultOptions::fast_for_tests()).unwrap());
    fresh.unlock(b"123456").unwrap();
    let reread = Vouchers::new(fresh, domain);
    reread.check_invariants().unwrap();
    for (p, settled) in &payments {
        let status = reread.payment_status(&p.hash).unwrap();
        let want = match settled {
            None => "pending",
            Some(true) => "settled",
            Some(false) => "rejected: rejected",
        };
        assert_eq!(status[0].status, want);
    }
    let total_paid: u64 = payments
        .iter()
        .filter(|(_, s)| *s != Some(false))
        .map(|(p, _)| p.payload.redemption.redemption.total)
        .sum();
    let views = reread.vouchers().unwrap();
    let held: u64 = views.iter().map(|v| v.settled + v.reserved).sum();
    assert_eq!(held, total_paid, "settled + reserved equals what was paid");
    assert_eq!(views, objects[0].vouchers().unwrap());
    assert_eq!(views, objects[2].vouchers().unwrap());
    // Journal lines are numbered without gaps or repeats.
    let journal = reread.history(&HistoryFilter::default()).unwrap();
    for (i, e) in journal.iter().enumerate() {
        assert_eq!(e.seq, i as u64);
    }
    assert!(payments.len() > OPS / 3, "{} payments", payments.len());
    assert_eq!(shared.accepted.into_inner().unwrap().len(), payments.len());
}
