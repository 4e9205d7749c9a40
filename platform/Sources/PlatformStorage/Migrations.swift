import Foundation
import SQLKit

/// One step of a service's schema: applied once, in version order, in a transaction of its own,
/// and recorded in `weft_schema_migrations`. Number them 1, 2, 3… with no gaps: a step added
/// later with a version below the database's is never applied.
public struct Migration: Sendable {
    /// 1, 2, 3…: the schema version this step brings the database to.
    public let version: Int
    /// What it does, e.g. "products and prices".
    public let name: String
    /// The statements (the engine says where SQLite and PostgreSQL differ).
    public let apply: @Sendable (any SQLDatabase, Database.Engine) async throws -> Void

    /// A step to `version`, described by `name`.
    public init(_ version: Int, _ name: String, apply: @escaping @Sendable (any SQLDatabase, Database.Engine) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

extension Database {
    /// Brings the database to the newest of `migrations`, applying those it lacks; returns the
    /// versions before and after.
    ///
    /// - Throws: `StorageError` when the database is at a version newer than any `migrations`
    ///   know (it was migrated by a newer build of the service, which this one must not run
    ///   against), naming both versions; or the failing migration's error, after rolling it back.
    @discardableResult
    public func migrate(_ migrations: [Migration], service: String) async throws -> (from: Int, to: Int) {
        let ordered = migrations.sorted { $0.version < $1.version }
        precondition(Set(ordered.map(\.version)).count == ordered.count, "two migrations of \(service) share a version")
        let newest = ordered.last?.version ?? 0
        let engine = self.engine
        try await transaction { session in
            // Two instances creating the table at once would collide on PostgreSQL's catalog.
            if engine == .postgres { try await session.raw("SELECT pg_advisory_xact_lock(\(literal: Self.migrationLockKey))").run() }
            try await session.create(table: "weft_schema_migrations").ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .text, .notNull)
                .run()
        }
        let before = try await currentVersion()
        guard before <= newest else {
            throw StorageError("""
                the database at \(location) is at schema version \(before), newer than this build of \(service) \
                knows (version \(newest)); run a build of \(service) with its migrations
                """)
        }
        for migration in ordered where migration.version > before {
            try await transaction { session in
                // Instances starting together take turns (PostgreSQL: an advisory lock; SQLite:
                // BEGIN IMMEDIATE), and one finding the step applied by another skips it.
                if engine == .postgres { try await session.raw("SELECT pg_advisory_xact_lock(\(literal: Self.migrationLockKey))").run() }
                guard try await Self.newestVersion(in: session) < migration.version else { return }
                try await session.insert(into: "weft_schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(ISO8601DateFormatter().string(from: Date())))
                    .run()
                try await migration.apply(session, engine)
            }
        }
        return (before, max(before, newest))
    }

    /// The newest version recorded (0 when none is); the database must have been migrated once.
    public func currentVersion() async throws -> Int {
        try await withSession { try await Self.newestVersion(in: $0) }
    }

    private static func newestVersion(in session: any SQLDatabase) async throws -> Int {
        let row = try await session.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "version")
            .from("weft_schema_migrations").first()
        return try row?.decodeNil(column: "version") == false ? try row?.decode(column: "version", as: Int.self) ?? 0 : 0
    }

    /// The advisory lock key of migrations on PostgreSQL ("weftmigr" as an integer).
    static let migrationLockKey: Int64 = 0x7765_6674_6D69_6772
}
