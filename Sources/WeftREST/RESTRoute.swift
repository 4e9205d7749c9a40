/// One `google.api.http` binding of an rpc, as a REST client sends it: the HTTP method, the path
/// template, which request field is the body and which response field is the answer.
public struct RESTRoute: Sendable, Hashable {
    /// `GET`, `POST`, `PATCH`, `DELETE`, `PUT`, or a custom rule's method.
    public let method: String
    /// The path template (`/v1/{name=shelves/*/books/*}:archive`).
    public let template: String
    /// `*` (the request is the body), a top-level field name, or empty (no body).
    public let body: String
    /// The response field that is the answer's whole JSON body, or empty (the response message).
    public let responseBody: String

    /// A route as the schema's HTTP rule declares it.
    public init(method: String, template: String, body: String = "", responseBody: String = "") {
        self.method = method
        self.template = template
        self.body = body
        self.responseBody = responseBody
    }
}

/// A request that cannot be sent along its route: a path field unset or not of the template's
/// shape, or a template that does not parse. Raised before anything is sent.
public struct RESTRequestError: Error, Sendable, CustomStringConvertible {
    /// What does not fit, naming the field.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
