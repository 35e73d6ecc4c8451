//! Stateless key functions: validation, recovery, digests.

use jigap_core::env::SystemClock;
use jigap_core::keys::{self, Address, Language, Mnemonic, Signature, TypedData};
use zeroize::Zeroizing;

use crate::error::JigapError;
use crate::wallet::KdfParams;

pub(crate) fn hex0x(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}

pub(crate) fn parse_address(s: &str) -> Result<Address, JigapError> {
    Ok(s.parse::<Address>()?)
}

pub(crate) fn parse_digest(s: &str) -> Result<[u8; 32], JigapError> {
    let t = s.trim();
    let mut out = [0u8; 32];
    hex::decode_to_slice(t.strip_prefix("0x").unwrap_or(t), &mut out)
        .map_err(|_| JigapError::InvalidInput("a digest is 32 bytes of 0x-prefixed hex".into()))?;
    Ok(out)
}

/// What a valid mnemonic is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MnemonicInfo {
    /// Wordlist code (en, ko, …).
    pub language: String,
    /// Number of words.
    pub words: u8,
}

/// Check a mnemonic (typed by a user) without creating anything. The error names the problem:
/// "word 5 'appl' is not in the Korean wordlist", "checksum does not match".
#[uniffi::export(default(language = None))]
pub fn validate_mnemonic(
    mnemonic: String,
    language: Option<String>,
) -> Result<MnemonicInfo, JigapError> {
    let mnemonic = Zeroizing::new(mnemonic);
    let lang = language.as_deref().map(Language::parse).transpose()?;
    let m = Mnemonic::parse(&mnemonic, lang)?;
    Ok(MnemonicInfo {
        language: m.language().code().to_string(),
        words: m.word_count() as u8,
    })
}

/// The EIP-55 form of an address; throws on a wrong mixed-case checksum.
#[uniffi::export]
pub fn checksum_address(address: String) -> Result<String, JigapError> {
    Ok(parse_address(&address)?.to_string())
}

/// The address that signed `message` with `personal_sign`.
#[uniffi::export]
pub fn recover_message_signer(message: Vec<u8>, signature: String) -> Result<String, JigapError> {
    let sig: Signature = signature.parse()?;
    Ok(keys::recover_personal_message(&message, &sig)?.to_string())
}

/// The EIP-712 digest of typed data, `0x` hex.
#[uniffi::export]
pub fn typed_data_digest(typed_data_json: String) -> Result<String, JigapError> {
    Ok(hex0x(&TypedData::from_json(&typed_data_json)?.digest()?))
}

/// The address that signed typed data.
#[uniffi::export]
pub fn recover_typed_data_signer(
    typed_data_json: String,
    signature: String,
) -> Result<String, JigapError> {
    let sig: Signature = signature.parse()?;
    Ok(sig
        .recover_address(&TypedData::from_json(&typed_data_json)?.digest()?)?
        .to_string())
}

/// Decrypt a keystore and return its address (nothing is stored).
#[uniffi::export]
pub fn keystore_address(keystore_json: String, password: String) -> Result<String, JigapError> {
    let pw = Zeroizing::new(password);
    Ok(keys::import_keystore(&keystore_json, pw.as_bytes())?
        .address()
        .to_string())
}

/// The production Argon2id default (64 MiB, 3 passes).
#[uniffi::export]
pub fn kdf_default() -> KdfParams {
    jigap_core::vault::KdfParams::DEFAULT.into()
}

/// A deliberately weak Argon2id setting for tests and demos. Never for real wallets.
#[uniffi::export]
pub fn kdf_fast_insecure() -> KdfParams {
    jigap_core::vault::KdfParams::FAST_INSECURE.into()
}

/// Measure this device and return Argon2id parameters that take about `target_ms`, using at most
/// `max_memory_kib`. Run it once (for example at onboarding, off the main thread).
#[uniffi::export]
pub fn calibrate_kdf(target_ms: u64, max_memory_kib: u32) -> Result<KdfParams, JigapError> {
    Ok(jigap_core::vault::calibrate(&SystemClock, target_ms, max_memory_kib)?.into())
}

/// A QR code for a payload string.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrCode {
    /// Modules per side.
    pub size: u32,
    /// QR version (1–40).
    pub version: u8,
    /// Row-major `size × size`; `true` is dark. Draw with the platform's graphics.
    pub modules: Vec<bool>,
    /// An SVG rendering with a quiet zone.
    pub svg: String,
}

/// Encode `text` (a `JG…:` payload) as a QR code at error correction M.
#[uniffi::export(default(module_px = 4))]
pub fn qr_code(text: String, module_px: u32) -> Result<QrCode, JigapError> {
    let q = jigap_core::qr::QrImage::encode(&text)?;
    Ok(QrCode {
        size: q.size,
        version: q.version,
        svg: q.to_svg(module_px),
        modules: q.modules,
    })
}

/// The library version.
#[uniffi::export]
pub fn jigap_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
