//! ECDSA on secp256k1 the Ethereum way: RFC 6979 deterministic nonces, low-s, 65-byte `r‖s‖v`
//! signatures, EIP-191 personal messages, signer recovery.

use std::fmt;

use k256::ecdsa::{RecoveryId, Signature as KSignature, SigningKey, VerifyingKey};
use k256::{NonZeroScalar, SecretKey};
use ripemd::Ripemd160;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{Address, KeysError};
use crate::util::{hex0x, keccak256, unhex};

/// A secp256k1 private key. Zeroized on drop; never printed.
#[derive(Clone)]
pub struct PrivateKey(SigningKey);

impl PrivateKey {
    /// A key from 32 big-endian bytes (must be in `1..n`).
    pub fn from_slice(bytes: &[u8]) -> Result<PrivateKey, KeysError> {
        SigningKey::from_slice(bytes)
            .map(PrivateKey)
            .map_err(|_| KeysError::InvalidPrivateKey)
    }

    pub(crate) fn from_secret(secret: SecretKey) -> PrivateKey {
        PrivateKey(SigningKey::from(secret))
    }

    pub(crate) fn nonzero_scalar(&self) -> &NonZeroScalar {
        self.0.as_nonzero_scalar()
    }

    /// The 32 secret bytes. Keep them in the returned zeroizing buffer.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes().into())
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(*self.0.verifying_key())
    }

    /// The Ethereum address of this key.
    pub fn address(&self) -> Address {
        self.public_key().address()
    }

    /// Sign a 32-byte digest: RFC 6979 nonce, low-s, `v` = 27 or 28.
    pub fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature, KeysError> {
        let (sig, rid) = self.0.sign_prehash_recoverable(digest);
        Signature::from_parts(&sig, rid)
    }

    /// Sign an EIP-191 personal message (`personal_sign`).
    pub fn sign_personal_message(&self, message: &[u8]) -> Result<Signature, KeysError> {
        self.sign_digest(&personal_message_hash(message))
    }

    /// Sign the SHA-256 of `message` and return the 64-byte `r‖s` (JOSE `ES256K`).
    pub fn sign_es256k(&self, message: &[u8]) -> Result<[u8; 64], KeysError> {
        let digest: [u8; 32] = Sha256::digest(message).into();
        Ok(self.sign_digest(&digest)?.rs())
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, ..)", self.address())
    }
}

/// A secp256k1 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl fmt::Display for PublicKey {
    /// The compressed key as `0x` hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::util::hex0x(&self.to_compressed()))
    }
}

impl std::str::FromStr for PublicKey {
    type Err = KeysError;
    /// A SEC1 key (compressed or not) as hex, with or without `0x`.
    fn from_str(s: &str) -> Result<PublicKey, KeysError> {
        let raw = crate::util::unhex(s.trim()).map_err(|_| KeysError::InvalidPublicKey)?;
        PublicKey::from_sec1(&raw)
    }
}

impl PublicKey {
    /// Parse a SEC1 key (33-byte compressed or 65-byte uncompressed).
    pub fn from_sec1(bytes: &[u8]) -> Result<PublicKey, KeysError> {
        VerifyingKey::from_sec1_bytes(bytes)
            .map(PublicKey)
            .map_err(|_| KeysError::InvalidPublicKey)
    }

    /// 33-byte compressed SEC1 form.
    pub fn to_compressed(&self) -> [u8; 33] {
        let p = self.0.to_sec1_point(true);
        let mut out = [0u8; 33];
        out.copy_from_slice(p.as_bytes());
        out
    }

    /// 65-byte uncompressed SEC1 form (`0x04‖x‖y`).
    pub fn to_uncompressed(&self) -> [u8; 65] {
        let p = self.0.to_sec1_point(false);
        let mut out = [0u8; 65];
        out.copy_from_slice(p.as_bytes());
        out
    }

    /// The Ethereum address: the last 20 bytes of Keccak-256 of `x‖y`.
    pub fn address(&self) -> Address {
        let h = keccak256(&self.to_uncompressed()[1..]);
        let mut a = [0u8; 20];
        a.copy_from_slice(&h[12..]);
        Address(a)
    }

    /// The BIP32 fingerprint: the first 4 bytes of HASH160 of the compressed key.
    pub fn fingerprint(&self) -> [u8; 4] {
        let h = Ripemd160::digest(Sha256::digest(self.to_compressed()));
        [h[0], h[1], h[2], h[3]]
    }

