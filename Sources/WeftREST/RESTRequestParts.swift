import WeftMessages

/// Where a request message's fields go on the wire, as the gateway reads them back: path
/// variables into the path, the body field (or the rest of the message, for `*`) as the JSON
/// body, and everything else into the query string, nested fields by dotted names
/// (`filter.author=…`) and repeated ones as repeated parameters.
struct RESTRequestParts {
    var path: String
    var query: [(name: String, value: String)] = []
    var body: [UInt8]?

    /// The parts of `request`, given as its proto3 JSON object written with proto field names
    /// (the names the template uses; the gateway takes them as it takes JSON names);
    /// `withDefaults` writes it with every default too, asked for only when a path field is
    /// missing (a path may hold `0` or an enum's first value, which proto3 JSON leaves out).
    init(route: RESTRoute, request: JSONValue, withDefaults: () throws -> JSONValue = { .null }) throws {
        let expansion = try PathExpansion(template: route.template)
        var rest = request
        path = try expansion.path { field in
            switch try request.member(at: field) ?? withDefaults().member(at: field) {
            case .string(let text)?: text
            case .number(let text)?: text
            case .bool(let value)?: value ? "true" : "false"
            default: nil
            }
        }
        for field in expansion.boundFields { rest = rest.removing(at: field[...]) }
        switch route.body {
        case "":
            break
        case "*":
            body = rest.utf8Bytes
            return
        default:
            // An unset body field is sent as `null` (unset), not as no body, which the gateway reads as `{}`.
            body = (request.member(at: route.body) ?? .null).utf8Bytes
            rest = rest.removing(at: route.body[...])
        }
        query = try Self.queryParameters(rest, prefix: "")
    }

    private static func queryParameters(_ value: JSONValue, prefix: String) throws -> [(name: String, value: String)] {
        switch value {
        case .null:
            return []
        case .object(let members):
            return try members.flatMap { name, member in
                try queryParameters(member, prefix: prefix.isEmpty ? name : prefix + "." + name)
            }
        case .array(let elements):
            return try elements.flatMap { element in
                if case .object = element { throw RESTRequestError("field \(prefix) is a list of messages, which a query string cannot carry") }
                return try queryParameters(element, prefix: prefix)
            }
        case .string(let text): return [(prefix, text)]
        case .number(let text): return [(prefix, text)]
        case .bool(let flag): return [(prefix, flag ? "true" : "false")]
        }
    }
}

extension JSONValue {
    /// The member at a dotted path of object keys, or nil.
    func member(at path: String) -> JSONValue? {
        var current = self
        for key in path.split(separator: ".") {
            guard case .object(let members) = current, let next = members.first(where: { $0.0 == key })?.1 else { return nil }
            current = next
        }
        return current
    }

    /// This value without the member at a dotted path (objects left empty stay).
    func removing(at path: Substring) -> JSONValue {
        guard case .object(var members) = self else { return self }
        let key = path.prefix { $0 != "." }
        guard let index = members.firstIndex(where: { $0.0 == key }) else { return self }
        if key.endIndex == path.endIndex {
            members.remove(at: index)
        } else {
            members[index].1 = members[index].1.removing(at: path[path.index(after: key.endIndex)...])
        }
        return .object(members)
    }
}
