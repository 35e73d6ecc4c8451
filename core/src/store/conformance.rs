//! The one conformance suite every [`Store`] must pass: memory, SQLite, a Kotlin or Swift store,
//! IndexedDB. The bindings expose it so an app can check its own store the same way.

use super::{Op, Store};

fn put(k: &[u8], v: &[u8]) -> Op {
    Op::Put {
        key: k.to_vec(),
        value: v.to_vec(),
    }
}

fn del(k: &[u8]) -> Op {
    Op::Delete { key: k.to_vec() }
}

macro_rules! check {
    ($cond:expr, $($msg:tt)*) => {
        if !$cond {
            return Err(format!($($msg)*));
        }
    };
}

/// Run the suite against an **empty** store. Returns the first broken rule, in words.
///
/// ```
/// use jigap_core::store::{MemoryStore, conformance::check_store};
/// check_store(&MemoryStore::new()).unwrap();
/// ```
pub fn check_store(store: &dyn Store) -> Result<(), String> {
    let e = |x: super::StoreError| x.to_string();
    check!(
        store.scan(&[]).map_err(e)?.is_empty(),
        "the store must be empty before the suite runs"
    );
    check!(
        store.get(b"missing").map_err(e)?.is_none(),
        "get of a missing key must be None"
    );

    // Put, get, overwrite.
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

    // Binary keys and values, including 0x00 and 0xff bytes and an empty value.
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
        store.get(&kf).map_err(e)? == Some(big.clone()),
        "70 kB value must round-trip"
    );
    check!(
        store.get(b"empty").map_err(e)? == Some(vec![]),
        "empty values must be kept (not None)"
    );

    // A batch is applied in order: a put then a delete of the same key leaves nothing.
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
        "ops in a batch apply in order"
    );
    check!(
        store.get(b"b").map_err(e)? == Some(b"3".to_vec()),
        "batch put"
    );

    // Prefix scans: ordered by unsigned bytes, exact prefix match, 0xff prefixes.
    store
        .write(&[
            put(&[0x10, 0x02], b"q"),
            put(&[0x10, 0x01], b"p"),
            put(&[0x10, 0xff], b"r"),
            put(&[0x11], b"s"),
            put(&[0x0f, 0xff], b"t"),
            put(&[0xff, 0xff, 0xff, 0x01], b"u"),
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
    let got = store.scan(&[0xff, 0xff]).map_err(e)?;
    check!(
        got.len() == 2 && got[0].0 == kf.to_vec() && got[1].0 == vec![0xff, 0xff, 0xff, 0x01],
        "scan under an 0xff prefix must work (no overflow of the upper bound)"
    );
    let all = store.scan(&[]).map_err(e)?;
    check!(
        all.windows(2).all(|w| w[0].0 < w[1].0),
        "scan of the empty prefix must be sorted by key"
    );
    check!(
        all.len() == 11,
        "scan of the empty prefix must see every key; saw {}",
        all.len()
    );

    // Deletes.
    store.write(&[del(b"a"), del(&[0x10, 0x02])]).map_err(e)?;
    check!(store.get(b"a").map_err(e)?.is_none(), "delete");
    check!(
        store.scan(&[0x10]).map_err(e)?.len() == 2,
        "scan after delete"
    );

    // Invalid batches change nothing.
    let bad = store.write(&[put(b"c", b"4"), put(b"", b"x")]);
    check!(bad.is_err(), "a batch with an empty key must be refused");
    check!(
        store.get(b"c").map_err(e)?.is_none(),
        "a refused batch must change nothing"
    );

    // Many keys in one batch.
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

    // Clean up so the store can be reused.
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
