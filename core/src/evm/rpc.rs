//! Ethereum JSON-RPC, sans-IO: request bodies built here, replies (single or batch) parsed here
//! into typed results and typed errors. The host only moves the bytes.
//!
//! ```
//! use jigap_core::evm::rpc;
//! let body = rpc::chain_id(1);
//! assert!(body.contains(r#""method":"eth_chainId""#) && body.contains(r#""id":1"#));
//! let v = rpc::result(r#"{"jsonrpc":"2.0","id":1,"result":"0x7a69"}"#, 1).unwrap();
//! assert_eq!(rpc::quantity(&v).unwrap().to_string(), "31337");
//! let err = rpc::result(r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"nonce too low"}}"#, 1);
//! assert!(matches!(err, Err(jigap_core::evm::EvmError::Rpc(rpc::RpcError::NonceTooLow(_)))));
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::abi::{self, AbiType, AbiValue};
use super::{EvmError, HexData, Transaction, U256};
use crate::bind::Bytes32;
use crate::keys::Address;

/// A typed error a node returned. Each says what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RpcError {
    /// The nonce was used already (a transaction with it was mined).
    #[error(
        "the node refused the transaction: its nonce is used already ({0}); refresh the account's nonce and sign again"
    )]
    NonceTooLow(String),
    /// The account cannot pay value plus the most the fee can be.
    #[error(
        "the account has not enough funds for the value plus the network fee ({0}); add funds or send less"
    )]
    InsufficientFunds(String),
    /// A replacement must pay clearly more than what it replaces (or the fee is under the node's
    /// minimum).
    #[error(
        "the node refused the fee as too low ({0}); a replacement must pay at least 10% more than the transaction it replaces"
    )]
    Underpriced(String),
    /// The call or transaction reverted in the contract.
    #[error("the contract refused: {reason}")]
    Reverted {
        /// `Error(string)` text, a `Panic(uint256)` meaning, or the custom error's selector.
        reason: String,
        /// The revert data as returned.
        data: HexData,
    },
    /// Any other JSON-RPC error.
    #[error("the node answered error {code}: {message}")]
    Other {
        /// JSON-RPC error code.
        code: i64,
        /// The node's message.
        message: String,
    },
}

fn bad(why: impl Into<String>) -> EvmError {
    EvmError::BadReply(why.into())
}

/// One JSON-RPC 2.0 request body.
pub fn request(id: u64, method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string()
}

/// Several requests as one batch body (`[…]`).
pub fn batch(bodies: &[String]) -> String {
    format!("[{}]", bodies.join(","))
}

fn q(v: u64) -> String {
    format!("0x{v:x}")
}

fn qu(v: &U256) -> String {
    let t = hex::encode(v.trimmed());
    format!(
        "0x{}",
        if t.is_empty() {
            "0"
        } else {
            t.trim_start_matches('0')
        }
    )
}

/// `eth_chainId`.
pub fn chain_id(id: u64) -> String {
    request(id, "eth_chainId", json!([]))
}
/// `eth_getTransactionCount(address, "pending")`: the next nonce, counting the node's mempool.
pub fn transaction_count(id: u64, address: &Address) -> String {
    request(id, "eth_getTransactionCount", json!([address, "pending"]))
}
/// `eth_getBalance(address, "latest")`.
pub fn balance(id: u64, address: &Address) -> String {
    request(id, "eth_getBalance", json!([address, "latest"]))
}
/// `eth_gasPrice`.
pub fn gas_price(id: u64) -> String {
    request(id, "eth_gasPrice", json!([]))
}
/// `eth_maxPriorityFeePerGas`.
pub fn max_priority_fee(id: u64) -> String {
    request(id, "eth_maxPriorityFeePerGas", json!([]))
}
/// `eth_feeHistory(blocks, "latest", [10, 50, 90])`: base fees and the slow/normal/fast tips.
pub fn fee_history(id: u64, blocks: u64) -> String {
    request(
        id,
        "eth_feeHistory",
        json!([q(blocks), "latest", [10, 50, 90]]),
    )
}

