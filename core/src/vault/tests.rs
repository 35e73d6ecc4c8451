use super::*;
use crate::env::ManualClock;
use crate::store::MemoryStore;

fn env_at(ms: u64) -> (Env, Arc<ManualClock>) {
    let c = ManualClock::new(ms);
    (Env::fixed(c.clone(), 42), c)
}

fn fast() -> VaultOptions {
    VaultOptions::fast_for_tests()
}

fn new_vault() -> (Arc<MemoryStore>, Vault, Arc<ManualClock>) {
    let store = Arc::new(MemoryStore::new());
    let (env, clock) = env_at(1_700_000_000_000);
    let v = Vault::create(store.clone(), env, b"123456", fast()).unwrap();
    (store, v, clock)
}

#[test]
fn records_round_trip_and_lock() {
    let (store, v, _) = new_vault();
    let mut b = RecordBatch::new();
    b.put("vouchers", "v1", b"one".to_vec())
        .put("vouchers", "v2", b"two".to_vec())
        .put("tickets", "t1", b"three".to_vec());
    v.commit(b).unwrap();
    assert_eq!(&v.get("vouchers", "v1").unwrap().unwrap()[..], b"one");
    let mut l: Vec<String> = v
        .list("vouchers")
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    l.sort();
    assert_eq!(l, ["v1", "v2"]);
    assert_eq!(v.list("tickets").unwrap().len(), 1);
    assert!(v.list("none").unwrap().is_empty());
    v.delete("vouchers", "v1").unwrap();
    assert!(v.get("vouchers", "v1").unwrap().is_none());
    // Keys in the store say nothing about namespaces or ids.
    for (k, _) in store.scan(&[]).unwrap() {
        assert!(
            !k.windows(2).any(|w| w == b"v2"),
            "plaintext id in a store key"
        );
    }
    v.lock();
    assert!(!v.is_unlocked());
    assert!(matches!(v.get("vouchers", "v2"), Err(VaultError::Locked)));
    assert!(matches!(v.put("x", "y", b"z"), Err(VaultError::Locked)));
    v.unlock(b"123456").unwrap();
    assert_eq!(&v.get("vouchers", "v2").unwrap().unwrap()[..], b"two");
}

#[test]
fn create_refuses_existing_and_open_refuses_missing() {
    let (store, _v, _) = new_vault();
    let (env, _) = env_at(0);
    assert!(matches!(
        Vault::create(store, env.clone(), b"123456", fast()),
        Err(VaultError::AlreadyExists)
    ));
    assert!(matches!(
        Vault::open(Arc::new(MemoryStore::new()), env.clone(), fast()),
        Err(VaultError::NotFound)
    ));
    assert!(matches!(
        Vault::create(Arc::new(MemoryStore::new()), env, b"12", fast()),
        Err(VaultError::PinFormat)
    ));
}

#[test]
fn wrong_pins_delay_then_lock_out_and_the_count_survives_reopening() {
    let (store, v, clock) = new_vault();
    v.lock();
    let (env, _) = (v.env().clone(), ());
    for expected_left in [9u32, 8, 7] {
        match v.unlock(b"000000") {
            Err(VaultError::WrongPin {
                attempts_left,
                retry_after_secs: 0,
            }) => {
                assert_eq!(attempts_left, expected_left)
            }
            other => panic!("{other:?}"),
        }
    }
    // The 4th failure starts the delays.
    match v.unlock(b"000000") {
        Err(VaultError::WrongPin {
            attempts_left: 6,
            retry_after_secs: 30,
        }) => {}
        other => panic!("{other:?}"),
    }
    // Reopen: the counter is in the store, and the delay still applies, even to the right PIN.
    let v = Vault::open(store.clone(), env.clone(), fast()).unwrap();
    assert_eq!(v.attempts_left().unwrap(), 6);
    match v.unlock(b"123456") {
        Err(VaultError::TooSoon {
            retry_after_secs: 30,
            attempts_left: 6,
        }) => {}
        other => panic!("{other:?}"),
    }
    clock.advance_ms(30_000);
    v.unlock(b"123456").unwrap();
    assert_eq!(v.attempts_left().unwrap(), 10, "success resets the counter");
    v.lock();
    // Ten wrong PINs in a row lock it out for good.
    let mut last = None;
    for _ in 0..10 {
        clock.advance_ms(3_600_000);
        last = Some(v.unlock(b"999999"));
    }
    assert!(matches!(last, Some(Err(VaultError::LockedOut(10)))));
    clock.advance_ms(3_600_000);
    assert!(matches!(
        v.unlock(b"123456"),
        Err(VaultError::LockedOut(10))
    ));
    let msg = v.unlock(b"123456").unwrap_err().to_string();
    assert!(msg.contains("recovery phrase"), "{msg}");
}

