import Synchronization
/// How a dispatched call's responses reach the client: implemented by the HTTP/2 server
/// stream (and by the in-process transport).
public protocol ServerResponder: Sendable {
    /// Sends the response headers with the handler's initial metadata, announcing
    /// `compression` (`grpc-encoding`) unless it is `identity`.
    func sendHeaders(_ metadata: Metadata, compression: CompressionAlgorithm) async throws
    /// Sends one response message (after the headers), compressed with the algorithm the
    /// headers announced.
    func send(_ message: [UInt8], compression: CompressionAlgorithm) async throws
    /// Ends the call with `status`. When no headers were sent, `trailersOnly` is true and the
    /// status travels in a Trailers-Only response.
    func finish(status: Status, trailers: Metadata, trailersOnly: Bool) async
}

/// Routes calls to registered methods and runs them: deadlines, statuses from what handlers
/// throw, initial metadata before the first message, trailers at the end.
public struct CallDispatcher: Sendable {
    /// Request metadata a handler's outgoing calls carry on by default: W3C `tracestate` and
    /// `baggage` (which travel with `traceparent`) and `x-request-id`.
    public static let defaultPropagatedMetadataKeys: Set<String> = ["tracestate", "baggage", "x-request-id"]

    /// The message sent for a status the handler's own outgoing call's transport made.
    static let dependencyFailed = "a call this service depends on failed"

    private let methods: [String: ServerMethod]
    /// A short list, searched: hashing every request metadata key cost more.
    private let propagatedMetadataKeys: [String]
    private let responseCompression: CompressionAlgorithm

    /// A dispatcher for `services`, each call running through `interceptors` (the first one
    /// outermost); a later service's method replaces an earlier one's path. Handlers' outgoing
    /// calls inherit the request metadata named in `propagatedMetadataKeys` (lowercase).
    /// Responses are compressed with `responseCompression` when the client accepts it (a
    /// handler can choose for its own call through `ServerContext.compressResponses`).
    public init(
        services: [any RegisteredService], interceptors: [any ServerInterceptor] = [],
        propagatedMetadataKeys: Set<String> = CallDispatcher.defaultPropagatedMetadataKeys,
        responseCompression: CompressionAlgorithm = .identity
    ) {
        self.propagatedMetadataKeys = Array(propagatedMetadataKeys)
        self.responseCompression = responseCompression
        var methods: [String: ServerMethod] = [:]
        for service in services {
            for method in service.serverMethods {
                methods[method.descriptor.path] = interceptors.isEmpty ? method : method.intercepted(by: interceptors)
            }
        }
        self.methods = methods
    }

    /// The paths this dispatcher serves.
    public var paths: [String] { methods.keys.sorted() }

    /// Serves one call whose request headers were `head`; returns when it has ended.
    /// `cancelledAt` is the call's deadline when the caller itself cancels the serving task then
    /// (the HTTP/2 server does, with a timer on its event loop, armed when the headers arrived);
    /// when nil the deadline runs from now and the handler races a timer task of the
    /// dispatcher's own.
    public func serve(
        head: RequestHead, peerIdentity: String?, requests: any MessageSource, responder: any ServerResponder,
        cancelledAt enforcedDeadline: ContinuousClock.Instant? = nil
    ) async {
        guard let method = methods[head.path] else {
            await responder.finish(
                status: Status(.unimplemented, "method \(head.path) is not implemented"), trailers: Metadata(), trailersOnly: true)
            return
        }
        let deadline = enforcedDeadline ?? head.timeout.map { ContinuousClock.now + $0 }
        let context = ServerContext(
            path: head.path, requestMetadata: head.metadata, deadline: deadline, peerIdentity: peerIdentity,
            acceptEncoding: head.acceptEncoding)
        if responseCompression != .identity { context.compressResponses(with: responseCompression) }
        let sink = HeadersFirstSink(responder: responder, context: context)
        var propagated = Metadata()
        for (key, value) in head.metadata where propagatedMetadataKeys.contains(key) { propagated.add(key, value) }
        let inherited = InheritedCallContext(
            deadline: deadline, traceParent: head.metadata.first("traceparent").flatMap(TraceParent.init(header:)) ?? .newTrace(),
            metadata: propagated)
        let status = await InheritedCallContext.$current.withValue(inherited) {
            await Self.run(method, requests: requests, sink: sink, context: context, deadline: deadline, cancelledAtDeadline: enforcedDeadline != nil)
        }
        var headersSent = sink.headersSent
        if status.isOK, !headersSent {
            // An OK call without messages still answers with headers, then trailers.
            try? await responder.sendHeaders(context.initialMetadata, compression: context.responseCompression)
            headersSent = true
        }
        // A Trailers-Only response is the only header block, so it carries the initial metadata too.
        var trailers = headersSent ? Metadata() : context.initialMetadata
        for (key, value) in context.trailingMetadata { trailers.add(key, value) }
        await responder.finish(status: status, trailers: trailers, trailersOnly: !headersSent)
    }

