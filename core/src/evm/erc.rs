//! ERC-20 and ERC-721: the calls a wallet makes, what their calldata says, and their
//! `Transfer` / `Approval` / `ApprovalForAll` event logs.
//!
//! ```
//! use jigap_core::evm::{erc, U256};
//! let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse().unwrap();
//! let data = erc::erc20_transfer(&to, U256::from(5_000u64));
//! assert_eq!(hex::encode(&data[..4]), "a9059cbb");
//! assert_eq!(erc::decode_call(&data), Some(erc::TokenCall::Transfer { to, amount: U256::from(5_000u64) }));
//! ```

use serde::{Deserialize, Serialize};

use super::abi::{self, AbiType, AbiValue};
use super::rpc::Log;
use super::{EvmError, U256};
use crate::bind::Bytes32;
use crate::keys::Address;
use crate::util::keccak256;

fn call(signature: &str, args: &[AbiValue]) -> Vec<u8> {
    // The signatures below are constants that parse; an error here would be a typo in this file.
    abi::encode_call(signature, args).unwrap_or_default()
}

/// `transfer(address,uint256)`.
pub fn erc20_transfer(to: &Address, amount: U256) -> Vec<u8> {
    call(
        "transfer(address,uint256)",
        &[AbiValue::Address(*to), AbiValue::Uint(amount)],
    )
}
/// `approve(address,uint256)` (ERC-20: an amount; ERC-721: a token id).
pub fn erc20_approve(spender: &Address, amount: U256) -> Vec<u8> {
    call(
        "approve(address,uint256)",
        &[AbiValue::Address(*spender), AbiValue::Uint(amount)],
    )
}
/// `balanceOf(address)` (ERC-20 and ERC-721).
pub fn balance_of(owner: &Address) -> Vec<u8> {
    call("balanceOf(address)", &[AbiValue::Address(*owner)])
}
/// `allowance(address,address)`.
pub fn erc20_allowance(owner: &Address, spender: &Address) -> Vec<u8> {
    call(
        "allowance(address,address)",
        &[AbiValue::Address(*owner), AbiValue::Address(*spender)],
    )
}
/// `decimals()`.
pub fn erc20_decimals() -> Vec<u8> {
    abi::selector("decimals()").to_vec()
}
/// `symbol()`.
pub fn erc20_symbol() -> Vec<u8> {
    abi::selector("symbol()").to_vec()
}
/// `safeTransferFrom(address,address,uint256)`.
pub fn erc721_safe_transfer_from(from: &Address, to: &Address, token_id: U256) -> Vec<u8> {
    call(
        "safeTransferFrom(address,address,uint256)",
        &[
            AbiValue::Address(*from),
            AbiValue::Address(*to),
            AbiValue::Uint(token_id),
        ],
    )
}
/// `transferFrom(address,address,uint256)` (ERC-721; ERC-20's has the same shape).
pub fn transfer_from(from: &Address, to: &Address, id_or_amount: U256) -> Vec<u8> {
    call(
        "transferFrom(address,address,uint256)",
        &[
            AbiValue::Address(*from),
            AbiValue::Address(*to),
            AbiValue::Uint(id_or_amount),
        ],
    )
}
/// `ownerOf(uint256)`.
pub fn erc721_owner_of(token_id: U256) -> Vec<u8> {
    call("ownerOf(uint256)", &[AbiValue::Uint(token_id)])
}
/// `tokenURI(uint256)`.
pub fn erc721_token_uri(token_id: U256) -> Vec<u8> {
    call("tokenURI(uint256)", &[AbiValue::Uint(token_id)])
}

/// Read a `uint256` return value (`balanceOf`, `allowance`, `decimals`).
pub fn decode_uint(data: &[u8]) -> Result<U256, EvmError> {
    abi::decode(&[AbiType::Uint(256)], data)?
        .first()
        .and_then(AbiValue::as_uint)
        .ok_or_else(|| EvmError::Abi("expected a uint256".into()))
}
/// Read a `string` return value (`symbol`, `tokenURI`).
pub fn decode_string(data: &[u8]) -> Result<String, EvmError> {
    match abi::decode(&[AbiType::String], data)?.pop() {
        Some(AbiValue::String(s)) => Ok(s),
        _ => Err(EvmError::Abi("expected a string".into())),
    }
}
/// Read an `address` return value (`ownerOf`).
pub fn decode_address(data: &[u8]) -> Result<Address, EvmError> {
    abi::decode(&[AbiType::Address], data)?
        .first()
        .and_then(AbiValue::as_address)
        .ok_or_else(|| EvmError::Abi("expected an address".into()))
}

