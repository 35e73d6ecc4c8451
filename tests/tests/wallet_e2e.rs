//! End to end on SQLite files: create, reopen, wrong PINs, sign, back up, restore; tampered
//! files never yield different data; no secret in Debug output or error messages.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jigap_core::env::Env;
use jigap_core::keys::*;
use jigap_core::store::{SqliteStore, Store};
use jigap_core::vault::{VaultError, VaultOptions};
use jigap_core::wallet::{Wallet, WalletError, WalletOptions};

fn opts() -> VaultOptions {
    VaultOptions::fast_for_tests()
}

#[test]
fn sqlite_wallet_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wallet.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).unwrap());
    let co = WalletOptions {
        language: Language::Korean,
        words: 24,
        ..WalletOptions::fast_for_tests()
    };
    let (w, mnemonic) = Wallet::create(store, Env::system(), b"246810", co).unwrap();
    assert_eq!(mnemonic.word_count(), 24);
    let me = w.account(0).unwrap().address;
    let td = include_str!("../vectors/eip712-mail.json");
    let td = serde_json::from_str::<serde_json::Value>(td).unwrap()["typed_data"].to_string();
    let s = w.sign_typed_data(&me, &td).unwrap();
    assert_eq!(s.signature.recover_address(&s.digest.0).unwrap(), me);
    drop(w);

    // Reopen from the file, as an app does after a restart.
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).unwrap());
    let w = Wallet::open(store, Env::system(), opts()).unwrap();
    match w.unlock(b"000000") {
        Err(WalletError::Vault(VaultError::WrongPin {
            attempts_left: 9, ..
        })) => {}
        other => panic!("{other:?}"),
    }
    drop(w);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).unwrap());
    let w = Wallet::open(store, Env::system(), opts()).unwrap();
    assert_eq!(
        w.attempts_left().unwrap(),
        9,
        "the counter survived reopening"
    );
    w.unlock(b"246810").unwrap();
    assert_eq!(w.account(0).unwrap().address, me);
    assert_eq!(
        w.export_mnemonic(b"246810").unwrap().phrase(),
        mnemonic.phrase()
    );

    // Backup to a file, restore into a fresh SQLite vault on "another phone".
    let file = dir.path().join("wallet.jigap-backup");
    let backup = w
        .backup(b"246810", jigap_core::vault::BackupSecret::NewCode)
        .unwrap();
    std::fs::write(&file, &backup.bytes).unwrap();
    let code = backup.code.unwrap().grouped();
    let other: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path().join("phone2.db")).unwrap());
    let (w2, info) = Wallet::restore_backup(
        other,
        Env::system(),
        &std::fs::read(&file).unwrap(),
        code.as_bytes(),
        b"246810",
        opts(),
    )
    .unwrap();
    assert!(!info.weak);
    assert_eq!(w2.account(0).unwrap().address, me);

    // Keys alone from the mnemonic.
    let third: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path().join("phone3.db")).unwrap());
    let phrase = mnemonic.phrase();
    let typed = Mnemonic::parse(&phrase, None).unwrap();
    let w3 = Wallet::restore(third, Env::system(), b"135790", &typed, "", opts()).unwrap();
    assert_eq!(w3.account(0).unwrap().address, me);
}

