//! What an app can do about an error, in one place for every binding.
//!
//! Each module has its own `thiserror` enum with sentences that say what was wrong; each binding
//! has one error type whose kinds apps switch on. [`ErrorClass`] is the bridge: every core error
//! enum implements [`Classify`] with an exhaustive match (no catch-all), so a new variant must
//! be given a kind before the code compiles, and the Kotlin exception subclasses, the Swift
//! cases and the TypeScript `kind` union are exactly [`ErrorClass::ALL`].

use crate::env::RandomError;
use crate::keys::KeysError;
use crate::qr::QrError;
use crate::store::StoreError;
use crate::vault::{ProtectorError, VaultError};
use crate::voucher::{RedemptionReject, VoucherError};
use crate::wallet::WalletError;

/// The kind of an error as apps see it (`JigapException.<Kind>`, `JigapError.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// Malformed or unacceptable input; the message says which field and why.
    InvalidInput,
    /// Wrong PIN; the message says how many attempts are left.
    WrongPin,
    /// Too many wrong PINs recently; the message says how long to wait.
    TooSoon,
    /// Locked out for good after too many wrong PINs.
    LockedOut,
    /// The wallet is locked: unlock it first.
    Locked,
    /// Stored data, a backup or a keystore failed authentication (altered, damaged, wrong key).
    Authentication,
    /// No wallet in this store.
    NotFound,
    /// A wallet already exists in this store.
    AlreadyExists,
    /// The store failed (including an exception thrown by an app's own store).
    Storage,
    /// The platform key protector failed or is missing.
    Protector,
    /// The address is not an account of this wallet.
    UnknownAccount,
    /// A signature does not verify: the object was altered or forged.
    BadSignature,
    /// The issuer, gate or key is not trusted by the app.
    Untrusted,
    /// Already there.
    Duplicate,
    /// Past its validity.
    Expired,
    /// The vouchers cannot pay this request; the message says why for each.
    CannotPay,
    /// A limit would be passed (holding cap, offline allowance, transfer rules).
    LimitExceeded,
    /// A merchant, gate or verifier refused what was shown.
    Refused,
    /// The node or server could not be reached, or answered something that is not its protocol.
    Network,
    /// Anything else (a broken random source, a signing failure, damaged data).
    Internal,
}

impl ErrorClass {
    /// Every kind, in the order the bindings list them.
    pub const ALL: [ErrorClass; 20] = [
        ErrorClass::InvalidInput,
        ErrorClass::WrongPin,
        ErrorClass::TooSoon,
        ErrorClass::LockedOut,
        ErrorClass::Locked,
        ErrorClass::Authentication,
        ErrorClass::NotFound,
        ErrorClass::AlreadyExists,
        ErrorClass::Storage,
        ErrorClass::Protector,
        ErrorClass::UnknownAccount,
        ErrorClass::BadSignature,
        ErrorClass::Untrusted,
        ErrorClass::Duplicate,
        ErrorClass::Expired,
        ErrorClass::CannotPay,
        ErrorClass::LimitExceeded,
        ErrorClass::Refused,
        ErrorClass::Network,
        ErrorClass::Internal,
    ];

    /// The kind's name in every binding.
    ///
    /// ```
    /// assert_eq!(jigap_core::error::ErrorClass::BadSignature.name(), "BadSignature");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::InvalidInput => "InvalidInput",
            ErrorClass::WrongPin => "WrongPin",
            ErrorClass::TooSoon => "TooSoon",
            ErrorClass::LockedOut => "LockedOut",
            ErrorClass::Locked => "Locked",
            ErrorClass::Authentication => "Authentication",
            ErrorClass::NotFound => "NotFound",
            ErrorClass::AlreadyExists => "AlreadyExists",
            ErrorClass::Storage => "Storage",
            ErrorClass::Protector => "Protector",
            ErrorClass::UnknownAccount => "UnknownAccount",
            ErrorClass::BadSignature => "BadSignature",
            ErrorClass::Untrusted => "Untrusted",
            ErrorClass::Duplicate => "Duplicate",
            ErrorClass::Expired => "Expired",
            ErrorClass::CannotPay => "CannotPay",
            ErrorClass::LimitExceeded => "LimitExceeded",
            ErrorClass::Refused => "Refused",
            ErrorClass::Network => "Network",
            ErrorClass::Internal => "Internal",
        }
    }
}

