import Testing
@testable import WeftGateway

@Suite struct PathTemplateTests {
    @Test func parsesEveryForm() throws {
        #expect(try PathTemplate("/v1/shelves").fieldPaths == [])
        #expect(try PathTemplate("/v1/{name}").fieldPaths == ["name"])
        #expect(try PathTemplate("/v1/{book.shelf.id}/x").fieldPaths == ["book.shelf.id"])
        #expect(try PathTemplate("/v1/{name=shelves/*/books/*}").fieldPaths == ["name"])
        #expect(try PathTemplate("/v1/{path=**}").shape == "/v1/**")
        #expect(try PathTemplate("/v1/*/books:search").shape == "/v1/*/books:search")
    }

    @Test func malformedTemplatesNameThePosition() {
        for bad in ["v1/x", "/v1/{", "/v1/{name", "/v1/{}", "/v1/**/x", "/v1/{a={b}}", "/v1/x:", "/v1//x", "/v1/{a}/{a}"] {
            #expect(throws: PathTemplateError.self, "\(bad)") { try PathTemplate(bad) }
        }
    }

    @Test func matchesAndBindsVariables() throws {
        let nested = try PathTemplate("/v1/{name=shelves/*/books/*}")
        #expect(nested.match("/v1/shelves/s1/books/b%201") == ["name": "shelves/s1/books/b 1"])
        #expect(nested.match("/v1/shelves/s1/books") == nil)
        #expect(nested.match("/v1/shelves/s1/books/b1/extra") == nil)

        let simple = try PathTemplate("/v1/users/{user_id}/orders/{order.id}")
        #expect(simple.match("/v1/users/42/orders/o%2F7") == ["user_id": "42", "order.id": "o/7"])
        #expect(simple.match("/v1/users//orders/1") == nil)  // `*` needs a non-empty segment

        let rest = try PathTemplate("/files/{path=**}")
        #expect(rest.match("/files/a/b%2Fc/d") == ["path": "a/b%2Fc/d"])  // `/` inside a segment stays encoded
        #expect(rest.match("/files") == ["path": ""])
    }

    /// An OpenAPI client sends a variable's whole value percent-encoded, `/` as `%2F`: where a
    /// variable spans segments, those escapes separate its segments when nothing else matches.
    @Test func encodedSlashesSeparateAVariablesSegments() throws {
        let product = try PathTemplate("/v1/{name=products/*}")
        #expect(product.match("/v1/products%2Fx") == ["name": "products/x"])
        #expect(product.match("/v1/products%2fx") == ["name": "products/x"])
        #expect(product.match("/v1/products/x") == ["name": "products/x"])
        #expect(product.match("/v1/products%2Fa%252Fb") == ["name": "products/a%2Fb"])  // an encoded `%2F` in the value
        #expect(product.match("/v1/products%2F") == nil)  // `*` needs a non-empty segment
        #expect(product.match("/v1/products%2Fx%2Fy") == nil)
        #expect(product.match("/v1%2Fproducts%2Fx") == nil)  // a literal outside the variable is never split
        let nested = try PathTemplate("/v1/{name=shelves/*/books/*}:archive")
        #expect(nested.match("/v1/shelves%2Fs1%2Fbooks%2Fb1:archive") == ["name": "shelves/s1/books/b1"])
        #expect(nested.match("/v1/shelves%2Fs1/books%2Fb1:archive") == ["name": "shelves/s1/books/b1"])
        // What matches as sent keeps today's meaning: `%2F` inside a segment stays encoded.
        #expect(nested.match("/v1/shelves/a%2Fb/books/c:archive") == ["name": "shelves/a%2Fb/books/c"])
        let two = try PathTemplate("/v1/{parent=shelves/*}/{book.id=books/*}")
        #expect(two.match("/v1/shelves%2Fs1/books%2Fb1") == ["parent": "shelves/s1", "book.id": "books/b1"])
        #expect(two.match("/v1/shelves%2Fs1%2Fbooks%2Fb1") == nil)  // one segment cannot feed two variables
        let single = try PathTemplate("/v1/books/{name}")
        #expect(single.match("/v1/books/a%2Fb") == ["name": "a/b"])
    }

    @Test func verbsMustMatch() throws {
        let search = try PathTemplate("/v1/{parent=shelves/*}/books:search")
        #expect(search.match("/v1/shelves/s1/books:search") == ["parent": "shelves/s1"])
        #expect(search.match("/v1/shelves/s1/books") == nil)
        #expect(try PathTemplate("/v1/{name}").match("/v1/thing:undelete") == nil)
    }
}

