//! Any bytes as an Ethereum raw transaction, RLP, ABI data or a node's reply: decoding never
//! panics, and whatever decodes re-encodes to the same bytes.
#![no_main]
use jigap_core::evm::{abi, decode_raw, rlp, rpc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = decode_raw(data, None) {
        // Canonical only: one transaction, one encoding.
        assert_eq!(s.raw.0, data);
    }
    let _ = rlp::decode(data);
    let types: Vec<String> = ["uint8", "int256", "address", "bool", "bytes", "string[]", "(bytes32,uint64[2])[]"]
        .map(String::from)
        .to_vec();
    for t in types.chunks(2) {
        if let Ok(json) = abi::decode_json(t, data) {
            let again = abi::encode_json(t, &json).expect("decoded values encode again");
            assert_eq!(abi::decode_json(t, &again).expect("and decode"), json);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(v) = rpc::result(text, 1) {
            let _ = rpc::parse_receipt(&v);
            let _ = rpc::parse_logs(&v);
            let _ = rpc::suggest_fees(Some(&v), &jigap_core::evm::U256::ZERO, None);
        }
        let _ = rpc::read::parse_token(text, &jigap_core::keys::Address([1; 20]), jigap_core::evm::TokenStandard::Erc20);
    }
});
