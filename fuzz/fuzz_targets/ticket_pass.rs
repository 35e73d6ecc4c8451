//! Any bytes or text given to the ticket decoders and to a configured gate: never a panic.
#![no_main]
use std::sync::{Mutex, OnceLock};

use jigap_core::env::{Env, ManualClock};
use jigap_core::keys::PrivateKey;
use jigap_core::qr;
use jigap_core::ticket::{
    CheckInReceipt, TicketEvent, Gate, GateAuthorization, GateKey, Issuer, PASS_TAG, PASS_VERSION,
    Pass, SignedGrant, TicketIdentity, TicketRef, TransferRequest,
};
use libfuzzer_sys::fuzz_target;

const T0: u64 = 1_780_000_000;

fn gate() -> &'static Mutex<Gate> {
    static GATE: OnceLock<Mutex<Gate>> = OnceLock::new();
    GATE.get_or_init(|| {
        let env = Env::fixed(ManualClock::new(T0 * 1000), 1);
        let issuer = Issuer::new(env.clone(), PrivateKey::from_slice(&[0x17; 32]).unwrap()).unwrap();
        let key = GateKey::from_account(&PrivateKey::from_slice(&[0x31; 32]).unwrap());
        let event = TicketEvent {
            id: "MAHLER2-0528".into(),
            name: "Mahler 2".into(),
            venue: "Seoul".into(),
            doors_open: T0 - 3600,
            start: T0,
            end: T0 + 3600,
        };
        let contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3".parse().unwrap();
        let auth = issuer
            .authorize_gate(1, contract, &event, key.public(), "Fuzz")
            .unwrap();
        Mutex::new(Gate::new(env, key, &[issuer.identity().clone()], &[auth]).unwrap())
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = Pass::from_cbor(data);
    // Past the tag, base45 and version layers, straight into the CBOR decoder and the gate.
    let wrapped = qr::wrap(PASS_TAG, PASS_VERSION, data);
    if let Ok(mut g) = gate().lock() {
        let _ = g.verify(&wrapped);
        let _ = g.merge(data);
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = g.verify(text);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Pass::from_text(text);
        let _ = SignedGrant::from_text(text);
        let _ = TransferRequest::from_text(text);
        let _ = CheckInReceipt::from_text(text);
        let _ = GateAuthorization::from_text(text);
        let _ = TicketIdentity::from_text(text);
        let _ = text.parse::<TicketRef>();
    }
});
