//! Vouchers settled on chain: `contracts/VoucherPool.sol` on anvil, driven through the core.
//!
//! The journey (deploy, fund, register, pay offline, redeem on chain, the wallet syncs), a
//! split payment across two issuers, a refund, an expiry reclaim, and every attack of the issue
//! reverting with its reason decoded. Gas figures are printed (`--nocapture`) for the README.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jigap_core::evm::{AbiType, AbiValue, U256, abi, erc};
use jigap_core::keys::{Address, DigestSigner, Signature};
use jigap_core::voucher::chain::{self as pool, PoolEvent, PoolMerchant};
use jigap_core::voucher::{
    Allocation, GrantSpec, MerchantDesk, Payment, Redemption, RedemptionPayload, SignedGrant,
    SignedRedemption, SignedRequest, TrustedIssuer, VoucherDomain, VoucherIssuer, Vouchers,
};
use jigap_tests::chain::{self, Anvil, Party, eth_call, revert_reason};

const SHOP_CATEGORY: u16 = 5411;

/// A deployed pool with its issuer (owner), deposit token and one registered shop.
struct Pool {
    issuer: Party,
    token: Address,
    address: Address,
    domain: VoucherDomain,
    shop: Party,
}

impl Pool {
    fn deploy(node: &Anvil) -> Pool {
        let issuer = chain::party(node);
        let token = chain::deploy_token(&node.http, &issuer, 1_000_000_000);
        let code = pool::deploy_data(
            &chain::contract("VoucherPool").bytecode,
            &token,
            "KRW",
            U256::from(1u64),
        )
        .unwrap();
        let address = issuer.deploy(&node.http, code);
        let shop = chain::party(node);
        issuer.send(
            &node.http,
            Some(address),
            pool::set_merchants_call(&[PoolMerchant {
                merchant: shop.address,
                category: SHOP_CATEGORY,
                region: "KR-11".into(),
                active: true,
            }]),
        );
        Pool {
            domain: VoucherDomain {
                chain_id: 31337,
                verifying_contract: address,
            },
            issuer,
            token,
            address,
            shop,
        }
    }

    /// `issuer` approves and funds `amount`.
    fn fund(&self, node: &Anvil, issuer: &Party, amount: u64) {
        issuer.send(
            &node.http,
            Some(self.token),
            erc::erc20_approve(&self.address, U256::from(amount)),
        );
        issuer.send(&node.http, Some(self.address), pool::fund_call(amount));
    }

    fn voucher_issuer(&self, p: &Party) -> VoucherIssuer {
        VoucherIssuer::new(p.wallet.clone(), p.address, self.domain).unwrap()
    }

    fn citizen(&self, node: &Anvil, issuers: &[&Party]) -> (Party, Vouchers) {
        let c = chain::party(node);
        let v = Vouchers::new(c.wallet.clone(), self.domain);
        v.set_trusted_issuers(
            issuers
                .iter()
                .enumerate()
                .map(|(i, p)| TrustedIssuer {
                    address: p.address,
                    name: format!("issuer {i}"),
                    currency: "KRW".into(),
                    holding_cap: 0,
                    offline_allowance: 0,
                })
                .collect(),
        )
        .unwrap();
        (c, v)
    }

    fn desk(&self, category: u16, trusted: &[&Party]) -> MerchantDesk {
        MerchantDesk::new(
            self.shop.wallet.clone(),
            self.shop.address,
            "Mangwon Market",
            category,
            "KR-11",
            self.domain,
            trusted.iter().map(|p| p.address).collect(),
        )
        .unwrap()
    }

    fn balance(&self, node: &Anvil, who: &Address) -> u64 {
        erc::decode_uint(&eth_call(&node.http, &self.token, &erc::balance_of(who)))
            .unwrap()
            .to_u64()
            .unwrap()
    }

    fn solvency(&self, node: &Anvil) -> pool::PoolSolvency {
        pool::parse_solvency(&eth_call(&node.http, &self.address, &pool::solvency_call())).unwrap()
    }

