//! A child process for the crash-safety test (`tests/tests/crash.rs`): opens (or creates) a
//! SQLite vault, then pays, settles and refunds vouchers until it is killed, printing one line
//! on stdout after each operation has been committed:
//!
//! - `paid <request id> <redemption hash>`
//! - `settled <redemption hash> <true|false>`
//! - `refunded <refund id> <voucher id> <amount>`
//!
//! Usage: `crash-worker <dir> <seed>`.

// A test helper: an unexpected failure must stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::Arc;

use jigap_core::env::Env;
use jigap_core::keys::{Mnemonic, PrivateKey};
use jigap_core::store::SqliteStore;
use jigap_core::vault::VaultOptions;
use jigap_core::voucher::*;
use jigap_core::wallet::Wallet;

/// The citizen's recovery phrase and the issuer's key, shared with the test.
pub const PHRASE: &str =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";
const ISSUER: [u8; 32] = [0x41; 32];
const T0: u64 = 1_767_225_600;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("dir"));
    let seed: u64 = args.next().expect("seed").parse().expect("seed");
    let mut rng = seed | 1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    // The system's randomness: nonces must never repeat across runs on one vault.
    let env = Env::system();
    let store = Arc::new(SqliteStore::open(dir.join("wallet.db")).unwrap());
    let fresh = !jigap_core::vault::Vault::exists(&*store).unwrap();
    let wallet = Arc::new(if fresh {
        Wallet::restore(
            store,
            env.clone(),
            b"123456",
            &Mnemonic::parse(PHRASE, None).unwrap(),
            "",
            VaultOptions::fast_for_tests(),
        )
        .unwrap()
    } else {
        let w = Wallet::open(store, env.clone(), VaultOptions::fast_for_tests()).unwrap();
        w.unlock(b"123456").unwrap();
        w
    });
    let issuer = PrivateKey::from_slice(&ISSUER).unwrap();
    let domain = VoucherDomain::DEMO;
    let v = Vouchers::new(wallet.clone(), domain);
    let me = wallet.account(0).unwrap().address;
    if fresh {
        v.set_trusted_issuers(vec![TrustedIssuer {
            address: issuer.address(),
            name: "Seoul".into(),
            currency: "KRW".into(),
            holding_cap: 0,
            offline_allowance: 0,
        }])
        .unwrap();
        for i in 0..20u8 {
            let g = VoucherGrant {
                id: [i; 32],
                issuer: issuer.address(),
                holder: me,
                currency: "KRW".into(),
                amount: 100_000_000,
                issued_at: T0,
                purpose: Purpose::anywhere(T0 - 10, T0 + 100 * 365 * 86_400),
            }
            .sign(&domain, &issuer)
            .unwrap();
            v.import(&g).unwrap();
        }
    }
    // The merchant signs requests with its own in-memory wallet (its state is not checked).
    let shop_key = PrivateKey::from_slice(&[0x42; 32]).unwrap();
    let out = std::io::stdout();
    let mut out = out.lock();
    writeln!(out, "ready").unwrap();
    out.flush().unwrap();
    let mut mine: Vec<Payment> = Vec::new();
    loop {
        match next() % 10 {
            0..=5 => {
                let req = PaymentRequest {
                    id: {
                        let mut id = [0u8; 32];
                        id[..8].copy_from_slice(&next().to_be_bytes());
                        id[8..16].copy_from_slice(&seed.to_be_bytes());
                        id
                    },
                    merchant: shop_key.address(),
                    merchant_name: "행복마트".into(),
                    category: 5411,
                    region: "KR-11".into(),
                    currency: "KRW".into(),
                    amount: 1 + next() % 50_000,
                    expires_at: u64::MAX / 2,
                }
                .sign(&domain, &shop_key)
                .unwrap();
                let p = v.pay(&req).unwrap();
                writeln!(
                    out,
                    "paid {} {}",
                    hex::encode(req.request.id),
                    hex::encode(p.hash)
                )
                .unwrap();
                mine.push(p);
            }
            6..=8 => {
                let Some(p) = mine.pop() else { continue };
                let ok = !next().is_multiple_of(4);
                let s = Settlement {
                    redemption_hash: p.hash,
                    issuer: issuer.address(),
                    settled: ok,
                    reason: if ok { String::new() } else { "no".into() },
                    settled_at: T0,
                }
                .sign(&domain, &issuer)
                .unwrap();
                v.apply_settlement(&s).unwrap();
                writeln!(out, "settled {} {ok}", hex::encode(p.hash)).unwrap();
            }
            _ => {
                let id = [(next() % 20) as u8; 32];
                let view = v.voucher(&id).unwrap();
                let refundable = view.settled - view.refunded;
                if refundable == 0 {
                    continue;
                }
                let mut rid = [0u8; 32];
                rid[..8].copy_from_slice(&next().to_be_bytes());
                rid[8..16].copy_from_slice(&seed.to_be_bytes());
                let amount = 1 + next() % refundable.min(10_000);
                let r = Refund {
                    id: rid,
                    voucher_id: id,
                    amount,
                    refunded_at: T0,
                }
                .sign(&domain, &issuer)
                .unwrap();
                v.apply_refund(&r).unwrap();
                writeln!(
                    out,
                    "refunded {} {} {amount}",
                    hex::encode(rid),
                    hex::encode(id)
                )
                .unwrap();
            }
        }
        out.flush().unwrap();
    }
}
