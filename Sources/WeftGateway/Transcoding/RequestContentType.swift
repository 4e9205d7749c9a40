import WeftRPC

/// The request bodies the gateway reads, by `Content-Type`: JSON (`application/json` or any
/// `application/*+json`, e.g. `application/merge-patch+json`), and for a stream of requests
/// also newline-delimited JSON (`application/x-ndjson`, `application/ndjson`,
/// `application/jsonl`). Names are case-insensitive and parameters are allowed, but a charset,
/// when given, must be UTF-8. Anything else (a form, text, no type at all) is 415.
package enum RequestContentType {
    /// Whether a body sent as `contentType` (nil: the header is missing) can be read; `stream`
    /// for a client stream's body.
    package static func accepts(_ contentType: String?, stream: Bool) -> Bool {
        guard let contentType else { return false }
        var parts = contentType.split(separator: ";").map { $0.trimmingSpaces.lowercased() }
        guard !parts.isEmpty else { return false }
        let type = parts.removeFirst()
        let isJSON = type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
        let isLines = stream && ["application/x-ndjson", "application/ndjson", "application/jsonl"].contains(type)
        guard isJSON || isLines else { return false }
        return parts.allSatisfy { parameter in
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
            guard pair.first == "charset" else { return true }
            return pair.count == 2 && ["utf-8", "\"utf-8\""].contains(pair[1])
        }
    }

    /// The type a client should send instead.
    package static func expected(stream: Bool) -> String {
        stream ? "application/x-ndjson" : "application/json"
    }
}
