import Foundation
import Testing
@testable import WeftMessages

@Suite("JSON reader")
struct JSONReaderTests {
    func fails<T>(_ text: String, options: JSONDecodingOptions = .init(), _ body: (inout JSONReader) throws -> T) -> JSONDecodingError? {
        do {
            try readJSON(text, options: options) { (reader: inout JSONReader) throws in
                _ = try body(&reader)
                try reader.expectEnd()
            }
            return nil
        } catch {
            return error as? JSONDecodingError
        }
    }

    @Test("accepted int32 forms", arguments: [
        ("0", Int32(0)), ("-0", 0), ("42", 42), (" 7 ", 7), ("\"42\"", 42), ("\"-2147483648\"", Int32.min),
        ("2147483647", Int32.max), ("1e2", 100), ("1E+2", 100), ("\"1e2\"", 100), ("1.0", 1), ("1.50e1", 15),
        ("-2.147483648e9", Int32.min), ("0.0e5", 0), ("12300e-2", 123),
    ])
    func int32Accepted(_ text: String, _ expected: Int32) throws {
        #expect(try readJSON(text) { try $0.readInt32() } == expected)
    }

    @Test("rejected int32 forms", arguments: [
        "1.5", "2147483648", "-2147483649", "1e10", "\"\"", "\" 1\"", "\"abc\"", "01", "+1", "-", "1.", ".5",
        "1e", "true", "null", "NaN", "0x10", "1e-1", "\"1.5\"", "1e400",
    ])
    func int32Rejected(_ text: String) {
        #expect(fails(text) { try $0.readInt32() } != nil)
    }

    @Test func int64AndUnsigned() throws {
        #expect(try readJSON("\"-9223372036854775808\"") { try $0.readInt64() } == Int64.min)
        #expect(try readJSON("9223372036854775807") { try $0.readInt64() } == Int64.max)
        #expect(try readJSON("\"18446744073709551615\"") { try $0.readUInt64() } == UInt64.max)
        #expect(try readJSON("4294967295") { try $0.readUInt32() } == UInt32.max)
        #expect(try readJSON("-0") { try $0.readUInt32() } == 0)
        #expect(fails("\"9223372036854775808\"") { try $0.readInt64() } != nil)
        #expect(fails("\"18446744073709551616\"") { try $0.readUInt64() } != nil)
        #expect(fails("-1") { try $0.readUInt64() } != nil)
        #expect(fails("4294967296") { try $0.readUInt32() } != nil)
        let error = fails("1.5") { try $0.readInt64() }
        #expect(error?.message.contains("fractional") == true)
        #expect(error?.offset == 0)
    }

    @Test func floatingPoint() throws {
        #expect(try readJSON("1.5") { try $0.readDouble() } == 1.5)
        #expect(try readJSON("\"-2.5e3\"") { try $0.readDouble() } == -2500)
        #expect(try readJSON("\"NaN\"") { try $0.readDouble() }.isNaN)
        #expect(try readJSON("\"Infinity\"") { try $0.readDouble() } == .infinity)
        #expect(try readJSON("\"-Infinity\"") { try $0.readFloat() } == -.infinity)
        #expect(try readJSON("-0.0") { try $0.readDouble() }.sign == .minus)
        #expect(try readJSON("3.4028235e38") { try $0.readFloat() } == .greatestFiniteMagnitude)
        #expect(try readJSON("1e-400") { try $0.readDouble() } == 0)
        for bad in ["NaN", "Infinity", "\"nan\"", "\"inf\"", "1e400", "\"\"", "\" 1\"", "01.5", "1.e5", "-", "\"0x1p3\""] {
            #expect(fails(bad) { try $0.readDouble() } != nil, "\(bad)")
        }
        #expect(fails("3.5e38") { try $0.readFloat() }?.message.contains("out of range") == true)
    }

    @Test func boolsAndNull() throws {
        #expect(try readJSON("true") { try $0.readBool() })
        #expect(try readJSON(" false") { try $0.readBool() } == false)
        #expect(fails("\"true\"") { try $0.readBool() } != nil)
        #expect(fails("1") { try $0.readBool() } != nil)
        #expect(try readJSON(" null") { $0.readNull() })
        #expect(try readJSON("nul") { $0.readNull() } == false)
    }

    @Test func strings() throws {
        #expect(try readJSON(#""a\"b\\c\/d\b\f\n\r\t""#) { try $0.readString() } == "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        #expect(try readJSON(#""\u00e9\u2713\ud83c\udf89\u0000""#) { try $0.readString() } == "é✓🎉\u{0}")
        #expect(try readJSON("\"é ✓ 🎉\"") { try $0.readString() } == "é ✓ 🎉")
        #expect(fails(#""\x""#) { try $0.readString() }?.message.contains("escape") == true)
        #expect(fails(#""\ud83c""#) { try $0.readString() }?.message.contains("surrogate") == true)
        #expect(fails(#""\ud83cx""#) { try $0.readString() } != nil)
        #expect(fails(#""\udf89""#) { try $0.readString() }?.message.contains("lone low surrogate") == true)
        #expect(fails(#""\ud83c\u0041""#) { try $0.readString() } != nil)
        #expect(fails(#""\u12G4""#) { try $0.readString() } != nil)
        #expect(fails(#""\u12""#) { try $0.readString() } != nil)
        #expect(fails("\"a\nb\"") { try $0.readString() }?.message.contains("control character") == true)
        #expect(fails("\"abc") { try $0.readString() }?.message.contains("unterminated") == true)
        #expect(fails("abc") { try $0.readString() } != nil)
        let invalid: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        let e = invalid.withUnsafeBytes { buffer -> JSONDecodingError? in
            var reader = JSONReader(buffer)
            do { _ = try reader.readString(); return nil } catch { return error as? JSONDecodingError }
        }
        #expect(e?.message.contains("UTF-8") == true)
    }

