/// Thrown after a parse error has been logged; the statement loop catches it and skips ahead.
struct ParseAbort: Error {}

/// A recursive-descent parser for one proto3 file. Errors are logged and parsing resumes at
/// the next statement, so one run reports every syntax error.
struct Parser {
    var tokens: [Token]
    var position = 0
    private let path: String
    var log = DiagnosticLog()
    var spans = SyntaxSpans()

    /// - Parameters:
    ///   - source: the file's text.
    ///   - path: the file's `ProtoFile.path`.
    ///   - displayPath: the path diagnostics and locations name.
    init(source: String, path: String, displayPath: String) {
        var lexer = Lexer(source: source, file: displayPath)
        tokens = lexer.tokenize()
        self.path = path
        log.append(contentsOf: lexer.log)
    }

    /// Parses the whole file; full names are assigned once the package is known.
    mutating func parseFile() -> ProtoFile {
        var file = ProtoFile(path: path)
        file.doc = (peek.detachedComments + [peek.leadingComment].compactMap { $0 }).joined(separator: "\n\n")
        parseSyntax(into: &file)
        while peek.kind != .endOfFile {
            let start = position
            do {
                try parseTopLevelStatement(into: &file)
            } catch {
                skipStatement()
                if position == start { advance() }
            }
        }
        assignFullNames(in: &file)
        return file
    }

    // MARK: Top level

    private mutating func parseSyntax(into file: inout ProtoFile) {
        let first = peek
        guard first.isIdentifier("syntax") || first.isIdentifier("edition") else {
            log.error("missing 'syntax = \"proto3\";' (Weft accepts proto3 schemas only)", at: first.location)
            return
        }
        do {
            advance()
            try expect("=")
            let value = try expectString()
            if first.text == "edition" {
                log.error("editions are not supported; Weft accepts proto3 schemas only", at: first.location)
            } else if value.text != "proto3" {
                log.error("unsupported syntax \"\(value.text)\"; Weft accepts proto3 schemas only", at: value.location)
            }
            try expect(";")
        } catch {
            skipStatement()
        }
    }

    private mutating func parseTopLevelStatement(into file: inout ProtoFile) throws {
        let token = peek
        if consume(";") { return }
        guard token.kind == .identifier else { throw fail("expected a top-level statement, found \(describe(token))") }
        switch token.text {
        case "import": try parseImport(into: &file)
        case "package":
            advance()
            let (name, location) = try parseFullIdentifier()
            if spans.package != nil {
                log.error("multiple package definitions", at: token.location)
            } else {
                file.package = name
                spans.package = location
            }
            try expect(";")
        case "option": file.options.append(try parseOptionStatement())
        case "message": file.messages.append(try parseMessage())
        case "enum": file.enums.append(try parseEnum())
        case "service": file.services.append(try parseService())
        case "extend": file.extensions.append(try parseExtend())
        case "syntax", "edition": throw fail("'\(token.text)' must be the first statement of the file")
        default: throw fail("expected a top-level statement, found \(describe(token))")
        }
    }

    private mutating func parseImport(into file: inout ProtoFile) throws {
        advance()
        var kind = Import.Kind.normal
        if consumeIdentifier("public") {
            kind = .public
        } else if consumeIdentifier("weak") {
            kind = .weak
        }
        let pathToken = try expectString()
        try expect(";")
        if file.imports.contains(where: { $0.path == pathToken.text }) {
            log.error("import \"\(pathToken.text)\" is listed twice", at: pathToken.location)
            return
        }
        file.imports.append(Import(path: pathToken.text, kind: kind, location: pathToken.location))
    }

    // MARK: Full names

    private func assignFullNames(in file: inout ProtoFile) {
        let scope = file.package
        for index in file.messages.indices { assignFullNames(in: &file.messages[index], scope: scope) }
        for index in file.enums.indices { file.enums[index].fullName = NamingRules.qualified(file.enums[index].name, in: scope) }
        for index in file.services.indices {
            file.services[index].fullName = NamingRules.qualified(file.services[index].name, in: scope)
        }
    }

