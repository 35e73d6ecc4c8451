//! Regression tests for the security review (issue 10), across modules, as an attacker would
//! try them: each fails on the code before the fix and passes after it.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;

use jigap_core::env::{Env, ManualClock};
use jigap_core::keys::{Address, ExtendedPrivateKey, Mnemonic, PrivateKey, evm_account_path};
use jigap_core::store::MemoryStore;
use jigap_core::ticket::{
    self as ticket, Gate, GateKey, Issuer as TicketIssuer, TicketError, TicketEvent, TicketSeat,
    TicketTerms, TicketTransferPolicy, Tickets,
};
use jigap_core::voucher::*;
use jigap_core::wallet::{Wallet, WalletOptions};

const T0: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z, 09:00 KST
const DAY: u64 = 86_400;

fn wallet(env: &Env) -> Arc<Wallet> {
    Arc::new(
        Wallet::create(
            Arc::new(MemoryStore::new()),
            env.clone(),
            b"123456",
            WalletOptions::fast_for_tests(),
        )
        .unwrap()
        .0,
    )
}

/// A citizen whose phone has its own clock, and a shop with another.
struct Shop {
    phone: Arc<ManualClock>,
    till: Arc<ManualClock>,
    vouchers: Vouchers,
    me: Address,
    city: PrivateKey,
    shop: MerchantDesk,
}

const PHRASE: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn shop() -> Shop {
    let phone = ManualClock::new(T0 * 1000);
    let till = ManualClock::new(T0 * 1000);
    let w = Arc::new(
        Wallet::restore(
            Arc::new(MemoryStore::new()),
            Env::fixed(phone.clone(), 1),
            b"123456",
            &Mnemonic::parse(PHRASE, None).unwrap(),
            "",
            WalletOptions::fast_for_tests().vault,
        )
        .unwrap(),
    );
    let me = w.account(0).unwrap().address;
    let city = PrivateKey::from_slice(&[0x11; 32]).unwrap();
    let vouchers = Vouchers::new(w, VoucherDomain::DEMO);
    vouchers
        .set_trusted_issuers(vec![TrustedIssuer {
            address: city.address(),
            name: "Seoul".into(),
            currency: "KRW".into(),
            holding_cap: 0,
            offline_allowance: 0,
        }])
        .unwrap();
    let sw = wallet(&Env::fixed(till.clone(), 2));
    let addr = sw.account(0).unwrap().address;
    let shop = MerchantDesk::new(
        sw,
        addr,
        "행복마트",
        5411,
        "KR-11",
        VoucherDomain::DEMO,
        vec![city.address()],
    )
    .unwrap();
    Shop {
        phone,
        till,
        vouchers,
        me,
        city,
        shop,
    }
}

impl Shop {
    fn grant(&self, id: u8, amount: u64, purpose: Purpose) -> SignedGrant {
        VoucherGrant {
            id: [id; 32],
            issuer: self.city.address(),
            holder: self.me,
            currency: "KRW".into(),
            amount,
            issued_at: T0 - 100,
            purpose,
        }
        .sign(&VoucherDomain::DEMO, &self.city)
        .unwrap()
    }
}

