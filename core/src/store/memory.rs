use std::collections::BTreeMap;
use std::sync::RwLock;

use super::{Entry, Op, Store, StoreError, validate_batch};

/// A store in memory. Lost when dropped; for tests, demos and short-lived sessions.
///
/// ```
/// use jigap_core::store::{MemoryStore, Store, Op};
/// let s = MemoryStore::new();
/// s.write(&[Op::Put { key: b"k".to_vec(), value: b"v".to_vec() }]).unwrap();
/// assert_eq!(s.get(b"k").unwrap(), Some(b"v".to_vec()));
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn poisoned() -> StoreError {
        StoreError::Backend("memory store lock poisoned".into())
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .map
            .read()
            .map_err(|_| Self::poisoned())?
            .get(key)
            .cloned())
    }

    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        let map = self.map.read().map_err(|_| Self::poisoned())?;
        Ok(map
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn write(&self, batch: &[Op]) -> Result<(), StoreError> {
        validate_batch(batch)?;
        // One write lock for the whole batch: readers see all of it or none of it.
        let mut map = self.map.write().map_err(|_| Self::poisoned())?;
        for op in batch {
            match op {
                Op::Put { key, value } => {
                    map.insert(key.clone(), value.clone());
                }
                Op::Delete { key } => {
                    map.remove(key);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::store_conformance_tests!(conformance, MemoryStore::new());
}
