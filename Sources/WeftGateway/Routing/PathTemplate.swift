import WeftRPC

/// A `google.api.http` path template, parsed once into a small program that the matcher runs:
///
///     Template = "/" Segments [ Verb ] ;
///     Segments = Segment { "/" Segment } ;
///     Segment  = "*" | "**" | LITERAL | Variable ;
///     Variable = "{" FieldPath [ "=" Segments ] "}" ;
///     FieldPath = IDENT { "." IDENT } ;
///     Verb     = ":" LITERAL ;
///
/// `{name}` means `{name=*}`; `**` matches the rest of the path and may only come last.
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One step of the compiled program.
    enum Segment: Sendable, Hashable {
        case literal(String)
        /// `*`: exactly one path segment.
        case single
        /// `**`: zero or more segments, the rest of the path.
        case rest
    }

    /// A variable: which request field it fills and which segments it spans.
    struct Variable: Sendable, Hashable {
        let fieldPath: [String]
        let range: Range<Int>
    }

    let segments: [Segment]
    let variables: [Variable]
    let verb: String?
    /// The template as written.
    public let description: String

    /// The field paths the template binds, e.g. `["name"]` or `["shelf", "book.id"]`.
    public var fieldPaths: [String] { variables.map { $0.fieldPath.joined(separator: ".") } }

    /// Parses `template`; a malformed one throws a `PathTemplateError` naming the position.
    public init(_ template: String) throws(PathTemplateError) {
        var parser = TemplateParser(text: template)
        (segments, variables, verb) = try parser.parse()
        description = template
    }

    /// The same routes whatever the variables are called: two templates with equal shapes (and
    /// the same HTTP method) conflict.
    public var shape: String {
        let body = segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .single: "*"
            case .rest: "**"
            }
        }
        return "/" + body.joined(separator: "/") + (verb.map { ":" + $0 } ?? "")
    }

    /// The field values `path` binds, or nil when it does not match. `path` excludes the query.
    /// Values are percent-decoded; a value that spans segments keeps its `/` separators and an
    /// encoded `/` inside one of its segments stays `%2F`. When the path matches only with `%2F`
    /// read as `/` inside such a value (`/v1/products%2Fx` for `{name=products/*}`, the way
    /// OpenAPI clients send it), those escapes are separators: `name` is `products/x`.
    public func match(_ path: String) -> [String: String]? {
        RequestPath(path).flatMap(match)
    }

    /// The field values a path split once (`RequestPath`) binds, or nil when it does not match:
    /// a route table tries every template on the same split, and decodes only the winner's values.
    func match(_ path: RequestPath) -> [String: String]? {
        guard let (parts, starts) = resolve(path) else { return nil }
        var bindings: [String: String] = [:]
        for variable in variables {
            let captured = parts[starts[variable.range.lowerBound]..<starts[variable.range.upperBound]]
            let value = spansSegments(variable)
                ? captured.map { PercentCoding.decode(String($0), keepingSlashEncoded: true) }.joined(separator: "/")
                : PercentCoding.decode(captured.first.map(String.init) ?? "", keepingSlashEncoded: false)
            bindings[variable.fieldPath.joined(separator: ".")] = value
        }
        return bindings
    }

    /// Whether the path matches, without decoding what it binds.
    func matches(_ path: RequestPath) -> Bool {
        resolve(path) != nil
    }

    /// Whether `variable` may hold several segments (`{name=shelves/*}`, `{path=**}`): its value
    /// keeps an encoded `/` encoded, as google.api.http's reserved expansion says.
    func spansSegments(_ variable: Variable) -> Bool {
        variable.range.count > 1 || segments[variable.range.lowerBound] == .rest
    }

    /// The parts of `path` the template's segments take, and where each template segment starts
    /// among them: the path's segments as sent when they match; otherwise, when that fails, its
    /// segments split again at `%2F` where a split segment lies wholly inside one variable that
    /// spans segments. An OpenAPI client sends a path parameter percent-encoded, `/` included, so
    /// `{name=products/*}` arrives as `/v1/products%2Fx`; a literal outside a variable is never
    /// matched this way.
    private func resolve(_ path: RequestPath) -> (parts: [Substring], starts: [Int])? {
        if let starts = segmentStarts(in: path.segments, verb: path.verb) { return (path.segments, starts) }
        guard let split = path.slashSplit, variables.contains(where: spansSegments),
              let starts = segmentStarts(in: split.parts, verb: path.verb), keepsSplitsInVariables(split, starts: starts)
        else { return nil }
        return (split.parts, starts)
    }

    /// Whether every segment `%2F` split lies inside one variable that spans segments, all its
    /// parts in the same one.
    private func keepsSplitsInVariables(_ split: RequestPath.SlashSplit, starts: [Int]) -> Bool {
        var owner = [Int?](repeating: nil, count: split.parts.count)
        for (index, variable) in variables.enumerated() where spansSegments(variable) {
            for part in starts[variable.range.lowerBound]..<starts[variable.range.upperBound] { owner[part] = index }
        }
        for part in split.parts.indices.dropFirst() where split.origins[part] == split.origins[part - 1] {
            guard let variable = owner[part], owner[part - 1] == variable else { return false }
        }
        return true
    }

    /// Where each template segment starts among `parts` (one more entry for the end), or nil
    /// when they do not match.
    private func segmentStarts(in parts: [Substring], verb pathVerb: Substring?) -> [Int]? {
        guard pathVerb.map(String.init) == verb else { return nil }
        var starts: [Int] = []
        starts.reserveCapacity(segments.count + 1)
        var index = 0
        for segment in segments {
            starts.append(index)
            switch segment {
            case .literal(let text):
                guard index < parts.count, parts[index] == text else { return nil }
                index += 1
            case .single:
                guard index < parts.count, !parts[index].isEmpty else { return nil }
                index += 1
            case .rest:
                index = parts.count
            }
        }
        guard index == parts.count else { return nil }
        starts.append(index)
        return starts
    }
}

