import CPlatformCrypto

/// Unpredictable bytes from OpenSSL's CSPRNG, for salts, tokens and identifiers.
public enum SecureRandom {
    public static func bytes(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { throw CryptoError("the random generator failed") }
        return bytes
    }

    /// `count` random bytes as unpadded base64url: an opaque token.
    public static func token(bytes count: Int = 32) throws -> String {
        Base64URL.encode(try bytes(count))
    }
}
