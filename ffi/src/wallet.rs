use std::sync::Arc;

use jigap_core::bind::Bytes32;
use jigap_core::env::Env;
use jigap_core::keys::{Address, KeystoreKdf, Mnemonic, Signature};
use jigap_core::vault::{BackupInfo, BackupSecret, KdfParams, Vault, VaultOptions, WalletBackup};
use jigap_core::wallet::{self as core, Account, CreateOptions, Identity, TypedSignature};
use zeroize::Zeroizing;

use crate::error::JigapError;
use crate::store::{JigapStore, KeyProtector, protector};

/// What a backup file needs (code, passphrase or, for an old file, the PIN) and whether it
/// is weak.
#[uniffi::export]
pub fn inspect_backup(backup: Vec<u8>) -> Result<BackupInfo, JigapError> {
    Ok(Vault::inspect_backup(&backup)?)
}

fn vault_options(kdf: Option<KdfParams>, p: Option<Arc<dyn KeyProtector>>) -> VaultOptions {
    core::WalletOptions::new(
        CreateOptions {
            kdf,
            ..CreateOptions::default()
        },
        protector(p),
    )
    .vault
}

/// A wallet: keys in an encrypted vault. Thread-safe; call it from any thread.
#[derive(uniffi::Object)]
pub struct Wallet {
    pub(crate) inner: Arc<core::Wallet>,
}

fn wrap(inner: core::Wallet) -> Arc<Wallet> {
    Arc::new(Wallet {
        inner: Arc::new(inner),
    })
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
        let options = core::WalletOptions::new(options, crate::store::protector(protector));
        let (inner, _) =
            core::Wallet::create(store.inner.clone(), Env::system(), pin.as_bytes(), options)?;
        Ok(wrap(inner))
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
        let (store, env) = (store.inner.clone(), Env::system());
        let vault = vault_options(kdf, protector);
        Ok(wrap(core::Wallet::restore(
            store,
            env,
            pin.as_bytes(),
            &m,
            &passphrase,
            vault,
        )?))
    }

    /// Open the wallet in `store`, locked. `kdf` is what re-wraps weaker stored parameters on
    /// unlock (`null`: the production default).
    #[uniffi::constructor(default(kdf = None, protector = None))]
    pub fn open(
        store: Arc<JigapStore>,
        kdf: Option<KdfParams>,
        protector: Option<Arc<dyn KeyProtector>>,
    ) -> Result<Arc<Wallet>, JigapError> {
        let vault = vault_options(kdf, protector);
        Ok(wrap(core::Wallet::open(
            store.inner.clone(),
            Env::system(),
            vault,
        )?))
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
        let (store, env) = (store.inner.clone(), Env::system());
        let vault = vault_options(kdf, protector);
        let (inner, _) = core::Wallet::restore_backup(
            store,
            env,
            &backup,
            secret.as_bytes(),
            pin.as_bytes(),
            vault,
        )?;
        Ok(wrap(inner))
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

    /// Change the PIN and replace the data key, re-encrypting every record (slower than
    /// `changePin`; for when the old PIN or an old copy of the storage may be known).
    pub fn rekey(&self, old_pin: String, new_pin: String) -> Result<(), JigapError> {
        let (o, n) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        Ok(self.inner.rekey(o.as_bytes(), n.as_bytes())?)
    }

    /// The recovery phrase, PIN required (a wrong PIN counts as an attempt).
    pub fn export_mnemonic(&self, pin: String) -> Result<String, JigapError> {
        let pin = Zeroizing::new(pin);
        let m = self.inner.export_mnemonic(pin.as_bytes())?;
        Ok(m.phrase().to_string())
    }

    /// An encrypted backup of the whole wallet, PIN required, under a new backup code (in the
    /// result, to show the user once) or under `passphrase` when given (refused if guessable).
    #[uniffi::method(default(passphrase = None))]
    pub fn backup(
        &self,
        pin: String,
        passphrase: Option<String>,
    ) -> Result<WalletBackup, JigapError> {
        let (pin, passphrase) = (Zeroizing::new(pin), passphrase.map(Zeroizing::new));
        let secret = match &passphrase {
            Some(p) => BackupSecret::Passphrase(p),
            None => BackupSecret::NewCode,
        };
        Ok(self.inner.backup(pin.as_bytes(), secret)?.into())
    }

    /// Argon2id parameters protecting the data key now.
    pub fn kdf_params(&self) -> KdfParams {
        self.inner.vault().kdf_params()
    }

    /// Every account.
    pub fn accounts(&self) -> Result<Vec<Account>, JigapError> {
        Ok(self.inner.accounts()?)
    }

    /// EVM account `index` (m/44'/60'/0'/0/index).
    pub fn account(&self, index: u32) -> Result<Account, JigapError> {
        Ok(self.inner.account(index)?)
    }

    /// Add the next derived account.
    pub fn add_account(&self) -> Result<Account, JigapError> {
        Ok(self.inner.add_account()?)
    }

    /// Identity key `index` (m/44'/60'/1'/0/index) and its did:key.
    pub fn identity(&self, index: u32) -> Result<Identity, JigapError> {
        Ok(self.inner.identity(index)?)
    }

    /// EIP-191 `personal_sign` of `message`.
    pub fn sign_message(
        &self,
        address: Address,
        message: Vec<u8>,
    ) -> Result<Signature, JigapError> {
        Ok(self.inner.sign_message(&address, &message)?)
    }

    /// Sign EIP-712 typed data (`eth_signTypedData_v4` JSON).
    pub fn sign_typed_data(
        &self,
        address: Address,
        typed_data_json: String,
    ) -> Result<TypedSignature, JigapError> {
        Ok(self.inner.sign_typed_data(&address, &typed_data_json)?)
    }

    /// Sign a raw 32-byte digest.
    pub fn sign_digest(&self, address: Address, digest: Bytes32) -> Result<Signature, JigapError> {
        Ok(self.inner.sign_digest(&address, &digest.0)?)
    }

    /// Import a Web3 keystore as an extra account.
    pub fn import_keystore(
        &self,
        keystore_json: String,
        password: String,
    ) -> Result<Account, JigapError> {
        let pw = Zeroizing::new(password);
        Ok(self.inner.import_keystore(&keystore_json, pw.as_bytes())?)
    }

    /// Export an account as a Web3 keystore (`kdf`: "scrypt" (default), "pbkdf2" or "scrypt-light").
    #[uniffi::method(default(kdf = None))]
    pub fn export_keystore(
        &self,
        address: Address,
        password: String,
        kdf: Option<String>,
    ) -> Result<String, JigapError> {
        let (pw, kdf) = (
            Zeroizing::new(password),
            KeystoreKdf::named(kdf.as_deref())?,
        );
        Ok(self.inner.export_keystore(&address, pw.as_bytes(), kdf)?)
    }
}
