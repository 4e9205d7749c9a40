import Foundation
import Testing
@testable import WeftMessages

@Suite("JSON writer")
struct JSONWriterTests {
    @Test func escaping() throws {
        let text = "q\" b\\ n\n r\r t\t bs\u{08} ff\u{0C} nul\u{00} us\u{1F} del\u{7F} é ✓ 🎉 </script>"
        let json = try writeJSON { $0.writeString(text) }
        #expect(json == #""q\" b\\ n\n r\r t\t bs\b ff\f nul\u0000 us\u001f del"# + "\u{7F} é ✓ 🎉 </script>\"")
        // What we write, we (and Foundation) read back.
        #expect(try readJSON(json) { try $0.readString() } == text)
        #expect(try JSONDecoder().decode(String.self, from: Data(json.utf8)) == text)
    }

    @Test func structureAndCommas() throws {
        let json = try writeJSON { w in
            w.beginObject()
            w.writeKey("a")
            w.beginArray()
            w.writeInt32(1)
            w.beginObject()
            w.endObject()
            w.beginArray()
            w.endArray()
            w.writeNull()
            w.endArray()
            w.writeMapKey("map key \"1\"")
            w.writeBool(false)
            w.writeKey("raw")
            w.writeRawJSON("[true]")
            w.endObject()
        }
        #expect(json == #"{"a":[1,{},[],null],"map key \"1\"":false,"raw":[true]}"#)
    }

    @Test func integers() throws {
        #expect(try writeJSON { $0.writeInt32(Int32.min) } == "-2147483648")
        #expect(try writeJSON { $0.writeUInt32(UInt32.max) } == "4294967295")
        #expect(try writeJSON { $0.writeInt64(Int64.min) } == #""-9223372036854775808""#)
        #expect(try writeJSON { $0.writeInt64(0) } == #""0""#)
        #expect(try writeJSON { $0.writeUInt64(UInt64.max) } == #""18446744073709551615""#)
    }

    @Test("doubles", arguments: [
        (Double.nan, #""NaN""#), (.infinity, #""Infinity""#), (-.infinity, #""-Infinity""#),
        (-0.0, "-0.0"), (0, "0"), (1, "1"), (-3, "-3"), (1e-7, "1e-07"), (0.1, "0.1"), (1.5, "1.5"),
        (1e300, "1e+300"), (Double.leastNonzeroMagnitude, "5e-324"), (0.30000000000000004, "0.30000000000000004"),
        (123456789012345, "123456789012345"), (1e15, "1000000000000000.0"), (1e16, "1e+16"),
    ])
    func doubles(_ value: Double, _ expected: String) throws {
        let json = try writeJSON { $0.writeDouble(value) }
        #expect(json == expected)
        let back = try readJSON(json) { try $0.readDouble() }
        #expect(back.bitPattern == value.bitPattern || (back.isNaN && value.isNaN))
    }

    @Test("floats print as the shortest Float text", arguments: [
        (Float(0.1), "0.1"), (Float(1.5), "1.5"), (Float.nan, #""NaN""#), (-Float.infinity, #""-Infinity""#),
        (Float(-0.0), "-0.0"), (Float(3.4028235e38), "3.4028235e+38"), (Float(1e-7), "1e-07"), (Float(16777216), "16777216"),
    ])
    func floats(_ value: Float, _ expected: String) throws {
        let json = try writeJSON { $0.writeFloat(value) }
        #expect(json == expected)
        let back = try readJSON(json) { try $0.readFloat() }
        #expect(back.bitPattern == value.bitPattern || (back.isNaN && value.isNaN))
    }

    @Test func bytesAndEnums() throws {
        #expect(try writeJSON { $0.writeBytes(Data()) } == #""""#)
        #expect(try writeJSON { $0.writeBytes(Data([0xFB, 0xFF])) } == #""+/8=""#)
        #expect(try writeJSON { $0.writeEnum(Color.green) } == #""COLOR_GREEN""#)
        #expect(try writeJSON(options: .init(enumsAsIntegers: true)) { $0.writeEnum(Color.green) } == "2")
    }

    @Test func timestampsAndDurations() throws {
        #expect(try writeJSON { $0.writeTimestamp(seconds: 0, nanos: 0) } == #""1970-01-01T00:00:00Z""#)
        #expect(try writeJSON { $0.writeDuration(seconds: -1, nanos: -500_000_000) } == #""-1.500s""#)
        #expect(throws: JSONEncodingError.self) {
            try writeJSON { $0.writeTimestamp(seconds: TimestampFormat.maxTimestampSeconds + 1, nanos: 0) }
        }
        #expect(throws: JSONEncodingError.self) {
            try writeJSON { $0.writeDuration(seconds: 1, nanos: -1) }
        }
    }

    /// With `.atLeastMilliseconds` every timestamp has a fraction of 3, 6 or 9 digits, and
    /// nothing of the value is lost; durations are unchanged.
    @Test(arguments: [
        (Int32(0), "1970-01-01T00:00:00.000Z"), (120_000_000, "1970-01-01T00:00:00.120Z"),
        (123_456_000, "1970-01-01T00:00:00.123456Z"), (1, "1970-01-01T00:00:00.000000001Z"),
    ])
    func timestampsWithAtLeastMilliseconds(_ nanos: Int32, _ expected: String) throws {
        let options = JSONEncodingOptions(timestampFraction: .atLeastMilliseconds)
        #expect(try writeJSON(options: options) { $0.writeTimestamp(seconds: 0, nanos: nanos) } == "\"\(expected)\"")
        #expect(TimestampFormat.parseTimestamp(expected).map { $0.nanos } == nanos)
        #expect(try writeJSON(options: options) { $0.writeDuration(seconds: 1, nanos: 0) } == #""1s""#)
    }
}
