import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// What answers a mesh service's REST routes on its own port, set up from the configuration's
/// `rest` object. WeftGateway's `EmbeddedREST` is one (`rest: .gateway`); the mesh itself knows
/// no REST, so a program that wants it passes one to `MeshService`.
public protocol MeshREST: Sendable {
    /// Reads `section` (the `rest` object; relative paths from `baseDirectory`) and sets `server`
    /// to answer the requests that are not gRPC by calling `services` in-process. Returns what
    /// to do at shutdown, after the drain.
    func serve(
        _ section: JSONValue, baseDirectory: String, services: any ClientTransport, on server: inout GRPCServer.Configuration
    ) async throws -> @Sendable () async -> Void
}
