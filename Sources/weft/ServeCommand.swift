import ArgumentParser
import Foundation
import WeftGateway
import WeftInterop
import WeftMesh
import WeftRPC

/// `weft serve --config FILE [SERVICE...]`: runs services that ship inside Weft as a mesh
/// service (mutual TLS, policy, health, reflection, metrics, call log, and the REST routes of a
/// `rest` object), until SIGTERM drains it.
/// A program of one's own runs its services the same way from its own `ServiceRegistry`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve Weft's built-in services with a mesh configuration (configuration: README.md).",
        discussion: "Built-in services: \(builtIn.names.joined(separator: ", ")). Without SERVICE, all of them.")

    /// The services that ship inside Weft, by fully qualified name.
    static let builtIn = ServiceRegistry([
        "weft.interop.v1.TestService": { _ in [InteropTestService()] },
    ])

    @Option(help: "The service's JSON mesh configuration file.")
    var config: String

    @Argument(help: "Built-in services to serve, by fully qualified name.")
    var services: [String] = []

    func validate() throws {
        for name in services where !Self.builtIn.names.contains(name) {
            throw ValidationError("\(name) is not a built-in service; choose from \(Self.builtIn.names.joined(separator: ", "))")
        }
    }

    /// `MeshService.run`, as a service's own `main` would call it: a service that cannot start
    /// says why in one line on standard error and exits with status 1.
    func run() async {
        guard let builder = try? Self.builtIn.builder(for: services) else { return }  // validate() has named the unknown
        await MeshService.run(configurationFile: config, rest: .gateway, started: { service in
            let configuration = service.configuration
            var listening = "LISTENING \(configuration.host):\(service.server.port)"
            if let admin = service.admin, let address = configuration.admin { listening += " admin \(address.host):\(admin.port)" }
            FileHandle.standardOutput.write(Data((listening + "\n").utf8))
        }, services: builder)
    }
}
