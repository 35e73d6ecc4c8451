//! Any text as a status list (Bitstring Status List credential, IETF Token Status List) and
//! any JSON as a credential's status entry: decoding and checking never panic.
#![no_main]
use jigap_core::credential::{
    Resolver, CredentialStatusEntry, TOKEN_STATUS_LIST, VerifyOptions, check_status, decode_status_list,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = decode_status_list(text);
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = CredentialStatusEntry::from_credential_status(&v);
        let _ = CredentialStatusEntry::from_token_status(&v);
    }
    let r = Resolver::new();
    let opts = VerifyOptions::new(&r, 1_767_225_600);
    for purpose in ["revocation", TOKEN_STATUS_LIST] {
        let entry = CredentialStatusEntry {
            purpose: purpose.into(),
            index: 7,
            list_url: "https://issuer.example/status/1".into(),
            size: 1,
        };
        let _ = check_status(&entry, text, "https://issuer.example", &opts);
    }
});
