//! Any text as a DID URL, a DID document or a JWK: resolution never panics.
#![no_main]
use jigap_core::credential::{Purpose, Resolver, VerificationKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut r = Resolver::new();
        let _ = r.resolve(text, Purpose::Assertion);
        let _ = VerificationKey::from_jwk_json(text);
        if let Ok(did) = r.add_did_document(text) {
            let _ = r.resolve(&did, Purpose::Assertion);
            let _ = r.resolve(&did, Purpose::Authentication);
        }
        let _ = r.add_issuer_jwks("https://fuzz.example", text);
    }
});
