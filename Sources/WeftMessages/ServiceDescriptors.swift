/// Describes a generated service: what later layers (RPC dispatch, gateway routes, retries)
/// need without parsing the schema again.
public struct ServiceDescriptor: Sendable {
    /// Fully qualified proto name, e.g. `weft.platform.catalog.v1.CatalogService`.
    public let fullName: String
    /// The methods in declaration order.
    public let methods: [MethodDescriptor]
    /// The schema file declaring the service, then every file it imports: what gRPC reflection
    /// serves. Empty for a descriptor written by hand.
    public let files: [SchemaFileDescriptor]

    /// Creates a descriptor.
    public init(fullName: String, methods: [MethodDescriptor], files: [SchemaFileDescriptor] = []) {
        self.fullName = fullName
        self.methods = methods
        self.files = files
    }

    /// The method named `name` (its proto name, e.g. `GetProduct`), if the service has one.
    public func method(named name: String) -> MethodDescriptor? {
        methods.first { $0.name == name }
    }
}

/// Describes one rpc of a service.
public struct MethodDescriptor: Sendable {
    /// Whether a method may be retried or is safe to call without side effects
    /// (`google.protobuf.MethodOptions.idempotency_level`).
    public enum Idempotency: Sendable, Hashable {
        case unknown
        case noSideEffects
        case idempotent
    }

    /// The rpc name, e.g. `GetProduct`.
    public var name: String { storage.name }
    /// The gRPC request path, `/<package>.<Service>/<Method>`.
    public var path: String { storage.path }
    /// Fully qualified name of the request message.
    public var inputType: String { storage.inputType }
    /// Fully qualified name of the response message.
    public var outputType: String { storage.outputType }
    /// Whether the client sends a stream of requests.
    public var clientStreaming: Bool { storage.clientStreaming }
    /// Whether the server answers with a stream of responses.
    public var serverStreaming: Bool { storage.serverStreaming }
    /// Whether calls may be retried (from the schema's `idempotency_level`).
    public var idempotency: Idempotency { storage.idempotency }
    /// The `google.api.http` rule, when the schema gives one.
    public var httpRule: HttpRuleDescriptor? { storage.httpRule }

    /// The fields, shared by every copy: a descriptor travels with each call (into its
    /// closures and retries), and copying one reference is one retain where copying the
    /// fields took one per string.
    private let storage: Storage

    private final class Storage: Sendable {
        let name: String
        let path: String
        let inputType: String
        let outputType: String
        let clientStreaming: Bool
        let serverStreaming: Bool
        let idempotency: Idempotency
        let httpRule: HttpRuleDescriptor?

        init(
            name: String, path: String, inputType: String, outputType: String, clientStreaming: Bool, serverStreaming: Bool,
            idempotency: Idempotency, httpRule: HttpRuleDescriptor?
        ) {
            self.name = name
            self.path = path
            self.inputType = inputType
            self.outputType = outputType
            self.clientStreaming = clientStreaming
            self.serverStreaming = serverStreaming
            self.idempotency = idempotency
            self.httpRule = httpRule
        }
    }

    /// Creates a descriptor.
    public init(
        name: String, path: String, inputType: String, outputType: String,
        clientStreaming: Bool, serverStreaming: Bool, idempotency: Idempotency,
        httpRule: HttpRuleDescriptor?
    ) {
        storage = Storage(
            name: name, path: path, inputType: inputType, outputType: outputType, clientStreaming: clientStreaming,
            serverStreaming: serverStreaming, idempotency: idempotency, httpRule: httpRule)
    }
}

/// A `google.api.http` rule: how a REST call maps onto an rpc.
public struct HttpRuleDescriptor: Sendable, Hashable {
    /// `GET`, `PUT`, `POST`, `DELETE`, `PATCH`, or a custom verb.
    public let method: String
    /// The path template, e.g. `/v1/{name=products/*}`.
    public let path: String
    /// `""` (no body), `"*"` (the whole request) or the request field the body fills.
    public let body: String
    /// `""` (the whole response) or the response field that becomes the body.
    public let responseBody: String
    /// More routes to the same rpc.
    public let additionalBindings: [HttpRuleDescriptor]

    /// Creates a rule.
    public init(
        method: String, path: String, body: String = "", responseBody: String = "",
        additionalBindings: [HttpRuleDescriptor] = []
    ) {
        self.method = method
        self.path = path
        self.body = body
        self.responseBody = responseBody
        self.additionalBindings = additionalBindings
    }
}
