//! EIP-712 typed structured data, from the JSON form of `eth_signTypedData_v4`.
//!
//! Supports nested structs, arrays (dynamic and fixed, of any type including structs),
//! `bytes`, `bytes1`…`bytes32`, `string`, `uint8`…`uint256`, `int8`…`int256`, `address`
//! and `bool`. Integers may be JSON numbers of any size (read from their literal text, never
//! through a float: `1000000000000000000000` and `1e21` are both exactly 10^21), decimal
//! strings or `0x` hex strings; `bytes` are `0x` hex. A fraction, or a value outside the type's
//! range, is refused with the field's path. Duplicate keys in an object are refused: what is
//! signed must be what is shown.
//!
//! The small `enc_*` helpers let domain modules (vouchers, tickets) hash their own fixed structs
//! without going through JSON; tests check that both paths give the same digest.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::{Address, KeysError};
use crate::util::{keccak256, keccak256_parts, unhex};

const MAX_DEPTH: usize = 32;

/// One member of an EIP-712 struct type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct TypedField {
    /// Member name.
    pub name: String,
    /// Member type (`uint256`, `Person`, `Person[]`, …).
    #[serde(rename = "type")]
    pub ty: String,
}

/// A JSON value as typed data carries it: numbers keep their literal text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    fn from_value(v: &Value) -> Json {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Num(n.to_string()),
            Value::String(s) => Json::Str(s.clone()),
            Value::Array(a) => Json::Arr(a.iter().map(Json::from_value).collect()),
            Value::Object(m) => Json::Obj(
                m.iter()
                    .map(|(k, v)| (k.clone(), Json::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// Parse from raw JSON text, keeping number literals and refusing duplicate keys.
    pub(crate) fn from_raw(raw: &RawValue, depth: usize) -> Result<Json, KeysError> {
        if depth > MAX_DEPTH {
            return Err(KeysError::TypedData("data nests too deeply".into()));
        }
        let bad = |e: serde_json::Error| KeysError::TypedData(format!("not typed-data JSON: {e}"));
        let t = raw.get().trim();
        Ok(match t.as_bytes().first() {
            Some(b'{') => {
                let o: RawObject = serde_json::from_str(t).map_err(bad)?;
                let mut m = BTreeMap::new();
                for (k, v) in o.0 {
                    let v = Json::from_raw(&v, depth + 1)?;
                    if m.insert(k.clone(), v).is_some() {
                        return Err(KeysError::TypedData(format!(
                            "the key '{k}' appears twice in one object"
                        )));
                    }
                }
                Json::Obj(m)
            }
            Some(b'[') => {
                let a: Vec<Box<RawValue>> = serde_json::from_str(t).map_err(bad)?;
                Json::Arr(
                    a.iter()
                        .map(|v| Json::from_raw(v, depth + 1))
                        .collect::<Result<_, _>>()?,
                )
            }
            Some(b'"') => Json::Str(serde_json::from_str(t).map_err(bad)?),
            Some(b't') => Json::Bool(true),
            Some(b'f') => Json::Bool(false),
            Some(b'n') => Json::Null,
            _ => Json::Num(t.to_string()),
        })
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// An object's members in document order with their raw values (duplicates kept, so they
/// can be refused).
struct RawObject(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<RawObject, A::Error> {
                let mut out = Vec::new();
                while let Some(e) = a.next_entry::<String, Box<RawValue>>()? {
                    out.push(e);
                }
                Ok(RawObject(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTypedData {
    types: BTreeMap<String, Vec<TypedField>>,
    primary_type: String,
    #[serde(default)]
    domain: Option<Box<RawValue>>,
    #[serde(default)]
    message: Option<Box<RawValue>>,
}

/// A typed-data document: `types`, `primaryType`, `domain`, `message`.
///
/// ```
/// use jigap_core::keys::TypedData;
/// let json = r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"}],
///   "Hello":[{"name":"text","type":"string"},{"name":"n","type":"uint8"}]},
///   "primaryType":"Hello","domain":{"name":"demo"},"message":{"text":"hi","n":"7"}}"#;
/// let td = TypedData::from_json(json).unwrap();
/// assert_eq!(td.encode_type("Hello").unwrap(), "Hello(string text,uint8 n)");
/// let digest = td.digest().unwrap();
/// assert_eq!(digest.len(), 32);
/// ```
#[derive(Debug, Clone)]
pub struct TypedData {
    /// Struct definitions by name.
    pub types: BTreeMap<String, Vec<TypedField>>,
    /// The type of `message`.
    pub primary_type: String,
    domain: BTreeMap<String, Json>,
    message: Json,
}

impl TypedData {
    /// Parse the JSON of `eth_signTypedData_v4`.
    pub fn from_json(json: &str) -> Result<TypedData, KeysError> {
        let raw: RawTypedData = serde_json::from_str(json)
            .map_err(|e| KeysError::TypedData(format!("not typed-data JSON: {e}")))?;
        let domain = match raw
            .domain
            .as_deref()
            .map(|d| Json::from_raw(d, 0))
            .transpose()?
        {
            None | Some(Json::Null) => BTreeMap::new(),
            Some(Json::Obj(m)) => m,
            Some(_) => return Err(KeysError::TypedData("domain must be a JSON object".into())),
        };
        let message = match raw.message.as_deref() {
            Some(m) => Json::from_raw(m, 0)?,
            None => Json::Null,
        };
        let mut td = TypedData {
            types: raw.types,
            primary_type: raw.primary_type,
            domain,
            message,
        };
        if !td.types.contains_key("EIP712Domain") {
            // Infer the domain type from the fields present, in the canonical order.
            let canonical = [
                ("name", "string"),
                ("version", "string"),
                ("chainId", "uint256"),
                ("verifyingContract", "address"),
                ("salt", "bytes32"),
            ];
            let fields = canonical
                .iter()
                .filter(|(n, _)| td.domain.contains_key(*n))
                .map(|(n, t)| TypedField {
                    name: n.to_string(),
                    ty: t.to_string(),
                })
                .collect();
            td.types.insert("EIP712Domain".into(), fields);
        }
        td.validate()?;
        Ok(td)
    }

    fn validate(&self) -> Result<(), KeysError> {
        if !self.types.contains_key(&self.primary_type) {
            return Err(KeysError::TypedData(format!(
                "primaryType '{}' is not defined in types",
                self.primary_type
            )));
        }
        for (name, fields) in &self.types {
            if !is_identifier(name) {
                return Err(KeysError::TypedData(format!(
                    "type name '{name}' is not a valid identifier"
                )));
            }
            if let Some(dup) = duplicate(fields.iter().map(|f| f.name.as_str())) {
                return Err(KeysError::TypedData(format!(
                    "type {name} has two members named '{dup}'"
                )));
            }
            for f in fields {
                let base = base_type(&f.ty)?;
                if !self.types.contains_key(base) && !is_atomic_or_dynamic(base) {
                    return Err(KeysError::TypedData(format!(
                        "type {name} member '{}' has unknown type '{}'",
                        f.name, f.ty
                    )));
                }
            }
        }
        Ok(())
    }

    /// `encodeType`: the primary type, then every type it references, sorted by name.
    pub fn encode_type(&self, primary: &str) -> Result<String, KeysError> {
        let mut deps = BTreeSet::new();
        self.collect_deps(primary, &mut deps, 0)?;
        deps.remove(primary);
        let mut out = self.encode_one(primary)?;
        for d in deps {
            out.push_str(&self.encode_one(d)?);
        }
        Ok(out)
    }

    fn encode_one(&self, name: &str) -> Result<String, KeysError> {
        let fields = self.fields(name)?;
        let members: Vec<String> = fields
            .iter()
            .map(|f| format!("{} {}", f.ty, f.name))
            .collect();
        Ok(format!("{name}({})", members.join(",")))
    }

    fn collect_deps<'a>(
        &'a self,
        name: &'a str,
        out: &mut BTreeSet<&'a str>,
        depth: usize,
    ) -> Result<(), KeysError> {
        if depth > MAX_DEPTH {
            return Err(KeysError::TypedData("types nest too deeply".into()));
        }
        if !out.insert(name) {
            return Ok(());
        }
        for f in self.fields(name)? {
            let base = base_type(&f.ty)?;
            if self.types.contains_key(base) {
                self.collect_deps(base, out, depth + 1)?;
            }
        }
        Ok(())
    }

    fn fields(&self, name: &str) -> Result<&Vec<TypedField>, KeysError> {
        self.types
            .get(name)
            .ok_or_else(|| KeysError::TypedData(format!("type '{name}' is not defined")))
    }

    /// `typeHash` = keccak256(encodeType).
    pub fn type_hash(&self, name: &str) -> Result<[u8; 32], KeysError> {
        Ok(keccak256(self.encode_type(name)?.as_bytes()))
    }

    /// `hashStruct(name, value)` of a value given as a [`serde_json::Value`].
    pub fn hash_struct(&self, name: &str, value: &Value) -> Result<[u8; 32], KeysError> {
        self.hash_struct_at(name, &Json::from_value(value), 0)
    }

    /// `hashStruct(primaryType, message)`.
    pub fn message_hash(&self) -> Result<[u8; 32], KeysError> {
        self.hash_struct_at(&self.primary_type, &self.message, 0)
    }

    fn hash_struct_at(
        &self,
        name: &str,
        value: &Json,
        depth: usize,
    ) -> Result<[u8; 32], KeysError> {
        if depth > MAX_DEPTH {
            return Err(KeysError::TypedData("data nests too deeply".into()));
        }
        let Json::Obj(obj) = value else {
            return Err(KeysError::TypedData(format!(
                "value of type {name} must be a JSON object"
            )));
        };
        let fields = self.fields(name)?;
        let mut enc = Vec::with_capacity(32 * (fields.len() + 1));
        enc.extend_from_slice(&self.type_hash(name)?);
        for f in fields {
            let v = obj
                .get(&f.name)
                .ok_or_else(|| KeysError::TypedData(format!("{name}.{} is missing", f.name)))?;
            let word = self
                .encode_value(&f.ty, v, depth + 1)
                .map_err(|e| prefix_err(e, &format!("{name}.{}", f.name)))?;
            enc.extend_from_slice(&word);
        }
        Ok(keccak256(&enc))
    }

    fn encode_value(&self, ty: &str, v: &Json, depth: usize) -> Result<[u8; 32], KeysError> {
        if let Some((inner, len)) = split_array(ty)? {
            let Json::Arr(items) = v else {
                return Err(KeysError::TypedData(format!(
                    "expected a JSON array for {ty}"
                )));
            };
            if let Some(n) = len
                && items.len() != n
            {
                return Err(KeysError::TypedData(format!(
                    "{ty} needs exactly {n} items, got {}",
                    items.len()
                )));
            }
            let mut buf = Vec::with_capacity(items.len() * 32);
            for it in items {
                buf.extend_from_slice(&self.encode_value(inner, it, depth + 1)?);
            }
            return Ok(keccak256(&buf));
        }
        if self.types.contains_key(ty) {
            return self.hash_struct_at(ty, v, depth);
        }
        encode_atomic(ty, v)
    }

    /// The domain separator: `hashStruct("EIP712Domain", domain)`.
    pub fn domain_separator(&self) -> Result<[u8; 32], KeysError> {
        self.hash_struct_at("EIP712Domain", &Json::Obj(self.domain.clone()), 0)
    }

    /// The domain's `chainId`, when it has one that is a whole number below 2^64.
    pub fn chain_id(&self) -> Option<u64> {
        let word = encode_int(self.domain.get("chainId")?, false, 64).ok()?;
        let mut b = [0u8; 8];
        b.copy_from_slice(&word[24..]);
        Some(u64::from_be_bytes(b))
    }

    /// The digest to sign: `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
    pub fn digest(&self) -> Result<[u8; 32], KeysError> {
        let ds = self.domain_separator()?;
        if self.primary_type == "EIP712Domain" {
            return Ok(keccak256_parts(&[&[0x19, 0x01], &ds]));
        }
        let hs = self.message_hash()?;
        Ok(typed_data_digest(&ds, &hs))
    }
}

fn prefix_err(e: KeysError, at: &str) -> KeysError {
    match e {
        KeysError::TypedData(m) if !m.contains(" is missing") && !m.starts_with("at ") => {
            KeysError::TypedData(format!("at {at}: {m}"))
        }
        other => other,
    }
}

/// `keccak256(0x1901 ‖ domain_separator ‖ struct_hash)`.
pub fn typed_data_digest(domain_separator: &[u8; 32], struct_hash: &[u8; 32]) -> [u8; 32] {
    keccak256_parts(&[&[0x19, 0x01], domain_separator, struct_hash])
}

/// A name that occurs twice. Few members (the usual case): compared pairwise, no allocation;
/// many: sorted with the crate's one sort (a set would be one more B-tree type in the Wasm).
fn duplicate<'a>(names: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    if names.clone().count() <= 32 {
        return names
            .clone()
            .enumerate()
            .find(|&(i, n)| names.clone().take(i).any(|m| m == n))
            .map(|(_, n)| n);
    }
    let mut sorted: Vec<&str> = names.collect();
    crate::util::sort_by(&mut sorted, |a, b| a.cmp(b));
    sorted.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

pub(crate) fn is_identifier(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn base_type(ty: &str) -> Result<&str, KeysError> {
    let mut t = ty;
    while let Some((inner, _)) = split_array(t)? {
        t = inner;
    }
    Ok(t)
}

pub(crate) fn split_array(ty: &str) -> Result<Option<(&str, Option<usize>)>, KeysError> {
    if !ty.ends_with(']') {
        return Ok(None);
    }
    let open = ty
        .rfind('[')
        .ok_or_else(|| KeysError::TypedData(format!("malformed array type '{ty}'")))?;
    let inner = &ty[..open];
    let len = &ty[open + 1..ty.len() - 1];
    if len.is_empty() {
        return Ok(Some((inner, None)));
    }
    let n = len
        .parse::<usize>()
        .map_err(|_| KeysError::TypedData(format!("malformed array length in '{ty}'")))?;
    Ok(Some((inner, Some(n))))
}

fn is_atomic_or_dynamic(ty: &str) -> bool {
    match ty {
        "address" | "bool" | "string" | "bytes" => true,
        _ => int_bits(ty).is_some() || bytes_n(ty).is_some(),
    }
}

pub(crate) fn int_bits(ty: &str) -> Option<(bool, usize)> {
    let (signed, n) = if let Some(n) = ty.strip_prefix("uint") {
        (false, n)
    } else if let Some(n) = ty.strip_prefix("int") {
        (true, n)
    } else {
        return None;
    };
    let bits = if n.is_empty() { 256 } else { n.parse().ok()? };
    (bits % 8 == 0 && (8..=256).contains(&bits)).then_some((signed, bits))
}

pub(crate) fn bytes_n(ty: &str) -> Option<usize> {
    let n: usize = ty.strip_prefix("bytes")?.parse().ok()?;
    (1..=32).contains(&n).then_some(n)
}

pub(crate) fn encode_atomic(ty: &str, v: &Json) -> Result<[u8; 32], KeysError> {
    let bad = |what: &str| KeysError::TypedData(format!("{what} for type {ty}"));
    match ty {
        "string" => {
            let s = v.as_str().ok_or_else(|| bad("expected a string"))?;
            Ok(enc_string(s))
        }
        "bytes" => {
            let b = hex_value(v).ok_or_else(|| bad("expected 0x-prefixed hex"))?;
            Ok(keccak256(&b))
        }
        "address" => {
            let s = v
                .as_str()
                .ok_or_else(|| bad("expected an address string"))?;
            let a: Address = s.parse()?;
            Ok(enc_address(&a))
        }
        "bool" => {
            let b = match v {
                Json::Bool(b) => *b,
                Json::Str(s) if s == "true" => true,
                Json::Str(s) if s == "false" => false,
                _ => return Err(bad("expected true or false")),
            };
            Ok(enc_u64(u64::from(b)))
        }
        _ => {
            if let Some(n) = bytes_n(ty) {
                let b = hex_value(v).ok_or_else(|| bad("expected 0x-prefixed hex"))?;
                if b.len() != n {
                    return Err(bad(&format!("expected {n} bytes, got {}", b.len())));
                }
                let mut out = [0u8; 32];
                out[..n].copy_from_slice(&b);
                return Ok(out);
            }
            if let Some((signed, bits)) = int_bits(ty) {
                return encode_int(v, signed, bits).map_err(bad);
            }
            Err(KeysError::TypedData(format!("unknown type '{ty}'")))
        }
    }
}

pub(crate) fn hex_value(v: &Json) -> Option<Vec<u8>> {
    let s = v.as_str()?;
    if !(s.starts_with("0x") || s.starts_with("0X")) {
        return None;
    }
    unhex(s).ok()
}

/// An integer as a JSON number literal (`-12`, `1e21`, `1.5e3`), exactly: the value is
/// `digits × 10^exponent` and must be whole; nothing goes through a float.
fn parse_number_literal(t: &str) -> Result<(bool, [u8; 32]), &'static str> {
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, "0"),
    };
    let exp: i64 = exp
        .strip_prefix('+')
        .unwrap_or(exp)
        .parse()
        .map_err(|_| "a malformed number")?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err("a malformed number");
    }
    let mut digits: String = format!("{int}{frac}");
    let mut shift = exp - frac.len() as i64;
    // Trailing zeros can absorb a negative shift (`1.50e1` is 15).
    while shift < 0 && digits.ends_with('0') {
        digits.pop();
        shift += 1;
    }
    if shift < 0 {
        return Err("not a whole number (integers cannot have a fraction)");
    }
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok((neg, [0u8; 32]));
    }
    if digits.len() as i64 + shift > 78 {
        return Err("out of range");
    }
    let full = format!("{digits}{}", "0".repeat(shift as usize));
    parse_dec_u256(&full)
        .map(|m| (neg, m))
        .ok_or("out of range")
}

fn encode_int(v: &Json, signed: bool, bits: usize) -> Result<[u8; 32], &'static str> {
    let (neg, mag) = match v {
        Json::Num(t) => parse_number_literal(t)?,
        Json::Str(s) => {
            let s = s.trim();
            let (neg, body) = match s.strip_prefix('-') {
                Some(b) => (true, b),
                None => (false, s),
            };
            let mag = if let Some(h) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
                parse_hex_u256(h).ok_or("malformed hex or out of range")?
            } else if body.bytes().all(|b| b.is_ascii_digit()) && !body.is_empty() {
                parse_dec_u256(body).ok_or("out of range")?
            } else {
                return Err("not an integer (use digits, or 0x hex)");
            };
            (neg, mag)
        }
        Json::Null => return Err("missing integer"),
        _ => return Err("expected an integer (a number, a decimal string or 0x hex)"),
    };
    if !signed {
        if neg && mag != [0u8; 32] {
            return Err("negative, but the type is unsigned");
        }
        let zero_bytes = (256 - bits) / 8;
        return if mag[..zero_bytes].iter().all(|b| *b == 0) {
            Ok(mag)
        } else {
            Err("out of range")
        };
    }
    // Signed: |v| ≤ 2^(bits-1) - 1 for positives, ≤ 2^(bits-1) for negatives.
    let limit = pow2(bits - 1);
    let ok = if neg { mag <= limit } else { mag < limit };
    if !ok {
        return Err("out of range");
    }
    Ok(if neg { negate(mag) } else { mag })
}

