use jigap_core::error::ErrorClass;
use jigap_core::keys::KeysError;
use jigap_core::store::StoreError;
use jigap_core::vault::VaultError;
use jigap_core::wallet::WalletError;

/// The one error apps see. Each variant's message is the core's own text, which says what was
/// wrong and what to do (`JigapException.WrongPin: wrong PIN: 9 attempts left`).
#[derive(Debug, thiserror::Error, uniffi::Error)]
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
    /// Anything else (damaged data, random source failure).
    #[error("{0}")]
    Internal(String),
}

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

impl JigapError {
    /// The error apps see for a core error of `class`, with the core's message.
    pub(crate) fn classed(class: ErrorClass, message: String) -> JigapError {
        match class {
            ErrorClass::InvalidInput => JigapError::InvalidInput(message),
            ErrorClass::BadSignature => JigapError::BadSignature(message),
            ErrorClass::Untrusted => JigapError::Untrusted(message),
            ErrorClass::Duplicate => JigapError::Duplicate(message),
            ErrorClass::Expired => JigapError::Expired(message),
            ErrorClass::LimitExceeded => JigapError::LimitExceeded(message),
            ErrorClass::Refused => JigapError::Refused(message),
            ErrorClass::NotFound => JigapError::NotFound(message),
            ErrorClass::Internal => JigapError::Internal(message),
        }
    }
}

impl From<KeysError> for JigapError {
    fn from(e: KeysError) -> Self {
        match e {
            KeysError::KeystoreMac => JigapError::Authentication(e.to_string()),
            KeysError::Random(_) => JigapError::Internal(e.to_string()),
            _ => JigapError::InvalidInput(e.to_string()),
        }
    }
}

impl From<StoreError> for JigapError {
    fn from(e: StoreError) -> Self {
        JigapError::Storage(e.to_string())
    }
}

impl From<VaultError> for JigapError {
    fn from(e: VaultError) -> Self {
        let m = e.to_string();
        match e {
            VaultError::WrongPin { .. } => JigapError::WrongPin(m),
            VaultError::TooSoon { .. } => JigapError::TooSoon(m),
            VaultError::LockedOut(_) => JigapError::LockedOut(m),
            VaultError::Locked => JigapError::Locked(m),
            VaultError::Tampered(_) | VaultError::BackupAuthentication => {
                JigapError::Authentication(m)
            }
            VaultError::NotFound => JigapError::NotFound(m),
            VaultError::AlreadyExists => JigapError::AlreadyExists(m),
            VaultError::Store(_) => JigapError::Storage(m),
            VaultError::Protector(_) | VaultError::ProtectorMissing(_) => JigapError::Protector(m),
            VaultError::PinFormat
            | VaultError::RecordName(_)
            | VaultError::WeakPassphrase { .. }
            | VaultError::BackupCodeFormat
            | VaultError::Format(_) => JigapError::InvalidInput(m),
            _ => JigapError::Internal(m),
        }
    }
}

impl From<jigap_core::qr::QrError> for JigapError {
    fn from(e: jigap_core::qr::QrError) -> Self {
        JigapError::InvalidInput(e.to_string())
    }
}

impl From<jigap_core::voucher::VoucherError> for JigapError {
    fn from(e: jigap_core::voucher::VoucherError) -> Self {
        use jigap_core::voucher::VoucherError as V;
        let m = e.to_string();
        match e {
            V::Wallet(w) => w.into(),
            V::Qr(_) | V::InvalidGrant(_) | V::CurrencyMismatch { .. } | V::NotYourVoucher(_) => {
                JigapError::InvalidInput(m)
            }
            V::BadSignature(_) => JigapError::BadSignature(m),
            V::UntrustedIssuer(_) => JigapError::Untrusted(m),
            V::Duplicate(_) => JigapError::Duplicate(m),
            V::Expired(_) | V::RequestExpired(_) => JigapError::Expired(m),
            V::CannotPay { .. } => JigapError::CannotPay(m),
            V::HoldingCap { .. } | V::OfflineAllowance { .. } => JigapError::LimitExceeded(m),
            _ => JigapError::Internal(m),
        }
    }
}

impl From<jigap_core::voucher::RedemptionReject> for JigapError {
    fn from(e: jigap_core::voucher::RedemptionReject) -> Self {
        JigapError::Refused(e.to_string())
    }
}

impl From<jigap_core::env::RandomError> for JigapError {
    fn from(e: jigap_core::env::RandomError) -> Self {
        JigapError::Internal(e.to_string())
    }
}

impl From<WalletError> for JigapError {
    fn from(e: WalletError) -> Self {
        match e {
            WalletError::Keys(k) => k.into(),
            WalletError::Vault(v) => v.into(),
            WalletError::UnknownAccount(_) => JigapError::UnknownAccount(e.to_string()),
            _ => JigapError::Internal(e.to_string()),
        }
    }
}

impl From<jigap_core::credential::CredentialError> for JigapError {
    fn from(e: jigap_core::credential::CredentialError) -> Self {
        use jigap_core::credential::CredentialError as C;
        match (e.class(), e) {
            (Some(class), e) => JigapError::classed(class, e.to_string()),
            (None, C::Wallet(w)) => w.into(),
            (None, C::Vault(v)) => v.into(),
            (None, e) => JigapError::Internal(e.to_string()),
        }
    }
}
