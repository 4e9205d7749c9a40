import Logging
import ServiceLifecycle

/// Runs until SIGTERM or SIGINT, then calls `drain` (a server's GOAWAY drain) and returns: the
/// one signal path every Weft executable takes, through swift-service-lifecycle.
public func serveUntilTerminated(
    logger: Logger = Logger(label: "weft"), drain: @escaping @Sendable () async throws -> Void
) async throws {
    try await runUntilTerminated(DrainOnShutdown(drain: drain), logger: logger)
}

/// Runs `service` in a group of its own that SIGTERM or SIGINT shuts down gracefully.
func runUntilTerminated(_ service: some Service, logger: Logger) async throws {
    try await ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
}

/// A lifecycle service that only waits for the group's graceful shutdown, then drains.
private struct DrainOnShutdown: Service {
    let drain: @Sendable () async throws -> Void

    func run() async throws {
        // Returns when the group shuts down gracefully; throws if it is cancelled instead, in
        // which case there is nothing to wait for either.
        try? await gracefulShutdown()
        try await drain()
    }
}
