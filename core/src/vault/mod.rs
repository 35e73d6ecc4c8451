//! The encrypted vault: envelope encryption over a [`Store`].
//!
//! A random 256-bit **data key** encrypts every record (AES-256-GCM, a fresh nonce each time,
//! associated data binding the vault, the format version, the namespace and the id). The data
//! key itself is wrapped by a key derived from the PIN with Argon2id — and optionally a second
//! time by a platform [`KeyProtector`]. Changing the PIN re-wraps only the data key.
//!
//! Store keys are keyed hashes of (namespace, id): the store learns neither. The header (KDF,
//! parameters, cipher, format version) is self-describing, so parameters can be raised later
//! and old vaults still open; they are re-wrapped on unlock when the app asks for stronger ones.
//!
//! Wrong PINs are counted in the store (the counter survives reopening), with growing delays
//! and a lockout (10 attempts by default). Time comes from the injected [`Env`]: the core never
//! sleeps, it answers "try again in N seconds".

mod backup;
mod kdf;
mod protector;

pub use backup::{
    Backup, BackupCode, BackupInfo, BackupProtection, BackupSecret, MIN_PASSPHRASE_BITS,
    WalletBackup, passphrase_bits,
};
pub use kdf::{KdfParams, calibrate};
pub use protector::{KeyProtector, ProtectorError};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock, Weak};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::env::{Env, RandomError};
use crate::store::{Op, Store, StoreError};
use crate::util::{hex0x, unhex};

/// Vault format version written by this build.
pub const FORMAT_VERSION: u32 = 1;
const MAGIC: &str = "jigap-vault";
const HEADER_KEY: &[u8] = b"jigap/header";
const PIN_STATE_KEY: &[u8] = b"jigap/pin-state";
/// Record format written now: the plaintext names its namespace too (format 1 did not), so a
/// re-key can rebuild every store key. Both are read.
const RECORD_FORMAT: u8 = 2;
const RECORD_FORMAT_V1: u8 = 1;

/// Every namespace the core writes, for re-keying records of format 1 (whose plaintext does
/// not name their namespace: it is found by its keyed tag).
const KNOWN_NAMESPACES: &[&str] = &[
    "keys",
    "keys.imported",
    "voucher",
    "voucher.redemption",
    "voucher.config",
    "voucher.journal",
    "merchant.seen",
    "merchant.voucher",
    "tickets",
    "credentials",
];
const NS_TAG_LEN: usize = 8;
const ID_TAG_LEN: usize = 24;
const NONCE_LEN: usize = 12;

/// What went wrong in the vault.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// No vault in this store.
    #[error("there is no wallet in this storage yet; create one or restore a backup")]
    NotFound,
    /// A vault already exists.
    #[error("this storage already holds a wallet; open it instead, or use empty storage")]
    AlreadyExists,
    /// The vault is locked.
    #[error("the wallet is locked; unlock it with the PIN first")]
    Locked,
    /// Wrong PIN.
    #[error("wrong PIN: {attempts_left} attempts left{}", delay_text(*retry_after_secs))]
    WrongPin {
        /// Attempts before lockout.
        attempts_left: u32,
        /// Seconds before the next attempt is allowed (0: now).
        retry_after_secs: u64,
    },
    /// Too soon after a wrong PIN.
    #[error(
        "too many wrong PINs: wait {retry_after_secs} s before trying again ({attempts_left} attempts left)"
    )]
    TooSoon {
        /// Seconds to wait.
        retry_after_secs: u64,
        /// Attempts before lockout.
        attempts_left: u32,
    },
    /// Locked out for good.
    #[error(
        "the wallet is locked after {0} wrong PINs; restore it from the recovery phrase or a backup"
    )]
    LockedOut(u32),
    /// A PIN that is too short or too long.
    #[error("the PIN must be 4 to 256 characters")]
    PinFormat,
    /// Authentication failure of stored data.
    #[error(
        "stored data failed authentication ({0}): the storage was altered or damaged; nothing was changed — restore from a backup"
    )]
    Tampered(String),
    /// Malformed header or backup.
    #[error("vault format problem: {0}")]
    Format(String),
    /// A backup could not be authenticated.
    #[error(
        "the backup could not be opened: wrong backup code, passphrase or (for an old backup) PIN, or the file was altered or damaged"
    )]
    BackupAuthentication,
    /// A backup passphrase too weak to protect a file an attacker can attack offline.
    #[error(
        "this passphrase is too guessable for a backup (about {estimated_bits} bits; at least {required_bits} needed): use a backup code, or a longer passphrase such as seven random words"
    )]
    WeakPassphrase {
        /// The conservative estimate of its entropy.
        estimated_bits: u32,
        /// The floor.
        required_bits: u32,
    },
    /// A backup code that is not 32 digits.
    #[error(
        "a backup code is 32 digits in 8 groups of 4 (spaces and dashes are ignored); check what was typed"
    )]
    BackupCodeFormat,
    /// The platform protector is needed or failed.
    #[error(transparent)]
    Protector(#[from] ProtectorError),
    /// The vault needs a protector that was not supplied.
    #[error(
        "this wallet is also protected by the platform key '{0}'; open it with that key protector"
    )]
    ProtectorMissing(String),
    /// A bad namespace or id.
    #[error("invalid record name: {0}")]
    RecordName(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The random source failed.
    #[error(transparent)]
    Random(#[from] RandomError),
}

fn delay_text(secs: u64) -> String {
    if secs == 0 {
        String::new()
    } else {
        format!("; wait {secs} s before the next attempt")
    }
}

/// How wrong PINs are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinPolicy {
    /// Wrong PINs before lockout.
    pub max_attempts: u32,
    /// Wrong PINs allowed without any delay.
    pub free_attempts: u32,
    /// Delay after the first delayed failure, doubled after each further one.
    pub base_delay_secs: u64,
    /// Ceiling on the delay.
    pub max_delay_secs: u64,
}

