/// Messages, fields, oneofs, enums, `reserved` and `extend`.
extension Parser {
    /// The largest field number: 2^29 - 1.
    static let maxFieldNumber: Int64 = 536_870_911

    mutating func parseMessage() throws -> MessageDecl {
        let keyword = advance()
        let name = try expectIdentifier("a message name")
        var message = MessageDecl(name: name.text, fullName: name.text, location: name.location)
        let open = try expect("{")
        message.doc = doc(from: keyword, to: open)
        try parseBlock { parser in try parser.parseMessageStatement(into: &message) }
        return message
    }

    /// Parses statements until the closing `}`, recovering from errors statement by statement.
    mutating func parseBlock(_ statement: (inout Parser) throws -> Void) throws {
        while !consume("}") {
            guard peek.kind != .endOfFile else { throw fail("expected \"}\", found end of file") }
            if consume(";") { continue }
            do {
                try statement(&self)
            } catch {
                skipStatement()
            }
        }
    }

    private mutating func parseMessageStatement(into message: inout MessageDecl) throws {
        let token = peek
        switch token.kind == .identifier ? token.text : "" {
        case "message": message.messages.append(try parseMessage())
        case "enum": message.enums.append(try parseEnum())
        case "extend": message.extensions.append(try parseExtend())
        case "option": message.options.append(try parseOptionStatement())
        case "oneof": try parseOneof(into: &message)
        case "reserved":
            try parseReserved(maxValue: Self.maxFieldNumber, ranges: &message.reservedRanges, names: &message.reservedNames)
        case "extensions": throw fail("extension ranges are not allowed in proto3")
        default: message.fields.append(try parseField(context: .message))
        }
    }

    // MARK: Fields

    enum FieldContext {
        case message, oneof, extensionField
    }

    /// `[label] type name = number [options];` or `map<K, V> name = number [options];`.
    mutating func parseField(context: FieldContext) throws -> FieldDecl {
        let first = peek
        var label = FieldLabel.singular
        let labelWord = ["optional", "repeated", "required"].first { peek.isIdentifier($0) }
        if let labelWord {
            advance()
            if context == .oneof {
                error("fields in oneofs must not have labels (required / optional / repeated)", at: first.location)
            } else if labelWord == "required" {
                error("required fields are not allowed in proto3", at: first.location)
            }
            label = labelWord == "repeated" ? .repeated : labelWord == "optional" ? .optional : .singular
        }
        if peek.isIdentifier("group") { throw fail("groups are not supported in proto3 syntax") }
        let type: FieldType
        let typeLocation: SourceLocation
        if peek.isIdentifier("map"), peek(1).isSymbol("<") {
            if labelWord != nil, context != .oneof {
                error("field labels (required/optional/repeated) are not allowed on map fields", at: first.location)
            }
            if context == .oneof { error("map fields are not allowed in oneofs", at: peek.location) }
            if context == .extensionField { error("map fields are not allowed to be extensions", at: peek.location) }
            (type, typeLocation) = try parseMapType()
            label = .repeated
        } else {
            let (typeName, location) = try parseTypeName()
            type = ScalarType(rawValue: typeName).map(FieldType.scalar) ?? .unresolved(typeName)
            typeLocation = location
        }
        let name = try expectIdentifier("a field name")
        try expect("=")
        let (number, numberLocation) = try parseInteger("a field number", in: 0...Int64(Int32.max))
        var field = FieldDecl(
            name: name.text, number: Int32(number), label: label, type: type,
            jsonName: NamingRules.jsonName(of: name.text), location: name.location
        )
        if peek.isSymbol("[") { try parseFieldOptions(for: &field, context: context) }
        let end = try expect(";")
        field.doc = doc(from: first, to: end)
        spans.types[field.location] = typeLocation
        spans.numbers[field.location] = numberLocation
        return field
    }

