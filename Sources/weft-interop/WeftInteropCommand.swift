import ArgumentParser
import Foundation
import WeftInterop
import WeftRPC

/// `weft-interop`: the interop TestService as a server, and as a client that runs the interop
/// cases against any server. The command line is fixed: outside acceptance tests drive it.
@main
struct WeftInteropCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft-interop",
        abstract: "Weft's gRPC interop test service (../shared/interop/interop.proto).",
        subcommands: [Server.self, Client.self]
    )

    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve TestService; prints LISTENING 127.0.0.1:<port> when ready.")

        @Option(help: "Port to listen on; 0 picks a free one.")
        var port: Int = 0

        @Flag(help: "Serve plaintext HTTP/2 (h2c) instead of mutual TLS.")
        var insecure = false

        func validate() throws {
            // Mutual TLS (--tls-ca/--tls-cert/--tls-key) arrives with the TLS layer.
            guard insecure else { throw ValidationError("only --insecure (h2c) is available in this build") }
        }

        func run() async throws {
            let server = try await GRPCServer.start(port: port, services: [InteropTestService()])
            // Written unbuffered: a harness reads this line through a pipe.
            FileHandle.standardOutput.write(Data("LISTENING 127.0.0.1:\(server.port)\n".utf8))
            // Serve until the process is stopped.
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
        }
    }

    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every interop case against a server; prints PASS/FAIL lines and a summary.")

        @Option(help: "The server, HOST:PORT.")
        var target: String

        @Flag(help: "Connect with plaintext HTTP/2 (h2c) instead of mutual TLS.")
        var insecure = false

        func validate() throws {
            guard insecure else { throw ValidationError("only --insecure (h2c) is available in this build") }
            guard target.split(separator: ":").count == 2 else { throw ValidationError("--target must be HOST:PORT") }
        }

        func run() async throws {
            let parts = target.split(separator: ":")
            // The contract has servers send messages of 4 MiB + 64 KiB, so accept more than the default.
            let channel = try await GRPCChannel.connect(
                host: String(parts[0]), port: Int(parts[1]) ?? 0, maximumReceiveMessageSize: 8 * 1024 * 1024)
            let result = await InteropCases.run(InteropCases.all, transport: channel) { print($0) }
            try await channel.close()
            if result.failed > 0 { throw ExitCode.failure }
        }
    }
}
