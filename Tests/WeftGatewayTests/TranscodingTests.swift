import Foundation
import Testing
import WeftGateway
import WeftInterop
import WeftMessages
import WeftSchema

/// The gateway's schema-driven transcoder against the generated code: same JSON for the same
/// message, both ways.
@Suite struct TranscodingTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func files(_ includePath: String, _ file: String) throws -> [ProtoFile] {
        let result = SchemaCompiler(includePaths: [repository.appendingPathComponent(includePath).path]).compile([file])
        #expect(!result.hasErrors, "\(result.diagnostics)")
        return result.files
    }

    static func schema(_ includePath: String, _ file: String) throws -> DynamicSchema {
        DynamicSchema(files: try files(includePath, file))
    }

    let interop = try! TranscodingTests.schema("Sources/WeftInterop", "interop.proto")

    static let sample = KitchenSink(
        fInt32: -42, fInt64: .min, fUint32: .max, fUint64: .max, fSint32: -1, fSint64: .max, fFixed32: 1,
        fFixed64: 2, fSfixed32: -3, fSfixed64: -4, fFloat: 1.5, fDouble: -0.25, fBool: true,
        fString: "héllo \"wörld\" 🌍\n", fBytes: Data([0, 1, 255]), color: .blue,
        inner: .init(id: 7, label: "in", marks: [-3, 0, 3]), rInt32: [1, -1, 300], rInt64: [.min, 0],
        rUint64: [.max], rSint32: [-5, 5], rSint64: [-6], rFixed32: [7, 8], rSfixed64: [-9], rFloat: [0.5, -0.5],
        rDouble: [1e300, -1e-300], rBool: [true, false], rColor: [.red, .infrared, .unrecognized(42)],
        rUnpackedInt32: [10, -20], rString: ["", "a"], rBytes: [Data(), Data([9])],
        rInner: [.init(id: 1), .init()], mStringInt64: ["": 0, "k": -7], mInt32String: [-1: "minus one", 2: ""],
        mStringInner: ["x": .init(label: "v")], oInt32: 0, oString: "", choice: .cInt64(0), fMaxTag: 99)

    func jsonObject(_ bytes: [UInt8]) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    @Test func binaryToJSONMatchesTheGeneratedWriter() throws {
        let dynamic = try interop.json(fromBinary: Self.sample.serializedBytes(), messageType: "weft.interop.v1.KitchenSink")
        #expect(try jsonObject(dynamic) == jsonObject(Self.sample.jsonUTF8Bytes()))
        for options in [JSONEncodingOptions(alwaysPrintDefaults: true), JSONEncodingOptions(preserveProtoNames: true)] {
            let viaSchema = try interop.json(
                fromBinary: KitchenSink(fInt32: 3).serializedBytes(), messageType: "weft.interop.v1.KitchenSink", options: options)
            #expect(try jsonObject(viaSchema) == jsonObject(KitchenSink(fInt32: 3).jsonUTF8Bytes(options: options)))
        }
    }

    @Test func jsonToBinaryDecodesToTheSameMessage() throws {
        let binary = try interop.binary(fromJSON: Self.sample.jsonUTF8Bytes(), messageType: "weft.interop.v1.KitchenSink")
        #expect(try KitchenSink(serializedBytes: binary) == Self.sample)
        // Proto names, quoted numbers and enum numbers are accepted as the generated reader does.
        let lenient = Array(#"{"f_int32": "12", "color": 2, "r_color": ["COLOR_RED", 3], "o_string": null}"#.utf8)
        let decoded = try KitchenSink(serializedBytes: interop.binary(fromJSON: lenient, messageType: "weft.interop.v1.KitchenSink"))
        #expect(decoded == KitchenSink(fInt32: 12, color: .green, rColor: [.red, .blue]))
    }

    @Test func defaultsAreOmittedAndPresenceKept() throws {
        let binary = try interop.binary(
            fromJSON: Array(#"{"fInt32": 0, "fString": "", "oInt32": 0, "cString": ""}"#.utf8),
            messageType: "weft.interop.v1.KitchenSink")
        #expect(try KitchenSink(serializedBytes: binary) == KitchenSink(oInt32: 0, choice: .cString("")))
        #expect(binary == KitchenSink(oInt32: 0, choice: .cString("")).serializedBytes())
    }

    @Test func unknownFieldsAndBadValuesAreErrorsWithTheirPath() throws {
        #expect {
            try interop.binary(fromJSON: Array(#"{"inner": {"idd": 1}}"#.utf8), messageType: "weft.interop.v1.KitchenSink")
        } throws: { "\($0)".contains("idd") && "\($0)".contains("inner") }
        #expect {
            try interop.binary(fromJSON: Array(#"{"rInner": [{}, {"id": "x"}]}"#.utf8), messageType: "weft.interop.v1.KitchenSink")
        } throws: { "\($0)".contains("rInner[1]") }
        #expect(throws: (any Error).self) {
            try interop.binary(fromJSON: Array(#"{"color": "COLOR_PURPLE"}"#.utf8), messageType: "weft.interop.v1.KitchenSink")
        }
        #expect(throws: TranscodingError.self) {
            try interop.binary(fromJSON: Array("{}".utf8), messageType: "weft.interop.v1.Nope")
        }
    }

    /// A known field number with another wire type is an unknown field to protobuf, and JSON has
    /// no unknown fields: the occurrence is left out, as the generated decoder's JSON does.
    @Test func anOccurrenceWithAnotherWireTypeIsLeftOut() throws {
        let cases: [(binary: [UInt8], json: String)] = [
            ([0x0D, 1, 2, 3, 4, 0x72, 1, 0x78], #"{"fString":"x"}"#),  // f_int32 as fixed32, f_string "x"
            ([0x88, 0x01, 7], "{}"),  // inner (a message) as a varint
            ([0x90, 0x03, 7], "{}"),  // m_string_int64 (a map) as a varint
            ([0xB8, 0x04, 3, 0xB0, 0x04, 9], #"{"cInt64":"3"}"#),  // c_int64, then c_string as a varint
            ([0xA0, 0x01, 5, 0xA2, 0x01, 2, 1, 2, 0xA5, 0x01, 1, 0, 0, 0], #"{"rInt32":[5,1,2]}"#),  // r_int32 as fixed32 last
        ]
        for (binary, json) in cases {
            let dynamic = try interop.json(fromBinary: binary, messageType: "weft.interop.v1.KitchenSink")
            #expect(String(decoding: dynamic, as: UTF8.self) == json)
            #expect(dynamic == (try KitchenSink(serializedBytes: binary).jsonUTF8Bytes()))
        }
    }

    /// Text fields: ASCII goes out as it came, escapes made; other text is validated as UTF-8
    /// first, and invalid UTF-8 is an error, not text.
    @Test func stringFieldsAreEscapedAndValidated() throws {
        func json(_ text: [UInt8]) throws -> String {
            let binary: [UInt8] = [0x72, UInt8(text.count)] + text  // f_string
            return String(decoding: try interop.json(fromBinary: binary, messageType: "weft.interop.v1.KitchenSink"), as: UTF8.self)
        }
        #expect(try json(Array("say \"hi\"\\\n\t\u{1}".utf8)) == #"{"fString":"say \"hi\"\\\n\t\u0001"}"#)
        #expect(try json(Array("d\u{E9}j\u{E0} \u{1F30D}".utf8)) == "{\"fString\":\"d\u{E9}j\u{E0} \u{1F30D}\"}")
        #expect(throws: (any Error).self) { try json([0x61, 0xC3]) }
    }

    /// A map key that occurs again replaces its value, as in protobuf, and keys are told apart by
    /// their bytes: a precomposed "é" and "e" with a combining accent are two keys.
    @Test func mapKeysAreWrittenOnceAndToldApartByTheirBytes() throws {
        func entry(_ key: String, _ value: UInt8) -> [UInt8] {
            let entry = [0x0A, UInt8(key.utf8.count)] + Array(key.utf8) + [0x10, value]
            return [0x92, 0x03, UInt8(entry.count)] + entry  // m_string_int64
        }
        let cases: [(binary: [UInt8], json: String)] = [
            (entry("k", 1) + entry("k", 2), #"{"mStringInt64":{"k":"2"}}"#),
            (entry("k", 1) + entry("j", 2) + entry("k", 3), #"{"mStringInt64":{"k":"3","j":"2"}}"#),
            (entry("\u{E9}", 1) + entry("e\u{301}", 2), #"{"mStringInt64":{"\#u{E9}":"1","e\#u{301}":"2"}}"#),
        ]
        for (binary, json) in cases {
            let dynamic = try interop.json(fromBinary: binary, messageType: "weft.interop.v1.KitchenSink")
            #expect(Array(String(decoding: dynamic, as: UTF8.self).unicodeScalars) == Array(json.unicodeScalars))
        }
        // A Struct is a map too.
        let edge = try Self.schema("Tests/WeftGeneratedCodeTests", "edge_cases.proto")
        let one: [UInt8] = [0x0A, 0x07, 0x0A, 0x01, 0x6B, 0x12, 0x02, 0x08, 0x00]  // "k": null
        let two: [UInt8] = [0x0A, 0x07, 0x0A, 0x01, 0x6B, 0x12, 0x02, 0x20, 0x01]  // "k": true
        let attributes = one + two
        let binary = [0x3A, UInt8(attributes.count)] + attributes
        let structJSON = try edge.json(fromBinary: binary, messageType: "weft.test.edge.WellKnown")
        #expect(String(decoding: structJSON, as: UTF8.self) == #"{"attributes":{"k":true}}"#)
    }

    /// Two members of one oneof in one JSON object are refused, as the generated reader does; a
    /// null member does not count, except a google.protobuf.Value member's.
    @Test func twoMembersOfAOneofAreRefused() throws {
        func binary(_ json: String, _ schema: DynamicSchema, _ type: String) throws -> [UInt8] {
            try schema.binary(fromJSON: Array(json.utf8), messageType: type)
        }
        let sink = "weft.interop.v1.KitchenSink"
        #expect {
            try binary(#"{"cString":"x","cInt64":"1"}"#, interop, sink)
        } throws: { "\($0)".contains("cInt64") && "\($0)".contains("choice") }
        #expect(throws: JSONDecodingError.self) { try binary(#"{"cInt64":"1","cInt64":"2"}"#, interop, sink) }
        #expect(throws: JSONDecodingError.self) { try binary(#"{"inner":{},"cInner":{"id":1},"c_string":""}"#, interop, sink) }
        for json in [#"{"cString":null,"cInt64":"1"}"#, #"{"cInt64":"1","cString":null}"#] {
            #expect(try KitchenSink(serializedBytes: binary(json, interop, sink)) == KitchenSink(choice: .cInt64(1)))
        }
        let edge = try Self.schema("Tests/WeftGeneratedCodeTests", "edge_cases.proto")
        let valueInOneof = "weft.test.edge.ValueInOneof"
        #expect(throws: JSONDecodingError.self) { try binary(#"{"number":1,"any":null}"#, edge, valueInOneof) }
        #expect(throws: JSONDecodingError.self) { try binary(#"{"any":null,"number":1}"#, edge, valueInOneof) }
        #expect(try binary(#"{"any":null}"#, edge, valueInOneof) == [0x0A, 0x02, 0x08, 0x00])
    }

    /// (Timestamps come back with a fraction of at least milliseconds: `JSONEncodingOptions.restAnswers`.)
    @Test func wellKnownTypesRoundTripInTheirJSONForms() throws {
        let edge = try Self.schema("Tests/WeftGeneratedCodeTests", "edge_cases.proto")
        let json = #"{"at":"1970-01-01T00:00:01.500Z","timeout":"-1.500s","maybeCount":0,"maybeName":"n","nothing":{},"history":["2024-02-29T23:00:00.000Z"],"attributes":{"size":42,"tags":["a",null,true],"nested":{"x":null}},"anything":null,"list":[1.5,"s"]}"#
        let binary = try edge.binary(fromJSON: Array(json.utf8), messageType: "weft.test.edge.WellKnown")
        let back = try edge.json(fromBinary: binary, messageType: "weft.test.edge.WellKnown")
        #expect(try jsonObject(back) == jsonObject(Array(json.utf8)))
    }

    /// FieldMask is its paths in one string; an Any is its message's JSON with "@type", typed by
    /// the loaded schemas (a Timestamp under "value") or by the runtime (google.rpc details).
    @Test func fieldMasksAndAnysTranscodeBothWays() throws {
        let edge = try Self.schema("Tests/WeftGeneratedCodeTests", "edge_cases.proto")
        let json = #"{"mask":"title,price.minorUnits","extras":[{"@type":"type.googleapis.com/weft.test.edge.WellKnown","timeout":"1s"},{"@type":"type.googleapis.com/google.protobuf.Timestamp","value":"2024-02-29T23:00:00.000Z"},{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"R","domain":"d"}]}"#
        let binary = try edge.binary(fromJSON: Array(json.utf8), messageType: "weft.test.edge.WellKnown")
        #expect(try jsonObject(try edge.json(fromBinary: binary, messageType: "weft.test.edge.WellKnown")) == jsonObject(Array(json.utf8)))
        // The binary is protobuf's: the mask's paths are proto names, each Any's value its message.
        let text = String(decoding: binary, as: UTF8.self)
        #expect(text.contains("price.minor_units") && !text.contains("minorUnits"))
        #expect(text.contains("type.googleapis.com/google.rpc.ErrorInfo"))
        #expect(throws: (any Error).self) {
            try edge.binary(fromJSON: Array(#"{"extras":[{"@type":"type.googleapis.com/acme.Unknown","x":1}]}"#.utf8), messageType: "weft.test.edge.WellKnown")
        }
        #expect(throws: (any Error).self) {
            try edge.binary(fromJSON: Array(#"{"extras":[{"reason":"no type"}]}"#.utf8), messageType: "weft.test.edge.WellKnown")
        }
    }

    @Test func wellKnownTypesLeaveOutOccurrencesWithAnotherWireType() throws {
        let edge = try Self.schema("Tests/WeftGeneratedCodeTests", "edge_cases.proto")
        let at: [UInt8] = [0x09, 1, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x80, 0xCA, 0xB5, 0xEE, 0x01]  // seconds as fixed64, nanos
        let maybeCount: [UInt8] = [0x0D, 7, 0, 0, 0]  // the wrapped int32 as fixed32
        let anything: [UInt8] = [0x11, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x18, 0x01]  // number_value 1.5, string_value as a varint
        let binary = [0x0A, UInt8(at.count)] + at + [0x1A, UInt8(maybeCount.count)] + maybeCount
            + [0x42, UInt8(anything.count)] + anything
        let json = try edge.json(fromBinary: binary, messageType: "weft.test.edge.WellKnown")
        #expect(String(decoding: json, as: UTF8.self) == #"{"at":"1970-01-01T00:00:00.500Z","maybeCount":0,"anything":1.5}"#)
    }
}