#[test]
fn change_pin_rewraps_only_the_key() {
    let (store, v, _) = new_vault();
    v.put("n", "a", b"kept").unwrap();
    let before: Vec<_> = store
        .scan(&[])
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k != HEADER_KEY)
        .collect();
    v.change_pin(b"123456", b"654321").unwrap();
    let after: Vec<_> = store
        .scan(&[])
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k != HEADER_KEY)
        .collect();
    assert_eq!(before, after, "records are not re-encrypted");
    let v2 = Vault::open(store, v.env().clone(), fast()).unwrap();
    assert!(matches!(
        v2.unlock(b"123456"),
        Err(VaultError::WrongPin { .. })
    ));
    v2.unlock(b"654321").unwrap();
    assert_eq!(&v2.get("n", "a").unwrap().unwrap()[..], b"kept");
    assert!(matches!(
        v.change_pin(b"000000", b"111111"),
        Err(VaultError::WrongPin { .. })
    ));
}

#[test]
fn every_flipped_byte_of_a_record_is_detected_and_nothing_changes() {
    let (store, v, _) = new_vault();
    v.put("vouchers", "v1", b"100 KRW at groceries").unwrap();
    v.put("vouchers", "v2", b"other").unwrap();
    let k1 = v.keys().unwrap().store_key("vouchers", "v1");
    let orig = store.get(&k1).unwrap().unwrap();
    for i in 0..orig.len() {
        for bit in [0x01u8, 0x80] {
            let mut bad = orig.clone();
            bad[i] ^= bit;
            store
                .write(&[Op::Put {
                    key: k1.clone(),
                    value: bad.clone(),
                }])
                .unwrap();
            let snapshot = store.scan(&[]).unwrap();
            assert!(
                matches!(v.get("vouchers", "v1"), Err(VaultError::Tampered(_))),
                "byte {i}"
            );
            assert!(matches!(v.list("vouchers"), Err(VaultError::Tampered(_))));
            assert_eq!(
                store.scan(&[]).unwrap(),
                snapshot,
                "a failed read changes nothing"
            );
        }
    }
    // Truncated and empty values.
    for cut in [0usize, 1, 13, orig.len() - 1] {
        store
            .write(&[Op::Put {
                key: k1.clone(),
                value: orig[..cut].to_vec(),
            }])
            .unwrap();
        assert!(matches!(
            v.get("vouchers", "v1"),
            Err(VaultError::Tampered(_))
        ));
    }
    store
        .write(&[Op::Put {
            key: k1.clone(),
            value: orig.clone(),
        }])
        .unwrap();
    assert_eq!(
        &v.get("vouchers", "v1").unwrap().unwrap()[..],
        b"100 KRW at groceries"
    );
}

