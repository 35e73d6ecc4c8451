//! wasm-bindgen bindings of `jigap-core`: the engine under the `jigap` npm package.
//!
//! Only conversion lives here: JS values in, JS values out, errors turned into a typed
//! `JigapError` (`err.kind`, `err.message`). The hand-written ES module in `npm/` wraps these
//! exports with the async API, the IndexedDB store and the loader.

mod convert;
mod credential;
mod store;
mod ticket;
mod voucher;
mod wallet;

pub use wallet::WasmWallet;

use convert::{JsResult, err, obj};
use jigap_core::env::Clock;
use jigap_core::keys::{self, Address, Language, Mnemonic, Signature, TypedData};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// `Date.now()`: wasm32 has no system clock of its own.
pub(crate) struct JsClock;

impl Clock for JsClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

pub(crate) fn env() -> jigap_core::env::Env {
    use std::sync::Arc;
    jigap_core::env::Env::new(Arc::new(JsClock), Arc::new(jigap_core::env::OsRandom))
}

/// Check a mnemonic; throws `JigapError` (kind `InvalidInput`) naming the problem.
#[wasm_bindgen(js_name = validateMnemonic)]
pub fn validate_mnemonic(mnemonic: String, language: Option<String>) -> JsResult {
    let mnemonic = Zeroizing::new(mnemonic);
    let lang = language
        .as_deref()
        .map(Language::parse)
        .transpose()
        .map_err(err)?;
    let m = Mnemonic::parse(&mnemonic, lang).map_err(err)?;
    Ok(obj(&[
        ("language", m.language().code().into()),
        ("words", (m.word_count() as u32).into()),
    ]))
}

/// EIP-55 form of an address; throws on a wrong mixed-case checksum.
#[wasm_bindgen(js_name = checksumAddress)]
pub fn checksum_address(address: String) -> Result<String, JsValue> {
    address
        .parse::<Address>()
        .map(|a| a.to_string())
        .map_err(err)
}

/// The signer of a `personal_sign` message (bytes or a UTF-8 string).
#[wasm_bindgen(js_name = recoverMessageSigner)]
pub fn recover_message_signer(message: JsValue, signature: String) -> Result<String, JsValue> {
    let sig: Signature = signature.parse().map_err(err)?;
    let bytes = convert::bytes_or_text(&message)?;
    keys::recover_personal_message(&bytes, &sig)
        .map(|a| a.to_string())
        .map_err(err)
}

/// The EIP-712 digest (`0x` hex) of typed data (a JSON string or an object).
#[wasm_bindgen(js_name = typedDataDigest)]
pub fn typed_data_digest(typed_data: JsValue) -> Result<String, JsValue> {
    let td = TypedData::from_json(&convert::json_text(&typed_data)?).map_err(err)?;
    td.digest().map(|d| convert::hex0x(&d)).map_err(err)
}

/// The signer of typed data.
#[wasm_bindgen(js_name = recoverTypedDataSigner)]
pub fn recover_typed_data_signer(
    typed_data: JsValue,
    signature: String,
) -> Result<String, JsValue> {
    let sig: Signature = signature.parse().map_err(err)?;
    let td = TypedData::from_json(&convert::json_text(&typed_data)?).map_err(err)?;
    let digest = td.digest().map_err(err)?;
    sig.recover_address(&digest)
        .map(|a| a.to_string())
        .map_err(err)
}

