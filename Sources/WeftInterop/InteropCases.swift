#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WeftMessages
import WeftRPC

/// The interop client's test cases: each drives one behaviour of Sources/WeftInterop/interop.proto
/// against any transport (HTTP/2 + mTLS to a real peer, or in-process in unit tests).
public struct InteropCase: Sendable {
    public let name: String
    /// Whether the case needs a real network transport (message size limits, compression).
    public let needsNetwork: Bool
    let run: @Sendable (InteropClients) async throws -> Void
}

/// The clients a case talks through.
public struct InteropClients: Sendable {
    public let test: TestService.Client
    public let unimplemented: UnimplementedService.Client

    /// Clients over `transport`.
    public init(transport: any ClientTransport) {
        test = TestService.Client(transport: transport)
        unimplemented = UnimplementedService.Client(transport: transport)
    }
}

/// A case's failed expectation.
struct InteropFailure: Error, CustomStringConvertible {
    let description: String
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw InteropFailure(description: message()) }
}

/// Runs `body`, which must fail with `code`.
func expectStatus(_ code: Status.Code, message: String? = nil, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let status as Status {
        try check(status.code == code, "expected \(code), got \(status)")
        if let message { try check(status.message == message, "expected message \(message.debugDescription), got \(status.message.debugDescription)") }
        return
    }
    throw InteropFailure(description: "expected \(code), but the call succeeded")
}

public enum InteropCases {
    static func zeros(_ count: Int) -> Payload { Payload(body: Data(count: count)) }

