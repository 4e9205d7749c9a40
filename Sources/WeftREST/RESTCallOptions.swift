/// Per-call settings of a REST call; those of a call replace the client's defaults one by one.
public struct RESTCallOptions: Sendable {
    /// Sent as `Authorization: Bearer <token>` (the gateway checks it when its `jwt` is set).
    public var bearerToken: String?
    /// Sent as `Idempotency-Key`, which reaches the service as metadata: a service that keeps
    /// keys answers a retried create or payment with the first call's result.
    public var idempotencyKey: String?
    /// How long the call may take, sent as `X-Request-Timeout` (the gateway cuts the call there
    /// and propagates it upstream as the call's deadline); also the request's
    /// `timeoutInterval`, which URLSession applies to each wait for data.
    public var timeout: Duration?
    /// More headers (a service sees those the gateway forwards as metadata); a call's header
    /// replaces a default header of the same name.
    public var headers: [(name: String, value: String)]

    /// Options with nothing set.
    public init(bearerToken: String? = nil, idempotencyKey: String? = nil, timeout: Duration? = nil, headers: [(name: String, value: String)] = []) {
        self.bearerToken = bearerToken
        self.idempotencyKey = idempotencyKey
        self.timeout = timeout
        self.headers = headers
    }

    /// These options over `defaults`: each setting made here wins; headers are added to the defaults'.
    func over(_ defaults: RESTCallOptions) -> RESTCallOptions {
        RESTCallOptions(
            bearerToken: bearerToken ?? defaults.bearerToken,
            idempotencyKey: idempotencyKey ?? defaults.idempotencyKey,
            timeout: timeout ?? defaults.timeout,
            headers: defaults.headers + headers)
    }
}
