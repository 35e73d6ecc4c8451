//! The one conformance suite every [`Store`] must pass: memory, SQLite, a Kotlin or Swift store,
//! IndexedDB. It is a list of named cases ([`CASES`]); each starts from an empty store and
//! leaves it empty. Rust stores get one `#[test]` per case with [`store_conformance_tests!`];
//! the bindings run every case with [`check_store`] so an app can check its own store the same
//! way, and see every broken rule at once.

use super::{MAX_KEY_LEN, Op, Store, StoreError};

fn put(k: &[u8], v: &[u8]) -> Op {
    Op::Put {
        key: k.to_vec(),
        value: v.to_vec(),
    }
}

fn del(k: &[u8]) -> Op {
    Op::Delete { key: k.to_vec() }
}

/// What a case returns: the broken rule, in words.
pub type CaseResult = Result<(), String>;

/// A conformance case: run on an empty store.
pub type Case = fn(&dyn Store) -> CaseResult;

macro_rules! check {
    ($cond:expr, $($msg:tt)*) => {
        if !$cond {
            return Err(format!($($msg)*));
        }
    };
}

fn e(x: StoreError) -> String {
    x.to_string()
}

/// Delete every key, so the next case starts from an empty store.
fn clear(store: &dyn Store) -> CaseResult {
    let everything: Vec<Op> = store
        .scan(&[])
        .map_err(e)?
        .into_iter()
        .map(|(k, _)| Op::Delete { key: k })
        .collect();
    store.write(&everything).map_err(e)?;
    check!(
        store.scan(&[]).map_err(e)?.is_empty(),
        "deleting every key must empty the store"
    );
    Ok(())
}

fn get_missing(store: &dyn Store) -> CaseResult {
    check!(
        store.get(b"missing").map_err(e)?.is_none(),
        "get of a missing key must be None"
    );
    Ok(())
}

fn put_get_overwrite(store: &dyn Store) -> CaseResult {
    store.write(&[put(b"a", b"1")]).map_err(e)?;
    check!(
        store.get(b"a").map_err(e)? == Some(b"1".to_vec()),
        "get after put"
    );
    store.write(&[put(b"a", b"2")]).map_err(e)?;
    check!(
        store.get(b"a").map_err(e)? == Some(b"2".to_vec()),
        "put must overwrite"
    );
    Ok(())
}

fn binary_keys_and_values(store: &dyn Store) -> CaseResult {
    let k0 = [0u8, 1, 2, 0];
    let kf = [0xffu8, 0xff, 0x00];
    let big: Vec<u8> = (0..70_000u32).map(|i| (i * 7) as u8).collect();
    store
        .write(&[put(&k0, &[0, 0, 0]), put(&kf, &big), put(b"empty", b"")])
        .map_err(e)?;
    check!(
        store.get(&k0).map_err(e)? == Some(vec![0, 0, 0]),
        "binary key with zero bytes"
    );
    check!(
        store.get(&kf).map_err(e)? == Some(big),
        "70 kB value must round-trip"
    );
    check!(
        store.get(b"empty").map_err(e)? == Some(vec![]),
        "empty values must be kept (not None)"
    );
    Ok(())
}

fn batch_applies_in_order(store: &dyn Store) -> CaseResult {
    store
        .write(&[
            put(b"tmp", b"x"),
            del(b"tmp"),
            put(b"b", b"3"),
            del(b"never-there"),
        ])
        .map_err(e)?;
    check!(
        store.get(b"tmp").map_err(e)?.is_none(),
        "ops in a batch apply in order (put then delete leaves nothing)"
    );
    check!(
        store.get(b"b").map_err(e)? == Some(b"3".to_vec()),
        "batch put"
    );
    Ok(())
}

