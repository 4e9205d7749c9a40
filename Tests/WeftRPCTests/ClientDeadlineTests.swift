import Testing
import WeftMessages
@testable import WeftRPC

/// The client enforces its own deadline even when the server never answers.
@Suite struct ClientDeadlineTests {
    /// A call to a server that accepts the request and then says nothing until cancelled.
    final class SilentCall: ClientCall {
        let silence = AsyncQueue<Never>()

        func send(_ message: [UInt8]) async throws {}
        func finishRequests() async throws {}
        func initialMetadata() async throws -> Metadata { try await next().map { _ in Metadata() } ?? Metadata() }
        func next() async throws -> [UInt8]? {
            _ = await silence.pop()
            throw Status(.cancelled, "cancelled")
        }
        func trailingMetadata() async -> Metadata { Metadata() }
        func cancel() { silence.finish() }
    }

    struct SilentTransport: ClientTransport {
        func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall { SilentCall() }
    }

    @Test func deadlineFiresWithoutTheServer() async {
        let method = MethodDescriptor(
            name: "M", path: "/s/M", inputType: "x", outputType: "x", clientStreaming: false, serverStreaming: false,
            idempotency: .unknown, httpRule: nil)
        let started = ContinuousClock.now
        await #expect(throws: Status(.deadlineExceeded, "the deadline passed before the server answered")) {
            let _: ClientResponse<Google_Protobuf_Empty> = try await ClientCalls.unary(
                SilentTransport(), method, Google_Protobuf_Empty(), options: CallOptions(timeout: .milliseconds(100)))
        }
        // The server never answers: the status is the proof. The bound only guards against a timer
        // that fires very late, generously (a loaded machine, tests in parallel on two cores).
        #expect(ContinuousClock.now - started < .seconds(120))
    }
}
