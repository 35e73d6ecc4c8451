//! Any text as an SD-JWT: splitting, disclosure decoding, digest matching, claim reconstruction
//! and disclosure selection never panic.
#![no_main]
use jigap_core::credential::{Disclosure, SdJwt};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for part in text.split('~').take(8) {
            let _ = Disclosure::parse(part);
        }
        if let Ok(sd) = SdJwt::parse(text) {
            let _ = sd.claims();
            if let Ok(paths) = sd.disclosable_paths() {
                let p: Vec<&str> = paths.iter().map(String::as_str).take(3).collect();
                let _ = sd.present(&p, None);
            }
        }
    }
});
