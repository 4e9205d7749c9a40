import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import WeftMessages

/// Calls a Weft gateway's JSON REST routes with URLSession (Apple platforms, and Linux through
/// FoundationNetworking), sending and receiving the same generated message types the services
/// use. Generated `…RESTClient` types call `call(_:_:options:)` once per unary rpc and
/// `serverStream(_:_:options:)` per server-streaming one.
public struct RESTClient: Sendable {
    /// Where the gateway is (`https://api.example.com`); route paths are appended to it.
    public let baseURL: URL
    /// The session requests go through.
    public let session: URLSession
    /// Options every call starts from.
    public let defaults: RESTCallOptions

    /// A client of the gateway at `baseURL`.
    public init(baseURL: URL, session: URLSession = .shared, defaults: RESTCallOptions = RESTCallOptions()) {
        self.baseURL = baseURL
        self.session = session
        self.defaults = defaults
    }

    /// This client with other default options (a new token after a refresh, say).
    public func with(defaults: RESTCallOptions) -> RESTClient {
        RESTClient(baseURL: baseURL, session: session, defaults: defaults)
    }

    /// Sends `request` along `route` and decodes the answer.
    ///
    /// - Throws: `RESTError` when the gateway answers with an error status, `RESTRequestError`
    ///   when the request does not fit the route (nothing is sent), `JSONDecodingError` when the
    ///   answer is not the response type, and URLSession's errors for the transport.
    public func call<Request: WeftMessage, Response: WeftMessage>(
        _ route: RESTRoute, _ request: Request, options: RESTCallOptions = RESTCallOptions()
    ) async throws -> Response {
        let urlRequest = try prepare(route, request, options: options, accept: "application/json")
        let (data, response) = try await session.data(for: urlRequest)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body = [UInt8](data)
        guard (200..<300).contains(status) else { throw RESTError(httpStatus: status, body: body) }
        return try Self.decode(body, responseBody: route.responseBody)
    }

    /// Sends `request` along a server-streaming `route` and yields each answer as it arrives
    /// (the gateway's NDJSON lines); the stream ends when the call's status does, throwing
    /// `RESTError` for any status but OK (as `typed` makes it: generated clients pass their
    /// typed errors' conversion). Ending the iteration early cancels the request.
    public func serverStream<Request: WeftMessage, Response: WeftMessage>(
        _ route: RESTRoute, _ request: Request, options: RESTCallOptions = RESTCallOptions(),
        typed: @escaping @Sendable (RESTError) -> any Error = { $0 }
    ) -> AsyncThrowingStream<Response, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Response, any Error>.makeStream()
        let reader = Task {
            do {
                let urlRequest = try prepare(route, request, options: options, accept: "application/x-ndjson")
                let answer = try await ResponseChunks.open(urlRequest, like: session)
                guard (200..<300).contains(answer.status) else {
                    throw RESTError(httpStatus: answer.status, body: try await answer.body())
                }
                var lines = NDJSONLines()
                for try await chunk in answer.chunks {
                    for line in lines.append(chunk) {
                        if let message: Response = try Self.streamed(line, httpStatus: answer.status, responseBody: route.responseBody) {
                            continuation.yield(message)
                        } else {
                            return continuation.finish()
                        }
                    }
                }
                throw RESTError(httpStatus: answer.status, code: 14, message: "the stream ended without the call's status")
            } catch let error as RESTError {
                continuation.finish(throwing: typed(error))
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in reader.cancel() }
        return stream
    }

    /// One line of a streamed answer: its message, or nil for the closing OK status.
    private static func streamed<Response: WeftMessage>(_ line: [UInt8], httpStatus: Int, responseBody: String) throws -> Response? {
        guard case .object(let members) = try line.withUnsafeBytes({ try JSONValue(parsing: $0) }),
              let (key, value) = members.first, members.count == 1
        else { throw RESTError(httpStatus: httpStatus, code: 13, message: "a stream line is not {\"result\": …} or {\"status\": …}") }
        if key == "result" { return try decode(value.utf8Bytes, responseBody: responseBody) }
        let status = RESTError(httpStatus: httpStatus, body: value.utf8Bytes)
        guard status.code == 0 else { throw status }
        return nil
    }

    /// Decodes an answer (a newer service may send fields this client does not know yet).
    private static func decode<Response: WeftMessage>(_ body: [UInt8], responseBody: String) throws -> Response {
        let decoding = JSONDecodingOptions(ignoreUnknownFields: true)
        guard !responseBody.isEmpty else { return try Response(jsonUTF8Bytes: body, options: decoding) }
        let wrapped = JSONValue.object([(responseBody, try body.withUnsafeBytes { try JSONValue(parsing: $0) })])
        return try Response(jsonUTF8Bytes: wrapped.utf8Bytes, options: decoding)
    }

    private func prepare<Request: WeftMessage>(
        _ route: RESTRoute, _ request: Request, options: RESTCallOptions, accept: String
    ) throws -> URLRequest {
        func fields(_ options: JSONEncodingOptions) throws -> JSONValue {
            try request.jsonUTF8Bytes(options: options).withUnsafeBytes { try JSONValue(parsing: $0) }
        }
        let parts = try RESTRequestParts(
            route: route, request: try fields(JSONEncodingOptions(preserveProtoNames: true)),
            withDefaults: { try fields(JSONEncodingOptions(alwaysPrintDefaults: true, preserveProtoNames: true)) })
        return try makeRequest(route, parts, options: options.over(defaults), accept: accept)
    }

    private func makeRequest(_ route: RESTRoute, _ parts: RESTRequestParts, options: RESTCallOptions, accept: String) throws -> URLRequest {
        var text = baseURL.absoluteString
        if text.hasSuffix("/") { text.removeLast() }
        text += parts.path
        if !parts.query.isEmpty {
            text += "?" + parts.query.map { PercentEncoding.segment($0.name) + "=" + PercentEncoding.segment($0.value) }.joined(separator: "&")
        }
        guard let url = URL(string: text) else { throw RESTRequestError("\(text) is not a URL") }
        var request = URLRequest(url: url)
        request.httpMethod = route.method
        request.setValue(accept, forHTTPHeaderField: "Accept")
        if let body = parts.body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token = options.bearerToken { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let key = options.idempotencyKey { request.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        if let timeout = options.timeout {
            let seconds = max(0.001, Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
            request.timeoutInterval = seconds
            request.setValue(String(format: "%.3f", seconds), forHTTPHeaderField: "X-Request-Timeout")
        }
        // The call's headers come after the defaults', so a call's value replaces a default's.
        for header in options.headers { request.setValue(header.value, forHTTPHeaderField: header.name) }
        return request
    }
}
