//! The wallet: a [`Vault`] holding a BIP39 seed, its accounts and identity keys, and the
//! signing operations apps call.
//!
//! Accounts are addressed by their Ethereum address. Derived accounts follow
//! `m/44'/60'/0'/0/i`; identity (DID) keys `m/44'/60'/1'/0/i`; keys imported from Web3
//! keystores live beside them in the vault.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::env::Env;
use crate::keys::{
    Address, DerivationPath, ExtendedPrivateKey, KeysError, KeystoreKdf, Language, Mnemonic,
    PrivateKey, PublicKey, Signature, TypedData, did_key_from_secp256k1, evm_account_path,
    export_keystore, identity_path, import_keystore,
};
use crate::store::Store;
use crate::vault::{
    Backup, BackupInfo, BackupSecret, KdfParams, RecordBatch, Vault, VaultError, VaultOptions,
};

const NS_KEYS: &str = "keys";
const NS_IMPORTED: &str = "keys.imported";
const ID_SEED: &str = "seed";
const ID_ACCOUNTS: &str = "accounts";

/// What went wrong in a wallet operation.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// A key, signature or input problem.
    #[error(transparent)]
    Keys(#[from] KeysError),
    /// A vault or PIN problem.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The address is not one of this wallet's accounts.
    #[error("{0} is not an account of this wallet; add or import it first")]
    UnknownAccount(Address),
    /// A stored record is not readable.
    #[error("wallet data is damaged: {0}")]
    Corrupt(String),
}

/// What an app chooses when it creates a wallet: mnemonic length and wordlist, an optional
/// passphrase, and the Argon2id cost (`None`: the production default). Its `Debug` never shows
/// the passphrase. [`WalletOptions::new`] adds the vault's platform protector.
#[derive(Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct CreateOptions {
    /// 12, 15, 18, 21 or 24 words (default 12).
    #[cfg_attr(feature = "uniffi", uniffi(default = 12))]
    #[cfg_attr(feature = "wasm", serde(default = "twelve"), tsify(optional))]
    pub words: u8,
    /// Wordlist of a new mnemonic (default English).
    #[cfg_attr(feature = "uniffi", uniffi(default = "en"))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub language: Language,
    /// Optional BIP39 passphrase ("25th word").
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub passphrase: Option<String>,
    /// Argon2id parameters; `None`: the production default (see `calibrate`).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub kdf: Option<KdfParams>,
}

#[cfg(feature = "wasm")]
fn twelve() -> u8 {
    12
}

impl std::fmt::Debug for CreateOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateOptions")
            .field("words", &self.words)
            .field("language", &self.language)
            .field("passphrase", &self.passphrase.as_ref().map(|_| "(set)"))
            .field("kdf", &self.kdf)
            .finish()
    }
}

/// How to create a wallet (the Rust form of [`CreateOptions`], with every vault setting). Its
/// `Debug` never shows the passphrase.
#[derive(Clone)]
pub struct WalletOptions {
    /// Vault settings (KDF, PIN policy, key protector).
    pub vault: VaultOptions,
    /// Mnemonic length for a new wallet: 12, 15, 18, 21 or 24.
    pub words: usize,
    /// Wordlist of a new mnemonic.
    pub language: Language,
    /// Optional BIP39 passphrase ("25th word").
    pub passphrase: Zeroizing<String>,
}

impl Default for WalletOptions {
    fn default() -> Self {
        WalletOptions {
            vault: VaultOptions::default(),
            words: 12,
            language: Language::English,
            passphrase: Zeroizing::new(String::new()),
        }
    }
}

impl std::fmt::Debug for WalletOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalletOptions")
            .field("vault", &self.vault)
            .field("words", &self.words)
            .field("language", &self.language)
            .field(
                "passphrase",
                &if self.passphrase.is_empty() {
                    "(none)"
                } else {
                    "(set)"
                },
            )
            .finish()
    }
}

impl WalletOptions {
    /// The options an app chose, with the platform key protector (if any) for the vault. The
    /// passphrase is moved into zeroizing memory and wiped from `options`.
    pub fn new(
        mut options: CreateOptions,
        protector: Option<Arc<dyn crate::vault::KeyProtector>>,
    ) -> WalletOptions {
        let passphrase = Zeroizing::new(options.passphrase.take().unwrap_or_default());
        WalletOptions {
            vault: VaultOptions {
                kdf: options.kdf.unwrap_or_default(),
                protector,
                ..VaultOptions::default()
            },
            words: if options.words == 0 {
                12
            } else {
                usize::from(options.words)
            },
            language: options.language,
            passphrase,
        }
    }

