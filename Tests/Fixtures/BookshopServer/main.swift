import Foundation
import WeftBookshop
import WeftMesh
import WeftTLS

// `weft-bookshop <pki-dir>`: serves the bookshop fixture over mutual TLS (the PKI's
// bookshop.pem) on a free loopback port, announced as `LISTENING 127.0.0.1:<port>`, until
// SIGTERM or SIGINT.
guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: weft-bookshop <pki-dir>\n".utf8))
    exit(2)
}
let pki = CommandLine.arguments[1]
let tls = try TLSContext(.server(certificateChain: "\(pki)/bookshop.pem", privateKey: "\(pki)/bookshop.key", trustRoots: "\(pki)/ca.pem"))
let server = try await MeshServer.start(port: 0, tls: tls, services: [BookshopUpstream()])
FileHandle.standardOutput.write(Data("LISTENING 127.0.0.1:\(server.port)\n".utf8))
try await serveUntilTerminated { try await server.shutdown(gracePeriod: .seconds(5)) }
