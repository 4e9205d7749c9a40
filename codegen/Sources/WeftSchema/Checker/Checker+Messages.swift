/// Pass 3: the rules for messages and their fields (numbers, reserved, JSON names, packed).
extension Checker {
    /// 19000–19999 belong to the protobuf implementation.
    static let implementationReservedNumbers: ClosedRange<Int32> = 19000...19999

    mutating func validate(_ file: ProtoFile) {
        let messages = file.messages.includingNested
        for message in messages { validate(message, in: file) }
        for decl in file.enums + messages.flatMap(\.enums) { validate(decl, in: file) }
        for extend in file.extensions { validateOptions(of: extend.fields) }
    }

    private mutating func validate(_ message: MessageDecl, in file: ProtoFile) {
        validateReserved(message.reservedRanges, minimum: 1)
        var numbers: [Int32: String] = [:]
        for field in message.fields {
            let numberLocation = location(\.numbers, of: field.location, in: file)
            if field.number < 1 {
                log.error("field numbers must be positive integers", at: numberLocation)
            } else if Int64(field.number) > Parser.maxFieldNumber {
                log.error("field numbers cannot be greater than \(Parser.maxFieldNumber)", at: numberLocation)
            } else if Self.implementationReservedNumbers.contains(field.number) {
                log.error("field numbers 19000 through 19999 are reserved for the protocol buffer library implementation", at: numberLocation)
            } else if let other = numbers[field.number] {
                log.error("field number \(field.number) has already been used in \"\(message.fullName)\" by field \"\(other)\"", at: numberLocation)
            } else if message.reservedRanges.contains(where: { ($0.lower...$0.upper).contains(field.number) }) {
                log.error("field \"\(field.name)\" uses reserved number \(field.number)", at: numberLocation)
            }
            numbers[field.number] = numbers[field.number] ?? field.name
            if message.reservedNames.contains(field.name) {
                log.error("field name \"\(field.name)\" is reserved", at: field.location)
            }
        }
        validateOptions(of: message.fields)
        validateJSONNames(message.fields, useCustomNames: false)
        validateJSONNames(message.fields, useCustomNames: true)
        for extend in message.extensions { validateOptions(of: extend.fields) }
    }

    /// Reserved ranges must be well-formed and disjoint.
    mutating func validateReserved(_ ranges: [ReservedRange], minimum: Int32) {
        for (index, range) in ranges.enumerated() {
            if range.lower < minimum {
                log.error("reserved numbers must be positive integers", at: range.location)
            } else if range.upper < range.lower {
                log.error("reserved range end number must be greater than start number", at: range.location)
            } else if let other = ranges[..<index].first(where: { $0.lower <= range.upper && range.lower <= $0.upper }) {
                log.error("reserved range \(range.lower) to \(range.upper) overlaps with already-defined range \(other.lower) to \(other.upper)", at: range.location)
            }
        }
    }

    /// `packed` only applies to repeated scalar numeric and enum fields.
    private mutating func validateOptions(of fields: [FieldDecl]) {
        for field in fields {
            for option in field.options where option.name == "packed" && option.value == .bool(true) {
                if field.label != .repeated || !isPackable(field.type) {
                    log.error("[packed = true] can only be specified for repeated primitive fields", at: option.location)
                }
            }
        }
    }

    private func isPackable(_ type: FieldType) -> Bool {
        switch type {
        case .scalar(let scalar): scalar != .string && scalar != .bytes
        case .enumeration: true
        case .message, .map, .unresolved: false
        }
    }

    /// protoc's check, run twice: once on default JSON names only, once with `json_name`
    /// overrides (reporting only clashes that involve an override).
    private mutating func validateJSONNames(_ fields: [FieldDecl], useCustomNames: Bool) {
        var seen: [String: (field: String, isCustom: Bool)] = [:]
        for field in fields {
            let isCustom = useCustomNames && field.options.contains { $0.name == "json_name" }
            let jsonName = isCustom ? field.jsonName : NamingRules.jsonName(of: field.name)
            guard let other = seen[jsonName] else {
                seen[jsonName] = (field.name, isCustom)
                continue
            }
            // Same-name fields are already reported as duplicate symbols.
            if other.field == field.name || (useCustomNames && !isCustom && !other.isCustom) { continue }
            let kind = isCustom ? "custom" : "default"
            let otherKind = other.isCustom ? "custom" : "default"
            log.error("the \(kind) JSON name of field \"\(field.name)\" (\"\(jsonName)\") conflicts with the \(otherKind) JSON name of field \"\(other.field)\"", at: field.location)
        }
    }
}
