//! The error apps' own stores and protectors throw. The error the core throws,
//! [`JigapError`], is the core's (`jigap_core::error::JigapError`).

pub use jigap_core::error::JigapError;

/// What an app's [`crate::Store`] or [`crate::KeyProtector`] throws. Any other exception thrown
/// there is turned into `Failed` with the exception's text.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ForeignError {
    /// The operation failed.
    #[error("{reason}")]
    Failed {
        /// Why, in words.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ForeignError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ForeignError::Failed { reason: e.reason }
    }
}
