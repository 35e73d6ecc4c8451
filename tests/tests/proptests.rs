//! Property tests: every encode/decode round-trips, and decoders never panic on junk.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jigap_core::env::Env;
use jigap_core::keys::*;
use jigap_core::store::MemoryStore;
use jigap_core::vault::{BackupSecret, RecordBatch, Vault, VaultOptions};
use proptest::prelude::*;

fn any_language() -> impl Strategy<Value = Language> {
    prop::sample::select(Language::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn address_round_trip(bytes in any::<[u8; 20]>()) {
        let a = Address(bytes);
        let s = a.to_string();
        prop_assert_eq!(s.parse::<Address>().unwrap(), a);
        prop_assert_eq!(s.to_lowercase().parse::<Address>().unwrap(), a);
        prop_assert_eq!(format!("0x{}", s[2..].to_uppercase()).parse::<Address>().unwrap(), a);
    }

    #[test]
    fn mnemonic_round_trip(len in prop::sample::select(vec![16usize, 20, 24, 28, 32]), seed in any::<[u8; 32]>(), lang in any_language()) {
        let entropy = &seed[..len];
        let m = Mnemonic::from_entropy(entropy, lang).unwrap();
        prop_assert_eq!(m.word_count(), len * 3 / 4);
        let back = Mnemonic::parse(&m.phrase(), Some(lang)).unwrap();
        prop_assert_eq!(&back.entropy()[..], entropy);
    }

    #[test]
    fn signature_round_trip_and_recovery(key in any::<[u8; 32]>(), digest in any::<[u8; 32]>()) {
        let Ok(k) = PrivateKey::from_slice(&key) else { return Ok(()) };
        let sig = k.sign_digest(&digest).unwrap();
        let parsed: Signature = sig.to_string().parse().unwrap();
        prop_assert_eq!(parsed, sig);
        prop_assert_eq!(Signature::from_bytes(&sig.to_bytes()).unwrap(), sig);
        prop_assert_eq!(sig.recover_address(&digest).unwrap(), k.address());
    }

    #[test]
    fn derivation_path_round_trip(steps in prop::collection::vec((0u32..0x8000_0000, any::<bool>()), 0..8)) {
        let s = std::iter::once("m".to_string())
            .chain(steps.iter().map(|(n, h)| if *h { format!("{n}'") } else { n.to_string() }))
            .collect::<Vec<_>>()
            .join("/");
        let p: DerivationPath = s.parse().unwrap();
        prop_assert_eq!(p.to_string(), s);
    }

    #[test]
    fn eip712_integer_forms_agree(v in any::<u64>()) {
        let doc = |val: serde_json::Value| {
            serde_json::json!({"types": {"T": [{"name": "v", "type": "uint256"}]}, "primaryType": "T", "domain": {}, "message": {"v": val}}).to_string()
        };
        let a = TypedData::from_json(&doc(v.into())).unwrap().digest().unwrap();
        let b = TypedData::from_json(&doc(v.to_string().into())).unwrap().digest().unwrap();
        let c = TypedData::from_json(&doc(format!("0x{v:x}").into())).unwrap().digest().unwrap();
        prop_assert_eq!(a, b);
        prop_assert_eq!(a, c);
    }

    #[test]
    fn decoders_never_panic(junk in prop::collection::vec(any::<u8>(), 0..200), s in ".{0,120}") {
        let _ = Signature::from_bytes(&junk);
        let _ = s.parse::<Signature>();
        let _ = s.parse::<Address>();
        let _ = s.parse::<DerivationPath>();
        let _ = Mnemonic::parse(&s, None);
        let _ = TypedData::from_json(&s).map(|t| t.digest());
        let _ = import_keystore(&s, b"pw");
        let _ = secp256k1_from_did_key(&s);
        let _ = ExtendedPrivateKey::from_xprv(&s);
        let _ = PublicKey::from_sec1(&junk);
        let _ = ExtendedPrivateKey::from_seed(&junk);
        let _ = Vault::restore(Arc::new(MemoryStore::new()), Env::system(), &junk, b"123456", b"123456", VaultOptions::fast_for_tests());
        let _ = Vault::inspect_backup(&junk);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    #[test]
    fn vault_records_and_backup_round_trip(records in prop::collection::btree_map("[a-z]{1,8}", prop::collection::vec(any::<u8>(), 0..300), 0..20)) {
        let store = Arc::new(MemoryStore::new());
        let v = Vault::create(store, Env::system(), b"123456", VaultOptions::fast_for_tests()).unwrap();
        let mut b = RecordBatch::new();
        for (id, val) in &records {
            b.put("ns", id, val.clone());
        }
        v.commit(b).unwrap();
        for (id, val) in &records {
            prop_assert_eq!(&v.get("ns", id).unwrap().unwrap()[..], &val[..]);
        }
        let file = v.backup(b"123456", BackupSecret::NewCode).unwrap();
        let code = file.code.unwrap();
        let (r, _) = Vault::restore(Arc::new(MemoryStore::new()), Env::system(), &file.bytes, code.grouped().as_bytes(), b"654321", VaultOptions::fast_for_tests()).unwrap();
        let mut listed: Vec<(String, Vec<u8>)> = r.list("ns").unwrap().into_iter().map(|(k, v)| (k, v.to_vec())).collect();
        listed.sort();
        let want: Vec<(String, Vec<u8>)> = records.into_iter().collect();
        prop_assert_eq!(listed, want);
    }

    #[test]
    fn keystore_round_trip(key in any::<[u8; 32]>(), pw in prop::collection::vec(any::<u8>(), 0..40), scrypt in any::<bool>()) {
        let Ok(k) = PrivateKey::from_slice(&key) else { return Ok(()) };
        let kdf = if scrypt { KeystoreKdf::Scrypt { log_n: 10, r: 8, p: 1 } } else { KeystoreKdf::Pbkdf2 { c: 1000 } };
        let json = export_keystore(&Env::system(), &k, &pw, kdf).unwrap();
        prop_assert_eq!(import_keystore(&json, &pw).unwrap().address(), k.address());
    }
}
