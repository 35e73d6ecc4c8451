use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Entry, Op, Store, StoreError, validate_batch};

/// Schema migrations, in order. `PRAGMA user_version` records how many have run; a new version
/// appends a step here and old files are upgraded on open.
const MIGRATIONS: &[&str] = &[
    // 1: one table of opaque records.
    "CREATE TABLE records (key BLOB PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;",
];

/// A store in a SQLite file (bundled SQLite, WAL journal, one transaction per batch).
///
/// ```
/// use jigap_core::store::{SqliteStore, Store, Op};
/// let dir = tempfile::tempdir().unwrap();
/// let s = SqliteStore::open(dir.path().join("wallet.db")).unwrap();
/// s.write(&[Op::Put { key: b"k".to_vec(), value: b"v".to_vec() }]).unwrap();
/// drop(s);
/// let s = SqliteStore::open(dir.path().join("wallet.db")).unwrap();
/// assert_eq!(s.get(b"k").unwrap(), Some(b"v".to_vec()));
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl SqliteStore {
    /// Open or create the database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path).map_err(backend)?;
        // WAL: readers don't block the writer and a crash mid-batch leaves the last commit.
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(backend)?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(StoreError::Backend(format!(
                "could not switch SQLite to WAL (got {mode})"
            )));
        }
        Self::init(conn)
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        Self::init(Connection::open_in_memory().map_err(backend)?)
    }

    fn init(mut conn: Connection) -> Result<SqliteStore, StoreError> {
        // Money is kept here: FULL sync makes every committed batch durable.
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(backend)?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>, StoreError> {
        self.conn
            .lock()
            .map_err(|_| StoreError::Backend("SQLite connection lock poisoned".into()))
    }

    /// Schema version of the open file.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.conn()?
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(backend)
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let have: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(backend)?;
    let want = MIGRATIONS.len() as u32;
    if have > want {
        return Err(StoreError::Corrupt(format!(
            "database schema version {have} is newer than this jigap ({want}); update the app"
        )));
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(have as usize) {
        let tx = conn.transaction().map_err(backend)?;
        tx.execute_batch(step).map_err(backend)?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)
            .map_err(backend)?;
        tx.commit().map_err(backend)?;
    }
    Ok(())
}

/// The smallest byte string greater than every string starting with `prefix`, if any.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