fn prefix_scan_in_byte_order(store: &dyn Store) -> CaseResult {
    store
        .write(&[
            put(&[0x10, 0x02], b"q"),
            put(&[0x10, 0x01], b"p"),
            put(&[0x10, 0xff], b"r"),
            put(&[0x11], b"s"),
            put(&[0x0f, 0xff], b"t"),
        ])
        .map_err(e)?;
    let got = store.scan(&[0x10]).map_err(e)?;
    let want = vec![
        (vec![0x10, 0x01], b"p".to_vec()),
        (vec![0x10, 0x02], b"q".to_vec()),
        (vec![0x10, 0xff], b"r".to_vec()),
    ];
    check!(
        got == want,
        "scan(0x10) must return exactly the 3 keys under it, in byte order; got {} pairs",
        got.len()
    );
    let all = store.scan(&[]).map_err(e)?;
    check!(
        all.windows(2).all(|w| w[0].0 < w[1].0) && all.len() == 5,
        "scan of the empty prefix must see every key (5), sorted; saw {}",
        all.len()
    );
    Ok(())
}

fn scan_under_ff_prefix(store: &dyn Store) -> CaseResult {
    store
        .write(&[
            put(&[0xff, 0xff, 0x00], b"a"),
            put(&[0xff, 0xff, 0xff, 0x01], b"b"),
            put(&[0xff, 0xfe], b"c"),
        ])
        .map_err(e)?;
    let got = store.scan(&[0xff, 0xff]).map_err(e)?;
    check!(
        got.len() == 2 && got[0].0 == [0xff, 0xff, 0x00] && got[1].0 == [0xff, 0xff, 0xff, 0x01],
        "scan under an 0xff prefix must work (no overflow of the upper bound); got {} keys",
        got.len()
    );
    Ok(())
}

fn delete_removes(store: &dyn Store) -> CaseResult {
    store
        .write(&[
            put(b"a", b"1"),
            put(&[0x10, 1], b"x"),
            put(&[0x10, 2], b"y"),
        ])
        .map_err(e)?;
    store.write(&[del(b"a"), del(&[0x10, 2])]).map_err(e)?;
    check!(store.get(b"a").map_err(e)?.is_none(), "delete");
    check!(
        store.scan(&[0x10]).map_err(e)?.len() == 1,
        "scan after delete must not see the deleted key"
    );
    Ok(())
}

fn refused_batch_changes_nothing(store: &dyn Store) -> CaseResult {
    let long = vec![b'k'; MAX_KEY_LEN + 1];
    for (bad, what) in [
        (b"".to_vec(), "an empty key"),
        (long, "a key over the limit"),
    ] {
        let r = store.write(&[put(b"c", b"4"), put(&bad, b"x")]);
        check!(r.is_err(), "a batch with {what} must be refused");
        check!(
            store.get(b"c").map_err(e)?.is_none(),
            "a refused batch ({what}) must change nothing"
        );
    }
    Ok(())
}

fn large_batch_in_full(store: &dyn Store) -> CaseResult {
    let many: Vec<Op> = (0..500u32)
        .map(|i| {
            put(
                &[b"m".as_slice(), &i.to_be_bytes()].concat(),
                &i.to_le_bytes(),
            )
        })
        .collect();
    store.write(&many).map_err(e)?;
    let got = store.scan(b"m").map_err(e)?;
    check!(
        got.len() == 500,
        "a 500-op batch must be applied in full; saw {}",
        got.len()
    );
    check!(
        got.iter()
            .enumerate()
            .all(|(i, (_, v))| v == &(i as u32).to_le_bytes()),
        "values of a large batch"
    );
    Ok(())
}

/// Every case, by name. Each expects an empty store; [`run_case`] empties it afterwards.
pub const CASES: &[(&str, Case)] = &[
    ("get_missing", get_missing),
    ("put_get_overwrite", put_get_overwrite),
    ("binary_keys_and_values", binary_keys_and_values),
    ("batch_applies_in_order", batch_applies_in_order),
    ("prefix_scan_in_byte_order", prefix_scan_in_byte_order),
    ("scan_under_ff_prefix", scan_under_ff_prefix),
    ("delete_removes", delete_removes),
    (
        "refused_batch_changes_nothing",
        refused_batch_changes_nothing,
    ),
    ("large_batch_in_full", large_batch_in_full),
];

/// Why a store failed the suite, or why a case could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConformanceError {
    /// No case has that name (an input error of the caller, not of the store).
    #[error(
        "no store conformance case is called {0:?}; the names are listed by the conformance cases function"
    )]
    UnknownCase(String),
    /// The store broke a rule: one line per broken rule, each led by its case's name.
    #[error("{0}")]
    Broken(String),
}

