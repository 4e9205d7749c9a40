import WeftHTTP2

/// A service's REST routes on its own gRPC port, with no gateway process in between: the
/// gateway's request handling (routing, transcoding, errors, limits, OpenAPI) answers the HTTP/2
/// requests that are not gRPC, and calls the services in-process.
///
/// ```swift
/// let gateway = try Gateway(configuration: rest, local: InProcessTransport(services: services))
/// var configuration = GRPCServer.Configuration()
/// configuration.otherRequests = EmbeddedREST.requests(answeredBy: gateway)
/// let server = try await GRPCServer.start(port: 8443, tls: tls, services: services, configuration: configuration)
/// ```
///
/// HTTP/2 only for now (prior knowledge, or ALPN h2 over TLS); HTTP/1.1 clients need the
/// standalone gateway.
public enum EmbeddedREST {
    /// What `GRPCServer.Configuration.otherRequests` takes to hand those requests to `gateway`.
    public static func requests(answeredBy gateway: Gateway) -> @Sendable (HTTP2Connection, String) -> any HTTP2StreamDelegate {
        { _, clientAddress in HTTP2FrontStreams(gateway: gateway, clientAddress: clientAddress) }
    }
}
