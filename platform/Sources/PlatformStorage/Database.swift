// AsyncKit's pools predate Sendable annotations; an EventLoopGroupConnectionPool guards its state
// with its own lock and hands each connection to one caller at a time (postgres-kit imports it so too).
@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLiteKit
import SQLKit

/// A service's database: an embedded SQLite file (WAL) by default, PostgreSQL when given a
/// `postgres://` URL. Queries go through SQLKit, so one service's SQL runs on both.
public final class Database: Sendable {
    /// Which engine the database is (for the few statements whose SQL differs).
    public enum Engine: String, Sendable {
        /// An embedded SQLite file.
        case sqlite
        /// A PostgreSQL server.
        case postgres
    }

    /// The engine behind this database.
    public let engine: Engine
    /// What the database is, for messages: the SQLite file, or the PostgreSQL URL without its password.
    public let location: String
    private let pool: Pool
    /// The loops the connections live on; a session runs its statements on its connection's
    /// loop (see `withNewSession`).
    private let eventLoops: any EventLoopGroup
    private let logger: Logger

    private enum Pool: Sendable {
        case sqlite(EventLoopGroupConnectionPool<SQLiteConnectionSource>)
        case postgres(EventLoopGroupConnectionPool<PostgresConnectionSource>)
    }

    private init(engine: Engine, location: String, pool: Pool, eventLoops: any EventLoopGroup, logger: Logger) {
        self.eventLoops = eventLoops
        self.engine = engine
        self.location = location
        self.pool = pool
        self.logger = logger
    }

    /// Opens the database `url` names: `postgres://user:password@host:port/database`, or a
    /// SQLite file path (`sqlite:` prefix optional), created if missing, in WAL mode.
    public static func open(_ url: String, logger: Logger = Logger(label: "weft.platform.storage")) async throws -> Database {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let configuration = try SQLPostgresConfiguration(url: url)
            // A few connections on each of NIO's shared loops (one per core): sessions take turns
            // over the loops, so the driver's work spreads over the cores.
            let eventLoops = MultiThreadedEventLoopGroup.singleton
            let pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration), maxConnectionsPerEventLoop: 4,
                pruneInterval: nil, logger: logger, on: eventLoops)
            let database = Database(engine: .postgres, location: Self.withoutPassword(url), pool: .postgres(pool), eventLoops: eventLoops, logger: logger)
            // Fail now, naming the server, rather than at the first query.
            do {
                try await database.withSession { try await $0.raw("SELECT 1").run() }
            } catch {
                try? await pool.shutdownAsync()
                throw StorageError("cannot reach PostgreSQL at \(database.location): \(String(reflecting: error))")
            }
            return database
        }
        if let scheme = url.range(of: "://").map({ url[..<$0.lowerBound] }), !url.hasPrefix("sqlite:") {
            throw StorageError("database URL scheme \(scheme) is not postgres:// or a SQLite file path")
        }
        let path = url.hasPrefix("sqlite:") ? String(url.dropFirst("sqlite:".count)) : url
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        // One connection: SQLite has one writer at a time, and a single connection never waits on itself.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let pool = EventLoopGroupConnectionPool(
            source: SQLiteConnectionSource(configuration: SQLiteConfiguration(storage: .file(path: path), enableForeignKeys: true)),
            maxConnectionsPerEventLoop: 1, pruneInterval: nil, logger: logger, on: eventLoop)
        let database = Database(engine: .sqlite, location: path, pool: .sqlite(pool), eventLoops: eventLoop, logger: logger)
        try await database.withSession { session in
            try await session.raw("PRAGMA journal_mode = WAL").run()
            try await session.raw("PRAGMA busy_timeout = 5000").run()
        }
        return database
    }

    /// A session the current task holds on a database, so that a session or transaction opened
    /// inside it joins it (SQLite has one connection: a second would wait for the first forever).
    private struct HeldSession: Sendable {
        let session: any SQLDatabase
        var inTransaction: Bool
    }

    @TaskLocal private static var held: [ObjectIdentifier: HeldSession] = [:]

    /// Runs `body` with one connection: its statements see each other and run in order. Inside
    /// another session or transaction on this database, `body` joins it. `body` runs on the
    /// database's event loop: keep slow work (hashing a password) out of it, since it holds up
    /// the other sessions' replies while it runs.
    public func withSession<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        if let current = Self.held[ObjectIdentifier(self)] { return try await body(current.session) }
        return try await withNewSession { session in
            try await Self.$held.withValue(Self.held.merging([ObjectIdentifier(self): HeldSession(session: session, inTransaction: false)]) { $1 }) {
                try await body(session)
            }
        }
    }

    /// Runs `body` with a connection of the pool, on the connection's event loop from the
    /// request for the connection to its release: each reply the driver reads there resumes
    /// `body` on the same thread, with no hop between threads for every statement. In a task of
    /// its own, so that a cancelled caller never cuts a transaction short between its statements.
    private func withNewSession<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let (pool, logger) = (pool, logger)
        let executor = EventLoopTaskExecutor(eventLoop: eventLoops.next())
        return try await Task(executorPreference: executor) {
            switch pool {
            case .sqlite(let pool):
                let connection = try await pool.requestConnection(logger: logger, on: executor.eventLoop).get()
                defer { pool.releaseConnection(connection, logger: logger) }
                return try await body(connection.sql())
            case .postgres(let pool):
                let connection = try await pool.requestConnection(logger: logger, on: executor.eventLoop).get()
                defer { pool.releaseConnection(connection, logger: logger) }
                return try await body(connection.sql())
            }
        }.value
    }

    /// Runs `body` in one transaction: all of its statements take effect, or none (it rolls
    /// back when `body` throws). SQLite takes its write lock at the start, so two writers
    /// never deadlock upgrading their locks. A transaction inside another joins it. Let a failed statement end the transaction (throw
    /// it on): PostgreSQL aborts a transaction at its first error, and one whose error was
    /// caught inside `body` commits nothing. Use `ON CONFLICT` clauses for expected conflicts.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let begin = engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        let key = ObjectIdentifier(self)
        return try await withSession { session in
            // A transaction inside a transaction is part of it.
            if Self.held[key]?.inTransaction == true { return try await body(session) }
            try await session.raw(SQLQueryString(begin)).run()
            do {
                let result = try await Self.$held.withValue(Self.held.merging([key: HeldSession(session: session, inTransaction: true)]) { $1 }) {
                    try await body(session)
                }
                try await session.raw("COMMIT").run()
                return result
            } catch {
                do {
                    try await session.raw("ROLLBACK").run()
                } catch let rollback {
                    self.logger.error("ROLLBACK failed after \(error): \(rollback)")
                }
                throw error
            }
        }
    }

    /// Closes the connections.
    public func close() async throws {
        switch pool {
        case .sqlite(let pool): try await pool.shutdownAsync()
        case .postgres(let pool): try await pool.shutdownAsync()
        }
    }

    private static func withoutPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

/// A database that cannot serve the service: unreachable, or of a schema version it does not know.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}
