import WeftMessages
import WeftTLS

/// The signature keys of a JSON Web Key Set document (RFC 7517): Ed25519 (`kty` OKP, RFC 8037)
/// and P-256 (`kty` EC). Keys of other types, or meant for encryption, are skipped, so an
/// issuer may publish them beside; a key that claims a supported type but is malformed is an error.
struct JSONWebKeySet: Sendable {
    let keys: [JWTValidator.Key]

    init(parsing bytes: [UInt8]) throws(JWTError) {
        let document: JSONValue
        do {
            document = try bytes.withUnsafeBytes { try JSONValue(parsing: $0) }
        } catch {
            throw JWTError("the key set is not JSON")
        }
        guard case .object(let top) = document, case .array(let entries)? = top.first(where: { $0.0 == "keys" })?.1 ?? .array([]) else {
            throw JWTError("the key set is not an object with a keys array")
        }
        var keys: [JWTValidator.Key] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let fields) = entry else { throw JWTError("keys[\(index)] is not an object") }
            func text(_ name: String) -> String? {
                if case .string(let value)? = fields.first(where: { $0.0 == name })?.1 { return value }
                return nil
            }
            func coordinate(_ name: String) throws(JWTError) -> [UInt8] {
                guard let value = text(name), let bytes = JWTValidator.base64URL(Substring(value)) else {
                    throw JWTError("keys[\(index)].\(name) is missing or not base64url")
                }
                return bytes
            }
            if let use = text("use"), use != "sig" { continue }
            let algorithm: SignatureKey.Algorithm
            switch (text("kty"), text("crv")) {
            case ("OKP", "Ed25519"): algorithm = .eddsa
            case ("EC", "P-256"): algorithm = .es256
            default: continue
            }
            if let alg = text("alg"), alg != algorithm.rawValue {
                throw JWTError("keys[\(index)] is a \(algorithm.rawValue) key but says alg \(alg)")
            }
            let x = try coordinate("x")
            let y = algorithm == .es256 ? try coordinate("y") : nil
            do {
                keys.append(JWTValidator.Key(id: text("kid"), key: try SignatureKey(algorithm: algorithm, x: x, y: y)))
            } catch {
                throw JWTError("keys[\(index)]: \(error.description)")
            }
        }
        self.keys = keys
    }
}
