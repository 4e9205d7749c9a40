// Each framework's own client as the load: unary UnaryCall (100-byte payload both ways) or
// FullDuplexCall ping-pong (one 100-byte message each way per round trip) over C connections
// with M concurrent calls or streams each, reporting calls/s and latency percentiles.
//   rpc-load weft|grpc-swift HOST:PORT [--ca CA --cert CERT --key KEY] [--connections C]
//            [--streams M] [--calls N] [--bidi]
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCSwiftSupport
import Synchronization
import SwiftProtobufInterop
import WeftInterop
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

let arguments = CommandLine.arguments
func value(_ flag: String) -> String? {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
let framework = arguments[1]
let target = arguments[2].split(separator: ":")
let (host, port) = (String(target[0]), Int(target[1])!)
let connections = Int(value("--connections") ?? "1")!
let streams = Int(value("--streams") ?? "1")!
let calls = Int(value("--calls") ?? "10000")!
let bidi = arguments.contains("--bidi")
let pem = value("--ca").map { (ca: $0, cert: value("--cert")!, key: value("--key")!) }
let perWorker = max(1, calls / (connections * streams))

/// One worker's loop: `perWorker` round trips, each timed.
typealias Worker = @Sendable () async throws -> [Duration]

/// Runs `connections × streams` workers at once; the wall time and every latency.
func measure(_ makeWorker: (Int) async throws -> Worker) async throws -> (Duration, [Duration]) {
    var workers: [Worker] = []
    for index in 0..<(connections * streams) { workers.append(try await makeWorker(index / streams)) }
    let started = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
        for worker in workers { group.addTask { try await worker() } }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    return (ContinuousClock.now - started, latencies)
}

/// Round trips of a ping-pong stream: `send` a message, wait until `received` yields.
final class PingPong: Sendable {
    let (turns, turn) = AsyncStream.makeStream(of: Void.self)
    let sentAt = Mutex(ContinuousClock.now)
    let latencies = Mutex([Duration]())

    func didSend() { sentAt.withLock { $0 = .now } }
    func didReceive() {
        let sent = sentAt.withLock { $0 }
        latencies.withLock { $0.append(.now - sent) }
        turn.yield()
    }
}

func weftWorkers() async throws -> (Duration, [Duration]) {
    let tls = try pem.map { try TLSContext(.client(certificateChain: $0.cert, privateKey: $0.key, trustRoots: $0.ca, serverName: host)) }
    var channels: [GRPCConnection] = []
    for _ in 0..<connections { channels.append(try await GRPCConnection.connect(host: host, port: port, tls: tls)) }
    let request = SimpleRequest(responseSize: 100, payload: Payload(body: Data(count: 100)))
    let ping = StreamingOutputCallRequest(responseParameters: [ResponseParameters(size: 100)], payload: Payload(body: Data(count: 100)))
    defer { for channel in channels { Task { try? await channel.close() } } }
    return try await measure { index in
        let client = TestService.Client(transport: channels[index])
        if !bidi {
            return {
                var latencies: [Duration] = []
                for _ in 0..<perWorker {
                    let started = ContinuousClock.now
                    _ = try await client.unaryCall(request)
                    latencies.append(.now - started)
                }
                return latencies
            }
        }
        return {
            let pingPong = PingPong()
            try await client.fullDuplexCall(requests: { writer in
                var turns = pingPong.turns.makeAsyncIterator()
                for _ in 0..<perWorker {
                    pingPong.didSend()
                    try await writer.write(ping)
                    _ = await turns.next()
                }
            }, onResponse: { responses in
                for try await _ in responses { pingPong.didReceive() }
            })
            return pingPong.latencies.withLock { $0 }
        }
    }
}

func grpcSwiftWorkers() async throws -> (Duration, [Duration]) {
    let security: HTTP2ClientTransport.Posix.TransportSecurity = pem.map { pem in
        .mTLS(certificateChain: [.file(path: pem.cert, format: .pem)], privateKey: .file(path: pem.key, format: .pem)) { config in
            config.trustRoots = .certificates([.file(path: pem.ca, format: .pem)])
        }
    } ?? .plaintext
    var request = Weft_Interop_V1_SimpleRequest()
    request.responseSize = 100
    request.payload.body = Data(count: 100)
    var ping = Weft_Interop_V1_StreamingOutputCallRequest()
    var parameters = Weft_Interop_V1_ResponseParameters()
    parameters.size = 100
    ping.responseParameters = [parameters]
    ping.payload.body = Data(count: 100)
    let (request_, ping_) = (request, ping)
    return try await withThrowingTaskGroup(of: (Duration, [Duration])?.self) { group in
        var clients: [GRPCClient<HTTP2ClientTransport.Posix>] = []
        for _ in 0..<connections {
            let client = GRPCClient(transport: try HTTP2ClientTransport.Posix(target: .ipv4(address: host, port: port), transportSecurity: security))
            clients.append(client)
            group.addTask { try await client.runConnections(); return nil }
        }
        let result = try await measure { index in
            let client = clients[index]
            if !bidi {
                return {
                    var latencies: [Duration] = []
                    for _ in 0..<perWorker {
                        let started = ContinuousClock.now
                        _ = try await client.unary(
                            request: ClientRequest(message: request_), descriptor: InteropMethods.unaryCall,
                            serializer: ProtobufSerializer<Weft_Interop_V1_SimpleRequest>(),
                            deserializer: ProtobufDeserializer<Weft_Interop_V1_SimpleResponse>(), options: .defaults
                        ) { try $0.message }
                        latencies.append(.now - started)
                    }
                    return latencies
                }
            }
            return {
                let pingPong = PingPong()
                let requests = StreamingClientRequest<Weft_Interop_V1_StreamingOutputCallRequest> { writer in
                    var turns = pingPong.turns.makeAsyncIterator()
                    for _ in 0..<perWorker {
                        pingPong.didSend()
                        try await writer.write(ping_)
                        _ = await turns.next()
                    }
                }
                try await client.bidirectionalStreaming(
                    request: requests, descriptor: InteropMethods.fullDuplexCall,
                    serializer: ProtobufSerializer<Weft_Interop_V1_StreamingOutputCallRequest>(),
                    deserializer: ProtobufDeserializer<Weft_Interop_V1_StreamingOutputCallResponse>(), options: .defaults
                ) { response in
                    for try await _ in response.messages { pingPong.didReceive() }
                }
                return pingPong.latencies.withLock { $0 }
            }
        }
        for client in clients { client.beginGracefulShutdown() }
        return result
    }
}

let (elapsed, latencies) = try await framework == "weft" ? weftWorkers() : grpcSwiftWorkers()
let sorted = latencies.sorted()
func microseconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds) * 1_000_000 + Int(duration.components.attoseconds / 1_000_000_000_000)
}
func percentile(_ p: Double) -> Int { microseconds(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) }
let seconds = Double(microseconds(elapsed)) / 1e6
print(
    "\(framework) \(bidi ? "bidi ping-pong" : "unary") \(connections)×\(streams): \(sorted.count) round trips, "
        + "\(Int(Double(sorted.count) / seconds)) /s, p50 \(percentile(0.5)) µs, p99 \(percentile(0.99)) µs")