/// The TypeScript declaration of the kinds (`JigapError.kind` in the npm package): generated
/// into the package's types from here, and checked against [`ErrorClass::ALL`] by a test.
pub const TS_ERROR_KIND: &str = "/** What kind of error a `JigapError` is: one name per core error class. */
export type ErrorKind = 'InvalidInput' | 'WrongPin' | 'TooSoon' | 'LockedOut' | 'Locked' | 'Authentication' | 'NotFound' | 'AlreadyExists' | 'Storage' | 'Protector' | 'UnknownAccount' | 'BadSignature' | 'Untrusted' | 'Duplicate' | 'Expired' | 'CannotPay' | 'LimitExceeded' | 'Refused' | 'Network' | 'Internal';
";

#[cfg(feature = "wasm")]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const _TS_ERROR_KIND: &'static str = TS_ERROR_KIND;

/// An error that knows its [`ErrorClass`]. Implemented by every error enum of the core, each
/// with an exhaustive match; wrapped errors give the class of what they wrap.
pub trait Classify: std::fmt::Display {
    /// The kind apps see.
    fn class(&self) -> ErrorClass;
}

impl Classify for RandomError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Internal
    }
}

impl Classify for ProtectorError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Protector
    }
}

impl Classify for crate::bind::Bytes32Error {
    fn class(&self) -> ErrorClass {
        ErrorClass::InvalidInput
    }
}

impl Classify for KeysError {
    fn class(&self) -> ErrorClass {
        use KeysError as K;
        match self {
            K::KeystoreMac => ErrorClass::Authentication,
            K::Random(_) | K::Signing | K::Derivation => ErrorClass::Internal,
            K::BadSignature | K::HighS | K::WrongSigner { .. } => ErrorClass::BadSignature,
            K::UnknownLanguage(_)
            | K::LanguageNotBuilt(_)
            | K::WordCount(_)
            | K::EntropyLength(_)
            | K::UnknownWord { .. }
            | K::UnknownFirstWord
            | K::UnsupportedCharacter { .. }
            | K::Checksum
            | K::SeedLength(_)
            | K::BadPath(_)
            | K::ExtendedKey(_)
            | K::InvalidPrivateKey
            | K::InvalidPublicKey
            | K::SignatureLength(_)
            | K::SignatureV(_)
            | K::SignatureHex
            | K::BadAddress(_)
            | K::AddressChecksum(_)
            | K::TypedData(_)
            | K::Keystore(_)
            | K::Did(_) => ErrorClass::InvalidInput,
        }
    }
}

impl Classify for StoreError {
    fn class(&self) -> ErrorClass {
        match self {
            StoreError::Backend(_) | StoreError::Corrupt(_) | StoreError::Invalid(_) => {
                ErrorClass::Storage
            }
        }
    }
}

impl Classify for crate::store::conformance::ConformanceError {
    fn class(&self) -> ErrorClass {
        use crate::store::conformance::ConformanceError as C;
        match self {
            C::UnknownCase(_) => ErrorClass::InvalidInput,
            C::Broken(_) => ErrorClass::Storage,
        }
    }
}

impl Classify for VaultError {
    fn class(&self) -> ErrorClass {
        use VaultError as V;
        match self {
            V::WrongPin { .. } => ErrorClass::WrongPin,
            V::TooSoon { .. } => ErrorClass::TooSoon,
            V::LockedOut(_) => ErrorClass::LockedOut,
            V::Locked => ErrorClass::Locked,
            V::Tampered(_) | V::BackupAuthentication => ErrorClass::Authentication,
            V::NotFound => ErrorClass::NotFound,
            V::AlreadyExists => ErrorClass::AlreadyExists,
            V::Store(e) => e.class(),
            V::Protector(_) | V::ProtectorMissing(_) => ErrorClass::Protector,
            V::PinFormat
            | V::RecordName(_)
            | V::WeakPassphrase { .. }
            | V::BackupCodeFormat
            | V::Format(_) => ErrorClass::InvalidInput,
            V::Random(_) => ErrorClass::Internal,
        }
    }
}

impl Classify for WalletError {
    fn class(&self) -> ErrorClass {
        match self {
            WalletError::Keys(e) => e.class(),
            WalletError::Vault(e) => e.class(),
            WalletError::UnknownAccount(_) => ErrorClass::UnknownAccount,
            WalletError::Corrupt(_) => ErrorClass::Internal,
        }
    }
}

