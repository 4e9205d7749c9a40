import PlatformStorage
import PlatformTestSupport
import SQLKit
import Testing

/// `Database.change(_:inserting:)`: the inserts happen with the update, all or nothing, on
/// SQLite and on a real PostgreSQL server alike.
@Suite struct GuardedChangeTests {
    static let tables = Migration(1, "counters and log") { db, _ in
        try await db.create(table: "counters").column("name", type: .text, .primaryKey(autoIncrement: false)).column("value", type: .bigint, .notNull).run()
        try await db.create(table: "log").column("id", type: .text, .primaryKey(autoIncrement: false)).column("note", type: .text, .notNull).run()
    }

    static func bump(from value: Int64) -> SQLQueryString {
        "UPDATE counters SET value = value + 1 WHERE name = 'c' AND value = \(bind: value) RETURNING name"
    }

    static func log(_ id: String, _ note: String) -> RowInsert {
        RowInsert(into: "log", columns: ["id", "note"], values: [id, note])
    }

    static func state(_ database: Database) async throws -> (value: Int64, log: [String]) {
        try await database.withSession { db in
            let value = try await db.raw("SELECT value FROM counters WHERE name = 'c'").first()!.decode(column: "value", as: Int64.self)
            let notes = try await db.raw("SELECT note FROM log ORDER BY id").all().map { try $0.decode(column: "note", as: String.self) }
            return (value, notes)
        }
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func theInsertsHappenOnlyWithTheChangeAndADuplicateUndoesIt(_ backend: TestDatabases.Backend) async throws {
        guard let url = try await TestDatabases.fresh(backend) else { return }
        let database = try await Database.open(url)
        try await database.migrate([Self.tables], service: "counters")
        try await database.withSession { try await $0.raw("INSERT INTO counters (name, value) VALUES ('c', 0)").run() }

        // The update matches: it and both inserts happen.
        #expect(try await database.change(Self.bump(from: 0), inserting: [Self.log("a", "first"), Self.log("b", "second")]))
        #expect(try await Self.state(database) == (1, ["first", "second"]))

        // A stale compare-and-set changes nothing, and nothing is inserted.
        #expect(try await !database.change(Self.bump(from: 0), inserting: [Self.log("c", "stale")]))
        #expect(try await Self.state(database) == (1, ["first", "second"]))

        // An insert hits a unique key: the update is undone with it.
        await #expect(throws: DuplicateKey.self) {
            try await database.change(Self.bump(from: 1), inserting: [Self.log("d", "new"), Self.log("a", "again")])
        }
        #expect(try await Self.state(database) == (1, ["first", "second"]))

        // Inside a transaction it is part of it: rolled back with it.
        struct Abandoned: Error {}
        await #expect(throws: Abandoned.self) {
            try await database.transaction { _ in
                #expect(try await database.change(Self.bump(from: 1), inserting: [Self.log("e", "abandoned")]))
                throw Abandoned()
            }
        }
        #expect(try await Self.state(database) == (1, ["first", "second"]))
        try await database.close()
    }
}
