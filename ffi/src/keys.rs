//! Stateless key functions: validation, recovery, digests, QR codes.

use jigap_core::bind::Bytes32;
use jigap_core::env::SystemClock;
use jigap_core::keys::{self, Address, Language, Mnemonic, MnemonicInfo, Signature, TypedData};
use jigap_core::qr::{QrCode, QrImage};
use jigap_core::vault::{self, KdfParams};
use zeroize::Zeroizing;

use crate::error::JigapError;

/// Check a mnemonic (typed by a user) without creating anything. The error names the problem:
/// "word 5 is not in the Korean wordlist", "checksum does not match".
#[uniffi::export(default(language = None))]
pub fn validate_mnemonic(
    mnemonic: String,
    language: Option<Language>,
) -> Result<MnemonicInfo, JigapError> {
    let mnemonic = Zeroizing::new(mnemonic);
    Ok(Mnemonic::parse(&mnemonic, language)?.info())
}

/// The EIP-55 form of an address; throws on a wrong mixed-case checksum.
#[uniffi::export]
pub fn checksum_address(address: String) -> Result<Address, JigapError> {
    Ok(address.parse::<Address>()?)
}

/// The address that signed `message` with `personal_sign`.
#[uniffi::export]
pub fn recover_message_signer(
    message: Vec<u8>,
    signature: Signature,
) -> Result<Address, JigapError> {
    Ok(keys::recover_personal_message(&message, &signature)?)
}

/// The EIP-712 digest of typed data.
#[uniffi::export]
pub fn typed_data_digest(typed_data_json: String) -> Result<Bytes32, JigapError> {
    Ok(Bytes32(TypedData::from_json(&typed_data_json)?.digest()?))
}

/// The address that signed typed data.
#[uniffi::export]
pub fn recover_typed_data_signer(
    typed_data_json: String,
    signature: Signature,
) -> Result<Address, JigapError> {
    let digest = TypedData::from_json(&typed_data_json)?.digest()?;
    Ok(signature.recover_address(&digest)?)
}

/// Decrypt a keystore and return its address (nothing is stored).
#[uniffi::export]
pub fn keystore_address(keystore_json: String, password: String) -> Result<Address, JigapError> {
    let pw = Zeroizing::new(password);
    Ok(keys::import_keystore(&keystore_json, pw.as_bytes())?.address())
}

/// The production Argon2id default (64 MiB, 3 passes).
#[uniffi::export]
pub fn kdf_default() -> KdfParams {
    KdfParams::DEFAULT
}

/// A deliberately weak Argon2id setting for tests and demos. Never for real wallets.
#[uniffi::export]
pub fn kdf_fast_insecure() -> KdfParams {
    KdfParams::FAST_INSECURE
}

/// Measure this device and return Argon2id parameters that take about `target_ms`, using at most
/// `max_memory_kib`. Run it once (for example at onboarding, off the main thread).
#[uniffi::export]
pub fn calibrate_kdf(target_ms: u64, max_memory_kib: u32) -> Result<KdfParams, JigapError> {
    Ok(vault::calibrate(&SystemClock, target_ms, max_memory_kib)?)
}

/// Encode `text` (a `JG…:` payload) as a QR code at error correction M.
#[uniffi::export(default(module_px = 4))]
pub fn qr_code(text: String, module_px: u32) -> Result<QrCode, JigapError> {
    Ok(QrImage::encode(&text)?.picture(module_px))
}

/// The optional parts this library carries (`tickets`, `credentials`, …; vouchers are always in).
#[uniffi::export]
pub fn jigap_features() -> Vec<String> {
    jigap_core::features()
        .into_iter()
        .map(String::from)
        .collect()
}

/// The library version.
#[uniffi::export]
pub fn jigap_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
