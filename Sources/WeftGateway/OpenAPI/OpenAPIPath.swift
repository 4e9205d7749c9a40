/// A path template as the OpenAPI document writes it, for clients generated from the document:
/// literal segments stay in the path and every wildcard is a parameter of one segment.
/// `/v1/{name=shelves/*/books/*}` is `/v1/shelves/{shelf}/books/{book}`, and `name` is
/// `shelves/{shelf}/books/{book}`: a client sends each parameter percent-encoded into its own
/// segment, which is what the gateway's route matches. (Written as `/v1/{name}`, the client
/// would send `/v1/shelves%2Fs1%2Fbooks%2Fb1`; the gateway takes that too, but generators and
/// readers do better with the literals.)
struct OpenAPIPath {
    /// What a parameter matches.
    enum Kind: Equatable {
        /// A whole variable of one segment (`{name}`), percent-decoded into the field, `/` too.
        case variable
        /// A `*` of a variable that spans segments: one non-empty segment, in which an encoded
        /// `/` would stay encoded (so the document allows none).
        case segment
        /// A `**`: the rest of the path, `/` separators included (sent unencoded; an encoded one
        /// stays encoded in the field).
        case rest
    }

    /// One path parameter.
    struct Parameter {
        /// Its name in the document: letters, digits and `_`, unique in the path.
        var name: String
        /// The request field it fills, or fills part of (`name`, `book.name`).
        let fieldPath: String
        let kind: Kind
    }

    /// A piece of the path or of a field's value: text, or the parameter at an index.
    private enum Piece {
        case text(String)
        case parameter(Int)
    }

    private(set) var parameters: [Parameter]
    private let pathPieces: [Piece]
    private let fieldPieces: [(fieldPath: String, value: [Piece])]

    /// The key of the path item, e.g. `/v1/shelves/{shelf}/books/{book}:archive`.
    var path: String { render(pathPieces) }

    /// Each variable's field and its value in terms of the parameters, e.g.
    /// `("name", "shelves/{shelf}/books/{book}")`.
    var fields: [(fieldPath: String, value: String)] { fieldPieces.map { ($0.fieldPath, render($0.value)) } }

    /// The path with the parameters' names left out: OpenAPI forbids two paths that differ only
    /// in those, so paths of one shape share their names (`named(like:)`).
    var shape: String {
        pathPieces.map { piece in
            switch piece {
            case .text(let text): text
            case .parameter: "{}"
            }
        }.joined()
    }

    init(_ template: PathTemplate) {
        var pathPieces: [Piece] = []
        var parameters: [Parameter] = []
        var fieldPieces: [(fieldPath: String, value: [Piece])] = []
        var index = 0
        while index < template.segments.count {
            guard let variable = template.variables.first(where: { $0.range.lowerBound == index }) else {
                pathPieces.append(.text("/" + Self.text(template.segments[index])))
                index += 1
                continue
            }
            let fieldPath = variable.fieldPath.joined(separator: ".")
            var value: [Piece] = []
            if template.spansSegments(variable) {
                var previousLiteral: String?
                for segment in template.segments[variable.range] {
                    if !value.isEmpty { value.append(.text("/")) }
                    if case .literal(let text) = segment {
                        value.append(.text(text))
                        previousLiteral = text
                    } else {
                        // Named after the collection before it: `shelves/*` → `shelf`.
                        let name = previousLiteral.map(Self.singular) ?? fieldPath
                        parameters.append(Parameter(name: name, fieldPath: fieldPath, kind: segment == .rest ? .rest : .segment))
                        value.append(.parameter(parameters.count - 1))
                        previousLiteral = nil
                    }
                }
            } else {
                parameters.append(Parameter(name: fieldPath, fieldPath: fieldPath, kind: .variable))
                value = [.parameter(parameters.count - 1)]
            }
            pathPieces.append(.text("/"))
            pathPieces += value
            fieldPieces.append((fieldPath: fieldPath, value: value))
            index = variable.range.upperBound
        }
        if let verb = template.verb { pathPieces.append(.text(":" + verb)) }
        self.pathPieces = pathPieces
        self.fieldPieces = fieldPieces
        self.parameters = parameters
        rename(parameters.map(\.name))
    }

    /// This path with the parameter names of `other`, a path of the same shape.
    func named(like other: OpenAPIPath) -> OpenAPIPath {
        var renamed = self
        renamed.rename(other.parameters.map(\.name))
        return renamed
    }

    /// Gives the parameters `names`, made identifiers and unique in the path.
    private mutating func rename(_ names: [String]) {
        var taken: Set<String> = []
        for (index, name) in names.enumerated() {
            parameters[index].name = Self.claim(Self.identifier(name), separator: "_", in: &taken)
        }
    }

    private func render(_ pieces: [Piece]) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .parameter(let index): "{\(parameters[index].name)}"
            }
        }.joined()
    }

    private static func text(_ segment: PathTemplate.Segment) -> String {
        switch segment {
        case .literal(let text): text
        case .single: "*"
        case .rest: "**"
        }
    }

    /// A collection's name in the singular, by English's common rules: `shelves` → `shelf`,
    /// `categories` → `category`, `boxes` → `box`, `products` → `product`.
    static func singular(_ plural: String) -> String {
        if plural.hasSuffix("ies") { return String(plural.dropLast(3)) + "y" }
        if plural.hasSuffix("lves") { return String(plural.dropLast(3)) + "f" }
        if ["sses", "xes", "ches", "shes"].contains(where: plural.hasSuffix) { return String(plural.dropLast(2)) }
        if plural.hasSuffix("s"), !plural.hasSuffix("ss") { return String(plural.dropLast()) }
        return plural
    }

    /// `base`, or `base` with a number (2, 3…) after `separator` when it is taken; added to `taken`.
    static func claim(_ base: String, separator: String, in taken: inout Set<String>) -> String {
        var unique = base
        var number = 2
        while taken.contains(unique) {
            unique = base + separator + String(number)
            number += 1
        }
        taken.insert(unique)
        return unique
    }

    /// `name` with every character but ASCII letters, digits and `_` as `_` (`book.name` →
    /// `book_name`), and not starting with a digit: a name every generator takes.
    static func identifier(_ name: String) -> String {
        var result = String(name.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
                ? Character(scalar) : "_"
        })
        if result.isEmpty || result.first!.isNumber { result = "_" + result }
        return result
    }
}
