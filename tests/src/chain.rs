//! A real Ethereum node for the tests: Foundry's `anvil` (npm `@foundry-rs/anvil-linux-amd64`,
//! installed by `cargo xtask setup`) on a free loopback port, and the test contracts compiled
//! once by solc-js (`scripts/contracts/compile.mjs` into `target/contracts`).

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use jigap_core::evm::{EvmError, JsonRpcTransport, rpc};
use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// JSON-RPC over HTTP POST (the tests' own transport: what an app's HTTP stack does).
pub struct Http {
    /// The node's URL.
    pub url: String,
    agent: ureq::Agent,
}

impl Http {
    /// A transport to `url`.
    pub fn new(url: &str) -> Http {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        Http {
            url: url.into(),
            agent,
        }
    }

    /// One request; its result (panics on an error reply: test setup only).
    pub fn rpc(&self, method: &str, params: Value) -> Value {
        let reply = self
            .call(&rpc::request(1, method, params))
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        rpc::result(&reply, 1).unwrap_or_else(|e| panic!("{method}: {e}"))
    }
}

impl JsonRpcTransport for Http {
    fn call(&self, body: &str) -> Result<String, EvmError> {
        let mut r = self
            .agent
            .post(&self.url)
            .header("content-type", "application/json")
            .send(body)
            .map_err(|e| EvmError::Transport(e.to_string()))?;
        r.body_mut()
            .read_to_string()
            .map_err(|e| EvmError::Transport(e.to_string()))
    }
}

/// A running anvil, stopped when dropped — or when the test process dies: it runs under a
/// shell that kills it as soon as our end of its stdin closes.
pub struct Anvil {
    child: Child,
    stdin: Option<ChildStdin>,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// A transport to it.
    pub http: Http,
}

/// The anvil binary from node_modules.
pub fn anvil_bin() -> PathBuf {
    root().join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
}

impl Anvil {
    /// Start anvil (chain 31337); with `automine` off, blocks are mined only by `evm_mine`.
    pub fn start(automine: bool) -> Anvil {
        let bin = anvil_bin();
        assert!(
            bin.exists(),
            "anvil is not installed at {}: run `cargo xtask setup` (npm ci)",
            bin.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("no free port: {e}"));
        let mine = if automine { "" } else { " --no-mining" };
        let script = format!(
            "'{}' --host 127.0.0.1 --port {port} --chain-id 31337 --quiet{mine} & a=$!; read _; kill $a",
            bin.display()
        );
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start anvil: {e}"));
        let stdin = child.stdin.take();
        let url = format!("http://127.0.0.1:{port}");
        let http = Http::new(&url);
        let start = Instant::now();
        while http.call(&rpc::chain_id(1)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "anvil did not answer on {url}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Anvil {
            child,
            stdin,
            url,
            http,
        }
    }

    /// Give `address` `eth` ether.
    pub fn fund(&self, address: &jigap_core::keys::Address, eth: u64) {
        let wei =
            jigap_core::evm::U256::from(eth).to_u128().unwrap_or(0) * 1_000_000_000_000_000_000;
        self.http
            .rpc("anvil_setBalance", json!([address, format!("0x{wei:x}")]));
    }

    /// Mine one block.
    pub fn mine(&self) {
        self.http.rpc("evm_mine", json!([]));
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        if let Some(mut s) = self.stdin.take() {
            let _ = s.write_all(b"\n");
        }
        let _ = self.child.wait();
    }
}

/// One node shared by the tests of a test binary that need no special mining mode.
pub fn shared() -> &'static Anvil {
    static NODE: OnceLock<Anvil> = OnceLock::new();
    NODE.get_or_init(|| Anvil::start(true))
}

/// A compiled test contract: its ABI and creation bytecode.
pub struct Contract {
    /// The ABI JSON.
    pub abi: Value,
    /// Creation code (constructor arguments are appended).
    pub bytecode: Vec<u8>,
}

/// jigap's contracts (`contracts/`) and the test contracts (`tests/contracts`), compiled once
/// by solc-js.
pub fn contract(name: &str) -> Contract {
    static COMPILED: OnceLock<PathBuf> = OnceLock::new();
    let dir = COMPILED.get_or_init(|| {
        let out = root().join("target/contracts");
        let ok = Command::new("node")
            .arg(root().join("scripts/contracts/compile.mjs"))
            .arg(&out)
            .arg(root().join("contracts"))
            .arg(root().join("tests/contracts"))
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "solc-js could not compile contracts/ and tests/contracts (run `npm ci` first)"
        );
        out
    });
    let text = std::fs::read_to_string(dir.join(format!("{name}.json")))
        .unwrap_or_else(|e| panic!("no compiled contract {name}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}.json: {e}"));
    Contract {
        bytecode: crate::unhex(v["bytecode"].as_str().unwrap_or_default()),
        abi: v["abi"].clone(),
    }
}

/// A person or organisation on the chain: a jigap wallet with one funded account and its
/// `EvmWallet` (chain 31337).
pub struct Party {
    /// The wallet.
    pub wallet: std::sync::Arc<jigap_core::wallet::Wallet>,
    /// Its chain side.
    pub evm: jigap_core::evm::EvmWallet,
    /// Account 0.
    pub address: jigap_core::keys::Address,
}

