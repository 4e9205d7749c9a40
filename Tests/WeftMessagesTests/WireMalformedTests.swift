import Testing
@testable import WeftMessages

@Suite("Malformed binary input")
struct WireMalformedTests {
    func kind(_ bytes: [UInt8], _ body: (inout WireReader) throws -> Void) -> WireDecodingError.Kind? {
        do {
            try readWire(bytes, body)
            return nil
        } catch let error as WireDecodingError {
            return error.kind
        } catch {
            return nil
        }
    }

    func orderError(_ bytes: [UInt8]) -> WireDecodingError? {
        do {
            _ = try Order(serializedBytes: bytes)
            return nil
        } catch {
            return error as? WireDecodingError
        }
    }

    @Test func truncatedVarint() {
        #expect(kind([0x80]) { _ = try $0.readVarint() } == .truncated)
        #expect(kind([]) { _ = try $0.readVarint() } == .truncated)
        #expect(kind([0xFF, 0xFF, 0xFF]) { _ = try $0.readInt64() } == .truncated)
    }

    @Test func overlongVarint() {
        #expect(kind([UInt8](repeating: 0x80, count: 10) + [0]) { _ = try $0.readVarint() } == .malformedVarint)
        #expect(kind([UInt8](repeating: 0xFF, count: 9) + [0x02]) { _ = try $0.readVarint() } == .malformedVarint)
        #expect(kind([UInt8](repeating: 0xFF, count: 20)) { _ = try $0.readVarint() } == .malformedVarint)
    }

    @Test func truncatedFixed() {
        #expect(kind([1, 2, 3]) { _ = try $0.readFixed32() } == .truncated)
        #expect(kind([1, 2, 3, 4, 5, 6, 7]) { _ = try $0.readDouble() } == .truncated)
    }

    @Test func lengthPastTheEnd() {
        #expect(kind([5, 0x61, 0x62]) { _ = try $0.readString() } == .truncated)
        #expect(kind([5, 0x61]) { _ = try $0.readBytes() } == .truncated)
    }

