//! Any text given to the voucher QR decoders (request, payment, grant, settlement, refund):
//! never a panic.
#![no_main]
use jigap_core::voucher::{decode_grant, decode_redemption, decode_refund, decode_request, decode_settlement};
use libfuzzer_sys::fuzz_target;

fn all(text: &str) {
    let _ = decode_request(text);
    let _ = decode_redemption(text);
    let _ = decode_grant(text);
    let _ = decode_settlement(text);
    let _ = decode_refund(text);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        all(text);
    }
    // The same bytes behind each tag, so the fuzzer reaches the CBOR decoders directly.
    for tag in ["JGPR", "JGRD", "JGVG", "JGST", "JGRF"] {
        all(&jigap_core::qr::wrap(tag, 1, data));
    }
});
