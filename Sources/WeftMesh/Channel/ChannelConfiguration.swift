import WeftHTTP2

/// How calls to one upstream behave, for the mesh's channels and the gateway's upstreams alike;
/// every default is written here once (`.defaults`), and both configuration files read the same
/// keys into it (see README, "Upstream channels").
public struct ChannelConfiguration: Sendable, Hashable {
    /// How calls spread over the endpoints. Default round robin.
    public var balancing: Balancing = .roundRobin
    /// When an endpoint that keeps failing is taken out of rotation.
    public var outliers = OutlierPolicy()
    /// Retries of idempotent calls that may have reached a server.
    public var retries = RetryPolicy()
    /// The waits between failed connection attempts to one endpoint.
    public var backoff = Backoff()
    /// How long a connection may carry no call before it closes; nil keeps it open. Default 5 minutes.
    public var idleTimeout: Duration? = .seconds(300)
    /// The HTTP/2 settings of the connections (windows, streams, keepalive).
    public var http2: HTTP2Configuration = .defaults
    /// The largest response message accepted, in bytes. Default 4 MiB.
    public var maximumReceiveMessageSize = 4 * 1024 * 1024

    /// Every default.
    public static let defaults = ChannelConfiguration()

    /// This configuration with `change` applied: `.defaults.with { $0.balancing = .powerOfTwoChoices }`.
    public func with(_ change: (inout ChannelConfiguration) -> Void) -> ChannelConfiguration {
        var changed = self
        change(&changed)
        return changed
    }
}
