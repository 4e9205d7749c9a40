import Foundation
import Testing
import WeftMessages
@testable import WeftREST

/// How a request's fields are split into path, query and body, without I/O.
@Suite struct RESTRequestPartsTests {
    static func parts(_ route: RESTRoute, _ json: String) throws -> RESTRequestParts {
        var text = json
        let value = try text.withUTF8 { try JSONValue(parsing: UnsafeRawBufferPointer($0)) }
        return try RESTRequestParts(route: route, request: value)
    }

    @Test func pathVariablesAreEncodedSegmentBySegment() throws {
        let get = RESTRoute(method: "GET", template: "/v1/{name=shelves/*/books/*}")
        #expect(try Self.parts(get, #"{"name":"shelves/s 1/books/b%"}"#).path == "/v1/shelves/s%201/books/b%25")
        // A one-segment variable carries a slash as %2F; `**` keeps them.
        #expect(try Self.parts(RESTRoute(method: "GET", template: "/v1/items/{id}"), #"{"id":"a/b"}"#).path == "/v1/items/a%2Fb")
        #expect(try Self.parts(RESTRoute(method: "GET", template: "/v1/files/{path=**}"), #"{"path":"a/b c/d"}"#).path == "/v1/files/a/b%20c/d")
        #expect(try Self.parts(RESTRoute(method: "POST", template: "/v1/{name=books/*}:archive"), #"{"name":"books/x"}"#).path == "/v1/books/x:archive")
    }

    @Test func aValueNotOfTheTemplatesShapeIsRefused() throws {
        let get = RESTRoute(method: "GET", template: "/v1/{name=shelves/*/books/*}")
        for bad in [#"{"name":"books/b"}"#, #"{"name":"shelves//books/b"}"#, #"{"name":"shelves/s/books/b/c"}"#, "{}", #"{"name":""}"#] {
            #expect(throws: RESTRequestError.self, "\(bad)") { try Self.parts(get, bad) }
        }
        #expect(throws: RESTRequestError.self) { try Self.parts(RESTRoute(method: "GET", template: "/v1/{name"), #"{"name":"x"}"#) }
        // Dot segments, which clients and proxies would remove, never leave.
        for dots in [#"{"name":"shelves/../books/b"}"#, #"{"name":"shelves/./books/b"}"#] {
            #expect(throws: RESTRequestError.self, "\(dots)") { try Self.parts(get, dots) }
        }
    }

    /// A path may hold a value proto3 JSON leaves out (`0`, `false`, an enum's first value):
    /// it is read from the request written with its defaults. An unset body field goes as `null`.
    @Test func defaultValuesFillThePathAndAnUnsetBodyFieldIsNull() throws {
        var with = #"{"shelf":0,"on":false}"#
        let defaults = try with.withUTF8 { try JSONValue(parsing: UnsafeRawBufferPointer($0)) }
        var without = "{}"
        let request = try without.withUTF8 { try JSONValue(parsing: UnsafeRawBufferPointer($0)) }
        let parts = try RESTRequestParts(route: RESTRoute(method: "GET", template: "/v1/shelves/{shelf}/{on}"), request: request, withDefaults: { defaults })
        #expect(parts.path == "/v1/shelves/0/false")
        #expect(parts.query.isEmpty)
        let body = try Self.parts(RESTRoute(method: "POST", template: "/v1/books", body: "book"), "{}")
        #expect(body.body.map { String(decoding: $0, as: UTF8.self) } == "null")
    }

    @Test func theRestGoesToTheQueryOrTheBody() throws {
        let list = RESTRoute(method: "GET", template: "/v1/{parent=shelves/*}/books")
        let listed = try Self.parts(list, #"{"parent":"shelves/s","tags":["a","b"],"filter":{"min_pages":3},"binding":"BINDING_X","n":"5","on":true}"#)
        #expect(listed.query.map { "\($0.name)=\($0.value)" } == ["tags=a", "tags=b", "filter.min_pages=3", "binding=BINDING_X", "n=5", "on=true"])
        #expect(listed.body == nil)
        #expect(throws: RESTRequestError.self) { try Self.parts(list, #"{"parent":"shelves/s","items":[{"a":1}]}"#) }

        let star = try Self.parts(RESTRoute(method: "POST", template: "/v1/{name=books/*}:archive", body: "*"), #"{"name":"books/x","reason":"old"}"#)
        #expect(star.body.map { String(decoding: $0, as: UTF8.self) } == #"{"reason":"old"}"#)
        #expect(star.query.isEmpty)

        let field = try Self.parts(
            RESTRoute(method: "PATCH", template: "/v1/{book.name=shelves/*/books/*}", body: "book"),
            #"{"book":{"name":"shelves/s/books/b","title":"T"},"update_mask":"title"}"#)
        #expect(field.path == "/v1/shelves/s/books/b")
        #expect(field.body.map { String(decoding: $0, as: UTF8.self) } == #"{"name":"shelves/s/books/b","title":"T"}"#)
        #expect(field.query.map { "\($0.name)=\($0.value)" } == ["update_mask=title"])
    }

    @Test func queryComponentsArePercentEncoded() {
        #expect(PercentEncoding.segment("a b&c=d/é~._-") == "a%20b%26c%3Dd%2F%C3%A9~._-")
    }

    @Test func errorBodiesBecomeRESTErrors() {
        let error = RESTError(httpStatus: 404, body: Array(#"{"code":5,"message":"no book","details":[{"@type":"t"}]}"#.utf8))
        #expect(error.code == 5)
        #expect(error.message == "no book")
        #expect(error.details.count == 1)
        let html = RESTError(httpStatus: 502, body: Array("<html>bad gateway</html>".utf8))
        #expect(html.code == 2)
        #expect(html.message == "<html>bad gateway</html>")
    }
}

/// A streamed body is split into lines whatever its chunks.
@Suite struct NDJSONLinesTests {
    @Test func linesSpanChunks() {
        var lines = NDJSONLines()
        #expect(lines.append(Data(#"{"a":"#.utf8)).isEmpty)
        #expect(lines.append(Data("1}\n\r\n{\"b\":2}\n{\"c\"".utf8)).map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, #"{"b":2}"#])
        #expect(lines.append(Data(":3}\n".utf8)).map { String(decoding: $0, as: UTF8.self) } == [#"{"c":3}"#])
    }
}
