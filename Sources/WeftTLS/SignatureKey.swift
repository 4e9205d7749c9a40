import COpenSSL
import CWeftOpenSSL

/// A public key that verifies JSON Web Signatures, ES256 (P-256) or EdDSA (Ed25519), loaded from
/// a PEM file.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is only read after `init`, and every verification uses
/// its own `EVP_MD_CTX`; OpenSSL documents concurrent use of one key that way as safe.
public final class SignatureKey: @unchecked Sendable {
    /// The JWS `alg` values supported.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case es256 = "ES256"
        case eddsa = "EdDSA"

        var native: weft_signature_algorithm { self == .es256 ? WEFT_SIG_ES256 : WEFT_SIG_EDDSA }
    }

    public let algorithm: Algorithm
    private let key: OpaquePointer

    /// Loads the SubjectPublicKeyInfo PEM at `path`; a missing file or a key of the wrong type
    /// throws `TLSError.file` naming the file.
    public init(pemFile path: String, algorithm: Algorithm) throws {
        guard let key = weft_load_public_key(path, algorithm.native) else {
            throw TLSError.file(path, TLSContext.lastError())
        }
        self.key = key
        self.algorithm = algorithm
    }

    /// A key from its JSON Web Key coordinates (RFC 8037, RFC 7518): Ed25519's raw 32-byte `x`,
    /// or P-256's `x` and `y`.
    ///
    /// - Throws: `SignatureKeyError` when they are not a point of the algorithm's curve.
    public init(algorithm: Algorithm, x: [UInt8], y: [UInt8]? = nil) throws(SignatureKeyError) {
        let loaded: OpaquePointer? = switch y {
        case let y?: weft_public_key_from_coordinates(algorithm.native, x, x.count, y, y.count)
        case nil: weft_public_key_from_coordinates(algorithm.native, x, x.count, nil, 0)
        }
        guard let loaded else {
            throw SignatureKeyError("the \(algorithm.rawValue) key's coordinates are not a point of its curve: \(TLSContext.lastError())")
        }
        self.key = loaded
        self.algorithm = algorithm
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// Whether `signature` (the JWS form: R||S for ES256) signs `data` under this key.
    public func verify(signature: [UInt8], over data: [UInt8]) -> Bool {
        weft_verify_signature(algorithm.native, key, data, data.count, signature, signature.count) == 1
    }
}

/// A signing or verification key that could not be made.
public struct SignatureKeyError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
