import Foundation
import PlatformStorage
import SQLKit

/// The databases every storage test runs against: a new SQLite file, and a new database on the
/// PostgreSQL server `WEFT_TEST_POSTGRES_URL` names (`make test` starts one; with
/// `WEFT_REQUIRE_POSTGRES=1` a missing server fails the test instead of leaving it to SQLite).
public enum TestDatabases {
    public enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
        case sqlite, postgres
        public var description: String { rawValue }
    }

    /// No server was given, although `WEFT_REQUIRE_POSTGRES=1` asks for one.
    public struct ServerMissing: Error, CustomStringConvertible {
        public let description = "WEFT_TEST_POSTGRES_URL is not set, and WEFT_REQUIRE_POSTGRES=1 requires a PostgreSQL server"
    }

    /// A URL of a new, empty database of `backend`; nil for PostgreSQL when no server is given.
    public static func fresh(_ backend: Backend) async throws -> String? {
        switch backend {
        case .sqlite:
            return FileManager.default.temporaryDirectory.appendingPathComponent("weft-storage-\(UUID().uuidString)/db.sqlite").path
        case .postgres:
            guard let server = ProcessInfo.processInfo.environment["WEFT_TEST_POSTGRES_URL"] else {
                if ProcessInfo.processInfo.environment["WEFT_REQUIRE_POSTGRES"] == "1" { throw ServerMissing() }
                return nil
            }
            let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try await Database.open(server)
            try await admin.withSession { try await $0.raw(SQLQueryString("CREATE DATABASE \(unsafeRaw: name)")).run() }
            try await admin.close()
            var components = URLComponents(string: server)!
            components.path = "/" + name
            return components.string!
        }
    }
}

/// The NATS server (with JetStream) `WEFT_TEST_NATS_URL` names: `make test` starts one; with
/// `WEFT_REQUIRE_NATS=1` a missing server fails the test instead of skipping it.
public enum TestNATS {
    public struct ServerMissing: Error, CustomStringConvertible {
        public let description = "WEFT_TEST_NATS_URL is not set, and WEFT_REQUIRE_NATS=1 requires a NATS server"
    }

    /// The server's URL; nil when none is given.
    public static func url() throws -> String? {
        if let url = ProcessInfo.processInfo.environment["WEFT_TEST_NATS_URL"] { return url }
        if ProcessInfo.processInfo.environment["WEFT_REQUIRE_NATS"] == "1" { throw ServerMissing() }
        return nil
    }
}
