import Testing
@testable import WeftSchema

@Suite struct OptionInterpretationTests {
    private func methods(_ body: String) -> ([MethodDecl], [Diagnostic]) {
        let (file, diagnostics) = checkedFile("""
            package p;
            import "google/api/annotations.proto";
            message R {}
            service S {
            \(body)
            }
            """)
        return (file.services.first?.methods ?? [], diagnostics)
    }

    @Test func everyHttpRuleField() {
        let (methods, diagnostics) = methods("""
              rpc A(R) returns (R) {
                option (google.api.http) = {
                  post: "/v1/{name=things/*}:run"
                  body: "*"
                  response_body: "result"
                  additional_bindings { get: "/v1/a" }
                  additional_bindings: { put: "/v1/b" body: "thing" }
                  additional_bindings: [{ delete: "/v1/c" }, { patch: "/v1/d", body: "*" }]
                  additional_bindings { custom: { kind: "HEAD" path: "/v1/e" } }
                };
              }
              rpc B(R) returns (R) { option (.google.api.http).get = "/v1/b/{id}"; }
              rpc C(R) returns (R) { option (google.api.http) = { custom { kind: "OPTIONS", path: "/v1/" "c" } }; }
              rpc D(R) returns (R);
            """)
        #expect(diagnostics.isEmpty)
        #expect(methods[0].httpRule == HttpRule(
            method: "POST", path: "/v1/{name=things/*}:run", body: "*", responseBody: "result",
            additionalBindings: [
                HttpRule(method: "GET", path: "/v1/a"),
                HttpRule(method: "PUT", path: "/v1/b", body: "thing"),
                HttpRule(method: "DELETE", path: "/v1/c"),
                HttpRule(method: "PATCH", path: "/v1/d", body: "*"),
                HttpRule(method: "HEAD", path: "/v1/e"),
            ]
        ))
        #expect(methods[1].httpRule == HttpRule(method: "GET", path: "/v1/b/{id}"))
        #expect(methods[2].httpRule == HttpRule(method: "OPTIONS", path: "/v1/c"))
        #expect(methods[3].httpRule == nil)
    }

    @Test func httpRuleInsideGoogleApiPackageResolvesShortName() {
        let result = compile("""
            syntax = "proto3";
            package google.api.sub;
            import "google/api/annotations.proto";
            message R {}
            service S { rpc A(R) returns (R) { option (http).get = "/x"; } }
            """)
        #expect(result.diagnostics.isEmpty)
        #expect(result.files.last?.services[0].methods[0].httpRule == HttpRule(method: "GET", path: "/x"))
    }

    @Test func httpRuleErrors() {
        #expect(methods("rpc A(R) returns (R) { option (google.api.http) = { get: \"/a\" post: \"/b\" }; }").1.map(\.message) == [
            "field \"post\" is specified along with field \"get\", another member of oneof \"pattern\"",
        ])
        #expect(methods("rpc A(R) returns (R) { option (google.api.http) = { get: \"/a\" verb: \"x\" }; }").1.map(\.message) == [
            "message type \"google.api.HttpRule\" has no field named \"verb\"",
        ])
        #expect(methods("rpc A(R) returns (R) { option (google.api.http) = { get: 5 }; }").1.map(\.message) == [
            "field \"get\" expects a string value",
        ])
        #expect(methods("rpc A(R) returns (R) { option (google.api.http) = { get: \"/a\" body: \"*\" body: \"x\" }; }").1.map(\.message) == [
            "non-repeated field \"body\" is specified multiple times",
        ])
        let (noPattern, diagnostics) = methods("rpc A(R) returns (R) { option (google.api.http) = { body: \"*\" }; }")
        #expect(noPattern[0].httpRule == nil)
        #expect(diagnostics.map(\.severity) == [.warning])
    }

    @Test func idempotencyLevel() {
        let (methods, diagnostics) = methods("""
              rpc A(R) returns (R) { option idempotency_level = NO_SIDE_EFFECTS; }
              rpc B(R) returns (R) { option idempotency_level = IDEMPOTENT; }
              rpc C(R) returns (R);
            """)
        #expect(diagnostics.isEmpty)
        #expect(methods.map(\.idempotency) == [.noSideEffects, .idempotent, .unknown])
        #expect(self.methods("rpc A(R) returns (R) { option idempotency_level = SOMETIMES; }").1.map(\.message) == [
            "enum type \"google.protobuf.MethodOptions.IdempotencyLevel\" has no value named \"SOMETIMES\" for option \"idempotency_level\"",
        ])
    }
}