fn call_object(from: Option<&Address>, to: Option<&Address>, value: &U256, data: &[u8]) -> Value {
    let mut o = json!({"value": qu(value), "data": crate::util::hex0x(data)});
    if let Some(f) = from {
        o["from"] = json!(f);
    }
    if let Some(t) = to {
        o["to"] = json!(t);
    }
    o
}

/// `eth_estimateGas` for a call from `from`.
pub fn estimate_gas(
    id: u64,
    from: &Address,
    to: Option<&Address>,
    value: &U256,
    data: &[u8],
) -> String {
    request(
        id,
        "eth_estimateGas",
        json!([call_object(Some(from), to, value, data)]),
    )
}
/// `eth_call(to, data)` at the latest block (a `balanceOf`, `symbol`, `ownerOf`…).
pub fn call(id: u64, from: Option<&Address>, to: &Address, data: &[u8]) -> String {
    request(
        id,
        "eth_call",
        json!([call_object(from, Some(to), &U256::ZERO, data), "latest"]),
    )
}
/// `eth_sendRawTransaction`.
pub fn send_raw(id: u64, raw: &[u8]) -> String {
    request(
        id,
        "eth_sendRawTransaction",
        json!([crate::util::hex0x(raw)]),
    )
}
/// `eth_getTransactionReceipt`.
pub fn receipt(id: u64, hash: &Bytes32) -> String {
    request(id, "eth_getTransactionReceipt", json!([hash]))
}
/// `eth_getLogs` of `address` (and `topics`, `null` for any) from `from_block` to the latest.
pub fn logs(id: u64, address: &Address, topics: &[Option<Bytes32>], from_block: u64) -> String {
    request(
        id,
        "eth_getLogs",
        json!([{"address": address, "topics": topics, "fromBlock": q(from_block), "toBlock": "latest"}]),
    )
}

/// The result of request `id` in a reply (a single response or a batch), or its error, typed.
pub fn result(reply: &str, id: u64) -> Result<Value, EvmError> {
    let v: Value = serde_json::from_str(reply).map_err(|e| bad(format!("not JSON: {e}")))?;
    let one = match v {
        Value::Array(items) => items
            .into_iter()
            .find(|i| i.get("id").and_then(Value::as_u64) == Some(id))
            .ok_or_else(|| bad(format!("the batch reply has no answer with id {id}")))?,
        o => o,
    };
    if let Some(e) = one.get("error") {
        return Err(EvmError::Rpc(classify(e)));
    }
    if one.get("id").and_then(Value::as_u64) != Some(id) {
        return Err(bad(format!(
            "a reply for another request (expected id {id})"
        )));
    }
    one.get("result")
        .cloned()
        .ok_or_else(|| bad("a JSON-RPC reply with neither result nor error"))
}

/// Panic codes of Solidity (`Panic(uint256)`), in words.
fn panic_reason(code: u64) -> &'static str {
    match code {
        0x01 => "an assertion failed",
        0x11 => "an arithmetic overflow or underflow",
        0x12 => "a division by zero",
        0x21 => "an invalid enum value",
        0x31 => "pop on an empty array",
        0x32 => "an array index out of bounds",
        0x41 => "too much memory allocated",
        0x51 => "a call to an uninitialised function",
        _ => "a panic",
    }
}

/// The standard custom errors of tokens (ERC-6093, as OpenZeppelin 5 reverts with them): read
/// by name without the app listing them.
pub const STANDARD_ERRORS: &[&str] = &[
    "ERC20InsufficientBalance(address,uint256,uint256)",
    "ERC20InvalidSender(address)",
    "ERC20InvalidReceiver(address)",
    "ERC20InsufficientAllowance(address,uint256,uint256)",
    "ERC20InvalidApprover(address)",
    "ERC20InvalidSpender(address)",
    "ERC721InvalidOwner(address)",
    "ERC721NonexistentToken(uint256)",
    "ERC721IncorrectOwner(address,uint256,address)",
    "ERC721InvalidSender(address)",
    "ERC721InvalidReceiver(address)",
    "ERC721InsufficientApproval(address,uint256)",
    "ERC721InvalidApprover(address)",
    "ERC721InvalidOperator(address)",
];

