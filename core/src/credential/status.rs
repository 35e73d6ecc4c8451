//! W3C Bitstring Status List: status entries in credentials, and the GZIP-compressed,
//! base64url (multibase `u`) bitstring of a status list credential.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::codec::{b64u, b64u_decode, str_of};
use super::{CredentialError, MAX_STATUS_LIST_BYTES, malformed};

/// The `purpose` of a [`CredentialStatusEntry`] that points into an IETF Token Status List
/// (`status.status_list` in an SD-JWT VC) rather than a W3C Bitstring Status List.
pub const TOKEN_STATUS_LIST: &str = "token-status-list";

/// The smallest bitstring the specification allows (16 KiB: 131,072 one-bit entries), for
/// group privacy.
pub const MIN_STATUS_LIST_BYTES: usize = 16 * 1024;

/// A credential's pointer into a status list (`BitstringStatusListEntry`, or the older
/// `StatusList2021Entry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatusEntry {
    /// `revocation`, `suspension`, or another purpose such as `message`.
    pub purpose: String,
    /// Index of the entry in the list.
    pub index: u64,
    /// URL of the status list credential the app must fetch.
    #[serde(alias = "list_url")]
    pub list_url: String,
    /// Bits per entry (1 unless the list uses status messages).
    #[cfg_attr(feature = "uniffi", uniffi(default = 1))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    #[serde(default = "one_bit")]
    pub size: u8,
}

fn one_bit() -> u8 {
    1
}

impl CredentialStatusEntry {
    /// Read an SD-JWT VC `status` claim: `{"status_list": {"idx": N, "uri": "…"}}` (IETF Token
    /// Status List). Other status mechanisms are ignored.
    pub fn from_token_status(v: &Value) -> Result<Option<CredentialStatusEntry>, CredentialError> {
        let Some(sl) = v.get("status_list") else {
            return Ok(None);
        };
        let bad = |w: &str| malformed(format!("the credential's status_list {w}"));
        let index = sl
            .get("idx")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("has no integer 'idx'"))?;
        let list_url = sl
            .get("uri")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("has no 'uri'"))?
            .to_string();
        Ok(Some(CredentialStatusEntry {
            purpose: TOKEN_STATUS_LIST.into(),
            index,
            list_url,
            size: 0, // set by the list ("bits")
        }))
    }

    /// Read a `credentialStatus` member (an object or an array of them). Entries of other types
    /// are skipped; the first bitstring entry is returned.
    pub fn from_credential_status(
        v: &Value,
    ) -> Result<Option<CredentialStatusEntry>, CredentialError> {
        let list: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for e in list {
            let Some(m) = e.as_object() else { continue };
            let t = str_of(m, "type").unwrap_or("");
            if t != "BitstringStatusListEntry" && t != "StatusList2021Entry" {
                continue;
            }
            return Ok(Some(CredentialStatusEntry::from_object(m)?));
        }
        Ok(None)
    }

    fn from_object(m: &Map<String, Value>) -> Result<CredentialStatusEntry, CredentialError> {
        let bad = |w: &str| malformed(format!("the credential's status entry {w}"));
        let purpose = str_of(m, "statusPurpose")
            .ok_or_else(|| bad("has no statusPurpose"))?
            .to_string();
        let index = match m.get("statusListIndex") {
            Some(Value::String(s)) => s
                .parse::<u64>()
                .map_err(|_| bad("has a bad statusListIndex"))?,
            Some(Value::Number(n)) => n.as_u64().ok_or_else(|| bad("has a bad statusListIndex"))?,
            _ => return Err(bad("has no statusListIndex")),
        };
        let list_url = str_of(m, "statusListCredential")
            .ok_or_else(|| bad("has no statusListCredential"))?
            .to_string();
        let size = match m.get("statusSize") {
            None => 1,
            Some(v) => v
                .as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .filter(|n| (1..=8).contains(n))
                .ok_or_else(|| bad("has a statusSize outside 1..8"))? as u8,
        };
        Ok(CredentialStatusEntry {
            purpose,
            index,
            list_url,
            size,
        })
    }
}

/// What a status list says about a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum CredentialStatus {
    /// The bit is 0.
    Valid,
    /// The revocation bit is set.
    Revoked,
    /// The suspension bit is set.
    Suspended,
    /// Another purpose (e.g. `message`) with a non-zero value.
    Flagged {
        /// The purpose.
        purpose: String,
        /// The value of the entry.
        value: u8,
    },
}

