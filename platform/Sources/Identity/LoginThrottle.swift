import Foundation
import SQLKit

/// Failed sign-ins, counted per account and per client address over a sliding window in the
/// identity database (so every instance sees the same counts). Past a limit, sign-in is
/// refused, without checking the password, until the oldest failure leaves the window.
struct LoginThrottle: Sendable {
    let accountLimit: Int
    let addressLimit: Int
    let window: Duration

    /// How long `account` or `address` must wait before trying again; nil when they may try now.
    func wait(account: String, address: String, now: Date, in db: any SQLDatabase) async throws -> Duration? {
        var longest: Duration?
        for (subject, limit) in [("account:" + account, accountLimit), ("address:" + address, addressLimit)] {
            let since = now.milliseconds - window.milliseconds
            let times = try await db.select().column("at_ms").from("login_failures")
                .where("subject", .equal, SQLBind(subject)).where("at_ms", .greaterThan, SQLBind(since))
                .orderBy("at_ms", .descending).limit(limit).all().map { try $0.decode(column: "at_ms", as: Int64.self) }
            guard times.count >= limit, let oldest = times.last else { continue }
            let wait = Duration.milliseconds(oldest + window.milliseconds - now.milliseconds)
            longest = max(longest ?? .zero, wait)
        }
        return longest
    }

    /// Counts a failed sign-in against both.
    func recordFailure(account: String, address: String, now: Date, in db: any SQLDatabase) async throws {
        try await db.insert(into: "login_failures").columns("subject", "at_ms")
            .values(SQLBind("account:" + account), SQLBind(now.milliseconds))
            .values(SQLBind("address:" + address), SQLBind(now.milliseconds))
            .run()
        // Old rows go as new ones come, so the table stays the size of one window.
        try await db.delete(from: "login_failures").where("at_ms", .lessThan, SQLBind(now.milliseconds - window.milliseconds)).run()
    }

    /// A successful sign-in clears the account's failures (not the address's).
    func clear(account: String, in db: any SQLDatabase) async throws {
        try await db.delete(from: "login_failures").where("subject", .equal, SQLBind("account:" + account)).run()
    }
}
