import Foundation
import Testing
@testable import WeftMessages

@Suite("JSONValue")
struct JSONValueTests {
    let sample = JSONValue.object([
        ("null", .null), ("t", .bool(true)), ("int", .number("-42")), ("big", .number("18446744073709551615")),
        ("frac", .number("1.5")), ("s", .string("héllo \"x\"")), ("arr", .array([.number("1"), .array([]), .object([])])),
    ])

    @Test func foundationRoundTrip() throws {
        let data = try JSONEncoder().encode(sample)
        let back = try JSONDecoder().decode(JSONValue.self, from: data)
        guard case .object(let members) = back else {
            Issue.record("expected an object")
            return
        }
        // Foundation does not keep key order; compare by key.
        let byKey = Dictionary(uniqueKeysWithValues: members.map { ($0.0, $0.1) })
        #expect(byKey["null"] == .null)
        #expect(byKey["t"] == .bool(true))
        #expect(byKey["int"] == .number("-42"))
        #expect(byKey["big"] == .number("18446744073709551615"))
        #expect(byKey["frac"] == .number("1.5"))
        #expect(byKey["s"] == .string("héllo \"x\""))
        #expect(byKey["arr"] == .array([.number("1"), .array([]), .object([])]))
    }

    @Test func parseAndWrite() throws {
        let text = #"{"null":null,"t":true,"int":-42,"big":18446744073709551615,"frac":1.5,"s":"héllo \"x\"","arr":[1,[],{}]}"#
        let parsed = try Array(text.utf8).withUnsafeBytes { try JSONValue(parsing: $0, options: .init()) }
        #expect(parsed == sample)
        var writer = JSONWriter()
        parsed.write(to: &writer)
        #expect(try writer.finishString() == text)
        #expect(throws: JSONDecodingError.self) {
            try Array("[1] 2".utf8).withUnsafeBytes { try JSONValue(parsing: $0, options: .init()) }
        }
    }

    @Test func equalityIsOrderSensitiveForObjects() {
        #expect(JSONValue.object([("a", .null), ("b", .null)]) != .object([("b", .null), ("a", .null)]))
        #expect(JSONValue.number("1") != .string("1"))
    }
}
