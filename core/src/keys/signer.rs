//! Something that signs 32-byte digests as an Ethereum address: a private key, or a wallet
//! account (whose key never leaves the wallet).

use super::{Address, KeysError, PrivateKey, Signature};

/// Signs digests as one address.
pub trait DigestSigner {
    /// The address the signatures recover to.
    fn address(&self) -> Address;
    /// Sign a 32-byte digest.
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature, KeysError>;
}

impl DigestSigner for PrivateKey {
    fn address(&self) -> Address {
        PrivateKey::address(self)
    }
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature, KeysError> {
        PrivateKey::sign_digest(self, digest)
    }
}
