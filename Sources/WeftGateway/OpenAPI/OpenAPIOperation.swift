import WeftMessages
import WeftSchema

/// One operation of the document: a `google.api.http` binding of an rpc, with its path, query
/// and body parameters, its answers, and the bearer token it needs.
struct OpenAPIOperation {
    let method: MethodDecl
    let service: ServiceDecl
    let binding: HttpRule
    let path: OpenAPIPath
    let operationId: String
    /// Whether the route needs a bearer token: the gateway checks JWTs and the method is not public.
    let needsToken: Bool

    /// The operation object.
    func json(schemas: inout SchemaCollector) throws -> JSONValue {
        let input = try schemas.schema.message(method.inputType)
        var parameters: [JSONValue] = []
        for parameter in path.parameters { parameters.append(try pathParameter(parameter, input: input, schemas: &schemas)) }
        parameters += try queryParameters(input, schemas: &schemas)
        var members: [(String, JSONValue)] = [("operationId", .string(operationId))]
        if !method.doc.isEmpty { members.append(("description", .string(method.doc))) }
        members.append(("tags", .array([.string(service.name)])))
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        if !binding.body.isEmpty { members.append(("requestBody", try requestBody(input, schemas: &schemas))) }
        members.append(("responses", try responses(schemas: &schemas)))
        if needsToken {
            members.append(("security", .array([.object([(OpenAPIDocument.bearerScheme, .array([]))])])))
        }
        if !path.fields.isEmpty {
            // How the request's fields are made of the path parameters (`name`: `shelves/{shelf}/books/{book}`).
            members.append(("x-weft-path-fields", .object(path.fields.map { ($0.fieldPath, .string($0.value)) })))
        }
        return .object(members)
    }

