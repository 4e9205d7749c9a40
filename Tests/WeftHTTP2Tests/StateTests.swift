import NIOCore
import NIOPosix
import Testing

@testable import WeftHTTP2

extension OutboundBody {
    /// The slices `take` hands out, gathered.
    fileprivate mutating func take(_ length: Int) -> [ByteBuffer] {
        var slices: [ByteBuffer] = []
        take(length) { slices.append($0) }
        return slices
    }
}

/// The plain state types, driven by hand.
struct OutboundBodyTests {
    @Test func handsOutQueuedBytesAsSlicesAndEndsAfterTheLast() {
        var body = OutboundBody()
        body.append(Pattern.bytes(10), promise: nil)
        body.append(Pattern.bytes(5, seed: 1), promise: nil)

        guard case .data(8, nil) = body.nextChunk(maximum: 8) else { Issue.record("expected 8 bytes"); return }
        #expect(body.take(8) == [Pattern.bytes(10).getSlice(at: 0, length: 8)!])
        body.finish(.endStream(nil))
        guard case .data(7, .endStream) = body.nextChunk(maximum: 100) else { Issue.record("expected the end"); return }
        let slices = body.take(7)

        #expect(slices.map(\.readableBytes) == [2, 5])
        #expect(body.isComplete)
        #expect(!body.acceptsWrites)
    }

    @Test func defersWhenEmptyAndEndsWithTrailers() {
        var body = OutboundBody()
        guard case .deferred = body.nextChunk(maximum: 100) else { Issue.record("expected deferral"); return }
        body.finish(.trailers([("grpc-status", "0")], nil))
        guard case .data(0, .trailers(let trailers)) = body.nextChunk(maximum: 100) else { Issue.record("expected trailers"); return }
        #expect(trailers.first?.value == "0")
        #expect(body.isComplete)
    }

    @Test func promisesCompleteOnlyForWhatWentOut() throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let first = loop.makePromise(of: Void.self)
        let second = loop.makePromise(of: Void.self)
        let end = loop.makePromise(of: Void.self)
        var body = OutboundBody()
        body.append(Pattern.bytes(4), promise: first)
        body.append(Pattern.bytes(4), promise: second)
        body.finish(.endStream(end))

        _ = body.nextChunk(maximum: 6)
        _ = body.take(6)
        let finished = body.takeFinishedPromises()
        let abandoned = body.abandon()

        #expect(finished.map(\.futureResult) == [first.futureResult])
        #expect(abandoned.map(\.futureResult) == [second.futureResult, end.futureResult])
        (finished + abandoned).forEach { $0.succeed() }
    }
}

struct InboundWindowTests {
    @Test func acknowledgesNoMoreThanArrived() {
        var window = InboundWindow()
        window.received(100, stream: 1)
        #expect(window.consume(30, stream: 1) == 30)
        #expect(window.consume(100, stream: 1) == 70)
        #expect(window.consume(1, stream: 1) == 0)
        #expect(window.consume(5, stream: 3) == 0)
    }

    @Test func aClosingStreamGivesBackWhatWasNotConsumed() {
        var window = InboundWindow()
        window.received(50, stream: 1)
        _ = window.consume(20, stream: 1)
        #expect(window.close(stream: 1) == 30)
        #expect(window.consume(30, stream: 1) == 0)
    }
}

struct KeepaliveStateTests {
    @Test func pingsAnIdleConnectionAndClosesItWithoutAnAck() {
        var keepalive = KeepaliveState()
        #expect(keepalive.intervalElapsed() == .sendPing)
        #expect(keepalive.intervalElapsed() == .none)  // one PING at a time
        #expect(keepalive.timeoutElapsed() == .closeConnection)
    }

    @Test func anAckOrTrafficKeepsTheConnection() {
        var keepalive = KeepaliveState()
        #expect(keepalive.intervalElapsed() == .sendPing)
        keepalive.receivedPingAck()
        #expect(keepalive.timeoutElapsed() == .none)
        keepalive.receivedFrame()
        #expect(keepalive.intervalElapsed() == .none)
        #expect(keepalive.intervalElapsed() == .sendPing)
    }
}

struct HeaderTextTests {
    func text(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer(HeaderText.string) }

    @Test func commonLongTextsAndOthersReadTheSame() {
        for common in HeaderText.common { #expect(text(Array(common.utf8)) == common) }
        // As long as a common one, but another text; short, long and malformed ones as decoded.
        #expect(text(Array("application/grpx".utf8)) == "application/grpx")
        #expect(text(Array("te".utf8)) == "te")
        #expect(text(Array("a much longer value than any common one".utf8)) == "a much longer value than any common one")
        #expect(text([0x61, 0xFF] + Array("pplication/grpc".utf8)) == "a\u{FFFD}pplication/grpc")
    }

    /// Texts of a common one's length that differ from it anywhere: in the first word, the
    /// second, or past the first 16 bytes, which the words do not hold.
    @Test func textsDifferingFromACommonOneAnywhereReadAsSent() {
        for sent in [
            ":pat", ":Path", "GeT", "1", "grpc-accept-encodinG", "application/grpC", "applicatioN/json", "application/grpc+protx",
            "identity,deflate,gzip!", "xdentity,gzip,deflate",
        ] {
            #expect(text(Array(sent.utf8)) == sent)
        }
        #expect(text([]) == "")
    }

    /// A long value that repeats is read as sent each time, and a changed one as changed, for the
    /// fields whose values are kept and for the others (credentials among them) alike.
    @Test func repeatedValuesReadAsSentWhenTheyChange() {
        var repeated = RepeatedHeaderValues()
        func value(_ text: String, of name: String) -> String {
            Array(text.utf8).withUnsafeBufferPointer { repeated.string($0, of: name) }
        }
        let agent = "grpc-swift/2.0 (linux; x86_64)"
        #expect(value(agent, of: "user-agent") == agent)
        #expect(value(agent, of: "user-agent") == agent)
        #expect(value(agent + "!", of: "user-agent") == agent + "!")
        #expect(value("grpc-swift/2.0 (linux; x86_65)", of: "user-agent") == "grpc-swift/2.0 (linux; x86_65)")
        #expect(value("Bearer eyJhbGciOiJFUzI1NiJ9.one", of: "authorization") == "Bearer eyJhbGciOiJFUzI1NiJ9.one")
        #expect(value("Bearer eyJhbGciOiJFUzI1NiJ9.two", of: "authorization") == "Bearer eyJhbGciOiJFUzI1NiJ9.two")
        #expect(value("short", of: ":authority") == "short")
        #expect(value("service.internal:8443", of: ":authority") == "service.internal:8443")
        #expect(value("user:secret@service.internal", of: ":authority") == "user:secret@service.internal")
        #expect(value("service.internal:8443", of: ":authority") == "service.internal:8443")
    }
}
