use std::sync::Arc;

use jigap_core::env::Env;
use jigap_core::keys::{Address, KeystoreKdf, Language, Mnemonic};
use jigap_core::vault::{self as core_vault, VaultOptions};
use jigap_core::wallet::{self as core_wallet};
use zeroize::Zeroizing;

use crate::error::JigapError;
use crate::keys::{hex0x, parse_address, parse_digest};
use crate::store::{ForeignProtector, JigapStore, KeyProtector};

/// Argon2id parameters of the PIN key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl From<core_vault::KdfParams> for KdfParams {
    fn from(k: core_vault::KdfParams) -> Self {
        KdfParams {
            m_kib: k.m_kib,
            t: k.t,
            p: k.p,
        }
    }
}

impl From<KdfParams> for core_vault::KdfParams {
    fn from(k: KdfParams) -> Self {
        core_vault::KdfParams {
            m_kib: k.m_kib,
            t: k.t,
            p: k.p,
        }
    }
}

/// How to create a wallet.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CreateOptions {
    /// 12, 15, 18, 21 or 24 words.
    #[uniffi(default = 12)]
    pub words: u8,
    /// Wordlist code: en, ko, ja, es, zh-hans, zh-hant, fr, it, cs, pt.
    #[uniffi(default = "en")]
    pub language: String,
    /// Optional BIP39 passphrase.
    #[uniffi(default = None)]
    pub passphrase: Option<String>,
    /// Argon2id parameters; `null` = the production default (see `calibrateKdf`).
    #[uniffi(default = None)]
    pub kdf: Option<KdfParams>,
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Account {
    /// EIP-55 address.
    pub address: String,
    /// Compressed public key, `0x` hex.
    pub public_key: String,
    /// BIP32 path, or `null` for an imported key.
    pub path: Option<String>,
}

impl From<core_wallet::Account> for Account {
    fn from(a: core_wallet::Account) -> Self {
        Account {
            address: a.address.to_string(),
            public_key: hex0x(&a.public_key.to_compressed()),
            path: a.path.map(|p| p.to_string()),
        }
    }
}

/// An identity key and its DID.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Identity {
    /// `did:key:zQ3s…`.
    pub did: String,
    /// Compressed public key, `0x` hex.
    pub public_key: String,
    /// BIP32 path.
    pub path: String,
}

/// An EIP-712 signature with the digest it covers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TypedSignature {
    /// `0x` hex of the 32-byte digest.
    pub digest: String,
    /// `0x` hex of the 65-byte `r‖s‖v`.
    pub signature: String,
}

/// A backup file and the code that opens it.
#[derive(Clone, uniffi::Record)]
pub struct WalletBackup {
    /// The encrypted file.
    pub bytes: Vec<u8>,
    /// The backup code (8 groups of 4 digits): show it once, never store it with the file.
    /// `null` when a passphrase protects the backup.
    pub code: Option<String>,
}

/// What a backup file needs to be restored, read without any secret.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BackupInfo {
    /// 2, or 1 for an old PIN-only backup.
    pub format: u32,
    /// `code`, `passphrase` or `pin`.
    pub protection: String,
    /// Records in it.
    pub records: u64,
    /// When it was made (Unix ms).
    pub created_at_ms: u64,
    /// An old backup anyone with the file can open by trying PINs: make a new one.
    pub weak: bool,
}

/// What a backup file needs (code, passphrase or, for an old file, the PIN) and whether it
/// is weak.
#[uniffi::export]
pub fn inspect_backup(backup: Vec<u8>) -> Result<BackupInfo, JigapError> {
    let i = core_vault::Vault::inspect_backup(&backup)?;
    Ok(BackupInfo {
        format: i.format,
        protection: i.protection.code().into(),
        records: i.records,
        created_at_ms: i.created_at_ms,
        weak: i.weak,
    })
}

pub(crate) fn vault_options(
    kdf: Option<KdfParams>,
    protector: Option<Arc<dyn KeyProtector>>,
) -> VaultOptions {
    VaultOptions {
        kdf: kdf.map(Into::into).unwrap_or_default(),
        protector: protector
            .map(|p| Arc::new(ForeignProtector(p)) as Arc<dyn core_vault::KeyProtector>),
        ..VaultOptions::default()
    }
}

/// A wallet: keys in an encrypted vault. Thread-safe; call it from any thread.
#[derive(uniffi::Object)]
pub struct Wallet {
    pub(crate) inner: Arc<core_wallet::Wallet>,
}

impl Wallet {
    pub(crate) fn address(&self, s: &str) -> Result<Address, JigapError> {
        parse_address(s)
    }
}

