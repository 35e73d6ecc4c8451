//! The wallet, as seen from JavaScript.

use std::sync::Arc;

use jigap_core::keys::{Address, KeystoreKdf, Language, Mnemonic};
use jigap_core::vault::{BackupSecret, KeyProtector, ProtectorError, VaultOptions};
use jigap_core::wallet::{Account, CreateOptions, Wallet};
use js_sys::{Array, Function, Uint8Array};
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert::{
    JsResult, bytes_or_text, err, error, get, hex0x, json_text, kdf_from_js, kdf_to_js, obj,
};
use crate::store::JsStore;

/// A key protector written in JavaScript: `{ id(), wrap(Uint8Array), unwrap(Uint8Array) }`,
/// synchronous (Node's `crypto`, or a key the app already holds).
struct JsProtector(SendWrapper<JsValue>);

impl JsProtector {
    fn call(&self, method: &str, arg: &[u8]) -> Result<Vec<u8>, ProtectorError> {
        let f: Function = get(&self.0, method)
            .dyn_into()
            .map_err(|_| ProtectorError(format!("the protector has no {method}()")))?;
        let out = f
            .call1(&self.0, &Uint8Array::from(arg).into())
            .map_err(|e| {
                ProtectorError(
                    e.dyn_ref::<js_sys::Error>()
                        .map(|e| String::from(e.message()))
                        .unwrap_or_else(|| "the protector threw".into()),
                )
            })?;
        if out.is_instance_of::<Uint8Array>() {
            Ok(Uint8Array::new(&out).to_vec())
        } else {
            Err(ProtectorError(format!(
                "{method}() must return a Uint8Array"
            )))
        }
    }
}

impl KeyProtector for JsProtector {
    fn id(&self) -> String {
        get(&self.0, "id")
            .dyn_into::<Function>()
            .ok()
            .and_then(|f| f.call0(&self.0).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "js-protector".into())
    }
    fn wrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ProtectorError> {
        self.call("wrap", &data)
    }
    fn unwrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ProtectorError> {
        self.call("unwrap", &data)
    }
}

fn options(kdf: &JsValue, protector: JsValue) -> Result<VaultOptions, JsValue> {
    let mut o = VaultOptions {
        kdf: kdf_from_js(kdf)?.unwrap_or_default(),
        ..VaultOptions::default()
    };
    if !protector.is_undefined() && !protector.is_null() {
        o.protector = Some(Arc::new(JsProtector(SendWrapper::new(protector))));
    }
    Ok(o)
}

fn store(s: JsValue) -> Arc<JsStore> {
    Arc::new(JsStore::new(s))
}

fn account_js(a: Account) -> JsValue {
    obj(&[
        ("address", a.address.to_string().into()),
        ("publicKey", hex0x(&a.public_key.to_compressed()).into()),
        (
            "path",
            a.path
                .map(|p| JsValue::from(p.to_string()))
                .unwrap_or(JsValue::NULL),
        ),
    ])
}

fn address(s: &str) -> Result<Address, JsValue> {
    s.parse().map_err(err)
}

