import Foundation
import PlatformCrypto

/// Opaque, tamper-evident page tokens (AIP-158): the offset of the next page and a digest of
/// the query that made it, under an HMAC. A token altered, forged, or presented with other
/// filters or another order is refused.
struct PageTokens: Sendable {
    /// The HMAC key: from the settings, so every instance and restart accepts the same tokens.
    let key: [UInt8]

    func token(offset: Int, query: String) -> String {
        let body = Array("\(offset).\(Base64URL.encode(Digest.sha256(Array(query.utf8))))".utf8)
        return Base64URL.encode(body) + "." + Base64URL.encode(Digest.hmacSHA256(key: key, body))
    }

    /// The offset `token` carries, when it was issued for `query`; nil otherwise.
    func offset(_ token: String, query: String) -> Int? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let body = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
              Digest.constantTimeEqual(mac, Digest.hmacSHA256(key: key, body))
        else { return nil }
        let fields = String(decoding: body, as: UTF8.self).split(separator: ".", maxSplits: 1)
        guard fields.count == 2, let offset = Int(fields[0]), offset >= 0,
              fields[1] == Base64URL.encode(Digest.sha256(Array(query.utf8)))
        else { return nil }
        return offset
    }
}
