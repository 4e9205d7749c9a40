/// Pass 3: the rules for enums.
extension Checker {
    mutating func validate(_ decl: EnumDecl, in file: ProtoFile) {
        guard let first = decl.values.first else {
            log.error("enums must contain at least one value", at: decl.location)
            return
        }
        if first.number != 0 {
            log.error("the first enum value must be zero in proto3", at: location(\.numbers, of: first.location, in: file))
        }
        validateReserved(decl.reservedRanges, minimum: .min)
        var byNumber: [Int32: String] = [:]
        var byStrippedName: [String: EnumValueDecl] = [:]
        var hasAlias = false
        for value in decl.values {
            let numberLocation = location(\.numbers, of: value.location, in: file)
            if let other = byNumber[value.number] {
                hasAlias = true
                if !decl.allowsAlias {
                    log.error("\"\(value.name)\" uses the same enum value as \"\(other)\"; if this is intended, set 'option allow_alias = true;' to the enum definition", at: numberLocation)
                }
            } else {
                byNumber[value.number] = value.name
            }
            if decl.reservedRanges.contains(where: { ($0.lower...$0.upper).contains(value.number) }) {
                log.error("enum value \"\(value.name)\" uses reserved number \(value.number)", at: numberLocation)
            }
            if decl.reservedNames.contains(value.name) {
                log.error("enum value \"\(value.name)\" is reserved", at: value.location)
            }
            let stripped = NamingRules.strippedEnumValueName(value.name, enumName: decl.name)
            if let other = byStrippedName[stripped] {
                if other.name != value.name, other.number != value.number {
                    log.error("enum value name \(value.name) has the same name as \(other.name) if you ignore case and strip out the enum name prefix (if any); if you are using allow_alias, assign the same number to both", at: value.location)
                }
            } else {
                byStrippedName[stripped] = value
            }
        }
        if let option = decl.options.first(where: { $0.name == "allow_alias" }) {
            if case .bool = option.value {} else {
                log.error("value must be \"true\" or \"false\" for boolean option \"allow_alias\"", at: option.location)
            }
            if decl.allowsAlias, !hasAlias {
                log.error("\"\(decl.fullName)\" declares 'option allow_alias = true;' but no enum values share a number; remove the option", at: option.location)
            }
        }
    }
}
