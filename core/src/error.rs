//! What an app can do about an error, in one place for every binding.
//!
//! Each module has its own `thiserror` enum with sentences that say what was wrong; each binding
//! has one error type whose kinds apps switch on. [`ErrorClass`] is the bridge: the core decides
//! which kind a variant is, with an exhaustive match, so a new variant cannot slip into
//! `Internal` unnoticed and the Kotlin, Swift and JavaScript kinds always agree.

/// The kind of an error as apps see it (`JigapException.<Kind>`, `JigapError.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Malformed or unacceptable input; the message says which field and why.
    InvalidInput,
    /// A signature does not verify: the object was altered or forged.
    BadSignature,
    /// The issuer, gate or key is not trusted by the app.
    Untrusted,
    /// Already there.
    Duplicate,
    /// Past its validity.
    Expired,
    /// A limit would be passed (transfer rules, caps).
    LimitExceeded,
    /// A gate, merchant or verifier refused what was shown.
    Refused,
    /// Nothing with that id.
    NotFound,
    /// Anything else (a broken random source, a signing failure).
    Internal,
}

impl ErrorClass {
    /// The kind's name in every binding.
    ///
    /// ```
    /// assert_eq!(jigap_core::error::ErrorClass::BadSignature.name(), "BadSignature");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::InvalidInput => "InvalidInput",
            ErrorClass::BadSignature => "BadSignature",
            ErrorClass::Untrusted => "Untrusted",
            ErrorClass::Duplicate => "Duplicate",
            ErrorClass::Expired => "Expired",
            ErrorClass::LimitExceeded => "LimitExceeded",
            ErrorClass::Refused => "Refused",
            ErrorClass::NotFound => "NotFound",
            ErrorClass::Internal => "Internal",
        }
    }
}
