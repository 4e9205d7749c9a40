import Foundation
import Testing
import WeftInterop
import WeftMessages

@Suite struct JSONCodecTests {
    /// Parses JSON text with Foundation so assertions can look at values, not formatting.
    func object(_ json: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    /// A generated message with a FieldMask and Anys: the mask a string of JSON names, each Any
    /// its message's JSON once the type is registered (and refused before).
    @Test func fieldMasksAndAnysInGeneratedMessages() throws {
        let inner = WellKnown(timeout: Google_Protobuf_Duration(seconds: 1))
        let message = WellKnown(
            mask: Google_Protobuf_FieldMask(paths: ["maybe_count", "at"]),
            extras: [Google_Protobuf_Any(packing: inner), Google_Protobuf_Any(packing: Google_Rpc_ErrorInfo(reason: "R", domain: "d"))])
        #expect(throws: JSONEncodingError.self) { try message.jsonString() }
        AnyTypeRegistry.register(WellKnown.self)
        let json = try message.jsonString()
        #expect(json == #"{"mask":"maybeCount,at","extras":[{"@type":"type.googleapis.com/weft.test.edge.WellKnown","timeout":"1s"},{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"R","domain":"d"}]}"#)
        #expect(try WellKnown(jsonString: json) == message)
    }

    @Test func everyFieldKindRoundTrips() throws {
        let json = try Fixtures.kitchenSink.jsonString()
        #expect(try KitchenSink(jsonString: json) == Fixtures.kitchenSink)
    }

    @Test func followsTheProto3Mapping() throws {
        let message = KitchenSink(
            fInt64: -5, fUint64: 6, fBytes: Data([0xFB, 0xFF]), color: .green, oInt32: 0, fMaxTag: 3)
        let json = try object(try message.jsonString())
        #expect(json["fInt64"] as? String == "-5")  // 64-bit integers are strings
        #expect(json["fUint64"] as? String == "6")
        #expect(json["fBytes"] as? String == "+/8=")  // standard base64
        #expect(json["color"] as? String == "COLOR_GREEN")  // enums by name
        #expect(json["oInt32"] as? Int == 0)  // explicit presence is printed even at the default
        #expect(json["fMaxTag"] as? Int == 3)  // lowerCamelCase names
        #expect(json["fInt32"] == nil)  // defaults are omitted
        #expect(json.count == 6)
    }

    @Test func acceptsProtoNamesAndQuotedNumbers() throws {
        let decoded = try KitchenSink(jsonString: #"{"f_int32": "12", "fInt64": 7, "f_double": "NaN", "color": 2}"#)
        #expect(decoded.fInt32 == 12)
        #expect(decoded.fInt64 == 7)
        #expect(decoded.fDouble.isNaN)
        #expect(decoded.color == .green)
    }

    @Test func nonFiniteFloatsAreStrings() throws {
        let json = try object(try KitchenSink(fFloat: -.infinity, fDouble: .infinity).jsonString())
        #expect(json["fFloat"] as? String == "-Infinity")
        #expect(json["fDouble"] as? String == "Infinity")
    }

    @Test func nullResetsAField() throws {
        let decoded = try KitchenSink(jsonString: #"{"fInt32": null, "inner": null, "oString": null, "rInt32": null}"#)
        #expect(decoded == KitchenSink())
    }

    /// Map keys are told apart by their bytes, as in protobuf: these two are equal as Swift
    /// Strings (canonically equivalent) but not as protobuf strings.
    @Test func stringMapKeysAreToldApartByTheirBytes() throws {
        let decoded = try KitchenSink(jsonString: #"{"mStringInt64":{"\u00e9":"1","e\u0301":"2"}}"#)
        #expect(decoded.mStringInt64.count == 2)
        #expect(decoded.mStringInt64["\u{E9}"] == 1)
        #expect(decoded.mStringInt64["e\u{301}"] == 2)
        #expect(try KitchenSink(jsonString: try decoded.jsonString()) == decoded)
    }

    /// protobuf's JSON parsers refuse an object that sets two members of one oneof (or one
    /// member twice); a null member sets nothing and does not count.
    @Test func twoMembersOfAOneofAreRefused() throws {
        #expect {
            try KitchenSink(jsonString: #"{"cString":"x","cInt64":"1"}"#)
        } throws: { error in
            String(describing: error).contains("cInt64") && String(describing: error).contains("choice")
        }
        for input in [#"{"c_string":"x","cInner":{}}"#, #"{"cInt64":"1","cInt64":"2"}"#, #"{"cInner":{},"cString":""}"#] {
            #expect(throws: JSONDecodingError.self, "\(input)") { try KitchenSink(jsonString: input) }
        }
        #expect(try KitchenSink(jsonString: #"{"cString":null,"cInt64":"1"}"#).choice == .cInt64(1))
        #expect(try KitchenSink(jsonString: #"{"cInt64":"1","cString":null}"#).choice == .cInt64(1))
        // Each JSON object is checked on its own: objects of other messages, and an object merged
        // into a message whose oneof is already set.
        let tree = try TreeNode(jsonString: #"{"weight":"1","left":{"aliasOf":{}},"children":[{"weight":"2"},{"aliasOf":{}}]}"#)
        #expect(tree.payload == .weight(1))
        #expect(tree.children.map(\.payload) == [.weight(2), .aliasOf(TreeNode())])
        var merged = KitchenSink(choice: .cString("x"))
        try Array(#"{"cInt64":"1"}"#.utf8).withUnsafeBytes { bytes in
            var reader = JSONReader(bytes)
            try merged.mergeJSON(from: &reader)
        }
        #expect(merged.choice == .cInt64(1))
    }

    @Test func unknownFieldsAreRejectedWithTheirPathUnlessIgnored() throws {
        let input = #"{"inner": {"id": 1, "colour": 2}}"#
        #expect {
            try KitchenSink(jsonString: input)
        } throws: { error in
            String(describing: error).contains("colour") && String(describing: error).contains("inner")
        }
        let lenient = try KitchenSink(jsonString: input, options: .init(ignoreUnknownFields: true))
        #expect(lenient.inner?.id == 1)
    }

    @Test func preserveProtoNamesAndPrintDefaults() throws {
        let json = try object(try KitchenSink(fInt32: 1).jsonString(
            options: .init(alwaysPrintDefaults: true, preserveProtoNames: true)))
        #expect(json["f_int32"] as? Int == 1)
        #expect(json["f_string"] as? String == "")
        #expect(json["r_int32"] as? [Int] == [])
        #expect(json["inner"] == nil)  // absent messages stay absent
    }

    @Test func codableUsesTheSameMapping() throws {
        let encoded = try JSONEncoder().encode(Fixtures.kitchenSink)
        let viaCodable = try #require(JSONSerialization.jsonObject(with: encoded) as? NSDictionary)
        let direct = try #require(
            JSONSerialization.jsonObject(with: Data(try Fixtures.kitchenSink.jsonString().utf8)) as? NSDictionary)
        #expect(viaCodable == direct)
        #expect(try JSONDecoder().decode(KitchenSink.self, from: encoded) == Fixtures.kitchenSink)
    }

    @Test func codableEnumsAreNames() throws {
        #expect(String(decoding: try JSONEncoder().encode([Color.red]), as: UTF8.self) == #"["COLOR_RED"]"#)
        #expect(try JSONDecoder().decode([Color].self, from: Data(#"["COLOR_BLUE", 9]"#.utf8)) == [.blue, .unrecognized(9)])
    }
}
