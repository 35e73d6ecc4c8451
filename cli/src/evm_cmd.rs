//! `jigap evm`: sign, decode and send Ethereum transactions, token transfers, balances,
//! receipts, speed-up and cancel. HTTP happens here (a blocking client); the core builds every
//! request body and reads every reply.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use jigap_core::bind::Bytes32;
use jigap_core::error::ErrorClass;
use jigap_core::evm::{
    self, EvmError, EvmWallet, Explanation, JsonRpcTransport, KnownToken, Receipt, SendFlow,
    SendIntent, SignedTransaction, TokenStandard, Transaction, U256, erc, rpc,
};
use jigap_core::keys::Address;
use serde_json::{Value, json};

use crate::io::{CliError, CliResult, KeyArgs, Out, input, read_text};
use crate::vault_cmd::{VaultArgs, open_wallet};

#[derive(Args, Clone)]
pub struct RpcArgs {
    /// The node's JSON-RPC URL (http://127.0.0.1:8545 for a local anvil).
    #[arg(long, value_name = "URL")]
    pub rpc: String,
}

/// How a transaction is sent.
#[derive(Args, Clone)]
pub struct SendArgs {
    #[command(flatten)]
    pub(crate) rpc: RpcArgs,
    #[command(flatten)]
    pub(crate) v: VaultArgs,
    /// The sending account: index N of the vault's accounts.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) account: u32,
    /// The chain the transaction is for; the node must be on it (default: the node's chain).
    #[arg(long, value_name = "ID")]
    chain_id: Option<u64>,
    /// Fee speed: slow, normal or fast.
    #[arg(long, default_value = "normal")]
    speed: String,
    /// Gas limit (default: the node's estimate + 20%).
    #[arg(long)]
    gas: Option<u64>,
    /// Transaction type 0, 1 or 2 (default 2, or 0 on a chain without EIP-1559).
    #[arg(long = "type", value_name = "TYPE")]
    tx_type: Option<u8>,
    /// Sign even if the explanation is flagged risky (an unlimited approval, approval for all).
    #[arg(long)]
    yes: bool,
    /// Return once the node has the transaction, without waiting for its receipt.
    #[arg(long)]
    no_wait: bool,
    /// Seconds to wait for the receipt.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
}

#[derive(Subcommand)]
pub enum EvmCmd {
    /// Sign TX.json (type, chainId, nonce, to, value, gas, gasPrice or maxFeePerGas +
    /// maxPriorityFeePerGas, data, accessList) with account --account of the mnemonic on stdin
    /// (or --key-file): {"from","hash","raw"}.
    Sign {
        #[command(flatten)]
        key: KeyArgs,
        /// The unsigned transaction as JSON.
        #[arg(long)]
        file: PathBuf,
    },
    /// Decode a raw signed transaction: its fields, sender and what it does.
    Decode {
        /// The raw transaction, 0x hex.
        #[arg(long)]
        raw: String,
        /// Refuse it unless it is for this chain.
        #[arg(long)]
        chain_id: Option<u64>,
        /// Known tokens for the explanation: a JSON array of {address, standard (Erc20|Erc721), symbol, decimals}.
        #[arg(long)]
        tokens: Option<PathBuf>,
    },
    /// Send --value wei (and --data) to --to from the vault's account, filling chain id, nonce,
    /// fees and gas from the node; shows what it does, signs, sends, waits for the receipt.
    Send {
        #[command(flatten)]
        s: SendArgs,
        /// Recipient or contract; without it, --data is deployed as a new contract.
        #[arg(long)]
        to: Option<String>,
        /// Wei to send (decimal or 0x hex).
        #[arg(long, default_value = "0")]
        value: String,
        /// Calldata, 0x hex.
        #[arg(long, default_value = "0x")]
        data: String,
    },
    /// Calldata for a call: the selector of --signature and --args (a JSON array; big numbers
    /// as text), for `evm send --data`.
    Calldata {
        /// The function, e.g. 'mint(address,uint256)'.
        #[arg(long)]
        signature: String,
        /// Its arguments as a JSON array, e.g. '["0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "1042"]'.
        #[arg(long, default_value = "[]")]
        args: String,
    },
    /// Transfer --amount of ERC-20 token --token (in whole tokens: 5000, 1.5) to --to.
    Erc20Transfer {
        #[command(flatten)]
        s: SendArgs,
        /// The token contract.
        #[arg(long)]
        token: String,
        /// Recipient.
        #[arg(long)]
        to: String,
        /// Amount in tokens (the token's decimals are read from it).
        #[arg(long)]
        amount: String,
    },
    /// Give ERC-721 token --token-id of --contract to --to (safeTransferFrom).
    Erc721Transfer {
        #[command(flatten)]
        s: SendArgs,
        /// The token contract.
        #[arg(long)]
        contract: String,
        /// The token id.
        #[arg(long)]
        token_id: String,
        /// Recipient.
        #[arg(long)]
        to: String,
    },
    /// The balance of --address in ETH, or in ERC-20 --token.
    Balance {
        #[command(flatten)]
        rpc: RpcArgs,
        /// The account.
        #[arg(long)]
        address: String,
        /// An ERC-20 token contract.
        #[arg(long)]
        token: Option<String>,
    },
    /// The receipt of --hash, with its token events.
    Receipt {
        #[command(flatten)]
        rpc: RpcArgs,
        /// Transaction hash.
        #[arg(long)]
        hash: String,
    },
    /// The vault's transactions that have no receipt yet.
    Pending {
        #[command(flatten)]
        rpc: RpcArgs,
        #[command(flatten)]
        v: VaultArgs,
    },
    /// Replace pending --hash with the same transaction at a higher fee.
    SpeedUp {
        #[command(flatten)]
        s: SendArgs,
        /// The pending transaction.
        #[arg(long)]
        hash: String,
    },
    /// Replace pending --hash with a 0-value transfer to yourself at a higher fee.
    Cancel {
        #[command(flatten)]
        s: SendArgs,
        /// The pending transaction.
        #[arg(long)]
        hash: String,
    },
}