/// Plain ECDSA check of a 64-byte `r‖s` (or 65-byte `r‖s‖v`) signature over a 32-byte digest
/// with a SEC1 public key, all `0x` hex.
#[wasm_bindgen(js_name = verifyDigestSignature)]
pub fn verify_digest_signature(
    public_key: String,
    digest: String,
    signature: String,
) -> Result<bool, JsValue> {
    let bad = |what: &str| convert::error("InvalidInput", &format!("{what} is not valid hex"));
    let pk = hex::decode(public_key.trim_start_matches("0x")).map_err(|_| bad("publicKey"))?;
    let mut d = [0u8; 32];
    hex::decode_to_slice(digest.trim_start_matches("0x"), &mut d).map_err(|_| bad("digest"))?;
    let sig = hex::decode(signature.trim_start_matches("0x")).map_err(|_| bad("signature"))?;
    let pk = keys::PublicKey::from_sec1(&pk).map_err(err)?;
    Ok(sig.len() >= 64 && pk.verify_digest_rs(&d, &sig[..64]))
}

/// Decrypt a Web3 keystore and return its address (nothing is stored).
#[wasm_bindgen(js_name = keystoreAddress)]
pub fn keystore_address(keystore_json: String, password: String) -> Result<String, JsValue> {
    let pw = Zeroizing::new(password);
    keys::import_keystore(&keystore_json, pw.as_bytes())
        .map(|k| k.address().to_string())
        .map_err(err)
}

/// What a backup file needs to be restored, read without any secret:
/// `{format, protection: 'code'|'passphrase'|'pin', records, createdAtMs, weak}`.
#[wasm_bindgen(js_name = inspectBackup)]
pub fn inspect_backup(backup: Vec<u8>) -> Result<JsValue, JsValue> {
    let i = jigap_core::vault::Vault::inspect_backup(&backup).map_err(err)?;
    Ok(convert::obj(&[
        ("format", i.format.into()),
        ("protection", i.protection.code().into()),
        ("records", (i.records as f64).into()),
        ("createdAtMs", (i.created_at_ms as f64).into()),
        ("weak", i.weak.into()),
    ]))
}

/// Production Argon2id parameters `{mKib, t, p}`.
#[wasm_bindgen(js_name = kdfDefault)]
pub fn kdf_default() -> JsValue {
    convert::kdf_to_js(jigap_core::vault::KdfParams::DEFAULT)
}

/// Weak Argon2id parameters for tests and demos only.
#[wasm_bindgen(js_name = kdfFastInsecure)]
pub fn kdf_fast_insecure() -> JsValue {
    convert::kdf_to_js(jigap_core::vault::KdfParams::FAST_INSECURE)
}

/// Argon2id parameters that take about `targetMs` here, using at most `maxMemoryKib`.
#[wasm_bindgen(js_name = calibrateKdf)]
pub fn calibrate_kdf(target_ms: u32, max_memory_kib: u32) -> JsResult {
    jigap_core::vault::calibrate(&JsClock, u64::from(target_ms), max_memory_kib)
        .map(convert::kdf_to_js)
        .map_err(err)
}

/// Run the store conformance suite on a store object (which must be empty).
#[wasm_bindgen(js_name = checkStoreConformance)]
pub fn check_store_conformance(store: JsValue) -> Result<(), JsValue> {
    let s = store::JsStore::new(store);
    jigap_core::store::conformance::check_store(&s).map_err(|m| convert::error("Storage", &m))
}

/// A QR code (error correction M) for `text`: `{size, version, svg, modules}` where `modules`
/// is a row-major `Uint8Array` of `size × size` (1 = dark) for drawing on a canvas.
#[wasm_bindgen(js_name = qrCode)]
pub fn qr_code(text: String, module_px: Option<u32>) -> JsResult {
    let q = jigap_core::qr::QrImage::encode(&text)
        .map_err(|e| convert::error("InvalidInput", &e.to_string()))?;
    let modules: Vec<u8> = q.modules.iter().map(|d| u8::from(*d)).collect();
    Ok(obj(&[
        ("size", q.size.into()),
        ("version", q.version.into()),
        ("svg", q.to_svg(module_px.unwrap_or(4)).into()),
        (
            "modules",
            js_sys::Uint8Array::from(modules.as_slice()).into(),
        ),
    ]))
}

/// The library version.
#[wasm_bindgen(js_name = jigapVersion)]
pub fn jigap_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
