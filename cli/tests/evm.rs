//! `jigap evm` from the shell against a real node (anvil): send ETH, deploy and move an ERC-20
//! and an ERC-721, read balances and receipts, refuse a wrong chain and a risky approval without
//! --yes, see a revert's reason, and speed up and cancel with automine off.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use jigap_tests::chain::{self, Anvil};
use serde_json::{Value, json};

const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

mod common;
use common::run;

fn ok(args: &[&str]) -> Value {
    let (code, v, err) = run(args, "");
    assert_eq!(code, 0, "jigap {args:?}: {err}");
    v
}

fn fails(args: &[&str]) -> (String, String) {
    let (code, _, err) = run(args, "");
    assert_eq!(code, 1, "jigap {args:?} should fail");
    let e: Value = serde_json::from_str(err.trim()).unwrap();
    (
        e["error"]["kind"].as_str().unwrap().into(),
        e["error"]["message"].as_str().unwrap().into(),
    )
}

struct Citizen {
    _tmp: tempfile::TempDir,
    dir: String,
    pin: String,
    address: String,
}

fn citizen(node: &Anvil) -> Citizen {
    let tmp = tempfile::tempdir().unwrap();
    let pin = tmp.path().join("pin");
    std::fs::write(&pin, "123456").unwrap();
    let dir = tmp.path().join("wallet");
    let (dir, pin) = (dir.display().to_string(), pin.display().to_string());
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
    let address = v["address"].as_str().unwrap().to_string();
    node.fund(&address.parse().unwrap(), 100);
    Citizen {
        _tmp: tmp,
        dir,
        pin,
        address,
    }
}

impl Citizen {
    fn send(&self, node: &Anvil, cmd: &str, extra: &[&str]) -> Value {
        let mut args = vec![
            "evm",
            cmd,
            "--rpc",
            &node.url,
            "--dir",
            &self.dir,
            "--pin-file",
            &self.pin,
        ];
        args.extend_from_slice(extra);
        ok(&args)
    }
    fn send_fails(&self, node: &Anvil, cmd: &str, extra: &[&str]) -> (String, String) {
        let mut args = vec![
            "evm",
            cmd,
            "--rpc",
            &node.url,
            "--dir",
            &self.dir,
            "--pin-file",
            &self.pin,
        ];
        args.extend_from_slice(extra);
        fails(&args)
    }
}

fn code_of(name: &str, args: &str) -> String {
    let c = chain::contract(name);
    format!(
        "0x{}{}",
        hex::encode(c.bytecode),
        args.trim_start_matches("0x")
    )
}

