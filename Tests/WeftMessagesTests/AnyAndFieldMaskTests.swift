import Foundation
import Testing
@testable import WeftMessages

/// `google.protobuf.Any` and `FieldMask` in proto3 JSON, and the google.rpc error model in both
/// encodings.
@Suite struct AnyAndFieldMaskTests {
    static func any(_ message: some WeftMessage) -> Google_Protobuf_Any {
        Google_Protobuf_Any(packing: message)
    }

    @Test func packingAndUnpacking() throws {
        let info = Google_Rpc_ErrorInfo(reason: "R", domain: "d")
        let any = Google_Protobuf_Any(packing: info)
        #expect(any.typeUrl == "type.googleapis.com/google.rpc.ErrorInfo")
        #expect(any.typeName == "google.rpc.ErrorInfo")
        #expect(try any.unpack(Google_Rpc_ErrorInfo.self) == info)
        #expect(try any.unpack(Google_Rpc_BadRequest.self) == nil)
        let broken = Google_Protobuf_Any(typeUrl: any.typeUrl, value: Data([0x0A, 0x05]))
        #expect(throws: (any Error).self) { try broken.unpack(Google_Rpc_ErrorInfo.self) }
    }

    @Test func anyIsItsMessagesJSONWithAType() throws {
        let info = Google_Rpc_ErrorInfo(reason: "PRODUCT_NOT_FOUND", domain: "catalog.weft.dev", metadata: [ProtoString("product"): "products/x"])
        let status = Google_Rpc_Status(code: 5, message: "no product", details: [Self.any(info)])
        let json = try status.jsonString()
        #expect(json == #"{"code":5,"message":"no product","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"PRODUCT_NOT_FOUND","domain":"catalog.weft.dev","metadata":{"product":"products/x"}}]}"#)
        let back = try Google_Rpc_Status(jsonString: json)
        #expect(back == status)
        #expect(try Google_Rpc_ErrorInfo(serializedBytes: back.details[0].value) == info)
        // Binary round trip keeps the bytes as they are.
        #expect(try Google_Rpc_Status(serializedBytes: status.serializedBytes()) == status)
    }

    @Test func wellKnownTypesInAnAnyGoUnderValue() throws {
        let any = Self.any(Google_Protobuf_Duration(seconds: 1, nanos: 500_000_000))
        let json = try any.jsonString()
        #expect(json == #"{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1.500s"}"#)
        #expect(try Google_Protobuf_Any(jsonString: json) == any)
        let empty = Self.any(Google_Protobuf_Empty())
        #expect(try empty.jsonString() == #"{"@type":"type.googleapis.com/google.protobuf.Empty"}"#)
        #expect(try Google_Protobuf_Any(jsonString: "{}") == Google_Protobuf_Any())
    }

    @Test func unregisteredTypesAreRefusedBothWays() throws {
        let unknown = Google_Protobuf_Any(typeUrl: "type.googleapis.com/acme.v1.Secret", value: Data([8, 1]))
        #expect(throws: JSONEncodingError.self) { try unknown.jsonString() }
        #expect(throws: JSONDecodingError.self) { try Google_Protobuf_Any(jsonString: #"{"@type":"type.googleapis.com/acme.v1.Secret","x":1}"#) }
        #expect(throws: JSONDecodingError.self) { try Google_Protobuf_Any(jsonString: #"{"reason":"R"}"#) }
        // Registered, it is written.
        AnyTypeRegistry.register(Item.self)
        let item = Self.any(Item(sku: "a", quantity: 2))
        #expect(try Google_Protobuf_Any(jsonString: try item.jsonString()) == item)
    }

    @Test(arguments: [([String](), ""), (["title"], "title"), (["price.minor_units", "user_id"], "price.minorUnits,userId")])
    func fieldMasksAreCommaJoinedCamelCase(_ paths: [String], _ text: String) throws {
        let mask = Google_Protobuf_FieldMask(paths: paths)
        #expect(try mask.jsonString() == "\"\(text)\"")
        #expect(try Google_Protobuf_FieldMask(jsonString: "\"\(text)\"") == mask)
    }
}

/// Paths that would not survive the trip between proto and JSON names are refused both ways.
@Suite struct FieldMaskPathTests {
    @Test(arguments: ["foo_1", "a_", "_a", "a__b", "fooBar", "a._b", "é", ""])
    func protoPathsWithoutAJSONFormAreRefused(_ path: String) {
        #expect(throws: FieldMaskJSON.InvalidPath.self) { try FieldMaskJSON.text([path]) }
        #expect(throws: JSONEncodingError.self) { try Google_Protobuf_FieldMask(paths: [path]).jsonString() }
    }

    @Test(arguments: ["a,,b", "a_b", "É", "a-b", ","])
    func jsonPathsWithoutAProtoFormAreRefused(_ text: String) {
        #expect(throws: FieldMaskJSON.InvalidPath.self) { try FieldMaskJSON.paths(text) }
        #expect(throws: JSONDecodingError.self) { try Google_Protobuf_FieldMask(jsonString: "\"\(text)\"") }
    }
}
