//! `did:key` identifiers (multicodec + base58btc), resolved locally.

use super::{KeysError, PublicKey};

/// Multicodec prefix of a compressed secp256k1 public key (`secp256k1-pub`, 0xe7, varint).
const SECP256K1_PUB: [u8; 2] = [0xe7, 0x01];

/// The `did:key` of a secp256k1 public key (compressed point).
///
/// ```
/// use jigap_core::keys::{PrivateKey, did_key_from_secp256k1, secp256k1_from_did_key};
/// let k = PrivateKey::from_slice(&[3u8; 32]).unwrap();
/// let did = did_key_from_secp256k1(&k.public_key());
/// assert!(did.starts_with("did:key:zQ3s"));
/// assert_eq!(secp256k1_from_did_key(&did).unwrap(), k.public_key());
/// ```
pub fn did_key_from_secp256k1(key: &PublicKey) -> String {
    let mut bytes = Vec::with_capacity(35);
    bytes.extend_from_slice(&SECP256K1_PUB);
    bytes.extend_from_slice(&key.to_compressed());
    format!("did:key:z{}", bs58::encode(bytes).into_string())
}

/// The secp256k1 public key inside a `did:key` (with or without a `#fragment`).
pub fn secp256k1_from_did_key(did: &str) -> Result<PublicKey, KeysError> {
    let (codec, key) = decode_did_key(did)?;
    if codec != SECP256K1_PUB {
        return Err(KeysError::Did(format!(
            "'{did}' is not a secp256k1 did:key (multicodec 0x{})",
            hex::encode(codec)
        )));
    }
    PublicKey::from_sec1(&key)
}

/// Split a `did:key` into its multicodec varint prefix (2 bytes) and key bytes.
pub fn decode_did_key(did: &str) -> Result<([u8; 2], Vec<u8>), KeysError> {
    let did = did.split('#').next().unwrap_or(did);
    let mb = did
        .strip_prefix("did:key:")
        .ok_or_else(|| KeysError::Did(format!("'{did}' is not a did:key")))?;
    let b58 = mb.strip_prefix('z').ok_or_else(|| {
        KeysError::Did(format!(
            "'{did}' does not use base58btc multibase (must start with 'z')"
        ))
    })?;
    if b58.len() > 256 {
        return Err(KeysError::Did("did:key is too long".into()));
    }
    let raw = bs58::decode(b58)
        .into_vec()
        .map_err(|_| KeysError::Did(format!("'{did}' is not valid base58btc")))?;
    if raw.len() < 3 {
        return Err(KeysError::Did(format!("'{did}' is too short")));
    }
    Ok(([raw[0], raw[1]], raw[2..].to_vec()))
}
