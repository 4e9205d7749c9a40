import WeftSchema

/// Emits a service's `Client`: one `async` method per rpc over any `ClientTransport`. Unary and
/// client-streaming calls return the response; streaming responses are read inside an
/// `onResponse` closure, so a call never outlives the scope that made it.
struct ClientStubEmitter {
    let types: TypeTable
    let service: ServiceDecl
    let namespace: String

    func emit(into out: inout CodeWriter) {
        out.doc("Calls `\(service.fullName)` over a transport (an HTTP/2 connection, or in-process in tests).")
        out.block("public struct Client: Sendable") { out in
            out.line("public let transport: any ClientTransport")
            out.line()
            out.doc("A client whose calls go through `transport`.")
            out.block("public init(transport: any ClientTransport)") { out in
                out.line("self.transport = transport")
            }
            for (index, method) in service.methods.enumerated() {
                out.line()
                emitMethod(method, index: index, into: &out)
            }
        }
    }

    private func emitMethod(_ method: MethodDecl, index: Int, into out: inout CodeWriter) {
        let name = SwiftNaming.escaped(SwiftNaming.lowerCamel(method.name))
        let input = types.swiftName(of: method.inputType)
        let output = types.swiftName(of: method.outputType)
        let descriptor = "\(namespace).descriptor.methods[\(index)]"
        let options = "options: CallOptions = CallOptions()"
        let writer = "(RequestWriter<\(input)>) async throws -> Void"
        let reader = "(ResponseStream<\(output)>) async throws -> Result"
        out.doc(method.doc)
        switch (method.clientStreaming, method.serverStreaming) {
        case (false, false):
            out.block("public func \(name)(_ request: \(input), \(options)) async throws -> \(output)") { out in
                out.line("try await ClientCalls.unary(transport, \(descriptor), request, options: options).message")
            }
        case (false, true):
            out.line("public func \(name)<Result: Sendable>(")
            out.line("    _ request: \(input), \(options),")
            out.block("    onResponse: \(reader)\n    ) async throws -> Result") { out in
                out.line("try await ClientCalls.serverStreaming(transport, \(descriptor), request, options: options, onResponse: onResponse)")
            }
        case (true, false):
            out.line("public func \(name)(")
            out.line("    \(options),")
            out.block("    requests: \(writer)\n    ) async throws -> \(output)") { out in
                out.line("try await ClientCalls.clientStreaming(transport, \(descriptor), options: options, requests: requests).message")
            }
        case (true, true):
            out.line("public func \(name)<Result: Sendable>(")
            out.line("    \(options),")
            // The writer runs in a child task beside `onResponse`, so it must be sendable.
            out.line("    requests: @escaping @Sendable \(writer),")
            out.block("    onResponse: \(reader)\n    ) async throws -> Result") { out in
                out.line("try await ClientCalls.bidirectionalStreaming(")
                out.line("    transport, \(descriptor), options: options, requests: requests, onResponse: onResponse)")
            }
        }
    }
}
