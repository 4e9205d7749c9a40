/// Proto → Swift naming rules: lowerCamelCase members, UpperCamelCase types, escaped keywords.
enum SwiftNaming {
    /// Words Swift reserves that must be escaped with backticks when used as identifiers.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
        "init", "inout", "internal", "let", "open", "operator", "private", "precedencegroup",
        "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
        "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough",
        "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while",
        "as", "false", "is", "nil", "super", "throws", "true", "try", "_", "Any", "Self", "self",
        "Type", "Protocol", "async", "await", "some", "any", "consume", "copy", "borrowing",
        "consuming", "discard",
    ]

    /// Member names a generated message or enum already uses for itself.
    static let reservedMembers: Set<String> = [
        "unknownFields", "descriptor", "encode", "decodeFields", "writeJSON", "mergeJSON",
        "serializedBytes", "serializedData", "jsonString", "jsonUTF8Bytes", "hashValue", "hash",
        "rawValue", "protoName", "allCases", "unrecognized", "self",
    ]

    /// Type names generated code itself refers to; a schema type with one of these names gets a
    /// `Message` or `Enum` suffix so the generated references stay unambiguous.
    static let reservedTypes: Set<String> = [
        "String", "Data", "Int", "Int32", "Int64", "UInt32", "UInt64", "Float", "Double", "Bool",
        "Array", "Dictionary", "Optional", "Error", "Encoder", "Decoder", "Hasher", "Sendable",
        "Hashable", "Codable", "Equatable", "Type", "Protocol", "Self", "Any", "WireWriter",
        "WireReader", "JSONWriter", "JSONReader", "UnknownFields", "MessageDescriptor",
        "FieldDescriptor", "EnumDescriptor", "WeftMessage", "WeftEnum", "WeftBox", "ProtoString",
        // What service stubs name: their own nested types, their generic parameter, the RPC runtime.
        "Client", "Handler", "Result", "ServerContext", "CallOptions", "RequestStream", "ResponseWriter",
        "RequestWriter", "ResponseStream", "ClientResponse", "ClientCalls", "ServerMethod",
        "ServiceDescriptor", "MethodDescriptor", "HttpRuleDescriptor",
    ]

    /// `f_int32` → `fInt32`; a leading run of capitals is lowered as one word (`URLPath` →
    /// `urlPath`).
    static func lowerCamel(_ name: String) -> String {
        let upper = upperCamel(name)
        guard let first = upper.first else { return upper }
        guard first.isUppercase else { return upper }
        let chars = Array(upper)
        var runEnd = 0
        while runEnd < chars.count, chars[runEnd].isUppercase { runEnd += 1 }
        // In "URLPath" the run is "URLP"; the last capital starts the next word.
        let lowerCount = runEnd == chars.count || runEnd == 1 ? runEnd : runEnd - 1
        return String(chars[..<lowerCount]).lowercased() + String(chars[lowerCount...])
    }

    /// `line_item` → `LineItem`, `order_state` → `OrderState`; existing capitals are kept.
    static func upperCamel(_ name: String) -> String {
        var result = ""
        var capitalizeNext = true
        for char in name {
            if char == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += char.uppercased()
                capitalizeNext = false
            } else {
                result.append(char)
            }
            if char.isNumber { capitalizeNext = true }
        }
        return result.isEmpty ? "_" : result
    }

    /// A property name for a field: lowerCamelCase, escaped, never clashing with generated members.
    static func propertyName(_ protoName: String) -> String {
        var name = lowerCamel(protoName)
        if reservedMembers.contains(name) { name += "_" }
        return name
    }

    /// A type name for a message, enum or oneof, never clashing with types generated code uses.
    static func typeName(_ protoName: String, suffix: String) -> String {
        reservedTypes.contains(protoName) ? protoName + suffix : protoName
    }

    /// Escapes a keyword with backticks for use as a declaration or reference.
    static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// An enum case name: the enum's UPPER_SNAKE prefix is dropped (`COLOR_RED` in `Color` →
    /// `red`) when what remains is a valid identifier, then lowerCamelCase.
    static func enumCaseName(_ valueName: String, enumName: String) -> String {
        let prefix = upperSnake(enumName) + "_"
        var stem = valueName
        if valueName.uppercased().hasPrefix(prefix), valueName.count > prefix.count {
            let rest = String(valueName.dropFirst(prefix.count))
            if let first = rest.first, !first.isNumber { stem = rest }
        }
        var name = lowerCamel(stem.lowercased())
        if reservedMembers.contains(name) { name += "_" }
        return name
    }

    /// `OrderState` → `ORDER_STATE`.
    static func upperSnake(_ camel: String) -> String {
        var result = ""
        var previousWasLower = false
        for char in camel {
            if char.isUppercase, previousWasLower { result += "_" }
            result += char.uppercased()
            previousWasLower = char.isLowercase || char.isNumber
        }
        return result
    }

    /// A Swift string literal for `text` (quotes, backslashes and control characters escaped).
    static func stringLiteral(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
