import Foundation
import WeftRPC
import WeftTLS

/// `weft-demo serve <pki-dir> [port]`: serves CatalogService over mutual TLS until SIGTERM or
/// SIGINT, then drains. `make demo` puts the gateway in front of it; the gateway benchmark
/// passes `--insecure` instead of a PKI directory for plaintext h2c (h2load has no client
/// certificates).
func serveCatalog(pki: String, port: Int) async throws {
    let tls = pki == "--insecure"
        ? nil
        : try TLSContext(.server(certificateChain: "\(pki)/catalog.pem", privateKey: "\(pki)/catalog.key", trustRoots: "\(pki)/ca.pem"))
    let server = try await GRPCServer.start(port: port, tls: tls, services: [InMemoryCatalog()])
    FileHandle.standardOutput.write(Data("LISTENING 127.0.0.1:\(server.port)\n".utf8))
    let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
    let sources = [SIGTERM, SIGINT].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { continuation.yield(number) }
        source.resume()
        return source
    }
    var iterator = signals.makeAsyncIterator()
    _ = await iterator.next()
    sources.forEach { $0.cancel() }
    try await server.shutdown(gracePeriod: .seconds(5))
}
