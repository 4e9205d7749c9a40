import Logging
import WeftRPC

/// One structured log entry per call (swift-log): call id, method, caller identity, status code,
/// duration, and the trace id, so a call can be followed across services. OK calls log at
/// `okLevel` (debug: hidden at swift-log's default level); calls that end with an outcome the
/// caller caused or expects (NOT_FOUND, INVALID_ARGUMENT, a cancelled call…) at
/// `expectedFailureLevel` (info); those that point at a problem of the service or its
/// dependencies (`Status.Code.isServerFault`) at `failureLevel` (warning).
public struct CallLogInterceptor: ServerInterceptor {
    public let logger: Logger
    public var okLevel: Logger.Level = .debug
    public var expectedFailureLevel: Logger.Level = .info
    public var failureLevel: Logger.Level = .warning

    public init(logger: Logger = Logger(label: "weft.rpc")) {
        self.logger = logger
    }

    public func intercept(
        _ call: InterceptedServerCall, next: @Sendable (InterceptedServerCall) async throws -> Void
    ) async throws {
        let started = ContinuousClock.now
        var metadata: Logger.Metadata = [
            "call": "\(String(UInt64.random(in: 0 ... .max), radix: 16))",
            "method": "\(call.context.path)",
            "peer": "\(call.context.peerIdentity ?? "-")",
        ]
        if let trace = InheritedCallContext.current?.traceParent.traceID { metadata["trace"] = "\(trace)" }
        do {
            try await next(call)
            metadata["code"] = "OK"
            metadata["duration_ms"] = "\((ContinuousClock.now - started).inSeconds * 1000)"
            logger.log(level: okLevel, "call ended", metadata: metadata)
        } catch {
            let status = Status(error: error)
            metadata["code"] = "\(status.code)"
            metadata["message"] = "\(status.message)"
            metadata["duration_ms"] = "\((ContinuousClock.now - started).inSeconds * 1000)"
            logger.log(level: status.code.isServerFault ? failureLevel : expectedFailureLevel, "call failed", metadata: metadata)
            throw error
        }
    }
}