impl CredentialStatus {
    /// `valid`, `revoked`, `suspended` or the purpose.
    pub fn as_str(&self) -> &str {
        match self {
            CredentialStatus::Valid => "valid",
            CredentialStatus::Revoked => "revoked",
            CredentialStatus::Suspended => "suspended",
            CredentialStatus::Flagged { purpose, .. } => purpose,
        }
    }
}

/// Decode an `encodedList`: multibase `u` + base64url (no padding) of GZIP. The `u` prefix is
/// optional (StatusList2021 omitted it).
pub fn decode_status_list(encoded: &str) -> Result<Vec<u8>, CredentialError> {
    let bad = |w: &str| malformed(format!("the encoded status list {w}"));
    let b64 = encoded.strip_prefix('u').unwrap_or(encoded);
    let gz = b64u_decode(b64, "status list").map_err(|_| bad("is not base64url"))?;
    gunzip(&gz, MAX_STATUS_LIST_BYTES).map_err(bad)
}

/// Encode a bitstring as an `encodedList` (GZIP, base64url, multibase `u`).
pub fn encode_status_list(bits: &[u8]) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(bits, 9);
    let mut gz = Vec::with_capacity(deflated.len() + 18);
    // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=2 (max compression) OS=255 (unknown)
    gz.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
    gz.extend_from_slice(&deflated);
    gz.extend_from_slice(&crc32(bits).to_le_bytes());
    gz.extend_from_slice(&(bits.len() as u32).to_le_bytes());
    format!("u{}", b64u(&gz))
}

/// Decode a Token Status List `lst`: base64url of ZLIB (RFC 1950) data.
pub(crate) fn decode_token_list(lst: &str) -> Result<Vec<u8>, CredentialError> {
    let bad = |w: &str| malformed(format!("the token status list {w}"));
    let z = b64u_decode(lst, "status list").map_err(|_| bad("is not base64url"))?;
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&z, MAX_STATUS_LIST_BYTES)
        .map_err(|_| bad("does not inflate (corrupt, or larger than the limit)"))
}

/// Encode a Token Status List byte array as `lst`.
pub(crate) fn encode_token_list(bytes: &[u8]) -> String {
    b64u(&miniz_oxide::deflate::compress_to_vec_zlib(bytes, 9))
}

/// The value at `index` of a Token Status List of `bits`-bit entries (1, 2, 4 or 8), least
/// significant bits first within each byte.
pub(crate) fn read_token_entry(bytes: &[u8], index: u64, bits: u8) -> Result<u8, CredentialError> {
    let per_byte = 8 / u64::from(bits);
    let byte = usize::try_from(index / per_byte)
        .ok()
        .and_then(|i| bytes.get(i))
        .ok_or_else(|| {
            malformed(format!(
                "index {index} lies beyond the end of the token status list ({} entries)",
                bytes.len() as u64 * per_byte
            ))
        })?;
    let shift = (index % per_byte) * u64::from(bits);
    let mask = if bits == 8 { 0xff } else { (1u8 << bits) - 1 };
    Ok((byte >> shift) & mask)
}

/// The value of entry `index` (`size` bits, most significant bit first, entry 0 at the
/// left-most bit).
pub(crate) fn read_entry(bits: &[u8], index: u64, size: u8) -> Result<u8, CredentialError> {
    let size = u64::from(size);
    let start = index
        .checked_mul(size)
        .filter(|s| {
            s.checked_add(size)
                .is_some_and(|e| e <= bits.len() as u64 * 8)
        })
        .ok_or_else(|| {
            malformed(format!(
                "index {index} lies beyond the end of the status list ({} entries)",
                bits.len() as u64 * 8 / size
            ))
        })?;
    let mut v = 0u8;
    for b in start..start + size {
        let byte = bits[(b / 8) as usize];
        let bit = (byte >> (7 - (b % 8))) & 1;
        v = (v << 1) | bit;
    }
    Ok(v)
}

/// Interpret an entry's value for its purpose.
pub(crate) fn status_of(purpose: &str, value: u8) -> CredentialStatus {
    match (purpose, value) {
        (_, 0) => CredentialStatus::Valid,
        ("revocation", _) => CredentialStatus::Revoked,
        ("suspension", _) => CredentialStatus::Suspended,
        (p, v) => CredentialStatus::Flagged {
            purpose: p.to_string(),
            value: v,
        },
    }
}

