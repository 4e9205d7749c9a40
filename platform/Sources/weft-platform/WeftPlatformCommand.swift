import ArgumentParser
import Foundation
import WeftGateway
import WeftMesh

/// `weft-platform --config FILE SERVICE...`: runs platform services as one mesh service (mutual
/// TLS, policy, health, metrics, call log, and the REST routes of a `rest` object) until SIGTERM
/// drains it; each service's database and options come from the file's `settings.<service>`.
@main
struct WeftPlatform: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft-platform",
        abstract: "Run services of the Weft reference platform (configuration: README.md, \"Platform\").",
        discussion: "Services: \(PlatformServices.shortNames.keys.sorted().joined(separator: ", ")).")

    @Option(help: "The mesh configuration file (JSON), with the services' settings under \"settings\".")
    var config: String

    @Argument(help: "Services to run, by short name (identity) or full name; several share the process, calling each other in-process.")
    var services: [String]

    func validate() throws {
        guard !services.isEmpty else { throw ValidationError("name at least one service: \(PlatformServices.shortNames.keys.sorted().joined(separator: ", "))") }
        for name in services where PlatformServices.shortNames[name] == nil && !PlatformServices().names.contains(name) {
            throw ValidationError("\(name) is not a platform service; choose from \(PlatformServices.shortNames.keys.sorted().joined(separator: ", "))")
        }
    }

    func run() async throws {
        let builder = try PlatformServices().builder(for: services)
        await MeshService.run(configurationFile: config, rest: .gateway, started: { service in
            FileHandle.standardOutput.write(Data("LISTENING \(service.configuration.host):\(service.server.port)\n".utf8))
        }, services: builder)
    }
}