/// The reason in revert data: `Error(string)`, `Panic(uint256)`, a [`STANDARD_ERRORS`] token
/// error, one of the `custom_errors`
/// signatures the app knows (`InsufficientBalance(address,uint256)`), or the bare selector.
pub fn revert_reason(data: &[u8], custom_errors: &[String]) -> String {
    let Some(sel) = data.get(..4) else {
        return "no reason given".into();
    };
    let args = &data[4..];
    if sel == abi::selector("Error(string)")
        && let Ok(v) = abi::decode(&[AbiType::String], args)
        && let Some(AbiValue::String(s)) = v.first()
    {
        return s.clone();
    }
    if sel == abi::selector("Panic(uint256)")
        && let Ok(v) = abi::decode(&[AbiType::Uint(256)], args)
    {
        let code = v
            .first()
            .and_then(AbiValue::as_uint)
            .and_then(|c| c.to_u64())
            .unwrap_or(0);
        return format!("{} (Panic 0x{code:02x})", panic_reason(code));
    }
    #[cfg(feature = "tickets")]
    let tickets = crate::ticket::chain::ERRORS;
    #[cfg(not(feature = "tickets"))]
    let tickets: &[&str] = &[];
    // jigap's own contracts (the voucher pool, the ticket token) read by name too.
    for sig in custom_errors
        .iter()
        .map(String::as_str)
        .chain(STANDARD_ERRORS.iter().copied())
        .chain(crate::voucher::chain::ERRORS.iter().copied())
        .chain(tickets.iter().copied())
    {
        if sel == abi::selector(sig)
            && let Some(open) = sig.find('(')
            && let Ok(AbiType::Tuple(types)) = sig[open..].parse::<AbiType>()
            && let Ok(v) = abi::decode(&types, args)
        {
            let vals: Vec<String> = v.iter().map(|x| x.to_json().to_string()).collect();
            return format!("{}({})", &sig[..open], vals.join(", "));
        }
    }
    format!("custom error {}", crate::util::hex0x(sel))
}

fn revert_data(e: &Value) -> Option<Vec<u8>> {
    let d = e.get("data")?;
    let s = d
        .as_str()
        .or_else(|| d.get("data").and_then(Value::as_str))?;
    crate::util::unhex(s).ok()
}

/// A JSON-RPC error object as a typed error (messages of geth, anvil, Besu and Nethermind).
pub fn classify(e: &Value) -> RpcError {
    let code = e.get("code").and_then(Value::as_i64).unwrap_or(0);
    let message: String = e
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .take(300)
        .collect();
    let m = message.to_ascii_lowercase();
    if m.contains("nonce too low")
        || m.contains("nonce has already been used")
        || m.contains("already known") && m.contains("nonce")
    {
        return RpcError::NonceTooLow(message);
    }
    if m.contains("insufficient funds") || m.contains("insufficient balance") {
        return RpcError::InsufficientFunds(message);
    }
    if m.contains("underpriced")
        || m.contains("fee too low")
        || m.contains("max fee per gas less than block base fee")
    {
        return RpcError::Underpriced(message);
    }
    if code == 3 || m.contains("revert") {
        let data = revert_data(e).unwrap_or_default();
        let reason = if data.is_empty() {
            message
                .split_once("reverted")
                .map(|(_, r)| r.trim_start_matches([':', ' ']).to_string())
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "no reason given".into())
        } else {
            revert_reason(&data, &[])
        };
        return RpcError::Reverted {
            reason,
            data: HexData(data),
        };
    }
    RpcError::Other { code, message }
}

