import ArgumentParser
import Foundation
import WeftTLS

/// `weft`: the operator's command line: development certificates, built-in services and the REST gateway.
@main
struct WeftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft",
        abstract: "Weft, a schema-first RPC mesh for Swift services.",
        subcommands: [Certs.self, ServeCommand.self, GatewayCommand.self, OpenAPICommand.self]
    )

    struct Certs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a dev CA and per-service certificates with SPIFFE IDs (see certs/README.md).")

        @Option(help: "Directory for the PEM files (git-ignored certs/dev by default).")
        var out = "certs/dev"

        @Option(name: .customLong("trust-domain"), help: "The SPIFFE trust domain.")
        var trustDomain = "weft.local"

        @Option(name: .customLong("service"), help: "A service to issue a certificate for (repeatable).")
        var services: [String] = []

        @Flag(help: "Also make a foreign CA and a client it issued, for testing refusals.")
        var foreign = false

        @Flag(help: "Replace an existing CA (every certificate it issued stops being trusted).")
        var force = false

        func run() throws {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try DevPKI.makeDirectory(out, trustDomain: trustDomain, services: services, foreign: foreign, renewCA: force)
            for service in services {
                print("\(out)/\(service).pem  spiffe://\(trustDomain)/service/\(service)")
            }
            print("\(out)/ca.pem  the CA every service trusts")
        }
    }
}