/// Finding 2: the merchant checked expiry and purpose against the redemption's own
/// `createdAt`, i.e. the customer's clock.
#[test]
fn the_merchant_checks_time_rules_with_its_own_clock() {
    let s = shop();
    s.vouchers
        .import(&s.grant(1, 50_000, Purpose::anywhere(T0 - 100, T0 + DAY)))
        .unwrap();
    // Two days later at the till; the customer's phone is set back to the first day.
    s.till.set_ms((T0 + 2 * DAY) * 1000);
    let (req, _) = s.shop.create_request(10_000, "KRW", 600).unwrap();
    let pay = s.vouchers.pay(&req).unwrap();
    assert_eq!(pay.payload.redemption.redemption.created_at, T0);
    // Clock skew is caught outright …
    assert!(matches!(
        s.shop.accept(&req, &pay.qr),
        Err(RedemptionReject::ClockSkew { created_at: T0, .. })
    ));
    // … and with a phone only a little off, the voucher's expiry is judged at the shop's time.
    let payload = decode_redemption(&pay.qr).unwrap();
    let now = T0 + 2 * DAY;
    let mut near = payload.clone();
    near.redemption.redemption.created_at = now - 60;
    assert!(matches!(
        verify_redemption(&VoucherDomain::DEMO, &[s.city.address()], &req, &near, now),
        // (altering createdAt also breaks the holder signature: either way, refused)
        Err(RedemptionReject::HolderSignature | RedemptionReject::Purpose(..))
    ));
    assert!(matches!(
        verify_redemption(
            &VoucherDomain::DEMO,
            &[s.city.address()],
            &req,
            &payload,
            now
        ),
        Err(RedemptionReject::ClockSkew { .. })
    ));
}

#[test]
fn hours_and_expired_requests_are_judged_at_the_shop() {
    let s = shop();
    // 09:00–18:00 KST.
    let mut p = Purpose::anywhere(T0 - 100, T0 + 30 * DAY);
    p.hours_start = 540;
    p.hours_end = 1080;
    p.utc_offset_minutes = 540;
    s.vouchers.import(&s.grant(1, 50_000, p)).unwrap();
    // At the till it is 20:00 KST; the phone says 10:00 KST but within the skew? No: the phone
    // pays at its 10:00, the shop checks at 20:00 — a 10-hour skew is refused …
    s.till.set_ms((T0 + 11 * 3600) * 1000);
    let (req, _) = s.shop.create_request(5_000, "KRW", 24 * 3600).unwrap();
    s.phone.set_ms((T0 + 3600) * 1000);
    let pay = s.vouchers.pay(&req).unwrap();
    assert!(s.shop.accept(&req, &pay.qr).is_err());
    // … and a phone four minutes slow at 17:58 KST paying for 18:02 at the till: out of hours.
    let s = shop();
    let mut p = Purpose::anywhere(T0 - 100, T0 + 30 * DAY);
    p.hours_start = 540;
    p.hours_end = 1080;
    p.utc_offset_minutes = 540;
    s.vouchers.import(&s.grant(1, 50_000, p)).unwrap();
    s.till.set_ms((T0 + 9 * 3600 + 2 * 60) * 1000);
    s.phone.set_ms((T0 + 9 * 3600 - 2 * 60) * 1000);
    let (req, _) = s.shop.create_request(5_000, "KRW", 600).unwrap();
    let pay = s.vouchers.pay(&req).unwrap();
    assert!(matches!(
        s.shop.accept(&req, &pay.qr),
        Err(RedemptionReject::Purpose(_, why)) if why.contains("time of day")
    ));
    // A request that expired at the till is refused even if the phone thinks it is early.
    let s = shop();
    s.vouchers
        .import(&s.grant(1, 50_000, Purpose::anywhere(T0 - 100, T0 + DAY)))
        .unwrap();
    let (req, _) = s.shop.create_request(5_000, "KRW", 60).unwrap();
    let pay = s.vouchers.pay(&req).unwrap();
    s.till.advance_ms(120_000);
    assert!(matches!(
        s.shop.accept(&req, &pay.qr),
        Err(RedemptionReject::Expired)
    ));
}

