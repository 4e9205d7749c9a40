import WeftRPC

/// HTTP header fields in order; names lowercase.
package typealias HTTPFields = [(name: String, value: String)]

extension String {
    /// Whether an ASCII upper-case letter is in it: header names mostly arrive lowercase (HTTP/2
    /// requires it), and lowercasing one that is costs an allocation.
    var hasUpperCase: Bool {
        utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }
}

/// An HTTP request as a front received it, whatever the protocol: the body complete (its size
/// already checked against the limit). Immutable, and a class: each request's closures and
/// exchanges share it rather than copying its strings.
package final class GatewayRequest: Sendable {
    /// The HTTP method, as sent (upper case).
    package let method: String
    /// The path without the query string, still percent-encoded.
    package let path: String
    /// Query parameters in order, percent-decoded (`+` is a space).
    package let query: [(String, String)]
    /// Header fields; names lowercase.
    package let headers: HTTPFields
    /// The whole body (empty when none was sent).
    package let body: [UInt8]
    /// The client's IP address, the rate-limit key of last resort.
    package let clientAddress: String
    /// The identity the client's certificate proves, when the gateway is embedded in a
    /// mutual-TLS server: the in-process call's caller, as the service's policy sees it.
    package let callerIdentity: String?

    /// A request for `target` (path and query, as on the request line).
    package init(method: String, target: String, headers: HTTPFields, body: [UInt8], clientAddress: String, callerIdentity: String? = nil) {
        self.callerIdentity = callerIdentity
        self.method = method
        // Found among the UTF-8 bytes: a Character-wise split costs grapheme breaking.
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.path = String(target[..<mark])
            self.query = Self.parseQuery(target[target.utf8.index(after: mark)...])
        } else {
            self.path = target
            self.query = []
        }
        self.headers = headers.contains { $0.name.hasUpperCase } ? headers.map { ($0.name.lowercased(), $0.value) } : headers
        self.body = body
        self.clientAddress = clientAddress
    }

    /// The first value of header `name` (lowercase).
    package func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    static func parseQuery(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&").map { pair in
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                PercentCoding.decode(String(text.replacing("+", with: " ")))
            }
            return (decode(keyValue[0]), keyValue.count > 1 ? decode(keyValue[1]) : "")
        }
    }
}

/// Where the gateway writes its answer; each front (HTTP/1.1, HTTP/2) implements it. A handler
/// calls either `respond` once, or `startStream`, any number of `writeChunk`s and `endStream`.
/// A writer for a HEAD request sends heads only: `respond` keeps the body's `content-length`
/// but not the body, and the gateway ends a stream right after `startStream`.
package protocol GatewayResponseWriter: Sendable {
    /// A complete response.
    func respond(status: Int, headers: HTTPFields, body: [UInt8]) async
    /// The head of a response whose body follows in chunks.
    func startStream(status: Int, headers: HTTPFields) async throws
    /// One chunk; returns once the front has handed it to the connection, so a slow client
    /// slows the stream down. Throws when the client has gone.
    func writeChunk(_ bytes: [UInt8]) async throws
    /// Ends a streamed body.
    func endStream() async
}
