import PostgresKit
import SQLiteKit
import SQLKit

/// One row to insert: a table, its columns and their values, kept apart so that the insert can
/// be made to depend on a change (`Database.change(_:inserting:)`).
public struct RowInsert: Sendable {
    /// The table, as SQL (an identifier the code names, never input).
    public let table: String
    /// The columns, as SQL, in the order of `values`.
    public let columns: [String]
    /// The values, sent as bind parameters.
    public let values: [any Encodable & Sendable]

    /// The insert of `values` into `columns` of `table`.
    public init(into table: String, columns: [String], values: [any Encodable & Sendable]) {
        precondition(columns.count == values.count, "one value per column")
        self.table = table
        self.columns = columns
        self.values = values
    }

    /// The plain `INSERT … VALUES` statement.
    public var statement: SQLQueryString {
        "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES (\(binds: values))"
    }

    /// The insert of one row for each row `source` (a `WITH` name) has.
    fileprivate func selecting(from source: String) -> SQLQueryString {
        "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ", "))) SELECT \(binds: values) FROM \(unsafeRaw: source)"
    }
}

/// An insert of `Database.change(_:inserting:)` hit a unique key: nothing of the change
/// happened. Throw it on out of a transaction it ran in (PostgreSQL has aborted that).
public struct DuplicateKey: Error, CustomStringConvertible {
    /// The database's own message.
    public let detail: String
    public var description: String { "duplicate key: \(detail)" }
}

extension Database {
    /// Runs `update`, an `UPDATE … RETURNING` that changes at most one row, and only when it
    /// changed one, inserts `rows`: all of it or nothing. Returns whether it changed a row;
    /// throws `DuplicateKey` when an insert hits a unique key.
    ///
    /// On PostgreSQL this is one statement (the inserts as data-modifying `WITH` clauses reading
    /// the updated row), so one round trip and no transaction block are needed; elsewhere it is
    /// a transaction (an embedded engine has no round trips to save). Inside a session or a
    /// transaction it joins it.
    public func change(_ update: SQLQueryString, inserting rows: [RowInsert]) async throws -> Bool {
        do {
            if engine == .postgres {
                var statement: SQLQueryString = "WITH weft_changed AS (\(update))"
                for (index, row) in rows.enumerated() {
                    statement += ", weft_insert_\(unsafeRaw: String(index)) AS (\(row.selecting(from: "weft_changed")))"
                }
                statement += " SELECT count(*) AS changed FROM weft_changed"
                return try await withSession { [statement] db in
                    try await db.raw(statement).first().map { try $0.decode(column: "changed", as: Int64.self) > 0 } ?? false
                }
            }
            return try await transaction { db in
                guard try await db.raw(update).first() != nil else { return false }
                for row in rows { try await db.raw(row.statement).run() }
                return true
            }
        } catch let error where Self.isUniqueViolation(error) {
            throw DuplicateKey(detail: String(describing: error))
        }
    }

    private static func isUniqueViolation(_ error: any Error) -> Bool {
        switch error {
        case let error as PostgresError: error.code == .uniqueViolation
        case let error as PSQLError: error.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw
        case let error as SQLiteError: [.constraintUniqueFailed, .constraintPrimaryKeyFailed].contains(error.reason)
        default: false
        }
    }
}
