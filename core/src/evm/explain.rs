//! Clear signing: what a transaction does, said in plain Korean and English before the wallet
//! signs it. Token symbols and decimals come from what the app knows ([`KnownToken`], its own
//! list or `eth_call` results of `symbol()` / `decimals()` it passes in); what the wallet cannot
//! read is said, with a warning, never guessed.
//!
//! ```
//! use jigap_core::evm::{Transaction, KnownToken, TokenStandard, U256, erc, explain::explain};
//! let token = "0x5FbDB2315678afecb367f032d93F642f64180aa3".parse().unwrap();
//! let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse().unwrap();
//! let mut tx = Transaction::from_json(r#"{"chainId":1,"nonce":0,"gas":60000,
//!   "maxFeePerGas":1,"maxPriorityFeePerGas":1}"#).unwrap();
//! tx.to = Some(token);
//! tx.data = erc::erc20_transfer(&to, U256::from(5_000_000_000u64)).into();
//! let known = [KnownToken { address: token, standard: TokenStandard::Erc20,
//!     symbol: "KRWT".into(), decimals: 6 }];
//! let e = explain(&tx, &known, "ETH");
//! assert_eq!(e.en, "transfer 5,000 KRWT to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 (token at 0x5FbDB2315678afecb367f032d93F642f64180aa3)");
//! assert!(e.ko.starts_with("0x70997970C51812dc3A010C7d01b50e0d17dc79C8에게 5,000 KRWT 보내기"));
//! assert!(!e.risky);
//! ```

use serde::{Deserialize, Serialize};

use super::erc::{TokenCall, decode_call};
use super::{Transaction, U256};
use crate::keys::Address;

/// Which token standard a contract follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum TokenStandard {
    /// Fungible (amounts, decimals).
    Erc20,
    /// Non-fungible (ticket ids).
    Erc721,
}

/// A token contract the app knows: its symbol and decimals (ERC-721 tickets: decimals 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct KnownToken {
    /// The contract.
    pub address: Address,
    /// ERC-20 or ERC-721.
    pub standard: TokenStandard,
    /// What people call it (`KRWT`, `TIX`).
    pub symbol: String,
    /// ERC-20 decimals (0 for ERC-721).
    pub decimals: u8,
}

/// What a transaction does, for the person about to sign it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Explanation {
    /// `send`, `transfer`, `give`, `approve`, `approveAll`, `revokeAll`, `call` or `deploy`.
    pub action: String,
    /// In English: "send 0.05 ETH to 0x…".
    pub en: String,
    /// In Korean: "0x…에게 0.05 ETH 보내기".
    pub ko: String,
    /// Grants someone else power over the holder's tokens (an unlimited approval, approval for
    /// all): show it with a warning colour and ask again.
    pub risky: bool,
    /// Warnings in English (unknown token, unknown function, contract deployment, …).
    pub warnings_en: Vec<String>,
    /// The same warnings in Korean.
    pub warnings_ko: Vec<String>,
    /// The most the network fee can be, in the native currency ("0.00042 ETH").
    pub max_fee: String,
}

/// Approvals at or above 2^255 are "all": wallets and dapps use 2^256 − 1 and variants of it.
fn unlimited(v: &U256) -> bool {
    v.0[0] & 0x80 != 0
}

struct Text {
    action: &'static str,
    en: String,
    ko: String,
    risky: bool,
    warn: Vec<(String, String)>,
}

