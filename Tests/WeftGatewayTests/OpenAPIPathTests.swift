import Foundation
import Testing
@testable import WeftGateway
import WeftMessages
import WeftSchema

/// Paths as the document writes them: literal segments kept, one-segment parameters with names
/// generators take, and every documented path reaching its route in the gateway.
@Suite struct OpenAPIPathTests {
    @Test func literalsStayAndWildcardsBecomeParameters() throws {
        func path(_ template: String) throws -> OpenAPIPath { OpenAPIPath(try PathTemplate(template)) }
        #expect(try path("/v1/{name=products/*}").path == "/v1/products/{product}")
        let nested = try path("/v1/{name=shelves/*/books/*}:archive")
        #expect(nested.path == "/v1/shelves/{shelf}/books/{book}:archive")
        #expect(nested.fields.map { "\($0.fieldPath)=\($0.value)" } == ["name=shelves/{shelf}/books/{book}"])
        #expect(nested.parameters.map(\.kind) == [.segment, .segment])
        #expect(try path("/v1/{book.name}/x").path == "/v1/{book_name}/x")
        #expect(try path("/v1/{book.name}/x").parameters.first?.kind == .variable)
        #expect(try path("/v1/files/{path=**}").path == "/v1/files/{path}")
        #expect(try path("/v1/files/{path=**}").parameters.first?.kind == .rest)
        // No literal before a wildcard: the field's name; a name taken: a suffix.
        #expect(try path("/v1/{name=*/books/*}").path == "/v1/{name}/books/{book}")
        #expect(try path("/v1/{parent=shelves/*}/{name=shelves/*}").path == "/v1/shelves/{shelf}/shelves/{shelf_2}")
        #expect(try path("/v1/{parent=shelves/*}/books:search").shape == "/v1/shelves/{}/books:search")
        // Paths of one shape share their names.
        let named = try path("/v1/{book.name=shelves/*/books/*}").named(like: try path("/v1/{x=shelves/*}/books/{y}"))
        #expect(named.path == "/v1/shelves/{shelf}/books/{y}")
        #expect(named.fields.map { "\($0.fieldPath)=\($0.value)" } == ["book.name=shelves/{shelf}/books/{y}"])
    }

    @Test func namesAreIdentifiers() {
        #expect(OpenAPIPath.singular("shelves") == "shelf")
        #expect(OpenAPIPath.singular("categories") == "category")
        #expect(OpenAPIPath.singular("addresses") == "address")
        #expect(OpenAPIPath.singular("products") == "product")
        #expect(OpenAPIPath.singular("data") == "data")
        #expect(OpenAPIPath.identifier("book.name") == "book_name")
        #expect(OpenAPIPath.identifier("v1.2-beta") == "v1_2_beta")
        #expect(OpenAPIPath.identifier("2024") == "_2024")
    }

    /// Every parameter of both documents is an identifier, and the bookshop's book routes share
    /// one path whatever their rpc calls the field.
    @Test func documentedParametersSuitGenerators() throws {
        for files in [try OpenAPITests.catalog, try OpenAPITests.bookshop] {
            let document = try OpenAPITests.document(files)
            for (path, item) in try #require(document["paths"] as? [String: [String: Any]]) {
                for (key, operation) in item {
                    for parameter in (operation as? [String: Any])?["parameters"] as? [[String: Any]] ?? [] where parameter["in"] as? String == "path" {
                        let name = try #require(parameter["name"] as? String)
                        #expect(name.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*/) != nil, "\(path) \(key): \(name)")
                        #expect(path.contains("{\(name)}"), "\(path) \(key): \(name)")
                    }
                }
            }
        }
        let bookshop = try OpenAPITests.document(try OpenAPITests.bookshop)
        let paths = try #require(bookshop["paths"] as? [String: [String: Any]])
        #expect(Set(paths["/v1/shelves/{shelf}/books/{book}"].map { Array($0.keys) } ?? []) == ["get", "delete", "patch", "x-method-search"])
        let update = try OpenAPITests.operation(bookshop, "/v1/shelves/{shelf}/books/{book}", "patch")
        #expect(update["x-weft-path-fields"] as? [String: String] == ["book.name": "shelves/{shelf}/books/{book}"])
    }

    /// What a client generated from the bookshop's document sends, each parameter
    /// percent-encoded into its path, reaches the operation's rpc with the fields the document
    /// says (`x-weft-path-fields`).
    @Test func documentedPathsReachTheirRoutes() throws {
        let files = try OpenAPITests.bookshop
        let routes = try GatewayRoutes.table(files: files, schema: DynamicSchema(files: files))
        let document = try OpenAPITests.document(files)
        var checked = 0
        for (path, item) in try #require(document["paths"] as? [String: [String: Any]]) {
            for (key, value) in item {
                let operation = try #require(value as? [String: Any])
                let method = key.hasPrefix("x-method-") ? String(key.dropFirst("x-method-".count)) : key
                var url = path
                var values: [String: String] = [:]
                for parameter in operation["parameters"] as? [[String: Any]] ?? [] where parameter["in"] as? String == "path" {
                    let name = try #require(parameter["name"] as? String)
                    values[name] = "v-\(name) é"
                    url = url.replacingOccurrences(of: "{\(name)}", with: "v-\(name)%20%C3%A9")
                }
                guard case .found(let target, let bindings) = routes.match(method: method, path: url) else {
                    Issue.record("\(method.uppercased()) \(url) has no route")
                    continue
                }
                let operationID = try #require(operation["operationId"] as? String)
                #expect(operationID.hasPrefix("Bookshop_\(target.method.name)"), "\(url): \(target.methodKey)")
                var expected: [String: String] = [:]
                for (field, template) in operation["x-weft-path-fields"] as? [String: String] ?? [:] {
                    expected[field] = values.reduce(template) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
                }
                #expect(bindings == PathBindings(expected.map { (key: $0.key, value: $0.value) }), "\(method.uppercased()) \(url)")
                checked += 1
            }
        }
        #expect(checked == 14)
    }
}
