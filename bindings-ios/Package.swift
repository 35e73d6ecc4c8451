// swift-tools-version:5.9
// The jigap Swift package: generated UniFFI sources over the jigapFFI XCFramework.
// Build the XCFramework on a Mac with ./build-xcframework.sh (it also regenerates the sources).
import PackageDescription

let package = Package(
    name: "Jigap",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Jigap", targets: ["Jigap"]),
    ],
    targets: [
        // Static libraries for iOS devices, the iOS simulator and macOS, with the C header and
        // module map of `jigapFFI`.
        .binaryTarget(name: "jigapFFI", path: "jigapFFI.xcframework"),
        .target(
            name: "Jigap",
            dependencies: ["jigapFFI"],
            path: "Sources/Jigap",
            swiftSettings: [.enableExperimentalFeature("StrictConcurrency")]
        ),
        .testTarget(name: "JigapTests", dependencies: ["Jigap"], path: "Tests/JigapTests"),
    ]
)