    fn state(&self, node: &Anvil, id: &[u8; 32]) -> pool::PoolVoucher {
        pool::parse_voucher(
            id,
            &eth_call(&node.http, &self.address, &pool::voucher_call(id)),
        )
        .unwrap()
    }
}

fn grant(pool: &Pool, node: &Anvil, issuer: &Party, spec: GrantSpec) -> SignedGrant {
    let g = pool.voucher_issuer(issuer).grant(&spec).unwrap();
    issuer.send(
        &node.http,
        Some(pool.address),
        pool::register_call(std::slice::from_ref(&g)),
    );
    g
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn spec(holder: Address, amount: u64) -> GrantSpec {
    GrantSpec::new(holder, amount, "KRW", now() - 3600, now() + 30 * 86_400)
}

/// Pay `amount` at the shop offline: request, the wallet's payment, the shop's offline check.
fn pay(desk: &MerchantDesk, v: &Vouchers, amount: u64) -> (SignedRequest, Payment) {
    let (req, _) = desk.create_request(amount, "KRW", 600).unwrap();
    let payment = v.pay(&req).unwrap();
    desk.accept(&req, &payment.qr).unwrap();
    (req, payment)
}

/// A redemption signed by the holder's own key but built by hand (what a tampered wallet or a
/// colluding shop could submit).
fn forge(
    holder: &Party,
    pool: &Pool,
    req: &SignedRequest,
    grants: &[&SignedGrant],
    allocations: Vec<Allocation>,
    sequence: u64,
) -> RedemptionPayload {
    let r = Redemption {
        request_id: req.request.id,
        merchant: req.request.merchant,
        holder: holder.address,
        sequence,
        total: allocations.iter().map(|a| a.amount).sum(),
        allocations,
        created_at: now(),
    };
    let signature = holder
        .wallet
        .signer(&holder.address)
        .unwrap()
        .sign_digest(&r.digest(&pool.domain))
        .unwrap();
    RedemptionPayload {
        redemption: SignedRedemption {
            redemption: r,
            signature,
        },
        grants: grants.iter().map(|g| (*g).clone()).collect(),
    }
}

fn gas(label: &str, r: &jigap_core::evm::Receipt) {
    println!("gas {label}: {}", r.gas_used);
}

#[test]
fn the_journey_pay_offline_settle_on_chain_sync_refund() {
    let node = chain::shared();
    let pool = Pool::deploy(node);
    pool.fund(node, &pool.issuer, 200_000);
    let (citizen, vouchers) = pool.citizen(node, &[&pool.issuer]);
    let g = grant(&pool, node, &pool.issuer, spec(citizen.address, 50_000));
    vouchers.import(&g).unwrap();

    // The registered grant is the one the wallet holds.
    let st = vouchers.chain_state(&node.http).unwrap();
    assert_eq!(st.len(), 1);
    assert!(st[0].pool.registered && st[0].grant_matches && st[0].in_step);
    assert_eq!(st[0].pool.remaining, 50_000);
    let s = pool.solvency(node);
    assert_eq!(
        (s.outstanding, s.unallocated, s.balance),
        (50_000, 150_000, 200_000)
    );

    // The digests the contract computes are the ones the wallet and the shop sign.
    let desk = pool.desk(SHOP_CATEGORY, &[&pool.issuer]);
    let (req, payment) = pay(&desk, &vouchers, 30_000);
    let r = &payment.payload.redemption.redemption;

    // The shop settles on chain; the pool pays it in the deposit token.
    let receipt = pool.shop.send(
        &node.http,
        Some(pool.address),
        pool::redeem_call(&req, &payment.payload),
    );
    gas("redeem one voucher", &receipt);
    assert!(
        receipt.gas_used < 150_000,
        "one-voucher redemption: {} gas",
        receipt.gas_used
    );
    let settled = pool::settlement_from_receipt(&pool.address, &receipt);
    assert!(settled.success && settled.refused.is_empty());
    assert!(
        matches!(
            &settled.settled[..],
            [PoolEvent::Redeemed { redemption_hash, total: 30_000, sequence, holder, .. }]
                if redemption_hash.0 == payment.hash && *sequence == r.sequence && *holder == citizen.address
        ),
        "{settled:?}"
    );
    assert_eq!(pool.balance(node, &pool.shop.address), 30_000);

    // The wallet syncs: the payment is final without any issuer signature.
    assert_eq!(vouchers.balances().unwrap()[0].reserved, 30_000);
    let sync = vouchers.sync_chain(&node.http).unwrap();
    assert_eq!((sync.settled, sync.unmatched), (1, 0), "{sync:?}");
    assert_eq!(
        vouchers.payment_status(&payment.hash).unwrap()[0].status,
        "settled"
    );
    let b = &vouchers.balances().unwrap()[0];
    assert_eq!((b.spendable, b.reserved), (20_000, 0));
    assert_eq!(
        vouchers.sync_chain(&node.http).unwrap().settled,
        0,
        "applied once"
    );
    let st = vouchers.chain_state(&node.http).unwrap();
    assert!(st[0].in_step, "{st:?}");
    assert_eq!((st[0].pool.remaining, st[0].pool.spent), (20_000, 30_000));

    // A refund by the shop shows in the wallet's balance and history.
    pool.shop.send(
        &node.http,
        Some(pool.token),
        erc::erc20_approve(&pool.address, U256::from(5_000u64)),
    );
    let receipt = pool.shop.send(
        &node.http,
        Some(pool.address),
        pool::refund_call(&g.grant.id, 5_000, &[7; 32]),
    );
    gas("refund", &receipt);
    let sync = vouchers.sync_chain(&node.http).unwrap();
    assert_eq!(sync.refunded, 1);
    assert_eq!(vouchers.balances().unwrap()[0].spendable, 25_000);
    let history = vouchers.history(&Default::default()).unwrap();
    assert!(
        history
            .iter()
            .any(|e| e.kind == jigap_core::voucher::EventKind::Refunded && e.amount == 5_000)
    );
    assert!(vouchers.chain_state(&node.http).unwrap()[0].in_step);
    vouchers.check_invariants().unwrap();
    let s = pool.solvency(node);
    assert_eq!((s.outstanding, s.balance), (25_000, 175_000));

    // Independent reader: ethers decodes the same events and reads the same state.
    chain::ethers_check(
        "pool",
        &node.url,
        &pool.address,
        &hx(&g.grant.id),
        serde_json::json!({"remaining": 25_000, "spent": 30_000, "refunded": 5_000,
                           "spentEvents": 1, "refundEvents": 1, "redemptionHash": hx(&payment.hash)}),
    );
}

#[test]
fn a_split_payment_across_two_issuers_settles_in_one_transaction() {
    let node = chain::shared();
    let pool = Pool::deploy(node);
    let second = chain::party(node);
    pool.issuer.send(
        &node.http,
        Some(pool.token),
        erc::erc20_transfer(&second.address, U256::from(100_000u64)),
    );
    pool.issuer.send(
        &node.http,
        Some(pool.address),
        pool::set_issuer_call(&second.address, true),
    );
    pool.fund(node, &pool.issuer, 20_000);
    pool.fund(node, &second, 30_000);
    let (citizen, vouchers) = pool.citizen(node, &[&pool.issuer, &second]);
    let a = grant(&pool, node, &pool.issuer, spec(citizen.address, 20_000));
    let b = grant(&pool, node, &second, spec(citizen.address, 30_000));
    vouchers.import(&a).unwrap();
    vouchers.import(&b).unwrap();
    let desk = pool.desk(SHOP_CATEGORY, &[&pool.issuer, &second]);
    let (req, payment) = pay(&desk, &vouchers, 42_000);
    assert_eq!(payment.payload.redemption.redemption.allocations.len(), 2);
    let receipt = pool.shop.send(
        &node.http,
        Some(pool.address),
        pool::redeem_call(&req, &payment.payload),
    );
    gas("redeem across two vouchers", &receipt);
    let spent: Vec<_> = pool::receipt_events(&pool.address, &receipt)
        .into_iter()
        .filter(|e| matches!(e, PoolEvent::VoucherSpent { .. }))
        .collect();
    assert_eq!(spent.len(), 2);
    assert_eq!(pool.balance(node, &pool.shop.address), 42_000);
    // Applied straight from the receipt's logs.
    let sync = vouchers.apply_chain_logs(&receipt.logs).unwrap();
    assert_eq!(sync.settled, 1);
    let parts = vouchers.payment_status(&payment.hash).unwrap();
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|p| p.status == "settled"), "{parts:?}");
    assert_eq!(vouchers.balances().unwrap()[0].spendable, 8_000);
    assert!(
        vouchers
            .chain_state(&node.http)
            .unwrap()
            .iter()
            .all(|s| s.in_step)
    );
}