/// A `0x` hex quantity.
pub fn quantity(v: &Value) -> Result<U256, EvmError> {
    let s = v
        .as_str()
        .ok_or_else(|| bad(format!("expected a hex quantity, got {v}")))?;
    if !s.starts_with("0x") {
        return Err(bad(format!("expected a 0x quantity, got {s}")));
    }
    s.parse()
        .map_err(|_| bad(format!("'{s}' is not a quantity")))
}

/// A quantity that fits 64 bits.
pub fn quantity_u64(v: &Value) -> Result<u64, EvmError> {
    quantity(v)?
        .to_u64()
        .ok_or_else(|| bad(format!("{v} does not fit 64 bits")))
}

/// `0x` hex data (`eth_call` results).
pub fn data(v: &Value) -> Result<Vec<u8>, EvmError> {
    let s = v
        .as_str()
        .ok_or_else(|| bad(format!("expected hex data, got {v}")))?;
    crate::util::unhex(s).map_err(|_| bad("the data is not hex"))
}

/// Fees for a type 2 transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Fees {
    /// Most wei per gas in all.
    pub max_fee_per_gas: U256,
    /// Most wei per gas to the block producer.
    pub max_priority_fee_per_gas: U256,
}

/// Slow, normal and fast fees from the recent blocks; on a chain without EIP-1559 (`legacy`),
/// the three are the node's gas price (0 on a permissioned chain without fees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct FeeSuggestion {
    /// The next block's base fee (0 on legacy chains).
    pub base_fee: U256,
    /// 10th percentile tip; may wait several blocks.
    pub slow: Fees,
    /// Median tip.
    pub normal: Fees,
    /// 90th percentile tip.
    pub fast: Fees,
    /// The chain has no base fee: send type 0 with `gasPrice` = `normal.maxFeePerGas`.
    pub legacy: bool,
    /// `eth_gasPrice`.
    pub gas_price: U256,
}

impl FeeSuggestion {
    /// The fees of `speed` (`slow`, `normal`, `fast`; anything else is `normal`).
    pub fn pick(&self, speed: &str) -> Fees {
        match speed {
            "slow" => self.slow,
            "fast" => self.fast,
            _ => self.normal,
        }
    }
}

