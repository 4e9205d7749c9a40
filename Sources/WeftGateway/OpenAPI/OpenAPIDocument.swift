import WeftMessages
import WeftSchema

/// An OpenAPI 3.0 document for the REST routes of schema services: one operation per
/// `google.api.http` binding, its path, query and body parameters, request and response schemas
/// in proto3 JSON terms, streamed answers, the bearer token a route needs, and the error body
/// every route may answer with.
public enum OpenAPIDocument {
    /// The title the gateway gives its document.
    public static let defaultTitle = "Weft gateway"

    /// The document a gateway with `configuration` serves at `/openapi.json`, as text, made
    /// without starting anything (its schemas and JWT policy only; upstreams are not read).
    public static func text(for configuration: GatewayConfiguration, title: String = defaultTitle) throws -> String {
        let compiled = SchemaCompiler(includePaths: configuration.schemaIncludePaths).compile(configuration.schemaFiles)
        if compiled.hasErrors {
            throw GatewayStartError(compiled.diagnostics.map(\.description).joined(separator: "\n"))
        }
        // Routes the gateway would refuse to start with (two rules on one path) fail here too.
        _ = try GatewayRoutes.table(files: compiled.files, schema: DynamicSchema(files: compiled.files))
        return try make(title: title, version: "1", files: compiled.files, jwt: configuration.jwt).prettyText
    }

    /// The document for every method with an HTTP rule in `services` of `files`. With `jwt`, the
    /// routes of the methods it does not list as public need a bearer JWT.
    package static func make(title: String, version: String, files: [ProtoFile], jwt: JWTPolicy? = nil) throws -> JSONValue {
        var schemas = SchemaCollector(files: files)
        var paths: [(path: OpenAPIPath, operations: [(String, JSONValue)])] = []
        for file in files {
            for service in file.services {
                for method in service.methods {
                    guard let rule = method.httpRule else { continue }
                    for (index, binding) in ([rule] + rule.additionalBindings).enumerated() {
                        var path = OpenAPIPath(try PathTemplate(binding.path))
                        let existing = paths.firstIndex { $0.path.shape == path.shape }
                        if let existing { path = path.named(like: paths[existing].path) }
                        let operation = try OpenAPIOperation(
                            method: method, service: service, binding: binding, path: path,
                            operationId: "\(service.name)_\(method.name)" + (index == 0 ? "" : "\(index)"),
                            needsToken: jwt.map { !$0.publicRoutes.contains("\(service.fullName).\(method.name)") } ?? false
                        ).json(schemas: &schemas)
                        let entry = (operationKey(binding.method), operation)
                        if let existing {
                            paths[existing].operations.append(entry)
                        } else {
                            paths.append((path, [entry]))
                        }
                    }
                }
            }
        }
        var collected = schemas.collected + [(ComponentNames.status, errorSchema)]
        if schemas.usesNonFiniteNumbers { collected.append((ComponentNames.nonFiniteNumber, SchemaCollector.nonFiniteNumberSchema)) }
        var components: [(String, JSONValue)] = [("schemas", .object(collected))]
        if jwt != nil {
            components.append(("securitySchemes", .object([(bearerScheme, .object([
                ("type", .string("http")), ("scheme", .string("bearer")), ("bearerFormat", .string("JWT")),
            ]))])))
        }
        return .object([
            ("openapi", .string("3.0.3")),
            ("info", .object([("title", .string(title)), ("version", .string(version))])),
            ("paths", .object(paths.map { ($0.path.path, .object($0.operations)) })),
            ("components", .object(components)),
        ])
    }

    /// The name of the bearer JWT security scheme.
    static let bearerScheme = "bearerJWT"

    /// The path item key of an operation: the method, lowercase; OpenAPI 3.0 knows only the
    /// standard methods, so a `custom` rule's method (e.g. `SEARCH`) becomes the extension
    /// `x-method-search`, keeping the operation in the document without breaking it.
    static func operationKey(_ method: String) -> String {
        let lowercased = method.lowercased()
        let standard: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return standard.contains(lowercased) ? lowercased : "x-method-" + lowercased
    }

    /// A reference to the error body.
    static let statusReference = SchemaCollector.componentReference(ComponentNames.status)

    /// The body of every error response: `{"code": …, "message": …, "details": […]}`.
    static let errorSchema: JSONValue = .object([
        ("type", .string("object")),
        ("properties", .object([
            ("code", .object([("type", .string("integer")), ("format", .string("int32")), ("description", .string("gRPC status code"))])),
            ("message", .object([("type", .string("string"))])),
            ("details", .object([
                ("type", .string("array")),
                ("description", .string(
                    "Typed details (google.rpc.ErrorInfo, BadRequest, …), each its message's JSON with the type URL in \"@type\".")),
                ("items", .object([
                    ("type", .string("object")),
                    ("properties", .object([("@type", .object([("type", .string("string"))]))])),
                    ("additionalProperties", .object([])),
                ])),
            ])),
        ])),
    ])
}