#[test]
fn records_cannot_be_swapped_between_slots_or_namespaces() {
    let (store, v, _) = new_vault();
    v.put("vouchers", "v1", b"small").unwrap();
    v.put("vouchers", "v2", b"large").unwrap();
    v.put("tickets", "v1", b"ticket").unwrap();
    let keys = v.keys().unwrap();
    let (k1, k2, kt) = (
        keys.store_key("vouchers", "v1"),
        keys.store_key("vouchers", "v2"),
        keys.store_key("tickets", "v1"),
    );
    let v2 = store.get(&k2).unwrap().unwrap();
    let t1 = store.get(&kt).unwrap().unwrap();
    store
        .write(&[Op::Put {
            key: k1.clone(),
            value: v2,
        }])
        .unwrap();
    assert!(matches!(
        v.get("vouchers", "v1"),
        Err(VaultError::Tampered(_))
    ));
    store.write(&[Op::Put { key: k1, value: t1 }]).unwrap();
    assert!(matches!(
        v.get("vouchers", "v1"),
        Err(VaultError::Tampered(_))
    ));
    // A record from another vault (same ids, other data key) is refused too.
    let store_b = Arc::new(MemoryStore::new());
    let vb = Vault::create(
        store_b.clone(),
        Env::fixed(ManualClock::new(0), 43),
        b"123456",
        fast(),
    )
    .unwrap();
    vb.put("vouchers", "v1", b"forged").unwrap();
    let foreign = store_b
        .get(&vb.keys().unwrap().store_key("vouchers", "v1"))
        .unwrap()
        .unwrap();
    store
        .write(&[Op::Put {
            key: keys.store_key("vouchers", "v1"),
            value: foreign,
        }])
        .unwrap();
    assert!(matches!(
        v.get("vouchers", "v1"),
        Err(VaultError::Tampered(_))
    ));
}

#[test]
fn header_tampering_and_newer_formats_are_refused() {
    let (store, v, _) = new_vault();
    let env = v.env().clone();
    let raw = store.get(HEADER_KEY).unwrap().unwrap();
    let mut h: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    h["format"] = 2.into();
    store
        .write(&[Op::Put {
            key: HEADER_KEY.to_vec(),
            value: serde_json::to_vec(&h).unwrap(),
        }])
        .unwrap();
    let e = Vault::open(store.clone(), env.clone(), fast()).unwrap_err();
    assert!(e.to_string().contains("newer than this jigap"), "{e}");
    // Swapping in another salt makes the PIN fail (and counts as an attempt), never opens.
    h["format"] = 1.into();
    h["salt"] = "0x00000000000000000000000000000000".into();
    store
        .write(&[Op::Put {
            key: HEADER_KEY.to_vec(),
            value: serde_json::to_vec(&h).unwrap(),
        }])
        .unwrap();
    let v2 = Vault::open(store.clone(), env.clone(), fast()).unwrap();
    assert!(matches!(
        v2.unlock(b"123456"),
        Err(VaultError::WrongPin { .. })
    ));
    h["kdf"]["m_kib"] = (1u64 << 30).into();
    store
        .write(&[Op::Put {
            key: HEADER_KEY.to_vec(),
            value: serde_json::to_vec(&h).unwrap(),
        }])
        .unwrap();
    assert!(matches!(
        Vault::open(store, env, fast()),
        Err(VaultError::Format(_))
    ));
}

struct TestProtector {
    key: [u8; 32],
    calls: std::sync::atomic::AtomicU32,
}

impl KeyProtector for TestProtector {
    fn id(&self) -> String {
        "test-keystore:alias".into()
    }
    fn wrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ProtectorError> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        aes_encrypt(&self.key, &[9u8; 12], &data, b"protector")
            .map_err(|e| ProtectorError(e.to_string()))
    }
    fn unwrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ProtectorError> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        aes_decrypt(&self.key, &[9u8; 12], &data, b"protector")
            .map(|z| z.to_vec())
            .map_err(|_| ProtectorError("platform key refused".into()))
    }
}

