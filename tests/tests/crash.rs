//! Crash safety: a child process (`src/bin/crash_worker.rs`) pays, settles and refunds on a
//! SQLite vault and is killed with SIGKILL at a random point, 200 times in a row on the same
//! vault. After every kill the vault opens, every ledger invariant holds, every operation the
//! child reported as done is there (nothing committed is lost), and no payment was applied
//! twice (each request's reservation appears once per voucher in the journal).

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jigap_core::env::Env;
use jigap_core::store::SqliteStore;
use jigap_core::vault::VaultOptions;
use jigap_core::voucher::*;
use jigap_core::wallet::Wallet;

const KILLS: u64 = 200;

#[test]
fn sigkill_at_random_points_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut paid: BTreeMap<String, String> = BTreeMap::new(); // request id → redemption hash
    let mut settled: BTreeMap<String, bool> = BTreeMap::new();
    let mut refunds: BTreeSet<String> = BTreeSet::new();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut lines_total = 0usize;
    for run in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash-worker"))
            .arg(dir.path())
            .arg((next() | 1).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        // Read what the child reports on another thread; kill after a random delay (0–40 ms
        // after it is ready), so kills land before, during and after commits.
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        assert_eq!(first, "ready", "run {run}");
        // The first operation loads the ledger (slower as the history grows); count the kill's
        // delay from when operations are running, so it lands inside real work.
        let op = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        let deadline = Instant::now() + Duration::from_micros(next() % 40_000);
        while Instant::now() < deadline {
            std::thread::yield_now();
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();
        for line in std::iter::once(op).chain(rx.try_iter()) {
            lines_total += 1;
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["paid", req, hash] => {
                    paid.insert(req.to_string(), hash.to_string());
                }
                ["settled", hash, ok] => {
                    settled.insert(hash.to_string(), *ok == "true");
                }
                ["refunded", id, _, _] => {
                    refunds.insert(id.to_string());
                }
                other => panic!("run {run}: unexpected line {other:?}"),
            }
        }
        check(&dir, &paid, &settled, &refunds, run);
    }
    // The kills must have interrupted real work, not idle processes.
    assert!(lines_total > 200, "only {lines_total} operations completed");
}

fn check(
    dir: &tempfile::TempDir,
    paid: &BTreeMap<String, String>,
    settled: &BTreeMap<String, bool>,
    refunds: &BTreeSet<String>,
    run: u64,
) {
    let store = Arc::new(SqliteStore::open(dir.path().join("wallet.db")).unwrap());
    if !jigap_core::vault::Vault::exists(&*store).unwrap() {
        // Killed before the vault's first batch: nothing was reported either.
        assert!(
            paid.is_empty(),
            "run {run}: payments reported, vault missing"
        );
        return;
    }
    let wallet = Wallet::open(store, Env::system(), VaultOptions::fast_for_tests())
        .unwrap_or_else(|e| panic!("run {run}: the vault does not open: {e}"));
    wallet.unlock(b"123456").unwrap();
    // Killed during the first run's setup: the vouchers may not all be in yet.
    let v = Vouchers::new(Arc::new(wallet), VoucherDomain::DEMO);
    v.check_invariants()
        .unwrap_or_else(|e| panic!("run {run}: {e}"));
    for (req, hash) in paid {
        let h: [u8; 32] = hex::decode(hash).unwrap().try_into().unwrap();
        let status = v
            .payment_status(&h)
            .unwrap_or_else(|e| panic!("run {run}: committed payment {req} lost: {e}"));
        match settled.get(hash) {
            Some(true) => assert_eq!(status[0].status, "settled", "run {run}"),
            Some(false) => assert!(status[0].status.starts_with("rejected"), "run {run}"),
            None => {}
        }
    }
    let journal = v.history(&HistoryFilter::default()).unwrap();
    let mut reserved: BTreeSet<(Vec<u8>, [u8; 32])> = BTreeSet::new();
    let mut refunded: BTreeSet<Vec<u8>> = BTreeSet::new();
    for (i, e) in journal.iter().enumerate() {
        assert_eq!(e.seq, i as u64, "run {run}: journal numbering");
        match e.kind {
            EventKind::Reserved => assert!(
                reserved.insert((e.reference.unwrap().0.to_vec(), e.voucher_id.0)),
                "run {run}: a payment was reserved twice"
            ),
            EventKind::Refunded => assert!(
                refunded.insert(e.reference.unwrap().0.to_vec()),
                "run {run}: a refund was applied twice"
            ),
            _ => {}
        }
    }
    for id in refunds {
        assert!(
            refunded.contains(&hex::decode(id).unwrap()),
            "run {run}: committed refund {id} lost"
        );
    }
    // Every voucher's value is accounted for by the journal.
    let mut by_voucher: BTreeMap<[u8; 32], (u64, u64, u64)> = BTreeMap::new();
    for e in &journal {
        let t = by_voucher.entry(e.voucher_id.0).or_default();
        match e.kind {
            EventKind::Reserved => t.0 += e.amount,
            EventKind::Rejected | EventKind::Released => t.1 += e.amount,
            EventKind::Refunded => t.2 += e.amount,
            _ => {}
        }
    }
    for view in v.vouchers().unwrap() {
        let (r, back, refund) = by_voucher.get(&view.id.0).copied().unwrap_or_default();
        assert_eq!(
            view.settled + view.reserved,
            r - back,
            "run {run}: voucher ledger and journal disagree"
        );
        assert_eq!(view.refunded, refund, "run {run}");
    }
}