/// JSON-RPC over HTTP POST.
pub struct Http {
    url: String,
    agent: ureq::Agent,
}

impl Http {
    pub fn new(url: &str) -> Http {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Http {
            url: url.to_string(),
            agent,
        }
    }
}

impl JsonRpcTransport for Http {
    fn call(&self, body: &str) -> Result<String, EvmError> {
        let reply = self
            .agent
            .post(&self.url)
            .header("content-type", "application/json")
            .send(body)
            .map_err(|e| {
                let hint = if self.url.starts_with("https:") && !cfg!(feature = "https") {
                    " (this jigap was built without HTTPS: build it with `--features https`, or use the node's http:// URL)"
                } else {
                    ""
                };
                EvmError::Transport(format!("{}: {e}{hint}", self.url))
            })?;
        let mut reply = reply;
        reply
            .body_mut()
            .read_to_string()
            .map_err(|e| EvmError::Transport(format!("{}: {e}", self.url)))
    }
}

fn one(t: &dyn JsonRpcTransport, body: String, id: u64) -> CliResult<Value> {
    Ok(rpc::result(&t.call(&body)?, id)?)
}

pub(crate) fn address(s: &str, what: &str) -> CliResult<Address> {
    s.parse().map_err(|e| input(format!("{what}: {e}")))
}

fn explanation_json(e: &Explanation) -> Value {
    json!({"en": e.en, "ko": e.ko, "risky": e.risky, "warnings_en": e.warnings_en,
           "warnings_ko": e.warnings_ko, "max_fee": e.max_fee, "action": e.action})
}

fn tx_json(tx: &Transaction) -> Value {
    serde_json::from_str(&tx.to_json()).unwrap_or(Value::Null)
}

/// The node's chain, checked against --chain-id.
fn chain(t: &dyn JsonRpcTransport, wanted: Option<u64>) -> CliResult<u64> {
    let node = rpc::quantity_u64(&one(t, rpc::chain_id(1), 1)?)?;
    if let Some(w) = wanted
        && w != node
    {
        return Err(EvmError::WrongChain {
            expected: w,
            got: node,
        }
        .into());
    }
    Ok(node)
}

pub(crate) struct Sender {
    pub(crate) http: Http,
    pub(crate) evm: EvmWallet,
    pub(crate) from: Address,
    pub(crate) wallet: Arc<jigap_core::wallet::Wallet>,
}

pub(crate) fn sender(s: &SendArgs, out: &Out) -> CliResult<Sender> {
    let http = Http::new(&s.rpc.rpc);
    let chain_id = chain(&http, s.chain_id)?;
    let wallet = Arc::new(open_wallet(&s.v, out)?);
    let from = wallet.account(s.account)?.address;
    let evm = EvmWallet::new(wallet.clone(), chain_id, "ETH")?;
    Ok(Sender {
        http,
        evm,
        from,
        wallet,
    })
}

