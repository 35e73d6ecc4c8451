//! Criterion benchmarks of the foundation, with libsecp256k1 (the `secp256k1` crate) measured
//! in the same run as the reference for the curve operations.
//!
//! `cargo xtask bench` runs it.

// Benchmark set-up on fixed inputs: a failure must stop the run.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use jigap_core::env::Env;
use jigap_core::keys::{
    ExtendedPrivateKey, Mnemonic, PrivateKey, PublicKey, Signature, TypedData, evm_account_path,
};
use jigap_core::store::{MemoryStore, SqliteStore, Store};
use jigap_core::vault::{KdfParams, RecordBatch, Vault, VaultOptions};

const MAIL: &str = include_str!("../../tests/vectors/eip712-mail.json");

fn ecdsa(c: &mut Criterion) {
    let key_bytes = [0x42u8; 32];
    let digest = [0x17u8; 32];
    let ours = PrivateKey::from_slice(&key_bytes).unwrap();
    let pk = ours.public_key();
    let sig = ours.sign_digest(&digest).unwrap();
    let rs = sig.rs();

    let sk = secp256k1::SecretKey::from_secret_bytes(key_bytes).unwrap();
    let lpk = secp256k1::PublicKey::from_secret_key(&sk);
    let msg = secp256k1::Message::from_digest(digest);
    let lsig = secp256k1::ecdsa::sign(msg, &sk);
    let lrec = secp256k1::ecdsa::RecoverableSignature::sign_ecdsa_recoverable(msg, &sk);

    let mut g = c.benchmark_group("ecdsa");
    g.bench_function("sign/jigap", |b| {
        b.iter(|| ours.sign_digest(black_box(&digest)).unwrap())
    });
    g.bench_function("sign/libsecp256k1", |b| {
        b.iter(|| {
            secp256k1::ecdsa::RecoverableSignature::sign_ecdsa_recoverable(black_box(msg), &sk)
        })
    });
    g.bench_function("verify/jigap", |b| {
        b.iter(|| assert!(pk.verify_digest_rs(black_box(&digest), &rs)))
    });
    g.bench_function("verify/libsecp256k1", |b| {
        b.iter(|| secp256k1::ecdsa::verify(&lsig, black_box(msg), &lpk).unwrap())
    });
    g.bench_function("recover/jigap", |b| {
        b.iter(|| black_box(&sig).recover_address(&digest).unwrap())
    });
    g.bench_function("recover/libsecp256k1", |b| {
        b.iter(|| black_box(&lrec).recover_ecdsa(msg).unwrap())
    });
    g.finish();
    let _ = (
        Signature::from_bytes(&sig.to_bytes()),
        PublicKey::from_sec1(&pk.to_compressed()),
    );
}

fn derivation(c: &mut Criterion) {
    let m = Mnemonic::parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", None).unwrap();
    let seed = m.to_seed("").unwrap();
    let root = ExtendedPrivateKey::from_seed(&*seed).unwrap();
    let path = evm_account_path(0);
    let mut g = c.benchmark_group("bip32");
    g.bench_function("derive m/44'/60'/0'/0/0 (wallet path)", |b| {
        b.iter(|| root.derive_key(black_box(&path)).unwrap())
    });
    g.bench_function("derive m/44'/60'/0'/0/0 (with fingerprints)", |b| {
        b.iter(|| root.derive_path(black_box(&path)).unwrap())
    });
    g.bench_function("bip39 seed (PBKDF2 2048)", |b| {
        b.iter(|| m.to_seed(black_box("")).unwrap())
    });
    g.finish();
}

fn eip712(c: &mut Criterion) {
    let v: serde_json::Value = serde_json::from_str(MAIL).unwrap();
    let json = v["typed_data"].to_string();
    let td = TypedData::from_json(&json).unwrap();
    let mut g = c.benchmark_group("eip712");
    g.bench_function("digest (parsed)", |b| {
        b.iter(|| black_box(&td).digest().unwrap())
    });
    g.bench_function("parse + digest", |b| {
        b.iter(|| {
            TypedData::from_json(black_box(&json))
                .unwrap()
                .digest()
                .unwrap()
        })
    });
    g.finish();
}

fn vault(c: &mut Criterion) {
    let env = Env::system();
    let dir = tempfile::tempdir().unwrap();
    let opts = VaultOptions {
        kdf: KdfParams::FAST_INSECURE,
        ..VaultOptions::default()
    };
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path().join("bench.db")).unwrap());
    {
        let v = Vault::create(store.clone(), env.clone(), b"123456", opts.clone()).unwrap();
        let mut b = RecordBatch::new();
        for i in 0..10_000 {
            b.put("vouchers", &format!("voucher-{i:05}"), vec![7u8; 200]);
        }
        v.commit(b).unwrap();
    }
    let mut g = c.benchmark_group("vault");
    g.sample_size(20);
    // The KDF alone, to subtract: the target excludes it.
    g.bench_function("kdf (fast profile, subtract)", |b| {
        b.iter(|| {
            KdfParams::FAST_INSECURE
                .derive(b"123456", b"0123456789abcdef")
                .unwrap()
        })
    });
    g.bench_function("open + unlock + read all 10,000 records (SQLite)", |b| {
        b.iter(|| {
            let v = Vault::open(store.clone(), env.clone(), opts.clone()).unwrap();
            v.unlock(b"123456").unwrap();
            assert_eq!(v.list("vouchers").unwrap().len(), 10_000);
        })
    });
    let v = Vault::open(store.clone(), env.clone(), opts.clone()).unwrap();
    v.unlock(b"123456").unwrap();
    let mut i = 0u64;
    g.bench_function("put one record (SQLite, durable)", |b| {
        b.iter(|| {
            i += 1;
            v.put("bench", &format!("r{}", i % 100), &[1u8; 200])
                .unwrap()
        })
    });
    g.bench_function("get one record (SQLite)", |b| {
        b.iter(|| {
            v.get("vouchers", black_box("voucher-05000"))
                .unwrap()
                .unwrap()
        })
    });
    let mem = Vault::create(Arc::new(MemoryStore::new()), env.clone(), b"123456", opts).unwrap();
    g.bench_function("put one record (memory)", |b| {
        b.iter(|| mem.put("bench", "r", &[1u8; 200]).unwrap())
    });
    g.bench_function("get one record (memory)", |b| {
        b.iter(|| mem.get("bench", black_box("r")).unwrap().unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = ecdsa, derivation, eip712, vault
}
criterion_main!(benches);