impl Store for SqliteStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.conn()?
            .prepare_cached("SELECT value FROM records WHERE key = ?1")
            .map_err(backend)?
            .query_row(params![key], |r| r.get(0))
            .optional()
            .map_err(backend)
    }

    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        let conn = self.conn()?;
        let rows = match prefix_end(prefix) {
            Some(end) => {
                let mut st = conn
                    .prepare_cached(
                        "SELECT key, value FROM records WHERE key >= ?1 AND key < ?2 ORDER BY key",
                    )
                    .map_err(backend)?;
                st.query_map(params![prefix, end], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(backend)?
                    .collect::<Result<Vec<_>, _>>()
            }
            None => {
                let mut st = conn
                    .prepare_cached("SELECT key, value FROM records WHERE key >= ?1 ORDER BY key")
                    .map_err(backend)?;
                st.query_map(params![prefix], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(backend)?
                    .collect::<Result<Vec<_>, _>>()
            }
        };
        rows.map_err(backend)
    }

    fn write(&self, batch: &[Op]) -> Result<(), StoreError> {
        validate_batch(batch)?;
        let mut conn = self.conn()?;
        // One transaction: any error rolls back the whole batch when `tx` drops.
        let tx = conn.transaction().map_err(backend)?;
        {
            let mut put = tx
                .prepare_cached("INSERT OR REPLACE INTO records (key, value) VALUES (?1, ?2)")
                .map_err(backend)?;
            let mut del = tx
                .prepare_cached("DELETE FROM records WHERE key = ?1")
                .map_err(backend)?;
            for op in batch {
                match op {
                    Op::Put { key, value } => put.execute(params![key, value]),
                    Op::Delete { key } => del.execute(params![key]),
                }
                .map_err(backend)?;
            }
        }
        tx.commit().map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(k: &[u8], v: &[u8]) -> Op {
        Op::Put {
            key: k.to_vec(),
            value: v.to_vec(),
        }
    }

    crate::store_conformance_tests!(
        conformance_in_memory,
        SqliteStore::open_in_memory().unwrap()
    );
    crate::store_conformance_tests!(
        conformance_on_disk,
        SqliteStore::open(tempfile::tempdir().unwrap().keep().join("c.db")).unwrap()
    );

    #[test]
    fn schema_version_is_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(dir.path().join("c.db")).unwrap();
        assert_eq!(s.schema_version().unwrap(), 1);
    }

    #[test]
    fn failing_batch_rolls_back() {
        let s = SqliteStore::open_in_memory().unwrap();
        s.write(&[put(b"a", b"old")]).unwrap();
        // A trigger makes the third op of the batch fail inside SQLite.
        s.conn()
            .unwrap()
            .execute_batch(
                "CREATE TEMP TRIGGER boom BEFORE INSERT ON records WHEN NEW.key = X'626F6F6D'
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
            )
            .unwrap();
        let r = s.write(&[
            put(b"a", b"new"),
            put(b"b", b"1"),
            put(b"boom", b"x"),
            put(b"c", b"2"),
        ]);
        assert!(r.unwrap_err().to_string().contains("injected failure"));
        assert_eq!(s.get(b"a").unwrap(), Some(b"old".to_vec()));
        assert_eq!(s.get(b"b").unwrap(), None);
        assert_eq!(s.get(b"c").unwrap(), None);
    }

    #[test]
    fn crash_mid_batch_leaves_previous_state() {
        // Snapshot the files while a batch is half-written and uncommitted (as a power cut
        // would leave them), then open the snapshot.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let s = SqliteStore::open(&path).unwrap();
        s.write(&[put(b"a", b"committed")]).unwrap();
        {
            let mut conn = s.conn().unwrap();
            // Force every page out to the WAL even before commit.
            conn.execute_batch("PRAGMA cache_size=1;").unwrap();
            let tx = conn.transaction().unwrap();
            for i in 0..2000u32 {
                tx.execute(
                    "INSERT OR REPLACE INTO records (key, value) VALUES (?1, ?2)",
                    params![format!("k{i}").into_bytes(), vec![7u8; 200]],
                )
                .unwrap();
            }
            tx.execute(
                "INSERT OR REPLACE INTO records (key, value) VALUES (?1, ?2)",
                params![b"a".to_vec(), b"uncommitted".to_vec()],
            )
            .unwrap();
            let snap = dir.path().join("snap");
            std::fs::create_dir(&snap).unwrap();
            for suffix in ["", "-wal", "-shm"] {
                let from = dir.path().join(format!("w.db{suffix}"));
                if from.exists() {
                    std::fs::copy(&from, snap.join(format!("w.db{suffix}"))).unwrap();
                }
            }
            let wal = std::fs::metadata(snap.join("w.db-wal"))
                .map(|m| m.len())
                .unwrap_or(0);
            assert!(
                wal > 100_000,
                "the uncommitted batch reached the WAL file ({wal} bytes)"
            );
            drop(tx); // roll back the live one
            let crashed = SqliteStore::open(snap.join("w.db")).unwrap();
            assert_eq!(crashed.get(b"a").unwrap(), Some(b"committed".to_vec()));
            assert_eq!(crashed.get(b"k0").unwrap(), None);
            assert_eq!(crashed.scan(b"k").unwrap().len(), 0);
        }
        assert_eq!(s.get(b"a").unwrap(), Some(b"committed".to_vec()));
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.db");
        drop(SqliteStore::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .execute_batch("PRAGMA user_version = 99;")
            .unwrap();
        let e = SqliteStore::open(&path).unwrap_err();
        assert!(e.to_string().contains("newer"), "{e}");
    }

    #[test]
    fn prefix_end_handles_ff() {
        assert_eq!(prefix_end(&[1, 2]), Some(vec![1, 3]));
        assert_eq!(prefix_end(&[1, 0xff]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xff, 0xff]), None);
        assert_eq!(prefix_end(&[]), None);
    }
}
