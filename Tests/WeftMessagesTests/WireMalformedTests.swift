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

    /// Random inputs, and mutations of a valid encoding (which reach deeper paths): none
    /// crashes, what the decoder accepts survives a round trip, and what it refuses it refuses with
    /// a `WireDecodingError` pointing into the input. Replayable: the generator is seeded
    /// (`testSeed`), and every failure names the seed, the input's number and its bytes.
    @Test func randomInputsNeverCrash() {
        var generator = SeededGenerator(seed: testSeed)
        var outcomes = (accepted: 0, refused: 0)
        func check(_ bytes: [UInt8], _ label: String) {
            if checkDecoding(bytes, "\(label) of seed \(testSeed)") { outcomes.accepted += 1 } else { outcomes.refused += 1 }
        }
        for index in 0..<3000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            check(bytes, "random input \(index)")
        }
        let valid = sampleOrder().serializedBytes()
        for index in 0..<3000 {
            var bytes = valid
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &generator)) }
            check(bytes, "mutated input \(index)")
        }
        // Both kinds of outcome were exercised.
        #expect(outcomes.accepted > 0 && outcomes.refused > 0, "\(outcomes) with seed \(testSeed)")
    }

    /// Decodes `bytes` as an Order and checks the outcome; whether the input was accepted.
    /// Accepted: the message re-encodes to bytes that decode to the same message and encode to
    /// the same bytes again. Refused: with a `WireDecodingError` from the top-level message, at
    /// an offset inside the input; any other error is a failure.
    func checkDecoding(_ bytes: [UInt8], _ label: String) -> Bool {
        let decoded: Order
        do {
            decoded = try Order(serializedBytes: bytes)
        } catch let error as WireDecodingError {
            #expect(error.path.first == "Order", "\(label): \(hex(bytes)) refused without the message's name: \(error)")
            #expect((0...bytes.count).contains(error.offset), "\(label): \(hex(bytes)) refused at offset \(error.offset): \(error)")
            return false
        } catch {
            Issue.record("\(label): \(hex(bytes)) refused with \(type(of: error)), not a WireDecodingError: \(error)")
            return false
        }
        let encoded = decoded.serializedBytes()
        do {
            let again = try Order(serializedBytes: encoded)
            #expect(sameOrder(again, decoded), "\(label): \(hex(bytes)) decoded to \(decoded), its encoding \(hex(encoded)) to \(again)")
            #expect(again.serializedBytes() == encoded, "\(label): \(hex(bytes)) encodes differently after a round trip")
        } catch {
            Issue.record("\(label): \(hex(bytes)) was accepted, but its encoding \(hex(encoded)) was refused: \(error)")
        }
        return true
    }

    /// Order equality with floating-point fields compared as the wire carries them: a NaN read
    /// from random bytes equals itself (same bits), and -0.0 equals 0.0.
    func sameOrder(_ a: Order, _ b: Order) -> Bool {
        func same<F: BinaryFloatingPoint>(_ x: F, _ y: F) -> Bool {
            x == y
                || (x.sign == y.sign && x.exponentBitPattern == y.exponentBitPattern && x.significandBitPattern == y.significandBitPattern)
        }
        guard a.id == b.id, a.item == b.item, a.values == b.values, a.items == b.items, a.labels == b.labels else { return false }
        guard a.color == b.color, a.total == b.total, a.blob == b.blob, a.unknownFields == b.unknownFields else { return false }
        guard same(a.ratio, b.ratio), same(a.score, b.score), a.children.count == b.children.count else { return false }
        return zip(a.children, b.children).allSatisfy { sameOrder($0, $1) }
    }
}
