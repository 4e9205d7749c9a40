/// `service` blocks and their `rpc` methods.
extension Parser {
    mutating func parseService() throws -> ServiceDecl {
        let keyword = advance()
        let name = try expectIdentifier("a service name")
        var service = ServiceDecl(name: name.text, fullName: name.text, location: name.location)
        let open = try expect("{")
        service.doc = doc(from: keyword, to: open)
        try parseBlock { parser in
            if parser.peek.isIdentifier("option") {
                service.options.append(try parser.parseOptionStatement())
            } else if parser.peek.isIdentifier("rpc") {
                service.methods.append(try parser.parseMethod())
            } else {
                throw parser.fail("expected \"rpc\" or \"option\" in a service, found \(parser.describe(parser.peek))")
            }
        }
        return service
    }

    /// `rpc Name([stream] In) returns ([stream] Out);` or with a `{ option ...; }` body.
    private mutating func parseMethod() throws -> MethodDecl {
        let keyword = advance()
        let name = try expectIdentifier("a method name")
        try expect("(")
        let clientStreaming = consumeStreamKeyword()
        let (input, inputLocation) = try parseTypeName()
        try expect(")")
        guard consumeIdentifier("returns") else { throw fail("expected \"returns\", found \(describe(peek))") }
        try expect("(")
        let serverStreaming = consumeStreamKeyword()
        let (output, outputLocation) = try parseTypeName()
        try expect(")")
        var method = MethodDecl(
            name: name.text, inputType: input, outputType: output, clientStreaming: clientStreaming,
            serverStreaming: serverStreaming, location: name.location
        )
        let end: Token
        if peek.isSymbol("{") {
            end = advance()
            try parseBlock { parser in
                guard parser.peek.isIdentifier("option") else {
                    throw parser.fail("expected \"option\" in an rpc body, found \(parser.describe(parser.peek))")
                }
                method.options.append(try parser.parseOptionStatement())
            }
        } else {
            end = try expect(";")
        }
        method.doc = doc(from: keyword, to: end)
        spans.inputs[method.location] = inputLocation
        spans.outputs[method.location] = outputLocation
        return method
    }

    /// `stream` is a keyword only when a type name follows it.
    private mutating func consumeStreamKeyword() -> Bool {
        guard peek.isIdentifier("stream"), peek(1).kind == .identifier || peek(1).isSymbol(".") else { return false }
        advance()
        return true
    }
}
