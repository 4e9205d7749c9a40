import Identity
import PlatformCrypto
import WeftMesh

/// `settings.identity`: issuer, audience, token lifetimes, password cost, throttling, first admins.
enum IdentitySettings {
    static let keys: Set<String> = [
        "issuer", "audience", "accessTokenSeconds", "refreshTokenDays", "passwordCost", "accountFailureLimit",
        "addressFailureLimit", "throttleWindowSeconds", "adminEmails",
    ]

    static func read(_ settings: ServiceSettings) throws -> IdentityConfiguration {
        var configuration = IdentityConfiguration()
        if let v = try settings.string("issuer") { configuration.issuer = v }
        if let v = try settings.string("audience") { configuration.audience = v }
        if let v = try settings.count("accessTokenSeconds") { configuration.accessTokenLifetime = .seconds(v) }
        if let v = try settings.count("refreshTokenDays") { configuration.refreshTokenLifetime = .seconds(v * 24 * 3600) }
        if let v = try settings.count("accountFailureLimit") { configuration.accountFailureLimit = v }
        if let v = try settings.count("addressFailureLimit") { configuration.addressFailureLimit = v }
        if let v = try settings.count("throttleWindowSeconds") { configuration.throttleWindow = .seconds(v) }
        if let v = try settings.strings("adminEmails") { configuration.adminEmails = Set(v.map { $0.lowercased() }) }
        if let cost = try settings.object("passwordCost", allowed: ["log2N", "r", "p"]) {
            let key = "settings.\(settings.service).passwordCost"
            func value(_ name: String, _ fallback: Int) throws -> Int {
                try cost[name].map { try settings.reader.count($0, at: "\(key).\(name)") } ?? fallback
            }
            let standard = PasswordHasher.Cost.standard
            configuration.passwordCost = .init(log2N: try value("log2N", standard.log2N), r: try value("r", standard.r), p: try value("p", standard.p))
            guard (10...24).contains(configuration.passwordCost.log2N) else {
                throw ConfigurationError(key: "\(key).log2N", problem: "must be between 10 and 24")
            }
        }
        return configuration
    }
}
