// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Weft",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .library(name: "WeftMessages", targets: ["WeftMessages"]),
        .library(name: "WeftInterop", targets: ["WeftInterop"]),
        .library(name: "WeftRPC", targets: ["WeftRPC"]),
        .library(name: "WeftRPCHTTP2", targets: ["WeftRPCHTTP2"]),
        .library(name: "WeftTLS", targets: ["WeftTLS"]),
        .library(name: "WeftGateway", targets: ["WeftGateway"]),
        .library(name: "WeftREST", targets: ["WeftREST"]),
        .library(name: "WeftMesh", targets: ["WeftMesh"]),
        .library(name: "WeftSchema", targets: ["WeftSchema"]),
        .library(name: "WeftSwiftEmitter", targets: ["WeftSwiftEmitter"]),
        .executable(name: "weft-codegen", targets: ["weft-codegen"]),
        .executable(name: "weft", targets: ["weft"]),
        .plugin(name: "WeftCodegenPlugin", targets: ["WeftCodegenPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // YAML configuration files (read into the same value tree as JSON, so every check applies).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Prometheus text for the metrics Weft records through swift-metrics.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: Schema compiler (codegen/)
        .target(name: "WeftSchema", path: "codegen/Sources/WeftSchema"),
        .target(
            name: "WeftSwiftEmitter",
            dependencies: ["WeftSchema"],
            path: "codegen/Sources/WeftSwiftEmitter"
        ),
        .executableTarget(
            name: "weft-codegen",
            dependencies: [
                "WeftSchema", "WeftSwiftEmitter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "codegen/Sources/weft-codegen"
        ),
        .plugin(
            name: "WeftCodegenPlugin",
            capability: .buildTool(),
            dependencies: ["weft-codegen"],
            path: "codegen/Plugins/WeftCodegenPlugin"
        ),

        // MARK: C libraries
        .systemLibrary(
            name: "CNGHTTP2",
            path: "Sources/CNGHTTP2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "CWeftOpenSSL", dependencies: ["COpenSSL"], path: "Sources/CWeftOpenSSL"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Runtime
        .target(name: "WeftMessages", path: "Sources/WeftMessages"),
        // Generated REST clients' runtime: a gateway's JSON routes over URLSession (no NIO, for apps).
        .target(name: "WeftREST", dependencies: ["WeftMessages"], path: "Sources/WeftREST"),
        // TLS over OpenSSL: contexts from PEM files, a NIO handler over memory BIOs, peer identity.
        .target(
            name: "WeftTLS",
            dependencies: ["COpenSSL", "CWeftOpenSSL", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/WeftTLS"
        ),
        // HTTP/2 over libnghttp2: one session per connection, on the channel's event loop.
        .target(
            name: "WeftHTTP2",
            dependencies: ["CNGHTTP2", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/WeftHTTP2"
        ),
        // The RPC core, with no transport: status, metadata, deadlines, the call model (client
        // calls, dispatch, interceptors) and the in-process transport. Generated code links this
        // and WeftMessages only.
        .target(name: "WeftRPC", dependencies: ["WeftMessages"], path: "Sources/WeftRPC"),
        // gRPC over HTTP/2: connections and the server over nghttp2 and OpenSSL, message
        // framing and compression.
        .target(
            name: "WeftRPCHTTP2",
            dependencies: [
                "WeftRPC", "WeftMessages", "WeftHTTP2", "WeftTLS", "CZlib",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/WeftRPCHTTP2"
        ),
        // The REST gateway: route templates, transcoding, rate limits, circuit breaking.
        .target(
            name: "WeftGateway",
            dependencies: [
                "WeftRPC", "WeftRPCHTTP2", "WeftSchema", "WeftHTTP2", "WeftTLS", "WeftMesh",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/WeftGateway"
        ),
        // The mesh layer: standard services (health) and the server that runs them.
        .target(
            name: "WeftMesh",
            dependencies: [
                "WeftMessages", "WeftRPC", "WeftRPCHTTP2", "WeftHTTP2", "WeftTLS",
                .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/WeftMesh",
            plugins: ["WeftCodegenPlugin"]
        ),
        // The interop contract's types, generated on every build from its copy, Sources/WeftInterop/interop.proto.
        .target(
            name: "WeftInterop",
            dependencies: ["WeftMessages", "WeftRPC"],
            path: "Sources/WeftInterop",
            plugins: ["WeftCodegenPlugin"]
        ),

        // `weft`: the operator's command line (`weft certs`, `weft gateway`).
        .executableTarget(
            name: "weft",
            dependencies: ["WeftTLS", "WeftGateway", "WeftMesh", "WeftInterop", "WeftRPC", "WeftRPCHTTP2", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/weft"
        ),
        // The interop TestService server (fixed command line: acceptance tests drive it).
        .executableTarget(
            name: "weft-interop",
            dependencies: ["WeftInterop", "WeftMesh", "WeftRPC", "WeftRPCHTTP2", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/weft-interop"
        ),
        // `make demo`: the catalog schema's generated types in use.
        .executableTarget(
            name: "weft-demo",
            dependencies: ["WeftMessages", "WeftMesh", "WeftGateway", "WeftRPC", "WeftRPCHTTP2", "WeftTLS"],
            path: "Sources/weft-demo",
            plugins: ["WeftCodegenPlugin"]
        ),

        // MARK: Tests
        // Helpers the test targets share (running command-line peers such as curl and nghttp).
        .target(name: "WeftTestSupport", path: "Tests/WeftTestSupport"),
        .target(
            name: "WeftHTTP2TestSupport",
            dependencies: ["WeftHTTP2", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            path: "Tests/WeftHTTP2TestSupport"
        ),
        .testTarget(name: "WeftSchemaTests", dependencies: ["WeftSchema"], path: "Tests/WeftSchemaTests"),
        .testTarget(
            name: "WeftSwiftEmitterTests",
            dependencies: ["WeftSchema", "WeftSwiftEmitter"],
            path: "Tests/WeftSwiftEmitterTests",
            exclude: ["Golden"]
        ),
        .testTarget(name: "WeftRESTTests", dependencies: ["WeftREST", "WeftMessages"], path: "Tests/WeftRESTTests"),
        .testTarget(name: "WeftMessagesTests", dependencies: ["WeftMessages"], path: "Tests/WeftMessagesTests"),
        .testTarget(name: "WeftRPCTests", dependencies: ["WeftRPC", "WeftRPCHTTP2", "WeftTestSupport"], path: "Tests/WeftRPCTests"),
        .testTarget(
            name: "WeftHTTP2Tests",
            dependencies: [
                "WeftHTTP2", "CNGHTTP2", "WeftTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/WeftHTTP2Tests"
        ),
        .testTarget(
            name: "WeftGatewayTests",
            dependencies: [
                "WeftGateway", "WeftHTTP2TestSupport", "WeftMesh", "WeftRPC", "WeftRPCHTTP2", "WeftREST", "WeftSchema", "WeftInterop", "WeftTLS",
                "WeftTestSupport", "WeftBookshop",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/WeftGatewayTests",
            exclude: ["Golden"]
        ),
        // The bookshop the gateway's tests put behind it: its schema exercises every
        // google.api.http rule form; the generated gRPC and REST clients come with it.
        .target(
            name: "WeftBookshop",
            dependencies: ["WeftMessages", "WeftMesh", "WeftRPC", "WeftRPCHTTP2", "WeftREST", "WeftTestSupport"],
            path: "Tests/Fixtures/Bookshop",
            plugins: ["WeftCodegenPlugin"]
        ),
        // `weft-bookshop PKI`: the bookshop over mutual TLS as a process, for generated clients' tests.
        .executableTarget(
            name: "weft-bookshop",
            dependencies: ["WeftBookshop", "WeftMesh", "WeftTLS"],
            path: "Tests/Fixtures/BookshopServer"
        ),
        .testTarget(name: "WeftInteropTests", dependencies: ["WeftInterop", "WeftRPC"], path: "Tests/WeftInteropTests"),
        .testTarget(
            name: "WeftMeshTests",
            dependencies: [
                "WeftMesh", "WeftMessages", "WeftRPC", "WeftRPCHTTP2", "WeftHTTP2", "WeftTLS", "WeftTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Tests/WeftMeshTests",
            plugins: ["WeftCodegenPlugin"]
        ),
        .testTarget(
            name: "WeftGeneratedCodeTests",
            dependencies: [
                "WeftMessages", "WeftHTTP2", "WeftHTTP2TestSupport", "WeftRPC", "WeftRPCHTTP2", "WeftTLS", "WeftInterop", "WeftTestSupport", "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/WeftGeneratedCodeTests",
            plugins: ["WeftCodegenPlugin"]
        ),
        // Writes and verifies samples for the Python protobuf cross-language tests.
        .executableTarget(
            name: "weft-codec-probe",
            dependencies: ["WeftMessages", "WeftInterop"],
            path: "Tests/CrossLanguage/CodecProbe",
            plugins: ["WeftCodegenPlugin"]
        ),
        // libFuzzer target over the decoders (`make fuzz`); a plain build replays input files.
        .executableTarget(
            name: "weft-fuzz-decoder",
            dependencies: ["WeftMessages", "WeftInterop"],
            path: "Tests/Fuzz/DecoderFuzz"
        ),
        .testTarget(
            name: "WeftSystemLibrariesTests",
            dependencies: ["CNGHTTP2", "CWeftOpenSSL"],
            path: "Tests/WeftSystemLibrariesTests"
        ),
    ]
)
