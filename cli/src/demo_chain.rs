//! `jigap demo --chain`: the on-chain part of the journey, on anvil (started here when it is
//! installed) or the node of `--rpc`. The city's treasury — anvil's first development account,
//! held in a jigap wallet like any other — deploys a KRWT deposit token and a `VoucherPool`,
//! funds it and registers a shop and a citizen's voucher; the citizen pays at the shop offline,
//! the shop redeems on chain and the citizen's wallet syncs the settlement from the chain. Every
//! step's details name the contracts, the accounts and the transactions, so anyone can check.

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
use jigap_core::voucher::chain as pool;
use jigap_core::voucher::{
    GrantSpec, MerchantDesk, TrustedIssuer, VoucherDomain, VoucherIssuer, Vouchers,
};
use jigap_core::wallet::{Wallet, WalletOptions};
use serde_json::json;

use crate::demo::Transcript;
use crate::evm_cmd::Http;
use crate::io::{CliError, CliResult};

/// The token the city issues: OpenZeppelin's ERC-20 as `tests/contracts/TestToken.sol` compiles
/// (solc-js 0.8.37; `cli/tests/evm.rs` checks it is the same bytes).
pub(crate) const TOKEN_CODE: &str = include_str!("../assets/TestToken.hex");

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

/// A fresh wallet (memory only) for one party of the chain steps.
fn party() -> CliResult<Arc<Wallet>> {
    Ok(Arc::new(
        Wallet::create(
            Arc::new(MemoryStore::new()),
            Env::system(),
            b"246810",
            WalletOptions::fast_for_tests(),
        )?
        .0,
    ))
}

/// What every chain step names, so anyone can check the chain's state independently.
struct Ledger {
    contracts: serde_json::Map<String, serde_json::Value>,
    accounts: serde_json::Value,
}

impl Ledger {
    fn details(&self, txs: &[&Receipt], extra: serde_json::Value) -> serde_json::Value {
        let mut d = json!({
            "contracts": self.contracts,
            "accounts": self.accounts,
            "transactions": txs.iter().map(|r| r.hash.to_string()).collect::<Vec<_>>(),
        });
        if let (Some(m), serde_json::Value::Object(e)) = (d.as_object_mut(), extra) {
            m.extend(e);
        }
        d
    }
}

