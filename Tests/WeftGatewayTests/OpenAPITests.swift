import Foundation
import Testing
@testable import WeftGateway
import WeftMessages
import WeftSchema

/// The OpenAPI document of the catalog schema is pinned as a golden file; `make test` also runs
/// it through a standard OpenAPI validator (openapi-spec-validator).
@Suite struct OpenAPITests {
    static let golden = TranscodingTests.repository.appendingPathComponent("Tests/WeftGatewayTests/Golden/catalog.openapi.json")

    func document(_ includePath: String, _ file: String) throws -> JSONValue {
        let result = SchemaCompiler(includePaths: [TranscodingTests.repository.appendingPathComponent(includePath).path]).compile([file])
        #expect(!result.hasErrors, "\(result.diagnostics)")
        return try OpenAPIDocument.make(title: "Catalog", version: "v1", files: result.files)
    }

    @Test func catalogDocumentMatchesGolden() throws {
        let text = try document("schemas", "weft/platform/catalog/v1/catalog.proto").prettyText
        if ProcessInfo.processInfo.environment["WEFT_UPDATE_GOLDEN"] == "1" {
            try text.write(to: Self.golden, atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: Self.golden, encoding: .utf8)), "WEFT_UPDATE_GOLDEN=1 rewrites the golden")
    }

    @Test func routesBecomeOperations() throws {
        let text = try document("schemas", "weft/platform/catalog/v1/catalog.proto").prettyText
        let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let paths = try #require(json["paths"] as? [String: [String: Any]])
        #expect(Set(paths.keys) == ["/v1/{name}", "/v1/products"])
        #expect(Set(paths["/v1/{name}"]!.keys) == ["get", "delete"])
        #expect(Set(paths["/v1/products"]!.keys) == ["get", "post"])
        let schemas = try #require((json["components"] as? [String: Any])?["schemas"] as? [String: Any])
        #expect(schemas["weft.platform.catalog.v1.Product"] != nil)
        #expect(schemas["Status"] != nil)
    }

    @Test func bookshopDocumentMatchesGolden() throws {
        let golden = Self.golden.deletingLastPathComponent().appendingPathComponent("bookshop.openapi.json")
        let text = try document("Tests/WeftGatewayTests", "bookshop.proto").prettyText
        if ProcessInfo.processInfo.environment["WEFT_UPDATE_GOLDEN"] == "1" {
            try text.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: golden, encoding: .utf8)), "WEFT_UPDATE_GOLDEN=1 rewrites the golden")
        // A client stream's body is NDJSON and may be empty.
        let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let shelve = try #require((json["paths"] as? [String: [String: Any]])?["/v1/{parent}/books:shelve"]?["post"] as? [String: Any])
        let body = try #require(shelve["requestBody"] as? [String: Any])
        #expect(body["required"] as? Bool == false)
        #expect((body["content"] as? [String: Any])?["application/x-ndjson"] != nil)
    }

    @Test func pathsKeepVerbsAndPatterns() throws {
        #expect(OpenAPIDocument.openAPIPath(try PathTemplate("/v1/{parent=shelves/*}/books:search")) == "/v1/{parent}/books:search")
        #expect(OpenAPIDocument.openAPIPath(try PathTemplate("/v1/{a.b}/x")) == "/v1/{a.b}/x")
    }
}