#[test]
fn send_deploy_transfer_tokens_balances_and_refusals() {
    let node = chain::shared();
    let alice = citizen(node);
    let before = ok(&["evm", "balance", "--rpc", &node.url, "--address", BOB])["balance"]
        .as_str()
        .unwrap()
        .parse::<u128>()
        .unwrap();
    let sent = alice.send(node, "send", &["--to", BOB, "--value", "50000000000000000"]);
    assert_eq!(sent["status"], "success", "{sent}");
    assert_eq!(sent["explanation"]["en"], format!("send 0.05 ETH to {BOB}"));
    assert_eq!(sent["gas_used"], 21000);
    let after = ok(&["evm", "balance", "--rpc", &node.url, "--address", BOB]);
    assert_eq!(
        after["balance"].as_str().unwrap().parse::<u128>().unwrap() - before,
        50_000_000_000_000_000
    );

    // Deploy OpenZeppelin's ERC-20 (1,000,000 KRWT to Alice) and transfer 5,000 of it.
    let supply = ok(&[
        "evm",
        "calldata",
        "--signature",
        "f(uint256)",
        "--args",
        "[\"1000000\"]",
    ])["data"]
        .as_str()
        .unwrap()[10..]
        .to_string();
    let deployed = alice.send(node, "send", &["--data", &code_of("TestToken", &supply)]);
    assert_eq!(deployed["explanation"]["action"], "deploy");
    let token = deployed["contract_address"].as_str().unwrap().to_string();
    let t = alice.send(
        node,
        "erc20-transfer",
        &["--token", &token, "--to", BOB, "--amount", "5000"],
    );
    assert_eq!(t["status"], "success");
    assert_eq!(
        t["explanation"]["en"],
        format!("transfer 5,000 KRWT to {BOB} (token at {token})")
    );
    assert_eq!(
        t["explanation"]["ko"],
        format!("{BOB}에게 5,000 KRWT 보내기 (토큰 {token})")
    );
    let b = ok(&[
        "evm",
        "balance",
        "--rpc",
        &node.url,
        "--address",
        BOB,
        "--token",
        &token,
    ]);
    assert_eq!(
        (b["balance"].as_str(), b["formatted"].as_str()),
        (Some("5000"), Some("5,000 KRWT"))
    );
    let r = ok(&[
        "evm",
        "receipt",
        "--rpc",
        &node.url,
        "--hash",
        t["hash"].as_str().unwrap(),
    ]);
    assert_eq!(r["events"][0]["event"], "Transfer");
    assert_eq!(r["events"][0]["value"], "5000");

    // A ticket: deploy, mint #1042 to Alice, give it to Bob.
    let ticket =
        alice.send(node, "send", &["--data", &code_of("TestTicket", "")])["contract_address"]
            .as_str()
            .unwrap()
            .to_string();
    let mint = ok(&[
        "evm",
        "calldata",
        "--signature",
        "mint(address,uint256)",
        "--args",
        &json!([alice.address, "1042"]).to_string(),
    ]);
    alice.send(
        node,
        "send",
        &["--to", &ticket, "--data", mint["data"].as_str().unwrap()],
    );
    let g = alice.send(
        node,
        "erc721-transfer",
        &["--contract", &ticket, "--token-id", "1042", "--to", BOB],
    );
    assert_eq!(
        g["explanation"]["en"],
        format!(
            "give ticket #1042 of contract {ticket} to {BOB} (from {})",
            alice.address
        )
    );
    assert_eq!(g["status"], "success");

    // Refusals, each with its kind and a sentence.
    let (kind, msg) = alice.send_fails(
        node,
        "send",
        &["--to", BOB, "--value", "1", "--chain-id", "1"],
    );
    assert_eq!(kind, "InvalidInput");
    assert!(
        msg.contains("chain 31337") && msg.contains("chain 1"),
        "{msg}"
    );
    let (kind, msg) = alice.send_fails(
        node,
        "erc20-transfer",
        &["--token", &token, "--to", BOB, "--amount", "2000000"],
    );
    assert_eq!(kind, "Refused");
    assert!(msg.contains("ERC20InsufficientBalance("), "{msg}");
    let all = ok(&[
        "evm",
        "calldata",
        "--signature",
        "approve(address,uint256)",
        "--args",
        &json!([BOB, format!("0x{}", "f".repeat(64))]).to_string(),
    ]);
    let (kind, msg) = alice.send_fails(
        node,
        "send",
        &["--to", &token, "--data", all["data"].as_str().unwrap()],
    );
    assert_eq!(kind, "Refused");
    assert!(
        msg.contains("ALL your KRWT") && msg.contains("--yes"),
        "{msg}"
    );
    let approved = alice.send(
        node,
        "send",
        &[
            "--to",
            &token,
            "--data",
            all["data"].as_str().unwrap(),
            "--yes",
        ],
    );
    assert!(approved["explanation"]["risky"].as_bool().unwrap());
    let warnings = approved["explanation"]["warnings_en"].to_string();
    assert!(
        warnings.contains("what the contract says about itself"),
        "an unknown token's own symbol is flagged: {warnings}"
    );
}

#[test]
fn sign_offline_then_send_the_raw_bytes() {
    let node = chain::shared();
    let phrase = ok(&["keys", "new"])["mnemonic"]
        .as_str()
        .unwrap()
        .to_string();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tx.json");
    std::fs::write(
        &file,
        json!({"type": 2, "chainId": 31337, "nonce": 0, "to": BOB, "value": "12345",
        "gas": 21000, "maxFeePerGas": "100000000000", "maxPriorityFeePerGas": "1000000000"})
        .to_string(),
    )
    .unwrap();
    let (code, signed, err) = run(
        &[
            "evm",
            "sign",
            "--account",
            "1",
            "--file",
            file.to_str().unwrap(),
        ],
        &phrase,
    );
    assert_eq!(code, 0, "{err}");
    let from = signed["from"].as_str().unwrap();
    let derived = ok_stdin(&["keys", "derive", "--account", "1"], &phrase);
    assert_eq!(from, derived["address"].as_str().unwrap());
    node.fund(&from.parse().unwrap(), 1);
    let hash = node
        .http
        .rpc("eth_sendRawTransaction", json!([signed["raw"]]));
    assert_eq!(hash, signed["hash"]);
    let decoded = ok(&[
        "evm",
        "decode",
        "--raw",
        signed["raw"].as_str().unwrap(),
        "--chain-id",
        "31337",
    ]);
    assert_eq!(decoded["from"], from);
    assert_eq!(
        decoded["explanation"]["en"],
        format!("send 0.000000000000012345 ETH to {BOB}")
    );
    let r = ok(&[
        "evm",
        "receipt",
        "--rpc",
        &node.url,
        "--hash",
        signed["hash"].as_str().unwrap(),
    ]);
    assert_eq!(r["status"], "success");
    assert!(Path::new(&file).exists());
}

