import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// A service's REST routes on its own gRPC port, with no gateway process in between: the
/// gateway's request handling (routing, transcoding, errors, limits, OpenAPI) answers the
/// requests that are not gRPC, over HTTP/2 and HTTP/1.1, and calls the services in-process.
///
/// A mesh service turns it on with a `rest` object in its configuration and
/// `MeshService.run(configurationFile: "catalog.json", rest: .gateway) { … }`. A plain
/// `GRPCServer` takes it through its configuration:
///
/// ```swift
/// let gateway = try Gateway(configuration: rest, local: InProcessTransport(services: services))
/// var configuration = GRPCServer.Configuration()
/// EmbeddedREST.serve(gateway, on: &configuration)
/// let server = try await GRPCServer.start(port: 8443, tls: tls, services: services, configuration: configuration)
/// ```
///
/// Over TLS, HTTP/1.1 clients need a server context that allows ALPN `http/1.1`
/// (`TLSConfiguration.allowsHTTP1`, which `MeshService` sets when `rest` is configured).
public struct EmbeddedREST: MeshREST {
    /// The embedded REST of a mesh configuration's `rest` object (also `.gateway`).
    public init() {}

    /// Sets `server` to hand the requests on its port that are not gRPC to `gateway`: HTTP/2
    /// requests with another `content-type`, and HTTP/1.1 connections. Its in-process calls
    /// run where the server runs its handlers (`runsHandlersOnEventLoops`; set that first).
    /// At the drain, the gateway's `/readyz` answers 503.
    public static func serve(_ gateway: Gateway, on server: inout GRPCServer.Configuration) {
        server.otherRequests = { _, peer in HTTP2FrontStreams(gateway: gateway, clientAddress: peer.address, callerIdentity: peer.identity) }
        server.http1Connections = { context, peer in
            try FrontProtocols.installHTTP1(after: context, gateway: gateway, callerIdentity: peer.identity)
        }
        let (drainBegins, eventLoopsStopping) = (server.drainBegins, server.eventLoopsStopping)
        server.drainBegins = {
            drainBegins?()
            gateway.startDraining()
        }
        server.eventLoopsStopping = {
            eventLoopsStopping?()
            gateway.runLocalCallsOffEventLoops()
        }
        if !server.runsHandlersOnEventLoops { gateway.runLocalCallsOffEventLoops() }
    }

    /// Reads the `rest` object (`GatewayConfiguration`'s request keys) and serves its routes
    /// with a gateway calling `services`; the gateway closes at shutdown.
    public func serve(
        _ section: JSONValue, baseDirectory: String, services: any ClientTransport, on server: inout GRPCServer.Configuration
    ) async throws -> @Sendable () async -> Void {
        let configuration = try GatewayConfiguration(embedded: section, baseDirectory: baseDirectory)
        let gateway: Gateway
        do {
            gateway = try Gateway(configuration: configuration, local: services)
        } catch {
            // A schema's diagnostics, a route conflict, a JWT key: name the object they came from.
            throw ConfigurationError(key: "rest", problem: "cannot be served: \(error)")
        }
        Self.serve(gateway, on: &server)
        return { await gateway.close() }
    }
}

extension MeshREST where Self == EmbeddedREST {
    /// The gateway's request handling, embedded in the service's own server.
    public static var gateway: EmbeddedREST { EmbeddedREST() }
}
