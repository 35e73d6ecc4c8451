//! RLP, Ethereum's recursive length prefix encoding (Yellow Paper, appendix B): byte strings and
//! lists. Decoding is strict — only the canonical encoding of a value is accepted, so one
//! transaction has one encoding and one hash.
//!
//! ```
//! use jigap_core::evm::rlp::{Item, decode, encode_bytes, encode_list};
//! let mut dog = Vec::new();
//! encode_bytes(&mut dog, b"dog");
//! assert_eq!(dog, [0x83, b'd', b'o', b'g']);
//! let list = encode_list(&[dog.clone(), dog]);
//! assert_eq!(decode(&list).unwrap(), Item::List(vec![Item::Bytes(b"dog"), Item::Bytes(b"dog")]));
//! ```

use super::EvmError;

/// A decoded RLP item, borrowing the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    /// A byte string.
    Bytes(&'a [u8]),
    /// A list of items.
    List(Vec<Item<'a>>),
}

fn length_prefix(out: &mut Vec<u8>, len: usize, short: u8) {
    if len < 56 {
        out.push(short + len as u8);
    } else {
        let be = (len as u64).to_be_bytes();
        let first = be.iter().position(|b| *b != 0).unwrap_or(7);
        out.push(short + 55 + (8 - first) as u8);
        out.extend_from_slice(&be[first..]);
    }
}

/// Append the encoding of a byte string.
pub fn encode_bytes(out: &mut Vec<u8>, b: &[u8]) {
    if b.len() == 1 && b[0] < 0x80 {
        out.push(b[0]);
    } else {
        length_prefix(out, b.len(), 0x80);
        out.extend_from_slice(b);
    }
}

/// Append the encoding of an unsigned integer given big-endian (leading zeros are dropped: zero
/// is the empty string).
pub fn encode_uint(out: &mut Vec<u8>, be: &[u8]) {
    let first = be.iter().position(|b| *b != 0).unwrap_or(be.len());
    encode_bytes(out, &be[first..]);
}

/// Append the encoding of a `u64`.
pub fn encode_u64(out: &mut Vec<u8>, v: u64) {
    encode_uint(out, &v.to_be_bytes());
}

/// The encoding of a list whose items are already encoded.
pub fn encode_list(items: &[Vec<u8>]) -> Vec<u8> {
    let len: usize = items.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(len + 9);
    length_prefix(&mut out, len, 0xc0);
    for i in items {
        out.extend_from_slice(i);
    }
    out
}

fn bad(why: &str) -> EvmError {
    EvmError::Malformed(format!("RLP: {why}"))
}

/// Decode one item that spans all of `data`.
pub fn decode(data: &[u8]) -> Result<Item<'_>, EvmError> {
    let (item, rest) = decode_one(data, 0)?;
    if !rest.is_empty() {
        return Err(bad("bytes left over after the item"));
    }
    Ok(item)
}

const MAX_DEPTH: usize = 16;

fn decode_one(data: &[u8], depth: usize) -> Result<(Item<'_>, &[u8]), EvmError> {
    if depth > MAX_DEPTH {
        return Err(bad("lists nest too deeply"));
    }
    let (&first, rest) = data.split_first().ok_or_else(|| bad("input ends early"))?;
    let (is_list, len, body) = match first {
        0x00..=0x7f => return Ok((Item::Bytes(&data[..1]), rest)),
        0x80..=0xb7 => (false, usize::from(first - 0x80), rest),
        0xb8..=0xbf => {
            let (len, body) = long_length(rest, usize::from(first - 0xb7))?;
            (false, len, body)
        }
        0xc0..=0xf7 => (true, usize::from(first - 0xc0), rest),
        0xf8..=0xff => {
            let (len, body) = long_length(rest, usize::from(first - 0xf7))?;
            (true, len, body)
        }
    };
    if body.len() < len {
        return Err(bad("input ends early"));
    }
    let (payload, rest) = body.split_at(len);
    if !is_list {
        if len == 1 && payload[0] < 0x80 {
            return Err(bad("a single byte below 0x80 must be encoded as itself"));
        }
        return Ok((Item::Bytes(payload), rest));
    }
    let mut items = Vec::new();
    let mut p = payload;
    while !p.is_empty() {
        let (item, r) = decode_one(p, depth + 1)?;
        items.push(item);
        p = r;
    }
    Ok((Item::List(items), rest))
}