#[test]
fn daily_limits_and_single_use_hold_across_payments_at_one_shop() {
    let s = shop();
    let mut p = Purpose::anywhere(T0 - 100, T0 + 30 * DAY);
    p.daily_limit = 10_000;
    s.vouchers.import(&s.grant(1, 50_000, p)).unwrap();
    let (r1, _) = s.shop.create_request(8_000, "KRW", 600).unwrap();
    let p1 = s.vouchers.pay(&r1).unwrap();
    s.shop.accept(&r1, &p1.qr).unwrap();
    let (r2, _) = s.shop.create_request(8_000, "KRW", 600).unwrap();
    // The wallet itself refuses (its own daily count) …
    assert!(s.vouchers.pay(&r2).is_err());
    // … and a wallet that lies about it (a second payment from the same voucher on the same
    // day, with a fresh sequence number) is refused by the shop's own count.
    let forged = {
        let mut pl = decode_redemption(&p1.qr).unwrap();
        let red = &mut pl.redemption.redemption;
        red.request_id = r2.request.id;
        red.sequence = 1;
        pl
    };
    // Re-sign as the holder (the attacker owns the holder key).
    let resigned = resign(&s, forged);
    assert!(matches!(
        s.shop.accept(&r2, &encode_redemption(&resigned)),
        Err(RedemptionReject::Limit(_))
    ));
}

/// Sign a redemption again with the citizen's account 0 key (the attacker is the citizen).
fn resign(s: &Shop, mut p: RedemptionPayload) -> RedemptionPayload {
    let _ = s;
    let key = citizen_key();
    let d = p.redemption.redemption.digest(&VoucherDomain::DEMO);
    p.redemption.signature = jigap_core::keys::DigestSigner::sign_digest(&key, &d).unwrap();
    p
}

fn citizen_key() -> PrivateKey {
    // The attacker is the citizen: the key of account 0 of their own recovery phrase.
    let seed = Mnemonic::parse(PHRASE, None).unwrap().to_seed("").unwrap();
    ExtendedPrivateKey::from_seed(&*seed)
        .unwrap()
        .derive_path(&evm_account_path(0))
        .unwrap()
        .private_key()
        .clone()
}

/// Finding 5: a late settlement after a release added to `settled` but left the single-use
/// voucher spendable; if it was spent again meanwhile, that is a conflict.
#[test]
fn a_late_settlement_never_reopens_a_single_use_voucher() {
    let s = shop();
    let mut p = Purpose::anywhere(T0 - 100, T0 + 30 * DAY);
    p.single_use = true;
    s.vouchers.import(&s.grant(1, 50_000, p.clone())).unwrap();
    let settle = |pay: &Payment, ok: bool| {
        Settlement {
            redemption_hash: pay.hash,
            issuer: s.city.address(),
            settled: ok,
            reason: String::new(),
            settled_at: T0,
        }
        .sign(&VoucherDomain::DEMO, &s.city)
        .unwrap()
    };
    // Pay, let the request expire, release: the one use is free again.
    let (r1, _) = s.shop.create_request(10_000, "KRW", 60).unwrap();
    let first = s.vouchers.pay(&r1).unwrap();
    s.phone.advance_ms(120_000);
    s.till.advance_ms(120_000);
    assert_eq!(s.vouchers.release_expired().unwrap(), 1);
    // Spent again on another request …
    let (r2, _) = s.shop.create_request(20_000, "KRW", 600).unwrap();
    let second = s.vouchers.pay(&r2).unwrap();
    // … then the first one settles late: it must be a conflict, not a second use.
    assert!(matches!(
        s.vouchers.apply_settlement(&settle(&first, true)).unwrap(),
        SettlementOutcome::Conflict { .. }
    ));
    assert_eq!(
        s.vouchers.apply_settlement(&settle(&second, true)).unwrap(),
        SettlementOutcome::Settled
    );
    let v = s.vouchers.voucher(&[1; 32]).unwrap();
    assert_eq!((v.settled, v.status), (20_000, VoucherStatus::Used));

    // Not spent again: the late settlement applies and the voucher is used, not spendable.
    let s = shop();
    s.vouchers.import(&s.grant(2, 50_000, p)).unwrap();
    let (r1, _) = s.shop.create_request(10_000, "KRW", 60).unwrap();
    let first = s.vouchers.pay(&r1).unwrap();
    s.phone.advance_ms(120_000);
    s.vouchers.release_expired().unwrap();
    assert_eq!(
        s.vouchers.apply_settlement(&settle(&first, true)).unwrap(),
        SettlementOutcome::LateSettled
    );
    let v = s.vouchers.voucher(&[2; 32]).unwrap();
    assert_eq!((v.status, v.spendable), (VoucherStatus::Used, 0));
    let (r3, _) = s.shop.create_request(1_000, "KRW", 600).unwrap();
    assert!(matches!(
        s.vouchers.pay(&r3),
        Err(VoucherError::CannotPay { .. })
    ));
}

