//! `uniffi-bindgen`, built from the same pinned uniffi as `jigap-ffi`.
fn main() {
    uniffi::uniffi_bindgen_main()
}