fn pow2(k: usize) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[31 - k / 8] = 1 << (k % 8);
    out
}

pub(crate) fn negate(mut x: [u8; 32]) -> [u8; 32] {
    for b in x.iter_mut() {
        *b = !*b;
    }
    for b in x.iter_mut().rev() {
        let (r, overflow) = b.overflowing_add(1);
        *b = r;
        if !overflow {
            break;
        }
    }
    x
}

pub(crate) fn parse_dec_u256(s: &str) -> Option<[u8; 32]> {
    if s.is_empty() || s.len() > 78 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for d in s.bytes() {
        let mut carry = u32::from(d - b'0');
        for b in out.iter_mut().rev() {
            let x = u32::from(*b) * 10 + carry;
            *b = (x & 0xff) as u8;
            carry = x >> 8;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(out)
}

pub(crate) fn parse_hex_u256(h: &str) -> Option<[u8; 32]> {
    let h = h.trim_start_matches('0');
    if h.len() > 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let padded = format!("{h:0>64}");
    let mut out = [0u8; 32];
    hex::decode_to_slice(padded, &mut out).ok()?;
    Some(out)
}

/// Encode a `uintN` value that fits in 64 bits.
pub fn enc_u64(v: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[24..].copy_from_slice(&v.to_be_bytes());
    out
}

/// Encode an `intN` value that fits in 64 bits (two's complement, sign-extended).
pub fn enc_i64(v: i64) -> [u8; 32] {
    let mut out = if v < 0 { [0xff; 32] } else { [0u8; 32] };
    out[24..].copy_from_slice(&v.to_be_bytes());
    out
}

/// Encode an `address`.
pub fn enc_address(a: &Address) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[12..].copy_from_slice(&a.0);
    out
}

/// Encode a `string` (its Keccak-256).
pub fn enc_string(s: &str) -> [u8; 32] {
    keccak256(s.as_bytes())
}

/// Encode a `bool`.
pub fn enc_bool(b: bool) -> [u8; 32] {
    enc_u64(u64::from(b))
}

/// Hash a struct from its type string and already-encoded member words.
pub fn hash_struct_words(type_hash: &[u8; 32], words: &[[u8; 32]]) -> [u8; 32] {
    use sha3::Digest;
    let mut h = sha3::Keccak256::default();
    h.update(type_hash);
    for w in words {
        h.update(w);
    }
    h.finalize().into()
}

/// Encode an array of already-encoded items (`keccak256` of their concatenation).
pub fn enc_array(items: &[[u8; 32]]) -> [u8; 32] {
    let mut buf = Vec::with_capacity(items.len() * 32);
    for i in items {
        buf.extend_from_slice(i);
    }
    keccak256(&buf)
}

/// The domain separator of a `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`.
pub fn domain_separator(name: &str, version: &str, chain_id: u64, contract: &Address) -> [u8; 32] {
    let th = keccak256(
        b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
    );
    hash_struct_words(
        &th,
        &[
            enc_string(name),
            enc_string(version),
            enc_u64(chain_id),
            enc_address(contract),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_named_twice_is_found_in_short_and_long_types() {
        assert_eq!(duplicate(["a", "b", "a"].into_iter()), Some("a"));
        assert_eq!(duplicate(["a", "b", "c"].into_iter()), None);
        let many: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
        assert_eq!(duplicate(many.iter().map(String::as_str)), None);
        let mut dup = many.clone();
        dup.push("m57".into());
        assert_eq!(duplicate(dup.iter().map(String::as_str)), Some("m57"));
    }

    fn td(json: &str) -> TypedData {
        TypedData::from_json(json).unwrap()
    }

    fn int(v: Value, signed: bool, bits: usize) -> Option<[u8; 32]> {
        encode_int(&Json::from_value(&v), signed, bits).ok()
    }

    #[test]
    fn integers() {
        assert_eq!(int(Value::from(5), false, 8), Some(enc_u64(5)));
        assert_eq!(int(Value::from(256), false, 8), None);
        assert_eq!(int(Value::from("255"), false, 8), Some(enc_u64(255)));
        assert_eq!(int(Value::from("0xff"), false, 8), Some(enc_u64(255)));
        assert_eq!(int(Value::from(-1), true, 8), Some([0xff; 32]));
        assert_eq!(int(Value::from(-128), true, 8).map(|x| x[31]), Some(0x80));
        assert_eq!(int(Value::from(-129), true, 8), None);
        assert_eq!(int(Value::from(128), true, 8), None);
        assert_eq!(int(Value::from(-1), false, 256), None);
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert_eq!(int(Value::from(max), false, 256), Some([0xff; 32]));
        let over = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert_eq!(int(Value::from(over), false, 256), None);
        assert_eq!(int(Value::from(1.5), false, 256), None);
    }

    fn one(ty: &str, literal: &str) -> Result<[u8; 32], String> {
        let j = format!(
            r#"{{"types":{{"A":[{{"name":"x","type":"{ty}"}}]}},"primaryType":"A","domain":{{}},"message":{{"x":{literal}}}}}"#
        );
        let td = TypedData::from_json(&j).map_err(|e| e.to_string())?;
        td.message_hash().map_err(|e| e.to_string())?;
        let Json::Obj(m) = &td.message else {
            unreachable!()
        };
        encode_atomic(ty, &m["x"]).map_err(|e| e.to_string())
    }

    /// Regression (review finding 10): `eth_signTypedData_v4` from real dapps gives integers
    /// as JSON numbers of any size. Before, a number above 2^64 became a float in serde_json
    /// and was refused; now its literal text is read exactly, and fractions or out-of-range
    /// values are refused with the field's path.
    #[test]
    fn json_numbers_of_any_size_are_exact() {
        let ten21 = {
            let mut w = [0u8; 32];
            w[23..].copy_from_slice(&[0x36, 0x35, 0xc9, 0xad, 0xc5, 0xde, 0xa0, 0x00, 0x00]);
            w
        };
        assert_eq!(one("uint256", "1000000000000000000000"), Ok(ten21));
        assert_eq!(one("uint256", "1e21"), Ok(ten21));
        assert_eq!(one("uint256", "1E+21"), Ok(ten21));
        assert_eq!(one("uint256", "1.000e21"), Ok(ten21));
        assert_eq!(one("uint256", "\"1000000000000000000000\""), Ok(ten21));
        assert_eq!(one("uint256", "\"0x3635c9adc5dea00000\""), Ok(ten21));
        // 2^64 + 1 does not survive a float; it must come out exact.
        let w = one("uint256", "18446744073709551617").unwrap();
        assert_eq!(&w[23..], &[1, 0, 0, 0, 0, 0, 0, 0, 1]);
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert_eq!(one("uint256", max), Ok([0xff; 32]));
        assert_eq!(one("int256", "-1"), Ok([0xff; 32]));
        assert_eq!(one("uint8", "1.5e1"), Ok(enc_u64(15)));
        for (ty, lit, why) in [
            ("uint256", "1.5", "whole number"),
            ("uint256", "1e-1", "whole number"),
            (
                "uint256",
                "115792089237316195423570985008687907853269984665640564039457584007913129639936",
                "out of range",
            ),
            ("uint8", "256", "out of range"),
            ("uint8", "-1", "unsigned"),
            ("int8", "128", "out of range"),
            ("uint256", "1e80", "out of range"),
            ("uint256", "\"12abc\"", "not an integer"),
            ("uint256", "true", "expected an integer"),
        ] {
            let e = one(ty, lit).unwrap_err();
            assert!(e.contains("A.x") && e.contains(why), "{ty} {lit}: {e}");
        }
        assert_eq!(one("bytes", "\"0x0102\""), Ok(keccak256(&[1, 2])));
        assert!(one("bytes", "\"0102\"").is_err());
        // Duplicate keys: what is signed must be what is shown.
        let dup = r#"{"types":{"A":[{"name":"x","type":"uint8"}]},"primaryType":"A","domain":{},"message":{"x":1,"x":2}}"#;
        assert!(
            TypedData::from_json(dup)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
    }

    #[test]
    fn errors_name_the_field() {
        let j = r#"{"types":{"A":[{"name":"x","type":"uint8"}]},"primaryType":"A","domain":{},"message":{"x":300}}"#;
        let e = td(j).digest().unwrap_err().to_string();
        assert!(e.contains("A.x"), "{e}");
        let j = r#"{"types":{"A":[{"name":"x","type":"Nope"}]},"primaryType":"A","domain":{},"message":{}}"#;
        assert!(TypedData::from_json(j).is_err());
        let j = r#"{"types":{"A":[{"name":"x","type":"uint8"}]},"primaryType":"A","domain":{},"message":{}}"#;
        assert!(
            td(j)
                .digest()
                .unwrap_err()
                .to_string()
                .contains("A.x is missing")
        );
    }

    #[test]
    fn recursive_types_do_not_overflow() {
        let j = r#"{"types":{"N":[{"name":"next","type":"N[]"}]},"primaryType":"N","domain":{},"message":{"next":[{"next":[]}]}}"#;
        let t = td(j);
        assert_eq!(t.encode_type("N").unwrap(), "N(N[] next)");
        t.digest().unwrap();
        // 40 levels deep is refused, not a stack overflow.
        let mut m = String::from(r#"{"next":[]}"#);
        for _ in 0..40 {
            m = format!(r#"{{"next":[{m}]}}"#);
        }
        let j = format!(
            r#"{{"types":{{"N":[{{"name":"next","type":"N[]"}}]}},"primaryType":"N","domain":{{}},"message":{m}}}"#
        );
        assert!(TypedData::from_json(&j).is_err_and(|e| e.to_string().contains("deeply")));
    }
}
