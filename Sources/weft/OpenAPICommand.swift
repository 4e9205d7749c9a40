import ArgumentParser
import Foundation
import WeftGateway
import WeftMesh

/// `weft openapi`: writes the OpenAPI document a gateway would serve at `/openapi.json`, from
/// the schemas alone, without starting anything (for client generators in a build or CI).
struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract: "Write the OpenAPI document of schemas' google.api.http routes (what `weft gateway` serves at /openapi.json).",
        discussion: """
            Either --config names a gateway configuration file (its schemas and jwt settings are used; \
            nothing else is read or started), or schema files are given with -I include paths.
            """
    )

    @Option(help: "A gateway configuration file: the document it would serve.")
    var config: String?

    @Option(name: [.customShort("I"), .customLong("proto-path")], help: "A directory imports are resolved against (repeatable).")
    var protoPath: [String] = []

    @Option(help: "The document's title.")
    var title = OpenAPIDocument.defaultTitle

    @Option(help: "Write the document to this file instead of standard output.")
    var out: String?

    @Argument(help: "Schema files, relative to an include path (without --config).")
    var files: [String] = []

    func validate() throws {
        if config == nil, files.isEmpty { throw ValidationError("Give --config FILE or schema files.") }
        if config != nil, !files.isEmpty { throw ValidationError("Give --config FILE or schema files, not both.") }
    }

    func run() throws {
        var gateway = GatewayConfiguration()
        if let config {
            gateway = try ConfigurationFile(path: config).read { bytes, base in try GatewayConfiguration(json: bytes, baseDirectory: base) }
        } else {
            gateway.schemaIncludePaths = protoPath.isEmpty ? ["."] : protoPath
            gateway.schemaFiles = files
        }
        let text: String
        do {
            text = try OpenAPIDocument.text(for: gateway, title: title)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode.failure
        }
        if let out {
            try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: out))
        } else {
            print(text)
        }
    }
}
