import Foundation
@testable import WeftSchema

/// Compiles one in-memory file (plus optional others it imports) named `test.proto`.
func compile(_ source: String, others: [String: String] = [:]) -> CompilationResult {
    var sources = others
    sources["test.proto"] = source
    return SchemaCompiler(includePaths: []).compile(sources: sources, roots: ["test.proto"])
}

/// Compiles `body` after a proto3 header and returns the checked test file.
func checkedFile(_ body: String) -> (ProtoFile, [Diagnostic]) {
    let result = compile("syntax = \"proto3\";\n" + body)
    let file = result.files.first { $0.path == "test.proto" } ?? ProtoFile(path: "missing")
    return (file, result.diagnostics)
}

/// The error messages of compiling `body` after a proto3 header.
func errors(_ body: String) -> [String] {
    compile("syntax = \"proto3\";\n" + body).diagnostics.filter { $0.severity == .error }.map(\.message)
}

/// The repository folder holding this test target, with the scratch-package symlink resolved.
let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().resolvingSymlinksInPath()
    .deletingLastPathComponent()