/// The chain steps: the city deploys its deposit token and a `VoucherPool`, funds it, registers
/// the shop and the citizen's voucher; the citizen pays at the shop offline; the shop redeems
/// the payment on chain; the citizen's wallet syncs from the chain. The citizen and the shop get
/// wallets of their own here, so the journey's demo-domain vouchers stay apart from the pool's.
pub fn chain_part(
    t: &mut Transcript,
    _citizen: &Arc<Wallet>,
    _shop: Address,
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
    let city = EvmWallet::new(treasury_wallet.clone(), chain_id, "ETH")?;
    let citizen = party()?;
    let shop_wallet = party()?;
    let me = citizen.account(0)?.address;
    let shop = shop_wallet.account(0)?.address;
    let shop_evm = EvmWallet::new(shop_wallet.clone(), chain_id, "ETH")?;
    let mut ledger = Ledger {
        contracts: serde_json::Map::new(),
        accounts: json!({"city": treasury, "citizen": me, "shop": shop}),
    };

    let mut funded = Vec::new();
    for to in [me, shop] {
        funded.push(
            send(
                &http,
                &city,
                intent(treasury, Some(to), U256::parse_units("1", 18)?, vec![]),
            )?
            .2,
        );
    }
    let got = rpc::read::balance_of(&http, &shop, None)?;
    t.check(
        "On chain: the city's treasury gives the citizen and the shop gas money",
        funded.iter().all(|r| r.status) && got >= U256::parse_units("1", 18)?,
        format!(
            "node {} (chain {chain_id}); 1 ETH each to the citizen {me} and the shop {shop}",
            node.url
        ),
        ledger.details(
            &funded.iter().collect::<Vec<_>>(),
            json!({"rpc": node.url, "chain_id": chain_id}),
        ),
    )?;

    let mut code = TOKEN_CODE.trim().parse::<jigap_core::evm::HexData>()?.0;
    code.extend(abi::encode(
        &[AbiType::Uint(256)],
        &[AbiValue::Uint(U256::from(1_000_000u64))],
    )?);
    let (_, _, r_token) = send(&http, &city, intent(treasury, None, U256::ZERO, code))?;
    let no_address = || {
        CliError::new(
            ErrorClass::Internal,
            "a deployment returned no contract address",
        )
    };
    let token = r_token.contract_address.ok_or_else(no_address)?;
    let data = pool::deploy_data(
        &crate::chain_cmd::POOL_CODE
            .trim()
            .parse::<jigap_core::evm::HexData>()?
            .0,
        &token,
        "KRW",
        U256::from(1u64),
    )?;
    let (_, _, r_pool) = send(&http, &city, intent(treasury, None, U256::ZERO, data))?;
    let pool_address = r_pool.contract_address.ok_or_else(no_address)?;
    ledger.contracts.insert("KRWT".into(), json!(token));
    ledger
        .contracts
        .insert("VoucherPool".into(), json!(pool_address));
    let info = rpc::read::token(&http, &token, TokenStandard::Erc20)?;
    city.set_known_tokens(vec![info.clone()]);
    t.check(
        "On chain: the city deploys its KRWT deposit token and a VoucherPool over it",
        r_token.status && r_pool.status && info.symbol == "KRWT",
        format!("token {token} ({}, {} decimals)\npool {pool_address}: vouchers are EIP-712 structs under its domain (chain {chain_id}, verifyingContract = the pool); gas {}", info.symbol, info.decimals, r_pool.gas_used),
        ledger.details(&[&r_token, &r_pool], json!({})),
    )?;

    let domain = VoucherDomain {
        chain_id,
        verifying_contract: pool_address,
    };
    let (_, _, r_approve) = send(
        &http,
        &city,
        intent(
            treasury,
            Some(token),
            U256::ZERO,
            erc::erc20_approve(&pool_address, U256::from(100_000u64)),
        ),
    )?;
    let (_, _, r_fund) = send(
        &http,
        &city,
        intent(
            treasury,
            Some(pool_address),
            U256::ZERO,
            pool::fund_call(100_000),
        ),
    )?;
    let (_, _, r_registry) = send(
        &http,
        &city,
        intent(
            treasury,
            Some(pool_address),
            U256::ZERO,
            pool::set_merchants_call(&[pool::PoolMerchant {
                merchant: shop,
                category: 5411,
                region: "KR-11".into(),
                active: true,
            }]),
        ),
    )?;
    let now = Env::system().clock.now_secs();
    let issuer = VoucherIssuer::new(treasury_wallet.clone(), treasury, domain)?;
    let grant = issuer.grant(&GrantSpec {
        categories: vec![5411],
        regions: vec!["KR-11".into()],
        ..GrantSpec::new(me, 50_000, "KRW", now - 60, now + 30 * 86_400)
    })?;
    let (_, _, r_register) = send(
        &http,
        &city,
        intent(
            treasury,
            Some(pool_address),
            U256::ZERO,
            pool::register_call(std::slice::from_ref(&grant)),
        ),
    )?;
    let vouchers = Vouchers::new(citizen.clone(), domain);
    vouchers.set_trusted_issuers(vec![TrustedIssuer {
        address: treasury,
        name: "Seoul".into(),
        currency: "KRW".into(),
        holding_cap: 0,
        offline_allowance: 0,
    }])?;
    vouchers.import(&grant)?;
    let books = pool::parse_solvency(&rpc::read::eth_call(
        &http,
        &pool_address,
        &pool::solvency_call(),
    )?)?;
    t.check(
        "On chain: the city funds the pool with 100,000 KRWT, registers the shop and grants the citizen a 50,000 won grocery voucher",
        [&r_approve, &r_fund, &r_registry, &r_register].iter().all(|r| r.status) && books.outstanding == 50_000 && books.unallocated == 50_000,
        format!("registry: {shop} is a grocery (5411) in Seoul (KR-11), as the city says, not as the shop claims\nvoucher {}: 50,000 won, groceries in Seoul; its value is public on chain\npool books: outstanding {} + unallocated {} ≤ balance {}", jigap_core::bind::Bytes32(grant.grant.id), books.outstanding, books.unallocated, books.balance),
        ledger.details(&[&r_approve, &r_fund, &r_registry, &r_register], json!({"voucher": jigap_core::bind::Bytes32(grant.grant.id).to_string(), "solvency": {"outstanding": books.outstanding, "unallocated": books.unallocated, "balance": books.balance}})),
    )?;

    let desk = MerchantDesk::new(
        shop_wallet.clone(),
        shop,
        "Mangwon Market",
        5411,
        "KR-11",
        domain,
        vec![treasury],
    )?;
    let (request, _) = desk.create_request(30_000, "KRW", 600)?;
    let payment = vouchers.pay(&request)?;
    let accepted = desk.accept(&request, &payment.qr);
    t.check(
        "On chain: at the counter, offline, the citizen pays 30,000 won with the voucher and the shop checks it",
        accepted.is_ok(),
        format!("the shop's request and the citizen's signed redemption never touched the network; redemption {}", jigap_core::bind::Bytes32(payment.hash)),
        ledger.details(&[], json!({"redemption_hash": jigap_core::bind::Bytes32(payment.hash).to_string()})),
    )?;

    let (_, _, r_redeem) = send(
        &http,
        &shop_evm,
        intent(
            shop,
            Some(pool_address),
            U256::ZERO,
            pool::redeem_call(&request, &payment.payload),
        ),
    )?;
    let settled = pool::settlement_from_receipt(&pool_address, &r_redeem);
    let shop_paid = rpc::read::balance_of(&http, &shop, Some(&token))?;
    t.check(
        "On chain: the shop redeems the payment; the pool checks both signatures and every rule, and pays the shop",
        r_redeem.status && settled.settled.len() == 1 && shop_paid == U256::from(30_000u64),
        format!("block {}, gas {}: the pool verified the holder's Redemption and the shop's PaymentRequest (the same EIP-712 bytes the wallet signed) and paid 30,000 KRWT", r_redeem.block, r_redeem.gas_used),
        ledger.details(&[&r_redeem], json!({"gas_used": r_redeem.gas_used, "shop_krwt": shop_paid.to_string()})),
    )?;

    let sync = vouchers.sync_chain(&http)?;
    let state = vouchers.chain_state(&http)?;
    let left = vouchers
        .balances()?
        .first()
        .map(|b| b.spendable)
        .unwrap_or(0);
    let status = vouchers.payment_status(&payment.hash)?;
    t.check(
        "On chain: the citizen's wallet syncs from the chain — the payment is settled, 20,000 won left",
        sync.settled == 1 && left == 20_000 && state.iter().all(|s| s.in_step) && status.iter().all(|p| p.status == "settled"),
        format!("no issuer signature needed: the pool's VoucherSpent event is the settlement\nvoucher on chain: remaining {}, spent {}; in the wallet: {left} spendable", state.first().map(|s| s.pool.remaining).unwrap_or(0), state.first().map(|s| s.pool.spent).unwrap_or(0)),
        ledger.details(&[], json!({"settled": sync.settled, "spendable": left})),
    )?;
    Ok(())
}
