use std::sync::Arc;

use jigap_core::store as core_store;
use jigap_core::vault as core_vault;

use crate::error::{ForeignError, JigapError};

/// One change in a batch: `value = null` deletes `key`.
#[derive(Debug, Clone, uniffi::Record)]
pub struct StoreOp {
    /// Key bytes.
    pub key: Vec<u8>,
    /// New value, or `null` to delete.
    pub value: Option<Vec<u8>>,
}

/// A stored pair.
#[derive(Debug, Clone, uniffi::Record)]
pub struct StoreEntry {
    /// Key bytes.
    pub key: Vec<u8>,
    /// Value bytes.
    pub value: Vec<u8>,
}

/// A store implemented by the app (Room, Core Data, a file, a server-backed cache…).
///
/// Contract: `write` applies all ops of a batch or none; `scan` returns the pairs whose key
/// starts with `prefix`, ordered by unsigned byte comparison of keys. Check an implementation
/// with [`JigapStore::check_conformance`].
#[uniffi::export(foreign)]
pub trait Store: Send + Sync {
    /// The value at `key`, or `null`.
    fn get(&self, key: Vec<u8>) -> Result<Option<Vec<u8>>, ForeignError>;
    /// Every pair whose key starts with `prefix`, in key order.
    fn scan(&self, prefix: Vec<u8>) -> Result<Vec<StoreEntry>, ForeignError>;
    /// Apply a batch atomically.
    fn write(&self, batch: Vec<StoreOp>) -> Result<(), ForeignError>;
}

/// A platform key (Android Keystore, Secure Enclave) that wraps the vault's data key a second time.
#[uniffi::export(foreign)]
pub trait KeyProtector: Send + Sync {
    /// A stable identifier, recorded in the vault header.
    fn id(&self) -> String;
    /// Encrypt with the platform key.
    fn wrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ForeignError>;
    /// Decrypt what `wrap` produced.
    fn unwrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ForeignError>;
}

struct ForeignStore(Arc<dyn Store>);

fn backend(e: ForeignError) -> core_store::StoreError {
    core_store::StoreError::Backend(e.to_string())
}

impl core_store::Store for ForeignStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, core_store::StoreError> {
        self.0.get(key.to_vec()).map_err(backend)
    }
    fn scan(&self, prefix: &[u8]) -> Result<Vec<core_store::Entry>, core_store::StoreError> {
        let rows = self.0.scan(prefix.to_vec()).map_err(backend)?;
        Ok(rows.into_iter().map(|e| (e.key, e.value)).collect())
    }
    fn write(&self, batch: &[core_store::Op]) -> Result<(), core_store::StoreError> {
        // Refuse bad batches here, so an app store never sees one.
        core_store::validate_batch(batch)?;
        let ops = batch
            .iter()
            .map(|op| match op {
                core_store::Op::Put { key, value } => StoreOp {
                    key: key.clone(),
                    value: Some(value.clone()),
                },
                core_store::Op::Delete { key } => StoreOp {
                    key: key.clone(),
                    value: None,
                },
            })
            .collect();
        self.0.write(ops).map_err(backend)
    }
}

struct ForeignProtector(Arc<dyn KeyProtector>);

/// The app's protector as the vault's.
pub(crate) fn protector(
    p: Option<Arc<dyn KeyProtector>>,
) -> Option<Arc<dyn core_vault::KeyProtector>> {
    p.map(|p| Arc::new(ForeignProtector(p)) as Arc<dyn core_vault::KeyProtector>)
}

impl core_vault::KeyProtector for ForeignProtector {
    fn id(&self) -> String {
        self.0.id()
    }
    fn wrap(&self, data: Vec<u8>) -> Result<Vec<u8>, core_vault::ProtectorError> {
        self.0
            .wrap(data)
            .map_err(|e| core_vault::ProtectorError(e.to_string()))
    }
    fn unwrap(&self, data: Vec<u8>) -> Result<Vec<u8>, core_vault::ProtectorError> {
        self.0
            .unwrap(data)
            .map_err(|e| core_vault::ProtectorError(e.to_string()))
    }
}

/// Where a wallet keeps its encrypted records.
#[derive(uniffi::Object)]
pub struct JigapStore {
    pub(crate) inner: Arc<dyn core_store::Store>,
}

#[uniffi::export]
impl JigapStore {
    /// A store in memory (lost when the process ends).
    #[uniffi::constructor]
    pub fn memory() -> Arc<JigapStore> {
        Arc::new(JigapStore {
            inner: Arc::new(core_store::MemoryStore::new()),
        })
    }

    /// A SQLite file at `path` (created if missing; WAL journal).
    #[uniffi::constructor]
    pub fn sqlite(path: String) -> Result<Arc<JigapStore>, JigapError> {
        #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
        {
            Ok(Arc::new(JigapStore {
                inner: Arc::new(core_store::SqliteStore::open(path)?),
            }))
        }
        #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
        {
            let _ = path;
            Err(JigapError::Storage(
                "this build has no SQLite; use a custom store".into(),
            ))
        }
    }

    /// The app's own store.
    #[uniffi::constructor]
    pub fn custom(store: Arc<dyn Store>) -> Arc<JigapStore> {
        Arc::new(JigapStore {
            inner: Arc::new(ForeignStore(store)),
        })
    }

    /// Run every store conformance case (the ones memory and SQLite pass) on this store,
    /// which must be empty. Throws `Storage` listing each broken rule by case.
    pub fn check_conformance(&self) -> Result<(), JigapError> {
        Ok(core_store::conformance::check_store(&*self.inner)?)
    }

    /// Run one conformance case (see `storeConformanceCases()`) on this empty store.
    pub fn check_conformance_case(&self, name: String) -> Result<(), JigapError> {
        Ok(core_store::conformance::run_case(&*self.inner, &name)?)
    }
}

/// The names of the store conformance cases, for a test framework that runs one test per case.
#[uniffi::export]
pub fn store_conformance_cases() -> Vec<String> {
    core_store::conformance::CASES
        .iter()
        .map(|(n, _)| n.to_string())
        .collect()
}
