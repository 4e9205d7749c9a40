/// Splits proto source text into tokens, attaching comments to the tokens they document.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private let file: String
    private var index = 0
    private var line = 1
    private var column = 1
    private var tokens: [Token] = []
    /// Comment blocks seen since the last token: text, first and last line, and whether it is
    /// a run of `//` lines (which merges with a `//` comment on the next line).
    private var pendingComments: [(text: [String], firstLine: Int, lastLine: Int, isLineComment: Bool)] = []
    private(set) var log = DiagnosticLog()

    init(source: String, file: String) {
        self.scalars = Array(source.unicodeScalars)
        self.file = file
    }

    /// Tokenizes the whole source; the last token is always `.endOfFile`.
    mutating func tokenize() -> [Token] {
        while true {
            skipWhitespace()
            guard let scalar = peek() else { break }
            let start = SourceLocation(file: file, line: line, column: column)
            if scalar == "/", peek(1) == "/" || peek(1) == "*" {
                lexComment(start: start)
            } else if isIdentifierStart(scalar) {
                emit(Token(kind: .identifier, text: consumeWhile(isIdentifierPart), location: start))
            } else if isDigit(scalar) || (scalar == "." && peek(1).map(isDigit) == true) {
                lexNumber(start: start)
            } else if scalar == "\"" || scalar == "'" {
                lexString(start: start)
            } else if scalar.isASCII, !scalar.properties.isWhitespace {
                advance()
                emit(Token(kind: .symbol, text: String(scalar), location: start))
            } else {
                advance()
                log.error("unexpected character '\(scalar)'", at: start)
            }
        }
        emit(Token(kind: .endOfFile, text: "", location: SourceLocation(file: file, line: line, column: column)))
        return tokens
    }

    // MARK: Tokens

    private mutating func emit(_ token: Token) {
        var token = token
        var blocks = pendingComments
        if let last = blocks.last, last.lastLine >= token.location.line - 1 {
            token.leadingComment = last.text.joined(separator: "\n")
            blocks.removeLast()
        }
        token.detachedComments = blocks.map { $0.text.joined(separator: "\n") }
        pendingComments = []
        tokens.append(token)
    }

    private mutating func lexNumber(start: SourceLocation) {
        if peek() == "0", let x = peek(1), x == "x" || x == "X" {
            advance(2)
            let digits = consumeWhile { $0.properties.isASCIIHexDigit }
            if digits.isEmpty { log.error("'0x' must be followed by hex digits", at: start) }
            finishInteger(text: "0x" + digits, radix: 16, digits: digits, start: start)
            return
        }
        var text = consumeWhile(isDigit)
        var isFloat = false
        if peek() == "." {
            isFloat = true
            advance()
            text += "." + consumeWhile(isDigit)
        }
        if let e = peek(), e == "e" || e == "E" {
            isFloat = true
            advance()
            text.unicodeScalars.append(e)
            if let sign = peek(), sign == "+" || sign == "-" {
                advance()
                text.unicodeScalars.append(sign)
            }
            let exponent = consumeWhile(isDigit)
            if exponent.isEmpty { log.error("'e' must be followed by exponent digits", at: start) }
            text += exponent
        }
        if isFloat {
            rejectIdentifierAfterNumber(start: start)
            var token = Token(kind: .float, text: text, location: start)
            token.floatValue = Double(text) ?? .nan
            emit(token)
        } else if text.count > 1, text.hasPrefix("0") {
            if text.contains(where: { $0 == "8" || $0 == "9" }) {
                log.error("numbers starting with a leading zero must be in octal", at: start)
            }
            finishInteger(text: text, radix: 8, digits: String(text.dropFirst()), start: start)
        } else {
            finishInteger(text: text, radix: 10, digits: text, start: start)
        }
    }

    private mutating func finishInteger(text: String, radix: Int, digits: String, start: SourceLocation) {
        rejectIdentifierAfterNumber(start: start)
        var token = Token(kind: .integer, text: text, location: start)
        if let value = UInt64(digits, radix: radix) {
            token.integerValue = value
        } else if !digits.isEmpty, digits.allSatisfy({ ($0.hexDigitValue ?? radix) < radix }) {
            log.error("integer literal is too large", at: start)
        }
        emit(token)
    }

    private mutating func rejectIdentifierAfterNumber(start: SourceLocation) {
        if let next = peek(), isIdentifierStart(next) {
            log.error("need space between number and identifier", at: start)
        }
    }

    private mutating func lexString(start: SourceLocation) {
        guard let quote = peek() else { return }
        advance()
        var bytes: [UInt8] = []
        var isVerbatim = true
        while true {
            guard let scalar = peek(), scalar != "\n" else {
                log.error("string literal is not terminated before the end of the line", at: start)
                break
            }
            advance()
            if scalar == quote { break }
            if scalar == "\\" {
                isVerbatim = false
                lexEscape(into: &bytes, start: start)
            } else {
                bytes.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        var token = Token(kind: .string, text: String(decoding: bytes, as: UTF8.self), location: start)
        token.isVerbatim = isVerbatim
        emit(token)
    }

    private mutating func lexEscape(into bytes: inout [UInt8], start: SourceLocation) {
        guard let escape = peek() else { return }
        advance()
        let simple: [Unicode.Scalar: UInt8] = [
            "a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
            "\\": 92, "?": 63, "'": 39, "\"": 34,
        ]
        if let byte = simple[escape] {
            bytes.append(byte)
        } else if escape == "x" || escape == "X" {
            let hex = consumeWhile(limit: 2) { $0.properties.isASCIIHexDigit }
            guard let value = UInt8(hex, radix: 16) else {
                log.error("expected hex digits after '\\x'", at: start)
                return
            }
            bytes.append(value)
        } else if ("0"..."7").contains(escape) {
            let octal = String(escape) + consumeWhile(limit: 2) { ("0"..."7").contains($0) }
            bytes.append(UInt8(truncatingIfNeeded: Int(octal, radix: 8) ?? 0))
        } else if escape == "u" || escape == "U" {
            let hex = consumeWhile(limit: escape == "u" ? 4 : 8) { $0.properties.isASCIIHexDigit }
            guard hex.count == (escape == "u" ? 4 : 8), let value = UInt32(hex, radix: 16),
                  let scalar = Unicode.Scalar(value) else {
                log.error("invalid unicode escape '\\\(escape)\(hex)'", at: start)
                return
            }
            bytes.append(contentsOf: Array(String(scalar).utf8))
        } else {
            log.error("invalid escape sequence '\\\(escape)' in string literal", at: start)
        }
    }

    // MARK: Comments

    private mutating func lexComment(start: SourceLocation) {
        let isLineComment = peek(1) == "/"
        advance(2)
        var lines: [String]
        if isLineComment {
            if peek() == "/" { advance() }
            lines = [stripOneSpace(consumeWhile { $0 != "\n" })]
        } else {
            var body = ""
            while true {
                guard let scalar = peek() else {
                    log.error("block comment is not terminated", at: start)
                    break
                }
                if scalar == "*", peek(1) == "/" {
                    advance(2)
                    break
                }
                advance()
                body.unicodeScalars.append(scalar)
            }
            lines = blockCommentLines(body)
        }
        let endLine = line
        if let previous = tokens.last, previous.location.line == start.line, pendingComments.isEmpty {
            if previous.trailingComment == nil, previous.kind != .endOfFile {
                tokens[tokens.count - 1].trailingComment = lines.joined(separator: "\n")
            }
            return
        }
        if isLineComment, let last = pendingComments.last, last.isLineComment, last.lastLine == start.line - 1 {
            pendingComments[pendingComments.count - 1].text += lines
            pendingComments[pendingComments.count - 1].lastLine = endLine
        } else {
            pendingComments.append((lines, start.line, endLine, isLineComment))
        }
    }

    /// The lines of a `/* */` comment body: a leading `*` on each line (and the second `*` of
    /// `/**`) is dropped, then one space, and trailing whitespace; blank first and last lines
    /// are removed.
    private func blockCommentLines(_ body: String) -> [String] {
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { offset, raw in
            var text = offset == 0 ? Substring(raw) : raw.drop { $0 == " " || $0 == "\t" }
            if text.hasPrefix("*") { text = text.dropFirst() }
            while let last = text.last, last.isWhitespace { text = text.dropLast() }
            return stripOneSpace(String(text))
        }
        while lines.first?.isEmpty == true, lines.count > 1 { lines.removeFirst() }
        while lines.last?.isEmpty == true, lines.count > 1 { lines.removeLast() }
        return lines
    }

    private func stripOneSpace(_ text: String) -> String {
        var text = text
        if text.hasSuffix("\r") { text.removeLast() }
        return text.hasPrefix(" ") ? String(text.dropFirst()) : text
    }

    // MARK: Scanning

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < scalars.count {
            if scalars[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
    }

    private mutating func skipWhitespace() {
        while let scalar = peek(), scalar.properties.isWhitespace { advance() }
    }

    private mutating func consumeWhile(limit: Int = .max, _ predicate: (Unicode.Scalar) -> Bool) -> String {
        var text = String.UnicodeScalarView()
        while text.count < limit, let scalar = peek(), predicate(scalar) {
            text.append(scalar)
            advance()
        }
        return String(text)
    }

    private func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    private func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool { isIdentifierStart(scalar) || isDigit(scalar) }
}
