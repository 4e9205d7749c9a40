import WeftMessages
import WeftSchema

/// Builds an rpc's request message from an HTTP request the way its `google.api.http` rule
/// says: path variables fill their fields, the body fills the whole request (`body: "*"`) or
/// one field, and the remaining fields come from the query string (`a.b=1`, repeated keys for
/// repeated fields, enums by name).
package struct HTTPRequestMapping: Sendable {
    let schema: DynamicSchema
    let requestType: String
    /// `""` (no body), `"*"` or a top-level field name.
    let bodyField: String
    /// The request's top-level string fields outside oneofs, by the keys the JSON route resolves
    /// to them (proto and JSON names, as `DynamicSchema.fieldsByKey` has them): the fields
    /// `directBinary` writes.
    private let plainStringFields: [String: (number: UInt32, hasPresence: Bool)]

    /// A mapping into `requestType` with the rule's `body`.
    package init(schema: DynamicSchema, requestType: String, body: String) {
        self.schema = schema
        self.requestType = requestType
        self.bodyField = body
        var plainStringFields: [String: (number: UInt32, hasPresence: Bool)] = [:]
        for (key, field) in schema.fieldsByKey[requestType] ?? [:]
        where field.type == .scalar(.string) && field.label != .repeated && field.oneofIndex == nil {
            plainStringFields[key] = (UInt32(field.number), field.label == .optional)
        }
        self.plainStringFields = plainStringFields
    }

    /// Whether the rule reads the request body (`body` is `*` or a field).
    package var takesBody: Bool { !bodyField.isEmpty }

    /// The request message, binary-encoded. Bad input throws an error whose description says
    /// what was wrong (the gateway answers it with 400).
    package func requestBinary(pathBindings: PathBindings, query: [(String, String)], body: [UInt8]) throws -> [UInt8] {
        var root: JSONValue = .object([])
        switch bodyField {
        case "":
            if let direct = directBinary(pathBindings: pathBindings, query: query) { return direct }
        case "*":
            // The body is the request (the query is not read): straight to binary, then the path
            // variables as fields of their own. Protobuf merging lets the later value win and
            // merges nested ones into the body's messages; path fields are never repeated.
            return try wholeBodyBinary(body) + (try pathBinary(pathBindings))
        default:
            root = .object([(bodyField, try parseBody(body))])
        }
        return try requestBinary(pathBindings: pathBindings, query: query, into: root)
    }

    /// A client stream's request messages, binary-encoded: one per non-blank line of an NDJSON
    /// body, each with the path variables set (the rule's body must be `*`). A bad line throws
    /// naming its number.
    package func requestMessages(pathBindings: PathBindings, body: [UInt8]) throws -> [[UInt8]] {
        guard bodyField == "*" else { throw RequestMappingError("a stream of requests needs the rule's body to be \"*\"") }
        let fromPath = try pathBinary(pathBindings)
        var messages: [[UInt8]] = []
        for (index, line) in body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where line.contains(where: { !Self.isJSONWhitespace($0) }) {
            do {
                messages.append(try wholeBodyBinary(Array(line)) + fromPath)
            } catch {
                throw RequestMappingError("line \(index + 1) of the request stream: \(error)")
            }
        }
        return messages
    }

    /// A whole-body (`*`) request's JSON object, encoded.
    private func wholeBodyBinary(_ body: [UInt8]) throws -> [UInt8] {
        guard body.isEmpty || body.first(where: { !Self.isJSONWhitespace($0) }) == UInt8(ascii: "{") else {
            throw RequestMappingError("the request body must be a JSON object")
        }
        return body.isEmpty ? [] : try schema.binary(fromJSON: body, messageType: requestType)
    }

    /// The path variables alone, encoded (empty without any).
    private func pathBinary(_ pathBindings: PathBindings) throws -> [UInt8] {
        pathBindings.isEmpty ? [] : try requestBinary(pathBindings: pathBindings, query: [], into: .object([]))
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// `root` (the body's part of the request) with the path variables and the query parameters
    /// set, encoded.
    private func requestBinary(pathBindings: PathBindings, query: [(String, String)], into root: JSONValue) throws -> [UInt8] {
        var root = root
        let requestMessage = try schema.message(requestType)
        for (path, text) in pathBindings {
            let components = path.split(separator: ".").map(String.init)
            let leaf = try field(at: components, in: requestMessage, source: "path variable")
            root = root.setting(try jsonValue(text, for: leaf, source: "path variable \(path)"), at: components[...], appending: false)
        }
        if bodyField != "*" {
            for (name, text) in query {
                let components = name.split(separator: ".").map(String.init)
                // Fields the path or the body already set are not taken from the query.
                if pathBindings[name] != nil || components.first == bodyField { continue }
                let leaf = try field(at: components, in: requestMessage, source: "query parameter")
                let value = try jsonValue(text, for: leaf, source: "query parameter \(name)")
                root = root.setting(value, at: components[...], appending: leaf.label == .repeated)
            }
        }
        return try schema.binary(fromJSON: root.utf8Bytes, messageType: requestType)
    }

    /// The request written straight to binary when every path variable and query parameter
    /// sets a different top-level string field (a `GET /v1/products/{name}`): the bytes the
    /// JSON route below would give, without building, printing and parsing a JSON object. Nil
    /// for anything else: nested, repeated or non-string fields, or a field set twice.
    private func directBinary(pathBindings: PathBindings, query: [(String, String)]) -> [UInt8]? {
        // The fields are gathered on the stack: no list of them per request.
        withUnsafeTemporaryAllocation(of: (number: UInt32, text: String).self, capacity: pathBindings.count + query.count) { fields in
            var count = 0
            defer { fields.baseAddress?.deinitialize(count: count) }
            func take(_ key: String, _ text: String) -> Bool {
                guard let field = plainStringFields[key], !fields[..<count].contains(where: { $0.number == field.number }) else { return false }
                // An empty value is the default: proto3 leaves it out unless the field has presence.
                if !text.isEmpty || field.hasPresence {
                    (fields.baseAddress! + count).initialize(to: (field.number, text))
                    count += 1
                }
                return true
            }
            // In the JSON route's order: path variables by name, then the query as sent.
            for (key, text) in pathBindings where !take(key, text) { return nil }
            for (name, text) in query where pathBindings[name] == nil && !take(name, text) { return nil }
            var writer = WireWriter(capacity: 64)
            for (number, text) in fields[..<count] {
                writer.writeTag(number << 3 | 2)
                writer.writeString(text)
            }
            return writer.finish()
        }
    }

    private func parseBody(_ body: [UInt8]) throws -> JSONValue {
        guard !body.isEmpty else { return .object([]) }
        return try body.withUnsafeBytes { try JSONValue(parsing: $0) }
    }

    /// The field a dotted path names, walking nested messages.
    private func field(at components: [String], in message: MessageDecl, source: String) throws -> FieldDecl {
        var current = message
        for (index, name) in components.enumerated() {
            guard let field = schema.fieldsByKey[current.fullName]?[name] else {
                throw RequestMappingError("\(source) \(components.joined(separator: ".")): \(current.name) has no field \(name)")
            }
            if index == components.count - 1 { return field }
            guard case .message(let nested) = field.type, field.label != .repeated else {
                throw RequestMappingError("\(source) \(components.joined(separator: ".")): \(name) is not a message")
            }
            current = try schema.message(nested)
        }
        throw RequestMappingError("\(source) names no field")
    }

    /// Text from a path or query string as the JSON value the field's type expects.
    private func jsonValue(_ text: String, for field: FieldDecl, source: String) throws -> JSONValue {
        guard field.type.isSettableFromText else { throw RequestMappingError("\(source): field \(field.name) cannot be set from text") }
        guard field.type == .scalar(.bool) else {
            // Numbers go quoted: proto3 JSON accepts them so, and 64-bit values need it; enums
            // are names, and Timestamp, Duration and the wrappers have string forms.
            return .string(text)
        }
        guard text == "true" || text == "false" else { throw RequestMappingError("\(source): \"\(text)\" is not true or false") }
        return .bool(text == "true")
    }
}

/// An HTTP request that does not fit its rpc's request message (HTTP 400).
package struct RequestMappingError: Error, Sendable, CustomStringConvertible {
    package let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension JSONValue {
    /// This object with `value` at the member path `path` (objects created on the way; with
    /// `appending`, the value is added to an array there).
    func setting(_ value: JSONValue, at path: ArraySlice<String>, appending: Bool) -> JSONValue {
        guard let key = path.first else { return value }
        var members: [(String, JSONValue)] = []
        if case .object(let existing) = self { members = existing }
        let index = members.firstIndex { $0.0 == key }
        let current = index.map { members[$0].1 } ?? .object([])
        let updated: JSONValue
        if path.count == 1, appending {
            if case .array(let elements) = current { updated = .array(elements + [value]) } else { updated = .array([value]) }
        } else {
            updated = current.setting(value, at: path.dropFirst(), appending: appending)
        }
        if let index { members[index].1 = updated } else { members.append((key, updated)) }
        return .object(members)
    }
}