#[test]
fn expiry_lets_the_issuer_reclaim_what_is_left() {
    // Its own node: the test moves the chain's clock.
    let node = Anvil::start(true);
    let pool = Pool::deploy(&node);
    pool.fund(&node, &pool.issuer, 10_000);
    let (citizen, vouchers) = pool.citizen(&node, &[&pool.issuer]);
    let t = chain::block_time(&node.http);
    let g = grant(
        &pool,
        &node,
        &pool.issuer,
        GrantSpec::new(citizen.address, 10_000, "KRW", t - 60, t + 600),
    );
    vouchers.import(&g).unwrap();
    let early = pool
        .issuer
        .try_send(
            &node.http,
            Some(pool.address),
            pool::reclaim_call(&[g.grant.id]),
        )
        .unwrap_err();
    assert!(revert_reason(&early).starts_with("NotExpired("), "{early}");
    chain::warp(&node, 700);

    // After expiry by block time, a payment is refused on chain…
    let desk = pool.desk(SHOP_CATEGORY, &[&pool.issuer]);
    let (req, _) = desk.create_request(1_000, "KRW", 3600).unwrap();
    let late = forge(
        &citizen,
        &pool,
        &req,
        &[&g],
        vec![Allocation {
            voucher_id: g.grant.id,
            amount: 1_000,
        }],
        0,
    );
    let e = pool
        .shop
        .try_send(
            &node.http,
            Some(pool.address),
            pool::redeem_call(&req, &late),
        )
        .unwrap_err();
    assert!(revert_reason(&e).starts_with("VoucherExpired("), "{e}");

    // …and only its issuer may take back what is left.
    let stranger = chain::party(&node);
    let e = stranger
        .try_send(
            &node.http,
            Some(pool.address),
            pool::reclaim_call(&[g.grant.id]),
        )
        .unwrap_err();
    assert!(revert_reason(&e).starts_with("NotVoucherIssuer("), "{e}");
    let before = pool.balance(&node, &pool.issuer.address);
    let r = pool.issuer.send(
        &node.http,
        Some(pool.address),
        pool::reclaim_call(&[g.grant.id]),
    );
    assert_eq!(pool.balance(&node, &pool.issuer.address) - before, 10_000);
    let sync = vouchers.apply_chain_logs(&r.logs).unwrap();
    assert_eq!(sync.reclaimed, 1);
    assert_eq!(
        vouchers.sync_chain(&node.http).unwrap().reclaimed,
        0,
        "once"
    );
    let history = vouchers.history(&Default::default()).unwrap();
    assert!(
        history
            .iter()
            .any(|e| e.kind == jigap_core::voucher::EventKind::Reclaimed && e.amount == 10_000)
    );
    vouchers.check_invariants().unwrap();
    assert_eq!(pool.solvency(&node).outstanding, 0);
    assert_eq!(pool.state(&node, &g.grant.id).remaining, 0);
}

