//! Ed25519 keys derived from account keys, and the identity (address + Ed25519 key + proof)
//! that holders and issuers hand out.
//!
//! Each Ed25519 key is HKDF-SHA256 of the account's 32-byte secp256k1 private key, no salt,
//! with a fixed `info`, used as the Ed25519 secret seed. So a holder's pass key comes back
//! with the mnemonic, and no new secret is ever stored.

use std::fmt;

use ed25519_dalek::{Signature as EdSignature, Signer, SigningKey, Verifier, VerifyingKey};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::keys::{Address, PrivateKey, Signature};
use crate::qr;

use super::TicketError;
use super::eip712::key_digest;
use super::wire::{Reader, Writer};

/// HKDF `info` of a holder's pass key (signs the rotating passes).
pub const PASS_KEY_INFO: &str = "jigap ticket pass key v1";
/// HKDF `info` of an issuer's seal key (seals grants and gate authorizations for gates).
pub const SEAL_KEY_INFO: &str = "jigap ticket seal key v1";
/// HKDF `info` of a gate key derived from an account (signs check-in receipts).
pub const GATE_KEY_INFO: &str = "jigap ticket gate key v1";

/// QR tag of an identity.
pub const IDENTITY_TAG: &str = "JGID";
const IDENTITY_VERSION: u8 = 1;

/// An Ed25519 key derived from an account key with HKDF-SHA256 and `info`.
pub(crate) fn derive_ed25519(account: &PrivateKey, info: &str) -> SigningKey {
    let ikm = account.to_bytes();
    let hk = Hkdf::<Sha256>::new(None, &*ikm);
    let mut seed = Zeroizing::new([0u8; 32]);
    // 32 bytes is a valid HKDF-SHA256 output length, so expand cannot fail.
    let _ = hk.expand(info.as_bytes(), &mut *seed);
    SigningKey::from_bytes(&seed)
}

/// Sign a 32-byte EIP-712 digest with Ed25519.
pub(crate) fn ed_sign(key: &SigningKey, digest: &[u8; 32]) -> Result<[u8; 64], TicketError> {
    key.try_sign(digest)
        .map(|s| s.to_bytes())
        .map_err(|_| TicketError::Signing)
}

/// Verify an Ed25519 signature over a 32-byte digest (RFC 8032, cofactorless; canonical `S`).
pub(crate) fn ed_verify(key: &VerifyingKey, digest: &[u8; 32], sig: &[u8; 64]) -> bool {
    key.verify(digest, &EdSignature::from_bytes(sig)).is_ok()
}

/// Parse an Ed25519 public key, refusing invalid points and small-order (weak) keys.
pub(crate) fn ed_public(bytes: &[u8; 32]) -> Result<VerifyingKey, TicketError> {
    match VerifyingKey::from_bytes(bytes) {
        Ok(k) if !k.is_weak() => Ok(k),
        _ => Err(TicketError::invalid(
            "Ed25519 key",
            "not a valid Ed25519 public key; ask for the identity again",
        )),
    }
}

/// An account and the Ed25519 key it vouches for: a holder's **ticket holder id** (address +
/// pass key) or an issuer's id (address + seal key). The `proof` is the account's EIP-712
/// signature over `TicketKey(account, key)`, so nobody can bind someone else's address to
/// their own key.
///
/// Its text form is `JGID:` + base45 of a version byte and CBOR `[address, key, proof]`,
/// small enough to show as a QR code.
#[derive(Clone, PartialEq, Eq)]
pub struct TicketIdentity {
    /// The account (an Ethereum address).
    pub address: Address,
    /// The Ed25519 public key.
    pub key: [u8; 32],
    /// The account's signature over `TicketKey(account, key)`.
    pub proof: Signature,
}

impl TicketIdentity {
    /// The identity of `account` with its Ed25519 key derived with `info`.
    pub(crate) fn derive(account: &PrivateKey, info: &str) -> Result<TicketIdentity, TicketError> {
        let ed = derive_ed25519(account, info);
        let key = ed.verifying_key().to_bytes();
        let address = account.address();
        let proof = account.sign_digest(&key_digest(&address, &key))?;
        Ok(TicketIdentity {
            address,
            key,
            proof,
        })
    }

    /// Check the proof and the key.
    pub fn verify(&self) -> Result<(), TicketError> {
        ed_public(&self.key)?;
        match self
            .proof
            .recover_address(&key_digest(&self.address, &self.key))
        {
            Ok(a) if a == self.address => Ok(()),
            _ => Err(TicketError::BadIdentityProof(self.address)),
        }
    }

    /// The Ed25519 verifying key.
    pub(crate) fn verifying_key(&self) -> Result<VerifyingKey, TicketError> {
        ed_public(&self.key)
    }