    /// `map<K, V>`; the key must be an integral or string scalar.
    private mutating func parseMapType() throws -> (FieldType, SourceLocation) {
        advance()
        try expect("<")
        let (keyName, keyLocation) = try parseTypeName()
        try expect(",")
        let (valueName, valueLocation) = try parseTypeName()
        try expect(">")
        let value = ScalarType(rawValue: valueName).map(FieldType.scalar) ?? .unresolved(valueName)
        guard let key = ScalarType(rawValue: keyName) else {
            throw fail("key in map fields cannot be enum or message types (\"\(keyName)\"); use an integral or string type", at: keyLocation)
        }
        if [.float, .double, .bytes].contains(key) {
            throw fail("key in map fields cannot be float/double, bytes or message types", at: keyLocation)
        }
        return (.map(key: key, value: value), valueLocation)
    }

    private mutating func parseOneof(into message: inout MessageDecl) throws {
        let keyword = advance()
        let name = try expectIdentifier("a oneof name")
        let open = try expect("{")
        var oneof = OneofDecl(name: name.text, doc: doc(from: keyword, to: open), location: name.location)
        let index = message.oneofs.count
        var fields: [FieldDecl] = []
        try parseBlock { parser in
            if parser.peek.isIdentifier("option") {
                oneof.options.append(try parser.parseOptionStatement())
            } else {
                var field = try parser.parseField(context: .oneof)
                field.label = .singular
                field.oneofIndex = index
                fields.append(field)
            }
        }
        if fields.isEmpty { error("a oneof must contain at least one field", at: name.location) }
        message.oneofs.append(oneof)
        message.fields += fields
    }

    // MARK: Enums

    mutating func parseEnum() throws -> EnumDecl {
        let keyword = advance()
        let name = try expectIdentifier("an enum name")
        var decl = EnumDecl(name: name.text, fullName: name.text, location: name.location)
        let open = try expect("{")
        decl.doc = doc(from: keyword, to: open)
        try parseBlock { parser in
            switch parser.peek.kind == .identifier ? parser.peek.text : "" {
            case "option": decl.options.append(try parser.parseOptionStatement())
            case "reserved":
                try parser.parseReserved(maxValue: Int64(Int32.max), ranges: &decl.reservedRanges, names: &decl.reservedNames)
            default: decl.values.append(try parser.parseEnumValue())
            }
        }
        return decl
    }

    private mutating func parseEnumValue() throws -> EnumValueDecl {
        let name = try expectIdentifier("an enum value name")
        try expect("=")
        let (number, numberLocation) = try parseInteger("an enum value number", in: Int64(Int32.min)...Int64(Int32.max))
        var value = EnumValueDecl(name: name.text, number: Int32(number), location: name.location)
        if peek.isSymbol("[") { value.options = try parseOptionList() }
        let end = try expect(";")
        value.doc = doc(from: name, to: end)
        spans.numbers[value.location] = numberLocation
        return value
    }

    // MARK: Reserved

    /// `reserved 1, 5 to 9, 100 to max;` or `reserved "a", "b";`, appended to what the
    /// enclosing message or enum already reserves.
    private mutating func parseReserved(maxValue: Int64, ranges: inout [ReservedRange], names: inout [String]) throws {
        advance()
        if peek.kind == .string {
            repeat {
                let token = try expectString()
                if !NamingRules.isIdentifier(token.text) {
                    warning("reserved name \"\(token.text)\" is not a valid identifier", at: token.location)
                }
                if names.contains(token.text) {
                    error("name \"\(token.text)\" is reserved multiple times", at: token.location)
                } else {
                    names.append(token.text)
                }
            } while consume(",")
        } else {
            repeat {
                let (lower, location) = try parseInteger("a field number range", in: Int64(Int32.min)...Int64(Int32.max))
                var upper = lower
                if consumeIdentifier("to") {
                    if consumeIdentifier("max") {
                        upper = maxValue
                    } else {
                        upper = try parseInteger("the end of the range", in: Int64(Int32.min)...Int64(Int32.max)).0
                    }
                }
                ranges.append(ReservedRange(lower: Int32(lower), upper: Int32(upper), location: location))
            } while consume(",")
        }
        try expect(";")
    }

    // MARK: Extend

    mutating func parseExtend() throws -> ExtendDecl {
        let keyword = advance()
        let (extendee, location) = try parseTypeName()
        let open = try expect("{")
        var decl = ExtendDecl(extendee: extendee, doc: doc(from: keyword, to: open), location: location)
        try parseBlock { parser in decl.fields.append(try parser.parseField(context: .extensionField)) }
        return decl
    }
}
