import WeftMessages

/// A call the gateway or the service refused: the HTTP status and the error body every Weft
/// route answers with, `{"code": …, "message": …, "details": […]}` (the gRPC status as JSON).
public struct RESTError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status (e.g. 404).
    public let httpStatus: Int
    /// The gRPC status code (e.g. 5, NOT_FOUND); 2 (UNKNOWN) when the body had none.
    public let code: Int
    /// The status message.
    public let message: String
    /// The status details as proto3 JSON, each an object with its `@type`.
    public let details: [JSONValue]

    /// An error with these parts (for tests and wrappers; calls read it from the answer).
    public init(httpStatus: Int, code: Int, message: String, details: [JSONValue] = []) {
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.details = details
    }

    /// Reads the error body of an answer with status `httpStatus`; a body that is not the
    /// status JSON (a proxy's HTML page, say) becomes the message.
    init(httpStatus: Int, body: [UInt8]) {
        let parsed = try? body.withUnsafeBytes { try JSONValue(parsing: $0) }
        guard case .object(let members)? = parsed else {
            self.init(httpStatus: httpStatus, code: 2, message: String(decoding: body.prefix(512), as: UTF8.self))
            return
        }
        func member(_ name: String) -> JSONValue? { members.first { $0.0 == name }?.1 }
        var code = 2
        if case .number(let text)? = member("code"), let number = Int(text) { code = number }
        var message = ""
        if case .string(let text)? = member("message") { message = text }
        var details: [JSONValue] = []
        if case .array(let elements)? = member("details") { details = elements }
        self.init(httpStatus: httpStatus, code: code, message: message, details: details)
    }

    /// `HTTP 404, status 5: no book …`.
    public var description: String {
        "HTTP \(httpStatus), status \(code): \(message)"
    }
}
