import Foundation
import Testing
@testable import WeftMessages

@Suite("Messages through the runtime")
struct MessageTests {
    @Test func binaryRoundTrip() throws {
        let order = sampleOrder()
        let bytes = order.serializedBytes()
        #expect(try Order(serializedBytes: bytes) == order)
        #expect(try Order(serializedBytes: order.serializedData()) == order)
        #expect(try Order(serializedBytes: Data(bytes)) == order)
        #expect(try Order(serializedBytes: []) == Order())
    }

    @Test func packedFieldIsOneRun() {
        var order = Order()
        order.values = [1, 2, 3]
        #expect(order.serializedBytes() == [0x1A, 3, 1, 2, 3])
    }

    @Test func unpackedRepeatedIsAccepted() throws {
        let decoded = try Order(serializedBytes: [0x18, 1, 0x18, 2, 0x1A, 2, 3, 4])
        #expect(decoded.values == [1, 2, 3, 4])
    }

    @Test func singularMessagesMergeAndScalarsLastWins() throws {
        var a = Order()
        a.item = Item(sku: "first", quantity: 5)
        a.id = "a"
        var b = Order()
        b.item = Item(sku: "second", quantity: 0)
        b.id = "b"
        var merged = try Order(serializedBytes: a.serializedBytes() + b.serializedBytes())
        #expect(merged.id == "b")
        #expect(merged.item == Item(sku: "second", quantity: 5))
        try merged.merge(serializedBytes: a.serializedBytes())
        #expect(merged.item?.sku == "first")
    }

    @Test func largeNestedMessagesBackPatch() throws {
        var order = Order()
        order.item = Item(sku: String(repeating: "s", count: 20000), quantity: 1)
        order.children = (0..<50).map { i in
            var child = Order()
            child.id = String(repeating: "c", count: i * 10)
            return child
        }
        #expect(try Order(serializedBytes: order.serializedBytes()) == order)
    }

    @Test func jsonRoundTrip() throws {
        let order = sampleOrder()
        let text = try order.jsonString()
        #expect(text == """
            {"id":"ord-1 ✓","item":{"sku":"sku-1","quantity":3},"values":[0,1,-1,300,-2147483648,2147483647],\
            "items":{"a":{"sku":"x","quantity":1},"b\\"q":{"sku":"y","quantity":-2}},"labels":{"-5":"minus five","1":"one"},\
            "color":"COLOR_GREEN","total":"-9223372036854775808","blob":"AAEC+v8=","ratio":0.1,\
            "children":[{"id":"child","total":"42"}],"score":1.5}
            """)
        #expect(try Order(jsonString: text) == order)
        #expect(try Order(jsonUTF8Bytes: order.jsonUTF8Bytes()) == order)
    }

    @Test func jsonOptions() throws {
        var order = Order()
        order.color = .red
        #expect(try order.jsonString(options: .init(enumsAsIntegers: true)) == #"{"color":1}"#)
        order.color = .unrecognized(7)
        #expect(try order.jsonString() == #"{"color":7}"#)
        #expect(try Order(jsonString: #"{"color":7}"#).color == .unrecognized(7))
        let defaults = try Item().jsonString(options: .init(alwaysPrintDefaults: true))
        #expect(defaults == #"{"sku":"","quantity":0}"#)
        #expect(try Order().jsonString() == "{}")
    }

    @Test func jsonNullsAndUnknownFields() throws {
        let decoded = try Order(jsonString: #" { "id" : null, "item": null, "values": null, "extra": {"a":[1,2,{"b":null}]} } "#,
                                options: .init(ignoreUnknownFields: true))
        #expect(decoded == Order())
        #expect(throws: JSONDecodingError.self) { try Order(jsonString: #"{"extra":1}"#) }
        #expect(try Order(jsonString: #"{"color":"COLOR_PURPLE"}"#, options: .init(ignoreUnknownFields: true)).color == .unspecified)
        #expect(throws: JSONDecodingError.self) { try Order(jsonString: #"{"color":"COLOR_PURPLE"}"#) }
    }

    @Test func jsonErrorPaths() throws {
        func error(_ text: String) -> JSONDecodingError? {
            do {
                _ = try Order(jsonString: text)
                return nil
            } catch {
                return error as? JSONDecodingError
            }
        }
        let bad = #"{"children":[{},{},{},{"item":{"sku":5}}]}"#
        let e = try #require(error(bad))
        #expect(e.path == "children[3].item.sku")
        #expect(e.offset == bad.utf8.count - 5)
        #expect(e.description.contains("children[3].item.sku"))
        #expect(error(#"{"items":{"k":{"quantity":1.5}}}"#)?.path == #"items["k"].quantity"#)
        #expect(error(#"{"values":[1,2,"x"]}"#)?.path == "values[2]")
        #expect(error(#"{"labels":{"abc":"x"}}"#)?.path == #"labels["abc"]"#)
        #expect(error(#"{"unknownKey":1}"#)?.path == "unknownKey")
        #expect(error(#"{"id":"x"} x"#)?.message.contains("end of input") == true)
        #expect(error("null") != nil)
        #expect(error(#"{"id":"x""#) != nil)
    }

    @Test func jsonRecursionLimit() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: #"{"children":["#, count: depth) + "{}" + String(repeating: "]}", count: depth)
        }
        #expect(try Order(jsonString: nested(100)).children.count == 1)
        #expect(throws: JSONDecodingError.self) { try Order(jsonString: nested(101)) }
        #expect(throws: JSONDecodingError.self) { try Order(jsonString: nested(5000)) }
        let deepUnknown = #"{"x":"# + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}"
        #expect(throws: JSONDecodingError.self) {
            try Order(jsonString: deepUnknown, options: .init(ignoreUnknownFields: true))
        }
    }

    @Test func codableThroughFoundation() throws {
        let order = sampleOrder()
        let data = try JSONEncoder().encode(order)
        let decoded = try JSONDecoder().decode(Order.self, from: data)
        #expect(decoded == order)
        // The Foundation form has the same proto3 JSON structure.
        let tree = try JSONDecoder().decode(JSONValue.self, from: data)
        guard case .object(let members) = tree else {
            Issue.record("expected an object")
            return
        }
        #expect(members.contains { $0.0 == "total" && $0.1 == .string("-9223372036854775808") })
        #expect(members.contains { $0.0 == "color" && $0.1 == .string("COLOR_GREEN") })
        // Codable errors surface as DecodingError.
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Order.self, from: Data(#"{"values":[1.5]}"#.utf8))
        }
    }

    @Test func enumCodable() throws {
        #expect(String(decoding: try JSONEncoder().encode([Color.red, .unrecognized(9)]), as: UTF8.self) == #"["COLOR_RED",9]"#)
        #expect(try JSONDecoder().decode([Color].self, from: Data(#"["COLOR_GREEN",1,42]"#.utf8)) == [.green, .red, .unrecognized(42)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Color].self, from: Data(#"["NOPE"]"#.utf8)) }
    }

    @Test func descriptors() {
        #expect(Order.descriptor.name == "Order")
        #expect(Order.descriptor.field(number: 4)?.name == "items")
        #expect(Order.descriptor.fieldName(number: 99) == "99")
        let e = EnumDescriptor(fullName: "test.v1.Color", values: [("COLOR_UNSPECIFIED", 0), ("COLOR_RED", 1)])
        #expect(e.values[1].name == "COLOR_RED")
    }
}