/// A wallet held in a JS store. Wrapped by `Wallet` in the npm package.
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
    /// Create with a new mnemonic. `options`: `{words, language, passphrase, kdf}`.
    pub fn create(
        store_obj: JsValue,
        pin: String,
        opts: JsValue,
        protector: JsValue,
    ) -> Result<WasmWallet, JsValue> {
        let pin = Zeroizing::new(pin);
        let words = get(&opts, "words").as_f64().unwrap_or(12.0) as usize;
        let language = get(&opts, "language")
            .as_string()
            .unwrap_or_else(|| "en".into());
        let passphrase = Zeroizing::new(get(&opts, "passphrase").as_string().unwrap_or_default());
        let co = CreateOptions {
            vault: options(&get(&opts, "kdf"), protector)?,
            words,
            language: Language::parse(&language).map_err(err)?,
            passphrase,
        };
        let (inner, _) =
            Wallet::create(store(store_obj), crate::env(), pin.as_bytes(), co).map_err(err)?;
        Ok(WasmWallet::wrap(inner))
    }

    /// Create from an existing mnemonic.
    pub fn restore(
        store_obj: JsValue,
        pin: String,
        mnemonic: String,
        passphrase: Option<String>,
        kdf: JsValue,
        protector: JsValue,
    ) -> Result<WasmWallet, JsValue> {
        let (pin, mnemonic) = (Zeroizing::new(pin), Zeroizing::new(mnemonic));
        let passphrase = Zeroizing::new(passphrase.unwrap_or_default());
        let m = Mnemonic::parse(&mnemonic, None).map_err(err)?;
        let inner = Wallet::restore(
            store(store_obj),
            crate::env(),
            pin.as_bytes(),
            &m,
            &passphrase,
            options(&kdf, protector)?,
        )
        .map_err(err)?;
        Ok(WasmWallet::wrap(inner))
    }

    /// Open, locked.
    pub fn open(
        store_obj: JsValue,
        kdf: JsValue,
        protector: JsValue,
    ) -> Result<WasmWallet, JsValue> {
        let inner =
            Wallet::open(store(store_obj), crate::env(), options(&kdf, protector)?).map_err(err)?;
        Ok(WasmWallet::wrap(inner))
    }

    /// Restore a backup into an empty store (unlocked). `secret`: the backup code or
    /// passphrase (for an old-format backup, its PIN); `pin`: the PIN on this device.
    #[wasm_bindgen(js_name = restoreBackup)]
    pub fn restore_backup(
        store_obj: JsValue,
        backup: Vec<u8>,
        secret: String,
        pin: String,
        kdf: JsValue,
        protector: JsValue,
    ) -> Result<WasmWallet, JsValue> {
        let (secret, pin) = (Zeroizing::new(secret), Zeroizing::new(pin));
        let (inner, _) = Wallet::restore_backup(
            store(store_obj),
            crate::env(),
            &backup,
            secret.as_bytes(),
            pin.as_bytes(),
            options(&kdf, protector)?,
        )
        .map_err(err)?;
        Ok(WasmWallet::wrap(inner))
    }

    /// Unlock with the PIN.
    pub fn unlock(&self, pin: String) -> Result<(), JsValue> {
        let pin = Zeroizing::new(pin);
        self.inner.unlock(pin.as_bytes()).map_err(err)
    }

    /// Drop every key from memory.
    pub fn lock(&self) {
        self.inner.lock()
    }

    /// Whether unlocked.
    #[wasm_bindgen(js_name = isUnlocked)]
    pub fn is_unlocked(&self) -> bool {
        self.inner.is_unlocked()
    }

    /// Wrong PINs left before lockout.
    #[wasm_bindgen(js_name = attemptsLeft)]
    pub fn attempts_left(&self) -> Result<u32, JsValue> {
        self.inner.attempts_left().map_err(err)
    }

    /// Change the PIN.
    #[wasm_bindgen(js_name = changePin)]
    pub fn change_pin(&self, old_pin: String, new_pin: String) -> Result<(), JsValue> {
        let (o, n) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        self.inner
            .change_pin(o.as_bytes(), n.as_bytes())
            .map_err(err)
    }

    /// The recovery phrase (PIN required).
    #[wasm_bindgen(js_name = exportMnemonic)]
    pub fn export_mnemonic(&self, pin: String) -> Result<String, JsValue> {
        let pin = Zeroizing::new(pin);
        self.inner
            .export_mnemonic(pin.as_bytes())
            .map(|m| m.phrase().to_string())
            .map_err(err)
    }

    /// Encrypted backup (PIN required) under a new backup code, or under `passphrase` when
    /// given → `{bytes, code}` (`code`: show it once; absent with a passphrase).
    pub fn backup(&self, pin: String, passphrase: Option<String>) -> JsResult {
        let pin = Zeroizing::new(pin);
        let passphrase = passphrase.map(Zeroizing::new);
        let secret = match &passphrase {
            Some(p) => BackupSecret::Passphrase(p),
            None => BackupSecret::NewCode,
        };
        let b = self.inner.backup(pin.as_bytes(), secret).map_err(err)?;
        Ok(obj(&[
            ("bytes", Uint8Array::from(b.bytes.as_slice()).into()),
            (
                "code",
                b.code
                    .map(|c| JsValue::from(c.grouped().as_str()))
                    .unwrap_or(JsValue::UNDEFINED),
            ),
        ]))
    }

    /// Change the PIN and replace the data key, re-encrypting every record.
    pub fn rekey(&self, old_pin: String, new_pin: String) -> Result<(), JsValue> {
        let (o, n) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        self.inner.rekey(o.as_bytes(), n.as_bytes()).map_err(err)
    }

    /// Argon2id parameters now protecting the data key.
    #[wasm_bindgen(js_name = kdfParams)]
    pub fn kdf_params(&self) -> JsValue {
        kdf_to_js(self.inner.vault().kdf_params())
    }

    /// Every account.
    pub fn accounts(&self) -> JsResult {
        let arr = Array::new();
        for a in self.inner.accounts().map_err(err)? {
            arr.push(&account_js(a));
        }
        Ok(arr.into())
    }

    /// Account `index`.
    pub fn account(&self, index: u32) -> JsResult {
        self.inner.account(index).map(account_js).map_err(err)
    }

    /// Add the next account.
    #[wasm_bindgen(js_name = addAccount)]
    pub fn add_account(&self) -> JsResult {
        self.inner.add_account().map(account_js).map_err(err)
    }

    /// Identity key `index` with its did:key.
    pub fn identity(&self, index: u32) -> JsResult {
        let id = self.inner.identity(index).map_err(err)?;
        Ok(obj(&[
            ("did", id.did.into()),
            ("publicKey", hex0x(&id.public_key.to_compressed()).into()),
            ("path", id.path.to_string().into()),
        ]))
    }

    /// `personal_sign` (bytes or UTF-8 text) → `0x` signature.
    #[wasm_bindgen(js_name = signMessage)]
    pub fn sign_message(&self, addr: String, message: JsValue) -> Result<String, JsValue> {
        let bytes = bytes_or_text(&message)?;
        self.inner
            .sign_message(&address(&addr)?, &bytes)
            .map(|s| s.to_string())
            .map_err(err)
    }

    /// EIP-712 typed data (JSON text or object) → `{digest, signature}`.
    #[wasm_bindgen(js_name = signTypedData)]
    pub fn sign_typed_data(&self, addr: String, typed_data: JsValue) -> JsResult {
        let s = self
            .inner
            .sign_typed_data(&address(&addr)?, &json_text(&typed_data)?)
            .map_err(err)?;
        Ok(obj(&[
            ("digest", hex0x(&s.digest).into()),
            ("signature", s.signature.to_string().into()),
        ]))
    }

    /// Sign a 32-byte digest (`0x` hex).
    #[wasm_bindgen(js_name = signDigest)]
    pub fn sign_digest(&self, addr: String, digest: String) -> Result<String, JsValue> {
        let t = digest.trim();
        let mut d = [0u8; 32];
        hex::decode_to_slice(t.strip_prefix("0x").unwrap_or(t), &mut d)
            .map_err(|_| error("InvalidInput", "a digest is 32 bytes of 0x-prefixed hex"))?;
        self.inner
            .sign_digest(&address(&addr)?, &d)
            .map(|s| s.to_string())
            .map_err(err)
    }

    /// Import a Web3 keystore as an extra account.
    #[wasm_bindgen(js_name = importKeystore)]
    pub fn import_keystore(&self, json: String, password: String) -> JsResult {
        let pw = Zeroizing::new(password);
        self.inner
            .import_keystore(&json, pw.as_bytes())
            .map(account_js)
            .map_err(err)
    }

    /// Export an account as a Web3 keystore (`kdf`: "scrypt", "pbkdf2" or "scrypt-light").
    #[wasm_bindgen(js_name = exportKeystore)]
    pub fn export_keystore(
        &self,
        addr: String,
        password: String,
        kdf: Option<String>,
    ) -> Result<String, JsValue> {
        let pw = Zeroizing::new(password);
        let kdf = match kdf.as_deref().unwrap_or("scrypt") {
            "scrypt" => KeystoreKdf::SCRYPT_STANDARD,
            "pbkdf2" => KeystoreKdf::PBKDF2_STANDARD,
            "scrypt-light" => KeystoreKdf::SCRYPT_LIGHT,
            other => {
                return Err(error(
                    "InvalidInput",
                    &format!("unknown keystore kdf '{other}'; use scrypt, pbkdf2 or scrypt-light"),
                ));
            }
        };
        self.inner
            .export_keystore(&address(&addr)?, pw.as_bytes(), kdf)
            .map_err(err)
    }
}