/// A token call the wallet recognises in calldata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCall {
    /// ERC-20 `transfer`.
    Transfer {
        /// Recipient.
        to: Address,
        /// Smallest units.
        amount: U256,
    },
    /// `approve` (ERC-20 amount or ERC-721 token id).
    Approve {
        /// Who may spend or take.
        spender: Address,
        /// Amount or token id.
        value: U256,
    },
    /// `transferFrom` / `safeTransferFrom` (with or without data).
    TransferFrom {
        /// Owner.
        from: Address,
        /// Recipient.
        to: Address,
        /// Token id (ERC-721) or amount (ERC-20 `transferFrom`).
        value: U256,
        /// `safeTransferFrom`: ERC-721 only.
        safe: bool,
    },
    /// `setApprovalForAll`.
    ApprovalForAll {
        /// The operator.
        operator: Address,
        /// Granted or revoked.
        approved: bool,
    },
}

/// Recognise a token call; `None` for anything else (or for calldata that does not decode).
pub fn decode_call(data: &[u8]) -> Option<TokenCall> {
    let (sel, args) = (data.get(..4)?, data.get(4..)?);
    let sel: [u8; 4] = sel.try_into().ok()?;
    let a = AbiType::Address;
    let u = AbiType::Uint(256);
    let is = |sig: &str| abi::selector(sig) == sel;
    let addr = |v: &AbiValue| v.as_address();
    let uint = |v: &AbiValue| v.as_uint();
    if is("transfer(address,uint256)") {
        let v = abi::decode(&[a, u], args).ok()?;
        return Some(TokenCall::Transfer {
            to: addr(&v[0])?,
            amount: uint(&v[1])?,
        });
    }
    if is("approve(address,uint256)") {
        let v = abi::decode(&[a, u], args).ok()?;
        return Some(TokenCall::Approve {
            spender: addr(&v[0])?,
            value: uint(&v[1])?,
        });
    }
    let safe = is("safeTransferFrom(address,address,uint256)");
    let safe_data = is("safeTransferFrom(address,address,uint256,bytes)");
    if safe || safe_data || is("transferFrom(address,address,uint256)") {
        let mut types = vec![a.clone(), a, u];
        if safe_data {
            types.push(AbiType::Bytes);
        }
        let v = abi::decode(&types, args).ok()?;
        return Some(TokenCall::TransferFrom {
            from: addr(&v[0])?,
            to: addr(&v[1])?,
            value: uint(&v[2])?,
            safe: safe || safe_data,
        });
    }
    if is("setApprovalForAll(address,bool)") {
        let v = abi::decode(&[a, AbiType::Bool], args).ok()?;
        return Some(TokenCall::ApprovalForAll {
            operator: addr(&v[0])?,
            approved: v[1] == AbiValue::Bool(true),
        });
    }
    None
}

/// What a token event log says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
pub struct TokenEvent {
    /// `Transfer`, `Approval` or `ApprovalForAll`.
    pub event: String,
    /// The token contract that emitted it.
    pub contract: Address,
    /// ERC-721 when the id is indexed (4 topics), ERC-20 when the amount is in the data.
    pub standard: super::TokenStandard,
    /// Sender, owner.
    pub from: Address,
    /// Recipient, spender, operator.
    pub to: Address,
    /// Amount (ERC-20) or token id (ERC-721); 1/0 for `ApprovalForAll`.
    pub value: U256,
    /// Block of the log.
    pub block: u64,
    /// Transaction of the log.
    pub transaction_hash: Bytes32,
    /// Position in the block.
    pub log_index: u64,
}

/// The topic of an event signature such as `Transfer(address,address,uint256)`: its keccak-256.
pub fn event_topic(signature: &str) -> Bytes32 {
    Bytes32(keccak256(signature.as_bytes()))
}

fn topic(sig: &str) -> Bytes32 {
    event_topic(sig)
}

