import WeftRPC
import WeftSchema

/// A `google.api.http` path template (`PathTemplateSyntax` has the grammar), parsed once into a
/// small program that the matcher runs.
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One step of the compiled program.
    typealias Segment = PathTemplateSyntax.Segment
    /// A variable: which request field it fills and which segments it spans.
    typealias Variable = PathTemplateSyntax.Variable

    let segments: [Segment]
    let variables: [Variable]
    let verb: String?
    /// The template as written.
    public let description: String

    /// The field paths the template binds, e.g. `["name"]` or `["shelf", "book.id"]`.
    public var fieldPaths: [String] { variables.map { $0.fieldPath.joined(separator: ".") } }

    /// Parses `template`; a malformed one throws a `PathTemplateError` naming the position.
    public init(_ template: String) throws(PathTemplateError) {
        let syntax = try PathTemplateSyntax(template)
        (segments, variables, verb) = (syntax.segments, syntax.variables, syntax.verb)
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
    /// Values are percent-decoded; a multi-segment value keeps its `/` separators.
    public func match(_ path: String) -> [String: String]? {
        RequestPath(path).flatMap(match)
    }

    /// The field values a path split once (`RequestPath`) binds, or nil when it does not match:
    /// a route table tries every template on the same split, and decodes only the winner's values.
    func match(_ path: RequestPath) -> [String: String]? {
        guard let starts = segmentStarts(in: path) else { return nil }
        var bindings: [String: String] = [:]
        for variable in variables {
            let captured = path.segments[starts[variable.range.lowerBound]..<starts[variable.range.upperBound]]
            let multiSegment = variable.range.count > 1 || segments[variable.range.lowerBound] == .rest
            let value = multiSegment
                ? captured.map { PercentCoding.decode(String($0), keepingSlashEncoded: true) }.joined(separator: "/")
                : PercentCoding.decode(captured.first.map(String.init) ?? "", keepingSlashEncoded: false)
            bindings[variable.fieldPath.joined(separator: ".")] = value
        }
        return bindings
    }

    /// Whether the path matches, without decoding what it binds.
    func matches(_ path: RequestPath) -> Bool {
        segmentStarts(in: path) != nil
    }

    /// Where each template segment starts among the path's segments (one more entry for the
    /// end), or nil when the path does not match.
    private func segmentStarts(in path: RequestPath) -> [Int]? {
        guard path.verb.map(String.init) == verb else { return nil }
        let parts = path.segments
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
    let segments: [Substring]
    let verb: Substring?

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
    }
}

/// A malformed path template (the schema compiler reports the same errors with the rule's
/// position).
public typealias PathTemplateError = WeftSchema.PathTemplateError