    /// Weak Argon2id parameters: for tests and the labelled demo only.
    pub fn fast_for_tests() -> WalletOptions {
        WalletOptions {
            vault: VaultOptions::fast_for_tests(),
            ..WalletOptions::default()
        }
    }
}

/// A signing account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct Account {
    /// Its address.
    pub address: Address,
    /// Its public key.
    pub public_key: PublicKey,
    /// Derivation path, or `None` for an imported key.
    pub path: Option<DerivationPath>,
}

/// An identity (DID) key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct Identity {
    /// `did:key:zQ3s…`.
    pub did: String,
    /// Its public key.
    pub public_key: PublicKey,
    /// Derivation path.
    pub path: DerivationPath,
}

/// An EIP-712 signature with the digest it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct TypedSignature {
    /// `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
    pub digest: crate::bind::Bytes32,
    /// 65-byte `r‖s‖v`.
    pub signature: Signature,
}

#[derive(Serialize, Deserialize)]
struct SeedRecord {
    entropy: String,
    language: String,
    passphrase: String,
}

impl Drop for SeedRecord {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.entropy);
        zeroize::Zeroize::zeroize(&mut self.passphrase);
    }
}

#[derive(Serialize, Deserialize)]
struct AccountsRecord {
    count: u32,
}

struct Secrets {
    root: ExtendedPrivateKey,
    cache: Mutex<HashMap<Address, PrivateKey>>,
    /// The P-256 holder key (SLIP-0010, `m/44'/60'/1'/0'/0'`) for SD-JWT key binding.
    #[cfg(feature = "credentials")]
    holder_p256: Zeroizing<[u8; 32]>,
}

/// A wallet. `Send + Sync`; share it in an `Arc`.
///
/// ```
/// use std::sync::Arc;
/// use jigap_core::{env::Env, store::MemoryStore, wallet::{Wallet, WalletOptions}};
/// let store = Arc::new(MemoryStore::new());
/// let (w, mnemonic) = Wallet::create(store.clone(), Env::system(), b"123456", WalletOptions::fast_for_tests()).unwrap();
/// let me = w.account(0).unwrap().address;
/// let td = r#"{"types":{"Hi":[{"name":"a","type":"uint256"}]},"primaryType":"Hi","domain":{"name":"x","chainId":1},"message":{"a":1}}"#;
/// let s = w.sign_typed_data(&me, td).unwrap();
/// assert_eq!(s.signature.recover_address(&s.digest.0).unwrap(), me);
/// w.lock();
/// let w = Wallet::open(store, Env::system(), WalletOptions::fast_for_tests().vault.clone()).unwrap();
/// w.unlock(b"123456").unwrap();
/// assert_eq!(w.export_mnemonic(b"123456").unwrap().phrase(), mnemonic.phrase());
/// ```
pub struct Wallet {
    vault: Vault,
    secrets: RwLock<Option<Arc<Secrets>>>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("unlocked", &self.is_unlocked())
            .finish_non_exhaustive()
    }
}

impl Wallet {
    /// Create a wallet with a new mnemonic. Returns the mnemonic once, to show to the user.
    pub fn create(
        store: Arc<dyn Store>,
        env: Env,
        pin: &[u8],
        options: WalletOptions,
    ) -> Result<(Wallet, Mnemonic), WalletError> {
        let m = Mnemonic::generate(&env, options.words, options.language)?;
        let w = Wallet::restore(
            store,
            env,
            pin,
            &m,
            &options.passphrase,
            options.vault.clone(),
        )?;
        Ok((w, m))
    }

