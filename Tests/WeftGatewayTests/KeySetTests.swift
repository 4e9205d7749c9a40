import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
import WeftTLS
@testable import WeftGateway

/// Tokens signed by `SigningKey` and verified through a published JSON Web Key Set.
@Suite struct KeySetTests {
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func jwk(_ key: SigningKey, kid: String) -> String {
        #"{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","use":"sig","kid":"\#(kid)","x":"\#(base64URL(key.rawPublicKey))"}"#
    }

    static func token(_ key: SigningKey, kid: String, exp: Double = Date().timeIntervalSince1970 + 300) -> String {
        let input = base64URL(Array(#"{"alg":"EdDSA","kid":"\#(kid)"}"#.utf8)) + "." + base64URL(Array(#"{"sub":"u-1","roles":["staff"],"exp":\#(Int(exp))}"#.utf8))
        return input + "." + base64URL(key.sign(Array(input.utf8)))
    }

    @Test func signingKeyRoundTripsThroughPEMAndVerifies() throws {
        let key = try SigningKey.generateEd25519()
        let again = try SigningKey(pem: key.pemText)
        #expect(again.rawPublicKey == key.rawPublicKey)
        let signature = again.sign(Array("hello".utf8))
        #expect(key.verificationKey.verify(signature: signature, over: Array("hello".utf8)))
        #expect(!key.verificationKey.verify(signature: signature, over: Array("hellO".utf8)))
        #expect(throws: SignatureKeyError.self) { try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
    }

    @Test func keySetKeepsSignatureKeysAndSkipsOthers() throws {
        let key = try SigningKey.generateEd25519()
        let document = #"{"keys":[\#(Self.jwk(key, kid: "k1")),{"kty":"RSA","n":"AQAB","e":"AQAB","kid":"rsa"},"#
            + #"{"kty":"OKP","crv":"Ed25519","use":"enc","x":"AAAA","kid":"enc"}]}"#
        let set = try JSONWebKeySet(parsing: Array(document.utf8))
        #expect(set.keys.map(\.id) == ["k1"])
        #expect(throws: JWTError.self) { try JSONWebKeySet(parsing: Array(#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]}"#.utf8)) }
        #expect(throws: JWTError.self) { try JSONWebKeySet(parsing: Array(#"{"keys":[{"kty":"EC","crv":"P-256","x":"\#(Self.base64URL(Array(repeating: 1, count: 32)))","y":"\#(Self.base64URL(Array(repeating: 2, count: 32)))"}]}"#.utf8)) }
        #expect(throws: JWTError.self) { try JSONWebKeySet(parsing: Array("[]".utf8)) }
    }

    @Test func validatorUsesPublishedKeysAndSaysWhenTheKidIsUnknown() throws {
        let key = try SigningKey.generateEd25519()
        let published = try JSONWebKeySet(parsing: Array(#"{"keys":[\#(Self.jwk(key, kid: "k1"))]}"#.utf8)).keys
        let validator = try JWTValidator(policy: JWTPolicy(keys: []))
        let claims = try validator.validate(Self.token(key, kid: "k1"), publishedKeys: published)
        #expect(claims.contains { $0.0 == "sub" })
        do {
            _ = try validator.validate(Self.token(key, kid: "k2"), publishedKeys: published)
            Issue.record("an unknown kid was accepted")
        } catch {
            #expect(error.unknownKey)
        }
        let other = try SigningKey.generateEd25519()
        do {
            _ = try validator.validate(Self.token(other, kid: "k1"), publishedKeys: published)
            Issue.record("a foreign signature was accepted")
        } catch {
            #expect(!error.unknownKey)
        }
    }

    @Test func remoteKeySetSharesAFetchLimitsRefreshesAndKeepsKeysOnFailure() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let key = try SigningKey.generateEd25519()
        let keysDocument = Array(#"{"keys":[\#(Self.jwk(key, kid: "k1"))]}"#.utf8)
        let answers = Mutex<[Result<[UInt8], any Error>]>([.success(keysDocument), .success(keysDocument), .success(keysDocument)])
        let fetches = Atomic(0)
        let failures = Mutex<[String]>([])
        let keySet = RemoteKeySet(refreshInterval: .seconds(60), minimumInterval: .seconds(1), onFailure: { message in failures.withLock { $0.append(message) } }) { loop in
            fetches.add(1, ordering: .relaxed)
            let answer = answers.withLock { $0.isEmpty ? .failure(CancellationError()) : $0.removeFirst() }
            return loop.scheduleTask(in: .milliseconds(20)) { try answer.get() }.futureResult
        }
        let t0 = ContinuousClock.now
        #expect(keySet.keys(refreshingOn: loop, now: t0).isEmpty)
        #expect(keySet.mayRefresh(now: t0))
        // Two requests with an unknown kid at once: one fetch.
        async let first: Void = keySet.refresh(on: loop, now: t0).get()
        async let second: Void = keySet.refresh(on: loop, now: t0).get()
        _ = try await (first, second)
        #expect(fetches.load(ordering: .relaxed) == 1)
        #expect(keySet.keys(refreshingOn: loop, now: t0).map(\.id) == ["k1"])
        // A burst of three, then one a second.
        #expect(keySet.mayRefresh(now: t0 + .milliseconds(100)))
        try await keySet.refresh(on: loop, now: t0 + .milliseconds(100)).get()
        try await keySet.refresh(on: loop, now: t0 + .milliseconds(200)).get()
        #expect(!keySet.mayRefresh(now: t0 + .milliseconds(300)))
        #expect(keySet.mayRefresh(now: t0 + .milliseconds(1300)))
        // Stale keys refresh in the background; a failed fetch keeps the keys and is reported.
        #expect(keySet.keys(refreshingOn: loop, now: ContinuousClock.now + .seconds(61)).map(\.id) == ["k1"])
        try await keySet.refresh(on: loop).get()  // joins the background fetch, or follows it
        let fetched = fetches.load(ordering: .relaxed)
        #expect((4...5).contains(fetched))
        #expect(keySet.keys(refreshingOn: loop, now: t0).map(\.id) == ["k1"])
        #expect(failures.withLock { $0.count } == fetched - 3)
    }
}
