//! `jigap demo --chain`: the on-chain part of the journey, on anvil (started here when it is
//! installed) or the node of `--rpc`. The city's treasury — anvil's first development account,
//! held in a jigap wallet like any other — funds the citizen, issues a KRWT token and grants
//! some; the citizen pays a shop in KRWT after reading what the transaction does; the balances
//! are read back from the ledger.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jigap_core::env::Env;
use jigap_core::error::ErrorClass;
use jigap_core::evm::{
    AbiType, AbiValue, EvmWallet, JsonRpcTransport, Receipt, SendIntent, SignedTransaction,
    TokenStandard, U256, abi, erc, rpc,
};
use jigap_core::keys::{Address, Language, Mnemonic};
use jigap_core::store::MemoryStore;
use jigap_core::wallet::{Wallet, WalletOptions};
use serde_json::json;

use crate::demo::Transcript;
use crate::evm_cmd::Http;
use crate::io::{CliError, CliResult};

/// The token the city issues: OpenZeppelin's ERC-20 as `tests/contracts/TestToken.sol` compiles
/// (solc-js 0.8.37; `cli/tests/evm.rs` checks it is the same bytes).
const TOKEN_CODE: &str = include_str!("../assets/TestToken.hex");

/// Foundry's development mnemonic: its account 0 holds 10,000 ETH on every fresh anvil.
const ANVIL_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// anvil, stopped when dropped (or when the demo dies: it runs under a shell that kills it when
/// our end of its stdin closes).
struct Node {
    child: Option<Child>,
    url: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            if let Some(mut s) = c.stdin.take() {
                let _ = s.write_all(b"\n");
            }
            let _ = c.wait();
        }
    }
}

fn anvil_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ANVIL") {
        return Some(PathBuf::from(p));
    }
    let local = PathBuf::from("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    if local.exists() {
        return Some(local);
    }
    let on_path = Command::new("anvil")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    on_path
        .is_ok_and(|s| s.success())
        .then(|| PathBuf::from("anvil"))
}

