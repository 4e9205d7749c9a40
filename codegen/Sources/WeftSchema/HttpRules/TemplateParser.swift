/// The recursive-descent parser of `PathTemplateSyntax`'s grammar.
struct TemplateParser {
    let text: String
    private let characters: [Character]
    private var position = 0
    private var segments: [PathTemplateSyntax.Segment] = []
    private var variables: [PathTemplateSyntax.Variable] = []

    init(text: String) {
        self.text = text
        self.characters = Array(text)
    }

    mutating func parse() throws(PathTemplateError) -> ([PathTemplateSyntax.Segment], [PathTemplateSyntax.Variable], String?) {
        try expect("/")
        try parseSegments(insideVariable: false)
        var verb: String?
        if peek == ":" {
            position += 1
            verb = literal()
            guard let verb, !verb.isEmpty else { throw error("a verb after ':' must not be empty") }
        }
        guard position == characters.count else { throw error("unexpected '\(characters[position])'") }
        if let restIndex = segments.firstIndex(of: .rest), restIndex != segments.count - 1 {
            throw error("'**' must be the last segment")
        }
        let paths = variables.map(\.fieldPath)
        if Set(paths).count != paths.count { throw error("a field is bound twice") }
        return (segments, variables, verb)
    }

    private var peek: Character? { position < characters.count ? characters[position] : nil }

    private func error(_ message: String) -> PathTemplateError {
        PathTemplateError(template: text, offset: position, message: message)
    }

    private mutating func expect(_ character: Character) throws(PathTemplateError) {
        guard peek == character else { throw error("expected '\(character)'") }
        position += 1
    }

    private mutating func parseSegments(insideVariable: Bool) throws(PathTemplateError) {
        repeat {
            try parseSegment(insideVariable: insideVariable)
        } while consume("/")
    }

    private mutating func consume(_ character: Character) -> Bool {
        guard peek == character else { return false }
        position += 1
        return true
    }

    private mutating func parseSegment(insideVariable: Bool) throws(PathTemplateError) {
        if consume("*") {
            segments.append(consume("*") ? .rest : .single)
        } else if peek == "{" {
            guard !insideVariable else { throw error("variables cannot nest") }
            try parseVariable()
        } else {
            let text = literal()
            guard !text.isEmpty else { throw error("expected a segment") }
            segments.append(.literal(text))
        }
    }

    private mutating func parseVariable() throws(PathTemplateError) {
        try expect("{")
        let offset = position
        var fieldPath: [String] = []
        repeat {
            let identifier = identifierText()
            guard !identifier.isEmpty else { throw error("expected a field name") }
            fieldPath.append(identifier)
        } while consume(".")
        let first = segments.count
        if consume("=") {
            try parseSegments(insideVariable: true)
        } else {
            segments.append(.single)
        }
        try expect("}")
        variables.append(PathTemplateSyntax.Variable(fieldPath: fieldPath, range: first..<segments.count, offset: offset))
    }

    /// A literal segment: anything up to `/`, `:`, `{`, `}`, `*` or `=`.
    private mutating func literal() -> String {
        let start = position
        while let character = peek, !"/:{}*=".contains(character) { position += 1 }
        return String(characters[start..<position])
    }

    private mutating func identifierText() -> String {
        let start = position
        while let character = peek, character.isLetter || character.isNumber || character == "_" { position += 1 }
        return String(characters[start..<position])
    }
}
