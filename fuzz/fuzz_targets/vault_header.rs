//! Any bytes as a vault header (what a damaged or hostile store holds): opening and unlocking
//! never panic.
#![no_main]
use std::sync::Arc;

use jigap_core::env::Env;
use jigap_core::store::{MemoryStore, Op, Store};
use jigap_core::vault::{Vault, VaultOptions};
use libfuzzer_sys::fuzz_target;

fn cheap_kdf(data: &[u8]) -> bool {
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
    let store = Arc::new(MemoryStore::new());
    if store
        .write(&[Op::Put { key: b"jigap/header".to_vec(), value: data.to_vec() }])
        .is_err()
    {
        return;
    }
    let Ok(v) = Vault::open(store, Env::system(), VaultOptions::fast_for_tests()) else {
        return;
    };
    if cheap_kdf(data) {
        let _ = v.unlock(b"123456");
        let _ = v.get("keys", "seed");
    }
});
