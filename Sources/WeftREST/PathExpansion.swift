/// Fills a route's path template with the request's field values: each variable's value must
/// have the shape of its pattern (`products/*` takes `products/p1`), and each of its segments
/// is percent-encoded into its own path segment (a `/` inside a one-segment variable is sent as
/// `%2F`, which the gateway decodes into the field).
struct PathExpansion {
    /// The field paths (proto names, dotted) the template binds.
    private(set) var boundFields: [String] = []
    private let pieces: [Piece]

    private enum Piece {
        case text(Substring)
        case variable(field: String, pattern: [Substring])
    }

    init(template: String) throws {
        var pieces: [Piece] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            pieces.append(.text(rest[..<open]))
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw RESTRequestError("path template \(template) has an unclosed variable")
            }
            let inside = rest[rest.index(after: open)..<close]
            let field: Substring
            let pattern: [Substring]
            if let equals = inside.firstIndex(of: "=") {
                field = inside[..<equals]
                pattern = inside[inside.index(after: equals)...].split(separator: "/", omittingEmptySubsequences: false)
            } else {
                field = inside
                pattern = ["*"]
            }
            pieces.append(.variable(field: String(field), pattern: pattern))
            boundFields.append(String(field))
            rest = rest[rest.index(after: close)...]
        }
        pieces.append(.text(rest))
        self.pieces = pieces
    }

    /// The path with every variable replaced by its value, encoded; `value(field)` gives a
    /// field's text or nil when unset.
    func path(_ value: (String) throws -> String?) throws -> String {
        var path = ""
        for piece in pieces {
            switch piece {
            case .text(let text):
                path += text
            case .variable(let field, let pattern):
                guard let text = try value(field), !text.isEmpty else {
                    throw RESTRequestError("field \(field) is part of the path and must be set")
                }
                path += try Self.expand(text, field: field, pattern: pattern)
            }
        }
        return path
    }

    private static func expand(_ text: String, field: String, pattern: [Substring]) throws -> String {
        if pattern == ["*"] { return PercentEncoding.segment(text) }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        let shape = pattern.joined(separator: "/")
        let fits: Bool
        if pattern.last == "**" {
            fits = segments.count >= pattern.count - 1
                && zip(pattern.dropLast(), segments).allSatisfy { Self.matches($1, $0) }
        } else {
            fits = segments.count == pattern.count && zip(pattern, segments).allSatisfy { Self.matches($1, $0) }
        }
        guard fits else { throw RESTRequestError("field \(field) is \"\(text)\", which is not of the form \(shape)") }
        // Clients and proxies remove dot segments, which would send the call to another route.
        guard !segments.contains(where: { $0 == "." || $0 == ".." }) else {
            throw RESTRequestError("field \(field) is \"\(text)\", whose segments . and .. a path cannot carry")
        }
        return segments.map { PercentEncoding.segment(String($0)) }.joined(separator: "/")
    }

    private static func matches(_ segment: Substring, _ pattern: Substring) -> Bool {
        pattern == "*" ? !segment.isEmpty : segment == pattern
    }
}

/// RFC 3986 percent-encoding of a path segment or a query component: every byte but the
/// unreserved characters (letters, digits, `-._~`) as `%XX`.
enum PercentEncoding {
    static func segment(_ text: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                encoded += "%"
                encoded.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                encoded.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return encoded
    }
}
