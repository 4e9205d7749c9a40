import COpenSSL
import CWeftOpenSSL

/// An Ed25519 private key that signs JSON Web Signatures (`alg` EdDSA): what an identity
/// service issues its access tokens with, while gateways and services verify them with the
/// matching `SignatureKey`.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is never changed after `init`, and every signature
/// uses its own `EVP_MD_CTX`; OpenSSL documents concurrent use of one key that way as safe.
public final class SigningKey: @unchecked Sendable {
    private let key: OpaquePointer

    /// A new random key.
    public static func generateEd25519() throws(SignatureKeyError) -> SigningKey {
        guard let key = weft_ed25519_generate() else {
            throw SignatureKeyError("could not generate an Ed25519 key: \(TLSContext.lastError())")
        }
        return SigningKey(key)
    }

    /// The key in a PKCS#8 PEM document (what `pemText` writes, or `openssl genpkey -algorithm ED25519`).
    public init(pem: String) throws(SignatureKeyError) {
        let bytes = Array(pem.utf8)
        guard let key = bytes.withUnsafeBufferPointer({ buffer in
            buffer.withMemoryRebound(to: CChar.self) { weft_ed25519_private_key_from_pem($0.baseAddress, $0.count) }
        }) else {
            throw SignatureKeyError("not an Ed25519 private key in PEM: \(TLSContext.lastError())")
        }
        self.key = key
    }

    private init(_ key: OpaquePointer) {
        self.key = key
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// The private key as PKCS#8 PEM, to store it; whoever reads it can sign as this key.
    public var pemText: String {
        var buffer = [CChar](repeating: 0, count: 512)
        let length = Int(weft_private_key_pem(key, &buffer, buffer.count))
        precondition(length > 0, "an Ed25519 key's PEM fits in 512 bytes")
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The 32-byte public key: the `x` of its JSON Web Key (`kty` OKP, `crv` Ed25519).
    public var rawPublicKey: [UInt8] {
        var raw = [UInt8](repeating: 0, count: 32)
        precondition(weft_ed25519_raw_public_key(key, &raw) == 1, "an Ed25519 key has a raw public key")
        return raw
    }

    /// The key that verifies this key's signatures.
    public var verificationKey: SignatureKey {
        // The raw bytes came from a valid key, so they are a point of the curve.
        try! SignatureKey(algorithm: .eddsa, x: rawPublicKey)
    }

    /// The 64-byte Ed25519 signature of `data`.
    public func sign(_ data: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: 64)
        precondition(weft_ed25519_sign(key, data, data.count, &signature) == 1, "Ed25519 signing cannot fail for a valid key")
        return signature
    }
}
