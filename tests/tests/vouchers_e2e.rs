//! Vouchers end to end: issuers, a wallet, merchants; every rule of issue 4.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;

use jigap_core::bind::Bytes32;
use jigap_core::env::{Env, ManualClock};
use jigap_core::keys::{Address, PrivateKey};
use jigap_core::store::MemoryStore;
use jigap_core::vault::BackupSecret;
use jigap_core::voucher::*;
use jigap_core::wallet::{Wallet, WalletOptions};

const T0: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z (09:00 KST)
const DAY: u64 = 86_400;

struct World {
    clock: Arc<ManualClock>,
    wallet: Arc<Wallet>,
    vouchers: Vouchers,
    me: Address,
    city: PrivateKey,
    bank: PrivateKey,
    grocery: MerchantDesk,
    cafe: MerchantDesk,
    domain: VoucherDomain,
}

fn world(seed: u64) -> World {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock.clone(), seed);
    let wallet = Arc::new(
        Wallet::create(
            Arc::new(MemoryStore::new()),
            env.clone(),
            b"123456",
            WalletOptions::fast_for_tests(),
        )
        .unwrap()
        .0,
    );
    let me = wallet.account(0).unwrap().address;
    let city = PrivateKey::from_slice(&[0x11; 32]).unwrap();
    let bank = PrivateKey::from_slice(&[0x22; 32]).unwrap();
    let domain = VoucherDomain::DEMO;
    let vouchers = Vouchers::new(wallet.clone(), domain);
    vouchers
        .set_trusted_issuers(vec![
            TrustedIssuer {
                address: city.address(),
                name: "Seoul welfare".into(),
                currency: "KRW".into(),
                holding_cap: 500_000,
                offline_allowance: 200_000,
            },
            TrustedIssuer {
                address: bank.address(),
                name: "Bank of Korea CBDC".into(),
                currency: "KRW".into(),
                holding_cap: 0,
                offline_allowance: 0,
            },
        ])
        .unwrap();
    // Shops use a wallet of their own.
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
    let g_addr = shop_wallet.account(0).unwrap().address;
    let c_addr = shop_wallet.add_account().unwrap().address;
    let trusted = vec![city.address(), bank.address()];
    let grocery = MerchantDesk::new(
        shop_wallet.clone(),
        g_addr,
        "행복마트",
        5411,
        "KR-11",
        domain,
        trusted.clone(),
    )
    .unwrap();
    let cafe = MerchantDesk::new(
        shop_wallet,
        c_addr,
        "Café Bom",
        5814,
        "KR-11",
        domain,
        trusted,
    )
    .unwrap();
    World {
        clock,
        wallet,
        vouchers,
        me,
        city,
        bank,
        grocery,
        cafe,
        domain,
    }
}

impl World {
    fn grant(&self, issuer: &PrivateKey, id: u8, amount: u64, purpose: Purpose) -> SignedGrant {
        VoucherGrant {
            id: [id; 32],
            issuer: issuer.address(),
            holder: self.me,
            currency: "KRW".into(),
            amount,
            issued_at: T0,
            purpose,
        }
        .sign(&self.domain, issuer)
        .unwrap()
    }
    fn welfare(&self, id: u8, amount: u64, days: u64) -> SignedGrant {
        let mut p = Purpose::anywhere(T0 - 10, T0 + days * DAY);
        p.categories = vec![5411];
        p.regions = vec!["KR-11".into()];
        self.grant(&self.city.clone(), id, amount, p)
    }
    fn cbdc(&self, id: u8, amount: u64, days: u64) -> SignedGrant {
        self.grant(
            &self.bank.clone(),
            id,
            amount,
            Purpose::anywhere(T0 - 10, T0 + days * DAY),
        )
    }
    fn settle(&self, issuer: &PrivateKey, p: &Payment, ok: bool, reason: &str) -> SignedSettlement {
        Settlement {
            redemption_hash: p.hash,
            issuer: issuer.address(),
            settled: ok,
            reason: reason.into(),
            settled_at: self.clock.now_secs_public(),
        }
        .sign(&self.domain, issuer)
        .unwrap()
    }
    fn check(&self) {
        self.vouchers.check_invariants().unwrap();
    }
}

