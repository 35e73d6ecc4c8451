//! Ethereum on a real node: jigap's wallets send ETH, deploy OpenZeppelin's ERC-20 and ERC-721,
//! transfer tokens, read balances and events, keep nonces right with two transactions in flight,
//! speed up and cancel by replacement, decode reverts, and refuse another chain — all against
//! anvil on loopback, with every request body built and every reply read by the core.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jigap_core::env::Env;
use jigap_core::evm::{
    self, AbiType, AbiValue, EvmError, EvmWallet, Explanation, KnownToken, RpcError, SendIntent,
    SignedTransaction, TokenStandard, Transaction, U256, abi, erc, rpc,
};
use jigap_core::keys::Address;
use jigap_core::store::MemoryStore;
use jigap_core::wallet::{Wallet, WalletOptions};
use jigap_tests::chain::{self, Anvil, Http};
use serde_json::json;

struct Citizen {
    wallet: Arc<Wallet>,
    evm: EvmWallet,
    address: Address,
}

fn citizen(node: &Anvil) -> Citizen {
    let (wallet, _) = Wallet::create(
        Arc::new(MemoryStore::new()),
        Env::system(),
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap();
    let address = wallet.account(0).unwrap().address;
    node.fund(&address, 100);
    let wallet = Arc::new(wallet);
    Citizen {
        evm: EvmWallet::new(wallet.clone(), 31337, "ETH").unwrap(),
        wallet,
        address,
    }
}

fn intent(from: &Address, to: Option<Address>, value: U256, data: Vec<u8>) -> SendIntent {
    SendIntent {
        from: *from,
        to,
        value,
        data: data.into(),
        ..SendIntent::default()
    }
}

/// Send through the core's flow; returns the signed transaction and what was shown.
fn send(
    node: &Http,
    c: &Citizen,
    i: SendIntent,
) -> Result<(SignedTransaction, Explanation), EvmError> {
    let mut shown = None;
    let signed = c.evm.run(node, c.evm.send_flow(i), &mut |p| {
        shown = Some(p.explanation.clone());
        true
    })?;
    Ok((signed, shown.unwrap()))
}

fn receipt(node: &Http, c: &Citizen, s: &SignedTransaction) -> evm::Receipt {
    use jigap_core::evm::JsonRpcTransport;
    for _ in 0..100 {
        let reply = node.call(&c.evm.receipt_request(&s.hash)).unwrap();
        if let Some(r) = c.evm.on_receipt(&reply).unwrap() {
            return r;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("no receipt for {}", s.hash);
}

fn eth_call(node: &Http, to: &Address, data: Vec<u8>) -> Vec<u8> {
    rpc::data(&node.rpc(
        "eth_call",
        json!([{"to": to, "data": format!("0x{}", hex::encode(data))}, "latest"]),
    ))
    .unwrap()
}

fn deploy(node: &Http, c: &Citizen, name: &str, args: &[AbiValue], types: &[AbiType]) -> Address {
    let mut code = chain::contract(name).bytecode;
    code.extend(abi::encode(types, args).unwrap());
    let (s, e) = send(node, c, intent(&c.address, None, U256::ZERO, code)).unwrap();
    assert_eq!(e.action, "deploy");
    let r = receipt(node, c, &s);
    assert!(r.status, "{name} deployment reverted");
    r.contract_address.unwrap()
}

#[test]
fn eth_transfer_fills_everything_from_the_node() {
    let node = chain::shared();
    let alice = citizen(node);
    let bob: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        .parse()
        .unwrap();
    let before = rpc::quantity(&node.http.rpc("eth_getBalance", json!([bob, "latest"]))).unwrap();
    let value = U256::parse_units("0.05", 18).unwrap();
    let (s, e) = send(
        &node.http,
        &alice,
        intent(&alice.address, Some(bob), value, vec![]),
    )
    .unwrap();
    assert_eq!(e.en, format!("send 0.05 ETH to {bob}"));
    assert_eq!(s.tx.tx_type, 2, "anvil has EIP-1559");
    assert_eq!(s.tx.gas, 21_000, "a plain transfer gets no margin");
    let r = receipt(&node.http, &alice, &s);
    assert!(r.status);
    let after = rpc::quantity(&node.http.rpc("eth_getBalance", json!([bob, "latest"]))).unwrap();
    assert_eq!(
        after.to_u128().unwrap() - before.to_u128().unwrap(),
        value.to_u128().unwrap()
    );
    assert!(
        alice.evm.pending(None).unwrap().is_empty(),
        "mined: no longer pending"
    );

    // The legacy type on the same chain (EIP-155), and EIP-2930.
    for t in [0u8, 1] {
        let mut i = intent(&alice.address, Some(bob), U256::from(1u64), vec![]);
        i.tx_type = Some(t);
        let (s, _) = send(&node.http, &alice, i).unwrap();
        assert_eq!(s.tx.tx_type, t);
        assert!(receipt(&node.http, &alice, &s).status);
    }
}

#[test]
fn erc20_and_erc721_transfers_with_their_explanations_and_events() {
    let node = chain::shared();
    let alice = citizen(node);
    let bob = citizen(node);
    let token = deploy(
        &node.http,
        &alice,
        "TestToken",
        &[AbiValue::Uint(U256::from(1_000_000u64))],
        &[AbiType::Uint(256)],
    );
    // Symbol and decimals as an app reads them with eth_call.
    let symbol = erc::decode_string(&eth_call(&node.http, &token, erc::erc20_symbol())).unwrap();
    let decimals = erc::decode_uint(&eth_call(&node.http, &token, erc::erc20_decimals())).unwrap();
    assert_eq!((symbol.as_str(), decimals.to_u64()), ("KRWT", Some(0)));
    let ticket = deploy(&node.http, &alice, "TestTicket", &[], &[]);
    alice.evm.set_known_tokens(vec![
        KnownToken {
            address: token,
            standard: TokenStandard::Erc20,
            symbol,
            decimals: 0,
        },
        KnownToken {
            address: ticket,
            standard: TokenStandard::Erc721,
            symbol: "TIX".into(),
            decimals: 0,
        },
    ]);

    let data = erc::erc20_transfer(&bob.address, U256::from(5_000u64));
    let (s, e) = send(
        &node.http,
        &alice,
        intent(&alice.address, Some(token), U256::ZERO, data),
    )
    .unwrap();
    assert_eq!(
        e.en,
        format!("transfer 5,000 KRWT to {} (token at {token})", bob.address)
    );
    assert_eq!(
        e.ko,
        format!("{}에게 5,000 KRWT 보내기 (토큰 {token})", bob.address)
    );
    let r = receipt(&node.http, &alice, &s);
    let events: Vec<_> = r.logs.iter().filter_map(erc::decode_event).collect();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (
            events[0].event.as_str(),
            events[0].from,
            events[0].to,
            events[0].value
        ),
        ("Transfer", alice.address, bob.address, U256::from(5_000u64))
    );
    let bal =
        erc::decode_uint(&eth_call(&node.http, &token, erc::balance_of(&bob.address))).unwrap();
    assert_eq!(bal, U256::from(5_000u64));

    // A ticket: minted to Alice, given to Bob with safeTransferFrom.
    let mint = abi::encode_call(
        "mint(address,uint256)",
        &[
            AbiValue::Address(alice.address),
            AbiValue::Uint(U256::from(1042u64)),
        ],
    )
    .unwrap();
    let (s, e) = send(
        &node.http,
        &alice,
        intent(&alice.address, Some(ticket), U256::ZERO, mint),
    )
    .unwrap();
    assert_eq!(
        e.action, "call",
        "mint is not a standard call: shown with a warning"
    );
    assert!(receipt(&node.http, &alice, &s).status);
    let give = erc::erc721_safe_transfer_from(&alice.address, &bob.address, U256::from(1042u64));
    let (s, e) = send(
        &node.http,
        &alice,
        intent(&alice.address, Some(ticket), U256::ZERO, give),
    )
    .unwrap();
    assert_eq!(
        e.en,
        format!(
            "give ticket #1042 of contract {ticket} to {} (from {})",
            bob.address, alice.address
        )
    );
    let r = receipt(&node.http, &alice, &s);
    let ev = r
        .logs
        .iter()
        .filter_map(erc::decode_event)
        .find(|e| e.event == "Transfer")
        .unwrap();
    assert_eq!(
        (ev.standard, ev.value),
        (TokenStandard::Erc721, U256::from(1042u64))
    );
    let owner = erc::decode_address(&eth_call(
        &node.http,
        &ticket,
        erc::erc721_owner_of(U256::from(1042u64)),
    ))
    .unwrap();
    assert_eq!(owner, bob.address);

    // An unlimited approval is explained as risky.
    let approve = erc::erc20_approve(&bob.address, U256::MAX);
    let (_, e) = send(
        &node.http,
        &alice,
        intent(&alice.address, Some(token), U256::ZERO, approve),
    )
    .unwrap();
    assert!(e.risky);
    assert_eq!(
        e.en,
        format!(
            "approve {} to spend ALL your KRWT (token at {token})",
            bob.address
        )
    );

    // Reverts, read before anything is signed: a reason string, and OpenZeppelin's custom error.
    let mint = abi::encode_call(
        "mint(address,uint256)",
        &[
            AbiValue::Address(bob.address),
            AbiValue::Uint(U256::from(7u64)),
        ],
    )
    .unwrap();
    let err = send(
        &node.http,
        &bob,
        intent(&bob.address, Some(ticket), U256::ZERO, mint),
    )
    .unwrap_err();
    assert!(
        matches!(&err, EvmError::Rpc(RpcError::Reverted { reason, .. }) if reason == "only the issuer mints tickets"),
        "{err}"
    );
    let too_much = erc::erc20_transfer(&alice.address, U256::from(1_000_000u64));
    let err = send(
        &node.http,
        &bob,
        intent(&bob.address, Some(token), U256::ZERO, too_much),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("ERC20InsufficientBalance("),
        "{err}"
    );
    assert!(
        bob.evm.pending(None).unwrap().is_empty(),
        "nothing was signed or sent"
    );
}

#[test]
fn a_node_on_another_chain_is_refused_before_signing() {
    let node = chain::shared();
    let c = citizen(node);
    let mainnet = EvmWallet::new(c.wallet.clone(), 1, "ETH").unwrap();
    let bob: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        .parse()
        .unwrap();
    let flow = mainnet.send_flow(intent(&c.address, Some(bob), U256::from(1u64), vec![]));
    let mut asked = false;
    let err = mainnet.run(&node.http, flow, &mut |_| {
        asked = true;
        true
    });
    assert!(
        matches!(
            err,
            Err(EvmError::WrongChain {
                expected: 1,
                got: 31337
            })
        ),
        "{err:?}"
    );
    assert!(!asked, "refused before the person is even asked");
    let sent = rpc::quantity_u64(
        &node
            .http
            .rpc("eth_getTransactionCount", json!([c.address, "pending"])),
    )
    .unwrap();
    assert_eq!(sent, 0);
    // A transaction signed for chain 1 is refused by the wallet on 31337 when decoded.
    let tx = Transaction::from_json(r#"{"chainId":1,"nonce":0,"gas":21000,"maxFeePerGas":1,"maxPriorityFeePerGas":1,"to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8"}"#).unwrap();
    let signed = mainnet.sign(&c.address, &tx).unwrap();
    assert!(matches!(
        c.evm.decode(&signed.raw.0),
        Err(EvmError::WrongChain {
            expected: 31337,
            got: 1
        })
    ));
    assert!(matches!(
        c.evm.sign(&c.address, &tx),
        Err(EvmError::WrongChain { .. })
    ));
}

#[test]
fn two_in_flight_then_speed_up_and_cancel() {
    let node = Anvil::start(false);
    let c = citizen(&node);
    let bob: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        .parse()
        .unwrap();
    let (a, _) = send(
        &node.http,
        &c,
        intent(&c.address, Some(bob), U256::from(1u64), vec![]),
    )
    .unwrap();
    let (b, _) = send(
        &node.http,
        &c,
        intent(&c.address, Some(bob), U256::from(2u64), vec![]),
    )
    .unwrap();
    assert_eq!((a.tx.nonce, b.tx.nonce), (0, 1));
    assert_eq!(c.evm.pending(None).unwrap().len(), 2);

    // Speed up the first: same nonce, at least 12.5% more on both fees.
    let mut shown = None;
    let fast = c
        .evm
        .run(
            &node.http,
            c.evm.speed_up_flow(&a.hash).unwrap(),
            &mut |p| {
                shown = Some(p.explanation.clone());
                true
            },
        )
        .unwrap();
    assert_eq!(fast.tx.nonce, 0);
    let old_tip = a.tx.max_priority_fee_per_gas.unwrap().to_u128().unwrap();
    let new_tip = fast.tx.max_priority_fee_per_gas.unwrap().to_u128().unwrap();
    assert!(
        new_tip >= old_tip + old_tip / 8 && new_tip > old_tip,
        "{old_tip} → {new_tip}"
    );
    // Cancel the second: a 0-value transfer to self with its nonce.
    let cancel = c
        .evm
        .run(&node.http, c.evm.cancel_flow(&b.hash).unwrap(), &mut |_| {
            true
        })
        .unwrap();
    assert_eq!(
        (cancel.tx.nonce, cancel.tx.to, cancel.tx.value),
        (1, Some(c.address), U256::ZERO)
    );
    assert_eq!(
        shown.unwrap().en,
        format!("send 0.000000000000000001 ETH to {bob}")
    );
    node.mine();

    assert!(receipt(&node.http, &c, &fast).status);
    assert!(receipt(&node.http, &c, &cancel).status);
    use jigap_core::evm::JsonRpcTransport;
    for replaced in [&a, &b] {
        let reply = node
            .http
            .call(&c.evm.receipt_request(&replaced.hash))
            .unwrap();
        assert_eq!(
            c.evm.on_receipt(&reply).unwrap(),
            None,
            "the replaced one is never mined"
        );
    }
    assert!(c.evm.pending(None).unwrap().is_empty());
    // Bob got the first payment (sped up) and not the second (cancelled).
    let bal = rpc::quantity(&node.http.rpc("eth_getBalance", json!([bob, "latest"]))).unwrap();
    let start = 10_000u128 * 1_000_000_000_000_000_000; // anvil's dev account balance
    assert_eq!(bal.to_u128().unwrap(), start + 1);

    // The node remembers the nonce: the next send uses 2.
    let (n, _) = send(
        &node.http,
        &c,
        intent(&c.address, Some(bob), U256::from(1u64), vec![]),
    )
    .unwrap();
    assert_eq!(n.tx.nonce, 2);
    // A replacement that pays no more is refused by the node, typed.
    let mut same = n.tx.clone();
    same.value = U256::from(9u64);
    let raw = c.evm.sign(&c.address, &same).unwrap();
    let reply = node.http.call(&rpc::send_raw(1, &raw.raw.0)).unwrap();
    assert!(
        matches!(
            rpc::result(&reply, 1),
            Err(EvmError::Rpc(RpcError::Underpriced(_)))
        ),
        "{reply}"
    );
}

#[test]
fn raw_transactions_round_trip_through_the_node() {
    let node = chain::shared();
    let c = citizen(node);
    let tx = Transaction::from_json(&format!(
        r#"{{"type":2,"chainId":31337,"nonce":0,"gas":21000,"maxFeePerGas":"100000000000","maxPriorityFeePerGas":"1000000000","to":"{}","value":"12345"}}"#,
        c.address
    ))
    .unwrap();
    let s = c.evm.sign(&c.address, &tx).unwrap();
    let hash = node.http.rpc("eth_sendRawTransaction", json!([s.raw]));
    assert_eq!(hash.as_str().unwrap(), s.hash.to_string());
    let got = node.http.rpc("eth_getTransactionByHash", json!([s.hash]));
    assert_eq!(
        got["from"].as_str().unwrap().to_lowercase(),
        c.address.to_string().to_lowercase()
    );
    assert_eq!(c.evm.decode(&s.raw.0).unwrap(), s);
}
