import WeftRPC
import WeftSchema

/// A `google.api.http` path template (`PathTemplateSyntax` has the grammar), parsed once into a
/// small program that the matcher runs.
package struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One step of the compiled program.
    typealias Segment = PathTemplateSyntax.Segment
    /// A variable: which request field it fills and which segments it spans.
    typealias Variable = PathTemplateSyntax.Variable

    let segments: [Segment]
    let variables: [Variable]
    /// Each variable's field path joined with `.`, the key of its binding.
    private let bindingKeys: [String]
    let verb: String?
    /// Whether a `**` segment is among `segments`: without one, each segment takes exactly one
    /// part of a path, and where each starts needs no recording (`SegmentStarts.oneEach`).
    private let hasRest: Bool
    /// The template as written.
    package let description: String

    /// The field paths the template binds, e.g. `["name"]` or `["shelf", "book.id"]`.
    package var fieldPaths: [String] { bindingKeys }

    /// Parses `template`; a malformed one throws a `PathTemplateError` naming the position.
    package init(_ template: String) throws(PathTemplateError) {
        let syntax = try PathTemplateSyntax(template)
        (segments, variables, verb) = (syntax.segments, syntax.variables, syntax.verb)
        bindingKeys = variables.map { $0.fieldPath.joined(separator: ".") }
        hasRest = segments.contains(.rest)
        description = template
    }

    /// The same routes whatever the variables are called: two templates with equal shapes (and
    /// the same HTTP method) conflict.
    package var shape: String {
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
    package func match(_ path: String) -> PathBindings? {
        RequestPath(path).flatMap(match)
    }

    /// The field values a path split once (`RequestPath`) binds, or nil when it does not match:
    /// a route table tries every template on the same split, and decodes only the winner's values.
    func match(_ path: RequestPath) -> PathBindings? {
        guard let (parts, starts) = resolve(path) else { return nil }
        var bindings: [(key: String, value: String)] = []
        bindings.reserveCapacity(variables.count)
        for (variable, key) in zip(variables, bindingKeys) {
            let captured = parts[starts[variable.range.lowerBound]..<starts[variable.range.upperBound]]
            let value: String
            if !spansSegments(variable) {
                value = PercentCoding.decode(captured.first.map(String.init) ?? "", keepingSlashEncoded: false)
            } else if parts.count == path.segments.count, let first = captured.first, let last = captured.last {
                // The path's own segments are slices of one string, `/` between them: the value
                // is that stretch of it, decoded at once (its `/`s are literal, so they stay).
                value = PercentCoding.decode(String(first.base[first.startIndex..<last.endIndex]), keepingSlashEncoded: true)
            } else {
                value = captured.map { PercentCoding.decode(String($0), keepingSlashEncoded: true) }.joined(separator: "/")
            }
            bindings.append((key, value))
        }
        return PathBindings(bindings)
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
    private func resolve(_ path: RequestPath) -> (parts: [Substring], starts: SegmentStarts)? {
        if let starts = segmentStarts(in: path.segments, verb: path.verb) { return (path.segments, starts) }
        guard let split = path.slashSplit, variables.contains(where: spansSegments),
              let starts = segmentStarts(in: split.parts, verb: path.verb), keepsSplitsInVariables(split, starts: starts)
        else { return nil }
        return (split.parts, starts)
    }

    /// Whether every segment `%2F` split lies inside one variable that spans segments, all its
    /// parts in the same one.
    private func keepsSplitsInVariables(_ split: RequestPath.SlashSplit, starts: SegmentStarts) -> Bool {
        var owner = [Int?](repeating: nil, count: split.parts.count)
        for (index, variable) in variables.enumerated() where spansSegments(variable) {
            for part in starts[variable.range.lowerBound]..<starts[variable.range.upperBound] { owner[part] = index }
        }
        for part in split.parts.indices.dropFirst() where split.origins[part] == split.origins[part - 1] {
            guard let variable = owner[part], owner[part - 1] == variable else { return false }
        }
        return true
    }

    /// Where each template segment starts among `parts` (and where the last ends), or nil when
    /// they do not match.
    private func segmentStarts(in parts: [Substring], verb pathVerb: Substring?) -> SegmentStarts? {
        switch (pathVerb, verb) {
        case (nil, nil): break
        case (let sent?, let wanted?) where sent.utf8.elementsEqual(wanted.utf8): break
        default: return nil
        }
        var starts: [Int] = []
        if hasRest { starts.reserveCapacity(segments.count + 1) }
        var index = 0
        for segment in segments {
            if hasRest { starts.append(index) }
            switch segment {
            case .literal(let text):
                // Byte for byte, as RFC 3986 compares paths (and faster than String's equality).
                guard index < parts.count, parts[index].utf8.elementsEqual(text.utf8) else { return nil }
                index += 1
            case .single:
                guard index < parts.count, !parts[index].isEmpty else { return nil }
                index += 1
            case .rest:
                index = parts.count
            }
        }
        guard index == parts.count else { return nil }
        guard hasRest else { return .oneEach }
        starts.append(index)
        return .recorded(starts)
    }

    /// Where each template segment starts among a path's parts, one more entry for the end.
    private enum SegmentStarts {
        /// Segment `i` is part `i` (a template without `**`): nothing to allocate per request.
        case oneEach
        case recorded([Int])

        subscript(segment: Int) -> Int {
            switch self {
            case .oneEach: segment
            case .recorded(let starts): starts[segment]
            }
        }
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
        // Split on the UTF-8 bytes: `/` and `:` are ASCII, and Character-wise searching and
        // splitting (grapheme breaking) was a measurable part of every request.
        let bytes = path.utf8
        guard bytes.first == UInt8(ascii: "/") else { return nil }
        var bodyStart = bytes.index(after: bytes.startIndex)
        var bodyEnd = bytes.endIndex
        let lastSlash = bytes[bodyStart...].lastIndex(of: UInt8(ascii: "/"))
        let lastSegmentStart = lastSlash.map { bytes.index(after: $0) } ?? bodyStart
        if let colon = bytes[lastSegmentStart...].lastIndex(of: UInt8(ascii: ":")) {
            verb = path[bytes.index(after: colon)...]
            bodyEnd = colon
        } else {
            verb = nil
        }
        let body = path[bodyStart..<bodyEnd]
        var segments: [Substring] = []
        if bodyStart < bodyEnd {
            segments.reserveCapacity(4)
            var index = bodyStart
            while index < bodyEnd {
                if bytes[index] == UInt8(ascii: "/") {
                    segments.append(path[bodyStart..<index])
                    bodyStart = bytes.index(after: index)
                }
                index = bytes.index(after: index)
            }
            segments.append(path[bodyStart..<bodyEnd])
        }
        self.segments = segments
        // Most paths have no escape at all: nothing to split again.
        guard body.utf8.contains(UInt8(ascii: "%")) else {
            slashSplit = nil
            return
        }
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

/// A malformed path template (the schema compiler reports the same errors with the rule's
/// position).
package typealias PathTemplateError = WeftSchema.PathTemplateError