    /// `JGID:…` text.
    pub fn to_text(&self) -> String {
        qr::wrap(IDENTITY_TAG, IDENTITY_VERSION, &self.to_cbor())
    }

    pub(crate) fn to_cbor(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write(&mut w);
        w.0
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        w.array(3)
            .bytes(&self.address.0)
            .bytes(&self.key)
            .bytes(&self.proof.to_bytes());
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<TicketIdentity, TicketError> {
        r.array("identity", 3)?;
        let address = Address(r.fixed::<20>("address")?);
        let key = r.fixed::<32>("key")?;
        let proof = Signature::from_bytes(&r.fixed::<65>("proof")?)?;
        Ok(TicketIdentity {
            address,
            key,
            proof,
        })
    }

    /// Parse `JGID:…` text and verify it.
    pub fn from_text(text: &str) -> Result<TicketIdentity, TicketError> {
        let id = Self::from_text_unverified(text)?;
        id.verify()?;
        Ok(id)
    }

    /// Parse without checking the proof (for data read back from the encrypted vault).
    pub(crate) fn from_text_unverified(text: &str) -> Result<TicketIdentity, TicketError> {
        let cbor = qr::unwrap(text, IDENTITY_TAG, "ticket identity", IDENTITY_VERSION)?;
        let mut r = Reader::new(&cbor, "ticket identity");
        let id = Self::read(&mut r)?;
        r.finish()?;
        Ok(id)
    }
}

impl fmt::Debug for TicketIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TicketIdentity({}, key {})",
            self.address,
            crate::util::hex0x(&self.key)
        )
    }
}

/// A gate's Ed25519 key: it signs check-in receipts and the gate's exported entry list.
/// Zeroized on drop; never printed. Cloning copies the secret (each copy is zeroized on drop).
#[derive(Clone)]
pub struct GateKey(SigningKey);

impl GateKey {
    /// Derive from an account key (HKDF-SHA256, info [`GATE_KEY_INFO`]), so a gate's key
    /// comes back from its operator's mnemonic.
    pub fn from_account(account: &PrivateKey) -> GateKey {
        GateKey(derive_ed25519(account, GATE_KEY_INFO))
    }

    /// Derive from `account`, one of `wallet`'s accounts (the account key stays in the core).
    pub fn from_wallet(
        wallet: &crate::wallet::Wallet,
        account: &Address,
    ) -> Result<GateKey, TicketError> {
        Ok(GateKey::from_account(&wallet.signing_key(account)?))
    }

    /// A fresh random key from the environment's random source.
    pub fn generate(env: &crate::env::Env) -> Result<GateKey, TicketError> {
        let seed = Zeroizing::new(env.random_array::<32>()?);
        Ok(GateKey(SigningKey::from_bytes(&seed)))
    }

    /// The public key, which the issuer authorizes.
    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    pub(crate) fn signing(&self) -> &SigningKey {
        &self.0
    }
}

impl fmt::Debug for GateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GateKey({}, ..)", crate::util::hex0x(&self.public()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_are_stable_distinct_and_vouched_for() {
        let k = PrivateKey::from_slice(&[0x42; 32]).unwrap();
        let a = TicketIdentity::derive(&k, PASS_KEY_INFO).unwrap();
        let b = TicketIdentity::derive(&k, PASS_KEY_INFO).unwrap();
        let s = TicketIdentity::derive(&k, SEAL_KEY_INFO).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.key, s.key);
        assert_ne!(a.key, GateKey::from_account(&k).public());
        a.verify().unwrap();
        let text = a.to_text();
        assert!(text.starts_with("JGID:"));
        assert_eq!(TicketIdentity::from_text(&text).unwrap(), a);
        // Someone else's key with this address: the proof no longer matches.
        let mut forged = a.clone();
        forged.key = s.key;
        assert!(matches!(
            forged.verify(),
            Err(TicketError::BadIdentityProof(_))
        ));
        assert!(!format!("{:?}", GateKey::from_account(&k)).contains("4242"));
    }

    #[test]
    fn sign_and_verify_digests() {
        let k = derive_ed25519(&PrivateKey::from_slice(&[1; 32]).unwrap(), PASS_KEY_INFO);
        let sig = ed_sign(&k, &[5; 32]).unwrap();
        let vk = ed_public(&k.verifying_key().to_bytes()).unwrap();
        assert!(ed_verify(&vk, &[5; 32], &sig));
        assert!(!ed_verify(&vk, &[6; 32], &sig));
        // The identity point is a weak key.
        let mut ident = [0u8; 32];
        ident[0] = 1;
        assert!(ed_public(&ident).is_err());
    }
}
