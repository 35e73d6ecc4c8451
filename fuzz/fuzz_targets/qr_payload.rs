//! Any text given to the QR payload decoder: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = jigap_core::qr::unwrap(text, "JGPR", "payment request", 1);
    }
    let _ = jigap_core::qr::from_cbor::<(u64, Vec<u8>)>(data);
});