/// Suggest fees from an `eth_feeHistory` result (percentiles 10, 50, 90 as [`fee_history`] asks),
/// the `eth_gasPrice` result, and `eth_maxPriorityFeePerGas` if the node has it. Max fee =
/// 2 × next base fee + tip: it stays valid through six full blocks of base-fee rises.
pub fn suggest_fees(
    history: Option<&Value>,
    gas_price: &U256,
    priority_hint: Option<&U256>,
) -> Result<FeeSuggestion, EvmError> {
    let base = history
        .and_then(|h| h.get("baseFeePerGas"))
        .and_then(Value::as_array)
        .and_then(|a| a.last())
        .map(quantity)
        .transpose()?
        .unwrap_or(U256::ZERO);
    let price = gas_price
        .to_u128()
        .ok_or_else(|| bad("a gas price above 2^128"))?;
    if base.is_zero() {
        let f = Fees {
            max_fee_per_gas: *gas_price,
            max_priority_fee_per_gas: *gas_price,
        };
        return Ok(FeeSuggestion {
            base_fee: U256::ZERO,
            slow: f,
            normal: f,
            fast: f,
            legacy: true,
            gas_price: *gas_price,
        });
    }
    let base_u = base
        .to_u128()
        .ok_or_else(|| bad("a base fee above 2^128"))?;
    let rewards = history
        .and_then(|h| h.get("reward"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let tip_at = |i: usize| -> Result<u128, EvmError> {
        let mut tips = Vec::new();
        for r in &rewards {
            if let Some(t) = r.get(i) {
                tips.push(
                    quantity(t)?
                        .to_u128()
                        .ok_or_else(|| bad("a tip above 2^128"))?,
                );
            }
        }
        crate::util::sort_by(&mut tips, |a, b| a.cmp(b));
        Ok(tips.get(tips.len() / 2).copied().unwrap_or(0))
    };
    // A floor: the node's own suggestion (or what the gas price leaves above the base fee).
    let floor = priority_hint
        .and_then(U256::to_u128)
        .unwrap_or_else(|| price.saturating_sub(base_u));
    let fees = |tip: u128| Fees {
        max_fee_per_gas: U256::from_u128(base_u.saturating_mul(2).saturating_add(tip)),
        max_priority_fee_per_gas: U256::from_u128(tip),
    };
    let normal = tip_at(1)?.max(floor);
    Ok(FeeSuggestion {
        base_fee: base,
        slow: fees(tip_at(0)?.min(normal)),
        normal: fees(normal),
        fast: fees(tip_at(2)?.max(normal)),
        legacy: false,
        gas_price: *gas_price,
    })
}

/// A gas estimate with a margin: 20% over the node's estimate (state can change between the
/// estimate and the block), none for a plain transfer (always exactly 21,000).
pub fn gas_with_margin(estimate: u64, plain_transfer: bool) -> u64 {
    if plain_transfer && estimate == 21_000 {
        return estimate;
    }
    estimate.saturating_add(estimate / 5)
}

/// An event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
pub struct Log {
    /// The contract that emitted it.
    pub address: Address,
    /// Indexed topics (the first is the event's signature hash).
    pub topics: Vec<Bytes32>,
    /// Non-indexed data.
    pub data: HexData,
    /// Block number.
    #[serde(deserialize_with = "super::types::de_u64")]
    pub block_number: u64,
    /// Transaction hash.
    pub transaction_hash: Bytes32,
    /// Position in the block.
    #[serde(deserialize_with = "super::types::de_u64")]
    pub log_index: u64,
}

/// A mined transaction's receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
pub struct Receipt {
    /// Transaction hash.
    pub hash: Bytes32,
    /// `true` if it succeeded, `false` if it reverted (the fee is paid either way).
    pub status: bool,
    /// Block number.
    pub block: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Wei paid per gas.
    pub effective_gas_price: U256,
    /// The contract a deployment created.
    pub contract_address: Option<Address>,
    /// Its logs.
    pub logs: Vec<Log>,
}

/// Read an `eth_getTransactionReceipt` result: `None` while the transaction is not mined.
pub fn parse_receipt(v: &Value) -> Result<Option<Receipt>, EvmError> {
    if v.is_null() {
        return Ok(None);
    }
    let field = |k: &str| {
        v.get(k)
            .ok_or_else(|| bad(format!("a receipt without {k}")))
    };
    let hash: Bytes32 = field("transactionHash")?
        .as_str()
        .unwrap_or("")
        .parse()
        .map_err(|_| bad("a receipt's transactionHash is not 32 bytes"))?;
    let contract_address = match v.get("contractAddress") {
        Some(Value::String(s)) => Some(s.parse().map_err(|_| bad("a receipt's contractAddress"))?),
        _ => None,
    };
    Ok(Some(Receipt {
        hash,
        status: quantity_u64(field("status")?)? == 1,
        block: quantity_u64(field("blockNumber")?)?,
        gas_used: quantity_u64(field("gasUsed")?)?,
        effective_gas_price: v
            .get("effectiveGasPrice")
            .map(quantity)
            .transpose()?
            .unwrap_or_default(),
        contract_address,
        logs: parse_logs(field("logs")?)?,
    }))
}

/// Read an `eth_getLogs` result (or a receipt's `logs`). Read field by field: a serde derive
/// would add a deserializer per log type to every package.
pub fn parse_logs(v: &Value) -> Result<Vec<Log>, EvmError> {
    let items = v.as_array().ok_or_else(|| bad("logs are not an array"))?;
    items
        .iter()
        .map(|l| {
            let text = |k: &str| {
                l.get(k)
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(format!("a log without {k}")))
            };
            let b32 = |s: &str| {
                s.parse::<Bytes32>()
                    .map_err(|_| bad(format!("'{s}' in a log is not 32 bytes")))
            };
            Ok(Log {
                address: text("address")?
                    .parse()
                    .map_err(|_| bad("a log's address"))?,
                topics: l
                    .get("topics")
                    .and_then(Value::as_array)
                    .ok_or_else(|| bad("a log without topics"))?
                    .iter()
                    .map(|t| b32(t.as_str().unwrap_or("")))
                    .collect::<Result<_, _>>()?,
                data: HexData(data(l.get("data").unwrap_or(&Value::Null))?),
                block_number: quantity_u64(l.get("blockNumber").unwrap_or(&Value::Null))?,
                transaction_hash: b32(text("transactionHash")?)?,
                log_index: quantity_u64(l.get("logIndex").unwrap_or(&Value::Null))?,
            })
        })
        .collect()
}

/// The fields a node fills for a send: the request bodies of one batch.
pub(crate) struct Prepare {
    pub bodies: Vec<String>,
}

/// Ids of the prepare batch.
pub(crate) const ID_CHAIN: u64 = 1;
pub(crate) const ID_NONCE: u64 = 2;
pub(crate) const ID_HISTORY: u64 = 3;
pub(crate) const ID_PRICE: u64 = 4;
pub(crate) const ID_TIP: u64 = 5;
pub(crate) const ID_GAS: u64 = 6;
pub(crate) const ID_SEND: u64 = 7;
pub(crate) const ID_SYMBOL: u64 = 8;
pub(crate) const ID_DECIMALS: u64 = 9;

impl Prepare {
    /// Fees only (a replacement knows its nonce and gas).
    pub fn fees() -> Prepare {
        Prepare {
            bodies: vec![
                chain_id(ID_CHAIN),
                fee_history(ID_HISTORY, 10),
                gas_price(ID_PRICE),
                max_priority_fee(ID_TIP),
            ],
        }
    }

    /// Everything a new transaction needs.
    pub fn new_tx(from: &Address, tx: &Transaction) -> Prepare {
        let mut p = Prepare::fees();
        p.bodies.push(transaction_count(ID_NONCE, from));
        p.bodies.push(estimate_gas(
            ID_GAS,
            from,
            tx.to.as_ref(),
            &tx.value,
            &tx.data.0,
        ));
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revert_reasons() {
        // Error("not enough") as solc emits it.
        let mut d = abi::selector("Error(string)").to_vec();
        d.extend(
            abi::encode(&[AbiType::String], &[AbiValue::String("not enough".into())]).unwrap(),
        );
        assert_eq!(revert_reason(&d, &[]), "not enough");
        let mut p = abi::selector("Panic(uint256)").to_vec();
        p.extend(U256::from(0x11u64).0);
        assert_eq!(
            revert_reason(&p, &[]),
            "an arithmetic overflow or underflow (Panic 0x11)"
        );
        let sig = "ERC20InsufficientBalance(address,uint256,uint256)".to_string();
        let mut c = abi::selector(&sig).to_vec();
        c.extend([0u8; 96]);
        assert!(
            revert_reason(&c, std::slice::from_ref(&sig))
                .starts_with("ERC20InsufficientBalance(\"0x0000")
        );
        assert_eq!(
            revert_reason(&c, &[]),
            revert_reason(&c, std::slice::from_ref(&sig))
        );
        let mut u = abi::selector("Unknown(uint256)").to_vec();
        u.extend([0u8; 32]);
        assert_eq!(
            revert_reason(&u, &[]),
            format!("custom error 0x{}", hex::encode(&u[..4]))
        );
        let e = classify(
            &json!({"code": 3, "message": "execution reverted: not enough", "data": crate::util::hex0x(&d)}),
        );
        assert_eq!(
            e,
            RpcError::Reverted {
                reason: "not enough".into(),
                data: HexData(d)
            }
        );
        assert!(matches!(
            classify(&json!({"code":-32000,"message":"replacement transaction underpriced"})),
            RpcError::Underpriced(_)
        ));
        assert!(matches!(
            classify(
                &json!({"code":-32003,"message":"Insufficient funds for gas * price + value"})
            ),
            RpcError::InsufficientFunds(_)
        ));
    }

    #[test]
    fn fees_from_history() {
        let h = json!({"baseFeePerGas": ["0x3b9aca00", "0x3b9aca00"], "reward": [["0x1", "0x5", "0x9"], ["0x3", "0x7", "0xb"]]});
        let s = suggest_fees(
            Some(&h),
            &U256::from(1_000_000_000u64),
            Some(&U256::from(2u64)),
        )
        .unwrap();
        assert!(!s.legacy);
        assert_eq!(s.normal.max_priority_fee_per_gas, U256::from(7u64));
        assert_eq!(s.normal.max_fee_per_gas, U256::from(2_000_000_007u64));
        assert_eq!(s.fast.max_priority_fee_per_gas, U256::from(11u64));
        assert_eq!(s.slow.max_priority_fee_per_gas, U256::from(3u64));
        // A permissioned chain without fees.
        let s = suggest_fees(None, &U256::ZERO, None).unwrap();
        assert!(s.legacy && s.normal.max_fee_per_gas.is_zero());
        assert_eq!(gas_with_margin(21_000, true), 21_000);
        assert_eq!(gas_with_margin(50_000, false), 60_000);
    }

    #[test]
    fn batch_replies_by_id_and_bad_replies() {
        let r =
            r#"[{"jsonrpc":"2.0","id":2,"result":"0x5"},{"jsonrpc":"2.0","id":1,"result":"0x1"}]"#;
        assert_eq!(quantity_u64(&result(r, 2).unwrap()).unwrap(), 5);
        assert!(matches!(result(r, 9), Err(EvmError::BadReply(_))));
        assert!(matches!(result("<html>", 1), Err(EvmError::BadReply(_))));
    }
}

/// Reads an app makes, each as a request body and a parser of its reply (for hosts with
/// asynchronous HTTP: the npm package), and as one call over a [`super::JsonRpcTransport`].
pub mod read {
    use super::*;
    use crate::evm::{JsonRpcTransport, KnownToken, TokenStandard, erc};

    /// `eth_getBalance` (no token) or ERC-20 `balanceOf` (token).
    pub fn balance_request(owner: &Address, token: Option<&Address>) -> String {
        match token {
            None => balance(1, owner),
            Some(t) => call(1, None, t, &erc::balance_of(owner)),
        }
    }

    /// The balance in a [`balance_request`] reply (wei, or the token's smallest units).
    pub fn parse_balance(reply: &str, token: bool) -> Result<U256, EvmError> {
        let v = result(reply, 1)?;
        if token {
            erc::decode_uint(&data(&v)?)
        } else {
            quantity(&v)
        }
    }

    /// `symbol()` and `decimals()` of a token, as one batch.
    pub fn token_request(token: &Address) -> String {
        batch(&[
            call(1, None, token, &erc::erc20_symbol()),
            call(2, None, token, &erc::erc20_decimals()),
        ])
    }

    /// What a [`token_request`] reply says about `token`. An ERC-721 has no decimals (0); a
    /// contract without `symbol()` gets an empty symbol (explanations then say "tokens").
    pub fn parse_token(
        reply: &str,
        token: &Address,
        standard: TokenStandard,
    ) -> Result<KnownToken, EvmError> {
        let symbol = result(reply, 1)
            .and_then(|v| data(&v))
            .and_then(|d| erc::decode_string(&d))
            .unwrap_or_default();
        let decimals = match standard {
            TokenStandard::Erc721 => 0,
            TokenStandard::Erc20 => erc::decode_uint(&data(&result(reply, 2)?)?)?
                .to_u64()
                .and_then(|d| u8::try_from(d).ok())
                .ok_or_else(|| {
                    EvmError::Abi(format!(
                        "{token} reports more than 255 decimals: it is not an ERC-20 token"
                    ))
                })?,
        };
        Ok(KnownToken {
            address: *token,
            standard,
            symbol,
            decimals,
        })
    }

    /// Slow, normal and fast fees now: one batch (the chain id, fee history, gas price and
    /// priority fee the send flow asks for too).
    pub fn fees_request() -> String {
        batch(&Prepare::fees().bodies)
    }

    /// The fees in a [`fees_request`] reply.
    pub fn parse_fees(reply: &str) -> Result<FeeSuggestion, EvmError> {
        let history = result(reply, ID_HISTORY).ok().filter(|h| !h.is_null());
        let price = quantity(&result(reply, ID_PRICE)?)?;
        let tip = result(reply, ID_TIP)
            .ok()
            .map(|v| quantity(&v))
            .transpose()?;
        suggest_fees(history.as_ref(), &price, tip.as_ref())
    }

    /// `eth_getLogs` of `contract` from `from_block`: its token events.
    pub fn token_events_request(contract: &Address, from_block: u64) -> String {
        logs(1, contract, &[], from_block)
    }

    /// The token events (`Transfer`, `Approval`, `ApprovalForAll`) in a
    /// [`token_events_request`] reply; other logs are left out.
    pub fn parse_token_events(reply: &str) -> Result<Vec<crate::evm::erc::TokenEvent>, EvmError> {
        Ok(parse_logs(&result(reply, 1)?)?
            .iter()
            .filter_map(erc::decode_event)
            .collect())
    }

    /// [`fees_request`] over `t`.
    pub fn fees(t: &dyn JsonRpcTransport) -> Result<FeeSuggestion, EvmError> {
        parse_fees(&t.call(&fees_request())?)
    }

    /// [`token_events_request`] over `t`.
    pub fn token_events(
        t: &dyn JsonRpcTransport,
        contract: &Address,
        from_block: u64,
    ) -> Result<Vec<crate::evm::erc::TokenEvent>, EvmError> {
        parse_token_events(&t.call(&token_events_request(contract, from_block))?)
    }

    /// `eth_call` return data.
    pub fn parse_call(reply: &str) -> Result<Vec<u8>, EvmError> {
        data(&result(reply, 1)?)
    }

    /// The receipt in an `eth_getTransactionReceipt` reply (`None`: not mined yet).
    pub fn parse_receipt_reply(reply: &str) -> Result<Option<Receipt>, EvmError> {
        parse_receipt(&result(reply, 1)?)
    }

    /// [`balance_request`] over `t`.
    pub fn balance_of(
        t: &dyn JsonRpcTransport,
        owner: &Address,
        token: Option<&Address>,
    ) -> Result<U256, EvmError> {
        parse_balance(&t.call(&balance_request(owner, token))?, token.is_some())
    }

    /// [`token_request`] over `t`.
    pub fn token(
        t: &dyn JsonRpcTransport,
        token: &Address,
        standard: TokenStandard,
    ) -> Result<KnownToken, EvmError> {
        parse_token(&t.call(&token_request(token))?, token, standard)
    }

    /// `eth_call` over `t`.
    pub fn eth_call(
        t: &dyn JsonRpcTransport,
        to: &Address,
        data: &[u8],
    ) -> Result<Vec<u8>, EvmError> {
        parse_call(&t.call(&call(1, None, to, data))?)
    }

    /// The receipt of `hash` over `t`, if mined.
    pub fn receipt_of(
        t: &dyn JsonRpcTransport,
        hash: &Bytes32,
    ) -> Result<Option<Receipt>, EvmError> {
        parse_receipt_reply(&t.call(&receipt(1, hash))?)
    }
}
