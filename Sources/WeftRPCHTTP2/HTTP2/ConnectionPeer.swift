/// Who is at the other end of a server's connection, for what answers its non-gRPC requests.
public struct ConnectionPeer: Sendable {
    /// The client's IP address ("" when unknown).
    public let address: String
    /// The identity its certificate proves over mutual TLS (a SPIFFE ID, as a handler's
    /// `context.peerIdentity` sees it); nil without one.
    public let identity: String?

    public init(address: String, identity: String?) {
        self.address = address
        self.identity = identity
    }
}
