import Foundation
import PlatformCrypto
import SQLKit

/// Refresh tokens: opaque random strings the database knows only by their SHA-256. Each use
/// rotates the token (the old one is marked used, a new one of the same family is issued); a
/// used token presented again means it was copied, so the whole family (every session that
/// began with the same sign-in) is revoked.
enum RefreshTokens {
    /// What presenting a refresh token did.
    enum Outcome: Sendable {
        /// Rotated: the user it belongs to and the token that replaces it.
        case rotated(userID: String, token: String)
        /// Unknown, expired, revoked or signed out.
        case invalid
        /// Used before: its family is now revoked.
        case reused
    }

    /// A new token of `family` (a new family for a new sign-in) for `userID`, inside the caller's transaction.
    static func issue(userID: String, family: String? = nil, lifetime: Duration, now: Date, in db: any SQLDatabase) async throws -> String {
        let token = try SecureRandom.token()
        try await db.insert(into: "refresh_tokens").columns("token_hash", "family", "user_id", "expires_ms")
            .values(
                SQLBind(hash(token)), SQLBind(try family ?? SecureRandom.token(bytes: 12)), SQLBind(userID),
                SQLBind(now.milliseconds + lifetime.milliseconds))
            .run()
        return token
    }

    /// Presents `token`, inside the caller's transaction (which must commit whatever the
    /// outcome, so a revocation sticks).
    static func use(_ token: String, lifetime: Duration, now: Date, in db: any SQLDatabase) async throws -> Outcome {
        var query = db.select().columns("family", "user_id", "expires_ms", "used_ms", "revoked_ms").from("refresh_tokens")
            .where("token_hash", .equal, SQLBind(hash(token)))
        // Two uses of one token at once: the second waits for the first, then sees it used.
        if db.dialect.name == "postgresql" { query = query.for(.update) }
        guard let row = try await query.first() else { return .invalid }
        let family = try row.decode(column: "family", as: String.self)
        if try row.decodeNil(column: "revoked_ms") == false { return .invalid }
        if try row.decodeNil(column: "used_ms") == false {
            try await revoke(family: family, now: now, in: db)
            return .reused
        }
        guard try row.decode(column: "expires_ms", as: Int64.self) > now.milliseconds else { return .invalid }
        try await db.update("refresh_tokens").set("used_ms", to: SQLBind(now.milliseconds))
            .where("token_hash", .equal, SQLBind(hash(token))).run()
        let userID = try row.decode(column: "user_id", as: String.self)
        return .rotated(userID: userID, token: try await issue(userID: userID, family: family, lifetime: lifetime, now: now, in: db))
    }

    /// Ends the session `token` belongs to; an unknown token ends nothing.
    static func revokeFamily(of token: String, now: Date, in db: any SQLDatabase) async throws {
        guard let row = try await db.select().column("family").from("refresh_tokens").where("token_hash", .equal, SQLBind(hash(token))).first()
        else { return }
        try await revoke(family: try row.decode(column: "family", as: String.self), now: now, in: db)
    }

    private static func revoke(family: String, now: Date, in db: any SQLDatabase) async throws {
        try await db.update("refresh_tokens").set("revoked_ms", to: SQLBind(now.milliseconds))
            .where("family", .equal, SQLBind(family)).where("revoked_ms", .is, SQLLiteral.null).run()
    }

    /// The stored form: SHA-256, base64url. The token has 256 random bits, so no salt or slow hash is needed.
    static func hash(_ token: String) -> String {
        Base64URL.encode(Digest.sha256(Array(token.utf8)))
    }
}
