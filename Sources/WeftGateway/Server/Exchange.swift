import WeftMesh
import WeftRPC

/// One request's answer in the making: the headers gathered so far, and how it failed (the
/// complete status, for the access log, whatever the client was told).
struct Exchange: Sendable {
    let request: GatewayRequest
    let requestID: String
    /// When the request began to be answered: the duration's start, and the moment the
    /// protections decide at (one reading of the clock serves them all).
    let started: ContinuousClock.Instant
    var headers: HTTPFields = []
    var routeLabel = "-"
    /// The matched route's metrics (nil: recorded under `routeLabel`).
    var routeMetrics: RequestMetrics.LabelMetrics?
    /// The status the request failed with, as the access log records it; nil while it has not.
    var outcome: Status?

    init(request: GatewayRequest, requestID: String, started: ContinuousClock.Instant) {
        self.request = request
        self.requestID = requestID
        self.started = started
        // Room for the usual response headers at once (request id, rate limits, content type).
        headers.reserveCapacity(8)
    }

    /// The answer, with the headers gathered so far: they move into it, so the exchange has
    /// none left afterwards (an exchange makes one answer).
    mutating func response(_ status: Int, contentType: String?, body: [UInt8]) -> GatewayResponse {
        var headers: HTTPFields = []
        swap(&headers, &self.headers)
        if let contentType { headers.append(("content-type", contentType)) }
        return GatewayResponse(status: status, headers: headers, body: body)
    }

    /// A JSON error answer telling the client `shown` (by default `status` itself: a refusal
    /// that describes the client's own request); `status` is what the access log records.
    mutating func failure(_ httpStatus: Int, _ status: Status, shown: Status? = nil) -> GatewayResponse {
        outcome = status
        return response(httpStatus, contentType: "application/json", body: ErrorResponse.body(for: shown ?? status))
    }

    /// The answer for an upstream call that failed with `status`, mapped to its HTTP status.
    mutating func upstreamFailure(_ status: Status) -> GatewayResponse {
        failure(ErrorResponse.httpStatus(for: status.code), status, shown: shown(status))
    }

    /// A server error of the gateway's own (500), told in general terms.
    mutating func internalFailure(_ status: Status) -> GatewayResponse {
        failure(500, status, shown: ErrorResponse.concealed(status, requestID: requestID))
    }

    /// What the client is told of an upstream call's `status`: success, and the upstream's own
    /// answer, as they are; any other failure (made by this process's transport or the
    /// gateway's code) in general terms, since it may name endpoints, certificates or identities.
    func shown(_ status: Status) -> Status {
        status.isOK || status.origin == .peer ? status : ErrorResponse.concealed(status, requestID: requestID)
    }
}
