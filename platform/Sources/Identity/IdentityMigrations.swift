import PlatformEvents
import PlatformStorage
import SQLKit

/// The identity database's versions. Times are milliseconds since the Unix epoch (BIGINT on
/// both engines: exact, and comparable in SQL).
enum IdentityMigrations {
    static let all: [Migration] = [
        Migration(1, "users") { db, _ in
            try await db.create(table: "users")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("email", type: .text, .notNull, .unique)
                .column("display_name", type: .text, .notNull)
                .column("password_hash", type: .text, .notNull)
                .column("roles", type: .text, .notNull)
                .column("created_ms", type: .bigint, .notNull)
                .run()
        },
        Migration(2, "refresh tokens") { db, _ in
            try await db.create(table: "refresh_tokens")
                .column("token_hash", type: .text, .primaryKey(autoIncrement: false))
                .column("family", type: .text, .notNull)
                .column("user_id", type: .text, .notNull)
                .column("expires_ms", type: .bigint, .notNull)
                .column("used_ms", type: .bigint)
                .column("revoked_ms", type: .bigint)
                .run()
            try await db.create(index: "refresh_tokens_family").on("refresh_tokens").column("family").run()
        },
        Migration(3, "signing keys") { db, _ in
            try await db.create(table: "signing_keys")
                .column("kid", type: .text, .primaryKey(autoIncrement: false))
                .column("private_pem", type: .text, .notNull)
                .column("created_ms", type: .bigint, .notNull)
                .column("retired_ms", type: .bigint)
                .run()
        },
        Migration(4, "login failures") { db, _ in
            try await db.create(table: "login_failures")
                .column("subject", type: .text, .notNull)
                .column("at_ms", type: .bigint, .notNull)
                .run()
            try await db.create(index: "login_failures_subject").on("login_failures").column("subject").column("at_ms").run()
        },
        Outbox.migration(5),
        Outbox.relayMigration(6),
    ]
}
