//! Any bytes as a backup file: inspecting and restoring it never panics and writes nothing
//! unless it authenticates.
#![no_main]
use std::sync::Arc;

use jigap_core::env::Env;
use jigap_core::store::{MemoryStore, Store};
use jigap_core::vault::{Vault, VaultOptions};
use libfuzzer_sys::fuzz_target;

/// Skip inputs whose header asks for a large Argon2id cost: they are refused above 256 MiB and
/// 16 passes, but below that ceiling a single run would take seconds and slow the fuzzer down.
pub fn cheap_kdf(data: &[u8]) -> bool {
    let text = String::from_utf8_lossy(data);
    let number_after = |key: &str| -> Option<u64> {
        let at = text.find(key)? + key.len();
        let digits: String = text[at..]
            .chars()
            .skip_while(|c| *c == ' ' || *c == ':')
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    number_after("\"m_kib\"").is_none_or(|m| m <= 4096) && number_after("\"t\"").is_none_or(|t| t <= 2)
}

fuzz_target!(|data: &[u8]| {
    let _ = Vault::inspect_backup(data);
    if !cheap_kdf(data) {
        return;
    }
    let store = Arc::new(MemoryStore::new());
    let r = Vault::restore(
        store.clone(),
        Env::system(),
        data,
        b"0123-4567-8901-2345-6789-0123-4567-8901",
        b"123456",
        VaultOptions::fast_for_tests(),
    );
    if r.is_err() {
        assert!(store.scan(&[]).map(|v| v.is_empty()).unwrap_or(false));
    }
});
