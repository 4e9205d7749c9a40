import Foundation
import Testing
import WeftSchema
import WeftSwiftEmitter

/// `--rest-clients`: the catalog's REST client is pinned as a golden (with `--messages-only`,
/// what an app that talks REST generates), and path variables are spelled by proto names.
@Suite struct RESTClientEmitterTests {
    @Test func catalogRESTClientMatchesGolden() throws {
        let includePath = GoldenTests.repository.appendingPathComponent("schemas").path
        let result = SchemaCompiler(includePaths: [includePath]).compile(["weft/platform/catalog/v1/catalog.proto"])
        let file = try #require(result.files.first { $0.path == "weft/platform/catalog/v1/catalog.proto" })
        let generated = SwiftEmitter(options: .init(includesServices: false, includesRESTClients: true)).emit(file, allFiles: result.files)
        #expect(!generated.contents.contains("import WeftRPC"))
        #expect(generated.contents.contains("public struct CatalogServiceRESTClient: Sendable"))
        try GoldenTests.compare(generated.contents, withGolden: GoldenTests.goldenDirectory.appendingPathComponent("catalog.rest.weft.swift"))
    }

    /// A rule may name a field by its JSON name (`{bookId}`, `{shelf.shelfName=…}`); the client
    /// looks values up by proto names, so the emitted template uses those.
    @Test func pathVariablesAreSpelledByProtoNames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-rest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            syntax = "proto3";
            package names.v1;
            import "google/api/annotations.proto";
            message Shelf { string shelf_name = 1; }
            message GetBookRequest { string book_id = 1; Shelf shelf = 2; }
            message Book { string title = 1; }
            service Books {
              rpc GetBook(GetBookRequest) returns (Book) {
                option (google.api.http) = { get: "/v1/{shelf.shelfName=shelves/*}/books/{bookId}" };
              }
            }
            """.write(to: directory.appendingPathComponent("names.proto"), atomically: true, encoding: .utf8)
        let result = SchemaCompiler(includePaths: [directory.path]).compile(["names.proto"])
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.description))")
        let file = try #require(result.files.first { $0.path == "names.proto" })
        let generated = SwiftEmitter(options: .init(includesRESTClients: true)).emit(file, allFiles: result.files)
        #expect(generated.contents.contains(#"template: "/v1/{shelf.shelf_name=shelves/*}/books/{book_id}""#))
    }
}