/// `Transfer(address,address,uint256)` — the same topic for ERC-20 and ERC-721.
pub fn transfer_topic() -> Bytes32 {
    topic("Transfer(address,address,uint256)")
}
/// `Approval(address,address,uint256)`.
pub fn approval_topic() -> Bytes32 {
    topic("Approval(address,address,uint256)")
}
/// `ApprovalForAll(address,address,bool)`.
pub fn approval_for_all_topic() -> Bytes32 {
    topic("ApprovalForAll(address,address,bool)")
}

/// The address in an indexed topic (`None` unless its first 12 bytes are zero).
pub fn topic_address(t: &Bytes32) -> Option<Address> {
    t.0[..12]
        .iter()
        .all(|b| *b == 0)
        .then(|| Address(t.0[12..].try_into().unwrap_or_default()))
}

/// Read a token event from a log; `None` for other events or a log that does not fit.
pub fn decode_event(log: &Log) -> Option<TokenEvent> {
    let t = &log.topics;
    let name = if t.first()? == &transfer_topic() {
        "Transfer"
    } else if t[0] == approval_topic() {
        "Approval"
    } else if t[0] == approval_for_all_topic() {
        "ApprovalForAll"
    } else {
        return None;
    };
    let from = topic_address(t.get(1)?)?;
    let to = topic_address(t.get(2)?)?;
    let (standard, value) = match (t.len(), log.data.0.len()) {
        (4, 0) if name != "ApprovalForAll" => (super::TokenStandard::Erc721, U256(t[3].0)),
        (3, 32) => {
            let v = U256(log.data.0.as_slice().try_into().ok()?);
            let standard = if name == "ApprovalForAll" {
                if v.to_u64()? > 1 {
                    return None;
                }
                super::TokenStandard::Erc721
            } else {
                super::TokenStandard::Erc20
            };
            (standard, v)
        }
        _ => return None,
    };
    Some(TokenEvent {
        event: name.into(),
        contract: log.address,
        standard,
        from,
        to,
        value,
        block: log.block_number,
        transaction_hash: log.transaction_hash,
        log_index: log.log_index,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evm::HexData;

    #[test]
    fn selectors_are_the_standard_ones() {
        let sel = |d: Vec<u8>| hex::encode(&d[..4]);
        let a = Address([7; 20]);
        assert_eq!(sel(erc20_transfer(&a, U256::ZERO)), "a9059cbb");
        assert_eq!(sel(erc20_approve(&a, U256::ZERO)), "095ea7b3");
        assert_eq!(sel(balance_of(&a)), "70a08231");
        assert_eq!(sel(erc20_allowance(&a, &a)), "dd62ed3e");
        assert_eq!(hex::encode(erc20_decimals()), "313ce567");
        assert_eq!(hex::encode(erc20_symbol()), "95d89b41");
        assert_eq!(
            sel(erc721_safe_transfer_from(&a, &a, U256::ZERO)),
            "42842e0e"
        );
        assert_eq!(sel(transfer_from(&a, &a, U256::ZERO)), "23b872dd");
        assert_eq!(sel(erc721_owner_of(U256::ZERO)), "6352211e");
        assert_eq!(sel(erc721_token_uri(U256::ZERO)), "c87b56dd");
        assert_eq!(
            transfer_topic().to_string(),
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
        );
    }

    #[test]
    fn events() {
        let pad = |a: &Address| {
            let mut t = [0u8; 32];
            t[12..].copy_from_slice(&a.0);
            Bytes32(t)
        };
        let (x, y) = (Address([1; 20]), Address([2; 20]));
        let mut log = Log {
            address: Address([9; 20]),
            topics: vec![transfer_topic(), pad(&x), pad(&y)],
            data: HexData(U256::from(5000u64).0.to_vec()),
            block_number: 3,
            transaction_hash: Bytes32([4; 32]),
            log_index: 0,
        };
        let e = decode_event(&log).unwrap();
        assert_eq!(
            (e.standard, e.value),
            (crate::evm::TokenStandard::Erc20, U256::from(5000u64))
        );
        log.topics.push(Bytes32(U256::from(1042u64).0));
        log.data = HexData::default();
        let e = decode_event(&log).unwrap();
        assert_eq!(
            (e.standard, e.value.to_string()),
            (crate::evm::TokenStandard::Erc721, "1042".into())
        );
        log.topics[1].0[0] = 1;
        assert!(
            decode_event(&log).is_none(),
            "a topic that is not an address"
        );
    }
}
