import Testing
@testable import WeftSchema

@Suite struct ResolutionTests {
    @Test func innermostScopeWins() {
        let (file, diagnostics) = checkedFile("""
            package p;
            message T {}
            message M {
              message T {}
              T inner = 1;
              .p.T outer = 2;
              p.T partial = 3;
            }
            """)
        #expect(diagnostics.isEmpty)
        #expect(file.messages[1].fields.map(\.type) == [.message("p.M.T"), .message("p.T"), .message("p.T")])
    }

    @Test func firstComponentBindsInPartialNames() {
        #expect(errors("package a.b; message B { message C {} } message M { b.C c = 1; }") == [
            "\"b.C\" is resolved to \"a.b.C\", which is not defined; the innermost scope is searched first in name resolution, consider using a leading '.' (i.e., \".b.C\") to start from the outermost scope",
        ])
    }

    @Test func nonTypesAreSkippedForSingleNames() {
        let (file, diagnostics) = checkedFile("message Foo {} message M { int32 x = 1; Foo Foo = 2; }")
        #expect(diagnostics.isEmpty)
        #expect(file.messages[1].fields[1].type == .message("Foo"))
        #expect(errors("message M { int32 foo = 1; } message N { M.foo x = 1; }") == ["\"M.foo\" is not a type"])
    }

    @Test func unknownTypes() {
        #expect(errors("message M { Missing a = 1; map<string, Gone> b = 2; }") == [
            "\"Missing\" is not defined", "\"Gone\" is not defined",
        ])
    }

    @Test func importsAndPublicReexports() {
        let others = [
            "base.proto": "syntax = \"proto3\"; package base; message B {}",
            "public.proto": "syntax = \"proto3\"; import public \"base.proto\";",
            "private.proto": "syntax = \"proto3\"; import \"base.proto\";",
        ]
        #expect(!compile("syntax = \"proto3\"; import \"public.proto\"; message M { base.B b = 1; }", others: others).hasErrors)
        let result = compile("syntax = \"proto3\"; import \"private.proto\"; message M { base.B b = 1; }", others: others)
        #expect(result.diagnostics.map(\.message) == [
            "\"base.B\" seems to be defined in \"base.proto\", which is not imported by \"test.proto\"; to use it here, add the necessary import",
        ])
    }

    @Test func missingImportsAndCycles() {
        #expect(errors("import \"nope.proto\";") == ["import \"nope.proto\" was not found in the include paths or the bundled files"])
        let result = compile("syntax = \"proto3\"; import \"b.proto\";", others: ["b.proto": "syntax = \"proto3\"; import \"test.proto\";"])
        #expect(result.diagnostics.map(\.message) == ["import cycle: test.proto -> b.proto -> test.proto"])
        #expect(errors("import \"google/protobuf/empty.proto\"; import \"google/protobuf/empty.proto\";") == [
            "import \"google/protobuf/empty.proto\" is listed twice",
        ])
    }

    @Test func rpcTypesMustBeMessages() {
        #expect(errors("enum E { Z = 0; } message M {} service S { rpc A(E) returns (M); rpc B(M) returns (string); }") == [
            "\"E\" is not a message type", "\"string\" is not defined",
        ])
        // protoc finds the method itself first: `Foo` inside service S is `S.Foo`.
        #expect(errors("message Foo {} service S { rpc Foo(Foo) returns (Foo); }") == [
            "\"Foo\" is not a message type", "\"Foo\" is not a message type",
        ])
    }
}

@Suite struct DefinitionTests {
    @Test func duplicateNames() {
        #expect(errors("message M {} message M {}") == ["\"M\" is already defined"])
        #expect(errors("package p; message M { int32 a = 1; string a = 2; }") == ["\"a\" is already defined in \"p.M\""])
        #expect(errors("message M { int32 Foo = 1; message Foo {} }") == ["\"Foo\" is already defined in \"M\""])
        #expect(errors("message M {} service S { rpc A(M) returns (M); rpc A(M) returns (M); }") == ["\"A\" is already defined in \"S\""])
        #expect(errors("enum E { A = 0; A = 1; }") == ["\"A\" is already defined"])
    }

