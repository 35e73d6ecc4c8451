//! Property test over random sequences of voucher operations: after every step no balance is
//! negative, every voucher satisfies amount = remaining + settled + reserved − refunded, and
//! replays (paying a request again, applying a settlement or refund twice) change nothing.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jigap_core::env::{Clock, Env, ManualClock};
use jigap_core::keys::PrivateKey;
use jigap_core::store::MemoryStore;
use jigap_core::voucher::*;
use jigap_core::wallet::{Wallet, WalletOptions};
use proptest::prelude::*;

const T0: u64 = 1_767_225_600;

#[derive(Debug, Clone)]
enum Op {
    Import {
        issuer: bool,
        amount: u64,
        days: u64,
        single_use: bool,
        max_payment: u64,
    },
    Pay {
        amount: u64,
        ttl: u64,
        shop: bool,
    },
    Settle {
        pick: usize,
        ok: bool,
        issuer: bool,
    },
    Refund {
        pick: usize,
        amount: u64,
    },
    Advance {
        minutes: u64,
    },
    Release,
    /// Review finding 5's sequence: pay, let the request expire and release it, pay again,
    /// then the first payment settles late.
    LateAfterRespend {
        amount: u64,
        shop: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            any::<bool>(),
            1u64..50_000,
            1u64..10,
            any::<bool>(),
            prop_oneof![Just(0u64), 1u64..20_000]
        )
            .prop_map(
                |(issuer, amount, days, single_use, max_payment)| Op::Import {
                    issuer,
                    amount,
                    days,
                    single_use,
                    max_payment
                }
            ),
        (1u64..60_000, 1u64..600, any::<bool>()).prop_map(|(amount, ttl, shop)| Op::Pay {
            amount,
            ttl,
            shop
        }),
        (any::<usize>(), any::<bool>(), any::<bool>()).prop_map(|(pick, ok, issuer)| Op::Settle {
            pick,
            ok,
            issuer
        }),
        (any::<usize>(), 1u64..20_000).prop_map(|(pick, amount)| Op::Refund { pick, amount }),
        (1u64..3_000).prop_map(|minutes| Op::Advance { minutes }),
        Just(Op::Release),
        (1u64..30_000, any::<bool>())
            .prop_map(|(amount, shop)| Op::LateAfterRespend { amount, shop }),
    ]
}

