#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WeftMessages
import WeftRPC

/// `weft.interop.v1.TestService` exactly as Sources/WeftInterop/interop.proto's comments specify:
/// the reference server acceptance tests run against.
public struct InteropTestService: TestService.Handler {
    public init() {}

    public func emptyCall(_ request: Empty, context: ServerContext) async throws -> Empty {
        echoMetadata(context)
        return Empty()
    }

    public func unaryCall(_ request: SimpleRequest, context: ServerContext) async throws -> SimpleResponse {
        echoMetadata(context)
        try failIfAsked(request.responseStatus)
        return SimpleResponse(
            payload: try payload(size: request.responseSize),
            receivedPayloadSize: Int32(request.payload?.body.count ?? 0)
        )
    }

    public func streamingOutputCall(
        _ request: StreamingOutputCallRequest, responses: ResponseWriter<StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        echoMetadata(context)
        try await send(request.responseParameters, to: responses)
        try failIfAsked(request.responseStatus)
    }

    public func streamingInputCall(
        _ requests: RequestStream<StreamingInputCallRequest>, context: ServerContext
    ) async throws -> StreamingInputCallResponse {
        echoMetadata(context)
        var total = 0
        for try await request in requests { total += request.payload?.body.count ?? 0 }
        return StreamingInputCallResponse(aggregatedPayloadSize: Int32(clamping: total))
    }

    public func fullDuplexCall(
        _ requests: RequestStream<StreamingOutputCallRequest>, responses: ResponseWriter<StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        echoMetadata(context)
        for try await request in requests {
            try failIfAsked(request.responseStatus)
            try await send(request.responseParameters, to: responses)
        }
    }

    public func halfDuplexCall(
        _ requests: RequestStream<StreamingOutputCallRequest>, responses: ResponseWriter<StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        echoMetadata(context)
        var buffered: [StreamingOutputCallRequest] = []
        for try await request in requests { buffered.append(request) }
        for request in buffered {
            try failIfAsked(request.responseStatus)
            try await send(request.responseParameters, to: responses)
        }
    }

    /// The contract forbids implementing this method; it answers as an unregistered one would.
    public func unimplementedCall(_ request: Empty, context: ServerContext) async throws -> Empty {
        throw Status(.unimplemented, "method \(context.path) is not implemented")
    }

    public func echoKitchenSink(_ request: KitchenSink, context: ServerContext) async throws -> KitchenSink {
        echoMetadata(context)
        return request
    }

    /// Section 3: `x-weft-echo-initial` comes back in the response headers,
    /// `x-weft-echo-trailing-bin` in the trailers.
    private func echoMetadata(_ context: ServerContext) {
        var initial = Metadata()
        var trailing = Metadata()
        for (key, value) in context.requestMetadata {
            switch (key, value) {
            case ("x-weft-echo-initial", .text(let text)): initial.add(key, text)
            case ("x-weft-echo-trailing-bin", .binary(let bytes)): trailing.add(key, binary: bytes)
            default: break
            }
        }
        if !initial.isEmpty { context.addInitialMetadata(initial) }
        if !trailing.isEmpty { context.addTrailingMetadata(trailing) }
    }

    /// The `google.rpc.ErrorInfo` reason and domain an echoed status carries.
    public static let echoedStatusReason = "ECHOED_STATUS"
    public static let errorDomain = "interop.weft.dev"

    /// Throws the status the request asks for, with an ErrorInfo naming its code as its detail.
    private func failIfAsked(_ status: EchoStatus?) throws {
        guard let status, status.code != 0 else { return }
        let info = Google_Rpc_ErrorInfo(
            reason: Self.echoedStatusReason, domain: Self.errorDomain, metadata: [ProtoString("code"): String(status.code)])
        throw Status(Status.Code(rawValue: Int(status.code)), status.message, details: [Google_Protobuf_Any(packing: info)])
    }

    /// The largest response payload served: twice what the contract requires to work (4 MiB),
    /// so that a request cannot make the server allocate gigabytes.
    static let maximumPayloadSize: Int32 = 8 << 20

    private func payload(size: Int32) throws -> Payload? {
        guard size >= 0 else { throw Status(.invalidArgument, "response size \(size) is negative") }
        guard size <= Self.maximumPayloadSize else {
            throw Status(.resourceExhausted, "response size \(size) is above the \(Self.maximumPayloadSize) bytes this server sends")
        }
        return size == 0 ? nil : Payload(body: Data(count: Int(size)))
    }

    private func send(
        _ parameters: [ResponseParameters], to responses: ResponseWriter<StreamingOutputCallResponse>
    ) async throws {
        for parameter in parameters {
            if parameter.intervalUs > 0 { try await Task.sleep(for: .microseconds(parameter.intervalUs)) }
            try await responses.write(StreamingOutputCallResponse(payload: try payload(size: parameter.size)))
        }
    }
}