@Suite struct RouteTableTests {
    func table() throws -> RouteTable<String> {
        try RouteTable([
            .init(method: "GET", template: PathTemplate("/v1/{name=products/*}"), target: "get"),
            .init(method: "DELETE", template: PathTemplate("/v1/{name=products/*}"), target: "delete"),
            .init(method: "GET", template: PathTemplate("/v1/products/featured"), target: "featured"),
            .init(method: "POST", template: PathTemplate("/v1/products"), target: "create"),
            .init(method: "POST", template: PathTemplate("/v1/products:batchGet"), target: "batch"),
        ])
    }

    @Test func routesByMethodAndPathPreferringLiterals() throws {
        let routes = try table()
        guard case .found("featured", let bindings) = routes.match(method: "GET", path: "/v1/products/featured") else {
            Issue.record("the literal route should win")
            return
        }
        #expect(bindings.isEmpty)
        guard case .found("get", let found) = routes.match(method: "get", path: "/v1/products/p1") else {
            Issue.record("GET /v1/products/p1 should route to get")
            return
        }
        #expect(found == ["name": "products/p1"])
        guard case .found("batch", _) = routes.match(method: "POST", path: "/v1/products:batchGet") else {
            Issue.record("the custom verb should route")
            return
        }
    }

    @Test func encodedSlashesReachTheVariableRoute() throws {
        let routes = try table()
        guard case .found("get", let bindings) = routes.match(method: "GET", path: "/v1/products%2Fp1") else {
            Issue.record("GET /v1/products%2Fp1 should route to get")
            return
        }
        #expect(bindings == ["name": "products/p1"])
        // The literal route `/v1/products/featured` is not reached through an escape.
        guard case .found("get", let featured) = routes.match(method: "GET", path: "/v1/products%2Ffeatured") else {
            Issue.record("GET /v1/products%2Ffeatured should route to get")
            return
        }
        #expect(featured == ["name": "products/featured"])
        guard case .methodNotAllowed(let allowed) = routes.match(method: "PUT", path: "/v1/products%2Fp1") else {
            Issue.record("PUT should be 405")
            return
        }
        #expect(allowed == ["DELETE", "GET", "HEAD"])
    }

    @Test func wrongMethodIs405AndUnknownPathIs404() throws {
        let routes = try table()
        guard case .methodNotAllowed(let allowed) = routes.match(method: "PUT", path: "/v1/products/p1") else {
            Issue.record("PUT should be 405")
            return
        }
        #expect(allowed == ["DELETE", "GET", "HEAD"])
        guard case .notFound = routes.match(method: "GET", path: "/v2/nothing") else {
            Issue.record("unknown path should be 404")
            return
        }
    }

    /// HEAD is answered wherever GET is (RFC 9110 §9.3.2), unless HEAD has a route of its own.
    @Test func headTakesTheGetRouteUnlessBoundItself() throws {
        guard case .found("get", let bindings) = try table().match(method: "HEAD", path: "/v1/products/p1") else {
            Issue.record("HEAD should take the GET route")
            return
        }
        #expect(bindings == ["name": "products/p1"])
        guard case .methodNotAllowed(let allowed) = try table().match(method: "HEAD", path: "/v1/products") else {
            Issue.record("HEAD of a POST-only path should be 405")
            return
        }
        #expect(allowed == ["POST"])
        let own = try RouteTable([
            .init(method: "GET", template: PathTemplate("/v1/{id}"), target: "get"),
            .init(method: "HEAD", template: PathTemplate("/v1/{id}"), target: "head"),
        ])
        guard case .found("head", _) = own.match(method: "HEAD", path: "/v1/x") else {
            Issue.record("a HEAD route of its own should win")
            return
        }
    }

    @Test func conflictingRoutesFailAtStart() throws {
        #expect {
            try RouteTable([
                .init(method: "GET", template: PathTemplate("/v1/{id}"), target: 1),
                .init(method: "GET", template: PathTemplate("/v1/{name}"), target: 2),
            ])
        } throws: { error in
            String(describing: error).contains("/v1/{id}") && String(describing: error).contains("/v1/{name}")
        }
        // The same template under another method is no conflict.
        _ = try RouteTable([
            .init(method: "GET", template: PathTemplate("/v1/{id}"), target: 1),
            .init(method: "DELETE", template: PathTemplate("/v1/{id}"), target: 2),
        ])
    }
}

@Suite struct PathBindingsTests {
    /// Read in key order whatever the template's order; a key bound twice keeps its last value.
    @Test func bindingsAreInKeyOrderAndTheLastValueWins() {
        let bindings = PathBindings([(key: "shelf", value: "s1"), (key: "book.id", value: "b1"), (key: "shelf", value: "s2")])
        #expect(bindings.map(\.key) == ["book.id", "shelf"])
        #expect(bindings["shelf"] == "s2" && bindings["book.id"] == "b1" && bindings["missing"] == nil)
        #expect(bindings == ["shelf": "s2", "book.id": "b1"])
        #expect(PathBindings([]).isEmpty && bindings.count == 2)
    }
}
