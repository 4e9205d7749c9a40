import PlatformCrypto
import Testing

@Suite struct PlatformCryptoTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    static func bytes(hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
    }

    /// RFC 7914 §12's second vector, read through the stored form.
    @Test func scryptMatchesRFC7914() throws {
        let expected = Self.bytes(hex: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
        let stored = "scrypt$10$8$16$\(Base64URL.encode(Array("NaCl".utf8)))$\(Base64URL.encode(expected))"
        let hasher = PasswordHasher(cost: .init(log2N: 10, r: 8, p: 1))
        #expect(try hasher.verify("password", against: stored))
        #expect(try !hasher.verify("passwore", against: stored))
        #expect(hasher.needsRehash(stored))
    }

    @Test func hashesAreSaltedAndVerify() throws {
        let hasher = PasswordHasher(cost: .init(log2N: 10, r: 8, p: 1))
        let first = try hasher.hash("correct horse")
        let second = try hasher.hash("correct horse")
        #expect(first != second)
        #expect(first.hasPrefix("scrypt$10$8$1$"))
        #expect(try hasher.verify("correct horse", against: first) && hasher.verify("correct horse", against: second))
        #expect(try !hasher.verify("correct horsE", against: first))
        #expect(!hasher.needsRehash(first))
        #expect(PasswordHasher(cost: .init(log2N: 11, r: 8, p: 1)).needsRehash(first))
        for malformed in ["", "scrypt$10$8$1$AAAA", "bcrypt$10$8$1$AAAA$AAAA", "scrypt$40$8$1$AAAA$AAAA", "scrypt$10$8$1$!!$AAAA"] {
            #expect(try !hasher.verify("x", against: malformed))
        }
    }

    @Test func digestsMatchKnownVectors() {
        #expect(Self.hex(Digest.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231 test case 2.
        #expect(Self.hex(Digest.hmacSHA256(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Digest.constantTimeEqual([1, 2], [1, 2]) && !Digest.constantTimeEqual([1, 2], [1, 3]) && !Digest.constantTimeEqual([1], [1, 2]))
    }

    @Test func base64URLRoundTripsAndRefusesOtherAlphabets() throws {
        let bytes: [UInt8] = [0xfb, 0xff, 0xfe, 0x00, 0x10]
        #expect(Base64URL.encode(bytes) == "-__-ABA")
        #expect(Base64URL.decode("-__-ABA") == bytes)
        #expect(Base64URL.decode("+//+ABA=") == nil)
        #expect(try SecureRandom.token().count == 43)
    }
}
