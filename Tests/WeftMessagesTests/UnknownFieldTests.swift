import Testing
@testable import WeftMessages

@Suite("Unknown fields")
struct UnknownFieldTests {
    @Test("every wire type is skipped and kept byte for byte", arguments: [
        [0x98, 0x06, 0x96, 0x01] as [UInt8],  // field 99 varint
        [0x99, 0x06, 1, 2, 3, 4, 5, 6, 7, 8],  // field 99 fixed64
        [0x9A, 0x06, 3, 0x61, 0x62, 0x63],  // field 99 length-delimited
        [0x9D, 0x06, 1, 2, 3, 4],  // field 99 fixed32
        [0x9B, 0x06, 0x08, 0x01, 0x9C, 0x06],  // field 99 group with a varint inside
        [0x9B, 0x06, 0xA3, 0x06, 0x08, 0x01, 0xA4, 0x06, 0x9C, 0x06],  // nested groups 99 > 100
        [0x9B, 0x06, 0x9C, 0x06],  // empty group
    ])
    func skipsAndPreserves(_ unknown: [UInt8]) throws {
        var order = Order()
        order.id = "x"
        let bytes = order.serializedBytes() + unknown + Item(sku: "after", quantity: 0).serializedBytes()
        let decoded = try Order(serializedBytes: bytes)
        #expect(decoded.id == "after")  // field 1 again: last one wins
        #expect(decoded.unknownFields.bytes == unknown)
        // Re-encoding emits the unknown bytes again.
        let again = try Order(serializedBytes: decoded.serializedBytes())
        #expect(again.unknownFields == decoded.unknownFields)
    }

    @Test func malformedGroups() throws {
        func kind(_ bytes: [UInt8]) -> WireDecodingError.Kind? {
            do {
                _ = try Order(serializedBytes: bytes)
                return nil
            } catch {
                return (error as? WireDecodingError)?.kind
            }
        }
        #expect(kind([0x9B, 0x06, 0x08, 0x01]) == .truncated)  // unterminated group
        #expect(kind([0x9B, 0x06, 0xA4, 0x06]) == .endGroupMismatch)  // ends group 100 inside 99
        #expect(kind([0x9B, 0x06, 0x0F]) == .invalidTag(0x0F))
        var deep: [UInt8] = []
        for _ in 0..<200 { deep += [0x9B, 0x06] }
        #expect(kind(deep) == .recursionLimitExceeded)
        var ok: [UInt8] = []
        for _ in 0..<99 { ok += [0x9B, 0x06] }
        for _ in 0..<99 { ok += [0x9C, 0x06] }
        #expect(kind(ok) == nil)
    }

    @Test func emptyByDefault() {
        #expect(UnknownFields().isEmpty)
        #expect(!UnknownFields(bytes: [8, 1]).isEmpty)
    }
}