    /// Create a wallet from an existing mnemonic (restore of keys alone).
    pub fn restore(
        store: Arc<dyn Store>,
        env: Env,
        pin: &[u8],
        mnemonic: &Mnemonic,
        passphrase: &str,
        options: VaultOptions,
    ) -> Result<Wallet, WalletError> {
        let vault = Vault::create(store, env, pin, options)?;
        let seed = SeedRecord {
            entropy: hex::encode(&*mnemonic.entropy()),
            language: mnemonic.language().code().to_string(),
            passphrase: passphrase.to_string(),
        };
        let seed_json = Zeroizing::new(
            serde_json::to_vec(&seed).map_err(|e| WalletError::Corrupt(e.to_string()))?,
        );
        let mut b = RecordBatch::new();
        b.put(NS_KEYS, ID_SEED, seed_json.to_vec());
        b.put(
            NS_KEYS,
            ID_ACCOUNTS,
            serde_json::to_vec(&AccountsRecord { count: 1 }).unwrap_or_default(),
        );
        vault.commit(b)?;
        let w = Wallet {
            vault,
            secrets: RwLock::new(None),
        };
        w.load_secrets()?;
        Ok(w)
    }

    /// Open an existing wallet, locked.
    pub fn open(
        store: Arc<dyn Store>,
        env: Env,
        options: VaultOptions,
    ) -> Result<Wallet, WalletError> {
        Ok(Wallet {
            vault: Vault::open(store, env, options)?,
            secrets: RwLock::new(None),
        })
    }

    /// Restore a backup file into an empty store; the wallet comes back unlocked. `secret` is
    /// the backup code or passphrase (the PIN, for an old-format backup, which the returned
    /// [`BackupInfo`] then reports as weak); `pin` is the PIN on this device.
    pub fn restore_backup(
        store: Arc<dyn Store>,
        env: Env,
        backup: &[u8],
        secret: &[u8],
        pin: &[u8],
        options: VaultOptions,
    ) -> Result<(Wallet, BackupInfo), WalletError> {
        let (vault, info) = Vault::restore(store, env, backup, secret, pin, options)?;
        let w = Wallet {
            vault,
            secrets: RwLock::new(None),
        };
        w.load_secrets()?;
        Ok((w, info))
    }

    /// Unlock with the PIN.
    pub fn unlock(&self, pin: &[u8]) -> Result<(), WalletError> {
        self.vault.unlock(pin)?;
        self.load_secrets()
    }

    fn load_secrets(&self) -> Result<(), WalletError> {
        let raw = self
            .vault
            .get(NS_KEYS, ID_SEED)?
            .ok_or_else(|| WalletError::Corrupt("the seed record is missing".into()))?;
        let rec: SeedRecord = serde_json::from_slice(&raw)
            .map_err(|_| WalletError::Corrupt("the seed record is unreadable".into()))?;
        let entropy = Zeroizing::new(
            hex::decode(&rec.entropy).map_err(|_| WalletError::Corrupt("seed entropy".into()))?,
        );
        let m = Mnemonic::from_entropy(&entropy, Language::parse(&rec.language)?)?;
        let seed = m.to_seed(&rec.passphrase)?;
        let root = ExtendedPrivateKey::from_seed(&*seed)?;
        if let Ok(mut s) = self.secrets.write() {
            *s = Some(Arc::new(Secrets {
                root,
                cache: Mutex::new(HashMap::new()),
                #[cfg(feature = "credentials")]
                holder_p256: crate::credential::holder_p256_from_seed(&*seed),
            }));
        }
        Ok(())
    }

    fn secrets(&self) -> Result<Arc<Secrets>, WalletError> {
        self.secrets
            .read()
            .ok()
            .and_then(|s| s.clone())
            .ok_or(WalletError::Vault(VaultError::Locked))
    }

    /// Drop every key from memory.
    pub fn lock(&self) {
        if let Ok(mut s) = self.secrets.write() {
            *s = None;
        }
        self.vault.lock();
    }

