import COpenSSL
import CWeftOpenSSL
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An OpenSSL context built from a `TLSConfiguration`: certificates, key, trust roots, versions,
/// verification and ALPN `h2`. Nothing above this layer sees OpenSSL's pointers.
///
/// It follows its PEM files: when the certificate chain, key or trust roots change on disk
/// (checked at most every `TLSConfiguration.reloadCheckInterval`, when a connection starts), new
/// connections get a context built from the new files, while connections already open keep
/// theirs. Files that fail to load leave the previous context in use.
///
/// `@unchecked Sendable`: each `SSL_CTX` is fully configured before it is published through the
/// mutex and never changed after; OpenSSL documents creating `SSL` objects from a shared,
/// unchanging `SSL_CTX` on several threads as safe (its reference counts are atomic, and an
/// `SSL` holds a reference, so a replaced context lives until its last connection ends).
public final class TLSContext: @unchecked Sendable {
    private struct Loaded {
        var context: OpaquePointer
        var fileStamps: [FileStamp]
        var lastCheck: ContinuousClock.Instant
    }

    public let configuration: TLSConfiguration
    private let loaded: Mutex<Loaded>

    /// Loads and checks everything; errors name the file and OpenSSL's reason.
    public init(_ configuration: TLSConfiguration) throws {
        self.configuration = configuration
        let stamps = Self.stamps(configuration)
        self.loaded = Mutex(Loaded(context: try Self.makeContext(configuration), fileStamps: stamps, lastCheck: .now))
    }

    deinit {
        loaded.withLock { SSL_CTX_free($0.context) }
    }

    /// The context for a new connection: reloaded first when the files changed. The caller
    /// owns one reference (`SSL_CTX_free` it, or hand it to `SSL_new` and then free it).
    func retainedContextForNewConnection() -> OpaquePointer {
        let configuration = self.configuration
        return loaded.withLock { loaded in
            let now = ContinuousClock.now
            if let interval = configuration.reloadCheckInterval, now - loaded.lastCheck >= interval {
                loaded.lastCheck = now
                let stamps = Self.stamps(configuration)
                if stamps != loaded.fileStamps, let fresh = try? Self.makeContext(configuration) {
                    SSL_CTX_free(loaded.context)
                    loaded.context = fresh
                    loaded.fileStamps = stamps
                }
            }
            SSL_CTX_up_ref(loaded.context)
            return loaded.context
        }
    }

    private static func makeContext(_ configuration: TLSConfiguration) throws -> OpaquePointer {
        guard let context = SSL_CTX_new(configuration.role == .server ? TLS_server_method() : TLS_client_method()) else {
            throw TLSError.setup(Self.lastError())
        }
        do {
            try configure(context, configuration)
            return context
        } catch {
            SSL_CTX_free(context)
            throw error
        }
    }

    private static func configure(_ context: OpaquePointer, _ configuration: TLSConfiguration) throws {
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

    /// When each PEM file was last changed (and its size), to notice replacements.
    private static func stamps(_ configuration: TLSConfiguration) -> [FileStamp] {
        [configuration.certificateChainPath, configuration.privateKeyPath, configuration.trustRootsPath].map(FileStamp.init(path:))
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
    /// Encrypting application data failed (the connection is closed).
    case write(String)
    /// Reading records after the handshake failed fatally (the connection is closed).
    case read(String)
    /// The handshake did not finish within the configured time (the connection is closed).
    case handshakeTimeout(Duration)
    case alpnNotNegotiated
    /// The peer's certificate chains to the trust roots but names another identity.
    case unexpectedPeer(expected: String, actual: String?)

    public var description: String {
        switch self {
        case .setup(let reason): "TLS setup failed: \(reason)"
        case .file(let path, let reason): "cannot load TLS file \(path): \(reason)"
        case .handshake(let reason): "TLS handshake failed: \(reason)"
        case .write(let reason): "TLS write failed: \(reason)"
        case .read(let reason): "TLS read failed: \(reason)"
        case .handshakeTimeout(let timeout): "TLS handshake not finished within \(timeout)"
        case .alpnNotNegotiated: "TLS handshake failed: the peer did not negotiate ALPN h2"
        case .unexpectedPeer(let expected, let actual):
            "TLS peer is \(actual ?? "a certificate without a URI SAN"), not the expected \(expected)"
        }
    }
}

/// A file's modification time and size, or nothing when it cannot be read.
struct FileStamp: Hashable {
    let seconds: Int
    let nanoseconds: Int
    let size: Int

    init(path: String) {
        var info = stat()
        guard !path.isEmpty, stat(path, &info) == 0 else {
            (seconds, nanoseconds, size) = (0, 0, -1)
            return
        }
        #if canImport(Darwin)
        (seconds, nanoseconds) = (Int(info.st_mtimespec.tv_sec), Int(info.st_mtimespec.tv_nsec))
        #else
        (seconds, nanoseconds) = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
        #endif
        size = Int(info.st_size)
    }
}