impl Classify for QrError {
    fn class(&self) -> ErrorClass {
        match self {
            QrError::WrongType { .. }
            | QrError::Base45
            | QrError::Length(_)
            | QrError::Version { .. }
            | QrError::Cbor(_)
            | QrError::TooLarge(_) => ErrorClass::InvalidInput,
        }
    }
}

impl Classify for VoucherError {
    fn class(&self) -> ErrorClass {
        use VoucherError as V;
        match self {
            V::Wallet(e) => e.class(),
            V::Qr(e) => e.class(),
            V::InvalidGrant(_)
            | V::CurrencyMismatch { .. }
            | V::NotYourVoucher(_)
            | V::OtherDomain { .. } => ErrorClass::InvalidInput,
            V::BadSignature(_) => ErrorClass::BadSignature,
            V::UntrustedIssuer(_) => ErrorClass::Untrusted,
            V::Duplicate(_) => ErrorClass::Duplicate,
            V::Expired(_) | V::RequestExpired(_) => ErrorClass::Expired,
            V::CannotPay { .. } => ErrorClass::CannotPay,
            V::HoldingCap { .. } | V::OfflineAllowance { .. } => ErrorClass::LimitExceeded,
            V::UnknownVoucher(_) | V::UnknownRedemption(_) => ErrorClass::NotFound,
            V::NotApplicable(_) => ErrorClass::Refused,
            V::Overflow | V::Corrupt(_) => ErrorClass::Internal,
            V::Chain(e) => e.class(),
        }
    }
}

impl Classify for RedemptionReject {
    fn class(&self) -> ErrorClass {
        match self {
            RedemptionReject::Storage(_) => ErrorClass::Storage,
            RedemptionReject::OtherDomain { .. } => ErrorClass::InvalidInput,
            RedemptionReject::Malformed(_)
            | RedemptionReject::WrongRequest
            | RedemptionReject::WrongMerchant
            | RedemptionReject::TotalMismatch
            | RedemptionReject::Expired
            | RedemptionReject::ClockSkew { .. }
            | RedemptionReject::HolderSignature
            | RedemptionReject::MissingGrant(_)
            | RedemptionReject::GrantSignature(_)
            | RedemptionReject::UntrustedIssuer(_)
            | RedemptionReject::NotHolders(_)
            | RedemptionReject::Currency(_)
            | RedemptionReject::OverAllocated(_)
            | RedemptionReject::Purpose(..)
            | RedemptionReject::Limit(_)
            | RedemptionReject::DuplicateVoucher
            | RedemptionReject::SequenceReused(..) => ErrorClass::Refused,
        }
    }
}

impl Classify for crate::evm::EvmError {
    fn class(&self) -> ErrorClass {
        use crate::evm::{EvmError as E, RpcError as R};
        match self {
            E::Keys(e) => e.class(),
            E::Wallet(e) => e.class(),
            E::Vault(e) => e.class(),
            E::InvalidTransaction(_)
            | E::ZeroChainId
            | E::WrongChain { .. }
            | E::Malformed(_)
            | E::Abi(_)
            | E::FlowState(_) => ErrorClass::InvalidInput,
            E::BadReply(_) | E::Transport(_) => ErrorClass::Network,
            E::NotApproved => ErrorClass::Refused,
            E::UnknownPending(_) => ErrorClass::NotFound,
            E::Rpc(R::InsufficientFunds(_)) => ErrorClass::CannotPay,
            E::Rpc(
                R::NonceTooLow(_) | R::Underpriced(_) | R::Reverted { .. } | R::Other { .. },
            ) => ErrorClass::Refused,
        }
    }
}

