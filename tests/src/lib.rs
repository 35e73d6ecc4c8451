//! Shared fixtures for jigap's cross-crate tests: published vectors and helpers.

// Test fixtures: a missing or malformed vector file must stop the test loudly.
#![allow(clippy::panic)]

use std::path::PathBuf;

pub mod chain;

/// Path of a file under `tests/vectors/`.
pub fn vector_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(rel)
}

/// Parse a vector file as JSON.
pub fn vector_json(rel: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(vector_path(rel))
        .unwrap_or_else(|e| panic!("cannot read vector file {rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("vector file {rel} is not JSON: {e}"))
}

/// Hex without or with `0x`.
pub fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.trim_start_matches("0x")).unwrap_or_else(|e| panic!("bad hex {s}: {e}"))
}
