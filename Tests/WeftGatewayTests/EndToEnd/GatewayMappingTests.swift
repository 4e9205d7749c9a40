import Foundation
import Testing
import WeftBookshop
import WeftGateway

/// Every google.api.http mapping rule, through curl → gateway (HTTP/1.1 and h2c) → the bookshop
/// upstream over mutual TLS, and back.
@Suite(.serialized) struct GatewayMappingTests {
    @Test(arguments: HTTPVersion.allCases) func pathVariablesAndAdditionalBindings(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let book = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1", version: version)
        #expect(book.version == version.rawValue)
        #expect(book.status == 200)
        #expect(book.headers["content-type"] == "application/json")
        #expect(book.object["name"] as? String == "shelves/s1/books/b1")
        #expect(book.object["title"] as? String == "Title of b1")
        // The second binding; a single-segment variable decodes %2F into the value.
        let other = try await curl("GET", "\(harness.base)/v1/books/a%2Fb%20c", version: version)
        #expect(other.object["name"] as? String == "a/b c")
        // `**` captures several segments.
        let file = try await curl("GET", "\(harness.base)/v1/files/docs/2026/notes.txt", version: version)
        #expect(file.object["path"] as? String == "docs/2026/notes.txt")
    }

    /// An OpenAPI client sends a variable's value percent-encoded, `/` included: `{name=shelves/*/books/*}`
    /// as `/v1/shelves%2Fs1%2Fbooks%2Fb1`. Those requests reach the variable's route.
    @Test(arguments: HTTPVersion.allCases) func encodedSlashesReachMultiSegmentVariables(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let book = try await curl("GET", "\(harness.base)/v1/shelves%2Fs1%2Fbooks%2Fb1", version: version)
        #expect(book.status == 200, "\(book.body)")
        #expect(book.object["name"] as? String == "shelves/s1/books/b1")
        let list = try await curl("GET", "\(harness.base)/v1/shelves%2Fs9/books?pageSize=2", version: version)
        #expect(list.status == 200, "\(list.body)")
        #expect((list.object["query"] as? [String: Any])?["parent"] as? String == "shelves/s9")
        let archived = try await curl("POST", "\(harness.base)/v1/shelves%2Fs1%2Fbooks%2Fb3:archive", version: version, body: #"{"reason":"worn"}"#)
        #expect(archived.object["name"] as? String == "shelves/s1/books/b3")
        // A literal segment sent encoded is not a route.
        let literal = try await curl("GET", "\(harness.base)/v1%2Fshelves%2Fs1%2Fbooks%2Fb1", version: version)
        #expect(literal.status == 404)
    }

    @Test(arguments: HTTPVersion.allCases) func queryParametersFillTheRest(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let query = "pageSize=2&tags=a&tags=b+c&binding=BINDING_HARDCOVER&filter.minPages=100&filter.author=Le%20Guin"
        let list = try await curl("GET", "\(harness.base)/v1/shelves/s9/books?\(query)", version: version)
        #expect(list.status == 200)
        let echoed = list.object["query"] as? [String: Any] ?? [:]
        #expect(echoed["parent"] as? String == "shelves/s9")
        #expect(echoed["pageSize"] as? Int == 2)
        #expect(echoed["tags"] as? [String] == ["a", "b c"])
        #expect(echoed["binding"] as? String == "BINDING_HARDCOVER")
        #expect((echoed["filter"] as? [String: Any])?["minPages"] as? Int == 100)
        #expect((echoed["filter"] as? [String: Any])?["author"] as? String == "Le Guin")
        // proto names work as well as JSON names; an unknown parameter is a 400 naming it.
        let snake = try await curl("GET", "\(harness.base)/v1/shelves/s9/books?page_size=3", version: version)
        #expect((snake.object["query"] as? [String: Any])?["pageSize"] as? Int == 3)
        let unknown = try await curl("GET", "\(harness.base)/v1/shelves/s9/books?colour=red", version: version)
        #expect(unknown.status == 400)
        #expect((unknown.object["message"] as? String)?.contains("colour") == true)
        #expect(unknown.object["code"] as? Int == 3)
    }

    @Test(arguments: HTTPVersion.allCases) func bodiesFillAFieldOrTheWholeRequest(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        // body: "book" — the body is the Book, the path fills `parent`.
        let created = try await curl(
            "POST", "\(harness.base)/v1/shelves/s1/books", version: version,
            body: #"{"title":"Dune","pages":"412","binding":"BINDING_PAPERBACK","author":{"displayName":"Frank Herbert"},"published":"1965-08-01T00:00:00Z"}"#)
        #expect(created.status == 200)
        #expect(created.object["name"] as? String == "shelves/s1/books/dune")
        #expect(created.object["pages"] as? String == "412")  // int64 is a JSON string
        #expect((created.object["author"] as? [String: Any])?["displayName"] as? String == "Frank Herbert")
        // Answers always carry a fraction (README, "Timestamps"), here the one the request left out.
        #expect(created.object["published"] as? String == "1965-08-01T00:00:00.000Z")
        // A nested path variable (`book.name`) merges with the body field.
        let updated = try await curl("PATCH", "\(harness.base)/v1/shelves/s1/books/b2", version: version, body: #"{"title":"New"}"#)
        #expect(updated.object["name"] as? String == "shelves/s1/books/b2")
        #expect(updated.object["title"] as? String == "New")
        // body: "*" with a custom verb in the path.
        let archived = try await curl("POST", "\(harness.base)/v1/shelves/s1/books/b3:archive", version: version, body: #"{"reason":"worn"}"#)
        #expect(archived.object["name"] as? String == "shelves/s1/books/b3")
        #expect(archived.object["title"] as? String == "archived: worn")
        let deleted = try await curl("DELETE", "\(harness.base)/v1/shelves/s1/books/b3", version: version)
        #expect(deleted.status == 200)
        #expect(deleted.body == "{}")
    }

    @Test(arguments: HTTPVersion.allCases) func responseBodyAndCustomMethods(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let title = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1/title", version: version)
        #expect(title.status == 200)
        #expect(title.json as? String == "The \"Title\" of shelves/s1/books/b1")
        let reindexed = try await curl("SEARCH", "\(harness.base)/v1/shelves/s1/books/b1", version: version)
        #expect(reindexed.object["title"] as? String == "reindexed")
    }

    @Test(arguments: HTTPVersion.allCases) func clientStreamsArriveAsNDJSON(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        // Three requests (a blank line is no request); the path variable fills each of them.
        let lines = #"{"book": {"title": "Dune"}}"# + "\n\n" + #"{"book": {"title": "Emma"}}"# + "\n" + #"{"book": {"title": "Kim"}}"#
        let shelved = try await curl("POST", "\(harness.base)/v1/shelves/s4/books:shelve", version: version, body: lines)
        #expect(shelved.status == 200, "\(shelved.body)")
        let names = (shelved.object["books"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["shelves/s4/books/dune", "shelves/s4/books/emma", "shelves/s4/books/kim"])
        // No line at all is an empty stream, not an error.
        let none = try await curl("POST", "\(harness.base)/v1/shelves/s4/books:shelve", version: version, body: "")
        #expect(none.status == 200 && none.body == "{}", "\(none.body)")
        // A bad line fails the whole request before anything reaches the upstream.
        let before = harness.upstream.calls.withLock { $0["ShelveBooks"] ?? 0 }
        let bad = try await curl(
            "POST", "\(harness.base)/v1/shelves/s4/books:shelve", version: version, body: #"{"book": {}}"# + "\n" + #"{"colour": 1}"#)
        #expect(bad.status == 400)
        #expect((bad.object["message"] as? String)?.contains("line 2") == true, "\(bad.body)")
        #expect(harness.upstream.calls.withLock { $0["ShelveBooks"] ?? 0 } == before)
    }

    @Test(arguments: HTTPVersion.allCases) func bidirectionalStreamsAreNDJSONBothWays(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let echoed = try await curl(
            "POST", "\(harness.base)/v1/books:echo", version: version, body: #"{"title": "dune"}"# + "\n" + #"{"title": "kim", "pages": 3}"#)
        #expect(echoed.status == 200)
        #expect(echoed.headers["content-type"] == "application/x-ndjson")
        #expect(echoed.body.split(separator: "\n").map(String.init) == [
            #"{"result":{"title":"DUNE"}}"#, #"{"result":{"title":"KIM","pages":"3"}}"#,
            #"{"status":{"code":0,"message":"","details":[]}}"#,
        ])
    }

    /// A body is read as JSON only when it says it is: anything else is 415 before the upstream
    /// sees it. A 405 still comes first.
    @Test(arguments: HTTPVersion.allCases) func aBodyMustBeSentAsJSON(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let book = #"{"title":"a"}"#
        let cases: [(method: String, path: String, curlArguments: [String], status: Int, rpc: String)] = [
            ("POST", "/v1/shelves/s1/books", ["-d", book], 415, "CreateBook"),  // curl's default: a form
            ("POST", "/v1/shelves/s1/books", ["--data-binary", book, "-H", "content-type: text/plain"], 415, "CreateBook"),
            ("POST", "/v1/shelves/s1/books", ["--data-binary", book, "-H", "content-type:"], 415, "CreateBook"),
            ("POST", "/v1/shelves/s1/books", ["--data-binary", book, "-H", "content-type: application/json; charset=latin1"], 415, "CreateBook"),
            ("POST", "/v1/shelves/s1/books", ["--data-binary", book, "-H", "content-type: application/x-ndjson"], 415, "CreateBook"),
            ("PUT", "/v1/shelves/s1/books", ["--data-binary", book, "-H", "content-type: text/plain"], 405, "CreateBook"),
            ("POST", "/v1/shelves/s1/books", ["--data-binary", book, "-H", "Content-Type: Application/JSON; charset=UTF-8"], 200, "CreateBook"),
            ("PATCH", "/v1/shelves/s1/books/b2", ["--data-binary", book, "-H", "content-type: application/merge-patch+json"], 200, "UpdateBook"),
            ("POST", "/v1/shelves/s4/books:shelve", ["--data-binary", #"{"book": {}}"#, "-H", "content-type: application/x-ndjson"], 200, "ShelveBooks"),
            ("POST", "/v1/books:echo", ["--data-binary", book, "-H", "content-type: application/jsonl"], 200, "EchoBooks"),
        ]
        for (method, path, curlArguments, status, rpc) in cases {
            let before = harness.upstream.calls.withLock { $0[rpc] ?? 0 }
            let response = try await curl(method, harness.base + path, version: version, extra: curlArguments)
            #expect(response.status == status, "\(method) \(path) \(curlArguments): \(response.body)")
            #expect(harness.upstream.calls.withLock { $0[rpc] ?? 0 } == before + (status == 200 ? 1 : 0), "\(curlArguments)")
            if status == 415 {
                #expect(response.object["code"] as? Int == 3)
                #expect((response.object["message"] as? String)?.contains("Content-Type: application/json") == true, "\(response.body)")
            }
        }
    }

    @Test func theGatewayWritesTheSameJSONAsTheGeneratedTypes() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let response = try await curl(
            "POST", "\(harness.base)/v1/shelves/s1/books",
            body: #"{"title":"Emma","pages":"9","tags":["x","y"],"author":{"displayName":"Austen","born":1775}}"#)
        var expected = Book(title: "Emma", pages: 9, tags: ["x", "y"], author: Author(displayName: "Austen", born: 1775))
        expected.name = "shelves/s1/books/emma"
        #expect(response.body == String(decoding: try expected.jsonUTF8Bytes(), as: UTF8.self))
    }
}
