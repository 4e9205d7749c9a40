import Foundation
import Testing
import WeftGateway
import WeftInterop
import WeftMessages
import WeftSchema

/// HTTP requests (path variables, query string, body) into rpc request messages.
@Suite struct HTTPRequestMappingTests {
    let interop = try! TranscodingTests.schema("Sources/WeftInterop", "interop.proto")
    let catalog = try! TranscodingTests.schema("schemas", "weft/platform/catalog/v1/catalog.proto")

    func json(_ schema: DynamicSchema, _ binary: [UInt8], _ type: String) throws -> String {
        String(decoding: try schema.json(fromBinary: binary, messageType: type), as: UTF8.self)
    }

    @Test func queryParametersFillNestedRepeatedAndEnumFields() throws {
        let mapping = HTTPRequestMapping(schema: interop, requestType: "weft.interop.v1.KitchenSink", body: "")
        let binary = try mapping.requestBinary(
            pathBindings: ["f_string": "from path"],
            query: [("r_int32", "1"), ("rInt32", "2"), ("inner.id", "5"), ("color", "COLOR_RED"),
                    ("fInt64", "-9"), ("f_bool", "true"), ("f_string", "ignored: the path set it")],
            body: [])
        #expect(try KitchenSink(serializedBytes: binary) == KitchenSink(
            fInt64: -9, fBool: true, fString: "from path", color: .red, inner: .init(id: 5), rInt32: [1, 2]))
    }

    /// Top-level string fields are written straight to binary; the message must be the one the
    /// JSON route gives, empty values and fields with presence included.
    @Test func stringFieldsFromPathAndQueryMatchTheJSONRoute() throws {
        let mapping = HTTPRequestMapping(schema: interop, requestType: "weft.interop.v1.KitchenSink", body: "")
        let cases: [(PathBindings, [(String, String)], KitchenSink)] = [
            (["f_string": "from path"], [], KitchenSink(fString: "from path")),
            (["f_string": "p"], [("oString", "")], KitchenSink(fString: "p", oString: "")),
            ([:], [("f_string", ""), ("o_string", "ö x")], KitchenSink(oString: "ö x")),
            // The same field by its proto and its JSON name: the later one wins, as in JSON.
            ([:], [("f_string", "first"), ("fString", "second")], KitchenSink(fString: "second")),
            // A string beside other kinds of field takes the JSON route.
            (["f_string": "s"], [("f_bool", "true")], KitchenSink(fBool: true, fString: "s")),
        ]
        for (path, query, expected) in cases {
            let binary = try mapping.requestBinary(pathBindings: path, query: query, body: [])
            #expect(try KitchenSink(serializedBytes: binary) == expected)
        }
    }

    /// A key that names one field by its JSON name and another by its proto name means the
    /// field the JSON route resolves it to (the later one), on the direct path too.
    @Test func aKeyNamingTwoFieldsMeansWhatTheJSONRouteResolves() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-mapping-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            syntax = "proto3";
            package weft.mappingtest.v1;
            message Lookup {
              string name = 1 [json_name = "shelf_id"];
              int64 shelf_id = 2;
            }
            """.write(to: directory.appendingPathComponent("lookup.proto"), atomically: true, encoding: .utf8)
        let compiled = SchemaCompiler(includePaths: [directory.path]).compile(["lookup.proto"])
        #expect(!compiled.hasErrors, "\(compiled.diagnostics)")
        let schema = DynamicSchema(files: compiled.files)
        let mapping = HTTPRequestMapping(schema: schema, requestType: "weft.mappingtest.v1.Lookup", body: "")
        let binary = try mapping.requestBinary(pathBindings: [:], query: [("shelf_id", "7")], body: [])
        #expect(try json(schema, binary, "weft.mappingtest.v1.Lookup") == #"{"shelfId":"7"}"#)
        #expect(throws: (any Error).self) { try mapping.requestBinary(pathBindings: [:], query: [("shelf_id", "abc")], body: []) }
        let named = try mapping.requestBinary(pathBindings: [:], query: [("name", "n")], body: [])
        #expect(try json(schema, named, "weft.mappingtest.v1.Lookup") == #"{"shelf_id":"n"}"#)
    }

    @Test func twoMembersOfAOneofFromTheQueryAreRefused() throws {
        let mapping = HTTPRequestMapping(schema: interop, requestType: "weft.interop.v1.KitchenSink", body: "")
        #expect {
            try mapping.requestBinary(pathBindings: [:], query: [("cString", "a"), ("cInt64", "1")], body: [])
        } throws: { "\($0)".contains("choice") }
        #expect(throws: (any Error).self) {
            try mapping.requestBinary(pathBindings: ["c_string": "a"], query: [("cInt64", "1")], body: [])
        }
        let one = try mapping.requestBinary(pathBindings: [:], query: [("cInt64", "1")], body: [])
        #expect(try KitchenSink(serializedBytes: one).choice == .cInt64(1))
    }

    @Test func pathVariablesAndBodyField() throws {
        let get = HTTPRequestMapping(schema: catalog, requestType: "weft.platform.catalog.v1.GetProductRequest", body: "")
        let getBinary = try get.requestBinary(pathBindings: ["name": "products/p 1"], query: [], body: [])
        #expect(try json(catalog, getBinary, "weft.platform.catalog.v1.GetProductRequest") == #"{"name":"products/p 1"}"#)

        let create = HTTPRequestMapping(schema: catalog, requestType: "weft.platform.catalog.v1.CreateProductRequest", body: "product")
        let createBinary = try create.requestBinary(
            pathBindings: [:], query: [], body: Array(#"{"title": "Sauna", "status": "PRODUCT_STATUS_DRAFT"}"#.utf8))
        #expect(try json(catalog, createBinary, "weft.platform.catalog.v1.CreateProductRequest")
            == #"{"product":{"title":"Sauna","status":"PRODUCT_STATUS_DRAFT"}}"#)
    }

    @Test func wholeBodyWithPathOverridesAndNoQuery() throws {
        let mapping = HTTPRequestMapping(schema: interop, requestType: "weft.interop.v1.SimpleRequest", body: "*")
        let binary = try mapping.requestBinary(
            pathBindings: ["response_size": "7"], query: [("payload.body", "AAAA")],
            body: Array(#"{"responseSize": 1, "responseStatus": {"code": 3}}"#.utf8))
        let request = try SimpleRequest(serializedBytes: binary)
        #expect(request.responseSize == 7)
        #expect(request.responseStatus?.code == 3)
        #expect(request.payload == nil)  // with body "*" nothing comes from the query
    }

    @Test func aNestedPathVariableMergesIntoTheBodysMessage() throws {
        let mapping = HTTPRequestMapping(schema: interop, requestType: "weft.interop.v1.SimpleRequest", body: "*")
        let binary = try mapping.requestBinary(
            pathBindings: ["response_status.message": "from the path"], query: [],
            body: Array(#"{"responseStatus": {"code": 3, "message": "from the body"}, "responseSize": 2}"#.utf8))
        let request = try SimpleRequest(serializedBytes: binary)
        #expect(request.responseStatus?.code == 3)
        #expect(request.responseStatus?.message == "from the path")
        #expect(request.responseSize == 2)
        #expect(throws: RequestMappingError.self) { try mapping.requestBinary(pathBindings: [:], query: [], body: Array(" null".utf8)) }
    }

    @Test func badRequestsSayWhatIsWrong() {
        let mapping = HTTPRequestMapping(schema: interop, requestType: "weft.interop.v1.KitchenSink", body: "")
        #expect { try mapping.requestBinary(pathBindings: [:], query: [("colour", "x")], body: []) }
            throws: { "\($0)".contains("colour") }
        #expect { try mapping.requestBinary(pathBindings: [:], query: [("f_bool", "yes")], body: []) }
            throws: { "\($0)".contains("yes") }
        #expect { try mapping.requestBinary(pathBindings: [:], query: [("f_int32", "1.5")], body: []) }
            throws: { _ in true }
        let whole = HTTPRequestMapping(schema: interop, requestType: "weft.interop.v1.KitchenSink", body: "*")
        #expect(throws: (any Error).self) { try whole.requestBinary(pathBindings: [:], query: [], body: Array("[1]".utf8)) }
        #expect(throws: (any Error).self) { try whole.requestBinary(pathBindings: [:], query: [], body: Array("{".utf8)) }
    }
}

@Suite struct ResponseBodyTests {
    let interop = try! TranscodingTests.schema("Sources/WeftInterop", "interop.proto")

    @Test func responseBodySelectsOneField() throws {
        let message = KitchenSink(fInt64: 5, inner: .init(id: 1), rInt32: [1, 2])
        func body(_ field: String) throws -> String {
            String(decoding: try interop.responseJSON(
                fromBinary: message.serializedBytes(), messageType: "weft.interop.v1.KitchenSink", responseBody: field), as: UTF8.self)
        }
        #expect(try body("inner") == #"{"id":1}"#)
        #expect(try body("r_int32") == "[1,2]")
        #expect(try body("f_int64") == #""5""#)
        #expect(try body("f_string") == #""""#)
        #expect(try body("c_inner") == "null")
        #expect(try body("") == (try message.jsonString()))
        #expect(throws: TranscodingError.self) { try body("nope") }
    }
}
