//! wasm-bindgen bindings of `jigap-core`: the engine under the `jigap` npm package.
//!
//! Only objects and conversion live here: the records are the core's own (their TypeScript
//! types are generated from the core's derives), every error is a `JigapError` whose `kind` the
//! core chooses. The hand-written ES module in `npm/` adds what JavaScript needs on top: the
//! async API, the IndexedDB store, number narrowing and the loader.

mod convert;
#[cfg(feature = "credentials")]
mod credential;
mod evm;
mod store;
#[cfg(feature = "tickets")]
mod ticket;
mod voucher;
mod wallet;

pub use wallet::WasmWallet;

use convert::{Js, JsResult, bytes_or_text, json_text, parse, to_js};
use jigap_core::bind::Bytes32;
use jigap_core::keys::{self, Address, Language, Mnemonic, Signature, TypedData};
use jigap_core::qr::QrImage;
use jigap_core::vault::{self, KdfParams, Vault};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// Check a mnemonic; throws `JigapError` (kind `InvalidInput`) naming the problem.
#[wasm_bindgen(js_name = validateMnemonic, unchecked_return_type = "MnemonicInfo")]
pub fn validate_mnemonic(mnemonic: String, language: Option<String>) -> JsResult {
    let mnemonic = Zeroizing::new(mnemonic);
    let lang = language.as_deref().map(Language::parse).transpose().js()?;
    to_js(&Mnemonic::parse(&mnemonic, lang).js()?.info())
}

/// EIP-55 form of an address; throws on a wrong mixed-case checksum.
#[wasm_bindgen(js_name = checksumAddress)]
pub fn checksum_address(address: String) -> Result<String, JsValue> {
    Ok(parse::<Address>(&address)?.to_string())
}

/// The signer of a `personal_sign` message (bytes or a UTF-8 string).
#[wasm_bindgen(js_name = recoverMessageSigner)]
pub fn recover_message_signer(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] message: JsValue,
    signature: String,
) -> Result<String, JsValue> {
    let sig: Signature = parse(&signature)?;
    let a = keys::recover_personal_message(&bytes_or_text(&message)?, &sig).js()?;
    Ok(a.to_string())
}

/// The EIP-712 digest of typed data (a JSON string or an object).
#[wasm_bindgen(js_name = typedDataDigest)]
pub fn typed_data_digest(
    #[wasm_bindgen(unchecked_param_type = "string | object")] typed_data: JsValue,
) -> Result<String, JsValue> {
    let td = TypedData::from_json(&json_text(&typed_data)?).js()?;
    Ok(Bytes32(td.digest().js()?).to_string())
}

/// The signer of typed data.
#[wasm_bindgen(js_name = recoverTypedDataSigner)]
pub fn recover_typed_data_signer(
    #[wasm_bindgen(unchecked_param_type = "string | object")] typed_data: JsValue,
    signature: String,
) -> Result<String, JsValue> {
    let sig: Signature = parse(&signature)?;
    let digest = TypedData::from_json(&json_text(&typed_data)?)
        .js()?
        .digest()
        .js()?;
    Ok(sig.recover_address(&digest).js()?.to_string())
}

/// Plain ECDSA check of a 64-byte `r‖s` (or 65-byte `r‖s‖v`) signature over a 32-byte digest
/// with a SEC1 public key, all `0x` hex.
#[wasm_bindgen(js_name = verifyDigestSignature)]
pub fn verify_digest_signature(
    public_key: String,
    digest: String,
    signature: String,
) -> Result<bool, JsValue> {
    keys::verify_digest_signature(&public_key, &digest, &signature).js()
}

/// Decrypt a Web3 keystore and return its address (nothing is stored).
#[wasm_bindgen(js_name = keystoreAddress)]
pub fn keystore_address(keystore_json: String, password: String) -> Result<String, JsValue> {
    let pw = Zeroizing::new(password);
    let k = keys::import_keystore(&keystore_json, pw.as_bytes()).js()?;
    Ok(k.address().to_string())
}

/// What a backup file needs to be restored, read without any secret.
#[wasm_bindgen(js_name = inspectBackup, unchecked_return_type = "BackupInfo")]
pub fn inspect_backup(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] backup: JsValue,
) -> JsResult {
    to_js(&Vault::inspect_backup(&convert::bytes(&backup, "backup")?).js()?)
}

/// Production Argon2id parameters.
#[wasm_bindgen(js_name = kdfDefault, unchecked_return_type = "KdfParams")]
pub fn kdf_default() -> JsResult {
    to_js(&KdfParams::DEFAULT)
}

/// Weak Argon2id parameters for tests and demos only.
#[wasm_bindgen(js_name = kdfFastInsecure, unchecked_return_type = "KdfParams")]
pub fn kdf_fast_insecure() -> JsResult {
    to_js(&KdfParams::FAST_INSECURE)
}

/// Argon2id parameters that take about `targetMs` here, using at most `maxMemoryKib`.
#[wasm_bindgen(js_name = calibrateKdf, unchecked_return_type = "KdfParams")]
pub fn calibrate_kdf(target_ms: u32, max_memory_kib: u32) -> JsResult {
    to_js(&vault::calibrate(&convert::JsClock, u64::from(target_ms), max_memory_kib).js()?)
}

/// Run the store conformance suite on a store object (which must be empty).
#[wasm_bindgen(js_name = checkStoreConformance)]
pub fn check_store_conformance(
    #[wasm_bindgen(unchecked_param_type = "Store")] store: JsValue,
) -> Result<(), JsValue> {
    store::check(store)
}

/// The names of the store conformance cases, for one test per case.
#[wasm_bindgen(js_name = storeConformanceCases)]
pub fn store_conformance_cases() -> Vec<String> {
    jigap_core::store::conformance::CASES
        .iter()
        .map(|(n, _)| n.to_string())
        .collect()
}

/// Run one conformance case on an empty store (`Storage` names the broken rule).
#[wasm_bindgen(js_name = checkStoreConformanceCase)]
pub fn check_store_conformance_case(
    #[wasm_bindgen(unchecked_param_type = "Store")] store: JsValue,
    name: String,
) -> Result<(), JsValue> {
    store::check_case(store, &name)
}

/// A QR code (error correction M) for `text`, with an SVG of `modulePx` pixels per module.
#[wasm_bindgen(js_name = qrCode, unchecked_return_type = "QrCode")]
pub fn qr_code(text: String, module_px: Option<u32>) -> JsResult {
    to_js(&QrImage::encode(&text).js()?.picture(module_px.unwrap_or(4)))
}

/// The optional parts this package carries (`tickets`, `credentials`, …; vouchers are always in).
#[wasm_bindgen(js_name = jigapFeatures)]
pub fn jigap_features() -> Vec<String> {
    jigap_core::features()
        .into_iter()
        .map(String::from)
        .collect()
}

/// The library version.
#[wasm_bindgen(js_name = jigapVersion)]
pub fn jigap_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