    /// Verify a 64-byte `r‖s` signature over a 32-byte digest: plain ECDSA, as JOSE `ES256K`
    /// and Wycheproof define it, so a high-s signature from another library is accepted here.
    /// (Ethereum's recovery path, [`Signature::recover_address`], refuses high-s per EIP-2.)
    pub fn verify_digest_rs(&self, digest: &[u8; 32], rs: &[u8]) -> bool {
        use k256::ecdsa::signature::hazmat::PrehashVerifier;
        let Ok(sig) = KSignature::from_slice(rs) else {
            return false;
        };
        // k256 only verifies low-s; (r, n - s) is valid exactly when (r, s) is.
        self.0.verify_prehash(digest, &sig.normalize_s()).is_ok()
    }

    /// Verify a JOSE `ES256K` signature (`r‖s` over SHA-256 of `message`).
    pub fn verify_es256k(&self, message: &[u8], rs: &[u8]) -> bool {
        let digest: [u8; 32] = Sha256::digest(message).into();
        self.verify_digest_rs(&digest, rs)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", hex0x(&self.to_compressed()))
    }
}

/// A 65-byte Ethereum signature `r‖s‖v` with `v` = 27 or 28.
///
/// ```
/// use jigap_core::keys::Signature;
/// let hex = format!("0x{}{}1b", "11".repeat(32), "22".repeat(32));
/// let sig: Signature = hex.parse().unwrap();
/// assert_eq!(sig.v(), 27);
/// assert_eq!(sig.to_string(), hex);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    bytes: [u8; 65],
}

impl Signature {
    fn from_parts(sig: &KSignature, rid: RecoveryId) -> Result<Signature, KeysError> {
        if rid.is_x_reduced() {
            // Probability ~2^-127; Ethereum's v cannot express it.
            return Err(KeysError::Signing);
        }
        let mut bytes = [0u8; 65];
        bytes[..64].copy_from_slice(&sig.to_bytes());
        bytes[64] = 27 + u8::from(rid.is_y_odd());
        Ok(Signature { bytes })
    }

    /// Parse 65 bytes `r‖s‖v`; `v` may be 0/1 or 27/28 (stored as 27/28).
    pub fn from_bytes(bytes: &[u8]) -> Result<Signature, KeysError> {
        if bytes.len() != 65 {
            return Err(KeysError::SignatureLength(bytes.len()));
        }
        let v = match bytes[64] {
            0 | 27 => 27,
            1 | 28 => 28,
            other => return Err(KeysError::SignatureV(other)),
        };
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&bytes[..64]);
        out[64] = v;
        Ok(Signature { bytes: out })
    }

    /// The 65 bytes `r‖s‖v`.
    pub fn to_bytes(&self) -> [u8; 65] {
        self.bytes
    }

    /// `r‖s` without `v`.
    pub fn rs(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(&self.bytes[..64]);
        out
    }

    /// `v` (27 or 28).
    pub fn v(&self) -> u8 {
        self.bytes[64]
    }

    /// Recover the public key that made this signature over `digest`.
    pub fn recover_public_key(&self, digest: &[u8; 32]) -> Result<PublicKey, KeysError> {
        let sig = KSignature::from_slice(&self.bytes[..64]).map_err(|_| KeysError::BadSignature)?;
        // Reject the malleable high-s twin (EIP-2), as Ethereum does.
        if sig.normalize_s() != sig {
            return Err(KeysError::HighS);
        }
        let rid = RecoveryId::new(self.bytes[64] == 28, false);
        VerifyingKey::recover_from_prehash(digest, &sig, rid)
            .map(PublicKey)
            .map_err(|_| KeysError::BadSignature)
    }

    /// Recover the address that made this signature over `digest`.
    pub fn recover_address(&self, digest: &[u8; 32]) -> Result<Address, KeysError> {
        Ok(self.recover_public_key(digest)?.address())
    }
}

