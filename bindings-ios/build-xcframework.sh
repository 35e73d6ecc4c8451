#!/usr/bin/env bash
# Build jigapFFI.xcframework and regenerate Sources/Jigap/{Jigap,JigapCore}.swift. Runs on macOS
# with Xcode and rustup; not run on the Linux CI (which regenerates the sources, syntax-checks
# them and checks both headers against the library's exported symbols).
#   ./build-xcframework.sh            release build, every feature, bundled SQLite
#   JIGAP_FEATURES=sqlite-system,tickets,credentials ./build-xcframework.sh
#                                     iOS's own libsqlite3 (about 650 KB smaller); any feature set
#                                     works, and the Swift sources then declare only what it has
set -euo pipefail
FEATURES=(${JIGAP_FEATURES:+--no-default-features --features "$JIGAP_FEATURES"})
cd "$(dirname "$0")/.."
TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${TARGETS[@]}"
for t in "${TARGETS[@]}"; do
  cargo build -p jigap-ffi --release --target "$t" "${FEATURES[@]}"
done
# Generate from an unstripped debug library (the UniFFI metadata lives in it): the Swift sources
# of both crates, their two headers and the one module map `jigapFFI` over both (with the same
# JIGAP_FEATURES).
cargo xtask bindings

HEADERS=target/swift/headers
rm -rf "$HEADERS" && mkdir -p "$HEADERS"
cp target/bindings/mobile/jigapFFI.h target/bindings/mobile/jigapCoreFFI.h "$HEADERS/"
cp target/bindings/mobile/module.modulemap "$HEADERS/module.modulemap"

mkdir -p target/universal/ios-sim target/universal/macos
lipo -create target/aarch64-apple-ios-sim/release/libjigap_ffi.a target/x86_64-apple-ios/release/libjigap_ffi.a \
  -output target/universal/ios-sim/libjigap_ffi.a
lipo -create target/aarch64-apple-darwin/release/libjigap_ffi.a target/x86_64-apple-darwin/release/libjigap_ffi.a \
  -output target/universal/macos/libjigap_ffi.a

rm -rf bindings-ios/jigapFFI.xcframework
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release/libjigap_ffi.a -headers "$HEADERS" \
  -library target/universal/ios-sim/libjigap_ffi.a -headers "$HEADERS" \
  -library target/universal/macos/libjigap_ffi.a -headers "$HEADERS" \
  -output bindings-ios/jigapFFI.xcframework
echo "built bindings-ios/jigapFFI.xcframework; run: (cd bindings-ios && swift test)"