fn start(rpc_url: Option<&str>) -> CliResult<Node> {
    if let Some(url) = rpc_url {
        return Ok(Node {
            child: None,
            url: url.to_string(),
        });
    }
    let bin = anvil_binary().ok_or_else(|| {
        CliError::new(
            ErrorClass::NotFound,
            "--chain needs a node: install anvil (`npm ci` in the repository, or Foundry), set ANVIL=/path/to/anvil, or pass --rpc URL",
        )
    })?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| CliError::new(ErrorClass::Network, format!("no free loopback port: {e}")))?;
    let script = format!(
        "'{}' --host 127.0.0.1 --port {port} --chain-id 31337 --quiet & a=$!; read _; kill $a",
        bin.display()
    );
    let child = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| CliError::new(ErrorClass::Network, format!("cannot start anvil: {e}")))?;
    let node = Node {
        child: Some(child),
        url: format!("http://127.0.0.1:{port}"),
    };
    let http = Http::new(&node.url);
    let t = Instant::now();
    while http.call(&rpc::chain_id(1)).is_err() {
        if t.elapsed() > Duration::from_secs(20) {
            return Err(CliError::new(
                ErrorClass::Network,
                format!("anvil did not answer on {}", node.url),
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(node)
}

fn send(
    http: &Http,
    evm: &EvmWallet,
    intent: SendIntent,
) -> CliResult<(SignedTransaction, String, Receipt)> {
    let mut said = String::new();
    let signed = evm.run(http, evm.send_flow(intent), &mut |p| {
        said = format!("{}\n{}", p.explanation.en, p.explanation.ko);
        true
    })?;
    let receipt = crate::evm_cmd::wait(http, evm, &signed.hash, 60)?;
    Ok((signed, said, receipt))
}

fn intent(from: Address, to: Option<Address>, value: U256, data: Vec<u8>) -> SendIntent {
    SendIntent {
        from,
        to,
        value,
        data: data.into(),
        ..SendIntent::default()
    }
}

/// The chain steps, with the citizen's wallet and the shop's address from the journey.
pub fn chain_part(
    t: &mut Transcript,
    citizen: &Arc<Wallet>,
    shop: Address,
    rpc_url: Option<&str>,
) -> CliResult<()> {
    let node = start(rpc_url)?;
    let http = Http::new(&node.url);
    let chain_id = rpc::quantity_u64(&rpc::result(&http.call(&rpc::chain_id(1))?, 1)?)?;
    let treasury_wallet = Arc::new(Wallet::restore(
        Arc::new(MemoryStore::new()),
        Env::system(),
        b"246810",
        &Mnemonic::parse(ANVIL_MNEMONIC, Some(Language::English))?,
        "",
        WalletOptions::fast_for_tests().vault,
    )?);
    let treasury = treasury_wallet.account(0)?.address;
    let city = EvmWallet::new(treasury_wallet, chain_id, "ETH")?;
    let me = citizen.account(0)?.address;
    let wallet = EvmWallet::new(citizen.clone(), chain_id, "ETH")?;

    let (_, said, r) = send(
        &http,
        &city,
        intent(treasury, Some(me), U256::parse_units("1", 18)?, vec![]),
    )?;
    let got = rpc::read::balance_of(&http, &me, None)?;
    t.check(
        "On chain: the city's treasury funds the citizen's account",
        r.status && got >= U256::parse_units("1", 18)?,
        format!("node {} (chain {chain_id})\n{said}\nblock {}, gas {}; the citizen holds {} ETH", node.url, r.block, r.gas_used, got.format_units(18)),
        json!({"rpc": node.url, "chain_id": chain_id, "hash": r.hash.to_string(), "block": r.block, "balance_wei": got.to_string()}),
    )?;

    let mut code = TOKEN_CODE.trim().parse::<jigap_core::evm::HexData>()?.0;
    code.extend(abi::encode(
        &[AbiType::Uint(256)],
        &[AbiValue::Uint(U256::from(1_000_000u64))],
    )?);
    let (_, _, deployed) = send(&http, &city, intent(treasury, None, U256::ZERO, code))?;
    let token = deployed.contract_address.ok_or_else(|| {
        CliError::new(
            ErrorClass::Internal,
            "the token deployment returned no contract address",
        )
    })?;
    let info = rpc::read::token(&http, &token, TokenStandard::Erc20)?;
    city.set_known_tokens(vec![info.clone()]);
    let (_, said, r) = send(
        &http,
        &city,
        intent(
            treasury,
            Some(token),
            U256::ZERO,
            erc::erc20_transfer(&me, U256::from(50_000u64)),
        ),
    )?;
    t.check(
        "On chain: the city issues its KRWT deposit token and grants the citizen 50,000",
        r.status && info.symbol == "KRWT",
        format!(
            "token {token} ({}, {} decimals)\n{said}",
            info.symbol, info.decimals
        ),
        json!({"token": token.to_string(), "symbol": info.symbol, "hash": r.hash.to_string()}),
    )?;

    wallet.set_known_tokens(vec![info]);
    let (signed, said, r) = send(
        &http,
        &wallet,
        intent(
            me,
            Some(token),
            U256::ZERO,
            erc::erc20_transfer(&shop, U256::from(5_000u64)),
        ),
    )?;
    let events: Vec<_> = r.logs.iter().filter_map(erc::decode_event).collect();
    let paid = events.iter().any(|e| {
        e.event == "Transfer" && e.from == me && e.to == shop && e.value == U256::from(5_000u64)
    });
    t.check(
        "On chain: the citizen reads what the payment does, signs it, and the ledger takes it",
        r.status && paid,
        format!("{said}\nhash {}\nreceipt: block {}, gas {}, event Transfer {me} → {shop} 5,000 KRWT", signed.hash, r.block, r.gas_used),
        json!({"hash": signed.hash.to_string(), "status": r.status, "block": r.block, "gas_used": r.gas_used, "events": events.len()}),
    )?;

    let mine = rpc::read::balance_of(&http, &me, Some(&token))?;
    let theirs = rpc::read::balance_of(&http, &shop, Some(&token))?;
    t.check(
        "On chain: balances read back from the ledger",
        mine == U256::from(45_000u64) && theirs == U256::from(5_000u64),
        format!(
            "citizen {} KRWT, shop {} KRWT",
            mine.format_units(0),
            theirs.format_units(0)
        ),
        json!({"citizen": mine.to_string(), "shop": theirs.to_string()}),
    )?;
    Ok(())
}
