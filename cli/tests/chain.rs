//! The on-chain voucher and ticket commands from the shell against anvil: a city deploys a
//! pool over its KRWT token, funds it, registers a shop and a citizen's voucher; the citizen
//! pays offline, the shop redeems on chain, the wallet syncs; a refund. Then tickets: deploy,
//! mint, a resale through the contract (one above the cap refused), the seller's wallet syncs,
//! the gate checks in on chain.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jigap_tests::chain::{self, Anvil};
use serde_json::Value;

mod common;
use common::run;

fn ok(args: &[&str]) -> Value {
    let (code, v, err) = run(args, "");
    assert_eq!(code, 0, "jigap {args:?}: {err}");
    v
}

fn fails(args: &[&str]) -> String {
    let (code, _, err) = run(args, "");
    assert_eq!(code, 1, "jigap {args:?} should fail");
    err
}

/// A vault on disk with a funded account 0, and its mnemonic in a key file.
struct Who {
    _tmp: tempfile::TempDir,
    dir: String,
    pin: String,
    key: String,
    address: String,
}

fn who(node: &Anvil) -> Who {
    let tmp = tempfile::tempdir().unwrap();
    let pin = tmp.path().join("pin");
    std::fs::write(&pin, "123456").unwrap();
    let dir = tmp.path().join("wallet").display().to_string();
    let pin = pin.display().to_string();
    let v = ok(&[
        "vault",
        "init",
        "--dir",
        &dir,
        "--kdf",
        "fast",
        "--pin-file",
        &pin,
    ]);
    let key = tmp.path().join("key");
    std::fs::write(&key, v["mnemonic"].as_str().unwrap()).unwrap();
    let address = v["address"].as_str().unwrap().to_string();
    node.fund(&address.parse().unwrap(), 100);
    Who {
        _tmp: tmp,
        dir,
        pin,
        key: key.display().to_string(),
        address,
    }
}

impl Who {
    /// `jigap DOMAIN CMD --rpc URL --dir D --pin-file P EXTRA…`
    fn send(&self, node: &Anvil, cmd: &[&str], extra: &[&str]) -> Value {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend([
            "--rpc",
            &node.url,
            "--dir",
            &self.dir,
            "--pin-file",
            &self.pin,
        ]);
        args.extend_from_slice(extra);
        ok(&args)
    }

    fn vault(&self, cmd: &[&str], extra: &[&str]) -> Value {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend(["--dir", &self.dir, "--pin-file", &self.pin]);
        args.extend_from_slice(extra);
        ok(&args)
    }
}

/// Deploy the test KRWT token (all of it to `by`).
fn token(node: &Anvil, by: &Who) -> String {
    let code = format!(
        "0x{}{:064x}",
        hex::encode(chain::contract("TestToken").bytecode),
        1_000_000_000u64
    );
    let v = by.send(node, &["evm", "send"], &["--data", &code]);
    v["contract_address"].as_str().unwrap().to_string()
}

#[test]
fn the_embedded_contracts_are_the_compiled_ones() {
    for (name, hex) in [
        ("VoucherPool", include_str!("../assets/VoucherPool.hex")),
        ("TicketToken", include_str!("../assets/TicketToken.hex")),
    ] {
        let compiled = format!("0x{}", hex::encode(chain::contract(name).bytecode));
        assert_eq!(
            hex.trim(),
            compiled,
            "run: node scripts/contracts/compile.mjs target/contracts contracts tests/contracts && copy {name}'s bytecode to cli/assets/{name}.hex"
        );
    }
}

