import Foundation
import Testing
import WeftInterop
import WeftMessages

/// Bad bytes and bad JSON are thrown errors that name the field; never a crash or a hang.
@Suite struct MalformedInputTests {
    func decodingError(_ bytes: [UInt8]) -> String? {
        do {
            _ = try KitchenSink(serializedBytes: bytes)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test func truncatedVarintInsideANestedMessageNamesThePath() throws {
        // inner (17) = { id (1) = <varint cut short> }
        let error = try #require(decodingError([0x8A, 0x01, 0x02, 0x08, 0x80]))
        #expect(error.contains("inner"), "\(error)")
    }

    @Test func lengthPastTheEndAndTwoGiBPrefixesAreRejected() {
        #expect(decodingError([0x72, 0x05, 0x61]) != nil)  // f_string claims 5 bytes, has 1
        #expect(decodingError([0x72, 0x80, 0x80, 0x80, 0x80, 0x08]) != nil)  // 2 GiB length
    }

    /// A known field number with another wire type is an unknown field, as in protobuf's
    /// runtimes: nothing is set from it and it is written back after the known fields. The
    /// expected bytes are what Python protobuf keeps and re-serializes.
    @Test func aKnownFieldWithAnotherWireTypeIsKeptAsUnknown() throws {
        let cases: [(input: String, fields: KitchenSink, unknown: String, reserialized: String)] = [
            ("0d01020304", KitchenSink(), "0d01020304", "0d01020304"),  // f_int32 as fixed32
            ("880107", KitchenSink(), "880107", "880107"),  // inner (a message) as a varint
            ("900307", KitchenSink(), "900307", "900307"),  // m_string_int64 (a map) as a varint
            // c_int64 = 3, then c_string as a varint: the oneof keeps c_int64.
            ("b80403b00409", KitchenSink(choice: .cInt64(3)), "b00409", "b80403b00409"),
            // r_int32 unpacked 5, packed [1, 2], then as fixed32.
            ("a00105a201020102a50101000000", KitchenSink(rInt32: [5, 1, 2]), "a50101000000", "a20103050102a50101000000"),
        ]
        for (input, fields, unknown, reserialized) in cases {
            let decoded = try KitchenSink(serializedBytes: bytes(hex: input))
            var known = decoded
            known.unknownFields = UnknownFields()
            #expect(known == fields, "\(input)")
            #expect(decoded.unknownFields.bytes == bytes(hex: unknown), "\(input)")
            #expect(decoded.serializedBytes() == bytes(hex: reserialized), "\(input)")
        }
    }

    @Test func invalidUTF8InAStringNamesTheField() throws {
        let error = try #require(decodingError([0x72, 0x02, 0xC3, 0x28]))
        #expect(error.contains("f_string"), "\(error)")
    }

    @Test func overlongVarintIsRejected() {
        #expect(decodingError([0x08] + [UInt8](repeating: 0xFF, count: 11)) != nil)
    }

    @Test func nestingBeyondTheLimitIsAnErrorNotACrash() throws {
        func nested(_ depth: Int) -> TreeNode {
            var node = TreeNode(label: "bottom")
            for _ in 0..<depth { node = TreeNode(left: node) }
            return node
        }
        #expect(try TreeNode(serializedBytes: nested(90).serializedBytes()) == nested(90))
        #expect(throws: (any Error).self) { try TreeNode(serializedBytes: nested(150).serializedBytes()) }
        let deepJSON = String(repeating: #"{"left":"#, count: 150) + "{}" + String(repeating: "}", count: 150)
        #expect(throws: (any Error).self) { try TreeNode(jsonString: deepJSON) }
    }

    @Test func badJSONIsAnErrorWithTheFieldPath() throws {
        for input in [#"{"fInt32": 1.5}"#, #"{"fInt32": 4294967296}"#, #"{"color": "COLOR_PURPLE"}"#,
                      #"{"fBool": "true"}"#, #"{"rInt32": [1,]}"#, #"{"fInt32": 1"#, #"[]"#] {
            #expect(throws: (any Error).self, "\(input)") { try KitchenSink(jsonString: input) }
        }
        do {
            _ = try KitchenSink(jsonString: #"{"rInner": [{"id": 1}, {"id": "x"}]}"#)
            Issue.record("accepted a string for an int32")
        } catch {
            #expect(String(describing: error).contains("rInner"), "\(error)")
        }
    }

    private func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }
}
