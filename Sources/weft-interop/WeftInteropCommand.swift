import ArgumentParser
import Foundation
import WeftInterop
import WeftMesh
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// `weft-interop`: the interop TestService as a server, and as a client that runs the interop
/// cases against any server. The command line is fixed: outside acceptance tests drive it.
@main
struct WeftInteropCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft-interop",
        abstract: "Weft's gRPC interop test service (Sources/WeftInterop/interop.proto).",
        subcommands: [Server.self, Client.self]
    )

    /// The PEM files of mutual TLS, or `--insecure` for plaintext h2c.
    struct TLSOptions: ParsableArguments {
        @Option(name: .customLong("tls-ca"), help: "PEM bundle of the CA peers must chain to.")
        var ca: String?

        @Option(name: .customLong("tls-cert"), help: "PEM certificate chain of this side.")
        var certificate: String?

        @Option(name: .customLong("tls-key"), help: "PEM private key (EC or RSA) of the certificate.")
        var key: String?

        @Flag(help: "Plaintext HTTP/2 (h2c) instead of mutual TLS.")
        var insecure = false

        func validate() throws {
            let given = [ca, certificate, key].compactMap { $0 }.count
            guard insecure ? given == 0 : given == 3 else {
                throw ValidationError("give --tls-ca, --tls-cert and --tls-key, or --insecure alone")
            }
        }

        func context(role: TLSConfiguration.Role, serverName: String?) throws -> TLSContext? {
            guard !insecure, let ca, let certificate, let key else { return nil }
            var configuration = TLSConfiguration(role: role, certificateChainPath: certificate, privateKeyPath: key, trustRootsPath: ca)
            configuration.serverName = serverName
            return try TLSContext(configuration)
        }
    }

    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve TestService; prints LISTENING 127.0.0.1:<port> when ready.")

        @Option(help: "Port to listen on; 0 picks a free one.")
        var port: Int = 0

        @OptionGroup var tls: TLSOptions

        @Flag(name: .customLong("no-client-auth"), help: "TLS without client certificates (for load generators such as h2load, which have none).")
        var noClientAuthentication = false

        @Flag(name: .customLong("no-health"), help: "Do not serve grpc.health.v1.Health.")
        var noHealth = false

        @Flag(name: .customLong("no-reflection"), help: "Do not serve gRPC reflection (grpc.reflection.v1 and v1alpha).")
        var noReflection = false

        @Flag(name: .customLong("gzip-responses"), help: "Compress responses with gzip for clients that accept it.")
        var gzipResponses = false

        func run() async throws {
            var context = try tls.context(role: .server, serverName: nil)
            if noClientAuthentication, let strict = context {
                var configuration = strict.configuration
                configuration.requiresClientCertificate = false
                context = try TLSContext(configuration)
            }
            var configuration = GRPCServer.Configuration()
            if gzipResponses { configuration.responseCompression = .gzip }
            let server = try await MeshServer.start(
                port: port, tls: context, services: [InteropTestService()], configuration: configuration, health: !noHealth,
                reflection: !noReflection)
            // Written unbuffered: a harness reads this line through a pipe.
            FileHandle.standardOutput.write(Data("LISTENING 127.0.0.1:\(server.port)\n".utf8))
            // Serve until SIGTERM or SIGINT, then drain: health turns NOT_SERVING, calls in flight finish.
            try await serveUntilTerminated { try await server.shutdown(gracePeriod: .seconds(5)) }
        }
    }

    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every interop case against a server; prints PASS/FAIL lines and a summary.")

        @Option(help: "The server, HOST:PORT.")
        var target: String

        @OptionGroup var tls: TLSOptions

        @Option(name: .customLong("server-name"), help: "Name or IP the server certificate must carry (default: the target's host).")
        var serverName: String?

        func validate() throws {
            guard target.split(separator: ":").count == 2 else { throw ValidationError("--target must be HOST:PORT") }
        }

        func run() async throws {
            let parts = target.split(separator: ":")
            let host = String(parts[0])
            // The contract has servers send messages of 4 MiB + 64 KiB, so accept more than the default.
            let channel = try await GRPCConnection.connect(
                host: host, port: Int(parts[1]) ?? 0, tls: tls.context(role: .client, serverName: serverName ?? host),
                maximumReceiveMessageSize: 8 * 1024 * 1024)
            let result = await InteropCases.run(InteropCases.all, transport: channel) { print($0) }
            try await channel.close()
            if result.failed > 0 { throw ExitCode.failure }
        }
    }
}

