//! The wallet, as seen from JavaScript. Wrapped by `Wallet` in the npm package.

use std::sync::Arc;

use jigap_core::bind::Bytes32;
use jigap_core::keys::{Address, KeystoreKdf, Mnemonic};
use jigap_core::vault::{BackupSecret, KdfParams, VaultOptions, WalletBackup};
use jigap_core::wallet::{CreateOptions, Wallet, WalletOptions};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert::{Js, JsResult, bytes_or_text, env, from_js, json_text, parse, to_js};
use crate::store::{JsProtector, JsStore};

fn store(s: JsValue) -> Arc<JsStore> {
    Arc::new(JsStore::new(s))
}

fn vault(kdf: JsValue, protector: JsValue) -> Result<VaultOptions, JsValue> {
    let kdf: Option<KdfParams> = from_js(kdf, "kdf")?;
    let options = CreateOptions {
        kdf,
        ..CreateOptions::default()
    };
    Ok(WalletOptions::new(options, JsProtector::of(protector)).vault)
}

/// A wallet held in a JS store.
#[wasm_bindgen]
pub struct WasmWallet {
    inner: Arc<Wallet>,
}

impl WasmWallet {
    /// The core wallet, for the feature modules' bindings.
    pub fn core(&self) -> &Arc<Wallet> {
        &self.inner
    }

    fn wrap(w: Wallet) -> WasmWallet {
        WasmWallet { inner: Arc::new(w) }
    }
}

#[wasm_bindgen]
impl WasmWallet {
    /// Create with a new mnemonic.
    pub fn create(
        #[wasm_bindgen(unchecked_param_type = "Store")] store_obj: JsValue,
        pin: String,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyProtector")] protector: JsValue,
    ) -> Result<WasmWallet, JsValue> {
        let pin = Zeroizing::new(pin);
        let options: Option<CreateOptions> = from_js(options, "options")?;
        let options = WalletOptions::new(options.unwrap_or_default(), JsProtector::of(protector));
        let (inner, _) = Wallet::create(store(store_obj), env(), pin.as_bytes(), options).js()?;
        Ok(WasmWallet::wrap(inner))
    }

    /// Create from an existing mnemonic.
    pub fn restore(
        #[wasm_bindgen(unchecked_param_type = "Store")] store_obj: JsValue,
        pin: String,
        mnemonic: String,
        passphrase: Option<String>,
        #[wasm_bindgen(unchecked_optional_param_type = "KdfParams")] kdf: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyProtector")] protector: JsValue,
    ) -> Result<WasmWallet, JsValue> {
        let (pin, mnemonic) = (Zeroizing::new(pin), Zeroizing::new(mnemonic));
        let passphrase = Zeroizing::new(passphrase.unwrap_or_default());
        let m = Mnemonic::parse(&mnemonic, None).js()?;
        let options = vault(kdf, protector)?;
        let inner = Wallet::restore(
            store(store_obj),
            env(),
            pin.as_bytes(),
            &m,
            &passphrase,
            options,
        );
        Ok(WasmWallet::wrap(inner.js()?))
    }

    /// Open, locked.
    pub fn open(
        #[wasm_bindgen(unchecked_param_type = "Store")] store_obj: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KdfParams")] kdf: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyProtector")] protector: JsValue,
    ) -> Result<WasmWallet, JsValue> {
        let inner = Wallet::open(store(store_obj), env(), vault(kdf, protector)?).js()?;
        Ok(WasmWallet::wrap(inner))
    }

    /// Restore a backup into an empty store (unlocked). `secret`: the backup code or
    /// passphrase (for an old-format backup, its PIN); `pin`: the PIN on this device.
    #[wasm_bindgen(js_name = restoreBackup)]
    pub fn restore_backup(
        #[wasm_bindgen(unchecked_param_type = "Store")] store_obj: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] backup: JsValue,
        secret: String,
        pin: String,
        #[wasm_bindgen(unchecked_optional_param_type = "KdfParams")] kdf: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyProtector")] protector: JsValue,
    ) -> Result<WasmWallet, JsValue> {
        let (secret, pin) = (Zeroizing::new(secret), Zeroizing::new(pin));
        let backup = crate::convert::bytes(&backup, "backup")?;
        let (s, options) = (store(store_obj), vault(kdf, protector)?);
        let (inner, _) = Wallet::restore_backup(
            s,
            env(),
            &backup,
            secret.as_bytes(),
            pin.as_bytes(),
            options,
        )
        .js()?;
        Ok(WasmWallet::wrap(inner))
    }

    /// Unlock with the PIN.
    pub fn unlock(&self, pin: String) -> Result<(), JsValue> {
        let pin = Zeroizing::new(pin);
        self.inner.unlock(pin.as_bytes()).js()
    }

    /// Drop every key from memory.
    pub fn lock(&self) {
        self.inner.lock()
    }

    /// Whether the wallet is unlocked.
    #[wasm_bindgen(js_name = isUnlocked)]
    pub fn is_unlocked(&self) -> bool {
        self.inner.is_unlocked()
    }

    /// Wrong PINs left before lockout.
    #[wasm_bindgen(js_name = attemptsLeft)]
    pub fn attempts_left(&self) -> Result<u32, JsValue> {
        self.inner.attempts_left().js()
    }