impl Default for PinPolicy {
    fn default() -> Self {
        PinPolicy {
            max_attempts: 10,
            free_attempts: 3,
            base_delay_secs: 30,
            max_delay_secs: 3600,
        }
    }
}

impl PinPolicy {
    /// Seconds to wait after `failures` consecutive wrong PINs.
    ///
    /// ```
    /// use jigap_core::vault::PinPolicy;
    /// let p = PinPolicy::default();
    /// assert_eq!((p.delay_secs(3), p.delay_secs(4), p.delay_secs(5)), (0, 30, 60));
    /// assert_eq!(p.delay_secs(50), 3600);
    /// ```
    pub fn delay_secs(&self, failures: u32) -> u64 {
        if failures <= self.free_attempts {
            return 0;
        }
        let doublings = (failures - self.free_attempts - 1).min(32);
        self.base_delay_secs
            .saturating_mul(1u64 << doublings)
            .min(self.max_delay_secs)
    }
}

/// Options for creating and opening a vault.
#[derive(Clone)]
pub struct VaultOptions {
    /// Argon2id parameters for new wrappings (create, PIN change, and re-wrap on unlock when
    /// the stored ones are weaker and `upgrade_kdf` is set).
    pub kdf: KdfParams,
    /// Re-wrap on unlock when the header's parameters cost less than `kdf`.
    pub upgrade_kdf: bool,
    /// Wrong-PIN handling.
    pub pin_policy: PinPolicy,
    /// Optional platform key protector.
    pub protector: Option<Arc<dyn KeyProtector>>,
}

impl Default for VaultOptions {
    fn default() -> Self {
        VaultOptions {
            kdf: KdfParams::DEFAULT,
            upgrade_kdf: true,
            pin_policy: PinPolicy::default(),
            protector: None,
        }
    }
}

impl VaultOptions {
    /// Weak Argon2id parameters for tests and the labelled demo. Never for real wallets.
    pub fn fast_for_tests() -> VaultOptions {
        VaultOptions {
            kdf: KdfParams::FAST_INSECURE,
            ..VaultOptions::default()
        }
    }
}

impl std::fmt::Debug for VaultOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultOptions")
            .field("kdf", &self.kdf)
            .field("upgrade_kdf", &self.upgrade_kdf)
            .field("pin_policy", &self.pin_policy)
            .field("protector", &self.protector.as_ref().map(|p| p.id()))
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    magic: String,
    format: u32,
    vault_id: String,
    kdf_alg: String,
    #[serde(with = "kdf::header_form")]
    kdf: KdfParams,
    salt: String,
    cipher: String,
    wrapped_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    protector: Option<String>,
    created_at_ms: u64,
}

impl Header {
    fn parse(bytes: &[u8]) -> Result<Header, VaultError> {
        let h: Header = serde_json::from_slice(bytes)
            .map_err(|e| VaultError::Format(format!("header is not readable: {e}")))?;
        if h.magic != MAGIC {
            return Err(VaultError::Format("not a jigap vault header".into()));
        }
        if h.format > FORMAT_VERSION {
            return Err(VaultError::Format(format!(
                "vault format {} is newer than this jigap (format {FORMAT_VERSION}); update the app",
                h.format
            )));
        }
        if h.format == 0 {
            return Err(VaultError::Format("vault format 0 does not exist".into()));
        }
        if h.kdf_alg != "argon2id-v19" || h.cipher != "aes-256-gcm" {
            return Err(VaultError::Format(format!(
                "unsupported algorithms {} / {}",
                h.kdf_alg, h.cipher
            )));
        }
        h.kdf.check()?;
        Ok(h)
    }