/// Run the case called `name` on an empty store, then empty it again.
///
/// ```
/// use jigap_core::store::{MemoryStore, conformance::{run_case, ConformanceError}};
/// run_case(&MemoryStore::new(), "get_missing").unwrap();
/// assert!(matches!(run_case(&MemoryStore::new(), "nope"), Err(ConformanceError::UnknownCase(_))));
/// ```
pub fn run_case(store: &dyn Store, name: &str) -> Result<(), ConformanceError> {
    let (_, case) = CASES
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| ConformanceError::UnknownCase(name.to_string()))?;
    run(store, *case).map_err(ConformanceError::Broken)
}

fn run(store: &dyn Store, case: Case) -> CaseResult {
    check!(
        store.scan(&[]).map_err(e)?.is_empty(),
        "the store must be empty before the suite runs"
    );
    let outcome = case(store);
    let cleaned = clear(store);
    outcome.and(cleaned)
}

/// Run every case against an **empty** store. Returns every broken rule, one per line, each
/// prefixed by its case's name.
///
/// ```
/// use jigap_core::store::{MemoryStore, conformance::check_store};
/// check_store(&MemoryStore::new()).unwrap();
/// ```
pub fn check_store(store: &dyn Store) -> Result<(), ConformanceError> {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|(name, case)| run(store, *case).err().map(|m| format!("{name}: {m}")))
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(ConformanceError::Broken(failures.join("\n")))
    }
}

/// One `#[test]` per conformance case for a Rust store: `store_conformance_tests!(memory,
/// MemoryStore::new())` makes `memory::get_missing`, `memory::put_get_overwrite`, … each on a
/// fresh store from the expression.
#[macro_export]
macro_rules! store_conformance_tests {
    ($module:ident, $make:expr) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $crate::store_conformance_tests!(@cases $make;
                get_missing, put_get_overwrite, binary_keys_and_values, batch_applies_in_order,
                prefix_scan_in_byte_order, scan_under_ff_prefix, delete_removes,
                refused_batch_changes_nothing, large_batch_in_full);
        }
    };
    (@cases $make:expr; $($case:ident),*) => {$(
        #[test]
        fn $case() {
            let store = $make;
            $crate::store::conformance::run_case(&store, stringify!($case))
                .unwrap_or_else(|m| panic!("{}: {m}", stringify!($case)));
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The macro lists every case (a new case must be added to both).
    #[test]
    fn macro_lists_every_case() {
        let src = include_str!("conformance.rs");
        let start = src.find("@cases $make;\n").unwrap();
        let list = &src[start..start + 400];
        for (name, _) in CASES {
            assert!(list.contains(name), "{name} is missing from the macro");
        }
    }

    /// A store that loses empty values fails exactly that case, and the report says so.
    #[test]
    fn every_failure_is_reported_by_name() {
        struct DropsEmpty(super::super::MemoryStore);
        impl Store for DropsEmpty {
            fn get(&self, k: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
                Ok(self.0.get(k)?.filter(|v| !v.is_empty()))
            }
            fn scan(&self, p: &[u8]) -> Result<Vec<super::super::Entry>, StoreError> {
                self.0.scan(p)
            }
            fn write(&self, b: &[Op]) -> Result<(), StoreError> {
                self.0.write(b)
            }
        }
        let err = check_store(&DropsEmpty(super::super::MemoryStore::new()))
            .unwrap_err()
            .to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("binary_keys_and_values: empty values"),
            "{err}"
        );
    }

    /// An unknown case name is the caller's mistake (InvalidInput), a broken rule the store's.
    #[test]
    fn unknown_case_is_not_a_store_failure() {
        use crate::error::{Classify, ErrorClass};
        let store = super::super::MemoryStore::new();
        let err = run_case(&store, "no such case").unwrap_err();
        assert_eq!(err.class(), ErrorClass::InvalidInput);
        assert!(err.to_string().contains("\"no such case\""), "{err}");
        assert_eq!(
            ConformanceError::Broken("x".into()).class(),
            ErrorClass::Storage
        );
    }
}
