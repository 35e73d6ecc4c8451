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

/// The test contracts (`tests/contracts`), compiled once by solc-js.
pub fn contract(name: &str) -> Contract {
    static COMPILED: OnceLock<PathBuf> = OnceLock::new();
    let dir = COMPILED.get_or_init(|| {
        let out = root().join("target/contracts");
        let ok = Command::new("node")
            .arg(root().join("scripts/contracts/compile.mjs"))
            .arg(&out)
            .arg(root().join("tests/contracts"))
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "solc-js could not compile tests/contracts (run `npm ci` first)"
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
