import ArgumentParser
import Foundation
import WeftSchema
import WeftSwiftEmitter

/// `weft-codegen`: checks schema files and writes the Swift they describe.
@main
struct WeftCodegen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft-codegen",
        abstract: "Compile proto3 schemas into Swift message types.",
        discussion: """
            Each input is a .proto file or a directory searched recursively for them. Imports \
            resolve against --proto-path (in order), then the bundled well-known types. \
            Diagnostics go to standard error as file:line:col with the source line and a caret.
            """
    )

    @Option(name: [.customShort("I"), .long], help: "A directory imports are resolved against (repeatable).")
    var protoPath: [String] = []

    @Option(name: .long, help: "Directory to write generated Swift into (default: current directory).")
    var out: String = "."

    @Flag(name: .long, help: "Only parse and check; write nothing. Exit status 1 on errors.")
    var check = false

    @Flag(name: .long, help: "Generate for the WeftMessages module itself (no `import WeftMessages`).")
    var runtimeModule = false

    @Flag(name: .long, help: "Generate message types only: no service descriptors or stubs (no WeftRPC dependency).")
    var messagesOnly = false

    @Flag(name: .long, help: "Also generate a REST client per service with google.api.http routes (needs the WeftREST module).")
    var restClients = false

    @Option(name: .long, help: "Also write a FileDescriptorSet (protoc's --descriptor_set_out format) of the inputs to this file.")
    var descriptorSetOut: String?

    @Flag(name: .long, help: "With --descriptor-set-out, include every imported file too (dependencies first).")
    var includeImports = false

    @Option(name: .long, help: ArgumentHelp(
        "Write the bundled schema files protoc lacks (google/api: HTTP rules; google/rpc: the error model; weft/api: typed errors) into this directory and exit.",
        discussion: "protoc and grpcio-tools need them to compile a Weft schema that imports them."))
    var exportGoogleApi: String?

    @Argument(help: "Schema files or directories.")
    var inputs: [String] = []

    func validate() throws {
        if exportGoogleApi == nil, inputs.isEmpty { throw ValidationError("Give at least one schema file or directory.") }
    }

    func run() throws {
        if let exportGoogleApi { return try Self.exportImportsProtocLacks(into: exportGoogleApi) }
        let files = try SchemaInputs.expand(inputs)
        let includePaths = protoPath.isEmpty ? SchemaInputs.implicitIncludePaths(for: inputs) : protoPath
        let result = SchemaCompiler(includePaths: includePaths).compile(files)
        for diagnostic in result.diagnostics {
            FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
        }
        if result.hasErrors { throw ExitCode.failure }
        if let descriptorSetOut { try writeDescriptorSet(result, to: descriptorSetOut) }
        if check { return }

        let emitter = SwiftEmitter(options: .init(isRuntimeModule: runtimeModule, includesServices: !messagesOnly, includesRESTClients: restClients))
        for path in result.requestedPaths {
            guard let file = result.files.first(where: { $0.path == path }) else { continue }
            let generated = emitter.emit(file, allFiles: result.files)
            try GeneratedOutput.write(generated, under: out)
        }
    }

    /// Writes the bundled schema files protoc does not ship (all but google/protobuf) under `directory`.
    private static func exportImportsProtocLacks(into directory: String) throws {
        for (path, text) in BundledSchemas.files where !path.hasPrefix("google/protobuf/") {
            let target = URL(fileURLWithPath: directory).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((text + "\n").utf8).write(to: target)
            print(target.path)
        }
    }

    /// `FileDescriptorSet { repeated FileDescriptorProto file = 1; }` of the requested files.
    private func writeDescriptorSet(_ result: CompilationResult, to path: String) throws {
        let wanted = includeImports ? Set(result.requestedPaths.flatMap(result.files.dependencyClosure)) : Set(result.requestedPaths)
        let files = result.files.filter { wanted.contains($0.path) }
        let set = FileDescriptorEncoder.encodeSet(files)
        try Data(set).write(to: URL(fileURLWithPath: path))
    }
}