    @Test func bytes() throws {
        let expected = Data([0xFB, 0xFF, 0xBF])
        for text in [#""+/+/""#, #""-_-_""#, #""+/+/""#] {
            #expect(try readJSON(text) { try $0.readBytes() } == expected)
        }
        #expect(try readJSON(#""+/8=""#) { try $0.readBytes() } == Data([0xFB, 0xFF]))
        #expect(try readJSON(#""-_8""#) { try $0.readBytes() } == Data([0xFB, 0xFF]))
        #expect(try readJSON(#""""#) { try $0.readBytes() } == Data())
        #expect(fails(#""abc!""#) { try $0.readBytes() }?.message.contains("base64") == true)
        #expect(fails(#""a""#) { try $0.readBytes() } != nil)
    }

    @Test func enums() throws {
        #expect(try readJSON(#""COLOR_RED""#) { (r: inout JSONReader) throws -> Color? in try r.readEnum() } == .red)
        #expect(try readJSON("2") { (r: inout JSONReader) throws -> Color? in try r.readEnum() } == .green)
        #expect(try readJSON("77") { (r: inout JSONReader) throws -> Color? in try r.readEnum() } == .unrecognized(77))
        #expect(fails(#""NOPE""#) { (r: inout JSONReader) throws -> Color? in try r.readEnum() }?.message.contains("NOPE") == true)
        let ignored = try readJSON(#""NOPE""#, options: .init(ignoreUnknownFields: true)) { (r: inout JSONReader) throws -> Color? in
            try r.readEnum()
        }
        #expect(ignored == nil)
        #expect(fails("1.5") { (r: inout JSONReader) throws -> Color? in try r.readEnum() } != nil)
    }

    @Test func mapKeys() throws {
        try readJSON("{}") { (r: inout JSONReader) throws in
            #expect(try r.parseMapKeyInt32("-12") == -12)
            #expect(try r.parseMapKeyInt64("-9223372036854775808") == Int64.min)
            #expect(try r.parseMapKeyUInt32("4294967295") == UInt32.max)
            #expect(try r.parseMapKeyUInt64("18446744073709551615") == UInt64.max)
            #expect(try r.parseMapKeyBool("true"))
            #expect(throws: JSONDecodingError.self) { try r.parseMapKeyInt32("2147483648") }
            #expect(throws: JSONDecodingError.self) { try r.parseMapKeyInt32("x") }
            #expect(throws: JSONDecodingError.self) { try r.parseMapKeyUInt32("-1") }
            #expect(throws: JSONDecodingError.self) { try r.parseMapKeyBool("True") }
        }
    }

    @Test func objectsAndArrays() throws {
        let keys = try readJSON(#" { "a" : 1 , "b":[ ] , "c" : { } } "#) { (r: inout JSONReader) throws -> [String] in
            var keys: [String] = []
            try r.beginObject()
            while let key = try r.nextKey() {
                keys.append(key)
                try r.skipValue()
            }
            return keys
        }
        #expect(keys == ["a", "b", "c"])
        let elements = try readJSON("[1, 2 ,3]") { (r: inout JSONReader) throws -> [Int32] in
            var values: [Int32] = []
            try r.beginArray()
            while try r.nextElement() { values.append(try r.readInt32()) }
            return values
        }
        #expect(elements == [1, 2, 3])
    }

    @Test("rejected documents", arguments: [
        #"{"id":"x",}"#, #"{"values":[1,2,]}"#, #"{"id":"x" "total":"1"}"#, #"{"id" "x"}"#, #"{id:"x"}"#,
        #"{"id":'x'}"#, #"{"id":"x"}}"#, #"{"id":"x"} // comment"#, #"{,}"#, #"{"values":[,1]}"#, #"{"values":[1 2]}"#,
        #"{"total":"1"} {}"#, "", "   ", "[]", #"{"id":"x""#, #"{"ratio":NaN}"#, #"{"ratio":-Infinity}"#,
        #"{"values":[01]}"#, #"{"id":"\u00"}"#, "{\"id\":\"\t\"}",
    ])
    func rejectedDocuments(_ text: String) {
        #expect(throws: JSONDecodingError.self) { try Order(jsonString: text, options: .init(ignoreUnknownFields: true)) }
    }

    @Test func skipValueChecksGrammar() {
        #expect(fails(#"{"a":[1,]}"#) { try $0.skipValue() } != nil)
        #expect(fails(#"{"a" 1}"#) { try $0.skipValue() } != nil)
        #expect(fails("[tru]") { try $0.skipValue() } != nil)
        #expect(fails(String(repeating: "[", count: 101) + String(repeating: "]", count: 101)) { try $0.skipValue() }?
            .message.contains("recursion limit") == true)
        #expect(fails(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) { try $0.skipValue() } == nil)
    }

    @Test func wellKnownTypes() throws {
        let ts = try readJSON(#""1972-01-01T10:00:20.021+01:00""#) { try $0.readTimestamp() }
        #expect(ts.seconds == 63_108_020 - 3600 && ts.nanos == 21_000_000)
        let d = try readJSON(#""-0.5s""#) { try $0.readDuration() }
        #expect(d.seconds == 0 && d.nanos == -500_000_000)
        #expect(fails(#""10000-01-01T00:00:00Z""#) { try $0.readTimestamp() }?.message.contains("Timestamp") == true)
        #expect(fails(#""1.5""#) { try $0.readDuration() }?.message.contains("Duration") == true)
    }
}