    fn vault_id(&self) -> Result<[u8; 16], VaultError> {
        unhex(&self.vault_id)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| VaultError::Format("vault id is not 16 hex bytes".into()))
    }

    fn salt(&self) -> Result<Vec<u8>, VaultError> {
        unhex(&self.salt).map_err(|_| VaultError::Format("salt is not hex".into()))
    }

    fn to_bytes(&self) -> Result<Vec<u8>, VaultError> {
        serde_json::to_vec(self).map_err(|e| VaultError::Format(e.to_string()))
    }
}

#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize)]
struct PinState {
    failures: u32,
    last_failure_ms: u64,
}

/// The unlocked keys. Zeroized on drop.
struct Keys {
    data_key: Zeroizing<[u8; 32]>,
    record_key: Zeroizing<[u8; 32]>,
    index_key: Zeroizing<[u8; 32]>,
    vault_id: [u8; 16],
}

impl Keys {
    fn new(data_key: Zeroizing<[u8; 32]>, vault_id: [u8; 16]) -> Keys {
        let hk = Hkdf::<Sha256>::new(Some(&vault_id), &*data_key);
        let mut record_key = Zeroizing::new([0u8; 32]);
        let mut index_key = Zeroizing::new([0u8; 32]);
        // Both lengths are valid for HKDF-SHA256, so expand cannot fail.
        let _ = hk.expand(b"jigap record key v1", &mut *record_key);
        let _ = hk.expand(b"jigap index key v1", &mut *index_key);
        Keys {
            data_key,
            record_key,
            index_key,
            vault_id,
        }
    }

    fn tag(&self, parts: &[&[u8]], out: &mut [u8]) {
        // HMAC pads keys shorter than the block with zeros; doing it here keeps this infallible.
        let mut block = Zeroizing::new([0u8; 64]);
        block[..32].copy_from_slice(&*self.index_key);
        let mut mac = <Hmac<Sha256> as KeyInit>::new(&(*block).into());
        for p in parts {
            mac.update(&(p.len() as u32).to_be_bytes());
            mac.update(p);
        }
        let full = mac.finalize().into_bytes();
        out.copy_from_slice(&full[..out.len()]);
    }

    fn ns_prefix(&self, ns: &str) -> [u8; NS_TAG_LEN] {
        let mut t = [0u8; NS_TAG_LEN];
        self.tag(&[b"ns", ns.as_bytes()], &mut t);
        t
    }

    fn store_key(&self, ns: &str, id: &str) -> Vec<u8> {
        let mut k = vec![0u8; NS_TAG_LEN + ID_TAG_LEN];
        k[..NS_TAG_LEN].copy_from_slice(&self.ns_prefix(ns));
        self.tag(&[b"id", ns.as_bytes(), id.as_bytes()], &mut k[NS_TAG_LEN..]);
        k
    }

    fn aad(&self, format: u8, store_key: &[u8]) -> Vec<u8> {
        let mut aad = Vec::with_capacity(9 + 1 + 16 + store_key.len());
        aad.extend_from_slice(b"jigap/rec");
        aad.push(format);
        aad.extend_from_slice(&self.vault_id);
        aad.extend_from_slice(store_key);
        aad
    }

