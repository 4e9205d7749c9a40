import Foundation
import Testing
@testable import WeftGateway
import WeftMessages
import WeftSchema

/// The OpenAPI documents of the catalog and bookshop schemas are pinned as golden files (`make
/// test` also runs them through openapi-spec-validator); the other tests hold each claim the
/// document makes against what the gateway does.
@Suite struct OpenAPITests {
    static let goldenDirectory = TranscodingTests.repository.appendingPathComponent("Tests/WeftGatewayTests/Golden")

    static func files(_ includePath: String, _ file: String) throws -> [ProtoFile] {
        try TranscodingTests.files(includePath, file)
    }

    static func document(_ files: [ProtoFile], jwt: JWTPolicy? = nil) throws -> [String: Any] {
        let text = try OpenAPIDocument.make(title: "Test", version: "v1", files: files, jwt: jwt).prettyText
        return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static var catalog: [ProtoFile] { get throws { try files("schemas", "weft/platform/catalog/v1/catalog.proto") } }
    static var bookshop: [ProtoFile] { get throws { try files("Tests/Fixtures/Bookshop", "bookshop.proto") } }

    /// The operation `key` (`get`, `x-method-search`) of `path`.
    static func operation(_ document: [String: Any], _ path: String, _ key: String) throws -> [String: Any] {
        try #require(((document["paths"] as? [String: Any])?[path] as? [String: Any])?[key] as? [String: Any], "\(path) \(key)")
    }

    static func component(_ document: [String: Any], _ name: String) throws -> [String: Any] {
        try #require(((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any], "\(name)")
    }

    @Test(arguments: [("catalog", "schemas", "weft/platform/catalog/v1/catalog.proto"), ("bookshop", "Tests/Fixtures/Bookshop", "bookshop.proto")])
    func documentMatchesGolden(_ name: String, _ includePath: String, _ file: String) throws {
        let golden = Self.goldenDirectory.appendingPathComponent("\(name).openapi.json")
        // The bookshop's document is the one a gateway with `jwt` serves: its security scheme and
        // 401 answers go through the validator too.
        var jwt = JWTPolicy(keys: [])
        jwt.publicRoutes = ["weft.gatewaytest.v1.Bookshop.GetBook", "weft.gatewaytest.v1.Bookshop.ListBooks"]
        let text = try OpenAPIDocument.make(
            title: name == "catalog" ? "Catalog" : "Bookshop", version: "v1", files: try Self.files(includePath, file),
            jwt: name == "catalog" ? nil : jwt
        ).prettyText
        if ProcessInfo.processInfo.environment["WEFT_UPDATE_GOLDEN"] == "1" {
            try text.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: golden, encoding: .utf8)), "WEFT_UPDATE_GOLDEN=1 rewrites the golden")
    }

    @Test func routesBecomeOperations() throws {
        let document = try Self.document(try Self.catalog)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        #expect(Set(paths.keys) == ["/v1/products/{product}", "/v1/products"])
        #expect(Set(paths["/v1/products/{product}"]!.keys) == ["get", "delete"])
        #expect(Set(paths["/v1/products"]!.keys) == ["get", "post"])
        #expect(try Self.component(document, "Product")["type"] as? String == "object")
        #expect(try Self.component(document, "Status")["type"] as? String == "object")
    }

    /// Types are components named as generated code would name them, each declared once and
    /// referenced wherever it is used: the product status enum by the list's query parameter and
    /// by the product's field alike.
    @Test func typesAreSharedComponentsWithReadableNames() throws {
        let document = try Self.document(try Self.catalog)
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        #expect(Set(schemas.keys) == ["Product", "Money", "ProductStatus", "ListProductsResponse", "Status"])
        let status = try Self.component(document, "ProductStatus")
        #expect(status["type"] as? String == "string")
        #expect((status["enum"] as? [String])?.first == "PRODUCT_STATUS_UNSPECIFIED")
        let reference = ["$ref": "#/components/schemas/ProductStatus"]
        let query = try #require((try Self.operation(document, "/v1/products", "get")["parameters"] as? [[String: Any]])?
            .first { $0["name"] as? String == "status" })
        #expect(query["schema"] as? [String: String] == reference)
        #expect((try Self.component(document, "Product")["properties"] as? [String: Any])?["status"] as? [String: String] == reference)
    }

    /// Names that would clash (one in two packages, a user's `Status` beside the error body's, or
    /// a name that breaks generated Python) take their package as a prefix; nested types join
    /// their names.
    @Test func clashingComponentNamesTakeTheirPackage() throws {
        var shop = ProtoFile(path: "shop.proto")
        shop.package = "shop.v1"
        shop.messages = [MessageDecl(name: "Item", fullName: "shop.v1.Item", location: .init(file: "shop.proto", line: 1, column: 1))]
        shop.messages[0].messages = [MessageDecl(name: "Part", fullName: "shop.v1.Item.Part", location: .init(file: "shop.proto", line: 2, column: 1))]
        shop.enums = [EnumDecl(name: "Status", fullName: "shop.v1.Status", location: .init(file: "shop.proto", line: 3, column: 1))]
        shop.messages.append(MessageDecl(name: "Response", fullName: "shop.v1.Response", location: .init(file: "shop.proto", line: 4, column: 1)))
        var stock = ProtoFile(path: "stock.proto")
        stock.package = "stock.v1"
        stock.messages = [MessageDecl(name: "Item", fullName: "stock.v1.Item", location: .init(file: "stock.proto", line: 1, column: 1))]
        let names = ComponentNames(files: [shop, stock])
        #expect(names.name(of: "shop.v1.Item") == "ShopV1Item")
        #expect(names.name(of: "stock.v1.Item") == "StockV1Item")
        #expect(names.name(of: "shop.v1.Item.Part") == "ItemPart")
        #expect(names.name(of: "shop.v1.Status") == "ShopV1Status")
        #expect(names.name(of: "shop.v1.Response") == "ShopV1Response")

        // Still taken after the prefix (a nested type beside a top-level one of the joined name,
        // a package-less `Status`): the full name. Well-known types take no name.
        var nested = ProtoFile(path: "nested.proto")
        nested.package = "n"
        nested.messages = [
            MessageDecl(name: "Item", fullName: "n.Item", location: .init(file: "nested.proto", line: 1, column: 1)),
            MessageDecl(name: "ItemPart", fullName: "n.ItemPart", location: .init(file: "nested.proto", line: 2, column: 1)),
        ]
        nested.messages[0].messages = [MessageDecl(name: "Part", fullName: "n.Item.Part", location: .init(file: "nested.proto", line: 3, column: 1))]
        var bare = ProtoFile(path: "bare.proto")
        bare.messages = [MessageDecl(name: "Status", fullName: "Status", location: .init(file: "bare.proto", line: 1, column: 1))]
        var timestamp = ProtoFile(path: "google/protobuf/timestamp.proto")
        timestamp.package = "google.protobuf"
        timestamp.messages = [MessageDecl(name: "Timestamp", fullName: "google.protobuf.Timestamp", location: .init(file: "t.proto", line: 1, column: 1))]
        var mine = ProtoFile(path: "mine.proto")
        mine.package = "mine"
        mine.messages = [MessageDecl(name: "Timestamp", fullName: "mine.Timestamp", location: .init(file: "mine.proto", line: 1, column: 1))]
        let more = ComponentNames(files: [nested, bare, timestamp, mine])
        let all = ["n.Item", "n.ItemPart", "n.Item.Part", "Status"].map(more.name(of:))
        #expect(Set(all).count == all.count, "\(all)")
        #expect(!all.contains("Status"))
        #expect(more.name(of: "mine.Timestamp") == "Timestamp")
    }

    /// With `jwt`, every route but the public ones needs a bearer JWT and may answer 401.
    @Test func bearerJWTIsRequiredExceptOnPublicRoutes() throws {
        var policy = JWTPolicy(keys: [])
        policy.publicRoutes = ["weft.platform.catalog.v1.CatalogService.ListProducts"]
        let document = try Self.document(try Self.catalog, jwt: policy)
        let schemes = (document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
        let scheme = try #require(schemes?["bearerJWT"] as? [String: String])
        #expect(scheme == ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"])
        for (path, key) in [("/v1/products/{product}", "get"), ("/v1/products/{product}", "delete"), ("/v1/products", "post")] {
            let operation = try Self.operation(document, path, key)
            #expect(operation["security"] as? [[String: [String]]] == [["bearerJWT": []]], "\(path) \(key)")
            let unauthorized = (operation["responses"] as? [String: Any])?["401"] as? [String: Any]
            #expect((unauthorized?["headers"] as? [String: Any])?["WWW-Authenticate"] != nil, "\(path) \(key)")
        }
        let list = try Self.operation(document, "/v1/products", "get")
        #expect(list["security"] == nil)
        #expect((list["responses"] as? [String: Any])?["401"] == nil)
        // Without jwt, nothing needs a token.
        let open = try Self.document(try Self.catalog)
        #expect((open["components"] as? [String: Any])?["securitySchemes"] == nil)
        #expect(try Self.operation(open, "/v1/products", "post")["security"] == nil)
    }

    /// Message schemas allow no other members, because the transcoder refuses unknown fields.
    @Test func messagesAllowNoUnknownMembers() throws {
        let document = try Self.document(try Self.bookshop)
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        for (name, schema) in schemas where schema["type"] as? String == "object" && name != "Status" {
            #expect(schema["additionalProperties"] as? Bool == false, "\(name)")
        }
        let bookshop = DynamicSchema(files: try Self.bookshop)
        #expect { try bookshop.binary(fromJSON: Array(#"{"title":"x","colour":"red"}"#.utf8), messageType: "weft.gatewaytest.v1.Book") }
            throws: { "\($0)".contains("colour") }
        #expect { try bookshop.binary(fromJSON: Array(#"{"author":{"nick":"x"}}"#.utf8), messageType: "weft.gatewaytest.v1.Book") }
            throws: { "\($0)".contains("nick") }
    }

    /// No object sets two members of one oneof, which the transcoder refuses: the document says
    /// so in the description and in `x-weft-oneofs`, without a `not` schema (which
    /// swift-openapi-generator cannot take).
    @Test func oneofMembersExcludeEachOther() throws {
        let document = try Self.document(try Self.catalog)
        let product = try Self.component(document, "Product")
        #expect(product["not"] == nil)
        #expect((product["x-weft-oneofs"] as? [String: [String]]) == ["fulfillment": ["shippingWeightGrams", "venueId"]])
        #expect((product["description"] as? String)?.hasSuffix("At most one of `shippingWeightGrams`, `venueId` (oneof `fulfillment`).") == true)
        let catalog = DynamicSchema(files: try Self.catalog)
        #expect { try catalog.binary(fromJSON: Array(#"{"shippingWeightGrams":1,"venueId":"v"}"#.utf8), messageType: "weft.platform.catalog.v1.Product") }
            throws: { "\($0)".contains("fulfillment") }
        // Three members; a synthetic oneof (proto3 `optional`) excludes nothing.
        var collector = SchemaCollector(files: try TranscodingTests.files("Sources/WeftInterop", "interop.proto"))
        _ = try collector.reference("weft.interop.v1.KitchenSink")
        guard case .object(let members)? = collector.collected.first(where: { $0.0 == "KitchenSink" })?.1 else {
            throw TranscodingError("no KitchenSink schema")
        }
        #expect(members.first { $0.0 == "x-weft-oneofs" }?.1 == .object([("choice", .array(["cString", "cInt64", "cInner"].map(JSONValue.string)))]))
        var requests = SchemaCollector(files: try Self.catalog)
        _ = try requests.reference("weft.platform.catalog.v1.ListProductsRequest")
        guard case .object(let listMembers)? = requests.collected.first?.1 else { throw TranscodingError("no ListProductsRequest schema") }
        #expect(!listMembers.contains { $0.0 == "x-weft-oneofs" })
    }

    /// 64-bit integers are strings of digits, 32-bit ones integers within their range, floats
    /// numbers or NaN and the infinities; what the schemas allow, the transcoder takes.
    @Test func scalarsAreDescribedAsTheTranscoderReadsThem() throws {
        let interop = TranscodingTests().interop
        var collector = SchemaCollector(files: try TranscodingTests.files("Sources/WeftInterop", "interop.proto"))
        _ = try collector.reference("weft.interop.v1.KitchenSink")
        let sink = try #require(collector.collected.first { $0.0 == "KitchenSink" }?.1)
        let properties = try #require(try JSONSerialization.jsonObject(with: Data(sink.prettyText.utf8)) as? [String: Any])["properties"]
            as? [String: [String: Any]]
        let signed = try #require(properties?["fInt64"])
        #expect(signed["type"] as? String == "string")
        #expect(signed["pattern"] as? String == "^-?(0|[1-9][0-9]*)$")
        #expect(properties?["fSint64"]?["pattern"] as? String == "^-?(0|[1-9][0-9]*)$")
        #expect(properties?["fUint64"]?["pattern"] as? String == "^(0|[1-9][0-9]*)$")
        #expect(properties?["fFixed64"]?["pattern"] as? String == "^(0|[1-9][0-9]*)$")
        #expect(properties?["fInt32"]?["minimum"] as? Int == -2147483648)
        #expect(properties?["fInt32"]?["maximum"] as? Int == 2147483647)
        #expect(properties?["fUint32"]?["minimum"] as? Int == 0)
        #expect(properties?["fUint32"]?["maximum"] as? Int == 4294967295)
        let double = try #require(properties?["fDouble"]?["oneOf"] as? [[String: Any]])
        #expect(double.first?["format"] as? String == "double")
        #expect(double.last?["$ref"] as? String == "#/components/schemas/NonFiniteNumber")
        #expect(collector.usesNonFiniteNumbers)
        #expect((properties?["fFloat"]?["oneOf"] as? [[String: Any]])?.first?["format"] as? String == "float")

        func accepts(_ json: String) -> Bool {
            (try? interop.binary(fromJSON: Array(json.utf8), messageType: "weft.interop.v1.KitchenSink")) != nil
        }
        for good in [
            #"{"fInt64": "-9223372036854775808"}"#, #"{"fInt64": "0"}"#, #"{"fUint64": "18446744073709551615"}"#,
            #"{"fInt32": -2147483648}"#, #"{"fUint32": 4294967295}"#,
            #"{"fDouble": "NaN"}"#, #"{"fDouble": "-Infinity"}"#, #"{"fFloat": "Infinity"}"#, #"{"fDouble": 1.5e300}"#,
        ] {
            #expect(accepts(good), "\(good)")
        }
        // Outside the schemas: leading zeros, a sign on an unsigned value, out of range.
        for bad in [#"{"fInt64": "007"}"#, #"{"fUint64": "-1"}"#, #"{"fInt32": 2147483648}"#, #"{"fUint32": -1}"#, #"{"fDouble": "nan"}"#] {
            #expect(!accepts(bad), "\(bad)")
        }
    }

    /// No body is read as `{}`: a body is required only where `{}` is not a value.
    @Test func requestBodiesAreRequiredWhereNoBodyIsRefused() throws {
        let catalog = try Self.document(try Self.catalog)
        let create = try #require(try Self.operation(catalog, "/v1/products", "post")["requestBody"] as? [String: Any])
        #expect(create["required"] as? Bool == false)
        let source = """
            syntax = "proto3";
            package t;
            import "google/api/annotations.proto";
            message Tags { repeated string tags = 1; string title = 2; }
            service S {
              rpc SetTags(Tags) returns (Tags) { option (google.api.http) = { put: "/v1/tags" body: "tags" }; }
              rpc SetTitle(Tags) returns (Tags) { option (google.api.http) = { put: "/v1/title" body: "title" }; }
            }
            """
        let result = SchemaCompiler(includePaths: []).compile(sources: ["t.proto": source], roots: ["t.proto"])
        #expect(!result.hasErrors, "\(result.diagnostics)")
        let document = try Self.document(result.files)
        for path in ["/v1/tags", "/v1/title"] {
            #expect((try Self.operation(document, path, "put")["requestBody"] as? [String: Any])?["required"] as? Bool == true, "\(path)")
            // What the gateway does with no body there.
            let mapping = HTTPRequestMapping(schema: DynamicSchema(files: result.files), requestType: "t.Tags", body: String(path.dropFirst(4)))
            #expect(throws: (any Error).self, "\(path)") { try mapping.requestBinary(pathBindings: [:], query: [], body: []) }
        }
        let catalogMapping = HTTPRequestMapping(
            schema: DynamicSchema(files: try Self.catalog), requestType: "weft.platform.catalog.v1.CreateProductRequest", body: "product")
        #expect(try catalogMapping.requestBinary(pathBindings: [:], query: [], body: []) == [0x0A, 0x00])  // product: {}
    }

    /// Server-streaming and bidirectional answers are NDJSON or Server-Sent Events; a client
    /// stream's body is NDJSON (described as JSON, a stream of one, for generators), and may be empty.
    @Test func streamsAreNDJSONOrServerSentEvents() throws {
        let document = try Self.document(try Self.bookshop)
        for (path, key) in [("/v1/shelves/{shelf}:watch", "get"), ("/v1/books:echo", "post")] {
            let ok = try #require((try Self.operation(document, path, key)["responses"] as? [String: Any])?["200"] as? [String: Any])
            let content = try #require(ok["content"] as? [String: Any])
            #expect(Set(content.keys) == ["application/x-ndjson", "text/event-stream"], "\(path)")
            let line = ((content["application/x-ndjson"] as? [String: Any])?["schema"] as? [String: Any])?["oneOf"] as? [[String: Any]]
            #expect(line?.map { $0["required"] as? [String] ?? [] } == [["result"], ["status"]], "\(path)")
        }
        for (path, key) in [("/v1/shelves/{shelf}/books:shelve", "post"), ("/v1/books:echo", "post")] {
            let body = try #require(try Self.operation(document, path, key)["requestBody"] as? [String: Any])
            #expect(body["required"] as? Bool == false)
            #expect((body["content"] as? [String: Any]).map { Set($0.keys) } == ["application/json"], "\(path)")
            #expect(body["x-weft-stream-content-type"] as? String == "application/x-ndjson", "\(path)")
        }
        let unary = try #require((try Self.operation(document, "/v1/trouble", "post")["responses"] as? [String: Any])?["200"] as? [String: Any])
        #expect((unary["content"] as? [String: Any]).map { Set($0.keys) } == ["application/json"])
    }
}
