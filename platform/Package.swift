// swift-tools-version:6.1
// The reference platform: services a Weft user builds (identity, catalog, inventory…), each with
// its own database, on the mesh behind the gateway. A package of its own that uses Weft as any
// project would: by path, with the build plugin for its schemas.
import PackageDescription

let package = Package(
    name: "WeftPlatform",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, so targets refer to it as "Weft" whatever the clone's folder is called.
        .package(name: "Weft", path: ".."),
        // The SQL layer: one API over SQLite (embedded, the default) and PostgreSQL.
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Databases and their migrations: a SQLite file by default, PostgreSQL for a postgres:// URL.
        .target(
            name: "PlatformStorage",
            dependencies: [
                .product(name: "WeftMessages", package: "Weft"), .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The databases the platform's tests run on: SQLite, and the PostgreSQL server `make test` starts.
        .target(
            name: "PlatformTestSupport",
            dependencies: [
                "PlatformStorage", .product(name: "SQLKit", package: "sql-kit"), .product(name: "WeftMessages", package: "Weft"),
                .product(name: "WeftRPC", package: "Weft"),
            ],
            path: "Tests/PlatformTestSupport"
        ),
        .testTarget(name: "PlatformStorageTests", dependencies: ["PlatformStorage", "PlatformTestSupport"]),
        // Domain events: the transactional outbox a service writes, and the offsets and seen
        // event ids a consumer keeps in its own database.
        .target(
            name: "PlatformEvents",
            dependencies: [
                "PlatformStorage", .product(name: "WeftMessages", package: "Weft"), .product(name: "WeftRPC", package: "Weft"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: [.plugin(name: "WeftCodegenPlugin", package: "Weft")]
        ),
        // libcrypto for the platform's password hashes and digests (Weft's own OpenSSL module is internal to it).
        .systemLibrary(name: "CPlatformCrypto", path: "Sources/CPlatformCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // scrypt password hashes, SHA-256/HMAC, secure random tokens, base64url.
        .target(name: "PlatformCrypto", dependencies: ["CPlatformCrypto"]),
        .testTarget(name: "PlatformCryptoTests", dependencies: ["PlatformCrypto"]),

        // identity: accounts, sign-in with throttling, EdDSA access tokens, rotating refresh
        // tokens and signing keys. IdentityAPI is what callers depend on (messages, clients).
        .target(
            name: "IdentityAPI",
            dependencies: [.product(name: "WeftMessages", package: "Weft"), .product(name: "WeftRPC", package: "Weft")],
            plugins: [.plugin(name: "WeftCodegenPlugin", package: "Weft")]
        ),
        .target(
            name: "Identity",
            dependencies: [
                "IdentityAPI", "PlatformCrypto", "PlatformEvents", "PlatformStorage",
                .product(name: "WeftRPC", package: "Weft"), .product(name: "WeftTLS", package: "Weft"), .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "IdentityTests",
            dependencies: ["Identity", "IdentityAPI", "PlatformTestSupport", .product(name: "WeftRPC", package: "Weft"), .product(name: "WeftRPCHTTP2", package: "Weft"), .product(name: "WeftTLS", package: "Weft")]
        ),
        // NATS JetStream, the events' transport at scale: Debian's C client (libnats-dev) and a
        // C shim that fills its option structs.
        .systemLibrary(name: "CNATS", path: "Sources/CNATS", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
        .target(name: "CWeftNATS", dependencies: ["CNATS"], path: "Sources/CWeftNATS"),
        // The outbox relay to JetStream and the durable pull consumer.
        .target(
            name: "PlatformNATS",
            dependencies: [
                "CNATS", "CWeftNATS", "PlatformEvents", "PlatformStorage", .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PlatformNATSTests",
            dependencies: ["PlatformNATS", "PlatformEvents", "PlatformStorage", "PlatformTestSupport", .product(name: "WeftMessages", package: "Weft")]
        ),

        // catalog: categories, products and variants, FieldMask updates, signed page tokens, events.
        .target(
            name: "CatalogAPI",
            dependencies: [.product(name: "WeftMessages", package: "Weft"), .product(name: "WeftRPC", package: "Weft")],
            plugins: [.plugin(name: "WeftCodegenPlugin", package: "Weft")]
        ),
        .target(
            name: "Catalog",
            dependencies: [
                "CatalogAPI", "PlatformCrypto", "PlatformEvents", "PlatformStorage",
                .product(name: "WeftRPC", package: "Weft"), .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "CatalogTests",
            dependencies: ["Catalog", "CatalogAPI", "PlatformEvents", "PlatformTestSupport", .product(name: "WeftRPC", package: "Weft"), .product(name: "WeftRPCHTTP2", package: "Weft")]
        ),
        // inventory: stock per SKU and location, reservations that never oversell, expiry, a ledger.
        .target(
            name: "InventoryAPI",
            dependencies: [.product(name: "WeftMessages", package: "Weft"), .product(name: "WeftRPC", package: "Weft")],
            plugins: [.plugin(name: "WeftCodegenPlugin", package: "Weft")]
        ),
        .target(
            name: "Inventory",
            dependencies: [
                "InventoryAPI", "CatalogAPI", "PlatformEvents", "PlatformStorage",
                .product(name: "WeftRPC", package: "Weft"), .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "InventoryTests",
            dependencies: ["Inventory", "InventoryAPI", "CatalogAPI", "PlatformEvents", "PlatformTestSupport", .product(name: "WeftRPC", package: "Weft"), .product(name: "WeftRPCHTTP2", package: "Weft")]
        ),
        // Reservations from many clients against a running inventory, and the oversell check
        // (Benchmarks/platform.sh, beside pgbench).
        .executableTarget(
            name: "platform-bench",
            dependencies: [
                "InventoryAPI", .product(name: "WeftMessages", package: "Weft"), .product(name: "WeftRPC", package: "Weft"), .product(name: "WeftRPCHTTP2", package: "Weft"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The runner: the services named on its command line, as one mesh service.
        .executableTarget(
            name: "weft-platform",
            dependencies: [
                "Catalog", "CatalogAPI", "Identity", "IdentityAPI", "Inventory", "InventoryAPI", "PlatformCrypto", "PlatformEvents", "PlatformNATS",
                "PlatformStorage",
                .product(name: "WeftMesh", package: "Weft"), .product(name: "WeftGateway", package: "Weft"), .product(name: "WeftMessages", package: "Weft"),
                .product(name: "WeftRPC", package: "Weft"), .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PlatformEventsTests",
            dependencies: ["PlatformEvents", "PlatformStorage", "PlatformTestSupport", .product(name: "WeftRPC", package: "Weft"), .product(name: "WeftRPCHTTP2", package: "Weft")]
        ),
    ]
)