    @Test func enumValuesAreSiblingsOfTheirEnum() {
        #expect(errors("package p; enum A { X = 0; } enum B { X = 0; }") == [
            "\"X\" is already defined in \"p\"; note that enum values use C++ scoping rules, meaning that enum values are siblings of their type, not children of it, so \"X\" must be unique within \"p\", not just within \"B\"",
        ])
        #expect(errors("message A { enum E { X = 0; } } message B { enum E { X = 0; } }").isEmpty)
    }

    @Test func duplicatesAcrossFiles() {
        let result = compile("syntax = \"proto3\"; import \"a.proto\"; message M {}", others: ["a.proto": "syntax = \"proto3\"; message M {}"])
        #expect(result.diagnostics.map(\.message) == ["\"M\" is already defined in file \"a.proto\""])
    }

    @Test func fieldNumbers() {
        #expect(errors("message M { int32 a = 0; }") == ["field numbers must be positive integers"])
        #expect(errors("message M { int32 a = 536870912; }") == ["field numbers cannot be greater than 536870911"])
        #expect(errors("message M { int32 a = 19000; int32 b = 19999; int32 c = 18999; int32 d = 20000; }") == [
            "field numbers 19000 through 19999 are reserved for the protocol buffer library implementation",
            "field numbers 19000 through 19999 are reserved for the protocol buffer library implementation",
        ])
        #expect(errors("message M { int32 a = 1; int32 b = 1; }") == ["field number 1 has already been used in \"M\" by field \"a\""])
        #expect(errors("message M { int32 a = 2147483648; }") == ["integer out of range"])
        #expect(errors("message M { int32 a = 536870911; }").isEmpty)
    }

    @Test func reserved() {
        #expect(errors("message M { reserved 3 to 7; int32 a = 5; }") == ["field \"a\" uses reserved number 5"])
        #expect(errors("message M { reserved 10 to max; int32 a = 99; }") == ["field \"a\" uses reserved number 99"])
        #expect(errors("message M { reserved \"a\"; int32 a = 1; }") == ["field name \"a\" is reserved"])
        #expect(errors("message M { reserved 1 to 5, 3; }") == ["reserved range 3 to 3 overlaps with already-defined range 1 to 5"])
        #expect(errors("message M { reserved \"a\"; reserved \"a\"; }") == ["name \"a\" is reserved multiple times"])
        #expect(errors("message M { reserved 0; }") == ["reserved numbers must be positive integers"])
        #expect(errors("message M { reserved 5 to 1; }") == ["reserved range end number must be greater than start number"])
        #expect(errors("enum E { Z = 0; reserved -5 to -1; A = -3; }") == ["enum value \"A\" uses reserved number -3"])
        #expect(errors("enum E { Z = 0; reserved \"A\"; A = 1; }") == ["enum value \"A\" is reserved"])
        let warnings = compile("syntax = \"proto3\"; message M { reserved \"not valid\"; }").diagnostics
        #expect(warnings.map(\.severity) == [.warning])
    }

    @Test func maps() {
        #expect(errors("message M { map<float, string> m = 1; }") == ["key in map fields cannot be float/double, bytes or message types"])
        #expect(errors("message M { map<double, string> m = 1; }") == ["key in map fields cannot be float/double, bytes or message types"])
        #expect(errors("message M { map<bytes, string> m = 1; }") == ["key in map fields cannot be float/double, bytes or message types"])
        #expect(errors("enum E { Z = 0; } message M { map<E, string> m = 1; }") == [
            "key in map fields cannot be enum or message types (\"E\"); use an integral or string type",
        ])
        #expect(errors("message M { repeated map<string, int32> m = 1; }") == ["field labels (required/optional/repeated) are not allowed on map fields"])
        #expect(errors("message M { oneof o { map<string, int32> m = 1; } }") == ["map fields are not allowed in oneofs"])
        #expect(errors("message M { message FooEntry {} map<string, string> foo = 1; }") == [
            "expanded map entry type FooEntry of field \"foo\" conflicts with an existing declaration in \"M\"",
        ])
        #expect(errors("message M { map<string, string> foo = 1; FooEntry e = 2; }") == [
            "\"FooEntry\" is the entry type generated for a map field; use map<KeyType, ValueType> instead",
        ])
    }

    @Test func enums() {
        #expect(errors("enum E { A = 1; B = 0; }") == ["the first enum value must be zero in proto3"])
        #expect(errors("enum E { A = 0; B = 0; }") == [
            "\"B\" uses the same enum value as \"A\"; if this is intended, set 'option allow_alias = true;' to the enum definition",
        ])
        #expect(errors("enum E { option allow_alias = true; A = 0; B = 1; }") == [
            "\"E\" declares 'option allow_alias = true;' but no enum values share a number; remove the option",
        ])
        #expect(errors("enum Foo { FOO_BAR = 0; BAR = 1; }") == [
            "enum value name BAR has the same name as FOO_BAR if you ignore case and strip out the enum name prefix (if any); if you are using allow_alias, assign the same number to both",
        ])
        #expect(errors("enum Foo { option allow_alias = true; FOO_BAR = 0; BAR = 0; }").isEmpty)
        #expect(errors("enum E {}") == ["enums must contain at least one value"])
    }

    @Test func jsonNames() {
        #expect(errors("message M { int32 foo_bar = 1; int32 fooBar = 2; }") == [
            "the default JSON name of field \"fooBar\" (\"fooBar\") conflicts with the default JSON name of field \"foo_bar\"",
        ])
        #expect(errors("message M { int32 a = 1 [json_name = \"x\"]; int32 b = 2 [json_name = \"x\"]; }") == [
            "the custom JSON name of field \"b\" (\"x\") conflicts with the custom JSON name of field \"a\"",
        ])
        #expect(errors("message M { int32 a = 1 [json_name = \"b\"]; int32 b = 2; }") == [
            "the default JSON name of field \"b\" (\"b\") conflicts with the custom JSON name of field \"a\"",
        ])
        // protoc 35 compares exactly: these differ only in case or underscores.
        #expect(errors("message M { int32 foobar = 1; int32 foo_bar = 2; int32 FOO = 3; int32 foo = 4; }").isEmpty)
    }

    @Test func oneofRules() {
        #expect(errors("message M { oneof o { optional int32 a = 1; } }") == ["fields in oneofs must not have labels (required / optional / repeated)"])
        #expect(errors("message M { oneof o {} }") == ["a oneof must contain at least one field"])
    }

    @Test func extensions() {
        let header = "import \"google/protobuf/descriptor.proto\";"
        #expect(errors("message N {} extend N { string foo = 5000; }") == ["\"N\" does not declare 5000 as an extension number"])
        #expect(errors(header + "extend google.protobuf.FieldOptions { string foo = 5; }") == [
            "\"google.protobuf.FieldOptions\" does not declare 5 as an extension number",
        ])
        #expect(errors(header + "extend google.protobuf.FieldOptions { string a = 1000; string b = 1000; }") == [
            "extension number 1000 has already been used in \"google.protobuf.FieldOptions\" by extension \"a\"",
        ])
        #expect(errors(header + "extend google.protobuf.FieldOptions { map<string, string> m = 1000; }") == ["map fields are not allowed to be extensions"])
        #expect(errors(header + "extend google.protobuf.FieldOptions { string a = 1000 [json_name = \"x\"]; }") == [
            "option json_name is not allowed on extension fields",
        ])
    }

    @Test func optionRules() {
        #expect(errors("option java_package = \"a\"; option java_package = \"b\";") == ["option \"java_package\" was already set"])
        #expect(errors("message M { int32 a = 1 [packed = true]; repeated string s = 2 [packed = true]; }") == [
            "[packed = true] can only be specified for repeated primitive fields",
            "[packed = true] can only be specified for repeated primitive fields",
        ])
        let unknown = compile("syntax = \"proto3\"; option (nowhere) = 1;").diagnostics
        #expect(unknown.map(\.severity) == [.warning])
        #expect(unknown.first?.message == "option \"(nowhere)\" is unknown (\"nowhere\" is not defined); it is kept, but protoc would reject it")
    }

    @Test func reportsEveryErrorInOneRun() {
        let messages = errors("""
            message M { Missing a = 1; int32 b = 0; }
            enum E { A = 1; }
            message M2 { int32 x = 1; int32 y = 1; }
            """)
        #expect(messages.count == 4)
    }
}
