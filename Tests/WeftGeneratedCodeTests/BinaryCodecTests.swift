import Foundation
import Testing
import WeftInterop
import WeftMessages

@Suite struct BinaryCodecTests {
    @Test func everyFieldKindRoundTrips() throws {
        let bytes = Fixtures.kitchenSink.serializedBytes()
        #expect(try KitchenSink(serializedBytes: bytes) == Fixtures.kitchenSink)
    }

    @Test func defaultsEncodeToNothingButExplicitPresenceSurvives() throws {
        #expect(KitchenSink().serializedBytes().isEmpty)
        var message = KitchenSink()
        message.oInt32 = 0
        message.choice = .cInt64(0)
        let decoded = try KitchenSink(serializedBytes: message.serializedBytes())
        #expect(decoded.oInt32 == 0)
        #expect(decoded.oString == nil)
        #expect(decoded.choice == .cInt64(0))
    }

    @Test func largestFieldNumberUsesAFiveByteTag() {
        let bytes = KitchenSink(fMaxTag: 1).serializedBytes()
        #expect(bytes == [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x01])
    }

    @Test func negativeInt32IsATenByteVarint() {
        #expect(KitchenSink(fInt32: -1).serializedBytes() == [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    @Test func unpackedFieldIsWrittenOneTagPerElementAndPackedIsAccepted() throws {
        let unpacked = KitchenSink(rUnpackedInt32: [1, 2]).serializedBytes()
        #expect(unpacked == [0xF8, 0x01, 0x01, 0xF8, 0x01, 0x02])
        // The same field sent packed (tag 31, wire type 2).
        let packed: [UInt8] = [0xFA, 0x01, 0x02, 0x01, 0x02]
        #expect(try KitchenSink(serializedBytes: packed).rUnpackedInt32 == [1, 2])
        // A packed field sent unpacked.
        let rInt32Unpacked: [UInt8] = [0xA0, 0x01, 0x05, 0xA0, 0x01, 0x06]
        #expect(try KitchenSink(serializedBytes: rInt32Unpacked).rInt32 == [5, 6])
    }

    @Test func repeatedOccurrencesFollowProtobufMergeRules() throws {
        let first = KitchenSink(fInt32: 1, inner: .init(id: 1, label: "a"), rInt32: [1], choice: .cInner(.init(id: 5)))
        let second = KitchenSink(fInt32: 2, inner: .init(marks: [9]), rInt32: [2], choice: .cInner(.init(label: "z")))
        let merged = try KitchenSink(serializedBytes: first.serializedBytes() + second.serializedBytes())
        #expect(merged.fInt32 == 2)  // last one wins
        #expect(merged.inner == .init(id: 1, label: "a", marks: [9]))  // messages merge
        #expect(merged.rInt32 == [1, 2])  // repeated fields append
        #expect(merged.choice == .cInner(.init(id: 5, label: "z")))  // the selected oneof message merges
    }

    /// protobuf tells string map keys apart by their bytes: a precomposed "é" and "e" with a
    /// combining accent are two keys, though Swift's String calls them equal.
    @Test func stringMapKeysAreToldApartByTheirBytes() throws {
        var writer = WireWriter()
        for (key, value) in [("\u{E9}", Int64(1)), ("e\u{301}", 2)] {
            writer.writeTag(50 << 3 | 2)  // m_string_int64
            let entry = writer.beginLengthDelimited()
            writer.writeTag(1 << 3 | 2)
            writer.writeString(key)
            writer.writeTag(2 << 3)
            writer.writeInt64(value)
            writer.endLengthDelimited(entry)
        }
        let bytes = writer.finish()
        // What Python protobuf writes for the same two entries.
        #expect(bytes == [0x92, 0x03, 0x06, 0x0A, 0x02, 0xC3, 0xA9, 0x10, 0x01,
                          0x92, 0x03, 0x07, 0x0A, 0x03, 0x65, 0xCC, 0x81, 0x10, 0x02])
        let decoded = try KitchenSink(serializedBytes: bytes)
        #expect(decoded.mStringInt64.count == 2)
        #expect(decoded.mStringInt64["\u{E9}"] == 1)
        #expect(decoded.mStringInt64["e\u{301}"] == 2)
        #expect(try KitchenSink(serializedBytes: decoded.serializedBytes()) == decoded)
        #expect(try KitchenSink(serializedBytes: decoded.serializedBytes()).mStringInt64.count == 2)
    }

    @Test func unknownFieldsArePreservedAndReEmitted() throws {
        // Interop's Empty declares no fields, so every KitchenSink field is unknown to it.
        let original = Fixtures.kitchenSink.serializedBytes()
        let empty = try WeftInterop.Empty(serializedBytes: original)
        #expect(empty.unknownFields.bytes == original)
        #expect(try KitchenSink(serializedBytes: empty.serializedBytes()) == Fixtures.kitchenSink)
    }

    @Test func unknownEnumNumbersSurvive() throws {
        let message = KitchenSink(color: .unrecognized(7))
        #expect(try KitchenSink(serializedBytes: message.serializedBytes()).color == .unrecognized(7))
    }

    @Test func largeNestedMessagesGetMultiByteLengths() throws {
        let big = KitchenSink.Inner(label: String(repeating: "x", count: 20_000))
        let message = KitchenSink(inner: big, rInner: [big, big])
        #expect(try KitchenSink(serializedBytes: message.serializedBytes()) == message)
    }
}
