// swift-tools-version:5.9
// The jigap Swift package: generated UniFFI sources (Jigap.swift: the objects; JigapCore.swift:
// the core's records, enums and error) over the jigapFFI XCFramework.
// Build the XCFramework on a Mac with ./build-xcframework.sh (it also regenerates the sources).
import PackageDescription

let package = Package(
    name: "Jigap",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Jigap", targets: ["Jigap"]),
    ],
    targets: [
        // Static libraries for iOS devices, the iOS simulator and macOS, with the C module
        // `jigapFFI`: the headers of both UniFFI crates (jigapFFI.h, jigapCoreFFI.h).
        .binaryTarget(name: "jigapFFI", path: "jigapFFI.xcframework"),
        .target(
            name: "Jigap",
            dependencies: ["jigapFFI"],
            path: "Sources/Jigap",
            swiftSettings: [.enableExperimentalFeature("StrictConcurrency")],
            // For a library built with `sqlite-system` (iOS's own SQLite); unused otherwise.
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        .testTarget(name: "JigapTests", dependencies: ["Jigap"], path: "Tests/JigapTests"),
    ]
)
