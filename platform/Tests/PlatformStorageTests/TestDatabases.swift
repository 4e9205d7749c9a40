import Foundation
import PlatformStorage
import SQLKit
import Testing

/// The databases every storage test runs against: a new SQLite file, and a new database on the
/// PostgreSQL server `WEFT_TEST_POSTGRES_URL` names (`make test` starts one; with
/// `WEFT_REQUIRE_POSTGRES=1` a missing server fails the test instead of leaving it to SQLite).
enum TestDatabases {
    enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// A URL of a new, empty database of `backend`; nil for PostgreSQL when no server is given.
    static func fresh(_ backend: Backend) async throws -> String? {
        switch backend {
        case .sqlite:
            return FileManager.default.temporaryDirectory.appendingPathComponent("weft-storage-\(UUID().uuidString)/db.sqlite").path
        case .postgres:
            guard let server = ProcessInfo.processInfo.environment["WEFT_TEST_POSTGRES_URL"] else {
                #expect(ProcessInfo.processInfo.environment["WEFT_REQUIRE_POSTGRES"] != "1", "WEFT_TEST_POSTGRES_URL is not set")
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
