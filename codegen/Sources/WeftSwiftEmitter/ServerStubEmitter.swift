import WeftSchema

/// Emits a service's server stub: a `Handler` protocol with one `async` method per rpc (streams
/// as `RequestStream`s in and `ResponseWriter`s out), and the registration that turns a
/// conforming value into `ServerMethod`s a server dispatches to. A user writes a service by
/// conforming to the protocol and never touches HTTP/2.
struct ServerStubEmitter {
    let types: TypeTable
    let service: ServiceDecl
    let namespace: String

    func emitProtocol(into out: inout CodeWriter) {
        out.doc("Implement to serve `\(service.fullName)`; register the value with a server.")
        out.block("public protocol Handler: RegisteredService") { out in
            for (index, method) in service.methods.enumerated() {
                if index > 0 { out.line() }
                out.doc(method.doc)
                out.line("func \(signature(method)) async throws\(returnClause(method))")
            }
        }
    }

    func emitRegistration(into out: inout CodeWriter) {
        out.block("extension \(namespace).Handler") { out in
            out.doc("The service as its schema describes it.")
            out.line("public var serviceDescriptor: ServiceDescriptor? { \(namespace).descriptor }")
            out.line()
            out.doc("Every method of the service, dispatching to this handler.")
            out.block("public var serverMethods: [ServerMethod]") { out in
                out.line("let methods = \(namespace).descriptor.methods")
                out.line("return [")
                for (index, method) in service.methods.enumerated() {
                    out.line("    .\(factory(method))(methods[\(index)]) { \(forwarding(method)) },")
                }
                out.line("]")
            }
        }
    }

    private func swiftMethodName(_ method: MethodDecl) -> String {
        SwiftNaming.escaped(SwiftNaming.lowerCamel(method.name))
    }

    private func signature(_ method: MethodDecl) -> String {
        let input = types.swiftName(of: method.inputType)
        let output = types.swiftName(of: method.outputType)
        var parameters = [method.clientStreaming ? "_ requests: RequestStream<\(input)>" : "_ request: \(input)"]
        if method.serverStreaming { parameters.append("responses: ResponseWriter<\(output)>") }
        parameters.append("context: ServerContext")
        return "\(swiftMethodName(method))(\(parameters.joined(separator: ", ")))"
    }

    private func returnClause(_ method: MethodDecl) -> String {
        method.serverStreaming ? "" : " -> \(types.swiftName(of: method.outputType))"
    }

    private func factory(_ method: MethodDecl) -> String {
        switch (method.clientStreaming, method.serverStreaming) {
        case (false, false): "unary"
        case (false, true): "serverStreaming"
        case (true, false): "clientStreaming"
        case (true, true): "bidirectionalStreaming"
        }
    }

    /// The closure body that calls the handler's method with the factory's arguments.
    private func forwarding(_ method: MethodDecl) -> String {
        let name = swiftMethodName(method)
        return method.serverStreaming
            ? "try await self.\(name)($0, responses: $1, context: $2)"
            : "try await self.\(name)($0, context: $1)"
    }
}