    /// Every case, in the order they run.
    public static let all: [InteropCase] = [
        InteropCase(name: "empty_unary", needsNetwork: false) { clients in
            _ = try await clients.test.emptyCall(Empty())
        },
        InteropCase(name: "large_unary", needsNetwork: false) { clients in
            let response = try await clients.test.unaryCall(SimpleRequest(responseSize: 314_159, payload: zeros(271_828)))
            try check(response.payload?.body == Data(count: 314_159), "response payload is not 314159 zero bytes")
            try check(response.receivedPayloadSize == 271_828, "server saw \(response.receivedPayloadSize) request bytes")
        },
        InteropCase(name: "client_streaming", needsNetwork: false) { clients in
            let response = try await clients.test.streamingInputCall { requests in
                for size in [27_182, 8, 1_828, 45_904] { try await requests.write(StreamingInputCallRequest(payload: zeros(size))) }
            }
            try check(response.aggregatedPayloadSize == 74_922, "aggregated size \(response.aggregatedPayloadSize)")
        },
        InteropCase(name: "server_streaming", needsNetwork: false) { clients in
            let sizes: [Int32] = [31_415, 9, 2_653, 58_979]
            let request = StreamingOutputCallRequest(responseParameters: sizes.map { ResponseParameters(size: $0) })
            let received = try await clients.test.streamingOutputCall(request) { responses in
                try await responses.reduce(into: [Int]()) { $0.append($1.payload?.body.count ?? 0) }
            }
            try check(received == sizes.map(Int.init), "received sizes \(received)")
        },
        InteropCase(name: "ping_pong", needsNetwork: false) { clients in
            let sizes: [Int32] = [31_415, 9, 2_653, 58_979]
            let (stream, continuation) = AsyncStream<Int32>.makeStream()
            continuation.yield(sizes[0])
            try await clients.test.fullDuplexCall { requests in
                // Each request goes out only after the previous response came back.
                for await size in stream {
                    try await requests.write(StreamingOutputCallRequest(responseParameters: [ResponseParameters(size: size)]))
                }
            } onResponse: { responses in
                var index = 0
                for try await response in responses {
                    try check(response.payload?.body.count ?? 0 == Int(sizes[index]), "response \(index) has the wrong size")
                    index += 1
                    if index < sizes.count { continuation.yield(sizes[index]) } else { continuation.finish() }
                }
                try check(index == sizes.count, "got \(index) of \(sizes.count) responses")
            }
        },
        InteropCase(name: "empty_stream", needsNetwork: false) { clients in
            let count = try await clients.test.fullDuplexCall { _ in } onResponse: { responses in
                try await responses.reduce(0) { count, _ in count + 1 }
            }
            try check(count == 0, "got \(count) responses")
        },
        InteropCase(name: "half_duplex", needsNetwork: false) { clients in
            let count = try await clients.test.halfDuplexCall { requests in
                for size: Int32 in [1, 2, 3] {
                    try await requests.write(StreamingOutputCallRequest(responseParameters: [ResponseParameters(size: size)]))
                }
            } onResponse: { responses in
                try await responses.reduce(0) { count, _ in count + 1 }
            }
            try check(count == 3, "got \(count) responses")
        },
        InteropCase(name: "custom_metadata", needsNetwork: false) { clients in
            var metadata = Metadata(["x-weft-echo-initial": "test_initial_metadata_value"])
            metadata.add("x-weft-echo-trailing-bin", binary: [0xAB, 0xAB, 0xAB])
            let response: ClientResponse<SimpleResponse> = try await ClientCalls.unary(
                clients.test.transport, TestService.descriptor.methods[1], SimpleRequest(responseSize: 1),
                options: CallOptions(metadata: metadata))
            try check(response.initialMetadata.first("x-weft-echo-initial") == "test_initial_metadata_value", "initial metadata not echoed")
            try check(response.trailingMetadata["x-weft-echo-trailing-bin"] == [.binary([0xAB, 0xAB, 0xAB])], "trailing metadata not echoed")
        },
        InteropCase(name: "status_code_and_message", needsNetwork: false) { clients in
            try await expectStatus(.unknown, message: "test status message") {
                _ = try await clients.test.unaryCall(SimpleRequest(responseStatus: EchoStatus(code: 2, message: "test status message")))
            }
        },
        // Weft's extension of the interop suite: the echoed status carries a google.rpc.ErrorInfo
        // in grpc-status-details-bin (reason ECHOED_STATUS, the code in its metadata).
        InteropCase(name: "status_details", needsNetwork: false) { clients in
            do {
                _ = try await clients.test.unaryCall(SimpleRequest(responseStatus: EchoStatus(code: 9, message: "with details")))
                throw InteropFailure(description: "expected FAILED_PRECONDITION, but the call succeeded")
            } catch let status as Status {
                try check(status.code == .failedPrecondition && status.message == "with details", "got \(status)")
                let info = status.detail(Google_Rpc_ErrorInfo.self)
                try check(info?.reason == InteropTestService.echoedStatusReason && info?.domain == InteropTestService.errorDomain
                    && info?.metadata[ProtoString("code")] == "9", "details: \(status.details)")
            }
        },
        InteropCase(name: "special_status_message", needsNetwork: false) { clients in
            let message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n 100%"
            try await expectStatus(.unknown, message: message) {
                _ = try await clients.test.unaryCall(SimpleRequest(responseStatus: EchoStatus(code: 2, message: message)))
            }
        },
        InteropCase(name: "streaming_output_status", needsNetwork: false) { clients in
            let request = StreamingOutputCallRequest(
                responseParameters: [ResponseParameters(size: 10), ResponseParameters(size: 20)],
                responseStatus: EchoStatus(code: 9, message: "after two"))
            var received = 0
            try await expectStatus(.failedPrecondition, message: "after two") {
                try await clients.test.streamingOutputCall(request) { responses in
                    for try await _ in responses { received += 1 }
                }
            }
            try check(received == 2, "got \(received) messages before the status")
        },
        InteropCase(name: "unimplemented_method", needsNetwork: false) { clients in
            try await expectStatus(.unimplemented) { _ = try await clients.test.unimplementedCall(Empty()) }
        },
        InteropCase(name: "unimplemented_service", needsNetwork: false) { clients in
            try await expectStatus(.unimplemented) { _ = try await clients.unimplemented.unimplementedCall(Empty()) }
        },
        InteropCase(name: "timeout_on_sleeping_server", needsNetwork: false) { clients in
            // The server would answer after ten minutes; the deadline must end the call long before.
            let request = StreamingOutputCallRequest(responseParameters: [ResponseParameters(size: 1, intervalUs: 600_000_000)])
            let started = ContinuousClock.now
            try await expectStatus(.deadlineExceeded) {
                try await clients.test.streamingOutputCall(request, options: CallOptions(timeout: .milliseconds(200))) { responses in
                    for try await _ in responses {}
                }
            }
            try check(ContinuousClock.now - started < .seconds(120), "the call lasted until the server answered, not until its deadline")
        },
        InteropCase(name: "cancel_after_first_response", needsNetwork: false) { clients in
            let request = StreamingOutputCallRequest(responseParameters: [
                ResponseParameters(size: 1), ResponseParameters(size: 1, intervalUs: 600_000_000),
            ])
            let started = ContinuousClock.now
            let first = try await clients.test.streamingOutputCall(request) { responses in
                // Leaving the closure after one response cancels the rest of the call.
                try await responses.first { _ in true }
            }
            try check(first != nil, "no first response")
            try check(ContinuousClock.now - started < .seconds(120), "cancellation did not end the call (it lasted until the server's second answer)")
        },
        InteropCase(name: "echo_kitchen_sink", needsNetwork: false) { clients in
            let sink = KitchenSink(
                fInt32: -1, fInt64: .min, fUint64: .max, fDouble: -0.5, fString: "ünïcode 😈", fBytes: Data([0, 255]),
                color: .unrecognized(7), inner: .init(id: 1, marks: [-1, 1]), rInt32: [-1, 0, 1],
                mStringInt64: ["": 0, "k": -1], oInt32: 0, choice: .cString(""), fMaxTag: .max)
            let echoed = try await clients.test.echoKitchenSink(sink)
            try check(echoed == sink, "the echoed KitchenSink differs")
        },
        InteropCase(name: "concurrent_100", needsNetwork: false) { clients in
            try await withThrowingTaskGroup(of: Int32.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await clients.test.unaryCall(SimpleRequest(responseSize: Int32(index))).payload.map { Int32($0.body.count) } ?? 0
                    }
                }
                var total: Int32 = 0
                for try await size in group { total += size }
                try check(total == 4_950, "the 100 calls returned \(total) bytes in all")
            }
        },
        InteropCase(name: "oversize_request", needsNetwork: true) { clients in
            try await expectStatus(.resourceExhausted) {
                _ = try await clients.test.unaryCall(SimpleRequest(payload: zeros(4 * 1024 * 1024 + 16)))
            }
            _ = try await clients.test.emptyCall(Empty())  // the connection is still usable
        },
        InteropCase(name: "max_size_response", needsNetwork: true) { clients in
            let response = try await clients.test.unaryCall(SimpleRequest(responseSize: 4 * 1024 * 1024))
            try check(response.payload?.body.count == 4 * 1024 * 1024, "the 4 MiB response was cut short")
        },
        InteropCase(name: "gzip_request", needsNetwork: true) { clients in
            let response = try await clients.test.unaryCall(
                SimpleRequest(responseSize: 10, payload: zeros(100_000)), options: CallOptions(compression: .gzip))
            try check(response.receivedPayloadSize == 100_000, "server saw \(response.receivedPayloadSize) bytes")
        },
    ]

    /// Runs `cases`, printing `PASS name` / `FAIL name: reason` and a final `N passed, M failed`.
    public static func run(
        _ cases: [InteropCase], transport: any ClientTransport, print: (String) -> Void
    ) async -> (passed: Int, failed: Int) {
        let clients = InteropClients(transport: transport)
        var passed = 0
        var failed = 0
        for testCase in cases {
            do {
                try await testCase.run(clients)
                passed += 1
                print("PASS \(testCase.name)")
            } catch {
                failed += 1
                print("FAIL \(testCase.name): \(error)")
            }
        }
        print("\(passed) passed, \(failed) failed")
        return (passed, failed)
    }
}
