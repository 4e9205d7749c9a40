import CPlatformCrypto

/// SHA-256 and HMAC-SHA256 through OpenSSL.
public enum Digest {
    /// The SHA-256 of `data`.
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        precondition(EVP_Digest(data, data.count, &digest, &length, EVP_sha256(), nil) == 1, "SHA-256 cannot fail")
        return digest
    }

    /// The HMAC-SHA256 of `data` under `key`.
    public static func hmacSHA256(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        precondition(HMAC(EVP_sha256(), key, Int32(key.count), data, data.count, &mac, &length) != nil, "HMAC-SHA256 cannot fail")
        return mac
    }

    /// Whether two byte strings are equal, in time that depends only on their length.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && CRYPTO_memcmp(a, b, a.count) == 0
    }
}
