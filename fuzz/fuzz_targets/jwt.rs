//! Any text as a compact JWS / JWT VC / JWT VP: parsing and verification never panic.
#![no_main]
use jigap_core::credential::{
    Jws, PresentationOptions, Resolver, VerifyOptions, verify_credential, verify_presentation,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Jws::parse(text, "fuzz");
        let r = Resolver::new();
        let _ = verify_credential(text, &VerifyOptions::new(&r, 1_767_225_600));
        let _ = verify_presentation(text, &PresentationOptions::new(&r, "n", "a", 1_767_225_600));
    }
});
