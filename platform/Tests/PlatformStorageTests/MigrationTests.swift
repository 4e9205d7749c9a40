import Foundation
import PlatformStorage
import PlatformTestSupport
import SQLKit
import Testing

/// Migrations and transactions, on SQLite and on a real PostgreSQL server alike.
@Suite struct MigrationTests {
    static let first = Migration(1, "notes") { db, _ in
        try await db.create(table: "notes").column("id", type: .bigint, .primaryKey(autoIncrement: false)).column("text", type: .text, .notNull).run()
    }
    static let second = Migration(2, "note authors") { db, _ in
        try await db.alter(table: "notes").column("author", type: .text).run()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func migrationsApplyOnceInOrderAndAreRecorded(_ backend: TestDatabases.Backend) async throws {
        guard let url = try await TestDatabases.fresh(backend) else { return }
        let database = try await Database.open(url)
        #expect(try await database.migrate([Self.second, Self.first], service: "notes").from == 0)
        #expect(try await database.currentVersion() == 2)
        try await database.close()
        // Reopened, nothing is applied again (a second `notes` table would fail).
        let reopened = try await Database.open(url)
        let again = try await reopened.migrate([Self.first, Self.second], service: "notes")
        #expect(again.from == 2 && again.to == 2)
        try await reopened.withSession { db in
            try await db.insert(into: "notes").columns("id", "text", "author").values(SQLBind(1), SQLBind("hi"), SQLBind("ann")).run()
        }
        let names = try await reopened.withSession { db in
            try await db.select().column("name").from("weft_schema_migrations").orderBy("version").all().map { try $0.decode(column: "name", as: String.self) }
        }
        #expect(names == ["notes", "note authors"])
        try await reopened.close()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func aDatabaseNewerThanTheServiceIsRefusedNamingBothVersions(_ backend: TestDatabases.Backend) async throws {
        guard let url = try await TestDatabases.fresh(backend) else { return }
        let newer = try await Database.open(url)
        try await newer.migrate([Self.first, Self.second], service: "notes")
        try await newer.close()
        let older = try await Database.open(url)
        let error = await #expect(throws: StorageError.self) { try await older.migrate([Self.first], service: "notes") }
        #expect(error?.description.contains("schema version 2, newer than this build of notes knows (version 1)") == true, "\(String(describing: error))")
        try await older.close()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func aFailingMigrationLeavesNothingBehind(_ backend: TestDatabases.Backend) async throws {
        guard let url = try await TestDatabases.fresh(backend) else { return }
        let database = try await Database.open(url)
        let broken = Migration(2, "broken") { db, _ in
            try await db.create(table: "half").column("id", type: .bigint).run()
            try await db.raw("THIS IS NOT SQL").run()
        }
        await #expect(throws: (any Error).self) { try await database.migrate([Self.first, broken], service: "notes") }
        #expect(try await database.currentVersion() == 1)
        // The table the failed step made is gone with it: the fixed step can make it.
        let fixed = Migration(2, "fixed") { db, _ in try await db.create(table: "half").column("id", type: .bigint).run() }
        #expect(try await database.migrate([Self.first, fixed], service: "notes").to == 2)
        try await database.close()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func aTransactionCommitsAllOrNothing(_ backend: TestDatabases.Backend) async throws {
        guard let url = try await TestDatabases.fresh(backend) else { return }
        let database = try await Database.open(url)
        try await database.migrate([Self.first], service: "notes")
        struct Abandoned: Error {}
        await #expect(throws: Abandoned.self) {
            try await database.transaction { db in
                try await db.insert(into: "notes").columns("id", "text").values(SQLBind(1), SQLBind("lost")).run()
                throw Abandoned()
            }
        }
        try await database.transaction { db in
            try await db.insert(into: "notes").columns("id", "text").values(SQLBind(2), SQLBind("kept")).run()
        }
        let texts = try await database.withSession { db in
            try await db.select().column("text").from("notes").all().map { try $0.decode(column: "text", as: String.self) }
        }
        #expect(texts == ["kept"])
        try await database.close()
    }

    /// Sessions and transactions opened inside a transaction join it (SQLite has one
    /// connection: a second session would wait for the first forever).
    @Test(arguments: TestDatabases.Backend.allCases)
    func nestedSessionsJoinTheTransaction(_ backend: TestDatabases.Backend) async throws {
        guard let url = try await TestDatabases.fresh(backend) else { return }
        let database = try await Database.open(url)
        try await database.migrate([Self.first], service: "notes")
        struct Abandoned: Error {}
        await #expect(throws: Abandoned.self) {
            try await database.transaction { db in
                try await db.insert(into: "notes").columns("id", "text").values(SQLBind(1), SQLBind("inner")).run()
                // The nested read sees the uncommitted row: it is the same transaction.
                let seen = try await database.withSession { try await $0.select().column("text").from("notes").all().count }
                #expect(seen == 1)
                try await database.transaction { try await $0.insert(into: "notes").columns("id", "text").values(SQLBind(2), SQLBind("nested")).run() }
                throw Abandoned()
            }
        }
        // The nested transaction was part of the outer one, which rolled back.
        #expect(try await database.withSession { try await $0.select().column("id").from("notes").all().count } == 0)
        try await database.close()
    }

    /// Two instances of a service starting together: each step is applied once, neither fails.
    @Test(arguments: TestDatabases.Backend.allCases)
    func instancesMigratingTogetherApplyEachStepOnce(_ backend: TestDatabases.Backend) async throws {
        guard let url = try await TestDatabases.fresh(backend) else { return }
        let (one, two) = (try await Database.open(url), try await Database.open(url))
        async let a = one.migrate([Self.first, Self.second], service: "notes")
        async let b = two.migrate([Self.first, Self.second], service: "notes")
        let (first, second) = try await (a, b)
        #expect(first.to == 2 && second.to == 2)
        let rows = try await one.withSession { try await $0.select().column("version").from("weft_schema_migrations").all().count }
        #expect(rows == 2)
        try await one.close()
        try await two.close()
    }

    @Test func anUnknownURLSchemeIsRefused() async throws {
        let error = await #expect(throws: StorageError.self) { try await Database.open("mysql://db/x") }
        #expect(error?.description.contains("database URL scheme mysql is not postgres://") == true)
    }

    @Test func anUnreachableServerIsNamed() async throws {
        let error = await #expect(throws: StorageError.self) { try await Database.open("postgres://nobody:secret@127.0.0.1:9/none") }
        #expect(error?.description.contains("cannot reach PostgreSQL at postgres://nobody:***@127.0.0.1:9/none") == true, "\(String(describing: error))")
    }
}