#[test]
fn a_voucher_settles_on_chain_from_the_shell() {
    let node = chain::shared();
    let (city, shop, citizen) = (who(node), who(node), who(node));
    let pool = city.send(
        node,
        &["voucher", "deploy"],
        &["--new-test-token", "1000000000"],
    );
    assert_eq!(
        pool["transactions"].as_array().unwrap().len(),
        2,
        "token, then pool"
    );
    let pool = pool["pool"].as_str().unwrap().to_string();
    let funded = city.send(
        node,
        &["voucher", "fund"],
        &["--pool", &pool, "--amount", "100000"],
    );
    assert_eq!(funded["solvency"]["unallocated"], 100_000);
    assert_eq!(
        funded["transactions"].as_array().unwrap().len(),
        2,
        "approve, then fund"
    );
    city.send(
        node,
        &["voucher", "register-merchant"],
        &[
            "--pool",
            &pool,
            "--merchant",
            &shop.address,
            "--category",
            "5411",
            "--region",
            "KR-11",
        ],
    );
    // Everyone works under the pool's domain.
    for w in [&citizen, &shop] {
        w.vault(
            &["voucher", "trust"],
            &["--chain-id", "31337", "--contract", &pool],
        );
    }
    let grant = ok(&[
        "voucher",
        "grant",
        "--key-file",
        &city.key,
        "--holder",
        &citizen.address,
        "--amount",
        "50000",
        "--chain-id",
        "31337",
        "--contract",
        &pool,
    ]);
    let grant = grant["grant"].as_str().unwrap();
    let reg = city.send(
        node,
        &["voucher", "register"],
        &["--pool", &pool, "--grant", grant],
    );
    assert_eq!(reg["registered"][0]["amount"], 50_000);
    citizen.vault(
        &["voucher", "trust"],
        &["--issuer", &city.address, "--name", "Seoul"],
    );
    citizen.vault(&["voucher", "import"], &["--grant", grant]);

    // Offline at the counter.
    let req = shop.vault(
        &["voucher", "request"],
        &[
            "--name",
            "Mangwon Market",
            "--category",
            "5411",
            "--region",
            "KR-11",
            "--amount",
            "30000",
            "--ttl",
            "600",
        ],
    );
    let req = req["request"].as_str().unwrap();
    let pay = citizen.vault(&["voucher", "pay"], &["--request", req]);
    let red = pay["redemption"].as_str().unwrap();
    shop.vault(
        &["voucher", "verify"],
        &[
            "--request",
            req,
            "--redemption",
            red,
            "--trust",
            &city.address,
        ],
    );

    // The shop settles on chain; a second time is refused with the reason.
    let settled = shop.send(
        node,
        &["voucher", "redeem-onchain"],
        &["--pool", &pool, "--request", req, "--redemption", red],
    );
    assert_eq!(settled["settled"][0]["total"], 30_000);
    assert_eq!(
        settled["settled"][0]["redemption_hash"],
        pay["redemption_hash"]
    );
    assert!(settled["gas_used"].as_u64().unwrap() < 150_000);
    let err = fails(&[
        "voucher",
        "redeem-onchain",
        "--rpc",
        &node.url,
        "--dir",
        &shop.dir,
        "--pin-file",
        &shop.pin,
        "--pool",
        &pool,
        "--request",
        req,
        "--redemption",
        red,
    ]);
    assert!(err.contains("AlreadyRedeemed("), "{err}");

    // The citizen syncs: settled, no issuer signature needed.
    let sync = citizen.send(node, &["voucher", "sync"], &[]);
    assert_eq!(sync["settled"], 1);
    assert_eq!(sync["balances"][0]["spendable"], 20_000);
    assert_eq!(sync["vouchers"][0]["in_step"], true);

    // A refund by the shop, seen by the wallet.
    let voucher = sync["vouchers"][0]["voucher"].as_str().unwrap().to_string();
    shop.send(
        node,
        &["voucher", "refund-onchain"],
        &["--pool", &pool, "--voucher", &voucher, "--amount", "5000"],
    );
    let sync = citizen.send(node, &["voucher", "sync"], &[]);
    assert_eq!(
        (
            sync["refunded"].as_u64(),
            sync["balances"][0]["spendable"].as_u64()
        ),
        (Some(1), Some(25_000))
    );
    let state = ok(&[
        "voucher",
        "pool-state",
        "--rpc",
        &node.url,
        "--pool",
        &pool,
        "--voucher",
        &voucher,
    ]);
    assert_eq!(state["voucher"]["remaining"], 25_000);
    assert_eq!(state["solvency"]["solvent"], true);
}