impl std::str::FromStr for Signature {
    type Err = KeysError;
    fn from_str(s: &str) -> Result<Self, KeysError> {
        let b = unhex(s).map_err(|_| KeysError::SignatureHex)?;
        Signature::from_bytes(&b)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex0x(&self.bytes))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

/// EIP-191 version 0x45 hash: `keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ message)`.
pub fn personal_message_hash(message: &[u8]) -> [u8; 32] {
    let prefix = format!("\x19Ethereum Signed Message:\n{}", message.len());
    crate::util::keccak256_parts(&[prefix.as_bytes(), message])
}

/// The address that signed `message` with `personal_sign`.
pub fn recover_personal_message(message: &[u8], sig: &Signature) -> Result<Address, KeysError> {
    sig.recover_address(&personal_message_hash(message))
}

/// Plain ECDSA check (no recovery, high-s accepted) of a 64-byte `r‖s` or 65-byte `r‖s‖v`
/// `signature` over a 32-byte `digest` with a SEC1 `public_key`, all hex with or without `0x`:
/// what a WebAuthn-style verifier or another chain's key needs. `Ok(false)` when it does not
/// verify; an error when an input is not what it should be.
///
/// ```
/// use jigap_core::keys::{PrivateKey, verify_digest_signature};
/// let k = PrivateKey::from_slice(&[7; 32]).unwrap();
/// let sig = k.sign_digest(&[1; 32]).unwrap().to_string();
/// let pk = k.public_key().to_string();
/// assert!(verify_digest_signature(&pk, &format!("0x{}", "01".repeat(32)), &sig).unwrap());
/// assert!(!verify_digest_signature(&pk, &format!("0x{}", "02".repeat(32)), &sig).unwrap());
/// ```
pub fn verify_digest_signature(
    public_key: &str,
    digest: &str,
    signature: &str,
) -> Result<bool, KeysError> {
    let pk: PublicKey = public_key.parse()?;
    let unhex = |s: &str| hex::decode(s.trim().trim_start_matches("0x"));
    let d: [u8; 32] = unhex(digest)
        .ok()
        .and_then(|d| d.try_into().ok())
        .ok_or_else(|| KeysError::TypedData("a digest is 32 bytes of hex".into()))?;
    let sig = unhex(signature).map_err(|_| KeysError::SignatureHex)?;
    if sig.len() != 64 && sig.len() != 65 {
        return Err(KeysError::SignatureLength(sig.len()));
    }
    Ok(pk.verify_digest_rs(&d, &sig[..64]))
}

/// Check that `sig` over `digest` was made by `expected`.
pub fn verify_digest(
    digest: &[u8; 32],
    sig: &Signature,
    expected: &Address,
) -> Result<(), KeysError> {
    let got = sig.recover_address(digest)?;
    if got == *expected {
        Ok(())
    } else {
        Err(KeysError::WrongSigner {
            expected: *expected,
            got,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_recover_and_low_s() {
        let k = PrivateKey::from_slice(&[7u8; 32]).unwrap();
        for i in 0..50u8 {
            let d = keccak256(&[i]);
            let s = k.sign_digest(&d).unwrap();
            let sig = KSignature::from_slice(&s.rs()).unwrap();
            assert_eq!(sig.normalize_s(), sig, "low-s");
            assert_eq!(s.recover_address(&d).unwrap(), k.address());
            assert!(k.public_key().verify_digest_rs(&d, &s.rs()));
            verify_digest(&d, &s, &k.address()).unwrap();
        }
    }

    #[test]
    fn high_s_twin_is_refused() {
        let k = PrivateKey::from_slice(&[9u8; 32]).unwrap();
        let d = keccak256(b"x");
        let s = k.sign_digest(&d).unwrap();
        // s' = n - s, v flipped: the malleable twin.
        let sig = KSignature::from_slice(&s.rs()).unwrap();
        let (r, sv) = sig.split_scalars();
        let twin = KSignature::from_scalars(r.to_bytes(), (-*sv.as_ref()).to_bytes()).unwrap();
        let mut b = [0u8; 65];
        b[..64].copy_from_slice(&twin.to_bytes());
        b[64] = if s.v() == 27 { 28 } else { 27 };
        let twin = Signature::from_bytes(&b).unwrap();
        assert!(matches!(twin.recover_address(&d), Err(KeysError::HighS)));
        // Plain ECDSA verification (JOSE ES256K) accepts it, as other libraries produce it.
        assert!(k.public_key().verify_digest_rs(&d, &twin.rs()));
    }

    #[test]
    fn private_key_range_and_debug() {
        assert!(PrivateKey::from_slice(&[0u8; 32]).is_err());
        assert!(PrivateKey::from_slice(&[0xffu8; 32]).is_err());
        let k = PrivateKey::from_slice(&[1u8; 32]).unwrap();
        let dbg = format!("{k:?}");
        assert!(!dbg.contains("0101010101"), "{dbg}");
    }
}
