import Foundation
import Synchronization
import Testing
import WeftBookshop
import WeftGateway
import WeftRPC
import WeftRPCHTTP2
import WeftTLS
import WeftTestSupport

/// A bookshop upstream served over mutual TLS and a gateway in front of it, both on loopback
/// ports, with certificates from `DevPKI` (what `weft certs` runs).
struct GatewayHarness {
    /// Where `bookshop.proto` is (the `WeftBookshop` fixture's folder).
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/Bookshop").path

    /// One PKI for every test: a CA, the upstream's and the gateway's certificates.
    static let pki: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-gateway-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try! DevPKI.makeDirectory(directory, trustDomain: "weft.local", services: ["bookshop", "gateway"], foreign: true)
        return directory
    }()

    let upstream: BookshopUpstream
    let upstreamServer: GRPCServer
    /// The upstream server's open connections each time they changed.
    let upstreamConnections: ConnectionCounts
    let server: GatewayServer
    /// The gateway's access log lines so far.
    let accessLog: AccessLogLines

    /// `http://127.0.0.1:<port>`.
    var base: String { "http://127.0.0.1:\(server.port)" }

    /// Starts both, with the gateway configured as the tests need plus `configure`'s changes;
    /// `clientCertificate` is the certificate the gateway presents upstream.
    static func start(
        clientCertificate: String = "gateway", configure: (inout GatewayConfiguration) -> Void = { _ in }
    ) async throws -> GatewayHarness {
        let upstream = BookshopUpstream()
        let serverTLS = try TLSContext(.server(certificateChain: "\(pki)/bookshop.pem", privateKey: "\(pki)/bookshop.key", trustRoots: "\(pki)/ca.pem"))
        let upstreamConnections = ConnectionCounts()
        var upstreamConfiguration = GRPCServer.Configuration()
        upstreamConfiguration.connectionCountChanged = { upstreamConnections.record($0) }
        let upstreamServer = try await GRPCServer.start(
            port: 0, tls: serverTLS, services: [upstream], configuration: upstreamConfiguration, threads: 1)
        var configuration = GatewayConfiguration()
        configuration.port = 0
        configuration.schemaIncludePaths = [testsDirectory]
        configuration.schemaFiles = ["bookshop.proto"]
        configuration.upstreams["weft.gatewaytest.v1.Bookshop"] = GatewayConfiguration.Upstream(
            host: "127.0.0.1", port: upstreamServer.port,
            tls: GatewayConfiguration.MutualTLS(
                trustRootsPath: "\(pki)/ca.pem", certificateChainPath: "\(pki)/\(clientCertificate).pem",
                privateKeyPath: "\(pki)/\(clientCertificate).key"))
        configure(&configuration)
        let accessLog = AccessLogLines()
        let server = try await GatewayServer.start(try Gateway(configuration: configuration, accessLog: accessLog.append), threads: 1)
        return GatewayHarness(
            upstream: upstream, upstreamServer: upstreamServer, upstreamConnections: upstreamConnections, server: server, accessLog: accessLog)
    }

    func stop() async throws {
        try await server.shutdown(gracePeriod: .seconds(1))
        try await upstreamServer.shutdown(gracePeriod: .seconds(1))
    }
}

/// Collects a gateway's access log.
final class AccessLogLines: Sendable {
    private let lines = Mutex([String]())

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// The line of the request with id `requestID`: a streamed answer is logged once it has been
    /// written, so the line may come just after the client has its answer (waits up to 10 s).
    func line(forRequest requestID: String) async -> String? {
        for _ in 0..<1000 {
            if let line = lines.withLock({ $0.first { $0.contains(" id=\(requestID)") } }) { return line }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
}

/// What curl received.
struct CurlResponse {
    var status: Int
    /// Header names lowercase; the last value of a repeated header wins.
    var headers: [String: String]
    var body: String
    /// The HTTP version curl reports on the status line (`1.1` or `2`).
    var version: String

    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
}

/// The HTTP versions the front serves in plaintext.
enum HTTPVersion: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case http1 = "1.1"
    case http2 = "2"

    var curlFlag: String { self == .http1 ? "--http1.1" : "--http2-prior-knowledge" }
    var testDescription: String { "HTTP/\(rawValue)" }
}

/// Runs curl (a real HTTP client) and parses its `-i` output. Runs off the cooperative pool:
/// the gateway under test needs those threads.
func curl(
    _ method: String, _ url: String, version: HTTPVersion = .http1, headers: [String] = [], body: String? = nil,
    extra: [String] = []
) async throws -> CurlResponse {
    // --max-time guards against a hang only; generous, so a loaded machine never trips it.
    var arguments = ["-s", "-i", version.curlFlag, "-X", method, "--max-time", "120", "-H", "Expect:"]
    for header in headers { arguments += ["-H", header] }
    if let body { arguments += ["--data-binary", body, "-H", "content-type: application/json"] }
    arguments += extra + [url]
    let output = try await run("/usr/bin/curl", arguments)
    // The last header block (curl prints interim 1xx responses first).
    guard let split = output.range(of: "\r\n\r\n", options: .backwards, range: output.range(of: "HTTP/", options: .backwards).map { $0.lowerBound..<output.endIndex }) else {
        throw CurlError(output: output)
    }
    let headLines = output[output.range(of: "HTTP/", options: .backwards)!.lowerBound..<split.lowerBound].components(separatedBy: "\r\n")
    let statusParts = headLines[0].split(separator: " ")
    var headers: [String: String] = [:]
    for line in headLines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return CurlResponse(
        status: Int(statusParts[1]) ?? 0, headers: headers, body: String(output[split.upperBound...]),
        version: String(statusParts[0].dropFirst("HTTP/".count)))
}

struct CurlError: Error, CustomStringConvertible {
    let output: String
    var description: String { "curl gave no HTTP response: \(output)" }
}

/// Runs a program to completion and returns its standard output.
func run(_ executable: String, _ arguments: [String]) async throws -> String {
    try await runTool(executable, arguments, includingErrors: false).text
}