    private func pathParameter(_ parameter: OpenAPIPath.Parameter, input: MessageDecl, schemas: inout SchemaCollector) throws -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(parameter.name)), ("in", .string("path")), ("required", .bool(true))]
        let value = path.fields.first { $0.fieldPath == parameter.fieldPath }?.value ?? ""
        let schema: JSONValue
        switch parameter.kind {
        case .variable:
            schema = try variableSchema(parameter.fieldPath, input: input, schemas: &schemas)
        case .segment:
            members.append(("description", .string("A segment of `\(parameter.fieldPath)`, which is `\(value)`.")))
            schema = .object([("type", .string("string")), ("pattern", .string("^[^/]+$"))])
        case .rest:
            members.append(("description", .string(
                "The rest of the path, its `/` separators sent as they are (an encoded `/` stays `%2F` in the field); "
                    + "`\(parameter.fieldPath)` is `\(value)`.")))
            schema = .object([("type", .string("string"))])
        }
        members.append(("schema", schema))
        return .object(members)
    }

    /// A one-segment variable's schema: its field's (a string is never empty: `*` needs a
    /// segment); a field path the schema lacks is a string.
    private func variableSchema(_ fieldPath: String, input: MessageDecl, schemas: inout SchemaCollector) throws -> JSONValue {
        var message = input
        var components = fieldPath.split(separator: ".").map(String.init)
        let last = components.removeLast()
        for name in components {
            guard case .message(let nested)? = schemas.schema.fieldsByKey[message.fullName]?[name]?.type else { break }
            message = try schemas.schema.message(nested)
        }
        guard let field = schemas.schema.fieldsByKey[message.fullName]?[last], field.type != .scalar(.string) else {
            return .object([("type", .string("string")), ("minLength", .number("1"))])
        }
        return try schemas.fieldSchema(field)
    }

    /// The request fields neither the path nor the body sets, by JSON name.
    private func queryParameters(_ input: MessageDecl, schemas: inout SchemaCollector) throws -> [JSONValue] {
        guard binding.body != "*" else { return [] }
        let bound = Set(path.fields.compactMap { $0.fieldPath.split(separator: ".").first.map(String.init) })
        var parameters: [JSONValue] = []
        for field in input.fields where !bound.contains(field.name) && field.name != binding.body {
            guard let querySchema = try schemas.queryParameterSchema(field) else { continue }
            var members: [(String, JSONValue)] = [("name", .string(field.jsonName)), ("in", .string("query"))]
            // On the parameter: beside a `$ref` (an enum's), a description would be ignored.
            if !field.doc.isEmpty { members.append(("description", .string(field.doc))) }
            members.append(("schema", querySchema))
            parameters.append(.object(members))
        }
        return parameters
    }

    /// The body: the request (`*`) or one field of it as JSON, or a client stream's requests as
    /// NDJSON. No body is read as `{}`, so a body is required only where `{}` is not a value
    /// (a body field that is a scalar, a list or a well-known type's string).
    private func requestBody(_ input: MessageDecl, schemas: inout SchemaCollector) throws -> JSONValue {
        let schema: JSONValue
        let required: Bool
        if binding.body == "*" {
            schema = try schemas.reference(method.inputType)
            required = false
        } else {
            guard let field = input.fields.first(where: { $0.name == binding.body }) else {
                throw TranscodingError("\(method.inputType) has no field \(binding.body) for the body")
            }
            schema = try schemas.fieldSchema(field)
            required = !Self.takesEmptyObject(field)
        }
        if method.clientStreaming {
            // Described as JSON, the stream's type in an extension: generators refuse a request
            // media type they do not know (openapi-python-client drops the route), and one
            // JSON object is a stream of one request, which the gateway takes as it is.
            return .object([
                ("description", .string(
                    "A stream of requests: one JSON object per line, sent as application/x-ndjson "
                        + "(one object sent as application/json is a stream of one); an empty body is a stream of none.")),
                ("required", .bool(false)),
                ("content", .object([("application/json", .object([("schema", schema)]))])),
                ("x-weft-stream-content-type", .string("application/x-ndjson")),
            ])
        }
        var members: [(String, JSONValue)] = []
        if !required { members.append(("description", .string("No body is read as `{}`."))) }
        members.append(("required", .bool(required)))
        members.append(("content", .object([("application/json", .object([("schema", schema)]))])))
        return .object(members)
    }

    /// Whether `{}` is a value of `field`: a map, or a message whose JSON form is an object.
    private static func takesEmptyObject(_ field: FieldDecl) -> Bool {
        switch (field.label, field.type) {
        case (_, .map): true
        case (.repeated, _): false
        case (_, .message(let name)):
            !name.hasPrefix("google.protobuf.") || ["google.protobuf.Empty", "google.protobuf.Struct", "google.protobuf.Value"].contains(name)
        default: false
        }
    }

    private func responses(schemas: inout SchemaCollector) throws -> JSONValue {
        let output = try schemas.schema.message(method.outputType)
        let schema: JSONValue
        if binding.responseBody.isEmpty {
            schema = try schemas.reference(method.outputType)
        } else {
            guard let field = output.fields.first(where: { $0.name == binding.responseBody }) else {
                throw TranscodingError("\(method.outputType) has no field \(binding.responseBody) for response_body")
            }
            schema = try schemas.fieldSchema(field)
        }
        var responses: [(String, JSONValue)] = []
        if method.serverStreaming {
            responses.append(("200", .object([
                ("description", .string(
                    "A stream: newline-delimited JSON, or Server-Sent Events when the request's Accept is text/event-stream. "
                        + "Each answer is a line {\"result\": …} (an event `message`), and the call's status ends the stream "
                        + "as a line {\"status\": …} (an event `status`).")),
                ("content", .object([
                    ("application/x-ndjson", .object([("schema", Self.streamLine(schema))])),
                    ("text/event-stream", .object([("schema", .object([("type", .string("string"))]))])),
                ])),
            ])))
        } else {
            responses.append(("200", .object([
                ("description", .string("OK")),
                ("content", .object([("application/json", .object([("schema", schema)]))])),
            ])))
        }
        if needsToken {
            responses.append(("401", .object([
                ("description", .string("No bearer token, or one that is not valid (signature, exp, nbf, iss or aud).")),
                ("headers", .object([("WWW-Authenticate", .object([("schema", .object([("type", .string("string"))]))]))])),
                ("content", .object([("application/json", .object([("schema", OpenAPIDocument.statusReference)]))])),
            ])))
        }
        responses.append(("default", .object([
            ("description", .string("An error: the gRPC status as JSON.")),
            ("content", .object([("application/json", .object([("schema", OpenAPIDocument.statusReference)]))])),
        ])))
        return .object(responses)
    }

    /// One line of a streamed answer: `{"result": …}` or, last, `{"status": …}`.
    private static func streamLine(_ result: JSONValue) -> JSONValue {
        func member(_ name: String, _ schema: JSONValue) -> JSONValue {
            .object([
                ("type", .string("object")), ("required", .array([.string(name)])),
                ("properties", .object([(name, schema)])), ("additionalProperties", .bool(false)),
            ])
        }
        return .object([("oneOf", .array([member("result", result), member("status", OpenAPIDocument.statusReference)]))])
    }
}