#[test]
fn flipped_bytes_in_the_sqlite_file_never_yield_different_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (me, did) = {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).unwrap());
        let (w, _) = Wallet::create(
            store,
            Env::system(),
            b"123456",
            WalletOptions::fast_for_tests(),
        )
        .unwrap();
        w.add_account().unwrap();
        (w.account(0).unwrap().address, w.identity(0).unwrap().did)
    };
    // Fold the WAL into the main file so every byte lives in one place.
    rusqlite_checkpoint(&db);
    let original = std::fs::read(&db).unwrap();
    let mut rejected = 0;
    let mut harmless = 0;
    let step = (original.len() / 400).max(1);
    for pos in (0..original.len()).step_by(step) {
        let case = dir.path().join(format!("t{pos}.db"));
        let mut bytes = original.clone();
        bytes[pos] ^= 0x5a;
        std::fs::write(&case, &bytes).unwrap();
        let outcome = (|| -> Result<(Address, String, usize), String> {
            let store: Arc<dyn Store> =
                Arc::new(SqliteStore::open(&case).map_err(|e| e.to_string())?);
            let w = Wallet::open(store, Env::system(), opts()).map_err(|e| e.to_string())?;
            w.unlock(b"123456").map_err(|e| e.to_string())?;
            let n = w.accounts().map_err(|e| e.to_string())?.len();
            Ok((
                w.account(0).map_err(|e| e.to_string())?.address,
                w.identity(0).map_err(|e| e.to_string())?.did,
                n,
            ))
        })();
        match outcome {
            Ok((a, d, n)) => {
                assert_eq!(
                    (a, d.as_str(), n),
                    (me, did.as_str(), 2),
                    "byte {pos}: different data"
                );
                harmless += 1;
            }
            Err(_) => rejected += 1,
        }
        let _ = std::fs::remove_file(&case);
    }
    assert!(
        rejected > 0 && rejected + harmless >= 400 / 2,
        "{rejected} rejected, {harmless} harmless"
    );
}

fn rusqlite_checkpoint(db: &std::path::Path) {
    // Opening and dropping a store runs SQLite's checkpoint on close.
    drop(SqliteStore::open(db).unwrap());
    assert!(
        !db.with_extension("db-wal").exists()
            || std::fs::metadata(db.with_extension("db-wal"))
                .unwrap()
                .len()
                == 0
    );
}

#[test]
fn no_secret_in_debug_output_or_errors() {
    let store: Arc<dyn Store> = Arc::new(jigap_core::store::MemoryStore::new());
    let (w, m) = Wallet::create(
        store.clone(),
        Env::system(),
        b"975310",
        WalletOptions::fast_for_tests(),
    )
    .unwrap();
    let words: Vec<String> = m.phrase().split(' ').map(str::to_string).collect();
    let seed_hex = hex::encode(*m.to_seed("").unwrap());
    let entropy_hex = hex::encode(&*m.entropy());
    let me = w.account(0).unwrap().address;
    let key_hex = {
        let json = w
            .export_keystore(&me, b"pw", KeystoreKdf::Pbkdf2 { c: 1000 })
            .unwrap();
        hex::encode(*import_keystore(&json, b"pw").unwrap().to_bytes())
    };
    let mut outputs = vec![
        format!("{w:?}"),
        format!("{m:?}"),
        format!("{:?}", w.account(0).unwrap()),
        format!("{:?}", w.identity(0).unwrap()),
        format!(
            "{:?}",
            import_keystore(
                &w.export_keystore(&me, b"pw", KeystoreKdf::Pbkdf2 { c: 1000 })
                    .unwrap(),
                b"pw"
            )
            .unwrap()
        ),
        format!(
            "{:?}",
            ExtendedPrivateKey::from_seed(&*m.to_seed("").unwrap()).unwrap()
        ),
        format!("{:?}", WalletOptions::default()),
    ];
    let errors: Vec<String> = vec![
        w.unlock(b"000000").unwrap_err().to_string(),
        w.export_mnemonic(b"111111").unwrap_err().to_string(),
        w.sign_typed_data(&me, "{").unwrap_err().to_string(),
        w.import_keystore("{}", b"pw").unwrap_err().to_string(),
        Mnemonic::parse(&format!("{} zzzz", words[..11].join(" ")), None)
            .unwrap_err()
            .to_string(),
    ];
    for e in &errors {
        outputs.push(e.clone());
        outputs.push(format!("{e:?}"));
    }
    for o in &outputs {
        for secret in [&seed_hex, &entropy_hex, &key_hex] {
            assert!(!o.contains(&secret[..16]), "secret bytes in: {o}");
        }
        assert!(!o.contains("975310"), "PIN in: {o}");
        let leaked = words
            .iter()
            .filter(|w| {
                o.split(|c: char| !c.is_alphanumeric())
                    .any(|t| t == w.as_str())
            })
            .count();
        assert!(leaked <= 1, "{leaked} mnemonic words in: {o}");
    }
}
