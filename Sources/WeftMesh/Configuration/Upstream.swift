/// Where one upstream service is and how to reach it: its endpoints (a fixed list or a DNS name
/// re-resolved over time), how calls spread over them, and whose certificate it must present.
public struct Upstream: Sendable, Hashable {
    /// Where the endpoints come from.
    public enum Discovery: Sendable, Hashable {
        /// A fixed list.
        case endpoints([Endpoint])
        /// Every A/AAAA record of `host` (a Kubernetes headless service), re-resolved every
        /// `refresh` and when no endpoint takes a call.
        case dns(host: String, port: Int, refresh: Duration)
    }

    /// Where the endpoints come from.
    public var discovery: Discovery
    /// How calls spread over the endpoints.
    public var balancing: Balancing
    /// Whose certificate the upstream must present: a SPIFFE ID, or a service name standing for
    /// its ID in the mesh's trust domain (`MeshConfiguration.expectedIdentity(of:)`); nil accepts
    /// any certificate that chains to the mesh CA.
    public var identity: String?
    /// How long a connection may carry no call before it is closed; nil keeps it open.
    public var idleTimeout: Duration?

    /// An upstream; by default round robin, any mesh identity, connections closed after 5 idle minutes.
    public init(discovery: Discovery, balancing: Balancing = .roundRobin, identity: String? = nil, idleTimeout: Duration? = .seconds(300)) {
        self.discovery = discovery
        self.balancing = balancing
        self.identity = identity
        self.idleTimeout = idleTimeout
    }

    /// A fixed list of endpoints, round robin, any mesh identity.
    public static func endpoints(_ endpoints: [Endpoint]) -> Upstream {
        Upstream(discovery: .endpoints(endpoints))
    }
}
