import SQLKit

extension SQLDatabase {
    /// Runs `statement` and the writes `alongside` it in one round trip on PostgreSQL (the
    /// writes as data-modifying `WITH` clauses of `statement`), one after another elsewhere (an
    /// embedded engine has no round trips to save); returns the rows `statement` returns. None
    /// may read another's rows; inside a transaction, all take effect or none.
    public func rows(of statement: SQLQueryString, alongside writes: [SQLQueryString]) async throws -> [any SQLRow] {
        guard dialect.name == "postgresql", !writes.isEmpty else {
            for write in writes { try await raw(write).run() }
            return try await raw(statement).all()
        }
        var combined: SQLQueryString = "WITH "
        for (index, write) in writes.enumerated() {
            combined += "\(unsafeRaw: index == 0 ? "" : ", ")weft_write_\(unsafeRaw: String(index)) AS (\(write)) "
        }
        return try await raw(combined + statement).all()
    }
}