/// Explain `tx` with the tokens the app knows and the chain's native currency symbol.
pub fn explain(tx: &Transaction, tokens: &[KnownToken], native: &str) -> Explanation {
    let known = |a: &Address| tokens.iter().find(|t| t.address == *a);
    let eth = |v: &U256| format!("{} {native}", v.format_units(18));
    let t = match tx.to {
        None => Text {
            action: "deploy",
            en: format!("deploy a new contract ({} bytes of code)", tx.data.0.len()),
            ko: format!("새 컨트랙트 배포 (코드 {}바이트)", tx.data.0.len()),
            risky: false,
            warn: vec![(
                "this creates a contract: sign only code you built or trust".into(),
                "컨트랙트를 새로 만듭니다: 직접 만들었거나 믿을 수 있는 코드만 서명하세요".into(),
            )],
        },
        Some(to) if tx.data.0.is_empty() => Text {
            action: "send",
            en: format!("send {} to {to}", eth(&tx.value)),
            ko: format!("{to}에게 {} 보내기", eth(&tx.value)),
            risky: false,
            warn: vec![],
        },
        Some(contract) => token_call(&contract, &tx.data.0, known(&contract)),
    };
    let mut warn = t.warn;
    let (mut en, mut ko) = (t.en, t.ko);
    if tx.to.is_some() && !tx.data.0.is_empty() && !tx.value.is_zero() {
        en = format!("{en}, and send {} with it", eth(&tx.value));
        ko = format!("{ko}, 그리고 {} 함께 보내기", eth(&tx.value));
    }
    if t.risky {
        warn.insert(
            0,
            (
                "risky: this lets someone else move your tokens without asking you again".into(),
                "위험: 다른 사람이 다시 묻지 않고 내 토큰을 옮길 수 있게 됩니다".into(),
            ),
        );
    }
    let fee = tx
        .gas_price
        .or(tx.max_fee_per_gas)
        .and_then(|p| p.to_u128())
        .and_then(|p| p.checked_mul(u128::from(tx.gas)))
        .map(|f| eth(&U256::from_u128(f)))
        .unwrap_or_default();
    Explanation {
        action: t.action.into(),
        en,
        ko,
        risky: t.risky,
        warnings_en: warn.iter().map(|w| w.0.clone()).collect(),
        warnings_ko: warn.into_iter().map(|w| w.1).collect(),
        max_fee: fee,
    }
}

