//! The contract ABI: function selectors, and the encoding of arguments and return data for
//! static and dynamic types, tuples and arrays (Solidity ABI specification). The integer, address,
//! bool and `bytesN` words are the EIP-712 module's own (one implementation of the value rules
//! for both), and JSON values are read the way EIP-712 reads them: numbers keep their literal
//! text, big ones go as decimal or `0x` text.
//!
//! ```
//! use jigap_core::evm::abi;
//! assert_eq!(hex::encode(abi::selector("transfer(address,uint256)")), "a9059cbb");
//! let data = abi::encode_json(&["uint256".into(), "string[]".into()], r#"["7", ["a", "bc"]]"#).unwrap();
//! let back = abi::decode_json(&["uint256".into(), "string[]".into()], &data).unwrap();
//! assert_eq!(back, r#"["7",["a","bc"]]"#);
//! ```

use std::fmt;
use std::str::FromStr;

use serde_json::Value;
use serde_json::value::RawValue;

use super::{EvmError, U256};
use crate::keys::Address;
use crate::keys::eip712::{self, Json, bytes_n, int_bits, negate};
use crate::util::{hex0x, keccak256};

/// An ABI type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AbiType {
    /// `uintN`, N bits.
    Uint(usize),
    /// `intN`, N bits.
    Int(usize),
    /// `address`.
    Address,
    /// `bool`.
    Bool,
    /// `bytesN`, N from 1 to 32.
    FixedBytes(usize),
    /// `bytes`.
    Bytes,
    /// `string`.
    String,
    /// `T[]`.
    Array(Box<AbiType>),
    /// `T[k]`.
    FixedArray(Box<AbiType>, usize),
    /// `(T1,T2,…)`.
    Tuple(Vec<AbiType>),
}

/// A value of an [`AbiType`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AbiValue {
    /// An unsigned integer.
    Uint(U256),
    /// A signed integer, as its 256-bit two's complement.
    Int(U256),
    /// An address.
    Address(Address),
    /// A bool.
    Bool(bool),
    /// `bytesN` (N bytes).
    FixedBytes(Vec<u8>),
    /// `bytes`.
    Bytes(Vec<u8>),
    /// `string`.
    String(String),
    /// `T[]` or `T[k]`.
    Array(Vec<AbiValue>),
    /// A tuple.
    Tuple(Vec<AbiValue>),
}

fn abi_err(why: impl Into<String>) -> EvmError {
    EvmError::Abi(why.into())
}

/// A `uint` value of a `u64` (for calldata the core builds itself).
pub(crate) fn uint(v: u64) -> AbiValue {
    AbiValue::Uint(U256::from_u128(u128::from(v)))
}

/// A `string` value.
pub(crate) fn text(s: &str) -> AbiValue {
    AbiValue::String(s.to_string())
}

/// Encode a call whose signature and values the core built itself: a failure would be a bug,
/// not input, so it yields empty bytes rather than an error the caller could not act on.
pub(crate) fn own_call(signature: &str, values: &[AbiValue]) -> Vec<u8> {
    encode_call(signature, values).unwrap_or_default()
}

/// The 4-byte selector of a function signature such as `transfer(address,uint256)` (also the
/// first bytes of an event topic or custom error id).
pub fn selector(signature: &str) -> [u8; 4] {
    let h = keccak256(signature.as_bytes());
    [h[0], h[1], h[2], h[3]]
}

impl FromStr for AbiType {
    type Err = EvmError;
    fn from_str(s: &str) -> Result<AbiType, EvmError> {
        let s = s.trim();
        if s.len() > 1024 {
            return Err(abi_err("type too long"));
        }
        parse_type(s, 0)
    }
}

fn parse_type(s: &str, depth: usize) -> Result<AbiType, EvmError> {
    if depth > 16 {
        return Err(abi_err("types nest too deeply"));
    }
    if let Some((inner, len)) = eip712::split_array(s).map_err(|e| abi_err(e.to_string()))? {
        let inner = Box::new(parse_type(inner, depth + 1)?);
        return Ok(match len {
            None => AbiType::Array(inner),
            Some(n) => AbiType::FixedArray(inner, n),
        });
    }
    if let Some(body) = s.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        if body.is_empty() {
            return Ok(AbiType::Tuple(Vec::new()));
        }
        return split_top(body)?
            .into_iter()
            .map(|t| parse_type(t, depth + 1))
            .collect::<Result<_, _>>()
            .map(AbiType::Tuple);
    }
    Ok(match s {
        "address" => AbiType::Address,
        "bool" => AbiType::Bool,
        "string" => AbiType::String,
        "bytes" => AbiType::Bytes,
        _ => {
            if let Some(n) = bytes_n(s) {
                AbiType::FixedBytes(n)
            } else if let Some((signed, bits)) = int_bits(s) {
                if signed {
                    AbiType::Int(bits)
                } else {
                    AbiType::Uint(bits)
                }
            } else {
                return Err(abi_err(format!("unknown type '{s}'")));
            }
        }
    })
}