#[test]
fn key_protector_wraps_a_second_time() {
    let store = Arc::new(MemoryStore::new());
    let (env, _) = env_at(0);
    let p = Arc::new(TestProtector {
        key: [1; 32],
        calls: 0.into(),
    });
    let opts = VaultOptions {
        protector: Some(p.clone()),
        ..fast()
    };
    let v = Vault::create(store.clone(), env.clone(), b"123456", opts.clone()).unwrap();
    v.put("n", "a", b"secret").unwrap();
    assert_eq!(p.calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Without the protector the vault does not open, even with the right PIN.
    assert!(matches!(
        Vault::open(store.clone(), env.clone(), fast()),
        Err(VaultError::ProtectorMissing(_))
    ));
    // With another device's key it fails in the protector, not as a wrong PIN.
    let other = Arc::new(TestProtector {
        key: [2; 32],
        calls: 0.into(),
    });
    let v2 = Vault::open(
        store.clone(),
        env.clone(),
        VaultOptions {
            protector: Some(other),
            ..fast()
        },
    )
    .unwrap();
    assert!(matches!(
        v2.unlock(b"123456"),
        Err(VaultError::Protector(_))
    ));
    assert_eq!(v2.attempts_left().unwrap(), 10);
    let v3 = Vault::open(store, env, opts).unwrap();
    v3.unlock(b"123456").unwrap();
    assert_eq!(&v3.get("n", "a").unwrap().unwrap()[..], b"secret");
}

#[test]
fn weaker_kdf_is_upgraded_on_unlock() {
    let (store, v, _) = new_vault();
    v.put("n", "a", b"x").unwrap();
    let stronger = VaultOptions {
        kdf: KdfParams {
            m_kib: 1024,
            t: 2,
            p: 1,
        },
        ..fast()
    };
    let v2 = Vault::open(store.clone(), v.env().clone(), stronger.clone()).unwrap();
    assert_eq!(v2.kdf_params(), KdfParams::FAST_INSECURE);
    v2.unlock(b"123456").unwrap();
    assert_eq!(v2.kdf_params(), stronger.kdf);
    let v3 = Vault::open(store, v.env().clone(), fast()).unwrap();
    assert_eq!(
        v3.kdf_params(),
        stronger.kdf,
        "the stronger header was persisted"
    );
    v3.unlock(b"123456").unwrap();
    assert_eq!(v3.kdf_params(), stronger.kdf, "never downgraded");
    assert_eq!(&v3.get("n", "a").unwrap().unwrap()[..], b"x");
}

#[test]
fn backup_restores_everything_and_any_flipped_byte_is_refused() {
    let (_store, v, _) = new_vault();
    for i in 0..5 {
        v.put(
            "vouchers",
            &format!("v{i}"),
            format!("value {i}").as_bytes(),
        )
        .unwrap();
    }
    let backup = v.backup(b"123456", BackupSecret::NewCode).unwrap();
    let code = backup.code.clone().unwrap();
    let file = backup.bytes;
    assert!(matches!(
        v.backup(b"000000", BackupSecret::NewCode),
        Err(VaultError::WrongPin { .. })
    ));
    let info = Vault::inspect_backup(&file).unwrap();
    assert_eq!(
        (info.format, info.protection, info.records, info.weak),
        (2, BackupProtection::Code, 5, false)
    );
    let (env, _) = env_at(5);
    let fresh = Arc::new(MemoryStore::new());
    let (r, _) = Vault::restore(
        fresh.clone(),
        env.clone(),
        &file,
        code.grouped().as_bytes(),
        b"777777",
        fast(),
    )
    .unwrap();
    assert_eq!(r.list("vouchers").unwrap().len(), 5);
    assert_eq!(&r.get("vouchers", "v3").unwrap().unwrap()[..], b"value 3");
    let reopened = Vault::open(fresh, env.clone(), fast()).unwrap();
    reopened.unlock(b"777777").unwrap();
    // The PIN does not open it (that was the weakness), nor a code with one digit changed.
    let mut wrong = code.grouped().to_string();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    for secret in [b"123456".as_slice(), wrong.as_bytes()] {
        assert!(matches!(
            Vault::restore(
                Arc::new(MemoryStore::new()),
                env.clone(),
                &file,
                secret,
                b"777777",
                fast()
            ),
            Err(VaultError::BackupAuthentication | VaultError::BackupCodeFormat)
        ));
    }
    for i in 0..file.len() {
        let mut bad = file.clone();
        bad[i] ^= 0x01;
        let target = Arc::new(MemoryStore::new());
        let r = Vault::restore(
            target.clone(),
            env.clone(),
            &bad,
            code.grouped().as_bytes(),
            b"777777",
            fast(),
        );
        assert!(r.is_err(), "flipped byte {i} was accepted");
        assert!(
            target.scan(&[]).unwrap().is_empty(),
            "byte {i}: a refused restore writes nothing"
        );
    }
    for cut in [0, 8, 12, file.len() / 2, file.len() - 1] {
        assert!(
            Vault::restore(
                Arc::new(MemoryStore::new()),
                env.clone(),
                &file[..cut],
                code.grouped().as_bytes(),
                b"777777",
                fast()
            )
            .is_err()
        );
    }
}

/// Regression (review finding 3): a backup was wrapped by Argon2id(PIN) alone, so a copied
/// file fell to an offline search of the PIN space. The PIN alone is now refused as a backup
/// secret (only a code or a strong passphrase), and an old file still restores with its PIN
/// while saying it is weak.
#[test]
fn backups_need_a_high_entropy_secret_and_old_ones_say_they_are_weak() {
    let (_store, v, _) = new_vault();
    v.put("vouchers", "a", b"1").unwrap();
    for weak in [
        "123456",
        "password",
        "correct horse battery staple",
        "aaaaaaaaaaaaaaaaaaaa",
    ] {
        assert!(
            matches!(
                v.backup(b"123456", BackupSecret::Passphrase(weak)),
                Err(VaultError::WeakPassphrase { .. })
            ),
            "{weak} was accepted"
        );
    }
    let strong = "maple orbit velvet canyon ripple fossil lantern quiz";
    assert!(passphrase_bits(strong) >= MIN_PASSPHRASE_BITS);
    let file = v
        .backup(b"123456", BackupSecret::Passphrase(strong))
        .unwrap();
    assert!(file.code.is_none());
    assert_eq!(
        Vault::inspect_backup(&file.bytes).unwrap().protection,
        BackupProtection::Passphrase
    );
    let (env, _) = env_at(5);
    let (r, info) = Vault::restore(
        Arc::new(MemoryStore::new()),
        env.clone(),
        &file.bytes,
        strong.as_bytes(),
        b"222222",
        fast(),
    )
    .unwrap();
    assert!(!info.weak);
    assert_eq!(&r.get("vouchers", "a").unwrap().unwrap()[..], b"1");
    assert!(
        Vault::restore(
            Arc::new(MemoryStore::new()),
            env.clone(),
            &file.bytes,
            b"123456",
            b"222222",
            fast()
        )
        .is_err()
    );

    // A file in the old format opens with its PIN, and reports itself weak.
    let old = super::backup::backup_v1(&v, b"123456").unwrap();
    let info = Vault::inspect_backup(&old).unwrap();
    assert_eq!(
        (info.format, info.protection, info.weak),
        (1, BackupProtection::Pin, true)
    );
    let (r, info) = Vault::restore(
        Arc::new(MemoryStore::new()),
        env.clone(),
        &old,
        b"123456",
        b"333333",
        fast(),
    )
    .unwrap();
    assert!(info.weak);
    assert_eq!(&r.get("vouchers", "a").unwrap().unwrap()[..], b"1");
}

/// Regression (review finding 8): the header length of a backup was added without a check,
/// which wraps on wasm32 (32-bit `usize`) and sliced out of bounds; hostile lengths and KDF
/// parameters are refused before any work.
#[test]
fn hostile_backup_headers_are_refused_without_panics_or_huge_kdfs() {
    for len in [u32::MAX, u32::MAX - 20, 1 << 30, 70_000] {
        let mut f = b"JIGAPBK2".to_vec();
        f.extend_from_slice(&len.to_be_bytes());
        f.extend_from_slice(&[0u8; 64]);
        assert!(Vault::inspect_backup(&f).is_err());
    }
    let (_store, v, _) = new_vault();
    let file = v.backup(b"123456", BackupSecret::NewCode).unwrap().bytes;
    let hlen = u32::from_be_bytes(file[8..12].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&file[12..12 + hlen]).unwrap();
    for (from, to) in [
        ("\"m_kib\":256", "\"m_kib\":4194304"),
        ("\"t\":1", "\"t\":1000"),
    ] {
        let h = header.replacen(from, to, 1);
        let mut f = b"JIGAPBK2".to_vec();
        f.extend_from_slice(&(h.len() as u32).to_be_bytes());
        f.extend_from_slice(h.as_bytes());
        f.extend_from_slice(&file[12 + hlen..]);
        assert!(
            matches!(Vault::inspect_backup(&f), Err(VaultError::Format(_))),
            "{to}"
        );
    }
}

#[test]
fn debug_output_has_no_secrets() {
    let (_store, v, _) = new_vault();
    let keys = v.keys().unwrap();
    let dk_hex = hex::encode(*keys.data_key);
    let dbg = format!("{v:?} {:?}", VaultOptions::default());
    assert!(!dbg.contains(&dk_hex));
    assert!(!dbg.contains(&dk_hex[..16]));
}

#[test]
fn calibration_returns_usable_parameters() {
    let p = calibrate(&crate::env::SystemClock, 20, 2048).unwrap();
    assert!(p.m_kib >= 8 && p.m_kib <= 2048 && p.t >= 1, "{p:?}");
    p.derive(b"pin", b"saltsaltsaltsalt").unwrap();
    // A clock that jumps 10 s per reading makes every probe look slow: memory is lowered.
    struct Jumpy(std::sync::atomic::AtomicU64);
    impl crate::env::Clock for Jumpy {
        fn now_ms(&self) -> u64 {
            self.0
                .fetch_add(10_000, std::sync::atomic::Ordering::SeqCst)
        }
    }
    let p = calibrate(&Jumpy(0.into()), 1000, 64 * 1024).unwrap();
    assert_eq!(
        p,
        KdfParams {
            m_kib: 8 * 1024,
            t: 1,
            p: 1
        }
    );
    // A clock that never moves means the device is fast: more passes, up to the ceiling.
    let p = calibrate(crate::env::ManualClock::new(0).as_ref(), 1000, 1024).unwrap();
    assert_eq!(p.t, 16);
}

/// Wycheproof AES-GCM through the vault's own seal/open helpers: every 256-bit key, 96-bit
/// nonce, 128-bit tag case must give the published ciphertext, and every invalid one must fail.
#[test]
fn wycheproof_aes_256_gcm() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/wycheproof/aes_gcm_test.json"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let h = |x: &serde_json::Value| hex::decode(x.as_str().unwrap()).unwrap();
    let mut n = 0;
    for g in v["testGroups"].as_array().unwrap() {
        if g["keySize"] != 256 || g["ivSize"] != 96 || g["tagSize"] != 128 {
            continue;
        }
        for t in g["tests"].as_array().unwrap() {
            let key: [u8; 32] = h(&t["key"]).try_into().unwrap();
            let iv: [u8; 12] = h(&t["iv"]).try_into().unwrap();
            let (aad, msg) = (h(&t["aad"]), h(&t["msg"]));
            let ct_tag = [h(&t["ct"]), h(&t["tag"])].concat();
            let opened = aes_decrypt(&key, &iv, &ct_tag, &aad);
            if t["result"] == "valid" {
                assert_eq!(
                    aes_encrypt(&key, &iv, &msg, &aad).unwrap(),
                    ct_tag,
                    "#{}",
                    t["tcId"]
                );
                assert_eq!(&opened.unwrap()[..], &msg[..], "#{}", t["tcId"]);
            } else {
                assert!(opened.is_err(), "#{} accepted", t["tcId"]);
            }
            n += 1;
        }
    }
    assert!(n >= 40, "{n} AES-256-GCM cases");
}

