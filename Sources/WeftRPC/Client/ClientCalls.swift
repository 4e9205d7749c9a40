#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization
import WeftMessages

/// The four call kinds on top of a `ClientTransport`; generated clients call these. Each call
/// lives inside the function: when it returns or throws, or its task is cancelled, an unfinished
/// call is cancelled.
public enum ClientCalls {
    /// One request, one response. (The typed calls are `@inlinable`: a generated client's
    /// module then encodes and decodes its own message types directly, not through
    /// unspecialized generic code.)
    @inlinable public static func unary<Request: WeftMessage, Response: WeftMessage>(
        _ transport: any ClientTransport, _ method: MethodDescriptor, _ request: Request, options: CallOptions
    ) async throws -> ClientResponse<Response> {
        try decoded(try await transport.unary(method, request: request.serializedBytes(), options: options.inheriting()))
    }

    /// One request, a stream of responses handled by `onResponse`.
    @inlinable public static func serverStreaming<Request: WeftMessage, Response: WeftMessage, Result: Sendable>(
        _ transport: any ClientTransport, _ method: MethodDescriptor, _ request: Request, options: CallOptions,
        onResponse: (ResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        try await withCall(transport, method, options.inheriting()) { call in
            try await call.send(request.serializedBytes())
            try await call.finishRequests()
            return try await onResponse(ResponseStream(call: call))
        }
    }

    /// Requests written by `requests`, then one response.
    @inlinable public static func clientStreaming<Request: WeftMessage, Response: WeftMessage>(
        _ transport: any ClientTransport, _ method: MethodDescriptor, options: CallOptions,
        requests: (RequestWriter<Request>) async throws -> Void
    ) async throws -> ClientResponse<Response> {
        try await withCall(transport, method, options.inheriting()) { call in
            try await requests(RequestWriter(call: call))
            try await call.finishRequests()
            return try await onlyResponse(of: call)
        }
    }

    /// Requests written by `requests` while `onResponse` reads the responses, concurrently.
    @inlinable public static func bidirectionalStreaming<Request: WeftMessage, Response: WeftMessage, Result: Sendable>(
        _ transport: any ClientTransport, _ method: MethodDescriptor, options: CallOptions,
        requests: @escaping @Sendable (RequestWriter<Request>) async throws -> Void,
        onResponse: (ResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        try await withCall(transport, method, options.inheriting()) { call in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await requests(RequestWriter(call: call))
                        try await call.finishRequests()
                    } catch {
                        call.cancel()
                        throw error
                    }
                }
                let result = try await onResponse(ResponseStream(call: call))
                // The responses are done; a writer still running has nobody to talk to.
                call.cancel()
                group.cancelAll()
                try? await group.waitForAll()
                return result
            }
        }
    }

    /// A call on raw message bytes, for proxies and gateways that hold no generated types:
    /// `body` sends, half-closes and reads through the call, with the same deadline and
    /// cancellation handling as the typed calls.
    public static func raw<Result: Sendable>(
        _ transport: any ClientTransport, _ method: MethodDescriptor, options: CallOptions,
        _ body: (any ClientCall) async throws -> Result
    ) async throws -> Result {
        try await withCall(transport, method, options.inheriting(), body)
    }

    @usableFromInline static func withCall<Result: Sendable>(
        _ transport: any ClientTransport, _ method: MethodDescriptor, _ options: CallOptions,
        _ body: (any ClientCall) async throws -> Result
    ) async throws -> Result {
        let call = try await transport.startCall(method, options: options)
        // The server enforces the deadline too; this timer is the client's own backstop for a
        // server that never answers.
        let expired = ExpiryFlag()
        let timer = options.timeout.map { timeout in
            Task {
                try await Task.sleep(for: timeout)
                expired.set()
                call.cancel()
            }
        }
        defer { timer?.cancel() }
        do {
            return try await withTaskCancellationHandler {
                defer { call.cancel() }
                return try await body(call)
            } onCancel: {
                call.cancel()
            }
        } catch let status as Status where status.code == .cancelled && expired.isSet {
            throw Status.transport(.deadlineExceeded, "the deadline passed before the server answered")
        }
    }

    @inlinable static func onlyResponse<Response: WeftMessage>(of call: any ClientCall) async throws -> ClientResponse<Response> {
        try decoded(try await onlyRawResponse(of: call))
    }

    /// The single response of a call whose requests are all sent (for `raw` bodies of unary and
    /// client-streaming rpcs): none, or a second one, fails.
    public static func onlyRawResponse(of call: any ClientCall) async throws -> RawUnaryResponse {
        let initial = try await call.initialMetadata()
        guard let message = try await call.next() else { throw Status.okWithoutResponse }
        guard try await call.next() == nil else { throw Status.secondResponse }
        return RawUnaryResponse(message: message, initialMetadata: initial, trailingMetadata: await call.trailingMetadata())
    }

    @inlinable static func decoded<Response: WeftMessage>(_ raw: RawUnaryResponse) throws -> ClientResponse<Response> {
        let message: Response
        do {
            message = try Response(serializedBytes: raw.message)
        } catch {
            throw Status.transport(.internal, "cannot decode \(Response.descriptor.fullName): \(error)")
        }
        return ClientResponse(message: message, initialMetadata: raw.initialMetadata, trailingMetadata: raw.trailingMetadata)
    }
}

/// Whether a call's client-side deadline timer has fired.
private final class ExpiryFlag: Sendable {
    private let fired = Atomic(false)

    func set() { fired.store(true, ordering: .relaxed) }
    var isSet: Bool { fired.load(ordering: .relaxed) }
}

extension Status {
    /// A single-response call that ended OK without its response.
    package static let okWithoutResponse = Status.transport(.internal, "the server ended the call with OK but sent no response")
    /// A single-response call that got two.
    package static let secondResponse = Status.transport(.internal, "the server sent more than one response to a single-response call")
}