    /// Whether the wallet is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.vault.is_unlocked()
    }

    /// Change the PIN (re-wraps the data key only).
    pub fn change_pin(&self, old_pin: &[u8], new_pin: &[u8]) -> Result<(), WalletError> {
        Ok(self.vault.change_pin(old_pin, new_pin)?)
    }

    /// Wrong PINs left before lockout.
    pub fn attempts_left(&self) -> Result<u32, WalletError> {
        Ok(self.vault.attempts_left()?)
    }

    /// The recovery phrase. Requires the PIN (a wrong one counts as an attempt) and an
    /// unlocked wallet.
    pub fn export_mnemonic(&self, pin: &[u8]) -> Result<Mnemonic, WalletError> {
        self.secrets()?;
        self.vault.verify_pin(pin)?;
        let raw = self
            .vault
            .get(NS_KEYS, ID_SEED)?
            .ok_or_else(|| WalletError::Corrupt("the seed record is missing".into()))?;
        let rec: SeedRecord = serde_json::from_slice(&raw)
            .map_err(|_| WalletError::Corrupt("the seed record is unreadable".into()))?;
        let entropy = Zeroizing::new(
            hex::decode(&rec.entropy).map_err(|_| WalletError::Corrupt("seed entropy".into()))?,
        );
        Ok(Mnemonic::from_entropy(
            &entropy,
            Language::parse(&rec.language)?,
        )?)
    }

    /// An encrypted backup of the whole wallet (PIN required), protected by a new backup code
    /// (returned once, to show) or a strong passphrase — never by the PIN alone.
    pub fn backup(&self, pin: &[u8], secret: BackupSecret<'_>) -> Result<Backup, WalletError> {
        Ok(self.vault.backup(pin, secret)?)
    }

    /// Change the PIN and replace the data key, re-encrypting every record (see
    /// [`Vault::rekey`]). For when the old PIN or an old copy of the storage may be known.
    pub fn rekey(&self, old_pin: &[u8], new_pin: &[u8]) -> Result<(), WalletError> {
        Ok(self.vault.rekey(old_pin, new_pin)?)
    }

    /// The vault underneath (for the wallet's feature modules).
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The environment (clock and randomness).
    pub fn env(&self) -> &Env {
        self.vault.env()
    }

    fn derive(&self, path: &DerivationPath) -> Result<PrivateKey, WalletError> {
        let s = self.secrets()?;
        Ok(s.root.derive_key(path)?)
    }

    fn account_count(&self) -> Result<u32, WalletError> {
        // Written at creation: its absence means the storage lost data, not "one account".
        let raw = self
            .vault
            .get(NS_KEYS, ID_ACCOUNTS)?
            .ok_or_else(|| WalletError::Corrupt("the accounts record is missing".into()))?;
        serde_json::from_slice::<AccountsRecord>(&raw)
            .map(|r| r.count)
            .map_err(|_| WalletError::Corrupt("the accounts record is unreadable".into()))
    }

    /// EVM account `index` (`m/44'/60'/0'/0/index`), whether or not it was added to the list.
    pub fn account(&self, index: u32) -> Result<Account, WalletError> {
        let path = evm_account_path(index);
        let key = self.derive(&path)?;
        let account = Account {
            address: key.address(),
            public_key: key.public_key(),
            path: Some(path),
        };
        if let Ok(mut c) = self.secrets()?.cache.lock() {
            c.insert(account.address, key);
        }
        Ok(account)
    }

    /// Every account: the derived ones in order, then imported ones.
    pub fn accounts(&self) -> Result<Vec<Account>, WalletError> {
        let mut out = Vec::new();
        for i in 0..self.account_count()? {
            out.push(self.account(i)?);
        }
        for (_, raw) in self.vault.list(NS_IMPORTED)? {
            let k = PrivateKey::from_slice(&raw)?;
            out.push(Account {
                address: k.address(),
                public_key: k.public_key(),
                path: None,
            });
        }
        Ok(out)
    }

    /// Add the next derived account.
    pub fn add_account(&self) -> Result<Account, WalletError> {
        // Read-modify-write of the count: two objects on this vault must not both add "n".
        let lock = self.vault.feature_lock("keys");
        let _g = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = self.account_count()?;
        let acc = self.account(n)?;
        self.vault.put(
            NS_KEYS,
            ID_ACCOUNTS,
            &serde_json::to_vec(&AccountsRecord { count: n + 1 }).unwrap_or_default(),
        )?;
        Ok(acc)
    }

    /// Identity key `index` (`m/44'/60'/1'/0/index`) and its `did:key`.
    pub fn identity(&self, index: u32) -> Result<Identity, WalletError> {
        let path = identity_path(index);
        let key = self.derive(&path)?;
        Ok(Identity {
            did: did_key_from_secp256k1(&key.public_key()),
            public_key: key.public_key(),
            path,
        })
    }

    /// The private identity key `index`, for signing inside the core (credential key binding
    /// and presentations). Never leaves the core.
    /// The private P-256 holder key (SLIP-0010 `m/44'/60'/1'/0'/0'`), for SD-JWT key binding
    /// inside the core. Never leaves it.
    #[cfg(feature = "credentials")]
    pub(crate) fn holder_p256_key(&self) -> Result<Zeroizing<[u8; 32]>, WalletError> {
        Ok(self.secrets()?.holder_p256.clone())
    }

    #[cfg(feature = "credentials")]
    pub(crate) fn identity_key(&self, index: u32) -> Result<PrivateKey, WalletError> {
        self.derive(&identity_path(index))
    }

    /// The private key behind `address`, for signing inside the core. Never leaves it.
    pub(crate) fn signing_key(&self, address: &Address) -> Result<PrivateKey, WalletError> {
        let s = self.secrets()?;
        if let Some(k) = s.cache.lock().ok().and_then(|c| c.get(address).cloned()) {
            return Ok(k);
        }
        for i in 0..self.account_count()? {
            // `account` puts the derived key in the cache.
            if self.account(i)?.address == *address
                && let Some(k) = s.cache.lock().ok().and_then(|c| c.get(address).cloned())
            {
                return Ok(k);
            }
        }
        if let Some(raw) = self.vault.get(NS_IMPORTED, &address.to_checksum())? {
            let k = PrivateKey::from_slice(&raw)?;
            if let Ok(mut c) = s.cache.lock() {
                c.insert(*address, k.clone());
            }
            return Ok(k);
        }
        Err(WalletError::UnknownAccount(*address))
    }

    /// Whether `address` is one of this wallet's accounts.
    pub fn owns(&self, address: &Address) -> Result<bool, WalletError> {
        match self.signing_key(address) {
            Ok(_) => Ok(true),
            Err(WalletError::UnknownAccount(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Sign a 32-byte digest as `address`.
    pub fn sign_digest(
        &self,
        address: &Address,
        digest: &[u8; 32],
    ) -> Result<Signature, WalletError> {
        Ok(self.signing_key(address)?.sign_digest(digest)?)
    }

    /// Sign an EIP-191 personal message (`personal_sign`).
    pub fn sign_message(
        &self,
        address: &Address,
        message: &[u8],
    ) -> Result<Signature, WalletError> {
        Ok(self.signing_key(address)?.sign_personal_message(message)?)
    }

    /// Sign EIP-712 typed data given as `eth_signTypedData_v4` JSON.
    pub fn sign_typed_data(
        &self,
        address: &Address,
        json: &str,
    ) -> Result<TypedSignature, WalletError> {
        let digest = TypedData::from_json(json)?.digest()?;
        let signature = self.sign_digest(address, &digest)?;
        Ok(TypedSignature {
            digest: digest.into(),
            signature,
        })
    }

    /// Import a Web3 keystore as an extra account.
    pub fn import_keystore(&self, json: &str, password: &[u8]) -> Result<Account, WalletError> {
        self.secrets()?;
        let key = import_keystore(json, password)?;
        let address = key.address();
        self.vault
            .put(NS_IMPORTED, &address.to_checksum(), &*key.to_bytes())?;
        Ok(Account {
            address,
            public_key: key.public_key(),
            path: None,
        })
    }

    /// Export an account as a Web3 keystore encrypted with `password`.
    pub fn export_keystore(
        &self,
        address: &Address,
        password: &[u8],
        kdf: KeystoreKdf,
    ) -> Result<String, WalletError> {
        let key = self.signing_key(address)?;
        Ok(export_keystore(self.env(), &key, password, kdf)?)
    }
}

/// A wallet account as a [`crate::keys::DigestSigner`]: signs inside the wallet.
pub struct AccountSigner<'a> {
    wallet: &'a Wallet,
    address: Address,
}

impl Wallet {
    /// A signer for one of this wallet's accounts (checked now, so later signing only fails if
    /// the wallet gets locked).
    pub fn signer(&self, address: &Address) -> Result<AccountSigner<'_>, WalletError> {
        self.signing_key(address)?;
        Ok(AccountSigner {
            wallet: self,
            address: *address,
        })
    }
}

impl crate::keys::DigestSigner for AccountSigner<'_> {
    fn address(&self) -> Address {
        self.address
    }
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature, KeysError> {
        let key = self
            .wallet
            .signing_key(&self.address)
            .map_err(|_| KeysError::Signing)?;
        key.sign_digest(digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::recover_personal_message;
    use crate::store::MemoryStore;

    const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    fn restored() -> (Arc<MemoryStore>, Wallet) {
        let store = Arc::new(MemoryStore::new());
        let m = Mnemonic::parse(ABANDON, None).unwrap();
        let w = Wallet::restore(
            store.clone(),
            Env::system(),
            b"123456",
            &m,
            "",
            VaultOptions::fast_for_tests(),
        )
        .unwrap();
        (store, w)
    }

    #[test]
    fn known_addresses_and_did() {
        let (_, w) = restored();
        assert_eq!(
            w.account(0).unwrap().address.to_string(),
            "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
        );
        assert_eq!(
            w.account(1).unwrap().address.to_string(),
            "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0"
        );
        let id = w.identity(0).unwrap();
        assert!(id.did.starts_with("did:key:zQ3s"));
        assert_eq!(id.path.to_string(), "m/44'/60'/1'/0/0");
    }

    #[test]
    fn accounts_sign_and_survive_reopen() {
        let (store, w) = restored();
        let a1 = w.add_account().unwrap();
        assert_eq!(w.accounts().unwrap().len(), 2);
        let sig = w.sign_message(&a1.address, b"hi").unwrap();
        assert_eq!(recover_personal_message(b"hi", &sig).unwrap(), a1.address);
        w.lock();
        assert!(matches!(
            w.sign_message(&a1.address, b"hi"),
            Err(WalletError::Vault(VaultError::Locked))
        ));
        let w2 = Wallet::open(store, Env::system(), VaultOptions::fast_for_tests()).unwrap();
        w2.unlock(b"123456").unwrap();
        assert_eq!(w2.accounts().unwrap().len(), 2);
        let stranger: Address = "0x0000000000000000000000000000000000000001"
            .parse()
            .unwrap();
        assert!(matches!(
            w2.sign_message(&stranger, b"x"),
            Err(WalletError::UnknownAccount(_))
        ));
    }

    #[test]
    fn keystore_import_and_export() {
        let (_, w) = restored();
        let k = PrivateKey::from_slice(&[0x42; 32]).unwrap();
        let json =
            export_keystore(&Env::system(), &k, b"pw", KeystoreKdf::Pbkdf2 { c: 1000 }).unwrap();
        let acc = w.import_keystore(&json, b"pw").unwrap();
        assert_eq!(acc.address, k.address());
        assert!(w.owns(&k.address()).unwrap());
        assert_eq!(w.accounts().unwrap().len(), 2);
        let again = w
            .export_keystore(&acc.address, b"pw2", KeystoreKdf::SCRYPT_LIGHT)
            .unwrap();
        assert_eq!(
            import_keystore(&again, b"pw2").unwrap().address(),
            k.address()
        );
        let own = w.account(0).unwrap().address;
        let mine = w
            .export_keystore(&own, b"pw3", KeystoreKdf::Pbkdf2 { c: 1000 })
            .unwrap();
        assert_eq!(import_keystore(&mine, b"pw3").unwrap().address(), own);
    }

    #[test]
    fn passphrase_changes_accounts_and_backup_restores_them() {
        let store = Arc::new(MemoryStore::new());
        let m = Mnemonic::parse(ABANDON, None).unwrap();
        let w = Wallet::restore(
            store,
            Env::system(),
            b"123456",
            &m,
            "TREZOR",
            VaultOptions::fast_for_tests(),
        )
        .unwrap();
        let a = w.account(0).unwrap().address;
        assert_ne!(a.to_string(), "0x9858EfFD232B4033E47d90003D41EC34EcaEda94");
        let file = w.backup(b"123456", BackupSecret::NewCode).unwrap();
        let code = file.code.unwrap();
        let (w2, info) = Wallet::restore_backup(
            Arc::new(MemoryStore::new()),
            Env::system(),
            &file.bytes,
            code.grouped().as_bytes(),
            b"654321",
            VaultOptions::fast_for_tests(),
        )
        .unwrap();
        assert!(!info.weak);
        assert_eq!(w2.account(0).unwrap().address, a);
    }

    #[test]
    fn export_mnemonic_needs_the_pin() {
        let (_, w) = restored();
        assert!(matches!(
            w.export_mnemonic(b"000000"),
            Err(WalletError::Vault(VaultError::WrongPin {
                attempts_left: 9,
                ..
            }))
        ));
        assert_eq!(&*w.export_mnemonic(b"123456").unwrap().phrase(), ABANDON);
        let dbg = format!("{w:?}");
        assert!(!dbg.contains("abandon"));
    }
}
