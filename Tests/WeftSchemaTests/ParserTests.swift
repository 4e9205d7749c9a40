import Testing
@testable import WeftSchema

@Suite struct ParserTests {
    @Test func fileHeaderPackageImportsAndOptions() {
        let result = compile("""
            // Header.
            syntax = "proto3";
            package acme.shop.v1;
            import "other.proto";
            import public "google/protobuf/empty.proto";
            import weak "google/protobuf/timestamp.proto";
            option java_package = "com.acme";
            option optimize_for = SPEED;
            option (unknown.thing).sub = -5;
            """, others: ["other.proto": "syntax = \"proto3\";"])
        let file = result.files.first { $0.path == "test.proto" }!
        #expect(file.doc == "Header.")
        #expect(file.package == "acme.shop.v1")
        #expect(file.imports.map(\.path) == ["other.proto", "google/protobuf/empty.proto", "google/protobuf/timestamp.proto"])
        #expect(file.imports.map(\.kind) == [.normal, .public, .weak])
        #expect(file.options.map(\.name) == ["java_package", "optimize_for", "(unknown.thing).sub"])
        #expect(file.options.map(\.value) == [.string("com.acme"), .identifier("SPEED"), .integer(-5)])
        #expect(!result.hasErrors)
        #expect(result.diagnostics.map(\.severity) == [.warning])
        #expect(result.requestedPaths == ["test.proto"])
        #expect(result.files.map(\.path) == ["other.proto", "google/protobuf/empty.proto", "google/protobuf/timestamp.proto", "test.proto"])
    }