/// A request path split once into its segments and its `:verb` (after the last `/`).
struct RequestPath {
    /// The segments split again at every `%2F` (or `%2f`) in them.
    struct SlashSplit {
        let parts: [Substring]
        /// The index of the segment each part comes from.
        let origins: [Int]
    }

    let segments: [Substring]
    let verb: Substring?
    /// Nil when no segment holds an encoded `/`.
    let slashSplit: SlashSplit?

    /// Nil unless `path` starts with `/`.
    init?(_ path: String) {
        guard path.hasPrefix("/") else { return nil }
        var body = Substring(path.dropFirst())
        let lastSegmentStart = body.lastIndex(of: "/").map { body.index(after: $0) } ?? body.startIndex
        if let colon = body[lastSegmentStart...].lastIndex(of: ":") {
            verb = body[body.index(after: colon)...]
            body = body[..<colon]
        } else {
            verb = nil
        }
        segments = body.isEmpty ? [] : body.split(separator: "/", omittingEmptySubsequences: false)
        var parts: [Substring] = []
        var origins: [Int] = []
        for (index, segment) in segments.enumerated() {
            let pieces = Self.splitAtEncodedSlashes(segment)
            parts += pieces
            origins += repeatElement(index, count: pieces.count)
        }
        slashSplit = parts.count == segments.count ? nil : SlashSplit(parts: parts, origins: origins)
    }

    /// `segment`'s parts between `%2F` escapes (one part when it has none).
    private static func splitAtEncodedSlashes(_ segment: Substring) -> [Substring] {
        let bytes = segment.utf8
        var parts: [Substring] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%"), let last = bytes.index(index, offsetBy: 2, limitedBy: bytes.endIndex),
               last < bytes.endIndex, bytes[bytes.index(after: index)] == UInt8(ascii: "2"), bytes[last] | 0x20 == UInt8(ascii: "f") {
                parts.append(segment[start..<index])
                index = bytes.index(after: last)
                start = index
            } else {
                index = bytes.index(after: index)
            }
        }
        parts.append(segment[start..<bytes.endIndex])
        return parts
    }
}

/// A malformed path template.
public struct PathTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public let template: String
    public let offset: Int
    public let message: String

    public var description: String { "path template \"\(template)\", at offset \(offset): \(message)" }
}

/// The recursive-descent parser of the grammar above.
struct TemplateParser {
    let text: String
    private let characters: [Character]
    private var position = 0
    private var segments: [PathTemplate.Segment] = []
    private var variables: [PathTemplate.Variable] = []

    init(text: String) {
        self.text = text
        self.characters = Array(text)
    }

    mutating func parse() throws(PathTemplateError) -> ([PathTemplate.Segment], [PathTemplate.Variable], String?) {
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
        variables.append(PathTemplate.Variable(fieldPath: fieldPath, range: first..<segments.count))
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
