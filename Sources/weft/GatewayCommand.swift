import ArgumentParser
import Foundation
import WeftGateway
import WeftMesh

/// `weft gateway --config FILE`: serves JSON REST for the schemas' `google.api.http` routes
/// until SIGTERM or SIGINT, then drains.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Serve JSON REST (HTTP/1.1 and HTTP/2) in front of mesh services (configuration: README.md).")

    @Option(help: "The gateway's JSON configuration file.")
    var config: String

    @Flag(help: "Do not print the access log.")
    var quiet = false

    func run() async throws {
        let configuration = try ConfigurationFile(path: config).read { bytes, baseDirectory in
            try GatewayConfiguration(json: bytes, baseDirectory: baseDirectory)
        }
        let printLine: @Sendable (String) -> Void = { line in Self.emit(line) }
        let accessLog = quiet ? nil : printLine
        let gateway = try Gateway(configuration: configuration, accessLog: accessLog)
        let server = try await GatewayServer.start(gateway)
        Self.emit("LISTENING \(configuration.host):\(server.port)")
        try await serveUntilTerminated {
            Self.emit("draining")
            try await server.shutdown()
        }
    }

    /// Writes one line to standard output at once (no buffering: scripts wait for LISTENING).
    private static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