    @Test func messagesFieldsAndLabels() {
        let (file, diagnostics) = checkedFile("""
            package p;
            message Outer {
              message Inner { enum Kind { KIND_UNSPECIFIED = 0; } }
              int32 plain = 1;
              optional string maybe = 2;
              repeated Inner.Kind kinds = 3 [packed = false];
              map<string, Inner> by_name = 4;
              .p.Outer self = 5 [json_name = "myself", deprecated = true];
            }
            """)
        #expect(diagnostics.isEmpty)
        let outer = file.messages[0]
        #expect(outer.fullName == "p.Outer")
        #expect(outer.messages[0].fullName == "p.Outer.Inner")
        #expect(outer.messages[0].enums[0].fullName == "p.Outer.Inner.Kind")
        #expect(outer.fields.map(\.label) == [.singular, .optional, .repeated, .repeated, .singular])
        #expect(outer.fields.map(\.type) == [
            .scalar(.int32), .scalar(.string), .enumeration("p.Outer.Inner.Kind"),
            .map(key: .string, value: .message("p.Outer.Inner")), .message("p.Outer"),
        ])
        #expect(outer.fields.map(\.jsonName) == ["plain", "maybe", "kinds", "byName", "myself"])
        #expect(outer.fields[2].isPacked == false)
        #expect(outer.fields[4].options.map(\.name) == ["json_name", "deprecated"])
        #expect(outer.fields[0].location == SourceLocation(file: "test.proto", line: 5, column: 9))
    }

    @Test func oneofsKeepFieldOrder() {
        let (file, diagnostics) = checkedFile("""
            message M {
              int32 a = 1;
              oneof choice { option (x) = 1; string b = 2; int64 c = 3; }
              int32 d = 4;
              oneof other { bool e = 5; }
            }
            """)
        #expect(diagnostics.map(\.severity) == [.warning])
        let message = file.messages[0]
        #expect(message.oneofs.map(\.name) == ["choice", "other"])
        #expect(message.oneofs[0].options.map(\.name) == ["(x)"])
        #expect(message.fields.map(\.name) == ["a", "b", "c", "d", "e"])
        #expect(message.fields.map(\.oneofIndex) == [nil, 0, 0, nil, 1])
    }

    @Test func enumsWithAliasesNegativeValuesAndReserved() {
        let (file, diagnostics) = checkedFile("""
            enum E {
              option allow_alias = true;
              E_ZERO = 0;
              E_ALIAS = 0 [deprecated = true];
              E_NEG = -7;
              reserved 3, 5 to 9, 100 to max;
              reserved "OLD";
            }
            """)
        #expect(diagnostics.isEmpty)
        let decl = file.enums[0]
        #expect(decl.allowsAlias)
        #expect(decl.values.map(\.number) == [0, 0, -7])
        #expect(decl.values[1].options.map(\.name) == ["deprecated"])
        #expect(decl.reservedRanges.map { [$0.lower, $0.upper] } == [[3, 3], [5, 9], [100, Int32.max]])
        #expect(decl.reservedNames == ["OLD"])
    }

    @Test func messageReservedToMax() {
        let (file, _) = checkedFile("message M { reserved 2, 9 to 11, 1000 to max; reserved \"a\", \"b\"; }")
        #expect(file.messages[0].reservedRanges.map { [$0.lower, $0.upper] } == [[2, 2], [9, 11], [1000, 536_870_911]])
        #expect(file.messages[0].reservedNames == ["a", "b"])
    }

    @Test func servicesAndStreaming() {
        let (file, diagnostics) = checkedFile("""
            package p;
            message Req {}
            message Res {}
            service S {
              option deprecated = true;
              rpc A(Req) returns (Res);
              rpc B(stream Req) returns (Res) {}
              rpc C(Req) returns (stream .p.Res) { option deprecated = true; };
              rpc D(stream Req) returns (stream Res);
              ;
            }
            """)
        #expect(diagnostics.isEmpty)
        let service = file.services[0]
        #expect(service.fullName == "p.S")
        #expect(service.options.map(\.name) == ["deprecated"])
        #expect(service.methods.map(\.name) == ["A", "B", "C", "D"])
        #expect(service.methods.map(\.clientStreaming) == [false, true, false, true])
        #expect(service.methods.map(\.serverStreaming) == [false, false, true, true])
        #expect(service.methods.allSatisfy { $0.inputType == "p.Req" && $0.outputType == "p.Res" })
        #expect(service.methods[2].options.map(\.name) == ["deprecated"])
    }

    @Test func aggregateOptionValues() {
        let (file, _) = checkedFile("""
            option (a) = { k: "v" nested { x: 1 } nested2: { y: -2.5 }, list: [1, 2]; ext < z: true > [my.ext]: inf s: "a" 'b' };
            """)
        let expected = OptionValue.aggregate([
            ("k", .string("v")),
            ("nested", .aggregate([("x", .integer(1))])),
            ("nested2", .aggregate([("y", .float(-2.5))])),
            ("list", .integer(1)), ("list", .integer(2)),
            ("ext", .aggregate([("z", .bool(true))])),
            ("[my.ext]", .float(.infinity)),
            ("s", .string("ab")),
        ])
        #expect(file.options.first?.value == expected)
    }

    @Test func scalarOptionValues() {
        let (file, _) = checkedFile("""
            option (a) = 18446744073709551615;
            option (b) = -9223372036854775808;
            option (c) = false;
            option (d) = -inf;
            option (e) = "x" "y";
            """)
        #expect(file.options.map(\.value) == [
            .unsignedInteger(.max), .integer(.min), .bool(false), .float(-.infinity), .string("xy"),
        ])
    }

    @Test func extendBlocks() {
        let (file, diagnostics) = checkedFile("""
            package p;
            import "google/protobuf/descriptor.proto";
            extend google.protobuf.FieldOptions { string tag = 50000; repeated int32 ids = 50001; }
            message M {
              extend google.protobuf.MessageOptions { bool audited = 50000; }
              option (M.audited) = true;
              string a = 1 [(tag) = "t", (p.ids) = 3];
            }
            """)
        #expect(diagnostics.isEmpty)
        #expect(file.extensions.map(\.extendee) == ["google.protobuf.FieldOptions"])
        #expect(file.extensions[0].fields.map(\.name) == ["tag", "ids"])
        #expect(file.extensions[0].fields[1].label == .repeated)
        #expect(file.messages[0].extensions[0].extendee == "google.protobuf.MessageOptions")
    }

    @Test func docsFromLeadingAndTrailingComments() {
        let (file, _) = checkedFile("""
            // A message.
            // Second line.
            message M { // Trailing on the brace.
              // Field doc.
              int32 a = 1; // And trailing.
              int32 b = 2; // Only trailing.

              // Detached, not a doc.

              int32 c = 3;
              /* Block
               * doc. */
              oneof o { int32 d = 4; }
            }
            /// Triple-slash doc.
            enum E {
              /** Value doc. */
              E_ZERO = 0;
            }
            // Service doc.
            service S {
              // Method doc.
              rpc A(M) returns (M); // trailing
            }
            """)
        let message = file.messages[0]
        #expect(message.doc == "A message.\nSecond line.\nTrailing on the brace.")
        #expect(message.fields.map(\.doc) == ["Field doc.\nAnd trailing.", "Only trailing.", "", ""])
        #expect(message.oneofs[0].doc == "Block\ndoc.")
        #expect(file.enums[0].doc == "Triple-slash doc.")
        #expect(file.enums[0].values[0].doc == "Value doc.")
        #expect(file.services[0].doc == "Service doc.")
        #expect(file.services[0].methods[0].doc == "Method doc.\ntrailing")
    }

    @Test func syntaxMustBeProto3() {
        #expect(compile("syntax = \"proto2\";").diagnostics.map(\.message) == ["unsupported syntax \"proto2\"; Weft accepts proto3 schemas only"])
        #expect(compile("edition = \"2023\";").diagnostics.map(\.message) == ["editions are not supported; Weft accepts proto3 schemas only"])
        #expect(compile("message M {}").diagnostics.map(\.message) == ["missing 'syntax = \"proto3\";' (Weft accepts proto3 schemas only)"])
    }

    @Test func recoversAndReportsEverySyntaxError() {
        let messages = errors("""
            message M {
              int32 a = 1
              int32 b = ;
              string c = 3;
              oneof o { optional int32 d = 4; }
              required int32 e = 5;
              int32 f = 6 [default = 1];
              extensions 10 to 20;
            }
            foo bar;
            message N { int32 ok = 1; }
            """)
        #expect(messages == [
            "expected \";\", found \"int32\"",
            "fields in oneofs must not have labels (required / optional / repeated)",
            "required fields are not allowed in proto3",
            "explicit default values are not allowed in proto3",
            "extension ranges are not allowed in proto3",
            "expected a top-level statement, found \"foo\"",
        ])
        let (file, _) = checkedFile("message M { int32 a = ; string c = 3; }\nmessage N { int32 ok = 1; }")
        #expect(file.messages.map(\.name) == ["M", "N"])
        #expect(file.messages[0].fields.map(\.name) == ["c"])
    }

    @Test func brokenAggregateIsSkippedWhole() {
        let (file, diagnostics) = checkedFile("message M { option (x) = { a: { b: } }; int32 ok = 1; }")
        #expect(diagnostics.filter { $0.severity == .error }.map(\.message) == ["expected an option value, found \"}\""])
        #expect(file.messages[0].fields.map(\.name) == ["ok"])
    }
}