/// A new in-memory wallet whose account 0 holds 100 ETH on `node`.
pub fn party(node: &Anvil) -> Party {
    use jigap_core::wallet::{Wallet, WalletOptions};
    let (wallet, _) = Wallet::create(
        std::sync::Arc::new(jigap_core::store::MemoryStore::new()),
        jigap_core::env::Env::system(),
        b"123456",
        WalletOptions::fast_for_tests(),
    )
    .unwrap_or_else(|e| panic!("wallet: {e}"));
    let address = wallet
        .account(0)
        .unwrap_or_else(|e| panic!("account: {e}"))
        .address;
    node.fund(&address, 100);
    let wallet = std::sync::Arc::new(wallet);
    Party {
        evm: jigap_core::evm::EvmWallet::new(wallet.clone(), 31337, "ETH")
            .unwrap_or_else(|e| panic!("evm wallet: {e}")),
        wallet,
        address,
    }
}

impl Party {
    /// Send `data` to `to` (`None`: deploy) through the core's send flow and wait for the
    /// receipt. A revert found while preparing (the node's gas estimate) is the `Err`.
    pub fn try_send(
        &self,
        node: &Http,
        to: Option<jigap_core::keys::Address>,
        data: Vec<u8>,
    ) -> Result<jigap_core::evm::Receipt, EvmError> {
        let intent = jigap_core::evm::SendIntent {
            from: self.address,
            to,
            data: data.into(),
            ..Default::default()
        };
        let signed = self
            .evm
            .run(node, self.evm.send_flow(intent), &mut |_| true)?;
        let start = Instant::now();
        loop {
            let reply = node.call(&self.evm.receipt_request(&signed.hash))?;
            if let Some(r) = self.evm.on_receipt(&reply)? {
                return Ok(r);
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no receipt for {}",
                signed.hash
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// [`Party::try_send`] that must succeed.
    pub fn send(
        &self,
        node: &Http,
        to: Option<jigap_core::keys::Address>,
        data: Vec<u8>,
    ) -> jigap_core::evm::Receipt {
        let r = self
            .try_send(node, to, data)
            .unwrap_or_else(|e| panic!("transaction refused: {e}"));
        assert!(r.status, "transaction {} reverted", r.hash);
        r
    }

    /// Deploy `code`; the new contract's address.
    pub fn deploy(&self, node: &Http, code: Vec<u8>) -> jigap_core::keys::Address {
        self.send(node, None, code)
            .contract_address
            .unwrap_or_else(|| panic!("no contract address in the receipt"))
    }
}

/// Deploy the test deposit token (`TestToken`, whole won) with `supply`, all to `by`.
pub fn deploy_token(node: &Http, by: &Party, supply: u64) -> jigap_core::keys::Address {
    use jigap_core::evm::{AbiType, AbiValue, U256, abi};
    let mut code = contract("TestToken").bytecode;
    let args = abi::encode(&[AbiType::Uint(256)], &[AbiValue::Uint(U256::from(supply))])
        .unwrap_or_else(|e| panic!("constructor arguments: {e}"));
    code.extend(args);
    by.deploy(node, code)
}

/// `eth_call` return data (panics on a revert: for reads that must work).
pub fn eth_call(node: &Http, to: &jigap_core::keys::Address, data: &[u8]) -> Vec<u8> {
    rpc::data(&node.rpc(
        "eth_call",
        json!([{"to": to, "data": format!("0x{}", hex::encode(data))}, "latest"]),
    ))
    .unwrap_or_else(|e| panic!("eth_call: {e}"))
}

/// The reason of a refused transaction, as the core decoded it (`SequenceUsed(0x…, 3)`).
pub fn revert_reason(e: &EvmError) -> String {
    match e {
        EvmError::Rpc(jigap_core::evm::RpcError::Reverted { reason, .. }) => reason.clone(),
        other => panic!("expected a revert, got: {other}"),
    }
}

/// Move the node's clock `secs` forward and mine a block there.
pub fn warp(node: &Anvil, secs: u64) {
    node.http.rpc("evm_increaseTime", json!([secs]));
    node.mine();
}

/// The latest block's timestamp.
pub fn block_time(node: &Http) -> u64 {
    let b = node.rpc("eth_getBlockByNumber", json!(["latest", false]));
    rpc::quantity_u64(&b["timestamp"]).unwrap_or_else(|e| panic!("timestamp: {e}"))
}

/// Have ethers (npm, independent of jigap) read a `VoucherPool` voucher (`kind` `pool`) or a
/// `TicketToken` ticket (`ticket`) and its events, and compare them with `expected`
/// (`scripts/interop/ethers_chain_check.mjs`). Returns what ethers read.
pub fn ethers_check(
    kind: &str,
    url: &str,
    contract: &jigap_core::keys::Address,
    id: &str,
    expected: Value,
) -> Value {
    let out = Command::new("node")
        .arg(root().join("scripts/interop/ethers_chain_check.mjs"))
        .args([kind, url, &contract.to_string(), id, &expected.to_string()])
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    assert!(
        out.status.success(),
        "ethers disagrees: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("ethers output: {e}"))
}
