import ArgumentParser
import Foundation
import WeftInterop
import WeftRPC

/// `weft-interop`: the interop TestService as a server (and, next, as a client running the
/// cases against any server). The command line is fixed: outside acceptance tests drive it.
@main
struct WeftInteropCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft-interop",
        abstract: "Weft's gRPC interop test service (../shared/interop/interop.proto).",
        subcommands: [Server.self]
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
}
