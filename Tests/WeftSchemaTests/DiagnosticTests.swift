import Foundation
import Testing
@testable import WeftSchema

@Suite struct DiagnosticTests {
    @Test func formatWithCaret() {
        let result = compile("syntax = \"proto3\";\nmessage M {\n  Missing a = 1;\n}\n")
        #expect(result.diagnostics.map(\.description) == [
            """
            test.proto:3:3: error: "Missing" is not defined
              Missing a = 1;
              ^
            """,
        ])
    }

    @Test func caretPointsAtTheOffendingPart() {
        let result = compile("syntax = \"proto3\";\nmessage M {\n\tint32 a = 1;\n\tint32 b = 1;\n}\n")
        #expect(result.diagnostics.map(\.description) == [
            "test.proto:4:12: error: field number 1 has already been used in \"M\" by field \"a\"\n\tint32 b = 1;\n\t          ^",
        ])
    }

    @Test func formatWithoutLocationOrLine() {
        #expect(Diagnostic(.warning, "no place", at: nil).description == "warning: no place")
        let located = Diagnostic(.error, "x", at: SourceLocation(file: "a.proto", line: 2, column: 5))
        #expect(located.description == "a.proto:2:5: error: x")
    }

    @Test func diagnosticsAreOrderedByPositionAcrossPasses() {
        let result = compile("syntax = \"proto3\";\nmessage M { Missing a = 1; }\nmessage M {}\nmessage N { int32 a = 1 }\n")
        #expect(result.diagnostics.map { $0.location!.line } == [2, 3, 4])
    }

    @Test func filesystemPathsAndIncludePaths() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-schema-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try "syntax = \"proto3\";\npackage lib;\nmessage L {}\n".write(to: directory.appendingPathComponent("lib/l.proto"), atomically: true, encoding: .utf8)
        try "syntax = \"proto3\";\nimport \"lib/l.proto\";\nmessage M { lib.L l = 1; Nope n = 2; }\n".write(to: directory.appendingPathComponent("m.proto"), atomically: true, encoding: .utf8)
        let compiler = SchemaCompiler(includePaths: [directory.path])
        let byPath = compiler.compile([directory.appendingPathComponent("m.proto").path])
        #expect(byPath.requestedPaths == ["m.proto"])
        #expect(byPath.files.map(\.path) == ["lib/l.proto", "m.proto"])
        #expect(byPath.diagnostics.map(\.location?.file) == [directory.path + "/m.proto"])
        #expect(compiler.compile(["m.proto"]).requestedPaths == ["m.proto"])
        let implicit = SchemaCompiler(includePaths: []).compile([directory.appendingPathComponent("lib/l.proto").path])
        #expect(implicit.requestedPaths == ["l.proto"])
        #expect(!implicit.hasErrors)
    }
}