fn ok_stdin(args: &[&str], stdin: &str) -> Value {
    let (code, v, err) = run(args, stdin);
    assert_eq!(code, 0, "jigap {args:?}: {err}");
    v
}

#[test]
fn speed_up_and_cancel_pending_transactions() {
    let node = Anvil::start(false);
    let c = citizen(&node);
    let a = c.send(&node, "send", &["--to", BOB, "--value", "1", "--no-wait"]);
    let b = c.send(&node, "send", &["--to", BOB, "--value", "2", "--no-wait"]);
    assert_eq!(
        (a["nonce"].as_u64(), b["nonce"].as_u64()),
        (Some(0), Some(1))
    );
    let pending = ok(&[
        "evm",
        "pending",
        "--rpc",
        &node.url,
        "--dir",
        &c.dir,
        "--pin-file",
        &c.pin,
    ]);
    assert_eq!(pending.as_array().unwrap().len(), 2);
    let fast = c.send(
        &node,
        "speed-up",
        &["--hash", a["hash"].as_str().unwrap(), "--no-wait"],
    );
    let cancel = c.send(
        &node,
        "cancel",
        &["--hash", b["hash"].as_str().unwrap(), "--no-wait"],
    );
    assert_eq!(
        (fast["nonce"].as_u64(), cancel["nonce"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(
        cancel["explanation"]["en"],
        format!("send 0 ETH to {}", c.address)
    );
    node.mine();
    for h in [&fast, &cancel] {
        let r = ok(&[
            "evm",
            "receipt",
            "--rpc",
            &node.url,
            "--hash",
            h["hash"].as_str().unwrap(),
        ]);
        assert_eq!(r["status"], "success");
    }
    let (kind, _) = fails(&[
        "evm",
        "receipt",
        "--rpc",
        &node.url,
        "--hash",
        a["hash"].as_str().unwrap(),
    ]);
    assert_eq!(kind, "NotFound", "the replaced transaction is never mined");
}

/// The token `jigap demo --chain` deploys is the compiled `tests/contracts/TestToken.sol`.
#[test]
fn the_demo_token_is_the_compiled_test_token() {
    let embedded = include_str!("../assets/TestToken.hex").trim();
    let compiled = format!("0x{}", hex::encode(chain::contract("TestToken").bytecode));
    assert_eq!(
        embedded, compiled,
        "run: node scripts/contracts/compile.mjs target/contracts contracts tests/contracts && copy TestToken's bytecode to cli/assets/TestToken.hex"
    );
}

/// `jigap demo --chain` starts anvil itself (here through ANVIL) and every step holds.
#[test]
fn demo_with_the_chain_steps() {
    let out = Command::new(env!("CARGO_BIN_EXE_jigap"))
        .args(["demo", "--chain", "--json"])
        .env("ANVIL", chain::anvil_bin())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps = v["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| s["ok"] == true));
    assert_eq!(chain_steps(&v).len(), 6);
}

fn chain_steps(v: &Value) -> Vec<&Value> {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["title"].as_str().unwrap().starts_with("On chain"))
        .collect()
}

/// `jigap demo --chain --rpc URL` on a node started by hand: its transcript names the
/// contracts, accounts and transactions, and an independent client (ethers) reads the same
/// state back from the node.
#[test]
fn demo_transcript_names_what_anyone_can_check_on_chain() {
    let node = Anvil::start(true);
    let out = Command::new(env!("CARGO_BIN_EXE_jigap"))
        .args(["demo", "--chain", "--json", "--rpc", &node.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let chain = chain_steps(&v);
    for s in &chain {
        let d = &s["details"];
        assert!(
            d["contracts"].is_object() && d["transactions"].is_array(),
            "{s}"
        );
        for role in ["city", "citizen", "shop"] {
            assert!(d["accounts"][role].is_string(), "{s}");
        }
        for h in d["transactions"].as_array().unwrap() {
            let r = node.http.rpc("eth_getTransactionReceipt", json!([h]));
            assert_eq!(r["status"], "0x1", "{h} is on the node and succeeded");
        }
    }
    let last = &chain.last().unwrap()["details"];
    let pool: jigap_core::keys::Address = last["contracts"]["VoucherPool"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let voucher = chain[2]["details"]["voucher"].as_str().unwrap();
    let redemption = chain[3]["details"]["redemption_hash"].as_str().unwrap();
    chain::ethers_check(
        "pool",
        &node.url,
        &pool,
        voucher,
        json!({"remaining": 20_000, "spent": 30_000, "refunded": 0, "spentEvents": 1, "redemptionHash": redemption}),
    );
    assert!(chain[4]["details"]["gas_used"].as_u64().unwrap() < 150_000);
}
