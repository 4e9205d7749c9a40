import Logging
import Synchronization
import Testing
import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// The call log's entries, captured by a swift-log handler.
@Suite struct CallLogTests {
    /// Where the handler keeps the entries.
    final class Entries: Sendable {
        let list = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
    }

    /// Keeps every entry.
    struct Capture: LogHandler {
        let entries: Entries
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            entries.list.withLock { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
        }
    }

    @Test func everyCallIsOneEntryWithItsOutcome() async throws {
        let entries = Entries()
        let logger = Logger(label: "test") { _ in Capture(entries: entries) }
        let server = try await MeshServer.start(port: 0, tls: nil, services: [Echo()], interceptors: [CallLogInterceptor(logger: logger)])
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
            channel, Echo().serverMethods[0].descriptor, HealthCheckRequest(), options: CallOptions())
        _ = try? await Health.Client(transport: channel).check(HealthCheckRequest(service: "no.Such"))
        let logged = entries.list.withLock { $0 }
        #expect(logged.count == 2)
        #expect(logged[0].0 == .debug && logged[0].1 == "call ended")
        #expect(logged[0].2["method"]?.description == "/weft.mesh.test.Echo/Say" && logged[0].2["code"]?.description == "OK")
        #expect(logged[0].2["trace"] != nil && logged[0].2["peer"]?.description == "-")
        // NOT_FOUND is an answer, not a fault of the service: info, not warning.
        #expect(logged[1].0 == .info && logged[1].2["code"]?.description == "NOT_FOUND")
        try await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }
}