/// A store that records the PIN counter of every write to it, and can be told to fail them.
struct PinWatch {
    inner: MemoryStore,
    written: Mutex<Vec<u32>>,
    fail_pin_writes: std::sync::atomic::AtomicBool,
}

impl Store for PinWatch {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get(key)
    }
    fn scan(&self, prefix: &[u8]) -> Result<Vec<crate::store::Entry>, StoreError> {
        self.inner.scan(prefix)
    }
    fn write(&self, batch: &[Op]) -> Result<(), StoreError> {
        for op in batch {
            if let Op::Put { key, value } = op
                && key.as_slice() == PIN_STATE_KEY
            {
                if self
                    .fail_pin_writes
                    .load(std::sync::atomic::Ordering::SeqCst)
                {
                    return Err(StoreError::Backend("disk full".into()));
                }
                let st: PinState = serde_json::from_slice(value).unwrap();
                self.written.lock().unwrap().push(st.failures);
            }
        }
        self.inner.write(batch)
    }
}

/// Regression (review finding 7): the wrong-PIN counter was written after the KDF, so killing
/// the process during the derivation, or a store that failed the write, gave free guesses.
/// Now the attempt is counted first (and cleared on success); a failed count refuses it.
#[test]
fn pin_attempts_are_counted_before_the_kdf_and_a_failed_count_refuses_the_attempt() {
    let store = Arc::new(PinWatch {
        inner: MemoryStore::new(),
        written: Mutex::new(vec![]),
        fail_pin_writes: false.into(),
    });
    let (env, _) = env_at(1_700_000_000_000);
    let v = Vault::create(store.clone(), env.clone(), b"123456", fast()).unwrap();
    v.lock();
    store.written.lock().unwrap().clear();
    v.unlock(b"123456").unwrap();
    // Counted as a failure first (a kill during the KDF leaves it counted), then cleared.
    assert_eq!(*store.written.lock().unwrap(), vec![1, 0]);
    store.written.lock().unwrap().clear();
    assert!(v.verify_pin(b"000000").is_err());
    assert_eq!(*store.written.lock().unwrap(), vec![1]);
    // A store that cannot record the attempt: refused before the PIN is tried, right or wrong.
    v.lock();
    store
        .fail_pin_writes
        .store(true, std::sync::atomic::Ordering::SeqCst);
    for pin in [b"123456", b"000000"] {
        assert!(matches!(v.unlock(pin), Err(VaultError::Store(_))));
    }
    assert!(!v.is_unlocked());
    store
        .fail_pin_writes
        .store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(v.attempts_left().unwrap(), 9);
    v.unlock(b"123456").unwrap();
}