/// Split a tuple body at its top-level commas.
fn split_top(body: &str) -> Result<Vec<&str>, EvmError> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in body.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(body[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        if depth < 0 {
            return Err(abi_err("unbalanced parentheses"));
        }
    }
    if depth != 0 {
        return Err(abi_err("unbalanced parentheses"));
    }
    out.push(body[start..].trim());
    Ok(out)
}

impl fmt::Display for AbiType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbiType::Uint(n) => write!(f, "uint{n}"),
            AbiType::Int(n) => write!(f, "int{n}"),
            AbiType::Address => f.write_str("address"),
            AbiType::Bool => f.write_str("bool"),
            AbiType::FixedBytes(n) => write!(f, "bytes{n}"),
            AbiType::Bytes => f.write_str("bytes"),
            AbiType::String => f.write_str("string"),
            AbiType::Array(t) => write!(f, "{t}[]"),
            AbiType::FixedArray(t, n) => write!(f, "{t}[{n}]"),
            AbiType::Tuple(ts) => {
                f.write_str("(")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl AbiType {
    /// Dynamic types are encoded in the tail, behind an offset.
    pub fn is_dynamic(&self) -> bool {
        match self {
            AbiType::Bytes | AbiType::String | AbiType::Array(_) => true,
            AbiType::FixedArray(t, _) => t.is_dynamic(),
            AbiType::Tuple(ts) => ts.iter().any(AbiType::is_dynamic),
            _ => false,
        }
    }

    /// Bytes in the head: 32 for a dynamic type, the whole encoding for a static one.
    fn head_size(&self) -> usize {
        match self {
            _ if self.is_dynamic() => 32,
            AbiType::FixedArray(t, n) => t.head_size().saturating_mul(*n),
            AbiType::Tuple(ts) => ts.iter().map(AbiType::head_size).sum(),
            _ => 32,
        }
    }
}

/// Parse a list of type strings.
pub fn parse_types(types: &[String]) -> Result<Vec<AbiType>, EvmError> {
    types.iter().map(|t| t.parse()).collect()
}

/// Encode `values` (as a tuple of `types`): the arguments of a call without the selector, or
/// return data.
pub fn encode(types: &[AbiType], values: &[AbiValue]) -> Result<Vec<u8>, EvmError> {
    let mut out = Vec::new();
    encode_tuple(types, values, &mut out)?;
    Ok(out)
}

/// `selector(signature) ‖ encode(args)`, the types read from the signature.
///
/// ```
/// use jigap_core::evm::abi::{self, AbiValue};
/// let data = abi::encode_call("balanceOf(address)",
///     &[AbiValue::Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse().unwrap())]).unwrap();
/// assert_eq!(data.len(), 36);
/// ```
pub fn encode_call(signature: &str, values: &[AbiValue]) -> Result<Vec<u8>, EvmError> {
    let open = signature
        .find('(')
        .ok_or_else(|| abi_err(format!("'{signature}' is not a function signature")))?;
    let AbiType::Tuple(types) = signature[open..].parse()? else {
        return Err(abi_err(format!(
            "'{signature}' is not a function signature"
        )));
    };
    let mut out = selector(signature).to_vec();
    out.extend(encode(&types, values)?);
    Ok(out)
}

fn encode_tuple(types: &[AbiType], values: &[AbiValue], out: &mut Vec<u8>) -> Result<(), EvmError> {
    if types.len() != values.len() {
        return Err(abi_err(format!(
            "{} values for {} types",
            values.len(),
            types.len()
        )));
    }
    let head_len: usize = types.iter().map(AbiType::head_size).sum();
    let mut tail = Vec::new();
    for (t, v) in types.iter().zip(values) {
        if t.is_dynamic() {
            out.extend_from_slice(&word_usize(head_len + tail.len()));
            encode_value(t, v, &mut tail)?;
        } else {
            encode_value(t, v, out)?;
        }
    }
    out.extend(tail);
    Ok(())
}

fn word_usize(n: usize) -> [u8; 32] {
    U256::from(n as u64).0
}

fn padded(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(b);
    out.resize(out.len() + (32 - b.len() % 32) % 32, 0);
}

fn mismatch(t: &AbiType, v: &AbiValue) -> EvmError {
    abi_err(format!("a value {v:?} where a {t} belongs"))
}

fn encode_value(t: &AbiType, v: &AbiValue, out: &mut Vec<u8>) -> Result<(), EvmError> {
    match (t, v) {
        (AbiType::Uint(bits), AbiValue::Uint(n)) => {
            if n.0[..(256 - bits) / 8].iter().any(|b| *b != 0) {
                return Err(abi_err(format!("{n} does not fit {t}")));
            }
            out.extend_from_slice(&n.0);
        }
        (AbiType::Int(bits), AbiValue::Int(n)) => {
            let fill = if n.0[0] & 0x80 != 0 { 0xff } else { 0 };
            let k = (256 - bits) / 8;
            if n.0[..k].iter().any(|b| *b != fill)
                || (k < 32 && (n.0[k] & 0x80 != 0) != (fill != 0))
            {
                return Err(abi_err(format!("the value does not fit {t}")));
            }
            out.extend_from_slice(&n.0);
        }
        (AbiType::Address, AbiValue::Address(a)) => {
            out.extend_from_slice(&[0; 12]);
            out.extend_from_slice(&a.0);
        }
        (AbiType::Bool, AbiValue::Bool(b)) => out.extend_from_slice(&U256::from(u64::from(*b)).0),
        (AbiType::FixedBytes(n), AbiValue::FixedBytes(b)) if b.len() == *n => padded(out, b),
        (AbiType::Bytes, AbiValue::Bytes(b)) => {
            out.extend_from_slice(&word_usize(b.len()));
            padded(out, b);
        }
        (AbiType::String, AbiValue::String(s)) => {
            out.extend_from_slice(&word_usize(s.len()));
            padded(out, s.as_bytes());
        }
        (AbiType::Array(inner), AbiValue::Array(items)) => {
            out.extend_from_slice(&word_usize(items.len()));
            let types = vec![(**inner).clone(); items.len()];
            encode_tuple(&types, items, out)?;
        }
        (AbiType::FixedArray(inner, n), AbiValue::Array(items)) => {
            if items.len() != *n {
                return Err(abi_err(format!("{} items for {t}", items.len())));
            }
            let types = vec![(**inner).clone(); *n];
            encode_tuple(&types, items, out)?;
        }
        (AbiType::Tuple(types), AbiValue::Tuple(items)) => encode_tuple(types, items, out)?,
        _ => return Err(mismatch(t, v)),
    }
    Ok(())
}

/// Decode `data` as a tuple of `types` (return data, or arguments after the selector). Strict:
/// offsets and lengths must stay inside the data, padding must be zero, and integers, addresses
/// and bools must have no stray high bits.
pub fn decode(types: &[AbiType], data: &[u8]) -> Result<Vec<AbiValue>, EvmError> {
    decode_tuple(types, data, 0, 0)
}

fn read_word(data: &[u8], at: usize) -> Result<[u8; 32], EvmError> {
    data.get(
        at..at
            .checked_add(32)
            .ok_or_else(|| abi_err("offset overflow"))?,
    )
    .and_then(|w| w.try_into().ok())
    .ok_or_else(|| {
        abi_err(format!(
            "data ends at byte {}, a word at {at} was expected",
            data.len()
        ))
    })
}

fn read_usize(data: &[u8], at: usize) -> Result<usize, EvmError> {
    U256(read_word(data, at)?)
        .to_u64()
        .and_then(|v| usize::try_from(v).ok())
        .filter(|v| *v <= data.len())
        .ok_or_else(|| {
            abi_err(format!(
                "an offset or length at byte {at} points past the data"
            ))
        })
}

fn decode_tuple(
    types: &[AbiType],
    data: &[u8],
    base: usize,
    depth: usize,
) -> Result<Vec<AbiValue>, EvmError> {
    if depth > 16 {
        return Err(abi_err("values nest too deeply"));
    }
    let mut at = base;
    let mut out = Vec::with_capacity(types.len());
    for t in types {
        if t.is_dynamic() {
            let off = read_usize(data, at)?;
            let start = base
                .checked_add(off)
                .filter(|s| *s <= data.len())
                .ok_or_else(|| abi_err("an offset points past the data"))?;
            out.push(decode_value(t, data, start, depth)?);
            at += 32;
        } else {
            out.push(decode_value(t, data, at, depth)?);
            at += t.head_size();
        }
    }
    Ok(out)
}

fn decode_value(t: &AbiType, data: &[u8], at: usize, depth: usize) -> Result<AbiValue, EvmError> {
    let dirty = || abi_err(format!("the {t} at byte {at} has stray bits"));
    Ok(match t {
        AbiType::Uint(bits) => {
            let w = read_word(data, at)?;
            if w[..(256 - bits) / 8].iter().any(|b| *b != 0) {
                return Err(dirty());
            }
            AbiValue::Uint(U256(w))
        }
        AbiType::Int(_) => {
            let w = read_word(data, at)?;
            let v = AbiValue::Int(U256(w));
            let mut check = Vec::new();
            encode_value(t, &v, &mut check).map_err(|_| dirty())?;
            v
        }
        AbiType::Address => {
            let w = read_word(data, at)?;
            if w[..12].iter().any(|b| *b != 0) {
                return Err(dirty());
            }
            AbiValue::Address(Address(w[12..].try_into().map_err(|_| dirty())?))
        }
        AbiType::Bool => match U256(read_word(data, at)?).to_u64() {
            Some(0) => AbiValue::Bool(false),
            Some(1) => AbiValue::Bool(true),
            _ => return Err(dirty()),
        },
        AbiType::FixedBytes(n) => {
            let w = read_word(data, at)?;
            if w[*n..].iter().any(|b| *b != 0) {
                return Err(dirty());
            }
            AbiValue::FixedBytes(w[..*n].to_vec())
        }
        AbiType::Bytes | AbiType::String => {
            let len = read_usize(data, at)?;
            let body = data
                .get(at + 32..at + 32 + len)
                .ok_or_else(|| abi_err("a byte string runs past the data"))?;
            let pad_end = at + 32 + len.div_ceil(32) * 32;
            if data
                .get(at + 32 + len..pad_end)
                .is_none_or(|p| p.iter().any(|b| *b != 0))
            {
                return Err(abi_err("a byte string's padding is missing or not zero"));
            }
            if *t == AbiType::String {
                AbiValue::String(
                    String::from_utf8(body.to_vec())
                        .map_err(|_| abi_err("a string is not UTF-8"))?,
                )
            } else {
                AbiValue::Bytes(body.to_vec())
            }
        }
        AbiType::Array(inner) => {
            let n = read_usize(data, at)?;
            // Each item takes at least one word: a length beyond the data is a lie.
            if n.saturating_mul(32) > data.len() - at.min(data.len()) {
                return Err(abi_err("an array length runs past the data"));
            }
            let types = vec![(**inner).clone(); n];
            AbiValue::Array(decode_tuple(&types, data, at + 32, depth + 1)?)
        }
        AbiType::FixedArray(inner, n) => {
            if n.saturating_mul(32) > data.len() {
                return Err(abi_err("a fixed array runs past the data"));
            }
            let types = vec![(**inner).clone(); *n];
            AbiValue::Array(decode_tuple(&types, data, at, depth + 1)?)
        }
        AbiType::Tuple(types) => AbiValue::Tuple(decode_tuple(types, data, at, depth + 1)?),
    })
}

/// A value of type `t` from JSON (read as EIP-712 reads values).
fn from_json(t: &AbiType, v: &Json) -> Result<AbiValue, EvmError> {
    let bad = |what: &str| abi_err(format!("{what} for type {t}"));
    Ok(match t {
        AbiType::Uint(_) | AbiType::Int(_) | AbiType::Address | AbiType::Bool => {
            let w = eip712::encode_atomic(&t.to_string(), v).map_err(|e| abi_err(e.to_string()))?;
            match t {
                AbiType::Uint(_) => AbiValue::Uint(U256(w)),
                AbiType::Int(_) => AbiValue::Int(U256(w)),
                AbiType::Bool => AbiValue::Bool(w[31] == 1),
                _ => AbiValue::Address(Address(w[12..].try_into().map_err(|_| bad("an address"))?)),
            }
        }
        AbiType::FixedBytes(n) => {
            let b = eip712::hex_value(v).ok_or_else(|| bad("expected 0x hex"))?;
            if b.len() != *n {
                return Err(bad(&format!("{} bytes", b.len())));
            }
            AbiValue::FixedBytes(b)
        }
        AbiType::Bytes => {
            AbiValue::Bytes(eip712::hex_value(v).ok_or_else(|| bad("expected 0x hex"))?)
        }
        AbiType::String => {
            AbiValue::String(v.as_str().ok_or_else(|| bad("expected a string"))?.into())
        }
        AbiType::Array(inner) | AbiType::FixedArray(inner, _) => {
            let Json::Arr(items) = v else {
                return Err(bad("expected an array"));
            };
            if let AbiType::FixedArray(_, n) = t
                && items.len() != *n
            {
                return Err(bad(&format!("{} items", items.len())));
            }
            AbiValue::Array(
                items
                    .iter()
                    .map(|i| from_json(inner, i))
                    .collect::<Result<_, _>>()?,
            )
        }
        AbiType::Tuple(types) => {
            let Json::Arr(items) = v else {
                return Err(bad("expected an array of the tuple's members"));
            };
            if items.len() != types.len() {
                return Err(bad(&format!("{} members", items.len())));
            }
            AbiValue::Tuple(
                types
                    .iter()
                    .zip(items)
                    .map(|(t, i)| from_json(t, i))
                    .collect::<Result<_, _>>()?,
            )
        }
    })
}

impl AbiValue {
    /// As JSON: integers as decimal text, addresses EIP-55, bytes `0x` hex, arrays and tuples as
    /// arrays.
    pub fn to_json(&self) -> Value {
        match self {
            AbiValue::Uint(n) => Value::String(n.to_string()),
            AbiValue::Int(n) => Value::String(if n.0[0] & 0x80 != 0 {
                format!("-{}", U256(negate(n.0)))
            } else {
                n.to_string()
            }),
            AbiValue::Address(a) => Value::String(a.to_checksum()),
            AbiValue::Bool(b) => Value::Bool(*b),
            AbiValue::FixedBytes(b) | AbiValue::Bytes(b) => Value::String(hex0x(b)),
            AbiValue::String(s) => Value::String(s.clone()),
            AbiValue::Array(items) | AbiValue::Tuple(items) => {
                Value::Array(items.iter().map(AbiValue::to_json).collect())
            }
        }
    }

    /// The unsigned integer, if this is one.
    pub fn as_uint(&self) -> Option<U256> {
        match self {
            AbiValue::Uint(n) => Some(*n),
            _ => None,
        }
    }

    /// The address, if this is one.
    pub fn as_address(&self) -> Option<Address> {
        match self {
            AbiValue::Address(a) => Some(*a),
            _ => None,
        }
    }
}

/// Encode JSON values (an array, one per type) as ABI data: what the bindings and the CLI take.
pub fn encode_json(types: &[String], values_json: &str) -> Result<Vec<u8>, EvmError> {
    let types = parse_types(types)?;
    let raw: Box<RawValue> =
        serde_json::from_str(values_json).map_err(|e| abi_err(format!("values: {e}")))?;
    let Json::Arr(items) = Json::from_raw(&raw, 0).map_err(|e| abi_err(e.to_string()))? else {
        return Err(abi_err("values must be a JSON array, one per type"));
    };
    let values = AbiType::Tuple(types.clone());
    let AbiValue::Tuple(values) = from_json(&values, &Json::Arr(items))? else {
        return Err(abi_err("values must be a JSON array, one per type"));
    };
    encode(&types, &values)
}

/// A call from JSON values: `selector(signature) ‖ encode_json(its types, values)`.
///
/// ```
/// let d = jigap_core::evm::abi::encode_call_json("mint(address,uint256)",
///     r#"["0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "1042"]"#).unwrap();
/// assert_eq!(d.len(), 4 + 64);
/// ```
pub fn encode_call_json(signature: &str, values_json: &str) -> Result<Vec<u8>, EvmError> {
    let open = signature
        .find('(')
        .ok_or_else(|| abi_err(format!("'{signature}' is not a function signature")))?;
    let AbiType::Tuple(types) = signature[open..].parse()? else {
        return Err(abi_err(format!(
            "'{signature}' is not a function signature"
        )));
    };
    let names: Vec<String> = types.iter().map(AbiType::to_string).collect();
    let mut out = selector(signature).to_vec();
    out.extend(encode_json(&names, values_json)?);
    Ok(out)
}

/// Decode ABI data as JSON values (an array, one per type).
pub fn decode_json(types: &[String], data: &[u8]) -> Result<String, EvmError> {
    let values = decode(&parse_types(types)?, data)?;
    Ok(Value::Array(values.iter().map(AbiValue::to_json).collect()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.split_whitespace().collect::<String>()).unwrap()
    }

    /// The Solidity ABI specification's examples.
    #[test]
    fn specification_examples() {
        assert_eq!(hex::encode(selector("baz(uint32,bool)")), "cdcd77c0");
        let d = encode_call(
            "baz(uint32,bool)",
            &[AbiValue::Uint(U256::from(69)), AbiValue::Bool(true)],
        )
        .unwrap();
        assert_eq!(
            d,
            h(
                "cdcd77c0 0000000000000000000000000000000000000000000000000000000000000045
               0000000000000000000000000000000000000000000000000000000000000001"
            )
        );
        // sam(bytes,bool,uint256[]) with ("dave", true, [1,2,3])
        let d = encode_json(
            &["bytes".into(), "bool".into(), "uint256[]".into()],
            r#"["0x64617665", true, [1, 2, 3]]"#,
        )
        .unwrap();
        assert_eq!(
            d,
            h(
                "0000000000000000000000000000000000000000000000000000000000000060
               0000000000000000000000000000000000000000000000000000000000000001
               00000000000000000000000000000000000000000000000000000000000000a0
               0000000000000000000000000000000000000000000000000000000000000004
               6461766500000000000000000000000000000000000000000000000000000000
               0000000000000000000000000000000000000000000000000000000000000003
               0000000000000000000000000000000000000000000000000000000000000001
               0000000000000000000000000000000000000000000000000000000000000002
               0000000000000000000000000000000000000000000000000000000000000003"
            )
        );
        // f(uint256,uint32[],bytes10,bytes) with (0x123, [0x456, 0x789], "1234567890", "Hello, world!")
        let d = encode_json(
            &["uint256".into(), "uint32[]".into(), "bytes10".into(), "bytes".into()],
            r#"["0x123", ["0x456", "0x789"], "0x31323334353637383930", "0x48656c6c6f2c20776f726c6421"]"#,
        )
        .unwrap();
        assert_eq!(
            d,
            h(
                "0000000000000000000000000000000000000000000000000000000000000123
               0000000000000000000000000000000000000000000000000000000000000080
               3132333435363738393000000000000000000000000000000000000000000000
               00000000000000000000000000000000000000000000000000000000000000e0
               0000000000000000000000000000000000000000000000000000000000000002
               0000000000000000000000000000000000000000000000000000000000000456
               0000000000000000000000000000000000000000000000000000000000000789
               000000000000000000000000000000000000000000000000000000000000000d
               48656c6c6f2c20776f726c642100000000000000000000000000000000000000"
            )
        );
    }

    #[test]
    fn round_trips_nested_dynamic_types() {
        let types: Vec<String> = [
            "(uint8,string)[2]",
            "int16[]",
            "(bool,(bytes,address))",
            "bytes32",
        ]
        .map(String::from)
        .to_vec();
        let json = r#"[[["1","x"],["255",""]],["-32768","32767","-1"],[true,["0xff","0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]],"0x0000000000000000000000000000000000000000000000000000000000000001"]"#;
        let data = encode_json(&types, json).unwrap();
        assert_eq!(decode_json(&types, &data).unwrap(), json);
    }

    #[test]
    fn refuses_out_of_range_and_lying_data() {
        assert!(encode_json(&["uint8".into()], r#"["256"]"#).is_err());
        assert!(encode_json(&["int8".into()], r#"["-129"]"#).is_err());
        assert!(encode_json(&["bytes2".into()], r#"["0x010203"]"#).is_err());
        assert!("uint7".parse::<AbiType>().is_err());
        assert!("(uint256".parse::<AbiType>().is_err());
        let mut w = [0u8; 32];
        w[0] = 1;
        assert!(decode(&[AbiType::Address], &w).is_err(), "dirty address");
        assert!(decode(&[AbiType::Bool], &U256::from(2).0).is_err());
        // A string whose length points far past the data.
        let mut d = U256::from(32).0.to_vec();
        d.extend(U256::from(1_000_000).0);
        assert!(decode(&[AbiType::String], &d).is_err());
        // An array claiming 2^40 items.
        let mut d = U256::from(32).0.to_vec();
        d.extend(U256::from(1u64 << 40).0);
        assert!(decode(&[AbiType::Array(Box::new(AbiType::Uint(256)))], &d).is_err());
    }
}
