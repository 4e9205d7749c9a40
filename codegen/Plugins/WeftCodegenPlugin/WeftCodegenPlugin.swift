import Foundation
import PackagePlugin

/// Regenerates Swift for every `.proto` file in a target on each build: one `weft-codegen`
/// run per schema, with the target's directory as the include root. What is generated follows
/// the target's dependencies: service stubs and clients when it depends on `WeftRPC`, only the
/// messages when it does not (an app that talks REST), and REST clients when it depends on `WeftREST`.
@main
struct WeftCodegenPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let sourceTarget = target as? SourceModuleTarget else { return [] }
        let tool = try context.tool(named: "weft-codegen")
        let root = sourceTarget.directoryURL.standardizedFileURL.path
        let schemas = sourceTarget.sourceFiles(withSuffix: "proto").map(\.url)
        let outputRoot = context.pluginWorkDirectoryURL
        let dependencies = Set(target.recursiveTargetDependencies.map(\.name))
        var flags: [String] = []
        if !dependencies.contains("WeftRPC") { flags.append("--messages-only") }
        if dependencies.contains("WeftREST") { flags.append("--rest-clients") }
        return schemas.map { schema in
            let relative = String(schema.standardizedFileURL.path.dropFirst(root.count + 1))
            let output = outputRoot.appendingPathComponent(
                String(relative.dropLast(".proto".count)) + ".weft.swift")
            return .buildCommand(
                displayName: "weft-codegen \(relative)",
                executable: tool.url,
                arguments: flags + ["--proto-path", root, "--out", outputRoot.path, schema.path],
                // Any schema of the target may be imported by this one.
                inputFiles: schemas,
                outputFiles: [output]
            )
        }
    }
}
