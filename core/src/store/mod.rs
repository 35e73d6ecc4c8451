//! Stores: where the vault's encrypted records live.
//!
//! A [`Store`] is a small ordered key-value map with atomic batches. It only ever sees
//! ciphertext and keyed hashes as keys. Built in: [`MemoryStore`] and (feature `sqlite`)
//! [`SqliteStore`]. Apps can bring their own through the bindings (a Kotlin or Swift class, an
//! IndexedDB store on the web); [`conformance::check_store`] is the one suite every store must
//! pass.

pub mod conformance;
mod memory;
#[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
mod sqlite;

pub use memory::MemoryStore;
#[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
pub use sqlite::SqliteStore;

/// One change in a batch.
#[derive(Clone, PartialEq, Eq)]
pub enum Op {
    /// Insert or overwrite `key`.
    Put {
        /// Key bytes.
        key: Vec<u8>,
        /// Value bytes.
        value: Vec<u8>,
    },
    /// Remove `key` (no error if absent).
    Delete {
        /// Key bytes.
        key: Vec<u8>,
    },
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values are ciphertext, but there is no reason to print them either.
        match self {
            Op::Put { key, value } => write!(f, "Put({}, {} bytes)", hex::encode(key), value.len()),
            Op::Delete { key } => write!(f, "Delete({})", hex::encode(key)),
        }
    }
}

/// A store failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The storage backend reported an error (disk full, I/O error, an app store threw…).
    #[error("storage failed: {0}; nothing was changed, retry once the storage is available")]
    Backend(String),
    /// The stored data is not what this version expects.
    #[error("storage is damaged or from an unknown version: {0}")]
    Corrupt(String),
    /// A key or value breaks the store's limits.
    #[error("invalid store operation: {0}")]
    Invalid(String),
}

/// Largest key a store must accept.
pub const MAX_KEY_LEN: usize = 1024;
/// Largest value a store must accept (16 MiB).
pub const MAX_VALUE_LEN: usize = 16 << 20;

/// A stored (key, value) pair.
pub type Entry = (Vec<u8>, Vec<u8>);

/// An ordered byte-key map with atomic batches.
///
/// Contract (checked by [`conformance::check_store`]): `write` applies every op of a batch or
/// none; after it returns `Ok`, `get` and `scan` see all of them. `scan` returns the pairs whose
/// key starts with `prefix`, in ascending byte order of keys.
pub trait Store: Send + Sync {
    /// The value at `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// All pairs whose key starts with `prefix`, ordered by key.
    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError>;
    /// Apply a batch atomically.
    fn write(&self, batch: &[Op]) -> Result<(), StoreError>;
}

/// Check a batch against the limits every store enforces, before touching anything.
pub fn validate_batch(batch: &[Op]) -> Result<(), StoreError> {
    for op in batch {
        let (key, value) = match op {
            Op::Put { key, value } => (key, Some(value)),
            Op::Delete { key } => (key, None),
        };
        if key.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(StoreError::Invalid(format!(
                "key length {} is outside 1..={MAX_KEY_LEN}",
                key.len()
            )));
        }
        if value.is_some_and(|v| v.len() > MAX_VALUE_LEN) {
            return Err(StoreError::Invalid(format!(
                "value larger than {MAX_VALUE_LEN} bytes"
            )));
        }
    }
    Ok(())
}

impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        (**self).get(key)
    }
    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        (**self).scan(prefix)
    }
    fn write(&self, batch: &[Op]) -> Result<(), StoreError> {
        (**self).write(batch)
    }
}
