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
