import Foundation
import WeftGateway
import WeftMesh
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// `weft-demo serve <pki-dir> [port] [--rest <schemas dir>]`: serves CatalogService over mutual
/// TLS until SIGTERM or SIGINT, then drains (health checks see NOT_SERVING first). `make demo`
/// puts the gateway in front of it; the gateway benchmark passes `--insecure` instead of a PKI
/// directory for plaintext h2c (h2load has no client certificates). With `--rest`, the
/// catalog's REST routes (from `weft/platform/catalog/v1/catalog.proto` under that directory)
/// are answered on the same port over HTTP/2 and HTTP/1.1 (`EmbeddedREST`).
func serveCatalog(pki: String, port: Int, restSchemas: String?) async throws {
    var settings = TLSConfiguration.server(certificateChain: "\(pki)/catalog.pem", privateKey: "\(pki)/catalog.key", trustRoots: "\(pki)/ca.pem")
    settings.allowsHTTP1 = restSchemas != nil  // REST clients may speak HTTP/1.1
    let tls = pki == "--insecure" ? nil : try TLSContext(settings)
    let catalog = InMemoryCatalog()
    var configuration = GRPCServer.Configuration()
    if let restSchemas {
        var rest = GatewayConfiguration()
        rest.schemaIncludePaths = [restSchemas]
        rest.schemaFiles = ["weft/platform/catalog/v1/catalog.proto"]
        EmbeddedREST.serve(try Gateway(configuration: rest, local: InProcessTransport(services: [catalog])), on: &configuration)
    }
    let server = try await MeshServer.start(port: port, tls: tls, services: [catalog], configuration: configuration)
    FileHandle.standardOutput.write(Data("LISTENING 127.0.0.1:\(server.port)\n".utf8))
    try await serveUntilTerminated { try await server.shutdown(gracePeriod: .seconds(5)) }
}
