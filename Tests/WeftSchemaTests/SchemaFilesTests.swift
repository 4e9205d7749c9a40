import Foundation
import Testing
@testable import WeftSchema

@Suite struct SchemaFilesTests {
    private var repository: URL { testsDirectory.deletingLastPathComponent() }
    private var interopDirectory: URL { repository.appendingPathComponent("Sources/WeftInterop") }
    private var benchSchema: URL { repository.appendingPathComponent("Tests/CrossLanguage/CodecProbe/bench.proto") }
    private var corpus: URL { testsDirectory.appendingPathComponent("SchemaCorpus") }

    @Test func interopSchemaChecksClean() throws {
        let path = interopDirectory.appendingPathComponent("interop.proto").path
        let result = SchemaCompiler(includePaths: [interopDirectory.path]).compile([path])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.requestedPaths == ["interop.proto"])
        let sink = try #require(result.message(named: "weft.interop.v1.KitchenSink"))
        #expect(sink.fields.count == 41)
        #expect(sink.fields.last?.number == 536_870_911)
        #expect(sink.fields.first { $0.name == "inner" }?.type == .message("weft.interop.v1.KitchenSink.Inner"))
        #expect(sink.fields.first { $0.name == "m_string_inner" }?.type == .map(key: .string, value: .message("weft.interop.v1.KitchenSink.Inner")))
        #expect(sink.fields.first { $0.name == "r_unpacked_int32" }?.isPacked == false)
        #expect(sink.fields.first { $0.name == "f_max_tag" }?.doc == "The largest legal field number (5-byte tag on the wire).")
        #expect(result.enumeration(named: "weft.interop.v1.Color")?.values.last?.number == -1)
        #expect(result.file(containing: "weft.interop.v1.TestService")?.path == "interop.proto")
        #expect(result.files.first?.doc.hasPrefix("Weft gRPC interoperability contract, version 1.") == true)
        let methods = result.files.first?.services.first?.methods ?? []
        #expect(methods.map(\.name).first == "EmptyCall")
        #expect(methods.first { $0.name == "FullDuplexCall" }.map { [$0.clientStreaming, $0.serverStreaming] } == [true, true])
    }

    @Test func benchSchemaChecksClean() throws {
        let result = SchemaCompiler(includePaths: []).compile([benchSchema.path])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let product = try #require(result.message(named: "weft.bench.v1.Product"))
        #expect(product.fields.first { $0.name == "description" }?.doc == "~200 chars")
        #expect(product.fields.first { $0.name == "status" }?.type == .enumeration("weft.bench.v1.Status"))
        #expect(result.message(named: "weft.bench.v1.Order")?.fields.map(\.jsonName).contains("customerId") == true)
    }

    /// The repository keeps copies of the shared contracts so that a plain clone builds; where the
    /// shared folder sits beside the repository (development machines, CI), the copies must match it.
    @Test func contractCopiesMatchTheSharedFolderWhereItExists() throws {
        let shared = repository.deletingLastPathComponent().appendingPathComponent("shared")
        let copies = [("interop/interop.proto", interopDirectory.appendingPathComponent("interop.proto")),
                      ("bench/bench.proto", benchSchema)]
        for (sharedPath, copy) in copies {
            let original = shared.appendingPathComponent(sharedPath)
            guard FileManager.default.fileExists(atPath: original.path) else { continue }
            #expect(try Data(contentsOf: copy) == Data(contentsOf: original), "\(copy.path) differs from \(original.path)")
        }
    }

    /// A file asked for that does not exist is named as such, not as an import.
    @Test func aMissingRequestedFileIsNotCalledAnImport() {
        let result = SchemaCompiler(includePaths: [interopDirectory.path]).compile(["nowhere.proto"])
        #expect(result.diagnostics.map(\.message) == ["schema file \"nowhere.proto\" was not found in the include paths or the bundled files"])
    }

    @Test func bundledFilesCheckCleanAndExport() throws {
        let paths = BundledSchemas.files.keys.sorted()
        let result = SchemaCompiler(includePaths: []).compile(paths)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.message(named: "google.api.HttpRule")?.fields.map(\.number) == [1, 2, 3, 4, 5, 6, 8, 7, 12, 11])
        #expect(result.file(containing: "google.protobuf.Timestamp")?.path == "google/protobuf/timestamp.proto")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-bundled-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        try BundledSchemas.write(to: directory.path)
        let http = try String(contentsOf: directory.appendingPathComponent("google/api/http.proto"), encoding: .utf8)
        #expect(http == BundledSchemas.files["google/api/http.proto"])
    }

    /// Every corpus file: good ones check without errors, bad ones with exactly the one error
    /// their `// want:` line names. (crosscheck.py proves protoc agrees on accept/reject.)
    @Test func corpusGivesOneExpectedErrorPerBadFile() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".proto") }.sorted()
        #expect(files.count >= 40)
        for file in files {
            let result = SchemaCompiler(includePaths: [corpus.path]).compile([file])
            let errors = result.diagnostics.filter { $0.severity == .error }
            if file.hasPrefix("good/") {
                #expect(result.diagnostics.isEmpty, "\(file): \(result.diagnostics)")
                continue
            }
            let source = try String(contentsOf: corpus.appendingPathComponent(file), encoding: .utf8)
            let want = try #require(source.split(separator: "\n").first?.split(separator: "// want: ").last.map(String.init))
            #expect(errors.count == 1, "\(file): \(errors)")
            #expect(errors.first?.message.contains(want) == true, "\(file): wanted \(want), got \(errors)")
        }
    }
}