/// Regression (review finding 9): the KDF upgrade on unlock re-wrapped outside any lock and
/// from a cached header, so it could write back the old PIN over a PIN change made by another
/// object. Now the header is re-read under the PIN lock.
#[test]
fn an_unlock_never_undoes_a_pin_change_made_elsewhere() {
    let (store, a, _) = new_vault();
    let (env, _) = env_at(1_700_000_000_000);
    let upgrading = VaultOptions {
        kdf: KdfParams {
            m_kib: 512,
            t: 2,
            p: 1,
        },
        ..fast()
    };
    let b = Vault::open(store.clone(), env.clone(), upgrading).unwrap();
    a.change_pin(b"123456", b"654321").unwrap();
    // B opened before the change; its unlock with the old PIN must fail, not re-wrap.
    assert!(matches!(
        b.unlock(b"123456"),
        Err(VaultError::WrongPin { .. })
    ));
    b.unlock(b"654321").unwrap();
    let c = Vault::open(store, env, fast()).unwrap();
    assert!(c.unlock(b"123456").is_err());
    c.unlock(b"654321").unwrap();
}

/// Finding 9: a PIN change keeps the data key; `rekey` replaces it and re-encrypts every
/// record, so a copy of the old header (the old key wrapped by the old PIN) opens nothing.
#[test]
fn rekey_replaces_the_data_key_and_keeps_every_record() {
    let (store, v, _) = new_vault();
    for i in 0..20 {
        v.put("voucher", &format!("v{i}"), format!("value {i}").as_bytes())
            .unwrap();
    }
    v.put("custom.ns", "x", b"kept").unwrap();
    // A record written by an older build (format 1) is re-keyed too.
    {
        let keys = v.keys().unwrap();
        let sk = keys.store_key("tickets", "t1");
        let mut plain = vec![0u8, 2];
        plain.extend_from_slice(b"t1old");
        let nonce = [7u8; NONCE_LEN];
        let ct = aes_encrypt(&keys.record_key, &nonce, &plain, &keys.aad(1, &sk)).unwrap();
        let mut value = vec![1u8];
        value.extend_from_slice(&nonce);
        value.extend_from_slice(&ct);
        store.write(&[Op::Put { key: sk, value }]).unwrap();
    }
    assert_eq!(&v.get("tickets", "t1").unwrap().unwrap()[..], b"old");
    let old_header = store.get(HEADER_KEY).unwrap().unwrap();
    let before = store.scan(&[]).unwrap().len();
    v.rekey(b"123456", b"246810").unwrap();
    assert_eq!(store.scan(&[]).unwrap().len(), before);
    assert_eq!(&v.get("voucher", "v7").unwrap().unwrap()[..], b"value 7");
    assert_eq!(&v.get("custom.ns", "x").unwrap().unwrap()[..], b"kept");
    assert_eq!(&v.get("tickets", "t1").unwrap().unwrap()[..], b"old");
    let (env, _) = env_at(1_700_000_000_000);
    let reopened = Vault::open(store.clone(), env.clone(), fast()).unwrap();
    assert!(reopened.unlock(b"123456").is_err());
    reopened.unlock(b"246810").unwrap();
    assert_eq!(reopened.list("voucher").unwrap().len(), 20);
    // Someone who kept the old header and knows the old PIN gets the old key: it opens none
    // of the re-encrypted records.
    store
        .write(&[Op::Put {
            key: HEADER_KEY.to_vec(),
            value: old_header,
        }])
        .unwrap();
    let thief = Vault::open(store, env, fast()).unwrap();
    thief.unlock(b"123456").unwrap();
    assert!(thief.list("voucher").unwrap().is_empty());
    assert!(thief.get("voucher", "v7").unwrap().is_none());
}

/// Finding 8: a vault header asking for more than 256 MiB, 16 passes or 8 lanes is refused
/// before any derivation.
#[test]
fn vault_headers_with_huge_kdf_parameters_are_refused() {
    let (store, _v, _) = new_vault();
    let header = String::from_utf8(store.get(HEADER_KEY).unwrap().unwrap()).unwrap();
    let (env, _) = env_at(0);
    for (from, to) in [
        ("\"m_kib\":256", "\"m_kib\":1048576"),
        ("\"t\":1", "\"t\":64"),
        ("\"p\":1", "\"p\":16"),
    ] {
        let h = header.replacen(from, to, 1);
        assert_ne!(h, header);
        store
            .write(&[Op::Put {
                key: HEADER_KEY.to_vec(),
                value: h.into_bytes(),
            }])
            .unwrap();
        assert!(
            matches!(
                Vault::open(store.clone(), env.clone(), fast()),
                Err(VaultError::Format(_))
            ),
            "{to}"
        );
    }
}
