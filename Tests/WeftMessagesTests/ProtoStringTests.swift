import Foundation
import Testing
import WeftMessages

/// `ProtoString`, the key of string-keyed maps: compared, hashed and ordered by UTF-8 bytes as
/// protobuf does, and as easy to write as a `String`.
@Suite struct ProtoStringTests {
    /// A precomposed "é" (C3 A9) and "e" with a combining acute accent (65 CC 81).
    static let precomposed = "\u{E9}"
    static let combining = "e\u{301}"

    @Test func canonicallyEquivalentStringsAreDifferentProtoStrings() {
        #expect(Self.precomposed == Self.combining)  // what String says
        #expect(ProtoString(Self.precomposed) != ProtoString(Self.combining))
        #expect(Set([ProtoString(Self.precomposed), ProtoString(Self.combining)]).count == 2)
        #expect(ProtoString("k") == ProtoString(String("xk".dropFirst())))
        #expect(ProtoString("k").hashValue == ProtoString(String("xk".dropFirst())).hashValue)
    }

    @Test func hashesOneAfterAnotherDoNotRunTogether() {
        func hash(_ first: ProtoString, _ second: ProtoString) -> Int {
            var hasher = Hasher()
            hasher.combine(first)
            hasher.combine(second)
            return hasher.finalize()
        }
        #expect(hash("ab", "c") != hash("a", "bc"))
    }

    @Test func ordersByUTF8BytesAsProtobufDoes() {
        #expect(ProtoString("Z") < ProtoString("a"))
        #expect(ProtoString(Self.combining) < ProtoString(Self.precomposed))  // 0x65 < 0xC3
        #expect(ProtoString("\u{FFFF}") < ProtoString("\u{10000}"))  // EF BF BF < F0 90 80 80
        #expect((["b", "ab", "", "a"] as [ProtoString]).sorted() == ["", "a", "ab", "b"])
    }

    @Test func literalsAndInterpolationMakeProtoStrings() {
        let literal: ProtoString = "k"
        let number = 3
        let interpolated: ProtoString = "k\(number)"
        #expect(literal.string == "k")
        #expect(interpolated == ProtoString("k3"))
        // Distinct keys here; as a [String: Int] literal this one would trap on a duplicate key.
        let map: [ProtoString: Int] = ["a": 1, "\u{E9}": 2, "e\u{301}": 3]
        #expect(map.count == 3)
    }

    @Test func describesItselfAsItsText() {
        let value = ProtoString("say \"hi\"")
        #expect("\(value)" == "say \"hi\"")
        #expect(value.description == "say \"hi\"")
        #expect(value.debugDescription == #""say \"hi\"""#)
        func viaDescription<T: LosslessStringConvertible>(_ value: T) -> T? { T(value.description) }
        #expect(viaDescription(value) == value)
    }

    @Test func codesAsASingleStringAndKeysObjects() throws {
        #expect(String(decoding: try JSONEncoder().encode(ProtoString("k")), as: UTF8.self) == #""k""#)
        #expect(try JSONDecoder().decode(ProtoString.self, from: Data(#""k""#.utf8)) == "k")
        let map: [ProtoString: Int] = ["k": 1]
        #expect(String(decoding: try JSONEncoder().encode(map), as: UTF8.self) == #"{"k":1}"#)
        #expect(try JSONDecoder().decode([ProtoString: Int].self, from: Data(#"{"k":1}"#.utf8)) == map)
    }

    @Test func dictionariesTakeStringKeys() {
        var map: [ProtoString: Int] = [:]
        map["a"] = 1  // a literal subscript compiles: not ambiguous between the String and ProtoString overloads
        let name = "b"
        map[name] = 2
        map[name, default: 0] += 5
        map["c", default: 10] += 1
        #expect(map["a"] == 1)
        #expect(map[name] == 7)
        #expect(map["c"] == 11)
        map["a"] = nil
        #expect(map == ["b": 7, "c": 11])
        map[Self.precomposed] = 1
        map[Self.combining] = 2
        #expect(map[Self.precomposed] == 1)
        #expect(map.count == 4)
    }
}
