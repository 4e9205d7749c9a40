import Testing
@testable import WeftSchema

@Suite struct OptionInterpretationTests {
    private func methods(_ body: String) -> ([MethodDecl], [Diagnostic]) {
        let (file, diagnostics) = checkedFile("""
            package p;
            import "google/api/annotations.proto";
            message R { string name = 1; string id = 2; string thing = 3; string result = 4; }
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

    @Test func httpRuleFieldsMustExist() {
        let result = compile("""
            syntax = "proto3";
            package p;
            import "google/api/annotations.proto";
            message R { string name = 1; }
            service S {
              // A typo in the variable.
              rpc A(R) returns (R) { option (google.api.http) = { get: "/v1/{nmae=things/*}" }; }
            }
            """)
        #expect(result.diagnostics.map(\.description) == [
            """
            test.proto:7:66: error: google.api.http path variable "nmae" names no field of "p.R"
              rpc A(R) returns (R) { option (google.api.http) = { get: "/v1/{nmae=things/*}" }; }
                                                                             ^
            """,
        ])
    }

    @Test func everyHttpRuleMistakeIsReportedAtItsText() {
        let result = compile(#"""
            syntax = "proto3";
            package p;
            import "google/api/annotations.proto";
            import "google/protobuf/timestamp.proto";
            message R {
              string name = 1;
              Inner inner = 2;
              repeated string tags = 3;
              map<string, string> labels = 4;
            }
            message Inner { string id = 1; google.protobuf.Timestamp at = 2; }
            service S {
              rpc A(R) returns (R) { option (google.api.http) = { get: "/v1/{inner.idd}" }; }
              rpc B(R) returns (R) { option (google.api.http) = { get: "/v1/{tags}/{labels}/{inner}" }; }
              rpc C(R) returns (R) { option (google.api.http) = { get: "/v1/{name.x}/{tags.x}" }; }
              rpc D(R) returns (R) { option (google.api.http) = { post: "/v1/d" body: "bdy" response_body: "nope" }; }
              rpc E(R) returns (R) { option (google.api.http) = { get: "/v1/{}" }; }
              rpc F(R) returns (R) {
                option (google.api.http) = {
                  get: "/v1/f"
                  additional_bindings { post: "/v1/f" body: "*" response_body: "nope" }
                  additional_bindings { custom { kind: "HEAD" path: "/v1/{nope}" } }
                };
              }
              rpc G(R) returns (R) { option (google.api.http).get = "/v1/" "{nope}"; }
              rpc H(R) returns (R) { option (google.api.http).get = "/v\x31/{nope}"; }
              rpc I(R) returns (R) { option (google.api.http).custom.path = "/v1/{nope}"; }
            }
            """#)
        let notSettable = "a path variable can only set a singular scalar, enum or well-known type field"
        #expect(result.diagnostics.map { "\($0.location!.line):\($0.location!.column): \($0.message)" } == [
            #"13:72: google.api.http path variable "inner.idd": "idd" names no field of "p.Inner""#,
            #"14:66: google.api.http path variable "tags" names a repeated field of "p.R"; "# + notSettable,
            #"14:73: google.api.http path variable "labels" names a map field of "p.R"; "# + notSettable,
            #"14:82: google.api.http path variable "inner" names a message field of "p.R"; "# + notSettable,
            #"15:66: google.api.http path variable "name.x": "name" names a string field of "p.R", not a singular message"#,
            #"15:75: google.api.http path variable "tags.x": "tags" names a repeated field of "p.R", not a singular message"#,
            #"16:76: google.api.http body "bdy" names no field of "p.R""#,
            #"16:97: google.api.http response_body "nope" names no field of "p.R""#,
            #"17:66: google.api.http path template "/v1/{}" is malformed: expected a field name"#,
            #"21:69: google.api.http response_body "nope" names no field of "p.R""#,
            #"22:63: google.api.http path variable "nope" names no field of "p.R""#,
            // Concatenated or escaped literals: at the opening quote.
            #"25:57: google.api.http path variable "nope" names no field of "p.R""#,
            #"26:57: google.api.http path variable "nope" names no field of "p.R""#,
            #"27:71: google.api.http path variable "nope" names no field of "p.R""#,
        ])
    }

    @Test func httpRuleVariablesMayUseJSONNamesNestedFieldsAndWellKnownTypes() {
        let result = compile("""
            syntax = "proto3";
            package p;
            import "google/api/annotations.proto";
            import "google/protobuf/timestamp.proto";
            enum E { E_UNSPECIFIED = 0; }
            message Inner { string id = 1; }
            message R { string book_id = 1; Inner inner = 2; optional int64 n = 3; E e = 4; google.protobuf.Timestamp at = 5; }
            service S {
              rpc A(R) returns (R) {
                option (google.api.http) = { patch: "/v1/{bookId}/{inner.id}/{n}/{e}/{at}" body: "inner" response_body: "inner" };
              }
              rpc B(R) returns (R) { option (google.api.http) = { get: "/v1/{book_id=books/*}:get" }; }
            }
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
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
