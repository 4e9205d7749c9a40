import Foundation
import Testing
import WeftSchema
import WeftSwiftEmitter

/// The generated Swift is pinned: each schema's output must equal its checked-in golden file.
/// Run with `WEFT_UPDATE_GOLDEN=1` to rewrite the goldens after an intended emitter change.
@Suite struct GoldenTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let goldenDirectory = repository.appendingPathComponent("Tests/WeftSwiftEmitterTests/Golden")

    struct Case: CustomTestStringConvertible, Sendable {
        let includePath: String
        let file: String
        let runtimeModule: Bool
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(includePath: "Sources/WeftInterop", file: "interop.proto", runtimeModule: false),
        Case(includePath: "Tests/CrossLanguage/CodecProbe", file: "bench.proto", runtimeModule: false),
        Case(includePath: "schemas", file: "weft/platform/catalog/v1/catalog.proto", runtimeModule: false),
        Case(includePath: "Tests/WeftGeneratedCodeTests", file: "edge_cases.proto", runtimeModule: false),
    ]

    @Test(arguments: cases)
    func generatedSwiftMatchesGolden(_ testCase: Case) throws {
        let includePath = Self.repository.appendingPathComponent(testCase.includePath).path
        let result = SchemaCompiler(includePaths: [includePath]).compile([testCase.file])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.description))")
        let file = try #require(result.files.first { $0.path == testCase.file })
        let generated = SwiftEmitter(options: .init(isRuntimeModule: testCase.runtimeModule))
            .emit(file, allFiles: result.files)
        let goldenName = (generated.path as NSString).lastPathComponent
        try Self.compare(generated.contents, withGolden: Self.goldenDirectory.appendingPathComponent(goldenName))
    }

    /// The well-known types compiled into WeftMessages are exactly what the emitter makes of the
    /// bundled schemas.
    @Test(arguments: [
        "protobuf/empty", "protobuf/timestamp", "protobuf/duration", "protobuf/wrappers", "protobuf/struct", "protobuf/any",
        "protobuf/field_mask", "rpc/status", "rpc/error_details",
    ])
    func wellKnownTypesInTheRuntimeAreCurrent(_ name: String) throws {
        let path = "google/\(name).proto"
        let result = SchemaCompiler(includePaths: []).compile([path])
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.description))")
        let file = try #require(result.files.first { $0.path == path })
        let generated = SwiftEmitter(options: .init(isRuntimeModule: true)).emit(file, allFiles: result.files)
        let checkedIn = Self.repository.appendingPathComponent("Sources/WeftMessages/WellKnownTypes/\(name.split(separator: "/").last!).weft.swift")
        try Self.compare(generated.contents, withGolden: checkedIn)
    }

    static func compare(_ generated: String, withGolden golden: URL) throws {
        if ProcessInfo.processInfo.environment["WEFT_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try generated.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        if generated != expected {
            let generatedLines = generated.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let firstDifference = zip(generatedLines, expectedLines).enumerated()
                .first { $0.element.0 != $0.element.1 }?.offset ?? min(generatedLines.count, expectedLines.count)
            Issue.record("""
                \(golden.lastPathComponent) differs from the emitter's output at line \(firstDifference + 1):
                  golden:    \(firstDifference < expectedLines.count ? expectedLines[firstDifference] : "<end>")
                  generated: \(firstDifference < generatedLines.count ? generatedLines[firstDifference] : "<end>")
                (WEFT_UPDATE_GOLDEN=1 swift test --filter GoldenTests rewrites the goldens)
                """)
        }
    }
}
