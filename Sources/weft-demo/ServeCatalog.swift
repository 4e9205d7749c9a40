import Foundation
import WeftMesh
import WeftRPC
import WeftTLS

/// `weft-demo serve <pki-dir> [port]`: serves CatalogService over mutual TLS until SIGTERM or
/// SIGINT, then drains (health checks see NOT_SERVING first). `make demo` puts the gateway in front of it; the gateway benchmark
/// passes `--insecure` instead of a PKI directory for plaintext h2c (h2load has no client
/// certificates).
func serveCatalog(pki: String, port: Int) async throws {
    let tls = pki == "--insecure"
        ? nil
        : try TLSContext(.server(certificateChain: "\(pki)/catalog.pem", privateKey: "\(pki)/catalog.key", trustRoots: "\(pki)/ca.pem"))
    let server = try await MeshServer.start(port: port, tls: tls, services: [InMemoryCatalog()])
    FileHandle.standardOutput.write(Data("LISTENING 127.0.0.1:\(server.port)\n".utf8))
    try await serveUntilTerminated { try await server.shutdown(gracePeriod: .seconds(5)) }
}