    fn seal(
        &self,
        env: &Env,
        ns: &str,
        store_key: &[u8],
        id: &str,
        value: &[u8],
    ) -> Result<Vec<u8>, VaultError> {
        // Names are checked before (ns ≤ 64 bytes, id ≤ 1024), so the lengths fit.
        let mut plain = Zeroizing::new(Vec::with_capacity(3 + ns.len() + id.len() + value.len()));
        plain.push(ns.len() as u8);
        plain.extend_from_slice(ns.as_bytes());
        plain.extend_from_slice(&(id.len() as u16).to_be_bytes());
        plain.extend_from_slice(id.as_bytes());
        plain.extend_from_slice(value);
        let nonce: [u8; NONCE_LEN] = env.random_array()?;
        let ct = aes_encrypt(
            &self.record_key,
            &nonce,
            &plain,
            &self.aad(RECORD_FORMAT, store_key),
        )?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
        out.push(RECORD_FORMAT);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypt a stored value: (namespace if the record names it, id, payload).
    fn decrypt(&self, store_key: &[u8], value: &[u8]) -> Option<DecryptedRecord> {
        let format = *value.first()?;
        if value.len() < 1 + NONCE_LEN + 16 || !matches!(format, RECORD_FORMAT | RECORD_FORMAT_V1) {
            return None;
        }
        let plain = aes_decrypt(
            &self.record_key,
            &value[1..1 + NONCE_LEN],
            &value[1 + NONCE_LEN..],
            &self.aad(format, store_key),
        )
        .ok()?;
        let mut at = 0usize;
        let ns = if format == RECORD_FORMAT {
            let n = usize::from(*plain.first()?);
            let ns = std::str::from_utf8(plain.get(1..1 + n)?).ok()?.to_string();
            at = 1 + n;
            Some(ns)
        } else {
            None
        };
        let len = plain.get(at..at + 2)?;
        let id_len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let id = std::str::from_utf8(plain.get(at + 2..at + 2 + id_len)?)
            .ok()?
            .to_string();
        let payload = Zeroizing::new(plain.get(at + 2 + id_len..)?.to_vec());
        Some((ns, id, payload))
    }

    /// Decrypt a stored value found under `ns`; returns (id, payload).
    fn open(
        &self,
        ns: &str,
        store_key: &[u8],
        value: &[u8],
    ) -> Result<(String, Zeroizing<Vec<u8>>), VaultError> {
        let tampered = || VaultError::Tampered(format!("a '{ns}' record"));
        let (named, id, payload) = self.decrypt(store_key, value).ok_or_else(tampered)?;
        if named.as_deref().is_some_and(|n| n != ns) {
            return Err(tampered());
        }
        // The id inside must hash to the slot it was found in.
        if self.store_key(ns, &id) != store_key {
            return Err(tampered());
        }
        Ok((id, payload))
    }
}

/// A decrypted record: namespace (format 2), id, payload.
type DecryptedRecord = (Option<String>, String, Zeroizing<Vec<u8>>);

fn aes_encrypt(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    plain: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, VaultError> {
    let cipher = Aes256Gcm::new(key.into());
    cipher
        .encrypt(&Nonce::from(*nonce), Payload { msg: plain, aad })
        .map_err(|_| VaultError::Format("encryption failed".into()))
}

fn aes_decrypt(
    key: &[u8; 32],
    nonce: &[u8],
    ct: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ()> {
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| ())?;
    let cipher = Aes256Gcm::new(key.into());
    cipher
        .decrypt(&Nonce::from(nonce), Payload { msg: ct, aad })
        .map(Zeroizing::new)
        .map_err(|_| ())
}

fn wrap_aad(vault_id: &[u8; 16]) -> Vec<u8> {
    [b"jigap/data-key/v1".as_slice(), vault_id].concat()
}

/// Wrap the data key with a PIN-derived key: `nonce ‖ AES-256-GCM(dk)`.
fn wrap_data_key(
    env: &Env,
    pin_key: &[u8; 32],
    dk: &[u8; 32],
    vault_id: &[u8; 16],
) -> Result<Vec<u8>, VaultError> {
    let nonce: [u8; NONCE_LEN] = env.random_array()?;
    let ct = aes_encrypt(pin_key, &nonce, dk, &wrap_aad(vault_id))?;
    Ok([nonce.as_slice(), &ct].concat())
}

fn unwrap_data_key(
    pin_key: &[u8; 32],
    wrapped: &[u8],
    vault_id: &[u8; 16],
) -> Option<Zeroizing<[u8; 32]>> {
    if wrapped.len() != NONCE_LEN + 32 + 16 {
        return None;
    }
    let plain = aes_decrypt(
        pin_key,
        &wrapped[..NONCE_LEN],
        &wrapped[NONCE_LEN..],
        &wrap_aad(vault_id),
    )
    .ok()?;
    let mut dk = Zeroizing::new([0u8; 32]);
    dk.copy_from_slice(plain.get(..32)?);
    Some(dk)
}

fn check_pin(pin: &[u8]) -> Result<(), VaultError> {
    if (4..=256).contains(&pin.len()) {
        Ok(())
    } else {
        Err(VaultError::PinFormat)
    }
}

fn check_name(ns: &str, id: &str) -> Result<(), VaultError> {
    if ns.is_empty() || ns.len() > 64 || !ns.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(VaultError::RecordName(format!(
            "namespace '{ns}' must be 1–64 visible ASCII characters"
        )));
    }
    if id.len() > 1024 {
        return Err(VaultError::RecordName("id longer than 1024 bytes".into()));
    }
    Ok(())
}

/// A decrypted record: its id and value.
pub type Record = (String, Zeroizing<Vec<u8>>);

/// One change: namespace, id, and the new value (`None` deletes).
type Change = (String, String, Option<Zeroizing<Vec<u8>>>);

/// A set of record changes applied all together or not at all.
#[derive(Default)]
pub struct RecordBatch {
    ops: Vec<Change>,
}

impl RecordBatch {
    /// An empty batch.
    pub fn new() -> RecordBatch {
        RecordBatch::default()
    }
    /// Write `value` at (`ns`, `id`).
    pub fn put(&mut self, ns: &str, id: &str, value: Vec<u8>) -> &mut Self {
        self.ops
            .push((ns.into(), id.into(), Some(Zeroizing::new(value))));
        self
    }
    /// Remove (`ns`, `id`).
    pub fn delete(&mut self, ns: &str, id: &str) -> &mut Self {
        self.ops.push((ns.into(), id.into(), None));
        self
    }
    /// Number of changes.
    pub fn len(&self) -> usize {
        self.ops.len()
    }
    /// No changes.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// The encrypted vault. `Send + Sync`; every method takes `&self`.
///
/// ```
/// use std::sync::Arc;
/// use jigap_core::{env::Env, store::MemoryStore, vault::{Vault, VaultOptions, VaultError}};
/// let store = Arc::new(MemoryStore::new());
/// let v = Vault::create(store.clone(), Env::system(), b"1234", VaultOptions::fast_for_tests()).unwrap();
/// v.put("notes", "n1", b"hello").unwrap();
/// v.lock();
/// assert!(matches!(v.get("notes", "n1"), Err(VaultError::Locked)));
/// let v = Vault::open(store, Env::system(), VaultOptions::fast_for_tests()).unwrap();
/// assert!(matches!(v.unlock(b"0000"), Err(VaultError::WrongPin { attempts_left: 9, .. })));
/// v.unlock(b"1234").unwrap();
/// assert_eq!(&v.get("notes", "n1").unwrap().unwrap()[..], b"hello");
/// ```
pub struct Vault {
    store: Arc<dyn Store>,
    env: Env,
    options: VaultOptions,
    vault_id: [u8; 16],
    header: RwLock<Header>,
    keys: RwLock<Option<Arc<Keys>>>,
    /// Serialises PIN checks (and the header writes that follow them) across every object of
    /// this process on this vault, so the failure counter is exact and a PIN change is never
    /// undone by a concurrent re-wrap.
    pin_lock: Arc<Mutex<()>>,
}

/// Locks shared by every object of this process working on one vault (by vault id): two
/// `VoucherWallet`s on one wallet, or one wallet opened twice, serialise their
/// read-modify-write cycles on the same lock instead of each on its own.
type LockRegistry = Mutex<HashMap<([u8; 16], &'static str), Weak<Mutex<()>>>>;
static FEATURE_LOCKS: OnceLock<LockRegistry> = OnceLock::new();

/// State shared by every object of this process on one vault *and* one store object: two
/// `Wallet::open`s of the same store share one voucher ledger instead of reloading it in turn.
/// (The store is part of the key: a backup restored into another store keeps the vault id.)
type StateKey = ([u8; 16], usize, &'static str);
type StateRegistry = Mutex<HashMap<StateKey, Weak<dyn std::any::Any + Send + Sync>>>;
static FEATURE_STATE: OnceLock<StateRegistry> = OnceLock::new();

fn shared_lock(vault_id: [u8; 16], feature: &'static str) -> Arc<Mutex<()>> {
    let registry = FEATURE_LOCKS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = registry
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(l) = map.get(&(vault_id, feature)).and_then(Weak::upgrade) {
        return l;
    }
    map.retain(|_, w| w.strong_count() > 0);
    let l = Arc::new(Mutex::new(()));
    map.insert((vault_id, feature), Arc::downgrade(&l));
    l
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("unlocked", &self.is_unlocked())
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// Whether `store` already holds a vault.
    pub fn exists(store: &dyn Store) -> Result<bool, VaultError> {
        Ok(store.get(HEADER_KEY)?.is_some())
    }

    /// Create a new vault (unlocked) with a fresh random data key.
    pub fn create(
        store: Arc<dyn Store>,
        env: Env,
        pin: &[u8],
        options: VaultOptions,
    ) -> Result<Vault, VaultError> {
        check_pin(pin)?;
        if Vault::exists(&*store)? {
            return Err(VaultError::AlreadyExists);
        }
        let dk = Zeroizing::new(env.random_array::<32>()?);
        let vault_id: [u8; 16] = env.random_array()?;
        let header = Self::new_header(&env, &options, pin, &dk, vault_id)?;
        store.write(&[
            Op::Put {
                key: HEADER_KEY.to_vec(),
                value: header.to_bytes()?,
            },
            Op::Put {
                key: PIN_STATE_KEY.to_vec(),
                value: pin_state_bytes(&PinState::default()),
            },
        ])?;
        Vault::assemble(store, env, options, header, Some(Keys::new(dk, vault_id)))
    }

    fn assemble(
        store: Arc<dyn Store>,
        env: Env,
        options: VaultOptions,
        header: Header,
        keys: Option<Keys>,
    ) -> Result<Vault, VaultError> {
        let vault_id = header.vault_id()?;
        Ok(Vault {
            store,
            env,
            options,
            vault_id,
            header: RwLock::new(header),
            keys: RwLock::new(keys.map(Arc::new)),
            pin_lock: shared_lock(vault_id, "vault.pin"),
        })
    }

    /// A lock shared by every object of this process that works on this vault's `feature`
    /// (vouchers, tickets, a merchant's records…): hold it across a read-modify-write cycle so
    /// two objects on one wallet never overwrite each other's changes.
    pub fn feature_lock(&self, feature: &'static str) -> Arc<Mutex<()>> {
        shared_lock(self.vault_id, feature)
    }

    /// The state of `feature` shared by every object of this process on this vault and this
    /// store object, made on first use.
    pub(crate) fn shared_state<T: std::any::Any + Send + Sync + Default>(
        &self,
        feature: &'static str,
    ) -> Arc<T> {
        // The address of the store object: alive at least as long as any state made for it,
        // since every holder of that state holds the store too.
        let store = Arc::as_ptr(&self.store) as *const u8 as usize;
        let key = (self.vault_id, store, feature);
        let registry = FEATURE_STATE.get_or_init(|| Mutex::new(HashMap::new()));
        let mut map = registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(v) = map
            .get(&key)
            .and_then(Weak::upgrade)
            .and_then(|v| v.downcast::<T>().ok())
        {
            return v;
        }
        map.retain(|_, w| w.strong_count() > 0);
        let v = Arc::new(T::default());
        let any: Arc<dyn std::any::Any + Send + Sync> = v.clone();
        map.insert(key, Arc::downgrade(&any));
        v
    }

    fn new_header(
        env: &Env,
        options: &VaultOptions,
        pin: &[u8],
        dk: &[u8; 32],
        vault_id: [u8; 16],
    ) -> Result<Header, VaultError> {
        let salt: [u8; 16] = env.random_array()?;
        let pin_key = options.kdf.derive(pin, &salt)?;
        let mut wrapped = wrap_data_key(env, &pin_key, dk, &vault_id)?;
        let protector = match &options.protector {
            Some(p) => {
                wrapped = p.wrap(wrapped)?;
                Some(p.id())
            }
            None => None,
        };
        Ok(Header {
            magic: MAGIC.into(),
            format: FORMAT_VERSION,
            vault_id: hex0x(&vault_id),
            kdf_alg: "argon2id-v19".into(),
            kdf: options.kdf,
            salt: hex0x(&salt),
            cipher: "aes-256-gcm".into(),
            wrapped_key: hex0x(&wrapped),
            protector,
            created_at_ms: env.clock.now_ms(),
        })
    }

    /// Open an existing vault, locked. Call [`Vault::unlock`] next.
    pub fn open(
        store: Arc<dyn Store>,
        env: Env,
        options: VaultOptions,
    ) -> Result<Vault, VaultError> {
        let raw = store.get(HEADER_KEY)?.ok_or(VaultError::NotFound)?;
        let header = Header::parse(&raw)?;
        if let Some(id) = &header.protector
            && options.protector.is_none()
        {
            return Err(VaultError::ProtectorMissing(id.clone()));
        }
        Vault::assemble(store, env, options, header, None)
    }

    /// The environment (clock and randomness) this vault uses.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The store under this vault.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Argon2id parameters currently protecting the data key.
    pub fn kdf_params(&self) -> KdfParams {
        self.header
            .read()
            .map(|h| h.kdf)
            .unwrap_or(KdfParams::DEFAULT)
    }

    /// Whether the keys are in memory.
    pub fn is_unlocked(&self) -> bool {
        self.keys.read().map(|k| k.is_some()).unwrap_or(false)
    }

    /// Drop every key from memory.
    pub fn lock(&self) {
        if let Ok(mut k) = self.keys.write() {
            *k = None;
        }
    }

    fn keys(&self) -> Result<Arc<Keys>, VaultError> {
        self.keys
            .read()
            .ok()
            .and_then(|k| k.clone())
            .ok_or(VaultError::Locked)
    }

    fn header(&self) -> Header {
        match self.header.read() {
            Ok(h) => h.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn pin_state(&self) -> Result<PinState, VaultError> {
        Ok(match self.store.get(PIN_STATE_KEY)? {
            Some(b) => serde_json::from_slice(&b).unwrap_or(PinState {
                // An unreadable counter is treated as the worst case, not reset.
                failures: self.options.pin_policy.max_attempts,
                last_failure_ms: 0,
            }),
            None => PinState::default(),
        })
    }

    /// Wrong PINs left before lockout.
    pub fn attempts_left(&self) -> Result<u32, VaultError> {
        let st = self.pin_state()?;
        Ok(self
            .options
            .pin_policy
            .max_attempts
            .saturating_sub(st.failures))
    }

    /// The header as stored now (another object or tab may have changed the PIN since this
    /// one was opened); the cached copy is refreshed.
    fn reload_header(&self) -> Result<Header, VaultError> {
        let raw = self.store.get(HEADER_KEY)?.ok_or(VaultError::NotFound)?;
        let header = Header::parse(&raw)?;
        if header.vault_id()? != self.vault_id {
            return Err(VaultError::Tampered(
                "the vault header (another vault id)".into(),
            ));
        }
        if let Ok(mut h) = self.header.write() {
            *h = header.clone();
        }
        Ok(header)
    }

    fn pin_guard(&self) -> std::sync::MutexGuard<'_, ()> {
        self.pin_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Check the PIN, counting failures, and return the data key with the header it
    /// unwrapped. The caller holds the PIN lock.
    ///
    /// The attempt is counted **before** the key derivation: a process killed during the KDF,
    /// or a store that fails to record the failure, must not give a free guess. A store error
    /// while counting refuses the attempt; a correct PIN clears the count.
    fn check_pin_locked(&self, pin: &[u8]) -> Result<(Zeroizing<[u8; 32]>, Header), VaultError> {
        check_pin(pin)?;
        let policy = self.options.pin_policy;
        let st = self.pin_state()?;
        if st.failures >= policy.max_attempts {
            return Err(VaultError::LockedOut(st.failures));
        }
        let now = self.env.clock.now_ms();
        let wait_until = st
            .last_failure_ms
            .saturating_add(policy.delay_secs(st.failures).saturating_mul(1000));
        if now < wait_until {
            return Err(VaultError::TooSoon {
                retry_after_secs: (wait_until - now).div_ceil(1000),
                attempts_left: policy.max_attempts - st.failures,
            });
        }
        let header = self.reload_header()?;
        let vault_id = header.vault_id()?;
        let mut wrapped = unhex(&header.wrapped_key)
            .map_err(|_| VaultError::Format("wrapped key is not hex".into()))?;
        if header.protector.is_some() {
            let p = self.options.protector.as_ref().ok_or_else(|| {
                VaultError::ProtectorMissing(header.protector.clone().unwrap_or_default())
            })?;
            wrapped = p.unwrap(wrapped)?;
        }
        let failures = st.failures.saturating_add(1);
        self.store.write(&[Op::Put {
            key: PIN_STATE_KEY.to_vec(),
            value: pin_state_bytes(&PinState {
                failures,
                last_failure_ms: now,
            }),
        }])?;
        let pin_key = header.kdf.derive(pin, &header.salt()?)?;
        match unwrap_data_key(&pin_key, &wrapped, &vault_id) {
            Some(dk) => {
                self.store.write(&[Op::Put {
                    key: PIN_STATE_KEY.to_vec(),
                    value: pin_state_bytes(&PinState::default()),
                }])?;
                Ok((dk, header))
            }
            None => {
                if failures >= policy.max_attempts {
                    return Err(VaultError::LockedOut(failures));
                }
                Err(VaultError::WrongPin {
                    attempts_left: policy.max_attempts - failures,
                    retry_after_secs: policy.delay_secs(failures),
                })
            }
        }
    }

    /// Unlock with the PIN. Re-wraps the data key when the app asks for stronger Argon2id
    /// parameters than the stored ones.
    pub fn unlock(&self, pin: &[u8]) -> Result<(), VaultError> {
        let _guard = self.pin_guard();
        let (dk, header) = self.check_pin_locked(pin)?;
        let keys = Arc::new(Keys::new(dk, header.vault_id()?));
        if self.options.upgrade_kdf && self.options.kdf.cost() > header.kdf.cost() {
            self.rewrap_locked(pin, &keys.data_key, &header)?;
        }
        if let Ok(mut k) = self.keys.write() {
            *k = Some(keys);
        }
        Ok(())
    }

    /// Check the PIN without changing the lock state (counts as an attempt).
    pub fn verify_pin(&self, pin: &[u8]) -> Result<(), VaultError> {
        let _guard = self.pin_guard();
        self.check_pin_locked(pin).map(|_| ())
    }

    /// Change the PIN: re-wraps the data key only; records are untouched. (To replace the data
    /// key itself, re-encrypting every record, use [`Vault::rekey`].)
    pub fn change_pin(&self, old_pin: &[u8], new_pin: &[u8]) -> Result<(), VaultError> {
        check_pin(new_pin)?;
        let _guard = self.pin_guard();
        let (dk, header) = self.check_pin_locked(old_pin)?;
        self.rewrap_locked(new_pin, &dk, &header)
    }

    /// Write a new header wrapping `dk` under `pin`. The caller holds the PIN lock and passes
    /// the header it just checked, so nothing written since is overwritten.
    fn rewrap_locked(&self, pin: &[u8], dk: &[u8; 32], checked: &Header) -> Result<(), VaultError> {
        let mut header = Self::new_header(&self.env, &self.options, pin, dk, checked.vault_id()?)?;
        header.created_at_ms = checked.created_at_ms;
        self.store.write(&[Op::Put {
            key: HEADER_KEY.to_vec(),
            value: header.to_bytes()?,
        }])?;
        if let Ok(mut h) = self.header.write() {
            *h = header;
        }
        Ok(())
    }

    /// Change the PIN **and** the data key: every record is decrypted and re-encrypted under a
    /// fresh random key, in one atomic store batch, so a copy of the old wrapped key (an old
    /// store file, an old backup header) opens nothing written from now on. Slower than
    /// [`Vault::change_pin`] (it touches every record); use it when the old PIN or an old copy
    /// of the store may be known to someone. Other objects that have this vault open must
    /// unlock again afterwards.
    pub fn rekey(&self, old_pin: &[u8], new_pin: &[u8]) -> Result<(), VaultError> {
        check_pin(new_pin)?;
        let _guard = self.pin_guard();
        let (dk, header) = self.check_pin_locked(old_pin)?;
        let old = Keys::new(dk, self.vault_id);
        let new_dk = Zeroizing::new(self.env.random_array::<32>()?);
        let new = Keys::new(new_dk.clone(), self.vault_id);
        let rows = self.store.scan(&[])?;
        // Namespaces by keyed tag: the known ones, and every one a format-2 record names.
        let mut by_tag: HashMap<[u8; NS_TAG_LEN], String> = KNOWN_NAMESPACES
            .iter()
            .map(|ns| (old.ns_prefix(ns), (*ns).to_string()))
            .collect();
        let mut opened = Vec::with_capacity(rows.len());
        for (key, value) in &rows {
            if key.as_slice() == HEADER_KEY || key.as_slice() == PIN_STATE_KEY {
                continue;
            }
            let rec = old
                .decrypt(key, value)
                .ok_or_else(|| VaultError::Tampered("a record, while re-keying".into()))?;
            if let Some(ns) = &rec.0 {
                by_tag.insert(old.ns_prefix(ns), ns.clone());
            }
            opened.push((key, rec));
        }
        let mut ops = Vec::with_capacity(opened.len() * 2 + 1);
        for (key, (named, id, payload)) in opened {
            let tag: Option<[u8; NS_TAG_LEN]> =
                key.get(..NS_TAG_LEN).and_then(|t| t.try_into().ok());
            let ns = match named {
                Some(ns) => ns,
                None => tag.and_then(|t| by_tag.get(&t).cloned()).ok_or_else(|| {
                    VaultError::Format(
                        "a record of an unknown namespace cannot be re-keyed; nothing was changed"
                            .into(),
                    )
                })?,
            };
            if old.store_key(&ns, &id) != *key {
                return Err(VaultError::Tampered(format!(
                    "a '{ns}' record, while re-keying"
                )));
            }
            let new_key = new.store_key(&ns, &id);
            ops.push(Op::Delete { key: key.clone() });
            ops.push(Op::Put {
                value: new.seal(&self.env, &ns, &new_key, &id, &payload)?,
                key: new_key,
            });
        }
        let mut new_header =
            Self::new_header(&self.env, &self.options, new_pin, &new_dk, self.vault_id)?;
        new_header.created_at_ms = header.created_at_ms;
        ops.push(Op::Put {
            key: HEADER_KEY.to_vec(),
            value: new_header.to_bytes()?,
        });
        self.store.write(&ops)?;
        if let Ok(mut h) = self.header.write() {
            *h = new_header;
        }
        if let Ok(mut k) = self.keys.write() {
            *k = Some(Arc::new(new));
        }
        Ok(())
    }

    /// Read one record.
    pub fn get(&self, ns: &str, id: &str) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
        check_name(ns, id)?;
        let keys = self.keys()?;
        let sk = keys.store_key(ns, id);
        match self.store.get(&sk)? {
            None => Ok(None),
            Some(v) => {
                let (found, payload) = keys.open(ns, &sk, &v)?;
                if found != id {
                    return Err(VaultError::Tampered(format!("a '{ns}' record")));
                }
                Ok(Some(payload))
            }
        }
    }

    /// Every record of a namespace as (id, value), in no particular order.
    pub fn list(&self, ns: &str) -> Result<Vec<Record>, VaultError> {
        check_name(ns, "")?;
        let keys = self.keys()?;
        let rows = self.store.scan(&keys.ns_prefix(ns))?;
        rows.iter().map(|(k, v)| keys.open(ns, k, v)).collect()
    }

    /// Apply a batch: every change or none.
    pub fn commit(&self, batch: RecordBatch) -> Result<(), VaultError> {
        let keys = self.keys()?;
        let mut ops = Vec::with_capacity(batch.ops.len());
        for (ns, id, value) in &batch.ops {
            check_name(ns, id)?;
            let key = keys.store_key(ns, id);
            ops.push(match value {
                Some(v) => Op::Put {
                    value: keys.seal(&self.env, ns, &key, id, v)?,
                    key,
                },
                None => Op::Delete { key },
            });
        }
        Ok(self.store.write(&ops)?)
    }

    /// Write one record.
    pub fn put(&self, ns: &str, id: &str, value: &[u8]) -> Result<(), VaultError> {
        let mut b = RecordBatch::new();
        b.put(ns, id, value.to_vec());
        self.commit(b)
    }

    /// Delete one record.
    pub fn delete(&self, ns: &str, id: &str) -> Result<(), VaultError> {
        let mut b = RecordBatch::new();
        b.delete(ns, id);
        self.commit(b)
    }
}

fn pin_state_bytes(st: &PinState) -> Vec<u8> {
    serde_json::to_vec(st).unwrap_or_default()
}

#[cfg(test)]
mod tests;