trait Secs {
    fn now_secs_public(&self) -> u64;
}
impl Secs for ManualClock {
    fn now_secs_public(&self) -> u64 {
        jigap_core::env::Clock::now_secs(self)
    }
}

fn spendable(w: &World) -> u64 {
    w.vouchers
        .balances()
        .unwrap()
        .iter()
        .map(|b| b.spendable)
        .sum()
}

#[test]
fn pay_across_two_vouchers_settle_refund_and_a_refused_cafe() {
    let w = world(1);
    w.vouchers.import(&w.welfare(1, 30_000, 30)).unwrap();
    w.vouchers.import(&w.cbdc(2, 20_000, 365)).unwrap();
    assert_eq!(spendable(&w), 50_000);

    let (_, qr) = w.grocery.create_request(45_000, "KRW", 120).unwrap();
    let req = decode_request(&qr).unwrap();
    let quote = w.vouchers.quote(&req).unwrap();
    assert!(quote.payable);
    // Soonest expiry first: the welfare voucher (30 days) before the CBDC one (365 days).
    assert_eq!(
        quote.allocations,
        vec![
            VoucherAllocation {
                voucher_id: Bytes32([1; 32]),
                amount: 30_000
            },
            VoucherAllocation {
                voucher_id: Bytes32([2; 32]),
                amount: 15_000
            }
        ]
    );
    let pay = w.vouchers.pay(&req).unwrap();
    assert!(!pay.repeated);
    assert_eq!(spendable(&w), 5_000);
    w.check();

    // The shop verifies offline; a second showing of the same payment is refused.
    let ok = w.grocery.accept(&req, &pay.qr).unwrap();
    assert_eq!((ok.total, ok.holder), (45_000, w.me));
    assert!(matches!(
        w.grocery.accept(&req, &pay.qr),
        Err(RedemptionReject::SequenceReused(_, 0))
    ));

    // Paying the same request again returns the same payment and reserves nothing more.
    let again = w.vouchers.pay(&req).unwrap();
    assert!(again.repeated);
    assert_eq!(again.payload, pay.payload);
    assert_eq!(spendable(&w), 5_000);

    // Both issuers settle; applying twice changes nothing.
    assert_eq!(
        w.vouchers
            .apply_settlement(&w.settle(&w.city, &pay, true, ""))
            .unwrap(),
        SettlementOutcome::Settled
    );
    assert_eq!(
        w.vouchers
            .apply_settlement(&w.settle(&w.bank, &pay, true, ""))
            .unwrap(),
        SettlementOutcome::Settled
    );
    assert_eq!(
        w.vouchers
            .apply_settlement(&w.settle(&w.bank, &pay, true, ""))
            .unwrap(),
        SettlementOutcome::AlreadyApplied
    );
    let v1 = w.vouchers.voucher(&[1; 32]).unwrap();
    assert_eq!((v1.remaining, v1.settled, v1.reserved), (0, 30_000, 0));
    w.check();

    // A refund restores value (once).
    let refund = Refund {
        id: [9; 32],
        voucher_id: [2; 32],
        amount: 4_000,
        refunded_at: T0,
    }
    .sign(&w.domain, &w.bank)
    .unwrap();
    assert!(w.vouchers.apply_refund(&refund).unwrap());
    assert!(!w.vouchers.apply_refund(&refund).unwrap());
    assert_eq!(w.vouchers.voucher(&[2; 32]).unwrap().remaining, 9_000);
    w.check();

    // A café is outside the welfare voucher's purpose: it says why.
    let (cafe_req, _) = w.cafe.create_request(12_000, "KRW", 120).unwrap();
    let q = w.vouchers.quote(&cafe_req).unwrap();
    assert!(!q.payable);
    assert_eq!(q.missing, 3_000);
    let err = w.vouchers.pay(&cafe_req).unwrap_err();
    assert!(
        matches!(err, VoucherError::CannotPay { missing: 3_000, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("cannot be used at this kind of shop"),
        "{err}"
    );
    assert_eq!(spendable(&w), 9_000, "a refused payment reserves nothing");

    // History by voucher and by period.
    let h = w
        .vouchers
        .history(&HistoryFilter {
            voucher: Some([2; 32]),
            ..Default::default()
        })
        .unwrap();
    let kinds: Vec<&str> = h.iter().map(|e| e.kind.code()).collect();
    assert_eq!(kinds, ["imported", "reserved", "settled", "refunded"]);
    assert!(h.iter().any(|e| e.counterparty_name == "행복마트"));
    assert!(
        w.vouchers
            .history(&HistoryFilter {
                from: Some(T0 + 1),
                ..Default::default()
            })
            .unwrap()
            .is_empty()
    );
}

#[test]
fn import_rules_each_have_their_own_error() {
    let w = world(2);
    let good = w.welfare(1, 10_000, 30);
    w.vouchers.import(&good).unwrap();
    assert!(matches!(
        w.vouchers.import(&good),
        Err(VoucherError::Duplicate(_))
    ));
    let mut forged = w.welfare(2, 10_000, 30);
    forged.grant.amount = 99_000;
    assert!(matches!(
        w.vouchers.import(&forged),
        Err(VoucherError::BadSignature(_))
    ));
    let stranger = PrivateKey::from_slice(&[0x33; 32]).unwrap();
    let untrusted = w.grant(&stranger, 3, 10_000, Purpose::anywhere(T0, T0 + DAY));
    assert!(matches!(
        w.vouchers.import(&untrusted),
        Err(VoucherError::UntrustedIssuer(_))
    ));
    let other_holder = VoucherGrant {
        holder: Address([7; 20]),
        ..w.cbdc(4, 10_000, 30).grant
    }
    .sign(&w.domain, &w.bank)
    .unwrap();
    assert!(matches!(
        w.vouchers.import(&other_holder),
        Err(VoucherError::NotYourVoucher(_))
    ));
    let expired = w.grant(
        &w.bank.clone(),
        5,
        10_000,
        Purpose::anywhere(T0 - 2 * DAY, T0 - DAY),
    );
    assert!(matches!(
        w.vouchers.import(&expired),
        Err(VoucherError::Expired(_))
    ));
    let usd = VoucherGrant {
        currency: "USD".into(),
        ..w.cbdc(6, 10, 30).grant
    }
    .sign(&w.domain, &w.bank)
    .unwrap();
    assert!(matches!(
        w.vouchers.import(&usd),
        Err(VoucherError::CurrencyMismatch { .. })
    ));
    // Holding cap of the city: 500,000 per person.
    let big = w.welfare(7, 495_000, 30);
    let e = w.vouchers.import(&big).unwrap_err();
    assert!(
        matches!(
            e,
            VoucherError::HoldingCap {
                cap: 500_000,
                would_hold: 505_000,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        w.vouchers.vouchers().unwrap().len(),
        1,
        "refused imports leave nothing behind"
    );
}

#[test]
fn offline_allowance_is_enforced_until_settlement() {
    let w = world(3);
    w.vouchers.import(&w.welfare(1, 400_000, 30)).unwrap();
    let (r1, _) = w.grocery.create_request(150_000, "KRW", 600).unwrap();
    let p1 = w.vouchers.pay(&r1).unwrap();
    let (r2, _) = w.grocery.create_request(60_000, "KRW", 600).unwrap();
    let e = w.vouchers.pay(&r2).unwrap_err();
    assert!(
        matches!(
            e,
            VoucherError::OfflineAllowance {
                allowance: 200_000,
                would_be: 210_000,
                ..
            }
        ),
        "{e}"
    );
    w.vouchers
        .apply_settlement(&w.settle(&w.city, &p1, true, ""))
        .unwrap();
    w.vouchers.pay(&r2).unwrap();
    w.check();
}

#[test]
fn rejection_release_late_settlement_and_conflict() {
    let w = world(4);
    w.vouchers.import(&w.cbdc(1, 10_000, 30)).unwrap();
    // Rejected: the reservation comes back.
    let (r1, _) = w.grocery.create_request(4_000, "KRW", 60).unwrap();
    let p1 = w.vouchers.pay(&r1).unwrap();
    assert_eq!(
        w.vouchers
            .apply_settlement(&w.settle(&w.bank, &p1, false, "merchant not registered"))
            .unwrap(),
        SettlementOutcome::Rejected
    );
    assert_eq!(spendable(&w), 10_000);
    assert!(
        w.vouchers.payment_status(&p1.hash).unwrap()[0]
            .status
            .contains("merchant not registered")
    );
    // Expired without settlement: released, then settled late while the money is there.
    let (r2, _) = w.grocery.create_request(6_000, "KRW", 60).unwrap();
    let p2 = w.vouchers.pay(&r2).unwrap();
    assert_eq!(w.vouchers.release_expired().unwrap(), 0, "not expired yet");
    w.clock.advance_ms(61_000);
    assert_eq!(w.vouchers.release_expired().unwrap(), 1);
    assert_eq!(spendable(&w), 10_000);
    assert_eq!(
        w.vouchers
            .apply_settlement(&w.settle(&w.bank, &p2, true, ""))
            .unwrap(),
        SettlementOutcome::LateSettled
    );
    assert_eq!(spendable(&w), 4_000);
    w.check();
    // Another one released, the money spent meanwhile, then a late settlement: a conflict.
    let (r3, _) = w.grocery.create_request(3_000, "KRW", 60).unwrap();
    let p3 = w.vouchers.pay(&r3).unwrap();
    w.clock.advance_ms(61_000);
    w.vouchers.release_expired().unwrap();
    let (r4, _) = w.cafe.create_request(4_000, "KRW", 60).unwrap();
    w.vouchers.pay(&r4).unwrap();
    match w
        .vouchers
        .apply_settlement(&w.settle(&w.bank, &p3, true, ""))
        .unwrap()
    {
        SettlementOutcome::Conflict { note } => assert!(note.contains("no longer hold"), "{note}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        w.vouchers.voucher(&[1; 32]).unwrap().remaining,
        0,
        "never negative"
    );
    w.check();
    assert!(
        w.vouchers
            .history(&HistoryFilter::default())
            .unwrap()
            .iter()
            .any(|e| e.kind == EventKind::Conflict)
    );
}

#[test]
fn expired_vouchers_leave_balances_but_stay_in_history() {
    let w = world(5);
    w.vouchers.import(&w.cbdc(1, 10_000, 1)).unwrap();
    w.clock.advance_ms(2 * DAY * 1000);
    assert_eq!(spendable(&w), 0);
    let v = w.vouchers.voucher(&[1; 32]).unwrap();
    assert_eq!(v.status, VoucherStatus::Expired);
    assert_eq!(v.remaining, 10_000, "shown as expired, not as unused");
    let (r, _) = w.grocery.create_request(1_000, "KRW", 60).unwrap();
    let q = w.vouchers.quote(&r).unwrap();
    let reasons: Vec<_> = q
        .unusable
        .iter()
        .map(|u| (u.voucher_id, u.reason))
        .collect();
    assert_eq!(reasons, vec![(Bytes32([1; 32]), Ineligible::Expired)]);
}

#[test]
fn single_use_limits_and_hours() {
    let w = world(6);
    let mut p = Purpose::anywhere(T0 - 10, T0 + 30 * DAY);
    p.single_use = true;
    w.vouchers
        .import(&w.grant(&w.bank.clone(), 1, 10_000, p))
        .unwrap();
    let (r1, _) = w.grocery.create_request(3_000, "KRW", 60).unwrap();
    let p1 = w.vouchers.pay(&r1).unwrap();
    let v = w.vouchers.voucher(&[1; 32]).unwrap();
    assert_eq!(
        (v.status, v.forfeited, v.spendable),
        (VoucherStatus::Used, 7_000, 0)
    );
    let (r2, _) = w.grocery.create_request(1_000, "KRW", 60).unwrap();
    let u = w.vouchers.quote(&r2).unwrap().unusable;
    assert_eq!(u.len(), 1);
    assert_eq!(
        (u[0].voucher_id, &u[0].reason),
        (Bytes32([1; 32]), &Ineligible::SingleUseSpent)
    );
    w.vouchers
        .apply_settlement(&w.settle(&w.bank, &p1, true, ""))
        .unwrap();
    w.check();

    // Lunch voucher: 11:00–14:00 KST, at most 8,000 a payment and 10,000 a day.
    let mut lunch = Purpose::anywhere(T0 - 10, T0 + 30 * DAY);
    (lunch.hours_start, lunch.hours_end, lunch.utc_offset_minutes) = (660, 840, 540);
    (lunch.max_payment, lunch.daily_limit) = (8_000, 10_000);
    w.vouchers
        .import(&w.grant(&w.bank.clone(), 2, 50_000, lunch))
        .unwrap();
    let (r3, _) = w.cafe.create_request(5_000, "KRW", 60).unwrap();
    assert_eq!(
        w.vouchers
            .quote(&r3)
            .unwrap()
            .unusable
            .iter()
            .find(|u| u.voucher_id == Bytes32([2; 32]))
            .unwrap()
            .reason,
        Ineligible::Hours,
        "09:00 KST"
    );
    w.clock.advance_ms(3 * 3600 * 1000); // 12:00 KST
    let (r4, _) = w.cafe.create_request(9_000, "KRW", 600).unwrap();
    let q = w.vouchers.quote(&r4).unwrap();
    assert_eq!(
        (q.payable, q.missing),
        (false, 1_000),
        "capped at 8,000 per payment"
    );
    let (r5, _) = w.cafe.create_request(8_000, "KRW", 600).unwrap();
    w.vouchers.pay(&r5).unwrap();
    let (r6, _) = w.cafe.create_request(3_000, "KRW", 600).unwrap();
    assert_eq!(
        w.vouchers.quote(&r6).unwrap().missing,
        1_000,
        "2,000 left of today's 10,000"
    );
    // The next day the limit starts again (a fresh request: the old one expired).
    w.clock.advance_ms(DAY * 1000);
    let (r7, _) = w.cafe.create_request(8_000, "KRW", 600).unwrap();
    assert!(w.vouchers.quote(&r7).unwrap().payable);
    w.check();
}

#[test]
fn merchant_refuses_tampered_wrong_and_foreign_payments() {
    let w = world(7);
    w.vouchers.import(&w.welfare(1, 30_000, 30)).unwrap();
    let (req, _) = w.grocery.create_request(10_000, "KRW", 120).unwrap();
    let pay = w.vouchers.pay(&req).unwrap();
    // Any changed character of the QR string is refused (never accepted, never a panic).
    let chars: Vec<char> = pay.qr.chars().collect();
    let alphabet: Vec<char> = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
        .chars()
        .collect();
    for i in 0..chars.len() {
        let mut bad = chars.clone();
        let pos = alphabet.iter().position(|c| *c == bad[i]).unwrap_or(0);
        bad[i] = alphabet[(pos + 1) % alphabet.len()];
        let text: String = bad.into_iter().collect();
        assert!(
            w.grocery.accept(&req, &text).is_err(),
            "changed char {i} accepted"
        );
    }
    // Truncated, garbage, unknown version.
    assert!(matches!(
        w.grocery.accept(&req, &pay.qr[..pay.qr.len() - 3]),
        Err(RedemptionReject::Malformed(_))
    ));
    assert!(matches!(
        w.grocery.accept(&req, "hello"),
        Err(RedemptionReject::Malformed(_))
    ));
    assert!(matches!(
        decode_request("JGPR:00"),
        Err(VoucherError::Qr(_))
    ));
    // Another request of the same shop.
    let (other, _) = w.grocery.create_request(10_000, "KRW", 120).unwrap();
    assert!(matches!(
        w.grocery.accept(&other, &pay.qr),
        Err(RedemptionReject::WrongRequest)
    ));
    // A shop that does not trust the city refuses the welfare voucher.
    let payload = decode_redemption(&pay.qr).unwrap();
    assert!(matches!(
        verify_redemption(
            &w.domain,
            &[w.bank.address()],
            &req,
            &payload,
            payload.redemption.redemption.created_at
        ),
        Err(RedemptionReject::UntrustedIssuer(_))
    ));
    let ok = w.grocery.accept(&req, &pay.qr).unwrap();
    assert_eq!(ok.allocations[0].1, w.city.address());
}

#[test]
fn issuer_detects_double_spends_from_a_cloned_wallet() {
    // The same wallet restored on two phones spends one voucher twice, offline.
    let w = world(8);
    w.vouchers.import(&w.cbdc(1, 10_000, 30)).unwrap();
    let backup = w.wallet.backup(b"123456", BackupSecret::NewCode).unwrap();
    let env2 = Env::fixed(w.clock.clone(), 99);
    let clone = Arc::new(
        Wallet::restore_backup(
            Arc::new(MemoryStore::new()),
            env2,
            &backup.bytes,
            backup.code.unwrap().grouped().as_bytes(),
            b"123456",
            WalletOptions::fast_for_tests().vault.clone(),
        )
        .unwrap()
        .0,
    );
    let v2 = Vouchers::new(clone, w.domain);
    let (ra, _) = w.grocery.create_request(8_000, "KRW", 120).unwrap();
    let (rb, _) = w.cafe.create_request(7_000, "KRW", 120).unwrap();
    let pa = w.vouchers.pay(&ra).unwrap();
    let pb = v2.pay(&rb).unwrap();
    let found = detect_double_spends(
        &w.domain,
        &[pa.payload.clone(), pb.payload.clone(), pa.payload.clone()],
        &BTreeMap::new(),
    );
    assert!(
        found.contains(&DoubleSpend::OverAllocated {
            voucher: Bytes32([1; 32]),
            allocated: 15_000,
            available: 10_000
        }),
        "{found:?}"
    );
    assert!(
        found.contains(&DoubleSpend::SequenceReused {
            holder: w.me,
            sequence: 0
        }),
        "{found:?}"
    );
    assert!(detect_double_spends(&w.domain, &[pa.payload], &BTreeMap::new()).is_empty());
}

#[test]
fn every_signed_type_rejects_tampering() {
    let w = world(9);
    let g = w.welfare(1, 30_000, 30);
    let mut t = g.clone();
    t.grant.purpose.categories = vec![5814];
    assert!(matches!(
        w.vouchers.import(&t),
        Err(VoucherError::BadSignature(_))
    ));
    w.vouchers.import(&g).unwrap();
    let (mut req, _) = w.grocery.create_request(10_000, "KRW", 120).unwrap();
    req.request.amount = 1;
    assert!(matches!(
        w.vouchers.pay(&req),
        Err(VoucherError::BadSignature(_))
    ));
    let (req, _) = w.grocery.create_request(10_000, "KRW", 120).unwrap();
    let pay = w.vouchers.pay(&req).unwrap();
    let mut s = w.settle(&w.city, &pay, true, "");
    s.settlement.settled_at += 1;
    assert!(matches!(
        w.vouchers.apply_settlement(&s),
        Err(VoucherError::BadSignature(_))
    ));
    let mut forged_by_other = w.settle(&w.bank, &pay, true, "");
    forged_by_other.settlement.issuer = w.city.address();
    assert!(matches!(
        w.vouchers.apply_settlement(&forged_by_other),
        Err(VoucherError::BadSignature(_))
    ));
    let mut payload = pay.payload.clone();
    payload.redemption.redemption.total += 1;
    assert!(matches!(
        verify_redemption(&w.domain, &[w.city.address()], &req, &payload, T0),
        Err(RedemptionReject::HolderSignature)
    ));
    let mut refund = Refund {
        id: [5; 32],
        voucher_id: [1; 32],
        amount: 1,
        refunded_at: T0,
    }
    .sign(&w.domain, &w.city)
    .unwrap();
    refund.refund.amount = 2;
    assert!(w.vouchers.apply_refund(&refund).is_err());
    let by_bank = Refund {
        id: [6; 32],
        voucher_id: [1; 32],
        amount: 1,
        refunded_at: T0,
    }
    .sign(&w.domain, &w.bank)
    .unwrap();
    assert!(matches!(
        w.vouchers.apply_refund(&by_bank),
        Err(VoucherError::BadSignature(_))
    ));
    w.check();
}

#[test]
fn state_survives_lock_and_reopen() {
    let w = world(10);
    w.vouchers.import(&w.welfare(1, 30_000, 30)).unwrap();
    let (req, _) = w.grocery.create_request(10_000, "KRW", 120).unwrap();
    w.vouchers.pay(&req).unwrap();
    w.wallet.lock();
    assert!(
        w.vouchers.balances().is_err(),
        "locked wallets show nothing"
    );
    w.wallet.unlock(b"123456").unwrap();
    let fresh = Vouchers::new(w.wallet.clone(), w.domain);
    assert_eq!(fresh.voucher(&[1; 32]).unwrap().reserved, 10_000);
    assert_eq!(fresh.history(&HistoryFilter::default()).unwrap().len(), 2);
}
