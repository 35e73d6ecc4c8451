//! Keys: BIP39 mnemonics, BIP32 derivation, Ethereum addresses, ECDSA signatures (EIP-191,
//! EIP-712), `did:key` and Web3 keystores.
//!
//! ```
//! use jigap_core::keys::*;
//! let m = Mnemonic::parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", None).unwrap();
//! let seed = m.to_seed("").unwrap();
//! let account = ExtendedPrivateKey::from_seed(&*seed).unwrap().derive_path(&evm_account_path(0)).unwrap();
//! assert_eq!(account.private_key().address().to_string(), "0x9858EfFD232B4033E47d90003D41EC34EcaEda94");
//! ```

mod address;
mod bip32;
mod cbor;
mod did;
mod ecdsa;
pub(crate) mod eip712;
mod keystore;
mod mnemonic;
mod signer;
mod unicode;

pub use address::Address;
pub use bip32::{DerivationPath, ExtendedPrivateKey, evm_account_path, identity_path, parse_xpub};
pub use did::{decode_did_key, did_key_from_secp256k1, secp256k1_from_did_key};
pub use ecdsa::{
    PrivateKey, PublicKey, Signature, personal_message_hash, recover_personal_message,
    verify_digest, verify_digest_signature,
};
pub use eip712::{
    TypedData, TypedField, domain_separator, enc_address, enc_array, enc_bool, enc_i64, enc_string,
    enc_u64, hash_struct_words, typed_data_digest,
};
pub use keystore::{KeystoreKdf, export_keystore, import_keystore};
pub use mnemonic::{Language, Mnemonic, MnemonicInfo};
pub use signer::DigestSigner;

use crate::env::RandomError;

/// NFKD of `s`, or `None` where this build cannot normalise it (see the `unicode` module).
pub(crate) fn nfkd_text(s: &str) -> Option<String> {
    unicode::nfkd(s).ok()
}

/// What went wrong with a key, mnemonic, signature or keystore. Messages never contain secret
/// bytes.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum KeysError {
    /// Unknown wordlist name.
    #[error("unknown wordlist '{0}'; use one of en, ko, ja, es, zh-hans, zh-hant, fr, it, cs, pt")]
    UnknownLanguage(String),
    /// The wordlist exists but was left out of this build.
    #[error(
        "the {0} wordlist is not built into this package; rebuild with its cargo feature or `all-languages`"
    )]
    LanguageNotBuilt(&'static str),
    /// Wrong number of words.
    #[error("a mnemonic has 12, 15, 18, 21 or 24 words, not {0} words")]
    WordCount(usize),
    /// Wrong entropy length.
    #[error("entropy must be 16, 20, 24, 28 or 32 bytes, not {0}")]
    EntropyLength(usize),
    /// A word is not in the wordlist.
    // The word itself is never repeated: it is part of a recovery phrase, and messages end up
    // in logs and crash reports.
    #[error("word {position} is not in the {language} wordlist; check its spelling")]
    UnknownWord {
        /// 1-based position.
        position: usize,
        /// The wordlist checked.
        language: &'static str,
    },
    /// The first word is in no wordlist.
    #[error(
        "word 1 is not in any BIP39 wordlist built into this package; check its spelling or choose the language"
    )]
    UnknownFirstWord,
    /// A character this build cannot normalise (built without `full-unicode`).
    #[error(
        "character {position} cannot be normalised by this build (English and Korean only); use the build with all languages"
    )]
    UnsupportedCharacter {
        /// 1-based position of the character.
        position: usize,
        /// Its code point when it is a symbol (0 for letters and digits, which are not named:
        /// the text may be a passphrase).
        code_point: u32,
    },
    /// Checksum failure.
    #[error("checksum does not match: a word is wrong or the words are out of order")]
    Checksum,
    /// BIP32 seed of the wrong size.
    #[error("a BIP32 seed must be 16 to 64 bytes, not {0}")]
    SeedLength(usize),
    /// BIP32 derivation hit an invalid key (probability about 2^-127).
    #[error("this derivation step yields an invalid key; use the next index")]
    Derivation,
    /// Malformed derivation path.
    #[error("'{0}' is not a derivation path like m/44'/60'/0'/0/0")]
    BadPath(String),
    /// Malformed extended key.
    #[error("invalid extended key: {0}")]
    ExtendedKey(String),
    /// Invalid private key bytes.
    #[error("invalid private key: it must be 32 bytes between 1 and the curve order")]
    InvalidPrivateKey,
    /// Invalid public key bytes.
    #[error("invalid public key: not a point on secp256k1")]
    InvalidPublicKey,
    /// Signing failed.
    #[error("signing failed; retry")]
    Signing,
    /// Signature of the wrong length.
    #[error("a signature is 65 bytes (r‖s‖v), not {0}")]
    SignatureLength(usize),
    /// Bad `v`.
    #[error("signature v must be 27 or 28 (or 0 or 1), not {0}")]
    SignatureV(u8),
    /// Not hex.
    #[error("signature is not hexadecimal")]
    SignatureHex,
    /// The signature does not verify.
    #[error("the signature is invalid")]
    BadSignature,
    /// High-s signature.
    #[error("the signature has a high s value (malleable); sign again with a low-s signer")]
    HighS,
    /// Valid signature by someone else.
    #[error("the signature was made by {got}, not by {expected}")]
    WrongSigner {
        /// Who should have signed.
        expected: Address,
        /// Who did.
        got: Address,
    },
    /// Malformed address.
    #[error("invalid address: {0}")]
    BadAddress(String),
    /// EIP-55 mismatch.
    #[error("address '{0}' has mixed case but a wrong EIP-55 checksum; check it for typos")]
    AddressChecksum(String),
    /// EIP-712 input problem.
    #[error("typed data: {0}")]
    TypedData(String),
    /// Malformed or unsupported keystore.
    #[error("keystore: {0}")]
    Keystore(String),
    /// Keystore MAC mismatch.
    #[error("keystore: wrong password, or the file was altered (MAC mismatch)")]
    KeystoreMac,
    /// DID problem.
    #[error("did: {0}")]
    Did(String),
    /// The random source failed.
    #[error(transparent)]
    Random(#[from] RandomError),
}
