import Foundation
import IdentityAPI
import PlatformStorage
import SQLKit
import WeftMessages

/// A row of the users table.
struct UserRecord: Sendable {
    let id: String
    let email: String
    let displayName: String
    let passwordHash: String
    var roles: [Role]
    let createdMs: Int64

    /// `users/{id}`: the user's resource name and its tokens' `sub`.
    var name: String { "users/" + id }

    var message: User {
        User(
            name: name, email: email, displayName: displayName, roles: roles,
            createTime: Google_Protobuf_Timestamp(milliseconds: createdMs))
    }

    /// The roles as tokens carry them: "customer", "staff", "admin".
    var roleNames: [String] { roles.compactMap(Self.roleName) }

    static func roleName(_ role: Role) -> String? {
        switch role {
        case .customer: "customer"
        case .staff: "staff"
        case .admin: "admin"
        case .unspecified, .unrecognized: nil
        }
    }

    static func find(email: String, in db: any SQLDatabase) async throws -> UserRecord? {
        try await db.select().columns("*").from("users").where("email", .equal, SQLBind(email)).first().map(Self.init(row:))
    }

    static func find(id: String, in db: any SQLDatabase) async throws -> UserRecord? {
        try await db.select().columns("*").from("users").where("id", .equal, SQLBind(id)).first().map(Self.init(row:))
    }

    init(id: String, email: String, displayName: String, passwordHash: String, roles: [Role], createdMs: Int64) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.roles = roles
        self.createdMs = createdMs
    }

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        email = try row.decode(column: "email", as: String.self)
        displayName = try row.decode(column: "display_name", as: String.self)
        passwordHash = try row.decode(column: "password_hash", as: String.self)
        let names = try row.decode(column: "roles", as: String.self).split(separator: ",")
        roles = [Role.customer, .staff, .admin].filter { names.contains(Substring(Self.roleName($0)!)) }
        createdMs = try row.decode(column: "created_ms", as: Int64.self)
    }

    /// Inserts the user unless the email is taken; returns whether it did.
    func insert(in db: any SQLDatabase) async throws -> Bool {
        let inserted = try await db.insert(into: "users")
            .columns("id", "email", "display_name", "password_hash", "roles", "created_ms")
            .values(SQLBind(id), SQLBind(email), SQLBind(displayName), SQLBind(passwordHash), SQLBind(roleNames.joined(separator: ",")), SQLBind(createdMs))
            .ignoringConflicts(with: ["email"])
            .returning("id")
            .all()
        return !inserted.isEmpty
    }

    func saveRoles(in db: any SQLDatabase) async throws {
        try await db.update("users").set("roles", to: SQLBind(roleNames.joined(separator: ","))).where("id", .equal, SQLBind(id)).run()
    }

    static func savePasswordHash(_ hash: String, id: String, in db: any SQLDatabase) async throws {
        try await db.update("users").set("password_hash", to: SQLBind(hash)).where("id", .equal, SQLBind(id)).run()
    }
}
