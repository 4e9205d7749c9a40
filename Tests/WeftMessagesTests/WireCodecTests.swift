import Testing
@testable import WeftMessages
import Foundation

@Suite("Wire writer and reader")
struct WireCodecTests {
    @Test("varints round trip at edge values", arguments: [
        UInt64(0), 1, 127, 128, 16383, 16384, UInt64(UInt32.max), UInt64(Int64.max), UInt64.max,
    ])
    func varintRoundTrip(_ value: UInt64) throws {
        let bytes = writeWire { $0.writeVarint(value) }
        #expect(bytes.count == WireWriter.varintSize(value))
        #expect(try readWire(bytes) { try $0.readVarint() } == value)
    }

    @Test func varintSizes() {
        #expect(WireWriter.varintSize(0) == 1)
        #expect(WireWriter.varintSize(127) == 1)
        #expect(WireWriter.varintSize(128) == 2)
        #expect(WireWriter.varintSize(16384) == 3)
        #expect(WireWriter.varintSize(UInt64.max) == 10)
    }

    @Test("int32 values round trip; negatives take 10 bytes", arguments: [Int32(0), 1, -1, Int32.min, Int32.max])
    func int32RoundTrip(_ value: Int32) throws {
        let bytes = writeWire { $0.writeInt32(value) }
        if value < 0 { #expect(bytes.count == 10) }
        #expect(try readWire(bytes) { try $0.readInt32() } == value)
        #expect(try readWire(bytes) { try $0.readEnum() } == value)
    }

    @Test func minusOneIsTenBytes() {
        #expect(writeWire { $0.writeInt64(-1) } == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(writeWire { $0.writeInt32(-1) } == writeWire { $0.writeInt64(-1) })
    }

    @Test func int32AcceptsFiveByteSignExtension() throws {
        // Some encoders write negative int32 as 5 bytes; truncation must still give -1.
        #expect(try readWire([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) { try $0.readInt32() } == -1)
    }

    @Test("int64 / uint values round trip", arguments: [Int64(0), -1, Int64.min, Int64.max, 1 << 40])
    func int64RoundTrip(_ value: Int64) throws {
        #expect(try readWire(writeWire { $0.writeInt64(value) }) { try $0.readInt64() } == value)
        #expect(try readWire(writeWire { $0.writeSInt64(value) }) { try $0.readSInt64() } == value)
        #expect(try readWire(writeWire { $0.writeSFixed64(value) }) { try $0.readSFixed64() } == value)
        let u = UInt64(bitPattern: value)
        #expect(try readWire(writeWire { $0.writeUInt64(u) }) { try $0.readUInt64() } == u)
        #expect(try readWire(writeWire { $0.writeFixed64(u) }) { try $0.readFixed64() } == u)
    }

    @Test func zigzagEncoding() {
        #expect(writeWire { $0.writeSInt32(0) } == [0])
        #expect(writeWire { $0.writeSInt32(-1) } == [1])
        #expect(writeWire { $0.writeSInt32(1) } == [2])
        #expect(writeWire { $0.writeSInt32(-2) } == [3])
        #expect(writeWire { $0.writeSInt32(Int32.min) } == [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(writeWire { $0.writeSInt64(Int64.min) } == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test("32-bit scalars round trip", arguments: [Int32(0), -1, Int32.min, Int32.max, 12345])
    func scalars32(_ value: Int32) throws {
        #expect(try readWire(writeWire { $0.writeSInt32(value) }) { try $0.readSInt32() } == value)
        #expect(try readWire(writeWire { $0.writeSFixed32(value) }) { try $0.readSFixed32() } == value)
        let u = UInt32(bitPattern: value)
        #expect(try readWire(writeWire { $0.writeUInt32(u) }) { try $0.readUInt32() } == u)
        #expect(try readWire(writeWire { $0.writeFixed32(u) }) { try $0.readFixed32() } == u)
    }

    @Test func fixedIsLittleEndian() {
        #expect(writeWire { $0.writeFixed32(0x0102_0304) } == [4, 3, 2, 1])
        #expect(writeWire { $0.writeDouble(1.0) } == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    }

    @Test func floatsAndBools() throws {
        for v: Double in [0, -0.0, 1.5, .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude] {
            let back = try readWire(writeWire { $0.writeDouble(v) }) { try $0.readDouble() }
            #expect(back.bitPattern == v.bitPattern)
        }
        let nan = try readWire(writeWire { $0.writeFloat(.nan) }) { try $0.readFloat() }
        #expect(nan.isNaN)
        #expect(try readWire(writeWire { $0.writeFloat(3.25) }) { try $0.readFloat() } == 3.25)
        #expect(try readWire(writeWire { $0.writeBool(true) }) { try $0.readBool() })
        #expect(try readWire([2]) { try $0.readBool() })  // any non-zero is true
    }

    @Test func stringsAndBytes() throws {
        let text = "héllo wörld ✓ 🎉"
        let bytes = writeWire { $0.writeString(text) }
        #expect(Int(bytes[0]) == text.utf8.count)
        #expect(try readWire(bytes) { try $0.readString() } == text)
        #expect(try readWire(writeWire { $0.writeString("") }) { try $0.readString() } == "")
        let data = Data((0..<300).map { UInt8($0 & 0xFF) })
        #expect(try readWire(writeWire { $0.writeBytes(data) }) { try $0.readBytes() } == data)
    }

    @Test("length back-patching when the content needs a 1, 2 or 3 byte length", arguments: [0, 127, 128, 300, 16383, 16384, 70000])
    func lengthBackPatching(_ size: Int) throws {
        let content = (0..<size).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let bytes = writeWire { w in
            w.writeTag(10)
            let mark = w.beginLengthDelimited()
            w.writeRaw(content)
            w.endLengthDelimited(mark)
            w.writeTag(16)
            w.writeInt32(7)
        }
        let lengthSize = WireWriter.varintSize(UInt64(size))
        #expect(bytes.count == 1 + lengthSize + size + 2)
        try readWire(bytes) { (r: inout WireReader) throws in
            #expect(try r.nextTag() == 10)
            #expect(try r.readBytes() == Data(content))
            #expect(try r.nextTag() == 16)
            #expect(try r.readInt32() == 7)
            #expect(try r.nextTag() == nil)
        }
    }

    @Test func nestedBackPatching() throws {
        // An outer section whose inner section grows past 127 and 16383 bytes.
        let bytes = writeWire { w in
            let outer = w.beginLengthDelimited()
            let inner = w.beginLengthDelimited()
            w.writeRaw([UInt8](repeating: 0x41, count: 20000))
            w.endLengthDelimited(inner)
            w.endLengthDelimited(outer)
        }
        try readWire(bytes) { (r: inout WireReader) throws in
            let outer = try r.readBytes()
            #expect(outer.count == 20000 + 3)
            try readWire(Array(outer)) { (inner: inout WireReader) throws in
                #expect(try inner.readBytes() == Data(repeating: 0x41, count: 20000))
                #expect(inner.isAtEnd)
            }
        }
    }

    @Test func finishData() {
        var w = WireWriter(capacity: 1)
        for i in 0..<1000 { w.writeVarint(UInt64(i)) }
        let count = w.count
        let data = w.finishData()
        #expect(data.count == count)
    }

    @Test func packedReaders() throws {
        let ints: [Int32] = [1, -1, 300, Int32.min]
        let packed = writeWire { w in
            let mark = w.beginLengthDelimited()
            for v in ints { w.writeInt32(v) }
            w.endLengthDelimited(mark)
        }
        var decoded: [Int32] = [99]
        try readWire(packed) { try $0.readPackedInt32(into: &decoded) }
        #expect(decoded == [99] + ints)

        let doubles: [Double] = [1.5, -2, .infinity]
        let packedDoubles = writeWire { w in
            let mark = w.beginLengthDelimited()
            for v in doubles { w.writeDouble(v) }
            w.endLengthDelimited(mark)
        }
        var decodedDoubles: [Double] = []
        try readWire(packedDoubles) { try $0.readPackedDouble(into: &decodedDoubles) }
        #expect(decodedDoubles == doubles)

        let sints = writeWire { w in
            let mark = w.beginLengthDelimited()
            for v: Int64 in [-1, Int64.min, 5] { w.writeSInt64(v) }
            w.endLengthDelimited(mark)
        }
        var decodedSInts: [Int64] = []
        try readWire(sints) { try $0.readPackedSInt64(into: &decodedSInts) }
        #expect(decodedSInts == [-1, Int64.min, 5])

        var colors: [Color] = []
        try readWire([3, 1, 2, 9]) { try $0.readPackedEnum(into: &colors) }
        #expect(colors == [.red, .green, .unrecognized(9)])

        var fixed: [UInt32] = []
        try readWire([8, 1, 0, 0, 0, 2, 0, 0, 0]) { try $0.readPackedFixed32(into: &fixed) }
        #expect(fixed == [1, 2])
        var bools: [Bool] = []
        try readWire([3, 1, 0, 1]) { try $0.readPackedBool(into: &bools) }
        #expect(bools == [true, false, true])
    }
}