fn snapshot(v: &Vouchers) -> Vec<(u64, u64, u64, u64)> {
    v.vouchers()
        .unwrap()
        .iter()
        .map(|x| (x.remaining, x.settled, x.reserved, x.refunded))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn ledger_invariants_hold_after_every_step(ops in prop::collection::vec(op(), 1..40)) {
        let clock = ManualClock::new(T0 * 1000);
        let env = Env::fixed(clock.clone(), 7);
        let wallet = Arc::new(Wallet::create(Arc::new(MemoryStore::new()), env.clone(), b"123456", WalletOptions::fast_for_tests()).unwrap().0);
        let me = wallet.account(0).unwrap().address;
        let issuers = [PrivateKey::from_slice(&[1; 32]).unwrap(), PrivateKey::from_slice(&[2; 32]).unwrap()];
        let domain = VoucherDomain::DEMO;
        let v = Vouchers::new(wallet, domain);
        v.set_trusted_issuers(issuers.iter().enumerate().map(|(i, k)| TrustedIssuer {
            address: k.address(), name: format!("issuer {i}"), currency: "KRW".into(),
            holding_cap: 150_000, offline_allowance: 80_000,
        }).collect()).unwrap();
        let shop_wallet = Arc::new(Wallet::create(Arc::new(MemoryStore::new()), env, b"123456", WalletOptions::fast_for_tests()).unwrap().0);
        let a = shop_wallet.account(0).unwrap().address;
        let b = shop_wallet.add_account().unwrap().address;
        let trusted = issuers.iter().map(|k| k.address()).collect::<Vec<_>>();
        let shops = [
            MerchantDesk::new(shop_wallet.clone(), a, "grocery", 5411, "KR-11", domain, trusted.clone()).unwrap(),
            MerchantDesk::new(shop_wallet, b, "cafe", 5814, "KR-26", domain, trusted).unwrap(),
        ];
        let mut payments: Vec<Payment> = Vec::new();
        let mut settled_vouchers: Vec<[u8; 32]> = Vec::new();
        let mut next_id = 0u8;
        for op in ops {
            let now = clock.now_secs();
            match op {
                Op::Import { issuer, amount, days, single_use, max_payment } => {
                    next_id = next_id.wrapping_add(1);
                    let mut p = Purpose::anywhere(now - 1, now + days * 86_400);
                    p.single_use = single_use;
                    p.max_payment = max_payment;
                    if issuer { p.categories = vec![5411]; }
                    let k = &issuers[usize::from(issuer)];
                    let g = VoucherGrant { id: [next_id; 32], issuer: k.address(), holder: me, currency: "KRW".into(), amount, issued_at: now, purpose: p }.sign(&domain, k).unwrap();
                    let _ = v.import(&g);
                }
                Op::Pay { amount, ttl, shop } => {
                    let (req, _) = shops[usize::from(shop)].create_request(amount, "KRW", ttl).unwrap();
                    if let Ok(p) = v.pay(&req) {
                        // Replay: paying again changes nothing.
                        let before = snapshot(&v);
                        let again = v.pay(&req).unwrap();
                        prop_assert!(again.repeated);
                        prop_assert_eq!(snapshot(&v), before);
                        payments.push(p);
                    }
                }
                Op::Settle { pick, ok, issuer } => {
                    if payments.is_empty() { continue; }
                    let p = &payments[pick % payments.len()];
                    let k = &issuers[usize::from(issuer)];
                    let s = Settlement { redemption_hash: p.hash, issuer: k.address(), settled: ok, reason: if ok { String::new() } else { "rejected".into() }, settled_at: now }.sign(&domain, k).unwrap();
                    if v.apply_settlement(&s).is_ok() {
                        let before = snapshot(&v);
                        prop_assert_eq!(v.apply_settlement(&s).unwrap(), SettlementOutcome::AlreadyApplied);
                        prop_assert_eq!(snapshot(&v), before);
                        if ok {
                            settled_vouchers.extend(p.payload.redemption.redemption.allocations.iter().map(|a| a.voucher_id));
                        }
                    }
                }
                Op::Refund { pick, amount } => {
                    if settled_vouchers.is_empty() { continue; }
                    let id = settled_vouchers[pick % settled_vouchers.len()];
                    let Ok(view) = v.voucher(&id) else { continue };
                    let k = issuers.iter().find(|k| k.address() == view.issuer).unwrap();
                    next_id = next_id.wrapping_add(1);
                    let r = Refund { id: [next_id; 32], voucher_id: id, amount, refunded_at: now }.sign(&domain, k).unwrap();
                    if v.apply_refund(&r).is_ok() {
                        let before = snapshot(&v);
                        prop_assert!(!v.apply_refund(&r).unwrap());
                        prop_assert_eq!(snapshot(&v), before);
                    }
                }
                Op::Advance { minutes } => clock.advance_ms(minutes * 60_000),
                Op::Release => { v.release_expired().unwrap(); }
                Op::LateAfterRespend { amount, shop } => {
                    let (req, _) = shops[usize::from(shop)].create_request(amount, "KRW", 60).unwrap();
                    let Ok(first) = v.pay(&req) else { continue };
                    clock.advance_ms(61_000);
                    v.release_expired().unwrap();
                    let (again, _) = shops[usize::from(shop)].create_request(amount, "KRW", 600).unwrap();
                    if let Ok(p) = v.pay(&again) {
                        payments.push(p);
                    }
                    let now = clock.now_secs();
                    for k in &issuers {
                        let s = Settlement { redemption_hash: first.hash, issuer: k.address(), settled: true, reason: String::new(), settled_at: now }.sign(&domain, k).unwrap();
                        let _ = v.apply_settlement(&s);
                    }
                    payments.push(first);
                }
            }
            // A single-use voucher is used at most once (again after each refund): count the
            // payments that hold or took value from it.
            for x in v.vouchers().unwrap() {
                let g = &x;
                if !g.single_use {
                    continue;
                }
                let uses = payments
                    .iter()
                    .filter(|p| p.payload.redemption.redemption.allocations.iter().any(|a| a.voucher_id == g.id.0))
                    .filter(|p| {
                        v.payment_status(&p.hash).unwrap().iter().any(|part| {
                            part.issuer == g.issuer && matches!(part.status.as_str(), "pending" | "settled" | "late_settled")
                        })
                    })
                    .count();
                let refunds = v.history(&HistoryFilter { voucher: Some(g.id.0), ..HistoryFilter::default() })
                    .unwrap()
                    .iter()
                    .filter(|e| e.kind == EventKind::Refunded)
                    .count();
                prop_assert!(uses <= 1 + refunds, "single-use voucher used {} times with {} refunds", uses, refunds);
            }
            v.check_invariants().unwrap();
            for x in v.vouchers().unwrap() {
                let g = &x;
                prop_assert_eq!(u128::from(g.amount), u128::from(x.remaining) + u128::from(x.settled) + u128::from(x.reserved) - u128::from(x.refunded));
                prop_assert!(x.spendable <= x.remaining);
                prop_assert!(x.refunded <= x.settled);
            }
        }
    }
}
