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
    /// Whose certificate the upstream must present: a SPIFFE ID, or a service name standing for
    /// its ID in the mesh's trust domain (`MeshConfiguration.expectedIdentity(of:)`); nil accepts
    /// any certificate that chains to the mesh CA.
    public var identity: String?
    /// How calls behave: balancing, retries, outliers, idle close, HTTP/2 settings.
    public var channel: ChannelConfiguration

    /// An upstream; by default any mesh identity and every channel default.
    public init(discovery: Discovery, identity: String? = nil, channel: ChannelConfiguration = .defaults) {
        self.discovery = discovery
        self.identity = identity
        self.channel = channel
    }

    /// A fixed list of endpoints, any mesh identity, every channel default.
    public static func endpoints(_ endpoints: [Endpoint]) -> Upstream {
        Upstream(discovery: .endpoints(endpoints))
    }
}
