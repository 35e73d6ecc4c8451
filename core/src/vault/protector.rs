//! A platform key protector: Android Keystore, the iOS Secure Enclave or WebCrypto wrapping
//! the data key a second time, so a copy of the store alone is not enough even with the PIN.

/// Wraps and unwraps the (already PIN-wrapped) data key with a key the platform holds.
///
/// Apps implement this in Kotlin, Swift or JavaScript. `unwrap(wrap(x))` must return `x`; a
/// failure (key deleted, user cancelled biometrics) is reported as an error, never a panic.
pub trait KeyProtector: Send + Sync {
    /// A stable identifier recorded in the vault header (for example `android-keystore:jigap`).
    fn id(&self) -> String;
    /// Encrypt `data` with the platform key.
    fn wrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ProtectorError>;
    /// Decrypt what `wrap` produced.
    fn unwrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ProtectorError>;
}

/// The key protector failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the platform key protector failed: {0}")]
pub struct ProtectorError(pub String);
