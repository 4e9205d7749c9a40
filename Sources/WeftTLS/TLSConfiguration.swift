/// TLS settings for one side of a connection, from PEM files. Mutual TLS is the default: a
/// server requires a client certificate chaining to `trustRoots`; a client verifies the server's
/// chain and its name (or IP address) against the certificate's SANs.
public struct TLSConfiguration: Sendable, Hashable {
    public enum Role: Sendable, Hashable { case server, client }

    /// The lowest protocol version accepted.
    public enum Version: Sendable, Hashable { case tls12, tls13 }

    public var role: Role
    /// PEM certificate chain: this side's certificate first.
    public var certificateChainPath: String
    /// PEM private key (EC or RSA) of the certificate.
    public var privateKeyPath: String
    /// PEM bundle of the CAs a peer's certificate must chain to (may be empty for a server
    /// that does not ask for client certificates).
    public var trustRootsPath: String
    /// TLS 1.3 by default; 1.2 when configured.
    public var minimumVersion: Version = .tls13
    /// Servers: refuse clients without a certificate (mutual TLS). Only a public front (the
    /// gateway) turns this off.
    public var requiresClientCertificate = true
    /// Servers: also accept clients that negotiate ALPN `http/1.1`, or no ALPN at all (a public
    /// HTTP front such as the gateway's); `h2` is still preferred.
    public var allowsHTTP1 = false
    /// How often, at most, a new connection checks whether the PEM files changed (and reloads
    /// them); nil loads them once.
    public var reloadCheckInterval: Duration? = .seconds(5)
    /// Clients: the name (or IP address) the server's certificate must carry, also sent as SNI.
    public var serverName: String?
    /// The URI SAN the peer's certificate must carry, e.g. the SPIFFE ID
    /// `spiffe://weft.local/service/catalog` of the service a client means to reach; nil accepts
    /// any certificate that chains to `trustRoots`. Checked right after the handshake.
    public var expectedPeerIdentity: String?
    /// How long a handshake may take from the connection's start; a peer that has not finished
    /// by then (silent, or stalling half-way) is disconnected. Default 10 s; nil waits forever.
    public var handshakeTimeout: Duration? = .seconds(10)

    /// Settings for `role` with the given PEM files and the defaults above.
    public init(role: Role, certificateChainPath: String, privateKeyPath: String, trustRootsPath: String, serverName: String? = nil) {
        self.role = role
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.trustRootsPath = trustRootsPath
        self.serverName = serverName
    }

    /// A server that requires client certificates issued by `trustRoots`.
    public static func server(certificateChain: String, privateKey: String, trustRoots: String) -> TLSConfiguration {
        TLSConfiguration(role: .server, certificateChainPath: certificateChain, privateKeyPath: privateKey, trustRootsPath: trustRoots)
    }

    /// A client presenting `certificateChain` and checking the server against `trustRoots` and
    /// `serverName`.
    public static func client(certificateChain: String, privateKey: String, trustRoots: String, serverName: String) -> TLSConfiguration {
        TLSConfiguration(
            role: .client, certificateChainPath: certificateChain, privateKeyPath: privateKey, trustRootsPath: trustRoots,
            serverName: serverName)
    }
}