/// Poll for the receipt of `hash` for up to `timeout` seconds (the send commands and the demo).
pub fn wait(http: &Http, evm: &EvmWallet, hash: &Bytes32, timeout: u64) -> CliResult<Receipt> {
    let start = Instant::now();
    loop {
        if let Some(r) = evm.on_receipt(&http.call(&evm.receipt_request(hash))?)? {
            return Ok(r);
        }
        if start.elapsed() > Duration::from_secs(timeout) {
            return Err(CliError::new(
                ErrorClass::Network,
                format!(
                    "no receipt for {hash} after {timeout} s: it is still pending; check later with `jigap evm receipt`, or speed it up with `jigap evm speed-up --hash {hash}`"
                ),
            ));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn run_flow(snd: &Sender, s: &SendArgs, flow: SendFlow, out: &Out) -> CliResult<()> {
    let (v, _) = send_flow(snd, s, flow, out)?;
    out.emit(v.clone(), || {
        let mut h = format!(
            "hash     {}\nnonce    {}",
            v["hash"].as_str().unwrap_or(""),
            v["nonce"]
        );
        if let Some(st) = v["status"].as_str() {
            h.push_str(&format!(
                "\nstatus   {st}\nblock    {}\ngas used {}",
                v["block"], v["gas_used"]
            ));
        }
        h
    });
    Ok(())
}

/// Send through the flow (the explanation on stderr unless --json; risky ones need --yes) and,
/// unless --no-wait, wait for the receipt. The JSON summary and the receipt.
pub(crate) fn send_flow(
    snd: &Sender,
    s: &SendArgs,
    flow: SendFlow,
    out: &Out,
) -> CliResult<(Value, Option<Receipt>)> {
    let mut shown = None;
    let signed: SignedTransaction = snd
        .evm
        .run(&snd.http, flow, &mut |p| {
            let e = &p.explanation;
            if !out.json {
                eprintln!("{}\n{}", e.en, e.ko);
                for (en, ko) in e.warnings_en.iter().zip(&e.warnings_ko) {
                    eprintln!("  ! {en}\n    {ko}");
                }
                eprintln!("network fee at most {}", e.max_fee);
            }
            shown = Some(e.clone());
            !e.risky || s.yes
        })
        .map_err(|e| match (&e, &shown) {
            (EvmError::NotApproved, Some(x)) => CliError::new(
                ErrorClass::Refused,
                format!(
                    "not signed: {} — this is risky; pass --yes if you mean it",
                    x.en
                ),
            ),
            _ => e.into(),
        })?;
    let explanation = shown.as_ref().map(explanation_json).unwrap_or(Value::Null);
    let mut v = json!({"hash": signed.hash, "from": signed.from, "nonce": signed.tx.nonce,
                       "explanation": explanation, "tx": tx_json(&signed.tx)});
    if s.no_wait {
        return Ok((v, None));
    }
    let r = wait(&snd.http, &snd.evm, &signed.hash, s.timeout)?;
    v["status"] = json!(if r.status { "success" } else { "reverted" });
    v["block"] = json!(r.block);
    v["gas_used"] = json!(r.gas_used);
    if let Some(c) = r.contract_address {
        v["contract_address"] = json!(c);
    }
    Ok((v, Some(r)))
}

pub(crate) fn intent(
    snd: &Sender,
    s: &SendArgs,
    to: Option<Address>,
    value: U256,
    data: Vec<u8>,
) -> SendIntent {
    SendIntent {
        from: snd.from,
        to,
        value,
        data: data.into(),
        gas: s.gas,
        speed: Some(s.speed.clone()),
        tx_type: s.tx_type,
    }
}

pub fn evm(cmd: EvmCmd, out: &Out) -> CliResult<()> {
    match cmd {
        EvmCmd::Sign { key, file } => {
            let tx = Transaction::from_json(&read_text(&file, "transaction file")?)?;
            let signed = tx.sign_with(&key.key()?)?;
            out.emit(
                json!({"from": signed.from, "hash": signed.hash, "raw": signed.raw}),
                || {
                    format!(
                        "from  {}\nhash  {}\nraw   {}",
                        signed.from, signed.hash, signed.raw
                    )
                },
            );
        }
        EvmCmd::Decode {
            raw,
            chain_id,
            tokens,
        } => {
            let bytes = raw
                .parse::<evm::HexData>()
                .map_err(|e| input(format!("--raw: {e}")))?;
            let signed = evm::decode_raw(&bytes.0, chain_id)?;
            let known: Vec<KnownToken> = match tokens {
                Some(p) => serde_json::from_str(&read_text(&p, "tokens file")?)
                    .map_err(|e| input(format!("tokens file: {e}")))?,
                None => vec![],
            };
            let e = evm::explain::explain(&signed.tx, &known, "ETH");
            out.emit(
                json!({"from": signed.from, "hash": signed.hash, "tx": tx_json(&signed.tx),
                       "explanation": explanation_json(&e)}),
                || {
                    format!(
                        "from  {}\nhash  {}\n{}\n{}",
                        signed.from, signed.hash, e.en, e.ko
                    )
                },
            );
        }
        EvmCmd::Send { s, to, value, data } => {
            let to = to.map(|t| address(&t, "--to")).transpose()?;
            let value: U256 = value.parse()?;
            let data: evm::HexData = data.parse()?;
            if to.is_none() && data.0.is_empty() {
                return Err(input("give --to, or --data with contract code to deploy"));
            }
            let snd = sender(&s, out)?;
            let flow = snd.evm.send_flow(intent(&snd, &s, to, value, data.0));
            run_flow(&snd, &s, flow, out)?;
        }
        EvmCmd::Calldata { signature, args } => {
            let data = evm::HexData(evm::abi::encode_call_json(&signature, &args)?);
            out.emit(json!({"data": data}), || data.to_string());
        }
        EvmCmd::Erc20Transfer {
            s,
            token,
            to,
            amount,
        } => {
            let snd = sender(&s, out)?;
            let token = address(&token, "--token")?;
            let info = rpc::read::token(&snd.http, &token, TokenStandard::Erc20)?;
            let amount = U256::parse_units(&amount, info.decimals)?;
            snd.evm.set_known_tokens(vec![info]);
            let data = erc::erc20_transfer(&address(&to, "--to")?, amount);
            let flow = snd
                .evm
                .send_flow(intent(&snd, &s, Some(token), U256::ZERO, data));
            run_flow(&snd, &s, flow, out)?;
        }
        EvmCmd::Erc721Transfer {
            s,
            contract,
            token_id,
            to,
        } => {
            let snd = sender(&s, out)?;
            let contract = address(&contract, "--contract")?;
            let info = rpc::read::token(&snd.http, &contract, TokenStandard::Erc721)?;
            snd.evm.set_known_tokens(vec![info]);
            let id: U256 = token_id.parse()?;
            let data = erc::erc721_safe_transfer_from(&snd.from, &address(&to, "--to")?, id);
            let flow = snd
                .evm
                .send_flow(intent(&snd, &s, Some(contract), U256::ZERO, data));
            run_flow(&snd, &s, flow, out)?;
        }
        EvmCmd::Balance {
            rpc: r,
            address: a,
            token,
        } => {
            let http = Http::new(&r.rpc);
            let a = address(&a, "--address")?;
            let token = token.map(|t| address(&t, "--token")).transpose()?;
            let balance = rpc::read::balance_of(&http, &a, token.as_ref())?;
            let (symbol, decimals) = match &token {
                None => ("ETH".to_string(), 18),
                Some(t) => {
                    let info = rpc::read::token(&http, t, TokenStandard::Erc20)?;
                    (info.symbol, info.decimals)
                }
            };
            let formatted = format!("{} {symbol}", balance.format_units(decimals));
            out.emit(
                json!({"address": a, "balance": balance, "formatted": formatted, "symbol": symbol, "decimals": decimals}),
                || formatted.clone(),
            );
        }
        EvmCmd::Receipt { rpc: r, hash } => {
            let http = Http::new(&r.rpc);
            let hash: Bytes32 = hash.parse()?;
            let Some(rc) = rpc::read::receipt_of(&http, &hash)? else {
                return Err(CliError::new(
                    ErrorClass::NotFound,
                    format!("{hash} has no receipt: it is pending or unknown to this node"),
                ));
            };
            let events: Vec<Value> = rc
                .logs
                .iter()
                .filter_map(erc::decode_event)
                .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
                .collect();
            out.emit(
                json!({"hash": rc.hash, "status": if rc.status { "success" } else { "reverted" },
                       "block": rc.block, "gas_used": rc.gas_used,
                       "effective_gas_price": rc.effective_gas_price,
                       "contract_address": rc.contract_address, "events": events}),
                || {
                    format!(
                        "status   {}\nblock    {}\ngas used {}\nevents   {}",
                        if rc.status { "success" } else { "reverted" },
                        rc.block,
                        rc.gas_used,
                        events.len()
                    )
                },
            );
        }
        EvmCmd::Pending { rpc: r, v } => {
            let http = Http::new(&r.rpc);
            let chain_id = chain(&http, None)?;
            let evm = EvmWallet::new(Arc::new(open_wallet(&v, out)?), chain_id, "ETH")?;
            let list = evm.pending(None)?;
            let items: Vec<Value> = list
                .iter()
                .map(|p| json!({"hash": p.hash, "from": p.from, "nonce": p.tx.nonce, "replaces": p.replaces}))
                .collect();
            out.emit(json!(items), || {
                list.iter()
                    .map(|p| format!("{}  nonce {}", p.hash, p.tx.nonce))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        EvmCmd::SpeedUp { s, hash } => {
            let snd = sender(&s, out)?;
            let flow = snd.evm.speed_up_flow(&hash.parse()?)?;
            run_flow(&snd, &s, flow, out)?;
        }
        EvmCmd::Cancel { s, hash } => {
            let snd = sender(&s, out)?;
            let flow = snd.evm.cancel_flow(&hash.parse()?)?;
            run_flow(&snd, &s, flow, out)?;
        }
    }
    Ok(())
}
