import Foundation
import IdentityAPI
import PlatformCrypto
import PlatformStorage
import SQLKit
import Synchronization
import WeftTLS

/// The Ed25519 keys access tokens are signed with, kept in the identity database so every
/// instance signs with the same key. The newest unretired key signs; a retired key is still
/// published until every token it signed has expired, so rotating never signs anyone out.
///
/// The private keys are stored as PEM in the database: whoever reads that table can mint tokens
/// (a deployment that needs more keeps them in a KMS; see README, "Platform gaps").
final class SigningKeys: Sendable {
    private let database: Database
    /// How long a retired key stays published: the access tokens' lifetime plus a margin for
    /// clock skew.
    private let publishedAfterRetirement: Duration
    private let now: @Sendable () -> Date
    /// The signer, cached; reread when older than `cacheLifetime` so a rotation by another
    /// instance is picked up.
    private let cached = Mutex<(kid: String, key: SigningKey, loaded: ContinuousClock.Instant)?>(nil)
    private static let cacheLifetime: Duration = .seconds(30)

    init(database: Database, accessTokenLifetime: Duration, now: @escaping @Sendable () -> Date) {
        self.database = database
        self.publishedAfterRetirement = accessTokenLifetime + .seconds(5 * 60)
        self.now = now
    }

    /// The key that signs now, and its `kid`; makes the first one when there is none.
    func signer() async throws -> (kid: String, key: SigningKey) {
        if let cached = cached.withLock({ $0 }), ContinuousClock.now - cached.loaded < Self.cacheLifetime {
            return (cached.kid, cached.key)
        }
        let row = try await database.withSession { db in
            try await db.select().columns("kid", "private_pem").from("signing_keys").where("retired_ms", .is, SQLLiteral.null)
                .orderBy("created_ms", .descending).limit(1).first()
                .map { (try $0.decode(column: "kid", as: String.self), try $0.decode(column: "private_pem", as: String.self)) }
        }
        guard let (kid, pem) = row else {
            _ = try await rotate()
            return try await signer()
        }
        let key = try SigningKey(pem: pem)
        cached.withLock { $0 = (kid, key, .now) }
        return (kid, key)
    }

    /// Makes a new key the signer and retires the others; returns the new key's public JWK.
    func rotate() async throws -> JsonWebKey {
        let key = try SigningKey.generateEd25519()
        let kid = "k-" + (try SecureRandom.token(bytes: 9))
        let at = now().milliseconds
        try await database.transaction { db in
            try await db.update("signing_keys").set("retired_ms", to: SQLBind(at)).where("retired_ms", .is, SQLLiteral.null).run()
            try await db.insert(into: "signing_keys").columns("kid", "private_pem", "created_ms")
                .values(SQLBind(kid), SQLBind(key.pemText), SQLBind(at)).run()
        }
        cached.withLock { $0 = (kid, key, .now) }
        return Self.jwk(kid: kid, key: key)
    }

    /// The keys that verify tokens now: the signer and the recently retired.
    func published() async throws -> JsonWebKeySet {
        let since = now().milliseconds - publishedAfterRetirement.milliseconds
        let rows = try await database.withSession { db in
            try await db.select().columns("kid", "private_pem").from("signing_keys")
                .where { $0.where("retired_ms", .is, SQLLiteral.null).orWhere("retired_ms", .greaterThan, SQLBind(since)) }
                // The signer first, then the most recently retired.
                .orderBy(SQLOrderBy(expression: SQLRaw("retired_ms IS NULL"), direction: SQLDirection.descending)).orderBy("retired_ms", .descending).all()
                .map { (try $0.decode(column: "kid", as: String.self), try $0.decode(column: "private_pem", as: String.self)) }
        }
        return JsonWebKeySet(keys: try rows.map { kid, pem in Self.jwk(kid: kid, key: try SigningKey(pem: pem)) })
    }

    private static func jwk(kid: String, key: SigningKey) -> JsonWebKey {
        JsonWebKey(kty: "OKP", crv: "Ed25519", x: Base64URL.encode(key.rawPublicKey), kid: kid, alg: "EdDSA", use: "sig")
    }
}
