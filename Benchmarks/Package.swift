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
        .package(url: "https://github.com/grpc/grpc-swift-2", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", exact: "2.9.2"),
        // Weighed against Weft's own PrometheusRegistry on the call path (metrics-path).
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
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
        // interop.proto through protoc-gen-swift 1.39.0, generated once and committed (same
        // command as the bench messages, with -I Sources/WeftInterop).
        .target(
            name: "SwiftProtobufInterop",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // SwiftProtobuf coding for grpc-swift-2, shared by its server and client below.
        .target(
            name: "GRPCSwiftSupport",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // grpc-swift-2 serving the interop UnaryCall and FullDuplexCall, the peer of weft-interop.
        .executableTarget(
            name: "grpc-swift-interop-server",
            dependencies: [
                "GRPCSwiftSupport", "SwiftProtobufInterop",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "Sources/GRPCSwiftInteropServer"
        ),
        // Each framework's own client as the load generator.
        .executableTarget(
            name: "rpc-load",
            dependencies: [
                "GRPCSwiftSupport", "SwiftProtobufInterop",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "WeftInterop", package: weft),
                .product(name: "WeftRPC", package: weft),
                .product(name: "WeftRPCHTTP2", package: weft),
                .product(name: "WeftTLS", package: weft),
            ],
            path: "Sources/RPCLoad"
        ),
        // Weft's PrometheusRegistry against swift-prometheus on a served call's metrics.
        .executableTarget(
            name: "metrics-path",
            dependencies: [
                .product(name: "WeftMesh", package: weft), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Sources/MetricsPath"
        ),
        // Round robin vs power of two choices with one slow endpoint.
        .executableTarget(
            name: "mesh-balancing",
            dependencies: [
                .product(name: "WeftInterop", package: weft),
                .product(name: "WeftMesh", package: weft),
                .product(name: "WeftRPC", package: weft),
                .product(name: "WeftRPCHTTP2", package: weft),
            ],
            path: "Sources/MeshBalancing"
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
