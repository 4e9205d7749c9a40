/// Every name defined by the loaded files, by fully-qualified name, as protoc's descriptor pool
/// keeps them: packages (and each of their prefixes), types, fields, oneofs, enum values (as
/// siblings of their enum), services, methods and extensions.
struct SymbolTable: Sendable {
    struct Symbol: Sendable {
        enum Kind: Sendable {
            case package, message, mapEntry, enumeration, enumValue, field, oneof, service, method, extensionField
        }

        var kind: Kind
        /// `ProtoFile.path` of the defining file (the first one, for packages).
        var file: String

        var isType: Bool { kind == .message || kind == .mapEntry || kind == .enumeration }
        /// Whether names can be looked up inside this symbol.
        var isAggregate: Bool { isType || kind == .service || kind == .package }
    }

    private(set) var symbols: [String: Symbol] = [:]
    /// Package name (or prefix) → every file declaring it or a sub-package.
    private(set) var packageFiles: [String: Set<String>] = [:]

    /// Records `package a.b.c` as `a`, `a.b` and `a.b.c`; returns an error message on a clash
    /// with a non-package symbol.
    mutating func addPackage(_ name: String, file: String) -> String? {
        var prefix = ""
        for component in name.split(separator: ".") {
            prefix = prefix.isEmpty ? String(component) : prefix + "." + component
            if let existing = symbols[prefix], existing.kind != .package {
                return "\"\(prefix)\" is already defined (as something other than a package) in file \"\(existing.file)\""
            }
            symbols[prefix] = symbols[prefix] ?? Symbol(kind: .package, file: file)
            packageFiles[prefix, default: []].insert(file)
        }
        return nil
    }

    /// Adds a symbol; returns protoc's message when the name is taken.
    mutating func add(_ fullName: String, kind: Symbol.Kind, file: String) -> String? {
        guard let existing = symbols[fullName] else {
            symbols[fullName] = Symbol(kind: kind, file: file)
            return nil
        }
        if existing.file != file || existing.kind == .package {
            return "\"\(fullName)\" is already defined in file \"\(existing.file)\""
        }
        guard let dot = fullName.lastIndex(of: ".") else { return "\"\(fullName)\" is already defined" }
        return "\"\(fullName[fullName.index(after: dot)...])\" is already defined in \"\(fullName[..<dot])\""
    }
}
