import Foundation
import Testing
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// Certificates rotated on disk: new connections present the new one, connections already open
/// live on with the old one.
@Suite struct CertificateReloadTests {
    @Test func newConnectionsUseTheRotatedCertificate() async throws {
        let pki = TLSHandshakeTests.pki
        let directory = "\(pki)/rotation-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in ["pem", "key"] { try FileManager.default.copyItem(atPath: "\(pki)/client.\(file)", toPath: "\(directory)/me.\(file)") }
        var clientSettings = TLSConfiguration.client(
            certificateChain: "\(directory)/me.pem", privateKey: "\(directory)/me.key", trustRoots: "\(pki)/ca.pem", serverName: "127.0.0.1")
        clientSettings.reloadCheckInterval = .milliseconds(20)
        let clientTLS = try TLSContext(clientSettings)
        let server = try await GRPCServer.start(port: 0, tls: TLSHandshakeTests.context(.server, "server"), services: [WhoAmI()], threads: 1)

        let before = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: clientTLS)
        #expect(try await Shelves.Client(transport: before).getBook(Named()).displayName == "spiffe://weft.local/service/client")

        // A half-written rotation (certificate replaced, key not yet) keeps the old context.
        try DevPKI.issue(
            commonName: "rotated", subjectAltNames: DevPKI.serviceSANs(trustDomain: "weft.local", service: "rotated"), isCA: false,
            days: 30, issuer: ("\(pki)/ca.pem", "\(pki)/ca.key"), certificatePath: "\(directory)/next.pem", keyPath: "\(directory)/next.key")
        try FileManager.default.removeItem(atPath: "\(directory)/me.pem")
        try FileManager.default.copyItem(atPath: "\(directory)/next.pem", toPath: "\(directory)/me.pem")
        try await Task.sleep(for: .milliseconds(50))
        let halfway = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: clientTLS)
        #expect(try await Shelves.Client(transport: halfway).getBook(Named()).displayName == "spiffe://weft.local/service/client")

        try FileManager.default.removeItem(atPath: "\(directory)/me.key")
        try FileManager.default.copyItem(atPath: "\(directory)/next.key", toPath: "\(directory)/me.key")
        try await Task.sleep(for: .milliseconds(50))
        let after = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: clientTLS)
        #expect(try await Shelves.Client(transport: after).getBook(Named()).displayName == "spiffe://weft.local/service/rotated")
        // The connection made before the rotation lives on, with its old certificate.
        #expect(try await Shelves.Client(transport: before).getBook(Named()).displayName == "spiffe://weft.local/service/client")

        for channel in [before, halfway, after] { try await channel.close() }
        try await server.shutdown()
    }
}