    /// Runs the handler, racing it against the deadline; the status it ends with. At the
    /// deadline the handler's task is cancelled; the call ends once the handler returns, which
    /// cooperative cancellation makes prompt for handlers that await.
    private static func run(
        _ method: ServerMethod, requests: any MessageSource, sink: HeadersFirstSink, context: ServerContext,
        deadline: ContinuousClock.Instant?, cancelledAtDeadline: Bool
    ) async -> Status {
        guard let deadline else { return await runHandler(method, requests: requests, sink: sink, context: context) }
        if cancelledAtDeadline {
            let status = await runHandler(method, requests: requests, sink: sink, context: context)
            // A handler that ends past its deadline (cancelled then, or not listening) missed it.
            return ContinuousClock.now >= deadline ? Status(.deadlineExceeded, "the deadline passed") : status
        }
        return await withTaskGroup(of: Status?.self) { group in
            group.addTask { await runHandler(method, requests: requests, sink: sink, context: context) }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return Task.isCancelled ? nil : Status(.deadlineExceeded, "the deadline passed")
            }
            // The first to finish decides; the other (handler or timer) is cancelled.
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? Status(.cancelled, "the call was cancelled")
        }
    }

    /// The handler's outcome as a status. A status this process's transport made (the handler's
    /// own outgoing call failed and it let that escape) keeps its code but not its message,
    /// which may name endpoints, certificates or identities the caller has no business seeing;
    /// interceptors, which run inside the method, still see it whole.
    private static func runHandler(
        _ method: ServerMethod, requests: any MessageSource, sink: HeadersFirstSink, context: ServerContext
    ) async -> Status {
        do {
            try await method.run(requests, sink, context)
            return .ok
        } catch let status as Status where status.origin.isTransport {
            return Status(status.code, dependencyFailed)
        } catch let status as Status {
            return status
        } catch let convertible as any StatusConvertible {
            return convertible.status
        } catch is CancellationError {
            return Status(.cancelled, "the call was cancelled")
        } catch {
            return Status(.unknown, "the handler failed: \(type(of: error))")
        }
    }
}

/// Sends the response headers (with the handler's initial metadata) just before the first
/// message, so metadata set before the first `write` is included. One handler writes at a time.
final class HeadersFirstSink: MessageSink {
    let responder: any ServerResponder
    let context: ServerContext
    private let sentHeaders = Atomic(false)

    init(responder: any ServerResponder, context: ServerContext) {
        self.responder = responder
        self.context = context
    }

    var headersSent: Bool { sentHeaders.load(ordering: .relaxed) }

    func write(_ message: [UInt8]) async throws {
        // The headers fix the encoding: a handler's later choice does not change it mid-stream.
        if !sentHeaders.exchange(true, ordering: .relaxed) {
            try await responder.sendHeaders(context.initialMetadata, compression: context.lockResponseCompression())
        }
        try await responder.send(message, compression: context.responseCompression)
    }
}