#[cfg(feature = "tickets")]
impl Classify for crate::ticket::TicketError {
    fn class(&self) -> ErrorClass {
        use crate::ticket::TicketError as T;
        match self {
            T::Keys(e) => e.class(),
            T::Wallet(e) => e.class(),
            T::Vault(e) => e.class(),
            T::Qr(_)
            | T::Invalid { .. }
            | T::Malformed { .. }
            | T::NotHolder(_)
            | T::PassKeyMismatch
            | T::StaleGrant { .. }
            | T::ConflictingGrant
            | T::SameHolder
            | T::BadTransferRequest(_)
            | T::NoTransferPending
            | T::GateConfig(_)
            | T::BadReceipt(_)
            | T::BadExport(_) => ErrorClass::InvalidInput,
            T::UntrustedIssuer(_) | T::UnauthorizedGate => ErrorClass::Untrusted,
            T::BadIssuerSignature
            | T::BadIdentityProof(_)
            | T::BadHolderSignature
            | T::BadGateSignature(_) => ErrorClass::BadSignature,
            T::NotFound(_) => ErrorClass::NotFound,
            T::AlreadyIssued(_) => ErrorClass::Duplicate,
            T::NotTransferable
            | T::WrongCurrency { .. }
            | T::OverPriceCap { .. }
            | T::TooManyTransfers { .. } => ErrorClass::LimitExceeded,
            T::StaleWindow { .. } | T::TooLate { .. } | T::EventEnded { .. } => ErrorClass::Expired,
            T::AlreadyUsed { .. }
            | T::Transferred { .. }
            | T::TransferPending { .. }
            | T::GrantSuperseded
            | T::WrongEvent { .. }
            | T::TooEarly { .. }
            | T::AlreadyEntered { .. }
            | T::Superseded { .. }
            | T::NotOnChain(_) => ErrorClass::Refused,
            T::Chain(e) => e.class(),
            T::Random(_) | T::Signing => ErrorClass::Internal,
        }
    }
}

#[cfg(feature = "credentials")]
impl Classify for crate::credential::CredentialError {
    fn class(&self) -> ErrorClass {
        use crate::credential::CredentialError as E;
        match self {
            E::Wallet(e) => e.class(),
            E::Vault(e) => e.class(),
            E::BadSignature(_) | E::Disclosure(_) => ErrorClass::BadSignature,
            E::UntrustedIssuer(_) | E::UnknownIssuerKey(_) => ErrorClass::Untrusted,
            E::Expired { .. } | E::Stale { .. } => ErrorClass::Expired,
            E::NonceMismatch
            | E::AudienceMismatch(_)
            | E::KeyBinding(_)
            | E::HolderBinding(_)
            | E::NotYetValid { .. }
            | E::IssuedInFuture { .. }
            | E::Revoked
            | E::Suspended
            | E::Status(_) => ErrorClass::Refused,
            E::NotFound(_) => ErrorClass::NotFound,
            E::TooLarge { .. }
            | E::Malformed(_)
            | E::UnsupportedAlgorithm(_)
            | E::AlgorithmMismatch { .. }
            | E::Key(_)
            | E::Did(_)
            | E::Badge(_)
            | E::UnknownClaimPath { .. }
            | E::Unsupported(_) => ErrorClass::InvalidInput,
            E::Random(_) => ErrorClass::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TypeScript union lists exactly the kinds, in order.
    #[test]
    fn typescript_kinds_are_exactly_the_error_classes() {
        let union = TS_ERROR_KIND
            .split("ErrorKind = ")
            .nth(1)
            .and_then(|u| u.split(';').next())
            .unwrap_or_default();
        let names: Vec<&str> = union.split(" | ").map(|n| n.trim_matches('\'')).collect();
        let all: Vec<&str> = ErrorClass::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names, all);
    }

    #[test]
    fn every_class_has_a_distinct_name() {
        let mut names: Vec<&str> = ErrorClass::ALL.iter().map(|c| c.name()).collect();
        crate::util::sort_by(&mut names, |a, b| a.cmp(b));
        names.dedup();
        assert_eq!(names.len(), ErrorClass::ALL.len());
    }
}

/// The UniFFI error: one variant per [`ErrorClass`], named the same, carrying the core's message
/// (`JigapException.WrongPin: wrong PIN: 9 attempts left` in Kotlin, `JigapError.wrongPin` in
/// Swift). Every core error converts into it through [`Classify`], including a malformed
/// address or id handed to a binding (the string types' conversions raise it).
#[cfg(feature = "uniffi")]
mod ffi {
    use super::{Classify, ErrorClass};