/// The high-s twin of a signature: same `r`, `s' = n − s`, the other `v`.
fn high_s(sig: &Signature) -> Vec<u8> {
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];
    let b = sig.to_bytes();
    let mut s = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(N[i]) - i16::from(b[32 + i]) - borrow;
        borrow = i16::from(d < 0);
        s[i] = (d + 256 * borrow) as u8;
    }
    let mut out = b[..32].to_vec();
    out.extend_from_slice(&s);
    out.push(if b[64] == 27 { 28 } else { 27 });
    out
}

#[test]
fn attacks_revert_with_their_reasons() {
    let node = Anvil::start(true);
    let pool = Pool::deploy(&node);
    pool.fund(&node, &pool.issuer, 100_000);
    let (citizen, vouchers) = pool.citizen(&node, &[&pool.issuer]);
    let g = grant(&pool, &node, &pool.issuer, spec(citizen.address, 20_000));
    vouchers.import(&g).unwrap();
    let desk = pool.desk(SHOP_CATEGORY, &[&pool.issuer]);
    let shop = &pool.shop;
    let refused = |payload: &RedemptionPayload, req: &SignedRequest| -> String {
        revert_reason(
            &shop
                .try_send(
                    &node.http,
                    Some(pool.address),
                    pool::redeem_call(req, payload),
                )
                .unwrap_err(),
        )
    };

    // A genuine payment settles; shown again, it is refused.
    let (req, payment) = pay(&desk, &vouchers, 5_000);
    shop.send(
        &node.http,
        Some(pool.address),
        pool::redeem_call(&req, &payment.payload),
    );
    let r = refused(&payment.payload, &req);
    assert!(r.starts_with("AlreadyRedeemed("), "{r}");

    // Another redemption under a sequence number already used.
    let (req2, _) = desk.create_request(1_000, "KRW", 600).unwrap();
    let seq = payment.payload.redemption.redemption.sequence;
    let reused = forge(
        &citizen,
        &pool,
        &req2,
        &[&g],
        vec![Allocation {
            voucher_id: g.grant.id,
            amount: 1_000,
        }],
        seq,
    );
    let r = refused(&reused, &req2);
    assert!(r.starts_with("SequenceUsed("), "{r}");

    // More than the voucher has left.
    let (req3, _) = desk.create_request(16_000, "KRW", 600).unwrap();
    let over = forge(
        &citizen,
        &pool,
        &req3,
        &[&g],
        vec![Allocation {
            voucher_id: g.grant.id,
            amount: 16_000,
        }],
        100,
    );
    let r = refused(&over, &req3);
    assert!(r.starts_with("InsufficientValue("), "{r}");

    // A shop claiming another category than the registry's.
    let liar = pool.desk(5812, &[&pool.issuer]);
    let (req4, _) = liar.create_request(1_000, "KRW", 600).unwrap();
    let p4 = forge(
        &citizen,
        &pool,
        &req4,
        &[&g],
        vec![Allocation {
            voucher_id: g.grant.id,
            amount: 1_000,
        }],
        101,
    );
    let r = refused(&p4, &req4);
    assert!(r.starts_with("CategoryMismatch("), "{r}");

    // Outside the voucher's hours (a one-minute window twelve hours from now, local time).
    let t = chain::block_time(&node.http);
    let minute = (((t + 540 * 60) % 86_400) / 60) as u16;
    let start = (minute + 720) % 1440;
    let narrow = grant(
        &pool,
        &node,
        &pool.issuer,
        GrantSpec {
            hours_start: start,
            hours_end: start + 1,
            ..spec(citizen.address, 3_000)
        },
    );
    let (req5, _) = desk.create_request(1_000, "KRW", 600).unwrap();
    let p5 = forge(
        &citizen,
        &pool,
        &req5,
        &[&narrow],
        vec![Allocation {
            voucher_id: narrow.grant.id,
            amount: 1_000,
        }],
        102,
    );
    let r = refused(&p5, &req5);
    assert!(r.starts_with("OutsideHours("), "{r}");

    // A forged holder signature, and the high-s twin of a genuine one.
    let (req6, _) = desk.create_request(1_000, "KRW", 600).unwrap();
    let mut p6 = forge(
        &citizen,
        &pool,
        &req6,
        &[&g],
        vec![Allocation {
            voucher_id: g.grant.id,
            amount: 1_000,
        }],
        103,
    );
    let stranger = chain::party(&node);
    p6.redemption.signature = stranger
        .wallet
        .signer(&stranger.address)
        .unwrap()
        .sign_digest(&p6.redemption.redemption.digest(&pool.domain))
        .unwrap();
    let r = refused(&p6, &req6);
    assert_eq!(r, "BadSignature(\"holder\")");
    let p7 = forge(
        &citizen,
        &pool,
        &req6,
        &[&g],
        vec![Allocation {
            voucher_id: g.grant.id,
            amount: 1_000,
        }],
        104,
    );
    let twin = high_s(&p7.redemption.signature);
    let mut data = pool::redeem_call(&req6, &p7);
    let genuine = p7.redemption.signature.to_bytes();
    let at = data.windows(65).position(|w| w == genuine).unwrap();
    data[at..at + 65].copy_from_slice(&twin);
    let r = revert_reason(
        &shop
            .try_send(&node.http, Some(pool.address), data)
            .unwrap_err(),
    );
    assert_eq!(r, "SignatureHighS(\"holder\")");

    // A voucher never registered on chain (signed by the issuer, but not backed by funds).
    let unregistered = pool
        .voucher_issuer(&pool.issuer)
        .grant(&spec(citizen.address, 9_000))
        .unwrap();
    let (req8, _) = desk.create_request(1_000, "KRW", 600).unwrap();
    let p8 = forge(
        &citizen,
        &pool,
        &req8,
        &[&unregistered],
        vec![Allocation {
            voucher_id: unregistered.grant.id,
            amount: 1_000,
        }],
        105,
    );
    let r = refused(&p8, &req8);
    assert!(r.starts_with("UnregisteredGrant("), "{r}");

    // Draining the pool: grants beyond the funds, withdrawing granted funds, a stranger's reclaim.
    let too_big = pool
        .voucher_issuer(&pool.issuer)
        .grant(&spec(citizen.address, 1_000_000))
        .unwrap();
    let e = pool
        .issuer
        .try_send(
            &node.http,
            Some(pool.address),
            pool::register_call(&[too_big]),
        )
        .unwrap_err();
    assert!(
        revert_reason(&e).starts_with("InsufficientUnallocated("),
        "{e}"
    );
    let left = pool.solvency(&node).unallocated;
    let e = pool
        .issuer
        .try_send(
            &node.http,
            Some(pool.address),
            pool::withdraw_call(left + 1),
        )
        .unwrap_err();
    assert!(
        revert_reason(&e).starts_with("InsufficientUnallocated("),
        "{e}"
    );
    let e = stranger
        .try_send(&node.http, Some(pool.address), pool::fund_call(1))
        .unwrap_err();
    assert!(revert_reason(&e).starts_with("NotIssuer("), "{e}");

    // The pause switch stops redemptions.
    pool.issuer
        .send(&node.http, Some(pool.address), pool::pause_call(true));
    let (req9, p9) = pay(&desk, &vouchers, 1_000);
    assert_eq!(refused(&p9.payload, &req9), "EnforcedPause()");
    pool.issuer
        .send(&node.http, Some(pool.address), pool::pause_call(false));
    shop.send(
        &node.http,
        Some(pool.address),
        pool::redeem_call(&req9, &p9.payload),
    );

    // Through it all the books balance.
    let s = pool.solvency(&node);
    assert!(s.outstanding + s.unallocated <= s.balance, "{s:?}");
    assert_eq!(s.outstanding, 20_000 - 5_000 - 1_000 + 3_000);
}