    private func assignFullNames(in message: inout MessageDecl, scope: String) {
        message.fullName = NamingRules.qualified(message.name, in: scope)
        for index in message.messages.indices {
            assignFullNames(in: &message.messages[index], scope: message.fullName)
        }
        for index in message.enums.indices {
            message.enums[index].fullName = NamingRules.qualified(message.enums[index].name, in: message.fullName)
        }
    }

    // MARK: Tokens

    var peek: Token { tokens[position] }

    func peek(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if token.kind != .endOfFile { position += 1 }
        return token
    }

    mutating func consume(_ symbol: String) -> Bool {
        guard peek.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func consumeIdentifier(_ word: String) -> Bool {
        guard peek.isIdentifier(word) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expect(_ symbol: String) throws -> Token {
        guard peek.isSymbol(symbol) else { throw fail("expected \"\(symbol)\", found \(describe(peek))") }
        return advance()
    }

    mutating func expectIdentifier(_ what: String) throws -> Token {
        guard peek.kind == .identifier else { throw fail("expected \(what), found \(describe(peek))") }
        return advance()
    }

    mutating func expectString() throws -> Token {
        guard peek.kind == .string else { throw fail("expected a string literal, found \(describe(peek))") }
        return advance()
    }

    /// `ident ("." ident)*`.
    mutating func parseFullIdentifier() throws -> (String, SourceLocation) {
        let first = try expectIdentifier("a name")
        var name = first.text
        while consume(".") { name += "." + (try expectIdentifier("a name after '.'")).text }
        return (name, first.location)
    }

    /// A type reference: an optional leading `.` and a dotted name.
    mutating func parseTypeName() throws -> (String, SourceLocation) {
        let location = peek.location
        let dot = consume(".") ? "." : ""
        guard peek.kind == .identifier else { throw fail("expected a type name, found \(describe(peek))") }
        let (name, _) = try parseFullIdentifier()
        return (dot + name, location)
    }

    /// An integer literal with an optional `-`, checked against `range`.
    mutating func parseInteger(_ what: String, in range: ClosedRange<Int64>) throws -> (Int64, SourceLocation) {
        let location = peek.location
        let negative = consume("-")
        guard peek.kind == .integer else { throw fail("expected \(what), found \(describe(peek))", at: location) }
        let magnitude = advance().integerValue
        let value: Int64? = negative
            ? (magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil)
            : Int64(exactly: magnitude)
        guard let value, range.contains(value) else { throw fail("integer out of range", at: location) }
        return (value, location)
    }

    // MARK: Errors

    /// Logs an error (at the current token unless given) and returns the error to throw.
    mutating func fail(_ message: String, at location: SourceLocation? = nil) -> ParseAbort {
        log.error(message, at: location ?? peek.location)
        return ParseAbort()
    }

    mutating func error(_ message: String, at location: SourceLocation) {
        log.error(message, at: location)
    }

    mutating func warning(_ message: String, at location: SourceLocation) {
        log.warning(message, at: location)
    }

    /// Skips the rest of a broken statement: through the next `;` or balanced `{ }` block, or up
    /// to (not through) the `}` closing the enclosing block.
    mutating func skipStatement() {
        var depth = 0
        while peek.kind != .endOfFile {
            let token = advance()
            if token.isSymbol(";"), depth == 0 { return }
            if token.isSymbol("{") { depth += 1 }
            if token.isSymbol("}") {
                if depth == 0 {
                    position -= 1
                    return
                }
                depth -= 1
                if depth == 0 { return }
            }
        }
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfFile: "end of file"
        case .string: "string literal"
        case .identifier, .integer, .float, .symbol: "\"\(token.text)\""
        }
    }

    /// The documentation of a declaration: the comment above `first`, then the one after `last`.
    func doc(from first: Token, to last: Token) -> String {
        [first.leadingComment, last.trailingComment].compactMap { $0 }.joined(separator: "\n")
    }
}
