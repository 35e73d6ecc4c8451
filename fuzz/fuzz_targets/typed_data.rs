//! Any JSON given to the EIP-712 parser and hasher: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(td) = jigap_core::keys::TypedData::from_json(text) {
            let _ = td.digest();
        }
    }
});
