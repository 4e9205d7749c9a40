/// `option` statements, bracketed field options and option values, including text-format
/// aggregates (`{ get: "/v1/x" additional_bindings { post: "/y" } }`).
extension Parser {
    /// `option name = value;`
    mutating func parseOptionStatement() throws -> OptionAssignment {
        advance()
        let option = try parseOptionAssignment()
        try expect(";")
        return option
    }

    /// `[name = value, ...]`
    mutating func parseOptionList() throws -> [OptionAssignment] {
        try expect("[")
        var options: [OptionAssignment] = []
        repeat {
            options.append(try parseOptionAssignment())
        } while consume(",")
        try expect("]")
        return options
    }

    /// A field's bracketed options; `json_name` also sets `jsonName`, `default` is rejected.
    mutating func parseFieldOptions(for field: inout FieldDecl, context: FieldContext) throws {
        field.options = try parseOptionList()
        for option in field.options {
            switch option.name {
            case "default":
                error("explicit default values are not allowed in proto3", at: option.location)
            case "json_name":
                guard case .string(let jsonName) = option.value else {
                    error("expected a string for json_name", at: option.location)
                    continue
                }
                if context == .extensionField {
                    error("option json_name is not allowed on extension fields", at: option.location)
                } else if jsonName.hasPrefix("["), jsonName.hasSuffix("]") {
                    error("the custom JSON name of field \"\(field.name)\" (\"\(jsonName)\") is invalid: JSON names may not start with '[' and end with ']'", at: option.location)
                }
                field.jsonName = jsonName
            default:
                break
            }
        }
    }

    private mutating func parseOptionAssignment() throws -> OptionAssignment {
        let location = peek.location
        let nameParts = try parseOptionName()
        try expect("=")
        let value = try parseOptionValue(in: location, path: nameParts.dropFirst().joined(separator: "."))
        return OptionAssignment(name: nameParts.joined(separator: "."), value: value, location: location)
    }

    /// `plain`, `(ext.name)`, `(.ext.name).sub.field`, as its dot-separated parts written without
    /// spaces.
    private mutating func parseOptionName() throws -> [String] {
        var parts: [String] = []
        repeat {
            if consume("(") {
                let dot = consume(".") ? "." : ""
                parts.append("(" + dot + (try parseFullIdentifier()).0 + ")")
                try expect(")")
            } else {
                parts.append(try expectIdentifier("an option name").text)
            }
        } while consume(".")
        return parts
    }

    /// The value of the option at `option`, whose values are recorded in `spans` under `path`.
    private mutating func parseOptionValue(in option: SourceLocation, path: String) throws -> OptionValue {
        guard peek.isSymbol("{") else {
            recordValueStart(in: option, path: path)
            return try parseScalarValue()
        }
        let end = matchingCloseIndex()
        do {
            return try parseAggregateValue(in: option, path: path)
        } catch {
            position = end
            throw error
        }
    }

    /// The position just after the `}` that closes the `{` at the current position, so a
    /// broken aggregate is skipped as a whole.
    private func matchingCloseIndex() -> Int {
        var depth = 0
        var index = position
        while index < tokens.count - 1 {
            let token = tokens[index]
            index += 1
            if token.isSymbol("{") { depth += 1 }
            if token.isSymbol("}") {
                depth -= 1
                if depth == 0 { break }
            }
        }
        return index
    }

    /// `{ ... }`, `< ... >` or a scalar, recording where it starts.
    private mutating func parseAggregateValue(in option: SourceLocation, path: String) throws -> OptionValue {
        recordValueStart(in: option, path: path)
        if consume("{") { return .aggregate(try parseAggregateEntries(closing: "}", in: option, path: path)) }
        if consume("<") { return .aggregate(try parseAggregateEntries(closing: ">", in: option, path: path)) }
        return try parseScalarValue()
    }

    /// Text-format entries up to `closing`: `key: value`, `key { ... }`, `key: [a, b]`, separated
    /// by optional `,` or `;`. Lists become one entry per element.
    private mutating func parseAggregateEntries(
        closing: String, in option: SourceLocation, path: String
    ) throws -> [(key: String, value: OptionValue)] {
        var entries: [(key: String, value: OptionValue)] = []
        while !consume(closing) {
            guard peek.kind != .endOfFile else { throw fail("expected \"\(closing)\", found end of file") }
            let key = try parseAggregateKey()
            let hasColon = consume(":")
            if consume("[") {
                if !consume("]") {
                    repeat {
                        entries.append(try parseEntryValue(key, after: entries, in: option, path: path))
                    } while consume(",")
                    try expect("]")
                }
            } else if hasColon || peek.isSymbol("{") || peek.isSymbol("<") {
                entries.append(try parseEntryValue(key, after: entries, in: option, path: path))
            } else {
                throw fail("expected \":\" after \"\(key)\", found \(describe(peek))")
            }
            if !consume(",") { _ = consume(";") }
        }
        return entries
    }

    /// The value of the entry `key` that follows `entries` in the aggregate at `path`.
    private mutating func parseEntryValue(
        _ key: String, after entries: [(key: String, value: OptionValue)], in option: SourceLocation, path: String
    ) throws -> (key: String, value: OptionValue) {
        let occurrence = entries.count { $0.key == key }
        return (key, try parseAggregateValue(in: option, path: SyntaxSpans.valuePath(path, key: key, occurrence: occurrence)))
    }

    /// Notes where the value at `path` of the option at `option` starts (`SyntaxSpans.optionValues`).
    private mutating func recordValueStart(in option: SourceLocation, path: String) {
        spans.optionValues[option, default: [:]][path] = peek.location
    }

    /// A field name, or `[extension.name]` / `[type.googleapis.com/pkg.Type]`.
    private mutating func parseAggregateKey() throws -> String {
        guard consume("[") else { return try expectIdentifier("a field name").text }
        var name = try parseFullIdentifier().0
        while consume("/") { name += "/" + (try parseFullIdentifier()).0 }
        try expect("]")
        return "[" + name + "]"
    }

    /// A number (optionally negative, `inf`, `nan`), `true`/`false`, an identifier, or adjacent
    /// string literals (concatenated).
    mutating func parseScalarValue() throws -> OptionValue {
        let location = peek.location
        if peek.kind == .string {
            let first = advance()
            var text = first.text
            while peek.kind == .string { text += advance().text }
            if first.isVerbatim, text == first.text { spans.verbatimStrings.insert(location) }
            return .string(text)
        }
        let negative = consume("-")
        let token = peek
        switch token.kind {
        case .integer:
            advance()
            guard negative else {
                return Int64(exactly: token.integerValue).map(OptionValue.integer) ?? .unsignedInteger(token.integerValue)
            }
            guard token.integerValue <= UInt64(Int64.max) + 1 else { throw fail("integer out of range", at: location) }
            return .integer(Int64(truncatingIfNeeded: 0 &- token.integerValue))
        case .float:
            advance()
            return .float(negative ? -token.floatValue : token.floatValue)
        case .identifier:
            advance()
            switch token.text.lowercased() {
            case "inf", "infinity": return .float(negative ? -.infinity : .infinity)
            case "nan": return .float(.nan)
            default: break
            }
            if negative { throw fail("expected a number after \"-\"", at: token.location) }
            switch token.text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .identifier(token.text)
            }
        case .string, .symbol, .endOfFile:
            throw fail("expected an option value, found \(describe(token))")
        }
    }
}
