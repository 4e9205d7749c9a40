// Round robin vs power of two choices with one slow endpoint: three servers of the same echo
// service on loopback, one answering 20 ms late; 16 concurrent callers through one MeshChannel;
// calls/s and latency percentiles for each balancing rule.
//   mesh-balancing [calls]
import Foundation
import WeftInterop
import WeftMesh
import WeftRPC

/// The interop UnaryCall, answered after `delay`.
struct SlowableTestService: TestService.Handler {
    let delay: Duration
    let base = InteropTestService()

    func unaryCall(_ request: SimpleRequest, context: ServerContext) async throws -> SimpleResponse {
        if delay > .zero { try await Task.sleep(for: delay) }
        return try await base.unaryCall(request, context: context)
    }

    func emptyCall(_ request: Empty, context: ServerContext) async throws -> Empty { Empty() }
    func streamingOutputCall(_ request: StreamingOutputCallRequest, responses: ResponseWriter<StreamingOutputCallResponse>, context: ServerContext) async throws {}
    func streamingInputCall(_ requests: RequestStream<StreamingInputCallRequest>, context: ServerContext) async throws -> StreamingInputCallResponse { StreamingInputCallResponse() }
    func fullDuplexCall(_ requests: RequestStream<StreamingOutputCallRequest>, responses: ResponseWriter<StreamingOutputCallResponse>, context: ServerContext) async throws {}
    func halfDuplexCall(_ requests: RequestStream<StreamingOutputCallRequest>, responses: ResponseWriter<StreamingOutputCallResponse>, context: ServerContext) async throws {}
    func unimplementedCall(_ request: Empty, context: ServerContext) async throws -> Empty { Empty() }
    func echoKitchenSink(_ request: KitchenSink, context: ServerContext) async throws -> KitchenSink { request }
}

let calls = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8000
let workers = 16
let servers = [
    try await MeshServer.start(port: 0, tls: nil, services: [SlowableTestService(delay: .milliseconds(20))], health: false),
    try await MeshServer.start(port: 0, tls: nil, services: [SlowableTestService(delay: .zero)], health: false),
    try await MeshServer.start(port: 0, tls: nil, services: [SlowableTestService(delay: .zero)], health: false),
]
let endpoints = servers.map { Endpoint(host: "127.0.0.1", port: $0.port) }
let request = SimpleRequest(responseSize: 100, payload: Payload(body: Data(count: 100)))

func microseconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds) * 1_000_000 + Int(duration.components.attoseconds / 1_000_000_000_000)
}

for round in 1...2 {
    for (name, balancing) in [("round robin", Balancing.roundRobin), ("power of two choices", Balancing.powerOfTwoChoices)] {
        let channel = MeshChannel(endpoints: endpoints, tls: nil, configuration: .defaults.with { $0.balancing = balancing })
        let client = TestService.Client(transport: channel)
        for _ in 0..<200 { _ = try await client.unaryCall(request) }  // connect and warm up
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var mine: [Duration] = []
                    for _ in 0..<(calls / workers) {
                        let begun = ContinuousClock.now
                        _ = try await client.unaryCall(request)
                        mine.append(.now - begun)
                    }
                    return mine
                }
            }
            var all: [Duration] = []
            for try await some in group { all += some }
            return all
        }.sorted()
        let seconds = Double(microseconds(.now - started)) / 1e6
        func percentile(_ p: Double) -> Int { microseconds(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) }
        print("round \(round), \(name): \(Int(Double(latencies.count) / seconds)) calls/s, p50 \(percentile(0.5)) µs, p99 \(percentile(0.99)) µs")
        await channel.close()
    }
}
for server in servers { try await server.shutdown(gracePeriod: .seconds(1)) }
