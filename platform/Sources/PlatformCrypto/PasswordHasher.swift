import CPlatformCrypto

/// Password hashes with scrypt (RFC 7914) through OpenSSL: a random salt per password, and the
/// cost parameters stored with the hash, so they can be raised later and old hashes still verify
/// (and are rehashed at the next sign-in, see `needsRehash`).
///
/// The stored form is `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`.
public struct PasswordHasher: Sendable {
    /// scrypt's cost: N = 2^`log2N` blocks of 128·`r` bytes each, `p` lanes.
    public struct Cost: Sendable, Hashable {
        public var log2N: Int
        public var r: Int
        public var p: Int

        public init(log2N: Int, r: Int, p: Int) {
            self.log2N = log2N
            self.r = r
            self.p = p
        }

        /// N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per hash (OWASP's minimum
        /// for scrypt is N = 2^17 with r = 8 at p = 1 or an equal product; this is the floor
        /// a 2-core laptop carries for a demo; production raises it in the configuration).
        public static let standard = Cost(log2N: 15, r: 8, p: 1)

        /// Memory one hash needs, in bytes (OpenSSL refuses more than its `maxmem` without it).
        var memory: UInt64 { 128 * UInt64(r) * (UInt64(1) << UInt64(log2N)) * UInt64(p) + 1 << 20 }
    }

    /// The cost new hashes are made with.
    public let cost: Cost

    public init(cost: Cost = .standard) {
        self.cost = cost
    }

    /// A stored form of `password`, with a new random salt.
    public func hash(_ password: String) throws -> String {
        let salt = try SecureRandom.bytes(16)
        let derived = try Self.scrypt(password, salt: salt, cost: cost)
        return ["scrypt", String(cost.log2N), String(cost.r), String(cost.p), Base64URL.encode(salt), Base64URL.encode(derived)]
            .joined(separator: "$")
    }

    /// Whether `password` is the one `stored` was made from (compared in constant time). A
    /// stored form this hasher cannot read verifies nothing.
    public func verify(_ password: String, against stored: String) throws -> Bool {
        guard let (cost, salt, expected) = Self.parse(stored) else { return false }
        let derived = try Self.scrypt(password, salt: salt, cost: cost, length: expected.count)
        return derived.count == expected.count && CRYPTO_memcmp(derived, expected, derived.count) == 0
    }

    /// Whether `stored` was made with another cost than this hasher's: hash again after a
    /// successful sign-in.
    public func needsRehash(_ stored: String) -> Bool {
        Self.parse(stored)?.0 != cost
    }

    private static func parse(_ stored: String) -> (Cost, [UInt8], [UInt8])? {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let log2N = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              (1...24).contains(log2N), (1...32).contains(r), (1...16).contains(p),
              let salt = Base64URL.decode(parts[4]), let hash = Base64URL.decode(parts[5]), !hash.isEmpty
        else { return nil }
        return (Cost(log2N: log2N, r: r, p: p), salt, hash)
    }

    private static func scrypt(_ password: String, salt: [UInt8], cost: Cost, length: Int = 32) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let password = Array(password.utf8)
        let done = password.withUnsafeBufferPointer { passwordBytes in
            passwordBytes.withMemoryRebound(to: CChar.self) { passwordChars in
                EVP_PBE_scrypt(
                    passwordChars.baseAddress, passwordChars.count, salt, salt.count,
                    UInt64(1) << UInt64(cost.log2N), UInt64(cost.r), UInt64(cost.p), cost.memory, &output, output.count)
            }
        }
        guard done == 1 else { throw CryptoError("scrypt failed (N=2^\(cost.log2N), r=\(cost.r), p=\(cost.p))") }
        return output
    }
}

/// A cryptographic operation that failed inside OpenSSL.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
