/// Name derivations that protoc performs and that the checker must reproduce exactly.
enum NamingRules {
    /// `scope.name`, or `name` in the global scope.
    static func qualified(_ name: String, in scope: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    /// protoc's default JSON name: drop each `_` and upper-case the character after it.
    static func jsonName(of fieldName: String) -> String {
        var result = ""
        var capitalizeNext = false
        for character in fieldName {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The name of the nested entry message protoc generates for a map field:
    /// `foo_bar` → `FooBarEntry`.
    static func mapEntryName(of fieldName: String) -> String {
        var result = ""
        var capitalizeNext = true
        for character in fieldName {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result + "Entry"
    }

    /// An enum value's name with the enum's name removed from its front (ignoring case and
    /// underscores), PascalCased: protoc compares these to find values that would clash in
    /// generated code (`FOO_BAR` and `BAR` in `enum Foo`).
    static func strippedEnumValueName(_ valueName: String, enumName: String) -> String {
        pascalCase(removingPrefix(enumName, from: valueName))
    }

    private static func removingPrefix(_ enumName: String, from valueName: String) -> String {
        let prefix = Array(enumName.lowercased().filter { $0 != "_" })
        let value = Array(valueName)
        var i = 0
        var j = 0
        while i < value.count, j < prefix.count {
            if value[i] == "_" {
                i += 1
                continue
            }
            guard Character(value[i].lowercased()) == prefix[j] else { return valueName }
            i += 1
            j += 1
        }
        guard j == prefix.count else { return valueName }
        while i < value.count, value[i] == "_" { i += 1 }
        return i == value.count ? valueName : String(value[i...])
    }

    private static func pascalCase(_ name: String) -> String {
        var result = ""
        var upperNext = true
        for character in name {
            if character == "_" {
                upperNext = true
            } else {
                result += upperNext ? character.uppercased() : character.lowercased()
                upperNext = false
            }
        }
        return result
    }

    /// Whether `text` is a proto identifier: a letter or `_`, then letters, digits or `_`.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first == "_" || first.properties.isAlphabetic
        else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }
}