#[test]
fn a_batch_settles_what_it_can_and_names_what_it_refused() {
    let node = chain::shared();
    let pool = Pool::deploy(node);
    pool.fund(node, &pool.issuer, 50_000);
    let (citizen, vouchers) = pool.citizen(node, &[&pool.issuer]);
    let g = grant(&pool, node, &pool.issuer, spec(citizen.address, 50_000));
    vouchers.import(&g).unwrap();
    let desk = pool.desk(SHOP_CATEGORY, &[&pool.issuer]);
    let one = pay(&desk, &vouchers, 1_000);
    let two = pay(&desk, &vouchers, 2_000);
    // The issuer batches for the shop: the second payment twice, the repeat refused.
    let items = vec![
        (one.0.clone(), one.1.payload.clone()),
        (two.0.clone(), two.1.payload.clone()),
        (two.0.clone(), two.1.payload.clone()),
    ];
    let r = pool.issuer.send(
        &node.http,
        Some(pool.address),
        pool::redeem_batch_call(&items),
    );
    let s = pool::settlement_from_receipt(&pool.address, &r);
    assert_eq!(s.settled.len(), 2);
    assert!(
        matches!(&s.refused[..], [PoolEvent::RedemptionFailed { index: 2, reason, .. }] if reason.starts_with("AlreadyRedeemed(")),
        "{s:?}"
    );
    assert_eq!(pool.balance(node, &pool.shop.address), 3_000);
    assert_eq!(vouchers.sync_chain(&node.http).unwrap().settled, 2);
}

