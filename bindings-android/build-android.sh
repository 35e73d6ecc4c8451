#!/usr/bin/env bash
# Build libjigap_ffi.so for each Android ABI into jigap/src/main/jniLibs/<abi>/ and regenerate
# the Kotlin sources. Needs the Android NDK and `cargo install cargo-ndk`; not run on the Linux
# CI (which builds the host library, regenerates the Kotlin and runs the JVM tests instead).
# JIGAP_FEATURES=sqlite (or sqlite,tickets …) builds a smaller library and bindings to match.
set -euo pipefail
cd "$(dirname "$0")/.."
FEATURES=(${JIGAP_FEATURES:+--no-default-features --features "$JIGAP_FEATURES"})
rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
# 16 KB page alignment comes from .cargo/config.toml.
cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 -o bindings-android/jigap/src/main/jniLibs \
  build -p jigap-ffi --release "${FEATURES[@]}"
cargo build -p uniffi-bindgen
cargo build -p jigap-ffi "${FEATURES[@]}"
target/debug/uniffi-bindgen generate --no-format --library target/debug/libjigap_ffi.so \
  --language kotlin --out-dir bindings-android/jigap/src/main/kotlin
echo "now: (cd bindings-android && ./gradlew :jigap:assembleRelease)"
