//! Any text as a Web3 keystore: importing never panics (and its KDF limits hold).
#![no_main]
use jigap_core::keys::import_keystore;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // scrypt and PBKDF2 are capped (256 MiB, 8× the standard work), but a run at the cap takes
    // seconds: leave the large ones to the unit tests, fuzz the parser and the cheap ones.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        let p = &v["crypto"]["kdfparams"];
        let n = p["n"].as_u64().unwrap_or(0);
        let r = p["r"].as_u64().unwrap_or(0);
        let c = p["c"].as_u64().unwrap_or(0);
        if n.saturating_mul(r) > 1 << 12 || c > 10_000 {
            return;
        }
    }
    let _ = import_keystore(text, b"pw");
});