#[uniffi::export]
impl Wallet {
    /// Create a wallet with a new mnemonic. Show the phrase to the user with
    /// `exportMnemonic(pin)` (the only way a mnemonic leaves the core).
    #[uniffi::constructor(default(protector = None))]
    pub fn create(
        store: Arc<JigapStore>,
        pin: String,
        options: CreateOptions,
        protector: Option<Arc<dyn KeyProtector>>,
    ) -> Result<Arc<Wallet>, JigapError> {
        let pin = Zeroizing::new(pin);
        let co = core_wallet::CreateOptions {
            vault: vault_options(options.kdf, protector),
            words: usize::from(options.words),
            language: Language::parse(&options.language)?,
            passphrase: Zeroizing::new(options.passphrase.unwrap_or_default()),
        };
        let (inner, _mnemonic) =
            core_wallet::Wallet::create(store.inner.clone(), Env::system(), pin.as_bytes(), co)?;
        Ok(Arc::new(Wallet {
            inner: Arc::new(inner),
        }))
    }

    /// Create a wallet from an existing mnemonic (NFC or NFKD, any wordlist).
    #[uniffi::constructor(default(passphrase = None, kdf = None, protector = None))]
    pub fn restore(
        store: Arc<JigapStore>,
        pin: String,
        mnemonic: String,
        passphrase: Option<String>,
        kdf: Option<KdfParams>,
        protector: Option<Arc<dyn KeyProtector>>,
    ) -> Result<Arc<Wallet>, JigapError> {
        let (pin, mnemonic) = (Zeroizing::new(pin), Zeroizing::new(mnemonic));
        let passphrase = Zeroizing::new(passphrase.unwrap_or_default());
        let m = Mnemonic::parse(&mnemonic, None)?;
        let inner = core_wallet::Wallet::restore(
            store.inner.clone(),
            Env::system(),
            pin.as_bytes(),
            &m,
            &passphrase,
            vault_options(kdf, protector),
        )?;
        Ok(Arc::new(Wallet {
            inner: Arc::new(inner),
        }))
    }

    /// Open the wallet in `store`, locked. `kdf` is what re-wraps weaker stored parameters on
    /// unlock (`null`: the production default).
    #[uniffi::constructor(default(kdf = None, protector = None))]
    pub fn open(
        store: Arc<JigapStore>,
        kdf: Option<KdfParams>,
        protector: Option<Arc<dyn KeyProtector>>,
    ) -> Result<Arc<Wallet>, JigapError> {
        let inner = core_wallet::Wallet::open(
            store.inner.clone(),
            Env::system(),
            vault_options(kdf, protector),
        )?;
        Ok(Arc::new(Wallet {
            inner: Arc::new(inner),
        }))
    }

    /// Restore an encrypted backup into an empty store; the wallet comes back unlocked.
    /// `secret`: the backup code (as typed) or passphrase — for an old-format backup, the PIN
    /// it was made with (`inspectBackup` says which); `pin`: the PIN on this device.
    #[uniffi::constructor(default(kdf = None, protector = None))]
    pub fn restore_backup(
        store: Arc<JigapStore>,
        backup: Vec<u8>,
        secret: String,
        pin: String,
        kdf: Option<KdfParams>,
        protector: Option<Arc<dyn KeyProtector>>,
    ) -> Result<Arc<Wallet>, JigapError> {
        let (secret, pin) = (Zeroizing::new(secret), Zeroizing::new(pin));
        let (inner, _) = core_wallet::Wallet::restore_backup(
            store.inner.clone(),
            Env::system(),
            &backup,
            secret.as_bytes(),
            pin.as_bytes(),
            vault_options(kdf, protector),
        )?;
        Ok(Arc::new(Wallet {
            inner: Arc::new(inner),
        }))
    }

    /// Unlock with the PIN.
    pub fn unlock(&self, pin: String) -> Result<(), JigapError> {
        let pin = Zeroizing::new(pin);
        Ok(self.inner.unlock(pin.as_bytes())?)
    }

    /// Drop every key from memory.
    pub fn lock(&self) {
        self.inner.lock()
    }

