import WeftSchema

/// Emits a namespace per service carrying its descriptor (gRPC paths, message types, streaming
/// kinds, idempotency and `google.api.http` rules), the server stub (`ServerStubEmitter`) and
/// the client (`ClientStubEmitter`).
struct ServiceEmitter {
    let types: TypeTable
    /// The error enums of the service's file (Swift names), for the client's typed errors.
    let errorEnums: [String]

    func emit(_ service: ServiceDecl, prefix: String, into out: inout CodeWriter) {
        let namespace = prefix + SwiftNaming.typeName(service.name, suffix: "Service")
        let stubs = ServerStubEmitter(types: types, service: service, namespace: namespace)
        out.doc(service.doc)
        out.block("public enum \(namespace): GeneratedService") { out in
            out.doc("The methods of `\(service.fullName)` as later layers need them.")
            out.line("public static let descriptor = ServiceDescriptor(")
            out.line("    fullName: \(SwiftNaming.stringLiteral(service.fullName)),")
            out.line("    methods: [")
            out.indented { out in
                out.indented { out in
                    for method in service.methods { emitMethod(method, of: service, into: &out) }
                }
            }
            out.line("    ],")
            out.line("    files: \(SchemaFilesEmitter.constantName)")
            out.line(")")
            out.line()
            stubs.emitProtocol(into: &out)
            out.line()
            ClientStubEmitter(types: types, service: service, namespace: namespace, errorEnums: errorEnums).emit(into: &out)
            out.line()
            out.doc("A client whose calls go through `transport`.")
            out.block("public static func client(transport: any ClientTransport) -> Client") { out in
                out.line("Client(transport: transport)")
            }
        }
        out.line()
        stubs.emitRegistration(into: &out)
    }

    private func emitMethod(_ method: MethodDecl, of service: ServiceDecl, into out: inout CodeWriter) {
        out.line("MethodDescriptor(")
        out.indented { out in
            out.line("name: \(SwiftNaming.stringLiteral(method.name)),")
            out.line("path: \(SwiftNaming.stringLiteral("/\(service.fullName)/\(method.name)")),")
            out.line("inputType: \(SwiftNaming.stringLiteral(method.inputType)),")
            out.line("outputType: \(SwiftNaming.stringLiteral(method.outputType)),")
            out.line("clientStreaming: \(method.clientStreaming),")
            out.line("serverStreaming: \(method.serverStreaming),")
            out.line("idempotency: .\(idempotency(method.idempotency)),")
            out.line("httpRule: \(method.httpRule.map(httpRule) ?? "nil")")
        }
        out.line("),")
    }

    private func idempotency(_ level: IdempotencyLevel) -> String {
        switch level {
        case .unknown: "unknown"
        case .noSideEffects: "noSideEffects"
        case .idempotent: "idempotent"
        }
    }

    /// The rule as one Swift expression; only non-default arguments are written.
    private func httpRule(_ rule: HttpRule) -> String {
        var arguments = [
            "method: \(SwiftNaming.stringLiteral(rule.method))",
            "path: \(SwiftNaming.stringLiteral(rule.path))",
        ]
        if !rule.body.isEmpty { arguments.append("body: \(SwiftNaming.stringLiteral(rule.body))") }
        if !rule.responseBody.isEmpty {
            arguments.append("responseBody: \(SwiftNaming.stringLiteral(rule.responseBody))")
        }
        if !rule.additionalBindings.isEmpty {
            arguments.append("additionalBindings: [\(rule.additionalBindings.map(httpRule).joined(separator: ", "))]")
        }
        return "HttpRuleDescriptor(\(arguments.joined(separator: ", ")))"
    }
}