#[test]
fn digests_the_contract_computes_are_the_ones_jigap_signs() {
    let node = chain::shared();
    let pool = Pool::deploy(node);
    pool.fund(node, &pool.issuer, 10_000);
    let (citizen, vouchers) = pool.citizen(node, &[&pool.issuer]);
    let g = grant(
        &pool,
        node,
        &pool.issuer,
        GrantSpec {
            categories: vec![5411, 5812],
            regions: vec!["KR".into(), "KR-26".into()],
            hours_start: 0,
            hours_end: 1440,
            utc_offset_minutes: -300,
            min_payment: 100,
            max_payment: 9_000,
            daily_limit: 9_500,
            ..spec(citizen.address, 10_000)
        },
    );
    vouchers.import(&g).unwrap();
    // Registered under the hash the core computes.
    assert_eq!(
        pool.state(node, &g.grant.id).grant_hash.0,
        g.grant.struct_hash()
    );
    let desk = pool.desk(SHOP_CATEGORY, &[&pool.issuer]);
    let (req, payment) = pay(&desk, &vouchers, 2_500);
    let call = |sig: &str, tail: Vec<u8>| {
        eth_call(
            &node.http,
            &pool.address,
            &[&abi::selector(sig)[..], &tail].concat(),
        )
    };
    let redemption_t = "(bytes32,address,address,uint64,(bytes32,uint256)[],uint256,uint64)";
    let request_t = "(bytes32,address,string,uint16,string,string,uint256,uint64)";
    // Re-encode each struct alone from the full redeem calldata's pieces through the ABI module.
    let full = pool::redeem_call(&req, &payment.payload);
    let sub = format!(
        "({redemption_t},bytes,{request_t},bytes,(bytes32,address,address,string,uint256,uint64,(uint16[],address[],string[],uint64,uint64,uint16,uint16,int16,uint256,uint256,uint256,bool))[])"
    );
    let AbiType::Tuple(outer) = format!("({sub})").parse::<AbiType>().unwrap() else {
        panic!()
    };
    let v = abi::decode(&outer, &full[4..]).unwrap();
    let AbiValue::Tuple(parts) = &v[0] else {
        panic!()
    };
    let enc = |t: &str, x: &AbiValue| {
        abi::encode(&[t.parse().unwrap()], std::slice::from_ref(x)).unwrap()
    };
    let d = call(
        &format!("redemptionDigest({redemption_t})"),
        enc(redemption_t, &parts[0]),
    );
    assert_eq!(d, payment.hash.to_vec(), "the holder's digest");
    let d = call(
        &format!("requestDigest({request_t})"),
        enc(request_t, &parts[2]),
    );
    assert_eq!(
        d,
        req.request.digest(&pool.domain).to_vec(),
        "the merchant's digest"
    );
    // And the payment settles under those rules (region KR covers KR-11).
    pool.shop.send(&node.http, Some(pool.address), full);
}

fn hx(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}