#[test]
fn a_ticket_is_resold_on_chain_and_checked_in_from_the_shell() {
    let node = chain::shared();
    let (issuer, seller, buyer, gate) = (who(node), who(node), who(node), who(node));
    let krwt = token(node, &issuer);
    ok(&[
        "evm",
        "erc20-transfer",
        "--rpc",
        &node.url,
        "--dir",
        &issuer.dir,
        "--pin-file",
        &issuer.pin,
        "--token",
        &krwt,
        "--to",
        &buyer.address,
        "--amount",
        "200000",
    ]);
    let c = issuer.send(
        node,
        &["ticket", "deploy"],
        &["--token", &krwt, "--name", "Winter", "--symbol", "WNTR"],
    );
    let contract = c["contract"].as_str().unwrap().to_string();
    let issuer_id = ok(&["ticket", "issuer-id", "--key-file", &issuer.key])["identity"]
        .as_str()
        .unwrap()
        .to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for w in [&seller, &buyer] {
        w.vault(&["ticket", "trust"], &["--issuer", &issuer_id]);
    }
    let holder = seller.vault(&["ticket", "holder-id"], &[])["holder_id"]
        .as_str()
        .unwrap()
        .to_string();
    let event = issuer._tmp.path().join("event.json");
    std::fs::write(
        &event,
        serde_json::json!({"id": "WNTR-1", "name": "Winter concert", "venue": "KSPO Dome",
                           "doors_open": now - 3600, "start": now, "end": now + 7200})
        .to_string(),
    )
    .unwrap();
    let registry = issuer._tmp.path().join("registry.json");
    let grant = ok(&[
        "ticket",
        "grant",
        "--key-file",
        &issuer.key,
        "--holder",
        &holder,
        "--chain-id",
        "31337",
        "--contract",
        &contract,
        "--token-id",
        "5",
        "--event",
        &event.display().to_string(),
        "--section",
        "A",
        "--row",
        "1",
        "--number",
        "5",
        "--transferable",
        "--price-cap",
        "80000",
        "--currency",
        "KRW",
        "--max-transfers",
        "1",
        "--registry",
        &registry.display().to_string(),
    ]);
    let grant = grant["grant"].as_str().unwrap();
    let minted = issuer.send(node, &["ticket", "mint-onchain"], &["--grant", grant]);
    assert_eq!(
        minted["minted"][0]["owner"]
            .as_str()
            .unwrap()
            .to_lowercase(),
        seller.address.to_lowercase()
    );
    seller.vault(&["ticket", "import"], &["--grant", grant]);
    let id = format!("31337:{contract}:5");

    let err = fails(&[
        "ticket",
        "resell",
        "--rpc",
        &node.url,
        "--dir",
        &seller.dir,
        "--pin-file",
        &seller.pin,
        "--ticket",
        &id,
        "--price",
        "80001",
    ]);
    assert!(
        err.contains("LimitExceeded") && err.contains("resale cap"),
        "{err}"
    );
    seller.send(
        node,
        &["ticket", "resell"],
        &["--ticket", &id, "--price", "80000"],
    );
    let bought = buyer.send(node, &["ticket", "buy"], &["--ticket", &id]);
    assert_eq!(bought["resold"][0]["price"], 80_000);
    // The issuer reissues from the purchase; the buyer imports the new grant.
    let tx = bought["transactions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let next = ok(&[
        "ticket",
        "reissue-resold",
        "--key-file",
        &issuer.key,
        "--rpc",
        &node.url,
        "--grant",
        grant,
        "--tx",
        &tx,
    ]);
    assert_eq!(
        next["holder"].as_str().unwrap().to_lowercase(),
        buyer.address.to_lowercase()
    );
    buyer.vault(
        &["ticket", "import"],
        &["--grant", next["grant"].as_str().unwrap()],
    );
    let sync = seller.send(node, &["ticket", "sync"], &[]);
    assert_eq!(sync["tickets"][0]["changed"], true);
    assert_eq!(
        sync["tickets"][0]["status"], "Void",
        "transferred away: not showable"
    );

    issuer.send(
        node,
        &["ticket", "set-gate"],
        &["--contract", &contract, "--gate", &gate.address],
    );
    gate.send(
        node,
        &["ticket", "check-in-onchain"],
        &["--contract", &contract, "--token-id", "5"],
    );
    let st = ok(&["ticket", "chain-state", "--rpc", &node.url, "--ticket", &id]);
    let used = buyer.send(node, &["ticket", "sync"], &[]);
    assert_eq!(used["tickets"][0]["status"], "Redeemed");
    assert_eq!(st["tickets"][0]["status"], "Redeemed");
    assert_eq!(st["tickets"][0]["locked"], true);
}
