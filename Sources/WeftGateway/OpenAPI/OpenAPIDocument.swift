import WeftMessages
import WeftSchema

/// An OpenAPI 3.0 document for the REST routes of schema services: one operation per
/// `google.api.http` binding, its path, query and body parameters, request and response schemas
/// in proto3 JSON terms, and the error body every route may answer with.
public enum OpenAPIDocument {
    /// The document for every method with an HTTP rule in `services` of `files`.
    public static func make(title: String, version: String, files: [ProtoFile]) throws -> JSONValue {
        let schema = DynamicSchema(files: files)
        var schemas = SchemaCollector(schema: schema)
        var paths: [(String, [(String, JSONValue)])] = []
        for file in files {
            for service in file.services {
                for method in service.methods {
                    guard let rule = method.httpRule else { continue }
                    for (index, binding) in ([rule] + rule.additionalBindings).enumerated() {
                        let template = try PathTemplate(binding.path)
                        let operation = try operation(
                            method, service: service, binding: binding, template: template,
                            operationId: "\(service.name)_\(method.name)" + (index == 0 ? "" : "\(index)"),
                            schemas: &schemas)
                        let path = openAPIPath(template)
                        let key = operationKey(binding.method)
                        if let existing = paths.firstIndex(where: { $0.0 == path }) {
                            paths[existing].1.append((key, operation))
                        } else {
                            paths.append((path, [(key, operation)]))
                        }
                    }
                }
            }
        }
        var components = schemas.collected
        components.append(("Status", errorSchema))
        return .object([
            ("openapi", .string("3.0.3")),
            ("info", .object([("title", .string(title)), ("version", .string(version))])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([("schemas", .object(components))])),
        ])
    }

    /// The path item key of an operation: the method, lowercase; OpenAPI 3.0 knows only the
    /// standard methods, so a `custom` rule's method (e.g. `SEARCH`) becomes the extension
    /// `x-method-search`, keeping the operation in the document without breaking it.
    static func operationKey(_ method: String) -> String {
        let lowercased = method.lowercased()
        let standard: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return standard.contains(lowercased) ? lowercased : "x-method-" + lowercased
    }

    /// `/v1/{name=products/*}:get` → `/v1/{name}:get`: OpenAPI variables span one segment name.
    static func openAPIPath(_ template: PathTemplate) -> String {
        var path = ""
        var index = 0
        while index < template.segments.count {
            if let variable = template.variables.first(where: { $0.range.lowerBound == index }) {
                path += "/{\(variable.fieldPath.joined(separator: "."))}"
                index = variable.range.upperBound
                continue
            }
            switch template.segments[index] {
            case .literal(let text): path += "/" + text
            case .single: path += "/*"
            case .rest: path += "/**"
            }
            index += 1
        }
        return path + (template.verb.map { ":" + $0 } ?? "")
    }

    private static func operation(
        _ method: MethodDecl, service: ServiceDecl, binding: HttpRule, template: PathTemplate, operationId: String,
        schemas: inout SchemaCollector
    ) throws -> JSONValue {
        var parameters: [JSONValue] = []
        for variable in template.variables {
            let name = variable.fieldPath.joined(separator: ".")
            var parameterSchema: [(String, JSONValue)] = [("type", .string("string"))]
            if variable.range.count > 1 || template.segments[variable.range.lowerBound] != .single {
                parameterSchema.append(("pattern", .string(pattern(template, variable))))
            }
            parameters.append(.object([
                ("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                ("schema", .object(parameterSchema)),
            ]))
        }
        let input = try schemas.schema.message(method.inputType)
        if binding.body != "*" {
            let bound = Set(template.variables.compactMap(\.fieldPath.first))
            for field in input.fields where !bound.contains(field.name) && field.name != binding.body {
                guard let querySchema = try schemas.queryParameterSchema(field) else { continue }
                parameters.append(.object([
                    ("name", .string(field.jsonName)), ("in", .string("query")), ("schema", querySchema),
                ]))
            }
        }
        var members: [(String, JSONValue)] = [("operationId", .string(operationId))]
        if !method.doc.isEmpty { members.append(("description", .string(method.doc))) }
        members.append(("tags", .array([.string(service.name)])))
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        if !binding.body.isEmpty {
            let bodySchema: JSONValue
            if binding.body == "*" {
                bodySchema = try schemas.reference(method.inputType)
            } else {
                guard let field = input.fields.first(where: { $0.name == binding.body }) else {
                    throw TranscodingError("\(method.inputType) has no field \(binding.body) for the body")
                }
                bodySchema = try schemas.fieldSchema(field)
            }
            var requestBody: [(String, JSONValue)] = [("required", .bool(true))]
            if method.clientStreaming {
                // A client stream is NDJSON, one request message per line; none is a valid stream.
                requestBody = [
                    ("description", .string("A stream of requests: one JSON object per line.")), ("required", .bool(false)),
                    ("content", .object([("application/x-ndjson", .object([("schema", bodySchema)]))])),
                ]
            } else {
                requestBody.append(("content", .object([("application/json", .object([("schema", bodySchema)]))])))
            }
            members.append(("requestBody", .object(requestBody)))
        }
        let output = try schemas.schema.message(method.outputType)
        let responseSchema: JSONValue
        if binding.responseBody.isEmpty {
            responseSchema = try schemas.reference(method.outputType)
        } else {
            guard let field = output.fields.first(where: { $0.name == binding.responseBody }) else {
                throw TranscodingError("\(method.outputType) has no field \(binding.responseBody) for response_body")
            }
            responseSchema = try schemas.fieldSchema(field)
        }
        let streaming = method.serverStreaming ? " (a stream: NDJSON, or Server-Sent Events)" : ""
        members.append(("responses", .object([
            ("200", .object([
                ("description", .string("OK" + streaming)),
                ("content", .object([("application/json", .object([("schema", responseSchema)]))])),
            ])),
            ("default", .object([
                ("description", .string("An error: the gRPC status as JSON.")),
                ("content", .object([("application/json", .object([("schema", .object([("$ref", .string("#/components/schemas/Status"))]))]))])),
            ])),
        ])))
        return .object(members)
    }

    /// A regular expression for what a multi-segment variable matches.
    private static func pattern(_ template: PathTemplate, _ variable: PathTemplate.Variable) -> String {
        let parts = template.segments[variable.range].map { segment -> String in
            switch segment {
            case .literal(let text): text
            case .single: "[^/]+"
            case .rest: ".*"
            }
        }
        return "^" + parts.joined(separator: "/") + "$"
    }

    /// The body of every error response: `{"code": …, "message": …, "details": […]}`.
    static let errorSchema: JSONValue = .object([
        ("type", .string("object")),
        ("properties", .object([
            ("code", .object([("type", .string("integer")), ("format", .string("int32")), ("description", .string("gRPC status code"))])),
            ("message", .object([("type", .string("string"))])),
            ("details", .object([("type", .string("array")), ("items", .object([("type", .string("object"))]))])),
        ])),
    ])
}