fn long_length(data: &[u8], n: usize) -> Result<(usize, &[u8]), EvmError> {
    if data.len() < n || n > 8 {
        return Err(bad("input ends early"));
    }
    if data[0] == 0 {
        return Err(bad("a length with leading zeros"));
    }
    let len = data[..n]
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    if len < 56 {
        return Err(bad("a short length in the long form"));
    }
    let len = usize::try_from(len).map_err(|_| bad("a length too large"))?;
    Ok((len, &data[n..]))
}

impl<'a> Item<'a> {
    /// The byte string, or an error naming `what`.
    pub fn bytes(&self, what: &str) -> Result<&'a [u8], EvmError> {
        match self {
            Item::Bytes(b) => Ok(b),
            Item::List(_) => Err(bad(&format!("{what} is a list, expected bytes"))),
        }
    }

    /// The list, or an error naming `what`.
    pub fn list(&self, what: &str) -> Result<&[Item<'a>], EvmError> {
        match self {
            Item::List(l) => Ok(l),
            Item::Bytes(_) => Err(bad(&format!("{what} is bytes, expected a list"))),
        }
    }

    /// A canonical unsigned integer of at most `max` bytes.
    pub fn uint(&self, what: &str, max: usize) -> Result<&'a [u8], EvmError> {
        let b = self.bytes(what)?;
        if b.first() == Some(&0) {
            return Err(bad(&format!("{what} has leading zeros")));
        }
        if b.len() > max {
            return Err(bad(&format!("{what} does not fit {} bits", max * 8)));
        }
        Ok(b)
    }

    /// A canonical `u64`.
    pub fn u64(&self, what: &str) -> Result<u64, EvmError> {
        Ok(self
            .uint(what, 8)?
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_bytes(&mut out, b);
        out
    }

    /// The examples of the Ethereum wiki's RLP page.
    #[test]
    fn published_examples() {
        assert_eq!(enc(b""), [0x80]);
        assert_eq!(enc(&[0x00]), [0x00]);
        assert_eq!(enc(&[0x0f]), [0x0f]);
        let mut n = Vec::new();
        encode_u64(&mut n, 1024);
        assert_eq!(n, [0x82, 0x04, 0x00]);
        let mut z = Vec::new();
        encode_u64(&mut z, 0);
        assert_eq!(z, [0x80]);
        assert_eq!(encode_list(&[]), [0xc0]);
        let lorem = b"Lorem ipsum dolor sit amet, consectetur adipisicing elit";
        let e = enc(lorem);
        assert_eq!(&e[..2], [0xb8, 0x38]);
        assert_eq!(decode(&e).unwrap(), Item::Bytes(lorem));
        // [ [], [[]], [ [], [[]] ] ]
        let empty = encode_list(&[]);
        let one = encode_list(std::slice::from_ref(&empty));
        let two = encode_list(&[empty.clone(), one.clone()]);
        let set = encode_list(&[empty, one, two]);
        assert_eq!(set, [0xc7, 0xc0, 0xc1, 0xc0, 0xc3, 0xc0, 0xc1, 0xc0]);
        assert!(matches!(decode(&set).unwrap(), Item::List(l) if l.len() == 3));
    }

    #[test]
    fn refuses_non_canonical() {
        assert!(decode(&[0x81, 0x05]).is_err(), "single byte in long form");
        assert!(
            decode(&[0xb8, 0x02, 1, 2]).is_err(),
            "short length in long form"
        );
        assert!(decode(&[0x83, 1, 2]).is_err(), "truncated");
        assert!(decode(&[0x80, 0x80]).is_err(), "trailing bytes");
        assert!(Item::Bytes(&[0, 1]).u64("nonce").is_err(), "leading zero");
    }
}