    /// The one error apps see. Each variant's message is the core's own text, which says what was
    /// wrong and what to do (`JigapException.WrongPin: wrong PIN: 9 attempts left`).
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
    #[uniffi(flat_error)]
    pub enum JigapError {
        /// Malformed or unacceptable input (mnemonic, address, signature, typed data, keystore…).
        #[error("{0}")]
        InvalidInput(String),
        /// Wrong PIN; the message says how many attempts are left.
        #[error("{0}")]
        WrongPin(String),
        /// Too many wrong PINs recently; the message says how long to wait.
        #[error("{0}")]
        TooSoon(String),
        /// Locked out for good after too many wrong PINs.
        #[error("{0}")]
        LockedOut(String),
        /// The wallet is locked: unlock it first.
        #[error("{0}")]
        Locked(String),
        /// Stored data or a backup failed authentication (altered or damaged), or a keystore MAC.
        #[error("{0}")]
        Authentication(String),
        /// No wallet in this store.
        #[error("{0}")]
        NotFound(String),
        /// A wallet already exists in this store.
        #[error("{0}")]
        AlreadyExists(String),
        /// The store failed (including an exception thrown by an app's own store).
        #[error("{0}")]
        Storage(String),
        /// The platform key protector failed or is missing.
        #[error("{0}")]
        Protector(String),
        /// The address is not an account of this wallet.
        #[error("{0}")]
        UnknownAccount(String),
        /// A signature does not verify: the object was altered or forged.
        #[error("{0}")]
        BadSignature(String),
        /// The issuer (or gate, or verifier) is not trusted by the app.
        #[error("{0}")]
        Untrusted(String),
        /// Already there (a voucher, ticket or credential imported twice).
        #[error("{0}")]
        Duplicate(String),
        /// Past its validity (a voucher, request, ticket window or credential).
        #[error("{0}")]
        Expired(String),
        /// The vouchers cannot pay this request; the message says why for each.
        #[error("{0}")]
        CannotPay(String),
        /// A limit of the issuer would be passed (holding cap, offline allowance, transfer rules).
        #[error("{0}")]
        LimitExceeded(String),
        /// A merchant, gate or verifier refused what was shown; the message says why.
        #[error("{0}")]
        Refused(String),
        /// The node or server could not be reached, or answered something that is not its protocol.
        #[error("{0}")]
        Network(String),
        /// Anything else (damaged data, random source failure).
        #[error("{0}")]
        Internal(String),
    }

    impl JigapError {
        /// The error apps see for a core error of `class`, with the core's message.
        pub fn classed(class: ErrorClass, message: String) -> JigapError {
            match class {
                ErrorClass::InvalidInput => JigapError::InvalidInput(message),
                ErrorClass::WrongPin => JigapError::WrongPin(message),
                ErrorClass::TooSoon => JigapError::TooSoon(message),
                ErrorClass::LockedOut => JigapError::LockedOut(message),
                ErrorClass::Locked => JigapError::Locked(message),
                ErrorClass::Authentication => JigapError::Authentication(message),
                ErrorClass::NotFound => JigapError::NotFound(message),
                ErrorClass::AlreadyExists => JigapError::AlreadyExists(message),
                ErrorClass::Storage => JigapError::Storage(message),
                ErrorClass::Protector => JigapError::Protector(message),
                ErrorClass::UnknownAccount => JigapError::UnknownAccount(message),
                ErrorClass::BadSignature => JigapError::BadSignature(message),
                ErrorClass::Untrusted => JigapError::Untrusted(message),
                ErrorClass::Duplicate => JigapError::Duplicate(message),
                ErrorClass::Expired => JigapError::Expired(message),
                ErrorClass::CannotPay => JigapError::CannotPay(message),
                ErrorClass::LimitExceeded => JigapError::LimitExceeded(message),
                ErrorClass::Refused => JigapError::Refused(message),
                ErrorClass::Network => JigapError::Network(message),
                ErrorClass::Internal => JigapError::Internal(message),
            }
        }
    }

    impl<E: Classify> From<E> for JigapError {
        fn from(e: E) -> JigapError {
            JigapError::classed(e.class(), e.to_string())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// One variant per kind, named the same (the Kotlin exception subclasses and the Swift
        /// cases are generated from these variants).
        #[test]
        fn variants_are_exactly_the_error_classes() {
            for class in ErrorClass::ALL {
                let e = JigapError::classed(class, "m".into());
                assert!(format!("{e:?}").starts_with(&format!("{}(", class.name())));
            }
        }
    }
}

#[cfg(feature = "uniffi")]
pub use ffi::JigapError;
