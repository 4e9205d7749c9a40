import WeftSchema

/// Emits a service's `Client`: one `async` method per rpc over any `ClientTransport`. Unary and
/// client-streaming calls return the response; streaming responses are read inside an
/// `onResponse` closure, so a call never outlives the scope that made it.
struct ClientStubEmitter {
    let types: TypeTable
    let service: ServiceDecl
    let namespace: String
    /// The error enums of the service's file (Swift names): a status carrying one of their
    /// reasons is thrown as its `ServiceError`.
    let errorEnums: [String]

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
            if !errorEnums.isEmpty {
                out.line()
                TypedErrors.emitConversion(from: "WeftRPC.Status", errorEnums: errorEnums, into: &out)
            }
        }
    }

    /// The method body around a call expression: the call, or with typed errors the call whose
    /// failing status becomes its `ServiceError`.
    private func body(_ call: String, into out: inout CodeWriter) {
        let lines = call.split(separator: "\n").map(String.init)
        guard !errorEnums.isEmpty else {
            out.line("try await " + lines[0])
            return lines.dropFirst().forEach { out.line($0) }
        }
        out.line("do {")
        out.indented { out in
            out.line("return try await " + lines[0])
            lines.dropFirst().forEach { out.line($0) }
        }
        out.line("} catch let status as WeftRPC.Status {")
        out.indented { out in out.line("throw Self.typed(status)") }
        out.line("}")
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
                body("ClientCalls.unary(transport, \(descriptor), request, options: options).message", into: &out)
            }
        case (false, true):
            out.line("public func \(name)<Result: Sendable>(")
            out.line("    _ request: \(input), \(options),")
            out.block("    onResponse: \(reader)\n    ) async throws -> Result") { out in
                body("ClientCalls.serverStreaming(transport, \(descriptor), request, options: options, onResponse: onResponse)", into: &out)
            }
        case (true, false):
            out.line("public func \(name)(")
            out.line("    \(options),")
            out.block("    requests: \(writer)\n    ) async throws -> \(output)") { out in
                body("ClientCalls.clientStreaming(transport, \(descriptor), options: options, requests: requests).message", into: &out)
            }
        case (true, true):
            out.line("public func \(name)<Result: Sendable>(")
            out.line("    \(options),")
            // The writer runs in a child task beside `onResponse`, so it must be sendable.
            out.line("    requests: @escaping @Sendable \(writer),")
            out.block("    onResponse: \(reader)\n    ) async throws -> Result") { out in
                body("ClientCalls.bidirectionalStreaming(\n    transport, \(descriptor), options: options, requests: requests, onResponse: onResponse)", into: &out)
            }
        }
    }
}