/// Finding 8: double-spend detection trusted the amount of whatever grant a payload carried.
#[test]
fn double_spend_detection_trusts_only_grants_the_issuer_signed() {
    let s = shop();
    s.vouchers
        .import(&s.grant(1, 10_000, Purpose::anywhere(T0 - 100, T0 + DAY)))
        .unwrap();
    let (ra, _) = s.shop.create_request(8_000, "KRW", 600).unwrap();
    let pa = s.vouchers.pay(&ra).unwrap();
    // A second payload spends the same voucher and carries a "grant" inflated to 1,000,000
    // (signed by nobody) so the sum looks covered.
    let mut pb = pa.payload.clone();
    pb.redemption.redemption.sequence = 7;
    pb.redemption.redemption.request_id = [9; 32];
    pb = resign(&s, pb);
    pb.grants[0].grant.amount = 1_000_000;
    let found = detect_double_spends(
        &VoucherDomain::DEMO,
        &[pa.payload.clone(), pb.clone()],
        &BTreeMap::new(),
    );
    assert!(
        found
            .iter()
            .any(|d| matches!(d, DoubleSpend::BadGrant { voucher, .. } if voucher.0 == [1; 32])),
        "{found:?}"
    );
    // With the true grant the over-allocation shows.
    pb.grants[0] = pa.payload.grants[0].clone();
    let found = detect_double_spends(&VoucherDomain::DEMO, &[pa.payload, pb], &BTreeMap::new());
    assert!(
        found.iter().any(|d| matches!(
            d,
            DoubleSpend::OverAllocated {
                allocated: 16_000,
                available: 10_000,
                ..
            }
        )),
        "{found:?}"
    );
}

fn event() -> TicketEvent {
    TicketEvent {
        id: "MAHLER2".into(),
        name: "Mahler 2".into(),
        venue: "Seoul Arts Center".into(),
        doors_open: T0,
        start: T0 + 3600,
        end: T0 + 4 * 3600,
    }
}

fn terms(token: u64) -> TicketTerms {
    TicketTerms {
        chain_id: 1,
        contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            .parse()
            .unwrap(),
        token_id: ticket::TokenId::from_u64(token),
        event: event(),
        seat: TicketSeat::reserved("B", "12", &token.to_string()),
        tier: "R".into(),
        policy: TicketTransferPolicy::capped("KRW", 100_000, 2),
    }
}

/// Finding 6: an issuer with no record of a ticket (a fresh instance, the CLI without its
/// registry) reissued it anyway, so one grant could be sold twice.
#[test]
fn a_ticket_is_never_reissued_without_the_issuers_record() {
    let clock = ManualClock::new(T0 * 1000);
    let env = Env::fixed(clock.clone(), 3);
    let key = PrivateKey::from_slice(&[0x17; 32]).unwrap();
    let mut issuer = TicketIssuer::new(env.clone(), key.clone()).unwrap();
    let seller = wallet(&env);
    let tickets = Tickets::new(&seller);
    tickets.trust_issuer(issuer.identity()).unwrap();
    let me = tickets
        .holder_id(&seller.account(0).unwrap().address)
        .unwrap();
    let g = issuer.grant(&me, terms(1)).unwrap();
    let id = tickets.import(&g.to_text()).unwrap().ticket.id;
    let buyer = wallet(&env);
    let bt = Tickets::new(&buyer);
    let buyer_id = bt.holder_id(&buyer.account(0).unwrap().address).unwrap();
    let req = tickets
        .request_transfer(&id, &buyer_id, 50_000, "KRW")
        .unwrap();
    // A fresh instance of the same issuer, grant and request in hand: refused.
    let mut fresh = TicketIssuer::new(env.clone(), key).unwrap();
    assert!(matches!(
        fresh.reissue(&g, &req),
        Err(TicketError::BadTransferRequest(m)) if m.contains("no record")
    ));
    // With the registry loaded it works, once.
    fresh.load_registry(&issuer.export_registry()).unwrap();
    fresh.reissue(&g, &req).unwrap();
    assert!(fresh.reissue(&g, &req).is_err());
    assert!(
        issuer.reissue(&g, &req).is_ok(),
        "the first instance still had it current"
    );
}