    @Test func twoGiBLengthPrefix() {
        // 2^31 as a varint.
        let huge: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x08]
        #expect(kind(huge) { _ = try $0.readBytes() } == .lengthTooLarge(1 << 31))
        let error = orderError([0x0A] + huge)
        #expect(error?.kind == .lengthTooLarge(1 << 31))
        #expect(error?.fieldPath == "Order.id")
    }

    @Test func invalidTags() {
        #expect(kind([0x00]) { _ = try $0.nextTag() } == .invalidTag(0))
        #expect(kind([0x0E]) { _ = try $0.nextTag() } == .invalidTag(0x0E))  // wire type 6
        #expect(kind([0x0F]) { _ = try $0.nextTag() } == .invalidTag(0x0F))  // wire type 7
        #expect(kind([0x0C]) { _ = try $0.nextTag() } == .endGroupMismatch)  // end group at top level
        #expect(kind([0x80, 0x80, 0x80, 0x80, 0x10]) { _ = try $0.nextTag() } == .invalidTag(1 << 32))
        #expect(orderError([0x00])?.kind == .invalidTag(0))
    }

    @Test func largestFieldNumberIsAccepted() throws {
        let tag = UInt32((1 << 29) - 1) << 3
        let bytes = writeWire { $0.writeTag(tag); $0.writeInt32(1) }
        #expect(try readWire(bytes) { try $0.nextTag() } == tag)
    }

    @Test func aKnownFieldWithAnotherWireTypeIsKeptAsUnknown() throws {
        // Field 2 (item, a message) sent as a varint, then field 1 (id) as it should be.
        let order = try Order(serializedBytes: [0x10, 0x01, 0x0A, 0x01, 0x61])
        #expect(order.item == nil)
        #expect(order.id == "a")
        #expect(order.unknownFields.bytes == [0x10, 0x01])
        #expect(order.serializedBytes() == [0x0A, 0x01, 0x61, 0x10, 0x01])
    }

    @Test func invalidUTF8NamesTheNestedField() throws {
        // Order.item (field 2) containing Item.sku (field 1) = [0xC3, 0x28] (invalid UTF-8).
        let bytes: [UInt8] = [0x12, 0x04, 0x0A, 0x02, 0xC3, 0x28]
        let error = try #require(orderError(bytes))
        #expect(error.kind == .invalidUTF8)
        #expect(error.fieldPath == "Order.item.sku")
        #expect(error.offset == 4)
        #expect(error.description.contains("Order.item.sku"))
        #expect(kind([3, 0xED, 0xA0, 0x80]) { _ = try $0.readString() } == .invalidUTF8)  // surrogate
        #expect(kind([1, 0xFF]) { _ = try $0.readString() } == .invalidUTF8)
        #expect(kind([2, 0xC0, 0x80]) { _ = try $0.readString() } == .invalidUTF8)  // overlong NUL
        #expect(kind([3, 0xE0, 0x80, 0x80]) { _ = try $0.readString() } == .invalidUTF8)  // overlong
        #expect(kind([4, 0xF4, 0x90, 0x80, 0x80]) { _ = try $0.readString() } == .invalidUTF8)  // above U+10FFFF
        #expect(kind([2, 0xE2, 0x9C]) { _ = try $0.readString() } == .invalidUTF8)  // cut sequence
        #expect(try readWire([UInt8("ascii ✓ 🎉".utf8.count)] + Array("ascii ✓ 🎉".utf8)) { try $0.readString() } == "ascii ✓ 🎉")
    }

    @Test func errorsInsideRepeatedAndMapFieldsNameThePath() throws {
        // children[0].item.sku truncated.
        let inner: [UInt8] = [0x12, 0x03, 0x0A, 0x05, 0x61]
        let bytes: [UInt8] = [0x52, UInt8(inner.count)] + inner
        let error = try #require(orderError(bytes))
        #expect(error.kind == .truncated)
        #expect(error.fieldPath == "Order.children.item.sku")
        // items map entry whose value holds a fixed32 (kept as unknown) cut short.
        let entry: [UInt8] = [0x0A, 0x01, 0x61, 0x12, 0x02, 0x15, 0x00]
        let mapError = try #require(orderError([0x22, UInt8(entry.count)] + entry))
        #expect(mapError.fieldPath == "Order.items.value.quantity")
    }

    @Test func nestedLengthBeyondParent() {
        // item claims 10 bytes but the outer input has 2.
        #expect(orderError([0x12, 0x0A, 0x0A, 0x00])?.kind == .truncated)
        // Inner string length runs past the nested message's end (but not the input's).
        #expect(orderError([0x12, 0x02, 0x0A, 0x05, 0x61, 0x61, 0x61, 0x61, 0x61])?.kind == .truncated)
    }

    @Test func recursionLimit() throws {
        func nested(_ depth: Int) -> [UInt8] {
            var order = Order()
            for _ in 0..<depth {
                var parent = Order()
                parent.children = [order]
                order = parent
            }
            return order.serializedBytes()
        }
        #expect(try Order(serializedBytes: nested(100)).children.count == 1)
        let error = try #require(orderError(nested(101)))
        #expect(error.kind == .recursionLimitExceeded)
        #expect(error.path.count == 102)
        #expect(error.path.first == "Order")
        // A hostile, deeply nested input does not overflow the stack.
        var hostile: [UInt8] = []
        for _ in 0..<5000 { hostile = [0x52] + encodeLength(hostile.count) + hostile }
        #expect(orderError(hostile)?.kind == .recursionLimitExceeded)
    }

    func encodeLength(_ n: Int) -> [UInt8] { writeWire { $0.writeVarint(UInt64(n)) } }

    @Test func packedErrors() {
        var ints: [Int32] = []
        #expect(kind([2, 0x80, 0x80]) { try $0.readPackedInt32(into: &ints) } == .truncated)
        var fixed: [UInt32] = []
        #expect(kind([3, 1, 2, 3]) { try $0.readPackedFixed32(into: &fixed) } == .truncated)
        #expect(kind([9, 1]) { try $0.readPackedInt32(into: &ints) } == .truncated)
    }

    @Test func randomInputsNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? Order(serializedBytes: bytes)
        }
        // Mutations of a valid encoding exercise deeper paths.
        let valid = sampleOrder().serializedBytes()
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count)] = UInt8.random(in: 0...255) }
            if Bool.random() { bytes.removeLast(Int.random(in: 0..<bytes.count)) }
            _ = try? Order(serializedBytes: bytes)
        }
    }
}
