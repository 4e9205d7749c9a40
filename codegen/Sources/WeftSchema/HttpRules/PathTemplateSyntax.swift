/// A `google.api.http` path template, parsed into its segments, the variables that bind request
/// fields and its verb:
///
///     Template = "/" Segments [ Verb ] ;
///     Segments = Segment { "/" Segment } ;
///     Segment  = "*" | "**" | LITERAL | Variable ;
///     Variable = "{" FieldPath [ "=" Segments ] "}" ;
///     FieldPath = IDENT { "." IDENT } ;
///     Verb     = ":" LITERAL ;
///
/// `{name}` means `{name=*}`; `**` matches the rest of the path and may only come last.
public struct PathTemplateSyntax: Sendable, Hashable {
    /// One path segment of the template.
    public enum Segment: Sendable, Hashable {
        case literal(String)
        /// `*`: exactly one path segment.
        case single
        /// `**`: zero or more segments, the rest of the path.
        case rest
    }

    /// A variable: which request field it fills and which segments it spans.
    public struct Variable: Sendable, Hashable {
        /// The field path's names, e.g. `["book", "id"]` for `{book.id}`.
        public let fieldPath: [String]
        /// The segments the variable spans, as indices into `segments`.
        public let range: Range<Int>
        /// Where the field path starts in the template, in characters.
        public let offset: Int
    }

    public let segments: [Segment]
    public let variables: [Variable]
    /// The text after `:` at the end, if any.
    public let verb: String?

    /// Parses `template`; a malformed one throws a `PathTemplateError` naming the position.
    public init(_ template: String) throws(PathTemplateError) {
        var parser = TemplateParser(text: template)
        (segments, variables, verb) = try parser.parse()
    }
}

/// A malformed path template.
public struct PathTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public let template: String
    /// Where the template goes wrong, in characters.
    public let offset: Int
    public let message: String

    public var description: String { "path template \"\(template)\", at offset \(offset): \(message)" }
}
