import WeftSchema

/// Emits a service's REST client: one method per rpc with a `google.api.http` rule and a single
/// request (unary: `async` returning the answer; server-streaming: an `AsyncThrowingStream` of
/// the answers), sending the request along the rule's route (its first binding) through a
/// gateway with `WeftREST`'s `RESTClient`, and decoding answers into the same message types the
/// service uses. Client-streaming rpcs are left to the gRPC client.
struct RESTClientEmitter {
    let types: TypeTable
    let service: ServiceDecl
    let name: String
    /// Every message of the compilation by full name, to spell path variables by proto names.
    let messages: [String: MessageDecl]
    /// The error enums of the service's file (Swift names): an error answer carrying one of
    /// their reasons is thrown as its `ServiceError`.
    let errorEnums: [String]

    /// The rpcs with a route and a single request; a service without any gets no REST client.
    var routedMethods: [MethodDecl] {
        service.methods.filter { $0.httpRule != nil && !$0.clientStreaming }
    }

    func emit(into out: inout CodeWriter) {
        out.doc("""
            Calls `\(service.fullName)` through a Weft gateway's JSON REST routes (URLSession: Apple \
            platforms and Linux). Its client-streaming rpcs are not here: call them with the gRPC client.
            """)
        out.block("public struct \(name): Sendable") { out in
            out.doc("The gateway's address, the session and the default options.")
            out.line("public let client: RESTClient")
            out.line()
            out.doc("A client whose calls go through `client` (the gateway's address, session and default options).")
            out.block("public init(client: RESTClient)") { out in
                out.line("self.client = client")
            }
            for method in routedMethods {
                out.line()
                emitMethod(method, into: &out)
            }
            if !errorEnums.isEmpty {
                out.line()
                TypedErrors.emitConversion(from: "WeftREST.RESTError", errorEnums: errorEnums, into: &out)
            }
        }
    }

    private func emitMethod(_ method: MethodDecl, into out: inout CodeWriter) {
        guard let rule = method.httpRule else { return }
        let methodName = SwiftNaming.escaped(SwiftNaming.lowerCamel(method.name))
        let input = types.swiftName(of: method.inputType)
        let output = types.swiftName(of: method.outputType)
        out.doc(method.doc.isEmpty ? "`\(rule.method) \(rule.path)`." : method.doc + "\n\n`\(rule.method) \(rule.path)`.")
        let template = protoNamedTemplate(rule.path, input: method.inputType)
        var arguments = "method: \(SwiftNaming.stringLiteral(rule.method)), template: \(SwiftNaming.stringLiteral(template))"
        if !rule.body.isEmpty { arguments += ", body: \(SwiftNaming.stringLiteral(rule.body))" }
        if !rule.responseBody.isEmpty { arguments += ", responseBody: \(SwiftNaming.stringLiteral(rule.responseBody))" }
        out.line("public func \(methodName)(")
        out.line("    _ request: \(input), options: RESTCallOptions = RESTCallOptions()")
        if method.serverStreaming {
            out.block(") -> AsyncThrowingStream<\(output), any Error>") { out in
                let typed = errorEnums.isEmpty ? "" : ", typed: Self.typed"
                out.line("client.serverStream(RESTRoute(\(arguments)), request, options: options\(typed))")
            }
        } else if errorEnums.isEmpty {
            out.block(") async throws -> \(output)") { out in
                out.line("try await client.call(RESTRoute(\(arguments)), request, options: options)")
            }
        } else {
            out.block(") async throws -> \(output)") { out in
                out.line("do {")
                out.indented { out in out.line("return try await client.call(RESTRoute(\(arguments)), request, options: options)") }
                out.line("} catch let error as WeftREST.RESTError {")
                out.indented { out in out.line("throw Self.typed(error)") }
                out.line("}")
            }
        }
    }

    /// The template with each variable's field path in proto names (`{bookId}` → `{book_id}`):
    /// a rule may name fields by their JSON names, and the client looks values up by proto names.
    private func protoNamedTemplate(_ template: String, input: String) -> String {
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[...open]
            let inside = rest[rest.index(after: open)..<close]
            let fieldPath = inside.prefix { $0 != "=" }
            result += protoFieldPath(fieldPath, in: input) + inside[fieldPath.endIndex...] + "}"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private func protoFieldPath(_ path: Substring, in messageName: String) -> String {
        var message = messages[messageName]
        var names: [String] = []
        for component in path.split(separator: ".") {
            let field = message?.fields.first { $0.name == component || $0.jsonName == component }
            names.append(field?.name ?? String(component))
            if case .message(let nested)? = field?.type { message = messages[nested] } else { message = nil }
        }
        return names.joined(separator: ".")
    }
}
