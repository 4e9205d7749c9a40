import Foundation
import Synchronization
import Testing
import WeftRPC
import WeftRPCHTTP2
import WeftTLS
import WeftTestSupport

/// Handshakes over real sockets, against Weft's own client and `openssl s_client`: what mutual
/// TLS accepts and refuses. Certificates come from `DevPKI` (what `weft certs` runs), made fresh.
@Suite(.serialized) struct TLSHandshakeTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A PKI directory shared by the suite's tests, with an expired client certificate too.
    static let pki: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-tls-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try! DevPKI.makeDirectory(directory, trustDomain: "weft.local", services: ["server", "client"], foreign: true)
        try! DevPKI.issue(
            commonName: "expired", subjectAltNames: DevPKI.serviceSANs(trustDomain: "weft.local", service: "expired"),
            isCA: false, days: -1, issuer: ("\(directory)/ca.pem", "\(directory)/ca.key"),
            certificatePath: "\(directory)/expired.pem", keyPath: "\(directory)/expired.key")
        return directory
    }()

    static func context(_ role: TLSConfiguration.Role, _ name: String, serverName: String? = nil, ca: String = "ca",
                        minimum: TLSConfiguration.Version = .tls13) throws -> TLSContext {
        var configuration = TLSConfiguration(
            role: role, certificateChainPath: "\(pki)/\(name).pem", privateKeyPath: "\(pki)/\(name).key",
            trustRootsPath: "\(pki)/\(ca).pem", serverName: serverName)
        configuration.minimumVersion = minimum
        return try TLSContext(configuration)
    }

    /// Calls the server once through a fresh connection with `clientTLS`.
    func call(_ port: Int, clientTLS: TLSContext) async throws {
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: port, tls: clientTLS)
        defer { Task { try? await channel.close() } }
        _ = try await Shelves.Client(transport: channel).getBook(Named(displayName: "x"), options: CallOptions(timeout: hangGuard))
    }

    @Test func mutualTLSCallSucceedsAndTheServerKnowsTheCaller() async throws {
        let server = try await GRPCServer.start(port: 0, tls: Self.context(.server, "server"), services: [WhoAmI()], threads: 1)
        let channel = try await GRPCConnection.connect(
            host: "127.0.0.1", port: server.port, tls: Self.context(.client, "client", serverName: "127.0.0.1"))
        let answer = try await Shelves.Client(transport: channel).getBook(Named())
        #expect(answer.displayName == "spiffe://weft.local/service/client")
        try await channel.close()
        try await server.shutdown()
    }

    /// Many small frames coalesce into shared TLS records per flush and large ones span many
    /// records (and outgrow the reused buffers): every message still arrives intact, in order.
    @Test func streamsOfSmallAndLargeMessagesSurviveTLSIntact() async throws {
        let server = try await GRPCServer.start(port: 0, tls: Self.context(.server, "server"), services: [Library()], threads: 1)
        let channel = try await GRPCConnection.connect(
            host: "127.0.0.1", port: server.port, tls: Self.context(.client, "client", serverName: "127.0.0.1"))
        let sizes = (0..<300).map { index in index % 50 == 49 ? 200_000 + index : index % 7 * 13 + 1 }
        let names = sizes.enumerated().map { index, size in String(repeating: Character(UnicodeScalar(UInt8(97 + index % 26))), count: size) }
        #expect(try await Shelves.Client(transport: channel).echo(names) == names.map { $0.uppercased() })
        try await channel.close()
        try await server.shutdown()
    }

    /// Connects only: a refused handshake must fail the connect itself, as UNAVAILABLE (the
    /// channel waits for the server's HTTP/2 SETTINGS, which a refusing server never sends).
    func connectionRefusal(_ port: Int, clientTLS: TLSContext) async -> Status? {
        do {
            let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: port, tls: clientTLS)
            try? await channel.close()
            return nil
        } catch {
            return error as? Status
        }
    }

    @Test func handshakesThatMustFail() async throws {
        let server = try await GRPCServer.start(port: 0, tls: Self.context(.server, "server"), services: [WhoAmI()], threads: 1)
        let refusals = [
            // A client certificate from a CA the server does not trust (TLS 1.3: the client's
            // side of the handshake completes before the server's alert arrives).
            await connectionRefusal(server.port, clientTLS: try Self.context(.client, "foreign-client", serverName: "127.0.0.1")),
            // An expired client certificate.
            await connectionRefusal(server.port, clientTLS: try Self.context(.client, "expired", serverName: "127.0.0.1")),
            // A server certificate that does not carry the name the client asked for.
            await connectionRefusal(server.port, clientTLS: try Self.context(.client, "client", serverName: "wrong.example")),
            // A server the client's trust roots do not vouch for.
            await connectionRefusal(server.port, clientTLS: try Self.context(.client, "client", serverName: "127.0.0.1", ca: "foreign-ca")),
        ]
        #expect(refusals.map { $0?.code } == Array(repeating: .unavailable, count: 4), "\(refusals)")
        // The server is still fine for a client it trusts.
        try await call(server.port, clientTLS: Self.context(.client, "client", serverName: "127.0.0.1"))
        try await server.shutdown()
    }

    /// A refused handshake is reported once, with the reason and the peer's address.
    @Test func aRefusedHandshakeIsReportedOnceWithThePeer() async throws {
        let reports = Mutex<[(String, String)]>([])
        var configuration = GRPCServer.Configuration()
        configuration.connectionFailed = { peer, error in reports.withLock { $0.append((peer, "\(error)")) } }
        let server = try await GRPCServer.start(
            port: 0, tls: Self.context(.server, "server"), services: [WhoAmI()], configuration: configuration, threads: 1)
        _ = await connectionRefusal(server.port, clientTLS: try Self.context(.client, "expired", serverName: "127.0.0.1"))
        let reported = try await waitUntil { !reports.withLock { $0 }.isEmpty }
        try await server.shutdown()
        #expect(reported)
        let list = reports.withLock { $0 }
        #expect(list.count == 1)
        #expect(list.first?.0.hasPrefix("127.0.0.1:") == true, "\(list)")
        #expect(list.first?.1.contains("TLS handshake failed") == true, "\(list)")
        #expect(list.first?.1.contains("certificate has expired") == true, "\(list)")
    }

    @Test func tls12IsRefusedByDefaultAndAcceptedWhenConfigured() async throws {
        let strict = try await GRPCServer.start(port: 0, tls: Self.context(.server, "server"), services: [WhoAmI()], threads: 1)
        #expect(try await opensslClientConnects(port: strict.port, arguments: ["-tls1_2"]) == false)
        #expect(try await opensslClientConnects(port: strict.port, arguments: ["-tls1_3"]))
        try await strict.shutdown()

        let lenient = try await GRPCServer.start(
            port: 0, tls: Self.context(.server, "server", minimum: .tls12), services: [WhoAmI()], threads: 1)
        #expect(try await opensslClientConnects(port: lenient.port, arguments: ["-tls1_2"]))
        try await lenient.shutdown()
    }

    @Test func missingClientCertificateIsRefused() async throws {
        let server = try await GRPCServer.start(port: 0, tls: Self.context(.server, "server"), services: [WhoAmI()], threads: 1)
        #expect(try await opensslClientConnects(port: server.port, arguments: [], presentCertificate: false) == false)
        try await server.shutdown()
    }

    @Test func badFilesNameThemselves() {
        #expect { try TLSContext(.server(certificateChain: "/nonexistent.pem", privateKey: "k", trustRoots: "t")) }
            throws: { "\($0)".contains("/nonexistent.pem") }
        #expect {
            try TLSContext(.server(certificateChain: "\(Self.pki)/server.pem", privateKey: "\(Self.pki)/client.key", trustRoots: "\(Self.pki)/ca.pem"))
        } throws: { "\($0)".contains("client.key") && "\($0)".contains("mismatch") }
    }

    /// Whether `openssl s_client` (a TLS peer Weft did not write) completes a handshake with
    /// ALPN h2 that the server keeps, presenting the client certificate unless told not to.
    ///
    /// With TLS 1.3 a refused client certificate arrives as an alert after the client's own
    /// handshake has finished, so s_client's input (it quits at its end) stays open until the
    /// server has answered either way: with an alert, or by closing, or with its HTTP/2
    /// SETTINGS, application data it sends only once it has accepted the client (s_client
    /// copies it to its output as it is, NUL bytes included; its own text has none). No fixed
    /// pause: a slow machine just takes longer.
    func opensslClientConnects(port: Int, arguments: [String], presentCertificate: Bool = true) async throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        var all = ["s_client", "-connect", "127.0.0.1:\(port)", "-alpn", "h2", "-CAfile", "\(Self.pki)/ca.pem", "-verify_return_error"]
        if presentCertificate { all += ["-cert", "\(Self.pki)/client.pem", "-key", "\(Self.pki)/client.key"] }
        process.arguments = all + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let input = Pipe()
        process.standardInput = input
        try process.run()
        // Read as it comes, on a thread of its own (blocking reads stay off the cooperative pool).
        let received = ReceivedOutput()
        Thread {
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                received.append(chunk)
            }
            received.ended.open()
        }.start()
        _ = try await waitUntil {
            !process.isRunning || received.ended.isOpen || received.text.contains("alert") || received.bytes.contains(0)
        }
        try? input.fileHandleForWriting.close()
        let ended = try await waitUntil { received.ended.isOpen && !process.isRunning }
        if !ended { process.terminate() }
        let text = received.text
        // Success also means no alert came (see above).
        return text.contains("ALPN protocol: h2") && text.contains("Verify return code: 0 (ok)") && !text.contains("alert")
    }
}

/// What a child process wrote so far, appended from a reading thread.
final class ReceivedOutput: Sendable {
    private let data = Mutex(Data())
    /// Opened once the output has ended.
    let ended = Gate()

    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
    var bytes: Data { data.withLock { $0 } }
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Answers with the caller's identity from its certificate.
struct WhoAmI: Shelves.Handler {
    func getBook(_ request: Named, context: ServerContext) async throws -> Named {
        Named(displayName: context.peerIdentity ?? "anonymous")
    }

    func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {}
}