/// Inflate a GZIP member (RFC 1952), checking its CRC-32 and length, with an output limit.
fn gunzip(gz: &[u8], limit: usize) -> Result<Vec<u8>, &'static str> {
    if gz.len() < 18 || gz[0] != 0x1f || gz[1] != 0x8b || gz[2] != 8 {
        return Err("is not GZIP data");
    }
    let flags = gz[3];
    if flags & 0xe0 != 0 {
        return Err("uses reserved GZIP flags");
    }
    let mut i = 10;
    if flags & 0x04 != 0 {
        // FEXTRA
        let n = usize::from(u16::from_le_bytes([
            *gz.get(i).ok_or("is truncated")?,
            *gz.get(i + 1).ok_or("is truncated")?,
        ]));
        i += 2 + n;
    }
    for flag in [0x08, 0x10] {
        // FNAME, FCOMMENT: zero-terminated
        if flags & flag != 0 {
            let end = gz
                .get(i..)
                .and_then(|r| r.iter().position(|b| *b == 0))
                .ok_or("is truncated")?;
            i += end + 1;
        }
    }
    if flags & 0x02 != 0 {
        i += 2; // FHCRC
    }
    if i + 8 > gz.len() {
        return Err("is truncated");
    }
    let body = &gz[i..gz.len() - 8];
    let out = miniz_oxide::inflate::decompress_to_vec_with_limit(body, limit)
        .map_err(|_| "does not inflate (corrupt, or larger than the limit)")?;
    let t = &gz[gz.len() - 8..];
    let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
    let isize = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
    if crc != crc32(&out) || isize != out.len() as u32 {
        return Err("fails its GZIP checksum");
    }
    Ok(out)
}

/// CRC-32 (IEEE 802.3, reflected), bitwise: status lists are small and checked rarely.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_known_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn encode_decode_and_read_bits() {
        let mut bits = vec![0u8; MIN_STATUS_LIST_BYTES];
        bits[0] = 0b1000_0001;
        bits[100] = 0b0010_0000;
        let enc = encode_status_list(&bits);
        assert!(enc.starts_with('u'));
        assert!(
            enc.len() < 200,
            "16 KiB of zeros compresses well: {}",
            enc.len()
        );
        let dec = decode_status_list(&enc).unwrap();
        assert_eq!(dec, bits);
        assert_eq!(read_entry(&dec, 0, 1).unwrap(), 1);
        assert_eq!(read_entry(&dec, 1, 1).unwrap(), 0);
        assert_eq!(read_entry(&dec, 7, 1).unwrap(), 1);
        assert_eq!(read_entry(&dec, 802, 1).unwrap(), 1);
        assert_eq!(read_entry(&dec, 0, 2).unwrap(), 0b10);
        assert!(read_entry(&dec, (MIN_STATUS_LIST_BYTES * 8) as u64, 1).is_err());
        assert!(read_entry(&dec, u64::MAX, 8).is_err());
    }

    #[test]
    fn w3c_example_list_decodes() {
        // The empty 16 KiB list from the Bitstring Status List specification's examples.
        let enc = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";
        let bits = decode_status_list(enc).unwrap();
        assert_eq!(bits.len(), MIN_STATUS_LIST_BYTES);
        assert!(bits.iter().all(|b| *b == 0));
    }

    #[test]
    fn token_status_list_bit_order() {
        // draft-ietf-oauth-status-list example: bits 1, statuses [1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1]
        // → bytes [0xb9, 0xa3], lst "eNrbuRgAAhcBXQ".
        let bytes = decode_token_list("eNrbuRgAAhcBXQ").unwrap();
        assert_eq!(bytes, [0xb9, 0xa3]);
        let want = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
        for (i, w) in want.iter().enumerate() {
            assert_eq!(read_token_entry(&bytes, i as u64, 1).unwrap(), *w, "{i}");
        }
        assert_eq!(read_token_entry(&[0b1110_0100], 0, 2).unwrap(), 0);
        assert_eq!(read_token_entry(&[0b1110_0100], 1, 2).unwrap(), 1);
        assert_eq!(read_token_entry(&[0b1110_0100], 2, 2).unwrap(), 2);
        assert_eq!(read_token_entry(&[0b1110_0100], 3, 2).unwrap(), 3);
        assert!(read_token_entry(&[0], 8, 1).is_err());
        assert_eq!(
            decode_token_list(&encode_token_list(&[7, 8, 9])).unwrap(),
            [7, 8, 9]
        );
    }

    #[test]
    fn corrupt_lists_are_errors() {
        let enc = encode_status_list(&[0u8; 64]);
        let mut raw = b64u_decode(&enc[1..], "x").unwrap();
        let n = raw.len();
        raw[n - 5] ^= 1; // CRC
        assert!(decode_status_list(&b64u(&raw)).is_err());
        assert!(decode_status_list("u!!").is_err());
        assert!(decode_status_list("uAAAA").is_err());
    }
}
