import WeftMessages
import WeftRPC

/// How a server-streaming call reaches an HTTP client: newline-delimited JSON by default, or
/// Server-Sent Events when the client's `Accept` asks for `text/event-stream`. Each message is
/// one event; the call's final status is always the last one.
public enum StreamingFormat: Sendable, Hashable {
    case ndjson
    case serverSentEvents

    /// The format an `Accept` header asks for.
    public init(accept: String?) {
        let wantsEvents = accept?.split(separator: ",").contains {
            $0.split(separator: ";").first?.trimmingSpaces == "text/event-stream"
        } ?? false
        self = wantsEvents ? .serverSentEvents : .ndjson
    }

    /// The response `Content-Type`.
    public var contentType: String {
        switch self {
        case .ndjson: "application/x-ndjson"
        case .serverSentEvents: "text/event-stream"
        }
    }

    /// One response message (its proto3 JSON) as a chunk of the stream.
    package func messageChunk(_ json: [UInt8]) -> [UInt8] {
        switch self {
        case .ndjson: Array(#"{"result":"#.utf8) + json + Array("}\n".utf8)
        case .serverSentEvents: Array("event: message\ndata: ".utf8) + json + Array("\n\n".utf8)
        }
    }

    /// The final chunk: the call's status.
    package func statusChunk(_ status: Status) -> [UInt8] {
        let body = ErrorResponse.body(for: status)
        switch self {
        case .ndjson: return Array(#"{"status":"#.utf8) + body + Array("}\n".utf8)
        case .serverSentEvents: return Array("event: status\ndata: ".utf8) + body + Array("\n\n".utf8)
        }
    }
}
