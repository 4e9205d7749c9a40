// swift-tools-version:6.1
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its directory, so the parent checkout's folder name
// (`main`, `weft`, …) is the package name to refer to.
let weft = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

// Benchmarks live in their own package so the main build never compiles SwiftProtobuf.
let package = Package(
    name: "WeftBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        // bench.proto through Weft's build plugin.
        .target(
            name: "WeftBenchMessages",
            dependencies: [.product(name: "WeftMessages", package: weft)],
            plugins: [.plugin(name: "WeftCodegenPlugin", package: weft)]
        ),
        // bench.proto through protoc-gen-swift 1.39.0, generated once and committed
        // (see Sources/SwiftProtobufBenchMessages/README.md).
        .target(
            name: "SwiftProtobufBenchMessages",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "WeftBenchmarks",
            dependencies: [
                "WeftBenchMessages", "SwiftProtobufBenchMessages",
                .product(name: "WeftMessages", package: weft),
            ]
        ),
    ]
)