/// Finding 11: `Gate::receipt` signed whatever grant digest the app handed back.
#[test]
fn a_gate_signs_receipts_only_for_what_it_admitted() {
    let clock = ManualClock::new((T0 + 1800) * 1000);
    let env = Env::fixed(clock.clone(), 4);
    let mut issuer =
        TicketIssuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
    let holder = wallet(&env);
    let tickets = Tickets::new(&holder);
    tickets.trust_issuer(issuer.identity()).unwrap();
    let me = tickets
        .holder_id(&holder.account(0).unwrap().address)
        .unwrap();
    let g1 = issuer.grant(&me, terms(1)).unwrap();
    let g2 = issuer.grant(&me, terms(2)).unwrap();
    let id1 = tickets.import(&g1.to_text()).unwrap().ticket.id;
    tickets.import(&g2.to_text()).unwrap();
    let key = GateKey::generate(&env).unwrap();
    let auth = issuer
        .authorize_gate(1, terms(1).contract, &event(), key.public(), "North 3")
        .unwrap();
    let mut gate = Gate::new(env.clone(), key, &[issuer.identity().clone()], &[auth]).unwrap();
    let admit = gate.verify(&tickets.show(&id1).unwrap().text).unwrap();
    // The app asks for a receipt naming another grant (ticket 2's), or another time.
    let mut other = admit.clone();
    other.grant_digest = jigap_core::bind::Bytes32(g2.digest());
    assert!(matches!(
        gate.receipt(&other),
        Err(TicketError::BadReceipt(_))
    ));
    let mut later = admit.clone();
    later.entered_at += 1;
    assert!(gate.receipt(&later).is_err());
    let receipt = gate.receipt(&admit).unwrap();
    assert_eq!(receipt.grant, g1.digest());
    tickets.apply_receipt(&receipt.to_text()).unwrap();
}

/// Finding 11: the ticket issuer object kept its signing key after `Wallet::lock()`.
#[test]
fn a_wallet_backed_ticket_issuer_stops_signing_when_the_wallet_locks() {
    let env = Env::fixed(ManualClock::new(T0 * 1000), 5);
    let w = wallet(&env);
    let account = w.account(0).unwrap().address;
    let mut issuer = TicketIssuer::from_wallet(env.clone(), w.clone(), &account).unwrap();
    let holder = wallet(&env);
    let me = Tickets::new(&holder)
        .holder_id(&holder.account(0).unwrap().address)
        .unwrap();
    issuer.grant(&me, terms(1)).unwrap();
    w.lock();
    assert!(issuer.grant(&me, terms(2)).is_err());
    w.unlock(b"123456").unwrap();
    issuer.grant(&me, terms(2)).unwrap();
}

/// Finding 9: `WalletOptions`' `Debug` printed the BIP39 passphrase.
#[test]
fn create_options_never_print_the_passphrase() {
    let mut o = WalletOptions::fast_for_tests();
    o.passphrase = zeroize::Zeroizing::new("correct horse battery staple".into());
    let d = format!("{o:?}");
    assert!(!d.contains("horse"), "{d}");
    assert!(d.contains("(set)"));
}
