//! Property test of `contracts/VoucherPool.sol` on anvil: random sequences of funding, grants,
//! payments, refunds and withdrawals — valid or not — keep the pool solvent
//! (`outstanding + unallocated ≤ balance`, `outstanding = Σ remaining`) and every voucher's
//! books straight (`amount = remaining + spent − refunded`).

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use jigap_core::evm::{U256, erc};
use jigap_core::voucher::chain as pool;
use jigap_core::voucher::chain::PoolMerchant;
use jigap_core::voucher::{
    GrantSpec, Id, MerchantDesk, TrustedIssuer, VoucherDomain, VoucherIssuer, Vouchers,
};
use jigap_tests::chain::{self, Anvil, Party, eth_call};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Fund(u64),
    Grant(u64),
    Pay(u64),
    Refund(usize, u64),
    Withdraw(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u64..60_000).prop_map(Op::Fund),
        (1u64..40_000).prop_map(Op::Grant),
        (1u64..30_000).prop_map(Op::Pay),
        (0usize..4, 1u64..20_000).prop_map(|(i, a)| Op::Refund(i, a)),
        (1u64..30_000).prop_map(Op::Withdraw),
    ]
}

fn node() -> &'static Anvil {
    static NODE: OnceLock<Anvil> = OnceLock::new();
    NODE.get_or_init(|| Anvil::start(true))
}

struct World {
    issuer: Party,
    shop: Party,
    token: Address,
    address: Address,
    domain: VoucherDomain,
    citizen: Party,
    vouchers: Vouchers,
    granted: Vec<(Id, u64)>,
}

use jigap_core::keys::Address;

fn world() -> World {
    let n = node();
    let issuer = chain::party(n);
    let token = chain::deploy_token(&n.http, &issuer, 10_000_000);
    let code = pool::deploy_data(
        &chain::contract("VoucherPool").bytecode,
        &token,
        "KRW",
        U256::from(1u64),
    )
    .unwrap();
    let address = issuer.deploy(&n.http, code);
    let shop = chain::party(n);
    issuer.send(
        &n.http,
        Some(address),
        pool::set_merchants_call(&[PoolMerchant {
            merchant: shop.address,
            category: 5411,
            region: "KR-11".into(),
            active: true,
        }]),
    );
    // The shop holds tokens for refunds and has approved the pool once.
    issuer.send(
        &n.http,
        Some(token),
        erc::erc20_transfer(&shop.address, U256::from(1_000_000u64)),
    );
    shop.send(
        &n.http,
        Some(token),
        erc::erc20_approve(&address, U256::MAX),
    );
    issuer.send(
        &n.http,
        Some(token),
        erc::erc20_approve(&address, U256::MAX),
    );
    let domain = VoucherDomain {
        chain_id: 31337,
        verifying_contract: address,
    };
    let citizen = chain::party(n);
    let vouchers = Vouchers::new(citizen.wallet.clone(), domain);
    vouchers
        .set_trusted_issuers(vec![TrustedIssuer {
            address: issuer.address,
            name: "city".into(),
            currency: "KRW".into(),
            holding_cap: 0,
            offline_allowance: 0,
        }])
        .unwrap();
    World {
        issuer,
        shop,
        token,
        address,
        domain,
        citizen,
        vouchers,
        granted: vec![],
    }
}

fn apply(w: &mut World, op: &Op) {
    let n = node();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // Refused operations are part of the test: they must leave the books as they were.
    match op {
        Op::Fund(a) => {
            let _ = w
                .issuer
                .try_send(&n.http, Some(w.address), pool::fund_call(*a));
        }
        Op::Withdraw(a) => {
            let _ = w
                .issuer
                .try_send(&n.http, Some(w.address), pool::withdraw_call(*a));
        }
        Op::Grant(a) => {
            let g = VoucherIssuer::new(w.issuer.wallet.clone(), w.issuer.address, w.domain)
                .unwrap()
                .grant(&GrantSpec::new(
                    w.citizen.address,
                    *a,
                    "KRW",
                    now - 3600,
                    now + 86_400,
                ))
                .unwrap();
            if let Ok(r) = w.issuer.try_send(
                &n.http,
                Some(w.address),
                pool::register_call(std::slice::from_ref(&g)),
            ) && r.status
            {
                w.vouchers.import(&g).unwrap();
                w.granted.push((g.grant.id, *a));
            }
        }
        Op::Pay(a) => {
            let desk = MerchantDesk::new(
                w.shop.wallet.clone(),
                w.shop.address,
                "shop",
                5411,
                "KR-11",
                w.domain,
                vec![w.issuer.address],
            )
            .unwrap();
            let (req, _) = desk.create_request(*a, "KRW", 600).unwrap();
            if let Ok(p) = w.vouchers.pay(&req) {
                let r = w.shop.send(
                    &n.http,
                    Some(w.address),
                    pool::redeem_call(&req, &p.payload),
                );
                w.vouchers.apply_chain_logs(&r.logs).unwrap();
            }
        }
        Op::Refund(i, a) => {
            if let Some((id, _)) = w.granted.get(*i)
                && let Ok(r) = w.shop.try_send(
                    &n.http,
                    Some(w.address),
                    pool::refund_call(id, *a, &[1; 32]),
                )
            {
                w.vouchers.apply_chain_logs(&r.logs).unwrap();
            }
        }
    }
}

fn check(w: &World) {
    let n = node();
    let s = pool::parse_solvency(&eth_call(&n.http, &w.address, &pool::solvency_call())).unwrap();
    assert!(
        s.outstanding + s.unallocated <= s.balance,
        "insolvent: {s:?}"
    );
    let raw = erc::decode_uint(&eth_call(&n.http, &w.token, &erc::balance_of(&w.address))).unwrap();
    assert_eq!(raw.to_u64().unwrap(), s.balance);
    let mut sum = 0;
    for (id, amount) in &w.granted {
        let v = pool::parse_voucher(id, &eth_call(&n.http, &w.address, &pool::voucher_call(id)))
            .unwrap();
        assert_eq!(
            *amount + v.refunded,
            v.remaining + v.spent,
            "voucher books: {v:?}"
        );
        sum += v.remaining;
    }
    assert_eq!(sum, s.outstanding, "outstanding is the sum of what is left");
    // The wallet agrees with the chain after applying the receipts.
    w.vouchers.check_invariants().unwrap();
    assert!(
        w.vouchers
            .chain_state(&n.http)
            .unwrap()
            .iter()
            .all(|c| c.in_step)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn random_operations_keep_the_pool_solvent(ops in prop::collection::vec(op(), 4..14)) {
        let mut w = world();
        for o in &ops {
            apply(&mut w, o);
            check(&w);
        }
    }
}