    /// Change the PIN (re-wraps the data key only).
    #[wasm_bindgen(js_name = changePin)]
    pub fn change_pin(&self, old_pin: String, new_pin: String) -> Result<(), JsValue> {
        let (o, n) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        self.inner.change_pin(o.as_bytes(), n.as_bytes()).js()
    }

    /// Change the PIN and replace the data key, re-encrypting every record.
    pub fn rekey(&self, old_pin: String, new_pin: String) -> Result<(), JsValue> {
        let (o, n) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        self.inner.rekey(o.as_bytes(), n.as_bytes()).js()
    }

    /// The recovery phrase, PIN required.
    #[wasm_bindgen(js_name = exportMnemonic)]
    pub fn export_mnemonic(&self, pin: String) -> Result<String, JsValue> {
        let pin = Zeroizing::new(pin);
        Ok(self
            .inner
            .export_mnemonic(pin.as_bytes())
            .js()?
            .phrase()
            .to_string())
    }

    /// A backup under a new code (show it once) or under `passphrase` (refused if guessable).
    #[wasm_bindgen(unchecked_return_type = "WalletBackup")]
    pub fn backup(&self, pin: String, passphrase: Option<String>) -> JsResult {
        let (pin, passphrase) = (Zeroizing::new(pin), passphrase.map(Zeroizing::new));
        let secret = match &passphrase {
            Some(p) => BackupSecret::Passphrase(p),
            None => BackupSecret::NewCode,
        };
        let b: WalletBackup = self.inner.backup(pin.as_bytes(), secret).js()?.into();
        to_js(&b)
    }

    /// Argon2id parameters protecting the data key now.
    #[wasm_bindgen(js_name = kdfParams, unchecked_return_type = "KdfParams")]
    pub fn kdf_params(&self) -> JsResult {
        to_js(&self.inner.vault().kdf_params())
    }

    /// Every account.
    #[wasm_bindgen(unchecked_return_type = "Account[]")]
    pub fn accounts(&self) -> JsResult {
        to_js(&self.inner.accounts().js()?)
    }

    /// EVM account `index`.
    #[wasm_bindgen(unchecked_return_type = "Account")]
    pub fn account(&self, index: u32) -> JsResult {
        to_js(&self.inner.account(index).js()?)
    }

    /// Add the next derived account.
    #[wasm_bindgen(js_name = addAccount, unchecked_return_type = "Account")]
    pub fn add_account(&self) -> JsResult {
        to_js(&self.inner.add_account().js()?)
    }

    /// Identity key `index` and its did:key.
    #[wasm_bindgen(unchecked_return_type = "Identity")]
    pub fn identity(&self, index: u32) -> JsResult {
        to_js(&self.inner.identity(index).js()?)
    }

    /// EIP-191 `personal_sign` of bytes or UTF-8 text.
    #[wasm_bindgen(js_name = signMessage)]
    pub fn sign_message(
        &self,
        address: String,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] message: JsValue,
    ) -> Result<String, JsValue> {
        let a: Address = parse(&address)?;
        let sig = self
            .inner
            .sign_message(&a, &bytes_or_text(&message)?)
            .js()?;
        Ok(sig.to_string())
    }

    /// Sign EIP-712 typed data (a JSON string or an object).
    #[wasm_bindgen(js_name = signTypedData, unchecked_return_type = "TypedSignature")]
    pub fn sign_typed_data(
        &self,
        address: String,
        #[wasm_bindgen(unchecked_param_type = "string | object")] typed_data: JsValue,
    ) -> JsResult {
        let a: Address = parse(&address)?;
        to_js(
            &self
                .inner
                .sign_typed_data(&a, &json_text(&typed_data)?)
                .js()?,
        )
    }

    /// Sign a raw 32-byte digest (`0x` hex).
    #[wasm_bindgen(js_name = signDigest)]
    pub fn sign_digest(&self, address: String, digest: String) -> Result<String, JsValue> {
        let (a, d): (Address, Bytes32) = (parse(&address)?, parse(&digest)?);
        Ok(self.inner.sign_digest(&a, &d.0).js()?.to_string())
    }

    /// Import a Web3 keystore as an extra account.
    #[wasm_bindgen(js_name = importKeystore, unchecked_return_type = "Account")]
    pub fn import_keystore(&self, json: String, password: String) -> JsResult {
        let pw = Zeroizing::new(password);
        to_js(&self.inner.import_keystore(&json, pw.as_bytes()).js()?)
    }

    /// Export an account as a Web3 keystore (`kdf`: scrypt (default), pbkdf2, scrypt-light).
    #[wasm_bindgen(js_name = exportKeystore)]
    pub fn export_keystore(
        &self,
        address: String,
        password: String,
        kdf: Option<String>,
    ) -> Result<String, JsValue> {
        let (pw, kdf) = (
            Zeroizing::new(password),
            KeystoreKdf::named(kdf.as_deref()).js()?,
        );
        let a: Address = parse(&address)?;
        self.inner.export_keystore(&a, pw.as_bytes(), kdf).js()
    }
}
