import COpenSSL
import CWeftOpenSSL

/// An OpenSSL context built from a `TLSConfiguration`: certificates, key, trust roots, versions,
/// verification and ALPN `h2`. Nothing above this layer sees OpenSSL's pointers.
///
/// `@unchecked Sendable`: the `SSL_CTX` is fully configured in `init` and never changed after;
/// OpenSSL documents creating `SSL` objects from a shared, unchanging `SSL_CTX` on several
/// threads as safe (its reference counts are atomic).
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer
    public let configuration: TLSConfiguration

    /// Loads and checks everything; errors name the file and OpenSSL's reason.
    public init(_ configuration: TLSConfiguration) throws {
        guard let context = SSL_CTX_new(configuration.role == .server ? TLS_server_method() : TLS_client_method()) else {
            throw TLSError.setup(Self.lastError())
        }
        self.context = context
        self.configuration = configuration
        let minimum = configuration.minimumVersion == .tls13 ? weft_tls1_3_version() : weft_tls1_2_version()
        guard weft_ssl_ctx_set_min_proto_version(context, minimum) == 1 else { throw TLSError.setup(Self.lastError()) }
        weft_ssl_ctx_set_buffer_modes(context)
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateChainPath) == 1 else {
            throw TLSError.file(configuration.certificateChainPath, Self.lastError())
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError.file(configuration.privateKeyPath, Self.lastError())
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSError.file(configuration.privateKeyPath, "the key does not match the certificate: " + Self.lastError())
        }
        let verifiesPeer = configuration.role == .client || configuration.requiresClientCertificate
        if verifiesPeer || !configuration.trustRootsPath.isEmpty {
            guard SSL_CTX_load_verify_locations(context, configuration.trustRootsPath, nil) == 1 else {
                throw TLSError.file(configuration.trustRootsPath, Self.lastError())
            }
        }
        switch configuration.role {
        case .server:
            let mode = configuration.requiresClientCertificate ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_NONE
            SSL_CTX_set_verify(context, mode, nil)
            if configuration.allowsHTTP1 {
                weft_ssl_ctx_prefer_h2_alpn(context)
            } else {
                weft_ssl_ctx_require_h2_alpn(context)
            }
        case .client:
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard weft_ssl_ctx_offer_h2_alpn(context) == 0 else { throw TLSError.setup(Self.lastError()) }
        }
    }

    deinit {
        SSL_CTX_free(context)
    }

    static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        weft_ssl_last_error(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A TLS failure: configuration (naming the file) or handshake.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    case setup(String)
    case file(String, String)
    case handshake(String)
    case alpnNotNegotiated

    public var description: String {
        switch self {
        case .setup(let reason): "TLS setup failed: \(reason)"
        case .file(let path, let reason): "\(path): \(reason)"
        case .handshake(let reason): "TLS handshake failed: \(reason)"
        case .alpnNotNegotiated: "TLS handshake failed: the peer did not negotiate ALPN h2"
        }
    }
}
