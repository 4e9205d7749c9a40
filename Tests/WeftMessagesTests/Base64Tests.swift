import Foundation
import Testing
@testable import WeftMessages

@Suite("Base64")
struct Base64Tests {
    @Test("RFC 4648 vectors", arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func vectors(_ plain: String, _ encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
        let unpadded = String(encoded.prefix { $0 != "=" })
        #expect(Base64.decode(unpadded) == Array(plain.utf8))
    }

    @Test func bothAlphabets() {
        let bytes: [UInt8] = [0xFB, 0xEF, 0xBE, 0xFF]
        #expect(Base64.encode(bytes) == "++++/w==")
        #expect(Base64.decode("++++/w==") == bytes)
        #expect(Base64.decode("----_w==") == bytes)
        #expect(Base64.decode("----_w") == bytes)
    }

    @Test func matchesFoundationOnRandomData() {
        var generator = SeededGenerator(seed: testSeed)
        for n in 0..<70 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let ours = Base64.encode(bytes)
            #expect(ours == Data(bytes).base64EncodedString(), "\(hex(bytes)) (seed \(testSeed))")
            #expect(Base64.decode(ours) == bytes, "\(hex(bytes)) (seed \(testSeed))")
        }
    }

    @Test("invalid input", arguments: ["Z", "Zg=", "Zg===", "Z===", "Zm9v=", "Zm=9", "Zm9v!A==", "Zm 9v", "=", "Zg==Zg=="])
    func invalid(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