fn token_call(contract: &Address, data: &[u8], known: Option<&KnownToken>) -> Text {
    let unknown_token = || {
        (
            format!(
                "jigap does not know the token at {contract}: amounts are in its smallest units"
            ),
            format!("{contract}의 토큰은 앱이 모르는 토큰입니다: 수량은 가장 작은 단위입니다"),
        )
    };
    let amount = |v: &U256| match known {
        Some(k) => format!("{} {}", v.format_units(k.decimals), k.symbol),
        None => format!("{v} units"),
    };
    let sym = known.map(|k| k.symbol.as_str()).unwrap_or("tokens");
    let sym_ko = known.map(|k| k.symbol.as_str()).unwrap_or("토큰");
    let is_nft = known.is_some_and(|k| k.standard == TokenStandard::Erc721);
    let is_ft = known.is_some_and(|k| k.standard == TokenStandard::Erc20);
    let mut warn = Vec::new();
    let call = decode_call(data);
    if call.is_some() && known.is_none() {
        warn.push(unknown_token());
    }
    let (action, en, ko, risky) = match call {
        Some(TokenCall::Transfer { to, amount: v }) if !is_nft => (
            "transfer",
            format!("transfer {} to {to} (token at {contract})", amount(&v)),
            format!("{to}에게 {} 보내기 (토큰 {contract})", amount(&v)),
            false,
        ),
        Some(TokenCall::Approve { spender, value }) if is_nft => (
            "approve",
            format!("allow {spender} to take ticket #{value} of contract {contract}"),
            format!("{spender}에게 컨트랙트 {contract}의 티켓 #{value}을(를) 가져갈 권한 주기"),
            false,
        ),
        Some(TokenCall::Approve { spender, value }) if unlimited(&value) => (
            "approve",
            format!("approve {spender} to spend ALL your {sym} (token at {contract})"),
            format!("{spender}에게 내 {sym_ko} 전부를 쓸 권한 주기 (토큰 {contract})"),
            true,
        ),
        Some(TokenCall::Approve { spender, value }) => (
            "approve",
            format!(
                "approve {spender} to spend up to {} (token at {contract})",
                amount(&value)
            ),
            format!(
                "{spender}에게 최대 {}를 쓸 권한 주기 (토큰 {contract})",
                amount(&value)
            ),
            false,
        ),
        Some(TokenCall::TransferFrom {
            from,
            to,
            value,
            safe,
        }) if is_nft || (safe && !is_ft) => (
            "give",
            format!("give ticket #{value} of contract {contract} to {to} (from {from})"),
            format!("컨트랙트 {contract}의 티켓 #{value}을(를) {to}에게 넘기기 ({from}에서)"),
            false,
        ),
        Some(TokenCall::TransferFrom {
            from, to, value, ..
        }) => (
            "transfer",
            format!(
                "move {} from {from} to {to} (token at {contract})",
                if is_ft {
                    amount(&value)
                } else {
                    format!("token #{value} or {value} units")
                }
            ),
            format!(
                "{from}에서 {to}(으)로 {} 옮기기 (토큰 {contract})",
                if is_ft {
                    amount(&value)
                } else {
                    format!("토큰 #{value} 또는 {value} 단위")
                }
            ),
            false,
        ),
        Some(TokenCall::ApprovalForAll {
            operator,
            approved: true,
        }) => (
            "approveAll",
            format!("allow {operator} to move ALL your tickets and tokens of contract {contract}"),
            format!("{operator}에게 컨트랙트 {contract}의 내 티켓과 토큰 전부를 옮길 권한 주기"),
            true,
        ),
        Some(TokenCall::ApprovalForAll {
            operator,
            approved: false,
        }) => (
            "revokeAll",
            format!("take back {operator}'s permission to move your tokens of contract {contract}"),
            format!("{operator}이(가) 컨트랙트 {contract}의 내 토큰을 옮길 권한 거두기"),
            false,
        ),
        // An ERC-20 `transfer` on a known ERC-721 contract, or anything unknown.
        _ => {
            let sel = data
                .get(..4)
                .map(crate::util::hex0x)
                .unwrap_or_else(|| crate::util::hex0x(data));
            warn.clear();
            warn.push((
                format!("jigap cannot read what this call does: sign only if you trust the contract {contract}"),
                format!("이 호출이 무엇을 하는지 읽을 수 없습니다: 컨트랙트 {contract}을(를) 믿을 때만 서명하세요"),
            ));
            (
                "call",
                format!("call function {sel} on {contract}"),
                format!("{contract}의 함수 {sel} 호출"),
                false,
            )
        }
    };
    Text {
        action,
        en,
        ko,
        risky,
        warn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evm::erc;

    fn tx(to: &str, data: Vec<u8>, value: u64) -> Transaction {
        let mut t = Transaction::from_json(
            r#"{"chainId":1,"nonce":0,"gas":100000,"maxFeePerGas":"4200000000","maxPriorityFeePerGas":1}"#,
        )
        .unwrap();
        t.to = Some(to.parse().unwrap());
        t.data = data.into();
        t.value = U256::from(value);
        t
    }

    const TOKEN: &str = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    fn tokens() -> Vec<KnownToken> {
        vec![
            KnownToken {
                address: TOKEN.parse().unwrap(),
                standard: TokenStandard::Erc20,
                symbol: "KRWT".into(),
                decimals: 0,
            },
            KnownToken {
                address: BOB.parse().unwrap(),
                standard: TokenStandard::Erc721,
                symbol: "TIX".into(),
                decimals: 0,
            },
        ]
    }

    #[test]
    fn the_common_cases() {
        let bob: Address = BOB.parse().unwrap();
        let e = explain(&tx(BOB, vec![], 50_000_000_000_000_000), &[], "ETH");
        assert_eq!(e.en, format!("send 0.05 ETH to {BOB}"));
        assert_eq!(e.ko, format!("{BOB}에게 0.05 ETH 보내기"));
        assert_eq!(e.max_fee, "0.00042 ETH");

        let e = explain(
            &tx(TOKEN, erc::erc20_approve(&bob, U256::MAX), 0),
            &tokens(),
            "ETH",
        );
        assert_eq!(
            e.en,
            format!("approve {BOB} to spend ALL your KRWT (token at {TOKEN})")
        );
        assert!(e.risky && e.warnings_en[0].starts_with("risky"));
        assert!(e.warnings_ko[0].starts_with("위험"));

        let e = explain(
            &tx(TOKEN, erc::erc20_approve(&bob, U256::from(10u64)), 0),
            &tokens(),
            "ETH",
        );
        assert!(!e.risky);

        let ticket = erc::erc721_safe_transfer_from(&bob, &bob, U256::from(1042u64));
        let e = explain(&tx(BOB, ticket, 0), &tokens(), "ETH");
        assert_eq!(
            e.en,
            format!("give ticket #1042 of contract {BOB} to {BOB} (from {BOB})")
        );

        let e = explain(
            &tx(BOB, hex::decode("12345678").unwrap(), 0),
            &tokens(),
            "ETH",
        );
        assert_eq!(e.en, format!("call function 0x12345678 on {BOB}"));
        assert_eq!(e.action, "call");
        assert_eq!(e.warnings_en.len(), 1);

        // An unknown token: smallest units and a warning.
        let e = explain(
            &tx(BOB, erc::erc20_transfer(&bob, U256::from(5u64)), 0),
            &[],
            "ETH",
        );
        assert!(e.en.contains("5 units") && e.warnings_en[0].contains("does not know"));
    }
}