    /// Whether the wallet is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.inner.is_unlocked()
    }

    /// Wrong PINs left before lockout.
    pub fn attempts_left(&self) -> Result<u32, JigapError> {
        Ok(self.inner.attempts_left()?)
    }

    /// Change the PIN (re-wraps the data key only).
    pub fn change_pin(&self, old_pin: String, new_pin: String) -> Result<(), JigapError> {
        let (o, n) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        Ok(self.inner.change_pin(o.as_bytes(), n.as_bytes())?)
    }

    /// The recovery phrase, PIN required (a wrong PIN counts as an attempt).
    pub fn export_mnemonic(&self, pin: String) -> Result<String, JigapError> {
        let pin = Zeroizing::new(pin);
        Ok(self
            .inner
            .export_mnemonic(pin.as_bytes())?
            .phrase()
            .to_string())
    }

    /// An encrypted backup of the whole wallet, PIN required, under a new backup code (in the
    /// result, to show the user once) or under `passphrase` when given (refused if guessable).
    #[uniffi::method(default(passphrase = None))]
    pub fn backup(
        &self,
        pin: String,
        passphrase: Option<String>,
    ) -> Result<WalletBackup, JigapError> {
        let pin = Zeroizing::new(pin);
        let passphrase = passphrase.map(Zeroizing::new);
        let secret = match &passphrase {
            Some(p) => core_vault::BackupSecret::Passphrase(p),
            None => core_vault::BackupSecret::NewCode,
        };
        let b = self.inner.backup(pin.as_bytes(), secret)?;
        Ok(WalletBackup {
            bytes: b.bytes,
            code: b.code.map(|c| c.grouped().to_string()),
        })
    }

    /// Change the PIN and replace the data key, re-encrypting every record (slower than
    /// `changePin`; for when the old PIN or an old copy of the storage may be known).
    pub fn rekey(&self, old_pin: String, new_pin: String) -> Result<(), JigapError> {
        let (o, n) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        Ok(self.inner.rekey(o.as_bytes(), n.as_bytes())?)
    }

    /// Argon2id parameters protecting the data key now.
    pub fn kdf_params(&self) -> KdfParams {
        self.inner.vault().kdf_params().into()
    }

    /// Every account.
    pub fn accounts(&self) -> Result<Vec<Account>, JigapError> {
        Ok(self.inner.accounts()?.into_iter().map(Into::into).collect())
    }

    /// EVM account `index` (m/44'/60'/0'/0/index).
    pub fn account(&self, index: u32) -> Result<Account, JigapError> {
        Ok(self.inner.account(index)?.into())
    }

    /// Add the next derived account.
    pub fn add_account(&self) -> Result<Account, JigapError> {
        Ok(self.inner.add_account()?.into())
    }

    /// Identity key `index` (m/44'/60'/1'/0/index) and its did:key.
    pub fn identity(&self, index: u32) -> Result<Identity, JigapError> {
        let id = self.inner.identity(index)?;
        Ok(Identity {
            did: id.did,
            public_key: hex0x(&id.public_key.to_compressed()),
            path: id.path.to_string(),
        })
    }

    /// EIP-191 `personal_sign` of `message`; returns the 65-byte signature as `0x` hex.
    pub fn sign_message(&self, address: String, message: Vec<u8>) -> Result<String, JigapError> {
        Ok(self
            .inner
            .sign_message(&self.address(&address)?, &message)?
            .to_string())
    }

    /// Sign EIP-712 typed data (`eth_signTypedData_v4` JSON).
    pub fn sign_typed_data(
        &self,
        address: String,
        typed_data_json: String,
    ) -> Result<TypedSignature, JigapError> {
        let s = self
            .inner
            .sign_typed_data(&self.address(&address)?, &typed_data_json)?;
        Ok(TypedSignature {
            digest: hex0x(&s.digest),
            signature: s.signature.to_string(),
        })
    }

    /// Sign a raw 32-byte digest (`0x` hex).
    pub fn sign_digest(&self, address: String, digest: String) -> Result<String, JigapError> {
        Ok(self
            .inner
            .sign_digest(&self.address(&address)?, &parse_digest(&digest)?)?
            .to_string())
    }

    /// Import a Web3 keystore as an extra account.
    pub fn import_keystore(
        &self,
        keystore_json: String,
        password: String,
    ) -> Result<Account, JigapError> {
        let pw = Zeroizing::new(password);
        Ok(self
            .inner
            .import_keystore(&keystore_json, pw.as_bytes())?
            .into())
    }

    /// Export an account as a Web3 keystore (`kdf`: "scrypt" (default), "pbkdf2" or "scrypt-light").
    #[uniffi::method(default(kdf = None))]
    pub fn export_keystore(
        &self,
        address: String,
        password: String,
        kdf: Option<String>,
    ) -> Result<String, JigapError> {
        let pw = Zeroizing::new(password);
        let kdf = match kdf.as_deref().unwrap_or("scrypt") {
            "scrypt" => KeystoreKdf::SCRYPT_STANDARD,
            "pbkdf2" => KeystoreKdf::PBKDF2_STANDARD,
            "scrypt-light" => KeystoreKdf::SCRYPT_LIGHT,
            other => {
                return Err(JigapError::InvalidInput(format!(
                    "unknown keystore kdf '{other}'; use scrypt, pbkdf2 or scrypt-light"
                )));
            }
        };
        Ok(self
            .inner
            .export_keystore(&self.address(&address)?, pw.as_bytes(), kdf)?)
    }
}
